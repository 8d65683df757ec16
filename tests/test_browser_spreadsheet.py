"""In a real browser: download the board as a spreadsheet from the Export menu and import it
back from the board list; a bad file lists its problems there."""

import io

import pytest
from openpyxl import load_workbook

from journeyboard.boards.models import Board
from tests.browsing import BrowserTestCase

pytestmark = pytest.mark.browser

from playwright.sync_api import expect  # noqa: E402


class SpreadsheetRoundTripTests(BrowserTestCase):
    def test_xlsx_from_the_export_menu_imports_as_a_new_board(self):
        page = self.page
        self.sign_in()
        board = self.create_board("Workshop Gouda", template="buyer", language="en")
        first = board.phases.order_by("position").first()
        page.fill(f"#add-card-title-{first.pk}", "Flyer =SUM(1)")
        page.keyboard.press("Enter")
        expect(page.locator(f"#count-{first.pk}")).to_have_text("1")

        page.click(".export-menu summary")
        item = page.locator(".export-menu .menu-item", has_text="Spreadsheet (XLSX)")
        expect(item).to_contain_text("Cards, and phases with KPIs, for the meeting")
        expect(page.locator(".export-menu .menu-item", has_text="Text (Markdown)")).to_be_visible()
        with page.expect_download() as download:
            item.click()
        path = download.value.path()
        self.assertTrue(download.value.suggested_filename.startswith("workshop-gouda-"))
        content = path.read_bytes()
        self.assertEqual(load_workbook(io.BytesIO(content))["cards"]["D2"].value, "Flyer =SUM(1)")

        page.goto(self.live_server_url + "/")
        page.set_input_files("#import-file", files=[{"name": "gouda-again.xlsx", "mimeType": "application/octet-stream", "buffer": content}])
        page.click("#import-board button[type=submit]")
        expect(page.locator(".card", has_text="Flyer =SUM(1)")).to_be_visible()
        self.assertTrue(Board.objects.filter(title="gouda-again").exists())

    def test_a_bad_csv_lists_its_problems_on_the_board_list(self):
        page = self.page
        self.sign_in()
        page.set_input_files("#import-file", files=[{"name": "bad.csv", "mimeType": "text/csv", "buffer": b"phase,title,channel\nA,x,fax\nA,,\n"}])
        page.click("#import-board button[type=submit]")
        errors = page.locator("#import-board .error")
        expect(errors).to_have_text(["line 2, column C (channel): Unknown channel “fax”.", "line 3, column B (title): must not be empty"])
        self.assertFalse(Board.objects.exists())
