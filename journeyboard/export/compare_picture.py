"""The comparison of two states of a board as one 16:9 picture, for the slide that shows the
change: "A → B", the counts, both emotion curves in one chart (A dashed, B solid) with a
legend, and per phase its changes and its KPI before and after.

compare_shot words everything (in the reader's language, as the compare page they come
from); render_compare_png draws it with the board picture's primitives (canvas.py,
shapes.py, text.py) and its palette (theme.py), in unit pixels of a 1920 x 1080 slide
times `scale`."""

import io
from dataclasses import dataclass, field
from itertools import pairwise

from django.utils.translation import gettext as _

from journeyboard.boards.compare import compare
from journeyboard.boards.compare_page import COLOUR, column_counts, kpi_delta, kpi_phase, signed, summary_sentence
from journeyboard.theme import (
    ACCENT, CANVAS, CURVE_AXIS, CURVE_DOWN, CURVE_GRID, CURVE_UP, EMOTIONS, INK, INK_SOFT, LANE, PAPER, mix,
    nearest_emotion, rgb,
)

from . import shapes
from .boxes import Rect
from .measure import Measures
from .painter import Painter, dashes
from .snapshot import kpi_shot
from .text import clean, ellipsize, wrap

SLIDE_W, SLIDE_H = 1920, 1080
MARGIN = 64
TITLE_SIZE, TITLE_LH = 40, 50
BOARD_SIZE, COUNTS_SIZE, COUNTS_LH = 20, 24, 32
CHART_TOP, CHART_H, CHART_PAD = 236, 450, 24
LEGEND_SIZE = 17
PHASES_TOP = CHART_TOP + CHART_H + 24
FOOTER_SIZE = 14
A_INK = INK_SOFT  # A's dashed line: the page's .compare-line-a
B_INK = ACCENT  # B's solid line: the page's curve


@dataclass
class ColumnShot:
    name: str
    color: tuple
    average_a: float | None
    average_b: float | None
    emotion: str  # "Emotion −1.5 → +0.5"
    counts: str  # "3 added · 1 moved"; "" when nothing changed
    kpi: str  # "Conversion 3,2 % → 4 %"; "" without a KPI
    kpi_delta: str
    state: str = ""  # "added" or "removed" for a phase only one side has


@dataclass
class CompareShot:
    title: str  # "A → B"
    board_title: str
    sentence: str
    label_a: str
    label_b: str
    language: str
    columns: list = field(default_factory=list)
    words: dict = field(default_factory=dict)

    @property
    def file_title(self):
        return f"{self.board_title} compared"


def compare_shot(board, side_a, side_b):
    result = compare(side_a.document, side_b.document)
    return CompareShot(
        title=f"{side_a.label} → {side_b.label}",
        board_title=board.title,
        sentence=summary_sentence(result.summary),
        label_a=_("A: %(label)s") % {"label": side_a.label},
        label_b=_("B: %(label)s") % {"label": side_b.label},
        language=board.language,
        columns=[_column(column) for column in result.phases],
        words={
            "curve": _("Emotion curve"),
            "made_with": _("Made with Journeyboard"),
            "added": _("New phase"),
            "removed": _("Removed phase"),
            "none": _("No phases to compare."),
        },
    )


def _column(column):
    return ColumnShot(
        name=column.name,
        color=rgb(column.color) if COLOUR.fullmatch(column.color) else LANE,
        average_a=column.average_a,
        average_b=column.average_b,
        emotion=f"{_('Emotion')} {signed(column.average_a)} → {signed(column.average_b)}",
        counts=" · ".join(text for _what, text in column_counts(column)),
        kpi=_kpi_text(column),
        kpi_delta=kpi_delta(column),
        state="removed" if column.b is None else "added" if column.a is None else "",
    )


def _kpi_text(column):
    shots = [kpi_shot(phase) if phase is not None else None for phase in (kpi_phase(column.kpi_a), kpi_phase(column.kpi_b))]
    before, after = shots
    if before is None and after is None:
        return ""
    if not column.kpi_changed or before is None:
        return f"{after.name} {after.value}"
    if after is None:
        return f"{before.name} {before.value} → –"
    if before.name == after.name:
        return f"{after.name} {before.value} → {after.value}"
    return f"{before.name} {before.value} → {after.name} {after.value}"


# --- Drawing -------------------------------------------------------------------------------


@dataclass
class Slide:
    """What Canvas needs of a layout: the picture's size and scale and its fonts' measures."""

    scale: int
    width: int
    height: int
    measures: Measures = field(default_factory=Measures)


def render_compare_png(shot, scale=2):
    out = io.BytesIO()
    compare_image(shot, scale).save(out, "PNG", dpi=(96 * scale, 96 * scale), compress_level=3)
    return out.getvalue()


def compare_image(shot, scale=2):
    painter = ComparePainter(Slide(scale=scale, width=SLIDE_W * scale, height=SLIDE_H * scale))
    painter.paint_comparison(shot)
    return painter.image


class ComparePainter(Painter):
    """The board picture's painter (its smooth strokes, text and rounded boxes), drawing the
    comparison's parts instead of a board's."""

    def paint_comparison(self, shot):
        self._heading(shot)
        self._chart(shot)
        self._phases(shot)
        fnt = self.font("Regular", FOOTER_SIZE)
        self.text(self.px(MARGIN), self.px(SLIDE_H - 28), clean(shot.words["made_with"]), fnt, INK_SOFT, CANVAS)

    # The title, the board's name above it and the counts below.
    def _heading(self, shot):
        width = SLIDE_W - 2 * MARGIN
        self._line(clean(shot.board_title), "SemiBold", BOARD_SIZE, MARGIN, 44, width, INK_SOFT, CANVAS)
        title = wrap(clean(shot.title), self.lay.measures("Bold", TITLE_SIZE), width, 2, shot.language)
        y = 76
        for line in title:
            self._line(line, "Bold", TITLE_SIZE, MARGIN, y, width, INK, CANVAS)
            y += TITLE_LH
        # Under a title of one line the counts may take two; under one of two, one.
        most = 2 if len(title) == 1 else 1
        counts = wrap(clean(shot.sentence), self.lay.measures("Regular", COUNTS_SIZE), width, most, shot.language)
        y += 8
        for line in counts:
            self._line(line, "Regular", COUNTS_SIZE, MARGIN, y, width, INK, CANVAS)
            y += COUNTS_LH

    def _line(self, text, weight, size, x, top, width, ink, bg):
        """One line of `text` (already cleaned) at unit (x, top), cut with an ellipsis to `width`."""
        measure = self.lay.measures(weight, size)
        text = ellipsize(text, measure, width)
        fnt = self.font(weight, size)
        self.text(self.px(x), self.baseline(top, size * 1.25, size), text, fnt, ink, bg, self.px(x + width) + 1)

    # The chart: both curves over the phases' columns.
    def _columns_x(self, count):
        plot_x0, plot_x1 = MARGIN + 56, SLIDE_W - MARGIN - CHART_PAD
        step = (plot_x1 - plot_x0) / max(1, count)
        return plot_x0, plot_x1, step

    def _level_y(self, value):
        top, bottom = CHART_TOP + 60, CHART_TOP + CHART_H - CHART_PAD
        middle = (top + bottom) / 2
        return self.px(middle - value * (middle - top) / 2.5)

    def _chart(self, shot):
        box = Rect(self.px(MARGIN), self.px(CHART_TOP), self.px(SLIDE_W - MARGIN), self.px(CHART_TOP + CHART_H))
        self.rounded(box, 14, PAPER, CANVAS)
        plot_x0, plot_x1, step = self._columns_x(len(shot.columns))
        x0, x1 = self.px(plot_x0), self.px(plot_x1)
        top, axis, bottom = self._level_y(2.5), self._level_y(0), self._level_y(-2.5)
        self.fill(x0, top, x1, axis, CURVE_UP)
        self.fill(x0, axis, x1, bottom, CURVE_DOWN)
        line_w = max(1, self.px(1))
        for level in (-2, -1, 1, 2):
            y = self._level_y(level)
            self.fill(x0, y, x1, y + line_w, CURVE_GRID)
        separator = mix(CURVE_UP, CURVE_GRID, 0.6)
        for i in range(1, len(shot.columns)):
            x = self.px(plot_x0 + i * step)
            self.fill(x, top, x + line_w, bottom, separator)
        dash, gap = max(2, self.px(6)), max(1, self.px(4))
        for x in range(x0, x1, dash + gap):
            self.fill(x, axis, min(x + dash, x1), axis + line_w, CURVE_AXIS)
        face = self.px(22)
        for level in (2, 0, -2):
            self.blit(self.icon("emotion", level, face, PAPER), self.px(MARGIN + 18), self._level_y(level) - face // 2)
        self._legend(shot)
        if not shot.columns:
            self._line(clean(shot.words["none"]), "SemiBold", 20, MARGIN + 80, CHART_TOP + CHART_H / 2, 800, INK_SOFT, CURVE_UP)
            return
        xs = [self.px(plot_x0 + (i + 0.5) * step) for i in range(len(shot.columns))]
        a = [(x, self._level_y(c.average_a)) if c.average_a is not None else None for x, c in zip(xs, shot.columns)]
        b = [(x, self._level_y(c.average_b)) if c.average_b is not None else None for x, c in zip(xs, shot.columns)]
        # B's line under A's, so that A's dashes show where the two meet; then the points.
        self._line_through(b, lambda p, q: self._stroke(p, q, B_INK, 4))
        self._line_through(a, lambda p, q: self._dashes(p, q, A_INK))
        self._markers(b, [c.average_b for c in shot.columns], 9)
        self._markers(a, [None] * len(a), 5)

    def _legend(self, shot):
        fnt_title = self.font("Bold", 13)
        self.tracked(self.px(MARGIN + 20), self.px(CHART_TOP + 34), clean(shot.words["curve"]).upper(), fnt_title, INK_SOFT, PAPER, 0.06)
        y = self.px(CHART_TOP + 30)
        x = MARGIN + 260
        room = (SLIDE_W - MARGIN - CHART_PAD - x - 2 * 56) / 2
        for label, dashed in ((shot.label_a, True), (shot.label_b, False)):
            sample = (self.px(x), y - self.px(6)), (self.px(x + 40), y - self.px(6))
            if dashed:
                self._dashes(*sample, A_INK)
            else:
                self._stroke(*sample, B_INK, 3)
            self._line(clean(label), "SemiBold", LEGEND_SIZE, x + 50, CHART_TOP + 16, room - 60, INK, PAPER)
            x += room + 56

    def _stroke(self, a, b, colour, width):
        width *= self.s
        self._smooth(a, b, width, lambda draw, k, p, q: shapes.stroke(draw, [p, q], width * k, colour))

    def _dashes(self, a, b, colour):
        for p, q in dashes(a, b, 9 * self.s, 7 * self.s):
            self._stroke(p, q, colour, 2.5)

    def _line_through(self, points, segment):
        """`segment` between neighbouring points; a phase without emotions breaks the line."""
        for p, q in pairwise(points):
            if p is not None and q is not None:
                segment(p, q)

    def _markers(self, points, averages, radius):
        """The curve's points: in the emotion's colour for an average, else in A's ink."""
        radius *= self.s
        for point, average in zip(points, averages):
            if point is None:
                continue
            colour = A_INK if average is None else EMOTIONS[nearest_emotion(average)]
            self._smooth(point, point, radius * 1.4, lambda draw, k, p, _q, c=colour: shapes.marker(draw, p, radius * k, c))

    # Under the chart, a box per phase: its name, its changes and its KPI before and after,
    # each box as high as the fullest one needs.
    def _phases(self, shot):
        if not shot.columns:
            return
        plot_x0, _plot_x1, step = self._columns_x(len(shot.columns))
        inner = step - 10
        size = 20 if inner >= 240 else max(11, inner / 12)
        line, width = size * 1.3, inner - 20
        texts = [self._phase_lines(shot, column, size, width) for column in shot.columns]
        room = int((SLIDE_H - 64 - PHASES_TOP - 28) // line)
        height = 28 + line * min(room, max(len(lines) for lines in texts))
        for i, (column, lines) in enumerate(zip(shot.columns, texts)):
            left = plot_x0 + i * step + 5
            box = Rect(self.px(left), self.px(PHASES_TOP), self.px(left + inner), self.px(PHASES_TOP + height))
            self.rounded(box, 10, LANE, CANVAS)
            self.fill(box.x0, box.y0, box.x1, box.y0 + self.px(5), column.color)
            y = PHASES_TOP + 16
            for text, weight, text_size, ink in lines[:room]:
                self._line(text, weight, text_size, left + 10, y, width, ink, LANE)
                y += line

    def _phase_lines(self, shot, column, size, width):
        """[(line, weight, size, ink)] of a phase's box, wrapped to its width."""
        parts = [(column.name, "Bold", size, INK, 2)]
        if column.state:
            parts.append((shot.words[column.state], "SemiBold", size * 0.85, INK_SOFT, 1))
        small = size * 0.85
        parts += [
            (column.counts, "Bold", small, B_INK, 2),
            (column.emotion, "Regular", small, INK_SOFT, 2),
            (column.kpi, "Regular", small, INK, 3),
            (column.kpi_delta, "Bold", small, B_INK, 1),
        ]
        lines = []
        for text, weight, text_size, ink, most in parts:
            for part in wrap(clean(text), self.lay.measures(weight, text_size), width, most, shot.language):
                lines.append((part, weight, text_size, ink))
        return lines
