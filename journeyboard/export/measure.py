"""The first stage of the layout: every text of the snapshot cleaned, cut and wrapped in
unit pixels, and the height of every card and lane. Nothing has a position yet."""

import math
from dataclasses import dataclass, field

from django.utils import formats, translation

from . import geometry as G
from .text import Measure, clean, ellipsize, wrap


class Measures(dict):
    """One Measure per (weight, size), shared by everything laid out in one picture."""

    def __call__(self, weight, size):
        key = (weight, size)
        measure = self.get(key)
        if measure is None:
            measure = self[key] = Measure(weight, size)
        return measure


@dataclass
class MeasuredCard:
    shot: object  # the CardShot
    height: float
    kind_label: str
    title: list
    title_y: float  # unit tops of the card's rows, from the card's top
    note: list
    note_y: float
    channel_label: str
    channel_y: float


@dataclass
class MeasuredRow:
    shot: object  # the RowShot
    name: list
    layer: list
    line: list  # the blueprint line's label above the name, [] for none
    height: float  # of its head, insets included


@dataclass
class MeasuredKpi:
    status: str  # "on", "off", or "" without a mark
    runs: list  # (text, weight, unit x from the pill's left, line)
    width: int
    lines: int


@dataclass
class MeasuredPhase:
    shot: object  # the PhaseShot
    cards: list
    height: float  # of its lane's cards, padding included
    name: list
    chip_text: str
    chip_w: int
    kpi: MeasuredKpi | None
    average: float | None
    room: float | None = None  # the room's mean rating (snapshot.PhaseShot.room_average)
    # In a grid: the cards of each row, and each cell's height (padding included).
    cells: list = field(default_factory=list)
    cell_heights: list = field(default_factory=list)


@dataclass
class MeasuredPersona:
    initials: str
    color: str
    label: str
    name: str
    role: str
    quote: list


@dataclass
class LegendEntry:
    what: str  # "kind" or "emotion"
    value: object
    label: str
    x: float  # from the legend's left, all items in one row
    width: float


@dataclass
class Measured:
    shot: object
    measures: Measures
    phases: list
    lanes_w: int
    content_w: int
    legend: list
    legend_w: int
    legend_h: int
    legend_on_top: bool
    head_w: int  # room for the title, beside the legend when it sits on top
    title: list = field(default_factory=list)
    meta: list = field(default_factory=list)
    personas: list = field(default_factory=list)
    persona_h: float = 0
    rows: list = field(default_factory=list)  # MeasuredRow, in a grid only
    lanes_x: int = G.MARGIN  # where the first lane starts: right of the row heads in a grid


def measure(shot, measures=None):
    """The snapshot's texts and sizes, in unit pixels."""
    m = measures if measures is not None else Measures()
    labels = {}  # (what, label, room): the label cut to fit; boards repeat a few labels
    phases = [_phase(m, labels, phase, shot.language) for phase in shot.phases]
    count = len(phases)
    lanes_w = count * G.LANE_W + max(0, count - 1) * G.LANE_GAP
    rows = _rows(m, shot) if count and (len(shot.rows) > 1 or shot.rows and shot.grid) else []
    heads_w = G.ROW_HEAD_W + G.LANE_GAP if rows else 0
    if rows:
        for phase in phases:
            _cells(phase, len(rows))
    content_w = max(heads_w + lanes_w, G.MIN_CONTENT_W)
    legend, legend_w, legend_h = _legend(m, shot.words, count)
    legend_on_top = bool(count) and content_w - legend_w - 40 >= G.LEGEND_TOP_MIN_LEFT
    head_w = content_w - (legend_w + 40 if legend_on_top else 0)
    measured = Measured(shot, m, phases, lanes_w, content_w, legend, legend_w, legend_h, legend_on_top, head_w)
    measured.title, measured.meta = _header(m, shot, head_w)
    measured.personas, measured.persona_h = _personas(m, shot)
    measured.rows, measured.lanes_x = rows, G.MARGIN + heads_w
    return measured


def tracked_width(text, measure, tracking_em):
    """Width of letter-spaced text (uppercase labels), drawn one character at a time."""
    if not text:
        return 0.0
    return sum(measure(ch) for ch in text) + tracking_em * measure.size * (len(text) - 1)


def fit_tracked(text, measure, tracking_em, width):
    while text and tracked_width(text, measure, tracking_em) > width:
        text = text[:-2] + "…" if len(text) > 2 else ""
    return text


# --- Lanes and cards ---------------------------------------------------------------------


def _phase(m, labels, phase, language):
    cards = [_card(m, labels, card, language) for card in phase.cards]
    height = G.LANE_PAD * 2 + sum(card.height for card in cards) + G.CARD_GAP * max(0, len(cards) - 1)
    chip_text = str(phase.card_count)
    chip_w = m("Bold", G.CHIP_SIZE).line(chip_text) + 2 * G.CHIP_PAD
    name_w = G.LANE_W - 2 * G.HEAD_PAD_X - chip_w - 8
    name = wrap(clean(phase.name[: G.TEXT_LIMIT]), m("Bold", G.HEAD_SIZE), name_w, G.HEAD_LINES, language)
    return MeasuredPhase(
        shot=phase,
        cards=cards,
        height=max(height, G.LANE_MIN_H),
        name=name or [""],
        chip_text=chip_text,
        chip_w=math.ceil(chip_w),
        kpi=_kpi(m, phase.kpi),
        average=phase.average_emotion,
        room=getattr(phase, "room_average", None),
    )


def _cells(phase, count):
    """The phase's cards by row (a card of an unknown row goes to the first), in their
    order, and each cell's height; the lane's height becomes the sum of its cells'."""
    phase.cells = [[] for _ in range(count)]
    for card in phase.cards:
        row = getattr(card.shot, "row", 0)
        phase.cells[row if 0 <= row < count else 0].append(card)
    phase.cards = [card for cell in phase.cells for card in cell]
    phase.cell_heights = [stack_height(cell) for cell in phase.cells]
    phase.height = sum(phase.cell_heights)


def stack_height(cards):
    """A cell's or a lane's height: its cards one below the other, padding included."""
    height = G.LANE_PAD * 2 + sum(card.height for card in cards) + G.CARD_GAP * max(0, len(cards) - 1)
    return max(height, G.LANE_MIN_H)


def _rows(m, shot):
    """The row heads' texts: the blueprint line's label, the name and the layer, each cut
    to the head's width; and each head's height."""
    name_m, layer_m, line_m = m("Bold", G.ROW_NAME_SIZE), m("Regular", G.ROW_LAYER_SIZE), m("Bold", G.ROW_LINE_SIZE)
    rows = []
    for row in shot.rows:
        line = wrap(clean(row.line).upper(), line_m, G.ROW_TEXT_W, G.ROW_LINE_LINES, shot.language)
        name = wrap(clean(row.name[: G.TEXT_LIMIT]), name_m, G.ROW_TEXT_W, G.ROW_NAME_LINES, shot.language) or [""]
        layer = wrap(clean(row.layer_label), layer_m, G.ROW_TEXT_W, G.ROW_LAYER_LINES, shot.language)
        height = 2 * (G.ROW_INSET + G.ROW_PAD_Y) + len(name) * G.ROW_NAME_LH + G.ROW_LAYER_GAP + len(layer) * G.ROW_LAYER_LH
        if line:
            height += len(line) * G.ROW_LINE_LH + G.ROW_LINE_GAP
        rows.append(MeasuredRow(row, name, layer, line, height))
    return rows


def _card(m, labels, card, language):
    emotion = card.emotion
    room = G.FACE_ROOM if emotion is not None else 0
    y = G.PAD_TOP
    kind_label = ""
    if card.kind != "touchpoint":
        kind_label = _label(m, labels, "kind", card.kind_label, room)
        y += G.KIND_H
    title_y = y + G.TITLE_CARD_GAP
    title_m = m("SemiBold", G.TITLE_CARD_SIZE)
    title = wrap(clean(card.title[: G.TEXT_LIMIT]), title_m, G.CONTENT_W - room - 1, G.TITLE_CARD_LINES, language)
    y = title_y + G.TITLE_CARD_LH * len(title)
    note, note_y = _note(m, card.note, language), y + G.NOTE_GAP
    if note:
        y = note_y + G.NOTE_LH * len(note)
    channel_label, channel_y = "", y + G.CHANNEL_GAP
    if card.channel:
        channel_label = _label(m, labels, "channel", card.channel_label, 0)
        y = channel_y + G.CHANNEL_H
    height = y + G.PAD_BOTTOM
    if getattr(card, "votes", 0):
        height += G.VOTES_GAP + G.VOTES_H
    if emotion is not None:
        height = max(height, G.FACE_TOP + G.FACE + G.FACE_TOP)
    return MeasuredCard(card, height, kind_label, title, title_y, note, note_y, channel_label, channel_y)


def _note(m, text, language):
    measure = m("Regular", G.NOTE_SIZE)
    note = wrap(clean(text[: G.TEXT_LIMIT], lines=True), measure, G.CONTENT_W - 1, G.NOTE_LINES, language)
    if len(text) > G.TEXT_LIMIT and note and not note[-1].endswith("…"):  # cut, yet all shown
        note[-1] = ellipsize(note[-1], measure, G.CONTENT_W - 1, always=True)
    return note


def _label(m, labels, what, text, room):
    key = (what, text, room)
    label = labels.get(key)
    if label is None:
        if what == "kind":
            width = G.CONTENT_W - room - G.KIND_ICON - 4
            label = fit_tracked(clean(text).upper(), m("Bold", G.KIND_SIZE), G.KIND_TRACK, width)
        else:
            label = ellipsize(clean(text), m("SemiBold", G.CHANNEL_SIZE), G.CONTENT_W - G.CHANNEL_DOT - 6)
        labels[key] = label
    return label


def _kpi(m, kpi):
    """The KPI pill's text runs, width and lines; None when the phase has no KPI.
    "Conversion 3.2 % · target 4 %" on one line if it fits, else the name on the first
    line and the figures on the second."""
    if kpi is None or not clean(kpi.name):
        return None
    regular, bold = m("Regular", G.KPI_SIZE), m("Bold", G.KPI_SIZE)
    mark = G.KPI_MARK + G.KPI_MARK_GAP if kpi.status in ("on", "off") else 0
    name, value = clean(kpi.name[: G.TEXT_LIMIT]), clean(kpi.value) or "–"
    target = f"· {clean(kpi.target)}" if clean(kpi.target) else ""
    room = G.KPI_W - 2 * G.KPI_PAD - mark
    space = regular.space
    figures = bold.line(value) + (space + regular.line(target) if target else 0)
    if regular.line(name) + space + figures <= room:
        lines = [[(name, "Regular", regular), (value, "Bold", bold), (target, "Regular", regular)]]
    else:
        if target and figures > room:  # huge numbers: the target goes, the value stays
            target = ""
        lines = [
            [(ellipsize(name, regular, room), "Regular", regular)],
            [(ellipsize(value, bold, room), "Bold", bold), (target, "Regular", regular)],
        ]
    runs, width = [], 0
    for line, words in enumerate(lines):
        x = G.KPI_PAD + mark
        for text, weight, measure in words:
            if text:
                runs.append((text, weight, x, line))
                x += measure.line(text) + space
        width = max(width, x - space + G.KPI_PAD)
    return MeasuredKpi(kpi.status if mark else "", runs, math.ceil(width), len(lines))


# --- Legend, header, personas ------------------------------------------------------------


def _legend(m, words, phase_count):
    """Legend entries in one row, from the legend's left edge; its width and height."""
    if not phase_count:
        return [], 0, 0
    measure = m("Regular", G.LEGEND_SIZE)
    entries, x = [], 0.0
    groups = [("kind", ("touchpoint", "pain", "opportunity", "idea"), words.get("kinds", {}))]
    groups.append(("emotion", range(G.EMOTION_MIN, G.EMOTION_MAX + 1), words.get("emotions", {})))
    for i, (what, values, labels) in enumerate(groups):
        if i:
            x += G.LEGEND_GROUP_GAP - G.LEGEND_ITEM_GAP
        for value in values:
            label = clean(str(labels.get(value, value)))
            width = G.LEGEND_ICON + 6 + measure.line(label)
            entries.append(LegendEntry(what, value, label, x, width))
            x += width + G.LEGEND_ITEM_GAP
    return entries, math.ceil(x - G.LEGEND_ITEM_GAP), G.LEGEND_H


def _header(m, shot, head_w):
    title = wrap(clean(shot.title[: G.TEXT_LIMIT]), m("Bold", G.TITLE_SIZE), head_w, G.TITLE_LINES, shot.language) or [""]
    with translation.override(shot.language):
        day = formats.date_format(shot.day, "DATE_FORMAT")
    meta_text = day
    description = clean(shot.description[: G.TEXT_LIMIT])
    if description:
        meta_text = f"{day}  ·  {description}"
    meta = wrap(meta_text, m("Regular", G.META_SIZE), min(head_w, G.META_MAX_W), G.META_LINES, shot.language)
    return title, meta


def _personas(m, shot):
    """The personas' cards, and the height of the tallest (they share their rows)."""
    name_m, role_m = m("Bold", G.PERSONA_NAME_SIZE), m("Regular", G.PERSONA_ROLE_SIZE)
    quote_m = m("Regular", G.PERSONA_QUOTE_SIZE)
    text_w = G.PERSONA_W - 2 * G.PERSONA_PAD - G.AVATAR - 12
    label = clean(str(shot.words.get("persona", "Persona"))).upper()
    label = fit_tracked(label, m("Bold", G.PERSONA_LABEL_SIZE), G.LABEL_TRACK, text_w)
    personas = []
    for persona in shot.personas:
        name = clean(persona.name[: G.TEXT_LIMIT])
        quote = clean(persona.quote[: G.TEXT_LIMIT])
        personas.append(MeasuredPersona(
            initials=_drawable_initials(persona, name),
            color=persona.color,
            label=label,
            name=ellipsize(name, name_m, text_w),
            role=ellipsize(clean(persona.role[: G.TEXT_LIMIT]), role_m, text_w),
            quote=wrap(f"“{quote}”", quote_m, text_w, G.PERSONA_QUOTE_LINES, shot.language) if quote else [],
        ))
    quote_lines = max((len(persona.quote) for persona in personas), default=0)
    height = G.PERSONA_PAD * 2 + G.PERSONA_LABEL_LH + G.PERSONA_NAME_LH + G.PERSONA_ROLE_LH
    if quote_lines:
        height += G.PERSONA_QUOTE_GAP + quote_lines * G.PERSONA_QUOTE_LH
    return personas, height


def _drawable_initials(persona, name):
    """The initials the board page shows (Persona.initials), unless Inter cannot draw
    them ("J😀" of "Jürgen 😀"): then the initials of the name as drawn."""
    initials = persona.initials
    if initials and clean(initials) == initials:
        return initials
    return _initials(name)


def _initials(name):
    """"Sanne" S, "Sam de Vries" SV: the capitalised words, as people write their names."""
    words = name.split()
    capitalised = [word for word in words if word[0].isupper()] or words
    if not capitalised:
        return "?"
    letters = capitalised[0][0] + (capitalised[-1][0] if len(capitalised) > 1 else "")
    return letters.upper()
