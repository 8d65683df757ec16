"""The picture of a board for printing: snapshot in, a one-page PDF out."""

import io
import math

from PIL import Image

from journeyboard.theme import CANVAS

from .geometry import MAX_PIXELS
from .layout import build
from .painter import paint

PAGE_ASPECT = math.sqrt(2)  # a tall board goes on a canvas shaped like a landscape A4 page
MAX_PAGE_INCHES = 200  # Acrobat's largest page (14,400 pt)


def render_pdf(shot):
    """The PNG's picture on one landscape page; a tall board sits centred on a wider canvas."""
    lay = build(shot, 2, min_aspect=PAGE_ASPECT, max_pixels=MAX_PIXELS // 2)
    width = lay.width if lay.width > lay.height else math.ceil(lay.height * PAGE_ASPECT)
    page = Image.new("RGB", (width, lay.height), CANVAS)
    paint(lay, page, offset=((width - lay.width) // 2, 0))
    # One CSS pixel is 0.75 pt, as when a browser prints, up to the largest page readers
    # accept; JPEG at 4:4:4 and quality 92 keeps the type crisp.
    resolution = max(96 * lay.scale, max(page.size) / MAX_PAGE_INCHES)
    out = io.BytesIO()
    page.save(out, "PDF", resolution=resolution, quality=92, subsampling=0, title=shot.title)
    return out.getvalue()
