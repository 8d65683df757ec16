"""The journey grid in two browsers: one page adds a row, adds a card in it and drags it to
another cell; the other page sees each step live. A person's collapsed row is their own."""

import pytest

from journeyboard.boards.models import Card, Row
from tests.browsing import LIVE, TwoPeopleTestCase

pytestmark = pytest.mark.browser

from playwright.sync_api import expect  # noqa: E402


class GridLiveTests(TwoPeopleTestCase):
    def test_a_row_added_a_card_added_in_it_and_dragged_to_another_cell_live(self):
        anna, bert = self.both()
        first, second = self.phases[0], self.phases[1]
        rows = Row.objects.filter(board=self.board).count()  # the template's

        anna.fill("#add-row-name", "Backstage work")
        anna.select_option("#add-row-layer", "backstage")
        anna.click("#add-row button[type=submit]")
        expect(anna.locator(".row-head")).to_have_count(rows + 1, timeout=LIVE)
        row = Row.objects.get(board=self.board, name="Backstage work")
        expect(bert.locator(f"#row-{row.pk}")).to_be_visible(timeout=LIVE)
        expect(bert.locator(f"#row-{row.pk} .layer-line")).to_have_text("Line of interaction")

        anna.fill(f"#add-card-title-{first.pk}-{row.pk}", "Pick the order")
        anna.press(f"#add-card-title-{first.pk}-{row.pk}", "Enter")
        expect(bert.locator(f"#cards-{first.pk}-{row.pk} .card", has_text="Pick the order")).to_be_visible(timeout=LIVE)
        card = Card.objects.get(title="Pick the order")
        self.assertEqual(card.row_id, row.pk)

        # By keyboard: Alt+Shift+↑ to the end of the row above, Alt+Shift+↓ back.
        anna.locator(f"#card-{card.pk}").focus()
        anna.keyboard.press("Alt+Shift+ArrowUp")
        above = Row.objects.get(board=self.board, position=row.position - 1)
        expect(bert.locator(f"#cards-{first.pk}-{above.pk} #card-{card.pk}")).to_be_visible(timeout=LIVE)
        anna.keyboard.press("Alt+Shift+ArrowDown")
        expect(bert.locator(f"#cards-{first.pk}-{row.pk} #card-{card.pk}")).to_be_visible(timeout=LIVE)

        # Across phases and rows: into the first row of the second phase.
        self.drag(anna.locator(f"#card-{card.pk}"), anna.locator(f"#cards-{second.pk}"))
        expect(bert.locator(f"#cards-{second.pk} #card-{card.pk}")).to_be_visible(timeout=LIVE)
        expect(bert.locator(f"#cards-{first.pk}-{row.pk} #card-{card.pk}")).to_have_count(0)
        card.refresh_from_db()
        self.assertEqual((card.phase_id, card.row_id), (second.pk, Row.objects.get(board=self.board, position=0).pk))

        # Row headers stay in view while the board scrolls sideways, phase heads while it
        # scrolls down.
        anna.set_viewport_size({"width": 700, "height": 500})
        head, phase_head = anna.locator(f"#row-{row.pk}"), anna.locator(f"#phase-{second.pk} .lane-head")
        x, lane_x = head.bounding_box()["x"], phase_head.bounding_box()["x"]
        scroller = anna.locator("#board-scroll")
        self.assertGreater(scroller.evaluate("element => { element.scrollBy(300, 0); return element.scrollLeft; }"), 100)
        self.assertLess(head.bounding_box()["x"], x + 1)  # stuck at the scroller's left edge
        self.assertAlmostEqual(head.bounding_box()["x"], scroller.bounding_box()["x"], delta=1)
        self.assertLess(phase_head.bounding_box()["x"], lane_x - 100)
        scrolled = scroller.evaluate("element => { element.scrollBy(0, 400); return element.scrollTop; }")
        self.assertGreater(scrolled, 60)
        # The phase head stays at the top of what is shown.
        self.assertAlmostEqual(phase_head.bounding_box()["y"], scroller.bounding_box()["y"], delta=1)
        scroller.evaluate("element => element.scrollTo(0, 0)")
        anna.set_viewport_size({"width": 1600, "height": 1000})

        # Collapsing is this person's own view.
        anna.click(f"#row-{row.pk} [data-collapse-row]")
        expect(anna.locator(f"#phase-{first.pk} .cell[data-row-id='{row.pk}']")).to_have_class("cell layer-backstage layer-break row-collapsed")
        expect(bert.locator(f"#add-card-title-{first.pk}-{row.pk}")).to_be_visible()
        expect(anna.locator(f"#add-card-title-{first.pk}-{row.pk}")).to_be_hidden()

        # A long name wraps in the narrow head instead of being cut; Enter saves it, on one line.
        name = anna.locator(f"#row-name-{row.pk}")
        one_line = name.bounding_box()["height"]
        name.fill("Backstage work of the warehouse and the couriers")
        name.press("Enter")
        expect(bert.locator(f"#row-name-{row.pk}")).to_have_value("Backstage work of the warehouse and the couriers", timeout=LIVE)
        self.assertGreater(name.bounding_box()["height"], 1.5 * one_line)
        self.assertLessEqual(name.evaluate("field => field.scrollWidth - field.clientWidth"), 0)
        row.refresh_from_db()
        self.assertEqual(row.name, "Backstage work of the warehouse and the couriers")


class GridAccessibilityTests(TwoPeopleTestCase):
    """axe-core on a board of several rows (an editor's and a viewer's page, the row menu
    open), in the three languages: no critical and no serious violations."""

    def setUp(self):
        super().setUp()
        from journeyboard.boards.cards import create_card
        from journeyboard.boards.models import Membership, Role
        from journeyboard.boards.rows import create_row

        back = create_row(self.user, self.board, "Backstage", layer="backstage")
        create_row(self.user, self.board, "IT", layer="support")
        create_card(self.user, self.phases[0], row=back, title="Pick", kind="pain", emotion=-1)
        Membership.objects.filter(board=self.board, user=self.bert).update(role=Role.VIEWER)
        self.context.close()
        self.context = self.browser.new_context(viewport={"width": 1600, "height": 1000}, bypass_csp=True)
        self.context.set_default_timeout(10_000)
        self.page = self.context.new_page()
        self.other_context.close()
        self.other_context = self.browser.new_context(viewport={"width": 1600, "height": 1000}, bypass_csp=True)
        self.other_context.set_default_timeout(10_000)

    def assertAccessible(self, page, what):
        from axe_playwright_python.sync_playwright import Axe

        results = Axe().run(page, options={"resultTypes": ["violations"]})
        blocking = [v for v in results.response["violations"] if v["impact"] in ("critical", "serious")]
        report = "\n".join(f"{v['impact']} {v['id']}: {v['help']} at {[n['target'] for n in v['nodes'][:5]]}" for v in blocking)
        self.assertEqual([v["id"] for v in blocking], [], f"{what}:\n{report}")

    def test_the_grid_has_no_serious_violations(self):
        anna, bert = self.both()
        for code in ("en", "nl", "de"):
            with self.subTest(language=code):
                for page in (anna, bert):
                    if page.locator("html").get_attribute("lang") != code:
                        page.locator(f".language-switch button[value={code}]").click()
                        expect(page.locator("html")).to_have_attribute("lang", code)
                        expect(page.locator("#connection")).to_have_attribute("data-state", "live")
                    expect(page.locator(".row-head")).to_have_count(Row.objects.filter(board=self.board).count())
                self.assertAccessible(anna, f"editor's grid ({code})")
                self.assertAccessible(bert, f"viewer's grid ({code})")
                anna.locator(".row-menu summary").first.click()
                self.assertAccessible(anna, f"row menu open ({code})")
                anna.keyboard.press("Escape")
