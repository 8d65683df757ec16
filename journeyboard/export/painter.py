"""The picture of a board drawn from its Layout, top to bottom: header and personas,
the ambassador loop, the segment band, phase heads, the emotion curve, lanes (in a grid
with the row heads and the lines between rows) and cards, legend and footer. Geometry
comes from the layout, colours from journeyboard/theme.py."""

import heapq
import math
from itertools import pairwise

from PIL import Image, ImageDraw

from journeyboard.theme import (
    ACCENT,
    ROOM,
    BAND_OTHER,
    BANDS,
    CANVAS,
    CARD_RADIUS,
    CHANNEL_DOT,
    CURVE_AXIS,
    CURVE_DOWN,
    CURVE_GRID,
    CURVE_UP,
    EMOTIONS,
    INK,
    INK_SOFT,
    KINDS,
    KPI_STATUS,
    LANE,
    LINE,
    PAPER,
    VOTE,
    mix,
    nearest_emotion,
    rgb,
    text_on,
)

from . import geometry as G
from . import shapes
from .canvas import Canvas
from .boxes import Rect
from .measure import tracked_width
from .text import ellipsize

LOOP = ACCENT


def paint(lay, image=None, offset=(0, 0), rows_done=None):
    """`lay` drawn on `image` (a new one by default) at `offset`; returns the image.
    `rows_done(y)` hears whenever the rows above device row y are final (see Painter.paint)."""
    return Painter(lay, image, offset).paint(rows_done)


class Painter(Canvas):
    """Draws a Layout's parts, section by section, with the primitives of Canvas."""

    def paint(self, rows_done=None):
        """Draw the picture top to bottom; `rows_done(y)` hears whenever the rows above
        device row y are final, so that they can be compressed already."""
        lay = self.lay
        self._header()
        self._legend()
        if lay.loop is not None:
            self._loop(lay.loop)
        for run in lay.band:
            self._band(run)
        for phase in lay.phases:
            self._phase_header(phase)
        if lay.strip is not None:
            self._strip()
        if rows_done is not None and lay.phases:
            rows_done(lay.phases[0].lane.y0 + self.oy)
        for phase in lay.phases:
            self.rounded(phase.lane, 12, LANE, CANVAS)
        self._grid()
        self._cards(rows_done)
        if lay.empty is not None:
            self._empty()
        self._footer()
        return self.image

    # --- Header --------------------------------------------------------------------------

    def _header(self):
        lay = self.lay
        x, top = lay.title_at
        title_font = self.font("Bold", G.TITLE_SIZE)
        for i, line in enumerate(lay.title):
            baseline = self.baseline(top + i * G.TITLE_LH, G.TITLE_LH, G.TITLE_SIZE)
            self.text(self.px(x), baseline, line, title_font, INK, CANVAS)
        x, top = lay.meta_at
        meta_font = self.font("Regular", G.META_SIZE)
        for i, line in enumerate(lay.meta):
            self.text(self.px(x), self.baseline(top + i * G.META_LH, G.META_LH, G.META_SIZE), line, meta_font, INK_SOFT, CANVAS)
        for persona in lay.personas:
            self._persona(persona)

    def _persona(self, persona):
        self.rounded(persona.rect, 12, PAPER, CANVAS, border=(1, LINE))
        ux, uy = persona.unit
        pad = G.PERSONA_PAD
        size = self.px(G.AVATAR)
        ax, ay = self.px(ux + pad), self.px(uy + pad)
        # As the page draws people (.presence .avatar): initials on a disc of their colour.
        colour = rgb(persona.color)
        ink = text_on(colour)
        self.blit(self.cached(("avatar", size, colour), lambda: shapes.disc(size, colour, PAPER)), ax, ay)
        initials_font = self.font("Bold", 14)
        x = ax + (size - self.width(initials_font, persona.initials)) / 2
        self.text(round(x), self.baseline(uy + pad, G.AVATAR, 14), persona.initials, initials_font, ink, colour)
        x = self.px(ux + pad + G.AVATAR + 12)
        y = uy + pad
        label_font = self.font("Bold", G.PERSONA_LABEL_SIZE)
        baseline = self.baseline(y, G.PERSONA_LABEL_LH, G.PERSONA_LABEL_SIZE)
        self.tracked(x, baseline, persona.label, label_font, INK_SOFT, PAPER, G.LABEL_TRACK)
        y += G.PERSONA_LABEL_LH
        name_font = self.font("Bold", G.PERSONA_NAME_SIZE)
        self.text(x, self.baseline(y, G.PERSONA_NAME_LH, G.PERSONA_NAME_SIZE), persona.name, name_font, INK, PAPER)
        y += G.PERSONA_NAME_LH
        role_font = self.font("Regular", G.PERSONA_ROLE_SIZE)
        self.text(x, self.baseline(y, G.PERSONA_ROLE_LH, G.PERSONA_ROLE_SIZE), persona.role, role_font, INK_SOFT, PAPER)
        y += G.PERSONA_ROLE_LH + G.PERSONA_QUOTE_GAP
        quote_font = self.font("Regular", G.PERSONA_QUOTE_SIZE)
        for i, line in enumerate(persona.quote):
            baseline = self.baseline(y + i * G.PERSONA_QUOTE_LH, G.PERSONA_QUOTE_LH, G.PERSONA_QUOTE_SIZE)
            self.text(x, baseline, line, quote_font, INK, PAPER)

    # --- Band, phase headers, lanes, cards -----------------------------------------------

    def _band(self, run):
        background, ink, line = BANDS.get(run.segment, BAND_OTHER)
        rect = run.rect
        self.rounded(rect, 8, background, CANVAS, shade=(3, line))
        baseline = self.baseline(rect.y0 / self.s, G.BAND_H - 3, G.BAND_SIZE)
        band_font = self.font("Bold", G.BAND_SIZE)
        self.tracked(rect.x0 + self.px(G.BAND_PAD), baseline, run.label, band_font, ink, background, G.BAND_TRACK)

    def _phase_header(self, phase):
        colour = rgb(phase.color)
        ink = text_on(colour)
        rect = phase.header
        self.rounded(rect, 10, colour, CANVAS)
        name_font = self.font("Bold", G.HEAD_SIZE)
        for i, line in enumerate(phase.name):
            baseline = self.baseline(phase.name_y + i * G.HEAD_LH, G.HEAD_LH, G.HEAD_SIZE)
            self.text(rect.x0 + self.px(G.HEAD_PAD_X), baseline, line, name_font, ink, colour)
        if phase.kpi is not None:
            self._kpi(phase.kpi, colour)
        chip, chip_colour = phase.chip, mix(colour, PAPER, 0.72)  # the page's rgba(255,255,255,.7)
        self.rounded(chip, G.CHIP_H / 2, chip_colour, colour)
        chip_font = self.font("Bold", G.CHIP_SIZE)
        x = chip.x0 + (chip.width - self.width(chip_font, phase.count)) / 2
        self.text(round(x), self.baseline(chip.y0 / self.s, G.CHIP_H, G.CHIP_SIZE), phase.count, chip_font, INK, chip_colour)

    def _kpi(self, kpi, head):
        """The KPI pill: tinted by its status, or light like the count chip without one."""
        pill, ink, mark = KPI_STATUS.get(kpi.status, (mix(head, PAPER, 0.82), INK, None))
        rect = kpi.rect
        self.rounded(rect, G.KPI_H / 2, pill, head)  # a capsule; two lines: a rounded box
        if mark is not None:
            size = kpi.mark.width
            sprite = self.cached(("kpi-mark", kpi.status, size, pill), lambda: shapes.status_mark(kpi.status, size, mark, pill))
            self.blit(sprite, kpi.mark.x0, kpi.mark.y0)
        top = kpi.unit_y + (G.KPI_H - G.KPI_LH) / 2
        for text, weight, x, line in kpi.runs:
            baseline = self.baseline(top + line * G.KPI_LH, G.KPI_LH, G.KPI_SIZE)
            self.text(rect.x0 + self.px(x), baseline, text, self.font(weight, G.KPI_SIZE), ink, pill, rect.x1)

    def _loop(self, loop):
        """The ambassador loop: the top of a rounded frame from the last phase's band block
        to the first's, broken for its label, with an arrowhead at the first phase."""
        rect, w = loop.rect, max(1, self.px(G.LOOP_LINE))
        r = self.px(G.LOOP_RADIUS)
        head_w, head_h = self.px(G.LOOP_HEAD_W), self.px(G.LOOP_HEAD_H)
        head_w += (head_w - w) % 2  # centred on the line to the pixel
        if r >= 2:
            left, right = self.corners(r, CANVAS, CANVAS, (0, None), (0, None), (w, LOOP))[:2]
            self.blit(left, rect.x0, rect.y0)
            self.blit(right, rect.x1 - r, rect.y0)
        else:
            r = 0
        gap = loop.label_rect
        self.fill(rect.x0 + r, rect.y0, gap.x0, rect.y0 + w, LOOP)
        self.fill(gap.x1, rect.y0, rect.x1 - r, rect.y0 + w, LOOP)
        self.fill(rect.x1 - w, rect.y0 + r, rect.x1, loop.tail, LOOP)  # from the last phase...
        dot = max(2, self.px(G.LOOP_TAIL))
        dot += (dot - w) % 2
        self.blit(self.cached(("dot", dot, LOOP, CANVAS), lambda: shapes.disc(dot, LOOP, CANVAS)),
                  rect.x1 - (w + dot) // 2, loop.tail - dot // 2)
        self.fill(rect.x0, rect.y0 + r, rect.x0 + w, rect.y1 - head_h + 1, LOOP)  # ...into the first
        arrow = self.cached(("arrowhead", head_w, head_h, LOOP, CANVAS), lambda: shapes.arrowhead(head_w, head_h, LOOP, CANVAS))
        self.blit(arrow, rect.x0 - (head_w - w) // 2, rect.y1 - head_h)
        fnt = self.font("SemiBold", G.LOOP_SIZE)
        baseline = self.baseline(loop.label_y, G.LOOP_LH, G.LOOP_SIZE)
        self.text(gap.x0 + self.px(G.LOOP_LABEL_GAP), baseline, loop.label, fnt, LOOP, CANVAS)

    def _grid(self):
        """The row heads, and between two rows the blueprint's dashed line across the grid
        where the layer changes, else a faint line across each lane."""
        rows = self.lay.rows
        for row in rows:
            self._row_head(row)
        faint = mix(LANE, INK, 0.1)  # the page's rgba(31,42,68,.1) on a lane
        for i, row in enumerate(rows):
            if row.line:  # also over the first row of a page that starts below the line
                self._layer_line(row.rect.x0, row.cells[-1].x1, row.top)
            elif i:
                for cell in row.cells:
                    self.fill(cell.x0, row.top, cell.x1, row.top + max(1, self.px(G.CELL_LINE)), faint)

    def _layer_line(self, x0, x1, y):
        width = max(1, self.px(G.LAYER_LINE))
        dash, step = max(2, self.px(G.LAYER_DASH)), max(3, self.px(G.LAYER_DASH + G.LAYER_DASH_GAP))
        y -= width // 2
        for x in range(x0, x1, step):
            self.fill(x, y, min(x + dash, x1), y + width, INK_SOFT)

    def _row_head(self, row):
        """The row's box with its colour as the left stripe: the line's label (if the row
        starts one), its name and its layer, as the page's row head shows them."""
        rect, px = row.rect, self.px
        self.rounded(rect, 10, PAPER, CANVAS, stripe=(G.ROW_STRIPE, rgb(row.color)))
        ux, uy = row.unit
        x, limit = px(ux + G.ROW_STRIPE + G.ROW_PAD_X), rect.x1 - px(G.ROW_PAD_X) + 2
        runs = [(row.line, uy + G.ROW_PAD_Y, "Bold", G.ROW_LINE_SIZE, G.ROW_LINE_LH, INK_SOFT)]
        runs.append((row.name, row.name_y, "Bold", G.ROW_NAME_SIZE, G.ROW_NAME_LH, INK))
        layer_y = row.name_y + len(row.name) * G.ROW_NAME_LH + G.ROW_LAYER_GAP
        runs.append((row.layer, layer_y, "Regular", G.ROW_LAYER_SIZE, G.ROW_LAYER_LH, INK_SOFT))
        for lines, top, weight, size, height, ink in runs:
            fnt = self.font(weight, size)
            for i, line in enumerate(lines):
                self.text(x, self.baseline(top + i * height, height, size), line, fnt, ink, PAPER, limit)

    def _cards(self, rows_done):
        """Every lane's cards, in the order of their tops across the lanes rather than lane
        after lane: cards stay within their own rows, so once a card is drawn, the rows
        above its top are final (they reach the compressor while the rest is drawn)."""
        fonts = (self.font("SemiBold", G.TITLE_CARD_SIZE), self.font("Regular", G.NOTE_SIZE))
        shadow = mix(LANE, INK, 0.12)
        for card in heapq.merge(*(phase.cards for phase in self.lay.phases), key=lambda card: card.rect.y0):
            self._card(card, shadow, fonts)
            if rows_done is not None:
                rows_done(card.rect.y0 + self.oy)

    def _card(self, card, shadow, fonts):
        px = self.px
        title_font, note_font = fonts
        colour, background = KINDS.get(card.kind, KINDS["touchpoint"])
        stripe = (G.STRIPE, colour) if card.kind_label else None
        rect = card.rect
        radius = px(CARD_RADIUS)
        self.fill(rect.x0 + radius, rect.y1, rect.x1 - radius, rect.y1 + max(1, px(1)), shadow)
        self.rounded(rect, CARD_RADIUS, background, LANE, stripe)
        ux, uy = card.unit
        x = px(ux + G.CONTENT_X)
        if card.kind_label:
            key = ("kind", card.kind, card.kind_label, background)
            tag = self.cached(key, lambda: self._kind_tag(card.kind, card.kind_label, background, colour))
            self.blit(tag, x, px(uy + G.PAD_TOP))
        if card.emotion is not None:
            size = px(G.FACE)
            face = self.icon("emotion", card.emotion, size, background)
            self.blit(face, px(ux + G.CARD_W - G.FACE_RIGHT) - size, px(uy + G.FACE_TOP))
        limit = rect.x1 - px(G.PAD_X) + 2
        top = uy + card.title_y
        for i, line in enumerate(card.title):
            baseline = self.baseline(top + i * G.TITLE_CARD_LH, G.TITLE_CARD_LH, G.TITLE_CARD_SIZE)
            self.text(x, baseline, line, title_font, INK, background, limit)
        top = uy + card.note_y
        for i, line in enumerate(card.note):
            baseline = self.baseline(top + i * G.NOTE_LH, G.NOTE_LH, G.NOTE_SIZE)
            self.text(x, baseline, line, note_font, INK_SOFT, background, limit)
        if card.channel_label:
            key = ("channel", card.channel_label, background)
            channel = self.cached(key, lambda: self._channel(card.channel_label, background))
            self.blit(channel, x, px(uy + card.channel_y))
        if card.votes:
            self._votes(card, background)

    def _votes(self, card, background):
        """The card's dot votes as the page's badge: a white dot and the count on a violet
        pill in the bottom right corner (the layout gave the card a row for it)."""
        px, fnt, count = self.px, self.font("Bold", G.VOTES_SIZE), str(card.votes)
        dot, pad, gap = max(2, px(G.VOTES_DOT)), px(G.VOTES_PAD), px(4)
        top = card.rect.y1 / self.s - G.PAD_BOTTOM - G.VOTES_H  # units
        x1 = card.rect.x1 - px(G.PAD_X)
        pill = Rect(x1 - (pad + dot + gap + math.ceil(self.width(fnt, count)) + pad), px(top), x1, px(top + G.VOTES_H))
        self.rounded(pill, G.VOTES_H / 2, VOTE, background)
        disc = self.cached(("dot", dot, PAPER, VOTE), lambda: shapes.disc(dot, PAPER, VOTE))
        self.blit(disc, pill.x0 + pad, pill.y0 + (pill.height - dot) // 2)
        self.text(pill.x0 + pad + dot + gap, self.baseline(top, G.VOTES_H, G.VOTES_SIZE), count, fnt, PAPER, VOTE)

    def _kind_tag(self, kind, label, background, colour):
        """Icon and letter-spaced label on the card's background, drawn once per kind."""
        fnt = self.font("Bold", G.KIND_SIZE)
        icon, gap, height = self.px(G.KIND_ICON), self.px(4), self.px(G.KIND_H)
        width = icon + gap + math.ceil(tracked_width(label, self.unit_measures[fnt], G.KIND_TRACK) * self.s) + 2
        sprite = self.sprite(width, height, background)
        sprite.blit(self.icon("kind", kind, icon, background), 0, (height - icon) // 2)
        sprite.tracked(icon + gap, self.baseline(0, G.KIND_H, G.KIND_SIZE), label, fnt, colour, background, G.KIND_TRACK)
        return sprite.image

    def _channel(self, label, background):
        """The grey dot and the channel's name, drawn once per channel."""
        fnt = self.font("SemiBold", G.CHANNEL_SIZE)
        dot, gap, height = max(2, self.px(G.CHANNEL_DOT)), self.px(6), self.px(G.CHANNEL_H)
        sprite = self.sprite(dot + gap + math.ceil(self.width(fnt, label)) + 2, height, background)
        sprite.blit(self.cached(("dot", dot, background), lambda: shapes.disc(dot, CHANNEL_DOT, background)), 0, (height - dot) // 2)
        sprite.text(dot + gap, self.baseline(0, G.CHANNEL_H, G.CHANNEL_SIZE), label, fnt, INK_SOFT, background)
        return sprite.image

    # --- Emotion curve -------------------------------------------------------------------

    def _strip(self):
        lay = self.lay
        strip = lay.strip
        self.rounded(strip, 12, PAPER, CANVAS)
        plot_x0, plot_x1 = strip.x0 + self.px(48), strip.x1 - self.px(16)
        top, bottom, axis = lay.level_y(2.5), lay.level_y(-2.5), lay.axis_y
        self.fill(plot_x0, top, plot_x1, axis, CURVE_UP)
        self.fill(plot_x0, axis, plot_x1, bottom, CURVE_DOWN)
        line_w = max(1, self.px(1))
        separator = mix(CURVE_UP, CURVE_GRID, 0.6)
        for phase in lay.phases[:-1]:  # faint lines between the phases' columns
            x = phase.lane.x1 + self.px(G.LANE_GAP / 2)
            self.fill(x, top, x + line_w, bottom, separator)
        for level in (-2, -1, 1, 2):
            y = lay.level_y(level)
            self.fill(plot_x0, y, plot_x1, y + line_w, CURVE_GRID)
        dash, gap = max(2, self.px(6)), max(1, self.px(4))
        for x in range(plot_x0, plot_x1, dash + gap):
            self.fill(x, axis, min(x + dash, plot_x1), axis + line_w, CURVE_AXIS)
        title_font = self.font("Bold", G.STRIP_TITLE_SIZE)
        self.tracked(strip.x0 + self.px(16), strip.y0 + self.px(20), lay.strip_title, title_font, INK_SOFT, PAPER, G.LABEL_TRACK)
        face = self.px(16)
        for level in (2, 0, -2):
            self.blit(self.icon("emotion", level, face, PAPER), strip.x0 + self.px(16), lay.level_y(level) - face // 2)
        self._curve()

    def _curve(self):
        """Segments join neighbouring phases that both have a point, so a phase without
        emotions leaves a gap; then a marker and the average at every point."""
        lay = self.lay
        width = 3 * self.s
        for a, b in pairwise(lay.points):
            if a is not None and b is not None:
                self._smooth(a, b, width, lambda draw, k, p, q: shapes.stroke(draw, [p, q], width * k, ACCENT))
        self._room_line()
        self._persona_lines()
        radius = 7 * self.s
        label_font = self.font("SemiBold", 11)
        for phase in lay.phases:
            if phase.point is None:
                continue
            colour = EMOTIONS[nearest_emotion(phase.average)]
            self._smooth(phase.point, phase.point, radius * 1.4,
                         lambda draw, k, p, _q, colour=colour: shapes.marker(draw, p, radius * k, colour))
            label = _signed(phase.average)
            x, y = phase.point
            # Above a point on the positive side, below one on the negative side: off the axis.
            baseline = y - self.px(12) if phase.average >= 0 else y + self.px(22)
            self.text(round(x - self.width(label_font, label) / 2), baseline, label, label_font, INK_SOFT, None)

    def _room_line(self):
        """The room's ratings (the last closed emotion round): a dashed line with small dots,
        broken where a phase got no ratings, and its key at the strip's top right."""
        lay = self.lay
        points = [phase.room_point for phase in lay.phases]
        if not any(points):
            return
        width, dash, gap = 2 * self.s, 7 * self.s, 5 * self.s
        stroke = lambda draw, k, p, q: shapes.stroke(draw, [p, q], width * k, ROOM)  # noqa: E731
        for a, b in pairwise(points):
            if a is not None and b is not None:
                for p, q in dashes(a, b, dash, gap):
                    self._smooth(p, q, width, stroke)
        radius = 3.5 * self.s
        for point in filter(None, points):
            self._smooth(point, point, radius * 1.4, lambda draw, k, p, _q: shapes.marker(draw, p, radius * k, ROOM))
        fnt = self.font("SemiBold", 11)
        label_w = math.ceil(self.width(fnt, lay.room_label))
        x1, y = lay.strip.x1 - self.px(16), lay.strip.y0 + self.px(14)
        x0 = x1 - label_w - self.px(28)
        for p, q in dashes((x0, y), (x0 + self.px(22), y), dash, gap):
            self._smooth(p, q, width, stroke)
        self.text(x0 + self.px(28), y + self.px(4), lay.room_label, fnt, INK_SOFT, None)

    def _persona_lines(self):
        """A thinner line per persona tagged on cards (persona_curve.py) in the persona's
        colour, broken where its cards in a phase have no emotion, a dot at each of its
        points, and their key at the panel's top. Under the board's own points."""
        lay = self.lay
        if not lay.persona_lines:
            return
        width, radius = 2 * self.s, 3 * self.s
        for line in lay.persona_lines:
            colour = rgb(line.color)
            stroke = lambda draw, k, p, q, c=colour: shapes.stroke(draw, [p, q], width * k, c)  # noqa: E731
            dot = lambda draw, k, p, _q, c=colour: shapes.marker(draw, p, radius * k, c)  # noqa: E731
            for a, b in pairwise(line.points):
                if a is not None and b is not None:
                    self._smooth(a, b, width, stroke)
            for point in filter(None, line.points):
                self._smooth(point, point, radius * 1.4, dot)
        self._persona_key()

    def _persona_key(self):
        """The persona lines' key in one row at the top of the panel, right-aligned before
        the room's key (if drawn) and after the title, names cut to share the room left; in
        a row at the bottom instead where the top one would cover the average of a phase
        near +2 (written above its point) and the bottom one covers none."""
        lay, strip = self.lay, self.lay.strip
        fnt = self.font("SemiBold", 11)
        measure = self.unit_measures[fnt]
        title = self.font("Bold", G.STRIP_TITLE_SIZE)
        title_w = math.ceil(tracked_width(lay.strip_title, self.unit_measures[title], G.LABEL_TRACK) * self.s)
        left = strip.x0 + self.px(16) + title_w + self.px(24)
        right = strip.x1 - self.px(16)
        if any(phase.room_point for phase in lay.phases):  # the room's key sits at the right end
            right -= math.ceil(self.width(fnt, lay.room_label)) + self.px(28) + self.px(16)
        swatch, gap, between = self.px(16), self.px(5), self.px(14)
        fixed = len(lay.persona_lines) * (swatch + gap) + (len(lay.persona_lines) - 1) * between
        share = max(0, right - left - fixed) / len(lay.persona_lines) / self.s  # unit width per name
        labels = [ellipsize(line.label, measure, share) for line in lay.persona_lines]
        widths = [math.ceil(self.width(fnt, label)) for label in labels]
        x = max(left, right - fixed - sum(widths))
        y = strip.y0 + self.px(14)
        span = (x, x + fixed + sum(widths))
        if self._averages_under(span, top=True) and not self._averages_under(span, top=False):
            y = strip.y1 - self.px(12)
        thick = max(2, self.px(2.5))
        for line, label, label_w in zip(lay.persona_lines, labels, widths, strict=True):
            self.fill(x, y - thick // 2, x + swatch, y - thick // 2 + thick, rgb(line.color))
            self.text(x + swatch + gap, y + self.px(4), label, fnt, INK_SOFT, None)
            x += swatch + gap + label_w + between

    def _averages_under(self, span, top):
        """Whether the average written at a point near +2 (`top`) or near −2 lies within
        the device x `span` (the key's row)."""
        fnt = self.font("SemiBold", 11)
        for phase in self.lay.phases:
            if phase.point is None or (phase.average < 1.5 if top else phase.average > -1.5):
                continue
            half = self.width(fnt, _signed(phase.average)) / 2 + self.px(4)
            if phase.point[0] + half > span[0] and phase.point[0] - half < span[1]:
                return True
        return False

    def _smooth(self, a, b, pad, shape):
        """Paint shapes around points a and b at shapes.SUPERSAMPLE times the size, for smooth
        edges: the patch is blown up (keeping what is drawn there), painted and shrunk."""
        k = shapes.SUPERSAMPLE
        pad = math.ceil(pad) + 2
        x0, y0 = min(a[0], b[0]) - pad, min(a[1], b[1]) - pad
        x1, y1 = max(a[0], b[0]) + pad, max(a[1], b[1]) + pad
        box = (x0 + self.ox, y0 + self.oy, x1 + self.ox, y1 + self.oy)
        patch = self.image.crop(box).resize(((x1 - x0) * k, (y1 - y0) * k), Image.Resampling.NEAREST)

        def local(point):
            return ((point[0] - x0 + 0.5) * k, (point[1] - y0 + 0.5) * k)

        shape(ImageDraw.Draw(patch), k, local(a), local(b))
        self.image.paste(patch.reduce(k), box[:2])

    # --- Legend, empty board -------------------------------------------------------------

    def _legend(self):
        label_font = self.font("Regular", G.LEGEND_SIZE)
        size = self.px(G.LEGEND_ICON)
        for item in self.lay.legend:
            rect = item.rect
            self.blit(self.icon(item.what, item.value, size, CANVAS), rect.x0, rect.y0 + (rect.height - size) // 2)
            baseline = self.baseline(rect.y0 / self.s, G.LEGEND_H, G.LEGEND_SIZE)
            self.text(rect.x0 + size + self.px(6), baseline, item.label, label_font, INK_SOFT, CANVAS)

    def _footer(self):
        x, y = self.lay.footer_at
        fnt = self.font("Regular", G.FOOTER_SIZE)
        self.text(self.px(x), self.baseline(y, G.LEGEND_H, G.FOOTER_SIZE), self.lay.footer, fnt, INK_SOFT, CANVAS)

    def _empty(self):
        rect = self.lay.empty
        self.rounded(rect, 12, PAPER, CANVAS, border=(1, LINE))
        fnt = self.font("SemiBold", G.EMPTY_SIZE)
        text = self.lay.empty_text
        x = rect.x0 + max(self.px(16), round((rect.width - self.width(fnt, text)) / 2))
        baseline = self.baseline(rect.y0 / self.s, G.EMPTY_H, G.EMPTY_SIZE)
        self.text(x, baseline, text, fnt, INK_SOFT, PAPER, rect.x1 - self.px(16))


def _signed(value):
    text = f"{value:+.1f}".replace("-", "−")
    return "0" if text in ("+0.0", "−0.0") else text


def dashes(a, b, dash, gap):
    """The dashes of a dashed line from a to b: pairs of whole-pixel points."""
    (x0, y0), (x1, y1) = a, b
    length = math.hypot(x1 - x0, y1 - y0)
    pieces, start = [], 0.0
    while start < length:
        end = min(length, start + dash)
        pieces.append(tuple((round(x0 + (x1 - x0) * t / length), round(y0 + (y1 - y0) * t / length)) for t in (start, end)))
        start = end + gap
    return pieces
