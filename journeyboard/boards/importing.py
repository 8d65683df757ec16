"""Importing cards into an existing board: a CSV, an XLSX or a journeyboard JSON file whose
cards are added to the board as one change (`cards.imported`), which undo takes back whole.

- The file is read as for a new board (spreadsheet.spreadsheet_document, transfer.parse_json)
  and checked by transfer.validate_board: every problem with its line and column (or its
  path in the JSON), nothing saved when there is one.
- Phases are matched by name, whatever the case and the spaces around it; a phase the board
  lacks is added at the end, with the file's segment, colour and KPI. A matched phase keeps
  its own: the import adds cards, it changes nothing that is there.
- Cards are appended to the end of their phase, in the file's order.
- The board's size limits (limits.py) count the board and the file together.

Undoing the import removes exactly the cards and phases it added (`cards.unimported`,
which keeps their content); redoing it puts them back where they were, under new ids.
"""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db.models import Count
from django.utils.translation import gettext as _

from . import limits
from .cards import CARD_FIELDS
from .changes import Gone, board_change, clamp, in_order, record, renumber
from .models import Card, Phase
from .phases import PHASE_FIELDS
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
    _new_board, _personas, phases = validate_board(document)
    with board_change(board.pk) as board:
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
        ends = dict(
            Card.objects.filter(phase__board=board).values("phase").annotate(n=Count("id")).values_list("phase", "n")
        )
        added = []
        for target, cards in targets:
            for card in cards:
                card.phase, card.author, card.position = target, actor, ends.get(target.pk, 0)
                ends[target.pk] = card.position + 1
                added.append(card)
        Card.objects.bulk_create(added, batch_size=500)
        return record(
            board, actor, "cards.imported", cards=[card.pk for card in added], phases=[p.pk for p in added_phases]
        )


def remove_imported(actor, board, card_ids, phase_ids):
    """Undo of an import: delete exactly its cards and the phases it added, as one change
    that keeps their content (`cards.unimported`) for a redo."""
    with board_change(board.pk) as board:
        rows = Card.objects.filter(phase__board=board, pk__in=card_ids).values("id", "phase", "position", *CARD_FIELDS)
        cards = {row["id"]: row for row in rows}
        phases = list(Phase.objects.filter(board=board, pk__in=phase_ids).order_by("position"))
        if len(cards) != len(set(card_ids)) or len(phases) != len(set(phase_ids)):
            raise Gone(_("Someone else deleted this meanwhile."))
        if Card.objects.filter(phase__in=phases).exclude(pk__in=card_ids).exists():
            raise ValidationError(_("Other cards are in a phase this import added."))
        removed_cards = [cards[pk] for pk in card_ids]
        removed_phases = [{"id": phase.pk, "position": phase.position, **_fields(phase)} for phase in phases]
        lanes = {card["phase"] for card in removed_cards} - set(phase_ids)
        Card.objects.filter(pk__in=card_ids).delete()
        Phase.objects.filter(pk__in=phase_ids).delete()
        for lane in lanes:
            Card.objects.bulk_update(renumber(in_order(Card.objects.filter(phase_id=lane))), ["position"])
        Phase.objects.bulk_update(renumber(in_order(Phase.objects.filter(board=board))), ["position"])
        return record(board, actor, "cards.unimported", cards=removed_cards, phases=removed_phases)


def _fields(phase):
    # Events are JSON: KPI numbers are kept as exact decimal strings (as phases.py does).
    values = {name: getattr(phase, name) for name in PHASE_FIELDS}
    return {name: str(value) if isinstance(value, Decimal) else value for name, value in values.items()}


def restore_imported(actor, board, phases, cards):
    """Redo of an import: put back `phases` (dicts as `cards.unimported` keeps them) and
    `cards` (their `phase` the id of one of `phases`, or of a phase on the board) where
    they were, under new ids; recorded as `cards.imported`, ids in the order given."""
    with board_change(board.pk) as board:
        limits.check_room(board, phases=len(phases), cards=len(cards))
        order = in_order(Phase.objects.filter(board=board))
        made = {}
        for data in sorted(phases, key=lambda data: data["position"]):
            phase = Phase(board=board, **{name: data[name] for name in PHASE_FIELDS})
            phase.full_clean(exclude=["board"])
            order.insert(clamp(data["position"], len(order)), phase)
            made[data["id"]] = phase
        Phase.objects.bulk_update([p for p in renumber(order) if p.pk], ["position"])
        Phase.objects.bulk_create([made[data["id"]] for data in phases])
        by_lane = {}  # phase id -> indexes in `cards`
        for index, card in enumerate(cards):
            by_lane.setdefault(card["phase"], []).append(index)
        restored = {}  # index in `cards` -> the new card
        for lane_id, indexes in by_lane.items():
            phase = made.get(lane_id) or Phase.objects.filter(board=board, pk=lane_id).first()
            if phase is None:
                raise Gone(_("Someone else deleted this meanwhile."))
            lane = [] if lane_id in made else in_order(Card.objects.filter(phase=phase))
            for index in sorted(indexes, key=lambda i: cards[i]["position"]):
                card = Card(phase=phase, author=actor, **{name: cards[index][name] for name in CARD_FIELDS})
                card.full_clean(exclude=["phase", "author"])
                lane.insert(clamp(cards[index]["position"], len(lane)), card)
                restored[index] = card
            renumber(lane)
            Card.objects.bulk_update([card for card in lane if card.pk], ["position"])
        Card.objects.bulk_create(list(restored.values()))
        return record(
            board,
            actor,
            "cards.imported",
            cards=[restored[index].pk for index in range(len(cards))],
            phases=[made[data["id"]].pk for data in phases],
        )
