"""Phase (lane) endpoints. Adding, moving or deleting a phase re-renders the board body;
editing one re-renders its lane and, out of band, the buyer/customer band above."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_htmx.http import reswap, retarget

from ..access import get_board_for_user
from ..forms import PhaseCreateForm, PhaseForm, PhaseKpiForm, PositionForm, with_current_values
from ..models import Phase
from ..phases import create_phase, delete_phase, move_phase, update_phase
from ..rendering import BOARD_TEMPLATE, board_context, lane_update, load_phases, render_board_fragment
from .errors import refusal


def _phase(board, phase_id):
    return get_object_or_404(Phase, pk=phase_id, board=board)


def _board_body(request, board):
    # The service bumped the revision on its own locked copy of the board.
    board.refresh_from_db(fields=["revision", "updated_at"])
    return render(request, f"{BOARD_TEMPLATE}#board-body", board_context(board))


@login_required
@require_POST
def phase_create(request, board_id):
    board = get_board_for_user(request.user, board_id, write=True)
    form = PhaseCreateForm(request.POST)
    if not form.is_valid():
        response = render_board_fragment(request, board, "add-phase-form", status=422, phase_form=form)
        return retarget(reswap(response, "outerHTML"), "#add-phase")
    try:
        create_phase(request.user, board, **form.cleaned_data)
    except ValidationError as error:  # the board is full (limits.py)
        form.add_error("name", error.messages)
        response = render_board_fragment(request, board, "add-phase-form", status=422, phase_form=form)
        return retarget(reswap(response, "outerHTML"), "#add-phase")
    return _board_body(request, board)


@login_required
@require_POST
def phase_update(request, board_id, phase_id):
    board = get_board_for_user(request.user, board_id, write=True)
    phase = _phase(board, phase_id)
    fields = PhaseForm._meta.fields
    form = PhaseForm(with_current_values(request.POST, phase, fields), instance=phase, auto_id=f"phase-{phase.pk}-%s")
    status = 422
    if form.is_valid():
        update_phase(request.user, phase, **{name: form.cleaned_data[name] for name in fields})
        status, form = 200, None
    context = lane_update(board, phase.pk)
    return render_board_fragment(request, board, "lane-updated", status=status, phase_edit_form=form, **context)


@login_required
@require_http_methods(["GET", "POST"])
def phase_kpi(request, board_id, phase_id):
    """GET: the KPI editor (fetched when a writer opens it). POST: set or (all fields empty)
    remove a phase's KPI. Unlike a rename, every KPI field is posted: a left-out field is
    empty, so unticking "lower is better" works."""
    board = get_board_for_user(request.user, board_id, write=True)
    phase = _phase(board, phase_id)
    if request.method == "GET":
        return render_board_fragment(request, board, "kpi-form", phase=phase)
    form = PhaseKpiForm(request.POST, instance=phase, auto_id=f"kpi-{phase.pk}-%s")
    status = 422
    if form.is_valid():
        update_phase(request.user, phase, **{name: form.cleaned_data[name] for name in PhaseKpiForm._meta.fields})
        status, form = 200, None
    context = lane_update(board, phase.pk)
    return render_board_fragment(request, board, "lane-updated", status=status, kpi_form=form, **context)


@login_required
@require_POST
def phase_move(request, board_id, phase_id):
    board = get_board_for_user(request.user, board_id, write=True)
    phase = _phase(board, phase_id)
    form = PositionForm(request.POST)
    if not form.is_valid():
        return refusal(_("Moving needs a whole-number position."))
    move_phase(request.user, phase, form.cleaned_data["position"])
    return _board_body(request, board)


@login_required
@require_POST
def phase_delete(request, board_id, phase_id):
    board = get_board_for_user(request.user, board_id, write=True)
    delete_phase(request.user, _phase(board, phase_id))
    return _board_body(request, board)


@login_required
@require_GET
def phase_cards(request, board_id, phase_id):
    """The lane with all its cards (the board page shows only the first ones of long lanes)."""
    board = get_board_for_user(request.user, board_id)
    lane = load_phases(board, only=_phase(board, phase_id).pk, all_cards=True)[0]
    return render_board_fragment(request, board, "lane", phase=lane)
