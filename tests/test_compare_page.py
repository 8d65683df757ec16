"""The compare page, GET /boards/<id>/compare/?a=<ref>&b=<ref>: who may see it, which
references it takes, what it shows, and what it costs in queries."""

import re

from django.db import connection
from django.test.utils import CaptureQueriesContext

from journeyboard.boards.cards import create_card, delete_card, move_card, update_card
from journeyboard.boards.future import design_future
from journeyboard.boards.models import Membership, Role
from journeyboard.boards.phases import update_phase
from journeyboard.boards.transfer import import_board
from journeyboard.boards.versions import save_version
from tests.base import BaseTestCase, board_state, make_user


def document(phases, cards_per_phase):
    """A board file of `phases` x `cards_per_phase` pain points, each phase with a KPI."""
    return {
        "format": "journeyboard/2",
        "title": f"{phases} x {cards_per_phase}",
        "language": "en",
        "phases": [
            {
                "name": f"Phase {p}",
                "kpi": {"name": "Conversion", "value": p, "unit": "%"},
                "cards": [
                    {"title": f"Card {p}.{c}", "note": "n", "channel": "website", "emotion": c % 5 - 2, "kind": "pain"}
                    for c in range(cards_per_phase)
                ],
            }
            for p in range(phases)
        ],
    }


class ComparePageTests(BaseTestCase):
    def setUp(self):
        super().setUp()
        self.pain = create_card(self.owner, self.phases[1], title="Slow payment page", kind="pain", emotion=-2)
        self.leaving = create_card(self.owner, self.phases[1], title="Calls support", emotion=-1)
        self.version = save_version(self.owner, self.board, "As is — workshop 1")
        update_card(self.owner, self.pain, kind="opportunity", note="One click now")
        delete_card(self.owner, self.leaving)
        create_card(self.owner, self.phases[0], title="Reads reviews", emotion=2)
        self.login(self.viewer)

    def get(self, query):
        return self.client.get(self.board_url(f"compare/{query}"))

    def test_a_viewer_sees_the_changes_read_only(self):
        before = board_state(self.board)
        response = self.get(f"?a=version-{self.version.pk}&b=now")
        self.assertEqual(response.status_code, 200)
        page = response.content.decode()
        self.assertIn("1 card added, 1 removed, 1 edited, 1 pain point resolved", page)
        heading = re.sub(r"<[^>]+>", "", re.search(r'<h1 class="compare-title">(.*?)</h1>', page).group(1))
        self.assertEqual(" ".join(heading.split()), "Version “As is — workshop 1” →compared with Now")
        self.assertRegex(page, r'compare-removed[^>]*>\s*<p class="compare-marks"><span class="compare-badge compare-removed-badge">Removed</span>')
        self.assertIn("<del>Calls support</del>", page)
        # The edited card's former note and kind, named by its badge for screen readers too.
        edited = re.search(r'aria-describedby="([^"]+)">Edited</button>', page).group(1)
        tip = re.search(rf'<span id="{edited}" class="compare-tip" role="tooltip">(.*?)</span></span>', page).group(1)
        self.assertIn("<strong>Note</strong> was “–”", tip)
        self.assertIn("<strong>Kind</strong> was “Pain point”", tip)
        self.assertNotIn("hx-post", page)
        self.assertUnchanged(before)

    def test_a_moved_card_says_where_it_came_from(self):
        move_card(self.owner, self.pain, self.phases[2], 0)
        page = self.get(f"?a=version-{self.version.pk}&b=now").content.decode()
        self.assertIn(f'<span class="compare-badge compare-moved-badge">Moved from {self.phases[1].name}</span>', page)

    def assertUnchanged(self, before):
        self.assertEqual(board_state(self.board), before)

    def test_both_curves_in_one_chart(self):
        page = self.get(f"?a=version-{self.version.pk}&b=now").content.decode()
        start = page.index('id="compare-curve"')
        chart = page[start:page.index("</svg>", start)]
        self.assertEqual(chart.count('class="curve-line compare-line-a"'), 1)
        self.assertEqual(chart.count('class="curve-line"'), 1)
        self.assertIn("A: Version “As is — workshop 1”", page)
        self.assertIn('class="curve-key compare-key-b">B: Now', page)

    def test_cards_of_a_grid_name_their_row(self):
        from journeyboard.boards.rows import create_row

        row = create_row(self.owner, self.board, name="Backstage")
        create_card(self.owner, self.phases[1], title="Checks the stock", row=row)
        page = self.get(f"?a=version-{self.version.pk}&b=now").content.decode()
        lane = page[page.index('id="compare-phase-2"'):page.index('id="compare-phase-3"')]
        self.assertEqual(re.findall(r'<p class="compare-row">([^<]*)</p>', lane), ["Touchpoints", "Backstage", "Touchpoints"])

    def test_the_kpi_change_in_the_phase_head(self):
        update_phase(self.owner, self.phases[1], kpi_name="Conversion", kpi_value="3.2", kpi_unit="%")
        version = save_version(self.owner, self.board, "Before the fix")
        update_phase(self.owner, self.phases[1], kpi_name="Conversion", kpi_value="4", kpi_unit="%")
        page = self.get(f"?a=version-{version.pk}&b=now").content.decode()
        self.assertIn('<p class="compare-kpi-delta">+0.8 %</p>', page)
        self.assertIn("compare-kpi-before", page)

    def test_the_chooser_offers_now_the_linked_board_and_every_version(self):
        design_future(self.owner, self.board)
        page = self.get("").content.decode()
        options = re.findall(r'<option value="([^"]+)"', page)
        self.assertEqual(options[: len(options) // 2], ["now", "linked", f"version-{self.version.pk}"])
        # Without a choice: the newest version against the board now.
        self.assertIn(f'<option value="version-{self.version.pk}" selected>', page)
        self.assertIn('<option value="now" selected>', page)

    def test_a_board_without_versions_or_links_compares_itself(self):
        board = import_board(self.owner, {"format": "journeyboard/2", "title": "Empty", "phases": []})
        Membership.objects.create(board=board, user=self.viewer, role=Role.VIEWER)
        response = self.client.get(f"/boards/{board.pk}/compare/")
        self.assertContains(response, '<option value="now" selected>', count=2)
        self.assertContains(response, "No changes to the cards.")
        self.assertContains(response, "Neither side has phases yet.")
        self.assertNotContains(response, 'id="compare-curve"')

    def test_the_linked_future_state_both_ways(self):
        future = design_future(self.owner, self.board)  # its members come along, the viewer too
        create_card(self.owner, future.phases.order_by("position").first(), title="Chat with a stylist", kind="opportunity")
        response = self.get("?a=now&b=linked")
        self.assertContains(response, "1 card added, 1 opportunity added")
        self.assertContains(response, "B: Future state: “Webshop journey — future state”")
        back = self.client.get(f"/boards/{future.pk}/compare/?a=linked&b=now")
        self.assertContains(back, "A: Current state: “Webshop journey”")
        self.assertContains(back, "1 card added")

    def test_a_linked_board_the_reader_may_not_open_is_no_linked_board(self):
        design_future(self.owner, self.board)  # the viewer is a member of the future board too
        stranger = make_user("sam")
        Membership.objects.create(board=self.board, user=stranger, role=Role.VIEWER)
        self.client.force_login(stranger)
        Membership.objects.filter(user=stranger).exclude(board=self.board).delete()
        response = self.get("?a=now&b=linked")
        self.assertEqual(response.status_code, 404)
        self.assertContains(response, "no linked future or current state", status_code=404)

    def test_bad_references(self):
        other = self.other_board()
        foreign = save_version(self.owner, other, "Someone else's")
        for query, status in (
            ("?a=yesterday&b=now", 400),
            ("?a=version-abc&b=now", 400),
            ("?a=version-²&b=now", 400),
            ("?a=version-&b=now", 400),
            ("?a=now&b=version-0", 404),
            ("?a=now&b=version-99999999999999999999999", 404),
            (f"?a=version-{foreign.pk}&b=now", 404),
            ("?a=version-999999&b=now", 404),
            ("?a=linked&b=now", 404),
        ):
            with self.subTest(query=query):
                response = self.get(query)
                self.assertEqual(response.status_code, status)
        self.assertContains(self.get("?a=yesterday"), "Compare “now”, “linked”", status_code=400)
        self.assertContains(self.get("?a=version-999999"), "No such version of this board.", status_code=404)

    def other_board(self):
        from journeyboard.boards.lifecycle import create_board

        other = create_board(self.owner, "Other journey", template="buyer", language="en")
        Membership.objects.create(board=other, user=self.viewer, role=Role.VIEWER)
        return other

    def test_outsiders_and_strangers_get_404(self):
        self.login(self.outsider)
        self.assertEqual(self.get(f"?a=version-{self.version.pk}&b=now").status_code, 404)
        self.client.logout()
        response = self.get("")
        self.assertEqual(response.status_code, 302)

    def test_only_get(self):
        self.assertEqual(self.client.post(self.board_url("compare/")).status_code, 405)

    def test_names_are_escaped(self):
        update_card(self.owner, self.card, title="<script>alert(1)</script>", note="a & b")
        version = save_version(self.owner, self.board, "<b>bold</b> “version”")
        page = self.get(f"?a=version-{version.pk}&b=now").content.decode()
        self.assertNotIn("<script>alert", page)
        self.assertNotIn("<b>bold</b>", page)
        self.assertIn("&lt;b&gt;bold&lt;/b&gt;", page)

    def test_the_panel_and_the_board_link_to_it(self):
        panel = self.client.get(self.board_url("versions/")).content.decode()
        self.assertIn(f'href="/boards/{self.board.pk}/compare/?a=version-{self.version.pk}&amp;b=now">Compare with now</a>', panel)
        version_page = self.client.get(self.board_url(f"versions/{self.version.pk}/")).content.decode()
        self.assertIn(f'href="/boards/{self.board.pk}/compare/?a=version-{self.version.pk}&amp;b=now">Compare with now</a>', version_page)
        self.assertNotIn("compare/?a=", self.client.get(self.board_url()).content.decode())
        future = design_future(self.owner, self.board)
        self.assertContains(self.client.get(self.board_url()), 'compare/?a=now&amp;b=linked">Compare with the future state</a>')
        self.login(self.owner)
        self.assertContains(self.client.get(f"/boards/{future.pk}/"), 'compare/?a=linked&amp;b=now">Compare with the current state</a>')


class CompareQueryTests(BaseTestCase):
    def queries_for(self, board, query):
        self.login(self.owner)
        with CaptureQueriesContext(connection) as captured:
            response = self.client.get(f"/boards/{board.pk}/compare/{query}")
        self.assertEqual(response.status_code, 200)
        return len(captured), response

    def test_the_count_does_not_grow_with_the_board(self):
        counts = []
        for phases, cards in ((2, 1), (10, 30)):
            board = import_board(self.owner, document(phases, cards))
            version = save_version(self.owner, board, "As is")
            design_future(self.owner, board)
            for query in (f"?a=version-{version.pk}&b=now", "?a=now&b=linked"):
                count, response = self.queries_for(board, query)
                counts.append(count)
                self.assertContains(response, 'class="card kind-pain', count=phases * cards)
        self.assertEqual(counts[:2], counts[2:])

    def test_the_budget_for_two_sizes(self):
        # session, user, membership+board, the linked boards, the versions (the chooser), the
        # version's snapshot; the board now as its export reads it: rows, the room's ratings
        # in the last closed emotion round, personas, phases, cards (their votes a subquery), the
        # cards' personas
        self.login(self.owner)
        for phases, cards in ((1, 1), (10, 30)):
            board = import_board(self.owner, document(phases, cards))
            version = save_version(self.owner, board, "As is")
            with self.subTest(size=(phases, cards)), self.assertNumQueries(12):
                self.client.get(f"/boards/{board.pk}/compare/?a=version-{version.pk}&b=now")
            # The linked board instead of the version: its export instead of the snapshot.
            design_future(self.owner, board)
            with self.subTest(size=(phases, cards), linked=True), self.assertNumQueries(17):
                self.client.get(f"/boards/{board.pk}/compare/?a=now&b=linked")
