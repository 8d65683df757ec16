"""The pain points & opportunities panel: per phase in journey order, for every member."""

import re

from django.utils.html import escape

from journeyboard.boards.cards import create_card, move_card, update_card
from journeyboard.boards.lifecycle import create_board
from journeyboard.boards.models import Membership, Role
from journeyboard.boards.phases import create_phase, move_phase, update_phase
from journeyboard.boards.summary import summarize
from journeyboard.boards.transfer import FORMAT, import_board
from tests.base import HTMX, BaseTestCase


def titles(cards):
    return [card.title for card in cards]


def document(phases, cards_per_phase):
    """A board whose every phase holds pains, opportunities, touchpoints and ideas."""
    kinds = ["pain", "opportunity", "touchpoint", "idea"]
    return {
        "format": FORMAT,
        "title": f"{phases} x {cards_per_phase}",
        "language": "en",
        "phases": [
            {
                "name": f"Phase {p}",
                "segment": "buyer",
                "color": "#4f7cff",
                "cards": [
                    {"title": f"Card {p}.{c}", "channel": "website", "emotion": c % 5 - 2, "kind": kinds[c % 4]}
                    for c in range(cards_per_phase)
                ],
            }
            for p in range(phases)
        ],
    }


class SummaryTestCase(BaseTestCase):
    template = "customer8"

    def setUp(self):
        super().setUp()
        # Phase 0 has the touchpoint from BaseTestCase and a pain with its opportunity; phase 2
        # two pains and no opportunity; phase 5 only an opportunity; the others nothing
        # that counts (phase 1 has an idea, which is not a pain or opportunity).
        p = self.phases
        self.slow = create_card(self.owner, p[0], title="Slow site", kind="pain", channel="website", emotion=-2)
        self.chat = create_card(self.owner, p[0], title="Live chat", kind="opportunity", channel="chat_email")
        create_card(self.owner, p[1], title="Quiz", kind="idea")
        self.hidden = create_card(self.owner, p[2], title="Hidden costs", kind="pain", emotion=-1)
        self.no_stock = create_card(self.owner, p[2], title="Out of stock", kind="pain", channel="store")
        self.reviews = create_card(self.owner, p[5], title="Ask for reviews", kind="opportunity", emotion=1)
        # Another board's pain point, by a member of both: it must not leak in.
        other = create_board(self.owner, "Other journey", template="buyer", language="en")
        create_card(self.owner, other.phases.first(), title="Other board's pain", kind="pain")

    def get(self, user=None, htmx=True, board_id=None):
        self.login(user or self.editor)
        return self.client.get(f"/boards/{board_id or self.board.pk}/summary/", **(HTMX if htmx else {}))


class GroupingTests(SummaryTestCase):
    def test_pains_and_opportunities_per_phase_in_journey_order(self):
        summary = summarize(self.board)
        self.assertEqual([row.phase for row in summary.phases], self.phases)
        grouped = [(titles(row.pains), titles(row.opportunities)) for row in summary.phases]
        self.assertEqual(
            grouped,
            [
                (["Slow site"], ["Live chat"]),
                ([], []),  # an idea is neither
                (["Hidden costs", "Out of stock"], []),
                ([], []),
                ([], []),
                ([], ["Ask for reviews"]),
                ([], []),
                ([], []),
            ],
        )
        self.assertEqual([row.is_empty for row in summary.phases], [False, True, False, True, True, False, True, True])

    def test_totals(self):
        summary = summarize(self.board)
        counts = (summary.pain_count, summary.opportunity_count, summary.phases_with_items, summary.phase_count)
        self.assertEqual(counts, (3, 2, 3, 8))

    def test_follows_the_board_order_of_phases_and_cards(self):
        move_card(self.owner, self.no_stock, self.phases[2], 0)
        move_phase(self.owner, self.phases[5], 0)
        rows = summarize(self.board).phases
        self.assertEqual(rows[0].phase, self.phases[5])
        self.assertEqual(titles(rows[3].pains), ["Out of stock", "Hidden costs"])

    def test_a_card_changed_to_another_kind_moves_in_or_out(self):
        update_card(self.owner, self.chat, kind="touchpoint")
        update_card(self.owner, self.card, kind="pain")
        row = summarize(self.board).phases[0]
        self.assertEqual((titles(row.pains), titles(row.opportunities)), (["Instagram ad", "Slow site"], []))


class RenderingTests(SummaryTestCase):
    def test_renders_each_phase_with_pains_left_and_opportunities_right(self):
        response = self.get()
        self.assertContains(response, '<div id="summary" class="summary">')
        self.assertNotContains(response, "<html")
        html = response.content.decode()
        sections = re.findall(r'<section class="summary-phase[^"]*"[^>]*data-phase="(\d+)".*?</section>', html, re.S)
        self.assertEqual([int(pk) for pk in sections], [p.pk for p in self.phases])
        phase2 = re.search(rf'data-phase="{self.phases[2].pk}".*?</section>', html, re.S).group(0)
        pains, opportunities = re.findall(r'<ul class="summary-list [^"]*".*?</ul>', phase2, re.S)
        self.assertIn("summary-pains", pains)
        self.assertEqual(re.findall(r'summary-item-title">([^<]*)<', pains), ["Hidden costs", "Out of stock"])
        self.assertIn("No opportunities yet", opportunities)  # the gap a workshop should fill
        self.assertNotContains(response, "Other board")
        self.assertNotContains(response, "Quiz")
        self.assertNotContains(response, "Instagram ad")

    def test_an_item_shows_title_face_and_channel_and_links_to_its_card(self):
        html = self.get().content.decode()
        item = re.search(rf'<a id="summary-card-{self.slow.pk}".*?</a>', html, re.S).group(0)
        self.assertIn(f'href="#card-{self.slow.pk}"', item)
        self.assertIn(f'data-show-card="{self.slow.pk}"', item)
        self.assertIn('class="summary-item kind-pain"', item)
        self.assertIn('<use href="#face--2"/>', item)
        self.assertIn('title="Very negative"', item)
        self.assertIn("Website / webshop", item)
        no_face = re.search(rf'<a id="summary-card-{self.no_stock.pk}".*?</a>', html, re.S).group(0)
        self.assertNotIn("face", no_face)
        self.assertIn("Store visit", no_face)

    def test_phases_with_neither_are_one_greyed_line(self):
        html = self.get().content.decode()
        pattern = rf'<section class="summary-phase is-empty"[^>]*data-phase="{self.phases[3].pk}".*?</section>'
        empty = re.search(pattern, html, re.S)
        self.assertIsNotNone(empty)
        self.assertIn("nothing yet", empty.group(0))
        self.assertNotIn("<ul", empty.group(0))

    def test_totals_at_the_top(self):
        response = self.get()
        self.assertContains(response, "3 pain points")
        self.assertContains(response, "2 opportunities")
        self.assertContains(response, "in 3 of 8 phases")

    def test_totals_in_the_singular(self):
        board = create_board(self.owner, "Tiny", template="blank", language="en")
        phase = create_phase(self.owner, board, name="Only phase", segment="buyer")
        create_card(self.owner, phase, title="Ouch", kind="pain")
        create_card(self.owner, phase, title="Chance", kind="opportunity")
        response = self.get(user=self.owner, board_id=board.pk)
        self.assertContains(response, "1 pain point<")
        self.assertContains(response, "1 opportunity<")
        self.assertContains(response, "in 1 of 1 phase<")

    def test_markup_in_titles_and_phase_names_is_escaped(self):
        update_card(self.owner, self.slow, title="<script>alert(1)</script>")
        update_phase(self.owner, self.phases[0], name="<b>Awareness</b>")
        response = self.get()
        self.assertNotContains(response, "<script>alert(1)</script>")
        self.assertNotContains(response, "<b>Awareness</b>")
        self.assertContains(response, escape("<script>alert(1)</script>"))
        self.assertContains(response, escape("<b>Awareness</b>"))

    def test_a_board_without_pains_or_opportunities_says_how_to_add_them(self):
        board = create_board(self.owner, "Fresh", template="buyer", language="en")
        Membership.objects.create(board=board, user=self.viewer, role=Role.VIEWER)
        response = self.get(user=self.owner, board_id=board.pk)
        self.assertContains(response, "0 pain points")
        self.assertContains(response, "set its kind to")
        self.assertNotContains(response, "summary-phase")
        # A viewer cannot set kinds: no advice they could not follow.
        response = self.get(user=self.viewer, board_id=board.pk)
        self.assertContains(response, "No pain points or opportunities yet.")
        self.assertNotContains(response, "set its kind to")

    def test_a_board_without_phases(self):
        board = create_board(self.owner, "Blank", template="blank", language="en")
        self.assertContains(self.get(user=self.owner, board_id=board.pk), "This board has no phases yet.")

    def test_the_board_page_has_the_button_and_the_panel(self):
        self.login(self.viewer)
        page = self.client.get(self.board_url())
        url = f"/boards/{self.board.pk}/summary/"
        self.assertContains(page, f'data-open-dialog="summary-dialog" aria-controls="summary-dialog" hx-get="{url}"')
        self.assertContains(page, '<dialog id="summary-dialog" class="dialog side-panel summary-panel"')
        self.assertContains(page, f'<div id="summary-body" hx-get="{url}" hx-trigger="jb:changed from:body delay:300ms">')
        # Loaded when opened, not with the page: the page's query budget stays as it was.
        self.assertNotContains(page, '<div id="summary" class="summary">')
        self.assertNotContains(page, "Non-modal and docked")  # the template's comment stays a comment


class AccessTests(SummaryTestCase):
    def test_every_member_sees_it(self):
        for user in (self.owner, self.editor, self.viewer):
            with self.subTest(user.username):
                self.assertContains(self.get(user=user), f'id="summary-card-{self.slow.pk}"')

    def test_without_htmx_too(self):
        self.assertContains(self.get(htmx=False), f'id="summary-card-{self.slow.pk}"')

    def test_outsider_gets_404_exactly_as_for_a_missing_board(self):
        response = self.get(user=self.outsider)
        self.assertContains(response, "No such board.", status_code=404)
        self.assertNotContains(response, "Slow site", status_code=404)
        missing = self.get(user=self.outsider, board_id=self.board.pk + 1000)
        self.assertEqual((missing.status_code, missing.content), (response.status_code, response.content))

    def test_anonymous_is_sent_to_log_in(self):
        response = self.client.get(self.board_url("summary/"))
        login = f"/accounts/login/?next=/boards/{self.board.pk}/summary/"
        self.assertRedirects(response, login, fetch_redirect_response=False)

    def test_only_get(self):
        self.login(self.owner)
        self.assertEqual(self.client.post(self.board_url("summary/"), **HTMX).status_code, 405)


class QueryCountTests(BaseTestCase):
    def assertQueries(self, board):
        self.login(self.owner)
        # session, user, membership with board, phases, pain and opportunity cards
        with self.assertNumQueries(5):
            response = self.client.get(f"/boards/{board.pk}/summary/", **HTMX)
        return response

    def test_constant_whatever_the_board_size(self):
        small = self.assertQueries(import_board(self.owner, document(2, 4)))
        self.assertContains(small, 'class="summary-item kind-pain"', count=2)
        big = self.assertQueries(import_board(self.owner, document(12, 40)))
        self.assertContains(big, 'class="summary-item kind-pain"', count=12 * 10)
        self.assertContains(big, 'class="summary-item kind-opportunity"', count=12 * 10)
