"""The pain points and opportunities of a board, grouped per phase in the journey's order.

A workshop asks "where does it hurt, and what could we do about it there?": so every
phase keeps its place, with its pain points next to its opportunities. Two queries
whatever the board's size: the phases, then only the cards of those two kinds.
"""

from dataclasses import dataclass, field

from .catalog import Kind
from .models import Card, Phase

SUMMARY_KINDS = (Kind.PAIN, Kind.OPPORTUNITY)
# Only what a summary item shows (and what orders it).
CARD_SHOWN = ("id", "phase_id", "position", "title", "channel", "emotion", "kind")


@dataclass
class PhaseSummary:
    phase: Phase
    pains: list = field(default_factory=list)
    opportunities: list = field(default_factory=list)

    @property
    def is_empty(self):
        return not (self.pains or self.opportunities)


@dataclass
class BoardSummary:
    phases: list

    @property
    def pain_count(self):
        return sum(len(p.pains) for p in self.phases)

    @property
    def opportunity_count(self):
        return sum(len(p.opportunities) for p in self.phases)

    @property
    def phase_count(self):
        return len(self.phases)

    @property
    def phases_with_items(self):
        return sum(not p.is_empty for p in self.phases)


def summary_cards(board):
    """The board's pain points and opportunities, in board order within each phase."""
    return (
        Card.objects.filter(phase__board=board, kind__in=SUMMARY_KINDS)
        .only(*CARD_SHOWN)
        .order_by("position", "pk")
    )


def summarize(board):
    phases = Phase.objects.filter(board=board).only("id", "name", "color", "position").order_by("position", "pk")
    rows = {phase.pk: PhaseSummary(phase) for phase in phases}
    for card in summary_cards(board):
        row = rows.get(card.phase_id)
        if row is None:  # its phase was added between the two queries: it shows on the next refresh
            continue
        (row.pains if card.kind == Kind.PAIN else row.opportunities).append(card)
    return BoardSummary(list(rows.values()))
