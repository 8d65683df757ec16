"""Rows (the horizontal bands of the journey grid): create, edit, reorder and delete.

A board has one or more rows in order; with the phases they make the grid's cells, each
card sitting in one. A row's layer places it in a service blueprint (customer actions,
frontstage, backstage, support processes): the board draws the blueprint's lines where
the layer changes from one row to the next.
"""

from collections import Counter

from django.core.exceptions import ValidationError
from django.db.models import F
from django.utils.translation import gettext as _

from . import limits
from .cards import CARD_FIELDS
from .card_personas import retag, with_personas
from .changes import board_change, clamp, fresh, in_order, record, save_positions
from .models import ROW_COLOUR, Card, Phase, Row

ROW_FIELDS = ("name", "layer", "color")


def _rows(board_id, exclude=None):
    return in_order(Row.objects.filter(board_id=board_id), exclude)


def _snapshot(row, fields=ROW_FIELDS):
    return {name: getattr(row, name) for name in fields}


def create_row(actor, board, name, layer="customer", color=""):
    """Append a row at the bottom of the grid."""
    with board_change(board.pk) as board:
        count = Row.objects.filter(board=board).count()
        limits.check_rows(count + 1)
        row = Row(board=board, name=name, layer=layer, color=color or ROW_COLOUR, position=count)
        row.full_clean()
        row.save()
        record(board, actor, "row.created", row=row.pk, after=_snapshot(row))
    return row


def update_row(actor, row, **fields):
    unknown = set(fields) - set(ROW_FIELDS)
    if unknown:
        raise ValueError(f"not editable row fields: {sorted(unknown)}")
    with board_change(row.board_id) as board:
        row = fresh(Row.objects.filter(board=board), row.pk)
        before = _snapshot(row, fields)
        for name, value in fields.items():
            setattr(row, name, value)
        row.full_clean()
        row.save(update_fields=list(fields))
        record(board, actor, "row.updated", row=row.pk, before=before, after=_snapshot(row, fields))
    return row


def move_row(actor, row, position):
    with board_change(row.board_id) as board:
        row = fresh(Row.objects.filter(board=board), row.pk)
        from_position = row.position
        others = _rows(board.pk, exclude=row.pk)
        position = clamp(position, len(others))
        others.insert(position, row)
        save_positions(Row, others)
        record(board, actor, "row.moved", row=row.pk, name=row.name, from_position=from_position, position=position)
    return row


def delete_row(actor, row):
    """Delete a row together with its cards; a board keeps at least one row. The event
    keeps the cards' content and phase (`deleted_cards`, in phase and cell order), so that
    undo can put the row back as it was."""
    with board_change(row.board_id) as board:
        row = fresh(Row.objects.filter(board=board), row.pk)
        if Row.objects.filter(board=board).count() <= 1:
            raise ValidationError(_("A board keeps at least one row."))
        row_id, snapshot, position = row.pk, _snapshot(row), row.position
        cards = with_personas(list(
            row.cards.order_by("phase__position", "phase_id", "position", "pk").values("id", "phase", *CARD_FIELDS)
        ))
        row.delete()
        save_positions(Row, _rows(board.pk))
        record(
            board, actor, "row.deleted", row=row_id, position=position, before=snapshot, cards=len(cards),
            deleted_cards=cards,
        )


def restore_row(actor, board, fields, position, cards):
    """Put a deleted row back (undo of a deletion) as one change, at `position`, with
    `cards` (field dicts with their `phase` id, in cell order). Row and cards get new ids;
    the event lists the cards' new ids in the order of `cards`. A card whose phase is gone
    meanwhile cannot come back: the undo is refused (ValidationError)."""
    with board_change(board.pk) as board:
        count = Row.objects.filter(board=board).count()
        limits.check_rows(count + 1)
        limits.check_room(board, cards=len(cards))
        phases = set(Phase.objects.filter(board=board).values_list("pk", flat=True))
        if any(card["phase"] not in phases for card in cards):
            raise ValidationError(_("A phase of this row's cards has been deleted meanwhile."))
        row = Row(board=board, position=clamp(position, count), **fields)
        row.full_clean()
        if row.position < count:  # make room: positions stay gap-free
            Row.objects.filter(board=board, position__gte=row.position).update(position=F("position") + 1)
        row.save()
        restored, cells = [], Counter()
        for card in cards:
            values = {name: card[name] for name in CARD_FIELDS}
            restored.append(Card(phase_id=card["phase"], row=row, author=actor, position=cells[card["phase"]], **values))
            cells[card["phase"]] += 1
        for card in restored:
            card.full_clean(exclude=["phase", "row", "author"])
        Card.objects.bulk_create(restored)
        retag(board, restored, [card.get("personas", ()) for card in cards])
        record(board, actor, "row.created", row=row.pk, after=_snapshot(row), cards=[card.pk for card in restored])
    return row
