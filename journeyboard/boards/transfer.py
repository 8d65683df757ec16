"""The board JSON format (`journeyboard/2`; `journeyboard/1` is still read): export,
validation and import.

Import is all or nothing: the whole document is validated before anything is written,
and the writes share one transaction. Error messages name the offending place, e.g.
`phases[2].cards[0].emotion: Ensure this value is less than or equal to 2.`

A file costs the server little whatever it holds (docs/limits.md): its size is capped
before it is read, decoding stops at the first object past what the largest allowed board
can hold, a board over the limits (boards/limits.py) is refused before any of it is
checked, and a refusal lists the first problems and only counts the rest.
"""

import json
from collections import Counter
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import ProhibitNullCharactersValidator
from django.db import transaction
from django.db.models import Prefetch
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from . import limits
from .catalog import FIRST_ROW_NAMES, LANGUAGE_CODES
from .changes import record
from .models import Board, Card, Membership, Persona, Phase, Role, Row
from .personas import avatar_colour
from .ratings import last_closed_results
from .voting import with_votes

FORMAT = "journeyboard/2"
# Version 1 has no rows: its cards all go to one row (as every board had before rows).
FORMAT_1 = "journeyboard/1"
ROW_FIELDS = ("name", "layer", "color")
PERSONA_FIELDS = ("name", "role", "goals", "frustrations", "quote", "color")
PHASE_FIELDS = ("name", "segment", "color")
CARD_FIELDS = ("title", "note", "channel", "emotion", "kind")
# A phase's KPI is one object in the file ({"name", "value", "target", "unit",
# "lower_is_better"}) or null; the model keeps it in `kpi_*` columns.
KPI_PARTS = ("name", "value", "target", "unit", "lower_is_better")


def export_board(board):
    """The board as a JSON-ready dict; a constant number of queries whatever its size."""
    # Each card's votes in the last closed round ride on the cards' query as a subquery.
    personas = list(board.personas.all())
    persona_index = {persona.pk: i for i, persona in enumerate(personas)}
    cards = with_votes(Card.objects.order_by("row__position", "row_id", "position", "pk"), board.pk, closed=True)
    cards = cards.prefetch_related(Prefetch("personas", Persona.objects.only("pk")))  # one query
    phases = Phase.objects.filter(board=board).prefetch_related(Prefetch("cards", cards)).order_by("position", "pk")
    rows = list(Row.objects.filter(board=board).order_by("position", "pk"))
    index = {row.pk: i for i, row in enumerate(rows)}
    rooms = last_closed_results(board.pk)  # the last closed emotion round: two queries
    return {
        "format": FORMAT,
        "title": board.title,
        "description": board.description,
        "language": board.language,
        "ambassador_loop": board.ambassador_loop,
        "personas": [_fields(p, PERSONA_FIELDS) for p in personas],
        "rows": [_fields(row, ROW_FIELDS) for row in rows],
        "phases": [
            {
                **_fields(phase, PHASE_FIELDS),
                "kpi": _kpi(phase),
                "cards": [_card(card, index[card.row_id], rooms.get(card.pk), persona_index) for card in phase.cards.all()],
            }
            for phase in phases
        ],
    }


def _card(card, row, room=None, persona_index=None):
    """A card with its row (an index into the board's rows) and its personas (indexes into
    the board's personas, only when it has some: a board without them exports as before);
    with the dot votes it got in the board's last closed round, if any, and the room's
    ratings in its last closed emotion round (records of the workshop: import ignores
    them, they belonged to people on this board)."""
    fields = {**_fields(card, CARD_FIELDS), "row": row}
    tagged = sorted(persona_index[persona.pk] for persona in card.personas.all()) if persona_index else []
    if tagged:
        fields["personas"] = tagged
    if card.vote_count:
        fields["votes"] = card.vote_count
    if room is not None:
        fields["room_emotion"] = {"count": room.count, "average": round(room.average, 2), "histogram": room.histogram}
    return fields


def _fields(obj, names):
    return {name: getattr(obj, name) for name in names}


def _number(value):
    """A Decimal as a JSON number: 4 rather than 4.0000, 3.2 rather than 3.2000."""
    if value is None:
        return None
    return int(value) if value == value.to_integral_value() else float(value.normalize())


def _kpi(phase):
    if not phase.kpi_name:
        return None
    return {
        "name": phase.kpi_name,
        "value": _number(phase.kpi_value),
        "target": _number(phase.kpi_target),
        "unit": phase.kpi_unit,
        "lower_is_better": phase.kpi_lower_is_better,
    }


class _TooManyObjects(Exception):
    pass


def _object_budget():
    """How many JSON objects a file of the largest allowed board holds, at most: the document,
    a phase and its KPI per phase, a card per card, and its personas (not limited, and few)."""
    return 1 + 2 * limits.max_phases() + limits.max_cards() + 1000


def parse_json(raw):
    """Bytes of an uploaded file to a dict, refusing oversized, malformed or absurd input."""
    limit = settings.IMPORT_MAX_BYTES
    if len(raw) > limit:
        raise ValidationError(_("The file is larger than %(limit)s.") % {"limit": filesizeformat(limit)})
    budget = _object_budget()
    made = 0

    def counted(pairs):
        # Decoding stops at the first object too many, before the rest is built in memory.
        nonlocal made
        made += 1
        if made > budget:
            raise _TooManyObjects
        return dict(pairs)

    try:
        return json.loads(raw, object_pairs_hook=counted)
    except _TooManyObjects:
        raise ValidationError(
            _("The file holds more than a board may have (at most %(phases)d phases and %(cards)d cards).")
            % {"phases": limits.max_phases(), "cards": limits.max_cards()}
        ) from None
    except RecursionError:
        raise ValidationError(_("The file is nested too deeply to be a board.")) from None
    except UnicodeDecodeError:
        raise ValidationError(_("The file is not UTF-8 text.")) from None
    except json.JSONDecodeError as error:
        raise ValidationError(
            _("The file is not valid JSON (line %(line)s, column %(col)s: %(msg)s).")
            % {"line": error.lineno, "col": error.colno, "msg": error.msg}
        ) from None


class _Checker:
    """Collects the problems with their paths, so one upload reports many of them: the first
    `limits.too_many_errors()` in full, the others only counted (a file of 300,000 bad cards
    is answered with a short page)."""

    def __init__(self):
        self.errors = []
        self.more = 0
        self.listed = limits.too_many_errors()

    def fail(self, path, message):
        if len(self.errors) < self.listed:
            self.errors.append(f"{path}: {message}" if path else str(message))
        else:
            self.more += 1

    def refuse(self):
        if self.more:
            raise ValidationError([*self.errors, limits.more_problems(self.more)])
        raise ValidationError(self.errors)

    def mapping(self, value, path):
        if not isinstance(value, dict):
            self.fail(path, _("expected an object"))
            return None
        return value

    def items(self, value, path):
        if value is None:
            return []
        if not isinstance(value, list):
            self.fail(path, _("expected a list"))
            return []
        return value

    def text(self, obj, name, path, required=False):
        value = obj.get(name, "")
        if value is None:
            value = ""
        if not isinstance(value, str):
            self.fail(f"{path}.{name}", _("expected text"))
            return ""
        if "\x00" in value:
            # Refused as the forms refuse it (and PostgreSQL could not store it).
            self.fail(f"{path}.{name}", ProhibitNullCharactersValidator.message)
            return ""
        if required and not value.strip():
            self.fail(f"{path}.{name}", _("must not be empty"))
        return value

    def emotion(self, obj, path):
        value = obj.get("emotion")
        if value is None or value == "":
            return None
        # bool is an int in Python; true/false is not an emotion.
        if isinstance(value, bool) or not isinstance(value, int):
            self.fail(f"{path}.emotion", _("expected a whole number from -2 to 2, or null"))
            return None
        return value

    def flag(self, obj, name, path):
        value = obj.get(name, False)
        if value is None:
            return False
        if not isinstance(value, bool):
            self.fail(f"{path}.{name}", _("expected true or false"))
            return False
        return value

    def number(self, obj, name, path):
        value = obj.get(name)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            self.fail(f"{path}.{name}", _("expected a number or null"))
            return None
        try:
            return Decimal(str(value))
        except InvalidOperation:  # nan, inf
            self.fail(f"{path}.{name}", _("expected a number or null"))
            return None

    def row(self, obj, path, rows):
        """A card's row: an index into the board's `rows` (their number)."""
        value = obj.get("row")
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value < rows:
            title = obj.get("title") if isinstance(obj.get("title"), str) else ""
            self.fail(
                f"{path}.row",
                _("card “%(title)s” needs the index of one of the board's rows (0 to %(last)d)")
                % {"title": title[:60], "last": rows - 1},
            )
            return 0
        return value

    def personas(self, obj, path, count):
        """A card's personas: indexes into the board's `personas` (their number), each once."""
        value = obj.get("personas")
        if value is None:
            return []
        fine = isinstance(value, list) and all(
            not isinstance(i, bool) and isinstance(i, int) and 0 <= i < count for i in value
        )
        if not fine:
            title = obj.get("title") if isinstance(obj.get("title"), str) else ""
            if count:
                message = _("card “%(title)s” lists its personas as indexes of the board's personas (0 to %(last)d)")
            else:
                message = _("card “%(title)s” lists personas, but the board has none")
            self.fail(f"{path}.personas", message % {"title": title[:60], "last": count - 1})
            return []
        return sorted(set(value))

    def kpi(self, obj, path):
        """The `kpi_*` model fields of a phase from its "kpi" object (or null)."""
        raw = obj.get("kpi")
        if raw is None:
            return {}
        kpi = self.mapping(raw, f"{path}.kpi")
        if kpi is None:
            return {}
        path = f"{path}.kpi"
        return {
            "kpi_name": self.text(kpi, "name", path),
            "kpi_value": self.number(kpi, "value", path),
            "kpi_target": self.number(kpi, "target", path),
            "kpi_unit": self.text(kpi, "unit", path),
            "kpi_lower_is_better": self.flag(kpi, "lower_is_better", path),
        }

    def model(self, instance, path, exclude):
        try:
            instance.full_clean(exclude=exclude, validate_unique=False, validate_constraints=False)
        except ValidationError as error:
            for field, messages in error.message_dict.items():
                # `kpi_value` is `kpi.value` in the file.
                field = field.replace("kpi_", "kpi.", 1) if field.startswith("kpi_") else field
                for message in messages:
                    self.fail(f"{path}.{field}", message)
        return instance


def validate_board(data):
    """Check a decoded document; return unsaved (board, personas, rows, [(phase, cards)]),
    each card's row an index into `rows` (`card.row_index`) and its personas indexes into
    `personas` (`card.persona_indexes`)."""
    check = _Checker()
    doc = check.mapping(data, "")
    if doc is None:
        raise ValidationError(check.errors)
    if doc.get("format") not in (FORMAT, FORMAT_1):
        raise ValidationError(_('Unknown format %(found)r: expected "%(format)s".') % {"found": doc.get("format"), "format": FORMAT})
    # Rows: version 2 lists them, and each card names its own. A file without them (version
    # 1, or version 2 written without rows) puts every card in one row, as boards had.
    with_rows = doc["format"] == FORMAT and "rows" in doc
    language = doc.get("language", "en")
    if language not in LANGUAGE_CODES:
        check.fail("language", _("must be one of %(codes)s") % {"codes": ", ".join(LANGUAGE_CODES)})
    board = Board(
        title=check.text(doc, "title", "board", True),
        description=check.text(doc, "description", "board"),
        language=language,
        ambassador_loop=check.flag(doc, "ambassador_loop", "board"),
    )
    board = check.model(
        board,
        "board",
        exclude=["owner", "language"],
    )
    raw_phases = check.items(doc.get("phases"), "phases")
    # The board's size first: a board over the limits is refused without checking its cards.
    card_lists = [phase.get("cards") for phase in raw_phases if isinstance(phase, dict)]
    limits.check_size(len(raw_phases), sum(len(cards) for cards in card_lists if isinstance(cards, list)))
    rows = _rows(check, doc, language) if with_rows else [Row(name=FIRST_ROW_NAMES.get(language, "Touchpoints"), position=0)]
    personas = []
    for i, raw in enumerate(check.items(doc.get("personas"), "personas")):
        path = f"personas[{i}]"
        obj = check.mapping(raw, path)
        if obj is not None:
            fields = {name: check.text(obj, name, path, name == "name") for name in PERSONA_FIELDS}
            # Files from before personas had a colour get the avatar palette's, in order.
            fields["color"] = fields["color"] or avatar_colour(i)
            persona = Persona(**fields)
            personas.append(check.model(persona, path, exclude=["board"]))
    phases = []
    for i, raw in enumerate(raw_phases):
        path = f"phases[{i}]"
        obj = check.mapping(raw, path)
        if obj is None:
            continue
        phase = Phase(
            name=check.text(obj, "name", path, True),
            segment=check.text(obj, "segment", path) or "buyer",
            color=check.text(obj, "color", path) or "#4f7cff",
            position=i,
            **check.kpi(obj, path),
        )
        check.model(phase, path, exclude=["board"])
        cards = []
        for j, raw_card in enumerate(check.items(obj.get("cards"), f"{path}.cards")):
            card_path = f"{path}.cards[{j}]"
            card_obj = check.mapping(raw_card, card_path)
            if card_obj is None:
                continue
            card = Card(
                title=check.text(card_obj, "title", card_path, True),
                note=check.text(card_obj, "note", card_path),
                channel=check.text(card_obj, "channel", card_path),
                kind=check.text(card_obj, "kind", card_path) or "touchpoint",
                emotion=check.emotion(card_obj, card_path),
            )
            card.row_index = check.row(card_obj, card_path, len(rows)) if with_rows else 0
            card.persona_indexes = check.personas(card_obj, card_path, len(personas))
            cards.append(check.model(card, card_path, exclude=["phase", "row", "author"]))
        phases.append((phase, cards))
    if check.errors:
        check.refuse()
    return board, personas, rows, phases


def _rows(check, doc, language):
    raw_rows = check.items(doc.get("rows"), "rows")
    limits.check_rows(len(raw_rows))
    if not raw_rows:
        check.fail("rows", _("a board has at least one row"))
    rows = []
    for i, raw in enumerate(raw_rows):
        path = f"rows[{i}]"
        obj = check.mapping(raw, path)
        if obj is None:
            rows.append(Row(name="", position=i))
            continue
        row = Row(
            name=check.text(obj, "name", path, True),
            layer=check.text(obj, "layer", path) or "customer",
            color=check.text(obj, "color", path) or Row._meta.get_field("color").default,
            position=i,
        )
        rows.append(check.model(row, path, exclude=["board"]))
    return rows


def import_board(actor, data, title=None):
    """Create a new board owned by `actor` from a document; nothing is saved if any of it is bad."""
    board, personas, rows, phases = validate_board(data)
    if title is not None:
        board.title = title
        board.full_clean(exclude=["owner"])
    with transaction.atomic():
        board.owner = actor
        board.save()
        Membership.objects.create(board=board, user=actor, role=Role.OWNER)
        for persona in personas:
            persona.board = board
        Persona.objects.bulk_create(personas)
        all_cards = add_phases(board, actor, rows, phases, personas)
        record(board, actor, "board.created", phases=len(phases), cards=len(all_cards))
    return board


def add_phases(board, actor, rows, phases, personas=()):
    """Save validated rows and [(phase, cards)] (validate_board) onto `board`, each card in
    its cell (positions gap-free per cell) and tagged with its personas (`personas`: the
    saved Persona for each index of the file's, None for one left out); return the cards
    saved. Import, and restoring a saved version (versions.py), write a board's content
    this way."""
    for phase, _cards in phases:
        phase.board = board
    Phase.objects.bulk_create([phase for phase, _cards in phases])
    for row in rows:
        row.board = board
    Row.objects.bulk_create(rows)
    all_cards = []
    for phase, cards in phases:
        cells = Counter()
        for card in cards:
            card.phase, card.row, card.author = phase, rows[card.row_index], actor
            card.position = cells[card.row_index]
            cells[card.row_index] += 1
            all_cards.append(card)
    Card.objects.bulk_create(all_cards, batch_size=500)
    _tag(all_cards, personas)
    return all_cards


def _tag(cards, personas):
    through = Card.personas.through
    tags = [
        through(card_id=card.pk, persona_id=personas[i].pk)
        for card in cards
        for i in getattr(card, "persona_indexes", ())
        if i < len(personas) and personas[i] is not None
    ]
    through.objects.bulk_create(tags, batch_size=500)
