"""The JSON format over HTTP: export a board, import a file as a new board."""

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from ..access import get_board_for_user, refuse_guests
from ..forms import ImportForm
from ..spreadsheet import import_spreadsheet, is_spreadsheet
from ..transfer import export_board, import_board, parse_json
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
