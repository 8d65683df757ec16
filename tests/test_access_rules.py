"""One rule decides who may change a board (journeyboard/boards/access.py): the views'
403, the controls a page renders and the copy of a broadcast a page gets all follow it."""

from django.core.exceptions import PermissionDenied

from journeyboard.boards.access import can_write, get_board_for_user, member_shown_as, shown_role
from journeyboard.boards.models import Membership, Role
from journeyboard.boards.rendering import viewer_flags

from .base import BaseTestCase

# (role, facilitator, locked) -> (may write, whose controls the page gets)
RULES = {
    (Role.OWNER, False, False): (True, Role.OWNER),
    (Role.OWNER, False, True): (True, Role.OWNER),  # owners always facilitate
    (Role.EDITOR, False, False): (True, Role.EDITOR),
    (Role.EDITOR, False, True): (False, Role.VIEWER),
    (Role.EDITOR, True, True): (True, Role.EDITOR),
    (Role.VIEWER, False, False): (False, Role.VIEWER),
    (Role.VIEWER, True, True): (False, Role.VIEWER),
}


class AccessRuleTests(BaseTestCase):
    def test_the_rule(self):
        for (role, facilitator, locked), (writes, shown) in RULES.items():
            with self.subTest(role=role, facilitator=facilitator, locked=locked):
                membership = Membership(board=self.board, role=role, facilitator=facilitator)
                self.assertEqual(can_write(membership, locked), writes)
                self.assertEqual(shown_role(membership, locked), shown)

    def test_views_templates_and_broadcast_copies_agree(self):
        self.board.locked = True
        self.board.save(update_fields=["locked"])
        for user, writes in ((self.owner, True), (self.editor, False), (self.viewer, False)):
            with self.subTest(user=user.username):
                board = get_board_for_user(user, self.board.pk)
                self.assertEqual(viewer_flags(board)["can_write"], writes)
                if writes:
                    get_board_for_user(user, self.board.pk, write=True)
                else:
                    with self.assertRaises(PermissionDenied):
                        get_board_for_user(user, self.board.pk, write=True)
                # The broadcast's copy for this page's role carries the same controls.
                board.membership = member_shown_as(board, shown_role(board.membership, board.locked))
                self.assertEqual(viewer_flags(board)["can_write"], writes)

    def test_a_locked_board_says_why(self):
        self.board.locked = True
        self.board.save(update_fields=["locked"])
        with self.assertRaisesMessage(PermissionDenied, "The board is locked by the facilitator."):
            get_board_for_user(self.editor, self.board.pk, write=True)
        with self.assertRaisesMessage(PermissionDenied, "You can view this board but not change it."):
            get_board_for_user(self.viewer, self.board.pk, write=True)
