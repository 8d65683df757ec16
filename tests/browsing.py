"""The harness of the real-browser tests: Playwright drives Debian's Chromium against a live
daphne server. Importing it skips the importing test module when no Chromium is found.
"""

import os

import pytest
from channels.testing import ChannelsLiveServerTestCase
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import PBKDF2PasswordHasher

from journeyboard.boards.lifecycle import create_board
from journeyboard.boards.models import Board, Membership, Role
from tests.browser import browser_required, chromium_launch_options, chromium_path


if chromium_path() is None:
    reason = (
        "BROWSER TESTS NOT RUN: no Chromium found (install Debian's `chromium` package or set CHROMIUM_PATH). "
        "CI sets JOURNEYBOARD_REQUIRE_BROWSER=1, which turns this skip into a failure."
    )
    if browser_required():
        raise RuntimeError(reason)
    pytest.skip(reason, allow_module_level=True)

from playwright.sync_api import expect, sync_playwright  # noqa: E402

PASSWORD = "a-long-enough-password"
# Generous: CI machines have two cores and the suite shares them with the live server.
expect.set_options(timeout=10_000)


def make_browser_user(username):
    """A user the live server can authenticate: it runs in another process with the real
    password hashers, not the fast test one (few iterations keep this quick)."""
    user = get_user_model().objects.create(username=username)
    user.password = PBKDF2PasswordHasher().encode(PASSWORD, PBKDF2PasswordHasher().salt(), iterations=1000)
    user.save()
    return user


def settled(page):
    """Wait until htmx has finished every request, swap and settle on the page."""
    page.wait_for_function(
        "() => !document.querySelector('.htmx-request, .htmx-swapping, .htmx-settling, .htmx-added')"
    )


class BrowserTestCase(ChannelsLiveServerTestCase):
    """One Chromium for the class, a fresh context (cookies, storage) for every test."""

    serialized_rollback = False

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # Playwright's sync API runs an event loop in this thread; our ORM calls in the
        # tests are still plain synchronous code, so Django's guard is lifted here only.
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
        cls._playwright = sync_playwright().start()
        cls.browser = cls._playwright.chromium.launch(**chromium_launch_options())

    @classmethod
    def tearDownClass(cls):
        cls.browser.close()
        cls._playwright.stop()
        os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        super().tearDownClass()

    def setUp(self):
        super().setUp()
        self.user = make_browser_user("anna")
        self.context = self.browser.new_context(viewport={"width": 1600, "height": 1000})
        self.context.set_default_timeout(10_000)
        self.page = self.context.new_page()
        self.page.on("dialog", lambda dialog: dialog.accept())

    def tearDown(self):
        self.context.close()
        super().tearDown()

    def sign_in_as(self, page, username):
        """Sign in through the login form and wait for the board list. Enter in the password
        field submits it: the page header has buttons of its own (the language switcher)."""
        page.goto(self.live_server_url + "/accounts/login/")
        page.fill("#id_username", username)
        page.fill("#id_password", PASSWORD)
        page.press("#id_password", "Enter")
        expect(page.locator("h1", has_text="New journey board")).to_be_visible()

    def sign_in(self):
        self.sign_in_as(self.page, "anna")

    def create_board(self, title, template="customer10", language="en"):
        page = self.page
        page.fill("#id_title", title)
        page.select_option("#id_template", template)
        page.select_option("#id_language", language)
        page.click("#create-board button[type=submit]")
        expect(page.locator(".lane")).to_have_count(Board.objects.get(title=title).phases.count())
        return Board.objects.get(title=title)

    def drag(self, source, target):
        """Drag with real mouse steps, as a person would (SortableJS listens to these)."""
        page = self.page
        box = source.bounding_box()
        page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
        page.mouse.down()
        to = target.bounding_box()
        page.mouse.move(to["x"] + to["width"] / 2, to["y"] + 20, steps=12)
        page.mouse.move(to["x"] + to["width"] / 2, to["y"] + 24, steps=4)
        page.mouse.up()


LIVE = 2_000  # ms: a change must reach the other screen within this


class TwoPeopleTestCase(BrowserTestCase):
    def setUp(self):
        super().setUp()
        self.bert = make_browser_user("bert")
        self.board = create_board(self.user, "Workshop", template="buyer", language="en")
        Membership.objects.create(board=self.board, user=self.bert, role=Role.EDITOR)
        self.phases = list(self.board.phases.order_by("position"))
        self.other_context = self.browser.new_context(viewport={"width": 1600, "height": 1000})
        self.other_context.set_default_timeout(10_000)

    def tearDown(self):
        self.other_context.close()
        super().tearDown()

    def open_board(self, page, username, sign_in=True):
        if sign_in:
            self.sign_in_as(page, username)
        page.goto(f"{self.live_server_url}/boards/{self.board.pk}/")
        # Act only once the socket is open: before that a change could not reach us.
        expect(page.locator("#connection")).to_have_attribute("data-state", "live")
        return page

    def both(self):
        anna = self.open_board(self.page, "anna")
        bert = self.open_board(self.other_context.new_page(), "bert")
        return anna, bert
