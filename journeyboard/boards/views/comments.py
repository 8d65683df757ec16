"""Comment endpoints: a card's thread (in the comments panel of the board page), adding
to it and deleting from it. Thin: parse, check access, call `boards.comments`, render
templates/boards/comments.html.

Commenting is a change of the board's content, so it follows the board's one rule for
changes: editors and the owner may, viewers get 403 (and, while the board is locked,
everyone but facilitators). Everyone who may see the board may read the threads."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET, require_POST
from django_htmx.http import reswap, retarget

from ..access import get_board_for_user
from ..comments import add_comment, delete_comment, thread_of, with_comment_count, with_delete_rights
from ..models import Card, Comment
from ..rendering import viewer_flags

COMMENTS_TEMPLATE = "boards/comments.html"


def _card(board, card_id):
    """A card of this board, with its comment count (the badge); any other is not found."""
    return get_object_or_404(with_comment_count(Card.objects.select_related("phase")), pk=card_id, phase__board=board)


def _render(request, board, name, status=200, **extra):
    flags = viewer_flags(board)
    if "comments" in extra:
        extra["comments"] = with_delete_rights(extra["comments"], request.user, board, flags["can_write"])
    context = {**flags, "me_id": request.user.pk, **extra}
    return render(request, f"{COMMENTS_TEMPLATE}#{name}", context, status=status)


@login_required
@require_GET
def comment_thread(request, board_id, card_id):
    board = get_board_for_user(request.user, board_id)
    card = _card(board, card_id)
    return _render(request, board, "thread", card=card, comments=thread_of(card))


@login_required
@require_POST
def comment_add(request, board_id, card_id):
    board = get_board_for_user(request.user, board_id, write=True)
    card = _card(board, card_id)
    text = request.POST.get("text", "")
    try:
        add_comment(request.user, card, text)
    except ValidationError as error:
        errors = error.message_dict.get("text", error.messages) if hasattr(error, "error_dict") else error.messages
        response = _render(request, board, "comment-form", status=422, card=card, text=text, errors=errors)
        # The thread was the target of a new comment; the errors belong in the form itself.
        return retarget(reswap(response, "outerHTML"), f"#comment-form-{card.pk}")
    card = _card(board, card_id)  # its new count, for the badge
    return _render(request, board, "comment-added", card=card, comments=thread_of(card))


@login_required
@require_POST
def comment_delete(request, board_id, comment_id):
    board = get_board_for_user(request.user, board_id, write=True)
    comment = get_object_or_404(Comment.objects.select_related("card__phase"), pk=comment_id, card__phase__board=board)
    card = delete_comment(request.user, comment)
    # No comment in the answer: htmx swaps it away; the card's badge follows out of band.
    return _render(request, board, "comment-deleted", card=_card(board, card.pk))


def comment_thread_or_add(request, board_id, card_id):
    """One URL per thread: GET renders it, POST adds a comment."""
    if request.method == "POST":
        return comment_add(request, board_id, card_id)
    return comment_thread(request, board_id, card_id)
