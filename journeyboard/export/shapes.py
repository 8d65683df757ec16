"""Small anti-aliased pictures the painter stamps: rounded corners, discs, icons, faces,
the KPI marks, the loop's arrowhead and the curve's markers. Each is drawn SUPERSAMPLE
times larger and shrunk once, as the page's SVG symbols are smoothed by the browser."""

from PIL import Image, ImageDraw

from journeyboard.theme import EMOTIONS, INK, KINDS, PAPER, mix

SUPERSAMPLE = 4


def supersampled(size, background):
    size = max(1, size)  # a board shrunk to the size cap can make an icon smaller than a pixel
    image = Image.new("RGB", (size * SUPERSAMPLE, size * SUPERSAMPLE), background)
    return image, ImageDraw.Draw(image), size * SUPERSAMPLE


def corner(which, r, colour, behind, stripe, shade, border):
    """The `r` x `r` corner ("tl", "tr", "bl", "br") of a rounded rectangle, anti-aliased,
    with its part of a left stripe, an inset bottom line (CSS box-shadow) or a border."""
    k = SUPERSAMPLE
    size = r * k
    image = Image.new("RGB", (size, size), behind)
    draw = ImageDraw.Draw(image)
    # Drawn as a top-left corner, then mirrored; a bottom line is thus drawn at the top.
    whole = (0, 0, 2 * size - 1, 2 * size - 1)  # the circle whose top-left quarter this is
    (stripe_w, stripe_colour), (shade_h, shade_colour), (border_w, border_colour) = stripe, shade, border
    if border_w:
        draw.ellipse(whole, fill=border_colour)
        inset = border_w * k
        draw.ellipse((inset, inset, 2 * size - 1 - inset, 2 * size - 1 - inset), fill=colour)
    elif shade_h:
        draw.ellipse(whole, fill=shade_colour)
        draw.ellipse((0, shade_h * k, 2 * size - 1, 2 * size - 1 + shade_h * k), fill=colour)
    else:
        draw.ellipse(whole, fill=colour)
    if stripe_w:
        mask = Image.new("L", image.size, 0)
        ImageDraw.Draw(mask).ellipse(whole, fill=255)
        mask.paste(0, (stripe_w * k, 0, size, size))
        image.paste(stripe_colour, (0, 0), mask)
    if which[1] == "r":
        image = image.transpose(Image.Transpose.FLIP_LEFT_RIGHT)
    if which[0] == "b":
        image = image.transpose(Image.Transpose.FLIP_TOP_BOTTOM)
    return image.reduce(k)


def disc(size, colour, background):
    image, draw, big = supersampled(size, background)
    draw.ellipse((0, 0, big - 1, big - 1), fill=colour)
    return image.reduce(SUPERSAMPLE)


def status_mark(status, size, colour, background):
    """A KPI's mark, as the page's: a tick on target, an exclamation mark off it."""
    image, draw, big = supersampled(size, background)
    draw.ellipse((0, 0, big - 1, big - 1), fill=colour)
    k = big / 14
    if status == "on":
        stroke(draw, [(4.1 * k, 7.3 * k), (6.2 * k, 9.4 * k), (10 * k, 5 * k)], 1.8 * k, PAPER)
    else:
        stroke(draw, [(7 * k, 3.7 * k), (7 * k, 7.9 * k)], 1.9 * k, PAPER)
        stroke(draw, [(7 * k, 10.4 * k), (7 * k, 10.45 * k)], 1.9 * k, PAPER)
    return image.reduce(SUPERSAMPLE)


def arrowhead(width, height, colour, background):
    """A filled triangle pointing down, its tip at the bottom centre."""
    k = SUPERSAMPLE
    image = Image.new("RGB", (max(1, width) * k, max(1, height) * k), background)
    ImageDraw.Draw(image).polygon([(0, 0), (width * k, 0), (width * k / 2, height * k)], fill=colour)
    return image.reduce(k)


def icon(what, value, size, background):
    image, draw, big = supersampled(size, background)
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
    stroke(draw, curve, 1.8 * k, INK)


def _kind_icon(draw, k, kind):
    colour = KINDS.get(kind, KINDS["touchpoint"])[0]

    def at(*points):
        return [(x * k, y * k) for x, y in points]

    if kind == "pain":  # a warning triangle
        draw.polygon(at((8, 1.5), (15, 14), (1, 14)), fill=colour)
        stroke(draw, at((8, 6), (8, 10)), 1.6 * k, PAPER)
        stroke(draw, at((8, 11.6), (8, 12)), 1.6 * k, PAPER)
    elif kind == "opportunity":  # an arrow up and to the right
        stroke(draw, at((3, 13), (13, 3)), 2 * k, colour)
        stroke(draw, at((6, 3), (13, 3), (13, 10)), 2 * k, colour)
    elif kind == "idea":  # a light bulb
        draw.ellipse((3.4 * k, 1.5 * k, 12.6 * k, 10.7 * k), fill=colour)
        draw.rectangle((5.3 * k, 7 * k, 10.7 * k, 12 * k), fill=colour)
        draw.rectangle((5.8 * k, 13.2 * k, 10.2 * k, 14.5 * k), fill=colour)
    else:  # a touchpoint: a dot
        draw.ellipse((4 * k, 4 * k, 12 * k, 12 * k), fill=colour)


def stroke(draw, points, width, colour):
    """A line through `points` with round caps and joins (ImageDraw's joints leave notches)."""
    radius = width / 2
    draw.line(points, fill=colour, width=max(1, round(width)))
    for x, y in points:
        draw.ellipse((x - radius, y - radius, x + radius, y + radius), fill=colour)


def marker(draw, point, radius, colour):
    """A curve's point: a disc in the emotion's colour, ringed in white to stand off the line."""
    x, y = point
    ring = radius * 1.35
    draw.ellipse((x - ring, y - ring, x + ring, y + ring), fill=PAPER)
    draw.ellipse((x - radius, y - radius, x + radius, y + radius), fill=colour)
    edge = max(1, round(radius * 0.18))
    draw.ellipse((x - radius, y - radius, x + radius, y + radius), outline=mix(colour, INK, 0.25), width=edge)