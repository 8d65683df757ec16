"""The board by keyboard alone: a skip link, the card editor giving focus back, moving a card
with Alt+arrows (saved, broadcast and undoable like a drag) and the shortcuts' help."""

import json

import pytest

from journeyboard.boards.cards import create_card
from tests.browsing import LIVE, TwoPeopleTestCase

pytestmark = pytest.mark.browser

from playwright.sync_api import expect  # noqa: E402


class KeyboardTests(TwoPeopleTestCase):
    def setUp(self):
        super().setUp()
        first, second = self.phases[0], self.phases[1]
        self.ad = create_card(self.user, first, title="Advert")
        self.blog = create_card(self.user, first, title="Blog post")
        self.review = create_card(self.user, second, title="Review")
        self.compare = create_card(self.user, second, title="Comparison")

    def exported_titles(self, page):
        answer = page.request.get(f"{self.live_server_url}/boards/{self.board.pk}/export.json")
        self.assertEqual(answer.status, 200)
        return [[card["title"] for card in phase["cards"]] for phase in json.loads(answer.text())["phases"]]

    def test_move_a_card_with_alt_and_the_arrow_keys(self):
        anna, bert = self.both()
        first, second = self.phases[0], self.phases[1]
        card = anna.locator(f"#card-{self.blog.pk}")
        card.focus()

        # Right: the next phase, at the same position (second of its lane).
        anna.keyboard.press("Alt+ArrowRight")
        expect(anna.locator(f"#cards-{second.pk} > .card").nth(1)).to_have_id(f"card-{self.blog.pk}")
        expect(card).to_be_focused()
        expect(anna.locator("#announcer")).to_have_text("Moved to Consideration, position 2 of 3")
        expect(bert.locator(f"#cards-{second.pk} > .card").nth(1)).to_have_id(f"card-{self.blog.pk}", timeout=LIVE)

        # Down: one further in its lane, the last.
        anna.keyboard.press("Alt+ArrowDown")
        expect(anna.locator("#announcer")).to_have_text("Moved to Consideration, position 3 of 3")
        expect(card).to_be_focused()
        self.assertEqual(
            self.exported_titles(anna)[:2], [["Advert"], ["Review", "Comparison", "Blog post"]]
        )
        expect(bert.locator(f"#cards-{second.pk} > .card").nth(2)).to_have_id(f"card-{self.blog.pk}", timeout=LIVE)

        # The edges go nowhere; the first phase has no previous one.
        anna.keyboard.press("Alt+ArrowDown")
        anna.locator(f"#card-{self.ad.pk}").focus()
        anna.keyboard.press("Alt+ArrowLeft")
        expect(anna.locator(f"#cards-{first.pk} > .card")).to_have_count(1)

        # Undoable like a drag: Ctrl+Z puts the card back up.
        anna.locator(f"#card-{self.blog.pk}").focus()
        anna.keyboard.press("Control+z")
        expect(anna.locator(f"#cards-{second.pk} > .card").nth(1)).to_have_id(f"card-{self.blog.pk}", timeout=LIVE)
        self.assertEqual(
            self.exported_titles(anna)[:2], [["Advert"], ["Review", "Blog post", "Comparison"]]
        )

    def test_skip_link_editor_focus_and_the_shortcuts_help(self):
        anna = self.open_board(self.page, "anna")
        anna.keyboard.press("Tab")
        skip = anna.locator(".skip-link")
        expect(skip).to_be_focused()
        expect(skip).to_have_text("Skip to the board")
        anna.keyboard.press("Enter")
        anna.keyboard.press("Tab")
        expect(anna.locator("#board-scroll :focus")).to_have_count(1)

        # Saving or cancelling the card editor gives the focus back to the card.
        card = anna.locator(f"#card-{self.ad.pk}")
        card.focus()
        anna.keyboard.press("Enter")
        title = anna.locator(f"form#card-{self.ad.pk} input[name=title]")
        expect(title).to_be_focused()
        title.fill("Advert on TV")
        anna.keyboard.press("Enter")
        expect(card.locator(".card-title")).to_have_text("Advert on TV")
        expect(card).to_be_focused()
        anna.keyboard.press("Enter")
        expect(title).to_be_focused()
        anna.keyboard.press("Escape")
        expect(card).to_be_visible()
        expect(card).to_be_focused()

        # "?" lists the shortcuts; Escape closes the list.
        anna.keyboard.press("?")
        help_dialog = anna.locator("#keyboard-help")
        expect(help_dialog).to_be_visible()
        expect(help_dialog).to_contain_text("Move the focused card to the previous or next phase")
        anna.keyboard.press("Escape")
        expect(help_dialog).to_be_hidden()
