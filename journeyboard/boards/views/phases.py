"""Phase (lane) endpoints. A change answers with itself as every other page gets it
(answers.py): adding, moving or deleting a phase re-renders the board body, editing one
its lane and the buyer/customer band above."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_htmx.http import reswap, retarget

from ..access import get_board_for_user
from ..changes import collecting
from ..forms import PhaseCreateForm, PhaseForm, PhaseKpiForm, PositionForm, with_current_values
from ..models import Phase
from ..phases import create_phase, delete_phase, move_phase, update_phase
from ..rendering import lane_update, load_phases, render_board_fragment
from .answers import changed
from .errors import refusal


def _phase(board, phase_id):
    return get_object_or_404(Phase, pk=phase_id, board=board)


@login_required
@require_POST
def phase_create(request, board_id):
    board = get_board_for_user(request.user, board_id, write=True)
    form = PhaseCreateForm(request.POST)
    if not form.is_valid():
        response = render_board_fragment(request, board, "add-phase-form", status=422, phase_form=form)
        return retarget(reswap(response, "outerHTML"), "#add-phase")
    try:
        with collecting() as made:
            create_phase(request.user, board, **form.cleaned_data)
    except ValidationError as error:  # the board is full (limits.py)
        form.add_error("name", error.messages)
        response = render_board_fragment(request, board, "add-phase-form", status=422, phase_form=form)
        return retarget(reswap(response, "outerHTML"), "#add-phase")
    return changed(board, made)


@login_required
@require_POST
def phase_update(request, board_id, phase_id):
    board = get_board_for_user(request.user, board_id, write=True)
    phase = _phase(board, phase_id)
    fields = PhaseForm._meta.fields
    form = PhaseForm(with_current_values(request.POST, phase, fields), instance=phase, auto_id=f"phase-{phase.pk}-%s")
    if form.is_valid():
        with collecting() as made:
            update_phase(request.user, phase, **{name: form.cleaned_data[name] for name in fields})
        return changed(board, made)
    context = lane_update(board, phase.pk)
    return render_board_fragment(request, board, "lane-updated", status=422, phase_edit_form=form, **context)


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
    if form.is_valid():
        with collecting() as made:
            update_phase(request.user, phase, **{name: form.cleaned_data[name] for name in PhaseKpiForm._meta.fields})
        return changed(board, made)
    context = lane_update(board, phase.pk)
    return render_board_fragment(request, board, "lane-updated", status=422, kpi_form=form, **context)


@login_required
@require_POST
def phase_move(request, board_id, phase_id):
    board = get_board_for_user(request.user, board_id, write=True)
    phase = _phase(board, phase_id)
    form = PositionForm(request.POST)
    if not form.is_valid():
        return refusal(_("Moving needs a whole-number position."))
    with collecting() as made:
        move_phase(request.user, phase, form.cleaned_data["position"])
    return changed(board, made)


@login_required
@require_POST
def phase_delete(request, board_id, phase_id):
    board = get_board_for_user(request.user, board_id, write=True)
    with collecting() as made:
        delete_phase(request.user, _phase(board, phase_id))
    return changed(board, made)


@login_required
@require_GET
def phase_cards(request, board_id, phase_id):
    """The lane with all its cards (the board page shows only the first ones of long lanes)."""
    board = get_board_for_user(request.user, board_id)
    lane = load_phases(board, only=_phase(board, phase_id).pk, all_cards=True)[0]
    return render_board_fragment(request, board, "lane", phase=lane)
