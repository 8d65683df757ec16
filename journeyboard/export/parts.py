"""The map in parts, for pages and slides: a board snapshot cut into groups of phases,
and a group's lanes cut into runs of cards. A part is a snapshot of its own, laid out and
painted by the same stages as the whole picture; its phase heads and emotion curve still
speak for the whole phase (count and average of all its cards)."""

import math
from dataclasses import dataclass, replace

from . import geometry as G
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
    """Unit x0, x1 of the lanes of a placed part."""
    if not placed.phases:
        return G.MARGIN, placed.size[0] - G.MARGIN
    return placed.phases[0].x, placed.phases[-1].x + G.LANE_W


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
