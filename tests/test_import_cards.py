"""A file's cards imported into a board that exists (boards/importing.py): one change that
adds the cards and the phases the board lacks, undone and redone whole, refused whole with
every problem at its line and column; and the endpoint POST /boards/<id>/import/."""

import json
import re
from html import unescape

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.utils.translation import override

from journeyboard.boards.cards import create_card, update_card
from journeyboard.boards.history import Refused, redo, undo
from journeyboard.boards.importing import import_cards, read_document
from journeyboard.boards.lifecycle import create_board
from journeyboard.boards.models import BoardEvent, Card, Phase, Row
from journeyboard.boards.sharing import set_facilitator, set_locked
from journeyboard.boards.timeline import describe_one
from journeyboard.boards.transfer import export_board
from tests.base import HTMX, BoardChangeTestCase, board_state
from tests.documents import workbook_bytes

CSV = (
    "phase,title,note,channel,emotion,kind\n"
    "  awareness ,Search ad,,website,1,touchpoint\n"
    "DECISION,Checkout,slow,Website / webshop,Sehr negativ,Pijnpunt\n"
    "Loyalty,Newsletter,,chat_email,,\n"
    "loyalty ,Review request,,,2,opportunity\n"
).encode()


def lane_titles(board):
    return {
        phase.name: list(phase.cards.order_by("position").values_list("title", flat=True))
        for phase in Phase.objects.filter(board=board).order_by("position")
    }


def positions_gap_free(board):
    phases = list(Phase.objects.filter(board=board).order_by("position").values_list("position", flat=True))
    lanes = [list(p.cards.order_by("position").values_list("position", flat=True)) for p in Phase.objects.filter(board=board)]
    return phases == list(range(len(phases))) and all(lane == list(range(len(lane))) for lane in lanes)


class ImportCardsServiceTests(BoardChangeTestCase):
    def add(self, raw, name="cards.csv", user=None):
        return import_cards(user or self.editor, self.board, read_document(name, raw))

    def test_phases_are_matched_by_name_and_missing_ones_added_at_the_end(self):
        event = self.add(CSV)
        self.assertEqual(
            lane_titles(self.board),
            {
                "Awareness": ["Instagram ad", "Search ad"],
                "Consideration": [],
                "Decision": ["Checkout"],
                "Loyalty": ["Newsletter", "Review request"],
            },
        )
        self.assertTrue(positions_gap_free(self.board))
        self.assertEqual(event.kind, "cards.imported")
        self.assertEqual(len(event.data["cards"]), 4)
        self.assertEqual(event.data["phases"], [Phase.objects.get(board=self.board, name="Loyalty").pk])
        self.assertEqual(BoardEvent.objects.filter(board=self.board, kind="cards.imported").count(), 1)

    def test_labels_in_every_language_and_keys_are_read(self):
        self.add(CSV)
        checkout = Card.objects.get(phase__board=self.board, title="Checkout")
        self.assertEqual((checkout.channel, checkout.emotion, checkout.kind, checkout.note), ("website", -2, "pain", "slow"))
        self.assertEqual(Card.objects.get(title="Search ad").author, self.editor)

    def test_a_workbook_is_read_like_a_csv(self):
        rows = [["phase", "row", "position", "title", "emotion", "kind"], ["Consideration", None, 1, "Compare prices", 0, "Idee"], ["Service", None, None, "Call", -1, "pain"]]
        self.add(workbook_bytes({"cards": rows}), "cards.xlsx")
        titles = lane_titles(self.board)
        self.assertEqual((titles["Consideration"], titles["Service"]), (["Compare prices"], ["Call"]))
        self.assertEqual(Card.objects.get(title="Compare prices").kind, "idea")

    def test_a_json_export_of_another_board_adds_its_cards_and_nothing_else(self):
        other = create_board(self.owner, "Other", template="buyer", language="en")
        create_card(self.owner, other.phases.get(name="Decision"), title="Pay by invoice", kind="idea")
        other.phases.create(name="After sales", position=3)
        before = (self.refresh_board().title, self.board.personas.count())
        self.add(json.dumps(export_board(other)).encode(), "other.json")
        self.assertEqual(lane_titles(self.board)["Decision"], ["Pay by invoice"])
        self.assertEqual(lane_titles(self.board)["After sales"], [])  # a new phase, even empty
        self.assertEqual((self.refresh_board().title, self.board.personas.count()), before)

    def test_cards_keep_the_personas_the_board_has_by_name_through_undo_and_redo(self):
        from journeyboard.boards.card_personas import set_card_personas
        from journeyboard.boards.models import Persona

        sanne = Persona.objects.create(board=self.board, name="Sanne")
        other = create_board(self.owner, "Other", template="buyer", language="en")
        theirs = [Persona.objects.create(board=other, name=name) for name in (" sanne ", "Piet")]
        card = create_card(self.owner, other.phases.get(name="Decision"), title="Pay by invoice")
        set_card_personas(self.owner, card, [p.pk for p in theirs])
        personas_before = list(Persona.objects.filter(board=self.board).values_list("name", flat=True))
        self.add(json.dumps(export_board(other)).encode(), "other.json")

        def tags():
            found = Card.objects.get(phase__board=self.board, title="Pay by invoice")
            return list(found.personas.values_list("pk", flat=True))

        self.assertEqual(tags(), [sanne.pk])  # Piet is no persona of this board: left out
        self.assertEqual(list(Persona.objects.filter(board=self.board).values_list("name", flat=True)), personas_before)
        undo(self.editor, self.board)
        self.assertFalse(Card.objects.filter(phase__board=self.board, title="Pay by invoice").exists())
        redo(self.editor, self.board)
        self.assertEqual(tags(), [sanne.pk])

    def test_a_file_without_cards_is_refused(self):
        before = board_state(self.board)
        with self.assertRaisesMessage(ValidationError, "The file holds no cards to add."):
            self.add(b"phase,title\n")
        self.assertEqual(board_state(self.board), before)

    def test_the_board_limits_count_the_board_and_the_file_together(self):
        before = board_state(self.board)
        with override_settings(JOURNEYBOARD_MAX_CARDS=4):  # the board has one card
            with self.assertRaisesMessage(ValidationError, "A board has at most 4 cards."):
                self.add(CSV)
        with override_settings(JOURNEYBOARD_MAX_PHASES=3):
            with self.assertRaisesMessage(ValidationError, "A board has at most 3 phases."):
                self.add(CSV)
        self.assertEqual(board_state(self.board), before)
        with override_settings(JOURNEYBOARD_MAX_CARDS=5, JOURNEYBOARD_MAX_PHASES=4):
            self.add(CSV)  # exactly full

    def test_undo_removes_exactly_what_it_added_and_redo_puts_it_back(self):
        start = lane_titles(self.board)
        self.add(CSV)
        imported = lane_titles(self.board)
        event = undo(self.editor, self.board)
        self.assertEqual(event.kind, "cards.unimported")
        self.assertEqual(lane_titles(self.board), start)
        self.assertTrue(positions_gap_free(self.board))
        event = redo(self.editor, self.board)
        self.assertEqual(event.kind, "cards.imported")
        self.assertEqual(lane_titles(self.board), imported)
        self.assertEqual(Phase.objects.get(board=self.board, name="Loyalty").position, 3)
        self.assertEqual(Card.objects.get(title="Checkout").emotion, -2)
        undo(self.editor, self.board)
        self.assertEqual(lane_titles(self.board), start)

    def test_rows_are_matched_by_name_and_missing_ones_added_below(self):
        document = {
            "format": "journeyboard/2", "title": "Blueprint",
            "rows": [{"name": " customer ACTIONS", "layer": "customer", "color": "#4f7cff"},
                     {"name": "Backstage", "layer": "backstage", "color": "#8892a6"}],
            "phases": [{"name": "Awareness", "cards": [
                {"title": "Reads a review", "row": 0}, {"title": "Stock check", "row": 1}, {"title": "Refill", "row": 1}]}],
        }  # fmt: skip
        rows_before = list(Row.objects.filter(board=self.board).order_by("position").values_list("name", flat=True))
        self.assertIn("Customer actions", rows_before)
        import_cards(self.editor, self.board, document)
        rows = list(Row.objects.filter(board=self.board).order_by("position"))
        self.assertEqual([row.name for row in rows], rows_before + ["Backstage"])
        self.assertEqual((rows[-1].layer, rows[-1].position), ("backstage", len(rows_before)))
        cell = lambda name: list(  # noqa: E731
            Card.objects.filter(phase__name="Awareness", row__name=name, phase__board=self.board)
            .order_by("position").values_list("title", "position"))
        self.assertEqual(cell("Customer actions"), [("Reads a review", 0)])
        self.assertEqual(cell("Backstage"), [("Stock check", 0), ("Refill", 1)])
        undo(self.editor, self.board)
        self.assertEqual(list(Row.objects.filter(board=self.board).order_by("position").values_list("name", flat=True)),
                         rows_before)
        self.assertFalse(Card.objects.filter(title__in=["Reads a review", "Stock check", "Refill"]).exists())
        redo(self.editor, self.board)
        self.assertEqual(cell("Backstage"), [("Stock check", 0), ("Refill", 1)])
        self.assertEqual(cell("Customer actions"), [("Reads a review", 0)])
        undo(self.editor, self.board)
        self.assertEqual(Row.objects.filter(board=self.board).count(), len(rows_before))

    def test_a_file_of_one_row_puts_its_cards_in_the_first_row(self):
        self.add(CSV)
        first = Row.objects.filter(board=self.board).order_by("position").first()
        self.assertEqual(set(Card.objects.filter(title__in=["Search ad", "Checkout"]).values_list("row", flat=True)),
                         {first.pk})

    def test_redo_follows_the_cards_to_their_new_ids(self):
        self.add(CSV)
        card = Card.objects.get(title="Newsletter")
        update_card(self.editor, card, title="Monthly newsletter")
        undo(self.editor, self.board)  # the rename
        undo(self.editor, self.board)  # the import
        redo(self.editor, self.board)  # the import: the card has a new id
        redo(self.editor, self.board)  # the rename, of the card under its new id
        self.assertEqual(lane_titles(self.board)["Loyalty"], ["Monthly newsletter", "Review request"])

    def test_someone_elses_change_to_an_imported_card_refuses_the_undo(self):
        self.add(CSV)
        update_card(self.owner, Card.objects.get(title="Checkout"), emotion=0)
        before = board_state(self.board)
        with self.assertRaisesMessage(Refused, "Someone else changed this card since"):
            undo(self.editor, self.board)
        self.assertEqual(board_state(self.board), before)

    def test_history_says_how_many_cards_and_new_phases(self):
        event = self.add(CSV)
        sentences = {}
        for language in ("en", "nl", "de"):
            with override(language):
                sentences[language] = describe_one(self.board, event)
        self.assertEqual(sentences["en"], "imported 4 cards (1 new phase)")
        self.assertEqual(sentences["nl"], "heeft 4 kaarten geïmporteerd (1 nieuwe fase)")
        self.assertEqual(sentences["de"], "hat 4 Karten importiert (1 neue Phase)")
        gone = undo(self.editor, self.board)
        self.assertEqual(describe_one(self.board, gone), "removed 4 imported cards and 1 phase")


class ImportCardsViewTests(BoardChangeTestCase):
    def upload(self, content, name="cards.csv", htmx=True):
        return self.post("import/", {"file": SimpleUploadedFile(name, content)}, htmx=htmx)

    def assert_refused(self, content, name, *fragments):
        before = board_state(self.board)
        response = self.upload(content, name)
        self.assertEqual(response.status_code, 422)
        html = response.content.decode()
        self.assertIn('id="import-cards"', html)  # the form again, with the problems
        errors = [unescape(error) for error in re.findall(r'<li class="error">(.*?)</li>', html, re.S)]
        for fragment in fragments:
            self.assertTrue(any(fragment in error for error in errors), f"{fragment!r} not in {errors}")
        self.assertEqual(board_state(self.board), before)
        return errors

    def test_an_editor_imports_and_the_answer_is_the_board_as_everyone_gets_it(self):
        before = board_state(self.board)
        response = self.upload(CSV)
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response["HX-Reswap"], "none")
        self.assertIn('id="board-body"', response.content.decode())
        self.assertIn("Review request", response.content.decode())
        self.assertEqual(json.loads(response["HX-Trigger"])["jb:imported"], {"message": "4 cards added to the board."})
        event = self.assertRecorded(before, "cards.imported")
        self.assertEqual(len(event.data["cards"]), 4)

    def test_a_workbook_and_a_json_file_are_taken_as_well(self):
        rows = [["phase", "title", "channel"], ["Decision", "Compare offers", "Winkelbezoek"]]
        self.assertEqual(self.upload(workbook_bytes({"cards": rows}), "cards.xlsx").status_code, 200)
        document = {"format": "journeyboard/1", "title": "x", "phases": [{"name": "Service", "cards": [{"title": "Chat"}]}]}
        self.assertEqual(self.upload(json.dumps(document).encode(), "cards.json").status_code, 200)
        titles = lane_titles(self.board)
        self.assertEqual((titles["Decision"], titles["Service"]), (["Compare offers"], ["Chat"]))
        self.assertEqual(Card.objects.get(title="Compare offers").channel, "store")
        self.assertEqual(BoardEvent.objects.filter(board=self.board, kind="cards.imported").count(), 2)

    def test_without_htmx_the_page_goes_back_to_the_board(self):
        response = self.upload(CSV, htmx=False)
        self.assertRedirects(response, self.board_url(), fetch_redirect_response=False)

    def test_viewers_403_outsiders_404_and_a_locked_board_refuses_all_but_facilitators(self):
        before = board_state(self.board)
        self.login(self.viewer)
        self.assertEqual(self.upload(CSV).status_code, 403)
        self.login(self.outsider)
        self.assertEqual(self.upload(CSV).status_code, 404)
        self.assertEqual(board_state(self.board), before)
        set_locked(self.owner, self.board, True)
        self.login(self.editor)
        self.assertRefusedWithText(self.upload(CSV), 403, "The board is locked by the facilitator.")
        self.assertFalse(Card.objects.filter(title="Checkout").exists())
        set_facilitator(self.owner, self.board, self.editor.pk, True)
        self.assertEqual(self.upload(CSV).status_code, 200)
        self.assertTrue(Card.objects.filter(title="Checkout").exists())

    def test_wrong_columns(self):
        self.assert_refused(b"phase,title,colour_of_card\nA,x,red\n", "a.csv", "line 1, column C: Unknown column “colour_of_card”")
        self.assert_refused(b"phase,note\nA,x\n", "a.csv", "line 1, column C: The column “title” is missing.")

    def test_an_unknown_emotion_and_others_are_all_reported_by_line_and_column(self):
        errors = self.assert_refused(
            "phase,title,emotion,kind\nAwareness,ok,1,pain\nAwareness,x,Ecstatic,gossip\n".encode(),
            "a.csv",
            "line 3, column C (emotion): expected a whole number from -2 to 2",
            "line 3, column D (kind): Unknown kind “gossip”.",
        )
        self.assertEqual(len(errors), 2)

    def test_a_formula_in_a_cell_is_refused_in_csv_and_xlsx(self):
        self.assert_refused(b'phase,title\nAwareness,"=HYPERLINK(""http://evil.example"")"\n', "a.csv", "line 2, column B (title): A formula is not accepted")
        content = workbook_bytes({"cards": [["phase", "title", "emotion"], ["Awareness", "x", "=1-2"]]})
        self.assert_refused(content, "f.xlsx", "sheet “cards”, line 2, column C (emotion): A formula")

    def test_a_json_file_is_refused_with_the_place_of_each_problem(self):
        document = export_board(self.board)
        document["phases"][0]["cards"][0]["emotion"] = 7
        self.assert_refused(json.dumps(document).encode(), "b.json", "phases[0].cards[0].emotion")
        self.assert_refused(b"{not json", "b.json", "The file is not valid JSON")

    @override_settings(IMPORT_MAX_BYTES=200)
    def test_a_file_over_the_limit(self):
        self.assert_refused(b"phase,title\n" + b"Awareness,A card title\n" * 20, "big.csv", "The file is larger than 200")

    def test_a_file_wrong_on_every_line_gets_a_short_answer(self):
        content = b"phase,title,emotion\n" + b"Awareness,x,9\n" * 300
        errors = self.assert_refused(content, "a.csv", "line 2, column C (emotion)", "more problems")
        self.assertLessEqual(len(errors), 51)

    @override_settings(JOURNEYBOARD_IMPORT_MAX_ERRORS=3)
    def test_the_list_of_problems_follows_the_setting(self):
        errors = self.assert_refused(b"phase,title,emotion\n" + b"Awareness,x,9\n" * 10, "a.csv", "line 4, column C", "7 more problems")
        self.assertEqual(len(errors), 4)

    def test_a_full_board_says_so_in_the_form(self):
        with override_settings(JOURNEYBOARD_MAX_CARDS=2):
            self.assert_refused(CSV, "a.csv", "A board has at most 2 cards.")

    def test_no_file(self):
        before = board_state(self.board)
        response = self.post("import/", {})
        self.assertEqual(response.status_code, 422)
        self.assertContains(response, "Choose a JSON, CSV or XLSX file", status_code=422)
        self.assertEqual(board_state(self.board), before)

    def test_the_board_page_offers_the_import_to_writers_only(self):
        page = self.client.get(self.board_url()).content.decode()
        self.assertIn('data-open-dialog="import-dialog"', page)
        self.assertIn('id="import-cards"', page)
        self.login(self.viewer)
        page = self.client.get(self.board_url()).content.decode()
        self.assertNotIn('id="import-dialog"', page)
        self.assertNotIn('id="import-cards"', page)
