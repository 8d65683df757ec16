"""journeyboard.asgi: HTTP through Django (journeyboard.http_handler), and what the process does at start-up."""

import asyncio
import gc
import re

import pytest
from channels.testing import HttpCommunicator

from journeyboard.asgi import application
from tests.base import PASSWORD, make_user

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _close_request_threads_connections():
    """Each request runs in a thread of its own, whose database connection goes only when that
    thread's objects are collected; collect them, or the test database cannot be dropped at
    the end of the run on PostgreSQL."""
    yield
    gc.collect()


def test_what_the_process_loaded_at_start_up_is_frozen_out_of_the_collector():
    # gc.freeze() (asgi.py) keeps start-up objects out of the full collections that otherwise
    # pause the fan-out (docs/architecture.md); CPython counts what it froze.
    assert gc.get_freeze_count() > 0


async def test_signing_in_works_through_the_asgi_application():
    await asyncio.to_thread(make_user, "ada")
    host = (b"host", b"testserver")
    page = await HttpCommunicator(application, "GET", "/accounts/login/", headers=[host]).get_response()
    assert page["status"] == 200
    cookies = "; ".join(
        value.decode().split(";", 1)[0] for name, value in page["headers"] if name.lower() == b"set-cookie"
    )
    token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page["body"]).group(1).decode()
    headers = [(b"cookie", cookies.encode()), host, (b"content-type", b"application/x-www-form-urlencoded")]

    form = f"csrfmiddlewaretoken={token}&username=ada&password={PASSWORD.replace(' ', '+')}".encode()
    refused = await HttpCommunicator(application, "POST", "/accounts/login/", body=form, headers=headers[1:]).get_response()
    signed_in = await HttpCommunicator(application, "POST", "/accounts/login/", body=form, headers=headers).get_response()

    assert refused["status"] == 403  # no CSRF cookie: the middleware ran
    assert signed_in["status"] == 302
    assert any(name.lower() == b"set-cookie" and value.startswith(b"sessionid=") for name, value in signed_in["headers"])


def _login_page():
    return HttpCommunicator(application, "GET", "/accounts/login/", headers=[(b"host", b"testserver")]).get_response()


async def test_a_request_goes_to_a_thread_once_for_its_middleware_and_view(monkeypatch):
    # Django's own ASGIHandler comes back to the event loop between the middleware and the
    # view (AsyncToSync); journeyboard.http_handler runs the synchronous chain in one trip.
    from asgiref.sync import AsyncToSync

    from journeyboard.http_handler import OneTripASGIHandler

    trips = []
    original = AsyncToSync.__call__

    def counted(self, *args, **kwargs):
        trips.append(self)
        return original(self, *args, **kwargs)

    monkeypatch.setattr(AsyncToSync, "__call__", counted)
    handler = OneTripASGIHandler()
    page = await HttpCommunicator(handler, "GET", "/accounts/login/", headers=[(b"host", b"testserver")]).get_response()

    assert page["status"] == 200 and b'name="csrfmiddlewaretoken"' in page["body"]
    assert not asyncio.iscoroutinefunction(handler._middleware_chain)
    assert trips == []


async def test_requests_reuse_their_threads_one_at_a_time():
    from django.core.signals import request_started
    import threading

    threads = []

    def started(**kwargs):
        threads.append(threading.get_ident())

    request_started.connect(started)
    try:
        for _ in range(3):
            assert (await _login_page())["status"] == 200
        together = await asyncio.gather(*(_login_page() for _ in range(3)))
    finally:
        request_started.disconnect(started)

    assert [page["status"] for page in together] == [200, 200, 200]
    assert len(set(threads[:3])) == 1  # one after another: the same kept thread
    assert threading.get_ident() not in threads  # never the event loop's
