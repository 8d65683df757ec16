"""Share links, guests and facilitators: how people get onto a board without the owner
typing their username, and who may lock it for presenting.

A link grants a role (editor or viewer) to whoever opens it: a signed-in user joins with
their own account, a newcomer as a guest, a user made for them with only a display name
(first_name) and no password, a member of that one board and nothing else. Revoking a
link keeps it listed for the owner but it grants nothing any more; people who joined
through it stay members until the owner removes them.
"""

import secrets

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from .changes import board_change, fresh, record
from .members import member
from .models import GUEST_NAME_MAX, Board, Guest, Membership, Role, ShareLink

GUEST_PREFIX = "guest-"
LINK_ROLES = (Role.EDITOR, Role.VIEWER)
# Higher grants more; an existing member opening a link never loses anything.
RANK = {Role.VIEWER: 0, Role.EDITOR: 1, Role.OWNER: 2}


class InvalidLink(Exception):
    """Unknown, revoked, or its board is gone: the link grants nothing."""


# --- reading ----------------------------------------------------------------------------


def active_link(token):
    """The link with this token, with its board, if it still grants anything; else None."""
    if not token:
        return None
    return ShareLink.objects.select_related("board", "board__owner").filter(token=token, revoked_at__isnull=True).first()


def links_of(board):
    """The board's links, newest first, revoked ones too (the owner sees what was shared)."""
    return list(ShareLink.objects.filter(board=board))


# --- links ------------------------------------------------------------------------------


def create_link(actor, board, role):
    if role not in LINK_ROLES:
        raise ValidationError({"role": _("Choose editor or viewer.")})
    with board_change(board.pk) as board:
        link = ShareLink.objects.create(board=board, token=secrets.token_urlsafe(32), role=role, created_by=actor)
        record(board, actor, "link.created", link=link.pk, role=role)
    return link


def revoke_link(actor, link):
    """Revoking twice changes nothing the second time (and records nothing)."""
    with board_change(link.board_id) as board:
        link = fresh(ShareLink.objects.filter(board=board), link.pk)
        if link.revoked_at is None:
            link.revoked_at = timezone.now()
            link.save(update_fields=["revoked_at"])
            record(board, actor, "link.revoked", link=link.pk)
    return link


# --- joining ----------------------------------------------------------------------------


def _locked_link(board, token):
    link = ShareLink.objects.filter(board=board, token=token, revoked_at__isnull=True).first()
    if link is None:
        raise InvalidLink(token)  # revoked between opening the page and joining
    return link


def join_by_link(user, token):
    """Make a signed-in user a member with the link's role. A member already keeps the
    higher of their role and the link's: opening a viewer link never demotes an editor.
    Returns the membership; records "member.added" only when something changed."""
    link = active_link(token)
    if link is None:
        raise InvalidLink(token)
    if Guest.objects.filter(user_id=user.pk).exclude(board_id=link.board_id).exists():
        # The views make such a visitor a new guest instead; this is the last line.
        raise ValidationError(_("A guest account belongs to the one board it joined."))
    with board_change(link.board_id) as board:
        link = _locked_link(board, token)
        membership = Membership.objects.filter(board=board, user=user).first()
        if membership is None:
            membership = Membership.objects.create(board=board, user=user, role=link.role)
        elif RANK[link.role] > RANK[membership.role]:
            membership.role = link.role
            membership.save(update_fields=["role"])
        else:
            return membership
        record(board, user, "member.added", user=user.pk, role=membership.role, link=link.pk)
    return membership


def clean_guest_name(display_name):
    name = " ".join((display_name or "").split())
    if not name:
        raise ValidationError({"display_name": _("Tell the others your name.")})
    if len(name) > GUEST_NAME_MAX:
        raise ValidationError(
            {"display_name": _("Keep your name to %(max)d characters (it has %(length)d).") % {"max": GUEST_NAME_MAX, "length": len(name)}}
        )
    return name


def join_as_guest(token, display_name):
    """A new guest account on the link's board; returns its user (to sign in)."""
    name = clean_guest_name(display_name)
    link = active_link(token)
    if link is None:
        raise InvalidLink(token)
    with board_change(link.board_id) as board:
        link = _locked_link(board, token)
        user = get_user_model()(username=GUEST_PREFIX + secrets.token_hex(8), first_name=name)
        user.set_unusable_password()
        user.save()
        Guest.objects.create(user=user, board=board, display_name=name, link=link)
        Membership.objects.create(board=board, user=user, role=link.role)
        record(board, user, "member.added", user=user.pk, role=link.role, link=link.pk, guest=True)
    return user


# --- facilitating -----------------------------------------------------------------------


def set_facilitator(actor, board, user_id, facilitator):
    """Promote a member to facilitator (lock, and what else facilitators run) or take it
    back. The owner always is one. Setting what already is records nothing."""
    with board_change(board.pk) as board:
        membership = member(board, user_id)
        if membership.is_owner:
            raise ValidationError(_("The owner is always a facilitator."))
        if membership.facilitator != facilitator:
            membership.facilitator = facilitator
            membership.save(update_fields=["facilitator"])
            record(board, actor, "member.facilitator", user=membership.user_id, facilitator=facilitator)
    return membership


def set_locked(actor, board, locked):
    """Lock the board for presenting (only facilitators may change it) or unlock it."""
    with board_change(board.pk) as board:
        if board.locked != locked:
            board.locked = locked
            Board.objects.filter(pk=board.pk).update(locked=locked)
            record(board, actor, "board.locked" if locked else "board.unlocked", locked=locked)
    return board
