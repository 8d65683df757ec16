"""The board locked for presenting, as someone the lock stops sees it: refusals are toasts,
undo and redo go away with the other controls, and what was being typed is not lost."""

import pytest

from journeyboard.boards.cards import create_card
from tests.browsing import LIVE, TwoPeopleTestCase

pytestmark = pytest.mark.browser

from playwright.sync_api import expect  # noqa: E402


class LockedBoardTests(TwoPeopleTestCase):
    def toggle_lock(self, anna):
        anna.locator("#lock-toggle label").click()

    def test_an_undo_refused_by_the_lock_is_a_toast_and_the_page_keeps_its_board(self):
        card = create_card(self.bert, self.phases[0], title="Bert's note")
        anna, bert = self.both()
        errors = []
        bert.on("pageerror", lambda error: errors.append(str(error)))
        expect(bert.locator("#undo-button")).to_be_visible()

        self.toggle_lock(anna)
        expect(bert.locator("#lock-banner")).to_be_visible(timeout=LIVE)
        # An undo sent just before the lock arrived is refused in words; the page stays.
        bert.evaluate(f"htmx.ajax('POST', '/boards/{self.board.pk}/undo/', {{swap: 'none'}})")
        expect(bert.locator(".toast-error")).to_contain_text("The board is locked by the facilitator.")
        expect(bert.locator(f"#card-{card.pk}")).to_be_visible()
        expect(bert.locator("#connection")).to_have_attribute("data-state", "live")
        expect(anna.locator(f'#presence .presence-other[data-user="{self.bert.pk}"]')).to_be_visible()

        # The lock takes undo and redo from those it stops (Ctrl+Z does nothing); the
        # facilitator keeps them.
        expect(bert.locator("#undo-button")).to_have_count(0)
        expect(bert.locator("#redo-button")).to_have_count(0)
        expect(anna.locator("#undo-button")).to_be_visible()
        bert.locator("body").click(position={"x": 5, "y": 300})
        bert.keyboard.press("Control+z")
        expect(bert.locator(f"#card-{card.pk}")).to_be_visible()

        self.toggle_lock(anna)
        expect(bert.locator("#lock-banner")).to_be_hidden(timeout=LIVE)
        expect(bert.locator("#undo-button")).to_be_visible()
        self.assertEqual(errors, [])

    def test_text_typed_when_the_lock_comes_is_kept(self):
        first = self.phases[0]
        anna, bert = self.both()
        field = bert.locator(f"#add-card-title-{first.pk}")
        field.fill("Half a thought")

        self.toggle_lock(anna)
        expect(field).to_have_count(0, timeout=LIVE)
        expect(bert.locator(".toast-error")).to_contain_text("Half a thought")

        self.toggle_lock(anna)
        expect(field).to_have_value("Half a thought", timeout=LIVE)

    def test_presence_after_the_page_lost_its_presence_bar_raises_no_error(self):
        anna, bert = self.both()
        errors = []
        anna.on("pageerror", lambda error: errors.append(str(error)))
        expect(anna.locator(f'#presence .presence-other[data-user="{self.bert.pk}"]')).to_be_visible(timeout=LIVE)
        anna.evaluate("document.getElementById('presence').remove()")
        # Bert leaves and comes back: presence messages for a page without its bar.
        bert.reload()
        expect(bert.locator("#connection")).to_have_attribute("data-state", "live")
        bert.mouse.move(300, 400)
        bert.mouse.move(320, 420, steps=3)
        expect(anna.locator(f'#cursors .cursor[data-user="{self.bert.pk}"]')).to_be_visible(timeout=LIVE)
        self.assertEqual(errors, [])
