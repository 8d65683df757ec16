"""Phases (lanes) over HTTP: create, edit, move and delete, and what a refusal leaves alone.
Card positions under phase changes are covered by the random sequence in test_cards.py."""

import re

from journeyboard.boards.cards import create_card
from journeyboard.boards.catalog import palette_colour
from journeyboard.boards.models import Card, Phase
from tests.base import MISSING_ID, BoardChangeTestCase, board_state

BODY = '<main id="board-body"'
BAND_OOB = '<div id="segment-band" class="band" hx-swap-oob="true">'

# (label, posted fields, the message the answer must show).
INVALID_NEW_PHASE = [
    ("empty name", {"name": "", "segment": "buyer"}, "This field is required."),
    ("name over 80 chars", {"name": "n" * 81, "segment": "buyer"}, "at most 80 characters (it has 81)."),
    ("unknown segment", {"name": "Use", "segment": "galaxy"}, "Select a valid choice. galaxy is not one of"),
]
INVALID_PHASE_EDIT = [
    ("empty name", {"name": ""}, "This field is required."),
    ("name over 80 chars", {"name": "n" * 81}, "at most 80 characters (it has 81)."),
    ("unknown segment", {"segment": "galaxy"}, "Select a valid choice. galaxy is not one of"),
    ("colour red", {"color": "red"}, "Enter a colour as #rrggbb."),
    ("colour too short", {"color": "#12345"}, "Enter a colour as #rrggbb."),
]


def lane_order(html):
    """Phase ids in the order their lanes appear in a rendered board body."""
    return [int(pk) for pk in re.findall(r'<section id="phase-(\d+)"', html)]


def board_order(board):
    return list(Phase.objects.filter(board=board).order_by("position").values_list("pk", flat=True))


class PhaseTestCase(BoardChangeTestCase):
    def phase_url(self, phase, suffix=""):
        return f"phases/{phase.pk}/{suffix}"

    def ids(self, *indexes):
        return [self.phases[i].pk for i in indexes]


class CreatePhaseTests(PhaseTestCase):
    def assertCreated(self, response, before):
        new = Phase.objects.get(board=self.board, name="Onboarding")
        self.assertContains(response, BODY)
        self.assertEqual(lane_order(response.content.decode()), [*self.ids(0, 1, 2), new.pk])
        self.assertContains(response, "Customer journey")
        self.assertEqual((new.position, new.segment, new.color), (3, "customer", palette_colour(3)))
        self.assertRecorded(before, "phase.created", phase=new.pk)

    def test_htmx_create_appends_a_lane_and_answers_with_the_board_body(self):
        before = board_state(self.board)
        self.assertCreated(self.post("phases/", {"name": "Onboarding", "segment": "customer"}), before)

    def test_plain_create_answers_the_same(self):
        before = board_state(self.board)
        self.assertCreated(self.post("phases/", {"name": "Onboarding", "segment": "customer"}, htmx=False), before)

    def test_invalid_input_is_refused_with_the_form_and_changes_nothing(self):
        before = board_state(self.board)
        for label, data, message in INVALID_NEW_PHASE:
            with self.subTest(label):
                response = self.post("phases/", data)
                self.assertContains(response, '<form id="add-phase"', status_code=422)
                self.assertContains(response, message, status_code=422)
                self.assertEqual((response["HX-Retarget"], response["HX-Reswap"]), ("#add-phase", "outerHTML"))
                self.assertUnchanged(before)


class UpdatePhaseTests(PhaseTestCase):
    CHANGE = {"name": "First contact", "segment": "customer", "color": "#123abc"}

    def assertUpdated(self, response, before):
        self.assertContains(response, f'<section id="phase-{self.phase.pk}" class="lane segment-customer"')
        self.assertContains(response, 'style="--phase: #123abc"')
        self.assertContains(response, f'<article id="card-{self.card.pk}"')  # the lane keeps its cards
        self.assertContains(response, BAND_OOB)
        self.assertContains(response, "Customer journey")
        self.phase.refresh_from_db()
        self.assertEqual((self.phase.name, self.phase.segment, self.phase.color), tuple(self.CHANGE.values()))
        event = self.assertRecorded(before, "phase.updated", phase=self.phase.pk, after=self.CHANGE)
        self.assertEqual(event.data["before"]["name"], "Awareness")

    def test_htmx_edit_answers_with_the_lane_and_the_band_out_of_band(self):
        before = board_state(self.board)
        self.assertUpdated(self.post(self.phase_url(self.phase), self.CHANGE), before)

    def test_plain_edit_answers_the_same(self):
        before = board_state(self.board)
        self.assertUpdated(self.post(self.phase_url(self.phase), self.CHANGE, htmx=False), before)

    def test_fields_left_out_keep_their_value(self):
        self.post(self.phase_url(self.phase), {"color": "#ABCDEF"})
        self.phase.refresh_from_db()
        self.assertEqual((self.phase.name, self.phase.segment, self.phase.color), ("Awareness", "buyer", "#ABCDEF"))

    def test_invalid_input_is_refused_with_the_lane_and_changes_nothing(self):
        before = board_state(self.board)
        for label, data, message in INVALID_PHASE_EDIT:
            with self.subTest(label):
                response = self.post(self.phase_url(self.phase), data)
                self.assertContains(response, f'<section id="phase-{self.phase.pk}"', status_code=422)
                self.assertContains(response, message, status_code=422)
                self.assertUnchanged(before)

    def test_a_phase_name_is_escaped(self):
        response = self.post(self.phase_url(self.phase), {"name": "<b>Bold</b>"})
        self.assertContains(response, "&lt;b&gt;Bold&lt;/b&gt;")
        self.assertNotContains(response, "<b>Bold</b>")
        self.assertNotContains(self.client.get(self.board_url()), "<b>Bold</b>")


class MovePhaseTests(PhaseTestCase):
    def move(self, phase, position):
        return self.post(self.phase_url(phase, "move/"), {"position": position})

    def test_move_reorders_the_lanes_and_answers_with_the_board_body(self):
        before = board_state(self.board)
        response = self.move(self.phases[2], 0)
        self.assertContains(response, BODY)
        self.assertEqual(lane_order(response.content.decode()), self.ids(2, 0, 1))
        self.assertEqual(board_order(self.board), self.ids(2, 0, 1))
        self.assertRecorded(before, "phase.moved", phase=self.phases[2].pk, position=0)

    def test_positions_out_of_range_are_clamped_to_first_or_last(self):
        self.move(self.phases[0], 99)
        self.assertEqual(board_order(self.board), self.ids(1, 2, 0))
        self.move(self.phases[2], -4)
        self.assertEqual(board_order(self.board), self.ids(2, 1, 0))
        self.assertEqual(self.board.events.last().data["position"], 0)

    def test_a_position_that_is_not_a_whole_number_is_refused(self):
        before = board_state(self.board)
        for position in ("x", "", "1.5"):
            with self.subTest(position=position):
                response = self.move(self.phases[0], position)
                self.assertRefusedWithText(response, 422, "Moving needs a whole-number position.")
                self.assertUnchanged(before)


class DeletePhaseTests(PhaseTestCase):
    def test_delete_takes_the_cards_along_and_closes_the_gap(self):
        create_card(self.owner, self.phase, title="Second")
        kept = create_card(self.owner, self.phases[1], title="Elsewhere")
        before = board_state(self.board)
        response = self.post(self.phase_url(self.phase, "delete/"))
        self.assertEqual(lane_order(response.content.decode()), self.ids(1, 2))
        self.assertFalse(Phase.objects.filter(pk=self.phase.pk).exists())
        self.assertEqual(list(Card.objects.filter(phase__board=self.board)), [kept])
        self.assertEqual(list(Phase.objects.filter(board=self.board).values_list("position", flat=True)), [0, 1])
        self.assertRecorded(before, "phase.deleted", phase=self.phase.pk, cards=2)


class PhaseScopeTests(PhaseTestCase):
    def test_phase_of_another_board_is_404_on_every_phase_url(self):
        other = self.other_board()
        foreign = other.phases.first()
        before, before_other = board_state(self.board), board_state(other)
        for suffix, data in [("", {"name": "Hijacked"}), ("move/", {"position": 2}), ("delete/", {})]:
            with self.subTest(suffix or "edit"):
                self.assertEqual(self.post(self.phase_url(foreign, suffix), data).status_code, 404)
                self.assertUnchanged(before)
                self.assertUnchanged(before_other, other)

    def test_unknown_phase_is_404(self):
        before = board_state(self.board)
        for suffix, data in [("", {"name": "Ghost"}), ("move/", {"position": 0}), ("delete/", {})]:
            with self.subTest(suffix or "edit"):
                response = self.post(f"phases/{MISSING_ID}/{suffix}", data)
                self.assertRefusedWithText(response, 404, "No Phase matches the given query.")
                self.assertUnchanged(before)


class BoardBodyRevisionTests(PhaseTestCase):
    """The board body carries `data-revision`, which clients compare with broadcast
    revisions to notice a missed change; after a change it must show the new revision."""

    def test_board_body_after_a_phase_change_shows_the_new_revision(self):
        changes = [
            ("create", "phases/", {"name": "Onboarding", "segment": "buyer"}),
            ("move", self.phase_url(self.phases[0], "move/"), {"position": 2}),
            ("delete", self.phase_url(self.phases[1], "delete/"), {}),
        ]
        for label, suffix, data in changes:
            with self.subTest(label):
                shown = re.search(r'data-revision="(\d+)"', self.post(suffix, data).content.decode()).group(1)
                self.assertEqual(int(shown), self.refresh_board().revision)
