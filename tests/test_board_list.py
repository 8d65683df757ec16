"""The board list: what it shows, creating, renaming, duplicating and deleting boards."""

from django.utils.html import escape

from journeyboard.boards.cards import create_card
from journeyboard.boards.lifecycle import create_board
from journeyboard.boards.models import Board, Card, Persona, Phase
from journeyboard.boards.transfer import export_board
from tests.base import BaseTestCase, make_user



def htmx(target=None):
    """Headers htmx sends; HX-Target is the id of the element that will be swapped."""
    headers = {"HX-Request": "true"}
    if target:
        headers["HX-Target"] = target
    return headers


def row_id(board):
    return f"board-row-{board.pk}"


class BoardListTests(BaseTestCase):
    def setUp(self):
        super().setUp()
        self.others_board = create_board(self.outsider, "Otto's secret plans", template="blank")

    def test_owner_sees_own_board_without_role_note(self):
        self.login(self.owner)
        response = self.client.get("/")
        self.assertContains(response, f'id="{row_id(self.board)}"')
        self.assertContains(response, "Webshop journey")
        self.assertNotContains(response, "on olivia’s board")

    def test_member_sees_shared_board_with_role_and_owner(self):
        self.login(self.editor)
        response = self.client.get("/")
        self.assertContains(response, f'id="{row_id(self.board)}"')
        self.assertContains(response, "Editor on olivia’s board")

    def test_viewer_sees_viewer_role(self):
        self.login(self.viewer)
        response = self.client.get("/")
        self.assertContains(response, "Viewer on olivia’s board")

    def test_other_peoples_boards_are_not_listed(self):
        self.login(self.owner)
        response = self.client.get("/")
        self.assertNotContains(response, row_id(self.others_board))
        self.assertNotContains(response, escape("Otto's secret plans"))

    def test_outsider_sees_only_own_board(self):
        self.login(self.outsider)
        response = self.client.get("/")
        self.assertContains(response, f'id="{row_id(self.others_board)}"')
        self.assertNotContains(response, row_id(self.board))

    def test_row_shows_phase_count(self):
        self.login(self.owner)
        response = self.client.get("/")
        self.assertContains(response, "3 phases")

    def test_anonymous_is_sent_to_login(self):
        response = self.client.get("/")
        self.assertEqual(response.status_code, 302)
        self.assertTrue(response["Location"].startswith("/accounts/login/"))

    def test_query_count_does_not_grow_with_board_count(self):
        # One membership query whatever the number of boards: owner and phase count
        # come with it (select_related / annotate), not per row.
        self.login(self.editor)
        self.client.get("/")  # warm up the session
        with self.assertNumQueries(3):
            self.client.get("/")
        for i in range(4):
            board = create_board(self.owner, f"Extra {i}", template="customer8")
            board.memberships.create(user=self.editor, role="viewer")
        with self.assertNumQueries(3):
            response = self.client.get("/")
        self.assertContains(response, "Extra 3")


class CreateBoardTests(BaseTestCase):
    def post(self, **data):
        return self.client.post("/boards/", {"title": "New map", "template": "blank", "language": "en", **data})

    def assert_refused(self, response):
        self.assertEqual(response.status_code, 422)
        self.assertEqual(Board.objects.count(), self.boards_before)

    def setUp(self):
        super().setUp()
        self.login(self.owner)
        self.boards_before = Board.objects.count()

    def test_create_redirects_to_new_board(self):
        response = self.post(title="Onboarding", template="customer10", language="nl")
        board = Board.objects.get(title="Onboarding")
        self.assertRedirects(response, f"/boards/{board.pk}/")
        self.assertEqual(board.owner, self.owner)
        self.assertEqual(board.language, "nl")
        self.assertEqual(board.phases.count(), 10)
        self.assertTrue(board.memberships.get(user=self.owner).is_owner)

    def test_each_template_and_language_is_accepted(self):
        for template in ("buyer", "customer10", "customer8", "blank"):
            for language in ("en", "nl", "de"):
                with self.subTest(template=template, language=language):
                    response = self.post(title=f"{template}-{language}", template=template, language=language)
                    board = Board.objects.get(title=f"{template}-{language}")
                    self.assertRedirects(response, board.get_absolute_url(), fetch_redirect_response=False)

    def test_title_of_200_characters_is_accepted(self):
        response = self.post(title="x" * 200)
        self.assertEqual(response.status_code, 302)
        self.assertTrue(Board.objects.filter(title="x" * 200).exists())

    def test_empty_title_is_refused(self):
        response = self.post(title="")
        self.assert_refused(response)
        self.assertContains(response, "This field is required.", status_code=422)

    def test_blank_title_is_refused(self):
        self.assert_refused(self.post(title="   "))

    def test_too_long_title_is_refused(self):
        response = self.post(title="x" * 201)
        self.assert_refused(response)
        self.assertContains(response, "at most 200 characters", status_code=422)

    def test_unknown_template_is_refused(self):
        response = self.post(template="kanban")
        self.assert_refused(response)
        self.assertContains(response, "Select a valid choice", status_code=422)

    def test_unknown_language_is_refused(self):
        response = self.post(language="fr")
        self.assert_refused(response)
        self.assertContains(response, "Select a valid choice", status_code=422)

    def test_refused_form_keeps_the_typed_title(self):
        response = self.post(title="Keep me", template="nope")
        self.assertContains(response, 'value="Keep me"', status_code=422)

    def test_anonymous_cannot_create(self):
        self.client.logout()
        response = self.post()
        self.assertEqual(response.status_code, 302)
        self.assertEqual(Board.objects.count(), self.boards_before)

    def test_get_is_not_allowed(self):
        self.assertEqual(self.client.get("/boards/").status_code, 405)


class RenameBoardTests(BaseTestCase):
    def setUp(self):
        super().setUp()
        self.board.description = "Kept as it was"
        self.board.save()
        self.login(self.owner)

    def rename(self, title, target="board-title"):
        return self.client.post(self.board_url("edit/"), {"title": title}, headers=htmx(target))

    def test_rename_from_board_page_returns_title_fragment(self):
        revision = self.board.revision
        response = self.rename("Renamed journey")
        self.assertContains(response, '<form id="board-title"')
        self.assertContains(response, 'value="Renamed journey"')
        self.assertNotContains(response, "<html")
        board = self.refresh_board()
        self.assertEqual(board.title, "Renamed journey")
        self.assertEqual(board.revision, revision + 1)

    def test_rename_keeps_description_that_was_not_posted(self):
        self.rename("Renamed journey")
        self.assertEqual(self.refresh_board().description, "Kept as it was")

    def test_rename_from_list_returns_list_row(self):
        response = self.rename("From the list", target=row_id(self.board))
        self.assertContains(response, f'<li id="{row_id(self.board)}"')
        self.assertContains(response, "From the list")
        self.assertNotContains(response, 'id="board-title"')
        self.assertNotContains(response, "<html")
        self.assertEqual(self.refresh_board().title, "From the list")

    def test_editor_may_rename(self):
        self.login(self.editor)
        response = self.rename("Editor's title", target=row_id(self.board))
        self.assertContains(response, escape("Editor's title"))
        self.assertContains(response, "Editor on olivia’s board")
        self.assertEqual(self.refresh_board().title, "Editor's title")

    def test_too_long_title_from_board_page_is_refused(self):
        revision = self.board.revision
        response = self.rename("x" * 201)
        self.assertContains(response, '<form id="board-title"', status_code=422)
        self.assertContains(response, "at most 200 characters", status_code=422)
        board = self.refresh_board()
        self.assertEqual(board.title, "Webshop journey")
        self.assertEqual(board.revision, revision)

    def test_too_long_title_from_list_is_refused(self):
        response = self.rename("x" * 201, target=row_id(self.board))
        self.assertContains(response, f'<li id="{row_id(self.board)}"', status_code=422)
        self.assertContains(response, "at most 200 characters", status_code=422)
        # The row still shows the saved title; only the input keeps what was typed.
        self.assertContains(response, '<span class="board-row-title">Webshop journey</span>', status_code=422)
        self.assertEqual(self.refresh_board().title, "Webshop journey")

    def test_empty_title_is_refused(self):
        response = self.rename("")
        self.assertEqual(response.status_code, 422)
        self.assertEqual(self.refresh_board().title, "Webshop journey")

    def test_rename_without_htmx_redirects_to_board(self):
        response = self.client.post(self.board_url("edit/"), {"title": "Plain form"})
        self.assertRedirects(response, self.board_url())
        self.assertEqual(self.refresh_board().title, "Plain form")

    def test_viewer_may_not_rename(self):
        self.login(self.viewer)
        response = self.rename("Viewer's title")
        self.assertEqual(response.status_code, 403)
        self.assertEqual(self.refresh_board().title, "Webshop journey")

    def test_outsider_gets_404(self):
        self.login(self.outsider)
        self.assertEqual(self.rename("Outsider's title").status_code, 404)
        self.assertEqual(self.refresh_board().title, "Webshop journey")


class DuplicateBoardTests(BaseTestCase):
    def setUp(self):
        super().setUp()
        Persona.objects.create(board=self.board, name="Sanne", role="Commuter", quote="Fast, please.")
        create_card(self.owner, self.phases[2], title="Checkout", note="Two steps", channel="website", emotion=-1, kind="pain")

    def duplicate(self, user, **kwargs):
        self.login(user)
        return self.client.post(self.board_url("duplicate/"), **kwargs)

    def newest_board(self):
        return Board.objects.exclude(pk=self.board.pk).get()

    def test_copy_is_owned_by_requester_and_redirects_there(self):
        response = self.duplicate(self.editor)
        copy = self.newest_board()
        self.assertRedirects(response, copy.get_absolute_url())
        self.assertEqual(copy.owner, self.editor)
        self.assertTrue(copy.memberships.get(user=self.editor).is_owner)
        # The copy is private to its new owner: the original's members are not carried over.
        self.assertEqual(copy.memberships.count(), 1)

    def test_copy_has_everything_of_the_original(self):
        self.duplicate(self.owner)
        copy = self.newest_board()
        self.assertEqual(copy.title, "Copy of Webshop journey")
        original, copied = export_board(self.board), export_board(copy)
        original.pop("title"), copied.pop("title")
        self.assertEqual(copied, original)
        self.assertEqual(Phase.objects.filter(board=copy).count(), 3)
        self.assertEqual(Card.objects.filter(phase__board=copy).count(), 2)
        self.assertEqual(copy.personas.get().name, "Sanne")

    def test_original_is_untouched(self):
        before = export_board(self.board)
        self.duplicate(self.owner)
        self.assertEqual(export_board(self.board), before)

    def test_viewer_may_duplicate(self):
        response = self.duplicate(self.viewer)
        self.assertEqual(response.status_code, 302)
        self.assertEqual(self.newest_board().owner, self.viewer)

    def test_htmx_gets_client_redirect(self):
        response = self.duplicate(self.owner, headers=htmx())
        copy = self.newest_board()
        self.assertEqual(response["HX-Redirect"], copy.get_absolute_url())

    def test_copy_title_is_cut_to_200_characters(self):
        self.board.title = "y" * 200
        self.board.save()
        self.duplicate(self.owner)
        title = self.newest_board().title
        self.assertEqual(len(title), 200)
        self.assertTrue(title.startswith("Copy of yyy"))

    def test_outsider_gets_404_and_nothing_is_copied(self):
        response = self.duplicate(self.outsider)
        self.assertEqual(response.status_code, 404)
        self.assertEqual(Board.objects.count(), 1)


class DeleteBoardTests(BaseTestCase):
    def delete(self, user, **kwargs):
        self.login(user)
        return self.client.post(self.board_url("delete/"), **kwargs)

    def assert_board_exists(self):
        self.assertTrue(Board.objects.filter(pk=self.board.pk).exists())

    def test_owner_deletes_board_with_everything_on_it(self):
        response = self.delete(self.owner)
        self.assertRedirects(response, "/")
        self.assertFalse(Board.objects.filter(pk=self.board.pk).exists())
        self.assertFalse(Phase.objects.filter(board_id=self.board.pk).exists())
        self.assertFalse(Card.objects.filter(pk=self.card.pk).exists())

    def test_from_list_row_returns_empty_body(self):
        response = self.delete(self.owner, headers=htmx(row_id(self.board)))
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.content, b"")
        self.assertFalse(Board.objects.filter(pk=self.board.pk).exists())

    def test_from_board_page_htmx_redirects_to_list(self):
        response = self.delete(self.owner, headers=htmx("board-body"))
        self.assertEqual(response["HX-Redirect"], "/")
        self.assertFalse(Board.objects.filter(pk=self.board.pk).exists())

    def test_editor_gets_403(self):
        self.assertEqual(self.delete(self.editor).status_code, 403)
        self.assert_board_exists()

    def test_viewer_gets_403(self):
        self.assertEqual(self.delete(self.viewer).status_code, 403)
        self.assert_board_exists()

    def test_outsider_gets_404(self):
        self.assertEqual(self.delete(self.outsider).status_code, 404)
        self.assert_board_exists()

    def test_deleted_board_is_gone_for_members(self):
        self.delete(self.owner)
        self.login(self.editor)
        self.assertEqual(self.client.get(self.board_url()).status_code, 404)
        self.assertNotContains(self.client.get("/"), row_id(self.board))

    def test_get_does_not_delete(self):
        self.login(self.owner)
        self.assertEqual(self.client.get(self.board_url("delete/")).status_code, 405)
        self.assert_board_exists()


class EscapingTests(BaseTestCase):
    evil = "<script>alert('x')</script>"

    def setUp(self):
        super().setUp()
        self.board.title = self.evil
        self.board.save()

    def assert_escaped(self, response):
        self.assertNotContains(response, "<script>alert(")
        self.assertContains(response, escape(self.evil))

    def test_list_page_escapes_title(self):
        self.login(self.owner)
        self.assert_escaped(self.client.get("/"))

    def test_board_page_escapes_title_for_writer(self):
        self.login(self.owner)
        self.assert_escaped(self.client.get(self.board_url()))

    def test_board_page_escapes_title_for_viewer(self):
        self.login(self.viewer)
        self.assert_escaped(self.client.get(self.board_url()))

    def test_owner_name_is_escaped_on_list(self):
        sneaky = make_user("<b>bob</b>")
        create_board(sneaky, "Bob's board").memberships.create(user=self.editor, role="viewer")
        self.login(self.editor)
        response = self.client.get("/")
        self.assertNotContains(response, "<b>bob</b>")
        self.assertContains(response, escape("<b>bob</b>"))
