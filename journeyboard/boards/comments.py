"""Comments on cards: a thread per card, each comment added or deleted as one recorded
board change, and the count that a card's badge shows."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import ProhibitNullCharactersValidator
from django.db.models import Count, IntegerField, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from .changes import board_change, fresh, record
from .models import Card, Comment


def with_comment_count(cards):
    """Cards annotated with `comment_count`, for the card's badge.

    A correlated subquery (one index lookup per card) rather than a JOIN with COUNT: it
    needs no GROUP BY over the card columns, and it does not multiply with other
    per-card counts (votes) annotated on the same queryset, as two JOINs would.
    """
    per_card = Comment.objects.filter(card=OuterRef("pk")).order_by().values("card").annotate(n=Count("pk")).values("n")
    return cards.annotate(comment_count=Coalesce(Subquery(per_card, output_field=IntegerField()), Value(0)))


def thread_of(card):
    """A card's comments, oldest first, with their authors: one query."""
    return list(Comment.objects.filter(card=card).select_related("author").order_by("created_at", "pk"))


def author_name(user):
    """How a comment names its author: the display name when there is one (a guest's is
    their first name), else the username."""
    if user is None:
        return ""
    return user.first_name or user.username


def _clean_text(text):
    # Browsers send line breaks as CRLF; counted as two characters, a comment that fits
    # the text area's maxlength could otherwise be refused as too long.
    return (text or "").replace("\r\n", "\n").strip()


def _snapshot(comment):
    return {"text": comment.text, "author": comment.author_id, "created_at": comment.created_at.isoformat()}


def add_comment(actor, card, text):
    """Append a comment to a card's thread. Empty (or only blank) text is refused."""
    text = _clean_text(text)
    if not text:
        raise ValidationError({"text": _("Write something first.")})
    if "\x00" in text:
        # Refused as every form refuses it (and PostgreSQL could not store it).
        raise ValidationError({"text": ProhibitNullCharactersValidator.message})
    with board_change(card.phase.board_id) as board:
        card = fresh(Card.objects.filter(phase__board=board), card.pk)
        comment = Comment(card=card, author=actor, text=text)
        comment.full_clean()
        comment.save()
        record(board, actor, "comment.added", card=card.pk, phase=card.phase_id, comment=comment.pk, after=_snapshot(comment))
    return comment


def may_delete(user, comment, board):
    """Its author, or the board's owner (who keeps the board tidy)."""
    return user.pk is not None and (comment.author_id == user.pk or board.owner_id == user.pk)


def with_delete_rights(comments, user, board, can_write):
    """`comments` with `can_delete` set as `user` may: what their thread shows them. Only
    who may change the board now (`can_write`: not while it is locked for them) may."""
    for comment in comments:
        comment.can_delete = can_write and may_delete(user, comment, board)
    return comments


def delete_comment(actor, comment):
    with board_change(comment.card.phase.board_id) as board:
        comment = fresh(Comment.objects.select_related("card").filter(card__phase__board=board), comment.pk)
        if not may_delete(actor, comment, board):
            raise PermissionDenied(_("Only its author or the board's owner can delete a comment."))
        card, snapshot, comment_id = comment.card, _snapshot(comment), comment.pk
        comment.delete()
        record(board, actor, "comment.deleted", card=card.pk, phase=card.phase_id, comment=comment_id, before=snapshot)
    return card
