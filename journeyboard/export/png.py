"""The picture of a board for a slide deck: snapshot in, PNG bytes out.

The stages: layout.py places everything (measure, place, scale), painter.py draws it
top to bottom, and encoder.py compresses the rows the painter has finished while it
draws the rest.
"""

from .encoder import PngEncoder
from .layout import layout
from .painter import Painter


def render_png(shot, scale=2):
    """The board as a PNG, `scale` device pixels per CSS pixel (1, 2 or 3). A picture that
    would pass 16384 pixels a side (or 40 megapixels) is drawn smaller, never refused."""
    lay = layout(shot, scale)
    painter = Painter(lay)
    encoder = PngEncoder(painter.image, dpi=96 * lay.scale)
    try:
        painter.paint(rows_done=encoder.rows_done)
    except BaseException:
        encoder.abandon()
        raise
    return encoder.finish()
