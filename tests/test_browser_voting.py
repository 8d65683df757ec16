"""Dot voting in two real browsers: a round runs and its result is the same on every screen."""

import pytest

from journeyboard.boards.cards import create_card
from tests.browsing import LIVE, TwoPeopleTestCase

pytestmark = pytest.mark.browser

from playwright.sync_api import expect  # noqa: E402


class DotVotingTests(TwoPeopleTestCase):
    def setUp(self):
        super().setUp()
        self.ad = create_card(self.user, self.phases[0], title="Instagram ad")
        self.shop = create_card(self.user, self.phases[1], title="Webshop")
        self.call = create_card(self.user, self.phases[2], title="Support call")

    def dot(self, page, card):
        return page.locator(f"#vote-{card.pk}")

    def test_a_round_with_two_votes_each_ends_the_same_on_both_screens(self):
        anna, bert = self.both()  # Anna owns the board, so she facilitates; Bert edits
        expect(bert.locator(".voting-menu")).to_have_count(0)  # only facilitators start a round

        anna.locator(".voting-menu > summary").click()
        anna.fill("#voting-votes", "2")
        anna.locator(".voting-start button[type=submit]").click()
        for page in (anna, bert):
            expect(page.locator("#voting")).to_have_attribute("data-state", "open", timeout=LIVE)
            expect(page.locator(".voting-left")).to_have_text("You have 2 of 2 votes left")
            expect(self.dot(page, self.call)).to_be_visible()

        self.dot(anna, self.ad).click()
        expect(self.dot(anna, self.ad)).to_have_attribute("aria-pressed", "true")
        expect(anna.locator(".voting-left")).to_have_text("You have 1 of 2 votes left")
        # A dot is not the card: clicking it opens no editor.
        expect(anna.locator(f"form#card-{self.ad.pk}")).to_have_count(0)

        self.dot(bert, self.ad).click()
        self.dot(bert, self.shop).click()
        expect(bert.locator(".voting-left")).to_have_text("You have 0 of 2 votes left")
        # Others' votes count on the badge, but only your own dots are filled.
        expect(self.dot(bert, self.ad).locator(".vote-count")).to_have_text("2", timeout=LIVE)
        expect(self.dot(anna, self.ad).locator(".vote-count")).to_have_text("2", timeout=LIVE)
        expect(self.dot(anna, self.shop)).to_have_attribute("aria-pressed", "false")

        self.dot(bert, self.call).click()  # a third vote
        expect(bert.locator("#toasts")).to_contain_text("You have used all 2 of your votes")
        expect(self.dot(bert, self.call)).to_have_attribute("aria-pressed", "false")
        expect(self.dot(anna, self.call).locator(".vote-count")).to_have_count(0)

        anna.locator(".voting-close").click()
        for page in (anna, bert):
            expect(page.locator("#voting")).to_have_attribute("data-state", "closed", timeout=LIVE)
            expect(page.locator(f"#votes-{self.ad.pk} .vote-count")).to_have_text("2", timeout=LIVE)
            expect(page.locator(f"#votes-{self.shop.pk} .vote-count")).to_have_text("1")
            expect(page.locator(f"#votes-{self.call.pk} .vote-count")).to_have_count(0)
            expect(page.locator(".vote-dot")).to_have_count(0)
            # The ranked list opens by itself on every screen.
            results = page.locator("#voting-results")
            expect(results).to_be_visible()
            expect(results.locator(".ranking-row .ranking-title")).to_have_text(["Instagram ad", "Webshop"])
            expect(results.locator(".ranking-row .ranking-votes")).to_have_text(["2 votes", "1 vote"])

        # Still there after a reload, until a new round starts.
        anna.reload()
        expect(anna.locator(f"#votes-{self.ad.pk} .vote-count")).to_have_text("2")
        anna.locator(".voting-results-open").click()
        expect(anna.locator("#voting-results .ranking-title")).to_have_text(["Instagram ad", "Webshop"])
