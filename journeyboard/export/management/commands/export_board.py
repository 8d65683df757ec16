import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from journeyboard.boards.models import Board
from journeyboard.boards.transfer import export_board
from journeyboard.export.deck import closed_ranking, render_pptx
from journeyboard.export.markdown import render_markdown
from journeyboard.export.pdf import render_pdf
from journeyboard.export.png import render_png
from journeyboard.export.print_pdf import PAPERS, render_print_pdf
from journeyboard.export.slide import render_slide_png
from journeyboard.export.snapshot import board_snapshot
from journeyboard.export.spreadsheet import render_csv, render_xlsx

FORMATS = ("json", "csv", "xlsx", "md", "png", "pdf", "pptx")


def _content(board, fmt, scale, paper=None, fit=None):
    """The file's bytes in one of FORMATS, made by the same functions as the downloads."""
    if fmt == "json":
        return json.dumps(export_board(board), ensure_ascii=False, indent=2).encode()
    if fmt == "csv":
        return render_csv(board)
    if fmt == "xlsx":
        return render_xlsx(board)
    if fmt == "md":
        return render_markdown(board).encode()
    shot = board_snapshot(board)
    if fmt == "pptx":
        return render_pptx(shot, closed_ranking(board))
    if fmt == "pdf":
        return render_print_pdf(shot, paper) if paper else render_pdf(shot)
    if fit == "slide":
        return render_slide_png(shot, scale=scale)
    return render_png(shot, scale=scale)


class Command(BaseCommand):
    help = "Write a board to a file: JSON, CSV, XLSX, Markdown, PNG, PDF or PPTX (as the Export menu offers them)."

    def add_arguments(self, parser):
        parser.add_argument("board_id", type=int)
        parser.add_argument("--format", required=True, choices=FORMATS)
        parser.add_argument("--scale", type=int, choices=(1, 2, 3), help="PNG only: 1, 2 or 3 (default 2; 1 with --fit slide)")
        parser.add_argument("--paper", choices=tuple(PAPERS), help="PDF only: pages of this paper instead of one page")
        parser.add_argument("--fit", choices=("slide",), help="PNG only: the whole map on a 16:9 slide, 1920 x 1080 per scale")
        parser.add_argument("-o", "--output", required=True, type=Path, help="the file to write")

    def handle(self, *args, board_id, format, scale, paper, fit, output, **options):
        if paper and format != "pdf":
            raise CommandError("--paper goes with --format pdf.")
        if fit and format != "png":
            raise CommandError("--fit goes with --format png.")
        if fit and scale == 3:
            raise CommandError("--fit slide takes --scale 1 or 2.")
        board = Board.objects.filter(pk=board_id).first()
        if board is None:
            raise CommandError(f"There is no board {board_id}.")
        scale = scale or (1 if fit else 2)
        content = _content(board, format, scale, paper, fit)
        try:
            output.write_bytes(content)
        except OSError as error:
            raise CommandError(f"Cannot write {output}: {error.strerror}") from None
        self.stdout.write(f"{output} ({len(content)} bytes)")
