"""Shared fixtures for Journeyboard tests: one board and the people around it.

Each user exists for a reason:
- owner: created the board; the only one who may manage members or delete it.
- editor: a member who may change phases and cards.
- viewer: a member who may look (and export) but whose every change gets 403.
- outsider: signed in but not a member; every board URL must answer 404 to them,
  exactly as for a board that does not exist, so ids leak nothing.
"""

import io
import tempfile
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import TestCase

from journeyboard.boards.cards import create_card
from journeyboard.boards.lifecycle import create_board
from journeyboard.boards.models import Board, BoardEvent, Card, Membership, Phase, Role, Row
from journeyboard.boards.phases import KPI_FIELDS

PASSWORD = "correct horse battery staple"
HTMX = {"HTTP_HX_REQUEST": "true"}
MISSING_ID = 999_999



def make_user(username):
    return get_user_model().objects.create_user(username=username, password=PASSWORD)


class BaseTestCase(TestCase):
    template = "buyer"

    def setUp(self):
        super().setUp()
        self.owner = make_user("olivia")
        self.editor = make_user("emil")
        self.viewer = make_user("vera")
        self.outsider = make_user("otto")
        self.board = create_board(self.owner, "Webshop journey", template=self.template, language="en")
        Membership.objects.create(board=self.board, user=self.editor, role=Role.EDITOR)
        Membership.objects.create(board=self.board, user=self.viewer, role=Role.VIEWER)
        self.phases = list(self.board.phases.order_by("position"))
        self.phase = self.phases[0]
        self.card = create_card(self.owner, self.phase, title="Instagram ad", channel="advertising", emotion=1)

    def login(self, user):
        self.client.force_login(user)

    def board_url(self, suffix=""):
        return f"/boards/{self.board.pk}/{suffix}"

    def refresh_board(self):
        self.board.refresh_from_db()
        return self.board


def board_state(board):
    """Everything a refused request must leave exactly as it was, read fresh from the DB."""
    fresh = Board.objects.get(pk=board.pk)
    return {
        "board": (fresh.title, fresh.description, fresh.revision, fresh.ambassador_loop),
        "boards": Board.objects.count(),
        "events": list(BoardEvent.objects.filter(board=board).values_list("revision", "kind")),
        "phases": list(
            Phase.objects.filter(board=board)
            .order_by("pk")
            .values_list("pk", "name", "segment", "color", "position", *KPI_FIELDS)
        ),
        "cards": list(
            Card.objects.filter(phase__board=board)
            .order_by("pk")
            .values_list("pk", "phase_id", "row_id", "position", "title", "note", "channel", "emotion", "kind")
        ),
        "rows": list(Row.objects.filter(board=board).order_by("pk").values_list("pk", "name", "layer", "color", "position")),
        "members": list(Membership.objects.filter(board=board).order_by("pk").values_list("user_id", "role")),
    }


class BoardChangeTestCase(BaseTestCase):
    """Signed in as the editor, whose everyday work cards and phases are."""

    def setUp(self):
        super().setUp()
        self.login(self.editor)

    def post(self, suffix, data=None, htmx=True):
        return self.client.post(self.board_url(suffix), data or {}, **(HTMX if htmx else {}))

    def other_board(self):
        """A second board the editor may change too: only the URL scoping stands between them."""
        other = create_board(self.owner, "Other journey", template="buyer", language="en")
        Membership.objects.create(board=other, user=self.editor, role=Role.EDITOR)
        return other

    def assertRecorded(self, before, kind, **data):
        """Exactly one revision more and exactly one new event of `kind`, carrying `data`."""
        board = self.refresh_board()
        self.assertEqual(board.revision, before["board"][2] + 1)
        events = list(BoardEvent.objects.filter(board=board))
        self.assertEqual(len(events), len(before["events"]) + 1)
        self.assertEqual((events[-1].kind, events[-1].revision, events[-1].actor), (kind, board.revision, self.editor))
        for name, value in data.items():
            self.assertEqual(events[-1].data[name], value, name)
        return events[-1]

    def assertUnchanged(self, before, board=None):
        self.assertEqual(board_state(board or self.board), before)

    def assertRefusedWithText(self, response, status, message):
        self.assertEqual(response.status_code, status)
        self.assertTrue(response["Content-Type"].startswith("text/plain"), response["Content-Type"])
        self.assertEqual(response.content.decode(), message)


class ExportCommandTestCase(BaseTestCase):
    """`manage.py export_board` into a folder of the test's own: `self.export(fmt, *options)`
    writes this board in one format and returns the file's path."""

    def setUp(self):
        super().setUp()
        folder = tempfile.TemporaryDirectory()
        self.addCleanup(folder.cleanup)
        self.folder = Path(folder.name)

    def export(self, fmt, *extra):
        path = self.folder / f"board.{fmt}"
        out = io.StringIO()
        call_command("export_board", str(self.board.pk), "--format", fmt, "-o", str(path), *extra, stdout=out)
        self.assertIn(str(path), out.getvalue())
        return path
