"""HTTP through journeyboard.asgi: Django's request cycle, with its middleware chain run in one thread."""

import asyncio
import gc
import re

import pytest
from channels.testing import HttpCommunicator

from django.core.handlers.asgi import ASGIHandler

from journeyboard.asgi import application, django_asgi_app
from journeyboard.http_handler import SyncChainASGIHandler
from tests.base import PASSWORD, make_user

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _close_request_threads_connections():
    """Each request ran in a thread of its own, whose database connection (kept open on
    PostgreSQL: CONN_MAX_AGE) goes only when that thread's objects are collected; collect
    them, or the test database cannot be dropped at the end of the run."""
    yield
    gc.collect()


def test_the_middleware_chain_is_synchronous_end_to_end():
    # Django's own ASGI handler builds an async chain: with synchronous middleware that meant
    # three trips between the event loop and a thread per request instead of one.
    assert not asyncio.iscoroutinefunction(django_asgi_app._middleware_chain)


def test_django_s_own_asgi_handler_builds_an_asynchronous_chain():
    # The reason the handler exists: should Django build a synchronous chain for synchronous
    # middleware itself, the handler buys nothing and goes (docs/architecture.md).
    assert asyncio.iscoroutinefunction(ASGIHandler()._middleware_chain)


async def test_django_hands_each_request_to_the_overridden_get_response_async(monkeypatch):
    # The handler replaces one method of Django's ASGIHandler; if Django stopped calling it,
    # requests would silently take Django's own path again.
    calls = []
    original = SyncChainASGIHandler.get_response_async

    async def spy(self, request):
        calls.append(request.path)
        return await original(self, request)

    monkeypatch.setattr(SyncChainASGIHandler, "get_response_async", spy)
    page = await HttpCommunicator(django_asgi_app, "GET", "/accounts/login/", headers=[(b"host", b"testserver")]).get_response()
    assert page["status"] == 200
    assert calls == ["/accounts/login/"]


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
