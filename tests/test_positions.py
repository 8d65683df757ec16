"""Positions written after a move: 0..n-1 in the new order, one UPDATE per distinct shift."""

from journeyboard.boards.cards import create_card, move_card
from journeyboard.boards.changes import in_order, save_positions
from journeyboard.boards.models import Card
from tests.base import BaseTestCase


class SavePositionsTests(BaseTestCase):
    def setUp(self):
        super().setUp()
        self.phase = self.phases[0]
        Card.objects.filter(phase__board=self.board).delete()  # the template's examples
        self.cards = [create_card(self.owner, self.phase, title=f"Card {n}") for n in range(6)]

    def positions(self):
        return list(Card.objects.filter(phase=self.phase).order_by("position").values_list("title", "position"))

    def test_a_run_of_neighbours_shifts_in_one_update(self):
        cards = in_order(Card.objects.filter(phase=self.phase))
        cards.insert(1, cards.pop())  # the last card to the second place: four neighbours move down one
        with self.assertNumQueries(2):  # the moved card's own shift, and its neighbours'
            save_positions(Card, cards)
        self.assertEqual(self.positions(), [(f"Card {n}", i) for i, n in enumerate([0, 5, 1, 2, 3, 4])])

    def test_gaps_left_by_anything_close_again(self):
        Card.objects.filter(pk=self.cards[3].pk).update(position=40)
        Card.objects.filter(pk=self.cards[4].pk).update(position=41)
        Card.objects.filter(pk=self.cards[5].pk).update(position=45)
        save_positions(Card, in_order(Card.objects.filter(phase=self.phase)))
        self.assertEqual([p for _title, p in self.positions()], [0, 1, 2, 3, 4, 5])

    def test_a_move_between_cells_keeps_both_gap_free(self):
        other = self.phases[1]
        create_card(self.owner, other, title="There")
        move_card(self.owner, self.cards[2], other, 0)
        self.assertEqual(
            list(Card.objects.filter(phase=other).order_by("position").values_list("title", "position")),
            [("Card 2", 0), ("There", 1)],
        )
        self.assertEqual([t for t, _p in self.positions()], ["Card 0", "Card 1", "Card 3", "Card 4", "Card 5"])
        self.assertEqual([p for _t, p in self.positions()], [0, 1, 2, 3, 4])
