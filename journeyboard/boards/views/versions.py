"""Versions of a board: the side panel's list and save form, a version's read-only page,
its JSON, a copy of it as a new board, and restoring it onto the board.

Saving, deleting and restoring are changes like any other (any writer, the lock applies); reading,
exporting and copying a version is open to every member, like the board itself.
"""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_htmx.http import HttpResponseClientRedirect, trigger_client_event

from ..access import can_write, get_board_for_user, refuse_guests
from ..changes import collecting
from ..fragments import render_answer
from ..rendering import viewer_flags
from ..timeline import display_name
from ..version_page import version_page
from ..versions import copy_version, delete_version, restore_version, save_version, version_of, versions_of
from .errors import refusal

VERSIONS = "boards/versions.html"


def board_version(user, board_id, version_id, write=False):
    """The board (access.py decides) and its version `version_id`: 404 for another board's."""
    board = get_board_for_user(user, board_id, write=write)
    version = version_of(board, version_id)
    if version is None:
        raise Http404(_("No such version of this board."))
    return board, version


def _panel(request, board, status=200, **extra):
    context = {**viewer_flags(board), "versions": versions_of(board), **extra}
    return render(request, f"{VERSIONS}#versions", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def versions(request, board_id):
    if request.method == "GET":
        return _panel(request, get_board_for_user(request.user, board_id))
    board = get_board_for_user(request.user, board_id, write=True)
    name = request.POST.get("name", "")
    try:
        with collecting() as made:
            save_version(request.user, board, name)
    except ValidationError as error:
        return _panel(request, board, status=422, name_error=" ".join(error.messages), name=name)
    # The list with the new version, and the revision as every other page gets it.
    answer = _panel(request, board)
    answer.content += "".join(render_answer(event, board.membership) for event in made).encode()
    return answer


@login_required
@require_POST
def version_delete(request, board_id, version_id):
    board, version = board_version(request.user, board_id, version_id, write=True)
    with collecting() as made:
        delete_version(request.user, board, version)
    answer = _panel(request, board)
    answer.content += "".join(render_answer(event, board.membership) for event in made).encode()
    return answer


@login_required
@require_GET
def version_detail(request, board_id, version_id):
    board, version = board_version(request.user, board_id, version_id)
    context = {
        **viewer_flags(board),
        **version_page(board, version),
        # Nothing on this page changes anything: the board's partials without their controls.
        "can_write": False,
        "voting": None,
        "version": version,
        "may_restore": can_write(board.membership, board.locked),
        "author_name": display_name(version.author),
        "version_url": f"{board.get_absolute_url()}versions/{version.pk}/",
    }
    return render(request, "boards/version.html", context)


@login_required
@require_GET
def version_export_json(request, board_id, version_id):
    _board, version = board_version(request.user, board_id, version_id)
    return JsonResponse(version.snapshot, json_dumps_params={"ensure_ascii": False, "indent": 2})


@login_required
@require_POST
def version_copy(request, board_id, version_id):
    _board, version = board_version(request.user, board_id, version_id)
    refuse_guests(request.user)
    try:
        copy = copy_version(request.user, version)
    except ValidationError as error:  # a copy over today's limits (limits.py)
        return refusal(" ".join(error.messages))
    if request.htmx:
        return HttpResponseClientRedirect(copy.get_absolute_url())
    return redirect(copy)


@login_required
@require_POST
def version_restore(request, board_id, version_id):
    board, version = board_version(request.user, board_id, version_id, write=True)
    try:
        with collecting() as made:
            restore_version(request.user, board, version)
    except ValidationError as error:
        return refusal(" ".join(error.messages))
    if not request.htmx:  # from the version's page: back to the live board, restored
        return redirect(board)
    response = HttpResponse("".join(render_answer(event, board.membership) for event in made))
    response["HX-Reswap"] = "none"
    message = _("Restored version “%(name)s”. Undo puts the board back as it was.") % {"name": version.name}
    return trigger_client_event(response, "jb:toast", {"message": message})
