"""Design the future state: a new board made from the current one, linked both ways."""

from journeyboard.boards.future import design_future
from journeyboard.boards.models import Board, Membership, Role
from journeyboard.boards.personas import create_persona
from journeyboard.boards.phases import update_phase
from journeyboard.boards.lifecycle import create_board
from journeyboard.boards.sharing import set_facilitator, set_locked
from journeyboard.boards.transfer import export_board
from tests.base import BoardChangeTestCase, make_user


class FutureStateTests(BoardChangeTestCase):
    def setUp(self):
        super().setUp()
        create_persona(self.owner, self.board, name="Sanne", role="Buyer")
        update_phase(self.owner, self.phases[1], kpi_name="conversion", kpi_value="3.2", kpi_target="4", kpi_unit="%")

    def future(self):
        return Board.objects.get(future_of=self.board)

    def test_an_editor_designs_the_future_state(self):
        response = self.post("future/")
        future = self.future()
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response["HX-Redirect"], f"/boards/{future.pk}/")
        self.assertEqual(future.title, "Webshop journey — future state")
        self.assertEqual(future.owner, self.editor)
        present, designed = export_board(self.board), export_board(future)
        for part in ("phases", "personas", "description", "language", "ambassador_loop"):
            self.assertEqual(designed[part], present[part], part)

    def test_the_members_come_along_with_their_roles(self):
        set_facilitator(self.owner, self.board, self.editor.pk, True)
        future = design_future(self.editor, self.board)
        roles = dict(Membership.objects.filter(board=future).values_list("user__username", "role"))
        self.assertEqual(roles, {"emil": Role.OWNER, "olivia": Role.EDITOR, "vera": Role.VIEWER})
        self.assertTrue(Membership.objects.get(board=future, user=self.owner).is_facilitator)

    def test_the_title_is_in_the_boards_language(self):
        board = create_board(self.owner, "Webwinkel", template="buyer", language="nl")
        self.assertEqual(design_future(self.owner, board).title, "Webwinkel — toekomstige situatie")

    def test_viewers_outsiders_and_a_locked_board_are_refused(self):
        self.login(self.viewer)
        self.assertEqual(self.post("future/").status_code, 403)
        self.login(self.outsider)
        self.assertEqual(self.post("future/").status_code, 404)
        set_locked(self.owner, self.board, True)
        self.login(self.editor)
        self.assertEqual(self.post("future/").status_code, 403)
        self.assertEqual(Board.objects.count(), 1)

    def test_each_board_links_to_the_other(self):
        future = design_future(self.editor, self.board)
        present_page = self.client.get(self.board_url()).content.decode()
        future_page = self.client.get(f"/boards/{future.pk}/").content.decode()
        self.assertIn(f'<a class="linked-board" href="/boards/{future.pk}/">Future state: “Webshop journey — future state”</a>', present_page)
        self.assertIn(f'<a class="linked-board" href="/boards/{self.board.pk}/">Future state of “Webshop journey”</a>', future_page)

    def test_a_board_someone_may_not_open_is_not_linked(self):
        future = design_future(self.owner, self.board)
        stranger = make_user("sam")
        Membership.objects.create(board=future, user=stranger, role=Role.EDITOR)
        Membership.objects.filter(board=self.board, user=stranger).delete()
        self.client.force_login(stranger)
        page = self.client.get(f"/boards/{future.pk}/").content.decode()
        self.assertNotIn('class="linked-board"', page)
        # And a board with no links shows none.
        self.login(self.editor)
        other = self.other_board()
        self.assertNotIn('class="linked-boards"', self.client.get(f"/boards/{other.pk}/").content.decode())
