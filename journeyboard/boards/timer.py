"""The workshop timer: a countdown a facilitator runs and every screen shows.

It lives in the server's clock, on the board row: running means `timer_ends_at` is set,
paused means `timer_paused_remaining` (seconds) is set, stopped means neither. Pages
count down themselves from `ends_at` and the server's `now` at render time, so a reload
or someone joining late sees the same remaining time as everyone else. A timer that has
run out keeps showing 0:00 ("Time's up") until it is stopped or started again.

Every action goes through `board_change`/`record` ("timer.changed"), so it is broadcast
like any other change; a refused action raises ValidationError and changes nothing.
"""

import math
from datetime import timedelta

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from .changes import board_change, record

MIN_SECONDS = 1
MAX_SECONDS = 2 * 60 * 60  # a workshop exercise, not a day: longer is a typo
MINUTE = 60
PRESETS = (3, 5, 10)  # minutes, the facilitator's one-click starts

RUNNING, PAUSED, STOPPED = "running", "paused", "stopped"
TIMER_FIELDS = ["timer_ends_at", "timer_paused_remaining", "timer_duration"]


# --- reading ------------------------------------------------------------------------


def clock(seconds):
    """m:ss, as the page shows it (the page's script formats the same way): 90 -> "1:30"."""
    return f"{seconds // 60}:{seconds % 60:02d}"


def timer_state(board, now):
    """What the timer shows at `now`: {"state", "remaining" (whole seconds, rounded up, so
    it reads 0:00 only once time is really up), "ends_at" (ISO, running only), "duration",
    "expired", "clock"}."""
    if board.timer_ends_at is not None:
        left = (board.timer_ends_at - now).total_seconds()
        remaining = max(0, math.ceil(left))
        state, ends_at = RUNNING, board.timer_ends_at.isoformat(timespec="milliseconds")
    elif board.timer_paused_remaining is not None:
        remaining, state, ends_at = board.timer_paused_remaining, PAUSED, None
    else:
        remaining, state, ends_at = 0, STOPPED, None
    return {
        "state": state,
        "remaining": remaining,
        "ends_at": ends_at,
        "duration": board.timer_duration,
        "expired": state == RUNNING and remaining == 0,
        "clock": clock(remaining),
    }


def timer_context(board, now=None):
    """What templates/boards/timer.html needs: the state and the server's `now` it was
    computed at (the page corrects its own clock's skew with it)."""
    now = now or timezone.now()
    return {
        "timer": timer_state(board, now),
        "server_now": now.isoformat(timespec="milliseconds"),
        "timer_presets": PRESETS,
    }


# --- changing -----------------------------------------------------------------------


def duration_seconds(minutes=None, seconds=None):
    """Whole seconds from optional minutes and seconds (numbers or their text, minutes may
    have a fraction: "1.5"); ValidationError with a sentence for anything else."""
    total = 0.0
    given = False
    for value, factor in ((minutes, MINUTE), (seconds, 1)):
        if value is None or (isinstance(value, str) and not value.strip()):
            continue
        given = True
        try:
            number = float(str(value).strip().replace(",", "."))
        except ValueError:
            raise ValidationError(_("The timer's length must be a number of minutes or seconds.")) from None
        if not math.isfinite(number):
            raise ValidationError(_("The timer's length must be a number of minutes or seconds."))
        total += number * factor
    if not given:
        raise ValidationError(_("Give the timer a length in minutes or seconds."))
    if not math.isfinite(total):  # 1e308 minutes: finite as given, not once in seconds
        raise ValidationError(
            _("A timer runs for at most %(minutes)d minutes.") % {"minutes": MAX_SECONDS // MINUTE}
        )
    return round(total)


def _check_length(seconds):
    if seconds < MIN_SECONDS:
        raise ValidationError(_("A timer must run for at least one second."))
    if seconds > MAX_SECONDS:
        raise ValidationError(
            _("A timer runs for at most %(minutes)d minutes.") % {"minutes": MAX_SECONDS // MINUTE}
        )


def _save(board, actor, action, now):
    board.save(update_fields=TIMER_FIELDS)
    record(board, actor, "timer.changed", action=action, **timer_state(board, now))
    return board


def start(actor, board, seconds):
    """Start (or restart) a countdown of `seconds`, 1 s to MAX_SECONDS."""
    if isinstance(seconds, bool) or not isinstance(seconds, int):
        raise ValidationError(_("The timer's length must be a whole number of seconds."))
    _check_length(seconds)
    with board_change(board.pk) as board:
        now = timezone.now()
        board.timer_ends_at = now + timedelta(seconds=seconds)
        board.timer_paused_remaining = None
        board.timer_duration = seconds
        return _save(board, actor, "start", now)


def pause(actor, board):
    with board_change(board.pk) as board:
        now = timezone.now()
        state = timer_state(board, now)
        if state["state"] != RUNNING:
            raise ValidationError(_("The timer is not running."))
        if state["expired"]:
            raise ValidationError(_("Time is up already: stop the timer or start a new one."))
        board.timer_ends_at = None
        board.timer_paused_remaining = state["remaining"]
        return _save(board, actor, "pause", now)


def resume(actor, board):
    with board_change(board.pk) as board:
        now = timezone.now()
        if board.timer_paused_remaining is None:
            raise ValidationError(_("The timer is not paused."))
        board.timer_ends_at = now + timedelta(seconds=board.timer_paused_remaining)
        board.timer_paused_remaining = None
        return _save(board, actor, "resume", now)


def add_minute(actor, board):
    """One minute more, running or paused; a timer that ran out runs again for a minute."""
    with board_change(board.pk) as board:
        now = timezone.now()
        state = timer_state(board, now)
        if state["state"] == STOPPED:
            raise ValidationError(_("There is no timer to add time to."))
        _check_length(state["remaining"] + MINUTE)
        if state["state"] == RUNNING:
            board.timer_ends_at = max(board.timer_ends_at, now) + timedelta(seconds=MINUTE)
        else:
            board.timer_paused_remaining += MINUTE
        return _save(board, actor, "add_minute", now)


def stop(actor, board):
    with board_change(board.pk) as board:
        now = timezone.now()
        if timer_state(board, now)["state"] == STOPPED:
            raise ValidationError(_("There is no timer to stop."))
        board.timer_ends_at = board.timer_paused_remaining = board.timer_duration = None
        return _save(board, actor, "stop", now)
