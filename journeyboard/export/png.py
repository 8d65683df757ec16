"""The picture of a board, for a slide deck (PNG) or for printing (PDF): snapshot in, bytes out.

Pillow draws it at the geometry of layout.py. Three things keep a board of ten thousand
cards under a second:

- Text is drawn word by word from small pre-rendered images ("sprites") made once per
  picture, each on the flat background it sits on, so drawing a word is a memory copy.
  Sprites are built from glyphs rendered once per font: FreeType costs tens of
  microseconds a glyph, and boards repeat their words and letters.
- Icons, faces, labels and rounded corners are sprites too, anti-aliased by drawing them
  four times larger and shrinking them once.
- The PNG is compressed on every core (encode_png), and mostly while the cards are
  still being drawn: they are drawn top to bottom across all lanes, so the rows above
  the next card are final and go to the compressor at once.
"""

import heapq
import io
import math
import os
import struct
import zlib
from concurrent.futures import ThreadPoolExecutor
from itertools import pairwise

from PIL import Image, ImageDraw

from . import layout as L
from .text import font

SCALES = (1, 2, 3)

# The board page's colours (static/css/app.css): the export must look like the board.
CANVAS = (0xF3, 0xF5, 0xF9)
PAPER = (0xFF, 0xFF, 0xFF)
INK = (0x1F, 0x2A, 0x44)
INK_SOFT = (0x5B, 0x64, 0x79)
LINE = (0xDF, 0xE3, 0xEC)
ACCENT = (0x4F, 0x5B, 0xD5)
ACCENT_SOFT = (0xE6, 0xE9, 0xFF)
LANE = (0xE9, 0xEC, 0xF3)
CHANNEL_DOT = (0x9A, 0xA3, 0xB5)
KINDS = {  # kind: (colour of its stripe, label and icon; card background)
    "touchpoint": (CHANNEL_DOT, PAPER),
    "pain": ((0xE8, 0x57, 0x5A), (0xFF, 0xF1, 0xF1)),
    "opportunity": ((0x1F, 0x9D, 0x63), (0xEC, 0xFA, 0xF2)),
    "idea": ((0xC9, 0x8A, 0x00), (0xFF, 0xF8, 0xE1)),
}
EMOTIONS = {
    -2: (0xF0, 0x7B, 0x7B),
    -1: (0xF6, 0xB2, 0x7A),
    0: (0xD9, 0xDD, 0xE6),
    1: (0xA8, 0xDC, 0x8E),
    2: (0x5C, 0xC9, 0x8A),
}
BANDS = {  # segment: (background, text, bottom line)
    "buyer": ((0xE7, 0xEE, 0xFF), (0x2A, 0x4F, 0xC9), (0x4F, 0x7C, 0xFF)),
    "customer": ((0xE2, 0xF6, 0xEC), (0x15, 0x7A, 0x4B), (0x1F, 0x9D, 0x63)),
}
BAND_OTHER = ((0xEC, 0xEE, 0xF3), INK_SOFT, CHANNEL_DOT)
PLOT_UP = (0xF2, 0xFA, 0xF5)  # behind the positive half of the emotion curve
PLOT_DOWN = (0xFD, 0xF4, 0xF4)
GRID = (0xE6, 0xE9, 0xEF)
AXIS = (0xB4, 0xBB, 0xC9)
KPI_STATUS = {  # a KPI's status: (pill, text, mark); the customer band's green, the pain red
    "on": ((0xE2, 0xF6, 0xEC), (0x12, 0x6B, 0x42), (0x1F, 0x9D, 0x63)),
    "off": ((0xFF, 0xEC, 0xEC), (0xA8, 0x26, 0x30), (0xDC, 0x45, 0x4A)),
}
LOOP = ACCENT
VOTE = (0x6A, 0x45, 0xD8)  # the page's dot-voting violet

SUPERSAMPLE = 4
GREEK_BELOW = 4  # device pixels: smaller type could not be read, it is drawn as grey bars
SPRITE_CACHE_BYTES = 64 * 1024 * 1024  # a board of all different words starts over
PNG_LEVEL = 1  # flat colours compress well even at zlib's fastest level
PNG_STRIP_BYTES = 1024 * 1024  # a strip and its compressor stay in the CPU cache
PNG_THREADS = min(4, os.cpu_count() or 1)
PAGE_ASPECT = math.sqrt(2)  # a tall board goes on a canvas shaped like a landscape A4 page
MAX_PAGE_INCHES = 200  # Acrobat's largest page (14,400 pt)


def render_png(shot, scale=2):
    """The board as a PNG, `scale` device pixels per CSS pixel (1, 2 or 3). A picture that
    would pass 16384 pixels a side (or 40 megapixels) is drawn smaller, never refused."""
    lay = layout(shot, scale)
    painter = _Painter(lay)
    encoder = PngEncoder(painter.image, dpi=96 * lay.scale)
    try:
        painter.paint(rows_done=encoder.rows_done)
    except BaseException:
        encoder.abandon()
        raise
    return encoder.finish()


def render_pdf(shot):
    """The same picture on one landscape page; a tall board sits centred on a wider canvas."""
    lay = L.build(shot, 2, min_aspect=PAGE_ASPECT, max_pixels=L.MAX_PIXELS // 2)
    width = lay.width if lay.width > lay.height else math.ceil(lay.height * PAGE_ASPECT)
    page = Image.new("RGB", (width, lay.height), CANVAS)
    _Painter(lay, page, offset=((width - lay.width) // 2, 0)).paint()
    # One CSS pixel is 0.75 pt, as when a browser prints, up to the largest page readers
    # accept; JPEG at 4:4:4 and quality 92 keeps the type crisp.
    resolution = max(96 * lay.scale, max(page.size) / MAX_PAGE_INCHES)
    out = io.BytesIO()
    page.save(out, "PDF", resolution=resolution, quality=92, subsampling=0, title=shot.title)
    return out.getvalue()


def layout(shot, scale=1):
    """The geometry the renderer draws, in device pixels at `scale` (see layout.Layout)."""
    if isinstance(scale, bool) or scale not in SCALES:
        raise ValueError(f"scale must be 1, 2 or 3, not {scale!r}")
    return L.build(shot, scale)


# --- PNG ---------------------------------------------------------------------------------


def encode_png(image, dpi=96):
    """An RGB image as PNG bytes (see PngEncoder)."""
    encoder = PngEncoder(image, dpi)
    return encoder.finish()


class PngEncoder:
    """PNG bytes of an RGB image, compressed in horizontal strips on several cores.

    Pillow's encoder tries three row filters on every row and uses one core: on a big
    board it took longer than the drawing. Unfiltered rows of a flat-colour picture
    compress nearly as well. Each strip ends in a sync flush, so the strips' deflate
    blocks concatenate into one zlib stream (as pigz does). zlib lets go of the GIL, so
    rows the painter has finished (`rows_done`) are compressed while it draws the rest.
    `dpi` goes in the pHYs chunk: slide software places a scale-2 picture at CSS size.
    """

    def __init__(self, image, dpi=96):
        self.image = image
        self.dpi = dpi
        self.width, self.height = image.size
        self.stride = self.width * 3
        self.rows = max(1, PNG_STRIP_BYTES // self.stride)
        self.pool = ThreadPoolExecutor(PNG_THREADS)
        self.parts = []
        self.next_row = 0

    def rows_done(self, y):
        """Rows above `y` will not change any more: start compressing them."""
        while self.next_row + self.rows <= min(y, self.height):
            self.parts.append(self.pool.submit(self._compress, self.next_row, self.next_row + self.rows))
            self.next_row += self.rows

    def finish(self):
        self.rows_done(self.height)
        if self.next_row < self.height:
            self.parts.append(self.pool.submit(self._compress, self.next_row, self.height))
        with self.pool:
            parts = [part.result() for part in self.parts]
        checksum = 1
        for _body, adler, length in parts:
            checksum = _adler32_combine(checksum, adler, length)
        per_metre = round(self.dpi / 0.0254)
        return b"".join([
            b"\x89PNG\r\n\x1a\n",
            _chunk(b"IHDR", struct.pack(">IIBBBBB", self.width, self.height, 8, 2, 0, 0, 0)),  # 8-bit RGB
            _chunk(b"pHYs", struct.pack(">IIB", per_metre, per_metre, 1)),
            _chunk(b"IDAT", b"\x78\x01"),  # zlib header: deflate, 32 KB window, fastest level
            *(_chunk(b"IDAT", body) for body, _adler, _length in parts),
            _chunk(b"IDAT", struct.pack(">I", checksum)),
            _chunk(b"IEND", b""),
        ])

    def abandon(self):
        self.pool.shutdown(cancel_futures=True)

    def _compress(self, y0, y1):
        data = self._rows(y0, y1)
        deflate = zlib.compressobj(PNG_LEVEL, zlib.DEFLATED, -15)
        end = zlib.Z_FINISH if y1 == self.height else zlib.Z_SYNC_FLUSH
        body = deflate.compress(b"\0") + deflate.compress(data) + deflate.flush(end)
        return body, zlib.adler32(data, zlib.adler32(b"\0")), 1 + len(data)

    def _rows(self, y0, y1):
        """Rows y0..y1 as PNG stores them, each after a 0 (filter "none") byte, but for
        the first row's 0, which _compress adds.

        Pillow's raw packer (what Image.tobytes uses), given a stride one byte longer
        than a row, writes the box's rows straight into that layout, each followed by a
        0: one copy of the pixels, where crop, tobytes and joining in the filter bytes
        made three (a third of the encoding time).
        """
        row = self.stride + 1
        packer = Image._getencoder("RGB", "raw", ("RGB", row, 1))
        packer.setimage(self.image.im, (0, y0, self.width, y1))
        _length, status, rows = packer.encode((y1 - y0) * row)
        if status != 1:  # 1: all rows packed, in one buffer of exactly that size
            raise RuntimeError(f"PNG rows {y0}..{y1} not packed ({status})")
        return memoryview(rows)[:-1]


def _chunk(kind, data):
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def _adler32_combine(first, second, second_length):
    """Adler-32 of two byte strings end to end, from theirs (zlib's adler32_combine)."""
    base = 65521
    rem = second_length % base
    sum1 = first & 0xFFFF
    sum2 = (rem * sum1) % base
    sum1 = (sum1 + (second & 0xFFFF) + base - 1) % base
    sum2 = (sum2 + (first >> 16) + (second >> 16) + base - rem) % base
    return sum1 | (sum2 << 16)


# --- Colours -----------------------------------------------------------------------------


def rgb(value):
    """"#rrggbb" (or "#rgb") as a tuple; a phase colour is validated, but never crash on one."""
    value = value.lstrip("#")
    if len(value) == 3:
        value = "".join(ch * 2 for ch in value)
    try:
        return tuple(int(value[i : i + 2], 16) for i in (0, 2, 4))
    except ValueError:
        return CHANNEL_DOT


def mix(a, b, amount):
    """`a` moved `amount` (0..1) of the way to `b`."""
    return tuple(round(x + (y - x) * amount) for x, y in zip(a, b, strict=True))


def _luminance(colour):
    def channel(c):
        c /= 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(c) for c in colour)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def _contrast(a, b):
    light, dark = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def text_on(colour):
    """White or ink, whichever reads better on `colour` (a phase colour is the user's choice)."""
    return PAPER if _contrast(PAPER, colour) > _contrast(INK, colour) else INK


def nearest_emotion(value):
    return max(-2, min(2, math.floor(value + 0.5)))


# --- Painting ----------------------------------------------------------------------------


class _Painter:
    """Draws a Layout onto an image. `shared` (another painter) lends its caches, so that
    a sprite painted with these same primitives reuses the picture's glyphs."""

    def __init__(self, lay, image=None, offset=(0, 0), shared=None):
        self.lay = lay
        self.s = lay.scale
        self.image = image if image is not None else Image.new("RGB", (lay.width, lay.height), CANVAS)
        self.core = self.image.im  # Pillow's own image object, for the copies the hot paths make
        self.draw = ImageDraw.Draw(self.image)
        self.ox, self.oy = offset
        self.sprites = shared.sprites if shared else {}
        self.unit_measures = shared.unit_measures if shared else {}  # device font: its layout Measure
        self.sprite_bytes = 0

    def px(self, unit):
        return math.floor(unit * self.s + 0.5)

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
        self._cards(rows_done)
        if lay.empty is not None:
            self._empty()
        x, y = lay.footer_at
        footer_font = self.font("Regular", L.FOOTER_SIZE)
        self.text(self.px(x), self.baseline(y, L.LEGEND_H, L.FOOTER_SIZE), lay.footer, footer_font, INK_SOFT, CANVAS)
        return self.image

    # --- Primitives ----------------------------------------------------------------------

    def font(self, weight, unit_size):
        fnt = font(weight, max(0.5, round(unit_size * self.s, 2)))  # FreeType refuses size 0
        if fnt not in self.unit_measures:
            self.unit_measures[fnt] = self.lay.measures(weight, unit_size)
        return fnt

    def fill(self, x0, y0, x1, y1, colour):
        """Fill the half-open device rectangle [x0, x1) x [y0, y1)."""
        if x1 > x0 and y1 > y0:
            self.core.paste(colour, (x0 + self.ox, y0 + self.oy, x1 + self.ox, y1 + self.oy))

    def blit(self, sprite, x, y):
        # A plain copy: Image.paste's checks cost more than the copy itself, a hundred
        # thousand times on a big board.
        core, width, height = sprite
        x += self.ox
        y += self.oy
        self.core.paste(core, (x, y, x + width, y + height))

    def cached(self, key, make):
        """The sprite (core, width, height) of `make()`, made once per picture."""
        sprite = self.sprites.get(key)
        if sprite is None:
            image = make()
            sprite = (image.im, image.width, image.height)
            self._keep(key, sprite, image.width * image.height)
        return sprite

    def _keep(self, key, value, pixels):
        self.sprite_bytes += pixels * 4
        if self.sprite_bytes > SPRITE_CACHE_BYTES:
            self.sprites.clear()
            self.sprite_bytes = 0
        self.sprites[key] = value

    def rounded(self, rect, radius, colour, behind, stripe=None, shade=None, border=None):
        """A rounded rectangle with anti-aliased corners over a flat `behind` colour.

        `stripe` = (width, colour) paints a left border that follows the corners,
        `shade` = (height, colour) an inset bottom line, as the page's CSS does, and
        `border` = (width, colour) a border all round.
        """
        x0, y0, x1, y1 = rect.x0, rect.y0, rect.x1, rect.y1
        r = min(self.px(radius), (x1 - x0) // 2, (y1 - y0) // 2)
        parts = []
        for extra in (stripe, shade, border):
            parts.append((max(1, self.px(extra[0])), extra[1]) if extra else (0, None))
        (stripe_w, stripe_colour), (shade_h, shade_colour), (border_w, border_colour) = parts
        if border_w:
            self.fill(x0, y0, x1, y1, border_colour)
            self.fill(x0 + border_w, y0 + border_w, x1 - border_w, y1 - border_w, colour)
        else:
            self.fill(x0, y0, x1, y1, colour)
        if stripe_w:
            self.fill(x0, y0, x0 + stripe_w, y1, stripe_colour)
        if shade_h:
            self.fill(x0, y1 - shade_h, x1, y1, shade_colour)
        if r >= 2:
            tl, tr, bl, br = self._corners(r, colour, behind, *parts)
            self.blit(tl, x0, y0)
            self.blit(tr, x1 - r, y0)
            self.blit(bl, x0, y1 - r)
            self.blit(br, x1 - r, y1 - r)

    def _corners(self, r, colour, behind, stripe, shade, border):
        key = ("corners", r, colour, behind, stripe, shade, border)
        corners = self.sprites.get(key)
        if corners is None:
            none = (0, None)
            corners = [
                self.cached(key + (corner,), lambda corner=corner: _corner(
                    corner, r, colour, behind,
                    stripe if corner[1] == "l" else none,
                    shade if corner[0] == "b" else none,
                    border,
                ))
                for corner in ("tl", "tr", "bl", "br")
            ]
            self.sprites[key] = corners
        return corners

    def text(self, x, baseline, line, fnt, ink, bg, limit=None):
        """One line at device (x, baseline), word by word from sprites on background `bg`
        (None: the glyphs are blended onto whatever is there). Returns the x after it."""
        if not line:
            return x
        if fnt.size < GREEK_BELOW:
            return self._greek(x, baseline, line, fnt, ink, bg or CANVAS)
        space = self.unit_measures[fnt].space * self.s
        pen = float(x)
        for word in line.split(" "):
            if bg is None:
                pen = self._blend(pen, baseline, word, fnt, ink)
            else:
                sprite, left, top, advance = self._word(word, fnt, ink, bg)
                if sprite is not None:
                    x = math.floor(pen + 0.5) + left
                    if limit is not None and x + sprite[1] > limit:
                        break  # a guard: the layout wrapped at these very widths
                    self.blit(sprite, x, baseline + top)
                pen += advance
            pen += space
        return pen - space

    def tracked(self, x, baseline, text, fnt, ink, bg, tracking_em):
        """Letter-spaced uppercase labels, one cached character at a time."""
        if fnt.size < GREEK_BELOW:
            return self._greek(x, baseline, text, fnt, ink, bg)
        pen = float(x)
        extra = tracking_em * fnt.size
        for ch in text:
            sprite, left, top, advance = self._word(ch, fnt, ink, bg)
            if sprite is not None:
                self.blit(sprite, math.floor(pen + 0.5) + left, baseline + top)
            pen += advance + extra
        return pen

    def width(self, fnt, line):
        """Device width of a line, as text() draws it."""
        return self.unit_measures[fnt].line(line) * self.s

    def baseline(self, top, line_height, unit_size):
        """Device baseline of a line box `line_height` units high whose top is at unit `top`."""
        # Inter: ascender 0.969 em, descender 0.242 em; the rest of the line is split evenly.
        return self.px(top + (line_height - 1.2109 * unit_size) / 2 + 0.9688 * unit_size)

    def _glyphs(self, word, fnt):
        """The glyphs of `word` as (mask, x, y, width, height) from its origin on the
        baseline, and its advance. Each glyph is placed at the font's linear advances, the
        widths the layout measured: a line is as wide as planned at every scale."""
        measure = self.unit_measures[fnt]
        pen, placed = 0.0, []
        for ch in word:
            key = ("glyph", fnt, ch)
            glyph = self.sprites.get(key)
            if glyph is None:
                mask, (ox, oy) = fnt.getmask2(ch, mode="L", anchor="ls")
                width, height = mask.size
                glyph = self.sprites[key] = (mask, ox, oy, width, height) if width and height else False
            if glyph:
                mask, ox, oy, width, height = glyph
                placed.append((mask, math.floor(pen + 0.5) + ox, oy, width, height))
            pen += measure(ch) * self.s
        return placed, pen

    def _word(self, word, fnt, ink, bg):
        """(sprite or None, left, top, advance) of `word` in `ink` on `bg`, made once."""
        key = (fnt, word, ink, bg)
        entry = self.sprites.get(key)
        if entry is None:
            placed, advance = self._glyphs(word, fnt)
            if not placed:
                entry = (None, 0, 0, advance)
                self.sprites[key] = entry
                return entry
            left = min(x for _mask, x, _y, _w, _h in placed)
            top = min(y for _mask, _x, y, _w, _h in placed)
            width = max(x + w for _mask, x, _y, w, _h in placed) - left
            height = max(y + h for _mask, _x, y, _w, h in placed) - top
            image = Image.new("RGB", (width, height), bg)
            for mask, x, y, w, h in placed:
                image.im.paste(ink, (x - left, y - top, x - left + w, y - top + h), mask)
            entry = ((image.im, width, height), left, top, advance)
            self._keep(key, entry, width * height)
        return entry

    def _blend(self, pen, baseline, word, fnt, ink):
        placed, advance = self._glyphs(word, fnt)
        origin = math.floor(pen + 0.5) + self.ox
        for mask, x, y, w, h in placed:
            x += origin
            y += baseline + self.oy
            self.core.paste(ink, (x, y, x + w, y + h), mask)
        return pen + advance

    def _greek(self, x, baseline, line, fnt, ink, bg):
        """Type too small to read, drawn as a grey bar as long as the line."""
        width = self.width(fnt, line)
        height = max(1, round(fnt.size * 0.45))
        key = ("greek", ink, bg)
        colour = self.sprites.get(key)
        if colour is None:
            colour = self.sprites[key] = mix(bg, ink, 0.35)
        self.fill(x, baseline - height, x + max(1, round(width)), baseline, colour)
        return x + width

    def icon(self, what, value, size, bg):
        """A kind icon or an emotion face, `size` device pixels square, on `bg`."""
        size = max(1, size)
        return self.cached(("icon", what, value, size, bg), lambda: _icon(what, value, size, bg))

    def _sprite(self, width, height, background):
        """A painter for a small image that shares this picture's caches."""
        image = Image.new("RGB", (max(1, width), max(1, height)), background)
        return _Painter(self.lay, image, shared=self)

    # --- Header --------------------------------------------------------------------------

    def _header(self):
        lay = self.lay
        x, top = lay.title_at
        title_font = self.font("Bold", L.TITLE_SIZE)
        for i, line in enumerate(lay.title):
            baseline = self.baseline(top + i * L.TITLE_LH, L.TITLE_LH, L.TITLE_SIZE)
            self.text(self.px(x), baseline, line, title_font, INK, CANVAS)
        x, top = lay.meta_at
        meta_font = self.font("Regular", L.META_SIZE)
        for i, line in enumerate(lay.meta):
            self.text(self.px(x), self.baseline(top + i * L.META_LH, L.META_LH, L.META_SIZE), line, meta_font, INK_SOFT, CANVAS)
        for persona in lay.personas:
            self._persona(persona)

    def _persona(self, persona):
        self.rounded(persona.rect, 12, PAPER, CANVAS, border=(1, LINE))
        ux, uy = persona.unit
        pad = L.PERSONA_PAD
        size = self.px(L.AVATAR)
        ax, ay = self.px(ux + pad), self.px(uy + pad)
        # As the page draws people (.presence .avatar): initials on a disc of their colour.
        colour = rgb(persona.color)
        ink = text_on(colour)
        self.blit(self.cached(("avatar", size, colour), lambda: _disc(size, colour, PAPER)), ax, ay)
        initials_font = self.font("Bold", 14)
        x = ax + (size - self.width(initials_font, persona.initials)) / 2
        self.text(round(x), self.baseline(uy + pad, L.AVATAR, 14), persona.initials, initials_font, ink, colour)
        x = self.px(ux + pad + L.AVATAR + 12)
        y = uy + pad
        label_font = self.font("Bold", L.PERSONA_LABEL_SIZE)
        baseline = self.baseline(y, L.PERSONA_LABEL_LH, L.PERSONA_LABEL_SIZE)
        self.tracked(x, baseline, persona.label, label_font, INK_SOFT, PAPER, L.LABEL_TRACK)
        y += L.PERSONA_LABEL_LH
        name_font = self.font("Bold", L.PERSONA_NAME_SIZE)
        self.text(x, self.baseline(y, L.PERSONA_NAME_LH, L.PERSONA_NAME_SIZE), persona.name, name_font, INK, PAPER)
        y += L.PERSONA_NAME_LH
        role_font = self.font("Regular", L.PERSONA_ROLE_SIZE)
        self.text(x, self.baseline(y, L.PERSONA_ROLE_LH, L.PERSONA_ROLE_SIZE), persona.role, role_font, INK_SOFT, PAPER)
        y += L.PERSONA_ROLE_LH + L.PERSONA_QUOTE_GAP
        quote_font = self.font("Regular", L.PERSONA_QUOTE_SIZE)
        for i, line in enumerate(persona.quote):
            baseline = self.baseline(y + i * L.PERSONA_QUOTE_LH, L.PERSONA_QUOTE_LH, L.PERSONA_QUOTE_SIZE)
            self.text(x, baseline, line, quote_font, INK, PAPER)

    # --- Band, phase headers, lanes, cards -----------------------------------------------

    def _band(self, run):
        background, ink, line = BANDS.get(run.segment, BAND_OTHER)
        rect = run.rect
        self.rounded(rect, 8, background, CANVAS, shade=(3, line))
        baseline = self.baseline(rect.y0 / self.s, L.BAND_H - 3, L.BAND_SIZE)
        band_font = self.font("Bold", L.BAND_SIZE)
        self.tracked(rect.x0 + self.px(L.BAND_PAD), baseline, run.label, band_font, ink, background, L.BAND_TRACK)

    def _phase_header(self, phase):
        colour = rgb(phase.color)
        ink = text_on(colour)
        rect = phase.header
        self.rounded(rect, 10, colour, CANVAS)
        name_font = self.font("Bold", L.HEAD_SIZE)
        for i, line in enumerate(phase.name):
            baseline = self.baseline(phase.name_y + i * L.HEAD_LH, L.HEAD_LH, L.HEAD_SIZE)
            self.text(rect.x0 + self.px(L.HEAD_PAD_X), baseline, line, name_font, ink, colour)
        if phase.kpi is not None:
            self._kpi(phase.kpi, colour)
        chip, chip_colour = phase.chip, mix(colour, PAPER, 0.72)  # the page's rgba(255,255,255,.7)
        self.rounded(chip, L.CHIP_H / 2, chip_colour, colour)
        chip_font = self.font("Bold", L.CHIP_SIZE)
        x = chip.x0 + (chip.width - self.width(chip_font, phase.count)) / 2
        self.text(round(x), self.baseline(chip.y0 / self.s, L.CHIP_H, L.CHIP_SIZE), phase.count, chip_font, INK, chip_colour)

    def _kpi(self, kpi, head):
        """The KPI pill: tinted by its status, or light like the count chip without one."""
        pill, ink, mark = KPI_STATUS.get(kpi.status, (mix(head, PAPER, 0.82), INK, None))
        rect = kpi.rect
        self.rounded(rect, L.KPI_H / 2, pill, head)  # a capsule; two lines: a rounded box
        if mark is not None:
            size = kpi.mark.width
            sprite = self.cached(("kpi-mark", kpi.status, size, pill), lambda: _status_mark(kpi.status, size, mark, pill))
            self.blit(sprite, kpi.mark.x0, kpi.mark.y0)
        top = kpi.unit_y + (L.KPI_H - L.KPI_LH) / 2
        for text, weight, x, line in kpi.runs:
            baseline = self.baseline(top + line * L.KPI_LH, L.KPI_LH, L.KPI_SIZE)
            self.text(rect.x0 + self.px(x), baseline, text, self.font(weight, L.KPI_SIZE), ink, pill, rect.x1)

    def _loop(self, loop):
        """The ambassador loop: the top of a rounded frame from the last phase's band block
        to the first's, broken for its label, with an arrowhead at the first phase."""
        rect, w = loop.rect, max(1, self.px(L.LOOP_LINE))
        r = self.px(L.LOOP_RADIUS)
        head_w, head_h = self.px(L.LOOP_HEAD_W), self.px(L.LOOP_HEAD_H)
        head_w += (head_w - w) % 2  # centred on the line to the pixel
        if r >= 2:
            left, right = self._corners(r, CANVAS, CANVAS, (0, None), (0, None), (w, LOOP))[:2]
            self.blit(left, rect.x0, rect.y0)
            self.blit(right, rect.x1 - r, rect.y0)
        else:
            r = 0
        gap = loop.label_rect
        self.fill(rect.x0 + r, rect.y0, gap.x0, rect.y0 + w, LOOP)
        self.fill(gap.x1, rect.y0, rect.x1 - r, rect.y0 + w, LOOP)
        self.fill(rect.x1 - w, rect.y0 + r, rect.x1, loop.tail, LOOP)  # from the last phase...
        dot = max(2, self.px(L.LOOP_TAIL))
        dot += (dot - w) % 2
        self.blit(self.cached(("dot", dot, LOOP, CANVAS), lambda: _disc(dot, LOOP, CANVAS)),
                  rect.x1 - (w + dot) // 2, loop.tail - dot // 2)
        self.fill(rect.x0, rect.y0 + r, rect.x0 + w, rect.y1 - head_h + 1, LOOP)  # ...into the first
        arrow = self.cached(("arrowhead", head_w, head_h, LOOP, CANVAS), lambda: _arrowhead(head_w, head_h, LOOP, CANVAS))
        self.blit(arrow, rect.x0 - (head_w - w) // 2, rect.y1 - head_h)
        fnt = self.font("SemiBold", L.LOOP_SIZE)
        baseline = self.baseline(loop.label_y, L.LOOP_LH, L.LOOP_SIZE)
        self.text(gap.x0 + self.px(L.LOOP_LABEL_GAP), baseline, loop.label, fnt, LOOP, CANVAS)

    def _cards(self, rows_done):
        """Every lane's cards, in the order of their tops across the lanes rather than lane
        after lane: cards stay within their own rows, so once a card is drawn, the rows
        above its top are final (they reach the compressor while the rest is drawn)."""
        fonts = (self.font("SemiBold", L.TITLE_CARD_SIZE), self.font("Regular", L.NOTE_SIZE))
        shadow = mix(LANE, INK, 0.12)
        for card in heapq.merge(*(phase.cards for phase in self.lay.phases), key=lambda card: card.rect.y0):
            self._card(card, shadow, fonts)
            if rows_done is not None:
                rows_done(card.rect.y0 + self.oy)

    def _card(self, card, shadow, fonts):
        px = self.px
        title_font, note_font = fonts
        colour, background = KINDS.get(card.kind, KINDS["touchpoint"])
        stripe = (L.STRIPE, colour) if card.kind_label else None
        rect = card.rect
        radius = px(10)
        self.fill(rect.x0 + radius, rect.y1, rect.x1 - radius, rect.y1 + max(1, px(1)), shadow)
        self.rounded(rect, 10, background, LANE, stripe)
        ux, uy = card.unit
        x = px(ux + L.CONTENT_X)
        if card.kind_label:
            key = ("kind", card.kind, card.kind_label, background)
            tag = self.cached(key, lambda: self._kind_tag(card.kind, card.kind_label, background, colour))
            self.blit(tag, x, px(uy + L.PAD_TOP))
        if card.emotion is not None:
            size = px(L.FACE)
            face = self.icon("emotion", card.emotion, size, background)
            self.blit(face, px(ux + L.CARD_W - L.FACE_RIGHT) - size, px(uy + L.FACE_TOP))
        limit = rect.x1 - px(L.PAD_X) + 2
        top = uy + card.title_y
        for i, line in enumerate(card.title):
            baseline = self.baseline(top + i * L.TITLE_CARD_LH, L.TITLE_CARD_LH, L.TITLE_CARD_SIZE)
            self.text(x, baseline, line, title_font, INK, background, limit)
        top = uy + card.note_y
        for i, line in enumerate(card.note):
            baseline = self.baseline(top + i * L.NOTE_LH, L.NOTE_LH, L.NOTE_SIZE)
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
        px, fnt, count = self.px, self.font("Bold", L.VOTES_SIZE), str(card.votes)
        dot, pad, gap = max(2, px(L.VOTES_DOT)), px(L.VOTES_PAD), px(4)
        top = card.rect.y1 / self.s - L.PAD_BOTTOM - L.VOTES_H  # units
        x1 = card.rect.x1 - px(L.PAD_X)
        pill = L.Rect(x1 - (pad + dot + gap + math.ceil(self.width(fnt, count)) + pad), px(top), x1, px(top + L.VOTES_H))
        self.rounded(pill, L.VOTES_H / 2, VOTE, background)
        disc = self.cached(("dot", dot, PAPER, VOTE), lambda: _disc(dot, PAPER, VOTE))
        self.blit(disc, pill.x0 + pad, pill.y0 + (pill.height - dot) // 2)
        self.text(pill.x0 + pad + dot + gap, self.baseline(top, L.VOTES_H, L.VOTES_SIZE), count, fnt, PAPER, VOTE)

    def _kind_tag(self, kind, label, background, colour):
        """Icon and letter-spaced label on the card's background, drawn once per kind."""
        fnt = self.font("Bold", L.KIND_SIZE)
        icon, gap, height = self.px(L.KIND_ICON), self.px(4), self.px(L.KIND_H)
        width = icon + gap + math.ceil(L.tracked_width(label, self.unit_measures[fnt], L.KIND_TRACK) * self.s) + 2
        sprite = self._sprite(width, height, background)
        sprite.blit(self.icon("kind", kind, icon, background), 0, (height - icon) // 2)
        sprite.tracked(icon + gap, self.baseline(0, L.KIND_H, L.KIND_SIZE), label, fnt, colour, background, L.KIND_TRACK)
        return sprite.image

    def _channel(self, label, background):
        """The grey dot and the channel's name, drawn once per channel."""
        fnt = self.font("SemiBold", L.CHANNEL_SIZE)
        dot, gap, height = max(2, self.px(L.CHANNEL_DOT)), self.px(6), self.px(L.CHANNEL_H)
        sprite = self._sprite(dot + gap + math.ceil(self.width(fnt, label)) + 2, height, background)
        sprite.blit(self.cached(("dot", dot, background), lambda: _disc(dot, CHANNEL_DOT, background)), 0, (height - dot) // 2)
        sprite.text(dot + gap, self.baseline(0, L.CHANNEL_H, L.CHANNEL_SIZE), label, fnt, INK_SOFT, background)
        return sprite.image

    # --- Emotion curve -------------------------------------------------------------------

    def _strip(self):
        lay = self.lay
        strip = lay.strip
        self.rounded(strip, 12, PAPER, CANVAS)
        plot_x0, plot_x1 = strip.x0 + self.px(48), strip.x1 - self.px(16)
        top, bottom, axis = lay.level_y(2.5), lay.level_y(-2.5), lay.axis_y
        self.fill(plot_x0, top, plot_x1, axis, PLOT_UP)
        self.fill(plot_x0, axis, plot_x1, bottom, PLOT_DOWN)
        line_w = max(1, self.px(1))
        separator = mix(PLOT_UP, GRID, 0.6)
        for phase in lay.phases[:-1]:  # faint lines between the phases' columns
            x = phase.lane.x1 + self.px(L.LANE_GAP / 2)
            self.fill(x, top, x + line_w, bottom, separator)
        for level in (-2, -1, 1, 2):
            y = lay.level_y(level)
            self.fill(plot_x0, y, plot_x1, y + line_w, GRID)
        dash, gap = max(2, self.px(6)), max(1, self.px(4))
        for x in range(plot_x0, plot_x1, dash + gap):
            self.fill(x, axis, min(x + dash, plot_x1), axis + line_w, AXIS)
        title_font = self.font("Bold", L.STRIP_TITLE_SIZE)
        self.tracked(strip.x0 + self.px(16), strip.y0 + self.px(20), lay.strip_title, title_font, INK_SOFT, PAPER, L.LABEL_TRACK)
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
                self._smooth(a, b, width, lambda draw, k, p, q: _stroke(draw, [p, q], width * k, ACCENT))
        radius = 7 * self.s
        label_font = self.font("SemiBold", 11)
        for phase in lay.phases:
            if phase.point is None:
                continue
            colour = EMOTIONS[nearest_emotion(phase.average)]
            self._smooth(phase.point, phase.point, radius * 1.4,
                         lambda draw, k, p, _q, colour=colour: _marker(draw, p, radius * k, colour))
            label = _signed(phase.average)
            x, y = phase.point
            # Above a point on the positive side, below one on the negative side: off the axis.
            baseline = y - self.px(12) if phase.average >= 0 else y + self.px(22)
            self.text(round(x - self.width(label_font, label) / 2), baseline, label, label_font, INK_SOFT, None)

    def _smooth(self, a, b, pad, paint):
        """Paint shapes around points a and b at SUPERSAMPLE times the size, for smooth
        edges: the patch is blown up (keeping what is drawn there), painted and shrunk."""
        k = SUPERSAMPLE
        pad = math.ceil(pad) + 2
        x0, y0 = min(a[0], b[0]) - pad, min(a[1], b[1]) - pad
        x1, y1 = max(a[0], b[0]) + pad, max(a[1], b[1]) + pad
        box = (x0 + self.ox, y0 + self.oy, x1 + self.ox, y1 + self.oy)
        patch = self.image.crop(box).resize(((x1 - x0) * k, (y1 - y0) * k), Image.Resampling.NEAREST)

        def local(point):
            return ((point[0] - x0 + 0.5) * k, (point[1] - y0 + 0.5) * k)

        paint(ImageDraw.Draw(patch), k, local(a), local(b))
        self.image.paste(patch.reduce(k), box[:2])

    # --- Legend, empty board -------------------------------------------------------------

    def _legend(self):
        label_font = self.font("Regular", L.LEGEND_SIZE)
        size = self.px(L.LEGEND_ICON)
        for item in self.lay.legend:
            rect = item.rect
            self.blit(self.icon(item.what, item.value, size, CANVAS), rect.x0, rect.y0 + (rect.height - size) // 2)
            baseline = self.baseline(rect.y0 / self.s, L.LEGEND_H, L.LEGEND_SIZE)
            self.text(rect.x0 + size + self.px(6), baseline, item.label, label_font, INK_SOFT, CANVAS)

    def _empty(self):
        rect = self.lay.empty
        self.rounded(rect, 12, PAPER, CANVAS, border=(1, LINE))
        fnt = self.font("SemiBold", L.EMPTY_SIZE)
        text = self.lay.empty_text
        x = rect.x0 + max(self.px(16), round((rect.width - self.width(fnt, text)) / 2))
        baseline = self.baseline(rect.y0 / self.s, L.EMPTY_H, L.EMPTY_SIZE)
        self.text(x, baseline, text, fnt, INK_SOFT, PAPER, rect.x1 - self.px(16))


# --- Sprites -----------------------------------------------------------------------------


def _signed(value):
    text = f"{value:+.1f}".replace("-", "−")
    return "0" if text in ("+0.0", "−0.0") else text


def _supersampled(size, background):
    size = max(1, size)  # a board shrunk to the size cap can make an icon smaller than a pixel
    image = Image.new("RGB", (size * SUPERSAMPLE, size * SUPERSAMPLE), background)
    return image, ImageDraw.Draw(image), size * SUPERSAMPLE


def _corner(corner, r, colour, behind, stripe, shade, border):
    """The `r` x `r` corner ("tl", "tr", "bl", "br") of a rounded rectangle, anti-aliased,
    with its part of a left stripe, an inset bottom line (CSS box-shadow) or a border."""
    k = SUPERSAMPLE
    size = r * k
    image = Image.new("RGB", (size, size), behind)
    draw = ImageDraw.Draw(image)
    # Drawn as a top-left corner, then mirrored; a bottom line is thus drawn at the top.
    disc = (0, 0, 2 * size - 1, 2 * size - 1)
    (stripe_w, stripe_colour), (shade_h, shade_colour), (border_w, border_colour) = stripe, shade, border
    if border_w:
        draw.ellipse(disc, fill=border_colour)
        inset = border_w * k
        draw.ellipse((inset, inset, 2 * size - 1 - inset, 2 * size - 1 - inset), fill=colour)
    elif shade_h:
        draw.ellipse(disc, fill=shade_colour)
        draw.ellipse((0, shade_h * k, 2 * size - 1, 2 * size - 1 + shade_h * k), fill=colour)
    else:
        draw.ellipse(disc, fill=colour)
    if stripe_w:
        mask = Image.new("L", image.size, 0)
        ImageDraw.Draw(mask).ellipse(disc, fill=255)
        mask.paste(0, (stripe_w * k, 0, size, size))
        image.paste(stripe_colour, (0, 0), mask)
    if corner[1] == "r":
        image = image.transpose(Image.Transpose.FLIP_LEFT_RIGHT)
    if corner[0] == "b":
        image = image.transpose(Image.Transpose.FLIP_TOP_BOTTOM)
    return image.reduce(k)


def _disc(size, colour, background):
    image, draw, big = _supersampled(size, background)
    draw.ellipse((0, 0, big - 1, big - 1), fill=colour)
    return image.reduce(SUPERSAMPLE)


def _status_mark(status, size, colour, background):
    """A KPI's mark, as the page's: a tick on target, an exclamation mark off it."""
    image, draw, big = _supersampled(size, background)
    draw.ellipse((0, 0, big - 1, big - 1), fill=colour)
    k = big / 14
    if status == "on":
        _stroke(draw, [(4.1 * k, 7.3 * k), (6.2 * k, 9.4 * k), (10 * k, 5 * k)], 1.8 * k, PAPER)
    else:
        _stroke(draw, [(7 * k, 3.7 * k), (7 * k, 7.9 * k)], 1.9 * k, PAPER)
        _stroke(draw, [(7 * k, 10.4 * k), (7 * k, 10.45 * k)], 1.9 * k, PAPER)
    return image.reduce(SUPERSAMPLE)


def _arrowhead(width, height, colour, background):
    """A filled triangle pointing down, its tip at the bottom centre."""
    k = SUPERSAMPLE
    image = Image.new("RGB", (max(1, width) * k, max(1, height) * k), background)
    ImageDraw.Draw(image).polygon([(0, 0), (width * k, 0), (width * k / 2, height * k)], fill=colour)
    return image.reduce(k)


def _icon(what, value, size, background):
    image, draw, big = _supersampled(size, background)
    if what == "emotion":
        _face(draw, big / 24, value)
    else:
        _kind_icon(draw, big / 16, value)
    return image.reduce(SUPERSAMPLE)


# The board page's SVG symbols (templates/boards/board.html#icons), in their viewBox units:
# faces are 24 wide, kind icons 16. A mouth is a quadratic curve: start, control, end.
_MOUTHS = {
    -2: ((7, 17.5), (12, 12), (17, 17.5)),
    -1: ((7.5, 16.5), (12, 13.8), (16.5, 16.5)),
    0: ((8, 15.5), (12, 15.5), (16, 15.5)),
    1: ((7.5, 14.5), (12, 17.5), (16.5, 14.5)),
    2: ((7, 13.5), (12, 19.5), (17, 13.5)),
}


def _face(draw, k, emotion):
    draw.ellipse((1.5 * k, 1.5 * k, 22.5 * k, 22.5 * k), fill=EMOTIONS[emotion])
    for cx in (8.5, 15.5):
        draw.ellipse(((cx - 1.4) * k, 8.1 * k, (cx + 1.4) * k, 10.9 * k), fill=INK)
    (x0, y0), (cx, cy), (x1, y1) = _MOUTHS[emotion]
    curve = []
    for i in range(17):
        t = i / 16
        x = (1 - t) ** 2 * x0 + 2 * (1 - t) * t * cx + t * t * x1
        y = (1 - t) ** 2 * y0 + 2 * (1 - t) * t * cy + t * t * y1
        curve.append((x * k, y * k))
    _stroke(draw, curve, 1.8 * k, INK)


def _kind_icon(draw, k, kind):
    colour = KINDS.get(kind, KINDS["touchpoint"])[0]

    def at(*points):
        return [(x * k, y * k) for x, y in points]

    if kind == "pain":  # a warning triangle
        draw.polygon(at((8, 1.5), (15, 14), (1, 14)), fill=colour)
        _stroke(draw, at((8, 6), (8, 10)), 1.6 * k, PAPER)
        _stroke(draw, at((8, 11.6), (8, 12)), 1.6 * k, PAPER)
    elif kind == "opportunity":  # an arrow up and to the right
        _stroke(draw, at((3, 13), (13, 3)), 2 * k, colour)
        _stroke(draw, at((6, 3), (13, 3), (13, 10)), 2 * k, colour)
    elif kind == "idea":  # a light bulb
        draw.ellipse((3.4 * k, 1.5 * k, 12.6 * k, 10.7 * k), fill=colour)
        draw.rectangle((5.3 * k, 7 * k, 10.7 * k, 12 * k), fill=colour)
        draw.rectangle((5.8 * k, 13.2 * k, 10.2 * k, 14.5 * k), fill=colour)
    else:  # a touchpoint: a dot
        draw.ellipse((4 * k, 4 * k, 12 * k, 12 * k), fill=colour)


def _stroke(draw, points, width, colour):
    """A line through `points` with round caps and joins (ImageDraw's joints leave notches)."""
    radius = width / 2
    draw.line(points, fill=colour, width=max(1, round(width)))
    for x, y in points:
        draw.ellipse((x - radius, y - radius, x + radius, y + radius), fill=colour)


def _marker(draw, point, radius, colour):
    """A curve's point: a disc in the emotion's colour, ringed in white to stand off the line."""
    x, y = point
    ring = radius * 1.35
    draw.ellipse((x - ring, y - ring, x + ring, y + ring), fill=PAPER)
    draw.ellipse((x - radius, y - radius, x + radius, y + radius), fill=colour)
    edge = max(1, round(radius * 0.18))
    draw.ellipse((x - radius, y - radius, x + radius, y + radius), outline=mix(colour, INK, 0.25), width=edge)
