"""A saved version shown as the board page shows a board (views/versions.py): the same
board body partials, fed with unsaved phases and cards read from the version's snapshot."""

from collections import Counter

from .curve import emotion_curve
from .loop import loop_arrow
from .rendering import CardRow, channel_tally, segment_runs
from .transfer import validate_board


def version_page(board, version):
    """What the board body partials need to show `version` as the board page shows a board:
    unsaved phases and cards read from the snapshot, numbered for the page's ids."""
    shown, _personas, phases = validate_board(version.snapshot)
    shown.pk = shown.id = board.pk
    shown.revision = version.revision
    card_id = 0
    lanes = []
    for number, (phase, cards) in enumerate(phases, 1):
        phase.pk = phase.id = number
        rows = []
        for card in cards:
            card_id += 1
            rows.append(_card_row(card, card_id, number))
        emotions = [card.emotion for card in cards if card.emotion is not None]
        phase.shown_cards, phase.card_count = rows, len(rows)
        phase.channels = channel_tally(Counter(card.channel for card in cards))
        phase.average = sum(emotions) / len(emotions) if emotions else None
        phase.positive = sum(1 for value in emotions if value > 0)
        phase.negative = sum(1 for value in emotions if value < 0)
        lanes.append(phase)
    return {
        "shown_board": shown,
        "phases": lanes,
        "segment_runs": segment_runs(lanes),
        "curve": emotion_curve(board, lanes),
        "loop": loop_arrow(len(lanes)),
    }


def _card_row(card, pk, phase_id):
    fields = {name: getattr(card, name) for name in ("title", "note", "channel", "emotion", "kind", "position")}
    return CardRow(id=pk, pk=pk, phase_id=phase_id, comment_count=0, vote_count=0, **fields)
