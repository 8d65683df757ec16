"""A workshop in two browsers: the owner shares a link, a newcomer joins as a guest with
only a name, works on the board live, and the owner locks it for presenting."""

import pytest

from journeyboard.boards.lifecycle import create_board
from journeyboard.boards.models import Card, Guest
from tests.browsing import BrowserTestCase

pytestmark = pytest.mark.browser

from playwright.sync_api import expect  # noqa: E402

LIVE = 2_000  # ms: a change must reach the other screen within this


class GuestWorkshopTests(BrowserTestCase):
    def setUp(self):
        super().setUp()
        self.board = create_board(self.user, "Workshop", template="buyer", language="en")
        self.first = self.board.phases.order_by("position").first()
        self.guest_context = self.browser.new_context(viewport={"width": 1600, "height": 1000})
        self.guest_context.set_default_timeout(10_000)

    def tearDown(self):
        self.guest_context.close()
        super().tearDown()

    def open_board_as_owner(self):
        page = self.page
        self.sign_in()
        page.goto(f"{self.live_server_url}/boards/{self.board.pk}/")
        expect(page.locator("#connection")).to_have_attribute("data-state", "live")
        return page

    def share_link(self, owner):
        owner.click("button[data-open-dialog=members-dialog]")
        links = owner.locator("#share-links")
        expect(links.locator("h3", has_text="Share links")).to_be_visible()
        links.locator("select[name=role]").select_option("editor")
        links.locator("button", has_text="Create link").click()
        url = links.locator(".share-link-url").first
        # The whole address, ready to paste into the workshop chat.
        expect(url).to_contain_text(f"{self.live_server_url}/join/")
        return url.inner_text()

    def test_a_guest_joins_through_a_link_works_live_and_is_locked_out_for_presenting(self):
        owner = self.open_board_as_owner()
        link = self.share_link(owner)

        guest = self.guest_context.new_page()
        guest.goto(link)
        expect(guest.locator("h1")).to_have_text("Join “Workshop”")
        guest.fill("#id_display_name", "Gerda")
        guest.locator(".auth-form button", has_text="Join as a guest").click()
        expect(guest.locator("#connection")).to_have_attribute("data-state", "live")
        expect(guest.locator(".board-title input, h1.board-title").first).to_be_visible()
        self.assertEqual(Guest.objects.get().display_name, "Gerda")

        # The owner sees Gerda arrive: on the board and in the open members panel.
        expect(owner.locator('#presence .presence-other[title="Gerda"]')).to_be_visible(timeout=LIVE)
        expect(owner.locator("#members .member-name", has_text="Gerda")).to_be_visible(timeout=LIVE)
        owner.locator("#members-dialog [data-close-dialog]").click()

        # Gerda's card reaches the owner live.
        guest.fill(f"#add-card-title-{self.first.pk}", "Gerda's sticky note")
        guest.press(f"#add-card-title-{self.first.pk}", "Enter")
        expect(owner.locator(f"#cards-{self.first.pk} .card", has_text="Gerda's sticky note")).to_be_visible(timeout=LIVE)
        self.assertEqual(Card.objects.get(title="Gerda's sticky note").author.guest.display_name, "Gerda")

        # The owner locks the board: Gerda's page turns read-only at once, and says why.
        expect(guest.locator("#lock-banner")).to_be_hidden()
        owner.locator("#lock-toggle label").click()
        banner = guest.locator("#lock-banner")
        expect(banner).to_be_visible(timeout=LIVE)
        expect(banner).to_contain_text("Locked by the facilitator for presenting")
        expect(guest.locator(f"#add-card-{self.first.pk}")).to_have_count(0)
        expect(guest.locator("article.card[hx-get]")).to_have_count(0)
        expect(guest.locator("#add-phase")).to_have_count(0)
        # The owner keeps the controls.
        expect(owner.locator("#lock-banner")).to_contain_text("only facilitators can change the board")
        expect(owner.locator(f"#add-card-{self.first.pk}")).to_be_visible()

        # Unlocking gives Gerda her controls back.
        owner.locator("#lock-toggle label").click()
        expect(guest.locator(f"#add-card-{self.first.pk}")).to_be_visible(timeout=LIVE)
        expect(guest.locator("#lock-banner")).to_be_hidden()
        expect(owner.locator("#lock-toggle input[type=checkbox]")).not_to_be_checked()

    def test_a_revoked_link_shows_a_clear_page(self):
        owner = self.open_board_as_owner()
        link = self.share_link(owner)
        owner.locator("#share-links button", has_text="Revoke").first.click()  # the page accepts the confirm
        expect(owner.locator("#share-links .share-link-revoked")).to_be_visible()

        guest = self.guest_context.new_page()
        response = guest.goto(link)
        self.assertEqual(response.status, 404)
        expect(guest.locator("h1")).to_contain_text("This link is not valid (any more).")
        guest.goto(f"{self.live_server_url}/boards/{self.board.pk}/")
        expect(guest.locator("h1")).to_have_text("Log in")
