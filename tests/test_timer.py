"""The workshop timer: the state it shows at a moment, the facilitator's actions over HTTP,
refusals that change nothing, the page after a reload, and the broadcast to everyone."""

import re
from datetime import datetime, timedelta, timezone as dt_timezone
from unittest import mock

import pytest
from asgiref.sync import sync_to_async
from django.test import SimpleTestCase

from journeyboard.boards import timer
from journeyboard.boards.models import Board, Membership
from journeyboard.realtime.origin import REVISION_HEADER
from tests.base import BoardChangeTestCase, board_state
from tests.realtime import change, close_all, join, oob_swaps, quiet, receive_html, revision_of

T0 = datetime(2026, 5, 4, 9, 30, 0, tzinfo=dt_timezone.utc)


def at(moment):
    """Freeze the server's clock (the services and the page read `timezone.now()`)."""
    return mock.patch("django.utils.timezone.now", return_value=moment)


def timer_fields(board):
    fresh = Board.objects.get(pk=board.pk)
    return (fresh.timer_ends_at, fresh.timer_paused_remaining, fresh.timer_duration)


class TimerStateTests(SimpleTestCase):
    """`timer_state` is pure: a board's three fields and a moment in, what to show out."""

    def test_stopped(self):
        self.assertEqual(
            timer.timer_state(Board(), T0),
            {"state": "stopped", "remaining": 0, "ends_at": None, "duration": None, "expired": False, "clock": "0:00"},
        )

    def test_running_counts_whole_seconds_up(self):
        board = Board(timer_ends_at=T0 + timedelta(seconds=90), timer_duration=300)
        self.assertEqual(
            timer.timer_state(board, T0),
            {
                "state": "running",
                "remaining": 90,
                "ends_at": "2026-05-04T09:31:30.000+00:00",
                "duration": 300,
                "expired": False,
                "clock": "1:30",
            },
        )
        # 0.4 s gone: still shows 1:30 (a countdown reads 0:00 only when time is really up).
        self.assertEqual(timer.timer_state(board, T0 + timedelta(seconds=0.4))["clock"], "1:30")
        self.assertEqual(timer.timer_state(board, T0 + timedelta(seconds=1))["clock"], "1:29")
        self.assertEqual(timer.timer_state(board, T0 + timedelta(seconds=89.9))["remaining"], 1)

    def test_run_out_shows_zero_until_stopped(self):
        board = Board(timer_ends_at=T0, timer_duration=60)
        for later in (0, 1, 3600):
            state = timer.timer_state(board, T0 + timedelta(seconds=later))
            shown = (state["state"], state["remaining"], state["expired"], state["clock"])
            self.assertEqual(shown, ("running", 0, True, "0:00"))

    def test_paused_is_frozen(self):
        board = Board(timer_paused_remaining=125, timer_duration=300)
        for later in (0, 500):
            state = timer.timer_state(board, T0 + timedelta(seconds=later))
            shown = (state["state"], state["remaining"], state["ends_at"], state["clock"])
            self.assertEqual(shown, ("paused", 125, None, "2:05"))

    def test_long_timers_count_minutes_past_sixty(self):
        self.assertEqual(timer.clock(7200), "120:00")
        self.assertEqual(timer.clock(61), "1:01")


class TimerActionTests(BoardChangeTestCase):
    """The editor is a facilitator here: whoever runs the workshop, not only the owner."""

    def setUp(self):
        super().setUp()
        Membership.objects.filter(board=self.board, user=self.editor).update(facilitator=True)

    def act(self, action, **fields):
        return self.post("timer/", {"action": action, **fields})

    def test_start_runs_from_the_servers_clock(self):
        before = board_state(self.board)
        with at(T0):
            response = self.act("start", minutes="5")
        self.assertEqual(response.status_code, 200)
        self.assertEqual(timer_fields(self.board), (T0 + timedelta(minutes=5), None, 300))
        event = self.assertRecorded(before, "timer.changed", action="start", state="running", remaining=300)
        self.assertEqual(event.data["ends_at"], "2026-05-04T09:35:00.000+00:00")
        self.assertEqual(response[REVISION_HEADER], str(self.refresh_board().revision))
        # The answer is the timer itself, for the facilitator's own page (the broadcast skips it).
        html = response.content.decode()
        self.assertTrue(html.strip().startswith('<div id="timer"'), html[:80])
        self.assertIn('data-state="running"', html)
        self.assertIn('data-ends-at="2026-05-04T09:35:00.000+00:00"', html)
        self.assertIn('data-now="2026-05-04T09:30:00.000+00:00"', html)
        self.assertIn('<span class="timer-clock">5:00</span>', html)
        self.assertNotIn("hx-swap-oob", html)

    def test_minutes_and_seconds_add_up(self):
        for fields, seconds in [
            ({"minutes": "1", "seconds": "30"}, 90),
            ({"seconds": "45"}, 45),
            ({"minutes": "1.5"}, 90),
            ({"minutes": "2,5"}, 150),  # typed the Dutch and German way
            ({"minutes": " 3 "}, 180),
            ({"minutes": "120"}, 7200),
            ({"seconds": "1"}, 1),
        ]:
            with self.subTest(fields):
                with at(T0):
                    response = self.act("start", **fields)
                self.assertEqual(response.status_code, 200)
                self.assertEqual(timer_fields(self.board), (T0 + timedelta(seconds=seconds), None, seconds))

    def test_pause_resume_add_a_minute_and_stop(self):
        with at(T0):
            self.act("start", minutes="5")

        before = board_state(self.board)
        with at(T0 + timedelta(seconds=100.4)):
            response = self.act("pause")
        self.assertEqual(response.status_code, 200)
        self.assertEqual(timer_fields(self.board), (None, 200, 300))  # 199.6 s left shows as 3:20
        self.assertRecorded(before, "timer.changed", action="pause", state="paused", remaining=200)
        self.assertContains(response, 'data-state="paused"')
        self.assertContains(response, '<span class="timer-clock">3:20</span>')
        self.assertNotContains(response, "data-ends-at")

        with at(T0 + timedelta(seconds=500)):
            self.act("add_minute")  # paused: a minute more, still paused
        self.assertEqual(timer_fields(self.board), (None, 260, 300))

        resumed_at = T0 + timedelta(seconds=1000)
        with at(resumed_at):
            response = self.act("resume")
        self.assertEqual(timer_fields(self.board), (resumed_at + timedelta(seconds=260), None, 300))
        self.assertContains(response, '<span class="timer-clock">4:20</span>')

        with at(resumed_at + timedelta(seconds=10)):
            response = self.act("add_minute")  # running: the end moves a minute later
        self.assertEqual(timer_fields(self.board), (resumed_at + timedelta(seconds=320), None, 300))
        self.assertContains(response, '<span class="timer-clock">5:10</span>')

        before = board_state(self.board)
        response = self.act("stop")
        self.assertEqual(response.status_code, 200)
        self.assertEqual(timer_fields(self.board), (None, None, None))
        self.assertRecorded(before, "timer.changed", action="stop", state="stopped")
        self.assertContains(response, 'data-state="stopped"')
        self.assertContains(response, " hidden")

    def test_a_timer_that_ran_out_shows_times_up_until_stopped_or_restarted(self):
        with at(T0):
            self.act("start", seconds="10")
        with at(T0 + timedelta(minutes=5)):
            page = self.client.get(self.board_url())
            self.assertContains(page, 'class="timer is-up"')
            self.assertContains(page, '<span class="timer-clock">0:00</span>')
            self.assertContains(page, "Time's up")
            before = board_state(self.board)
            refused = self.act("pause")  # nothing left to pause
            self.assertRefusedWithText(refused, 422, "Time is up already: stop the timer or start a new one.")
            self.assertUnchanged(before)
            # One minute more counts from now, not from the end long past.
            self.act("add_minute")
            self.assertEqual(timer_fields(self.board)[0], T0 + timedelta(minutes=6))
        with at(T0 + timedelta(minutes=10)):
            self.act("start", minutes="3")
        self.assertEqual(timer_fields(self.board), (T0 + timedelta(minutes=13), None, 180))

    def test_bad_lengths_are_refused_and_change_nothing(self):
        with at(T0):
            self.act("start", minutes="5")
        for fields, message in [
            ({"minutes": "0"}, "A timer must run for at least one second."),
            ({"seconds": "0"}, "A timer must run for at least one second."),
            ({"minutes": "-5"}, "A timer must run for at least one second."),
            ({"seconds": "0.4"}, "A timer must run for at least one second."),
            ({"minutes": "1440"}, "A timer runs for at most 120 minutes."),  # a day
            ({"minutes": "120", "seconds": "1"}, "A timer runs for at most 120 minutes."),
            ({"seconds": "1e12"}, "A timer runs for at most 120 minutes."),
            ({"minutes": "five"}, "The timer's length must be a number of minutes or seconds."),
            ({"minutes": "nan"}, "The timer's length must be a number of minutes or seconds."),
            ({"seconds": "inf"}, "The timer's length must be a number of minutes or seconds."),
            ({"minutes": "0x10"}, "The timer's length must be a number of minutes or seconds."),
            ({}, "Give the timer a length in minutes or seconds."),
            ({"minutes": "", "seconds": " "}, "Give the timer a length in minutes or seconds."),
        ]:
            with self.subTest(fields):
                before, fields_before = board_state(self.board), timer_fields(self.board)
                response = self.act("start", **fields)
                self.assertRefusedWithText(response, 422, message)
                # htmx swaps 422 answers: this one must leave the timer on the page alone.
                self.assertEqual(response["HX-Reswap"], "none")
                self.assertUnchanged(before)
                self.assertEqual(timer_fields(self.board), fields_before)

    def test_actions_that_do_not_fit_the_timers_state_are_refused(self):
        stopped = [
            ("pause", "The timer is not running."),
            ("resume", "The timer is not paused."),
            ("add_minute", "There is no timer to add time to."),
            ("stop", "There is no timer to stop."),
            ("explode", "Unknown timer action."),
            ("", "Unknown timer action."),
        ]
        for action, message in stopped:
            with self.subTest(action):
                before = board_state(self.board)
                self.assertRefusedWithText(self.act(action), 422, message)
                self.assertUnchanged(before)
                self.assertEqual(timer_fields(self.board), (None, None, None))
        with at(T0):
            self.act("start", minutes="120")
            before, fields_before = board_state(self.board), timer_fields(self.board)
            self.assertRefusedWithText(self.act("resume"), 422, "The timer is not paused.")
            self.assertRefusedWithText(self.act("add_minute"), 422, "A timer runs for at most 120 minutes.")
        self.assertUnchanged(before)
        self.assertEqual(timer_fields(self.board), fields_before)

    def test_only_facilitators_run_the_timer(self):
        with at(T0):
            self.act("start", minutes="5")
        Membership.objects.filter(board=self.board, user=self.editor).update(facilitator=False)
        for user, status, message in [
            (self.editor, 403, "Only a facilitator can do that."),
            (self.viewer, 403, "Only a facilitator can do that."),
            (self.outsider, 404, "No such board."),
        ]:
            self.login(user)
            for action, fields in [("start", {"minutes": "1"}), ("pause", {}), ("add_minute", {}), ("stop", {})]:
                with self.subTest(user=user.username, action=action):
                    before, fields_before = board_state(self.board), timer_fields(self.board)
                    self.assertRefusedWithText(self.act(action, **fields), status, message)
                    self.assertUnchanged(before)
                    self.assertEqual(timer_fields(self.board), fields_before)
        # The owner is always a facilitator.
        self.login(self.owner)
        self.assertEqual(self.act("stop").status_code, 200)

    def test_facilitators_still_run_the_timer_on_a_locked_board(self):
        Board.objects.filter(pk=self.board.pk).update(locked=True)
        with at(T0):
            self.assertEqual(self.act("start", minutes="3").status_code, 200)
        self.assertEqual(timer_fields(self.board), (T0 + timedelta(minutes=3), None, 180))

    def test_without_htmx_back_to_the_board(self):
        with at(T0):
            response = self.post("timer/", {"action": "start", "minutes": "2"}, htmx=False)
        self.assertRedirects(response, self.board_url(), fetch_redirect_response=False)
        self.assertEqual(timer_fields(self.board), (T0 + timedelta(minutes=2), None, 120))

    def test_only_post(self):
        before = board_state(self.board)
        self.assertEqual(self.client.get(self.board_url("timer/")).status_code, 405)
        self.assertUnchanged(before)


class TimerOnThePageTests(BoardChangeTestCase):
    def page(self, user, moment):
        self.login(user)
        with at(moment):
            return self.client.get(self.board_url()).content.decode()

    def timer_element(self, html):
        found = re.search(r'<div id="timer"[^>]*>.*?</div>', html, re.S)
        self.assertIsNotNone(found, "no #timer on the page")
        return found.group(0)

    def test_a_reload_shows_the_remaining_time_and_the_servers_clock(self):
        Board.objects.filter(pk=self.board.pk).update(timer_ends_at=T0 + timedelta(seconds=90), timer_duration=300)
        element = self.timer_element(self.page(self.viewer, T0))
        self.assertIn('data-state="running"', element)
        self.assertIn('data-ends-at="2026-05-04T09:31:30.000+00:00"', element)
        self.assertIn('data-now="2026-05-04T09:30:00.000+00:00"', element)
        self.assertIn('<span class="timer-clock">1:30</span>', element)
        self.assertNotIn(" hidden", element)
        # Someone opening the page a minute later sees the same end, and 0:30 to go.
        element = self.timer_element(self.page(self.viewer, T0 + timedelta(seconds=60)))
        self.assertIn('data-ends-at="2026-05-04T09:31:30.000+00:00"', element)
        self.assertIn('<span class="timer-clock">0:30</span>', element)
        self.assertIn("is-urgent", element)

    def test_a_paused_timer_shows_its_frozen_time(self):
        Board.objects.filter(pk=self.board.pk).update(timer_paused_remaining=200, timer_duration=300)
        element = self.timer_element(self.page(self.editor, T0))
        self.assertIn('data-state="paused"', element)
        self.assertIn('data-remaining="200"', element)
        self.assertIn('<span class="timer-clock">3:20</span>', element)

    def test_no_timer_no_clock(self):
        element = self.timer_element(self.page(self.editor, T0))
        self.assertIn('data-state="stopped"', element)
        self.assertIn(" hidden", element)

    def test_controls_only_for_facilitators(self):
        control = f'hx-post="/boards/{self.board.pk}/timer/"'
        self.assertIn(control, self.page(self.owner, T0))
        self.assertIn("data-follow-toggle", self.page(self.owner, T0))
        for user in (self.editor, self.viewer):
            with self.subTest(user.username):
                html = self.page(user, T0)
                self.assertNotIn(control, html)
                self.assertNotIn("data-follow-toggle", html)
                self.assertIn('id="follow-banner"', html)  # everyone can be brought along
        Membership.objects.filter(board=self.board, user=self.editor).update(facilitator=True)
        self.assertIn(control, self.page(self.editor, T0))


# --- live: the change reaches everyone's socket -------------------------------------------


@pytest.mark.django_db(transaction=True)
async def test_a_timer_change_reaches_every_screen(crew):  # noqa: F811 (the fixture)
    editor = await join(crew, crew.editor)
    viewer = await join(crew, crew.viewer, editor)
    await change(timer.start, crew.owner, crew.board, 300)
    for ws in (editor, viewer):
        html = await receive_html(ws)
        assert oob_swaps(html) == ["#timer", "#board-revision"]
        assert 'data-state="running"' in html
        board = await sync_to_async(Board.objects.get)(pk=crew.board.pk)
        assert f'data-ends-at="{board.timer_ends_at.isoformat(timespec="milliseconds")}"' in html
        assert re.search(r'data-now="\d{4}-\d\d-\d\dT[\d:.]+\+00:00"', html)
        assert revision_of(html) == board.revision
        assert "hx-post" not in html  # no controls in a broadcast: they are not per facilitator
    await change(timer.stop, crew.owner, crew.board)
    for ws in (editor, viewer):
        assert 'data-state="stopped"' in await receive_html(ws)
    await quiet(editor, viewer)
    await close_all(editor, viewer)

