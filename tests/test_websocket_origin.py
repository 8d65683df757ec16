"""Which pages may open a board socket: the site's own origin (scheme, host and port) or a
trusted one, as CSRF decides for a POST (journeyboard/websocket_origin.py).

A refused socket never reaches the consumer: the handshake is answered with a close before
it is accepted, which a browser sees as a failed connection (HTTP 403).
"""

import pytest

from journeyboard.realtime.origin import new_client_id
from tests.realtime import TIMEOUT, close_all, quiet, socket

pytestmark = pytest.mark.django_db(transaction=True)


async def opens(crew, origin, host=b"localhost", **extra):
    """Whether the owner's tab opens with this Origin and Host; a socket that opens is a
    working member socket (it answers a sync), one that does not was never accepted."""
    ws = socket(crew.board.pk, crew.sessions[crew.owner.pk], new_client_id(), origin=origin, host=host)
    for name, value in extra.items():
        ws.scope["headers"].append((name.replace("_", "-").encode(), value))
    connected, code = await ws.connect(timeout=TIMEOUT)
    if connected:
        await quiet(ws)
        await close_all(ws)
    else:
        # Closed before the handshake was accepted: the consumer never ran.
        assert code == 1000
    return connected


@pytest.mark.parametrize(
    "origin, host",
    [
        (b"http://localhost", b"localhost"),
        (b"http://LOCALHOST", b"localhost"),
        (b"http://localhost:80", b"localhost"),
        (b"http://127.0.0.1:8000", b"127.0.0.1:8000"),
        (b"http://[::1]:8000", b"[::1]:8000"),
    ],
)
async def test_the_sites_own_pages_open_a_socket(crew, origin, host):
    assert await opens(crew, origin, host)


@pytest.mark.parametrize(
    "origin, host",
    [
        pytest.param(b"http://127.0.0.1:9999", b"127.0.0.1:8000", id="other port"),
        pytest.param(b"http://127.0.0.1", b"127.0.0.1:8000", id="default port for another"),
        pytest.param(b"http://localhost:8000", b"localhost", id="port for the default one"),
        pytest.param(b"https://localhost", b"localhost", id="other scheme"),
        pytest.param(b"http://evil.example", b"localhost", id="other host"),
        pytest.param(b"http://localhost.evil.example", b"localhost", id="our name as a prefix"),
        pytest.param(b"http://evil.example", b"evil.example", id="a host that is not ours"),
        pytest.param(b"null", b"localhost", id="null (sandboxed frame, file://)"),
        pytest.param(b"localhost", b"localhost", id="no scheme"),
        pytest.param(b"http://localhost:99999", b"localhost", id="port out of range"),
        pytest.param(b"ftp://localhost", b"localhost", id="not a web scheme"),
        pytest.param(b"http://localhost/board", b"localhost", id="a URL, not an origin"),
        pytest.param(None, b"localhost", id="no Origin"),
        pytest.param(b"http://localhost", b"", id="no Host"),
    ],
)
async def test_other_origins_are_refused_before_the_handshake(crew, origin, host):
    assert not await opens(crew, origin, host)


async def test_behind_the_tls_proxy_the_https_page_is_the_sites_own(crew):
    # deploy/nginx.conf tells the scheme in X-Forwarded-Proto; daphne leaves a WebSocket's
    # scope without one.
    assert await opens(crew, b"https://localhost", x_forwarded_proto=b"https")
    assert not await opens(crew, b"http://localhost", x_forwarded_proto=b"https")


async def test_a_wss_handshake_belongs_to_the_https_page(crew):
    ws = socket(crew.board.pk, crew.sessions[crew.owner.pk], new_client_id(), origin=b"https://localhost")
    ws.scope["scheme"] = "wss"
    assert (await ws.connect(timeout=TIMEOUT))[0]
    await close_all(ws)
    ws = socket(crew.board.pk, crew.sessions[crew.owner.pk], new_client_id(), origin=b"http://localhost")
    ws.scope["scheme"] = "wss"
    assert not (await ws.connect(timeout=TIMEOUT))[0]


async def test_trusted_origins_are_those_csrf_trusts(crew, settings):
    settings.CSRF_TRUSTED_ORIGINS = ["https://app.example.com", "https://*.example.org", "http://tools.example.net:8080"]
    assert await opens(crew, b"https://app.example.com")
    assert await opens(crew, b"https://board.example.org")
    assert await opens(crew, b"http://tools.example.net:8080")
    assert not await opens(crew, b"http://app.example.com")
    assert not await opens(crew, b"https://app.example.com:8443")
    assert not await opens(crew, b"http://board.example.org")
    assert not await opens(crew, b"https://example.org.evil.example")
    assert not await opens(crew, b"http://tools.example.net")


@pytest.mark.parametrize("board_id", ["99999999999999999999999", "9223372036854775808", "abc", "١٢", "-1"])
async def test_a_socket_for_an_id_past_any_board_is_refused_not_failed(crew, board_id):
    ws = socket(board_id, crew.sessions[crew.owner.pk], new_client_id())
    assert await ws.connect(timeout=TIMEOUT) == (False, 1000)
