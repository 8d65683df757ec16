"""Dot voting endpoints: the voting bar, starting and closing a round (facilitators), and
giving or taking back a vote (anyone who may edit the board).

The bar is personal (how many votes *you* have left, which cards are yours, the
facilitator's buttons), so it is never broadcast: a broadcast tells each page to fetch
its own (templates/boards/voting.html, static/js/voting.js).
"""

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST
from django_htmx.http import reswap

from ..access import get_board_for_user
from ..models import VOTES_MAX, Card
from ..rendering import viewer_flags
from ..voting import cards_with_votes, close_round, start_round, toggle_vote, voting_bar, with_votes
from .errors import refusal

VOTING_TEMPLATE = "boards/voting.html"
# What a vote button sends: what it showed, so a click means the same even if another
# tab of the same person changed the vote meanwhile. Left out: toggle.
VOTE_ACTIONS = {"give": True, "take": False, "": None}


class VotingRoundForm(forms.Form):
    votes_per_person = forms.IntegerField(
        label=gettext_lazy("Votes per person"), min_value=1, max_value=VOTES_MAX
    )
    hidden_results = forms.BooleanField(label=gettext_lazy("Hide results until voting closes"), required=False)


def _render(request, board, name, status=200, **extra):
    context = {**viewer_flags(board), **voting_bar(board, request.user), **extra}
    return render(request, f"{VOTING_TEMPLATE}#{name}", context, status=status)


def _refused(error):
    # Text for the toast; htmx swaps 422 answers, so tell it to leave the page alone.
    return reswap(refusal(" ".join(error.messages)), "none")


@login_required
@require_GET
def voting_panel(request, board_id):
    # Pages ask for their bar by themselves (after a broadcast), so access is decided here.
    board = get_board_for_user(request.user, board_id)
    return _render(request, board, "voting")


@login_required
@require_POST
def voting_start(request, board_id):
    board = get_board_for_user(request.user, board_id, facilitator=True)
    form = VotingRoundForm(request.POST)
    if not form.is_valid():
        return _render(request, board, "voting", status=422, round_form=form)
    try:
        start_round(request.user, board, **form.cleaned_data)
    except ValidationError as error:  # another round is open (two facilitators at once)
        return _refused(error)
    return _render(request, board, "voting-changed", vote_cards=cards_with_votes(board))


def voting(request, board_id):
    """One URL for the bar: GET renders it, POST starts a round."""
    if request.method == "POST":
        return voting_start(request, board_id)
    return voting_panel(request, board_id)


@login_required
@require_POST
def voting_close(request, board_id):
    board = get_board_for_user(request.user, board_id, facilitator=True)
    try:
        close_round(request.user, board)
    except ValidationError as error:
        return _refused(error)
    return _render(request, board, "voting-changed", vote_cards=cards_with_votes(board))


@login_required
@require_POST
def card_vote(request, board_id, card_id):
    board = get_board_for_user(request.user, board_id, write=True)
    card = get_object_or_404(Card.objects.select_related("phase"), pk=card_id, phase__board=board)
    action = request.POST.get("vote", "")
    if action not in VOTE_ACTIONS:
        return _refused(ValidationError(_("A vote is “give” or “take”.")))
    try:
        toggle_vote(request.user, card, give=VOTE_ACTIONS[action])
    except ValidationError as error:
        return _refused(error)
    card = with_votes(Card.objects.filter(pk=card.pk).only("id"), board.pk).first()
    return _render(request, board, "vote-changed", card=card)
