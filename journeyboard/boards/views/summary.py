"""The pain points & opportunities panel: any member may read it, viewers included."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.views.decorators.http import require_GET

from ..access import get_board_for_user
from ..rendering import viewer_flags
from ..summary import summarize

SUMMARY = "boards/summary.html#summary"


@login_required
@require_GET
def board_summary(request, board_id):
    # The panel asks for this fragment by itself (on opening, and after every change),
    # so access is decided here and never in the template.
    board = get_board_for_user(request.user, board_id)
    return render(request, SUMMARY, {**viewer_flags(board), "summary": summarize(board)})
