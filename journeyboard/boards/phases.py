"""Phases (the lanes of a board): create, edit, reorder and delete."""

from collections import Counter
from decimal import Decimal

from django.db.models import F

from . import limits
from .cards import CARD_FIELDS
from .catalog import palette_colour
from .card_personas import retag, with_personas
from .changes import board_change, clamp, fresh, in_order, record, save_positions
from .models import Card, Phase, Row, first_row_id

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
        limits.check_size(count + 1, 0)
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
        from_position = phase.position  # undo puts it back there; the name is for the history panel
        others = _phases(board.pk, exclude=phase.pk)
        position = clamp(position, len(others))
        others.insert(position, phase)
        save_positions(Phase, others)
        record(
            board, actor, "phase.moved", phase=phase.pk, name=phase.name, from_position=from_position, position=position
        )
    return phase


def delete_phase(actor, phase):
    """Delete a phase together with its cards. The event keeps their content and row
    (`deleted_cards`, in row and cell order), so that undo can put the phase back as it was."""
    with board_change(phase.board_id) as board:
        phase = fresh(Phase.objects.filter(board=board), phase.pk)
        phase_id, snapshot, position = phase.pk, _snapshot(phase), phase.position
        cards = with_personas(list(phase.cards.order_by("row__position", "row_id", "position", "pk").values("id", "row", *CARD_FIELDS)))
        phase.delete()
        save_positions(Phase, _phases(board.pk))
        record(
            board,
            actor,
            "phase.deleted",
            phase=phase_id,
            position=position,
            before=snapshot,
            cards=len(cards),
            deleted_cards=cards,
        )


def restore_phase(actor, board, fields, position, cards):
    """Put a deleted phase back (undo of a deletion) as one change: its name, colour, segment
    and KPI (`fields`, as `_snapshot` recorded them), at `position`, with `cards` (field dicts,
    in cell order, each with its `row` id, or without one for the first row; a row gone
    meanwhile means the first row). Phase and cards get new ids; the event lists the cards'
    new ids in the order of `cards`, so that history can follow the old ids to the new ones."""
    with board_change(board.pk) as board:
        count = Phase.objects.filter(board=board).count()
        limits.check_room(board, phases=1, cards=len(cards))
        phase = Phase(board=board, position=clamp(position, count), **fields)
        phase.full_clean()
        if phase.position < count:  # make room: positions stay gap-free
            Phase.objects.filter(board=board, position__gte=phase.position).update(position=F("position") + 1)
        phase.save()
        rows = list(Row.objects.filter(board=board).order_by("position", "pk").values_list("pk", flat=True))
        if not rows:
            rows = [first_row_id(board.pk)]
        restored, cells = [], Counter()
        for card in cards:
            fields = {name: value for name, value in card.items() if name not in ("row", "personas")}
            row_id = card.get("row") if card.get("row") in rows else rows[0]
            restored.append(Card(phase=phase, row_id=row_id, author=actor, position=cells[row_id], **fields))
            cells[row_id] += 1
        for card in restored:
            card.full_clean()
        Card.objects.bulk_create(restored)
        retag(board, restored, [card.get("personas", ()) for card in cards])
        new_ids = [card.pk for card in restored]
        record(board, actor, "phase.created", phase=phase.pk, after=_snapshot(phase), cards=new_ids)
    return phase
