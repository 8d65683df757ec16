"""Emotion round endpoints: the rating bar, starting, closing and applying a round
(facilitators), and rating a card or taking the rating back (anyone who may edit).

The bar is personal (which cards *you* rated and how, the facilitator's buttons), so it is
never broadcast: a broadcast tells each page to fetch its own (templates/boards/rating.html,
static/js/rating.js).
"""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST
from django_htmx.http import reswap

from ..access import get_board_for_user
from ..curve import emotion_curve
from ..models import Card, Phase
from ..ratings import LEVELS, apply_round, close_round, rate, rating_bar, start_round
from ..rendering import viewer_flags
from .errors import refusal

RATING_TEMPLATE = "boards/rating.html"
TRUE = {"true", "on", "1"}


def _render(request, board, name, status=200, **extra):
    phases = Phase.objects.filter(board=board).order_by("position", "pk").only("id", "name")
    context = {**viewer_flags(board), **rating_bar(board, request.user), "phases": phases, **extra}
    return render(request, f"{RATING_TEMPLATE}#{name}", context, status=status)


def _refused(error):
    # Text for the toast; htmx swaps 422 answers, so tell it to leave the page alone.
    return reswap(refusal(" ".join(error.messages)), "none")


def _changed(request, board):
    cards = Card.objects.filter(phase__board=board).only("id", "phase_id").order_by()
    return _render(request, board, "rating-changed", rating_cards=cards, curve=emotion_curve(board))


def _phase_ids(values):
    try:
        return [int(value) for value in values]
    except ValueError:
        raise ValidationError(_("Choose phases of this board.")) from None


@login_required
@require_GET
def ratings_panel(request, board_id):
    # Pages ask for their bar by themselves (after a broadcast), so access is decided here.
    board = get_board_for_user(request.user, board_id)
    return _render(request, board, "rating")


@login_required
@require_POST
def ratings_start(request, board_id):
    board = get_board_for_user(request.user, board_id, facilitator=True)
    try:
        phases = _phase_ids(request.POST.getlist("phases"))
        hidden = request.POST.get("hidden_results", "").lower() in TRUE
        start_round(request.user, board, phases=phases, hidden_results=hidden)
    except ValidationError as error:  # a phase of another board, or a round already open
        return _refused(error)
    return _changed(request, board)


def ratings(request, board_id):
    """One URL for the bar: GET renders it, POST starts a round."""
    if request.method == "POST":
        return ratings_start(request, board_id)
    return ratings_panel(request, board_id)


@login_required
@require_POST
def ratings_close(request, board_id):
    board = get_board_for_user(request.user, board_id, facilitator=True)
    try:
        close_round(request.user, board)
    except ValidationError as error:
        return _refused(error)
    return _changed(request, board)


@login_required
@require_POST
def ratings_apply(request, board_id):
    # The cards' emotions change: the lock applies as to every edit of content.
    board = get_board_for_user(request.user, board_id, write=True, facilitator=True)
    try:
        apply_round(request.user, board)
    except ValidationError as error:
        return _refused(error)
    return _changed(request, board)


@login_required
@require_POST
def card_rating(request, board_id, card_id):
    board = get_board_for_user(request.user, board_id, write=True)
    card = get_object_or_404(Card.objects.select_related("phase"), pk=card_id, phase__board=board)
    value = request.POST.get("value", "").strip()
    try:
        if value == "clear":
            rate(request.user, card, None)
        elif value.lstrip("-").isdigit() and int(value) in LEVELS:
            rate(request.user, card, int(value))
        else:
            raise ValidationError(_("A rating is a whole number from -2 to 2, or “clear”."))
    except ValidationError as error:
        return _refused(error)
    card = Card.objects.filter(pk=card.pk).only("id", "phase_id").first()
    shown = rating_bar(board, request.user)["rating"].results_shown
    return _render(request, board, "rated", card=card, curve=emotion_curve(board) if shown else None)
