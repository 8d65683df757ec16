"""axe-core (axe-playwright-python) on the pages a workshop uses, in English and Dutch:
the board list, the board page (as it is, with a card editor open, with the Members dialog
and its share links open), the board page on a phone, the page a share link opens and the
projector page. No critical
and no serious violations.

axe is injected into the page, which the Content-Security-Policy forbids: these contexts
bypass it (tests/test_browser_csp.py checks the policy itself).
"""

import pytest

from journeyboard.boards import timer, voting
from journeyboard.boards.card_personas import set_card_personas
from journeyboard.boards.cards import create_card
from journeyboard.boards.lifecycle import create_board
from journeyboard.boards.models import Role
from journeyboard.boards.personas import create_persona
from journeyboard.boards.sharing import create_link
from tests.browsing import BrowserTestCase

pytestmark = pytest.mark.browser

from axe_playwright_python.sync_playwright import Axe  # noqa: E402
from playwright.sync_api import expect  # noqa: E402

LANGUAGES = ["en", "nl"]
BLOCKING = ("critical", "serious")
# Off by default in axe (experimental), and what the language switch once failed: a
# button's accessible name must contain the label it shows (WCAG 2.5.3).
OPTIONS = {"resultTypes": ["violations"], "rules": {"label-content-name-mismatch": {"enabled": True}}}


class AccessibilityTests(BrowserTestCase):
    def setUp(self):
        super().setUp()
        self.board = create_board(self.user, "Webshop journey", template="customer10", language="en")
        phase = self.board.phases.order_by("position").first()
        ad = create_card(self.user, phase, title="Sees an ad", kind="pain", emotion=-1, channel="social")
        create_card(self.user, phase, title="Compare tool", kind="opportunity", emotion=1)
        # A persona on a card: its chip, the editor's persona boxes, the filter and the curve's switch.
        set_card_personas(self.user, ad, [create_persona(self.user, self.board, name="Sanne de Vries").pk])
        self.link = create_link(self.user, self.board, Role.EDITOR)
        timer.start(self.user, self.board, 5 * 60)
        voting.start_round(self.user, self.board, 3)
        self.axe = Axe()
        # Injecting axe needs the policy lifted (the default context keeps it).
        self.context.close()
        self.context = self.browser.new_context(viewport={"width": 1600, "height": 1000}, bypass_csp=True)
        self.context.set_default_timeout(10_000)
        self.page = self.context.new_page()
        self.page.on("dialog", lambda dialog: dialog.accept())

    def assertAccessible(self, page, what):
        results = self.axe.run(page, options=OPTIONS)
        blocking = [v for v in results.response["violations"] if v["impact"] in BLOCKING]
        report = "\n".join(
            f"{v['impact']} {v['id']}: {v['help']} at {[node['target'] for node in v['nodes'][:5]]}" for v in blocking
        )
        self.assertEqual([v["id"] for v in blocking], [], f"{what}:\n{report}")

    def choose_language(self, page, code):
        if page.locator("html").get_attribute("lang") == code:
            return
        page.locator(f".language-switch button[value={code}]").click()
        expect(page.locator("html")).to_have_attribute("lang", code)

    def test_board_list_board_page_editor_and_members_dialog(self):
        page = self.page
        self.sign_in()
        board_url = f"{self.live_server_url}/boards/{self.board.pk}/"
        for code in LANGUAGES:
            with self.subTest(language=code):
                page.goto(self.live_server_url + "/")
                self.choose_language(page, code)
                self.assertAccessible(page, f"board list ({code})")

                page.goto(board_url)
                expect(page.locator("#connection")).to_have_attribute("data-state", "live")
                expect(page.locator("#voting")).to_have_attribute("data-state", "open")
                self.assertAccessible(page, f"board page ({code})")

                page.locator("article.card", has_text="Sees an ad").click()
                expect(page.locator("form.card-editing input[name=title]")).to_be_visible()
                self.assertAccessible(page, f"board page with a card editor ({code})")
                page.locator("form.card-editing [data-cancel]").click()
                expect(page.locator("form.card-editing")).to_have_count(0)

                page.locator("button[data-open-dialog=members-dialog]").click()
                expect(page.locator("#share-links .share-link-qr img")).to_be_visible()
                expect(page.locator("#members .member")).not_to_have_count(0)
                self.assertAccessible(page, f"Members dialog ({code})")
                page.keyboard.press("Escape")
                expect(page.locator("#members-dialog")).to_be_hidden()

                page.locator(".export-menu summary").click()
                page.locator(".export-menu .menu-import").click()
                bad = b"phase,title,emotion\nAwareness,x,9\n"
                page.set_input_files("#import-cards-file", files=[{"name": "bad.csv", "mimeType": "text/csv", "buffer": bad}])
                page.click("#import-cards button[type=submit]")
                expect(page.locator("#import-cards-errors li")).to_have_count(1)
                self.assertAccessible(page, f"Import dialog with a problem ({code})")

                page.goto(f"{board_url}links/{self.link.pk}/screen/")
                expect(page.locator(".link-screen-qr")).to_be_visible()
                self.assertAccessible(page, f"projector page ({code})")

    def test_the_board_on_a_phone(self):
        """One phase at a time, its phase bar, a card editor and the comments panel at 390 px."""
        page = self.page
        page.set_viewport_size({"width": 390, "height": 844})
        self.sign_in()
        board_url = f"{self.live_server_url}/boards/{self.board.pk}/"
        for code in LANGUAGES:
            with self.subTest(language=code):
                page.goto(board_url)
                if page.locator("html").get_attribute("lang") != code:
                    page.locator(".topbar-more > summary").click()
                    self.choose_language(page, code)
                expect(page.locator("#connection")).to_have_attribute("data-state", "live")
                expect(page.locator("#phase-nav")).to_be_visible()
                self.assertAccessible(page, f"board on a phone ({code})")

                page.locator("[data-phase-step='1']").click()
                expect(page.locator(".phase-nav-count")).to_have_text(f"2/{self.board.phases.count()}")
                page.locator("#phase-picker").select_option(index=0)
                expect(page.locator(".phase-nav-count")).to_have_text(f"1/{self.board.phases.count()}")
                page.locator("article.card", has_text="Sees an ad").click()
                expect(page.locator("form.card-editing select[name=phase]")).to_be_visible()
                self.assertAccessible(page, f"card editor on a phone ({code})")
                page.locator("form.card-editing .card-comments-open").click()
                expect(page.locator("#comments-dialog")).to_be_visible()
                self.assertAccessible(page, f"comments on a phone ({code})")

    def test_the_page_a_share_link_opens(self):
        """What a newcomer sees: not signed in, a name to join with."""
        page = self.page
        page.goto(f"{self.live_server_url}/join/{self.link.token}/")
        for code in LANGUAGES:
            with self.subTest(language=code):
                self.choose_language(page, code)
                expect(page.locator("#id_display_name")).to_be_visible()
                self.assertAccessible(page, f"join page ({code})")
