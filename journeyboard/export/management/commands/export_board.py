import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from journeyboard.boards.models import Board
from journeyboard.boards.transfer import export_board
from journeyboard.export.markdown import render_markdown
from journeyboard.export.pdf import render_pdf
from journeyboard.export.png import render_png
from journeyboard.export.snapshot import board_snapshot
from journeyboard.export.spreadsheet import render_csv, render_xlsx

FORMATS = ("json", "csv", "xlsx", "md", "png", "pdf")


def _content(board, fmt, scale):
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
    return render_png(shot, scale=scale) if fmt == "png" else render_pdf(shot)


class Command(BaseCommand):
    help = "Write a board to a file: JSON, CSV, XLSX, Markdown, PNG or PDF (as the Export menu offers them)."

    def add_arguments(self, parser):
        parser.add_argument("board_id", type=int)
        parser.add_argument("--format", required=True, choices=FORMATS)
        parser.add_argument("--scale", type=int, choices=(1, 2, 3), default=2, help="PNG only: 1, 2 or 3 (default 2)")
        parser.add_argument("-o", "--output", required=True, type=Path, help="the file to write")

    def handle(self, *args, board_id, format, scale, output, **options):
        board = Board.objects.filter(pk=board_id).first()
        if board is None:
            raise CommandError(f"There is no board {board_id}.")
        content = _content(board, format, scale)
        try:
            output.write_bytes(content)
        except OSError as error:
            raise CommandError(f"Cannot write {output}: {error.strerror}") from None
        self.stdout.write(f"{output} ({len(content)} bytes)")
