"""Rows in the JSON format (`journeyboard/2`), in copies and in spreadsheets: written,
read back exactly, version 1 still read, and bad rows refused naming the card."""

import copy

from django.test import override_settings

from journeyboard.boards.cards import create_card
from journeyboard.boards.lifecycle import duplicate_board
from journeyboard.boards.models import Card, Row
from journeyboard.boards.rows import create_row
from journeyboard.boards.transfer import export_board
from tests.documents import JsonTestCase, small_document, unicode_document


def grid(board):
    """[(phase, row, position, title)] of every card, and the rows in order."""
    cards = Card.objects.filter(phase__board=board).order_by("phase__position", "row__position", "position")
    rows = list(Row.objects.filter(board=board).order_by("position").values_list("name", "layer", "color"))
    return rows, list(cards.values_list("phase__name", "row__name", "position", "title"))


class RowsJsonTests(JsonTestCase):
    def setUp(self):
        super().setUp()
        Row.objects.filter(board=self.board, position__gt=0).delete()  # one row, as boards had before rows
        self.back = create_row(self.owner, self.board, "Warehouse", layer="backstage", color="#123456")
        create_card(self.owner, self.phase, row=self.back, title="Pick")
        create_card(self.owner, self.phases[1], row=self.back, title="Pack")

    def test_export_writes_rows_and_each_cards_row(self):
        document = self.export(self.board).json()
        self.assertEqual(document["format"], "journeyboard/2")
        self.assertEqual(document["rows"], [
            {"name": "Touchpoints", "layer": "customer", "color": "#8a94a6"},
            {"name": "Warehouse", "layer": "backstage", "color": "#123456"},
        ])
        self.assertEqual([(c["title"], c["row"]) for c in document["phases"][0]["cards"]], [("Instagram ad", 0), ("Pick", 1)])

    def test_export_import_export_is_identical_and_keeps_the_grid(self):
        first = self.export(self.board)
        board = self.import_ok(first.content)
        self.assertEqual(self.export(board).content, first.content)
        self.assertEqual(grid(board), grid(self.board))

    def test_two_row_document_round_trips(self):
        board = self.import_ok(unicode_document())
        self.assertEqual(self.export(board).json(), unicode_document())

    def test_a_copy_keeps_rows_and_cells(self):
        copy_ = duplicate_board(self.owner, self.board)
        self.assertEqual(grid(copy_), grid(self.board))

    def test_version_1_is_read_into_one_row(self):
        board = self.import_ok(small_document())
        self.assertEqual(grid(board), (
            [("Touchpoints", "customer", "#8a94a6")],
            [("Awareness", "Touchpoints", 0, "First"), ("Awareness", "Touchpoints", 1, "Second")],
        ))

    def test_a_cards_row_missing_or_out_of_range_is_an_error_naming_the_card(self):
        for bad in ({"drop": True}, {"row": 2}, {"row": -1}, {"row": "1"}, {"row": True}, {"row": None}):
            document = copy.deepcopy(unicode_document())
            card = document["phases"][0]["cards"][1]
            if bad.get("drop"):
                del card["row"]
            else:
                card["row"] = bad["row"]
            with self.subTest(bad=bad):
                self.assert_refused(document, "phases[0].cards[1].row: card “ë” needs the index of one of the board's rows (0 to 1)")

    def test_bad_rows_are_refused(self):
        cases = [
            ({"name": "", "layer": "customer"}, "rows[1].name: must not be empty"),
            ({"name": "n" * 81, "layer": "customer"}, "rows[1].name: Ensure this value has at most 80 characters"),
            ({"name": "Attic", "layer": "attic"}, "rows[1].layer: Value 'attic' is not a valid choice."),
            ({"name": "Red", "color": "red"}, "rows[1].color: Enter a colour as #rrggbb."),
            ("row", "rows[1]: expected an object"),
        ]
        for bad, message in cases:
            document = copy.deepcopy(unicode_document())
            document["rows"][1] = bad
            with self.subTest(bad=bad):
                self.assert_refused(document, message)
        document = copy.deepcopy(unicode_document())
        document["rows"] = []
        for card in document["phases"][0]["cards"]:
            del card["row"]
        self.assert_refused(document, "rows: a board has at least one row")

    @override_settings(JOURNEYBOARD_MAX_ROWS=1)
    def test_the_row_limit(self):
        self.assert_refused(unicode_document(), "A board has at most 1 row.")

    def test_export_of_a_one_row_board_is_as_before_but_for_rows(self):
        board = self.import_ok(small_document())
        document = export_board(board)
        self.assertEqual(len(document["rows"]), 1)
        self.assertTrue(all(card["row"] == 0 for phase in document["phases"] for card in phase["cards"]))


class RowsSpreadsheetTests(JsonTestCase):
    def setUp(self):
        super().setUp()
        Row.objects.filter(board=self.board, position__gt=0).delete()  # one row, as boards had before rows
    def csv_lines(self, board):
        response = self.client.get(f"/boards/{board.pk}/export.csv")
        self.assertEqual(response.status_code, 200)
        return [line.split(",")[:4] for line in response.content.decode("utf-8-sig").splitlines()[1:]]

    def upload(self, content, name="grid.csv"):
        from django.core.files.uploadedfile import SimpleUploadedFile

        known = set(Row.objects.values_list("board_id", flat=True))
        response = self.client.post("/boards/import/", {"file": SimpleUploadedFile(name, content)})
        self.assertEqual(response.status_code, 302, response.content.decode()[:1000])
        return Row.objects.exclude(board_id__in=known).first().board

    def test_a_one_row_board_leaves_the_row_column_empty_as_before(self):
        self.assertEqual(self.csv_lines(self.board), [["Awareness", "", "1", "Instagram ad"]])

    def test_the_row_column_names_rows_and_positions_count_per_cell(self):
        back = create_row(self.owner, self.board, "Warehouse", layer="backstage")
        create_card(self.owner, self.phase, row=back, title="Pick")
        create_card(self.owner, self.phase, row=back, title="Pack")
        self.assertEqual(self.csv_lines(self.board), [
            ["Awareness", "Touchpoints", "1", "Instagram ad"],
            ["Awareness", "Warehouse", "1", "Pick"],
            ["Awareness", "Warehouse", "2", "Pack"],
        ])
        first = self.client.get(f"/boards/{self.board.pk}/export.csv").content
        board = self.upload(first)
        self.assertEqual(self.client.get(f"/boards/{board.pk}/export.csv").content, first)
        self.assertEqual(grid(board)[1], grid(self.board)[1])

    def test_import_matches_rows_by_name_and_creates_them_in_order(self):
        board = self.upload(b"phase,row,position,title\nA,Backstage,2,b2\nA,,1,t1\nB,Backstage,1,b1\nA,Backstage,1,a1\n")
        self.assertEqual(grid(board), (
            [("Backstage", "customer", "#8a94a6"), ("Touchpoints", "customer", "#8a94a6")],
            [("A", "Backstage", 0, "a1"), ("A", "Backstage", 1, "b2"), ("A", "Touchpoints", 0, "t1"), ("B", "Backstage", 0, "b1")],
        ))
