"""History, undo and redo (boards/history.py, boards/timeline.py, views/history.py).

Changes are made by calling the services as the people would (the views are thin and
tested elsewhere); undo and redo go through HTTP, as the board page sends them. "Exactly
as before" is checked on everything a board holds (`content`): objects that an undo
brings back get new ids, so they are compared by where they are and what they say.
"""

import json
from decimal import Decimal

from django.db import connection
from django.test.utils import CaptureQueriesContext

from journeyboard.boards.cards import create_card, delete_card, move_card, update_card
from journeyboard.boards.comments import add_comment
from journeyboard.boards.events import UNDOABLE_KINDS
from journeyboard.boards.history import Stacks
from journeyboard.boards.importing import import_cards
from journeyboard.boards.lifecycle import update_board
from journeyboard.boards.models import Board, BoardEvent, Card, Persona, Phase
from journeyboard.boards.personas import create_persona, delete_persona, update_persona
from journeyboard.boards.phases import KPI_FIELDS, create_phase, delete_phase, move_phase, update_phase
from journeyboard.boards.timeline import PAGE_SIZE
from journeyboard.boards.versions import restore_version, save_version
from journeyboard.boards.models import Membership, Role
from journeyboard.boards.ratings import apply_round, close_round, rate, start_round
from tests.base import HTMX, BoardChangeTestCase, board_state, make_user

NOTHING_TO_UNDO = "Nothing of yours to undo."
NOTHING_TO_REDO = "Nothing of yours to redo."


def content(board):
    """Everything on a board, without ids (an undone deletion comes back under a new id)
    and without its history (revision, events)."""
    fresh = Board.objects.get(pk=board.pk)
    phases = list(Phase.objects.filter(board=board).order_by("position"))
    return {
        "board": (fresh.title, fresh.description, fresh.ambassador_loop),
        "phases": [
            (p.position, p.name, p.segment, p.color, *[getattr(p, f) for f in KPI_FIELDS]) for p in phases
        ],
        "cards": [
            list(p.cards.order_by("position").values_list("position", "title", "note", "channel", "emotion", "kind"))
            for p in phases
        ],
        "personas": list(Persona.objects.filter(board=board).order_by("name").values_list(
            "name", "role", "goals", "frustrations", "quote", "color"
        )),
    }


class HistoryTestCase(BoardChangeTestCase):
    """The editor works on a buyer board (Awareness, Consideration, Decision) whose first
    lane holds the owner's "Instagram ad"; the editor adds two cards of their own."""

    def setUp(self):
        super().setUp()
        self.awareness, self.consideration, self.decision = self.phases
        self.newsletter = create_card(self.editor, self.awareness, title="Newsletter", channel="chat_email")
        self.checkout = create_card(self.editor, self.decision, title="Checkout", emotion=-1)

    def undo(self, user=None):
        return self.step("undo/", user)

    def redo(self, user=None):
        return self.step("redo/", user)

    def step(self, path, user=None):
        if user is not None:
            self.login(user)
        return self.post(path)

    def last_event(self):
        return BoardEvent.objects.filter(board=self.board).latest("revision")

    def assertStepped(self, response, reverts, actor=None):
        """One change more, recorded (by the editor) as reverting `reverts`."""
        self.assertEqual(response.status_code, 200, response.content)
        event = self.last_event()
        self.assertEqual((event.actor, event.reverts), (actor or self.editor, reverts))
        self.assertEqual(response["X-Board-Revision"], str(event.revision))
        return event

    def assertUndoRedo(self, make_change):
        """The change is undone to exactly the state before it and redone to exactly the
        state after it; the events are linked: undo -> change, redo -> undo."""
        before = content(self.board)
        make_change()
        change = self.last_event()
        after = content(self.board)
        self.assertNotEqual(after, before, "the change changed nothing")
        undone = self.assertStepped(self.undo(), reverts=change)
        self.assertEqual(content(self.board), before)
        redone = self.assertStepped(self.redo(), reverts=undone)
        self.assertEqual(content(self.board), after)
        return change, undone, redone

    def assertRefused(self, response, message, before):
        self.assertRefusedWithText(response, 409, message)
        self.assertUnchanged(before)


class UndoEveryKindTests(HistoryTestCase):
    def test_card_created(self):
        self.assertUndoRedo(lambda: create_card(self.editor, self.consideration, title="Comparison site", emotion=1))

    def test_card_edited(self):
        self.assertUndoRedo(
            lambda: update_card(self.editor, self.checkout, title="One-page checkout", note="Fast", kind="pain", emotion=-2)
        )

    def test_card_moved_to_another_lane(self):
        change, undone, _ = self.assertUndoRedo(lambda: move_card(self.editor, self.newsletter, self.decision, 0))
        self.assertEqual((undone.kind, undone.data["phase"], undone.data["position"]), ("card.moved", self.awareness.pk, 1))

    def test_card_moved_within_its_lane(self):
        self.assertUndoRedo(lambda: move_card(self.editor, self.newsletter, self.awareness, 0))

    def test_card_deleted_comes_back_in_its_place_with_its_content(self):
        ad = self.card  # the owner's card: deleting it is the editor's change to undo
        create_card(self.owner, self.awareness, title="Billboard")
        _, undone, _ = self.assertUndoRedo(lambda: delete_card(self.editor, ad))
        self.assertEqual(undone.kind, "card.created")
        self.assertNotEqual(undone.data["card"], ad.pk)  # a new card, in the old one's place

    def test_phase_created(self):
        self.assertUndoRedo(lambda: create_phase(self.editor, self.board, "Purchase", segment="customer"))

    def test_phase_renamed_and_recoloured(self):
        self.assertUndoRedo(lambda: update_phase(self.editor, self.decision, name="Choice", color="#123456"))

    def test_kpi_set_and_removed(self):
        kpi = {"kpi_name": "Conversion", "kpi_value": Decimal("3.2"), "kpi_target": Decimal("4"), "kpi_unit": "%"}
        self.assertUndoRedo(lambda: update_phase(self.editor, self.decision, **kpi))
        empty = {"kpi_name": "", "kpi_value": None, "kpi_target": None, "kpi_unit": "", "kpi_lower_is_better": False}
        self.assertUndoRedo(lambda: update_phase(self.editor, self.decision, **empty))

    def test_phase_moved(self):
        self.assertUndoRedo(lambda: move_phase(self.editor, self.decision, 0))

    def test_phase_deleted_comes_back_with_its_cards_and_kpi(self):
        update_phase(self.owner, self.awareness, kpi_name="Reach", kpi_value=Decimal("12000"))
        create_card(self.owner, self.awareness, title="Podcast", note="Episode 12", channel="advertising", kind="idea")
        change, undone, _ = self.assertUndoRedo(lambda: delete_phase(self.editor, self.awareness))
        self.assertEqual(len(change.data["deleted_cards"]), 3)
        self.assertEqual(len(undone.data["cards"]), 3)

    def test_persona_created_edited_and_deleted(self):
        self.assertUndoRedo(lambda: create_persona(self.editor, self.board, name="Sanne", role="Commuter"))
        sanne = Persona.objects.get(name="Sanne")
        self.assertUndoRedo(lambda: update_persona(self.editor, sanne, name="Sanne de Vries", quote="Fast, please"))
        sanne = Persona.objects.get(name="Sanne de Vries")
        self.assertUndoRedo(lambda: delete_persona(self.editor, sanne))

    def test_board_title_description_and_loop(self):
        self.assertUndoRedo(lambda: update_board(self.editor, self.board, title="E-bike journey", description="Q3"))
        self.assertUndoRedo(lambda: update_board(self.editor, self.board, ambassador_loop=True))

    def test_cards_imported_with_a_new_phase_and_its_kpi(self):
        document = {
            "format": "journeyboard/1", "title": "File", "phases": [
                {"name": "decision", "cards": [{"title": "Pay later", "kind": "idea"}]},
                {"name": "Loyalty", "segment": "customer", "color": "#123456", "kpi": {"name": "NPS", "value": 41.5},
                 "cards": [{"title": "Newsletter", "emotion": 1}, {"title": "Review", "note": "Stars"}]},
            ],
        }  # fmt: skip
        change, undone, redone = self.assertUndoRedo(lambda: import_cards(self.editor, self.board, document))
        self.assertEqual((change.kind, undone.kind, redone.kind), ("cards.imported", "cards.unimported", "cards.imported"))
        self.assertEqual(Decimal(undone.data["phases"][0]["kpi_value"]), Decimal("41.5"))

    def test_the_rooms_ratings_applied_as_emotions(self):
        Membership.objects.filter(board=self.board, user=self.editor).update(facilitator=True)
        start_round(self.editor, self.board)
        rate(self.editor, self.card, -2)
        rate(self.owner, self.newsletter, 2)
        close_round(self.editor, self.board)
        change, undone, _ = self.assertUndoRedo(lambda: apply_round(self.editor, self.board))
        self.assertEqual(undone.kind, "card.emotions")

    def test_board_restored_from_a_version(self):
        version = save_version(self.owner, self.board, "As is")
        update_phase(self.owner, self.decision, kpi_name="Conversion", kpi_value=Decimal("3.2"))
        delete_card(self.owner, self.card)
        self.assertUndoRedo(lambda: restore_version(self.editor, self.board, version))

    def test_every_undoable_kind_is_covered_here(self):
        tested = {
            "card.emotions",
            "card.created", "card.updated", "card.moved", "card.deleted",
            "phase.created", "phase.updated", "phase.moved", "phase.deleted",
            "persona.created", "persona.updated", "persona.deleted", "board.updated",
            "cards.imported", "cards.unimported",
            # tests/test_rows.py (RowUndoTests)
            "row.created", "row.updated", "row.moved", "row.deleted",
            "board.restored",
            # tests/test_card_personas.py
            "card.personas",
        }  # fmt: skip
        self.assertEqual(set(UNDOABLE_KINDS), tested)


class StackTests(HistoryTestCase):
    def test_undo_walks_back_and_redo_forward_in_order(self):
        start = content(self.board)
        move_card(self.editor, self.newsletter, self.consideration, 0)
        moved = content(self.board)
        update_card(self.editor, self.newsletter, title="Weekly newsletter")
        renamed = content(self.board)

        self.undo()
        self.assertEqual(content(self.board), moved)
        self.undo()
        self.assertEqual(content(self.board), start)
        self.redo()
        self.assertEqual(content(self.board), moved)
        self.redo()
        self.assertEqual(content(self.board), renamed)
        self.assertRefused(self.redo(), NOTHING_TO_REDO, board_state(self.board))

    def test_a_new_change_clears_the_redo_stack(self):
        update_card(self.editor, self.checkout, title="One-page checkout")
        self.undo()
        update_card(self.editor, self.newsletter, emotion=2)
        new_change = self.last_event()
        self.assertRefused(self.redo(), NOTHING_TO_REDO, board_state(self.board))
        # Undo still walks back: the new change first.
        self.assertStepped(self.undo(), reverts=new_change)
        self.assertIsNone(Card.objects.get(pk=self.newsletter.pk).emotion)

    def test_undo_of_a_redo_and_redo_again(self):
        update_card(self.editor, self.checkout, title="One-page checkout")
        self.undo()
        undo = self.last_event()
        redo = self.assertStepped(self.redo(), reverts=undo)
        self.assertStepped(self.undo(), reverts=redo)
        self.assertEqual(Card.objects.get(pk=self.checkout.pk).title, "Checkout")
        self.redo()
        self.assertEqual(Card.objects.get(pk=self.checkout.pk).title, "One-page checkout")

    def test_nothing_to_undo_or_redo_says_so_and_changes_nothing(self):
        newcomer = make_user("nadia")  # an editor who has done nothing here yet
        Membership.objects.create(board=self.board, user=newcomer, role=Role.EDITOR)
        before = board_state(self.board)
        self.assertRefused(self.undo(newcomer), NOTHING_TO_UNDO, before)
        self.assertRefused(self.redo(newcomer), NOTHING_TO_REDO, before)

    def test_the_board_s_creation_is_where_undo_stops(self):
        created = BoardEvent.objects.get(kind="card.created", data__card=self.card.pk)
        self.assertStepped(self.undo(self.owner), reverts=created, actor=self.owner)
        self.assertRefused(self.undo(), NOTHING_TO_UNDO, board_state(self.board))

    def test_only_your_own_changes_are_undone(self):
        update_card(self.owner, self.checkout, note="The owner's note")
        self.undo()  # the editor's latest change: creating Checkout
        self.assertRefused(self.undo(), "Someone else changed this card since; undo is not possible.", board_state(self.board))
        self.assertEqual(Card.objects.get(pk=self.checkout.pk).note, "The owner's note")

    def test_undo_follows_a_card_that_came_back_under_a_new_id(self):
        start = content(self.board)
        move_card(self.editor, self.newsletter, self.decision, 1)
        delete_card(self.editor, Card.objects.get(pk=self.newsletter.pk))
        self.undo()  # the deletion: the card is back, under a new id
        back = Card.objects.get(title="Newsletter")
        self.assertNotEqual(back.pk, self.newsletter.pk)
        self.undo()  # the move, of the card that is back
        self.assertEqual(content(self.board), start)
        self.assertEqual(Card.objects.get(pk=back.pk).phase, self.awareness)

    def test_undo_follows_cards_of_a_phase_that_came_back(self):
        update_card(self.editor, self.newsletter, title="Weekly newsletter")
        delete_phase(self.editor, self.awareness)
        self.undo()  # the phase is back, its cards under new ids
        self.undo()  # the rename, of the newsletter that is back
        self.assertEqual(Card.objects.filter(title="Newsletter").exclude(pk=self.newsletter.pk).count(), 1)
        self.assertFalse(Card.objects.filter(title="Weekly newsletter").exists())

    def test_a_no_op_save_is_skipped(self):
        update_card(self.editor, self.checkout, title="One-page checkout")
        update_card(self.editor, self.checkout, title="One-page checkout")  # saved unchanged
        self.undo()
        self.assertEqual(Card.objects.get(pk=self.checkout.pk).title, "Checkout")

    def test_the_stacks_in_events(self):
        update_card(self.editor, self.checkout, title="A")
        change = self.last_event()
        stacks = Stacks(self.board, self.editor)
        self.assertEqual((stacks.next_undo(), stacks.next_redo()), (change, None))
        self.undo()
        undo_event = self.last_event()
        stacks = Stacks(self.board, self.editor)
        self.assertEqual(stacks.depth(undo_event.pk), 1)
        self.assertEqual(stacks.next_redo(), undo_event)
        self.assertNotEqual(stacks.next_undo(), change)


class SomeoneElsesChangeTests(HistoryTestCase):
    def test_undo_of_a_move_someone_else_moved_again_is_refused(self):
        move_card(self.editor, self.newsletter, self.decision, 0)
        move_card(self.owner, Card.objects.get(pk=self.newsletter.pk), self.consideration, 0)
        before = board_state(self.board)
        self.assertRefused(self.undo(), "Someone else changed this card since; undo is not possible.", before)

    def test_undo_of_an_edit_someone_else_edited_again_is_refused(self):
        update_card(self.editor, self.checkout, title="One-page checkout")
        update_card(self.owner, self.checkout, title="Express checkout")
        self.assertRefused(self.undo(), "Someone else changed this card since; undo is not possible.", board_state(self.board))

    def test_other_fields_and_other_cards_do_not_stand_in_the_way(self):
        move_card(self.editor, self.newsletter, self.decision, 0)
        update_card(self.owner, self.newsletter, emotion=2)  # the same card, another aspect
        create_card(self.owner, self.awareness, title="Billboard")  # the lane it came from
        self.undo()
        newsletter = Card.objects.get(pk=self.newsletter.pk)
        self.assertEqual((newsletter.phase, newsletter.position, newsletter.emotion), (self.awareness, 1, 2))

    def test_undo_of_a_phase_someone_else_put_a_card_in_is_refused(self):
        purchase = create_phase(self.editor, self.board, "Purchase")
        create_card(self.owner, purchase, title="Payment page")
        self.assertRefused(self.undo(), "Someone else changed this phase since; undo is not possible.", board_state(self.board))

    def test_undo_of_a_card_someone_commented_on_is_refused(self):
        card = create_card(self.editor, self.decision, title="Invoice")
        add_comment(self.owner, card, "Do we send it by mail?")
        self.assertRefused(self.undo(), "Someone else changed this card since; undo is not possible.", board_state(self.board))

    def test_undo_of_a_card_deleted_with_its_phase_is_refused(self):
        update_card(self.editor, self.newsletter, title="Weekly newsletter")
        delete_phase(self.owner, self.awareness)
        self.assertRefused(self.undo(), "Someone else changed this card since; undo is not possible.", board_state(self.board))

    def test_redo_after_someone_else_changed_it_is_refused(self):
        update_card(self.editor, self.checkout, title="One-page checkout")
        self.undo()
        update_card(self.owner, self.checkout, title="Express checkout")
        self.assertRefused(self.redo(), "Someone else changed this card since; redo is not possible.", board_state(self.board))


class AnswerTests(HistoryTestCase):
    def test_the_answer_updates_the_acting_page_like_the_broadcast(self):
        move_card(self.editor, self.newsletter, self.decision, 0)
        response = self.undo()
        html = response.content.decode()
        for lane in (self.awareness, self.decision):
            self.assertIn(f'<div id="cards-{lane.pk}" hx-swap-oob="innerHTML">', html)
        self.assertIn(f'id="card-{self.newsletter.pk}"', html.split(f'id="cards-{self.awareness.pk}"')[1])
        revision = self.refresh_board().revision
        self.assertIn(f'<span id="board-revision" data-revision="{revision}"', html)
        trigger = json.loads(response["HX-Trigger"])
        self.assertEqual(
            trigger["jb:history-step"]["message"], "Undone: moved “Newsletter” from Awareness to Decision"
        )
        self.assertEqual(json.loads(self.redo()["HX-Trigger"])["jb:history-step"]["message"],
                         "Redone: moved “Newsletter” from Awareness to Decision")

    def test_a_card_put_back_mid_lane_is_sent_with_its_whole_lane(self):
        delete_card(self.editor, self.card)  # the ad was first, before the newsletter
        html = self.undo().content.decode()
        self.assertIn(f'<div id="cards-{self.awareness.pk}" hx-swap-oob="innerHTML">', html)
        titles = list(Card.objects.filter(phase=self.awareness).order_by("position").values_list("title", flat=True))
        self.assertEqual(titles, ["Instagram ad", "Newsletter"])
        self.assertLess(html.index("Instagram ad"), html.index("Newsletter"))

    def test_viewers_may_not_undo_or_redo(self):
        before = board_state(self.board)
        for path in ("undo/", "redo/"):
            with self.subTest(path):
                response = self.step(path, self.viewer)
                self.assertRefusedWithText(response, 403, "You can view this board but not change it.")
                self.assertUnchanged(before)

    def test_outsiders_get_404(self):
        before = board_state(self.board)
        for path in ("undo/", "redo/", "history/"):
            with self.subTest(path):
                self.login(self.outsider)
                method = self.client.get if path == "history/" else self.client.post
                self.assertEqual(method(self.board_url(path), **HTMX).status_code, 404)
                self.assertUnchanged(before)

    def test_on_a_locked_board_only_facilitators_may_undo(self):
        update_card(self.editor, self.checkout, title="One-page checkout")
        Board.objects.filter(pk=self.board.pk).update(locked=True)
        before = board_state(self.board)
        self.assertRefusedWithText(self.undo(), 403, "The board is locked by the facilitator.")
        self.assertUnchanged(before)


class HistoryPanelTests(HistoryTestCase):
    def panel(self, user=None, **params):
        self.login(user or self.editor)
        return self.client.get(self.board_url("history/"), params, **HTMX)

    def test_lists_changes_newest_first_in_words_with_who_did_them(self):
        move_card(self.editor, self.newsletter, self.decision, 0)
        update_phase(self.owner, self.decision, kpi_name="Conversion", kpi_value=Decimal("3.2"), kpi_target=Decimal("4"), kpi_unit="%")
        update_phase(self.owner, self.consideration, name="Comparison")
        self.undo()  # the editor's move
        response = self.panel(self.viewer)  # any member may read it
        entries = [
            " ".join(item.split())
            for item in response.content.decode().split('<p class="history-what">')[1:]
        ]
        expected = [
            "<strong class=\"history-who\">emil</strong> moved “Newsletter” from Decision to Awareness</p>",
            "<strong class=\"history-who\">olivia</strong> renamed phase “Consideration” to “Comparison”</p>",
            "<strong class=\"history-who\">olivia</strong> set KPI of Decision: Conversion 3.2 % · target 4 %</p>",
            "<strong class=\"history-who\">emil</strong> moved “Newsletter” from Awareness to Decision</p>",
            "<strong class=\"history-who\">emil</strong> added “Checkout” to Decision</p>",
        ]
        self.assertEqual([entry.split("</p>")[0] + "</p>" for entry in entries[:5]], expected)
        self.assertContains(response, '<span class="history-tag tag-undo">undo</span>', count=1)
        self.assertContains(response, '<span class="history-tag tag-reverted">undone</span>', count=1)
        self.assertContains(response, "created the board")

    def test_entries_without_undo_say_so(self):
        add_comment(self.owner, self.checkout, "Needs a trust badge")
        response = self.panel()
        first = response.content.decode().split('<li class="history-entry')[1]
        self.assertIn("commented on “Checkout”", first)
        self.assertIn("no undo", first)

    def test_names_of_deleted_phases_and_guests(self):
        card = create_card(self.editor, self.decision, title="Receipt")
        delete_phase(self.owner, self.decision)
        self.owner.first_name = "Olivia"
        self.owner.save()
        response = self.panel()
        self.assertContains(response, "<strong class=\"history-who\">Olivia</strong> deleted phase “Decision” with 2 cards")
        self.assertContains(response, "added “Receipt” to Decision")
        self.assertFalse(Card.objects.filter(pk=card.pk).exists())

    def test_markup_in_names_is_escaped(self):
        create_card(self.editor, self.awareness, title="<b>bold</b>")
        self.assertContains(self.panel(), "added “&lt;b&gt;bold&lt;/b&gt;” to Awareness")

    def test_pages_of_fifty(self):
        for n in range(PAGE_SIZE + 5):
            update_card(self.editor, self.checkout, title=f"Checkout {n}")
        first = self.panel()
        self.assertContains(first, 'class="history-entry', count=PAGE_SIZE)
        older = self.refresh_board().revision - PAGE_SIZE + 1
        self.assertContains(first, f'history/?before={older}"')
        rest = self.panel(before=older)
        total = BoardEvent.objects.filter(board=self.board).count()
        self.assertContains(rest, 'class="history-entry', count=total - PAGE_SIZE)
        self.assertNotContains(rest, "?before=")
        self.assertNotContains(rest, 'id="history"')  # appended to the list, not a new panel

    def test_a_bad_page_is_refused(self):
        self.assertRefusedWithText(self.panel(before="x"), 400, "“before” must be a revision number.")

    def test_query_count_does_not_grow_with_the_events(self):
        def queries(extra):
            for n in range(extra):
                move_card(self.editor, self.newsletter, self.phases[n % 3], 0)
                update_phase(self.owner, self.phases[n % 3], name=f"Phase {n}")
                add_comment(self.owner, self.checkout, f"Comment {n}")
            self.login(self.editor)
            with CaptureQueriesContext(connection) as captured:
                self.assertEqual(self.client.get(self.board_url("history/"), **HTMX).status_code, 200)
            return len(captured)

        few = queries(1)
        many = queries(15)
        self.assertEqual(few, many)
        # session, user, membership+board, events (with actors), phases, card titles (comments)
        self.assertEqual(many, 6)
