"""Download a board as a picture (PNG, slide-sized PNG), for printing (PDF) or as a slide deck (PPTX)."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from journeyboard.boards.access import get_board_for_user
from journeyboard.boards.views.errors import refusal
from journeyboard.boards.compare_page import BadReference
from journeyboard.boards.views.compare import compared
from journeyboard.boards.views.versions import board_version

from .compare_picture import compare_shot, render_compare_png
from .deck import PPTX_CONTENT_TYPE, closed_ranking, render_pptx
from .parts import MAX_CARDS, card_total
from .pdf import render_pdf
from .png import render_png
from .print_pdf import PAPERS, render_print_pdf
from .slide import render_slide_png
from .snapshot import board_snapshot, document_snapshot
from .markdown import render_markdown
from .spreadsheet import XLSX_CONTENT_TYPE, render_csv, render_xlsx

SCALES = {"1": 1, "2": 2, "3": 3}
SLIDE_SCALES = {"1": 1, "2": 2}


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
    fit = request.GET.get("fit")
    if fit is not None:
        return _slide_png(request, board, fit)
    scale = SCALES.get(request.GET.get("scale", "2"))
    if scale is None:
        return refusal(_("scale must be 1, 2 or 3."), status=400)
    shot = board_snapshot(board)
    return _download(render_png(shot, scale=scale), "image/png", shot.title, shot.day, "png")


def _slide_png(request, board, fit):
    """?fit=slide: the whole map fitted to a 16:9 slide, 1920 x 1080 (scale=2: 3840 x 2160)."""
    if fit != "slide":
        return refusal(_("fit must be slide."), status=400)
    scale = SLIDE_SCALES.get(request.GET.get("scale", "1"))
    if scale is None:
        return refusal(_("scale must be 1 or 2 for a slide."), status=400)
    shot = board_snapshot(board)
    return _download(render_slide_png(shot, scale=scale), "image/png", shot.title, shot.day, "png")


@login_required
@require_GET
def board_pdf(request, board_id):
    board = get_board_for_user(request.user, board_id)
    paper = request.GET.get("paper")
    if paper is not None and paper not in PAPERS:
        return refusal(_("paper must be a4, a3 or letter."), status=400)
    shot = board_snapshot(board)
    if paper and card_total(shot) > MAX_CARDS:
        return _too_many_cards(shot)
    # Without `paper`: the whole map on one page, as it always was.
    content = render_print_pdf(shot, paper) if paper else render_pdf(shot)
    return _download(content, "application/pdf", shot.title, shot.day, "pdf")


@login_required
@require_GET
def board_pptx(request, board_id):
    """A slide deck for the meeting after the workshop, every card an editable shape."""
    board = get_board_for_user(request.user, board_id)
    shot = board_snapshot(board)
    if card_total(shot) > MAX_CARDS:
        return _too_many_cards(shot)
    return _download(render_pptx(shot, closed_ranking(board)), PPTX_CONTENT_TYPE, shot.title, shot.day, "pptx")


def _too_many_cards(shot):
    message = _("This board has %(cards)s cards, more than pages or slides can hold (%(max)s): download the picture instead.")
    return refusal(message % {"cards": card_total(shot), "max": MAX_CARDS})


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


# A saved version of the board (boards/versions.py), drawn from its snapshot.


def _version_shot(request, board_id, version_id):
    _board, version = board_version(request.user, board_id, version_id)
    return document_snapshot(version.snapshot)


@login_required
@require_GET
def version_png(request, board_id, version_id):
    scale = SCALES.get(request.GET.get("scale", "2"))
    if scale is None:
        return refusal(_("scale must be 1, 2 or 3."), status=400)
    try:
        shot = _version_shot(request, board_id, version_id)
    except ValidationError as error:  # a version larger than today's limits (limits.py)
        return refusal(" ".join(error.messages))
    return _download(render_png(shot, scale=scale), "image/png", shot.title, shot.day, "png")


@login_required
@require_GET
def version_pdf(request, board_id, version_id):
    try:
        shot = _version_shot(request, board_id, version_id)
    except ValidationError as error:
        return refusal(" ".join(error.messages))
    return _download(render_pdf(shot), "application/pdf", shot.title, shot.day, "pdf")


# Two states of the board compared (boards/compare_page.py), for the slide that shows the change.


@login_required
@require_GET
def compare_png(request, board_id):
    try:
        board, _found, side_a, side_b = compared(request, board_id)
    except BadReference as error:
        return refusal(str(error), status=400)
    shot = compare_shot(board, side_a, side_b)
    return _download(render_compare_png(shot), "image/png", shot.file_title, timezone.localdate(), "png")
