"""Versions of a board: saved by writers under a name, listed in a side panel, opened
read-only, exported, copied into a new board, and restored onto the board as one change
that can be undone and redone."""

import io
import json

from django.test import TestCase, override_settings
from PIL import Image

from journeyboard.boards.cards import create_card, update_card
from journeyboard.boards.history import Refused, redo, undo
from journeyboard.boards.lifecycle import delete_board
from journeyboard.boards.models import Board, BoardEvent, BoardVersion, Card, Membership, Phase, Role
from journeyboard.boards.phases import delete_phase, update_phase
from journeyboard.boards.sharing import set_locked
from journeyboard.boards.timeline import history_page
from journeyboard.boards.transfer import export_board
from journeyboard.boards.versions import copy_version, delete_version, restore_version, save_version, versions_of
from tests.base import HTMX, MISSING_ID, BaseTestCase, BoardChangeTestCase, board_state, make_user


def content(board):
    """The board's phases and cards as the JSON export has them (ids left out)."""
    document = export_board(board)
    return document["phases"]


class VersionServiceTests(BaseTestCase):
    def test_saving_keeps_the_export_and_records_one_event(self):
        revision = self.refresh_board().revision
        version = save_version(self.editor, self.board, "  As is —   workshop 1 ")
        self.assertEqual(version.name, "As is — workshop 1")
        self.assertEqual(version.snapshot, export_board(self.board))
        self.assertEqual((version.author, version.revision), (self.editor, revision))
        event = BoardEvent.objects.filter(board=self.board).last()
        self.assertEqual((event.kind, event.data, event.revision), ("version.saved", {"version": version.pk, "name": version.name}, revision + 1))

    def test_the_list_is_newest_first(self):
        first = save_version(self.owner, self.board, "As is")
        second = save_version(self.editor, self.board, "After interviews")
        self.assertEqual(list(versions_of(self.board)), [second, first])

    def test_restore_replaces_phases_and_cards_as_one_change(self):
        version = save_version(self.owner, self.board, "As is")
        kept = content(self.board)
        update_card(self.editor, self.card, title="Renamed")
        delete_phase(self.editor, self.phases[-1])
        update_phase(self.editor, self.phases[1], kpi_name="conversion", kpi_value="3.2")
        revision = self.refresh_board().revision
        title = self.board.title

        event = restore_version(self.editor, self.board, version)

        self.assertEqual(content(self.board), kept)
        self.assertEqual(self.refresh_board().revision, revision + 1)
        self.assertEqual(self.board.title, title)
        self.assertEqual((event.kind, event.data["version"], event.data["name"]), ("board.restored", version.pk, "As is"))
        self.assertEqual(sorted(event.data["phases"]), sorted(Phase.objects.filter(board=self.board).values_list("pk", flat=True)))
        self.assertEqual(len(event.data["cards"]), Card.objects.filter(phase__board=self.board).count())

    def test_undo_puts_back_the_board_as_it_was_and_redo_restores_again(self):
        version = save_version(self.owner, self.board, "As is")
        kept = content(self.board)
        create_card(self.editor, self.phases[2], title="New idea", kind="idea")
        update_phase(self.editor, self.phases[0], name="Discover")
        changed = content(self.board)
        restore_version(self.editor, self.board, version)

        undone = undo(self.editor, self.board)
        self.assertEqual(undone.kind, "board.restored")
        self.assertEqual(content(self.board), changed)
        redone = redo(self.editor, self.board)
        self.assertEqual(redone.reverts, undone)
        self.assertEqual(content(self.board), kept)

    def test_undo_is_refused_once_someone_else_changed_a_restored_card(self):
        version = save_version(self.owner, self.board, "As is")
        restore_version(self.editor, self.board, version)
        restored = Card.objects.get(phase__board=self.board, title="Instagram ad")
        update_card(self.owner, restored, title="Their edit")
        before = board_state(self.board)
        with self.assertRaises(Refused):
            undo(self.editor, self.board)
        self.assertEqual(board_state(self.board), before)

    def test_history_says_what_happened(self):
        version = save_version(self.editor, self.board, "As is")
        restore_version(self.editor, self.board, version)
        sentences = [entry.what for entry in history_page(self.board)["entries"][:2]]
        self.assertEqual(sentences, ["restored version “As is”", "saved version “As is”"])

    def test_versions_are_deleted_with_the_board(self):
        save_version(self.owner, self.board, "As is")
        delete_board(self.owner, self.board)
        self.assertFalse(BoardVersion.objects.exists())

    def test_a_copy_is_a_new_board_of_the_copier(self):
        version = save_version(self.owner, self.board, "As is")
        update_card(self.owner, self.card, title="Renamed")
        copy = copy_version(self.editor, version)
        self.assertNotEqual(copy.pk, self.board.pk)
        self.assertEqual(copy.owner, self.editor)
        self.assertEqual(copy.title, "Webshop journey — As is")
        self.assertEqual(content(copy), version.snapshot["phases"])
        self.assertEqual(list(Membership.objects.filter(board=copy).values_list("user", "role")), [(self.editor.pk, Role.OWNER)])


class VersionViewTests(BoardChangeTestCase):
    def save(self, name="As is", user=None):
        return save_version(user or self.owner, self.board, name)

    def test_an_editor_saves_a_version_and_gets_the_list(self):
        before = board_state(self.board)
        response = self.post("versions/", {"name": "As is — workshop 1"})
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, 'id="versions"')
        self.assertContains(response, "As is — workshop 1")
        self.assertContains(response, 'id="board-revision"')  # the revision, as other pages get it
        event = self.assertRecorded(before, "version.saved", name="As is — workshop 1")
        self.assertEqual(BoardVersion.objects.get().pk, event.data["version"])

    def test_bad_names_are_refused_with_a_message(self):
        before = board_state(self.board)
        for name in ("", "   ", "x" * 81):
            with self.subTest(name=name):
                response = self.post("versions/", {"name": name})
                self.assertEqual(response.status_code, 422)
                self.assertContains(response, 'class="error"', status_code=422)
        self.assertUnchanged(before)
        self.assertFalse(BoardVersion.objects.exists())
        self.assertEqual(self.post("versions/", {"name": "x" * 80}).status_code, 200)

    @override_settings(JOURNEYBOARD_MAX_VERSIONS=2)
    def test_a_board_keeps_a_limited_number_of_versions(self):
        self.save("One")
        self.save("Two")
        before = board_state(self.board)
        response = self.post("versions/", {"name": "Three"})
        self.assertContains(response, "A board keeps at most 2 versions. Delete one to save another.", status_code=422)
        self.assertUnchanged(before)
        self.assertEqual(BoardVersion.objects.count(), 2)

    def test_an_editor_deletes_a_version_and_nothing_else_changes(self):
        version = self.save("Old")
        kept = self.save("Kept")
        phases = content(self.board)
        before = board_state(self.board)
        response = self.post(f"versions/{version.pk}/delete/")
        self.assertEqual(response.status_code, 200)
        self.assertNotContains(response, f'id="version-{version.pk}"')
        self.assertContains(response, f'id="version-{kept.pk}"')
        self.assertContains(response, 'id="board-revision"')  # other pages' lists refresh on it
        self.assertRecorded(before, "version.deleted", name="Old")
        self.assertEqual(list(BoardVersion.objects.values_list("pk", flat=True)), [kept.pk])
        self.assertEqual(content(self.board), phases)
        self.assertEqual(self.post(f"versions/{version.pk}/delete/").status_code, 404)  # gone

    def test_deleting_a_version_is_in_the_history_and_not_undoable(self):
        version = self.save("Old")
        delete_version(self.owner, self.board, version)
        entry = history_page(self.board)["entries"][0]
        self.assertEqual(entry.what, "deleted version “Old”")
        self.assertFalse(entry.has_undo)

    def test_viewers_may_not_save_nor_restore(self):
        version = self.save()
        self.login(self.viewer)
        before = board_state(self.board)
        self.assertEqual(self.post("versions/", {"name": "Mine"}).status_code, 403)
        self.assertEqual(self.post(f"versions/{version.pk}/restore/").status_code, 403)
        self.assertEqual(self.post(f"versions/{version.pk}/delete/").status_code, 403)
        self.assertUnchanged(before)
        self.assertTrue(BoardVersion.objects.exists())

    def test_outsiders_get_404_everywhere(self):
        version = self.save()
        self.login(self.outsider)
        base = f"versions/{version.pk}/"
        for suffix in ("versions/", base, base + "export.json", base + "export.png", base + "export.pdf"):
            with self.subTest(suffix=suffix):
                self.assertEqual(self.client.get(self.board_url(suffix)).status_code, 404)
        for suffix in ("versions/", base + "copy/", base + "restore/", base + "delete/", "future/"):
            with self.subTest(suffix=suffix):
                self.assertEqual(self.post(suffix, {"name": "x"}).status_code, 404)
        self.assertEqual(Board.objects.count(), 1)

    def test_a_locked_board_refuses_saving_and_restoring_but_not_its_facilitator(self):
        version = self.save()
        set_locked(self.owner, self.board, True)
        before = board_state(self.board)
        self.assertEqual(self.post("versions/", {"name": "Locked"}).status_code, 403)
        self.assertEqual(self.post(f"versions/{version.pk}/restore/").status_code, 403)
        self.assertUnchanged(before)
        self.login(self.owner)
        self.assertEqual(self.post("versions/", {"name": "By the facilitator"}).status_code, 200)

    def test_a_version_of_another_board_is_not_found(self):
        other = self.other_board()
        theirs = save_version(self.owner, other, "Theirs")
        base = f"versions/{theirs.pk}/"
        for suffix in (base, base + "export.json", base + "export.png"):
            self.assertEqual(self.client.get(self.board_url(suffix)).status_code, 404)
        before = board_state(self.board)
        self.assertEqual(self.post(base + "restore/").status_code, 404)
        self.assertEqual(self.post(base + "copy/").status_code, 404)
        self.assertEqual(self.post(base + "delete/").status_code, 404)
        self.assertEqual(self.client.get(self.board_url(f"versions/{MISSING_ID}/")).status_code, 404)
        self.assertUnchanged(before)

    def test_the_panel_lists_versions_with_who_and_when(self):
        self.save("As is", user=self.owner)
        response = self.client.get(self.board_url("versions/"), **HTMX)
        self.assertContains(response, "As is")
        self.assertContains(response, "olivia")
        self.assertContains(response, "<time datetime=")
        self.assertContains(response, 'id="version-save"')
        self.login(self.viewer)
        response = self.client.get(self.board_url("versions/"), **HTMX)
        self.assertContains(response, "As is")
        self.assertNotContains(response, 'id="version-save"')
        self.assertNotContains(response, "/restore/")

    def test_the_board_page_has_the_versions_panel(self):
        response = self.client.get(self.board_url())
        self.assertContains(response, 'id="versions-dialog"')
        self.assertContains(response, 'data-open-dialog="versions-dialog"')

    def test_the_version_page_is_read_only_with_a_banner(self):
        version = self.save("As is — workshop 1")
        update_card(self.owner, self.card, title="Renamed since")
        response = self.client.get(self.board_url(f"versions/{version.pk}/"))
        self.assertEqual(response.status_code, 200)
        html = response.content.decode()
        self.assertIn('id="version-banner"', html)
        self.assertIn("Version “As is — workshop 1” saved by olivia on", html)
        self.assertIn("back to the live board</a>", html)
        self.assertIn(f'href="/boards/{self.board.pk}/"', html)
        self.assertIn("Instagram ad", html)
        self.assertNotIn("Renamed since", html)
        self.assertEqual(html.count('class="lane '), len(self.phases))
        # No editing controls, no live connection.
        for control in ("ws-connect", 'id="add-phase"', 'class="add-card"', "/edit/", 'class="phase-form"', "board.js", "hx-get", "hx-post"):
            self.assertNotIn(control, html)
        self.assertIn(f"/versions/{version.pk}/restore/", html)  # an editor may restore it

    def test_a_viewer_sees_the_version_without_restore(self):
        version = self.save()
        self.login(self.viewer)
        response = self.client.get(self.board_url(f"versions/{version.pk}/"))
        self.assertContains(response, "Instagram ad")
        self.assertNotContains(response, "/restore/")

    def test_restore_answers_with_the_board_body_and_a_toast(self):
        version = self.save()
        update_card(self.owner, self.card, title="Renamed since")
        before = board_state(self.board)
        response = self.post(f"versions/{version.pk}/restore/")
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response["HX-Reswap"], "none")
        self.assertIn("jb:toast", response["HX-Trigger"])
        self.assertContains(response, 'id="board-body"')
        self.assertContains(response, "Instagram ad")
        self.assertNotContains(response, "Renamed since")
        self.assertRecorded(before, "board.restored", name="As is")

    def test_restore_from_the_version_page_goes_back_to_the_board(self):
        version = self.save()
        response = self.post(f"versions/{version.pk}/restore/", htmx=False)
        self.assertRedirects(response, self.board_url(), fetch_redirect_response=False)

    def test_copy_makes_a_board_of_the_copier(self):
        version = self.save()
        response = self.post(f"versions/{version.pk}/copy/", htmx=False)
        copy = Board.objects.exclude(pk=self.board.pk).get()
        self.assertRedirects(response, f"/boards/{copy.pk}/", fetch_redirect_response=False)
        self.assertEqual(copy.owner, self.editor)
        response = self.post(f"versions/{version.pk}/copy/")
        self.assertEqual(response.status_code, 200)
        self.assertIn("HX-Redirect", response)
        self.login(self.viewer)  # reading a version is enough to copy it
        self.assertEqual(self.post(f"versions/{version.pk}/copy/").status_code, 200)

    def test_exports_of_a_version(self):
        version = self.save()
        then = Image.open(io.BytesIO(self.client.get(self.board_url("export.png?scale=1")).content))
        update_card(self.owner, self.card, title="Renamed since")
        base = f"versions/{version.pk}/"
        response = self.client.get(self.board_url(base + "export.json"))
        self.assertEqual(json.loads(response.content), version.snapshot)
        png = self.client.get(self.board_url(base + "export.png?scale=1"))
        self.assertEqual(png["Content-Type"], "image/png")
        picture = Image.open(io.BytesIO(png.content))
        # The board as it was, drawn by the same stages: the very picture it made then.
        self.assertEqual(picture.size, then.size)
        self.assertEqual(picture.tobytes(), then.tobytes())
        scaled = Image.open(io.BytesIO(self.client.get(self.board_url(base + "export.png?scale=2")).content))
        self.assertEqual(scaled.size, (then.size[0] * 2, then.size[1] * 2))
        self.assertEqual(self.client.get(self.board_url(base + "export.png?scale=9")).status_code, 400)
        pdf = self.client.get(self.board_url(base + "export.pdf"))
        self.assertEqual(pdf["Content-Type"], "application/pdf")
        self.assertTrue(pdf.content.startswith(b"%PDF"))

    def test_the_version_list_refreshes_on_other_pages(self):
        # The broadcast of a saved version is the revision alone: the panel refreshes on it.
        self.post("versions/", {"name": "As is"})
        event = BoardEvent.objects.filter(board=self.board).last()
        from journeyboard.boards.fragments import render_change

        html = render_change(event, ["en"])["en"]
        self.assertIn('id="board-revision"', html[Role.VIEWER])
        self.assertNotIn("As is", html[Role.VIEWER])


class VersionGuestTests(TestCase):
    def test_a_guest_cannot_copy_a_version_into_a_board_of_their_own(self):
        from journeyboard.boards.lifecycle import create_board
        from journeyboard.boards.sharing import create_link, join_as_guest

        owner = make_user("olivia")
        board = create_board(owner, "Webshop journey", template="buyer")
        version = save_version(owner, board, "As is")
        link = create_link(owner, board, Role.EDITOR)
        guest = join_as_guest(link.token, "Gerda")
        self.client.force_login(guest)
        response = self.client.post(f"/boards/{board.pk}/versions/{version.pk}/copy/", **HTMX)
        self.assertEqual(response.status_code, 403)
        self.assertEqual(Board.objects.count(), 1)
