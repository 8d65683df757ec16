"""The board page on every screen a workshop uses, in every interface language: the top bar
fits (the title keeps at least 120px, no two controls overlap, none leaves the screen) and
the page itself never scrolls sideways; only the board does.

Measured at the busiest: a facilitator's page with the timer running, a voting round open
with hidden results and follow mode on. One sign-in for all screens: the viewport is resized
on the same page, and each language is chosen through the language switch (a page load).
The projector page of a share link is checked here too: its QR code fills the screen and
reads back as the link's.
"""

import io

import pytest
import segno
from PIL import Image

from journeyboard.boards import timer, voting
from journeyboard.boards.lifecycle import create_board
from journeyboard.boards.models import Membership, Role
from journeyboard.boards.sharing import create_link
from tests.browsing import BrowserTestCase, make_browser_user

pytestmark = pytest.mark.browser

from playwright.sync_api import expect  # noqa: E402

SCREENS = [(1280, 720), (1366, 768), (1440, 900), (1920, 1080), (1024, 768), (390, 844)]
LANGUAGES = ["en", "nl", "de"]
TITLE = "Klantreis webshop Utrecht: nieuwe klanten in het voorjaar"
MIN_TITLE_WIDTH = 120

# What the rules look at: every control and status the bar shows (elements folded away in
# the closed "More" menu are not rendered, so checkVisibility() leaves them out), and what
# breaks them. A control inside another (a button's icon) is not compared with its parent.
MEASURE = """(scope) => {
  const root = document.querySelector(scope);
  const shown = (el) => el.checkVisibility({contentVisibilityAuto: true, visibilityProperty: true, opacityProperty: true})
    && el.getBoundingClientRect().width > 1 && el.getBoundingClientRect().height > 1;
  const controls = [...root.querySelectorAll(
    "a, button, summary, input:not([type=hidden]), select, .avatar, .connection, #timer, .board-title"
  )].filter(shown);
  const name = (el) => `${el.tagName.toLowerCase()}.${[...el.classList].join(".")} "${(el.textContent || el.value || "").trim().slice(0, 20)}"`;
  const boxes = controls.map((el) => el.getBoundingClientRect());
  const overlaps = [];
  for (let i = 0; i < controls.length; i++) {
    for (let j = i + 1; j < controls.length; j++) {
      if (controls[i].contains(controls[j]) || controls[j].contains(controls[i])) continue;
      const a = boxes[i], b = boxes[j];
      if (a.left < b.right - 0.5 && b.left < a.right - 0.5 && a.top < b.bottom - 0.5 && b.top < a.bottom - 0.5) {
        overlaps.push(`${name(controls[i])} / ${name(controls[j])}`);
      }
    }
  }
  const outside = controls.filter((el, i) => {
    const r = boxes[i];
    return r.left < -0.5 || r.top < -0.5 || r.right > innerWidth + 0.5 || r.bottom > innerHeight + 0.5;
  }).map(name);
  const title = document.querySelector("#board-title input, h1#board-title");
  return {
    count: controls.length,
    overlaps,
    outside,
    titleWidth: title ? title.getBoundingClientRect().width : null,
    titleText: title ? title.getAttribute("title") : null,
    pageWidth: document.documentElement.scrollWidth,
    viewportWidth: innerWidth,
  };
}"""


def expected_modules(url, border=4):
    """segno's QR code of `url`: rows of True (dark) and False, with its quiet zone."""
    matrix = segno.make(url, error="m").matrix
    width = len(matrix) + 2 * border
    blank = [False] * width
    rows = [list(blank) for _ in range(border)]
    rows += [[False] * border + [bool(m) for m in row] + [False] * border for row in matrix]
    return rows + [list(blank) for _ in range(border)]


def modules_on_screen(locator, size):
    """Read a code of `size` x `size` modules (quiet zone included) back from a screenshot
    of it: the centre pixel of every module, dark or light. segno cannot decode QR codes;
    this check needs no decoder."""
    shot = Image.open(io.BytesIO(locator.screenshot())).convert("L")
    step_x, step_y = shot.width / size, shot.height / size
    return [
        [shot.getpixel((int((col + 0.5) * step_x), int((row + 0.5) * step_y))) < 128 for col in range(size)]
        for row in range(size)
    ]


class LayoutTestCase(BrowserTestCase):
    def setUp(self):
        super().setUp()
        self.board = create_board(self.user, TITLE, template="customer10", language="nl")

    def board_url(self):
        return f"{self.live_server_url}/boards/{self.board.pk}/"

    def more_menu(self, page):
        """The "More" button where the bar folds it away, else None."""
        toggle = page.locator(".topbar-more > summary")
        return toggle if toggle.is_visible() else None

    def choose_language(self, page, code):
        """Through the language switch, as a person would: in the bar, or in "More"."""
        if page.locator("html").get_attribute("lang") == code:
            page.reload()
        else:
            more = self.more_menu(page)
            if more is not None:
                more.click()
            page.locator(f".language-switch button[value={code}]").click()
        expect(page.locator("html")).to_have_attribute("lang", code)
        expect(page.locator("#connection")).to_have_attribute("data-state", "live")
        page.evaluate("document.fonts.ready.then(() => true)")

    def assert_fits(self, page, scope, what):
        found = page.evaluate(MEASURE, scope)
        self.assertGreater(found["count"], 0, what)
        self.assertEqual(found["overlaps"], [], f"{what}: controls overlap")
        self.assertEqual(found["outside"], [], f"{what}: controls off-screen")
        self.assertLessEqual(found["pageWidth"], found["viewportWidth"], f"{what}: the page scrolls sideways")
        return found


class TopBarTests(LayoutTestCase):
    def setUp(self):
        super().setUp()
        timer.start(self.user, self.board, 10 * 60)
        voting.start_round(self.user, self.board, 3, hidden_results=True)

    def test_the_top_bar_fits_every_screen_in_every_language(self):
        page = self.page
        self.sign_in()
        page.goto(self.board_url())
        for width, height in SCREENS:
            page.set_viewport_size({"width": width, "height": height})
            for code in LANGUAGES:
                with self.subTest(screen=f"{width}x{height}", language=code):
                    self.choose_language(page, code)
                    expect(page.locator("#timer")).to_have_attribute("data-state", "running")
                    expect(page.locator("#voting")).to_have_attribute("data-state", "open")
                    follow = page.locator("[data-follow-toggle]")
                    follow.click()
                    expect(follow).to_have_attribute("aria-pressed", "true")

                    what = f"{width}x{height} {code}"
                    found = self.assert_fits(page, ".topbar", what)
                    self.assertGreaterEqual(found["titleWidth"], MIN_TITLE_WIDTH, f"{what}: title squeezed")
                    self.assertEqual(found["titleText"], TITLE)  # the whole title on hover

                    # Where the bar folds, its menu opens within the screen, nothing in it overlapping.
                    more = self.more_menu(page)
                    if more is not None:
                        more.click()
                        expect(page.locator(".topbar-more-menu .language-switch")).to_be_visible()
                        self.assert_fits(page, ".topbar-more-menu", f"{what}, More menu open")
                        more.click()
                        expect(page.locator(".topbar-more-menu .language-switch")).to_be_hidden()

                    # The filter bar stays one row (a voting round does not push the board down).
                    filters = page.locator("#view-filters").bounding_box()
                    self.assertLess(filters["height"], 60, f"{what}: filter bar wraps")

    def test_wide_screens_show_everything_in_the_bar(self):
        page = self.page
        page.set_viewport_size({"width": 1920, "height": 1080})
        self.sign_in()
        page.goto(self.board_url())
        expect(page.locator("#connection")).to_have_attribute("data-state", "live")
        expect(page.locator(".topbar-more > summary")).to_be_hidden()
        for control in ("#connection", ".history-open", "[data-open-dialog=members-dialog]", ".export-menu > summary", ".language-switch"):
            expect(page.locator(f".topbar {control}")).to_be_visible()
        # The export menu opens below its button there as anywhere.
        page.locator(".export-menu > summary").click()
        expect(page.locator(".export-menu .menu-item").first).to_be_visible()


class OtherPagesTests(LayoutTestCase):
    def test_an_editors_board_page_and_the_board_list_fit_too(self):
        """An editor's bar (no timer controls) unfolds earlier; the board list has only the
        language and the account besides the brand."""
        bert = make_browser_user("bert")
        Membership.objects.create(board=self.board, user=bert, role=Role.EDITOR)
        page = self.page
        self.sign_in_as(page, "bert")
        for width, height in SCREENS:
            page.set_viewport_size({"width": width, "height": height})
            with self.subTest(page="board list", screen=width):
                self.assert_fits(page, ".topbar", f"board list {width}")
        page.goto(self.board_url())
        for width, height in SCREENS:
            page.set_viewport_size({"width": width, "height": height})
            for code in ("en", "de"):
                with self.subTest(page="board", screen=width, language=code):
                    self.choose_language(page, code)
                    found = self.assert_fits(page, ".topbar", f"editor's board {width} {code}")
                    self.assertGreaterEqual(found["titleWidth"], MIN_TITLE_WIDTH)


class ProjectorPageTests(LayoutTestCase):
    def test_the_qr_code_fills_the_projector_and_the_members_dialog_shows_one_per_link(self):
        link = create_link(self.user, self.board, Role.EDITOR)
        page = self.page
        self.sign_in()
        page.goto(self.board_url())
        page.locator("button[data-open-dialog=members-dialog]").click()
        thumbnail = page.locator(f"#share-link-{link.pk} .share-link-qr img")
        expect(thumbnail).to_be_visible()
        self.assertTrue(thumbnail.evaluate("img => img.complete && img.naturalWidth > 0"), "the QR code did not load")

        for width, height in ((1920, 1080), (1280, 720), (1024, 768)):
            page.set_viewport_size({"width": width, "height": height})
            with self.subTest(screen=width):
                page.goto(f"{self.board_url()}links/{link.pk}/screen/")
                code = page.locator(".link-screen-qr")
                expect(code).to_be_visible()
                self.assertTrue(code.evaluate("img => img.complete && img.naturalWidth > 0"), "the QR code did not load")
                box = code.bounding_box()
                # Large enough to scan from the back of the room, and all of it on the screen.
                self.assertGreaterEqual(box["height"], 0.55 * height)
                self.assertAlmostEqual(box["width"], box["height"], delta=1)
                for part in (".link-screen-title", ".link-screen-url", ".link-screen-qr"):
                    r = page.locator(part).bounding_box()
                    self.assertGreaterEqual(r["y"], 0, part)
                    self.assertLessEqual(r["y"] + r["height"], height, f"{part} below the screen at {width}")
                expect(page.locator(".link-screen-title")).to_contain_text(TITLE)
                join_url = f"{self.live_server_url}/join/{link.token}/"
                expect(page.locator(".link-screen-url a")).to_have_text(join_url.split("://", 1)[1])
                expected = expected_modules(join_url)
                self.assertEqual(modules_on_screen(code, len(expected)), expected, "the code on the screen is not the join link's")


class WorkshopMomentsTests(LayoutTestCase):
    """What changes during a workshop must not move the board or hide a control."""

    def test_starting_a_vote_keeps_the_board_in_place_and_the_follow_pill_covers_no_control(self):
        bert = make_browser_user("bert")
        Membership.objects.create(board=self.board, user=bert, role=Role.EDITOR)
        anna = self.page
        anna.set_viewport_size({"width": 1280, "height": 720})
        self.sign_in()
        anna.goto(self.board_url())
        self.choose_language(anna, "de")
        board_top = anna.locator("#board-scroll").bounding_box()["y"]

        anna.locator(".voting-menu > summary").click()
        anna.locator(".voting-start input[name=hidden_results]").check()
        anna.locator(".voting-start button[type=submit]").click()
        expect(anna.locator("#voting")).to_have_attribute("data-state", "open")
        self.assertEqual(anna.locator("#board-scroll").bounding_box()["y"], board_top, "the board moved")

        anna.locator("[data-follow-toggle]").click()
        expect(anna.locator("[data-follow-toggle]")).to_have_attribute("aria-pressed", "true")
        other = self.browser.new_context(viewport={"width": 1280, "height": 720})
        try:
            page = other.new_page()
            self.sign_in_as(page, "bert")
            page.goto(self.board_url())
            self.choose_language(page, "de")
            pill = page.locator("#follow-banner")
            expect(pill).to_be_visible()
            covered = page.evaluate("""() => {
              const pill = document.getElementById("follow-banner").getBoundingClientRect();
              return [...document.querySelectorAll(".topbar :is(a, button, summary, input, select), #view-filters :is(button, summary, label, select)")]
                .filter((el) => el.checkVisibility() && !el.closest("#follow-banner"))
                .filter((el) => {
                  const r = el.getBoundingClientRect();
                  return r.width > 1 && r.left < pill.right && pill.left < r.right && r.top < pill.bottom && pill.top < r.bottom;
                })
                .map((el) => el.outerHTML.slice(0, 80));
            }""")
            self.assertEqual(covered, [])
            self.assertLessEqual(pill.bounding_box()["y"] + pill.bounding_box()["height"], 720)
        finally:
            other.close()
