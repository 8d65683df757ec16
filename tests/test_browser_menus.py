"""Menus that open in place (a <details> with a .menu): a click outside or Escape closes
every one of them, and a chosen download closes the Export menu. Side panels: one at a
time, the board makes room, Escape closes and gives the focus back."""

import pytest

from journeyboard.boards.personas import create_persona
from tests.browsing import TwoPeopleTestCase

pytestmark = pytest.mark.browser

from playwright.sync_api import expect  # noqa: E402


class MenuTests(TwoPeopleTestCase):
    def test_kpi_editor_and_export_menu_close_on_a_click_outside_escape_and_a_download(self):
        page = self.open_board(self.page, "anna")
        phase = self.phases[0]
        kpi = page.locator(f"#kpi-{phase.pk}")
        export = page.locator("details.export-menu")

        kpi.locator("> summary").click()
        expect(kpi.locator("input[name=kpi_name]")).to_be_visible()
        page.locator("body").click(position={"x": 5, "y": 400})
        expect(kpi).not_to_have_attribute("open", "")

        kpi.locator("> summary").click()
        kpi.locator("input[name=kpi_name]").focus()
        page.keyboard.press("Escape")
        expect(kpi).not_to_have_attribute("open", "")
        expect(kpi.locator("> summary")).to_be_focused()

        export.locator("summary").click()
        expect(export.locator(".menu")).to_be_visible()
        page.keyboard.press("Escape")
        expect(export.locator(".menu")).to_be_hidden()

        export.locator("summary").click()
        with page.expect_download() as download:
            export.locator("a", has_text="Data (JSON)").click()
        self.assertTrue(download.value.suggested_filename.endswith(".json"))
        expect(export.locator(".menu")).to_be_hidden()
        expect(page.locator("#board-body")).to_be_visible()  # the page stays


class SidePanelTests(TwoPeopleTestCase):
    def test_one_side_panel_at_a_time_the_board_makes_room_and_escape_closes(self):
        create_persona(self.user, self.board, name="Sanne")
        page = self.open_board(self.page, "anna")
        personas, history = page.locator("#persona-side"), page.locator("#history-dialog")
        board_area = page.locator(".board-area")
        expect(personas).to_be_visible()
        narrow = board_area.bounding_box()["width"]

        opener = page.locator(".history-open")
        opener.click()
        expect(history).to_be_visible()
        expect(personas).to_be_hidden()  # one at a time
        expect(page.locator(".personas-toggle")).to_have_attribute("aria-expanded", "false")
        expect(opener).to_have_attribute("aria-expanded", "true")
        self.assertLess(board_area.bounding_box()["width"], page.viewport_size["width"])

        history.locator("[data-close-dialog]").focus()
        page.keyboard.press("Escape")
        expect(history).to_be_hidden()
        expect(opener).to_be_focused()
        expect(opener).to_have_attribute("aria-expanded", "false")
        self.assertGreater(board_area.bounding_box()["width"], narrow)

        # Closed because another panel took its place, not by Anna: it opens again with the page.
        page.reload()
        expect(page.locator("#connection")).to_have_attribute("data-state", "live")
        expect(personas).to_be_visible()
