"""Download a board as a picture: PNG for slides, PDF for printing."""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from journeyboard.boards.access import get_board_for_user
from journeyboard.boards.views.errors import refusal

from .pdf import render_pdf
from .png import render_png
from .snapshot import board_snapshot
from .markdown import render_markdown
from .spreadsheet import XLSX_CONTENT_TYPE, render_csv, render_xlsx

SCALES = {"1": 1, "2": 2, "3": 3}


def _download(content, content_type, title, day, extension):
    """An attachment named after the board and the day: "webshop-journey-2026-05-12.png"."""
    name = f"{slugify(title) or 'journeyboard'}-{day.isoformat()}.{extension}"
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
    return _download(render_png(shot, scale=scale), "image/png", shot.title, shot.day, "png")


@login_required
@require_GET
def board_pdf(request, board_id):
    board = get_board_for_user(request.user, board_id)
    shot = board_snapshot(board)
    return _download(render_pdf(shot), "application/pdf", shot.title, shot.day, "pdf")


# Spreadsheet (CSV, XLSX) and Markdown: the board's content for the meeting after the
# workshop and for wikis; the same access and file names as the pictures.


def _board_download(content, content_type, board, extension):
    return _download(content, content_type, board.title, timezone.localdate(), extension)


@login_required
@require_GET
def board_csv(request, board_id):
    board = get_board_for_user(request.user, board_id)
    return _board_download(render_csv(board), "text/csv; charset=utf-8", board, "csv")


@login_required
@require_GET
def board_xlsx(request, board_id):
    board = get_board_for_user(request.user, board_id)
    return _board_download(render_xlsx(board), XLSX_CONTENT_TYPE, board, "xlsx")


@login_required
@require_GET
def board_markdown(request, board_id):
    board = get_board_for_user(request.user, board_id)
    return _board_download(render_markdown(board).encode(), "text/markdown; charset=utf-8", board, "md")
