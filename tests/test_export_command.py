"""`manage.py export_board <id> --format ... -o FILE`: every format, read back by its own reader."""

import csv
import io
import json

from django.core.management import CommandError, call_command
from markdown_it import MarkdownIt
from openpyxl import load_workbook
from PIL import Image

from journeyboard.boards.spreadsheet import HEADER
from journeyboard.boards.transfer import export_board
from tests.base import MISSING_ID, ExportCommandTestCase


class ExportCommandTests(ExportCommandTestCase):

    def test_json_is_the_json_export(self):
        self.assertEqual(json.loads(self.export("json").read_text(encoding="utf-8")), export_board(self.board))

    def test_csv_and_xlsx_are_the_spreadsheet_downloads(self):
        self.login(self.viewer)
        csv_bytes = self.export("csv").read_bytes()
        self.assertEqual(csv_bytes, self.client.get(self.board_url("export.csv")).content)
        rows = list(csv.reader(io.StringIO(csv_bytes.decode("utf-8-sig"), newline="")))
        self.assertEqual((tuple(rows[0]), rows[1][3]), (HEADER, "Instagram ad"))
        book = load_workbook(self.export("xlsx"))
        self.assertEqual(book.sheetnames, ["cards", "phases"])
        self.assertEqual(book["cards"]["D2"].value, "Instagram ad")

    def test_markdown(self):
        text = self.export("md").read_text(encoding="utf-8")
        headings = [t for t in MarkdownIt("commonmark").parse(text) if t.type == "heading_open"]
        self.assertEqual(len(headings), 1 + len(self.phases))
        self.assertTrue(text.startswith("# Webshop journey\n"))

    def test_png_at_a_scale_and_pdf(self):
        small = Image.open(self.export("png", "--scale", "1"))
        self.assertEqual(small.format, "PNG")
        large = Image.open(self.export("png"))  # scale 2 unless asked
        self.assertEqual(large.size, (2 * small.size[0], 2 * small.size[1]))
        self.assertTrue(self.export("pdf").read_bytes().startswith(b"%PDF"))

    def test_unknown_board_format_or_scale_is_refused(self):
        target = self.folder / "x"
        with self.assertRaisesMessage(CommandError, f"There is no board {MISSING_ID}."):
            call_command("export_board", str(MISSING_ID), "--format", "csv", "-o", str(target))
        with self.assertRaises(CommandError):
            call_command("export_board", str(self.board.pk), "--format", "docx", "-o", str(target))
        with self.assertRaises(CommandError):
            call_command("export_board", str(self.board.pk), "--format", "png", "--scale", "4", "-o", str(target))
        self.assertFalse(target.exists())

    def test_an_unwritable_file_is_a_clear_error(self):
        with self.assertRaisesMessage(CommandError, "Cannot write"):
            call_command("export_board", str(self.board.pk), "--format", "md", "-o", str(self.folder / "missing" / "x.md"))
