"""Board membership: anyone on the board sees who else is; only the owner changes it."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import render
from django.views.decorators.http import require_GET, require_POST

from ..access import get_board_for_user
from ..forms import MemberForm
from ..members import add_member, remove_member
from ..rendering import BOARD_TEMPLATE, members_context

MEMBERS = f"{BOARD_TEMPLATE}#members"


def _render(request, board, form=None, errors=(), status=200):
    context = members_context(board)
    context.update(member_form=form or MemberForm(), member_errors=list(errors))
    return render(request, MEMBERS, context, status=status)


@login_required
@require_GET
def member_list(request, board_id):
    return _render(request, get_board_for_user(request.user, board_id))


@login_required
@require_POST
def member_add(request, board_id):
    board = get_board_for_user(request.user, board_id, owner=True)
    form = MemberForm(request.POST)
    if not form.is_valid():
        return _render(request, board, form=form, status=422)
    try:
        add_member(request.user, board, **form.cleaned_data)
    except ValidationError as error:
        return _render(request, board, form=form, errors=error.messages, status=422)
    return _render(request, board)


@login_required
@require_POST
def member_remove(request, board_id, user_id):
    board = get_board_for_user(request.user, board_id, owner=True)
    try:
        remove_member(request.user, board, user_id)
    except ValidationError as error:
        return _render(request, board, errors=error.messages, status=422)
    return _render(request, board)


def member_list_or_add(request, board_id):
    if request.method == "POST":
        return member_add(request, board_id)
    return member_list(request, board_id)
