"""The future state: a journey map is made to change the journey. A team maps it as it is,
then designs the one they want on a board of its own, made from the first and linked to it
both ways (`Board.future_of`), so each page links to the other."""

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import override

from .models import Board, Membership, Role
from .transfer import export_board, import_board


def design_future(actor, board):
    """A new board owned by `actor` with the board's phases, personas, KPIs and cards, titled
    "<title> — future state" in the board's language; the board's members come along with
    their roles (its owner as a facilitating editor: a board has one owner). Guests stay
    on the board they were invited to."""
    with override(board.language):
        title = _("%(title)s — future state") % {"title": board.title}
    with transaction.atomic():
        future = import_board(actor, export_board(board), title=title[: Board._meta.get_field("title").max_length])
        future.future_of = board
        future.save(update_fields=["future_of"])
        members = Membership.objects.filter(board=board, user__guest__isnull=True).exclude(user=actor)
        Membership.objects.bulk_create(
            Membership(
                board=future,
                user_id=member.user_id,
                role=Role.EDITOR if member.is_owner else member.role,
                facilitator=member.is_facilitator,
            )
            for member in members
        )
    return future


def linked_boards(board, user):
    """The boards linked to `board` that `user` may open: the one it designs the future of,
    and its future states. One query."""
    memberships = Membership.objects.filter(user=user).select_related("board")
    if board.future_of_id:
        memberships = memberships.filter(board__future_of=board) | memberships.filter(board_id=board.future_of_id)
    else:
        memberships = memberships.filter(board__future_of=board)
    found = [membership.board for membership in memberships.order_by("board__created_at", "board_id")]
    return {
        "present_board": next((linked for linked in found if linked.pk == board.future_of_id), None),
        "future_boards": [linked for linked in found if linked.future_of_id == board.pk],
    }
