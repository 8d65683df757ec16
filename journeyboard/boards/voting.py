"""Dot voting: a facilitator opens a round, every member who may edit gives up to
`votes_per_person` votes (at most one per card) and takes them back until the round is
closed; then every screen shows the counts on the cards and a ranked list.

The budget holds under races (two tabs clicking at once): a vote is counted and written
inside `board_change`, which holds the board's lock, so the second click sees the first.

With hidden results nobody learns a count before the round closes: not in the HTML of
a card, not in a broadcast, not in the event stored for a vote (it names no card).

The counts a board shows are those of its latest round, open or closed, until a new one
starts; exports carry the latest *closed* round's, which can never leak a hidden one.
"""

from django.core.exceptions import ValidationError
from django.db.models import Count, IntegerField, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from .changes import board_change, fresh, record
from .models import Card, Vote, VotingRound

# --- reading ------------------------------------------------------------------------


class VotingState:
    """What the templates ask of a board's latest round (None: there never was one)."""

    def __init__(self, round):
        self.round = round
        self.open = round is not None and round.closed_at is None
        self.closed = round is not None and round.closed_at is not None
        # Counts show on cards once the round is over, or all along unless hidden.
        self.counts_shown = self.closed or (self.open and not round.hidden_results)

    def __bool__(self):
        return self.round is not None


def latest_round(board):
    """The board's latest round, open or closed, or None; read once per board object."""
    if "_latest_voting_round" not in board.__dict__:
        board._latest_voting_round = VotingRound.objects.filter(board=board).order_by("-pk").first()
    return board._latest_voting_round


def voting_state(board):
    return VotingState(latest_round(board))


def _latest_round_id(board_id, closed=False):
    rounds = VotingRound.objects.filter(board_id=board_id)
    if closed:
        rounds = rounds.filter(closed_at__isnull=False)
    return Subquery(rounds.order_by("-pk").values("pk")[:1])


def with_votes(cards, board_id=None, closed=False):
    """Cards annotated with `vote_count`: their votes in the board's latest round (the latest
    closed one with `closed`). A subquery, not a query of its own, so a board page or an
    export costs no extra query for it. Without `board_id` each card's own board is used."""
    # Two levels out (round -> vote -> card) when the board comes from each card.
    board_ref = board_id if board_id is not None else OuterRef(OuterRef("phase__board_id"))
    votes = (
        Vote.objects.filter(card=OuterRef("pk"), round=_latest_round_id(board_ref, closed))
        .order_by()
        .values("card")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return cards.annotate(vote_count=Coalesce(Subquery(votes, output_field=IntegerField()), Value(0)))


def cards_with_votes(board):
    """Every card of the board with its votes, for swapping all their badges when a round
    starts or closes. Only the id and the count: that is all a badge shows."""
    return with_votes(Card.objects.filter(phase__board=board).only("id").order_by(), board.pk)


def my_votes(round, user):
    """The ids of the cards `user` gave a vote in `round`: one query."""
    if round is None or not user.is_authenticated:
        return set()
    return set(Vote.objects.filter(round=round, user=user).values_list("card_id", flat=True))


def card_counts(round):
    """{card id: votes} of a round, cards without votes left out: one grouped query."""
    if round is None:
        return {}
    rows = Vote.objects.filter(round=round).values("card").annotate(n=Count("pk")).order_by()
    return {row["card"]: row["n"] for row in rows}


def ranking(round):
    """The voted cards of a round, most votes first (ties in board order), each as
    {"rank", "card", "title", "phase", "color", "votes"}; equal counts share a rank
    (1, 2, 2, 4). One query."""
    if round is None:
        return []
    rows = (
        Vote.objects.filter(round=round)
        .values("card", "card__title", "card__phase__name", "card__phase__color", "card__phase__position", "card__position")
        .annotate(n=Count("pk"))
        .order_by("-n", "card__phase__position", "card__position", "card")
    )
    ranked, previous = [], None
    for index, row in enumerate(rows, start=1):
        rank = ranked[-1]["rank"] if row["n"] == previous else index
        previous = row["n"]
        ranked.append(
            {
                "rank": rank,
                "card": row["card"],
                "title": row["card__title"],
                "phase": row["card__phase__name"],
                "color": row["card__phase__color"],
                "votes": row["n"],
            }
        )
    return ranked


# --- changing -----------------------------------------------------------------------


def _open_round(board):
    return VotingRound.objects.filter(board=board, closed_at__isnull=True).first()


def start_round(actor, board, votes_per_person, hidden_results=False):
    """Open a round; refused while another one is open (close that first)."""
    with board_change(board.pk) as board:
        if _open_round(board) is not None:
            raise ValidationError(_("A voting round is already running: close it before starting a new one."))
        round = VotingRound(board=board, votes_per_person=votes_per_person, hidden_results=hidden_results, started_by=actor)
        round.full_clean(exclude=["board", "started_by"], validate_constraints=False)
        round.save()
        record(
            board, actor, "voting.started", round=round.pk, votes_per_person=votes_per_person, hidden_results=hidden_results
        )
    return round


def close_round(actor, board):
    """Close the open round: its counts become visible to everyone and stay until the next."""
    with board_change(board.pk) as board:
        round = _open_round(board)
        if round is None:
            raise ValidationError(_("No voting round is running."))
        round.closed_at = timezone.now()
        round.save(update_fields=["closed_at"])
        record(board, actor, "voting.closed", round=round.pk)
    return round


def toggle_vote(actor, card, give=None):
    """Give `card` the actor's vote or take it back: `give` True or False says which (a page
    sends what its button showed, so a stale second tab cannot undo what it meant to do);
    None toggles. Giving beyond the budget, or with no round open, is refused with a
    ValidationError; giving twice or taking back a vote never given changes nothing.
    Returns the open round."""
    with board_change(card.phase.board_id) as board:
        card = fresh(Card.objects.filter(phase__board=board), card.pk)
        round = _open_round(board)
        if round is None:
            raise ValidationError(_("Voting is closed: there is no voting round running."))
        mine = Vote.objects.filter(round=round, user=actor)
        existing = mine.filter(card=card).first()
        if give is None:
            give = existing is None
        if give == (existing is not None):
            return round  # already as asked
        if give:
            if mine.count() >= round.votes_per_person:
                raise ValidationError(
                    ngettext(
                        "You have used your %(count)d vote: take it back to vote for this card.",
                        "You have used all %(count)d of your votes: take one back to vote for this card.",
                        round.votes_per_person,
                    )
                    % {"count": round.votes_per_person}
                )
            Vote.objects.create(round=round, card=card, user=actor)
        else:
            existing.delete()
        # With hidden results even the stored event names no card (history must not leak it).
        where = {} if round.hidden_results else {"card": card.pk}
        record(board, actor, "vote.given" if give else "vote.taken", round=round.pk, user=actor.pk, **where)
    return round


def votes_left(round, mine):
    return max(0, round.votes_per_person - len(mine)) if round is not None else 0


def voting_bar(board, user):
    """What the voting bar shows `user`: the round, their own votes (only they see which
    cards those are) and, once the round is closed, the ranked list."""
    state = voting_state(board)
    mine = my_votes(state.round, user) if state.open else set()
    return {
        "voting": state,
        "my_votes": sorted(mine),
        "votes_left": votes_left(state.round, mine),
        "ranking": ranking(state.round) if state.closed else [],
    }
