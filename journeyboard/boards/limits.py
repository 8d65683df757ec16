"""How big a board may grow: phases, rows and cards per board (docs/limits.md).

One board is one page, one broadcast and one export: past some size every one of them gets
slow for everybody on it, and a script could otherwise fill the database through one board.
The limits are settings (JOURNEYBOARD_MAX_PHASES, JOURNEYBOARD_MAX_ROWS, JOURNEYBOARD_MAX_CARDS), generous enough
for the 20 phases × 500 cards board of the benchmarks. Every way a board grows checks them
the same way: a new card or phase, an import, a copy.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import ngettext

from .models import Card, Phase


def max_phases():
    return settings.JOURNEYBOARD_MAX_PHASES


def max_rows():
    return settings.JOURNEYBOARD_MAX_ROWS


def rows_error():
    limit = max_rows()
    return ngettext("A board has at most %(limit)d row.", "A board has at most %(limit)d rows.", limit) % {
        "limit": limit
    }


def check_rows(rows):
    """Refuse a board of `rows` rows if it is over the limit (rows are checked under the
    board's lock by the row services, and by import before anything is saved)."""
    if rows > max_rows():
        raise ValidationError(rows_error(), code="too_many_rows")


def max_versions():
    return settings.JOURNEYBOARD_MAX_VERSIONS


def check_versions(saved):
    """Refuse one more version of a board that keeps `saved` already: every version is a whole
    copy of the board, so without a limit one board could fill the database."""
    limit = max_versions()
    if saved >= limit:
        message = ngettext(
            "A board keeps at most %(limit)d version. Delete one to save another.",
            "A board keeps at most %(limit)d versions. Delete one to save another.",
            limit,
        ) % {"limit": limit}
        raise ValidationError(message, code="too_many_versions")


def max_cards():
    return settings.JOURNEYBOARD_MAX_CARDS


def phases_error():
    limit = max_phases()
    return ngettext(
        "A board has at most %(limit)d phase.", "A board has at most %(limit)d phases.", limit
    ) % {"limit": limit}


def cards_error():
    limit = max_cards()
    return ngettext("A board has at most %(limit)d card.", "A board has at most %(limit)d cards.", limit) % {
        "limit": limit
    }


def check_size(phases, cards):
    """Refuse a board of `phases` phases and `cards` cards if it is over a limit."""
    if phases > max_phases():
        raise ValidationError(phases_error(), code="too_many_phases")
    if cards > max_cards():
        raise ValidationError(cards_error(), code="too_many_cards")


def check_room(board, phases=0, cards=0):
    """Refuse adding `phases` phases and `cards` cards to `board` past a limit. Called inside
    the board's change, under its lock, so two additions cannot both take the last place."""
    current_phases = Phase.objects.filter(board=board).count() if phases else 0
    current_cards = Card.objects.filter(phase__board=board).count() if cards else 0
    check_size(current_phases + phases, current_cards + cards)


def too_many_errors():
    """How many problems of a refused import are listed; the rest are only counted."""
    return settings.JOURNEYBOARD_IMPORT_MAX_ERRORS


def more_problems(count):
    return ngettext("… and %(count)d more problem.", "… and %(count)d more problems.", count) % {"count": count}
