"""Personas on a board: the side panel over HTTP (who may do what, what a refusal leaves
alone), the recorded events, the board page, starting a board from a persona, personas
in the JSON format, and a persona change reaching the other pages live."""

import json
import re
from unittest import mock

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from journeyboard.boards.lifecycle import create_board
from journeyboard.boards.models import Board, BoardEvent, Persona
from journeyboard.boards.personas import avatar_colour, create_persona, delete_persona, update_persona
from journeyboard.boards.transfer import FORMAT, export_board
from journeyboard.realtime.origin import CLIENT_HEADER
from tests.base import MISSING_ID, BaseTestCase, BoardChangeTestCase, board_state
from tests.realtime import (
    change,
    close_all,
    current_revision,
    join,
    oob_swaps,
    orm,
    quiet,
    receive_html,
    revision_of,
)

PERSONA_FIELDS = ("name", "role", "goals", "frustrations", "quote", "color")
PANEL = '<section id="personas" class="personas"'
COUNT_OOB = '<span id="persona-count" class="persona-count" hx-swap-oob="true">{}</span>'

# (label, posted fields, the message the answer must show); for a new and an edited persona.
INVALID = [
    ("empty name", {"name": ""}, "This field is required."),
    ("blank name", {"name": "   "}, "This field is required."),
    ("name over 100 chars", {"name": "n" * 101}, "at most 100 characters (it has 101)."),
    ("role over 100 chars", {"role": "r" * 101}, "at most 100 characters (it has 101)."),
    ("quote over 300 chars", {"quote": "q" * 301}, "at most 300 characters (it has 301)."),
    ("goals over 2000 chars", {"goals": "g" * 2001}, "at most 2000 characters (it has 2001)."),
    ("frustrations over 2000 chars", {"frustrations": "f" * 2001}, "at most 2000 characters (it has 2001)."),
    ("colour red", {"color": "red"}, "Enter a colour as #rrggbb."),
    ("colour too short", {"color": "#12345"}, "Enter a colour as #rrggbb."),
    ("colour not hex", {"color": "#12345g"}, "Enter a colour as #rrggbb."),
]


def persona_rows(board):
    return list(Persona.objects.filter(board=board).order_by("pk").values_list("pk", *PERSONA_FIELDS))


def everything(board):
    """What a refused request must leave as it was: the board (revision, events...) and its personas."""
    return board_state(board), persona_rows(board)


def persona_order(html):
    return [int(pk) for pk in re.findall(r'<article id="persona-(\d+)"', html)]


class PersonaTestCase(BoardChangeTestCase):
    def setUp(self):
        super().setUp()
        self.sanne = create_persona(
            self.owner, self.board, name="Sanne de Vries", role="Commuter, 34", goals="Arrive on time",
            frustrations="Traffic jams", quote="I want to arrive fresh",
        )

    def persona_url(self, persona, suffix=""):
        return f"personas/{persona.pk}/{suffix}"

    def assertNothingChanged(self, before):
        self.assertEqual(everything(self.board), before)


class PanelTests(PersonaTestCase):
    def test_the_panel_shows_each_persona_in_the_order_they_were_added(self):
        jurgen = create_persona(self.owner, self.board, name="Jürgen", color="#123abc")
        self.login(self.viewer)
        response = self.client.get(self.board_url("personas/"))
        self.assertContains(response, PANEL)
        self.assertEqual(persona_order(response.content.decode()), [self.sanne.pk, jurgen.pk])
        for text in ("Sanne de Vries", "Commuter, 34", "“I want to arrive fresh”", "Arrive on time", "Traffic jams"):
            self.assertContains(response, text)
        # Initials in the persona's own colour: "Sanne de Vries" -> SV, "Jürgen" -> JÜ.
        self.assertContains(response, f'style="--c: {avatar_colour(0)}"')
        self.assertContains(response, '<span class="avatar persona-avatar" aria-hidden="true">SV</span>', html=True)
        self.assertContains(response, 'style="--c: #123abc"')
        self.assertContains(response, '<span class="avatar persona-avatar" aria-hidden="true">JÜ</span>', html=True)

    def test_writers_get_edit_controls_and_the_add_form_viewers_do_not(self):
        edit = f'hx-get="/boards/{self.board.pk}/personas/{self.sanne.pk}/edit/"'
        for user, can_write in ((self.editor, True), (self.owner, True), (self.viewer, False)):
            with self.subTest(user.username):
                self.login(user)
                response = self.client.get(self.board_url("personas/"))
                self.assertEqual(edit in response.content.decode(), can_write)
                self.assertEqual('id="add-persona"' in response.content.decode(), can_write)

    def test_an_empty_panel_says_so(self):
        delete_persona(self.owner, self.sanne)
        response = self.client.get(self.board_url("personas/"))
        self.assertContains(response, "Whose journey is this? Add a persona")
        self.assertEqual(persona_order(response.content.decode()), [])
        self.login(self.viewer)
        self.assertContains(self.client.get(self.board_url("personas/")), "No personas on this board yet.")

    def test_markup_in_a_persona_is_escaped(self):
        update_persona(self.owner, self.sanne, name="<b>Bold</b>", quote="<i>x</i>")
        response = self.client.get(self.board_url("personas/"))
        self.assertContains(response, "&lt;b&gt;Bold&lt;/b&gt;")
        self.assertNotContains(response, "<b>Bold</b>")
        self.assertNotContains(response, "<i>x</i>")


class CreatePersonaTests(PersonaTestCase):
    def test_create_answers_with_the_panel_and_the_count_out_of_band(self):
        before = board_state(self.board)
        response = self.post("personas/", {"name": "Ümit", "role": "Buyer", "quote": "Quick, please"})
        new = Persona.objects.get(board=self.board, name="Ümit")
        self.assertContains(response, PANEL)
        self.assertEqual(persona_order(response.content.decode()), [self.sanne.pk, new.pk])
        self.assertContains(response, COUNT_OOB.format(2), html=True)
        # Without a colour the second persona takes the palette's second one.
        self.assertEqual((new.role, new.quote, new.goals, new.color), ("Buyer", "Quick, please", "", avatar_colour(1)))
        event = self.assertRecorded(before, "persona.created", persona=new.pk)
        self.assertEqual(event.data["after"]["name"], "Ümit")
        self.assertEqual(response["X-Board-Revision"], str(event.revision))

    def test_a_colour_given_is_kept(self):
        self.post("personas/", {"name": "Ümit", "color": "#0A0B0C"})
        self.assertEqual(Persona.objects.get(name="Ümit").color, "#0A0B0C")

    def test_the_palette_goes_round(self):
        for i in range(1, 8):
            create_persona(self.editor, self.board, name=f"P{i}")
        self.assertEqual(
            [p.color for p in Persona.objects.filter(board=self.board).order_by("pk")], [avatar_colour(i) for i in range(8)]
        )
        self.assertEqual(avatar_colour(6), avatar_colour(0))

    def test_invalid_input_is_refused_with_the_form_and_changes_nothing(self):
        before = everything(self.board)
        for label, data, message in INVALID:
            with self.subTest(label):
                response = self.post("personas/", {"name": "Ümit", **data})
                self.assertContains(response, '<form id="add-persona"', status_code=422)
                self.assertContains(response, message, status_code=422)
                self.assertEqual((response["HX-Retarget"], response["HX-Reswap"]), ("#add-persona", "outerHTML"))
                self.assertNothingChanged(before)

    def test_a_refused_form_keeps_what_was_typed(self):
        response = self.post("personas/", {"name": "", "role": "Keep me"})
        self.assertContains(response, 'value="Keep me"', status_code=422)


class EditPersonaTests(PersonaTestCase):
    CHANGE = {
        "name": "Sanne Jansen",
        "role": "Cyclist",
        "goals": "Fit\nand fast",
        "frustrations": "Rain",
        "quote": "Rain or shine",
        "color": "#0e8a7d",
    }

    def test_the_edit_form_holds_the_current_values(self):
        response = self.client.get(self.board_url(self.persona_url(self.sanne, "edit/")))
        self.assertContains(response, f'<form id="persona-{self.sanne.pk}" class="persona persona-editing"')
        self.assertContains(response, f'hx-post="/boards/{self.board.pk}/personas/{self.sanne.pk}/"')
        self.assertContains(response, 'value="Sanne de Vries"')
        self.assertContains(response, ">Traffic jams</textarea>")
        self.assertContains(response, f'type="color" name="color" value="{avatar_colour(0)}"')
        self.assertContains(response, "hx-confirm=\"Delete the persona “Sanne de Vries”?\"")

    def test_edit_answers_with_the_persona(self):
        before = board_state(self.board)
        response = self.post(self.persona_url(self.sanne), self.CHANGE)
        self.assertContains(response, f'<article id="persona-{self.sanne.pk}" class="persona" style="--c: #0e8a7d"')
        self.assertContains(response, "“Rain or shine”")
        self.assertNotContains(response, PANEL)
        self.sanne.refresh_from_db()
        self.assertEqual({name: getattr(self.sanne, name) for name in PERSONA_FIELDS}, self.CHANGE)
        event = self.assertRecorded(before, "persona.updated", persona=self.sanne.pk, after=self.CHANGE)
        self.assertEqual(event.data["before"]["name"], "Sanne de Vries")

    def test_fields_left_out_keep_their_value(self):
        self.post(self.persona_url(self.sanne), {"quote": "Only this"})
        self.sanne.refresh_from_db()
        self.assertEqual(
            (self.sanne.name, self.sanne.role, self.sanne.goals, self.sanne.quote, self.sanne.color),
            ("Sanne de Vries", "Commuter, 34", "Arrive on time", "Only this", avatar_colour(0)),
        )

    def test_an_empty_colour_keeps_the_colour(self):
        self.post(self.persona_url(self.sanne), {"color": ""})
        self.sanne.refresh_from_db()
        self.assertEqual(self.sanne.color, avatar_colour(0))

    def test_invalid_input_is_refused_with_the_form_and_changes_nothing(self):
        before = everything(self.board)
        for label, data, message in INVALID:
            with self.subTest(label):
                response = self.post(self.persona_url(self.sanne), data)
                self.assertContains(response, f'<form id="persona-{self.sanne.pk}"', status_code=422)
                self.assertContains(response, message, status_code=422)
                self.assertNothingChanged(before)

    def test_cancel_gets_the_persona_as_it_is(self):
        response = self.client.get(self.board_url(self.persona_url(self.sanne)))
        self.assertContains(response, f'<article id="persona-{self.sanne.pk}"')
        self.assertContains(response, "Sanne de Vries")
        self.assertNotContains(response, "<form")


class DeletePersonaTests(PersonaTestCase):
    def test_delete_answers_with_the_panel_without_it(self):
        kept = create_persona(self.owner, self.board, name="Ümit")
        before = board_state(self.board)
        response = self.post(self.persona_url(self.sanne, "delete/"))
        self.assertContains(response, PANEL)
        self.assertEqual(persona_order(response.content.decode()), [kept.pk])
        self.assertContains(response, COUNT_OOB.format(1), html=True)
        self.assertEqual(persona_rows(self.board), [(kept.pk, "Ümit", "", "", "", "", avatar_colour(1))])
        event = self.assertRecorded(before, "persona.deleted", persona=self.sanne.pk)
        self.assertEqual(event.data["before"]["quote"], "I want to arrive fresh")


class PersonaAccessTests(PersonaTestCase):
    def requests(self, persona):
        """Every persona URL: (label, method, path, data)."""
        return [
            ("panel", "get", "personas/", None),
            ("create", "post", "personas/", {"name": "Intruder"}),
            ("detail", "get", self.persona_url(persona), None),
            ("edit form", "get", self.persona_url(persona, "edit/"), None),
            ("update", "post", self.persona_url(persona), {"name": "Hijacked"}),
            ("delete", "post", self.persona_url(persona, "delete/"), {}),
        ]

    def send(self, method, path, data, htmx=True):
        headers = {"HTTP_HX_REQUEST": "true"} if htmx else {}
        if method == "get":
            return self.client.get(self.board_url(path), **headers)
        return self.client.post(self.board_url(path), data, **headers)

    def test_an_outsider_gets_404_everywhere(self):
        self.login(self.outsider)
        before = everything(self.board)
        for label, method, path, data in self.requests(self.sanne):
            with self.subTest(label):
                self.assertEqual(self.send(method, path, data).status_code, 404)
                self.assertNothingChanged(before)

    def test_a_viewer_may_look_but_every_change_is_403(self):
        self.login(self.viewer)
        before = everything(self.board)
        expected = {"panel": 200, "detail": 200, "create": 403, "edit form": 403, "update": 403, "delete": 403}
        for label, method, path, data in self.requests(self.sanne):
            with self.subTest(label):
                self.assertEqual(self.send(method, path, data).status_code, expected[label])
                self.assertNothingChanged(before)

    def test_anonymous_is_sent_to_login(self):
        self.client.logout()
        for label, method, path, data in self.requests(self.sanne):
            with self.subTest(label):
                response = self.send(method, path, data, htmx=False)
                self.assertEqual(response.status_code, 302)
                self.assertTrue(response["Location"].startswith("/accounts/login/"))

    def test_a_persona_of_another_board_is_404_through_this_board(self):
        other = self.other_board()
        foreign = create_persona(self.owner, other, name="Elsewhere")
        before, before_other = everything(self.board), everything(other)
        for label, method, path, data in self.requests(foreign)[2:]:
            with self.subTest(label):
                self.assertEqual(self.send(method, path, data).status_code, 404)
        self.assertNothingChanged(before)
        self.assertEqual(everything(other), before_other)

    def test_a_persona_that_does_not_exist_is_404(self):
        missing = Persona(pk=MISSING_ID)
        for label, method, path, data in self.requests(missing)[2:]:
            with self.subTest(label):
                self.assertEqual(self.send(method, path, data).status_code, 404)


class BoardPagePersonaTests(BaseTestCase):
    def setUp(self):
        super().setUp()
        self.login(self.owner)

    def page(self, board, user=None):
        if user is not None:
            self.login(user)
        response = self.client.get(board.get_absolute_url())
        self.assertEqual(response.status_code, 200)
        return response

    def test_the_panel_is_open_on_a_board_with_personas(self):
        sanne = create_persona(self.owner, self.board, name="Sanne", quote="Fast, please")
        response = self.page(self.board)
        html = response.content.decode()
        self.assertIn('<dialog id="persona-side" class="dialog side-panel persona-side" aria-labelledby="persona-side-title" open>', html)
        self.assertEqual(persona_order(html), [sanne.pk])
        self.assertContains(response, "“Fast, please”")
        self.assertContains(response, '<span id="persona-count" class="persona-count">1</span>', html=True)
        self.assertContains(response, 'aria-expanded="true"')
        # The page's panel is no out-of-band swap (those are for answers and broadcasts).
        self.assertNotIn("hx-swap-oob", html.split(PANEL, 1)[1].split(">", 1)[0])

    def test_the_panel_is_closed_on_a_board_without_personas(self):
        response = self.page(self.board)
        self.assertContains(response, 'aria-labelledby="persona-side-title">')
        self.assertNotContains(response, 'aria-labelledby="persona-side-title" open>')
        self.assertContains(response, '<span id="persona-count" class="persona-count">0</span>', html=True)
        self.assertContains(response, 'aria-expanded="false"')
        self.assertContains(response, "Whose journey is this? Add a persona")

    def test_a_viewer_sees_the_personas_without_controls(self):
        sanne = create_persona(self.owner, self.board, name="Sanne")
        response = self.page(self.board, self.viewer)
        self.assertEqual(persona_order(response.content.decode()), [sanne.pk])
        self.assertNotContains(response, 'id="add-persona"')
        self.assertNotContains(response, f"personas/{sanne.pk}/edit/")

    def test_the_page_costs_the_same_queries_with_one_persona_or_many(self):
        few = create_board(self.owner, "Few", template="buyer")
        many = create_board(self.owner, "Many", template="buyer")
        create_persona(self.owner, few, name="Only one")
        for i in range(9):
            create_persona(self.owner, many, name=f"Persona {i}", quote=f"Quote {i}")
        self.page(few)  # warm up the session
        counts = []
        for board in (few, many):
            with CaptureQueriesContext(connection) as captured:
                self.page(board)
            counts.append(len(captured))
        self.assertEqual(counts[0], counts[1])
        # session, user, membership+board, voting round, emotion round, linked boards, phases,
        # rows, the cards' personas, cards, personas
        with self.assertNumQueries(11):
            response = self.page(many)
        self.assertEqual(len(persona_order(response.content.decode())), 9)


class StartFromPersonaTests(BaseTestCase):
    def setUp(self):
        super().setUp()
        self.login(self.owner)
        self.known = set(Board.objects.values_list("pk", flat=True))

    def create(self, **data):
        return self.client.post("/boards/", {"title": "", "template": "buyer", "language": "en", **data})

    def new_board(self):
        return Board.objects.exclude(pk__in=self.known).get()

    def test_an_untitled_board_is_named_after_its_persona(self):
        response = self.create(persona_name="Sanne", persona_role="Commuter, 34")
        board = self.new_board()
        self.assertRedirects(response, board.get_absolute_url(), fetch_redirect_response=False)
        self.assertEqual(board.title, "Journey of Sanne")
        self.assertEqual(persona_rows(board)[0][1:], ("Sanne", "Commuter, 34", "", "", "", avatar_colour(0)))
        self.assertEqual(board.phases.count(), 3)
        # One transaction, one change: the persona came with the board, not after it.
        self.assertEqual(list(BoardEvent.objects.filter(board=board).values_list("revision", "kind")), [(1, "board.created")])
        self.assertContains(self.client.get(board.get_absolute_url()), "Commuter, 34")

    def test_a_title_given_is_kept(self):
        self.create(title="Bike commute", persona_name="Sanne")
        board = self.new_board()
        self.assertEqual((board.title, board.personas.get().name), ("Bike commute", "Sanne"))

    def test_without_a_persona_there_is_none(self):
        self.create(title="Plain")
        self.assertEqual(self.new_board().personas.count(), 0)

    def test_the_title_is_made_in_the_boards_language_not_the_readers(self):
        # No message catalogues are installed yet, so see which language was active.
        def marked(message):
            return f"[{translation.get_language()}] {message}"

        with translation.override("en"), mock.patch("journeyboard.boards.lifecycle._", marked):
            board = create_board(self.owner, "", template="blank", language="de", persona_name="Jürgen")
        self.assertEqual(board.title, "[de] Journey of Jürgen")

    def test_refused_forms_create_nothing(self):
        cases = [
            ("no title and no persona", {}, "This field is required."),
            ("a role without a name", {"persona_role": "Commuter"}, "Give the persona a name, or leave the role empty."),
            ("name over 100 chars", {"persona_name": "n" * 101}, "at most 100 characters (it has 101)."),
            ("role over 100 chars", {"persona_name": "Sanne", "persona_role": "r" * 101}, "at most 100 characters (it has 101)."),
        ]
        before = (Board.objects.count(), Persona.objects.count())
        for label, data, message in cases:
            with self.subTest(label):
                response = self.create(**data)
                self.assertContains(response, message, status_code=422)
                self.assertEqual((Board.objects.count(), Persona.objects.count()), before)

    def test_a_refused_form_keeps_the_persona_typed(self):
        response = self.create(persona_name="Sanne", persona_role="r" * 101)
        self.assertContains(response, 'name="persona_name" class="input" maxlength="100" autocomplete="off" value="Sanne"', status_code=422)


class PersonaJsonTests(BaseTestCase):
    def setUp(self):
        super().setUp()
        self.login(self.owner)

    def import_file(self, document):
        upload = SimpleUploadedFile("board.json", json.dumps(document).encode(), content_type="application/json")
        return self.client.post("/boards/import/", {"file": upload})

    def document(self, personas):
        return {"format": FORMAT, "title": "Imported", "language": "en", "personas": personas, "phases": []}

    def test_a_round_trip_keeps_personas_with_their_colours(self):
        create_persona(self.owner, self.board, name="Sanne", role="Commuter", goals="Speed", color="#0A0B0C")
        create_persona(self.owner, self.board, name="Ümit", quote="“Quick”")
        exported = self.client.get(self.board_url("export.json")).json()
        self.assertEqual(
            exported["personas"],
            [
                {"name": "Sanne", "role": "Commuter", "goals": "Speed", "frustrations": "", "quote": "", "color": "#0A0B0C"},
                {"name": "Ümit", "role": "", "goals": "", "frustrations": "", "quote": "“Quick”", "color": avatar_colour(1)},
            ],
        )
        response = self.import_file(exported)
        copy = Board.objects.get(pk=int(response["Location"].strip("/").split("/")[-1]))
        self.assertEqual(export_board(copy)["personas"], exported["personas"])

    def test_an_old_file_without_colours_still_imports_with_the_palettes(self):
        response = self.import_file(self.document([{"name": "Sanne"}, {"name": "Ümit", "color": None}, {"name": "Zoë", "color": ""}]))
        self.assertEqual(response.status_code, 302)
        board = Board.objects.get(title="Imported")
        self.assertEqual([p.color for p in board.personas.order_by("pk")], [avatar_colour(i) for i in range(3)])

    def test_a_bad_colour_is_refused_and_nothing_is_saved(self):
        before = (Board.objects.count(), Persona.objects.count())
        for colour in ("red", "#12345", 7):
            with self.subTest(colour=colour):
                response = self.import_file(self.document([{"name": "Sanne"}, {"name": "Ümit", "color": colour}]))
                self.assertEqual(response.status_code, 422)
                message = "expected text" if colour == 7 else "Enter a colour as #rrggbb."
                self.assertContains(response, f"personas[1].color: {message}", status_code=422)
                self.assertEqual((Board.objects.count(), Persona.objects.count()), before)


# --- live: a persona change reaches the other pages ------------------------------------


def _post_from_tab(crew, user, client_id, path, data):
    """What htmx sends from a board page: the tab's client id in X-Journeyboard-Client."""
    client = Client()
    client.force_login(user)
    return client.post(f"/boards/{crew.board.pk}/{path}", data, headers={CLIENT_HEADER: client_id, "HX-Request": "true"})


@pytest.mark.django_db(transaction=True)
async def test_a_persona_change_reaches_the_other_pages(crew):
    origin = await join(crew, crew.editor)
    viewer = await join(crew, crew.viewer, origin)
    owner = await join(crew, crew.owner, origin, viewer)

    # Added over HTTP from the editor's tab: that tab has its answer, the others get the panel.
    response = await orm(_post_from_tab)(crew, crew.editor, origin.client_id, "personas/", {"name": "Sanne", "role": "Commuter"})
    assert response.status_code == 200
    revision = await current_revision(crew.board.pk)
    sanne = await orm(lambda: Persona.objects.get(board=crew.board))()
    edit = f'hx-get="/boards/{crew.board.pk}/personas/{sanne.pk}/edit/"'
    for ws in (viewer, owner):
        html = await receive_html(ws)
        assert oob_swaps(html) == ["#personas", "#persona-count", "#persona-filter", "#board-revision"]
        assert revision_of(html) == revision
        assert f'id="persona-{sanne.pk}"' in html and "Commuter" in html and ">1</span>" in html
        # Rendered for the role: only writers get the editor and the add form.
        assert (edit in html) is (ws is owner)
        assert ('id="add-persona"' in html) is (ws is owner)
    await quiet(origin, viewer, owner)

    # Changes from elsewhere (no tab's id) reach every tab.
    await change(update_persona, crew.owner, sanne, quote="Fast, please")
    for ws in (origin, viewer, owner):
        html = await receive_html(ws)
        assert "“Fast, please”" in html and revision_of(html) == await current_revision(crew.board.pk)

    await change(delete_persona, crew.owner, sanne)
    for ws in (origin, viewer, owner):
        html = await receive_html(ws)
        assert oob_swaps(html) == ["#personas", "#persona-count", "#persona-filter", "#board-revision"]
        assert f'id="persona-{sanne.pk}"' not in html and ">0</span>" in html
    await quiet(origin, viewer, owner)
    await close_all(origin, viewer, owner)
