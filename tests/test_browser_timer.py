"""The workshop timer and follow mode in two real browsers: Anna (the owner, so a
facilitator) runs them, Bert (an editor) sees them."""

import re
from datetime import datetime, timedelta

import pytest

from journeyboard.boards.lifecycle import create_board
from journeyboard.boards.models import Membership, Role
from tests.browsing import LIVE, TwoPeopleTestCase

pytestmark = pytest.mark.browser

from playwright.sync_api import expect  # noqa: E402

SCROLLER = "document.getElementById('board-scroll')"
# The clock reads at least n seconds (after "+1 min" has arrived).
SHOWS_AT_LEAST = """(n) => {
    const [m, s] = document.querySelector("#timer .timer-clock").textContent.split(":");
    return Number(m) * 60 + Number(s) >= n;
}"""


def seconds_shown(page):
    text = page.locator("#timer .timer-clock").inner_text()
    found = re.fullmatch(r"(\d+):(\d\d)", text.strip())
    assert found, f"not m:ss: {text!r}"
    return int(found.group(1)) * 60 + int(found.group(2))


class WorkshopTestCase(TwoPeopleTestCase):
    def open(self, page, username):
        self.sign_in_as(page, username)
        return self.open_board(page, username, sign_in=False)


class TimerTests(WorkshopTestCase):
    def assertSameTime(self, anna, bert, low, high):
        shown = seconds_shown(anna), seconds_shown(bert)
        # Read one after the other: a second may tick over in between.
        self.assertLessEqual(abs(shown[0] - shown[1]), 1, shown)
        for value in shown:
            self.assertTrue(low <= value <= high, shown)

    def test_both_browsers_count_down_the_same_time(self):
        # Bert's computer clock is 7 minutes fast: the page corrects it by the server's clock.
        self.other_context.clock.install(time=datetime.now() + timedelta(minutes=7))
        anna = self.open(self.page, "anna")
        bert = self.open(self.other_context.new_page(), "bert")
        expect(bert.locator("#timer")).to_be_hidden()
        expect(bert.locator(".timer-controls")).to_have_count(0)  # not a facilitator

        anna.locator(".timer-menu summary").click()
        anna.locator(".timer-presets button", has_text="5 min").click()
        for page in (anna, bert):
            expect(page.locator("#timer")).to_have_attribute("data-state", "running", timeout=LIVE)
            expect(page.locator("#timer")).to_be_visible()
        self.assertSameTime(anna, bert, 290, 300)

        # A reload (or someone joining late) sees the same remaining time.
        bert.reload()
        expect(bert.locator("#connection")).to_have_attribute("data-state", "live")
        self.assertSameTime(anna, bert, 285, 300)

        anna.locator(".timer-pause").click()
        for page in (anna, bert):
            expect(page.locator("#timer")).to_have_attribute("data-state", "paused", timeout=LIVE)
            expect(page.locator("#timer .timer-label-paused")).to_be_visible()
        frozen = int(anna.locator("#timer").get_attribute("data-remaining"))
        for page in (anna, bert):
            expect(page.locator("#timer .timer-clock")).to_have_text(f"{frozen // 60}:{frozen % 60:02d}")

        anna.locator(".timer-resume").click()
        for page in (anna, bert):
            expect(page.locator("#timer")).to_have_attribute("data-state", "running", timeout=LIVE)
        anna.locator(".timer-add").click()
        for page in (anna, bert):
            page.wait_for_function(SHOWS_AT_LEAST, arg=frozen + 50, timeout=LIVE)
        self.assertSameTime(anna, bert, frozen + 50, frozen + 60)

        anna.locator(".timer-stop").click()
        for page in (anna, bert):
            expect(page.locator("#timer")).to_be_hidden(timeout=LIVE)

    def test_a_timer_that_runs_out_says_so_and_a_bad_length_is_refused(self):
        anna = self.open(self.page, "anna")
        bert = self.open(self.other_context.new_page(), "bert")
        anna.locator(".timer-menu summary").click()
        anna.fill("#timer-minutes", "500")
        anna.evaluate("document.getElementById('timer-minutes').removeAttribute('max')")  # past the browser's own check
        anna.locator(".timer-custom button[type=submit]").click()
        expect(anna.locator(".toast-error")).to_have_text("A timer runs for at most 120 minutes.")
        expect(anna.locator("#timer")).to_be_hidden()

        # A two-second timer, straight from the endpoint as the page would send it.
        anna.evaluate(
            """htmx.ajax("POST", location.pathname + "timer/",
                {target: "#timer", swap: "outerHTML", values: {action: "start", seconds: "2"}})"""
        )
        for page in (anna, bert):
            expect(page.locator("#timer")).to_have_class(re.compile(r"\bis-up\b"), timeout=5_000)
            expect(page.locator("#timer .timer-clock")).to_have_text("0:00")
            expect(page.locator("#timer .timer-label-up")).to_be_visible()
        expect(anna.locator(".timer-pause")).to_be_hidden()  # nothing left to pause
        anna.locator(".timer-stop").click()
        expect(bert.locator("#timer")).to_be_hidden(timeout=LIVE)


class FollowTests(WorkshopTestCase):
    def setUp(self):
        super().setUp()
        # Ten phases: wider than the window, so the board scrolls sideways.
        self.board = create_board(self.user, "Wide workshop", template="customer10", language="en")
        Membership.objects.create(board=self.board, user=self.bert, role=Role.EDITOR)

    def scroll_to(self, page, x):
        """Scroll the board and wait past follow mode's throttle (100 ms), so the position
        has been sent when this returns; answers where the board really is."""
        return page.evaluate(
            """(x) => new Promise((done) => {
                const scroller = %s;
                const settled = () => setTimeout(() => done(scroller.scrollLeft), 250);
                scroller.addEventListener("scroll", settled, {once: true});
                scroller.scrollLeft = x;
            })"""
            % SCROLLER,
            x,
        )

    def wait_scrolled_near(self, page, x, tolerance=2):
        """Until the (smooth) scroll has arrived: the same window size shows the same place."""
        near = f"([x, tolerance]) => Math.abs({SCROLLER}.scrollLeft - x) <= tolerance"
        page.wait_for_function(near, arg=[x, tolerance], timeout=LIVE * 2)

    def scroll_left(self, page):
        return page.evaluate(f"{SCROLLER}.scrollLeft")

    def test_everyone_follows_the_facilitator_and_may_leave(self):
        anna = self.open(self.page, "anna")
        anna.locator("[data-follow-toggle]").click()
        expect(anna.locator("[data-follow-toggle]")).to_have_attribute("aria-pressed", "true")
        at = self.scroll_to(anna, 700)
        self.assertGreater(at, 600)

        # Bert opens the board while Anna leads: he is brought to her place at once.
        bert = self.open(self.other_context.new_page(), "bert")
        banner = bert.locator("#follow-banner")
        expect(banner).to_be_visible(timeout=LIVE)
        expect(banner).to_contain_text("Following anna")
        self.wait_scrolled_near(bert, at)

        at = self.scroll_to(anna, 1400)
        self.wait_scrolled_near(bert, at)
        expect(anna.locator("#follow-banner")).to_be_hidden()  # the leader follows nobody

        # Bert leaves: Anna's next moves no longer move his board.
        banner.locator("[data-follow-leave]").click()
        expect(banner).to_contain_text("anna is leading")
        stayed = self.scroll_left(bert)
        self.scroll_to(anna, 0)
        # Anna's pointer travels the same socket after her position: once Bert sees it,
        # the position has reached him too.
        box = anna.locator(".lane").first.bounding_box()
        anna.mouse.move(box["x"] + 20, box["y"] + 40)
        anna.mouse.move(box["x"] + 30, box["y"] + 50, steps=3)
        expect(bert.locator(f'#cursors .cursor[data-user="{self.user.pk}"]')).to_be_visible(timeout=LIVE)
        self.assertAlmostEqual(self.scroll_left(bert), stayed, delta=2)

        # ...until he follows again, to where she is now.
        banner.locator("[data-follow-again]").click()
        expect(banner).to_contain_text("Following anna")
        self.wait_scrolled_near(bert, 0)

        anna.locator("[data-follow-toggle]").click()
        expect(anna.locator("[data-follow-toggle]")).to_have_attribute("aria-pressed", "false")
        expect(banner).to_be_hidden(timeout=LIVE)
        self.assertEqual(bert.locator("[data-follow-toggle]").count(), 0)  # editors cannot lead
