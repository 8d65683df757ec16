"""Rows and cells over HTTP: every row endpoint, cards created and moved into cells, who may
do it, and bad input refused with a message and nothing changed."""

from journeyboard.boards.cards import create_card
from journeyboard.boards.models import Card, Row
from journeyboard.boards.rows import create_row
from journeyboard.boards.sharing import set_locked
from tests.base import MISSING_ID, BoardChangeTestCase, board_state

BODY_OOB = '<main id="board-body" class="board-body"'


class RowHttpTestCase(BoardChangeTestCase):
    def setUp(self):
        super().setUp()
        Row.objects.filter(board=self.board, position__gt=0).delete()  # one row, as boards had before rows
        self.first = Row.objects.get(board=self.board)
        self.back = create_row(self.owner, self.board, "Warehouse", layer="backstage")

    def names(self):
        return list(Row.objects.filter(board=self.board).order_by("position").values_list("name", flat=True))

    def assertRefused(self, response, status, text, before):
        self.assertEqual(response.status_code, status, response.content)
        self.assertIn(text, response.content.decode())
        self.assertUnchanged(before)


class RowEndpointTests(RowHttpTestCase):
    def test_create_answers_with_the_board_body_showing_the_row(self):
        before = board_state(self.board)
        response = self.post("rows/", {"name": "Feelings", "layer": "customer"})
        self.assertEqual(response.status_code, 200, response.content)
        row = Row.objects.get(board=self.board, name="Feelings")
        self.assertRecorded(before, "row.created", row=row.pk)
        html = response.content.decode()
        self.assertIn(BODY_OOB, html)
        self.assertIn(f'id="row-{row.pk}"', html)
        self.assertIn(f'id="cards-{self.phase.pk}-{row.pk}"', html)
        self.assertEqual(self.names(), ["Touchpoints", "Warehouse", "Feelings"])

    def test_update_keeps_fields_left_out(self):
        before = board_state(self.board)
        response = self.post(f"rows/{self.back.pk}/", {"color": "#abcdef"})
        self.assertEqual(response.status_code, 200, response.content)
        self.assertRecorded(before, "row.updated", row=self.back.pk)
        row = Row.objects.get(pk=self.back.pk)
        self.assertEqual((row.name, row.layer, row.color), ("Warehouse", "backstage", "#abcdef"))

    def test_move_and_delete(self):
        self.assertEqual(self.post(f"rows/{self.back.pk}/move/", {"position": -5}).status_code, 200)
        self.assertEqual(self.names(), ["Warehouse", "Touchpoints"])
        create_card(self.owner, self.phase, row=self.back, title="Pick")
        response = self.post(f"rows/{self.back.pk}/delete/")
        self.assertEqual(response.status_code, 200)
        self.assertIn(BODY_OOB, response.content.decode())
        self.assertEqual(self.names(), ["Touchpoints"])
        self.assertFalse(Card.objects.filter(title="Pick").exists())

    def test_the_last_row_is_kept(self):
        self.post(f"rows/{self.back.pk}/delete/")
        before = board_state(self.board)
        response = self.post(f"rows/{self.first.pk}/delete/")
        self.assertRefusedWithText(response, 422, "A board keeps at least one row.")
        self.assertUnchanged(before)

    def test_bad_input_is_422_with_a_message_and_changes_nothing(self):
        before = board_state(self.board)
        cases = [
            ("rows/", {"name": "", "layer": "customer"}, "This field is required."),
            ("rows/", {"name": "n" * 81, "layer": "customer"}, "at most 80 characters (it has 81)."),
            ("rows/", {"name": "Attic", "layer": "attic"}, "Select a valid choice. attic is not one of"),
            ("rows/", {"name": "Red", "layer": "customer", "color": "red"}, "Enter a colour as #rrggbb."),
            (f"rows/{self.back.pk}/", {"name": ""}, "This field is required."),
            (f"rows/{self.back.pk}/", {"layer": "cellar"}, "Select a valid choice."),
            (f"rows/{self.back.pk}/", {"color": "#12345"}, "Enter a colour as #rrggbb."),
            (f"rows/{self.back.pk}/move/", {"position": "up"}, "Moving needs a whole-number position."),
        ]
        for suffix, data, message in cases:
            with self.subTest(suffix=suffix, data=data):
                self.assertRefused(self.post(suffix, data), 422, message, before)

    def test_the_row_limit(self):
        before = board_state(self.board)
        with self.settings(JOURNEYBOARD_MAX_ROWS=2):
            response = self.post("rows/", {"name": "Third", "layer": "support"})
        self.assertRefusedWithText(response, 422, "A board has at most 2 rows.")
        self.assertUnchanged(before)

    def test_a_row_of_another_board_or_none_is_404_in_every_url(self):
        other = self.other_board()
        foreign = Row.objects.filter(board=other).first()
        before = board_state(self.board)
        for row_id in (foreign.pk, MISSING_ID):
            for suffix, data in [("", {"name": "Ghost"}), ("move/", {"position": 0}), ("delete/", {})]:
                with self.subTest(row=row_id, suffix=suffix):
                    response = self.post(f"rows/{row_id}/{suffix}", data)
                    self.assertEqual(response.status_code, 404)
                    self.assertUnchanged(before)
        self.assertEqual(Row.objects.get(pk=foreign.pk).name, "Touchpoints")  # untouched


class RowAccessTests(RowHttpTestCase):
    URLS = ("rows/", "rows/{row}/", "rows/{row}/move/", "rows/{row}/delete/")

    def attempt(self, user):
        self.login(user)
        return [
            self.post(url.format(row=self.back.pk), {"name": "X", "layer": "customer", "position": 0}).status_code
            for url in self.URLS
        ]

    def test_viewers_403_outsiders_404_anonymous_to_login(self):
        before = board_state(self.board)
        self.assertEqual(self.attempt(self.viewer), [403] * 4)
        self.assertEqual(self.attempt(self.outsider), [404] * 4)
        self.client.logout()
        self.assertEqual([self.post(url.format(row=self.back.pk)).status_code for url in self.URLS], [302] * 4)
        self.assertUnchanged(before)

    def test_a_locked_board_refuses_editors(self):
        set_locked(self.owner, self.board, True)
        before = board_state(self.board)
        self.assertEqual(self.attempt(self.editor), [403] * 4)
        self.assertUnchanged(before)


class CardsInCellsHttpTests(RowHttpTestCase):
    def test_create_in_a_row_answers_into_its_cell(self):
        before = board_state(self.board)
        response = self.post(f"phases/{self.phase.pk}/cards/", {"title": "Pick list", "row": self.back.pk})
        self.assertEqual(response.status_code, 200, response.content)
        card = Card.objects.get(title="Pick list")
        self.assertEqual((card.row_id, card.position), (self.back.pk, 0))
        self.assertRecorded(before, "card.created", card=card.pk, row=self.back.pk)
        self.assertIn(f'hx-swap-oob="beforeend:#cards-{self.phase.pk}-{self.back.pk}"', response.content.decode())

    def test_create_without_a_row_goes_to_the_first_row_as_before(self):
        response = self.post(f"phases/{self.phase.pk}/cards/", {"title": "Banner"})
        self.assertEqual(response.status_code, 200)
        self.assertEqual(Card.objects.get(title="Banner").row_id, self.first.pk)
        self.assertIn(f'hx-swap-oob="beforeend:#cards-{self.phase.pk}"', response.content.decode())

    def test_move_into_another_cell(self):
        target = self.phases[2]
        response = self.post(f"cards/{self.card.pk}/move/", {"phase": target.pk, "row": self.back.pk, "position": 0})
        self.assertEqual(response.status_code, 200, response.content)
        card = Card.objects.get(pk=self.card.pk)
        self.assertEqual((card.phase_id, card.row_id, card.position), (target.pk, self.back.pk, 0))
        html = response.content.decode()
        self.assertIn(f'<div id="cards-{target.pk}-{self.back.pk}" hx-swap-oob="innerHTML">', html)
        self.assertIn(f'<div id="cards-{self.phase.pk}" hx-swap-oob="innerHTML">', html)
        # Without a row the card keeps its row.
        self.post(f"cards/{self.card.pk}/move/", {"phase": self.phase.pk, "position": 0})
        self.assertEqual(Card.objects.get(pk=self.card.pk).row_id, self.back.pk)

    def test_a_bad_row_is_422_and_changes_nothing(self):
        foreign = Row.objects.filter(board=self.other_board()).first()
        before = board_state(self.board)
        cases = [
            (f"phases/{self.phase.pk}/cards/", {"title": "X", "row": foreign.pk}, "That row is not part of this board."),
            (f"phases/{self.phase.pk}/cards/", {"title": "X", "row": "two"}, "A card's row is a row id of this board."),
            (f"cards/{self.card.pk}/move/", {"phase": self.phase.pk, "position": 0, "row": foreign.pk}, "That row is not part of this board."),
            (f"cards/{self.card.pk}/move/", {"phase": self.phase.pk, "position": 0, "row": "x"}, "Moving needs a phase id"),
        ]
        for suffix, data, message in cases:
            with self.subTest(suffix=suffix, data=data):
                self.assertRefused(self.post(suffix, data), 422, message, before)

    def test_the_board_page_lists_every_cell(self):
        create_card(self.owner, self.phases[1], row=self.back, title="Restock")
        response = self.client.get(self.board_url())
        html = response.content.decode()
        self.assertIn(f'id="row-{self.first.pk}"', html)
        self.assertIn(f'id="row-{self.back.pk}"', html)
        for phase in self.phases:
            self.assertIn(f'id="cards-{phase.pk}"', html)
            self.assertIn(f'id="cards-{phase.pk}-{self.back.pk}"', html)
            self.assertIn(f'id="add-card-{phase.pk}-{self.back.pk}"', html)
        self.assertIn("Line of interaction", html)


class RowFieldInTheEditorTests(RowHttpTestCase):
    """The editor's row field: how a card changes rows where nothing is dragged (phones)."""

    def edit(self, card, **data):
        return self.post(f"cards/{card.pk}/", {"title": card.title, "version": card.updated_at.isoformat(), **data})

    def test_the_editor_offers_the_rows_of_a_board_of_several(self):
        response = self.client.get(self.board_url(f"cards/{self.card.pk}/edit/"))
        self.assertContains(response, f'<label class="field-label" for="card-{self.card.pk}-row">Row</label>')
        self.assertContains(
            response,
            f'<select id="card-{self.card.pk}-row" name="row" class="input"><option value="{self.first.pk}" selected>'
            f'Touchpoints</option><option value="{self.back.pk}">Warehouse</option></select>',
        )
        self.back.delete()
        response = self.client.get(self.board_url(f"cards/{self.card.pk}/edit/"))
        self.assertNotContains(response, f'id="card-{self.card.pk}-row"')  # one row: nothing to choose

    def test_another_row_alone_is_one_move_to_the_end_of_that_cell(self):
        create_card(self.owner, self.phase, row=self.back, title="Pick")
        before = board_state(self.board)
        response = self.edit(self.card, row=self.back.pk)
        self.assertEqual(response.status_code, 200, response.content)
        self.assertRecorded(before, "card.moved", card=self.card.pk, row=self.back.pk, position=1)
        cell = Card.objects.filter(phase=self.phase, row=self.back).order_by("position")
        self.assertEqual(list(cell.values_list("title", flat=True)), ["Pick", "Instagram ad"])

    def test_another_phase_and_row_together(self):
        response = self.edit(self.card, title="Story", phase=self.phases[2].pk, row=self.back.pk)
        self.assertEqual(response.status_code, 200, response.content)
        self.card.refresh_from_db()
        self.assertEqual((self.card.title, self.card.phase_id, self.card.row_id), ("Story", self.phases[2].pk, self.back.pk))

    def test_a_row_of_another_board_or_no_id_is_refused_and_changes_nothing(self):
        foreign = Row.objects.filter(board=self.other_board()).first()
        before = board_state(self.board)
        for posted in (foreign.pk, MISSING_ID, "abc", "²"):
            with self.subTest(row=posted):
                response = self.edit(self.card, title="Moved away", row=posted)
                self.assertRefusedWithText(response, 422, "That row is not part of this board.")
                self.assertUnchanged(before)


class GridQueryCountTests(BoardChangeTestCase):
    def test_a_board_of_many_rows_costs_the_page_no_more_queries(self):
        from journeyboard.boards.transfer import FORMAT, import_board

        def board(rows, phases, cards):
            return import_board(self.owner, {
                "format": FORMAT, "title": f"{rows} rows", "language": "en",
                "personas": [{"name": "Sanne"}],
                "rows": [{"name": f"Row {r}", "layer": ("customer", "frontstage", "backstage", "support")[r % 4]} for r in range(rows)],
                "phases": [
                    {"name": f"Phase {p}", "cards": [{"title": f"Card {p}.{c}", "emotion": c % 5 - 2, "row": c % rows} for c in range(cards)]}
                    for p in range(phases)
                ],
            })

        self.login(self.owner)
        small, large = board(2, 2, 1), board(8, 10, 24)
        for grid in (small, large):
            with self.subTest(rows=grid.title), self.assertNumQueries(11):  # as tests/test_board_queries.py
                response = self.client.get(f"/boards/{grid.pk}/")
        self.assertContains(response, 'class="row-head layer-', count=8)
        self.assertContains(response, 'class="card kind-touchpoint"', count=10 * 24)
