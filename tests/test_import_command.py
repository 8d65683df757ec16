"""Management commands: `import_board` (a JSON file in, the board's path out) and `ensure_demo`."""

import io
import json
import tempfile
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.test import TestCase

from journeyboard.boards.demo import DEMO_PASSWORD, DEMO_TITLE, DEMO_USERNAME, demo_document
from journeyboard.boards.models import Board, Card, Phase
from journeyboard.boards.transfer import export_board
from tests.base import make_user



def run(name, *args, **options):
    """Run a command; return its output lines."""
    out = io.StringIO()
    call_command(name, *args, stdout=out, **options)
    return out.getvalue().splitlines()


class ImportBoardCommandTests(TestCase):
    def setUp(self):
        self.owner = make_user("olivia")
        folder = tempfile.TemporaryDirectory()
        self.addCleanup(folder.cleanup)
        self.folder = Path(folder.name)

    def write(self, content, name="board.json"):
        path = self.folder / name
        if isinstance(content, (dict, list)):
            content = json.dumps(content, ensure_ascii=False)
        path.write_bytes(content.encode() if isinstance(content, str) else content)
        return path

    def counts(self):
        return (Board.objects.count(), Phase.objects.count(), Card.objects.count())

    def assert_fails(self, path, owner="olivia", message=""):
        before = self.counts()
        with self.assertRaisesMessage(CommandError, message):
            run("import_board", str(path), owner=owner)
        self.assertEqual(self.counts(), before)

    def test_prints_new_board_path_last(self):
        lines = run("import_board", str(self.write(demo_document())), owner="olivia")
        board = Board.objects.get()
        self.assertEqual(lines[-1], f"/boards/{board.pk}/")
        self.assertEqual(board.owner, self.owner)
        self.assertEqual(export_board(board), demo_document())

    def test_each_import_makes_a_new_board(self):
        path = self.write(demo_document())
        first = run("import_board", str(path), owner="olivia")[-1]
        second = run("import_board", str(path), owner="olivia")[-1]
        self.assertNotEqual(first, second)
        self.assertEqual(Board.objects.filter(title=DEMO_TITLE).count(), 2)

    def test_unicode_file(self):
        document = {**demo_document(), "title": "Größe 🚲 ë"}
        run("import_board", str(self.write(document)), owner="olivia")
        self.assertEqual(Board.objects.get().title, "Größe 🚲 ë")

    def test_unknown_owner(self):
        self.assert_fails(self.write(demo_document()), owner="nobody", message="There is no user called 'nobody'.")

    def test_missing_file(self):
        self.assert_fails(self.folder / "missing.json", message="Cannot read")

    def test_malformed_json(self):
        self.assert_fails(self.write("{not json"), message="The file is not valid JSON")

    def test_invalid_document_names_the_problem(self):
        document = demo_document()
        document["phases"][-1]["cards"][-1]["channel"] = "telepathy"
        self.assert_fails(self.write(document), message="phases[9].cards[1].channel")

    def test_wrong_format(self):
        self.assert_fails(self.write({**demo_document(), "format": "trello"}), message="Unknown format")

    def test_owner_is_required(self):
        with self.assertRaises(CommandError):
            call_command("import_board", str(self.write(demo_document())), stdout=io.StringIO())
        self.assertEqual(Board.objects.count(), 0)


class EnsureDemoCommandTests(TestCase):
    def demo_boards(self):
        return Board.objects.filter(owner__username=DEMO_USERNAME)

    def test_creates_demo_user_and_board(self):
        lines = run("ensure_demo")
        board = self.demo_boards().get()
        self.assertEqual(lines[-1], f"Demo board: /boards/{board.pk}/")
        self.assertEqual(board.title, DEMO_TITLE)
        self.assertEqual(board.phases.count(), 10)
        demo = demo_document()
        self.assertEqual(Card.objects.filter(phase__board=board).count(), sum(len(p["cards"]) for p in demo["phases"]))
        self.assertEqual(list(board.rows.values_list("name", "layer")), [(r["name"], r["layer"]) for r in demo["rows"]])
        self.assertTrue(all(phase.cards.exists() for phase in board.phases.all()))
        self.assertTrue(board.memberships.get(user=board.owner).is_owner)

    def test_demo_user_can_log_in(self):
        run("ensure_demo")
        self.assertTrue(self.client.login(username=DEMO_USERNAME, password=DEMO_PASSWORD))

    def test_is_idempotent(self):
        first = run("ensure_demo")
        second = run("ensure_demo")
        self.assertEqual(get_user_model().objects.filter(username=DEMO_USERNAME).count(), 1)
        self.assertEqual(self.demo_boards().count(), 1)
        self.assertEqual(first[-1], second[-1])
        self.assertIn("(unless you changed it)", second[0])

    def test_keeps_a_changed_password(self):
        run("ensure_demo")
        user = get_user_model().objects.get(username=DEMO_USERNAME)
        user.set_password("my own secret 123")
        user.save()
        run("ensure_demo")
        self.assertTrue(self.client.login(username=DEMO_USERNAME, password="my own secret 123"))
