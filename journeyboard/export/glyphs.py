"""Glyphs and words rendered once per picture.

FreeType costs tens of microseconds a glyph, and boards repeat their words and letters:
each glyph is rendered once per font, and each word once per font, colour and background
as a small opaque image (a "sprite") on the flat colour it sits on, so that drawing it
again is a memory copy.
"""

import math

from PIL import Image

SPRITE_CACHE_BYTES = 64 * 1024 * 1024  # a board of all different words starts over


class SpriteCache(dict):
    """Sprites by key, for one picture; emptied when they pass SPRITE_CACHE_BYTES."""

    def __init__(self):
        super().__init__()
        self.bytes = 0

    def keep(self, key, value, pixels):
        self.bytes += pixels * 4
        if self.bytes > SPRITE_CACHE_BYTES:
            self.clear()
            self.bytes = 0
        self[key] = value


def placed_glyphs(cache, word, fnt, measure, scale):
    """The glyphs of `word` as (mask, x, y, width, height) from its origin on the
    baseline, and its advance. Each glyph is placed at the font's linear advances, the
    widths the layout measured (`measure`, in unit pixels): a line is as wide as planned
    at every scale."""
    pen, placed = 0.0, []
    for ch in word:
        key = ("glyph", fnt, ch)
        glyph = cache.get(key)
        if glyph is None:
            mask, (ox, oy) = fnt.getmask2(ch, mode="L", anchor="ls")
            width, height = mask.size
            glyph = cache[key] = (mask, ox, oy, width, height) if width and height else False
        if glyph:
            mask, ox, oy, width, height = glyph
            placed.append((mask, math.floor(pen + 0.5) + ox, oy, width, height))
        pen += measure(ch) * scale
    return placed, pen


def word_sprite(cache, word, fnt, measure, scale, ink, bg):
    """(sprite or None, left, top, advance) of `word` in `ink` on `bg`, made once; a
    sprite is (Pillow core image, width, height), offset by (left, top) from the pen on
    the baseline."""
    key = (fnt, word, ink, bg)
    entry = cache.get(key)
    if entry is None:
        placed, advance = placed_glyphs(cache, word, fnt, measure, scale)
        if not placed:
            entry = cache[key] = (None, 0, 0, advance)
            return entry
        left = min(x for _mask, x, _y, _w, _h in placed)
        top = min(y for _mask, _x, y, _w, _h in placed)
        width = max(x + w for _mask, x, _y, w, _h in placed) - left
        height = max(y + h for _mask, _x, y, _w, h in placed) - top
        image = Image.new("RGB", (width, height), bg)
        for mask, x, y, w, h in placed:
            image.im.paste(ink, (x - left, y - top, x - left + w, y - top + h), mask)
        entry = ((image.im, width, height), left, top, advance)
        cache.keep(key, entry, width * height)
    return entry
