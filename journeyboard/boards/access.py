"""The one place that decides who may see or change a board: every view, the
WebSocket consumer and the exports go through `get_board_for_user`."""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _

from .models import Guest, Membership


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
    if write and not membership.can_write:
        raise PermissionDenied(_("You can view this board but not change it."))
    board = membership.board
    if facilitator and not membership.is_facilitator:
        raise PermissionDenied(_("Only a facilitator can do that."))
    # A locked board is being presented: only facilitators may still change it.
    if write and board.locked and not membership.is_facilitator:
        raise PermissionDenied(_("The board is locked by the facilitator."))
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
