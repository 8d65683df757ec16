"""Compare two states of a board (boards/compare_page.py): the board now, a saved version,
the linked future or current state. Read-only, open to every member, like the board."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.views.decorators.http import require_GET

from ..access import get_board_for_user
from ..compare_page import BadReference, choices, comparison_page, default_refs, side
from ..rendering import viewer_flags


def compared(request, board_id):
    """The board, what may be compared on it, and the two sides the query names (or the
    default ones); BadReference or Http404 for a reference that names nothing here."""
    board = get_board_for_user(request.user, board_id)
    found = choices(board, request.user)
    default_a, default_b = default_refs(found.options())
    ref_a, ref_b = request.GET.get("a") or default_a, request.GET.get("b") or default_b
    return board, found, side(board, ref_a, found), side(board, ref_b, found)


@login_required
@require_GET
def board_compare(request, board_id):
    try:
        board, found, side_a, side_b = compared(request, board_id)
    except BadReference as error:
        return render(request, "error.html", {"message": str(error), "status": 400}, status=400)
    context = {
        **viewer_flags(board),
        **comparison_page(side_a, side_b),
        "can_write": False,
        "options": found.options(),
    }
    return render(request, "boards/compare.html", context)
