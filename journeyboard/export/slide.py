"""The picture of a board for one 16:9 slide: the whole map laid out to fit 1920 x 1080
(3840 x 2160 at scale 2). A wide map wraps its phases into two or more bands, one below
the other, when that lets the text be drawn larger; what is left over is the canvas colour.

Each band is a part of the map (parts.py) laid out and painted by the picture's own
stages at one common scale, so every band's type has the same size."""

import io

from PIL import Image

from journeyboard.theme import CANVAS

from . import geometry as G
from .measure import Measures, measure
from .painter import paint
from .parts import block_top, chunks, lanes_bottom, part_shot
from .place import place
from .scale import scaled

SLIDE = (1920, 1080)
MAX_BANDS = 4  # more bands than this on one slide leaves no text readable anyway
MAX_ZOOM = 2  # a small board is drawn at most twice the board page's size


def render_slide_png(shot, scale=1):
    """The board fitted to a 16:9 PNG of 1920 x 1080 pixels times `scale` (1 or 2)."""
    out = io.BytesIO()
    slide_image(shot, scale).save(out, "PNG", dpi=(96 * scale, 96 * scale), compress_level=3)
    return out.getvalue()


def slide_image(shot, scale=1):
    width, height = SLIDE[0] * scale, SLIDE[1] * scale
    measures = Measures()
    bands = _bands(shot, measures)
    placed = [place(measure(part, measures)) for part in bands]
    parts = _parts(placed)
    unit_w = max(p.size[0] for p in placed)
    unit_h = sum(y1 - y0 for _p, y0, y1 in parts)
    zoom = min(width / unit_w, height / unit_h, MAX_ZOOM * scale) * 0.9999
    slide = Image.new("RGB", (width, height), CANVAS)
    x = (width - round(unit_w * zoom)) // 2
    y = (height - round(unit_h * zoom)) // 2
    pictures = {}
    for p, y0, y1 in parts:
        if id(p) not in pictures:
            pictures[id(p)] = (paint(scaled(p, zoom)), p)
        picture = pictures[id(p)][0]
        top, bottom = round(y0 * zoom), round(y1 * zoom)
        slide.paste(picture.crop((0, top, picture.width, bottom)), (x, y))
        y += bottom - top
    return slide


def _bands(shot, measures):
    """The snapshot cut into the number of bands (1 to MAX_BANDS) that fits 16:9 at the
    largest size, judged from the whole map's measures."""
    phases = shot.phases
    if len(phases) < 2:
        return [shot]
    whole = place(measure(shot, measures))
    header = block_top(whole)
    fixed = whole.phases[0].lane_y - header  # band, heads and curve above the lanes
    footer = whole.size[1] - lanes_bottom(whole)
    heights = [phase.height for phase in whole.measured.phases]
    heads = whole.measured.lanes_x - G.MARGIN  # the row heads' column of a grid
    best, best_zoom = 1, 0
    for count in range(1, min(MAX_BANDS, len(phases)) + 1):
        groups = chunks(list(range(len(phases))), count)
        per = len(groups[0])
        unit_w = max(G.MIN_CONTENT_W, heads + per * G.LANE_W + (per - 1) * G.LANE_GAP) + 2 * G.MARGIN
        unit_h = header + footer + sum(fixed + max(heights[i] for i in g) for g in groups)
        unit_h += (len(groups) - 1) * G.SECTION_GAP
        zoom = min(SLIDE[0] / unit_w, SLIDE[1] / unit_h)
        if zoom > best_zoom * 1.02:  # another band only when it buys real size
            best, best_zoom = count, zoom
    if best == 1:
        return [shot]
    return [part_shot(shot, group) for group in chunks(phases, best)]


def _parts(placed):
    """(placed part, unit y0, unit y1) to stack: the first part's header, every part's
    band-to-lanes block, the last part's legend and footer."""
    if len(placed) == 1:
        return [(placed[0], 0, placed[0].size[1])]
    parts = [(placed[0], 0, block_top(placed[0]))]
    for p in placed:
        parts.append((p, block_top(p), lanes_bottom(p) + G.SECTION_GAP))
    last = placed[-1]
    parts.append((last, lanes_bottom(last) + G.SECTION_GAP, last.size[1]))
    return parts
