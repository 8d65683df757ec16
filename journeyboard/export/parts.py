"""The map in parts, for pages and slides: a board snapshot cut into groups of phases,
and a group's lanes cut into runs of cards (a grid's into slices of rows, parted between
pages by whole rows where they fit, by whole cards where a row is taller than a page).
A part is a snapshot of its own, laid out and painted by the same stages as the whole
picture; its phase heads and emotion curve still speak for the whole phase (count and
average of all its cards)."""

import math
from dataclasses import dataclass, replace

from . import geometry as G
from .measure import stack_height
from .snapshot import PhaseShot


# Pages and slides grow with the cards: 2000 cards make ~200 A4 pages or ~170 slides in a
# few seconds; a board far beyond that would keep a worker busy for tens of seconds and
# hundreds of MB, for a document nobody would page through. The picture has no such cap.
MAX_CARDS = 2000


def card_total(shot):
    return sum(len(phase.cards) for phase in shot.phases)


@dataclass
class PartPhase(PhaseShot):
    """A phase showing some of its cards, with the count and average of all of them."""

    whole_count: int = 0
    whole_average: float | None = None

    @property
    def card_count(self):
        return self.whole_count

    @property
    def average_emotion(self):
        return self.whole_average


def part_phase(phase, cards):
    return PartPhase(
        phase.name, phase.segment, phase.segment_label, phase.color, list(cards), phase.kpi,
        whole_count=phase.card_count, whole_average=phase.average_emotion, room_average=phase.room_average,
        persona_averages=phase.persona_averages,
    )


def part_shot(shot, phases):
    """`shot` with only `phases`; the ambassador loop belongs to the whole map."""
    return replace(shot, phases=list(phases), loop=False)


def chunks(items, count):
    """`items` in `count` consecutive groups as even as can be, the larger first."""
    size = math.ceil(len(items) / count) if items else 0
    return [items[i : i + size] for i in range(0, len(items), size)] if size else []


def block_top(placed):
    """Unit y where the map starts (the segment band) in a placed part."""
    return placed.band[0][1][1] if placed.band else placed.size[1]


def lanes_bottom(placed):
    return placed.phases[0].lane_y + placed.phases[0].lane_h if placed.phases else placed.size[1]


def lanes_span(placed):
    """Unit x0, x1 of the lanes of a placed part, with the row heads of a grid."""
    if not placed.phases:
        return G.MARGIN, placed.size[0] - G.MARGIN
    return (G.MARGIN if placed.rows else placed.phases[0].x), placed.phases[-1].x + G.LANE_W


@dataclass
class RowSlice:
    """A row of a grid, or a run of its cards: the index of its row, each phase's cards
    in it (CardShots), and its height."""

    row: int
    cells: list
    height: float


def grid_slices(placed, room, first=None):
    """The rows of a placed grid as slices no taller than `room` units where that can be:
    a whole row, or a taller row's cards cut into runs of whole cards across its cells.
    With `first`, the first row's first slice fits `first` units (the first page's room)."""
    slices = []
    for index, row in enumerate(placed.rows):
        cells = [phase.cells[index] for phase in placed.measured.phases]
        head = first if first is not None and not index else room
        if row.height <= head:
            runs = [[cell] for cell in cells]
        else:
            runs = [_cell_runs(cell, head, room) for cell in cells]
        for k in range(max(len(r) for r in runs)):
            pieces = [r[k] if k < len(r) else [] for r in runs]
            height = max(row.row.height, *(stack_height(piece) for piece in pieces))
            slices.append(RowSlice(index, [[card.shot for card in piece] for piece in pieces], height))
    return slices


def page_slices(slices, room, first=None):
    """The slices packed into pages of `room` units, in order; the first page holds
    `first` units when it has less room (and no slice at all when not even the first
    fits there). A slice taller than a page has a page of its own."""
    pages, page, used = [], [], 0
    for piece in slices:
        limit = first if first is not None and not pages else room
        if used + piece.height > limit and (page or limit < room):
            pages.append(page)
            page, used = [], 0
        page.append(piece)
        used += piece.height
    if page:
        pages.append(page)
    return pages


def grid_part(shot, phases, slices):
    """The part of `shot` showing `phases` (PhaseShots) and the rows of `slices`, every
    card in the row its slice has in the part; a row's heads repeat on every page."""
    rows = [shot.rows[piece.row] for piece in slices]
    parts = []
    for column, phase in enumerate(phases):
        cards = [replace(card, row=i) for i, piece in enumerate(slices) for card in piece.cells[column]]
        parts.append(part_phase(phase, cards))
    return replace(part_shot(shot, parts), rows=rows, grid=True)


def _cell_runs(cards, first, room):
    """A cell's measured cards cut into runs of whole cards, the first fitting `first`
    units and the others `room` (padding included); a card taller gets a run of its own."""
    runs, run = [], []
    for card in cards:
        if run and stack_height(run + [card]) > (room if runs else first):
            runs.append(run)
            run = []
        run.append(card)
    return runs + [run] if run or not runs else runs


def lane_runs(measured_phase, room):
    """The phase's cards cut into runs that each fit a lane `room` units tall (padding
    included); a card taller than the room gets a run of its own."""
    runs, run, height = [], [], 2 * G.LANE_PAD
    for card in measured_phase.cards:
        extra = card.height + (G.CARD_GAP if run else 0)
        if run and height + extra > room:
            runs.append(run)
            run, height, extra = [], 2 * G.LANE_PAD, card.height
        run.append(card.shot)
        height += extra
    if run:
        runs.append(run)
    return runs
