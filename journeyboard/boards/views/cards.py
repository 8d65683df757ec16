"""Card endpoints: thin wrappers that parse, check access, call `boards.cards` and answer
with the change as every other page gets it (answers.py)."""

from contextlib import nullcontext

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST
from django_htmx.http import reswap, retarget, trigger_client_event

from journeyboard.converters import MAX_ID, parse_id
from ..access import get_board_for_user
from ..card_personas import personas_on_board, set_card_personas, tagged_ids
from ..cards import CardConflict, create_card, delete_card, move_card, update_card
from ..changes import collecting
from ..badged import badged_cards
from ..forms import CardForm, CardMoveForm, CardRowForm, with_current_values
from ..models import Card, Persona, Phase, Row
from ..rendering import card_form, cell_of, render_board_fragment
from .answers import changed
from .errors import refusal
from .phases import phase_cards


def _card(board, card_id):
    """A card of this board (with its badge counts); a card of any other board is simply not found."""
    return get_object_or_404(badged_cards(board.pk).select_related("phase"), pk=card_id, phase__board=board)


@login_required
@require_POST
def card_create(request, board_id, phase_id):
    board = get_board_for_user(request.user, board_id, write=True)
    phase = get_object_or_404(Phase, pk=phase_id, board=board)
    row_form = CardRowForm(request.POST)
    if not row_form.is_valid():
        return refusal(_("A card's row is a row id of this board."))
    row = _board_row(board, row_form.cleaned_data["row"])
    if row is False:
        return refusal(_("That row is not part of this board."))
    # Fields left out take the model's defaults (a plain touchpoint without emotion).
    form = CardForm(with_current_values(request.POST, Card(), CardForm._meta.fields))
    if form.is_valid():
        try:
            with collecting() as made:
                create_card(request.user, phase, row=row, **form.cleaned_data)
        except ValidationError as error:  # the board is full (limits.py)
            form.add_error("title", error.messages)
        else:
            return changed(board, made)
    cell = cell_of(phase, row or Row.objects.filter(board=board).order_by("position", "pk").first())
    response = render_board_fragment(request, board, "add-card-form", status=422, phase=phase, cell=cell, add_form=form)
    # The cell's list was the target for a new card; the errors belong in the form itself.
    return retarget(reswap(response, "outerHTML"), f"#{cell.form_id}")


def _board_row(board, row_id):
    """The row `row_id` of this board, None when none was asked for, False when it is not one."""
    if row_id is None:
        return None
    return Row.objects.filter(pk=row_id, board=board).first() or False


@login_required
@require_GET
def card_detail(request, board_id, card_id):
    board = get_board_for_user(request.user, board_id)
    return render_board_fragment(request, board, "card", card=_card(board, card_id))


def _editor(request, board, card, form, status=200, **extra):
    """The card editor, with the board's phases and rows for its phase and row fields
    (choosing another moves the card); the row field only on a board of several rows."""
    phase_choices = Phase.objects.filter(board=board).order_by("position").values_list("pk", "name")
    row_choices = list(Row.objects.filter(board=board).order_by("position", "pk").values_list("pk", "name"))
    tagged = set(tagged_ids(card))
    persona_choices = [(persona, persona.pk in tagged) for persona in Persona.objects.filter(board=board).order_by("pk")]
    return render_board_fragment(
        request, board, "card-form", status=status, card=card, form=form, phase_choices=phase_choices,
        row_choices=row_choices if len(row_choices) > 1 else (), persona_choices=persona_choices, **extra
    )


def _chosen_personas(post, board):
    """(persona ids, refusal): the personas a card form chose, None when it sent no
    `personas` field (they stay as they are); or the message refusing them. Empty values
    are left out: the editor sends one first so that unticking every box says "none"."""
    if "personas" not in post:
        return None, None
    ids = [parse_id(value) for value in post.getlist("personas") if value != ""]
    if None in ids:
        return None, _("A card's personas are persona ids of this board.")
    try:
        return [persona.pk for persona in personas_on_board(board, ids)], None
    except ValidationError as error:
        return None, " ".join(error.messages)


def _chosen(posted, current, candidates):
    """What a phase or row field chose: None to stay where the card is, False for an id that
    is not one of `candidates` (or no id at all)."""
    if posted in ("", str(current)):
        return None
    pk = parse_id(posted)
    return pk is not None and candidates.filter(pk=pk).first() or False


@login_required
@require_GET
def card_edit_form(request, board_id, card_id):
    board = get_board_for_user(request.user, board_id, write=True)
    card = _card(board, card_id)
    return _editor(request, board, card, card_form(card))


@login_required
@require_POST
def card_update(request, board_id, card_id):
    board = get_board_for_user(request.user, board_id, write=True)
    shown = _card(board, card_id)
    fields = CardForm._meta.fields
    kept = {f: getattr(shown, f) for f in fields}  # validating writes the posted values into `shown`
    form = card_form(shown, data=with_current_values(request.POST, shown, fields))
    if not form.is_valid():
        return _editor(request, board, _card(board, card_id), form, status=422)
    phase = _chosen(request.POST.get("phase", ""), shown.phase_id, Phase.objects.filter(board=board))
    row = _chosen(request.POST.get("row", ""), shown.row_id, Row.objects.filter(board=board))
    if phase is False:
        return refusal(_("That phase is not part of this board."))
    if row is False:
        return refusal(_("That row is not part of this board."))
    personas, problem = _chosen_personas(request.POST, board)
    if problem:
        return refusal(problem)
    retag = personas is not None and personas != tagged_ids(shown)
    destination = None if phase is None and row is None else (phase or shown.phase)
    edited = {f: form.cleaned_data[f] for f in fields}
    try:
        # New personas besides other changes: one outcome, a refused part leaves the card as it was.
        with transaction.atomic() if retag else nullcontext(), collecting() as made:
            # Only a move, or only new personas, when only that changed: one change, one undo.
            version = request.POST.get("version")
            if edited != kept or (destination is None and not retag):
                update_card(request.user, shown, expected_version=version, **edited)
                version = None  # checked, and the card's version is this save's now
            if retag:
                set_card_personas(request.user, shown, personas, expected_version=version)
            if destination is not None:
                moved = move_card(request.user, shown, destination, MAX_ID, row=row)  # to the end of that cell
    except CardConflict as conflict:
        current = conflict.card
        return _editor(request, board, current, card_form(current), status=409, conflict=True)
    except ValidationError as error:  # a persona deleted meanwhile
        return refusal(" ".join(error.messages))
    if destination is None:
        return changed(board, made)
    return trigger_client_event(changed(board, made), "jb:announce", {"message": _moved_to(moved, destination)})


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
    row = _board_row(board, form.cleaned_data["row"])
    if row is False:
        return refusal(_("That row is not part of this board."))
    try:
        with collecting() as made:
            moved = move_card(request.user, card, phase, form.cleaned_data["position"], row=row)
    except ValidationError as error:
        return refusal(" ".join(error.messages))
    # Where the card is now, in words, for the page's live region (a move by keyboard is not seen).
    return trigger_client_event(changed(board, made), "jb:announce", {"message": _moved_to(moved, phase)})


def _moved_to(card, phase):
    count = Card.objects.filter(phase=phase, row_id=card.row_id).count()
    return _("Moved to %(phase)s, position %(position)d of %(count)d") % {
        "phase": phase.name,
        "position": card.position + 1,
        "count": count,
    }


@login_required
@require_POST
def card_delete(request, board_id, card_id):
    board = get_board_for_user(request.user, board_id, write=True)
    with collecting() as made:
        delete_card(request.user, _card(board, card_id))
    return changed(board, made)


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
