"""The emotion curve's persona lines in a picture: one per persona tagged on cards (the
first boards.curve.PERSONA_LINES in the board's order that have a card with an emotion),
through the average emotion of that persona's cards per phase, in the persona's colour,
with a key at the top of the curve's panel.

They are drawn whenever a board's cards carry personas: a picture has no switch to press,
and a board without tagged cards draws exactly what it drew before. The data rides on the
snapshot (BoardShot.persona_lines, PhaseShot.persona_averages), so that every part of a
paged PDF speaks for whole phases, as its curve does."""

from dataclasses import dataclass

from journeyboard.boards.curve import PERSONA_LINES, mean_emotions

from . import geometry as G
from .text import clean


@dataclass
class PersonaLineShot:
    name: str
    color: str  # "#rrggbb"


@dataclass
class PersonaLineBox:
    label: str  # the persona's name as the key writes it
    color: str
    points: list  # device (x, y) per phase, None where its cards there have no emotion


def with_persona_lines(shot):
    """`shot` with its persona lines: which personas get one (`persona_lines`) and, per
    phase, their average emotions (`persona_averages`, in the same order)."""
    means = mean_emotions(
        (index, phase_no, card.emotion)
        for phase_no, phase in enumerate(shot.phases)
        for card in phase.cards
        for index in card.personas
    )
    drawn = sorted({index for index, _phase in means if index < len(shot.personas)})[:PERSONA_LINES]
    shot.persona_lines = [PersonaLineShot(shot.personas[i].name, shot.personas[i].color) for i in drawn]
    for phase_no, phase in enumerate(shot.phases):
        phase.persona_averages = tuple(means.get((index, phase_no)) for index in drawn)
    return shot


def persona_points(at, placed):
    """The persona lines at device positions (scale.Scaler `at`), over the placed phases."""
    lines = getattr(placed.measured.shot, "persona_lines", ())
    if placed.axis is None or not lines:
        return []
    boxes = []
    for number, line in enumerate(lines):
        points = []
        for where in placed.phases:
            averages = getattr(where.phase.shot, "persona_averages", ())
            average = averages[number] if number < len(averages) else None
            points.append(None if average is None else _point(at, placed.axis, average, where.x))
        boxes.append(PersonaLineBox(clean(line.name), line.color, points))
    return boxes


def _point(at, axis, average, x0):
    clamped = max(G.EMOTION_MIN, min(G.EMOTION_MAX, average))
    return (at.d(x0 + G.LANE_W / 2), at.d(axis) - round(clamped * G.STEP * at.s))
