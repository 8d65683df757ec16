"""Card endpoints: thin wrappers that parse, check access, call `boards.cards` and render."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST
from django_htmx.http import reswap, retarget, trigger_client_event

from ..access import get_board_for_user
from ..curve import emotion_curve
from ..cards import CardConflict, create_card, delete_card, move_card, update_card
from ..forms import CardForm, CardMoveForm, with_current_values
from ..models import Card, Phase
from ..rendering import badged_cards, card_alterations, card_form, card_state, lane_tallies, render_board_fragment
from .errors import refusal
from .phases import phase_cards


def _changed(request, board, card, counted=(), channelled=(), curve=False):
    """The answer to a card change: the card (None once deleted) and, out of band, what the
    change altered around it: the card counts of the `counted` lanes, the channel footers
    of the `channelled` ones and the emotion curve if `curve` (see card_alterations)."""
    context = {"card": card, **lane_tallies(counted, channelled), "curve": curve and emotion_curve(board)}
    return render_board_fragment(request, board, "card-changed", **context)


def _badges_from(card, shown):
    """`card` as the services hand it back, with the badge counts of `shown`, the same card
    as the view read it: an edit or a move changes neither its comments nor its votes."""
    card.comment_count, card.vote_count = shown.comment_count, shown.vote_count
    return card


def _card(board, card_id):
    """A card of this board (with its badge counts); a card of any other board is simply not found."""
    return get_object_or_404(badged_cards(board.pk).select_related("phase"), pk=card_id, phase__board=board)


@login_required
@require_POST
def card_create(request, board_id, phase_id):
    board = get_board_for_user(request.user, board_id, write=True)
    phase = get_object_or_404(Phase, pk=phase_id, board=board)
    # Fields left out take the model's defaults (a plain touchpoint without emotion).
    form = CardForm(with_current_values(request.POST, Card(), CardForm._meta.fields))
    if form.is_valid():
        card = create_card(request.user, phase, **form.cleaned_data)
        card.comment_count = card.vote_count = 0  # a new card has neither
        return _changed(request, board, card, [phase.pk], *card_alterations(None, card_state(card)))
    response = render_board_fragment(request, board, "add-card-form", status=422, phase=phase, add_form=form)
    # The lane's list was the target for a new card; the errors belong in the form itself.
    return retarget(reswap(response, "outerHTML"), f"#add-card-{phase.pk}")


@login_required
@require_GET
def card_detail(request, board_id, card_id):
    board = get_board_for_user(request.user, board_id)
    return render_board_fragment(request, board, "card", card=_card(board, card_id))


@login_required
@require_GET
def card_edit_form(request, board_id, card_id):
    board = get_board_for_user(request.user, board_id, write=True)
    card = _card(board, card_id)
    return render_board_fragment(request, board, "card-form", card=card, form=card_form(card))


@login_required
@require_POST
def card_update(request, board_id, card_id):
    board = get_board_for_user(request.user, board_id, write=True)
    shown = _card(board, card_id)
    before = card_state(shown)  # validating writes the new values onto `shown`
    fields = CardForm._meta.fields
    form = card_form(shown, data=with_current_values(request.POST, shown, fields))
    if not form.is_valid():
        return render_board_fragment(request, board, "card-form", status=422, card=_card(board, card_id), form=form)
    try:
        card = update_card(
            request.user, shown, expected_version=request.POST.get("version"), **{f: form.cleaned_data[f] for f in fields}
        )
    except CardConflict as conflict:
        current = conflict.card
        return render_board_fragment(
            request, board, "card-form", status=409, card=current, form=card_form(current), conflict=True
        )
    return _changed(request, board, _badges_from(card, shown), (), *card_alterations(before, card_state(card)))


@login_required
@require_POST
def card_move(request, board_id, card_id):
    board = get_board_for_user(request.user, board_id, write=True)
    card = _card(board, card_id)
    form = CardMoveForm(request.POST)
    if not form.is_valid():
        return refusal(_("Moving needs a phase id and a whole-number position."))
    phase = Phase.objects.filter(pk=form.cleaned_data["phase"], board=board).first()
    if phase is None:
        return refusal(_("That phase is not part of this board."))
    try:
        moved = move_card(request.user, card, phase, form.cleaned_data["position"])
    except ValidationError as error:
        return refusal(" ".join(error.messages))
    before = (moved.from_phase_id, moved.channel, moved.emotion)
    altered = card_alterations(before, card_state(moved))
    response = _changed(request, board, _badges_from(moved, card), [moved.from_phase_id, moved.phase_id], *altered)
    # Where the card is now, in words, for the page's live region (a move by keyboard is not seen).
    return trigger_client_event(response, "jb:announce", {"message": _moved_to(moved, phase)})


def _moved_to(card, phase):
    count = Card.objects.filter(phase=phase).count()
    return _("Moved to %(phase)s, position %(position)d of %(count)d") % {
        "phase": phase.name,
        "position": card.position + 1,
        "count": count,
    }


@login_required
@require_POST
def card_delete(request, board_id, card_id):
    board = get_board_for_user(request.user, board_id, write=True)
    card = _card(board, card_id)
    phase_id = delete_card(request.user, card)
    # No card in the answer: htmx swaps the card (or its open form) away; the count follows out of band.
    return _changed(request, board, None, [phase_id], *card_alterations((phase_id, card.channel, card.emotion), None))


def phase_cards_or_create(request, board_id, phase_id):
    """GET lists a lane's cards (all of them), POST adds one."""
    if request.method == "POST":
        return card_create(request, board_id, phase_id)
    return phase_cards(request, board_id, phase_id)


def card_detail_or_update(request, board_id, card_id):
    """One URL per card: GET renders it, POST edits it (the public contract)."""
    if request.method == "POST":
        return card_update(request, board_id, card_id)
    return card_detail(request, board_id, card_id)
