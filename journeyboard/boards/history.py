"""Undo and redo: each person steps back through their own changes, and forward again.

Every change is a BoardEvent. An undo is a change of its own: it applies the inverse of an
earlier event through the same service as any edit (so it is validated, locked, recorded
and broadcast like one) and is recorded with `reverts` pointing at that event. A redo is
the undo of an undo: it reverts the undo event. Following `reverts` links, an event's
*depth* is 0 for an original change, 1 for its undo, 2 for the redo, 3 for undoing that
redo, and so on: even depths are "doing", odd depths are "undoing".

The stacks of one person (the actor), newest first:

- **Undo** takes their newest event of an undoable kind (events.py, `undo`) at an even
  depth that nothing reverts yet: an original change or a redo. Undone events are
  skipped, so pressing undo again walks further back.
- **Redo** takes their newest event at an odd depth (an undo) that nothing reverts yet,
  as long as they made no new original change after it: a new change clears the redo
  stack, as in any editor.

Only board content can be undone (the kinds events.py gives an `undo`). Membership, share
links, the lock, the timer and votes are workshop state: undoing one of them under
everybody's eyes would surprise more than help, and comments belong to their authors.
The history panel says so.

**Someone else's change wins.** An undo (or redo) is refused, and nothing changes, when
someone else changed what it would change after it was made: the same field of the same
card, phase, persona or board, or the object as a whole (created, deleted, commented or
voted on). Other fields are independent: undoing your rename of a card keeps the emotion
someone else gave it since, and your move is undone even though someone renamed the card.

**Deleted things come back with new ids.** Undoing a deletion recreates the card, phase
(with its cards) or persona as it was, where it was, under a new id. Earlier events still
name the old id, so ids are resolved through the chain of such recreations (`Ids`): undo
keeps working across them, and conflicts are found on the object whatever its id.
"""

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils.translation import gettext as _

from .card_personas import set_card_personas
from .cards import CARD_FIELDS, create_card, delete_card, move_card, update_card
from .changes import board_change, reverting
from .events import UNDOABLE_KINDS, known
from .importing import remove_imported, restore_imported
from .lifecycle import update_board
from .models import BoardEvent, Card, Persona, Phase, Row
from .personas import create_persona, delete_persona, update_persona
from .phases import delete_phase, move_phase, restore_phase, update_phase
from .ratings import restore_emotions
from .rows import delete_row, move_row, restore_row, update_row
from .versions import restore_document


class Refused(Exception):
    """Undo or redo is not possible; the message says why. Nothing was changed."""


class _Missing(Exception):
    """What an event was about is gone (deleted by someone else meanwhile)."""


# --- what an event touches ---------------------------------------------------------------
# A touch is (object type, id, aspect). The aspect is a field name, PLACE (a move), WHOLE
# (created or deleted: clashes with every aspect of the object) or CONTENTS (a card came,
# went or moved in this phase: only clashes with WHOLE, so that undoing the creation of a
# phase is refused once someone else put a card in it, and nothing else is).

WHOLE, PLACE, CONTENTS = "*", "place", "contents"
# KPI numbers are recorded as decimal strings: "3.2" and "3.2000" are the same value.
NUMBER_FIELDS = {"kpi_value", "kpi_target"}


def _same(field, a, b):
    if field in NUMBER_FIELDS and isinstance(a, str) and isinstance(b, str):
        try:
            return Decimal(a) == Decimal(b)
        except InvalidOperation:
            pass
    return a == b


def changed_fields(data):
    """The fields an update really changed (a form saves every field, most unchanged)."""
    before, after = data.get("before", {}), data.get("after", {})
    return [name for name in after if name in before and not _same(name, before[name], after[name])]


def _fields_of(kind):
    def touches(data, ids, board_id):
        pk = ids.resolve(kind, data[kind])
        return {(kind, pk, name) for name in changed_fields(data)}

    return touches


def _whole(kind):
    def touches(data, ids, board_id):
        return {(kind, ids.resolve(kind, data[kind]), WHOLE)}

    return touches


def _card_whole(data, ids, board_id):
    card, phase = ids.resolve("card", data["card"]), ids.resolve("phase", data["phase"])
    rows = {("row", ids.resolve("row", data["row"]), CONTENTS)} if isinstance(data.get("row"), int) else set()
    return {("card", card, WHOLE), ("phase", phase, CONTENTS), *rows}


def _card_move(data, ids, board_id):
    lanes = {("phase", ids.resolve("phase", data[key]), CONTENTS) for key in ("from_phase", "phase")}
    rows = {("row", ids.resolve("row", data[key]), CONTENTS) for key in ("from_row", "row") if isinstance(data.get(key), int)}
    return {("card", ids.resolve("card", data["card"]), PLACE), *lanes, *rows}


def _row_whole(data, ids, board_id):
    cards = [card["id"] for card in data.get("deleted_cards", [])]  # a deleted row took its cards along
    if isinstance(data.get("cards"), list):  # a row brought back brought them back (new ids)
        cards += data["cards"]
    row = ("row", ids.resolve("row", data["row"]), WHOLE)
    return {row, *(("card", ids.resolve("card", card), WHOLE) for card in cards)}


def _row_move(data, ids, board_id):
    return {("row", ids.resolve("row", data["row"]), PLACE)}


def _phase_whole(data, ids, board_id):
    cards = [card["id"] for card in data.get("deleted_cards", [])]  # a deleted phase took its cards along
    if isinstance(data.get("cards"), list):  # a phase brought back brought them back (new ids)
        cards += data["cards"]
    phase = ("phase", ids.resolve("phase", data["phase"]), WHOLE)
    return {phase, *(("card", ids.resolve("card", card), WHOLE) for card in cards)}


def _phase_move(data, ids, board_id):
    return {("phase", ids.resolve("phase", data["phase"]), PLACE)}


def _imported(data, ids, board_id):
    cards = {("card", ids.resolve("card", pk), WHOLE) for pk in data["cards"]}
    cards |= {("row", ids.resolve("row", pk), WHOLE) for pk in data.get("rows", ())}
    return cards | {("phase", ids.resolve("phase", pk), WHOLE) for pk in data["phases"]}


def _unimported(data, ids, board_id):
    added = {phase["id"] for phase in data["phases"]}
    added_rows = {row["id"] for row in data.get("rows", ())}
    touched = {("card", ids.resolve("card", card["id"]), WHOLE) for card in data["cards"]}
    touched |= {("phase", ids.resolve("phase", pk), WHOLE) for pk in added}
    touched |= {("row", ids.resolve("row", pk), WHOLE) for pk in added_rows}
    # The phases it had added cards to: deleting one of them meanwhile refuses the redo.
    lanes = {card["phase"] for card in data["cards"]} - added
    return touched | {("phase", ids.resolve("phase", pk), CONTENTS) for pk in lanes}


def _card_personas(data, ids, board_id):
    return {("card", ids.resolve("card", data["card"]), "personas")}


def _persona_whole(data, ids, board_id):
    # A persona that comes or goes takes its tags along: it changes those cards' personas.
    cards = {("card", ids.resolve("card", pk), "personas") for pk in data.get("cards", ())}
    return {("persona", ids.resolve("persona", data["persona"]), WHOLE), *cards}


def _card_emotions(data, ids, board_id):
    return {("card", ids.resolve("card", card), "emotion") for card, _before, _after in data["cards"]}


def _board_fields(data, ids, board_id):
    return {("board", board_id, name) for name in changed_fields(data)}


def _other(kind):
    """Kinds that cannot be undone still count as someone else's change to what they name:
    a comment or a vote on a card blocks undoing that card's creation (it would delete
    them), but not undoing an edit or a move of it."""

    def touches(data, ids, board_id):
        return {
            (name, ids.resolve(name, data[name]), kind)
            for name in ("card", "phase", "persona", "row")
            if isinstance(data.get(name), int)
        }

    return touches


# --- applying the inverse, through the services --------------------------------------------


def _card(board, ids, pk):
    card = Card.objects.select_related("phase").filter(pk=ids.resolve("card", pk), phase__board=board).first()
    if card is None:
        raise _Missing
    return card


def _phase(board, ids, pk):
    phase = Phase.objects.filter(pk=ids.resolve("phase", pk), board=board).first()
    if phase is None:
        raise _Missing
    return phase


def _row(board, ids, pk):
    row = Row.objects.filter(pk=ids.resolve("row", pk), board=board).first()
    if row is None:
        raise _Missing
    return row


def _persona(board, ids, pk):
    persona = Persona.objects.filter(pk=ids.resolve("persona", pk), board=board).first()
    if persona is None:
        raise _Missing
    return persona


def _earlier(data):
    """The values an update replaced, for the fields it changed."""
    return {name: data["before"][name] for name in changed_fields(data)}


def _uncreate_card(actor, board, data, ids):
    delete_card(actor, _card(board, ids, data["card"]))


def _undelete_card(actor, board, data, ids):
    fields = {name: data["before"][name] for name in CARD_FIELDS}
    row = _row(board, ids, data["row"]) if isinstance(data.get("row"), int) else None
    personas = [ids.resolve("persona", pk) for pk in data["before"].get("personas", ())]
    create_card(actor, _phase(board, ids, data["phase"]), position=data["position"], row=row, personas=personas, **fields)


def _unedit_card(actor, board, data, ids):
    update_card(actor, _card(board, ids, data["card"]), **_earlier(data))


def _untag_card(actor, board, data, ids):
    # The personas it had, as they are now (one deleted and brought back has a new id);
    # one deleted meanwhile stays deleted.
    wanted = {ids.resolve("persona", pk) for pk in data["before"]}
    present = Persona.objects.filter(board=board, pk__in=wanted).values_list("pk", flat=True)
    set_card_personas(actor, _card(board, ids, data["card"]), present)


def _unmove_card(actor, board, data, ids):
    row = _row(board, ids, data["from_row"]) if isinstance(data.get("from_row"), int) else None
    move_card(actor, _card(board, ids, data["card"]), _phase(board, ids, data["from_phase"]), data["from_position"], row)


def _uncreate_phase(actor, board, data, ids):
    delete_phase(actor, _phase(board, ids, data["phase"]))


def _undelete_phase(actor, board, data, ids):
    cards = [
        {**{name: card[name] for name in CARD_FIELDS}, "row": ids.resolve("row", card["row"]) if "row" in card else None,
         "personas": [ids.resolve("persona", pk) for pk in card.get("personas", ())]}
        for card in data["deleted_cards"]
    ]
    restore_phase(actor, board, data["before"], data["position"], cards)


def _unedit_phase(actor, board, data, ids):
    update_phase(actor, _phase(board, ids, data["phase"]), **_earlier(data))


def _unmove_phase(actor, board, data, ids):
    move_phase(actor, _phase(board, ids, data["phase"]), data["from_position"])


def _uncreate_row(actor, board, data, ids):
    delete_row(actor, _row(board, ids, data["row"]))


def _undelete_row(actor, board, data, ids):
    cards = [
        {**{name: card[name] for name in CARD_FIELDS}, "phase": ids.resolve("phase", card["phase"]),
         "personas": [ids.resolve("persona", pk) for pk in card.get("personas", ())]}
        for card in data["deleted_cards"]
    ]
    restore_row(actor, board, data["before"], data["position"], cards)


def _unedit_row(actor, board, data, ids):
    update_row(actor, _row(board, ids, data["row"]), **_earlier(data))


def _unmove_row(actor, board, data, ids):
    move_row(actor, _row(board, ids, data["row"]), data["from_position"])


def _uncreate_persona(actor, board, data, ids):
    delete_persona(actor, _persona(board, ids, data["persona"]))


def _undelete_persona(actor, board, data, ids):
    # Personas are listed in the order they were added: one brought back comes last, on
    # the cards it was tagged on that are still there.
    cards = [ids.resolve("card", pk) for pk in data.get("cards", ())]
    create_persona(actor, board, cards=cards, **data["before"])


def _unedit_persona(actor, board, data, ids):
    update_persona(actor, _persona(board, ids, data["persona"]), **_earlier(data))


def _unimport_cards(actor, board, data, ids):
    cards = [ids.resolve("card", pk) for pk in data["cards"]]
    rows = [ids.resolve("row", pk) for pk in data.get("rows", ())]
    remove_imported(actor, board, cards, [ids.resolve("phase", pk) for pk in data["phases"]], rows)


def _reimport_cards(actor, board, data, ids):
    added = {phase["id"] for phase in data["phases"]}
    added_rows = {row["id"] for row in data.get("rows", ())}
    cards = [
        {
            **card,
            "phase": card["phase"] if card["phase"] in added else ids.resolve("phase", card["phase"]),
            "row": card.get("row") if card.get("row") in added_rows or card.get("row") is None
            else ids.resolve("row", card["row"]),
        }
        for card in data["cards"]
    ]
    restore_imported(actor, board, data["phases"], cards, data.get("rows", ()))


def _unapply_ratings(actor, board, data, ids):
    # Cards deleted since are left out (restore_emotions skips them); the rest get theirs back.
    values = {ids.resolve("card", card): before for card, before, _after in data["cards"]}
    restore_emotions(actor, board, data["round"], values)


def _unedit_board(actor, board, data, ids):
    update_board(actor, board, **_earlier(data))


def _restored(data, ids, board_id):
    # What a restore put on the board, as a whole: someone else's later change to any of it
    # (or another restore) keeps it from being undone.
    phases = {("phase", ids.resolve("phase", pk), WHOLE) for pk in data["phases"]}
    cards = {("card", ids.resolve("card", pk), WHOLE) for pk in data["cards"]}
    return {("board", board_id, "restored"), *phases, *cards}


def _unrestore_board(actor, board, data, ids):
    restore_document(actor, board, data["before"], version=data["version"], name=data["name"])


# --- the table -----------------------------------------------------------------------------


def _always(data):
    return True


def _changes_something(data):
    return bool(changed_fields(data))


def _moved(data):
    # Moves recorded before undo existed lack where they came from; a move that ended
    # where it started changed nothing.
    if "from_position" not in data:
        return False
    where_from = (data.get("from_phase", data.get("phase")), data.get("from_row", data.get("row")), data["from_position"])
    return where_from != (data.get("phase"), data.get("row"), data["position"])


def _has(*keys):
    return lambda data: all(key in data for key in keys)


@dataclass(frozen=True)
class Undoable:
    """How one kind of event is undone (events.py names one per undoable kind)."""

    possible: Callable  # data -> bool: recorded with what undo needs, and not a no-op
    touches: Callable  # (data, ids, board_id) -> {(type, id, aspect)}
    revert: Callable  # (actor, board, data, ids): applies the inverse through a service


UNCREATE_CARD = Undoable(_always, _card_whole, _uncreate_card)
UNEDIT_CARD = Undoable(_changes_something, _fields_of("card"), _unedit_card)
UNMOVE_CARD = Undoable(_moved, _card_move, _unmove_card)
UNTAG_CARD = Undoable(lambda data: data["before"] != data["after"], _card_personas, _untag_card)
UNDELETE_CARD = Undoable(_has("position"), _card_whole, _undelete_card)
UNCREATE_PHASE = Undoable(_always, _phase_whole, _uncreate_phase)
UNEDIT_PHASE = Undoable(_changes_something, _fields_of("phase"), _unedit_phase)
UNMOVE_PHASE = Undoable(_moved, _phase_move, _unmove_phase)
UNDELETE_PHASE = Undoable(_has("position", "deleted_cards"), _phase_whole, _undelete_phase)
UNCREATE_ROW = Undoable(_always, _row_whole, _uncreate_row)
UNEDIT_ROW = Undoable(_changes_something, _fields_of("row"), _unedit_row)
UNMOVE_ROW = Undoable(_moved, _row_move, _unmove_row)
UNDELETE_ROW = Undoable(_has("position", "deleted_cards"), _row_whole, _undelete_row)
UNCREATE_PERSONA = Undoable(_always, _persona_whole, _uncreate_persona)
UNEDIT_PERSONA = Undoable(_changes_something, _fields_of("persona"), _unedit_persona)
UNDELETE_PERSONA = Undoable(_always, _persona_whole, _undelete_persona)
UNEDIT_BOARD = Undoable(_changes_something, _board_fields, _unedit_board)
UNIMPORT_CARDS = Undoable(_always, _imported, _unimport_cards)
REIMPORT_CARDS = Undoable(_always, _unimported, _reimport_cards)
UNAPPLY_RATINGS = Undoable(_has("cards"), _card_emotions, _unapply_ratings)
UNRESTORE_BOARD = Undoable(_has("before", "phases", "cards"), _restored, _unrestore_board)


def undoable(kind):
    """How events of `kind` are undone (events.py), or None: not undoable (or unknown)."""
    spec = known(kind)
    return spec and spec.undoable


def can_undo(event):
    spec = undoable(event.kind)
    return spec is not None and spec.possible(event.data)


def touches(event_kind, data, ids, board_id):
    spec = undoable(event_kind)
    return (spec.touches if spec else _other(event_kind))(data, ids, board_id)


# --- ids across recreations ----------------------------------------------------------------


class Ids:
    """Old ids to current ones. Undoing a deletion recreates the object under a new id and
    records it as a `*.created` event reverting the `*.deleted` one; a phase brought back
    lists its cards' new ids in the order of the deleted ones; a redone import, its cards'
    and phases' in the order its undo removed them. One query per board."""

    def __init__(self, board):
        self.newer = {"card": {}, "phase": {}, "persona": {}, "row": {}}
        restores = BoardEvent.objects.filter(
            board=board,
            reverts__isnull=False,
            kind__in=("card.created", "phase.created", "persona.created", "row.created", "cards.imported"),
        ).select_related("reverts")
        for event in restores:
            if event.kind == "cards.imported":
                self._reimported(event)
                continue
            kind = event.kind.split(".")[0]
            if event.reverts.kind != f"{kind}.deleted":
                continue
            self.newer[kind][event.reverts.data[kind]] = event.data[kind]
            if kind in ("phase", "row"):
                old_cards = [card["id"] for card in event.reverts.data.get("deleted_cards", [])]
                self.newer["card"].update(zip(old_cards, event.data.get("cards") or []))

    def _reimported(self, event):
        """A redone import brought its cards, phases and rows back under new ids, in the
        order its undo listed them."""
        if event.reverts.kind != "cards.unimported":
            return
        for kind, key in (("card", "cards"), ("phase", "phases"), ("row", "rows")):
            old = [item["id"] for item in event.reverts.data.get(key, ())]
            self.newer[kind].update(zip(old, event.data.get(key, ())))

    def resolve(self, kind, pk):
        """The id `pk` has now: followed through every time it was deleted and brought back."""
        while pk in self.newer[kind]:
            pk = self.newer[kind][pk]
        return pk


# --- the stacks ----------------------------------------------------------------------------


class Stacks:
    """One person's undo and redo stacks on a board (see the module's docstring)."""

    def __init__(self, board, actor):
        self.board, self.actor = board, actor
        # Every revert link of the board: few (one per undo or redo), read in one query.
        self.links = dict(BoardEvent.objects.filter(board=board, reverts__isnull=False).values_list("pk", "reverts_id"))
        self.reverted = set(self.links.values())

    def depth(self, pk):
        depth = 0
        while pk in self.links:
            pk, depth = self.links[pk], depth + 1
        return depth

    def _own(self):
        events = BoardEvent.objects.filter(board=self.board, actor=self.actor, kind__in=UNDOABLE_KINDS)
        return events.order_by("-revision").iterator(chunk_size=100)

    def next_undo(self):
        for event in self._own():
            if event.pk not in self.reverted and self.depth(event.pk) % 2 == 0 and can_undo(event):
                return event
        return None

    def next_redo(self):
        for event in self._own():
            depth = self.depth(event.pk)
            if depth == 0 and can_undo(event):
                return None  # a new change since the last undo: nothing to redo
            if depth % 2 == 1 and event.pk not in self.reverted and can_undo(event):
                return event
        return None


# --- undo and redo ---------------------------------------------------------------------------


def undo(actor, board):
    """Revert the actor's newest undoable change; return the event that did it.
    Raises Refused (nothing changed) when there is nothing to undo or someone else
    changed the same thing since."""
    return _step(actor, board, redo=False)


def redo(actor, board):
    """Re-apply what the actor's newest undo reverted; see `undo`."""
    return _step(actor, board, redo=True)


def _step(actor, board, redo):
    # The decision and the change happen under the board's lock, in one transaction: two
    # quick presses of Ctrl+Z cannot both pick the same change.
    with board_change(board.pk) as board:
        stacks = Stacks(board, actor)
        target = stacks.next_redo() if redo else stacks.next_undo()
        if target is None:
            raise Refused(_("Nothing of yours to redo.") if redo else _("Nothing of yours to undo."))
        ids = Ids(board)
        clash = _clash(board, actor, target, ids)
        if clash is not None:
            raise Refused(_changed_since(clash, redo))
        try:
            with reverting(target):
                undoable(target.kind).revert(actor, board, target.data, ids)
        except (_Missing, Http404):
            raise Refused(_gone(redo)) from None
        except ValidationError as error:
            raise Refused(" ".join(error.messages)) from None
        return BoardEvent.objects.filter(board=board, reverts=target).latest("revision")


def _clash(board, actor, target, ids):
    """The type of object ("card", "phase", …) that someone else changed after `target`
    in a way that clashes with reverting it, or None."""
    mine = {}
    for kind, pk, aspect in touches(target.kind, target.data, ids, board.pk):
        mine.setdefault((kind, pk), set()).add(aspect)
    later = BoardEvent.objects.filter(board=board, revision__gt=target.revision).exclude(actor=actor)
    for kind, data in later.values_list("kind", "data"):
        for other_kind, pk, aspect in touches(kind, data, ids, board.pk):
            aspects = mine.get((other_kind, pk))
            if aspects and _clashes(aspects, aspect):
                return other_kind
    return None


def _clashes(mine, theirs):
    if WHOLE in mine or theirs == WHOLE:
        return True
    return theirs in mine and theirs != CONTENTS


def _changed_since(noun, redo):
    # Whole sentences, one per case, so that every language can word them its own way.
    if redo:
        return {
            "card": _("Someone else changed this card since; redo is not possible."),
            "phase": _("Someone else changed this phase since; redo is not possible."),
            "persona": _("Someone else changed this persona since; redo is not possible."),
            "row": _("Someone else changed this row since; redo is not possible."),
            "board": _("Someone else changed this on the board since; redo is not possible."),
        }[noun]
    return {
        "card": _("Someone else changed this card since; undo is not possible."),
        "phase": _("Someone else changed this phase since; undo is not possible."),
        "persona": _("Someone else changed this persona since; undo is not possible."),
        "row": _("Someone else changed this row since; undo is not possible."),
        "board": _("Someone else changed this on the board since; undo is not possible."),
    }[noun]


def _gone(redo):
    if redo:
        return _("What this change was about has been deleted meanwhile; redo is not possible.")
    return _("What this change was about has been deleted meanwhile; undo is not possible.")
