"""The board for printing on paper: landscape A4, A3 or Letter pages at a readable size.

The map is cut into parts (parts.py): a few phases across each page, and their lanes
into runs of whole cards, so no card is ever cut between pages; a grid's rows go onto
pages whole where they fit, a taller row's cells into runs of whole cards. Every page
repeats the segment band, the phase heads and the emotion curve of its phases, and in a
grid the heads of its rows; the first also has the board's title, description and
personas. Each page is painted by the picture's own stages at 150 dpi and placed on a
PDF page with fpdf2, which adds what the picture cannot: the footer (board title, page
number) as real text, and an invisible text layer over each card title, phase and row
name and note, so that the PDF can be searched and copied from as a scanned page with
recognised text can.
"""

import io
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace

from django.utils.translation import gettext as _
from django.utils.translation import override
from fpdf import FPDF
from PIL import Image

from journeyboard.theme import INK_SOFT

from . import geometry as G
from .measure import Measures, measure
from .painter import Painter, paint
from .parts import (
    block_top,
    chunks,
    grid_part,
    grid_slices,
    lane_runs,
    lanes_bottom,
    lanes_span,
    page_slices,
    part_phase,
    part_shot,
)
from .place import place
from .scale import scaled
from .pdffont import truetype_path
from .text import Measure, clean, ellipsize

PAPERS = {  # landscape, in points
    "a4": (841.89, 595.28),
    "a3": (1190.55, 841.89),
    "letter": (792.0, 612.0),
}
DPI = 150
PT_PER_UNIT = 0.65  # at least: a card title at 9 pt, its note at 8 pt, as small print reads
MAX_PT_PER_UNIT = 0.8  # pages with room to spare draw a little larger, up to this
MARGIN_PT, FOOTER_PT, FOOTER_SIZE = 28, 22, 9
INSET = 10  # unit pixels of canvas kept around a part's lanes


@dataclass
class Page:
    image: Image.Image
    words: list  # (text, x pt, y pt of the line's top, size pt): the invisible text layer


def render_print_pdf(shot, paper="a4"):
    """The board on landscape pages of `paper` ("a4", "a3" or "letter") as PDF bytes."""
    page_w, page_h = PAPERS[paper]
    # Each page is compressed on another core while the next one is painted (Pillow lets
    # go of the GIL while it encodes), and only its JPEG is kept.
    with ThreadPoolExecutor(max_workers=2) as pool:
        pages = [
            (pool.submit(_jpeg, page.image), page.image.size, page.words)
            for page in _pages(shot, page_w - 2 * MARGIN_PT, page_h - 2 * MARGIN_PT - FOOTER_PT)
        ]
    pdf = FPDF(orientation="L", unit="pt", format=(page_h, page_w))
    pdf.set_auto_page_break(False)
    pdf.set_margins(0, 0, 0)
    pdf.set_title(clean(shot.title))
    pdf.set_creator("Journeyboard")
    pdf.add_font("Inter", "", truetype_path("Regular"))
    title = ellipsize(clean(shot.title), Measure("Regular", FOOTER_SIZE), page_w / 2)
    with override(shot.language):
        numbers = [_("Page %(page)s of %(pages)s") % {"page": n, "pages": len(pages)} for n in range(1, len(pages) + 1)]
    for (jpeg, size, words), number in zip(pages, numbers, strict=True):
        pdf.add_page()
        width, height = (side * 72 / DPI for side in size)
        fit = min(1, (page_w - 2 * MARGIN_PT) / width, (page_h - 2 * MARGIN_PT - FOOTER_PT) / height)
        width, height = width * fit, height * fit
        left = (page_w - width) / 2
        pdf.image(io.BytesIO(jpeg.result()), x=left, y=MARGIN_PT, w=width, h=height)
        # The footer before the text layer: a reader keeps the invisible rendering mode
        # (3 Tr) for the rest of the page once it is set.
        pdf.set_font("Inter", size=FOOTER_SIZE)
        pdf.set_text_color(*INK_SOFT)
        baseline = page_h - MARGIN_PT
        pdf.text(MARGIN_PT, baseline, title)
        pdf.text(page_w - MARGIN_PT - pdf.get_string_width(number), baseline, number)
        pdf.text_mode = "INVISIBLE"
        for text, x, y, size in words:
            if size * fit != pdf.font_size_pt:
                pdf.set_font("Inter", size=size * fit)
            pdf.text(left + x * fit, MARGIN_PT + (y + size * 0.85) * fit, text)
        pdf.text_mode = "FILL"
    return bytes(pdf.output())


def _jpeg(image):
    """JPEG at 4:4:4 and quality 85 keeps small type crisp at 150 dpi."""
    out = io.BytesIO()
    image.save(out, "JPEG", quality=85, subsampling=0)
    return out.getvalue()


def _pages(shot, room_w, room_h):
    """The pages' pictures, `room_w` x `room_h` points at most, and their text layers."""
    measures = Measures()
    if not shot.phases:
        yield _whole(shot, measures, room_w, room_h)
        return
    heads = G.ROW_HEAD_W + G.LANE_GAP if len(shot.rows) > 1 else 0  # a grid's row heads
    per = max(1, int((room_w / PT_PER_UNIT - 2 * INSET - heads + G.LANE_GAP) // (G.LANE_W + G.LANE_GAP)))
    groups = chunks(shot.phases, -(-len(shot.phases) // per))
    group_w = heads + per * G.LANE_W + (per - 1) * G.LANE_GAP + 2 * INSET
    zoom = min(MAX_PT_PER_UNIT, room_w / group_w)  # points per unit pixel
    scale = zoom * DPI / 72  # device pixels per unit pixel
    room = room_h / zoom  # unit pixels a page holds
    header = None  # the board's header, on the first page only
    bare = replace(shot, description="", personas=[])  # later pages crop the header away
    painters = []  # the first page's painter lends its glyph sprites to the others
    for group in groups:
        whole = place(measure(part_shot(shot, group), measures))
        fixed = whole.phases[0].lane_y - block_top(whole) + 2 * INSET  # band, heads, curve
        first = None
        if header is None:
            header = block_top(whole) - G.MARGIN
            first = room - fixed - header
        parts = _grid_parts if whole.rows else _lane_parts
        for index, part in enumerate(parts(shot, bare, group, whole, room - fixed, first)):
            yield _page(place(measure(part, measures)), scale, zoom, not index and first is not None, painters)


def _lane_parts(shot, bare, group, whole, room, first):
    """The group's parts for pages of `room` units (`first` on the first page, if it is
    in this group): the index-th run of cards of every lane."""
    runs = _runs(whole.measured.phases, room, first)
    for index in range(max(len(r) for r in runs)):
        cards = [r[index] if index < len(r) else [] for r in runs]
        with_header = not index and first is not None
        phases = [part_phase(phase, c) for phase, c in zip(group, cards, strict=True)]
        yield part_shot(shot if with_header else bare, phases)


def _grid_parts(shot, bare, group, whole, room, first):
    """As _lane_parts, for a grid: whole rows a page, or runs of a row taller than a page."""
    for index, slices in enumerate(page_slices(grid_slices(whole, room, first), room, first)):
        yield grid_part(shot if not index and first is not None else bare, group, slices)


def _runs(phases, room, first=None):
    """Each phase's cards in runs of whole cards that fit `room` units; the first run
    of each in `first` units when the first page has less room."""
    if first is None:
        return [lane_runs(phase, room) for phase in phases]
    runs = []
    for phase in phases:
        head = lane_runs(phase, first)[:1]
        taken = len(head[0]) if head else 0
        if head and taken == 1 and phase.cards[0].height + 2 * G.LANE_PAD > first:
            head, taken = [[]], 0  # not even one card fits below the header
        rest = replace(phase, cards=phase.cards[taken:])
        runs.append(head + lane_runs(rest, room))
    return runs


def _page(placed, scale, zoom, with_header, painters):
    """One page: the part's band-to-lanes block (below the board's header on the first)."""
    lay = scaled(placed, scale)
    painter = Painter(lay, shared=painters[0] if painters else None)
    painters[:1] = [painters[0] if painters else painter]
    picture = painter.paint()
    x0, x1 = lanes_span(placed)
    x0, x1 = x0 - INSET, x1 + INSET
    y0 = G.MARGIN - INSET if with_header else block_top(placed) - INSET
    y1 = lanes_bottom(placed) + INSET
    box = tuple(round(v * scale) for v in (x0, y0, x1, y1))
    words = []
    for row in lay.rows:
        for line_no, line in enumerate(row.name):
            x = row.rect.x0 + (G.ROW_STRIPE + G.ROW_PAD_X) * scale
            words.append((line, x, (row.name_y + line_no * G.ROW_NAME_LH) * scale, G.ROW_NAME_SIZE))
    for phase in lay.phases:
        for line_no, line in enumerate(phase.name):
            words.append((line, phase.header.x0 + G.HEAD_PAD_X * scale, (phase.name_y + line_no * G.HEAD_LH) * scale, G.HEAD_SIZE))
        for card in phase.cards:
            top = card.rect.y0
            left = card.rect.x0 + G.CONTENT_X * scale
            for i, line in enumerate(card.title):
                words.append((line, left, top + (card.title_y + i * G.TITLE_CARD_LH) * scale, G.TITLE_CARD_SIZE))
            for i, line in enumerate(card.note):
                words.append((line, left, top + (card.note_y + i * G.NOTE_LH) * scale, G.NOTE_SIZE))
            if card.channel_label:
                words.append((card.channel_label, left, top + card.channel_y * scale, G.CHANNEL_SIZE))
    to_pt = 72 / DPI
    layer = [
        (text, (x - box[0]) * to_pt, (y - box[1]) * to_pt, size * zoom)
        for text, x, y, size in words
        if text and box[1] <= y < box[3]
    ]
    return Page(picture.crop(box), layer)


def _whole(shot, measures, room_w, room_h):
    """A board without phases: its header and note, fitted to the page."""
    placed = place(measure(shot, measures))
    zoom = min(MAX_PT_PER_UNIT, room_w / placed.size[0], room_h / placed.size[1])
    picture = paint(scaled(placed, zoom * DPI / 72))
    return Page(picture, [])
