"""A board page costs the same number of queries whatever its size."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from journeyboard.boards.transfer import FORMAT, import_board
from tests.base import BaseTestCase


def document(phases, cards_per_phase):
    return {
        "format": FORMAT,
        "title": f"{phases} x {cards_per_phase}",
        "language": "en",
        "personas": [{"name": "Sanne"}, {"name": "Jürgen"}],
        "phases": [
            {
                "name": f"Phase {p}",
                "segment": "buyer" if p < phases // 2 else "customer",
                "color": "#4f7cff",
                "cards": [
                    {"title": f"Card {p}.{c}", "note": "n", "channel": "website", "emotion": c % 5 - 2, "kind": "pain",
                     "personas": [[0], [1], [0, 1], []][c % 4]}  # chips, and a persona line each
                    for c in range(cards_per_phase)
                ],
            }
            for p in range(phases)
        ],
    }


class BoardQueryCountTests(BaseTestCase):
    def queries_for(self, board):
        self.login(self.owner)
        with CaptureQueriesContext(connection) as captured:
            response = self.client.get(f"/boards/{board.pk}/")
        self.assertEqual(response.status_code, 200)
        return len(captured), response

    def test_query_count_does_not_grow_with_phases_or_cards(self):
        small = import_board(self.owner, document(2, 1))
        large = import_board(self.owner, document(12, 25))
        small_count, _ = self.queries_for(small)
        large_count, response = self.queries_for(large)
        self.assertEqual(small_count, large_count)
        self.assertContains(response, 'class="card kind-pain"', count=12 * 25)

    def test_board_page_query_budget(self):
        board = import_board(self.owner, document(10, 30))
        self.login(self.owner)
        # session, user, membership+board, voting round (the voting bar and card badges),
        # the boards linked as present and future states, emotion round (its bar, card badges
        # and the room's curve), phases, rows, the cards' personas (their chips and the
        # curve's persona lines), cards (with authors), personas (side panel)
        with self.assertNumQueries(11):
            self.client.get(f"/boards/{board.pk}/")
