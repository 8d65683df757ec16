"""The pain points & opportunities panel in a real browser: open while people keep working.

A card made by the test's own ORM calls would not reach the page: the live server runs in
another process with its own channel layer. So the other person's change comes from a
second browser, over the real WebSocket, as it would in a workshop.
"""

import re

import pytest

from journeyboard.boards.cards import create_card
from journeyboard.boards.models import Card
from tests.browsing import LIVE, TwoPeopleTestCase

pytestmark = pytest.mark.browser

from playwright.sync_api import expect  # noqa: E402


class SummaryPanelTests(TwoPeopleTestCase):
    def setUp(self):
        super().setUp()
        self.slow = create_card(
            self.user, self.phases[0], title="Slow site", kind="pain", channel="website", emotion=-2
        )
        self.chat = create_card(self.user, self.phases[1], title="Live chat", kind="opportunity")

    def open_panel(self, page):
        page.locator("#view-filters button", has_text="Pain points & opportunities").click()
        panel = page.locator("#summary-dialog")
        expect(panel).to_be_visible()
        return panel

    def test_the_open_panel_follows_everyones_changes(self):
        anna, bert = self.both()
        panel = self.open_panel(anna)
        first, second, third = (panel.locator(f'.summary-phase[data-phase="{p.pk}"]') for p in self.phases)
        expect(first.locator(".summary-pains .summary-item")).to_have_text(re.compile("Slow site.*Website / webshop", re.S))
        expect(second.locator(".summary-opportunities")).to_contain_text("Live chat")
        expect(panel.locator(".summary-totals")).to_contain_text("1 pain point")
        expect(third).to_have_class(re.compile(r"\bis-empty\b"))

        # Bert adds a touchpoint and turns it into a pain point: it appears in Anna's open panel.
        bert.fill(f"#add-card-title-{self.phases[2].pk}", "Hidden shipping costs")
        bert.press(f"#add-card-title-{self.phases[2].pk}", "Enter")
        card = bert.locator(f"#cards-{self.phases[2].pk} article.card", has_text="Hidden shipping costs")
        expect(card).to_be_visible()
        card.click()
        form = bert.locator("form.card-editing")
        form.locator("label.pick-kind.kind-pain").click()
        form.locator("input[name=title]").press("Enter")
        expect(third.locator(".summary-pains")).to_contain_text("Hidden shipping costs", timeout=LIVE)
        expect(third).not_to_have_class(re.compile(r"\bis-empty\b"))
        expect(panel.locator(".summary-totals")).to_contain_text("2 pain points")

        # The panel is not modal: Anna keeps working on the board, and her own change shows too.
        anna.locator(f"#card-{self.chat.pk}").click()
        anna.locator(f"form#card-{self.chat.pk} label.pick-kind.kind-touchpoint").click()
        anna.locator(f"form#card-{self.chat.pk} input[name=title]").press("Enter")
        expect(panel.locator(".summary-item.kind-opportunity")).to_have_count(0, timeout=LIVE)
        expect(panel.locator(".summary-totals")).to_contain_text("0 opportunities")
        expect(second).to_have_class(re.compile(r"\bis-empty\b"))
        expect(panel).to_be_visible()

    def test_clicking_an_item_shows_its_card_on_the_board(self):
        # Far down a long lane, and hidden by the "only opportunities" filter.
        for n in range(12):
            create_card(self.user, self.phases[2], title=f"Touchpoint {n}")
        deep = create_card(self.user, self.phases[2], title="Confusing returns", kind="pain")
        anna = self.open_board(self.page, "anna")
        anna.locator(".kind-filter label", has_text="Only opportunities").click()
        expect(anna.locator(f"#card-{deep.pk}")).to_be_hidden()

        panel = self.open_panel(anna)
        panel.locator(f"#summary-card-{deep.pk}").click()
        card = anna.locator(f"#card-{deep.pk}")
        expect(card).to_have_class(re.compile(r"\bsummary-flash\b"))
        expect(card).to_be_in_viewport()
        expect(anna.locator("input[name=show-kind][value='']")).to_be_checked()
        self.assertEqual(anna.url, f"{self.live_server_url}/boards/{self.board.pk}/")  # no #card-… in the address
        # The panel docks beside the board instead of covering the card.
        self.assertLessEqual(card.bounding_box()["x"] + card.bounding_box()["width"], panel.bounding_box()["x"])

        opener = anna.locator("#view-filters button.summary-open")
        expect(opener).to_have_attribute("aria-expanded", "true")
        panel.locator(".summary-item").first.press("Escape")
        expect(panel).to_be_hidden()
        expect(opener).to_have_attribute("aria-expanded", "false")
        self.assertTrue(Card.objects.filter(pk=deep.pk, kind="pain").exists())
