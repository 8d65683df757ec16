"""Text for the picture export: Inter fonts, cleaning what they cannot draw, and word wrapping.

Wrapping is decided in *unit* pixels (scale 1) with widths measured on a large copy of each
font, where FreeType's advances are close to linear. The renderer places glyphs at these
same widths at any scale, so a picture at scale 2 is exactly twice the one at scale 1 and
a line is never wider than the layout planned.
"""

import re
import struct
import unicodedata
from functools import lru_cache

import pyphen
from django.conf import settings
from PIL import ImageFont

WEIGHTS = ("Regular", "SemiBold", "Bold")
ELLIPSIS = "…"
HYPHEN = "-"
MIN_TAIL = 3  # letters a hyphenated word carries over to the next line, at least
# Widths are measured at this multiple of the unit size: hinting at 12 px rounds advances,
# at 48 px and more they are within a fraction of a percent of the font's design widths.
MEASURE_FACTOR = 4


def font_path(weight):
    return settings.BASE_DIR / "static" / "fonts" / f"Inter-{weight}.otf"


@lru_cache(maxsize=256)
def font(weight, size):
    """Inter at `size` pixels (fractional sizes allowed), loaded once per weight and size.

    The basic layout engine: Inter's Latin needs no shaping, and Raqm is three times slower.
    """
    return ImageFont.truetype(str(font_path(weight)), size, layout_engine=ImageFont.Layout.BASIC)


# --- What Inter can draw -----------------------------------------------------------------


def _cmap_codepoints(data):
    """The code points an OpenType font maps to glyphs (its 'cmap' table, formats 4 and 12)."""
    num_tables = struct.unpack_from(">H", data, 4)[0]
    for i in range(num_tables):
        tag, _checksum, offset, _length = struct.unpack_from(">4sIII", data, 12 + 16 * i)
        if tag == b"cmap":
            return _read_cmap(data, offset)
    return frozenset()


def _read_cmap(data, cmap):
    subtables = {}
    for i in range(struct.unpack_from(">H", data, cmap + 2)[0]):
        platform, encoding, offset = struct.unpack_from(">HHI", data, cmap + 4 + 8 * i)
        subtables[(platform, encoding)] = cmap + offset
    for key in ((3, 10), (0, 4), (3, 1), (0, 3)):
        if key in subtables:
            start = subtables[key]
            fmt = struct.unpack_from(">H", data, start)[0]
            if fmt == 12:
                return _format12(data, start)
            if fmt == 4:
                return _format4(data, start)
    return frozenset()


def _format12(data, start):
    groups = struct.unpack_from(">I", data, start + 12)[0]
    points = set()
    for i in range(groups):
        first, last, _glyph = struct.unpack_from(">III", data, start + 16 + 12 * i)
        points.update(range(first, last + 1))
    return frozenset(points)


def _format4(data, start):
    segments = struct.unpack_from(">H", data, start + 6)[0] // 2
    ends = struct.unpack_from(f">{segments}H", data, start + 14)
    starts = struct.unpack_from(f">{segments}H", data, start + 16 + 2 * segments)
    deltas = struct.unpack_from(f">{segments}h", data, start + 16 + 4 * segments)
    range_offsets_at = start + 16 + 6 * segments
    range_offsets = struct.unpack_from(f">{segments}H", data, range_offsets_at)
    points = set()
    for i in range(segments):
        for code in range(starts[i], ends[i] + 1):
            if code == 0xFFFF:
                continue
            if range_offsets[i] == 0:
                glyph = (code + deltas[i]) & 0xFFFF
            else:
                at = range_offsets_at + 2 * i + range_offsets[i] + 2 * (code - starts[i])
                glyph = struct.unpack_from(">H", data, at)[0]
                glyph = (glyph + deltas[i]) & 0xFFFF if glyph else 0
            if glyph:
                points.add(code)
    return frozenset(points)


@lru_cache(maxsize=1)
def covered():
    """Code points every weight of Inter we ship can draw."""
    sets = [_cmap_codepoints(font_path(weight).read_bytes()) for weight in WEIGHTS]
    return frozenset.intersection(*sets)


# --- Cleaning ----------------------------------------------------------------------------

_CONTROLS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
_SPACE_BEFORE_PUNCTUATION = re.compile(r" +([.,;:!?)])")


def clean(text, lines=False):
    """`text` as Inter can draw it, whitespace collapsed as HTML does.

    Characters the font lacks (emoji, dingbats, CJK, ...) are dropped rather than drawn as
    empty boxes; accents are composed first (NFC) so that "e" + combining acute is "é".
    With `lines`, newlines are kept (a note shows its line breaks, like CSS pre-line).
    """
    if not text:
        return ""
    if not text.isascii():
        font_has = covered()
        kept = "".join(
            ch if ord(ch) in font_has or ch == "\n" else (" " if ch.isspace() else "")
            for ch in unicodedata.normalize("NFC", text)
        )
        if len(kept) < len(text):  # "Emoji 😀." would leave a space before the full stop
            kept = _SPACE_BEFORE_PUNCTUATION.sub(r"\1", kept)
        text = kept
    elif not text.isprintable():
        text = _CONTROLS.sub("", text.replace("\t", " "))
    if not lines:
        return " ".join(text.split())
    text = "\n".join(" ".join(line.split()) for line in text.split("\n"))
    if "\n\n\n" in text:
        text = re.sub(r"\n{3,}", "\n\n", text)
    return text.strip("\n")


# --- Measuring and wrapping --------------------------------------------------------------


class Measure:
    """Widths of words in unit pixels for one font, cached: boards repeat their words."""

    def __init__(self, weight, size):
        self.size = size
        self.font = font(weight, size * MEASURE_FACTOR)
        self.widths = {}
        self.lines = {}  # line: width, filled in by wrap() for free
        self.space = self(" ")

    def __call__(self, word):
        width = self.widths.get(word)
        if width is None:
            width = self.widths[word] = self.font.getlength(word) / MEASURE_FACTOR
        return width

    def line(self, text):
        """Width of a line as the renderer draws it: word by word, one space between."""
        width = self.lines.get(text)
        if width is None:
            words = text.split(" ")
            width = sum(self(word) for word in words) + self.space * (len(words) - 1)
        return width


def wrap(text, measure, width, max_lines, language="en"):
    """Greedy word wrap of `text` into at most `max_lines` lines no wider than `width`.

    The last line ends in an ellipsis when text was left over. A word longer than a line
    is hyphenated by the rules of `language` (see hyphenate). Only as much text is looked at as can be shown, so a
    10,000-character note costs what a short one does.
    """
    if max_lines <= 0 or not text:
        return []
    lines = []
    for line in _lines(text, measure, width, language):
        if len(lines) == max_lines:
            lines[-1] = ellipsize(lines[-1], measure, width, always=True)
            break
        lines.append(line)
    return lines


def ellipsize(text, measure, width, always=False):
    """`text` cut to fit `width`, ending in an ellipsis if cut (or if `always`)."""
    if not always and measure.line(text) <= width:
        return text
    room = width - measure(ELLIPSIS)
    while text and measure.line(text) > room:
        cut = text.rfind(" ")
        # Drop the last word, or the last characters of a single long word.
        shorter = text[:cut] if cut > 0 else text[: _fitting_prefix(text, measure, room)]
        text = shorter if len(shorter) < len(text) else text[:-1]
    return text.rstrip(" ,;:.-") + ELLIPSIS


def _lines(text, measure, width, language):
    space = measure.space
    widths = measure.widths  # read directly: this loop runs for every word of a board
    for paragraph in text.split("\n"):
        line, line_width = [], -space
        for word in paragraph.split(" "):
            word_width = widths.get(word)
            if word_width is None:
                word_width = measure(word)
            if line_width + space + word_width <= width:
                line.append(word)
                line_width += space + word_width
                continue
            if line:
                yield _line(measure, line, line_width)
            while word_width > width:
                head, word = hyphenate(word, measure, width, language)
                yield head
                word_width = measure(word)
            line, line_width = [word], word_width
        yield _line(measure, line, line_width)


def hyphenate(word, measure, width, language="en"):
    """`word`, too long for `width`, split in two: (a head that fits, the rest). The head
    ends in a hyphen: the word's own when one fits ("e-mail-" "adres"), else one added at
    the last syllable break of the language's dictionary that fits ("Klanttevredenheids-"
    "onderzoek"), else where the word must be cut, leaving at least MIN_TAIL letters for
    the next line (a word in no dictionary, a code, a URL).
    """
    fits = _fitting_prefix(word, measure, width)
    own = word.rfind("-", 0, fits)
    if own > 0:
        return word[: own + 1], word[own + 1 :]
    breaks = [at for at in _syllable_breaks(word, language) if at <= fits]
    cut = next((at for at in reversed(breaks) if measure(word[:at] + HYPHEN) <= width), None)
    if cut is None:
        cut = _fitting_prefix(word, measure, width - measure(HYPHEN))
        cut = max(1, min(cut, len(word) - MIN_TAIL))
        while cut > 1 and measure(word[:cut] + HYPHEN) > width:  # kerning next to the hyphen
            cut -= 1
    return word[:cut] + HYPHEN, word[cut:]


def _syllable_breaks(word, language):
    dictionary = _hyphenation_dictionary(language)
    return dictionary.positions(word) if dictionary else []


@lru_cache(maxsize=8)
def _hyphenation_dictionary(language):
    """Pyphen's (LibreOffice's) hyphenation patterns for a board's language, or None."""
    name = pyphen.language_fallback(language or "en")
    return pyphen.Pyphen(lang=name) if name else None


def _line(measure, words, width):
    text = " ".join(words)
    measure.lines[text] = width
    return text


def _fitting_prefix(word, measure, width):
    """Length of the longest prefix of `word` that fits `width` (at least one character)."""
    # No glyph of Inter is narrower than a sixth of the font size, which bounds the search.
    longest = min(len(word), int(width / (measure.size / 6)) + 1)
    low, high = 1, longest
    while low < high:
        middle = (low + high + 1) // 2
        if measure.font.getlength(word[:middle]) / MEASURE_FACTOR <= width:
            low = middle
        else:
            high = middle - 1
    return low
