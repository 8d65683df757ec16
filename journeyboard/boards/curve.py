"""The emotion curve: each phase's average emotion as a point over its lane, joined by a
line that breaks where a phase has no emotions (nothing to average is not "neutral").

Beside it, once an emotion round has results to show (boards/ratings.py), a second, dashed
line: the room's average rating per phase."""

from dataclasses import dataclass

from django.db.models import Avg, Count, Q

from journeyboard import theme

from .models import Phase
from .ratings import room_moods

# The lanes' geometry, as the page's CSS (theme.css: --lane-w, --gap) and the export have it.
LANE_WIDTH = theme.LANE_WIDTH
LANE_GAP = theme.LANE_GAP
HEIGHT = 76
PAD = 14  # room above +2 and below -2 for the points and their labels


@dataclass
class Point:
    phase_id: int
    name: str
    x: float
    y: float | None  # None: no card of this phase has an emotion
    average: float | None
    positive: int
    negative: int
    room_y: float | None = None  # None: nobody rated a card of this phase (or no results shown)
    room_average: float | None = None


MOODS = {
    "average": Avg("cards__emotion"),
    "positive": Count("cards", filter=Q(cards__emotion__gt=0)),
    "negative": Count("cards", filter=Q(cards__emotion__lt=0)),
}


def phase_moods(board):
    """Per phase, in board order: (phase id, name, average emotion, positives, negatives). One query."""
    phases = Phase.objects.filter(board=board).order_by("position", "pk").annotate(**MOODS)
    return list(phases.values_list("pk", "name", "average", "positive", "negative"))


def level_y(value):
    """Height of an emotion (-2..2) in the curve's box: +2 at the top."""
    middle = HEIGHT / 2
    return round(middle - value * (middle - PAD) / 2, 1)


def emotion_curve(board, phases=None):
    """The curve of a board; from `phases` annotated with MOODS when the caller has them."""
    if phases is None:
        moods = phase_moods(board)
    else:
        moods = [(p.pk, p.name, p.average, p.positive, p.negative) for p in phases]
    points = [
        Point(pk, name, x=i * (LANE_WIDTH + LANE_GAP) + LANE_WIDTH / 2, y=None if avg is None else level_y(avg),
              average=None if avg is None else round(avg, 1), positive=pos, negative=neg)
        for i, (pk, name, avg, pos, neg) in enumerate(moods)
    ]
    room = room_moods(board)
    for point in points:
        average = room.get(point.phase_id)
        if average is not None:
            point.room_y, point.room_average = level_y(average), round(average, 1)
    return {
        "points": points,
        "lines": polylines(points),
        "room_lines": polylines(points, "room_y"),
        "has_room": any(p.room_y is not None for p in points),
        "width": max(0, len(points) * (LANE_WIDTH + LANE_GAP) - LANE_GAP),
        "height": HEIGHT,
        "axis_y": level_y(0),
        "below_axis": round(HEIGHT - level_y(0), 1),
        "top_y": level_y(2),
        "bottom_y": level_y(-2),
        "has_emotions": any(p.y is not None for p in points),
    }


def polylines(points, height="y"):
    """SVG polyline point lists, one per run of neighbouring phases that have a point."""
    runs, run = [], []
    for point in points:
        y = getattr(point, height)
        if y is None:
            runs.append(run)
            run = []
        else:
            run.append(f"{point.x:g},{y:g}")
    runs.append(run)
    return [" ".join(run) for run in runs if len(run) > 1]
