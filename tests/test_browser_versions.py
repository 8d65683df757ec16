"""Versions in the browser: saved from the side panel, restored for everyone live, opened
read-only; the version page and the panel pass axe-core at a wall, a tablet and a phone width."""

import pytest

from journeyboard.boards.cards import create_card, update_card
from journeyboard.boards.versions import save_version
from tests.browsing import LIVE, BrowserTestCase, TwoPeopleTestCase, settled

pytestmark = pytest.mark.browser

from axe_playwright_python.sync_playwright import Axe  # noqa: E402
from playwright.sync_api import expect  # noqa: E402

BLOCKING = ("critical", "serious")


class VersionsLiveTests(TwoPeopleTestCase):
    def test_a_version_saved_and_restored_from_the_panel_reaches_the_other_screen(self):
        card = create_card(self.user, self.phases[0], title="Instagram ad")
        save_version(self.user, self.board, "As is — workshop 1")
        update_card(self.user, card, title="Renamed since")
        anna, bert = self.both()
        anna.click("button[data-open-dialog=versions-dialog]")
        expect(anna.locator("#versions-dialog")).to_be_visible()
        anna.fill("#version-name", "After the interviews")
        anna.press("#version-name", "Enter")
        expect(anna.locator(".version-entry").first).to_contain_text("After the interviews")
        bert.click("button[data-open-dialog=versions-dialog]")
        expect(bert.locator(".version-entry")).to_have_count(2)

        anna.locator(".version-entry", has_text="As is — workshop 1").get_by_role("button", name="Restore").click()
        expect(bert.locator("article.card", has_text="Instagram ad")).to_be_visible(timeout=LIVE)
        expect(anna.locator("article.card", has_text="Instagram ad")).to_be_visible()
        expect(bert.locator("article.card", has_text="Renamed since")).to_have_count(0)

        anna.click("#undo-button")  # undo puts back the board as it was before the restore
        expect(bert.locator("article.card", has_text="Renamed since")).to_be_visible(timeout=LIVE)
        expect(anna.locator("article.card", has_text="Renamed since")).to_be_visible()

        # Deleting a version (after the browser's confirmation) empties its place in every open list.
        anna.locator(".version-entry", has_text="After the interviews").get_by_role("button", name="Delete").click()
        expect(anna.locator(".version-entry")).to_have_count(1)
        expect(bert.locator(".version-entry")).to_have_count(1, timeout=LIVE)
        expect(bert.locator(".version-entry")).to_contain_text("As is — workshop 1")


class VersionsPanelRaceTests(TwoPeopleTestCase):
    def test_a_restore_answered_while_the_list_refreshes_still_shows_on_the_board(self):
        card = create_card(self.user, self.phases[0], title="Instagram ad")
        save_version(self.user, self.board, "As is")
        update_card(self.user, card, title="Renamed since")
        anna = self.open_board(self.page, "anna")
        anna.click("button[data-open-dialog=versions-dialog]")
        expect(anna.locator(".version-entry")).to_have_count(1)

        # Hold the restore's answer back until something changed the board meanwhile, which
        # makes the open list refresh itself: the answer must still reach the board.
        def restore_late(route):
            answer = route.fetch()
            anna.evaluate("() => document.body.dispatchEvent(new CustomEvent('jb:changed', {bubbles: true}))")
            anna.wait_for_timeout(800)  # the refresh's delay (300 ms) and its request
            route.fulfill(response=answer)

        anna.route("**/restore/", restore_late)
        anna.locator(".version-entry", has_text="As is").get_by_role("button", name="Restore").click()
        expect(anna.locator("article.card", has_text="Instagram ad")).to_be_visible()
        expect(anna.locator("article.card", has_text="Renamed since")).to_have_count(0)


class VersionAccessibilityTests(BrowserTestCase):
    def setUp(self):
        super().setUp()
        from journeyboard.boards.lifecycle import create_board

        self.board = create_board(self.user, "Webshop journey", template="customer10", language="en")
        phase = self.board.phases.order_by("position").first()
        create_card(self.user, phase, title="Sees an ad", kind="pain", emotion=-1, channel="social")
        self.version = save_version(self.user, self.board, "As is — workshop 1")
        self.axe = Axe()
        self.context.close()  # axe is injected, which the page's policy forbids
        self.context = self.browser.new_context(viewport={"width": 1600, "height": 1000}, bypass_csp=True)
        self.context.set_default_timeout(10_000)
        self.page = self.context.new_page()

    def assertAccessible(self, what):
        results = self.axe.run(self.page, options={"resultTypes": ["violations"]})
        blocking = [v for v in results.response["violations"] if v["impact"] in BLOCKING]
        report = "\n".join(f"{v['impact']} {v['id']}: {[n['target'] for n in v['nodes'][:5]]}" for v in blocking)
        self.assertEqual([v["id"] for v in blocking], [], f"{what}:\n{report}")

    def test_the_version_page_and_the_panel(self):
        page = self.page
        self.sign_in()
        for width in (1600, 1024, 390):
            with self.subTest(width=width):
                page.set_viewport_size({"width": width, "height": 900})
                page.goto(f"{self.live_server_url}/boards/{self.board.pk}/versions/{self.version.pk}/")
                expect(page.locator("#version-banner")).to_contain_text("As is — workshop 1")
                expect(page.locator("article.card", has_text="Sees an ad")).to_be_visible()
                self.assertAccessible(f"version page at {width} px")
                overflow = page.evaluate("() => document.documentElement.scrollWidth - document.documentElement.clientWidth")
                scroller = page.evaluate("() => document.querySelector('.topbar').scrollWidth - document.querySelector('.topbar').clientWidth")
                self.assertLessEqual(scroller, 1, f"the top bar overflows at {width} px")
                del overflow  # the board itself scrolls sideways, as the board page does
        page.set_viewport_size({"width": 1600, "height": 1000})
        page.goto(f"{self.live_server_url}/boards/{self.board.pk}/")
        expect(page.locator("#connection")).to_have_attribute("data-state", "live")
        page.click("button[data-open-dialog=versions-dialog]")
        expect(page.locator(".version-entry")).to_have_count(1)
        settled(page)
        self.assertAccessible("versions panel")
