"""The emotion curve: each phase's average emotion as a point over its lane, joined by a
line that breaks where a phase has no emotions (nothing to average is not "neutral").

Beside it, once an emotion round has results to show (boards/ratings.py), a second, dashed
line: the room's average rating per phase. And one line per persona tagged on cards (the
first PERSONA_LINES of them in the board's order): the average emotion of that persona's
cards per phase, in the persona's colour; the page shows them on request."""

from dataclasses import dataclass

from django.db.models import Avg, Count, Q

from journeyboard import theme

from .models import Card, Persona, Phase
from .ratings import room_moods

# The lanes' geometry, as the page's CSS (theme.css: --lane-w, --gap) and the export have it.
LANE_WIDTH = theme.LANE_WIDTH
LANE_GAP = theme.LANE_GAP
HEIGHT = 76
PAD = 14  # room above +2 and below -2 for the points and their labels
# More lines than this tangle into noise; the others' cards still filter and show their chips.
PERSONA_LINES = 5


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


def persona_tags(**where):
    """(card id, phase id, emotion, persona id, name, colour) of every tag of the cards
    that `where` selects (e.g. card__phase__board=board), in persona order: one query."""
    tags = Card.personas.through.objects.filter(**where).order_by("persona_id", "card_id")
    return list(tags.values_list("card_id", "card__phase_id", "card__emotion", "persona_id", "persona__name", "persona__color"))


def mean_emotions(entries):
    """{(persona, phase): mean emotion} of (persona, phase, emotion) entries; an entry
    without an emotion counts for nothing. The page's persona lines and the picture's
    (export/persona_curve.py) both average this way."""
    sums = {}
    for persona, phase, emotion in entries:
        if emotion is not None:
            total = sums.setdefault((persona, phase), [0, 0])
            total[0] += emotion
            total[1] += 1
    return {key: total / count for key, (total, count) in sums.items()}


@dataclass
class PersonaLine:
    persona: Persona  # its name, colour and initials
    lines: list  # SVG polyline point lists, as `_lines`
    points: list  # [(phase name, x, y, average)] where the persona's cards have an emotion


def persona_lines(points, tags):
    """One line per persona tagged on cards (`tags` as persona_tags gives them), the first
    PERSONA_LINES in the board's order, each through the average emotion of its cards per
    phase (points: the curve's, for the phases' places); and how many more there are."""
    personas = {}
    for _card, _phase, _emotion, persona_id, name, color in tags:
        personas.setdefault(persona_id, Persona(pk=persona_id, name=name, color=color))
    means = mean_emotions((persona_id, phase_id, emotion) for _card, phase_id, emotion, persona_id, *_rest in tags)
    shown = sorted(personas)[:PERSONA_LINES]
    result = []
    for persona_id in shown:
        where = []
        for point in points:
            average = means.get((persona_id, point.phase_id))
            where.append(None if average is None else (point.name, point.x, level_y(average), round(average, 1)))
        runs = _runs([None if w is None else f"{w[1]:g},{w[2]:g}" for w in where])
        result.append(PersonaLine(personas[persona_id], runs, [w for w in where if w is not None]))
    return result, len(personas) - len(shown)


def emotion_curve(board, phases=None):
    """The curve of a board; from `phases` annotated with MOODS (and carrying their
    `persona_tags`, as rendering.load_phases gives them) when the caller has them."""
    if phases is None:
        moods = phase_moods(board)
        tags = persona_tags(card__phase__board=board)
    else:
        moods = [(p.pk, p.name, p.average, p.positive, p.negative) for p in phases]
        tags = [tag for p in phases for tag in getattr(p, "persona_tags", ())]
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
    lines, unshown = persona_lines(points, sorted(tags, key=lambda tag: tag[3]))
    return {
        "points": points,
        "lines": polylines(points),
        "persona_lines": [line for line in lines if line.points],
        "personas_unshown": unshown,
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
    return _runs([None if getattr(p, height) is None else f"{p.x:g},{getattr(p, height):g}" for p in points])


def _runs(coordinates):
    """"x,y" strings (None where a phase has no point) joined into runs of two or more."""
    runs, run = [], []
    for xy in coordinates:
        if xy is None:
            runs.append(run)
            run = []
        else:
            run.append(xy)
    runs.append(run)
    return [" ".join(run) for run in runs if len(run) > 1]
