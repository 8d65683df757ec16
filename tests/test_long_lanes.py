"""Long lanes open with their first cards; the rest come on request."""

from journeyboard.boards.models import Card
from journeyboard.boards.rendering import LANE_PAGE
from tests.base import HTMX, BaseTestCase


class LongLaneTests(BaseTestCase):
    def setUp(self):
        super().setUp()
        Card.objects.bulk_create(
            Card(phase=self.phase, title=f"Touchpoint {n}", position=n) for n in range(1, LANE_PAGE + 30)
        )
        self.total = LANE_PAGE + 30

    def test_the_board_page_shows_the_first_cards_and_offers_the_rest(self):
        self.login(self.viewer)
        page = self.client.get(self.board_url()).content.decode()
        self.assertEqual(page.count('class="card kind-'), LANE_PAGE)
        self.assertIn(f"Touchpoint {LANE_PAGE - 1}<", page)
        self.assertNotIn(f"Touchpoint {LANE_PAGE}<", page)
        self.assertIn(f'hx-get="/boards/{self.board.pk}/phases/{self.phase.pk}/cards/"', page)
        self.assertIn(f"Show all {self.total} cards", page)
        self.assertIn(f'<span id="count-{self.phase.pk}" class="lane-count" title="Cards in this phase">{self.total}</span>', page)

    def test_the_lane_with_all_its_cards(self):
        self.login(self.viewer)
        response = self.client.get(self.board_url(f"phases/{self.phase.pk}/cards/"), **HTMX)
        html = response.content.decode()
        self.assertEqual(response.status_code, 200)
        self.assertTrue(html.lstrip().startswith(f'<section id="phase-{self.phase.pk}"'))
        titles = [f"Touchpoint {n}<" for n in range(1, self.total)]
        self.assertTrue(all(title in html for title in titles))
        self.assertNotIn("Show all", html)
        # In board order.
        self.assertLess(html.index("Touchpoint 1<"), html.index(f"Touchpoint {self.total - 1}<"))

    def test_short_lanes_offer_nothing_more(self):
        self.login(self.owner)
        page = self.client.get(self.board_url()).content.decode()
        self.assertNotIn(f'hx-get="/boards/{self.board.pk}/phases/{self.phases[1].pk}/cards/"', page)

    def test_outsiders_and_other_boards_lanes_are_not_found(self):
        self.login(self.outsider)
        self.assertEqual(self.client.get(self.board_url(f"phases/{self.phase.pk}/cards/")).status_code, 404)
        self.login(self.owner)
        self.assertEqual(self.client.get(self.board_url("phases/999999/cards/")).status_code, 404)
