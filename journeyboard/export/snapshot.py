"""Everything a picture of a board shows, read in a constant number of queries and with
every label already translated into the board's language: the renderers draw, nothing else."""

from dataclasses import dataclass, field
from datetime import date

from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from journeyboard.boards.catalog import EMOTIONS, Channel, Kind, Layer, Segment, label
from journeyboard.boards.models import Card, Persona, Phase, Row
from journeyboard.boards.numbers import kpi_number
from journeyboard.boards.ratings import with_room_average
from journeyboard.boards.rendering import with_lines
from journeyboard.boards.transfer import validate_board
from journeyboard.boards.voting import with_votes

from .persona_curve import with_persona_lines


@dataclass
class CardShot:
    title: str
    note: str
    channel: str  # key, "" for none
    channel_label: str
    kind: str
    kind_label: str
    emotion: int | None
    votes: int = 0  # dot votes in the board's last closed round
    row: int = 0  # the index of its row in BoardShot.rows
    personas: tuple = ()  # indexes into the board's personas


@dataclass
class KpiShot:
    """A phase's KPI as its lane head shows it, numbers written in the board's language."""

    name: str
    value: str  # "3,2 %"; "–" when there is none yet
    target: str  # "target 4 %", "" when there is none
    status: str  # "on", "off", or "" with nothing to compare


@dataclass
class PhaseShot:
    name: str
    segment: str
    segment_label: str
    color: str  # "#rrggbb"
    cards: list = field(default_factory=list)
    kpi: KpiShot | None = None
    room_average: float | None = None  # the room's mean rating in the last closed emotion round
    persona_averages: tuple = ()  # per persona line of the board (persona_curve.py), None where none

    @property
    def card_count(self):
        """The count its head shows: of all its cards, also where a page shows only some."""
        return len(self.cards)

    @property
    def average_emotion(self):
        """Mean emotion of the phase's cards that have one; None when none has."""
        values = [card.emotion for card in self.cards if card.emotion is not None]
        return sum(values) / len(values) if values else None


@dataclass
class RowShot:
    """A row of the journey grid as its head shows it; `line` is the blueprint's line
    drawn above it (the board page's words, in the board's language), "" for none."""

    name: str
    color: str  # "#rrggbb"
    layer: str
    layer_label: str
    line: str = ""


@dataclass
class PersonaShot:
    name: str
    role: str
    quote: str
    color: str = "#7a5af8"  # the avatar's, "#rrggbb"
    initials: str = ""  # as the page shows them; "" lets the layout take them from the name


@dataclass
class BoardShot:
    title: str
    description: str
    language: str
    day: date
    personas: list
    phases: list
    # UI words in the board's language (legend, headings).
    words: dict
    loop: bool = False  # ambassadors feed awareness again: an arrow from the last phase to the first
    rows: list = field(default_factory=list)  # RowShot; with fewer than two, the lanes are drawn as one row
    grid: bool = False  # row heads even for one row: a page of a grid's rows (parts.py)
    persona_lines: list = field(default_factory=list)  # persona_curve.PersonaLineShot, the curve's lines


def board_snapshot(board):
    rows = list(Row.objects.filter(board=board).order_by("position", "pk"))
    row_index = {row.pk: i for i, row in enumerate(rows)}
    cards = Card.objects.only("phase_id", "row_id", "position", "title", "note", "channel", "emotion", "kind").order_by(
        "position", "pk"
    )
    cards = with_votes(cards, board.pk, closed=True)  # a subquery: no query of its own
    cards = cards.prefetch_related(Prefetch("personas", Persona.objects.only("pk")))  # one query
    phases = Phase.objects.filter(board=board).order_by("position", "pk").prefetch_related(Prefetch("cards", cards))
    phases = with_room_average(phases, board.pk)  # a subquery: no query of its own
    personas = list(board.personas.all())
    persona_index = {persona.pk: i for i, persona in enumerate(personas)}
    with override(board.language):
        return with_persona_lines(BoardShot(
            title=board.title,
            description=board.description,
            language=board.language,
            day=timezone.localdate(),
            personas=[PersonaShot(p.name, p.role, p.quote, p.color, p.initials) for p in personas],
            phases=[_phase_shot(phase, phase.cards.all(), row_index, persona_index) for phase in phases],
            words=_words(),
            loop=board.ambassador_loop,
            rows=_row_shots(rows),
        ))


def document_snapshot(document):
    """What a picture of a board's JSON export shows (a saved version, boards/versions.py):
    the same shot as board_snapshot's, read through the format's own validation, no query."""
    board, personas, rows, phases = validate_board(document)
    votes = [[card.get("votes", 0) for card in phase.get("cards", [])] for phase in document.get("phases", [])]
    for (_phase, cards), counts in zip(phases, votes):
        for card, count in zip(cards, counts):
            card.vote_count = count if isinstance(count, int) else 0
    with override(board.language):
        return with_persona_lines(BoardShot(
            title=board.title,
            description=board.description,
            language=board.language,
            day=timezone.localdate(),
            personas=[PersonaShot(p.name, p.role, p.quote, p.color, p.initials) for p in personas],
            phases=[_phase_shot(phase, cards) for phase, cards in phases],
            words=_words(),
            loop=board.ambassador_loop,
            rows=_row_shots(rows),
        ))


def _row_shots(rows):
    """The rows in order, each with the blueprint line above it as the board page words it
    (boards/rendering.py#with_lines), in the active language."""
    return [
        RowShot(row.name, row.color, row.layer, label(Layer, row.layer), str(row.line or ""))
        for row in with_lines(rows)
    ]


def _persona_indexes(card, index):
    """A card's personas as indexes into the board's: from the file (`persona_indexes`,
    validate_board) or from its prefetched personas and `index` ({persona id: index})."""
    if index is None:
        return tuple(getattr(card, "persona_indexes", ()))
    return tuple(sorted(index[persona.pk] for persona in card.personas.all()))


def _phase_shot(phase, cards, row_index=None, persona_index=None):
    """`row_index` maps a card's row id to its row's index, `persona_index` a persona id to
    its index; without them the cards carry their indexes (a document's cards)."""
    return PhaseShot(
        name=phase.name,
        segment=phase.segment,
        segment_label=label(Segment, phase.segment),
        color=phase.color,
        cards=[
            CardShot(
                title=card.title,
                note=card.note,
                channel=card.channel,
                channel_label=label(Channel, card.channel),
                kind=card.kind,
                kind_label=label(Kind, card.kind),
                emotion=card.emotion,
                votes=card.vote_count,
                row=row_index.get(card.row_id, 0) if row_index is not None else getattr(card, "row_index", 0),
                personas=_persona_indexes(card, persona_index),
            )
            for card in cards
        ],
        kpi=kpi_shot(phase),
        room_average=getattr(phase, "room_average", None),  # none in a saved version
    )


def kpi_shot(phase):
    """A phase's KPI as the board page's chip words it (boards/board.html#kpi-chip), in
    the active language ("3,2 %" in Dutch and German); None when it has no name."""
    if not phase.kpi_name.strip():
        return None
    target = ""
    if phase.kpi_target is not None:
        target = f"{_('target')} {_amount(phase.kpi_target, phase.kpi_unit)}"
    return KpiShot(
        name=phase.kpi_name,
        value=_amount(phase.kpi_value, phase.kpi_unit) if phase.kpi_value is not None else "–",
        target=target,
        status=phase.kpi_status,
    )


def _amount(number, unit):
    """"3,2 %": the board page's number format (boards/numbers.py), then the unit."""
    text = kpi_number(number).replace("-", "−")  # a real minus, as the emotion curve writes it
    unit = " ".join(unit.split())
    return f"{text} {unit}" if unit else text


def _words():
    return {
        "emotion_curve": _("Emotion curve"),
        "room_ratings": _("The room's ratings"),
        "persona": _("Persona"),
        "legend": _("Legend"),
        "no_phases": _("This board has no phases yet."),
        "emotions": {value: str(text) for value, text in EMOTIONS},
        "kinds": {value: str(text) for value, text in Kind.choices},
        "segments": {value: str(text) for value, text in Segment.choices},
        "made_with": _("Made with Journeyboard"),
        # The same msgid as the board page's loop label (boards/board.html#loop).
        "loop": _("Ambassadors bring new customers into awareness"),
    }
