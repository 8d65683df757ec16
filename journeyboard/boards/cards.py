"""Touchpoint cards: create, edit, move and delete, each as one recorded board change.

A card sits in one cell of the journey grid (a phase × a row) at a 0-based position that
is gap-free within that cell."""

from django.core.exceptions import ValidationError
from django.db.models import F
from django.utils.translation import gettext as _

from . import limits
from .changes import board_change, clamp, fresh, in_order, record, save_positions
from .models import Card, Persona, Phase, Row

CARD_FIELDS = ("title", "note", "channel", "emotion", "kind")
# Validating a card checks its fields, not its phase, row and author: the services read those
# under the board's lock (they exist), and checking them again would cost a query each per edit.
NOT_VALIDATED = ["phase", "row", "author"]


def _cell(phase_id, row_id, exclude=None):
    return in_order(Card.objects.filter(phase_id=phase_id, row_id=row_id), exclude)


def board_row(board, row):
    """`row` (a Row or an id) re-read under the board's lock as a row of `board`; None means
    the board's first row. A row of another board is bad input (422), as for phases."""
    if row is None:
        first = Row.objects.filter(board=board).order_by("position", "pk").first()
        if first is None:
            raise ValidationError({"row": _("This board has no rows.")})
        return first
    row_id = row.pk if isinstance(row, Row) else row
    if isinstance(row, Row) and row.board_id != board.pk:
        raise ValidationError({"row": _("That row belongs to another board.")})
    found = Row.objects.filter(board=board, pk=row_id).first()
    if found is None:
        raise ValidationError({"row": _("That row is not on this board.")})
    return found


def _snapshot(card):
    return {name: getattr(card, name) for name in CARD_FIELDS}


def create_card(actor, phase, position=None, row=None, personas=(), **fields):
    """Append a card to the end of a cell (`phase` × `row`, by default the board's first
    row), or put it at `position` (0-based, clamped): undoing a deletion puts the card back
    where it was, with those of its `personas` (ids) that are still on the board."""
    with board_change(phase.board_id) as board:
        phase = fresh(Phase.objects.filter(board=board), phase.pk)
        row = board_row(board, row)
        limits.check_room(board, cards=1)
        card = Card(phase=phase, row=row, author=actor, **fields)
        cell = Card.objects.filter(phase=phase, row=row)
        count = cell.count()
        card.position = count if position is None else clamp(position, count)
        card.full_clean(exclude=NOT_VALIDATED)
        if card.position < count:  # make room: positions stay gap-free
            cell.filter(position__gte=card.position).update(position=F("position") + 1)
        card.save()
        after = _snapshot(card)
        if personas:
            tagged = list(Persona.objects.filter(board=board, pk__in=personas).order_by("pk"))
            card.personas.set(tagged)
            after["personas"] = [persona.pk for persona in tagged]
        record(board, actor, "card.created", card=card.pk, phase=phase.pk, row=row.pk, after=after)
    return card


class CardConflict(Exception):
    """The card changed after the editor was opened; carries the current card."""

    def __init__(self, card):
        super().__init__(f"card {card.pk} changed meanwhile")
        self.card = card


def card_version(card):
    return card.updated_at.isoformat()


def update_card(actor, card, expected_version=None, **fields):
    """Edit a card. With `expected_version` (from the form), refuse with CardConflict if
    someone else saved the card since: no silent lost update."""
    unknown = set(fields) - set(CARD_FIELDS)
    if unknown:
        raise ValueError(f"not editable card fields: {sorted(unknown)}")
    with board_change(card.phase.board_id) as board:
        # Re-read under the lock and write only the edited fields, so that a move
        # committed meanwhile keeps its phase and position.
        card = fresh(Card.objects.select_related("phase").filter(phase__board=board), card.pk)
        if expected_version and expected_version != card_version(card):
            raise CardConflict(card)
        before = _snapshot(card)
        for name, value in fields.items():
            setattr(card, name, value)
        card.full_clean(exclude=NOT_VALIDATED)
        card.save(update_fields=[*fields, "updated_at"])
        record(board, actor, "card.updated", card=card.pk, phase=card.phase_id, before=before, after=_snapshot(card))
    return card


def move_card(actor, card, phase, position, row=None):
    """Put a card at `position` (0-based, clamped) in the cell `phase` × `row` (by default
    the card's own row), closing the gap it leaves."""
    with board_change(card.phase.board_id) as board:
        if phase.board_id != board.pk:
            raise ValidationError({"phase": _("That phase belongs to another board.")})
        if isinstance(row, Row) and row.board_id != board.pk:
            raise ValidationError({"row": _("That row belongs to another board.")})
        card = fresh(Card.objects.select_related("phase").filter(phase__board=board), card.pk)
        phase = fresh(Phase.objects.filter(board=board), phase.pk)
        row = board_row(board, card.row_id if row is None else row)
        source_id, from_row, from_position = card.phase_id, card.row_id, card.position
        source = _cell(source_id, from_row, exclude=card.pk)
        same_cell = (phase.pk, row.pk) == (source_id, from_row)
        target = source if same_cell else _cell(phase.pk, row.pk)
        position = clamp(position, len(target))
        target.insert(position, card)
        card.position = position  # written with its new cell below; the neighbours make room
        save_positions(Card, target)
        if target is not source:
            save_positions(Card, source)
        card.phase, card.row = phase, row
        Card.objects.filter(pk=card.pk).update(phase=phase, row=row, position=position)
        # Where it came from and its title: what undo and the history panel need.
        record(
            board,
            actor,
            "card.moved",
            card=card.pk,
            title=card.title,
            from_phase=source_id,
            from_position=from_position,
            phase=phase.pk,
            position=position,
            from_row=from_row,
            row=row.pk,
        )
    card.from_phase_id, card.from_row_id = source_id, from_row
    return card


def delete_card(actor, card):
    with board_change(card.phase.board_id) as board:
        card = fresh(Card.objects.filter(phase__board=board), card.pk)
        snapshot = _snapshot(card)
        personas = sorted(card.personas.values_list("pk", flat=True))
        if personas:  # for undo: the card comes back with them
            snapshot["personas"] = personas
        card_id, phase_id, row_id, position = card.pk, card.phase_id, card.row_id, card.position
        card.delete()
        save_positions(Card, _cell(phase_id, row_id))
        record(board, actor, "card.deleted", card=card_id, phase=phase_id, row=row_id, position=position, before=snapshot)
    return phase_id
