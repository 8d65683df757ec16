"""An unreachable database is answered with a clear 503, not a server error.

The outage is simulated where a real one is met first: loading the session. Against a real
PostgreSQL that stops and restarts, tests/test_faults.py checks the same answers and that
the app recovers by itself.
"""

from unittest import mock

from django.contrib.sessions.backends.db import SessionStore
from django.db import InterfaceError, OperationalError

from tests.base import BoardChangeTestCase

MESSAGE = "The database is not reachable right now. Please try again in a moment."


def database_down(error=OperationalError("connection to server at \"127.0.0.1\", port 5432 failed")):
    return mock.patch.object(SessionStore, "load", side_effect=error)


class DatabaseOutageTests(BoardChangeTestCase):
    def test_a_page_gets_503_with_a_message_page_and_retry_after(self):
        with database_down():
            response = self.client.get("/")
        self.assertEqual(response.status_code, 503)
        self.assertEqual(response["Retry-After"], "5")
        self.assertContains(response, f"<h1>{MESSAGE}</h1>", status_code=503, html=True)
        self.assertNotContains(response, "Log out", status_code=503)  # no top bar: it needs the database

    def test_an_htmx_change_gets_the_sentence_the_board_page_shows_as_a_toast(self):
        with database_down(InterfaceError("connection already closed")):
            response = self.post(f"phases/{self.phase.pk}/cards/", {"title": "Lost in the outage"})
        self.assertRefusedWithText(response, 503, MESSAGE)
        self.assertEqual(response["Retry-After"], "5")
        self.assertFalse(self.phase.cards.filter(title="Lost in the outage").exists())

    def test_the_page_is_in_the_readers_language(self):
        self.client.cookies["django_language"] = "nl"
        with database_down():
            response = self.client.get("/")
        self.assertEqual(response.status_code, 503)
        self.assertIn('lang="nl"', response.content.decode())

    def test_once_it_is_back_the_same_requests_work(self):
        with database_down():
            self.assertEqual(self.client.get("/").status_code, 503)
        response = self.post(f"phases/{self.phase.pk}/cards/", {"title": "After the outage"})
        self.assertEqual(response.status_code, 200)
        self.assertTrue(self.phase.cards.filter(title="After the outage").exists())

    def test_other_errors_stay_server_errors(self):
        self.client.raise_request_exception = False
        with mock.patch.object(SessionStore, "load", side_effect=ValueError("a bug")):
            response = self.client.get("/")
        self.assertEqual(response.status_code, 500)
