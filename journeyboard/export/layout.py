"""Where everything goes in the exported picture of a board, in three stages:

1. measure.py: texts cleaned, cut and wrapped, cards and lanes sized, in unit pixels
   (the board page's CSS pixels at scale 1; geometry.py);
2. place.py: everything at unit positions, top to bottom;
3. scale.py: rounded to device pixels at one scale, into the boxes of boxes.py, which
   the painter draws and the tests probe.

So scale 2 is exactly twice scale 1, and text wraps the same at every scale.
"""

from .geometry import MAX_PIXELS, MAX_SIDE
from .measure import measure
from .place import place
from .scale import effective_scale, scaled

SCALES = (1, 2, 3)


def layout(shot, scale=1):
    """The geometry the painter draws, in device pixels at `scale` (1, 2 or 3), shrunk to
    the size caps if need be."""
    if isinstance(scale, bool) or scale not in SCALES:
        raise ValueError(f"scale must be 1, 2 or 3, not {scale!r}")
    return build(shot, scale)


def build(shot, s, min_aspect=None, max_side=MAX_SIDE, max_pixels=MAX_PIXELS):
    """The layout of `shot` at scale `s`, shrunk to the size caps if need be.

    With `min_aspect`, the caps of a picture taller than wide apply to a canvas that many
    times as wide as high, on which it will be centred (a landscape PDF page).
    """
    placed = place(measure(shot))
    unit_w, unit_h = placed.size
    canvas_w = unit_h * min_aspect if min_aspect and unit_w <= unit_h else unit_w
    effective, capped = effective_scale(canvas_w, unit_h, s, max_side, max_pixels)
    return scaled(placed, effective, capped)
