"""The last stage of the layout: unit positions rounded to device pixels at one scale,
into the boxes the painter draws (boxes.py). Every coordinate is rounded by itself, so
scale 2 is exactly twice scale 1."""

import math

from . import geometry as G
from .boxes import BandRun, CardBox, KpiBox, Layout, LegendItem, LoopBox, PersonaBox, PhaseBox, Rect, RowBox
from .persona_curve import persona_points
from .text import clean


class Scaler:
    """Unit pixels to device pixels at scale `s`."""

    def __init__(self, s):
        self.s = s

    def d(self, v):
        return math.floor(v * self.s + 0.5)

    def rect(self, x0, y0, x1, y1):
        d = self.d
        return Rect(d(x0), d(y0), d(x1), d(y1))


def effective_scale(unit_w, unit_h, scale, max_side=G.MAX_SIDE, max_pixels=G.MAX_PIXELS):
    """`scale`, or less when the picture would pass a cap: (scale, whether capped)."""
    s = float(scale)
    if max(unit_w, unit_h) * s > max_side:
        s = max_side / max(unit_w, unit_h)
    if unit_w * unit_h * s * s > max_pixels:
        s = math.sqrt(max_pixels / (unit_w * unit_h))
    if s == scale:
        return scale, False
    return s * 0.9999, True  # stay under the caps after rounding


def scaled(placed, s, capped=False):
    """The Layout of `placed` at scale `s`."""
    at = Scaler(s)
    measured, words = placed.measured, placed.measured.shot.words
    unit_w, unit_h = placed.size
    return Layout(
        width=min(G.MAX_SIDE, max(1, at.d(unit_w))),
        height=min(G.MAX_SIDE, max(1, at.d(unit_h))),
        scale=s,
        unit_size=placed.size,
        title=measured.title,
        title_at=placed.title_at,
        meta=measured.meta,
        meta_at=placed.meta_at,
        personas=[_persona(at, persona, box) for persona, box in placed.personas],
        band=[BandRun(at.rect(*box), segment, label) for segment, box, label in placed.band],
        loop=_loop(at, placed.loop),
        phases=[_phase(at, placed, phase) for phase in placed.phases],
        strip=at.rect(*placed.strip) if placed.strip else None,
        strip_title=clean(str(words.get("emotion_curve", ""))).upper(),
        room_label=clean(str(words.get("room_ratings", ""))),
        axis_y=at.d(placed.axis) if placed.axis is not None else None,
        legend=[_legend_item(at, entry, x, y) for entry, x, y in placed.legend],
        footer=placed.footer,
        footer_at=placed.footer_at,
        empty=at.rect(*placed.empty) if placed.empty else None,
        empty_text=clean(str(words.get("no_phases", ""))),
        capped=capped,
        measures=measured.measures,
        rows=[_row(at, placed, row) for row in placed.rows],
        persona_lines=persona_points(at, placed),
    )


def _row(at, placed, where):
    x0, y0 = G.MARGIN, where.y + G.ROW_INSET
    row = where.row
    cells = [at.rect(p.x, where.y, p.x + G.LANE_W, where.y + where.height) for p in placed.phases]
    return RowBox(
        rect=at.rect(x0, y0, x0 + G.ROW_HEAD_W, where.y + where.height - G.ROW_INSET),
        color=row.shot.color,
        unit=(x0, y0),
        line=row.line,
        name=row.name,
        name_y=y0 + G.ROW_PAD_Y + (len(row.line) * G.ROW_LINE_LH + G.ROW_LINE_GAP if row.line else 0),
        layer=row.layer,
        top=at.d(where.y),
        cells=cells,
    )


def _persona(at, p, box):
    return PersonaBox(at.rect(*box), box[:2], p.initials, p.color, p.label, p.name, p.role, p.quote)


def _legend_item(at, entry, x, y):
    return LegendItem(entry.what, entry.value, entry.label, at.rect(x, y, x + entry.width, y + G.LEGEND_H))


def _loop(at, loop):
    if loop is None:
        return None
    return LoopBox(
        rect=at.rect(*loop.box),
        tail=at.d(loop.box[3]) - at.d(G.LOOP_TAIL) // 2,
        label=loop.label,
        label_rect=at.rect(*loop.label_box),
        label_y=loop.label_y,
    )


def _phase(at, placed, where):
    phase, x0, head_y, head_h = where.phase, where.x, where.head_y, where.head_h
    # The name and the count are centred in the head above the KPI row (if any head
    # has a KPI), so names and counts line up whether or not their phase has one.
    name_h = head_h - 2 * G.HEAD_PAD_Y - placed.kpi_row
    name_y = head_y + G.HEAD_PAD_Y + (name_h - G.HEAD_LH * len(phase.name)) / 2
    chip_x1 = x0 + G.LANE_W - G.HEAD_PAD_X
    chip_y = head_y + G.HEAD_PAD_Y + (name_h - G.CHIP_H) / 2
    kpi_y = head_y + head_h - G.HEAD_PAD_Y - placed.kpi_row + G.KPI_GAP
    return PhaseBox(
        header=at.rect(x0, head_y, x0 + G.LANE_W, head_y + head_h),
        lane=at.rect(x0, where.lane_y, x0 + G.LANE_W, where.lane_y + where.lane_h),
        color=phase.shot.color,
        segment=phase.shot.segment,
        name=phase.name,
        name_y=name_y,
        count=phase.chip_text,
        chip=at.rect(chip_x1 - phase.chip_w, chip_y, chip_x1, chip_y + G.CHIP_H),
        kpi=_kpi(at, phase.kpi, x0 + G.HEAD_PAD_X, kpi_y),
        cards=_lane_cards(at, phase, where),
        average=phase.average,
        point=_point(at, placed.axis, phase.average, x0),
        room_point=_point(at, placed.axis, phase.room, x0),
    )


def _lane_cards(at, phase, where):
    """The lane's cards: one below the other, or in a grid each row's from its cell's top."""
    x = where.x + G.LANE_PAD
    if not where.cell_y:
        return _cards(at, phase.cards, x, where.lane_y + G.LANE_PAD)
    return [box for cell, y in zip(phase.cells, where.cell_y) for box in _cards(at, cell, x, y + G.LANE_PAD)]


def _cards(at, cards, x, y):
    """The lane's cards one below the other from (x, y)."""
    boxes = []
    for card in cards:
        shot = card.shot
        boxes.append(CardBox(
            at.rect(x, y, x + G.CARD_W, y + card.height), shot.kind, shot.emotion, card.kind_label,
            card.title, card.note, card.channel_label, (x, y),
            card.title_y, card.note_y, card.channel_y, getattr(shot, "votes", 0),
        ))
        y += card.height + G.CARD_GAP
    return boxes


def _point(at, axis, average, x0):
    """The curve's point over the lane at x0; None without an average or a curve."""
    if average is None or axis is None:
        return None
    clamped = max(G.EMOTION_MIN, min(G.EMOTION_MAX, average))
    return (at.d(x0 + G.LANE_W / 2), at.d(axis) - round(clamped * G.STEP * at.s))


def _kpi(at, kpi, x, y):
    if kpi is None:
        return None
    mark = None
    if kpi.status:
        mx, my = x + G.KPI_PAD, y + (G.KPI_H - G.KPI_MARK) / 2
        mark = Rect(at.d(mx), at.d(my), at.d(mx) + at.d(G.KPI_MARK), at.d(my) + at.d(G.KPI_MARK))  # square at any scale
    height = G.KPI_H + (kpi.lines - 1) * G.KPI_LH
    return KpiBox(at.rect(x, y, x + kpi.width, y + height), kpi.status, mark, kpi.runs, y)
