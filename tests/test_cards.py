"""Cards over HTTP: create, show, edit, move and delete, what a refusal leaves alone,
escaping, CSRF, and the gap-free positions every sequence of changes must keep."""

import json
import random
import re

from django.test import Client

from journeyboard.boards.cards import create_card
from journeyboard.boards.models import BoardEvent, Card, Phase
from tests.base import HTMX, MISSING_ID, BoardChangeTestCase, board_state

# (label, posted fields, the message the form must show). Each must be refused whole.
INVALID_CARD_INPUT = [
    ("title over 200 chars", {"title": "t" * 201}, "Ensure this value has at most 200 characters (it has 201)."),
    ("note over 5000 chars", {"title": "ok", "note": "n" * 5001}, "at most 5000 characters (it has 5001)."),
    ("unknown channel", {"title": "ok", "channel": "pigeon"}, "Select a valid choice. pigeon is not one of"),
    ("unknown kind", {"title": "ok", "kind": "rumour"}, "Select a valid choice. rumour is not one of"),
    ("emotion 3", {"title": "ok", "emotion": "3"}, "Select a valid choice. 3 is not one of"),
    ("emotion -3", {"title": "ok", "emotion": "-3"}, "Select a valid choice. -3 is not one of"),
    ("emotion abc", {"title": "ok", "emotion": "abc"}, "Select a valid choice. abc is not one of"),
    ("empty title", {"title": ""}, "This field is required."),
    ("blank title", {"title": "   "}, "This field is required."),
]


def lane(phase):
    """Card ids of a phase in board order."""
    return list(Card.objects.filter(phase=phase).order_by("position", "pk").values_list("pk", flat=True))


def lane_count(phase, count):
    """The out-of-band card count a card change sends for each lane it touched."""
    return (
        f'<span id="count-{phase.pk}" class="lane-count" title="Cards in this phase" hx-swap-oob="true">'
        f"{count}</span>"
    )


def card_positions(phase):
    return list(Card.objects.filter(phase=phase).order_by("position").values_list("position", flat=True))


def phase_positions(board):
    return list(Phase.objects.filter(board=board).order_by("position").values_list("position", flat=True))


class CardTestCase(BoardChangeTestCase):
    def create(self, phase=None, htmx=True, **data):
        return self.post(f"phases/{(phase or self.phase).pk}/cards/", data, htmx)

    def edit(self, card, **data):
        return self.post(f"cards/{card.pk}/", data)

    def move(self, card, phase_id, position):
        return self.post(f"cards/{card.pk}/move/", {"phase": phase_id, "position": position})

    def add_cards(self, phase, *titles):
        return [create_card(self.owner, phase, title=title) for title in titles]


class CreateCardTests(CardTestCase):
    def assertCreated(self, response, before):
        new = Card.objects.exclude(pk=self.card.pk).get()
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, f'id="card-{new.pk}"')
        self.assertContains(response, "Visit the showroom")
        self.assertEqual((new.phase, new.position, new.author), (self.phase, 1, self.editor))
        self.assertRecorded(before, "card.created", card=new.pk, phase=self.phase.pk)
        return new

    def test_htmx_create_appends_card_and_answers_with_its_fragment(self):
        before = board_state(self.board)
        data = {"title": "Visit the showroom", "note": "Saturday", "channel": "store", "emotion": "-1", "kind": "pain"}
        response = self.create(**data)
        new = self.assertCreated(response, before)
        self.assertInHTML(lane_count(self.phase, 2), response.content.decode())
        self.assertEqual(
            (new.title, new.note, new.channel, new.emotion, new.kind),
            ("Visit the showroom", "Saturday", "store", -1, "pain"),
        )
        self.assertEqual(lane(self.phase), [self.card.pk, new.pk])

    def test_plain_create_answers_with_the_same_fragment(self):
        before = board_state(self.board)
        response = self.create(htmx=False, title="Visit the showroom")
        new = self.assertCreated(response, before)
        self.assertContains(response, f'hx-get="/boards/{self.board.pk}/cards/{new.pk}/edit/"')

    def test_fields_left_out_take_the_defaults(self):
        self.create(title="Visit the showroom")
        new = Card.objects.get(title="Visit the showroom")
        self.assertEqual((new.note, new.channel, new.emotion, new.kind), ("", "", None, "touchpoint"))

    def test_invalid_input_is_refused_with_the_form_and_changes_nothing(self):
        before = board_state(self.board)
        for label, data, message in INVALID_CARD_INPUT:
            with self.subTest(label):
                response = self.create(**data)
                self.assertContains(response, f'<form id="add-card-{self.phase.pk}"', status_code=422)
                self.assertContains(response, message, status_code=422)
                self.assertEqual(response["HX-Retarget"], f"#add-card-{self.phase.pk}")
                self.assertEqual(response["HX-Reswap"], "outerHTML")
                self.assertUnchanged(before)

    def test_plain_invalid_create_is_refused_the_same_way(self):
        before = board_state(self.board)
        response = self.create(htmx=False, title="")
        self.assertContains(response, "This field is required.", status_code=422)
        self.assertEqual(response["HX-Retarget"], f"#add-card-{self.phase.pk}")
        self.assertUnchanged(before)

    def test_phase_of_another_board_in_the_url_is_404(self):
        other = self.other_board()
        before, before_other = board_state(self.board), board_state(other)
        response = self.create(phase=other.phases.first(), title="Sneaky")
        self.assertRefusedWithText(response, 404, "No Phase matches the given query.")
        self.assertUnchanged(before)
        self.assertUnchanged(before_other, other)

    def test_unknown_phase_is_404(self):
        before = board_state(self.board)
        response = self.post(f"phases/{MISSING_ID}/cards/", {"title": "Lost"})
        self.assertRefusedWithText(response, 404, "No Phase matches the given query.")
        self.assertUnchanged(before)


class ShowCardTests(CardTestCase):
    def test_card_fragment_shows_the_card(self):
        before = board_state(self.board)
        response = self.client.get(self.board_url(f"cards/{self.card.pk}/"), **HTMX)
        self.assertContains(response, f'<article id="card-{self.card.pk}"')
        self.assertContains(response, "Instagram ad")
        self.assertContains(response, "Advertising / campaign")
        self.assertContains(response, '<use href="#face-1"/>')
        self.assertNotContains(response, "<html")
        self.assertUnchanged(before)

    def test_edit_form_fragment_is_the_card_as_a_form(self):
        response = self.client.get(self.board_url(f"cards/{self.card.pk}/edit/"), **HTMX)
        self.assertContains(response, f'<form id="card-{self.card.pk}"')
        self.assertContains(response, f'hx-post="/boards/{self.board.pk}/cards/{self.card.pk}/"')
        self.assertContains(response, 'name="title" value="Instagram ad"')
        self.assertContains(response, '<option value="advertising" selected>')
        self.assertContains(response, f'id="card-{self.card.pk}-emotion_4" checked')

    def test_unknown_card_is_404(self):
        for suffix in ("", "edit/"):
            with self.subTest(suffix):
                response = self.client.get(self.board_url(f"cards/{MISSING_ID}/{suffix}"), **HTMX)
                self.assertRefusedWithText(response, 404, "No Card matches the given query.")


class EditCardTests(CardTestCase):
    def test_edit_changes_the_posted_fields_and_keeps_the_rest(self):
        before = board_state(self.board)
        response = self.edit(self.card, title="Instagram story")
        self.assertContains(response, f'<article id="card-{self.card.pk}"')
        self.assertContains(response, "Instagram story")
        self.card.refresh_from_db()
        self.assertEqual(
            (self.card.title, self.card.channel, self.card.emotion, self.card.kind, self.card.position),
            ("Instagram story", "advertising", 1, "touchpoint", 0),
        )
        event = self.assertRecorded(before, "card.updated", card=self.card.pk)
        self.assertEqual(event.data["before"]["title"], "Instagram ad")
        self.assertEqual(event.data["after"]["title"], "Instagram story")

    def test_a_neutral_emotion_survives_an_edit_that_leaves_it_out(self):
        # 0 is falsy: an edit must not mistake "neutral" for "no emotion".
        card = create_card(self.owner, self.phase, title="Neutral", emotion=0)
        self.edit(card, note="still neutral")
        card.refresh_from_db()
        self.assertEqual((card.emotion, card.note), (0, "still neutral"))

    def test_posting_empty_optional_fields_clears_them(self):
        self.edit(self.card, channel="", emotion="")
        self.card.refresh_from_db()
        self.assertEqual((self.card.channel, self.card.emotion, self.card.title), ("", None, "Instagram ad"))

    def test_invalid_input_is_refused_with_the_form_and_changes_nothing(self):
        before = board_state(self.board)
        for label, data, message in INVALID_CARD_INPUT:
            with self.subTest(label):
                response = self.edit(self.card, **data)
                self.assertContains(response, f'<form id="card-{self.card.pk}"', status_code=422)
                self.assertContains(response, message, status_code=422)
                self.assertUnchanged(before)

    def test_card_of_another_board_is_404_on_every_card_url(self):
        other = self.other_board()
        foreign = create_card(self.owner, other.phases.first(), title="Foreign")
        before, before_other = board_state(self.board), board_state(other)
        requests = [
            ("show", lambda: self.client.get(self.board_url(f"cards/{foreign.pk}/"))),
            ("edit form", lambda: self.client.get(self.board_url(f"cards/{foreign.pk}/edit/"))),
            ("edit", lambda: self.edit(foreign, title="Hijacked")),
            ("move", lambda: self.move(foreign, self.phase.pk, 0)),
            ("delete", lambda: self.post(f"cards/{foreign.pk}/delete/")),
        ]
        for label, send in requests:
            with self.subTest(label):
                self.assertEqual(send().status_code, 404)
                self.assertUnchanged(before)
                self.assertUnchanged(before_other, other)


class MoveInTheEditorTests(CardTestCase):
    """The editor's phase field: how a card moves where nothing is dragged (phones)."""

    def setUp(self):
        super().setUp()
        (self.c,) = self.add_cards(self.phases[1], "C")

    def test_the_editor_offers_every_phase_with_the_cards_own_chosen(self):
        response = self.client.get(self.board_url(f"cards/{self.card.pk}/edit/"))
        select = re.search(r'<select id="card-%d-phase" name="phase"[^>]*>(.*?)</select>' % self.card.pk, response.text, re.S)
        self.assertIsNotNone(select)
        options = re.findall(r'<option value="(\d+)"( selected)?>([^<]*)</option>', select.group(1))
        self.assertEqual([(int(pk), name) for pk, _, name in options], [(p.pk, p.name) for p in self.phases])
        self.assertEqual([int(pk) for pk, chosen, _ in options if chosen], [self.phase.pk])
        self.assertContains(response, f'<label class="field-label" for="card-{self.card.pk}-phase">Phase</label>')

    def test_another_phase_alone_is_one_move_to_its_end(self):
        before = board_state(self.board)
        response = self.edit(self.card, title="Instagram ad", phase=self.phases[1].pk)
        self.assertEqual(response.status_code, 200)
        self.assertEqual(lane(self.phases[1]), [self.c.pk, self.card.pk])
        self.assertEqual(lane(self.phase), [])
        self.assertRecorded(before, "card.moved", card=self.card.pk, from_phase=self.phase.pk, phase=self.phases[1].pk, position=1)
        # Both lanes as they are now, and where the card went, in words.
        self.assertContains(response, f'<div id="cards-{self.phases[1].pk}" hx-swap-oob="innerHTML">')
        announced = json.loads(response["HX-Trigger"])["jb:announce"]["message"]
        self.assertEqual(announced, f"Moved to {self.phases[1].name}, position 2 of 2")

    def test_an_edit_and_another_phase_are_saved_both(self):
        response = self.edit(self.card, title="Instagram story", note="seen twice", phase=self.phases[2].pk)
        self.assertEqual(response.status_code, 200)
        self.card.refresh_from_db()
        self.assertEqual((self.card.title, self.card.note, self.card.phase), ("Instagram story", "seen twice", self.phases[2]))
        kinds = list(BoardEvent.objects.filter(board=self.board).order_by("revision").values_list("kind", flat=True))
        self.assertEqual(kinds[-2:], ["card.updated", "card.moved"])

    def test_the_same_phase_is_a_plain_edit(self):
        before = board_state(self.board)
        self.edit(self.card, title="Instagram story", phase=self.phase.pk)
        self.assertRecorded(before, "card.updated", card=self.card.pk)
        self.assertEqual(lane(self.phase), [self.card.pk])

    def test_a_phase_of_another_board_or_no_id_is_refused_and_changes_nothing(self):
        foreign = self.other_board().phases.first()
        before = board_state(self.board)
        for posted in (foreign.pk, MISSING_ID, "abc", "-1", "²"):
            with self.subTest(phase=posted):
                response = self.edit(self.card, title="Moved away", phase=posted)
                self.assertRefusedWithText(response, 422, "That phase is not part of this board.")
                self.assertUnchanged(before)

    def test_a_stale_version_moves_nothing(self):
        before = board_state(self.board)
        response = self.edit(self.card, title="Late", version="2000-01-01T00:00:00+00:00", phase=self.phases[1].pk)
        self.assertContains(response, "Someone else changed this card", status_code=409)
        self.assertUnchanged(before)


class MoveCardTests(CardTestCase):
    def setUp(self):
        super().setUp()
        self.a, self.b = self.add_cards(self.phase, "A", "B")
        (self.c,) = self.add_cards(self.phases[1], "C")

    def test_move_within_a_lane_reorders_it(self):
        before = board_state(self.board)
        response = self.move(self.b, self.phase.pk, 0)
        self.assertContains(response, f'<article id="card-{self.b.pk}"')
        self.assertEqual(lane(self.phase), [self.b.pk, self.card.pk, self.a.pk])
        self.assertEqual(card_positions(self.phase), [0, 1, 2])
        self.assertRecorded(
            before, "card.moved", card=self.b.pk, from_phase=self.phase.pk, phase=self.phase.pk, position=0
        )

    def test_move_across_lanes_closes_the_gap_it_leaves(self):
        before = board_state(self.board)
        response = self.move(self.a, self.phases[1].pk, 0)
        self.assertContains(response, f'<article id="card-{self.a.pk}"')
        for phase in self.phase, self.phases[1]:
            self.assertInHTML(lane_count(phase, 2), response.content.decode())
        self.assertEqual(lane(self.phase), [self.card.pk, self.b.pk])
        self.assertEqual(lane(self.phases[1]), [self.a.pk, self.c.pk])
        self.assertEqual((card_positions(self.phase), card_positions(self.phases[1])), ([0, 1], [0, 1]))
        self.assertRecorded(before, "card.moved", from_phase=self.phase.pk, phase=self.phases[1].pk, position=0)

    def test_the_answer_says_where_the_card_is_now_for_screen_readers(self):
        response = self.move(self.a, self.phases[1].pk, 10**12)
        self.assertEqual(
            json.loads(response["HX-Trigger"]),
            {"jb:announce": {"message": f"Moved to {self.phases[1].name}, position 2 of 2"}},
        )

    def test_positions_out_of_range_are_clamped_to_first_or_last(self):
        # Within the lane...
        self.move(self.a, self.phase.pk, 99)
        self.assertEqual(lane(self.phase), [self.card.pk, self.b.pk, self.a.pk])
        self.move(self.a, self.phase.pk, -5)
        self.assertEqual(lane(self.phase), [self.a.pk, self.card.pk, self.b.pk])
        self.assertEqual(self.board.events.last().data["position"], 0)
        # ...and into another one.
        self.move(self.a, self.phases[1].pk, 10**12)
        self.assertEqual(lane(self.phases[1]), [self.c.pk, self.a.pk])
        self.move(self.b, self.phases[1].pk, -1)
        self.assertEqual(lane(self.phases[1]), [self.b.pk, self.c.pk, self.a.pk])
        self.assertEqual(lane(self.phase), [self.card.pk])

    def test_bad_moves_are_refused_with_a_message_and_change_nothing(self):
        other_phase = self.other_board().phases.first()
        needs_numbers = "Moving needs a phase id and a whole-number position."
        not_here = "That phase is not part of this board."
        cases = [
            ("position x", {"phase": self.phase.pk, "position": "x"}, needs_numbers),
            ("position 1.5", {"phase": self.phase.pk, "position": "1.5"}, needs_numbers),
            ("no position", {"phase": self.phase.pk}, needs_numbers),
            ("phase abc", {"phase": "abc", "position": 0}, needs_numbers),
            ("no phase", {"position": 0}, needs_numbers),
            ("phase of another board", {"phase": other_phase.pk, "position": 0}, not_here),
            ("unknown phase", {"phase": MISSING_ID, "position": 0}, not_here),
        ]
        before = board_state(self.board)
        for label, data, message in cases:
            with self.subTest(label):
                response = self.post(f"cards/{self.a.pk}/move/", data)
                self.assertRefusedWithText(response, 422, message)
                self.assertUnchanged(before)


class DeleteCardTests(CardTestCase):
    def test_delete_removes_the_card_and_closes_the_gap(self):
        a, b = self.add_cards(self.phase, "A", "B")
        before = board_state(self.board)
        response = self.post(f"cards/{self.card.pk}/delete/")
        # No card in the answer, so htmx swaps it away; only the lane's new count, out of band.
        self.assertNotContains(response, "<article")
        self.assertInHTML(lane_count(self.phase, 2), response.content.decode())
        self.assertEqual(lane(self.phase), [a.pk, b.pk])
        self.assertEqual(card_positions(self.phase), [0, 1])
        self.assertRecorded(before, "card.deleted", card=self.card.pk, phase=self.phase.pk)

    def test_deleting_a_deleted_card_is_404_and_records_nothing(self):
        self.post(f"cards/{self.card.pk}/delete/")
        before = board_state(self.board)
        response = self.post(f"cards/{self.card.pk}/delete/")
        self.assertRefusedWithText(response, 404, "No Card matches the given query.")
        self.assertUnchanged(before)


class EscapingTests(CardTestCase):
    SCRIPT = "<script>alert(1)</script>"
    ESCAPED = "&lt;script&gt;alert(1)&lt;/script&gt;"

    def assertEscaped(self, response, status_code=200):
        self.assertContains(response, self.ESCAPED, status_code=status_code)
        self.assertNotContains(response, self.SCRIPT, status_code=status_code)

    def test_a_script_title_is_escaped_in_fragment_form_and_page(self):
        response = self.create(title=self.SCRIPT, note=self.SCRIPT)
        card = Card.objects.get(title=self.SCRIPT)
        self.assertEscaped(response)
        self.assertEscaped(self.client.get(self.board_url(f"cards/{card.pk}/")))
        self.assertEscaped(self.client.get(self.board_url(f"cards/{card.pk}/edit/")))
        self.assertEscaped(self.client.get(self.board_url()))

    def test_values_outside_the_catalog_are_escaped_on_the_page(self):
        # The board page skips escaping for ids and catalog values (kinds, channels); a value
        # that got into the database some other way is not one of those and is escaped.
        Card.objects.filter(pk=self.card.pk).update(kind=self.SCRIPT[:12], channel=self.SCRIPT[:20])
        page = self.client.get(self.board_url()).content.decode()
        self.assertNotIn("<script>", page.split('id="board-body"', 1)[1])
        self.assertIn('class="card kind-&lt;script&gt;aler"', page)
        self.assertIn('data-channel="&lt;script&gt;alert(1)&lt;/sc"', page)

    def test_refused_input_is_echoed_escaped(self):
        self.assertEscaped(self.create(title=self.SCRIPT + "x" * 200), status_code=422)
        self.assertEscaped(self.edit(self.card, title=self.SCRIPT, kind=self.SCRIPT), status_code=422)


class CsrfTests(CardTestCase):
    def setUp(self):
        super().setUp()
        # The default test client skips CSRF; this one checks it like a browser would.
        self.client = Client(enforce_csrf_checks=True)
        self.login(self.editor)

    def test_post_without_token_is_403_and_changes_nothing(self):
        before = board_state(self.board)
        response = self.create(title="Forged")
        self.assertContains(response, "CSRF verification failed", status_code=403)
        self.assertUnchanged(before)

    def test_post_with_the_token_htmx_sends_is_accepted(self):
        # htmx sends the token the page puts in <body hx-headers>, as the X-CSRFToken header.
        page = self.client.get(self.board_url()).content.decode()
        token = json.loads(re.search(r"hx-headers='([^']+)'", page).group(1))["X-CSRFToken"]
        url = self.board_url(f"phases/{self.phase.pk}/cards/")
        response = self.client.post(url, {"title": "Genuine"}, HTTP_X_CSRFTOKEN=token, **HTMX)
        self.assertEqual(response.status_code, 200)
        self.assertTrue(Card.objects.filter(title="Genuine").exists())


class PositionSequenceTests(CardTestCase):
    """60 seeded random changes through the views. After each, the database must match a
    plain-list model of the board, and positions must be 0..n-1 per lane and per board."""

    OPERATIONS = 60
    WEIGHTS = {
        "card_create": 30,
        "card_move": 35,
        "card_delete": 15,
        "phase_create": 7,
        "phase_move": 8,
        "phase_delete": 5,
    }

    def setUp(self):
        super().setUp()
        self.rng = random.Random(20240601)
        self.model_phases = [phase.pk for phase in self.phases]
        self.model_cards = {phase.pk: lane(phase) for phase in self.phases}

    def all_cards(self):
        return [card for cards in self.model_cards.values() for card in cards]

    def position_for(self, items):
        """Anywhere in the list, and now and then one step past either end."""
        return self.rng.randint(-1, len(items) + 1)

    @staticmethod
    def insert_clamped(items, item, position):
        items.insert(max(0, min(position, len(items))), item)

    def card_create(self):
        phase_id = self.rng.choice(self.model_phases)
        response = self.post(f"phases/{phase_id}/cards/", {"title": f"Card {self.rng.random():.6f}"})
        new_id = int(re.search(r'data-card-id="(\d+)"', response.content.decode()).group(1))
        self.model_cards[phase_id].append(new_id)
        return response, "card.created"

    def card_move(self):
        card_id = self.rng.choice(self.all_cards())
        target = self.rng.choice(self.model_phases)
        for cards in self.model_cards.values():
            if card_id in cards:
                cards.remove(card_id)
        position = self.position_for(self.model_cards[target])
        self.insert_clamped(self.model_cards[target], card_id, position)
        return self.post(f"cards/{card_id}/move/", {"phase": target, "position": position}), "card.moved"

    def card_delete(self):
        card_id = self.rng.choice(self.all_cards())
        for cards in self.model_cards.values():
            if card_id in cards:
                cards.remove(card_id)
        return self.post(f"cards/{card_id}/delete/"), "card.deleted"

    def phase_create(self):
        response = self.post("phases/", {"name": f"Phase {len(self.model_phases)}", "segment": "customer"})
        new_id = Phase.objects.filter(board=self.board).latest("pk").pk
        self.model_phases.append(new_id)
        self.model_cards[new_id] = []
        return response, "phase.created"

    def phase_move(self):
        phase_id = self.rng.choice(self.model_phases)
        self.model_phases.remove(phase_id)
        position = self.position_for(self.model_phases)
        self.insert_clamped(self.model_phases, phase_id, position)
        return self.post(f"phases/{phase_id}/move/", {"position": position}), "phase.moved"

    def phase_delete(self):
        phase_id = self.rng.choice(self.model_phases)
        self.model_phases.remove(phase_id)
        del self.model_cards[phase_id]
        return self.post(f"phases/{phase_id}/delete/"), "phase.deleted"

    def pick_operation(self):
        names = list(self.WEIGHTS)
        while True:
            name = self.rng.choices(names, weights=[self.WEIGHTS[n] for n in names])[0]
            if name in ("card_move", "card_delete") and not self.all_cards():
                continue
            if name == "phase_delete" and len(self.model_phases) < 2:
                continue
            return name

    def assertMatchesModel(self):
        phases = Phase.objects.filter(board=self.board)
        self.assertEqual(phase_positions(self.board), list(range(len(self.model_phases))))
        self.assertEqual(list(phases.order_by("position").values_list("pk", flat=True)), self.model_phases)
        for phase in phases:
            self.assertEqual(card_positions(phase), list(range(len(self.model_cards[phase.pk]))), phase.name)
            self.assertEqual(lane(phase), self.model_cards[phase.pk], phase.name)

    def test_sixty_random_changes_keep_positions_gap_free(self):
        done = []
        for step in range(self.OPERATIONS):
            name = self.pick_operation()
            with self.subTest(step=step, operation=name):
                before = board_state(self.board)
                response, kind = getattr(self, name)()
                self.assertEqual(response.status_code, 200)
                self.assertRecorded(before, kind)
                self.assertMatchesModel()
            done.append(name)
        # The seed must exercise every kind of change, or the test proves less than it claims.
        self.assertEqual(set(done), set(self.WEIGHTS))
