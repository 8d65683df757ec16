"""Emotion rounds in real browsers: two people rate, both screens agree, the room's line
joins the curve, applying sets the cards' faces; by keyboard, at 390 px and for axe."""

import pytest

from journeyboard.boards import ratings
from journeyboard.boards.cards import create_card
from tests.browsing import LIVE, TwoPeopleTestCase

pytestmark = pytest.mark.browser

from axe_playwright_python.sync_playwright import Axe  # noqa: E402
from playwright.sync_api import expect  # noqa: E402

BLOCKING = ("critical", "serious")


class EmotionRoundTests(TwoPeopleTestCase):
    def setUp(self):
        super().setUp()
        self.ad = create_card(self.user, self.phases[0], title="Instagram ad", emotion=0)
        self.shop = create_card(self.user, self.phases[1], title="Webshop")

    def rate(self, page, card, value):
        return page.locator(f"#rate-{card.pk}-{value}")

    def test_two_people_rate_and_both_screens_agree_then_the_room_is_applied(self):
        anna, bert = self.both()  # Anna owns the board, so she facilitates; Bert edits
        expect(bert.locator(".rating-menu")).to_have_count(0)

        anna.locator(".rating-menu > summary").click()
        anna.locator("#rating-start button[type=submit]").click()
        for page in (anna, bert):
            expect(page.locator("#rating")).to_have_attribute("data-state", "open", timeout=LIVE)
            expect(self.rate(page, self.shop, 2)).to_be_visible()

        self.rate(anna, self.ad, 2).click()
        expect(self.rate(anna, self.ad, 2)).to_have_attribute("aria-pressed", "true")
        expect(anna.locator(f"form#card-{self.ad.pk}")).to_have_count(0)  # a rating is not an edit
        # By keyboard: Bert tabs to a button and presses Enter.
        self.rate(bert, self.ad, 1).focus()
        bert.keyboard.press("Enter")
        expect(self.rate(bert, self.ad, 1)).to_have_attribute("aria-pressed", "true")
        expect(self.rate(bert, self.ad, 2)).to_have_attribute("aria-pressed", "false")  # only your own
        for page in (anna, bert):
            expect(page.locator(f"#rating-{self.ad.pk} .rating-text")).to_have_text("2 ratings, average +1.5", timeout=LIVE)
        expect(anna.locator("#emotion-curve .curve-room-point")).to_have_count(1, timeout=LIVE)
        expect(anna.locator("#curve-legend")).to_contain_text("The room's ratings")

        # Pressing your own rating again takes it back; every screen counts one less.
        self.rate(bert, self.ad, 1).click()
        expect(self.rate(bert, self.ad, 1)).to_have_attribute("aria-pressed", "false")
        expect(anna.locator(f"#rating-{self.ad.pk} .rating-text")).to_have_text("1 rating, average +2.0", timeout=LIVE)
        self.rate(bert, self.ad, -1).click()
        expect(anna.locator(f"#rating-{self.ad.pk} .rating-text")).to_have_text("2 ratings, average +0.5", timeout=LIVE)

        anna.locator("#rating-close").click()
        for page in (anna, bert):
            expect(page.locator("#rating")).to_have_attribute("data-state", "closed", timeout=LIVE)
            expect(page.locator(".rate")).to_have_count(0, timeout=LIVE)
            expect(page.locator(f"#rating-{self.ad.pk} .rating-bars .rating-level")).to_have_count(5)
        expect(bert.locator("#rating-apply")).to_have_count(0)

        anna.locator("#rating-apply").click()  # +0.5 rounds to +1
        for page in (anna, bert):
            expect(page.locator(f"#card-{self.ad.pk} .emotion use")).to_have_attribute("href", "#face-1", timeout=LIVE)
        expect(bert.locator(f"#card-{self.shop.pk} .emotion")).to_have_count(0)  # nobody rated it

    def test_hidden_results_show_only_counts_until_the_round_closes(self):
        ratings.start_round(self.user, self.board, hidden_results=True)
        anna, bert = self.both()
        self.rate(bert, self.ad, -2).click()
        expect(anna.locator(f"#rating-{self.ad.pk} .rating-count")).to_have_text("1 rated", timeout=LIVE)
        expect(anna.locator(".rating-text")).to_have_count(0)
        expect(self.rate(anna, self.ad, -2)).to_have_attribute("aria-pressed", "false")
        expect(self.rate(bert, self.ad, -2)).to_have_attribute("aria-pressed", "true")


class PhoneTests(TwoPeopleTestCase):
    def test_rating_by_touch_at_390_px(self):
        card = create_card(self.user, self.phases[0], title="A long title for a small screen that wraps")
        ratings.start_round(self.user, self.board)
        self.context.close()
        self.context = self.browser.new_context(viewport={"width": 390, "height": 844}, has_touch=True, is_mobile=True)
        self.context.set_default_timeout(10_000)
        page = self.open_board(self.context.new_page(), "anna")
        button = page.locator(f"#rate-{card.pk}-1")
        button.scroll_into_view_if_needed()
        box = button.bounding_box()
        self.assertGreaterEqual(min(box["width"], box["height"]), 24)  # a finger's target
        button.tap()
        expect(page.locator(f"#rating-{card.pk} .rating-text")).to_have_text("1 rating, average +1.0")
        overflow = page.evaluate(
            """id => { const c = document.getElementById(id); return [c.scrollWidth - c.clientWidth,
                   document.getElementById('rating').getBoundingClientRect().height]; }""",
            f"card-{card.pk}",
        )
        self.assertLessEqual(overflow[0], 0)  # nothing sticks out of the card


class AccessibilityTests(TwoPeopleTestCase):
    def test_a_round_open_and_closed_has_no_serious_violations(self):
        card = create_card(self.user, self.phases[0], title="Sees an ad", emotion=-1)
        ratings.start_round(self.user, self.board)
        ratings.rate(self.bert, card, 1)
        self.context.close()
        self.context = self.browser.new_context(viewport={"width": 1600, "height": 1000}, bypass_csp=True)
        self.context.set_default_timeout(10_000)
        axe = Axe()
        page = self.open_board(self.context.new_page(), "anna")
        for state in ("open", "closed"):
            if state == "closed":
                page.locator("#rating-close").click()
                expect(page.locator("#rating")).to_have_attribute("data-state", "closed")
                page.locator(".rating-menu > summary").click()
            results = axe.run(page, options={"resultTypes": ["violations"]})
            blocking = [v for v in results.response["violations"] if v["impact"] in BLOCKING]
            report = [(v["id"], [n["target"] for n in v["nodes"][:3]]) for v in blocking]
            self.assertEqual(report, [], state)
