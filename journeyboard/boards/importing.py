"""Importing cards into an existing board: a CSV, an XLSX or a journeyboard JSON file whose
cards are added to the board as one change (`cards.imported`), which undo takes back whole.

- The file is read as for a new board (spreadsheet.spreadsheet_document, transfer.parse_json)
  and checked by transfer.validate_board: every problem with its line and column (or its
  path in the JSON), nothing saved when there is one.
- Phases are matched by name, whatever the case and the spaces around it; a phase the board
  lacks is added at the end, with the file's segment, colour and KPI. A matched phase keeps
  its own: the import adds cards, it changes nothing that is there.
- Rows are matched by name the same way; a row the board lacks is added below the others,
  with the file's layer and colour. A file without rows puts its cards in the first row.
- Cards are appended to the end of their cell (phase × row), in the file's order.
- A card keeps those of its personas the board has a persona of the same name (matched as
  phases are); the import adds no personas.
- The board's size limits (limits.py) count the board and the file together.

Undoing the import removes exactly the cards, phases and rows it added (`cards.unimported`,
which keeps their content); redoing it puts them back where they were, under new ids.
"""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db.models import Count
from django.utils.translation import gettext as _

from . import limits
from .card_personas import retag, with_personas
from .cards import CARD_FIELDS
from .changes import Gone, board_change, clamp, in_order, record, renumber, save_positions
from .models import Card, Persona, Phase, Row
from .phases import PHASE_FIELDS
from .rows import ROW_FIELDS
from .spreadsheet import is_spreadsheet, spreadsheet_document
from .transfer import parse_json, validate_board


def read_document(name, raw, language=None):
    """An uploaded file's bytes as a `journeyboard/1` document (CSV, XLSX or JSON);
    ValidationError listing what is wrong."""
    if is_spreadsheet(name):
        return spreadsheet_document(name, raw, language)
    return parse_json(raw)


def fold(name):
    """A phase's name as the import matches it: case and surrounding spaces do not count."""
    return " ".join(name.split()).casefold()


def import_cards(actor, board, document):
    """Add the document's cards (and the phases the board lacks) to `board` as one change;
    return the recorded event. ValidationError, nothing saved, if anything is wrong."""
    _new_board, file_personas, file_rows, phases = validate_board(document)
    with board_change(board.pk) as board:
        rows, added_rows = _rows_for(board, file_rows)
        existing = list(Phase.objects.filter(board=board).order_by("position", "pk"))
        lanes = {}
        for phase in existing:
            lanes.setdefault(fold(phase.name), phase)  # of two phases of one name, the first
        added_phases, targets = [], []
        for phase, cards in phases:
            target = lanes.get(fold(phase.name))
            if target is None:
                phase.board, phase.position = board, len(existing) + len(added_phases)
                target = lanes[fold(phase.name)] = phase
                added_phases.append(phase)
            targets.append((target, cards))
        total = sum(len(cards) for _target, cards in targets)
        if not total:
            raise ValidationError(_("The file holds no cards to add."))
        limits.check_room(board, phases=len(added_phases), cards=total)
        Phase.objects.bulk_create(added_phases)
        Row.objects.bulk_create(added_rows)
        counts = Card.objects.filter(phase__board=board).values("phase", "row").annotate(n=Count("id"))
        ends = {(count["phase"], count["row"]): count["n"] for count in counts}
        added = []
        for target, cards in targets:
            for card in cards:
                card.phase, card.row, card.author = target, rows[card.row_index], actor
                cell = (target.pk, card.row.pk)
                card.position = ends.get(cell, 0)
                ends[cell] = card.position + 1
                added.append(card)
        Card.objects.bulk_create(added, batch_size=500)
        retag(board, added, _board_personas(board, file_personas, added))
        return record(
            board,
            actor,
            "cards.imported",
            cards=[card.pk for card in added],
            phases=[p.pk for p in added_phases],
            rows=[row.pk for row in added_rows],
        )


def _board_personas(board, file_personas, cards):
    """For each card the ids of the board's personas named as its personas in the file."""
    if not any(getattr(card, "persona_indexes", ()) for card in cards):
        return [[] for _card in cards]
    by_name = {}
    for persona in Persona.objects.filter(board=board).order_by("pk"):
        by_name.setdefault(fold(persona.name), persona.pk)
    named = [by_name.get(fold(persona.name)) for persona in file_personas]
    return [[named[i] for i in getattr(card, "persona_indexes", ()) if named[i] is not None] for card in cards]


def _rows_for(board, file_rows):
    """For each of the file's rows the board's row of that name, made (unsaved, at the end)
    where the board has none: ([row per file row], [rows to add])."""
    existing = list(Row.objects.filter(board=board).order_by("position", "pk"))
    by_name = {}
    for row in existing:
        by_name.setdefault(fold(row.name), row)
    if len(file_rows) == 1 and fold(file_rows[0].name) not in by_name:
        return [existing[0]], []  # a file of one row (or none): the board's first row
    added = []
    for row in file_rows:
        if fold(row.name) not in by_name:
            row.board, row.position = board, len(existing) + len(added)
            by_name[fold(row.name)] = row
            added.append(row)
    limits.check_rows(len(existing) + len(added))
    return [by_name[fold(row.name)] for row in file_rows], added


def remove_imported(actor, board, card_ids, phase_ids, row_ids=()):
    """Undo of an import: delete exactly its cards and the phases and rows it added, as one
    change that keeps their content (`cards.unimported`) for a redo."""
    with board_change(board.pk) as board:
        found = Card.objects.filter(phase__board=board, pk__in=card_ids)
        cards = {card["id"]: card for card in found.values("id", "phase", "row", "position", *CARD_FIELDS)}
        phases = list(Phase.objects.filter(board=board, pk__in=phase_ids).order_by("position"))
        rows = list(Row.objects.filter(board=board, pk__in=row_ids).order_by("position"))
        if len(cards) != len(set(card_ids)) or len(phases) != len(set(phase_ids)) or len(rows) != len(set(row_ids)):
            raise Gone(_("Someone else deleted this meanwhile."))
        if Card.objects.filter(phase__in=phases).exclude(pk__in=card_ids).exists():
            raise ValidationError(_("Other cards are in a phase this import added."))
        if Card.objects.filter(row__in=rows).exclude(pk__in=card_ids).exists():
            raise ValidationError(_("Other cards are in a row this import added."))
        removed_cards = with_personas([cards[pk] for pk in card_ids])
        removed_phases = [{"id": phase.pk, "position": phase.position, **_fields(phase)} for phase in phases]
        removed_rows = [{"id": row.pk, "position": row.position, **{n: getattr(row, n) for n in ROW_FIELDS}} for row in rows]
        cells = {(card["phase"], card["row"]) for card in removed_cards if card["phase"] not in phase_ids}
        Card.objects.filter(pk__in=card_ids).delete()
        Phase.objects.filter(pk__in=phase_ids).delete()
        Row.objects.filter(pk__in=row_ids).delete()
        for phase, row in cells:
            if row not in row_ids:
                save_positions(Card, in_order(Card.objects.filter(phase_id=phase, row_id=row)))
        save_positions(Phase, in_order(Phase.objects.filter(board=board)))
        save_positions(Row, in_order(Row.objects.filter(board=board)))
        return record(board, actor, "cards.unimported", cards=removed_cards, phases=removed_phases, rows=removed_rows)


def _fields(phase):
    # Events are JSON: KPI numbers are kept as exact decimal strings (as phases.py does).
    values = {name: getattr(phase, name) for name in PHASE_FIELDS}
    return {name: str(value) if isinstance(value, Decimal) else value for name, value in values.items()}


def restore_imported(actor, board, phases, cards, rows=()):
    """Redo of an import: put back `phases` and `rows` (dicts as `cards.unimported` keeps
    them) and `cards` (their `phase` and `row` ids of those, or of the board's own) where
    they were, under new ids; recorded as `cards.imported`, ids in the order given."""
    with board_change(board.pk) as board:
        limits.check_room(board, phases=len(phases), cards=len(cards))
        made_rows = _restore_rows(board, rows)
        order = in_order(Phase.objects.filter(board=board))
        made = {}
        for data in sorted(phases, key=lambda data: data["position"]):
            phase = Phase(board=board, **{name: data[name] for name in PHASE_FIELDS})
            phase.full_clean(exclude=["board"])
            order.insert(clamp(data["position"], len(order)), phase)
            made[data["id"]] = phase
        Phase.objects.bulk_update([p for p in renumber(order) if p.pk], ["position"])
        Phase.objects.bulk_create([made[data["id"]] for data in phases])
        by_cell = {}  # (phase id, row id) -> indexes in `cards`
        for index, card in enumerate(cards):
            by_cell.setdefault((card["phase"], card.get("row")), []).append(index)
        restored = {}  # index in `cards` -> the new card
        for (lane_id, row_id), indexes in by_cell.items():
            phase = made.get(lane_id) or Phase.objects.filter(board=board, pk=lane_id).first()
            row = made_rows.get(row_id) or _board_row(board, row_id)
            if phase is None or row is None:
                raise Gone(_("Someone else deleted this meanwhile."))
            fresh = lane_id in made or row_id in made_rows
            cell = [] if fresh else in_order(Card.objects.filter(phase=phase, row=row))
            for index in sorted(indexes, key=lambda i: cards[i]["position"]):
                card = Card(phase=phase, row=row, author=actor, **{name: cards[index][name] for name in CARD_FIELDS})
                card.full_clean(exclude=["phase", "row", "author"])
                cell.insert(clamp(cards[index]["position"], len(cell)), card)
                restored[index] = card
            renumber(cell)
            Card.objects.bulk_update([card for card in cell if card.pk], ["position"])
        Card.objects.bulk_create(list(restored.values()))
        ordered = [restored[index] for index in range(len(cards))]
        retag(board, ordered, [card.get("personas", []) for card in cards])
        return record(
            board,
            actor,
            "cards.imported",
            cards=[restored[index].pk for index in range(len(cards))],
            phases=[made[data["id"]].pk for data in phases],
            rows=[made_rows[data["id"]].pk for data in rows],
        )


def _restore_rows(board, rows):
    """Put back the rows an undone import had added, where they were: {old id: new row}."""
    order = in_order(Row.objects.filter(board=board))
    made = {}
    for data in sorted(rows, key=lambda data: data["position"]):
        row = Row(board=board, **{name: data[name] for name in ROW_FIELDS})
        order.insert(clamp(data["position"], len(order)), row)
        made[data["id"]] = row
    limits.check_rows(len(order))
    Row.objects.bulk_update([row for row in renumber(order) if row.pk], ["position"])
    Row.objects.bulk_create([made[data["id"]] for data in rows])
    return made


def _board_row(board, row_id):
    """A row of the board by id; its first row for a card kept before cards had rows."""
    rows = Row.objects.filter(board=board).order_by("position", "pk")
    return rows.filter(pk=row_id).first() if row_id is not None else rows.first()
