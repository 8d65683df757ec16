"""Personas on cards: tagging through the one service and the card editor's endpoint (who
may, what a refusal leaves alone), undo and redo, what deleting a persona, card, phase or
row does to the tags and how undo brings them back, the history's sentences, the board
page's chips and filter, the curve's persona lines, and the JSON format's "personas"."""

import json
import re

from django.core.exceptions import ValidationError
from django.utils import translation

from journeyboard.boards.card_personas import set_card_personas
from journeyboard.boards.cards import create_card, delete_card
from journeyboard.boards.curve import PERSONA_LINES, emotion_curve
from journeyboard.boards.future import design_future
from journeyboard.boards.models import BoardEvent, Card, Persona
from journeyboard.boards.personas import create_persona, delete_persona, update_persona
from journeyboard.boards.phases import delete_phase
from journeyboard.boards.timeline import history_page
from journeyboard.boards.transfer import FORMAT, export_board, import_board, validate_board
from journeyboard.boards.versions import restore_version, save_version
from tests.base import MISSING_ID, BoardChangeTestCase, board_state


def tags(card):
    return sorted(Card.objects.get(pk=card.pk).personas.values_list("name", flat=True))


class PersonaCardTestCase(BoardChangeTestCase):
    def setUp(self):
        super().setUp()
        self.sanne = create_persona(self.owner, self.board, name="Sanne de Vries", color="#d9456f")
        self.jurgen = create_persona(self.owner, self.board, name="Jürgen", color="#0e8a7d")

    def everything(self):
        tagged = list(Card.personas.through.objects.order_by("pk").values_list("card_id", "persona_id"))
        return board_state(self.board), tagged

    def undo(self):
        return self.post("undo/")

    def redo(self):
        return self.post("redo/")


class ServiceTests(PersonaCardTestCase):
    def test_tagging_records_one_change_with_ids_and_names(self):
        before = board_state(self.board)
        set_card_personas(self.editor, self.card, [self.jurgen.pk, self.sanne.pk])
        event = self.assertRecorded(before, "card.personas", card=self.card.pk, title="Instagram ad")
        self.assertEqual(event.data["before"], [])
        self.assertEqual(event.data["after"], [self.sanne.pk, self.jurgen.pk])  # in the board's order
        self.assertEqual(event.data["names"], ["Sanne de Vries", "Jürgen"])
        self.assertEqual(tags(self.card), ["Jürgen", "Sanne de Vries"])

    def test_the_same_personas_again_record_nothing(self):
        set_card_personas(self.editor, self.card, [self.sanne.pk])
        before = board_state(self.board)
        set_card_personas(self.editor, self.card, [self.sanne.pk])
        self.assertUnchanged(before)

    def test_another_boards_persona_is_refused_and_nothing_changes(self):
        other = create_persona(self.owner, self.other_board(), name="Stranger")
        set_card_personas(self.editor, self.card, [self.sanne.pk])
        before = self.everything()
        with self.assertRaises(ValidationError):
            set_card_personas(self.editor, self.card, [self.jurgen.pk, other.pk])
        self.assertEqual(self.everything(), before)

    def test_undo_and_redo_over_http(self):
        set_card_personas(self.owner, self.card, [self.jurgen.pk])
        set_card_personas(self.editor, self.card, [self.sanne.pk])
        self.assertEqual(self.undo().status_code, 200)
        self.assertEqual(tags(self.card), ["Jürgen"])
        self.assertEqual(self.redo().status_code, 200)
        self.assertEqual(tags(self.card), ["Sanne de Vries"])

    def test_undo_is_refused_once_someone_else_retagged_the_card(self):
        set_card_personas(self.editor, self.card, [self.sanne.pk])
        set_card_personas(self.owner, self.card, [self.jurgen.pk])
        response = self.undo()
        self.assertEqual(response.status_code, 409)
        self.assertEqual(tags(self.card), ["Jürgen"])

    def test_deleting_a_persona_takes_its_tags_and_undo_gives_them_back(self):
        second = create_card(self.owner, self.phase, title="Flyer")
        set_card_personas(self.owner, self.card, [self.sanne.pk, self.jurgen.pk])
        set_card_personas(self.owner, second, [self.sanne.pk])
        delete_persona(self.editor, self.sanne)
        self.assertEqual((tags(self.card), tags(second)), (["Jürgen"], []))
        self.assertEqual(BoardEvent.objects.latest("revision").data["cards"], sorted([self.card.pk, second.pk]))
        self.assertEqual(self.undo().status_code, 200)
        self.assertEqual((tags(self.card), tags(second)), (["Jürgen", "Sanne de Vries"], ["Sanne de Vries"]))
        self.assertEqual(self.redo().status_code, 200)
        self.assertEqual((tags(self.card), tags(second)), (["Jürgen"], []))
        # Undoing the redo brings her back once more, under yet another id, with her cards.
        self.assertEqual(self.undo().status_code, 200)
        self.assertEqual(tags(second), ["Sanne de Vries"])

    def test_a_tag_undone_after_its_persona_came_back_names_the_new_persona(self):
        set_card_personas(self.editor, self.card, [self.sanne.pk])
        set_card_personas(self.editor, self.card, [])
        delete_persona(self.editor, self.sanne)
        self.undo()  # Sanne back, under a new id
        self.undo()  # the card's untagging undone: Sanne's new id
        self.assertEqual(tags(self.card), ["Sanne de Vries"])

    def test_a_deleted_card_phase_or_row_comes_back_with_its_personas(self):
        set_card_personas(self.owner, self.card, [self.jurgen.pk])
        delete_card(self.editor, self.card)
        self.undo()
        self.assertEqual(list(Card.objects.get(title="Instagram ad").personas.values_list("name", flat=True)), ["Jürgen"])
        card = Card.objects.get(title="Instagram ad")
        delete_phase(self.editor, card.phase)
        self.undo()
        self.assertEqual(list(Card.objects.get(title="Instagram ad").personas.values_list("name", flat=True)), ["Jürgen"])

    def test_editing_a_persona_on_cards_sends_the_board_body_along(self):
        from journeyboard.boards.fragments import personas

        self.assertEqual(personas(self.board, {"persona": self.sanne.pk, "before": {"name": "S"}, "after": {"name": "T"}})[0], "personas")
        set_card_personas(self.owner, self.card, [self.sanne.pk])
        update_persona(self.owner, self.sanne, color="#000000")
        data = BoardEvent.objects.latest("revision").data
        self.assertEqual(personas(self.board, data)[0], "personas-cards")
        update_persona(self.owner, self.sanne, goals="Speed")
        self.assertEqual(personas(self.board, BoardEvent.objects.latest("revision").data)[0], "personas")


class HistorySentenceTests(PersonaCardTestCase):
    def sentences(self, language):
        with translation.override(language):
            entries = history_page(self.board)["entries"]
            return [entry.what for entry in entries if entry.event.kind == "card.personas"]

    def test_tagging_retagging_and_untagging_are_said_in_three_languages(self):
        set_card_personas(self.editor, self.card, [self.sanne.pk])
        set_card_personas(self.editor, self.card, [self.sanne.pk, self.jurgen.pk])
        set_card_personas(self.editor, self.card, [])
        self.assertEqual(self.sentences("en"), [
            "took the personas off “Instagram ad”",
            "set the personas of “Instagram ad” to “Sanne de Vries”, “Jürgen”",
            "tagged “Instagram ad” with “Sanne de Vries”",
        ])  # fmt: skip
        self.assertEqual(self.sentences("nl")[2], "koppelde “Sanne de Vries” aan “Instagram ad”")
        self.assertEqual(self.sentences("de")[0], "hat die Personas von „Instagram ad“ entfernt")


class EndpointTests(PersonaCardTestCase):
    def update(self, data, user=None):
        if user is not None:
            self.login(user)
        return self.post(f"cards/{self.card.pk}/", {"title": "Instagram ad", **data})

    def test_the_editor_offers_the_boards_personas_ticked_as_the_card_has_them(self):
        set_card_personas(self.owner, self.card, [self.jurgen.pk])
        html = self.client.get(self.board_url(f"cards/{self.card.pk}/edit/")).content.decode()
        self.assertIn('<input type="hidden" name="personas" value="">', html)
        self.assertIn(f'name="personas" value="{self.sanne.pk}">', html)
        self.assertIn(f'name="personas" value="{self.jurgen.pk}" checked>', html)

    def test_posting_personas_tags_the_card_and_answers_with_its_chips(self):
        response = self.client.post(
            self.board_url(f"cards/{self.card.pk}/"), {"title": "Instagram ad", "personas": ["", str(self.sanne.pk)]},
            HTTP_HX_REQUEST="true",
        )
        self.assertEqual(response.status_code, 200)
        self.assertEqual(tags(self.card), ["Sanne de Vries"])
        html = response.content.decode()
        self.assertIn(f'data-personas="{self.sanne.pk}"', html)
        self.assertIn('aria-label="Persona: Sanne de Vries">SV</span>', html)
        # Only the tags changed: one change, one undo (no "saved unchanged" edit beside it).
        self.assertEqual(BoardEvent.objects.latest("revision").kind, "card.personas")
        self.assertFalse(BoardEvent.objects.filter(kind="card.updated").exists())

    def test_a_form_without_the_field_leaves_the_personas_and_an_empty_one_clears_them(self):
        set_card_personas(self.owner, self.card, [self.sanne.pk])
        self.assertEqual(self.update({"note": "Stories"}).status_code, 200)
        self.assertEqual(tags(self.card), ["Sanne de Vries"])
        self.assertEqual(self.update({"personas": ""}).status_code, 200)
        self.assertEqual(tags(self.card), [])

    def test_a_title_and_personas_in_one_save_are_two_changes_made_together(self):
        self.update({"title": "Instagram story", "personas": [str(self.jurgen.pk)]})
        kinds = list(BoardEvent.objects.order_by("-revision").values_list("kind", flat=True)[:2])
        self.assertEqual(kinds, ["card.personas", "card.updated"])
        self.assertEqual((Card.objects.get(pk=self.card.pk).title, tags(self.card)), ("Instagram story", ["Jürgen"]))

    def test_an_editor_opened_before_someone_elses_save_is_told_so_for_tags_alone(self):
        from journeyboard.boards.cards import card_version, update_card

        opened = card_version(self.card)
        update_card(self.owner, self.card, note="Changed meanwhile")
        before = self.everything()
        response = self.update({"personas": [str(self.sanne.pk)], "version": opened, "note": "Changed meanwhile"})
        self.assertEqual(response.status_code, 409)
        self.assertEqual(self.everything(), before)
        fresh = Card.objects.get(pk=self.card.pk)
        response = self.update({"personas": [str(self.sanne.pk)], "version": card_version(fresh), "note": "Changed meanwhile"})
        self.assertEqual(response.status_code, 200)
        self.assertEqual(tags(self.card), ["Sanne de Vries"])

    def test_bad_personas_are_refused_with_a_message_and_nothing_changes(self):
        stranger = create_persona(self.owner, self.other_board(), name="Stranger")
        before = self.everything()
        for value, message in (
            (str(stranger.pk), "That persona is not part of this board."),
            (str(MISSING_ID), "That persona is not part of this board."),
            ("sanne", "A card's personas are persona ids of this board."),
        ):
            with self.subTest(value=value):
                response = self.update({"title": "Changed", "personas": [str(self.sanne.pk), value]})
                self.assertRefusedWithText(response, 422, message)
                self.assertEqual(self.everything(), before)

    def test_a_viewer_gets_403_and_a_non_member_404(self):
        before = self.everything()
        self.assertEqual(self.update({"personas": [str(self.sanne.pk)]}, user=self.viewer).status_code, 403)
        self.assertEqual(self.update({"personas": [str(self.sanne.pk)]}, user=self.outsider).status_code, 404)
        self.assertEqual(self.everything(), before)

    def test_the_board_page_shows_chips_and_the_persona_filter(self):
        set_card_personas(self.owner, self.card, [self.sanne.pk, self.jurgen.pk])
        html = self.client.get(self.board_url()).content.decode()
        self.assertIn(f'data-personas="{self.sanne.pk} {self.jurgen.pk}"', html)
        self.assertIn('title="Jürgen" aria-label="Persona: Jürgen">JÜ</span>', html)
        self.assertIn('<select name="show-persona" class="input">', html)
        self.assertIn(f'<option value="{self.jurgen.pk}">Jürgen</option>', html)


class CurveTests(PersonaCardTestCase):
    def test_a_line_per_persona_through_their_cards_averages_per_phase(self):
        first, second, third = self.phases
        self.card.emotion = 2
        self.card.save()
        set_card_personas(self.owner, self.card, [self.sanne.pk])
        low = create_card(self.owner, first, title="Cookie wall", emotion=-1)
        set_card_personas(self.owner, low, [self.sanne.pk, self.jurgen.pk])
        set_card_personas(self.owner, create_card(self.owner, third, title="Checkout", emotion=-2), [self.sanne.pk])
        create_card(self.owner, second, title="Nobody's", emotion=2)
        curve = emotion_curve(self.board)
        sanne, jurgen = curve["persona_lines"]
        self.assertEqual((sanne.persona.name, sanne.persona.color), ("Sanne de Vries", "#d9456f"))
        self.assertEqual([(name, average) for name, _x, _y, average in sanne.points], [(first.name, 0.5), (third.name, -2.0)])
        self.assertEqual(sanne.lines, [])  # no neighbouring phases both with a point: no segment
        self.assertEqual([average for *_rest, average in jurgen.points], [-1.0])
        # The board page's own loading (load_phases) gives the same lines.
        from journeyboard.boards.rendering import load_phases

        page = emotion_curve(self.board, load_phases(self.board))
        self.assertEqual([line.points for line in page["persona_lines"]], [line.points for line in curve["persona_lines"]])

    def test_at_most_five_personas_get_a_line_the_first_in_the_boards_order(self):
        personas = [self.sanne, self.jurgen] + [create_persona(self.owner, self.board, name=f"P{i}") for i in range(5)]
        self.card.emotion = 1
        self.card.save()
        set_card_personas(self.owner, self.card, [p.pk for p in personas])
        curve = emotion_curve(self.board)
        self.assertEqual([line.persona.pk for line in curve["persona_lines"]], [p.pk for p in personas[:PERSONA_LINES]])
        self.assertEqual(curve["personas_unshown"], 2)


class JsonTests(PersonaCardTestCase):
    def test_cards_list_their_personas_as_indexes_only_when_they_have_some(self):
        second = create_card(self.owner, self.phase, title="Flyer")
        set_card_personas(self.owner, second, [self.jurgen.pk, self.sanne.pk])
        cards = export_board(self.board)["phases"][0]["cards"]
        self.assertNotIn("personas", cards[0])
        self.assertEqual(cards[1]["personas"], [0, 1])

    def test_export_import_export_is_identical(self):
        set_card_personas(self.owner, self.card, [self.jurgen.pk])
        document = export_board(self.board)
        copy = import_board(self.owner, json.loads(json.dumps(document)))
        self.assertEqual(export_board(copy), document)
        self.assertEqual(list(Card.objects.get(phase__board=copy).personas.values_list("name", flat=True)), ["Jürgen"])

    def test_bad_indexes_are_errors_naming_the_card(self):
        document = export_board(self.board)
        for value in ([2], [-1], ["0"], [True], 0, [0.0]):
            with self.subTest(value=value):
                document["phases"][0]["cards"][0]["personas"] = value
                with self.assertRaises(ValidationError) as refused:
                    validate_board(document)
                self.assertEqual(refused.exception.messages, [
                    "phases[0].cards[0].personas: card “Instagram ad” lists its personas as indexes of the board's personas (0 to 1)"
                ])  # fmt: skip
        document["personas"] = []
        document["phases"][0]["cards"][0]["personas"] = [0]
        with self.assertRaisesMessage(ValidationError, "lists personas, but the board has none"):
            validate_board(document)

    def test_files_without_personas_on_cards_still_import(self):
        for version in ("journeyboard/1", FORMAT):
            document = {"format": version, "title": "Old", "personas": [{"name": "Sanne"}], "phases": [{"name": "A", "cards": [{"title": "x", "row": 0}]}]}
            if version == FORMAT:
                document["rows"] = [{"name": "Touchpoints"}]
            board = import_board(self.owner, document)
            self.assertFalse(Card.personas.through.objects.filter(card__phase__board=board).exists())

    def test_the_future_state_and_a_restored_version_keep_the_tags(self):
        set_card_personas(self.owner, self.card, [self.sanne.pk])
        future = design_future(self.owner, self.board)
        self.assertEqual(list(Card.objects.get(phase__board=future, title="Instagram ad").personas.values_list("name", flat=True)), ["Sanne de Vries"])
        version = save_version(self.owner, self.board, "As is")
        set_card_personas(self.owner, Card.objects.get(phase__board=self.board, title="Instagram ad"), [self.jurgen.pk])
        restore_version(self.owner, self.board, version)
        self.assertEqual(tags(Card.objects.get(phase__board=self.board, title="Instagram ad")), ["Sanne de Vries"])
        self.assertEqual(Persona.objects.filter(board=self.board).count(), 2)  # the board keeps its own


class PersonaEndpointTests(PersonaCardTestCase):
    def test_deleting_a_persona_on_cards_answers_with_the_cards_without_its_chips(self):
        set_card_personas(self.owner, self.card, [self.sanne.pk])
        html = self.post(f"personas/{self.sanne.pk}/delete/").content.decode()
        self.assertIn('id="board-body"', html)
        self.assertIn(f'id="card-{self.card.pk}"', html)
        self.assertNotIn("Persona: Sanne de Vries", html)
        self.assertIn('<label id="persona-filter" class="channel-filter persona-filter" hx-swap-oob="true">', html)
        self.assertNotIn(f'<option value="{self.sanne.pk}">', html)

    def test_renaming_a_persona_answers_with_its_chips_renamed_and_one_off_cards_without(self):
        html = self.post(f"personas/{self.jurgen.pk}/", {"name": "Jürgen Müller"}).content.decode()
        self.assertNotIn('id="board-body"', html)  # on no card: nothing else to show
        self.assertIn(f'<option value="{self.jurgen.pk}">Jürgen Müller</option>', html)
        set_card_personas(self.owner, self.card, [self.sanne.pk])
        html = self.post(f"personas/{self.sanne.pk}/", {"name": "Sanne"}).content.decode()
        self.assertIn('id="board-body"', html)
        self.assertIn('aria-label="Persona: Sanne">SA</span>', html)


class VersionPageTests(PersonaCardTestCase):
    def test_a_versions_page_and_picture_show_its_cards_personas(self):
        self.card.emotion = 2
        self.card.save()
        create_card(self.owner, self.phase, title="Flyer", emotion=-2)
        set_card_personas(self.owner, self.card, [self.jurgen.pk])
        version = save_version(self.owner, self.board, "As is")
        set_card_personas(self.owner, self.card, [])
        html = self.client.get(self.board_url(f"versions/{version.pk}/")).content.decode()
        self.assertIn('aria-label="Persona: Jürgen">JÜ</span>', html)
        self.assertIn('class="curve-persona" style="--c: #0e8a7d"', html)
        from journeyboard.export.snapshot import document_snapshot

        shot = document_snapshot(version.snapshot)
        self.assertEqual([(line.name, p.persona_averages) for line in shot.persona_lines for p in shot.phases[:1]], [("Jürgen", (2.0,))])


class LocalisedCurveTests(PersonaCardTestCase):
    def test_the_persona_lines_coordinates_stay_numbers_in_german(self):
        self.card.emotion = 1
        self.card.save()
        create_card(self.owner, self.phases[1], title="Vergleich", emotion=-1)
        set_card_personas(self.owner, self.card, [self.sanne.pk])
        set_card_personas(self.owner, Card.objects.get(title="Vergleich"), [self.sanne.pk])
        self.client.cookies["django_language"] = "de"
        html = self.client.get(self.board_url(), HTTP_ACCEPT_LANGUAGE="de").content.decode()
        self.assertIn("Pro Persona", html)
        line = re.search(r'<polyline class="curve-persona-line" points="([^"]+)"/>', html).group(1)
        self.assertRegex(line, r"^\d+(\.\d+)?,\d+(\.\d+)? \d+(\.\d+)?,\d+(\.\d+)?$")
        self.assertIn("Sanne de Vries in Awareness: Durchschnitt 1.0", html)  # as the curve's own points write it


class RowUndoTests(PersonaCardTestCase):
    def test_a_deleted_row_comes_back_with_its_cards_personas(self):
        from journeyboard.boards.models import Row
        from journeyboard.boards.rows import create_row, delete_row

        row = create_row(self.owner, self.board, "Backstage")
        card = create_card(self.owner, self.phase, row=row, title="Pick and pack")
        set_card_personas(self.owner, card, [self.sanne.pk])
        delete_row(self.editor, Row.objects.get(pk=row.pk))
        self.assertEqual(self.undo().status_code, 200)
        self.assertEqual(tags(Card.objects.get(title="Pick and pack")), ["Sanne de Vries"])
