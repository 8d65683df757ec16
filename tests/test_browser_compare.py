"""Compare in the browser: from the versions panel to the comparison, an edited card's former
values on keyboard focus, and the page passing axe-core at a wall, a tablet and a phone width
without scrolling sideways."""

import pytest

from journeyboard.boards.cards import create_card, update_card
from journeyboard.boards.lifecycle import create_board
from journeyboard.boards.versions import save_version
from tests.browsing import BrowserTestCase, settled

pytestmark = pytest.mark.browser

from axe_playwright_python.sync_playwright import Axe  # noqa: E402
from playwright.sync_api import expect  # noqa: E402

BLOCKING = ("critical", "serious")


class CompareTests(BrowserTestCase):
    def setUp(self):
        super().setUp()
        self.board = create_board(self.user, "Webshop journey", template="customer10", language="en")
        phases = list(self.board.phases.order_by("position"))
        self.pain = create_card(self.user, phases[1], title="Slow payment page", kind="pain", emotion=-2)
        create_card(self.user, phases[0], title="Sees an ad", emotion=1, channel="social")
        self.first = phases[0]

    def test_from_the_versions_panel_to_an_edited_card(self):
        page = self.page
        self.sign_in()
        page.goto(f"{self.live_server_url}/boards/{self.board.pk}/")
        expect(page.locator("#connection")).to_have_attribute("data-state", "live")
        page.click("button[data-open-dialog=versions-dialog]")
        page.fill("#version-name", "As is — workshop 1")
        page.press("#version-name", "Enter")
        entry = page.locator(".version-entry", has_text="As is — workshop 1")
        expect(entry).to_be_visible()
        # The board changes after the version was saved.
        update_card(self.user, self.pain, note="Takes twenty seconds", emotion=-1)
        create_card(self.user, self.first, title="Reads reviews", kind="opportunity", emotion=2)
        entry.get_by_role("link", name="Compare with now").click()

        expect(page.locator("#compare-counts")).to_have_text("1 card added, 1 edited, 1 opportunity added")
        card = page.locator("article.card", has_text="Slow payment page")
        badge = card.get_by_role("button", name="Edited")
        tip = card.locator(".compare-tip")
        expect(tip).to_be_hidden()
        # Reached with the keyboard alone: Tab on from the chooser.
        page.focus("#compare-b")
        for _ in range(12):
            page.keyboard.press("Tab")
            if page.evaluate("() => document.activeElement.classList.contains('compare-edited-badge')"):
                break
        expect(badge).to_be_focused()
        expect(tip).to_be_visible()
        expect(tip).to_contain_text("Note was “–”")
        expect(tip).to_contain_text("Emotion was “Very negative”")
        expect(badge).to_have_accessible_description("Note was “–” Emotion was “Very negative”")
        expect(page.locator("article.card.compare-added", has_text="Reads reviews")).to_contain_text("Added")

    def test_the_chooser_works_without_script(self):
        save_version(self.user, self.board, "As is — workshop 1")
        context = self.browser.new_context(java_script_enabled=False)
        self.addCleanup(context.close)
        page = context.new_page()
        self.sign_in_as(page, "anna")
        page.goto(f"{self.live_server_url}/boards/{self.board.pk}/compare/")
        page.select_option("#compare-a", "now")
        page.click("button[type=submit]:has-text('Compare')")
        expect(page.locator("#compare-counts")).to_have_text("No changes to the cards.")
        self.assertIn("a=now&b=now", page.url)


class CompareAccessibilityTests(BrowserTestCase):
    def setUp(self):
        super().setUp()
        self.board = create_board(self.user, "Webshop journey", template="customer10", language="en")
        phases = list(self.board.phases.order_by("position"))
        card = create_card(self.user, phases[1], title="Slow payment page", kind="pain", emotion=-2)
        gone = create_card(self.user, phases[2], title="Calls support", emotion=-1)
        self.version = save_version(self.user, self.board, "As is — workshop 1")
        update_card(self.user, card, kind="opportunity", emotion=1)
        from journeyboard.boards.cards import delete_card

        delete_card(self.user, gone)
        create_card(self.user, phases[0], title="Reads reviews", kind="opportunity", emotion=2)
        self.axe = Axe()
        self.context.close()  # axe is injected, which the page's policy forbids
        self.context = self.browser.new_context(viewport={"width": 1440, "height": 1000}, bypass_csp=True)
        self.context.set_default_timeout(10_000)
        self.page = self.context.new_page()

    def test_axe_clean_and_no_sideways_scroll(self):
        page = self.page
        self.sign_in()
        for language in ("en", "nl", "de"):
            self.context.add_cookies([{"name": "django_language", "value": language, "url": self.live_server_url}])
            for width in (1440, 1024, 390):
                with self.subTest(language=language, width=width):
                    page.set_viewport_size({"width": width, "height": 900})
                    page.goto(f"{self.live_server_url}/boards/{self.board.pk}/compare/?a=version-{self.version.pk}&b=now")
                    expect(page.locator("article.card.compare-removed")).to_have_count(1)
                    settled(page)
                    overflow = page.evaluate("() => document.documentElement.scrollWidth - document.documentElement.clientWidth")
                    self.assertLessEqual(overflow, 0, f"the page scrolls sideways at {width} px in {language}")
                    if language == "en":
                        page.focus(".compare-edited-badge")  # its tooltip open, too
                        results = self.axe.run(page, options={"resultTypes": ["violations"]})
                        blocking = [v for v in results.response["violations"] if v["impact"] in BLOCKING]
                        report = "\n".join(f"{v['impact']} {v['id']}: {[n['target'] for n in v['nodes'][:5]]}" for v in blocking)
                        self.assertEqual([v["id"] for v in blocking], [], f"compare page at {width} px:\n{report}")
