"""Cards with their badge counts: the one queryset every render of the card partial reads.

A departure from the framework's habits, kept for a figure (docs/architecture.md,
"Departures from the framework's defaults"): the queryset is built once per board and kept,
and every use clones it (`.filter(...)`, `.select_related(...)`). Building the two badge
subqueries (comments; votes of the board's latest round) costs more than running them, and a
card edit needs them twice (the broadcast's rendering and the view's own fetch).

It relies on a QuerySet that is only ever chained, never evaluated: chaining clones the query
and leaves the original as it was, so one kept queryset serves every thread.
`tests/test_badged.py` pins that behaviour and fails if an upgrade changes it, or if any code
evaluates the kept queryset (its results would be kept with it).
"""

from functools import lru_cache

from .comments import with_comment_count
from .models import Card
from .voting import with_votes

BOARDS_KEPT = 256  # one small queryset per board with open pages


def with_badges(cards, board_id=None):
    """Cards annotated with what their badges show (`comment_count`, `vote_count`), as
    subqueries (no extra query). The latest round is a subquery too, so a kept queryset
    never goes stale when a round starts or closes."""
    return with_votes(with_comment_count(cards), board_id)


@lru_cache(maxsize=BOARDS_KEPT)
def badged_cards(board_id):
    """Cards with their badge counts (the votes of `board_id`'s round), to fetch and render
    cards of that board. Chain it; never evaluate it (see the module's docstring)."""
    return with_badges(Card.objects.all(), board_id)
