"""The second stage of the layout: the measured parts put at unit positions, top to
bottom: header and personas (the legend beside the title if it fits), the ambassador
loop, the segment band, phase heads, the emotion curve, lanes, then legend and footer."""

import math
from dataclasses import dataclass, field

from . import geometry as G
from .measure import fit_tracked
from .text import clean, ellipsize


@dataclass
class PlacedLoop:
    box: tuple  # the line's outer edges, from its top to the arrow's tip
    label: str
    label_box: tuple  # the label and the gaps beside it
    label_y: float


@dataclass
class PlacedPhase:
    phase: object  # the MeasuredPhase
    x: float
    head_y: float
    head_h: float
    lane_y: float
    lane_h: float
    cell_y: list = field(default_factory=list)  # in a grid: the unit top of each row's cell


@dataclass
class PlacedRow:
    row: object  # the MeasuredRow
    y: float  # the row's top, where the line above it runs
    height: float


@dataclass
class Placed:
    """Unit-pixel positions of everything; boxes are (x0, y0, x1, y1)."""

    measured: object
    size: tuple = (0, 0)
    title_at: tuple = (0, 0)
    meta_at: tuple = (0, 0)
    personas: list = field(default_factory=list)  # (MeasuredPersona, box)
    legend: list = field(default_factory=list)  # (LegendEntry, x, y)
    band: list = field(default_factory=list)  # (segment, box, label)
    phases: list = field(default_factory=list)  # PlacedPhase
    rows: list = field(default_factory=list)  # PlacedRow, in a grid only
    strip: tuple | None = None
    axis: float | None = None
    kpi_row: float = 0  # the height the phase heads keep for KPIs, 0 when none has one
    loop: PlacedLoop | None = None
    empty: tuple | None = None
    footer: str = ""
    footer_at: tuple = (0, 0)


def place(measured):
    """Everything of `measured` at unit positions, and the picture's unit size."""
    placed = Placed(measured)
    y = _header(placed, measured)
    y = _board(placed, measured, y + G.SECTION_GAP)
    bottom = _footer(placed, measured, y + G.FOOTER_GAP)
    placed.size = (measured.content_w + 2 * G.MARGIN, bottom + G.MARGIN)
    return placed


def _header(placed, measured):
    """Title, date and description, personas; the legend on the right if it fits."""
    y = G.MARGIN
    placed.title_at = (G.MARGIN, y)
    y += G.TITLE_LH * len(measured.title) + G.META_GAP
    placed.meta_at = (G.MARGIN, y)
    y += G.META_LH * len(measured.meta)
    if measured.personas:
        y = _personas(placed, measured, y + G.PERSONA_TOP)
    if measured.legend_on_top:
        x0, y0 = G.MARGIN + measured.content_w - measured.legend_w, G.MARGIN + (G.TITLE_LH - G.LEGEND_H) // 2
        placed.legend = [(entry, x0 + entry.x, y0) for entry in measured.legend]
        y = max(y, y0 + measured.legend_h)
    return y


def _personas(placed, measured, y):
    """The personas in rows as wide as the title's room; returns the y below them."""
    height, count = measured.persona_h, len(measured.personas)
    per_row = max(1, int((measured.head_w + G.PERSONA_GAP) // (G.PERSONA_W + G.PERSONA_GAP)))
    for i, persona in enumerate(measured.personas):
        row, col = divmod(i, per_row)
        x0 = G.MARGIN + col * (G.PERSONA_W + G.PERSONA_GAP)
        y0 = y + row * (height + G.PERSONA_GAP)
        placed.personas.append((persona, (x0, y0, x0 + G.PERSONA_W, y0 + height)))
    rows = math.ceil(count / per_row)
    return y + rows * height + (rows - 1) * G.PERSONA_GAP


def _board(placed, measured, y):
    """Segment band, phase heads, emotion curve and lanes; or the empty board's note."""
    phases = measured.phases
    if not phases:
        placed.empty = (G.MARGIN, y, G.MARGIN + min(G.EMPTY_W, measured.content_w), y + G.EMPTY_H)
        return y + G.EMPTY_H
    if measured.shot.loop and len(phases) > 1:
        placed.loop = _loop(measured, y)
        y += G.LOOP_H
    placed.band = _band_runs(measured, measured.lanes_x, y)
    y += G.BAND_H + G.ROW_GAP
    head_y = y
    # Every head as tall as the tallest, with room for a KPI in all if one has one,
    # so that the lanes below stay aligned.
    head_h = G.HEAD_PAD_Y * 2 + G.HEAD_LH * max(len(phase.name) for phase in phases)
    kpi_lines = max((phase.kpi.lines for phase in phases if phase.kpi), default=0)
    if kpi_lines:
        placed.kpi_row = G.KPI_GAP + G.KPI_H + (kpi_lines - 1) * G.KPI_LH
        head_h += placed.kpi_row
    y += head_h + G.ROW_GAP
    if any(phase.average is not None or phase.room is not None for phase in phases):
        placed.strip = (measured.lanes_x, y, measured.lanes_x + measured.lanes_w, y + G.STRIP_H)
        placed.axis = y + G.STRIP_PAD_TOP + 2 * G.STEP
        y += G.STRIP_H + G.ROW_GAP
    left = measured.lanes_x
    if measured.rows:
        placed.rows = _grid_rows(measured, y)
        lane_h = sum(row.height for row in placed.rows)
    else:
        lane_h = max(phase.height for phase in phases)  # every lane as tall as the tallest
    for i, phase in enumerate(phases):
        cell_y = [row.y for row in placed.rows]
        placed.phases.append(PlacedPhase(phase, left + i * (G.LANE_W + G.LANE_GAP), head_y, head_h, y, lane_h, cell_y))
    return y + lane_h


def _grid_rows(measured, y):
    """The grid's rows from `y` down: each as tall as its head or its tallest cell."""
    rows = []
    for index, row in enumerate(measured.rows):
        height = max(row.height, *(phase.cell_heights[index] for phase in measured.phases))
        rows.append(PlacedRow(row, y, height))
        y += height
    return rows


def _loop(measured, y):
    """The loop's line and label, on a row of its own above the band."""
    x0 = measured.lanes_x + G.LOOP_INSET  # over the first phase: where the arrow lands
    x1 = measured.lanes_x + measured.lanes_w - G.LOOP_INSET  # over the last one: where it starts
    line_y = y + G.LOOP_LH / 2 - G.LOOP_LINE / 2
    measure = measured.measures("SemiBold", G.LOOP_SIZE)
    room = x1 - x0 - 2 * G.LOOP_RADIUS - 2 * G.LOOP_LABEL_GAP
    label = ellipsize(clean(str(measured.shot.words.get("loop", ""))), measure, room)
    gap = measure.line(label) / 2 + G.LOOP_LABEL_GAP if label else 0
    middle = (x0 + x1) / 2
    return PlacedLoop((x0, line_y, x1, y + G.LOOP_H - G.LOOP_BAND_GAP), label, (middle - gap, y, middle + gap, y + G.LOOP_LH), y)


def _band_runs(measured, left, y):
    """Consecutive phases of one segment share one block of the band."""
    runs = []
    for i, phase in enumerate(measured.phases):
        segment = phase.shot.segment
        x0 = left + i * (G.LANE_W + G.LANE_GAP)
        if runs and runs[-1][0] == segment:
            runs[-1][2] = x0 + G.LANE_W
        else:
            runs.append([segment, x0, x0 + G.LANE_W, phase.shot.segment_label])
    band_m = measured.measures("Bold", G.BAND_SIZE)
    return [
        (segment, (x0, y, x1, y + G.BAND_H), fit_tracked(clean(label).upper(), band_m, G.BAND_TRACK, x1 - x0 - 2 * G.BAND_PAD))
        for segment, x0, x1, label in runs
    ]


def _footer(placed, measured, y):
    """The legend (unless it sits in the header) and "Made with Journeyboard" on the
    right of its last row, or below when there is no room. Returns the bottom."""
    placed.footer = clean(str(measured.shot.words.get("made_with", "")))
    footer_w = measured.measures("Regular", G.FOOTER_SIZE).line(placed.footer)
    footer_y, bottom = y, y + G.LEGEND_H
    if measured.phases and not measured.legend_on_top:
        rows, legend_h = _flow_legend(measured.legend, measured.content_w)
        placed.legend = [(entry, G.MARGIN + x, y + row * (G.LEGEND_H + 6)) for row, x, entry in rows]
        last_row = rows[-1][0]
        last_right = max(x + entry.width for row, x, entry in rows if row == last_row)
        footer_y, bottom = y + last_row * (G.LEGEND_H + 6), y + legend_h
        if last_right + 40 + footer_w > measured.content_w:
            footer_y = bottom + 6
            bottom = footer_y + G.LEGEND_H
    placed.footer_at = (G.MARGIN + measured.content_w - footer_w, footer_y)
    return bottom


def _flow_legend(entries, width):
    """The legend's entries wrapped into rows no wider than `width`: [(row, x, entry)],
    and the rows' height."""
    rows, row, offset = [], 0, None
    for entry in entries:
        if offset is None:
            offset = entry.x
        if entry.x + entry.width - offset > width and entry.x > offset:
            row, offset = row + 1, entry.x
        rows.append((row, entry.x - offset, entry))
    return rows, (row + 1) * G.LEGEND_H + row * 6
