"""Download a board as a picture: PNG for slides, PDF for printing."""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from journeyboard.boards.access import get_board_for_user
from journeyboard.boards.views.errors import refusal

from .pdf import render_pdf
from .png import render_png
from .snapshot import board_snapshot

SCALES = {"1": 1, "2": 2, "3": 3}


def _download(content, content_type, shot, extension):
    name = f"{slugify(shot.title) or 'journeyboard'}-{shot.day.isoformat()}.{extension}"
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@login_required
@require_GET
def board_png(request, board_id):
    board = get_board_for_user(request.user, board_id)
    scale = SCALES.get(request.GET.get("scale", "2"))
    if scale is None:
        return refusal(_("scale must be 1, 2 or 3."), status=400)
    shot = board_snapshot(board)
    return _download(render_png(shot, scale=scale), "image/png", shot, "png")


@login_required
@require_GET
def board_pdf(request, board_id):
    board = get_board_for_user(request.user, board_id)
    shot = board_snapshot(board)
    return _download(render_pdf(shot), "application/pdf", shot, "pdf")
