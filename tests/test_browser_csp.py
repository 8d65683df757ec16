"""The Content-Security-Policy in real Chromium: it is enforced, and the app works under it
(htmx, SortableJS, our scripts, the styles, the fonts and the board WebSocket)."""

import pytest

from journeyboard.boards.lifecycle import create_board
from tests.browsing import BrowserTestCase, settled

pytestmark = pytest.mark.browser

from playwright.sync_api import expect  # noqa: E402

# Runs in every page before its own scripts (Playwright's init scripts are not subject to
# the page's policy): records each violation the browser reports.
RECORD_VIOLATIONS = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__violations.push(e.violatedDirective + " " + e.blockedURI);
});
"""

TRY_INLINE_SCRIPT = """() => {
  const script = document.createElement("script");
  script.textContent = "window.__inlineRan = true";
  document.head.appendChild(script);
  return window.__inlineRan === true;
}"""


class ContentSecurityPolicyTests(BrowserTestCase):
    def setUp(self):
        super().setUp()
        self.console_errors = []
        self.page.on("console", lambda message: message.type == "error" and self.console_errors.append(message.text))
        self.page.add_init_script(RECORD_VIOLATIONS)

    def violations(self):
        return self.page.evaluate("() => window.__violations")

    def test_the_board_works_under_the_policy(self):
        page = self.page
        board = create_board(self.user, "Policy board", template="buyer", language="en")
        phase = board.phases.order_by("position").first()
        self.sign_in()
        self.assertEqual(self.violations(), [])

        with page.expect_response(lambda r: r.url.endswith(f"/boards/{board.pk}/")) as loaded:
            page.goto(f"{self.live_server_url}/boards/{board.pk}/")
        self.assertIn("'nonce-", loaded.value.headers["content-security-policy"])
        # The socket (connect-src 'self', ws: on this host) is open and live.js runs.
        expect(page.locator("#connection")).to_have_attribute("data-state", "live")
        # htmx (with its nonce) swaps a new card in; the lane keeps its colour (inline style).
        page.fill(f"#add-card-title-{phase.pk}", "Billboard")
        page.keyboard.press("Enter")
        expect(page.locator(f"#cards-{phase.pk} .card", has_text="Billboard")).to_be_visible()
        settled(page)
        # Our font came in under font-src 'self'.
        loaded = page.evaluate(
            "() => document.fonts.ready.then(() => [...document.fonts].filter((f) => f.status === 'loaded').map((f) => f.family))"
        )
        self.assertIn("Inter", [family.strip("\"'") for family in loaded])
        self.assertEqual(self.violations(), [])
        self.assertEqual(self.console_errors, [])

        # And the policy is really on: injected inline code does not run, and is reported.
        self.assertFalse(page.evaluate(TRY_INLINE_SCRIPT))
        expect(page.locator("body")).to_be_visible()
        page.wait_for_function("() => window.__violations.length > 0")
        self.assertEqual([v.split()[0] for v in self.violations()], ["script-src-elem"])
