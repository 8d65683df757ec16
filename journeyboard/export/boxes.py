"""What the painter draws, in device pixels: the last stage of the layout (scale.py)
fills these in. Rectangles are half-open, [x0, x1) x [y0, y1)."""

import math
from dataclasses import dataclass, field

from .geometry import STEP


@dataclass(frozen=True, slots=True)
class Rect:
    x0: int
    y0: int
    x1: int
    y1: int

    @property
    def width(self):
        return self.x1 - self.x0

    @property
    def height(self):
        return self.y1 - self.y0

    @property
    def center(self):
        return ((self.x0 + self.x1) // 2, (self.y0 + self.y1) // 2)


@dataclass(slots=True)
class CardBox:
    rect: Rect
    kind: str
    emotion: int | None
    kind_label: str
    title: list
    note: list
    channel_label: str
    # Unit geometry the renderer scales: the card's top left and its rows' tops.
    unit: tuple
    title_y: int
    note_y: int
    channel_y: int
    votes: int = 0


@dataclass
class KpiBox:
    rect: Rect  # the pill
    status: str  # "on", "off" or ""
    mark: Rect | None  # the status mark's square, None without a status
    # (text, weight, unit x from the pill's left, line); the name may end in an ellipsis.
    runs: list
    unit_y: float  # the pill's top in units


@dataclass
class PhaseBox:
    header: Rect
    lane: Rect
    color: str
    segment: str
    name: list
    name_y: float  # unit top of the name's first line
    count: str
    chip: Rect
    kpi: KpiBox | None
    cards: list
    average: float | None
    point: tuple | None  # the emotion curve's point (x, y), None when no card has an emotion
    room_point: tuple | None = None  # the room's ratings' point, None without ratings


@dataclass
class RowBox:
    """A row of the journey grid: its head at the left, and where the row starts."""

    rect: Rect  # the head's box, the row's colour as its left stripe
    color: str
    unit: tuple  # the head's top left in unit pixels
    line: list  # the blueprint line's label at the head's top, [] for none
    name: list
    name_y: float  # unit top of the name's first line
    layer: list
    top: int  # device y where the row starts: the line above it, if any, runs there
    cells: list  # each lane's cell of this row, left to right


@dataclass
class LoopBox:
    """The ambassador loop: from the last phase (right) up, left over the band, and down
    onto the first phase with an arrowhead. `rect` spans the line's outer edges, from its
    top to the arrow's tip."""

    rect: Rect
    tail: int  # device y where the line leaves the last phase's band block
    label: str
    label_rect: Rect  # the label and the gaps beside it, where the line is left out
    label_y: float  # unit top of the label's line box


@dataclass
class BandRun:
    rect: Rect
    segment: str
    label: str


@dataclass
class PersonaBox:
    rect: Rect
    unit: tuple  # top left in unit pixels
    initials: str
    color: str  # the avatar's
    label: str
    name: str
    role: str
    quote: list


@dataclass
class LegendItem:
    what: str  # "kind" or "emotion"
    value: object
    label: str
    rect: Rect  # icon and label together


@dataclass
class Layout:
    width: int
    height: int
    scale: float  # device pixels per unit pixel, after the size caps
    unit_size: tuple
    title: list
    title_at: tuple
    meta: list
    meta_at: tuple
    personas: list
    band: list
    loop: LoopBox | None
    phases: list
    strip: Rect | None  # the emotion curve's panel
    strip_title: str
    axis_y: int | None  # neutral emotion
    legend: list
    footer: str
    footer_at: tuple
    empty: Rect | None
    empty_text: str
    capped: bool = False
    room_label: str = ""  # the key of the room's dashed line on the curve, when it is drawn
    rows: list = field(default_factory=list)  # RowBox, in a grid (a board of two rows or more) only
    measures: dict = field(default_factory=dict, repr=False)
    persona_lines: list = field(default_factory=list)  # persona_curve.PersonaLineBox

    @property
    def points(self):
        return [phase.point for phase in self.phases]

    def level_y(self, emotion):
        """Device y of an emotion value on the curve's axis (as the points are placed)."""
        return self.axis_y - round(emotion * STEP * self.scale)

    def px(self, unit):
        return math.floor(unit * self.scale + 0.5)
