"""Drawing primitives over one image at a layout's scale: rectangles, rounded boxes with
anti-aliased corners, sprites, and lines of text word by word (glyphs.py)."""

import math

from PIL import Image, ImageDraw

from journeyboard.theme import CANVAS, mix

from . import shapes
from .glyphs import SpriteCache, placed_glyphs, word_sprite
from .text import font

GREEK_BELOW = 4  # device pixels: smaller type could not be read, it is drawn as grey bars


class Canvas:
    """An image to draw a Layout's parts on, at `offset`. `shared` (another canvas) lends
    its caches, so that a sprite drawn with these same primitives reuses the picture's
    glyphs."""

    def __init__(self, lay, image=None, offset=(0, 0), shared=None):
        self.lay = lay
        self.s = lay.scale
        self.image = image if image is not None else Image.new("RGB", (lay.width, lay.height), CANVAS)
        self.core = self.image.im  # Pillow's own image object, for the copies the hot paths make
        self.draw = ImageDraw.Draw(self.image)
        self.ox, self.oy = offset
        self.sprites = shared.sprites if shared else SpriteCache()
        self.unit_measures = shared.unit_measures if shared else {}  # device font: its layout Measure

    def px(self, unit):
        return math.floor(unit * self.s + 0.5)

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
            self.sprites.keep(key, sprite, image.width * image.height)
        return sprite

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
            tl, tr, bl, br = self.corners(r, colour, behind, *parts)
            self.blit(tl, x0, y0)
            self.blit(tr, x1 - r, y0)
            self.blit(bl, x0, y1 - r)
            self.blit(br, x1 - r, y1 - r)

    def corners(self, r, colour, behind, stripe, shade, border):
        """The four corner sprites of a rounded rectangle (see shapes.corner)."""
        key = ("corners", r, colour, behind, stripe, shade, border)
        corners = self.sprites.get(key)
        if corners is None:
            none = (0, None)
            corners = [
                self.cached(key + (corner,), lambda corner=corner: shapes.corner(
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
        measure = self.unit_measures[fnt]
        space = measure.space * self.s
        pen = float(x)
        for word in line.split(" "):
            if bg is None:
                pen = self._blend(pen, baseline, word, fnt, ink)
            else:
                sprite, left, top, advance = word_sprite(self.sprites, word, fnt, measure, self.s, ink, bg)
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
        measure = self.unit_measures[fnt]
        pen = float(x)
        extra = tracking_em * fnt.size
        for ch in text:
            sprite, left, top, advance = word_sprite(self.sprites, ch, fnt, measure, self.s, ink, bg)
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

    def _blend(self, pen, baseline, word, fnt, ink):
        placed, advance = placed_glyphs(self.sprites, word, fnt, self.unit_measures[fnt], self.s)
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
        return self.cached(("icon", what, value, size, bg), lambda: shapes.icon(what, value, size, bg))

    def sprite(self, width, height, background):
        """A canvas for a small image (a sprite) that shares this picture's caches."""
        image = Image.new("RGB", (max(1, width), max(1, height)), background)
        return Canvas(self.lay, image, shared=self)
