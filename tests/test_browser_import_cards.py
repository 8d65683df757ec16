"""In a real browser: an export shows it is being prepared until the file is there; a file's
cards are imported into the open board from the Export menu, seen live by everyone, and a
bad file lists its problems in the form."""

import pytest

from journeyboard.boards.models import Card, Membership, Role
from tests.browsing import TwoPeopleTestCase

pytestmark = pytest.mark.browser

from playwright.sync_api import expect  # noqa: E402

CSV = b"phase,title,kind\nawareness,Podcast ad,touchpoint\nLoyalty,Referral bonus,opportunity\n"


class DownloadBusyTests(TwoPeopleTestCase):
    def test_a_download_is_busy_until_its_file_arrives(self):
        errors = []
        self.page.on("console", lambda message: message.type == "error" and errors.append(message.text))
        page = self.open_board(self.page, "anna")
        page.evaluate("""() => { window.__violations = [];
          document.addEventListener("securitypolicyviolation", (e) => window.__violations.push(e.violatedDirective)); }""")
        held = []
        page.route("**/export.pptx", lambda route: held.append(route))  # the server "takes a while": until we let it go
        export = page.locator(".export-menu")
        export.locator("summary").click()
        item = export.locator("a", has_text="Slide deck (PPTX)")
        expect(item).to_have_attribute("href", f"/boards/{self.board.pk}/export.pptx")  # a plain link without script
        expect(item).to_have_attribute("download", "")
        with page.expect_download() as download:
            item.click()
            expect(export.locator("summary")).to_have_attribute("aria-busy", "true")
            expect(item).to_have_attribute("aria-busy", "true")
            expect(page.locator("#announcer")).to_have_text("Preparing the download…")
            self.assertEqual(len(held), 1)
            item.dispatch_event("click")  # a second click while busy asks nothing more
            held[0].continue_()
        self.assertRegex(download.value.suggested_filename, r"^workshop-\d{4}-\d\d-\d\d\.pptx$")
        self.assertTrue(download.value.path().read_bytes().startswith(b"PK"))
        expect(export.locator("summary")).not_to_have_attribute("aria-busy", "true")
        expect(item).not_to_have_attribute("aria-busy", "true")
        self.assertEqual(len(held), 1)
        self.assertEqual(page.evaluate("() => window.__violations"), [])  # fetch and a blob download are allowed
        self.assertEqual(errors, [])

    def test_a_refused_download_says_why_and_is_no_longer_busy(self):
        page = self.open_board(self.page, "anna")
        page.route("**/export.pdf?paper=a4", lambda route: route.fulfill(status=400, content_type="text/plain; charset=utf-8", body="paper must be a4, a3 or letter."))
        export = page.locator(".export-menu")
        export.locator("summary").click()
        export.locator("a", has_text="Pages on A4 (PDF)").click()
        expect(page.locator(".toast")).to_have_text("paper must be a4, a3 or letter.")
        expect(export.locator("summary")).not_to_have_attribute("aria-busy", "true")


class ImportCardsTests(TwoPeopleTestCase):
    def test_a_files_cards_join_the_board_for_everyone(self):
        anna, bert = self.both()
        anna.locator(".export-menu summary").click()
        anna.locator(".export-menu .menu-import").click()
        dialog = anna.locator("#import-dialog")
        expect(dialog).to_be_visible()
        expect(anna.locator(".export-menu .menu")).to_be_hidden()

        anna.set_input_files("#import-cards-file", files=[{"name": "bad.csv", "mimeType": "text/csv", "buffer": b"phase,title,emotion\nAwareness,x,Ecstatic\n"}])
        anna.click("#import-cards button[type=submit]")
        expect(anna.locator("#import-cards-errors li")).to_have_text(["line 2, column C (emotion): expected a whole number from -2 to 2 or an emotion such as “Positive”"])
        self.assertFalse(Card.objects.exists())

        anna.set_input_files("#import-cards-file", files=[{"name": "cards.csv", "mimeType": "text/csv", "buffer": CSV}])
        anna.click("#import-cards button[type=submit]")
        expect(dialog).to_be_hidden()
        expect(anna.locator(".toast", has_text="2 cards added to the board.")).to_be_visible()
        for page in (anna, bert):
            expect(page.locator(f"#cards-{self.phases[0].pk} .card", has_text="Podcast ad")).to_be_visible()
            expect(page.locator(".lane")).to_have_count(4)
            expect(page.locator(".card", has_text="Referral bonus")).to_be_visible()

        anna.locator("#undo-button").click()  # the whole import at once
        expect(anna.locator(".toast", has_text="Undone: imported 2 cards (1 new phase)")).to_be_visible()
        for page in (anna, bert):
            expect(page.locator(".lane")).to_have_count(3)
            expect(page.locator(".card", has_text="Podcast ad")).to_have_count(0)
        anna.locator("#redo-button").click()
        for page in (anna, bert):
            expect(page.locator(".lane")).to_have_count(4)
            expect(page.locator(".card", has_text="Podcast ad")).to_be_visible()

        anna.locator(".export-menu summary").click()
        anna.locator(".export-menu .menu-import").click()
        expect(anna.locator("#import-cards-errors")).to_have_count(0)  # a fresh form
        expect(anna.locator("#import-cards-file")).to_have_value("")

    def test_viewers_are_not_offered_the_import(self):
        Membership.objects.filter(board=self.board, user=self.bert).update(role=Role.VIEWER)
        bert = self.open_board(self.other_context.new_page(), "bert")
        bert.locator(".export-menu summary").click()
        expect(bert.locator(".export-menu .menu-item", has_text="Spreadsheet (CSV)")).to_be_visible()
        expect(bert.locator(".export-menu .menu-import")).to_have_count(0)


class ImportDialogLayoutTests(TwoPeopleTestCase):
    def test_the_menu_and_the_dialog_fit_every_screen_in_every_language(self):
        page = self.open_board(self.page, "anna")
        for width, height in ((1920, 1080), (1600, 720), (1280, 720), (1024, 768), (390, 844)):
            for code in ("en", "nl", "de"):
                with self.subTest(width=width, language=code):
                    page.set_viewport_size({"width": width, "height": height})
                    page.context.add_cookies([{"name": "django_language", "value": code, "url": self.live_server_url}])
                    page.reload()
                    expect(page.locator("#connection")).to_have_attribute("data-state", "live")
                    more = page.locator(".topbar-more > summary")
                    if more.is_visible():
                        more.click()
                    page.locator(".export-menu > summary").click()
                    item = page.locator(".export-menu .menu-import")
                    item.scroll_into_view_if_needed()
                    box = item.bounding_box()
                    self.assertLessEqual(box["x"] + box["width"], width + 0.5)
                    self.assertGreaterEqual(box["x"], -0.5)
                    if width == 390 and code == "de":
                        page.screenshot(path="/tmp/jb-menu-390-de.png")
                    item.click()
                    dialog = page.locator("#import-dialog")
                    expect(dialog).to_be_visible()
                    box = dialog.bounding_box()
                    self.assertLessEqual(box["x"] + box["width"], width + 0.5)
                    self.assertLessEqual(box["y"] + box["height"], height + 0.5)
                    expect(page.locator("#import-cards button[type=submit]")).to_be_in_viewport()
                    if width in (390, 1280) and code == "de":
                        page.screenshot(path=f"/tmp/jb-import-{width}-de.png")
                    page.keyboard.press("Escape")
                    expect(dialog).to_be_hidden()
