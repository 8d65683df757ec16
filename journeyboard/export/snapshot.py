"""Everything a picture of a board shows, read in a constant number of queries and with
every label already translated into the board's language: the renderers draw, nothing else."""

from dataclasses import dataclass, field
from datetime import date

from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from journeyboard.boards.catalog import EMOTIONS, Channel, Kind, Segment, label
from journeyboard.boards.models import Card, Phase


@dataclass
class CardShot:
    title: str
    note: str
    channel: str  # key, "" for none
    channel_label: str
    kind: str
    kind_label: str
    emotion: int | None


@dataclass
class PhaseShot:
    name: str
    segment: str
    segment_label: str
    color: str  # "#rrggbb"
    cards: list = field(default_factory=list)

    @property
    def average_emotion(self):
        """Mean emotion of the phase's cards that have one; None when none has."""
        values = [card.emotion for card in self.cards if card.emotion is not None]
        return sum(values) / len(values) if values else None


@dataclass
class PersonaShot:
    name: str
    role: str
    quote: str


@dataclass
class BoardShot:
    title: str
    description: str
    language: str
    day: date
    personas: list
    phases: list
    # UI words in the board's language (legend, headings).
    words: dict


def board_snapshot(board):
    cards = Card.objects.only("phase_id", "position", "title", "note", "channel", "emotion", "kind").order_by(
        "position", "pk"
    )
    phases = Phase.objects.filter(board=board).order_by("position", "pk").prefetch_related(Prefetch("cards", cards))
    with override(board.language):
        return BoardShot(
            title=board.title,
            description=board.description,
            language=board.language,
            day=timezone.localdate(),
            personas=[PersonaShot(p.name, p.role, p.quote) for p in board.personas.all()],
            phases=[_phase_shot(phase) for phase in phases],
            words=_words(),
        )


def _phase_shot(phase):
    return PhaseShot(
        name=phase.name,
        segment=phase.segment,
        segment_label=label(Segment, phase.segment),
        color=phase.color,
        cards=[
            CardShot(
                title=card.title,
                note=card.note,
                channel=card.channel,
                channel_label=label(Channel, card.channel),
                kind=card.kind,
                kind_label=label(Kind, card.kind),
                emotion=card.emotion,
            )
            for card in phase.cards.all()
        ],
    )


def _words():
    return {
        "emotion_curve": _("Emotion curve"),
        "persona": _("Persona"),
        "legend": _("Legend"),
        "no_phases": _("This board has no phases yet."),
        "emotions": {value: str(text) for value, text in EMOTIONS},
        "kinds": {value: str(text) for value, text in Kind.choices},
        "segments": {value: str(text) for value, text in Segment.choices},
        "made_with": _("Made with Journeyboard"),
    }
