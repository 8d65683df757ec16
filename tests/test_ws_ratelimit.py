"""The per-connection message budget of the board WebSocket (journeyboard/realtime/budget.py).

Time is a fake clock the tests move by hand, so "five seconds of flooding" takes no five
seconds and no sleep. Sockets and helpers are the consumer tests' own.
"""

import json

import pytest

from journeyboard.realtime import budget, consumers
from tests.realtime import TIMEOUT, close_all, join, quiet, receive_error, receive_json, settled

pytestmark = pytest.mark.django_db(transaction=True)


class Clock:
    """Stands still unless moved; with `tick` set, every reading moves it on by that much
    (one reading per frame), so time passes with the frames however the loop runs them."""

    def __init__(self):
        self.now = 1000.0
        self.tick = 0.0

    def __call__(self):
        self.now += self.tick
        return self.now

    def advance(self, seconds):
        self.now += seconds


@pytest.fixture
def clock(monkeypatch):
    fake = Clock()
    monkeypatch.setattr(budget, "monotonic", fake)
    return fake


@pytest.fixture
def small_budget(settings):
    """Two frames a second, bursts of four: small enough to count by hand."""
    settings.WS_MESSAGES_PER_SECOND = 2
    settings.WS_MESSAGE_BURST = 4


def cursor(n):
    return {"type": "cursor", "x": n, "y": n}


async def frames_until_closed(ws):
    """Every JSON frame the server sends before it closes the socket, and the close code."""
    frames = []
    while True:
        output = await ws.receive_output(timeout=TIMEOUT)
        if output["type"] == "websocket.close":
            return frames, output.get("code")
        frames.append(json.loads(output["text"]))


# --- the bucket on its own ------------------------------------------------------------


def test_a_burst_then_the_rate(clock):
    bucket = budget.MessageBudget(rate=2, burst=4)
    assert [bucket.spend() for _ in range(4)] == [None] * 4
    assert bucket.spend() == budget.REFUSE
    assert bucket.spend() == budget.DROP  # told less than a second ago
    clock.advance(0.5)
    assert bucket.spend() is None  # half a second refilled one
    assert bucket.spend() == budget.DROP


def test_five_seconds_of_refusals_close(clock):
    bucket = budget.MessageBudget(rate=0.1, burst=1)  # refills too slowly to matter here
    assert bucket.spend() is None
    verdicts = []
    for _ in range(10):  # refused every half second, 0 s to 4.5 s into the flood
        verdicts.append(bucket.spend())
        clock.advance(0.5)
    assert verdicts == [budget.REFUSE, budget.DROP] * 5
    assert bucket.spend() == budget.CLOSE


def test_a_pause_ends_a_flood(clock):
    bucket = budget.MessageBudget(rate=0.1, burst=1)
    assert bucket.spend() is None
    for _ in range(4):  # 0 s to 2.7 s
        assert bucket.spend() in (budget.REFUSE, budget.DROP)
        clock.advance(0.9)
    clock.advance(0.6)  # 1.5 s without a refusal: the flood is over
    for _ in range(6):  # a new flood, 0 s to 4.5 s: not yet five seconds long
        assert bucket.spend() in (budget.REFUSE, budget.DROP)
        clock.advance(0.9)
    assert bucket.spend() == budget.CLOSE  # 5.4 s


def test_a_client_at_the_rate_is_never_refused(clock):
    bucket = budget.MessageBudget(rate=2, burst=4)
    for _ in range(200):
        clock.advance(0.5)
        assert bucket.spend() is None


# --- through the socket ---------------------------------------------------------------


async def test_frames_over_budget_are_refused_and_the_socket_stays_open(crew, clock, small_budget):
    a = await join(crew, crew.editor)
    b = await join(crew, crew.viewer, a)
    for n in range(4):
        await a.send_json_to(cursor(n))
    # Counted before parsing: over budget, even garbage is only "rate_limited".
    await a.send_to(text_data="not json")
    error = await receive_error(a, "rate_limited")
    assert error["message"] == "Too many messages; slow down."
    await a.send_json_to(cursor(99))  # dropped without another error within the second
    await quiet(a)
    assert [(await receive_json(b))["x"] for _ in range(4)] == [0.0, 1.0, 2.0, 3.0]
    await quiet(b)  # neither the garbage nor cursor 99 reached anyone

    clock.advance(10)  # the client slowed down: a full bucket again, no flood to close
    await settled(a)
    await a.send_json_to(cursor(5))
    assert (await receive_json(b))["x"] == 5.0
    await quiet(a, b)
    await close_all(a, b)


async def test_a_client_that_keeps_flooding_is_closed(crew, clock, small_budget):
    a = await join(crew, crew.editor)
    b = await join(crew, crew.viewer, a)

    # Six frames a second against a refill of two: most are refused, all along.
    clock.tick = 1 / 6
    for n in range(40):
        await a.send_json_to(cursor(n))
    frames, code = await frames_until_closed(a)

    assert code == consumers.CLOSE_TOO_MANY_MESSAGES == 4429
    assert {(frame["type"], frame["code"]) for frame in frames} == {("error", "rate_limited")}
    # One error a second through five seconds of flooding, then the one before the close.
    assert len(frames) == 6
    # The server left the board as it closed: the others see that tab go.
    while (frame := await receive_json(b))["type"] == "cursor":
        pass
    assert (frame["type"], frame["action"], frame["user"]) == ("presence", "leave", crew.editor.pk)
    await a.disconnect(timeout=TIMEOUT)
    await quiet(b)
    await close_all(b)


async def test_the_default_budget_leaves_room_for_the_page(crew, settings):
    """The page sends at most ~20 cursors a second plus the odd change: far below 60."""
    assert (settings.WS_MESSAGES_PER_SECOND, settings.WS_MESSAGE_BURST) == (60, 120)
    a = await join(crew, crew.editor)
    for n in range(100):
        await a.send_json_to(cursor(n))
    await settled(a)  # the 101st frame: still within the burst
    await quiet(a)
    await close_all(a)
