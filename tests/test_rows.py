"""Rows of the journey grid (boards/rows.py) and cards in cells (boards/cards.py): the
services, their events, history sentences and undo; positions gap-free per cell, also
under simultaneous moves."""

import random
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.core.exceptions import ValidationError
from django.db import connections
from django.test import override_settings

from journeyboard.boards.cards import create_card, delete_card, move_card
from journeyboard.boards.history import Ids
from journeyboard.boards.lifecycle import create_board
from journeyboard.boards.models import BoardEvent, Card, Membership, Phase, Role, Row
from journeyboard.boards.phases import create_phase, delete_phase
from journeyboard.boards.rows import create_row, delete_row, move_row, update_row
from journeyboard.boards.timeline import describe_one
from tests.base import BoardChangeTestCase, make_user


def cells(board):
    """{(phase name, row name): [card titles in position order]} for every non-empty cell,
    checking on the way that each cell's positions are 0..n-1."""
    found = {}
    for card in Card.objects.filter(phase__board=board).select_related("phase", "row").order_by("position"):
        found.setdefault((card.phase.name, card.row.name), []).append(card)
    for cell, cards in found.items():
        assert [card.position for card in cards] == list(range(len(cards))), cell
    return {cell: [card.title for card in cards] for cell, cards in found.items()}


def one_row(board):
    """The board with only its first row, as every board had before rows (the templates'
    other rows are tested in test_rows_templates.py)."""
    Row.objects.filter(board=board, position__gt=0).delete()
    return Row.objects.get(board=board)


class RowTestCase(BoardChangeTestCase):
    def setUp(self):
        super().setUp()
        one_row(self.board)
        self.awareness, self.consideration, self.decision = self.phases
        self.touchpoints = Row.objects.get(board=self.board)
        self.backstage = create_row(self.editor, self.board, "Warehouse", layer="backstage")

    def last_event(self):
        return BoardEvent.objects.filter(board=self.board).latest("revision")


class RowServiceTests(RowTestCase):
    def test_a_board_starts_with_one_customer_row_holding_its_cards(self):
        board = create_board(self.owner, "Fresh", template="blank", language="de")
        [row] = Row.objects.filter(board=board)
        self.assertEqual((row.name, row.layer, row.position), ("Touchpoints", "customer", 0))

    def test_create_appends_rows_and_records_them(self):
        support = create_row(self.editor, self.board, "IT systems", layer="support", color="#112233")
        self.assertEqual(list(Row.objects.filter(board=self.board).values_list("name", "position")), [
            ("Touchpoints", 0), ("Warehouse", 1), ("IT systems", 2)])
        event = self.last_event()
        self.assertEqual((event.kind, event.data["row"], event.data["after"]),
                         ("row.created", support.pk, {"name": "IT systems", "layer": "support", "color": "#112233"}))
        self.assertEqual(describe_one(self.board, event), "added row “IT systems”")

    def test_bad_rows_are_refused(self):
        for bad in ({"name": ""}, {"name": "x" * 81}, {"name": "Ok", "layer": "attic"}, {"name": "Ok", "color": "red"}):
            with self.subTest(bad=bad), self.assertRaises(ValidationError):
                create_row(self.editor, self.board, **bad)
        self.assertEqual(Row.objects.filter(board=self.board).count(), 2)

    @override_settings(JOURNEYBOARD_MAX_ROWS=2)
    def test_the_row_limit(self):
        with self.assertRaisesMessage(ValidationError, "A board has at most 2 rows."):
            create_row(self.editor, self.board, "Third")

    def test_update_and_move(self):
        update_row(self.editor, self.backstage, name="Back office", layer="frontstage")
        self.assertEqual(describe_one(self.board, self.last_event()), "edited row “Back office”: name, layer")
        move_row(self.editor, self.backstage, 0)
        self.assertEqual(list(Row.objects.filter(board=self.board).values_list("name", flat=True)),
                         ["Back office", "Touchpoints"])
        self.assertEqual(describe_one(self.board, self.last_event()), "moved row “Back office” to place 1")

    def test_delete_takes_the_row_cards_along_and_keeps_one_row(self):
        create_card(self.editor, self.awareness, row=self.backstage, title="Pick")
        delete_row(self.editor, self.backstage)
        self.assertEqual(cells(self.board), {("Awareness", "Touchpoints"): ["Instagram ad"]})
        self.assertEqual(describe_one(self.board, self.last_event()), "deleted row “Warehouse” with 1 card")
        with self.assertRaisesMessage(ValidationError, "A board keeps at least one row."):
            delete_row(self.editor, self.touchpoints)


class CardsInCellsTests(RowTestCase):
    def test_a_card_goes_to_the_first_row_unless_told(self):
        card = create_card(self.editor, self.awareness, title="Billboard")
        other = create_card(self.editor, self.awareness, row=self.backstage, title="Print run")
        self.assertEqual((card.row_id, card.position, other.row_id, other.position),
                         (self.touchpoints.pk, 1, self.backstage.pk, 0))
        self.assertEqual(self.last_event().data["row"], self.backstage.pk)

    def test_a_row_of_another_board_is_refused(self):
        other = create_board(self.owner, "Other", template="buyer")
        foreign = Row.objects.filter(board=other).first()
        with self.assertRaises(ValidationError):
            create_card(self.editor, self.awareness, row=foreign, title="Nope")
        with self.assertRaises(ValidationError):
            create_card(self.editor, self.awareness, row=foreign.pk, title="Nope")
        with self.assertRaises(ValidationError):
            move_card(self.editor, self.card, self.awareness, 0, row=foreign)
        self.assertEqual(Card.objects.filter(phase__board=self.board).count(), 1)

    def test_moves_between_cells_keep_positions_gap_free_per_cell(self):
        a = create_card(self.editor, self.awareness, title="A")
        b = create_card(self.editor, self.awareness, row=self.backstage, title="B")
        c = create_card(self.editor, self.awareness, row=self.backstage, title="C")
        move_card(self.editor, a, self.awareness, 1, row=self.backstage)
        self.assertEqual(cells(self.board), {
            ("Awareness", "Touchpoints"): ["Instagram ad"],
            ("Awareness", "Warehouse"): ["B", "A", "C"],
        })
        event = self.last_event()
        self.assertEqual((event.data["from_row"], event.data["row"]), (self.touchpoints.pk, self.backstage.pk))
        self.assertEqual(describe_one(self.board, event), "moved “A” to Awareness, row “Warehouse”")
        # Without a row a move stays in the card's row, across phases.
        move_card(self.editor, Card.objects.get(pk=b.pk), self.decision, 0)
        self.assertEqual(Card.objects.get(pk=b.pk).row_id, self.backstage.pk)
        delete_card(self.editor, Card.objects.get(pk=c.pk))
        self.assertEqual(cells(self.board), {
            ("Awareness", "Touchpoints"): ["Instagram ad"],
            ("Awareness", "Warehouse"): ["A"],
            ("Decision", "Warehouse"): ["B"],
        })

    def test_a_deleted_phase_comes_back_with_cards_in_their_rows(self):
        create_card(self.editor, self.awareness, row=self.backstage, title="Stock")
        delete_phase(self.editor, self.awareness)
        self.login(self.editor)
        self.assertEqual(self.post("undo/").status_code, 200)
        self.assertEqual(cells(self.board), {
            ("Awareness", "Touchpoints"): ["Instagram ad"],
            ("Awareness", "Warehouse"): ["Stock"],
        })


class RowUndoTests(RowTestCase):
    def grid(self):
        rows = list(Row.objects.filter(board=self.board).order_by("position").values_list("name", "layer", "color"))
        return rows, cells(self.board)

    def assertUndoRedo(self, make_change):
        before = self.grid()
        make_change()
        after = self.grid()
        self.assertNotEqual(before, after)
        self.assertEqual(self.post("undo/").status_code, 200)
        self.assertEqual(self.grid(), before)
        self.assertEqual(self.post("redo/").status_code, 200)
        self.assertEqual(self.grid(), after)

    def test_every_row_change_is_undone_and_redone(self):
        self.assertUndoRedo(lambda: create_row(self.editor, self.board, "Feelings"))
        self.assertUndoRedo(lambda: update_row(self.editor, self.backstage, name="Stock", color="#abcdef"))
        self.assertUndoRedo(lambda: move_row(self.editor, Row.objects.get(pk=self.backstage.pk), 0))

    def test_a_deleted_row_comes_back_with_its_cards(self):
        create_card(self.editor, self.awareness, row=self.backstage, title="Pick")
        create_card(self.editor, self.decision, row=self.backstage, title="Pack")
        create_card(self.editor, self.decision, row=self.backstage, title="Ship")
        self.assertUndoRedo(lambda: delete_row(self.editor, Row.objects.get(pk=self.backstage.pk)))
        # Ids follow the row across its recreation (undo brought it back under a new id).
        self.assertNotEqual(Ids(self.board).resolve("row", self.backstage.pk), self.backstage.pk)

    def test_a_card_move_across_rows_is_undone(self):
        self.assertUndoRedo(lambda: move_card(self.editor, self.card, self.decision, 0, row=self.backstage))

    def test_undoing_a_row_someone_put_a_card_in_is_refused(self):
        row = create_row(self.editor, self.board, "Feelings")
        create_card(self.owner, self.awareness, row=row, title="Worried")
        response = self.post("undo/")
        self.assertEqual(response.status_code, 409)
        self.assertEqual(response.content.decode(), "Someone else changed this row since; undo is not possible.")


# --- simultaneous moves between cells --------------------------------------------------

THREADS = 6
MOVES = 8


@pytest.mark.django_db(transaction=True)
def test_simultaneous_moves_between_cells_keep_positions_gap_free():
    owner, editor = make_user("olivia"), make_user("emil")
    board = create_board(owner, "Launch day", template="blank")
    Membership.objects.create(board=board, user=editor, role=Role.EDITOR)
    phases = [create_phase(owner, board, name) for name in ("Checkout", "Delivery")]
    rows = [Row.objects.get(board=board), create_row(owner, board, "Backstage", layer="backstage")]
    for phase in phases:
        for row in rows:
            for n in range(3):
                create_card(owner, phase, row=row, title=f"{phase.name} {row.name} {n}")
    card_ids = list(Card.objects.filter(phase__board=board).values_list("pk", flat=True))
    barrier = threading.Barrier(THREADS)

    def work(index):
        rng = random.Random(index)
        try:
            barrier.wait(timeout=30)
            for _ in range(MOVES):
                card = Card.objects.select_related("phase").get(pk=rng.choice(card_ids))
                move_card(editor, card, rng.choice(phases), rng.randint(0, 8), row=rng.choice(rows))
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=THREADS) as pool:
        futures = [pool.submit(work, index) for index in range(THREADS)]
    for future in futures:
        future.result()

    for phase in Phase.objects.filter(board=board):
        for row in rows:
            positions = list(Card.objects.filter(phase=phase, row=row).order_by("position").values_list("position", flat=True))
            assert positions == list(range(len(positions))), (phase.name, row.name, positions)
    assert sorted(Card.objects.filter(phase__board=board).values_list("pk", flat=True)) == sorted(card_ids)
    assert BoardEvent.objects.filter(board=board, kind="card.moved").count() == THREADS * MOVES
