"""Board list, creation, the board page, and whole-board edits."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST
from django_htmx.http import HttpResponseClientRedirect

from ..access import get_board_for_user, guest_of, refuse_guests
from ..catalog import Channel
from ..changes import collecting
from ..future import linked_boards
from ..forms import BoardCreateForm, BoardEditForm, ImportForm, with_current_values
from ..lifecycle import create_board, delete_board, duplicate_board, update_board
from ..models import Membership
from ..origin import new_client_id
from ..personas import personas_of
from ..presence import person
from ..ratings import rating_bar
from ..rendering import board_context, board_settings, render_board_fragment
from ..timer import timer_context
from ..voting import voting_bar
from .answers import changed
from .errors import refusal

LIST_TEMPLATE = "boards/list.html"


def _list_context(request, **forms):
    memberships = (
        Membership.objects.filter(user=request.user)
        .select_related("board", "board__owner")
        .annotate(phase_count=Count("board__phases", distinct=True))
        .order_by("-board__updated_at")
    )
    return {
        "memberships": memberships,
        "create_form": forms.get("create_form") or BoardCreateForm(),
        "import_form": forms.get("import_form") or ImportForm(),
        "import_errors": forms.get("import_errors", []),
    }


@login_required
@require_GET
def board_list(request):
    guest = guest_of(request.user)
    if guest is not None:  # a guest has the one board they joined (access.refuse_guests)
        return redirect(guest.board)
    return render(request, LIST_TEMPLATE, _list_context(request))


@login_required
@require_POST
def board_create(request):
    refuse_guests(request.user)
    form = BoardCreateForm(request.POST)
    if not form.is_valid():
        return render(request, LIST_TEMPLATE, _list_context(request, create_form=form), status=422)
    board = create_board(request.user, **form.cleaned_data)
    return redirect(board)


@login_required
@require_GET
def board_detail(request, board_id):
    board = get_board_for_user(request.user, board_id)
    # One id per page load: this tab's own changes are not echoed back to it over the socket.
    live = {"client_id": new_client_id(), "me": person(request.user), "channels": Channel.choices}
    live.update(timer_context(board))  # the countdown, with the server's clock for the page to correct its own
    live.update(voting_bar(board, request.user))  # the dot-voting bar: this person's votes, or the results
    live.update(rating_bar(board, request.user))  # the emotion round's bar: this person's ratings
    live.update(linked_boards(board, request.user))  # the journey as it is and its future states
    # The personas side panel comes with the page: one query, however many there are.
    return render(request, "boards/board.html", {**board_context(board), **live, "personas": personas_of(board)})


@login_required
@require_POST
def board_edit(request, board_id):
    """Rename (and describe) a board, from the board page or from the board list."""
    board = get_board_for_user(request.user, board_id, write=True)
    fields = BoardEditForm._meta.fields
    form = BoardEditForm(with_current_values(request.POST, board, fields), instance=board)
    status, made = 422, []
    if form.is_valid():
        with collecting() as made:
            update_board(request.user, board, **{name: form.cleaned_data[name] for name in fields})
        status = 200
    # Fresh from the database: a failed form has written its bad values onto `board`.
    board = get_board_for_user(request.user, board_id)
    if request.htmx and request.htmx.target == f"board-row-{board.pk}":
        membership = _list_context(request)["memberships"].get(board=board)
        context = {"membership": membership, "rename_form": form if status == 422 else None}
        return render(request, f"{LIST_TEMPLATE}#board-row", context, status=status)
    if not request.htmx and status == 200:
        return redirect(board)
    if status == 200:
        return changed(board, made)
    context = board_settings(board)
    return render_board_fragment(request, board, "board-edited", status=422, title_form=form, **context)


@login_required
@require_POST
def board_duplicate(request, board_id):
    board = get_board_for_user(request.user, board_id)
    refuse_guests(request.user)
    try:
        copy = duplicate_board(request.user, board)
    except ValidationError as error:  # a copy over today's limits (limits.py)
        return refusal(" ".join(error.messages))
    if request.htmx:
        return HttpResponseClientRedirect(copy.get_absolute_url())
    return redirect(copy)


@login_required
@require_POST
def board_delete(request, board_id):
    board = get_board_for_user(request.user, board_id, owner=True)
    delete_board(request.user, board)
    if request.htmx and request.htmx.target == f"board-row-{board_id}":
        # The list row asked: an empty answer removes it from the page.
        return HttpResponse("")
    if request.htmx:
        return HttpResponseClientRedirect("/")
    return redirect("board-list")
