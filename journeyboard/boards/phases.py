"""Phases (the lanes of a board): create, edit, reorder and delete."""

from decimal import Decimal

from .catalog import palette_colour
from .changes import board_change, clamp, fresh, in_order, record, renumber
from .models import Phase

KPI_FIELDS = ("kpi_name", "kpi_value", "kpi_target", "kpi_unit", "kpi_lower_is_better")
PHASE_FIELDS = ("name", "segment", "color", *KPI_FIELDS)


def _phases(board_id, exclude=None):
    return in_order(Phase.objects.filter(board_id=board_id), exclude)


def _jsonable(value):
    # Events are JSON: KPI numbers are kept as exact decimal strings.
    return str(value) if isinstance(value, Decimal) else value


def _snapshot(phase, fields=PHASE_FIELDS):
    return {name: _jsonable(getattr(phase, name)) for name in fields}


def create_phase(actor, board, name, segment="buyer", color=""):
    """Append a phase; without a colour it takes the next one of the palette."""
    with board_change(board.pk) as board:
        count = Phase.objects.filter(board=board).count()
        phase = Phase(board=board, name=name, segment=segment, color=color or palette_colour(count), position=count)
        phase.full_clean()
        phase.save()
        record(board, actor, "phase.created", phase=phase.pk, after=_snapshot(phase))
    return phase


def update_phase(actor, phase, **fields):
    unknown = set(fields) - set(PHASE_FIELDS)
    if unknown:
        raise ValueError(f"not editable phase fields: {sorted(unknown)}")
    with board_change(phase.board_id) as board:
        phase = fresh(Phase.objects.filter(board=board), phase.pk)
        before = _snapshot(phase, fields)
        for name, value in fields.items():
            setattr(phase, name, value)
        phase.full_clean()
        phase.save(update_fields=list(fields))
        record(board, actor, "phase.updated", phase=phase.pk, before=before, after=_snapshot(phase, fields))
    return phase


def move_phase(actor, phase, position):
    with board_change(phase.board_id) as board:
        phase = fresh(Phase.objects.filter(board=board), phase.pk)
        others = _phases(board.pk, exclude=phase.pk)
        position = clamp(position, len(others))
        others.insert(position, phase)
        Phase.objects.bulk_update(renumber(others), ["position"])
        record(board, actor, "phase.moved", phase=phase.pk, position=position)
    return phase


def delete_phase(actor, phase):
    """Delete a phase together with its cards."""
    with board_change(phase.board_id) as board:
        phase = fresh(Phase.objects.filter(board=board), phase.pk)
        phase_id, snapshot = phase.pk, _snapshot(phase)
        card_count = phase.cards.count()
        phase.delete()
        Phase.objects.bulk_update(renumber(_phases(board.pk)), ["position"])
        record(board, actor, "phase.deleted", phase=phase_id, before=snapshot, cards=card_count)
