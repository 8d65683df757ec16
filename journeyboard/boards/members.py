"""Who may open a board and what they may do there."""

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from .changes import board_change, record
from .models import Guest, Membership, Role


def add_member(actor, board, username, role):
    """Add a user by username, or change the role of one who is already a member."""
    if role not in (Role.EDITOR, Role.VIEWER):
        raise ValidationError({"role": _("Choose editor or viewer.")})
    user = get_user_model().objects.filter(username=username.strip()).first()
    if user is None:
        raise ValidationError({"username": _("There is no user called “%(name)s”.") % {"name": username}})
    if Guest.objects.filter(user=user).exclude(board=board).exists():
        # A guest account is for the one board it joined through a link (sharing.py).
        raise ValidationError({"username": _("There is no user called “%(name)s”.") % {"name": username}})
    with board_change(board.pk) as board:
        membership = Membership.objects.filter(board=board, user=user).first()
        if membership and membership.is_owner:
            raise ValidationError({"username": _("The owner's role cannot be changed.")})
        if membership is None:
            membership = Membership.objects.create(board=board, user=user, role=role)
        else:
            membership.role = role
            membership.save(update_fields=["role"])
        record(board, actor, "member.added", user=user.pk, role=role)
    return membership


def member(board, user_id):
    """The membership of `user_id` on `board`, or a ValidationError saying they are none."""
    membership = Membership.objects.filter(board=board, user_id=user_id).first()
    if membership is None:
        raise ValidationError(_("That user is not a member of this board."))
    return membership


def remove_member(actor, board, user_id):
    with board_change(board.pk) as board:
        membership = member(board, user_id)
        if membership.is_owner:
            raise ValidationError(_("The owner cannot be removed from the board."))
        membership.delete()
        record(board, actor, "member.removed", user=user_id)
