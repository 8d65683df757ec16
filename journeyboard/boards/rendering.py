"""What the board templates need, loaded in a constant number of queries."""

from itertools import groupby

from django.db.models import Count, Prefetch
from django.shortcuts import render

from .catalog import Segment
from .curve import MOODS, emotion_curve
from .forms import CardForm, PhaseCreateForm
from .models import Card, Membership, Phase

BOARD_TEMPLATE = "boards/board.html"


# A lane shows its first cards at once and the rest on request: a lane of hundreds of
# cards is no use on a wall, and rendering all of them made big boards slow to open.
# Positions are gap-free, so "the first N" is exactly position < N.
LANE_PAGE = 100
CARD_SHOWN = ("id", "phase_id", "position", "title", "note", "channel", "emotion", "kind")


def load_phases(board, only=None, all_cards=False):
    """Phases in order (or just phase `only`, an id or a list of ids), each with its card
    count and its first LANE_PAGE cards (all with `all_cards`): two queries whatever the
    board's size."""
    # Only what a card shows: parsing timestamps of hundreds of cards costs more than the query.
    cards = Card.objects.only(*CARD_SHOWN).order_by("position", "pk")
    if not all_cards:
        cards = cards.filter(position__lt=LANE_PAGE)
    phases = Phase.objects.filter(board=board).annotate(card_count=Count("cards"), **MOODS).order_by("position", "pk")
    if isinstance(only, (list, tuple, set)):
        phases = phases.filter(pk__in=only)
    elif only is not None:
        phases = phases.filter(pk=only)
    return list(phases.prefetch_related(Prefetch("cards", queryset=cards)))


def segment_runs(phases):
    """Consecutive phases of one segment, for the buyer/customer band above the lanes."""
    return [
        {"segment": segment, "label": phases_of[0].get_segment_display(), "span": len(phases_of)}
        for segment, group in groupby(phases, key=lambda p: p.segment)
        for phases_of in [list(group)]
    ]


def lane_update(board, phase_id):
    """One lane with its cards, and the band (which needs every phase, not their cards),
    for a phase that was edited; None if it is gone."""
    lanes = load_phases(board, only=phase_id)
    if not lanes:
        return None
    return {"phase": lanes[0], "segment_runs": segment_runs(Phase.objects.filter(board=board).order_by("position", "pk"))}


def viewer_flags(board):
    """What depends on who looks: `board.membership` (set by access.get_board_for_user)."""
    membership = board.membership
    return {
        "board": board,
        "board_url": board.get_absolute_url(),
        "can_write": membership.can_write,
        "is_owner": membership.is_owner,
        "segments": Segment.choices,
    }


def board_data(board, phases=None):
    """What the board body shows, the same for every viewer."""
    phases = load_phases(board) if phases is None else phases
    return {
        "phases": phases,
        "segment_runs": segment_runs(phases),
        "curve": emotion_curve(board, phases),
        "phase_form": PhaseCreateForm(),
    }


def board_context(board, phases=None):
    return {**viewer_flags(board), **board_data(board, phases)}


def members_data(board):
    return {"memberships": Membership.objects.filter(board=board).select_related("user").order_by("created_at", "pk")}


def members_context(board):
    return {**viewer_flags(board), **members_data(board)}


def render_board_fragment(request, board, name, status=200, **extra):
    """Render one partial of the board page (`card`, `lane`, `board-body`, ...)."""
    return render(request, f"{BOARD_TEMPLATE}#{name}", {**viewer_flags(board), **extra}, status=status)


def card_form(card, data=None):
    """The edit form of one card; its field ids are unique on a page full of cards."""
    return CardForm(data=data, instance=card, auto_id=f"card-{card.pk}-%s")


def lane_counts(*phase_ids):
    """[(phase_id, number of cards)] for the lanes a card change touched: one query."""
    found = dict(
        Card.objects.filter(phase_id__in=phase_ids).values_list("phase_id").annotate(n=Count("id")).order_by()
    )
    return [(phase_id, found.get(phase_id, 0)) for phase_id in dict.fromkeys(phase_ids)]
