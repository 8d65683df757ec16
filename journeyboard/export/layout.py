"""Where everything goes in the exported picture of a board.

All sizes below are unit pixels, the board page's CSS pixels at scale 1 (a lane is 272
wide, as on the page). The layout is computed once in units, with text wrapped in units,
and then scaled: so scale 2 is exactly twice scale 1, and the renderer and the tests read
the same device-pixel rectangles from `Layout`.
"""

import math
from dataclasses import dataclass, field

from django.utils import formats, translation

from .text import Measure, clean, ellipsize, wrap

from .geometry import *  # noqa: F403

@dataclass(frozen=True, slots=True)
class Rect:
    x0: int
    y0: int
    x1: int
    y1: int

    @property
    def width(self):
        return self.x1 - self.x0

    @property
    def height(self):
        return self.y1 - self.y0

    @property
    def center(self):
        return ((self.x0 + self.x1) // 2, (self.y0 + self.y1) // 2)


@dataclass(slots=True)
class CardBox:
    rect: Rect
    kind: str
    emotion: int | None
    kind_label: str
    title: list
    note: list
    channel_label: str
    # Unit geometry the renderer scales: the card's top left and its rows' tops.
    unit: tuple
    title_y: int
    note_y: int
    channel_y: int
    votes: int = 0


@dataclass
class KpiBox:
    rect: Rect  # the pill
    status: str  # "on", "off" or ""
    mark: Rect | None  # the status mark's square, None without a status
    # (text, weight, unit x from the pill's left, line); the name may end in an ellipsis.
    runs: list
    unit_y: float  # the pill's top in units


@dataclass
class PhaseBox:
    header: Rect
    lane: Rect
    color: str
    segment: str
    name: list
    name_y: float  # unit top of the name's first line
    count: str
    chip: Rect
    kpi: KpiBox | None
    cards: list
    average: float | None
    point: tuple | None  # the emotion curve's point (x, y), None when no card has an emotion


@dataclass
class LoopBox:
    """The ambassador loop: from the last phase (right) up, left over the band, and down
    onto the first phase with an arrowhead. `rect` spans the line's outer edges, from its
    top to the arrow's tip."""

    rect: Rect
    tail: int  # device y where the line leaves the last phase's band block
    label: str
    label_rect: Rect  # the label and the gaps beside it, where the line is left out
    label_y: float  # unit top of the label's line box


@dataclass
class BandRun:
    rect: Rect
    segment: str
    label: str


@dataclass
class PersonaBox:
    rect: Rect
    unit: tuple  # top left in unit pixels
    initials: str
    color: str  # the avatar's
    label: str
    name: str
    role: str
    quote: list


@dataclass
class LegendItem:
    what: str  # "kind" or "emotion"
    value: object
    label: str
    rect: Rect  # icon and label together


@dataclass
class Layout:
    width: int
    height: int
    scale: float  # device pixels per unit pixel, after the size caps
    unit_size: tuple
    title: list
    title_at: tuple
    meta: list
    meta_at: tuple
    personas: list
    band: list
    loop: LoopBox | None
    phases: list
    strip: Rect | None  # the emotion curve's panel
    strip_title: str
    axis_y: int | None  # neutral emotion
    legend: list
    footer: str
    footer_at: tuple
    empty: Rect | None
    empty_text: str
    capped: bool = False
    measures: dict = field(default_factory=dict, repr=False)

    @property
    def points(self):
        return [phase.point for phase in self.phases]

    def level_y(self, emotion):
        """Device y of an emotion value on the curve's axis (as the points are placed)."""
        return self.axis_y - round(emotion * STEP * self.scale)

    def px(self, unit):
        return math.floor(unit * self.scale + 0.5)


class _Measures(dict):
    """One Measure per (weight, size), shared by everything laid out in one picture."""

    def __call__(self, weight, size):
        key = (weight, size)
        measure = self.get(key)
        if measure is None:
            measure = self[key] = Measure(weight, size)
        return measure


def tracked_width(text, measure, tracking_em):
    """Width of letter-spaced text (uppercase labels), drawn one character at a time."""
    if not text:
        return 0.0
    return sum(measure(ch) for ch in text) + tracking_em * measure.size * (len(text) - 1)


def fit_tracked(text, measure, tracking_em, width):
    while text and tracked_width(text, measure, tracking_em) > width:
        text = text[:-2] + "…" if len(text) > 2 else ""
    return text


SCALES = (1, 2, 3)


def layout(shot, scale=1):
    """The geometry the painter draws, in device pixels at `scale` (1, 2 or 3), shrunk to
    the size caps if need be."""
    if isinstance(scale, bool) or scale not in SCALES:
        raise ValueError(f"scale must be 1, 2 or 3, not {scale!r}")
    return build(shot, scale)


def build(shot, scale, min_aspect=None, max_side=MAX_SIDE, max_pixels=MAX_PIXELS):
    """The layout of `shot` at `scale` (1, 2 or 3), shrunk to the size caps if need be.

    With `min_aspect`, the caps of a picture taller than wide apply to a canvas that many
    times as wide as high, on which it will be centred (a landscape PDF page).
    """
    return _Parts(shot, _Measures()).place(scale, min_aspect, max_side, max_pixels)


class _Parts:
    """The picture in unit pixels: built top to bottom, then scaled by `place`."""

    def __init__(self, shot, measures):
        self.shot = shot
        self.language = shot.language
        self.m = measures
        self.words = shot.words
        self.labels = {}  # (what, label): the label cut to fit; boards repeat a few labels
        self.phases = [self._phase(phase) for phase in shot.phases]
        count = len(self.phases)
        self.lanes_w = count * LANE_W + max(0, count - 1) * LANE_GAP
        self.content_w = max(self.lanes_w, MIN_CONTENT_W)
        self.legend_items, self.legend_w, self.legend_h = self._legend(count)
        self.legend_on_top = bool(count) and self.content_w - self.legend_w - 40 >= LEGEND_TOP_MIN_LEFT
        self.head_w = self.content_w - (self.legend_w + 40 if self.legend_on_top else 0)

    # --- Cards and lanes ---------------------------------------------------------------

    def _phase(self, phase):
        cards = [self._card(card) for card in phase.cards]
        height = LANE_PAD * 2 + sum(card["h"] for card in cards) + CARD_GAP * max(0, len(cards) - 1)
        chip_text = str(len(phase.cards))
        chip_w = self.m("Bold", CHIP_SIZE).line(chip_text) + 2 * CHIP_PAD
        name_w = LANE_W - 2 * HEAD_PAD_X - chip_w - 8
        name = wrap(clean(phase.name[:TEXT_LIMIT]), self.m("Bold", HEAD_SIZE), name_w, HEAD_LINES, self.language)
        return {
            "shot": phase,
            "cards": cards,
            "h": max(height, LANE_MIN_H),
            "name": name or [""],
            "chip_text": chip_text,
            "chip_w": math.ceil(chip_w),
            "kpi": self._kpi(phase.kpi),
            "average": phase.average_emotion,
        }

    def _kpi(self, kpi):
        """The KPI pill: its text runs (text, weight, x in units, line), width and lines;
        None when the phase has no KPI. "Conversion 3.2 % · target 4 %" on one line if it
        fits, else the name on the first line and the figures on the second."""
        if kpi is None or not clean(kpi.name):
            return None
        regular, bold = self.m("Regular", KPI_SIZE), self.m("Bold", KPI_SIZE)
        mark = KPI_MARK + KPI_MARK_GAP if kpi.status in ("on", "off") else 0
        name, value = clean(kpi.name[:TEXT_LIMIT]), clean(kpi.value) or "–"
        target = f"· {clean(kpi.target)}" if clean(kpi.target) else ""
        room = KPI_W - 2 * KPI_PAD - mark
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
            x = KPI_PAD + mark
            for text, weight, measure in words:
                if text:
                    runs.append((text, weight, x, line))
                    x += measure.line(text) + space
            width = max(width, x - space + KPI_PAD)
        return {"status": kpi.status if mark else "", "runs": runs, "w": math.ceil(width), "lines": len(lines)}

    def _card(self, card):
        emotion = card.emotion
        room = FACE_ROOM if emotion is not None else 0
        y = PAD_TOP
        kind_label = ""
        if card.kind != "touchpoint":
            kind_label = self._label("kind", card.kind_label, room)
            y += KIND_H
        title_y = y + TITLE_CARD_GAP
        title_m = self.m("SemiBold", TITLE_CARD_SIZE)
        title = wrap(clean(card.title[:TEXT_LIMIT]), title_m, CONTENT_W - room - 1, TITLE_CARD_LINES, self.language)
        y = title_y + TITLE_CARD_LH * len(title)
        note = wrap(clean(card.note[:TEXT_LIMIT], lines=True), self.m("Regular", NOTE_SIZE), CONTENT_W - 1, NOTE_LINES, self.language)
        if len(card.note) > TEXT_LIMIT and note and not note[-1].endswith("…"):  # cut, yet all shown
            note[-1] = ellipsize(note[-1], self.m("Regular", NOTE_SIZE), CONTENT_W - 1, always=True)
        note_y = y + NOTE_GAP
        if note:
            y = note_y + NOTE_LH * len(note)
        channel_label = ""
        channel_y = y + CHANNEL_GAP
        if card.channel:
            channel_label = self._label("channel", card.channel_label, 0)
            y = channel_y + CHANNEL_H
        height = y + PAD_BOTTOM
        if getattr(card, "votes", 0):
            height += VOTES_GAP + VOTES_H
        if emotion is not None:
            height = max(height, FACE_TOP + FACE + FACE_TOP)
        return {
            "card": card,
            "h": height,
            "kind_label": kind_label,
            "title": title,
            "title_y": title_y,
            "note": note,
            "note_y": note_y,
            "channel_label": channel_label,
            "channel_y": channel_y,
        }

    def _label(self, what, text, room):
        key = (what, text, room)
        label = self.labels.get(key)
        if label is None:
            if what == "kind":
                width = CONTENT_W - room - KIND_ICON - 4
                label = fit_tracked(clean(text).upper(), self.m("Bold", KIND_SIZE), KIND_TRACK, width)
            else:
                label = ellipsize(clean(text), self.m("SemiBold", CHANNEL_SIZE), CONTENT_W - CHANNEL_DOT - 6)
            self.labels[key] = label
        return label

    # --- Legend ------------------------------------------------------------------------

    def _legend(self, phase_count):
        """Legend items in one row, (x, width) in units from the legend's left edge."""
        if not phase_count:
            return [], 0, 0
        measure = self.m("Regular", LEGEND_SIZE)
        items, x = [], 0.0
        kinds = self.words.get("kinds", {})
        for value in ("touchpoint", "pain", "opportunity", "idea"):
            label = clean(str(kinds.get(value, value)))
            width = LEGEND_ICON + 6 + measure.line(label)
            items.append(("kind", value, label, x, width))
            x += width + LEGEND_ITEM_GAP
        x += LEGEND_GROUP_GAP - LEGEND_ITEM_GAP
        emotions = self.words.get("emotions", {})
        for value in range(EMOTION_MIN, EMOTION_MAX + 1):
            label = clean(str(emotions.get(value, value)))
            width = LEGEND_ICON + 6 + measure.line(label)
            items.append(("emotion", value, label, x, width))
            x += width + LEGEND_ITEM_GAP
        return items, math.ceil(x - LEGEND_ITEM_GAP), LEGEND_H

    def _flow_legend(self, width):
        """The legend's items wrapped into rows no wider than `width`: [(row, x, item)]."""
        placed, row, offset = [], 0, None
        for item in self.legend_items:
            _what, _value, _label, x, item_w = item
            if offset is None:
                offset = x
            if x + item_w - offset > width and x > offset:
                row, offset = row + 1, x
            placed.append((row, x - offset, item))
        return placed, (row + 1) * LEGEND_H + row * 6

    # --- Header ------------------------------------------------------------------------

    def _header(self):
        shot = self.shot
        title_m = self.m("Bold", TITLE_SIZE)
        title = wrap(clean(shot.title[:TEXT_LIMIT]), title_m, self.head_w, TITLE_LINES, self.language) or [""]
        with translation.override(shot.language):
            day = formats.date_format(shot.day, "DATE_FORMAT")
        meta_text = day
        description = clean(shot.description[:TEXT_LIMIT])
        if description:
            meta_text = f"{day}  ·  {description}"
        meta = wrap(meta_text, self.m("Regular", META_SIZE), min(self.head_w, META_MAX_W), META_LINES, self.language)
        return title, meta

    def _personas(self):
        boxes = []
        name_m = self.m("Bold", PERSONA_NAME_SIZE)
        role_m = self.m("Regular", PERSONA_ROLE_SIZE)
        quote_m = self.m("Regular", PERSONA_QUOTE_SIZE)
        text_w = PERSONA_W - 2 * PERSONA_PAD - AVATAR - 12
        label = clean(str(self.words.get("persona", "Persona"))).upper()
        for persona in self.shot.personas:
            name = clean(persona.name[:TEXT_LIMIT])
            quote = clean(persona.quote[:TEXT_LIMIT])
            boxes.append({
                "initials": _drawable_initials(persona, name),
                "color": persona.color,
                "label": fit_tracked(label, self.m("Bold", PERSONA_LABEL_SIZE), LABEL_TRACK, text_w),
                "name": ellipsize(name, name_m, text_w),
                "role": ellipsize(clean(persona.role[:TEXT_LIMIT]), role_m, text_w),
                "quote": wrap(f"“{quote}”", quote_m, text_w, PERSONA_QUOTE_LINES, self.language) if quote else [],
            })
        quote_lines = max((len(box["quote"]) for box in boxes), default=0)
        height = PERSONA_PAD * 2 + PERSONA_LABEL_LH + PERSONA_NAME_LH + PERSONA_ROLE_LH
        if quote_lines:
            height += PERSONA_QUOTE_GAP + quote_lines * PERSONA_QUOTE_LH
        return boxes, height

    # --- Placing and scaling -----------------------------------------------------------

    def place(self, scale, min_aspect, max_side, max_pixels):
        """Put everything at unit positions top to bottom, then scale to device pixels."""
        units = _Units()
        y = self._place_header(units)
        y = self._place_board(units, y + SECTION_GAP)
        bottom = self._place_footer(units, y + FOOTER_GAP)
        units.size = (self.content_w + 2 * MARGIN, bottom + MARGIN)
        unit_w, unit_h = units.size
        canvas_w = unit_h * min_aspect if min_aspect and unit_w <= unit_h else unit_w
        s, capped = _effective_scale(canvas_w, unit_h, scale, max_side, max_pixels)
        return self._scaled(units, s, capped)

    def _place_header(self, units):
        """Title, date and description, personas; the legend on the right if it fits."""
        units.title, units.meta = self._header()
        y = MARGIN
        units.title_at = (MARGIN, y)
        y += TITLE_LH * len(units.title) + META_GAP
        units.meta_at = (MARGIN, y)
        y += META_LH * len(units.meta)
        personas, persona_h = self._personas()
        if personas:
            per_row = max(1, int((self.head_w + PERSONA_GAP) // (PERSONA_W + PERSONA_GAP)))
            y += PERSONA_TOP
            for i, persona in enumerate(personas):
                row, col = divmod(i, per_row)
                x0 = MARGIN + col * (PERSONA_W + PERSONA_GAP)
                y0 = y + row * (persona_h + PERSONA_GAP)
                units.personas.append((persona, (x0, y0, x0 + PERSONA_W, y0 + persona_h)))
            rows = math.ceil(len(personas) / per_row)
            y += rows * persona_h + (rows - 1) * PERSONA_GAP
        if self.legend_on_top:
            x0, y0 = MARGIN + self.content_w - self.legend_w, MARGIN + (TITLE_LH - LEGEND_H) // 2
            units.legend = [(item, x0 + item[3], y0) for item in self.legend_items]
            y = max(y, y0 + self.legend_h)
        return y

    def _place_board(self, units, y):
        """Segment band, phase headers, emotion curve and lanes; or the empty board's note."""
        if not self.phases:
            units.empty = (MARGIN, y, MARGIN + min(EMPTY_W, self.content_w), y + EMPTY_H)
            return y + EMPTY_H
        if self.shot.loop and len(self.phases) > 1:
            units.loop = self._loop(y)
            y += LOOP_H
        units.band = self._band_runs(MARGIN, y)
        y += BAND_H + ROW_GAP
        head_y = y
        # Every head as tall as the tallest, with room for a KPI in all if one has one,
        # so that the lanes below stay aligned.
        head_h = HEAD_PAD_Y * 2 + HEAD_LH * max(len(phase["name"]) for phase in self.phases)
        kpi_lines = max((phase["kpi"]["lines"] for phase in self.phases if phase["kpi"]), default=0)
        if kpi_lines:
            units.kpi_row = KPI_GAP + KPI_H + (kpi_lines - 1) * KPI_LH
            head_h += units.kpi_row
        y += head_h + ROW_GAP
        if any(phase["average"] is not None for phase in self.phases):
            units.strip = (MARGIN, y, MARGIN + self.lanes_w, y + STRIP_H)
            units.axis = y + STRIP_PAD_TOP + 2 * STEP
            y += STRIP_H + ROW_GAP
        lane_h = max(phase["h"] for phase in self.phases)  # every lane as tall as the tallest
        for i, phase in enumerate(self.phases):
            x0 = MARGIN + i * (LANE_W + LANE_GAP)
            units.phases.append((phase, x0, head_y, head_h, y, lane_h))
        return y + lane_h

    def _place_footer(self, units, y):
        """The legend (unless it sits in the header) and "Made with Journeyboard" on the
        right of its last row, or below when there is no room. Returns the bottom."""
        units.footer = clean(str(self.words.get("made_with", "")))
        footer_w = self.m("Regular", FOOTER_SIZE).line(units.footer)
        footer_y, bottom = y, y + LEGEND_H
        if self.phases and not self.legend_on_top:
            placed, legend_h = self._flow_legend(self.content_w)
            units.legend = [(item, MARGIN + x, y + row * (LEGEND_H + 6)) for row, x, item in placed]
            last_row = placed[-1][0]
            last_right = max(x + item[4] for row, x, item in placed if row == last_row)
            footer_y, bottom = y + last_row * (LEGEND_H + 6), y + legend_h
            if last_right + 40 + footer_w > self.content_w:
                footer_y = bottom + 6
                bottom = footer_y + LEGEND_H
        units.footer_at = (MARGIN + self.content_w - footer_w, footer_y)
        return bottom

    def _loop(self, y):
        """The loop's line and label in units, on a row of its own above the band."""
        x0 = MARGIN + LOOP_INSET  # over the first phase: where the arrow lands
        x1 = MARGIN + self.lanes_w - LOOP_INSET  # over the last one: where it starts
        line_y = y + LOOP_LH / 2 - LOOP_LINE / 2
        measure = self.m("SemiBold", LOOP_SIZE)
        room = x1 - x0 - 2 * LOOP_RADIUS - 2 * LOOP_LABEL_GAP
        label = ellipsize(clean(str(self.words.get("loop", ""))), measure, room)
        gap = measure.line(label) / 2 + LOOP_LABEL_GAP if label else 0
        middle = (x0 + x1) / 2
        return {
            "box": (x0, line_y, x1, y + LOOP_H - LOOP_BAND_GAP),
            "label": label,
            "label_box": (middle - gap, y, middle + gap, y + LOOP_LH),
            "label_y": y,
        }

    def _band_runs(self, left, y):
        """Consecutive phases of one segment share one block of the band."""
        runs = []
        for i, phase in enumerate(self.phases):
            segment = phase["shot"].segment
            x0 = left + i * (LANE_W + LANE_GAP)
            if runs and runs[-1][0] == segment:
                runs[-1][2] = x0 + LANE_W
            else:
                runs.append([segment, x0, x0 + LANE_W, phase["shot"].segment_label])
        return [(segment, (x0, y, x1, y + BAND_H), label) for segment, x0, x1, label in runs]

    def _scaled(self, units, s, capped):
        def d(v):
            return math.floor(v * s + 0.5)

        def rect(x0, y0, x1, y1):
            return Rect(d(x0), d(y0), d(x1), d(y1))

        band_m = self.m("Bold", BAND_SIZE)
        band = [
            BandRun(rect(*box), segment, fit_tracked(clean(label).upper(), band_m, BAND_TRACK, box[2] - box[0] - 2 * BAND_PAD))
            for segment, box, label in units.band
        ]
        phases = [self._scaled_phase(d, rect, s, units, *placed) for placed in units.phases]
        loop = None
        if units.loop:
            box = units.loop["box"]
            loop = LoopBox(
                rect=rect(*box),
                tail=d(box[3]) - d(LOOP_TAIL) // 2,
                label=units.loop["label"],
                label_rect=rect(*units.loop["label_box"]),
                label_y=units.loop["label_y"],
            )
        legend = [
            LegendItem(what, value, label, rect(x, y, x + width, y + LEGEND_H))
            for (what, value, label, _x, width), x, y in units.legend
        ]
        personas = [
            PersonaBox(rect(*box), box[:2], p["initials"], p["color"], p["label"], p["name"], p["role"], p["quote"])
            for p, box in units.personas
        ]
        unit_w, unit_h = units.size
        return Layout(
            width=min(MAX_SIDE, max(1, d(unit_w))),
            height=min(MAX_SIDE, max(1, d(unit_h))),
            scale=s,
            unit_size=units.size,
            title=units.title,
            title_at=units.title_at,
            meta=units.meta,
            meta_at=units.meta_at,
            personas=personas,
            band=band,
            loop=loop,
            phases=phases,
            strip=rect(*units.strip) if units.strip else None,
            strip_title=clean(str(self.words.get("emotion_curve", ""))).upper(),
            axis_y=d(units.axis) if units.axis is not None else None,
            legend=legend,
            footer=units.footer,
            footer_at=units.footer_at,
            empty=rect(*units.empty) if units.empty else None,
            empty_text=clean(str(self.words.get("no_phases", ""))),
            capped=capped,
            measures=self.m,
        )

    def _scaled_phase(self, d, rect, s, units, phase, x0, head_y, head_h, lane_y, lane_h):
        axis = units.axis
        cards, cx, cy = [], x0 + LANE_PAD, lane_y + LANE_PAD
        for card in phase["cards"]:
            shot = card["card"]
            cards.append(CardBox(
                rect(cx, cy, cx + CARD_W, cy + card["h"]), shot.kind, shot.emotion, card["kind_label"],
                card["title"], card["note"], card["channel_label"], (cx, cy),
                card["title_y"], card["note_y"], card["channel_y"], getattr(shot, "votes", 0),
            ))
            cy += card["h"] + CARD_GAP
        average = phase["average"]
        point = None
        if average is not None and axis is not None:
            clamped = max(EMOTION_MIN, min(EMOTION_MAX, average))
            point = (d(x0 + LANE_W / 2), d(axis) - round(clamped * STEP * s))
        # The name and the count are centred in the head above the KPI row (if any head
        # has a KPI), so names and counts line up whether or not their phase has one.
        name_h = head_h - 2 * HEAD_PAD_Y - units.kpi_row
        name_y = head_y + HEAD_PAD_Y + (name_h - HEAD_LH * len(phase["name"])) / 2
        chip_x1 = x0 + LANE_W - HEAD_PAD_X
        chip_y = head_y + HEAD_PAD_Y + (name_h - CHIP_H) / 2
        return PhaseBox(
            header=rect(x0, head_y, x0 + LANE_W, head_y + head_h),
            lane=rect(x0, lane_y, x0 + LANE_W, lane_y + lane_h),
            color=phase["shot"].color,
            segment=phase["shot"].segment,
            name=phase["name"],
            name_y=name_y,
            count=phase["chip_text"],
            chip=rect(chip_x1 - phase["chip_w"], chip_y, chip_x1, chip_y + CHIP_H),
            kpi=self._scaled_kpi(d, rect, phase["kpi"], x0 + HEAD_PAD_X, head_y + head_h - HEAD_PAD_Y - units.kpi_row + KPI_GAP),
            cards=cards,
            average=average,
            point=point,
        )

    @staticmethod
    def _scaled_kpi(d, rect, kpi, x, y):
        if kpi is None:
            return None
        mark = None
        if kpi["status"]:
            mx, my = x + KPI_PAD, y + (KPI_H - KPI_MARK) / 2
            mark = Rect(d(mx), d(my), d(mx) + d(KPI_MARK), d(my) + d(KPI_MARK))  # square at any scale
        height = KPI_H + (kpi["lines"] - 1) * KPI_LH
        return KpiBox(rect(x, y, x + kpi["w"], y + height), kpi["status"], mark, kpi["runs"], y)


@dataclass
class _Units:
    """Unit-pixel positions, filled in by _Parts.place top to bottom."""

    size: tuple = (0, 0)
    title: list = field(default_factory=list)
    title_at: tuple = (0, 0)
    meta: list = field(default_factory=list)
    meta_at: tuple = (0, 0)
    personas: list = field(default_factory=list)  # (persona, box)
    legend: list = field(default_factory=list)  # (item, x, y)
    band: list = field(default_factory=list)  # (segment, box, label)
    phases: list = field(default_factory=list)  # (phase, x, header y, header height, lane y, lane height)
    strip: tuple | None = None
    axis: int | None = None
    kpi_row: float = 0  # the height the phase heads keep for KPIs, 0 when none has one
    loop: dict | None = None
    empty: tuple | None = None
    footer: str = ""
    footer_at: tuple = (0, 0)


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


def _effective_scale(unit_w, unit_h, scale, max_side=MAX_SIDE, max_pixels=MAX_PIXELS):
    """`scale`, or less when the picture would pass a cap: (scale, whether capped)."""
    s = float(scale)
    if max(unit_w, unit_h) * s > max_side:
        s = max_side / max(unit_w, unit_h)
    if unit_w * unit_h * s * s > max_pixels:
        s = math.sqrt(max_pixels / (unit_w * unit_h))
    if s == scale:
        return scale, False
    return s * 0.9999, True  # stay under the caps after rounding
