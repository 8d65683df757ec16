"""Undo and redo in two real browsers: what one person undoes, everyone sees undone."""

import pytest

from journeyboard.boards.cards import create_card
from tests.browsing import LIVE, TwoPeopleTestCase

pytestmark = pytest.mark.browser

from playwright.sync_api import expect  # noqa: E402


class UndoRedoTests(TwoPeopleTestCase):
    def test_undo_restores_a_moved_card_everywhere_and_redo_moves_it_again(self):
        first, third = self.phases[0], self.phases[2]
        card = create_card(self.user, first, title="Checkout")
        create_card(self.user, first, title="Newsletter")
        anna, bert = self.both()

        self.drag(anna.locator(f"#card-{card.pk}"), anna.locator(f"#cards-{third.pk}"))
        for page in (anna, bert):
            expect(page.locator(f"#cards-{third.pk} #card-{card.pk}")).to_be_visible(timeout=LIVE)

        anna.keyboard.press("Control+z")
        for page in (anna, bert):
            # Back in its lane, in its place (first, above the newsletter).
            expect(page.locator(f"#cards-{first.pk} .card").first).to_have_id(f"card-{card.pk}", timeout=LIVE)
            expect(page.locator(f"#cards-{third.pk} #card-{card.pk}")).to_have_count(0)
            expect(page.locator(f"#count-{first.pk}")).to_have_text("2")
        expect(anna.locator(".toast")).to_contain_text("Undone: moved “Checkout” from Awareness to Decision")

        anna.keyboard.press("Control+Shift+z")
        for page in (anna, bert):
            expect(page.locator(f"#cards-{third.pk} #card-{card.pk}")).to_be_visible(timeout=LIVE)
            expect(page.locator(f"#count-{first.pk}")).to_have_text("1")

        # Nothing more to redo: a toast says so, and nothing moves.
        anna.keyboard.press("Control+y")
        expect(anna.locator(".toast-error")).to_contain_text("Nothing of yours to redo.")
        expect(bert.locator(f"#cards-{third.pk} #card-{card.pk}")).to_be_visible()

    def test_ctrl_z_in_a_text_field_is_the_browser_s_own_and_the_panel_follows_changes(self):
        first = self.phases[0]
        anna, bert = self.both()
        field = anna.locator(f"#add-card-title-{first.pk}")
        field.fill("Podcast")
        field.press("Enter")
        expect(bert.locator(f"#cards-{first.pk} .card", has_text="Podcast")).to_be_visible(timeout=LIVE)

        bert.locator(".history-open").click()
        entry = bert.locator("#history .history-entry").first
        expect(entry).to_contain_text("anna added “Podcast” to Awareness")

        field.fill("Typo")
        field.press("Control+z")  # the field's own undo: the card stays
        expect(bert.locator(f"#cards-{first.pk} .card", has_text="Podcast")).to_be_visible()

        anna.locator("body").click(position={"x": 5, "y": 300})  # out of the field
        anna.keyboard.press("Control+z")
        expect(bert.locator(f"#cards-{first.pk} .card", has_text="Podcast")).to_have_count(0, timeout=LIVE)
        # Bert's open panel shows the undo as it happens, and the change as undone.
        expect(entry).to_contain_text("anna deleted “Podcast” from Awareness", timeout=LIVE)
        expect(entry.locator(".tag-undo")).to_be_visible()
        expect(bert.locator("#history .history-entry").nth(1).locator(".tag-reverted")).to_have_text("undone")
