"""The board's look in one place: the palette and the lane geometry shared by the page
(static/css/theme.css, written from this module), the emotion curve (boards/curve.py)
and the picture export (journeyboard/export). Change a value here, then run
`python -m journeyboard.theme` to rewrite theme.css; tests/test_export_theme.py fails
while the two disagree.

Colours are (r, g, b) tuples, which the export draws with directly.
"""

import math
import sys
from pathlib import Path

# --- Lanes -------------------------------------------------------------------------------

LANE_WIDTH = 272  # CSS pixels, as the export's unit pixels
LANE_GAP = 14
CARD_RADIUS = 10

# --- Palette -----------------------------------------------------------------------------

INK = (0x1F, 0x2A, 0x44)
INK_SOFT = (0x5B, 0x64, 0x79)
LINE = (0xDF, 0xE3, 0xEC)
CANVAS = (0xF3, 0xF5, 0xF9)
PAPER = (0xFF, 0xFF, 0xFF)
ACCENT = (0x4F, 0x5B, 0xD5)
LANE = (0xE9, 0xEC, 0xF3)
CHANNEL_DOT = (0x9A, 0xA3, 0xB5)
VOTE = (0x6A, 0x45, 0xD8)  # dot voting's violet
ROOM = (0xA8, 0x37, 0x09)  # the room's ratings: their dashed line on the curve

KINDS = {  # kind: (colour of its stripe, label and icon; card background)
    "touchpoint": (CHANNEL_DOT, PAPER),
    "pain": ((0xE8, 0x57, 0x5A), (0xFF, 0xF1, 0xF1)),
    "opportunity": ((0x1F, 0x9D, 0x63), (0xEC, 0xFA, 0xF2)),
    "idea": ((0xC9, 0x8A, 0x00), (0xFF, 0xF8, 0xE1)),
}
EMOTIONS = {  # emotion: the colour of its face and of its point on the curve
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
CURVE_UP = (0xF2, 0xFA, 0xF5)  # behind the positive half of the emotion curve
CURVE_DOWN = (0xFD, 0xF4, 0xF4)
CURVE_GRID = (0xE6, 0xE9, 0xEF)
CURVE_AXIS = (0xB4, 0xBB, 0xC9)
KPI_STATUS = {  # a KPI's status: (pill, text, mark); the customer band's green, the pain red
    "on": ((0xE2, 0xF6, 0xEC), (0x12, 0x6B, 0x42), (0x1F, 0x9D, 0x63)),
    "off": ((0xFF, 0xEC, 0xEC), (0xA8, 0x26, 0x30), (0xDC, 0x45, 0x4A)),
}


# --- Colour arithmetic -------------------------------------------------------------------


def hex_colour(colour):
    return "#{:02x}{:02x}{:02x}".format(*colour)


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


# --- The page's custom properties --------------------------------------------------------


def css_properties():
    """{custom property: CSS value}, the names app.css uses."""
    properties = {
        "--ink": INK, "--ink-soft": INK_SOFT, "--line": LINE, "--canvas": CANVAS, "--paper": PAPER,
        "--accent": ACCENT, "--lane": LANE, "--channel-dot": CHANNEL_DOT, "--vote": VOTE, "--room": ROOM,
        "--lane-w": f"{LANE_WIDTH}px", "--gap": f"{LANE_GAP}px", "--radius": f"{CARD_RADIUS}px",
    }
    for kind in ("pain", "opportunity", "idea"):
        properties[f"--{kind}"], properties[f"--{kind}-bg"] = KINDS[kind]
    for segment, (background, ink, line) in BANDS.items():
        properties[f"--{segment}"] = line
        properties[f"--{segment}-bg"], properties[f"--{segment}-ink"] = background, ink
    for emotion, colour in EMOTIONS.items():
        properties[f"--emotion-{_signed_name(emotion)}"] = colour
    properties.update({
        "--curve-up": CURVE_UP, "--curve-down": CURVE_DOWN, "--curve-grid": CURVE_GRID, "--curve-axis": CURVE_AXIS,
    })
    return {name: hex_colour(value) if isinstance(value, tuple) else value for name, value in properties.items()}


def _signed_name(emotion):
    """-2 "minus-2", 0 "0", 2 "plus-2": CSS names cannot hold a sign."""
    return f"minus-{-emotion}" if emotion < 0 else f"plus-{emotion}" if emotion > 0 else "0"


def stylesheet():
    """The text of static/css/theme.css: the custom properties, and the faces' colours
    (the SVG symbols of templates/boards/board.html#icons; CSS wins over their fill)."""
    lines = [
        "/* Written by `python -m journeyboard.theme` from journeyboard/theme.py: edit that, not this. */",
        ":root {",
        *(f"  {name}: {value};" for name, value in css_properties().items()),
        "}",
        *(f"#face-{emotion} > circle:first-child {{ fill: var(--emotion-{_signed_name(emotion)}); }}" for emotion in EMOTIONS),
    ]
    return "\n".join(lines) + "\n"


STYLESHEET = Path(__file__).resolve().parent.parent / "static" / "css" / "theme.css"

if __name__ == "__main__":
    STYLESHEET.write_text(stylesheet())
    sys.stdout.write(f"wrote {STYLESHEET}\n")
