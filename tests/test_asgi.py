"""journeyboard.asgi: HTTP through Django's own ASGI handler, and what the process does at start-up."""

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
