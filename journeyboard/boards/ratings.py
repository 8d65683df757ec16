"""Emotion rating rounds: the room's own emotion curve.

A facilitator opens a round on every card or on the cards of some phases; every member who
may edit rates each of those cards from -2 to +2 (one rating per card and person: rating
again replaces it, clearing takes it back) until the round is closed. Budget-free. Then a
facilitator may apply the averages as the cards' emotions, in one undoable change.

An emotion round is independent of dot voting: both may be open at once (they ask different
questions and show different badges).

With hidden results nobody learns more than how many rated a card before the round closes:
not in the HTML of a card, not in a broadcast, not in the stored events (they name the
card, never the value).

What a board shows is its latest round, open or closed, until a new one starts; exports
carry the latest *closed* round's results, which can never leak a hidden one.
"""

from collections import defaultdict
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db.models import Avg, Count, FloatField, OuterRef, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from .catalog import EMOTION_MAX, EMOTION_MIN, EMOTIONS
from .changes import board_change, fresh, record
from .models import Card, EmotionRating, EmotionRound, Phase

LEVELS = range(EMOTION_MIN, EMOTION_MAX + 1)

# --- reading ------------------------------------------------------------------------


@dataclass
class Result:
    """One card's ratings: how many, the average and how many gave each level (-2..2)."""

    count: int
    histogram: list

    @property
    def average(self):
        return sum(level * n for level, n in zip(LEVELS, self.histogram)) / self.count if self.count else None

    @property
    def rounded(self):
        """The average as an emotion step: halves away from zero (+0.5 is +1, -0.5 is -1)."""
        average = self.average
        if average is None:
            return None
        step = int(abs(average) + 0.5)
        return step if average >= 0 else -step

    @property
    def shown_average(self):
        """The average as the page writes it: one decimal, with its sign (+0.5, -1.3, 0.0)."""
        return f"{self.average:+.1f}" if self.average else "0.0"

    def heights(self):
        """(level, height 0..100 in percent of the tallest bar) for the histogram."""
        tallest = max(self.histogram) or 1
        return [(level, 100 * n // tallest) for level, n in zip(LEVELS, self.histogram)]


class RatingState:
    """What the templates ask of a board's latest emotion round (falsy: there never was one)."""

    levels = EMOTIONS  # the rating buttons: (value, lazy label)

    def __init__(self, round):
        self.round = round
        self.open = round is not None and round.closed_at is None
        self.closed = round is not None and round.closed_at is not None
        self.results_shown = self.closed or (self.open and not round.hidden_results)

    def __bool__(self):
        return self.round is not None

    def covers(self, phase_id):
        return self.round is not None and self.round.covers(phase_id)

    @property
    def results(self):
        """{card id: Result} of the round: one grouped query, read once."""
        if "_results" not in self.__dict__:
            self._results = results_of(self.round)
        return self._results

    def result(self, card_id):
        return self.results.get(card_id)


def result_for(state, card_id):
    """Template filter: the Result of a card in the state's round, or None (a board page
    gives card ids as safe strings, see rendering.load_phases)."""
    return state.result(int(card_id)) if state else None


def in_round(phase_id, state):
    """Template filter: a card of this phase is in the state's round."""
    return bool(state) and state.covers(int(phase_id))


def latest_round(board):
    """The board's latest emotion round, open or closed, or None; read once per board object."""
    if "_latest_emotion_round" not in board.__dict__:
        board._latest_emotion_round = EmotionRound.objects.filter(board=board).order_by("-pk").first()
    return board._latest_emotion_round


def rating_state(board):
    return RatingState(latest_round(board))


def results_of(round):
    """{card id: Result} of a round, unrated cards left out: one grouped query."""
    if round is None:
        return {}
    return _tally(EmotionRating.objects.filter(round=round))


def _tally(ratings):
    rows = ratings.values("card", "value").annotate(n=Count("pk")).order_by()
    results = defaultdict(lambda: Result(0, [0] * len(LEVELS)))
    for row in rows:
        result = results[row["card"]]
        result.count += row["n"]
        result.histogram[row["value"] - EMOTION_MIN] += row["n"]
    return dict(results)


def _last_closed(board_id):
    """The board's latest closed round as a subquery: what exports show, never a hidden one."""
    return Subquery(EmotionRound.objects.filter(board_id=board_id, closed_at__isnull=False).order_by("-pk").values("pk")[:1])


def last_closed_results(board_id):
    """{card id: Result} of the board's latest closed round (the exports'): one query."""
    return _tally(EmotionRating.objects.filter(round=_last_closed(board_id)))


def with_room_average(phases, board_id):
    """Phases annotated with `room_average`: the average rating of their cards in the board's
    latest closed round (the exports' room line), None without ratings. A subquery, so the
    export costs no extra query for it."""
    averages = (
        EmotionRating.objects.filter(round=_last_closed(board_id), card__phase=OuterRef("pk"))
        .order_by()
        .values("card__phase")
        .annotate(average=Avg("value"))
        .values("average")
    )
    return phases.annotate(room_average=Subquery(averages, output_field=FloatField()))


def my_ratings(round, user):
    """{card id: value} of what `user` rated in `round`: one query."""
    if round is None or not user.is_authenticated:
        return {}
    return dict(EmotionRating.objects.filter(round=round, user=user).values_list("card_id", "value"))


def room_moods(board):
    """{phase id: the average of every rating its cards got} in the latest round whose
    results are shown; empty when there is none. One query."""
    state = rating_state(board)
    if not state.results_shown:
        return {}
    rows = EmotionRating.objects.filter(round=state.round).values("card__phase").annotate(average=Avg("value")).order_by()
    return {row["card__phase"]: row["average"] for row in rows}


# --- changing -----------------------------------------------------------------------


def _open_round(board):
    return EmotionRound.objects.filter(board=board, closed_at__isnull=True).first()


def start_round(actor, board, phases=(), hidden_results=False):
    """Open a round on the cards of `phases` (ids; none: every card); refused while another
    emotion round is open or when a phase is not the board's."""
    with board_change(board.pk) as board:
        if _open_round(board) is not None:
            raise ValidationError(_("An emotion round is already running: close it before starting a new one."))
        phases = sorted(set(phases))
        if len(phases) != Phase.objects.filter(board=board, pk__in=phases).count():
            raise ValidationError(_("Choose phases of this board."))
        round = EmotionRound.objects.create(board=board, phases=phases, hidden_results=hidden_results, started_by=actor)
        record(board, actor, "rating.started", round=round.pk, phases=phases, hidden_results=hidden_results)
    return round


def close_round(actor, board):
    """Close the open round: its results become visible to everyone and stay until the next."""
    with board_change(board.pk) as board:
        round = _open_round(board)
        if round is None:
            raise ValidationError(_("No emotion round is running."))
        round.closed_at = timezone.now()
        round.save(update_fields=["closed_at"])
        record(board, actor, "rating.closed", round=round.pk)
    return round


def rate(actor, card, value):
    """Rate `card` -2..2 in the open round (replacing the actor's earlier rating), or take the
    rating back with `value` None. Refused with a ValidationError when no round is open, the
    card is not in it or the value is not a level. Returns the open round."""
    if value is not None and value not in LEVELS:
        raise ValidationError(_("A rating is a whole number from -2 to 2."))
    with board_change(card.phase.board_id) as board:
        card = fresh(Card.objects.filter(phase__board=board), card.pk)
        round = _open_round(board)
        if round is None:
            raise ValidationError(_("Rating is closed: there is no emotion round running."))
        if not round.covers(card.phase_id):
            raise ValidationError(_("This card is not part of the emotion round."))
        mine = EmotionRating.objects.filter(round=round, card=card, user=actor)
        if value is None:
            if not mine.delete()[0]:
                return round  # nothing to take back
        else:
            existing = mine.first()
            if existing is not None and existing.value == value:
                return round  # already as asked
            EmotionRating.objects.update_or_create(round=round, card=card, user=actor, defaults={"value": value})
        # The value is never stored in the event: with hidden results history must not leak it.
        record(board, actor, "rating.cleared" if value is None else "rating.given", round=round.pk, user=actor.pk, card=card.pk)
    return round


def apply_round(actor, board):
    """Set the cards' emotions to the room's rounded averages of the latest closed round, in
    one change (cards without ratings keep theirs). Refused while the round is still open,
    without a closed round, or when it would change nothing."""
    with board_change(board.pk) as board:
        round = latest_round(board)
        if round is None or round.closed_at is None:
            raise ValidationError(_("Close the emotion round before applying its ratings."))
        results = results_of(round)
        cards = Card.objects.filter(phase__board=board, pk__in=results)
        values = {card.pk: results[card.pk].rounded for card in cards}
        if not _set_emotions(actor, board, round.pk, values):
            raise ValidationError(_("The cards already have the room's emotions: nothing to apply."))


def restore_emotions(actor, board, round_id, values):
    """Give cards the emotions `values` ({card id: emotion or None}) as one change (undo and
    redo of applying a round); cards deleted meanwhile are left out."""
    with board_change(board.pk) as board:
        if not _set_emotions(actor, board, round_id, values):
            raise ValidationError(_("The cards already have these emotions."))


def _set_emotions(actor, board, round_id, values):
    """Set what changes, record it as one `card.emotions`; False when nothing changed."""
    cards = list(Card.objects.filter(phase__board=board, pk__in=values).order_by("phase__position", "position", "pk"))
    changed = [card for card in cards if card.emotion != values[card.pk]]
    if not changed:
        return False
    rows = []
    now = timezone.now()
    for card in changed:
        rows.append([card.pk, card.emotion, values[card.pk]])
        card.emotion, card.updated_at = values[card.pk], now
    Card.objects.bulk_update(changed, ["emotion", "updated_at"])
    record(board, actor, "card.emotions", round=round_id, cards=rows)
    return True


def rating_bar(board, user):
    """What the rating bar shows `user`: the round and their own ratings (only they see those)."""
    state = rating_state(board)
    mine = my_ratings(state.round, user) if state.open else {}
    return {
        "rating": state,
        "my_ratings": " ".join(f"{card}:{value}" for card, value in sorted(mine.items())),
        "rated_count": len(mine),
    }
