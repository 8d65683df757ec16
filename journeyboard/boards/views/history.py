"""The history panel, undo and redo.

Undo and redo answer with the change they made rendered exactly as the broadcast renders
it for everybody else (boards/fragments.py: out-of-band swaps for this page's role and
language). The broadcast skips the page that made the change, so this answer is how that
page shows it, through the same partials; the buttons post with `hx-swap="none"`, and htmx
still applies out-of-band swaps. An `HX-Trigger` event carries a sentence for the toast.
"""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST
from django_htmx.http import trigger_client_event

from journeyboard.converters import parse_id

from ..access import get_board_for_user
from ..fragments import render_answer
from ..history import Refused, redo, undo
from ..rendering import viewer_flags
from ..timeline import describe_one, history_page
from .errors import refusal

HISTORY = "boards/history.html"


@login_required
@require_GET
def board_history(request, board_id):
    # Requested by itself (on opening the panel, after changes, for older pages), so
    # access is decided here, never in the template. Any member may read it.
    board = get_board_for_user(request.user, board_id)
    before = request.GET.get("before") or None
    if before is not None:
        # ASCII digits within the database's range: "²" is a digit to str.isdigit, not to int.
        before = parse_id(before)
        if before is None:
            return refusal(_("“before” must be a revision number."), status=400)
    page = history_page(board, before=before)
    partial = "history-page" if before is not None else "history"
    return render(request, f"{HISTORY}#{partial}", {**viewer_flags(board), **page})


@login_required
@require_POST
def board_undo(request, board_id):
    # The toast names the change that was undone (the event the undo reverts).
    return _step(request, board_id, undo, _("Undone: %(what)s"), lambda event: event.reverts)


@login_required
@require_POST
def board_redo(request, board_id):
    # A redo does the undone change again: its own event says what.
    return _step(request, board_id, redo, _("Redone: %(what)s"), lambda event: event)


def _step(request, board_id, service, message, subject):
    board = get_board_for_user(request.user, board_id, write=True)
    try:
        event = service(request.user, board)
    except Refused as refused:
        return refusal(str(refused), status=409)
    response = HttpResponse(render_answer(event, board.membership))
    what = describe_one(board, subject(event))
    return trigger_client_event(response, "jb:history-step", {"message": message % {"what": what}})
