"""Every kind of board change is declared once (journeyboard/boards/events.py), with all
that the rest of the app needs to show, undo and tell it; a change of any other kind is
refused when it is recorded."""

import ast
import re
from pathlib import Path
from unittest import mock

from django.template.loader import get_template
from django.test import SimpleTestCase

from journeyboard.boards.changes import board_change, record
from journeyboard.boards.events import KINDS, EventKind, UnknownEvent, kind_of
from journeyboard.boards.history import Undoable
from journeyboard.boards.models import Board, BoardEvent
from journeyboard.boards.origin import current_client
from journeyboard.boards.signals import change_committed

from .base import BaseTestCase

ROOT = Path(__file__).resolve().parent.parent / "journeyboard"
BROADCAST = Path(__file__).resolve().parent.parent / "templates" / "boards" / "broadcast.html"


def recorded_kinds():
    """{kind: [file]} of every kind a service passes to `record(board, actor, kind, ...)`,
    read from the source: a literal, or either side of a conditional."""
    found = {}
    for path in ROOT.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "record" and len(node.args) >= 3:
                kind = node.args[2]
                options = [kind.body, kind.orelse] if isinstance(kind, ast.IfExp) else [kind]
                for option in options:
                    if not isinstance(option, ast.Constant):
                        raise AssertionError(f"{path}: record() with a kind that is not written out")
                    found.setdefault(option.value, []).append(path.name)
    return found


class DeclarationTests(SimpleTestCase):
    def test_every_recorded_kind_is_declared_and_every_declared_kind_is_recorded(self):
        recorded = recorded_kinds()
        self.assertIn("card.moved", recorded)  # the reader finds the services' calls
        self.assertEqual(set(recorded) - set(KINDS), set(), "recorded but not declared in events.py")
        self.assertEqual(set(KINDS) - set(recorded), set(), "declared in events.py but never recorded")

    def test_every_kind_has_what_it_needs(self):
        partials = set(re.findall(r"{% partialdef ([\w-]+)", BROADCAST.read_text()))
        for name, kind in KINDS.items():
            with self.subTest(kind=name):
                self.assertEqual(kind.name, name)
                self.assertRegex(name, r"^[a-z]+\.[a-z]+$")
                self.assertLessEqual(len(name), BoardEvent._meta.get_field("kind").max_length)
                self.assertTrue(kind.payload, "an event says at least what it is about")
                self.assertFalse(set(kind.payload) & set(kind.optional))
                # The history panel says something for it: a fixed sentence or a function.
                self.assertNotEqual(kind.sentence is None, kind.describe is None)
                if kind.describe:
                    self.assertTrue(callable(kind.describer))
                if kind.undo:
                    self.assertIsInstance(kind.undoable, Undoable)
                if kind.render:
                    self.assertTrue(callable(kind.renderer))
                    self.assertTrue(kind.partials)
                    self.assertLessEqual(set(kind.partials), partials, "a partial missing in broadcast.html")
                    for partial in kind.partials:
                        get_template(f"boards/broadcast.html#{partial}")
                else:
                    self.assertEqual(kind.partials, ())

    def test_only_board_content_can_be_undone(self):
        undoable = {name.split(".")[0] for name, kind in KINDS.items() if kind.undo}
        self.assertEqual(undoable, {"card", "phase", "persona", "board", "row", "cards"})  # cards: an import
        self.assertIsNone(kind_of("board.created").undo)  # where history starts

    def test_changes_of_access_are_membership_and_the_lock(self):
        self.assertEqual(
            {name for name, kind in KINDS.items() if kind.changes_access},
            {"member.added", "member.removed", "member.facilitator", "board.locked", "board.unlocked"},
        )

    def test_an_unknown_kind_is_refused(self):
        with self.assertRaises(UnknownEvent):
            kind_of("card.painted")

    def test_data_must_fit_the_declaration(self):
        kind = EventKind("card.painted", payload=("card",), optional=("colour",))
        kind.check({"card": 1})
        kind.check({"card": 1, "colour": "red"})
        with self.assertRaises(UnknownEvent):
            kind.check({})
        with self.assertRaises(UnknownEvent):
            kind.check({"card": 1, "size": 3})


class RecordTests(BaseTestCase):
    def test_recording_an_undeclared_kind_changes_nothing(self):
        revision, events = Board.objects.get(pk=self.board.pk).revision, BoardEvent.objects.count()
        with self.assertRaises(UnknownEvent), self.captureOnCommitCallbacks() as announced:
            with board_change(self.board.pk) as board:
                record(board, self.owner, "card.painted", card=1)
        self.assertEqual(Board.objects.get(pk=self.board.pk).revision, revision)
        self.assertEqual(BoardEvent.objects.count(), events)
        self.assertEqual(announced, [])

    def test_recording_undeclared_data_changes_nothing(self):
        events = BoardEvent.objects.count()
        with self.assertRaises(UnknownEvent):
            with board_change(self.board.pk) as board:
                record(board, self.owner, "link.revoked", link=1, secret="x")
        self.assertEqual(BoardEvent.objects.count(), events)


class AnnouncementTests(BaseTestCase):
    """`record` announces a change through boards.signals.change_committed once it is
    committed; the realtime app listens (realtime/apps.py), the domain does not know it."""

    def setUp(self):
        super().setUp()
        self.heard = []
        change_committed.connect(self.listen)
        self.addCleanup(change_committed.disconnect, self.listen)

    def listen(self, sender, event, origin, **kwargs):
        self.heard.append((event.kind, event.revision, origin))

    def test_a_committed_change_is_announced_with_its_origin(self):
        token = current_client.set("a" * 32)
        try:
            with self.captureOnCommitCallbacks(execute=True):
                with board_change(self.board.pk) as board:
                    event = record(board, self.owner, "link.revoked", link=1)
        finally:
            current_client.reset(token)
        self.assertEqual(self.heard, [("link.revoked", event.revision, "a" * 32)])

    def test_a_change_rolled_back_is_not_announced(self):
        with self.captureOnCommitCallbacks(execute=True):
            with self.assertRaises(RuntimeError), board_change(self.board.pk) as board:
                record(board, self.owner, "link.revoked", link=1)
                raise RuntimeError("the change fails after recording")
        self.assertEqual(self.heard, [])

    def test_the_live_updates_listen(self):
        with mock.patch("journeyboard.realtime.broadcast.broadcast_change") as broadcast:
            with self.captureOnCommitCallbacks(execute=True):
                with board_change(self.board.pk) as board:
                    event = record(board, self.owner, "link.revoked", link=1)
        broadcast.assert_called_once_with(event, "")
