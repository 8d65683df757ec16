"""The one place that decides who may see or change a board: every view, the
WebSocket consumer and the exports go through `get_board_for_user`; what a page shows
(rendering.viewer_flags, the live updates) asks `can_write` and `shown_role` here."""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .models import Guest, Membership, Role


def write_refusal(membership, locked):
    """Why this member may not change the board's content now, or None when they may.

    The one rule for writing, read by the views (get_board_for_user), the templates'
    `can_write` (rendering.viewer_flags) and the live updates (shown_role): viewers never
    write, and a locked board is being presented, so only facilitators still change it."""
    if not membership.can_write:
        return gettext_lazy("You can view this board but not change it.")
    if locked and not membership.is_facilitator:
        return gettext_lazy("The board is locked by the facilitator.")
    return None


def can_write(membership, locked):
    return write_refusal(membership, locked) is None


def shown_role(membership, locked):
    """Whose controls this member's page gets now: while the board is locked, members who
    are not facilitators get the viewer's, whatever their role."""
    if membership.role == Role.VIEWER or can_write(membership, locked):
        return membership.role
    return Role.VIEWER


def member_shown_as(board, role):
    """A member who gets `role`'s controls on `board` as it is now (a broadcast renders one
    copy per role, and each page picks the copy of its shown_role): while the board is
    locked only facilitators keep an editor's controls."""
    return Membership(board=board, role=role, facilitator=board.locked and role == Role.EDITOR)


def get_board_for_user(user, board_id, write=False, owner=False, facilitator=False):
    """The board with `board.membership` set to the user's membership.

    Anyone who is not a member gets 404, exactly like a board that does not exist,
    so that board ids leak nothing. A member without the right role gets 403.
    One query: the membership row joined to its board.
    """
    if not user.is_authenticated:
        raise Http404(_("No such board."))
    try:
        membership = Membership.objects.select_related("board").get(board_id=board_id, user=user)
    except Membership.DoesNotExist:
        raise Http404(_("No such board.")) from None
    if owner and not membership.is_owner:
        raise PermissionDenied(_("Only the board's owner can do that."))
    board = membership.board
    refusal = write and write_refusal(membership, board.locked)
    if refusal:
        raise PermissionDenied(str(refusal))
    if facilitator and not membership.is_facilitator:
        raise PermissionDenied(_("Only a facilitator can do that."))
    board.membership = membership
    return board


def guest_of(user):
    """The Guest row (with its board) of a share-link guest account, else None.

    Guests never have a password, so everyone else is answered without a query.
    """
    if not user.is_authenticated or user.has_usable_password():
        return None
    return Guest.objects.select_related("board").filter(user_id=user.pk).first()


def refuse_guests(user):
    """Guests work on the one board they joined through a link: no board list, no new
    boards, no imports, no copies (a copy would be a board of their own)."""
    if guest_of(user) is not None:
        raise PermissionDenied(_("Guests can only work on the board they were invited to."))
