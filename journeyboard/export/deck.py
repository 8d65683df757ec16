"""The board as a slide deck (PPTX, 16:9) for the meeting after the workshop: a title
slide, the whole map as a picture, the map in readable parts with every card a native
shape people can edit, pain points beside opportunities per phase, and the last closed
voting round's ranking.

Sizes are in points on a 960 x 540 pt slide. Texts are wrapped with Inter's metrics
(text.py) into the lines a box has room for, so nothing runs off a slide; no text is
smaller than 12 pt. python-pptx escapes what XML needs; characters XML forbids
(control characters) are dropped first.
"""

import copy
import io
import re
from dataclasses import dataclass

from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import override
from pptx import Presentation
from pptx.dml.color import RGBColor
from pptx.enum.shapes import MSO_CONNECTOR, MSO_SHAPE
from pptx.enum.text import MSO_ANCHOR, MSO_AUTO_SIZE, PP_ALIGN
from pptx.oxml.ns import qn
from pptx.util import Pt

from journeyboard.boards.models import VotingRound
from journeyboard.boards.voting import ranking
from journeyboard.theme import (
    ACCENT,
    CANVAS,
    CURVE_AXIS,
    EMOTIONS,
    INK,
    INK_SOFT,
    KINDS,
    LINE,
    PAPER,
    mix,
    nearest_emotion,
    rgb,
    text_on,
)

from .slide import render_slide_png
from .text import Measure, wrap

PPTX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.presentationml.presentation"

W, H = 960, 540  # the slide in points, 16:9
MARGIN = 24
FONT = "Inter"
MIN_SIZE = 12
LEADING = 1.2  # a line's height per point of type, as PowerPoint sets single spacing
PHASES_PER_SLIDE = 3
COLUMN_GAP = 16
CARD_GAP = 8
CARD_PAD_X, CARD_PAD_Y, FACE = 10, 6, 20
CURVE_H = 64
TITLE_SIZE = 28
TABLE_PAD_X, TABLE_PAD_Y = 7.2, 3.6  # a table cell's default margins

# XML 1.0 allows tab, newline and carriage return of the control characters, and no
# surrogates or the two non-characters U+FFFE and U+FFFF.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff\ufffe\uffff]")


def xml_text(text):
    """`text` as XML can hold it, whitespace collapsed to single spaces."""
    return " ".join(_NOT_XML.sub("", text or "").split())


def closed_ranking(board):
    """The ranking of the board's last closed voting round ([] when there is none)."""
    round = VotingRound.objects.filter(board=board, closed_at__isnull=False).order_by("-pk").first()
    return ranking(round)


def render_pptx(shot, ranked=()):
    """The deck's bytes: `shot` is the board's snapshot, `ranked` voting.ranking()'s rows."""
    deck = Presentation()
    deck.slide_width, deck.slide_height = Pt(W), Pt(H)
    with override(shot.language):
        Deck(deck, shot).build(list(ranked))
    out = io.BytesIO()
    deck.save(out)
    return out.getvalue()


@dataclass
class Para:
    text: str
    size: float
    bold: bool = False
    colour: tuple = INK
    count: int = 1  # the lines it wraps to in its box


def lines(text, size, width, max_lines, bold=False, language="en"):
    """`text` wrapped into at most `max_lines` lines of `width` pt (the last one cut with
    an ellipsis when it does not fit)."""
    text = xml_text(text)
    if not text:
        return []
    return wrap(text, Measure("Bold" if bold else "Regular", size), width, max_lines, language) or [text[:1]]


def height(paras):
    return sum(p.size * LEADING * p.count for p in paras)


class Deck:
    def __init__(self, deck, shot):
        self.deck, self.shot = deck, shot
        self.blank = deck.slide_layouts[6]
        self.language = shot.language
        self.stamps = {}  # look: a shape made once through the API, copied for the others

    def stamp(self, slide, look, make, x, y, w, h, texts=(), name=None):
        """A shape of `look` at (x, y, w, h) with `texts` in its runs: the first of each
        look is made by `make(x, y, w, h)`, the others are copies of it. A board has
        hundreds of cards in a few looks, and copying one is many times faster than
        building it again."""
        proto = self.stamps.get(look)
        if proto is None:
            shape = make(x, y, w, h)
            if name:
                shape.name = name
            self.stamps[look] = copy.deepcopy(shape._element)
            return
        element = copy.deepcopy(proto)
        element.nvSpPr.cNvPr.id = slide.shapes._next_shape_id
        if name:
            element.nvSpPr.cNvPr.name = name
        element.x, element.y, element.cx, element.cy = Pt(x), Pt(y), Pt(w), Pt(h)
        for run, text in zip(element.iter(qn("a:t")), texts, strict=True):
            run.text = text
        slide.shapes._spTree.insert_element_before(element, "p:extLst")

    def build(self, ranked):
        self.title_slide()
        self.map_slide()
        for start in range(0, len(self.shot.phases), PHASES_PER_SLIDE):
            self.phase_slides(self.shot.phases[start : start + PHASES_PER_SLIDE])
        if self.shot.phases:
            self.pains_and_opportunities()
        if ranked:
            self.ranking(ranked)

    # --- Building blocks ---------------------------------------------------------------

    def new_slide(self, background=PAPER):
        slide = self.deck.slides.add_slide(self.blank)
        slide.shapes.turbo_add_enabled = True  # ids counted, not searched for, per shape
        fill = slide.background.fill
        fill.solid()
        fill.fore_color.rgb = RGBColor(*background)
        return slide

    def paras(self, text, size, width, max_lines, bold=False, colour=INK):
        """`text` as one paragraph (so that it edits as one), [] when empty: whole when it
        fits in `max_lines` lines of `width` pt, else cut there with an ellipsis."""
        wrapped = lines(text, size, width, max_lines, bold, self.language)
        if not wrapped:
            return []
        whole = xml_text(text)
        shown = whole if not wrapped[-1].endswith("…") else " ".join(wrapped)
        return [Para(shown, size, bold, colour, len(wrapped))]

    def box(self, slide, x, y, w, h, paras, shape=None, fill=None, line=None, pad=(0, 0, 0, 0), anchor=MSO_ANCHOR.TOP):
        """A text box (or an autoshape `shape`) with one paragraph per Para, every run
        sized explicitly."""
        if shape is None:
            item = slide.shapes.add_textbox(Pt(x), Pt(y), Pt(w), Pt(h))
        else:
            item = slide.shapes.add_shape(shape, Pt(x), Pt(y), Pt(w), Pt(h))
            item.shadow.inherit = False
        if fill is not None:
            item.fill.solid()
            item.fill.fore_color.rgb = RGBColor(*fill)
        if line is not None:
            item.line.color.rgb = RGBColor(*line)
            item.line.width = Pt(1.25)
        elif shape is not None:
            item.line.fill.background()
        frame = item.text_frame
        frame.word_wrap = True
        frame.auto_size = MSO_AUTO_SIZE.NONE
        frame.vertical_anchor = anchor
        frame.margin_left, frame.margin_top, frame.margin_right, frame.margin_bottom = (Pt(v) for v in pad)
        self.fill_text(frame, paras)
        return item

    @staticmethod
    def fill_text(frame, paras):
        for i, para in enumerate(paras):
            paragraph = frame.paragraphs[0] if i == 0 else frame.add_paragraph()
            paragraph.alignment = PP_ALIGN.LEFT  # an autoshape would centre its first one
            run = paragraph.add_run()
            run.text = para.text
            font = run.font
            font.name = FONT
            font.size = Pt(max(MIN_SIZE, para.size))
            font.bold = para.bold
            font.color.rgb = RGBColor(*para.colour)

    def heading(self, slide, text):
        paras = self.paras(text, TITLE_SIZE, W - 2 * MARGIN, 1, True, INK)
        self.box(slide, MARGIN, MARGIN, W - 2 * MARGIN, TITLE_SIZE * LEADING, paras)
        return MARGIN + TITLE_SIZE * LEADING + 12

    # --- Title and map -----------------------------------------------------------------

    def title_slide(self):
        shot = self.shot
        slide = self.new_slide()
        width = W - 2 * MARGIN - 40
        y = 110
        title = self.paras(shot.title, 40, width, 2, True, INK)
        self.box(slide, MARGIN + 20, y, width, height(title), title)
        y += height(title) + 8
        day = formats.date_format(shot.day, "DATE_FORMAT")
        meta = [Para(day, 16, colour=INK_SOFT)]
        meta += self.paras(shot.description, 18, width, 4, False, INK)
        self.box(slide, MARGIN + 20, y, width, height(meta), meta)
        y += height(meta) + 24
        self.personas(slide, y)

    def personas(self, slide, top):
        """The personas in rows of four under the title, as many rows as fit."""
        width, gap, per_row = 208, 12, 4
        inner = width - 2 * 10
        x0 = MARGIN + 20
        y = top
        for start in range(0, len(self.shot.personas), per_row):
            row = self.shot.personas[start : start + per_row]
            cards = []
            for persona in row:
                paras = self.paras(persona.name, 14, inner, 1, True, INK)
                paras += self.paras(persona.role, 12, inner, 1, False, INK_SOFT)
                quote = xml_text(persona.quote)
                if quote:
                    paras += self.paras(f"“{quote}”", 12, inner, 3, False, INK)
                cards.append(paras)
            row_h = max(height(p) for p in cards) + 16
            if y + row_h > H - MARGIN:
                break
            for i, (persona, paras) in enumerate(zip(row, cards, strict=True)):
                x = x0 + i * (width + gap)
                self.box(slide, x, y, width, row_h, paras, MSO_SHAPE.ROUNDED_RECTANGLE, fill=CANVAS, line=rgb(persona.color), pad=(10, 8, 10, 8))
            y += row_h + gap

    def map_slide(self):
        slide = self.new_slide(CANVAS)
        # 1920 x 1080 is 144 dpi on the slide: as sharp as a projector shows it.
        picture = io.BytesIO(render_slide_png(self.shot, scale=1))
        slide.shapes.add_picture(picture, 0, 0, Pt(W), Pt(H))

    # --- The map in parts --------------------------------------------------------------

    def phase_slides(self, phases):
        """The phases side by side, as many slides as their longest lane needs."""
        col_w = (W - 2 * MARGIN - (PHASES_PER_SLIDE - 1) * COLUMN_GAP) / PHASES_PER_SLIDE
        heads = [self.head_paras(phase, col_w - 20) for phase in phases]
        head_h = max(height(p) for p in heads) + 16
        curve_top = MARGIN + head_h + 8
        has_curve = any(phase.average_emotion is not None for phase in phases)
        cards_top = curve_top + (CURVE_H + 8 if has_curve else 0)
        room = H - MARGIN - cards_top
        columns = [self.card_runs(phase, col_w, room) for phase in phases]
        for page in range(max(1, max(len(c) for c in columns))):
            slide = self.new_slide()
            for i, (phase, paras) in enumerate(zip(phases, heads, strict=True)):
                x = MARGIN + i * (col_w + COLUMN_GAP)
                colour = rgb(phase.color)
                self.box(slide, x, MARGIN, col_w, head_h, paras, MSO_SHAPE.ROUNDED_RECTANGLE, fill=colour, pad=(10, 8, 10, 8), anchor=MSO_ANCHOR.MIDDLE)
                run = columns[i][page] if page < len(columns[i]) else []
                y = cards_top
                for card, card_paras, card_h in run:
                    self.card(slide, card, card_paras, x, y, col_w, card_h)
                    y += card_h + CARD_GAP
            if has_curve:
                self.curve(slide, phases, col_w, curve_top)

    def head_paras(self, phase, width):
        ink = text_on(rgb(phase.color))
        paras = self.paras(f"{phase.name} ({phase.card_count})", 16, width, 2, True, ink)
        if phase.kpi is not None:
            kpi = phase.kpi
            text = " ".join(part for part in (kpi.name, kpi.value, f"· {kpi.target}" if kpi.target else "") if part)
            paras += self.paras(text, 12, width, 2, False, ink)
        return paras

    def card_runs(self, phase, col_w, room):
        """The phase's cards as (card, paragraphs, height), cut into runs that fit `room`."""
        inner = col_w - 2 * CARD_PAD_X - FACE - 4
        runs, run, used = [], [], 0
        for card in phase.cards:
            colour = KINDS.get(card.kind, KINDS["touchpoint"])[0]
            paras = []
            if card.kind != "touchpoint":
                paras += self.paras(card.kind_label.upper(), 12, inner, 1, True, colour)
            paras += self.paras(card.title, 14, inner, 3, True, INK)
            if card.channel_label:
                paras += self.paras(card.channel_label, 12, inner, 1, False, INK_SOFT)
            card_h = max(height(paras) + 2 * CARD_PAD_Y + 4, FACE + 2 * CARD_PAD_Y)
            if run and used + card_h > room:
                runs.append(run)
                run, used = [], 0
            run.append((card, paras, card_h))
            used += card_h + CARD_GAP
        if run:
            runs.append(run)
        return runs

    def card(self, slide, card, paras, x, y, w, h):
        stripe, background = KINDS.get(card.kind, KINDS["touchpoint"])
        line = stripe if card.kind != "touchpoint" else LINE
        pad = (CARD_PAD_X, CARD_PAD_Y, CARD_PAD_X + FACE + 4, CARD_PAD_Y)

        def make(x, y, w, h):
            return self.box(slide, x, y, w, h, paras, MSO_SHAPE.ROUNDED_RECTANGLE, fill=background, line=line, pad=pad)

        look = ("card", card.kind, tuple((p.size, p.bold, p.colour) for p in paras))
        self.stamp(slide, look, make, x, y, w, h, [p.text for p in paras], name=f"{card.kind_label}: {xml_text(card.title)[:60]}")
        if card.emotion is not None:
            self.stamp(slide, ("face", card.emotion), lambda *box: self.face(slide, card.emotion, *box),
                       x + w - CARD_PAD_X - FACE, y + CARD_PAD_Y, FACE, FACE)

    def face(self, slide, emotion, x, y, size, _height=None):
        """A smiley whose mouth bends with the emotion, in the emotion's colour."""
        face = slide.shapes.add_shape(MSO_SHAPE.SMILEY_FACE, Pt(x), Pt(y), Pt(size), Pt(size))
        face.shadow.inherit = False
        face.adjustments[0] = 0.04653 * emotion / 2  # the mouth: a frown at -2, a smile at +2
        colour = EMOTIONS.get(emotion, EMOTIONS[0])
        face.fill.solid()
        face.fill.fore_color.rgb = RGBColor(*colour)
        face.line.color.rgb = RGBColor(*mix(colour, INK, 0.45))
        face.line.width = Pt(1)
        face.name = f"Emotion {emotion:+d}" if emotion else "Emotion 0"
        return face

    def curve(self, slide, phases, col_w, top):
        """The emotion curve over these phases: a line through each phase's average."""
        label = self.shot.words.get("emotion_curve", "")
        self.box(slide, MARGIN, top, 200, MIN_SIZE * LEADING, [Para(xml_text(str(label)).upper(), 12, True, INK_SOFT)])
        middle = top + CURVE_H / 2 + 6
        axis = slide.shapes.add_connector(MSO_CONNECTOR.STRAIGHT, Pt(MARGIN), Pt(middle), Pt(W - MARGIN), Pt(middle))
        axis.line.color.rgb = RGBColor(*CURVE_AXIS)
        axis.line.width = Pt(0.75)
        step = (CURVE_H / 2 - 8) / 2
        points = []
        for i, phase in enumerate(phases):
            average = phase.average_emotion
            if average is not None:
                x = MARGIN + i * (col_w + COLUMN_GAP) + col_w / 2
                points.append((x, middle - max(-2, min(2, average)) * step, average))
        for (x0, y0, _a), (x1, y1, _b) in zip(points, points[1:]):
            line = slide.shapes.add_connector(MSO_CONNECTOR.STRAIGHT, Pt(x0), Pt(y0), Pt(x1), Pt(y1))
            line.line.color.rgb = RGBColor(*ACCENT)
            line.line.width = Pt(2.25)
        for x, y, average in points:
            dot = slide.shapes.add_shape(MSO_SHAPE.OVAL, Pt(x - 5), Pt(y - 5), Pt(10), Pt(10))
            dot.shadow.inherit = False
            colour = EMOTIONS[nearest_emotion(average)]
            dot.fill.solid()
            dot.fill.fore_color.rgb = RGBColor(*colour)
            dot.line.color.rgb = RGBColor(*ACCENT)
            dot.line.width = Pt(1.25)
            value = f"{average:+.1f}".replace("-", "−") if round(average, 1) else "0"
            self.box(slide, x + 8, y - 16, 48, MIN_SIZE * LEADING, [Para(value, 12, False, INK_SOFT)])

    # --- Tables ------------------------------------------------------------------------

    def table_slides(self, heading, columns, rows):
        """`rows` of cell paragraph lists in a table under `heading`, continued on as
        many slides as they need. `columns`: (header, width in pt)."""
        top = MARGIN + TITLE_SIZE * LEADING + 12
        room = H - MARGIN - top
        header_h = MIN_SIZE * LEADING + 2 * TABLE_PAD_Y + 2
        pages, page, used = [], [], header_h
        for row in rows:
            row_h = max(height(cell) for cell in row) + 2 * TABLE_PAD_Y + 2
            if page and used + row_h > room:
                pages.append(page)
                page, used = [], header_h
            page.append((row, row_h))
            used += row_h
        if page:
            pages.append(page)
        for page in pages:
            slide = self.new_slide()
            self.heading(slide, heading)
            total = header_h + sum(h for _row, h in page)
            frame = slide.shapes.add_table(len(page) + 1, len(columns), Pt(MARGIN), Pt(top), Pt(W - 2 * MARGIN), Pt(total))
            table = frame.table
            for c, (label, width) in enumerate(columns):
                table.columns[c].width = Pt(width)
                cell = table.cell(0, c)
                cell.text_frame.paragraphs[0].text = ""
                self.fill_text(cell.text_frame, [Para(label, 12, True, PAPER)])
            table.rows[0].height = Pt(header_h)
            for r, (row, row_h) in enumerate(page, start=1):
                table.rows[r].height = Pt(row_h)
                for c, paras in enumerate(row):
                    cell = table.cell(r, c)
                    cell.text_frame.word_wrap = True
                    self.fill_text(cell.text_frame, paras or [Para("–", 12, False, INK_SOFT)])

    def pains_and_opportunities(self):
        widths = (220, 346, 346)
        phase_w, item_w = widths[0] - 2 * TABLE_PAD_X, widths[1] - 2 * TABLE_PAD_X
        rows = []
        # Items of at most two lines each, as many as a slide's table has room for.
        per_row = int((H - 2 * MARGIN - TITLE_SIZE * LEADING - 60) // (2 * MIN_SIZE * LEADING))
        for phase in self.shot.phases:
            name = self.paras(phase.name, 14, phase_w, 3, True, INK)
            columns = []
            for kind in ("pain", "opportunity"):
                items = []
                for card in phase.cards:
                    if card.kind == kind:
                        items += self.paras(f"• {card.title}", 12, item_w, 2, False, INK)
                columns.append(items)
            # A phase with more than a slide holds goes on in further rows.
            longest = max(len(columns[0]), len(columns[1]), 1)
            for start in range(0, longest, per_row):
                rows.append([name if not start else [], columns[0][start : start + per_row], columns[1][start : start + per_row]])
        headers = (_("Phase"), _("Pain points"), _("Opportunities"))
        self.table_slides(_("Pain points & opportunities"), list(zip(headers, widths, strict=True)), rows)

    def ranking(self, ranked):
        widths = (80, 480, 260, 92)
        rows = []
        for row in ranked:
            rows.append([
                [Para(str(row["rank"]), 14, True)],
                self.paras(row["title"], 14, widths[1] - 2 * TABLE_PAD_X, 1),
                self.paras(row["phase"], 12, widths[2] - 2 * TABLE_PAD_X, 1, False, INK_SOFT),
                [Para(str(row["votes"]), 14, True, ACCENT)],
            ])
        headers = (_("Rank"), _("Card"), _("Phase"), _("Votes"))
        self.table_slides(_("Dot voting results"), list(zip(headers, widths, strict=True)), rows)
