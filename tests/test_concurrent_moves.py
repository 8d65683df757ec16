"""Card moves that arrive at the same moment keep every lane's positions 0..n-1.

Eight threads, each with its own database connection, drag cards of the same two lanes
at once. The services serialise them on the board's lock (SELECT ... FOR UPDATE on
PostgreSQL; on SQLite an IMMEDIATE transaction, with the busy timeout making the others
queue), so no move renumbers a lane from an order another move has already changed.

The threads need their own connections, so these are transactional tests: a TestCase's
wrapping transaction would be invisible to them. They run on the embedded SQLite default,
and on PostgreSQL when DATABASE_URL points there.
"""

import random
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connections
from django.test import Client

from journeyboard.boards.cards import create_card, delete_card, move_card
from journeyboard.boards.lifecycle import create_board
from journeyboard.boards.models import Board, BoardEvent, Card, Membership, Phase, Role
from journeyboard.boards.phases import create_phase
from tests.base import make_user

THREADS = 8
MOVES_PER_THREAD = 10
CARDS_PER_LANE = 6
# Only reached if a thread dies before the start line; then the others stop instead of hanging.
BARRIER_TIMEOUT = 30


class TwoLanes:
    """A board with two lanes of cards, an owner and an editor, read back fresh."""

    def __init__(self):
        self.owner = make_user("olivia")
        self.editor = make_user("emil")
        self.board = create_board(self.owner, "Launch day", template="blank")
        Membership.objects.create(board=self.board, user=self.editor, role=Role.EDITOR)
        self.lanes = [create_phase(self.owner, self.board, name) for name in ("Checkout", "Delivery")]
        for lane in self.lanes:
            for n in range(CARDS_PER_LANE):
                create_card(self.owner, lane, title=f"{lane.name} step {n}")
        self.card_ids = sorted(Card.objects.filter(phase__board=self.board).values_list("pk", flat=True))

    def revision(self):
        return Board.objects.get(pk=self.board.pk).revision

    def layout(self):
        """{phase id: card ids in position order} for every phase of the board."""
        return {
            phase.pk: list(phase.cards.order_by("position", "pk").values_list("pk", flat=True))
            for phase in Phase.objects.filter(board=self.board)
        }

    def random_move(self, rng):
        """(card id, phase, position): any card of the two lanes, anywhere in either,
        sometimes past the end (the service clamps it)."""
        return rng.choice(self.card_ids), rng.choice(self.lanes), rng.randint(0, CARDS_PER_LANE * 2 + 1)


@pytest.fixture
def two_lanes():
    return TwoLanes()


def run_together(work):
    """Run `work(index, track)` in THREADS threads released at once by a barrier.

    `work` wraps each move in `track(...)`; the result is the highest number of moves that
    were under way at the same moment. A failure in any thread is raised here."""
    barrier = threading.Barrier(THREADS)
    lock = threading.Lock()
    under_way = [0, 0]  # now, peak

    def track(call):
        with lock:
            under_way[0] += 1
            under_way[1] = max(under_way[1], under_way[0])
        try:
            return call()
        finally:
            with lock:
                under_way[0] -= 1

    def thread(index):
        try:
            barrier.wait(timeout=BARRIER_TIMEOUT)
            work(index, track)
        finally:
            # Each thread opened its own connection; a left-over one would keep the test
            # database busy (PostgreSQL refuses to drop a database with open sessions).
            connections.close_all()

    with ThreadPoolExecutor(max_workers=THREADS) as pool:
        futures = [pool.submit(thread, index) for index in range(THREADS)]
    for future in futures:
        future.result()
    return under_way[1]


def replay(layout, events):
    """The layout that applying the recorded moves one after the other gives. Each move
    must have started from the lane its card was in after the previous move."""
    lanes = {phase_id: list(cards) for phase_id, cards in layout.items()}
    for event in events:
        card = event.data["card"]
        [source] = [phase_id for phase_id, cards in lanes.items() if card in cards]
        assert event.data["from_phase"] == source, f"revision {event.revision} moved card {card} from a stale lane"
        lanes[source].remove(card)
        lanes[event.data["phase"]].insert(event.data["position"], card)
    return lanes


def assert_moves_serialised(two_lanes, layout_before, revision_before, peak):
    moves = THREADS * MOVES_PER_THREAD
    assert peak > 1, "the moves never overlapped, so this run proved nothing about locking"

    layout = two_lanes.layout()
    for phase_id, cards in layout.items():
        positions = list(Card.objects.filter(pk__in=cards).order_by("position").values_list("position", flat=True))
        assert positions == list(range(len(cards))), f"phase {phase_id} has positions {positions}"
    assert sorted(card for cards in layout.values() for card in cards) == two_lanes.card_ids

    # One revision per move, none lost or shared, and each move applied to the lane
    # order the previous one left: replaying the events gives exactly what is stored.
    # (Gap-free positions alone prove less: every move renumbers the lanes it touches,
    # which also closes a gap an earlier, wrong move left there.)
    assert two_lanes.revision() == revision_before + moves
    events = list(BoardEvent.objects.filter(board=two_lanes.board, revision__gt=revision_before).order_by("revision"))
    assert [event.revision for event in events] == list(range(revision_before + 1, revision_before + moves + 1))
    assert {event.kind for event in events} == {"card.moved"}
    assert replay(layout_before, events) == layout


@pytest.mark.django_db(transaction=True)
def test_simultaneous_service_moves_keep_positions_gap_free(two_lanes):
    layout_before, revision_before = two_lanes.layout(), two_lanes.revision()

    def work(index, track):
        rng = random.Random(index)
        for _ in range(MOVES_PER_THREAD):
            card_id, phase, position = two_lanes.random_move(rng)
            # Read outside the lock, as a view does: by the time the lock is ours the
            # card may well sit elsewhere, and move_card must re-read it.
            card = Card.objects.select_related("phase").get(pk=card_id)
            track(lambda: move_card(two_lanes.editor, card, phase, position))

    peak = run_together(work)
    assert_moves_serialised(two_lanes, layout_before, revision_before, peak)


@pytest.mark.django_db(transaction=True)
def test_simultaneous_move_requests_keep_positions_gap_free(two_lanes):
    board_url = two_lanes.board.get_absolute_url()
    clients = []
    for _ in range(THREADS):
        client = Client()
        client.force_login(two_lanes.editor)
        clients.append(client)
    layout_before, revision_before = two_lanes.layout(), two_lanes.revision()

    def work(index, track):
        rng = random.Random(index)
        for _ in range(MOVES_PER_THREAD):
            card_id, phase, position = two_lanes.random_move(rng)
            url = f"{board_url}cards/{card_id}/move/"
            data = {"phase": phase.pk, "position": position}
            response = track(lambda: clients[index].post(url, data, HTTP_HX_REQUEST="true"))
            assert response.status_code == 200, response.content
            # The lane it was dropped in, as the server has it once the move committed (the
            # card itself may have been moved on meanwhile by another thread).
            assert f'<div id="cards-{phase.pk}" hx-swap-oob="innerHTML">' in response.content.decode()

    peak = run_together(work)
    assert_moves_serialised(two_lanes, layout_before, revision_before, peak)


@pytest.mark.django_db(transaction=True)
def test_a_delete_that_lost_the_race_to_a_move_closes_the_right_gap(two_lanes):
    """The delete request read its card, then a move committed first: the interleaving of
    two simultaneous requests, played one step after the other."""
    checkout, delivery = two_lanes.lanes
    seen_by_delete = Card.objects.select_related("phase").get(phase=checkout, position=2)
    move_card(two_lanes.editor, Card.objects.select_related("phase").get(pk=seen_by_delete.pk), delivery, 0)

    delete_card(two_lanes.editor, seen_by_delete)

    positions = list(delivery.cards.order_by("position").values_list("position", flat=True))
    assert positions == list(range(CARDS_PER_LANE))
