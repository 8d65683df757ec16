"""In a real browser: the Export menu offers the slide deck, the slide picture and the
pages to print, each saying what it is for, and the deck downloads from it."""

import io

import pytest
from pptx import Presentation

from tests.browsing import BrowserTestCase

pytestmark = pytest.mark.browser

from playwright.sync_api import expect  # noqa: E402


class MeetingExportMenuTests(BrowserTestCase):
    def test_the_export_menu_offers_the_meeting_exports(self):
        page = self.page
        self.sign_in()
        board = self.create_board("Workshop Gouda", template="buyer", language="en")
        first = board.phases.order_by("position").first()
        page.fill(f"#add-card-title-{first.pk}", "Reads the reviews")
        page.keyboard.press("Enter")
        expect(page.locator(f"#count-{first.pk}")).to_have_text("1")

        page.click(".export-menu summary")
        menu = page.locator(".export-menu .menu")
        expect(menu.locator(".menu-item", has_text="Picture for a slide (PNG)")).to_contain_text("The whole map on one 16:9 slide")
        for paper in ("A4", "A3", "Letter"):
            item = menu.locator(".menu-item", has_text=f"Pages on {paper} (PDF)")
            expect(item).to_contain_text("Readable pages to print, phase heads on each")
        deck = menu.locator(".menu-item", has_text="Slide deck (PPTX)")
        expect(deck).to_contain_text("Editable slides for the meeting after the workshop")
        with page.expect_download() as download:
            deck.click()
        self.assertTrue(download.value.suggested_filename.startswith("workshop-gouda-"))
        self.assertTrue(download.value.suggested_filename.endswith(".pptx"))
        slides = Presentation(io.BytesIO(download.value.path().read_bytes())).slides
        texts = [p.text for slide in slides for s in slide.shapes if s.has_text_frame for p in s.text_frame.paragraphs]
        self.assertIn("Reads the reviews", texts)
