"""A long export never holds up the server: through the ASGI application as daphne runs it,
each synchronous view runs in a thread of its own (Django's ASGIHandler gives every request
its own ThreadSensitiveContext), so other requests are answered while a deck is rendered."""

import asyncio
import gc
import threading
from unittest import mock

import pytest
from channels.testing import HttpCommunicator

from journeyboard.asgi import application
from journeyboard.export import views
from tests.realtime import session_for, site_headers

pytestmark = pytest.mark.django_db(transaction=True)

WAIT = 10  # seconds: only reached when a request is held up, which is the failure


@pytest.fixture(autouse=True)
def _close_request_threads_connections():
    """Each request's thread keeps a database connection until it is collected (see test_asgi)."""
    yield
    gc.collect()


async def test_other_requests_are_answered_while_an_export_is_being_rendered(crew):
    started, release = threading.Event(), threading.Event()
    render = views.render_pptx

    def slow_render(*args, **kwargs):
        # Held until the other requests are answered: one thread for every view would
        # never get to them, and the test would time out instead.
        started.set()
        assert release.wait(WAIT), "the export was never released"
        return render(*args, **kwargs)

    headers = site_headers(await asyncio.to_thread(session_for, crew.viewer))
    base = f"/boards/{crew.board.pk}/"
    with mock.patch.object(views, "render_pptx", slow_render):
        deck = asyncio.create_task(HttpCommunicator(application, "GET", base + "export.pptx", headers=headers).get_response(timeout=WAIT))
        assert await asyncio.to_thread(started.wait, WAIT)
        page = await HttpCommunicator(application, "GET", base, headers=headers).get_response(timeout=WAIT)
        text = await HttpCommunicator(application, "GET", base + "export.md", headers=headers).get_response(timeout=WAIT)
        assert not deck.done()  # still rendering while the others were answered
        release.set()
        deck = await deck
    assert (page["status"], text["status"], deck["status"]) == (200, 200, 200)
    assert b"Instagram ad" in page["body"] and b"Instagram ad" in text["body"]
    assert deck["body"].startswith(b"PK")  # a PPTX is a zip
