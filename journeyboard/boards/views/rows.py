"""Row endpoints (the journey grid's horizontal bands). Every row change re-renders the
board body, on this page and every other (answers.py). Bad input is a plain-text 422
(the page shows it as a toast) and changes nothing."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ..access import get_board_for_user
from ..changes import collecting
from ..forms import PositionForm, RowForm, with_current_values
from ..models import Row
from ..rows import create_row, delete_row, move_row, update_row
from .answers import changed
from .errors import refusal


def _row(board, row_id):
    return get_object_or_404(Row, pk=row_id, board=board)


def _form_refusal(form):
    return refusal(" ".join(f"{form.fields[name].label}: {message}" for name, messages in form.errors.items() for message in messages))


@login_required
@require_POST
def row_create(request, board_id):
    board = get_board_for_user(request.user, board_id, write=True)
    form = RowForm(request.POST)
    if not form.is_valid():
        return _form_refusal(form)
    try:
        with collecting() as made:
            create_row(request.user, board, **form.cleaned_data)
    except ValidationError as error:  # the board has as many rows as it may (limits.py)
        return refusal(" ".join(error.messages))
    return changed(board, made)


@login_required
@require_POST
def row_update(request, board_id, row_id):
    """Fields left out keep their value: a client may post just the one it changes."""
    board = get_board_for_user(request.user, board_id, write=True)
    row = _row(board, row_id)
    fields = RowForm._meta.fields
    form = RowForm(with_current_values(request.POST, row, fields), instance=row)
    if not form.is_valid():
        return _form_refusal(form)
    with collecting() as made:
        update_row(request.user, row, **{name: form.cleaned_data[name] for name in fields})
    return changed(board, made)


@login_required
@require_POST
def row_move(request, board_id, row_id):
    board = get_board_for_user(request.user, board_id, write=True)
    row = _row(board, row_id)
    form = PositionForm(request.POST)
    if not form.is_valid():
        return refusal(_("Moving needs a whole-number position."))
    with collecting() as made:
        move_row(request.user, row, form.cleaned_data["position"])
    return changed(board, made)


@login_required
@require_POST
def row_delete(request, board_id, row_id):
    board = get_board_for_user(request.user, board_id, write=True)
    row = _row(board, row_id)
    try:
        with collecting() as made:
            delete_row(request.user, row)
    except ValidationError as error:  # the last row stays
        return refusal(" ".join(error.messages))
    return changed(board, made)
