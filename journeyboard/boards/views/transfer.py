"""The JSON format over HTTP: export a board, import a file as a new board; and a file's
cards added to a board (importing.py), answered as any change."""

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST
from django_htmx.http import trigger_client_event

from ..access import get_board_for_user, refuse_guests
from ..changes import collecting
from ..forms import ImportForm
from ..importing import import_cards, read_document
from ..rendering import render_board_fragment
from ..spreadsheet import import_spreadsheet, is_spreadsheet
from ..transfer import export_board, import_board, parse_json
from .answers import changed
from .boards import LIST_TEMPLATE, _list_context


@login_required
@require_GET
def board_export_json(request, board_id):
    board = get_board_for_user(request.user, board_id)
    return JsonResponse(export_board(board), json_dumps_params={"ensure_ascii": False, "indent": 2})


@login_required
@require_POST
def board_import(request):
    refuse_guests(request.user)
    form = ImportForm(request.POST, request.FILES)
    errors = []
    if form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            # Read one byte past the limit, so an oversized file is refused without reading it all.
            raw = upload.read(settings.IMPORT_MAX_BYTES + 1)
            if is_spreadsheet(upload.name):
                board = import_spreadsheet(request.user, upload.name, raw)
            else:
                board = import_board(request.user, parse_json(raw))
        except ValidationError as error:
            errors = error.messages
        else:
            return redirect(board)
    else:
        errors = [_("Choose a JSON file to import.")]
    context = _list_context(request, import_form=form, import_errors=errors)
    return render(request, LIST_TEMPLATE, context, status=422)


@login_required
@require_POST
def board_import_cards(request, board_id):
    """A CSV, XLSX or JSON file's cards added to this board as one change. Refused: 422
    with the form and every problem (bounded), nothing saved."""
    board = get_board_for_user(request.user, board_id, write=True)
    form = ImportForm(request.POST, request.FILES)
    if not form.is_valid():
        return _import_refused(request, board, [_("Choose a JSON, CSV or XLSX file to import.")])
    upload = form.cleaned_data["file"]
    # One byte past the limit: an oversized file is refused without reading it all.
    raw = upload.read(settings.IMPORT_MAX_BYTES + 1)
    try:
        with collecting() as made:
            event = import_cards(request.user, board, read_document(upload.name, raw))
    except ValidationError as error:
        return _import_refused(request, board, error.messages)
    if not request.htmx:
        return redirect(board)
    count = len(event.data["cards"])
    message = ngettext("%(count)d card added to the board.", "%(count)d cards added to the board.", count) % {"count": count}
    # The page closes the form and says how many (board.js); the board comes as any change.
    return trigger_client_event(changed(board, made), "jb:imported", {"message": message})


def _import_refused(request, board, errors):
    return render_board_fragment(request, board, "import-cards", status=422, import_errors=errors)
