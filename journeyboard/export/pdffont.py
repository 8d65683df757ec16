"""Inter as a TrueType font for the PDF writer (fpdf2).

The shipped Inter files have CFF (PostScript) outlines. fpdf2 embeds such a font as if it
were TrueType, which PDF readers flag as a broken font (poppler: "Mismatch between font
type and embedded font file"; Acrobat may refuse it). So the outlines are converted to
TrueType's quadratic curves once per process (about half a second), and the result is
kept in the temporary folder under a name that changes with the source file.
"""

import hashlib
import os
import tempfile
from functools import lru_cache
from pathlib import Path

from fontTools.pens.cu2quPen import Cu2QuPen
from fontTools.pens.ttGlyphPen import TTGlyphPen
from fontTools.ttLib import TTFont, newTable

from .text import font_path

MAX_ERROR = 1.0  # font units (of 2048 an em) the quadratic curves may stray from the cubic ones


@lru_cache(maxsize=4)
def truetype_path(weight="Regular"):
    """A TrueType copy of Inter in `weight`, made on first use."""
    source = Path(font_path(weight))
    digest = hashlib.sha256(source.read_bytes()).hexdigest()[:16]
    target = Path(tempfile.gettempdir()) / f"journeyboard-inter-{weight.lower()}-{digest}.ttf"
    if not target.exists():
        partial = target.with_suffix(f".{os.getpid()}.part")
        _to_truetype(source).save(partial)
        os.replace(partial, target)  # whole or not at all, also with processes racing
    return target


def _to_truetype(source):
    font = TTFont(source)
    for tag in ("GSUB", "GPOS", "GDEF", "kern"):  # the text layer needs no shaping
        if tag in font:
            del font[tag]
    glyphs, order = font.getGlyphSet(), font.getGlyphOrder()
    glyf = newTable("glyf")
    glyf.glyphOrder, glyf.glyphs = order, {}
    for name in order:
        pen = TTGlyphPen(glyphs)
        glyphs[name].draw(Cu2QuPen(pen, MAX_ERROR, reverse_direction=True))
        glyf[name] = pen.glyph()
    font["glyf"], font["loca"] = glyf, newTable("loca")
    del font["CFF "]
    maxp = font["maxp"] = newTable("maxp")
    maxp.tableVersion, maxp.numGlyphs, maxp.maxZones = 0x00010000, len(order), 1
    for field in ("maxTwilightPoints", "maxStorage", "maxFunctionDefs", "maxInstructionDefs",
                  "maxStackElements", "maxSizeOfInstructions", "maxComponentElements", "maxComponentDepth"):
        setattr(maxp, field, 0)
    font["head"].glyphDataFormat = 0
    font["post"].formatType = 3.0  # no glyph names: PDF text is mapped by ToUnicode
    font.sfntVersion = "\x00\x01\x00\x00"
    return font
