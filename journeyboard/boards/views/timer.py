"""The workshop timer's one endpoint: facilitators start, pause, resume, extend and stop it."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_htmx.http import reswap

from .. import timer
from ..access import get_board_for_user
from .errors import refusal

TIMER_TEMPLATE = "boards/timer.html"

ACTIONS = {
    "pause": timer.pause,
    "resume": timer.resume,
    "add_minute": timer.add_minute,
    "stop": timer.stop,
}


def _start(actor, board, data):
    seconds = timer.duration_seconds(data.get("minutes"), data.get("seconds"))
    return timer.start(actor, board, seconds)


@login_required
@require_POST
def board_timer(request, board_id):
    """`action` = start (with `minutes` and/or `seconds`) | pause | resume | add_minute | stop.

    Answers with the timer (`#timer`) as it now is (without htmx: back to the board);
    everyone else gets it over the socket.
    """
    board = get_board_for_user(request.user, board_id, facilitator=True)
    action = request.POST.get("action", "")
    try:
        if action == "start":
            changed = _start(request.user, board, request.POST)
        elif action in ACTIONS:
            changed = ACTIONS[action](request.user, board)
        else:
            raise ValidationError(_("Unknown timer action."))
    except ValidationError as error:
        # Text for the toast; htmx swaps 422 answers, so tell it to leave the timer alone.
        return reswap(refusal(" ".join(error.messages)), "none")
    if not request.htmx:
        return redirect(board)
    # The same for every role: the facilitator's controls sit next to it, not inside.
    return render(request, f"{TIMER_TEMPLATE}#timer", timer.timer_context(changed))
