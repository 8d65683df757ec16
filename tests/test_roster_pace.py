"""How often presence news goes out (realtime/roster.Pace): at once for a person or two, then
once per window, a window that widens while a crowd keeps coming and narrows when it is quiet."""

import pytest

from journeyboard.realtime import roster


class Clock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self):
        return self.now


@pytest.fixture
def clock(monkeypatch):
    clock = Clock()
    monkeypatch.setattr(roster.time, "monotonic", clock)
    return clock


def send_when_allowed(pace, clock):
    """Wait as the pace says, then send; returns when it went out."""
    clock.now += pace.wait()
    pace.spend()
    return clock.now


def test_a_person_or_two_go_out_at_once(clock):
    pace = roster.Pace(2)
    assert pace.wait() == 0
    pace.spend()
    assert pace.wait() == 0


def test_a_crowd_is_told_in_widening_windows_up_to_the_widest(clock):
    pace = roster.Pace(2)
    start = clock.now
    times = [send_when_allowed(pace, clock) - start for _ in range(7)]
    assert times == pytest.approx([0, 0, 0.5, 1.5, 2.5, 3.5, 4.5])
    # A crowd arriving over 3 s costs 5 frames, where one per 250 ms would be 14.
    assert len([at for at in times if at <= 3]) == 5


def test_quiet_brings_the_window_back_to_its_start(clock):
    pace = roster.Pace(2)
    for _ in range(5):
        send_when_allowed(pace, clock)
    assert pace.window == roster.WIDEST
    clock.now += 2 * roster.WIDEST  # the bucket fills up again
    assert pace.wait() == 0
    assert pace.window == roster.WINDOW
