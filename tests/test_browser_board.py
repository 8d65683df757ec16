"""Real-browser tests: Playwright drives Debian's Chromium against a live daphne server."""

import re

import pytest

from journeyboard.boards.models import Card
from tests.browsing import BrowserTestCase, settled

pytestmark = pytest.mark.browser

from playwright.sync_api import expect  # noqa: E402


class CardJourneyTests(BrowserTestCase):
    def test_create_board_add_card_drag_to_other_lane_and_reload(self):
        page = self.page
        self.sign_in()
        board = self.create_board("Workshop Utrecht", template="customer10", language="nl")
        phases = list(board.phases.order_by("position"))
        expect(page.locator(f"#phase-{phases[0].pk} .phase-name")).to_have_value("Latente behoefte")
        expect(page.locator(".band-run")).to_have_text(["Buyer journey", "Customer journey"])

        page.fill(f"#add-card-title-{phases[0].pk}", "Advertentie op Instagram")
        page.keyboard.press("Enter")
        card_in_first = page.locator(f"#cards-{phases[0].pk} .card", has_text="Advertentie op Instagram")
        expect(card_in_first).to_be_visible()
        # The add form is ready for the next touchpoint straight away.
        expect(page.locator(f"#add-card-title-{phases[0].pk}")).to_have_value("")
        expect(page.locator(f"#add-card-title-{phases[0].pk}")).to_be_focused()
        expect(page.locator(f"#count-{phases[0].pk}")).to_have_text("1")
        card = Card.objects.get(title="Advertentie op Instagram")

        with page.expect_response(lambda r: r.url.endswith(f"/cards/{card.pk}/move/")) as moved:
            self.drag(card_in_first, page.locator(f"#cards-{phases[2].pk}"))
        self.assertEqual(moved.value.status, 200)
        expect(page.locator(f"#count-{phases[2].pk}")).to_have_text("1")
        expect(page.locator(f"#count-{phases[0].pk}")).to_have_text("0")

        page.reload()
        expect(page.locator(f"#cards-{phases[2].pk} #card-{card.pk}")).to_be_visible()
        expect(page.locator(f"#cards-{phases[0].pk} #card-{card.pk}")).to_have_count(0)
        card.refresh_from_db()
        self.assertEqual((card.phase_id, card.position), (phases[2].pk, 0))

    def test_edit_card_in_place_with_keyboard_and_delete(self):
        page = self.page
        self.sign_in()
        board = self.create_board("Keyboard board", template="buyer")
        phase = board.phases.order_by("position").first()
        page.fill(f"#add-card-title-{phase.pk}", "Google search")
        page.keyboard.press("Enter")
        card_el = page.locator(f"#cards-{phase.pk} article.card", has_text="Google search")
        expect(card_el).to_be_visible()
        card = Card.objects.get(title="Google search")

        card_el.click()
        title = page.locator(f"form#card-{card.pk} input[name=title]")
        expect(title).to_be_focused()
        title.fill("Changed but cancelled")
        page.keyboard.press("Escape")
        expect(page.locator(f"article#card-{card.pk}")).to_have_text("Google search")

        page.locator(f"article#card-{card.pk}").click()
        form = page.locator(f"form#card-{card.pk}")
        form.locator("input[name=title]").fill("Google search: <b>e-bike</b>")
        form.locator("select[name=channel]").select_option("website")
        form.locator("label.pick-kind.kind-pain").click()
        form.locator("label.pick[title='Very negative']").click()
        form.locator("input[name=title]").press("Enter")
        saved = page.locator(f"article#card-{card.pk}")
        expect(saved.locator(".card-title")).to_have_text("Google search: <b>e-bike</b>")
        expect(saved).to_have_class("card kind-pain")
        expect(saved.locator(".card-channel")).to_have_text("Website / webshop")
        expect(saved.locator('svg.face use[href="#face--2"]')).to_have_count(1)
        card.refresh_from_db()
        self.assertEqual((card.kind, card.emotion, card.channel), ("pain", -2, "website"))

        saved.click()
        page.locator(f"form#card-{card.pk} button", has_text="Delete").click()
        expect(page.locator(f"#card-{card.pk}")).to_have_count(0)
        self.assertFalse(Card.objects.filter(pk=card.pk).exists())

    def test_phases_added_renamed_and_moved_in_place(self):
        page = self.page
        self.sign_in()
        board = self.create_board("Blank board", template="blank")
        page.fill("#add-phase-name", "Onboarding")
        page.select_option("#add-phase-segment", "customer")
        page.press("#add-phase-name", "Enter")
        expect(page.locator(".lane")).to_have_count(1)
        settled(page)  # the add form was swapped for a fresh one: type into that one
        page.fill("#add-phase-name", "Awareness")
        page.press("#add-phase-name", "Enter")
        expect(page.locator(".lane")).to_have_count(2)

        awareness = board.phases.get(name="Awareness")
        name = page.locator(f"#phase-{awareness.pk} input.phase-name")
        name.fill("Bewustwording")
        name.press("Enter")
        expect(page.locator(f"#phase-{awareness.pk} input.phase-name")).to_have_value("Bewustwording")
        settled(page)  # the renamed lane was swapped in: open the menu of the new one

        page.locator(f"#phase-{awareness.pk} .phase-menu summary").click()
        page.locator(f"#phase-{awareness.pk} button", has_text="Move left").click()
        expect(page.locator(".lane input.phase-name").first).to_have_value("Bewustwording")
        expect(page.locator(".band-run")).to_have_text(["Buyer journey", "Customer journey"])
        self.assertEqual(list(board.phases.order_by("position").values_list("name", flat=True)), ["Bewustwording", "Onboarding"])


class ViewFilterTests(BrowserTestCase):
    def test_show_only_pain_points_and_highlight_a_channel(self):
        from journeyboard.boards.cards import create_card
        from journeyboard.boards.lifecycle import create_board

        board = create_board(self.user, "Filters", template="buyer", language="en")
        first, second = board.phases.order_by("position")[:2]
        ad = create_card(self.user, first, title="Instagram ad", channel="advertising")
        pain = create_card(self.user, first, title="Slow site", kind="pain", channel="website")
        chance = create_card(self.user, second, title="Live chat", kind="opportunity", channel="chat_email")
        page = self.page
        self.sign_in()
        page.goto(f"{self.live_server_url}/boards/{board.pk}/")

        page.locator(".kind-filter label", has_text="Only pain points").click()
        expect(page.locator(f"#card-{pain.pk}")).to_be_visible()
        expect(page.locator(f"#card-{ad.pk}")).to_be_hidden()
        expect(page.locator(f"#card-{chance.pk}")).to_be_hidden()
        # A card someone adds meanwhile follows the filter too.
        page.fill(f"#add-card-title-{second.pk}", "Newsletter")
        page.press(f"#add-card-title-{second.pk}", "Enter")
        expect(page.locator(f"#cards-{second.pk} article.card", has_text="Newsletter")).to_be_hidden()

        page.locator(".kind-filter label", has_text="Everything").click()
        expect(page.locator(f"#card-{ad.pk}")).to_be_visible()
        page.select_option("select[name=highlight-channel]", "website")
        expect(page.locator(f"#card-{pain.pk}")).to_have_class(re.compile(r"\bhighlighted\b"))
        expect(page.locator(f"#card-{ad.pk}")).to_have_css("opacity", "0.35")
