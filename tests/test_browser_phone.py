"""The board on a phone: a participant joins by a share link and sees one phase at a time,
goes to the next one with the arrow or the picker, adds a card, moves it with the editor's
phase field, votes and comments, all live with a desktop page beside it. And the layout
rules: the page never scrolls sideways (only the board does), each lane is as wide as the
screen, no two controls overlap, none leaves the screen, in every language; desktops and
tablets keep the lanes side by side.
"""

import pytest

from journeyboard.boards import timer, voting
from journeyboard.boards.cards import create_card
from journeyboard.boards.lifecycle import create_board
from journeyboard.boards.models import Card, Comment, Role
from journeyboard.boards.sharing import create_link
from tests.browsing import BrowserTestCase, settled

pytestmark = pytest.mark.browser

from playwright.sync_api import expect  # noqa: E402

LIVE = 2_000  # ms: a change must reach the other screen within this
PHONES = [(390, 844), (360, 740)]
LANGUAGES = ["en", "nl", "de"]

# What a phone shows, measured: the page's and the board's widths, every lane's, and the
# controls of the top bar and the phase bar (and of `extra`, e.g. an open card editor): none
# overlapping another, none off the screen.
MEASURE = """(extra) => {
  const shown = (el) => el.checkVisibility({visibilityProperty: true, opacityProperty: true})
    && el.getBoundingClientRect().width > 1 && el.getBoundingClientRect().height > 1;
  const scopes = [".topbar", "#phase-nav", ...(extra ? [extra] : [])];
  const controls = scopes.flatMap((scope) => [...document.querySelectorAll(
    `${scope} :is(a, button, summary, input:not([type=hidden]), select, textarea, label.pick, .avatar, .connection, #timer, .board-title, .phase-nav-count)`
  )]).filter(shown);
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
    return r.left < -0.5 || r.right > innerWidth + 0.5 || r.top < -0.5;
  }).map(name);
  const scroller = document.getElementById("board-scroll");
  return {
    count: controls.length,
    overlaps,
    outside,
    pageWidth: document.documentElement.scrollWidth,
    viewportWidth: innerWidth,
    boardWidth: scroller.clientWidth,
    boardScrolls: scroller.scrollWidth > scroller.clientWidth,
    laneWidths: [...document.querySelectorAll(".lanes > .lane")].map((lane) => lane.getBoundingClientRect().width),
    navShown: shown(document.getElementById("phase-nav")),
    bandShown: shown(document.getElementById("segment-band")),
  };
}"""


class PhoneTestCase(BrowserTestCase):
    def setUp(self):
        super().setUp()
        self.board = create_board(self.user, "Workshop", template="customer10", language="en")
        self.phases = list(self.board.phases.order_by("position"))
        self.contexts = []

    def tearDown(self):
        for context in self.contexts:
            context.close()
        super().tearDown()

    def phone(self, width=390, height=844):
        context = self.browser.new_context(viewport={"width": width, "height": height}, is_mobile=True, has_touch=True)
        context.set_default_timeout(10_000)
        self.contexts.append(context)
        page = context.new_page()
        page.on("dialog", lambda dialog: dialog.accept())
        return page

    def board_url(self):
        return f"{self.live_server_url}/boards/{self.board.pk}/"

    def lane_in_view(self, page, phase):
        """Wait until `phase`'s lane fills the board, snapped to its left edge."""
        page.wait_for_function(
            """(id) => {
              const lane = document.getElementById(id).getBoundingClientRect();
              const board = document.getElementById("board-scroll").getBoundingClientRect();
              return Math.abs(lane.left - board.left) < 1 && Math.abs(lane.width - board.width) < 1;
            }""",
            arg=f"phase-{phase.pk}",
        )
        expect(page.locator("#phase-picker")).to_have_value(f"phase-{phase.pk}")
        number = self.phases.index(phase) + 1
        expect(page.locator(".phase-nav-count")).to_have_text(f"{number}/{len(self.phases)}")

    def assert_fits(self, page, what, extra=None):
        found = page.evaluate(MEASURE, extra)
        self.assertGreater(found["count"], 0, what)
        self.assertEqual(found["overlaps"], [], f"{what}: controls overlap")
        self.assertEqual(found["outside"], [], f"{what}: controls off-screen")
        self.assertLessEqual(found["pageWidth"], found["viewportWidth"], f"{what}: the page scrolls sideways")
        return found


class PhoneWorkshopTests(PhoneTestCase):
    def setUp(self):
        super().setUp()
        self.link = create_link(self.user, self.board, Role.EDITOR)
        timer.start(self.user, self.board, 10 * 60)
        voting.start_round(self.user, self.board, 3)
        self.desktop_card = create_card(self.user, self.phases[3], title="Compares prices")

    def test_a_participant_joins_on_a_phone_and_works_live_with_a_desktop(self):
        first, second, fourth = self.phases[0], self.phases[1], self.phases[3]
        desk = self.page
        self.sign_in()
        desk.goto(self.board_url())
        expect(desk.locator("#connection")).to_have_attribute("data-state", "live")

        phone = self.phone()
        phone.goto(f"{self.live_server_url}/join/{self.link.token}/")
        phone.fill("#id_display_name", "Gerda")
        phone.locator(".auth-form button", has_text="Join as a guest").click()
        expect(phone.locator("#connection")).to_have_attribute("data-state", "live")
        # One phase at a time, the first; the timer is there, and so is everyone on the board.
        self.lane_in_view(phone, first)
        found = self.assert_fits(phone, "phone on joining")
        self.assertEqual(found["laneWidths"], [390] * len(self.phases))
        self.assertEqual(found["boardWidth"], 390)
        expect(phone.locator("#timer")).to_have_attribute("data-state", "running")
        expect(phone.locator("#persona-side")).to_be_hidden()
        expect(desk.locator('#presence .presence-other[title="Gerda"]')).to_be_visible(timeout=LIVE)
        # Who is here: counted beside the phases, by name in "More".
        expect(phone.locator("#presence-count")).to_be_visible()
        expect(phone.locator("#presence-count .presence-count-n")).to_have_text("2", timeout=LIVE)
        phone.locator(".topbar-more > summary").click()
        expect(phone.locator('#presence .presence-other[title="anna"]')).to_be_visible()
        phone.locator(".topbar-more > summary").click()

        # A card from the phone reaches the desktop live.
        phone.fill(f"#add-card-title-{first.pk}", "Asked a friend")
        phone.press(f"#add-card-title-{first.pk}", "Enter")
        mine = phone.locator(f"#cards-{first.pk} article.card", has_text="Asked a friend")
        expect(mine).to_be_visible()
        expect(desk.locator(f"#cards-{first.pk} .card", has_text="Asked a friend")).to_be_visible(timeout=LIVE)
        card = Card.objects.get(title="Asked a friend")

        # The next phase with the arrow, a later one with the picker, and back.
        expect(phone.locator("[data-phase-step='-1']")).to_have_attribute("aria-disabled", "true")
        phone.locator("[data-phase-step='1']").click()
        self.lane_in_view(phone, second)
        expect(phone.locator("[data-phase-step='-1']")).to_have_attribute("aria-disabled", "false")
        phone.select_option("#phase-picker", f"phase-{fourth.pk}")
        self.lane_in_view(phone, fourth)

        # A desktop change shows on the phone live; the phone votes for it in the open round.
        desk.fill(f"#add-card-title-{fourth.pk}", "Reads the small print")
        desk.press(f"#add-card-title-{fourth.pk}", "Enter")
        expect(phone.locator(f"#cards-{fourth.pk} .card", has_text="Reads the small print")).to_be_visible(timeout=LIVE)
        dot = phone.locator(f"#vote-{self.desktop_card.pk}")
        dot.click()
        expect(dot).to_have_attribute("aria-pressed", "true")
        expect(phone.locator(f"form#card-{self.desktop_card.pk}")).to_have_count(0)  # a vote opens no editor
        expect(phone.locator(".voting-left")).to_have_text("You have 2 of 3 votes left")

        # Back to the first phase; the card editor fits the screen and moves the card to the second phase.
        phone.select_option("#phase-picker", f"phase-{first.pk}")
        self.lane_in_view(phone, first)
        mine.click()
        editor = phone.locator(f"form#card-{card.pk}")
        expect(editor.locator("input[name=title]")).to_be_focused()
        self.assert_fits(phone, "phone with the card editor", extra=f"form#card-{card.pk}")
        box = editor.bounding_box()
        self.assertGreaterEqual(box["x"], 0)
        self.assertLessEqual(box["x"] + box["width"], 390)
        editor.locator("select[name=phase]").select_option(str(second.pk))
        editor.locator("button[type=submit]").click()
        expect(phone.locator(f"#cards-{second.pk} #card-{card.pk}")).to_be_visible()
        expect(phone.locator(f"#cards-{first.pk} #card-{card.pk}")).to_have_count(0)
        expect(desk.locator(f"#cards-{second.pk} #card-{card.pk}")).to_be_visible(timeout=LIVE)
        card.refresh_from_db()
        self.assertEqual(card.phase_id, second.pk)

        # Comments: the panel takes the whole screen; a comment reaches the desktop's badge.
        phone.locator("[data-phase-step='1']").click()
        self.lane_in_view(phone, second)
        phone.locator(f"#card-{card.pk}").click()
        phone.locator(f"form#card-{card.pk} .card-comments-open").click()
        panel = phone.locator("#comments-dialog")
        expect(panel).to_be_visible()
        box = panel.bounding_box()
        self.assertEqual((box["x"], box["width"]), (0, 390))
        field = phone.locator(f"#comment-text-{card.pk}")
        field.fill("My neighbour has one too")
        field.press("Control+Enter")
        expect(phone.locator(f"#comment-list-{card.pk} .comment")).to_contain_text(["My neighbour has one too"])
        expect(desk.locator(f"#card-{card.pk} .comment-badge")).to_have_text("1", timeout=LIVE)
        self.assertEqual(Comment.objects.get().author.guest.display_name, "Gerda")
        settled(phone)
        self.assertLessEqual(phone.evaluate("document.documentElement.scrollWidth"), 390)


class PhoneLayoutTests(PhoneTestCase):
    def setUp(self):
        super().setUp()
        timer.start(self.user, self.board, 10 * 60)
        voting.start_round(self.user, self.board, 3, hidden_results=True)
        create_card(self.user, self.phases[0], title="Sees an advert for an electric bike on the way to work", kind="pain")

    def choose_language(self, page, code):
        """Through the language switch in the "More" menu, as a person would."""
        if page.locator("html").get_attribute("lang") != code:
            page.locator(".topbar-more > summary").click()
            page.locator(f".language-switch button[value={code}]").click()
            expect(page.locator("html")).to_have_attribute("lang", code)
        expect(page.locator("#connection")).to_have_attribute("data-state", "live")
        page.evaluate("document.fonts.ready.then(() => true)")

    def test_one_lane_per_screen_nothing_overlapping_in_every_language(self):
        for width, height in PHONES:
            page = self.phone(width, height)
            self.sign_in_as(page, "anna")
            page.goto(self.board_url())
            for code in LANGUAGES:
                with self.subTest(screen=f"{width}x{height}", language=code):
                    self.choose_language(page, code)
                    what = f"{width}x{height} {code}"
                    found = self.assert_fits(page, what)
                    self.assertTrue(found["navShown"], what)
                    self.assertFalse(found["bandShown"], what)
                    self.assertEqual(found["boardWidth"], width, what)
                    self.assertEqual(found["laneWidths"], [width] * len(self.phases), what)
                    self.assertTrue(found["boardScrolls"], f"{what}: only the board scrolls sideways")
                    # The last phase is as readable as the first, and the page still does not scroll sideways.
                    page.select_option("#phase-picker", f"phase-{self.phases[-1].pk}")
                    self.lane_in_view(page, self.phases[-1])
                    self.assert_fits(page, f"{what}, last phase")
                    expect(page.locator("[data-phase-step='1']")).to_have_attribute("aria-disabled", "true")
                    page.locator("[data-phase-step='-1']").click()
                    self.lane_in_view(page, self.phases[-2])
                    # The editor of a long card fits, its buttons too.
                    page.select_option("#phase-picker", f"phase-{self.phases[0].pk}")
                    self.lane_in_view(page, self.phases[0])
                    page.locator("#board-scroll article.card").first.click()
                    editor = page.locator("form.card-editing")
                    expect(editor.locator("input[name=title]")).to_be_focused()
                    self.assert_fits(page, f"{what}, card editor", extra="form.card-editing")
                    editor.locator("[data-cancel]").click()
                    expect(editor).to_have_count(0)
            # Swiped past the last phase, to the form for a new one: back is the last phase.
            page.evaluate("() => { const board = document.getElementById('board-scroll'); board.scrollLeft = board.scrollWidth; }")
            expect(page.locator("#add-phase-name")).to_be_in_viewport()
            self.assertLessEqual(page.evaluate("document.documentElement.scrollWidth"), width)
            page.locator("[data-phase-step='-1']").click()
            self.lane_in_view(page, self.phases[-1])

    def test_desktops_and_tablets_keep_the_lanes_side_by_side(self):
        self.sign_in()
        page = self.page
        page.goto(self.board_url())
        expect(page.locator("#connection")).to_have_attribute("data-state", "live")
        for width, height in ((1280, 720), (1920, 1080), (1024, 768)):
            page.set_viewport_size({"width": width, "height": height})
            with self.subTest(screen=width):
                found = page.evaluate(MEASURE, None)
                self.assertFalse(found["navShown"])
                self.assertTrue(found["bandShown"])
                self.assertLess(max(found["laneWidths"]), 400)
                boxes = [page.locator(f"#phase-{p.pk}").bounding_box() for p in self.phases[:2]]
                self.assertEqual(boxes[0]["y"], boxes[1]["y"])  # side by side
                self.assertLess(boxes[0]["x"] + boxes[0]["width"], boxes[1]["x"])
                self.assertLessEqual(found["pageWidth"], width)
