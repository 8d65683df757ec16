"""Menus that open in place (a <details> with a .menu): a click outside or Escape closes
every one of them, and a chosen download closes the Export menu."""

import pytest

from tests.test_browser_live import TwoPeopleTestCase

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
