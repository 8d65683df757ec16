"""The harness for tests of the board WebSocket, end to end through `journeyboard.asgi.application`.

Everything goes through the real stack: the origin check, the session cookie
(AuthMiddlewareStack), the URL router and `BoardConsumer`. Changes are made by calling
the services (or the HTTP views) exactly as the app does; the broadcast they schedule
with `transaction.on_commit` then travels through the per-test in-memory channel layer
(tests/conftest.py).

Tests using it are transactional (`pytest.mark.django_db(transaction=True)`): the consumer
and the services run their queries on another thread (sync_to_async) than the test's
setup, and a TestCase's wrapping transaction would hide the setup from them. With no
transaction around the test, the services' `transaction.atomic()` is the outermost block,
so its on_commit callbacks (the broadcasts) run as soon as it commits.

Waiting is always for a frame (`receive_from` with a timeout) or for quiet
(`receive_nothing`), never a sleep.
"""

import json
import re
from html.parser import HTMLParser

import pytest
from asgiref.sync import sync_to_async
from channels.testing import WebsocketCommunicator
from django.test import Client

from journeyboard.asgi import application
from journeyboard.boards.cards import create_card
from journeyboard.boards.lifecycle import create_board
from journeyboard.boards.models import Board, Membership, Phase, Role
from journeyboard.realtime.origin import CLIENT_HEADER, current_client, new_client_id
from tests.base import board_state, make_user


# A page of the site at http://localhost: the handshake's Host and the page's Origin agree.
HOST = b"localhost"
ORIGIN = b"http://localhost"
# Long enough for a broadcast to be rendered and delivered on a slow CI machine; a test
# only waits this long when something it expects is missing.
TIMEOUT = 3
# How long "nothing arrives" is watched for. Every frame the tests wait for is produced
# by work that has already finished when receive_nothing starts (see `settled`), so this
# only has to cover the hand-over between tasks.
QUIET = 0.2


# --- the people and boards ------------------------------------------------------------


class Crew:
    """One board and the people around it (see tests/base.py for why each one exists).

    - walter: a second viewer who never opens the board, so that removing him closes
      nobody's socket.
    - the editor is also an editor of `other`, whose card and phase must never be
      reachable through a socket on `board`.
    """

    def __init__(self):
        self.owner = make_user("olivia")
        self.editor = make_user("emil")
        self.viewer = make_user("vera")
        self.outsider = make_user("otto")
        self.walter = make_user("walter")
        self.board = create_board(self.owner, "Webshop journey", template="buyer", language="en")
        for user, role in ((self.editor, Role.EDITOR), (self.viewer, Role.VIEWER), (self.walter, Role.VIEWER)):
            Membership.objects.create(board=self.board, user=user, role=role)
        self.phases = list(self.board.phases.order_by("position"))
        self.ad = create_card(self.owner, self.phases[0], title="Instagram ad", channel="advertising", emotion=1)
        self.newsletter = create_card(self.owner, self.phases[0], title="Newsletter")
        self.product_page = create_card(self.owner, self.phases[1], title="Product page")

        self.other = create_board(self.owner, "Other journey", template="buyer", language="en")
        Membership.objects.create(board=self.other, user=self.editor, role=Role.EDITOR)
        self.other_phase = self.other.phases.order_by("position").first()
        self.other_card = create_card(self.owner, self.other_phase, title="Elsewhere")

        self.sessions = {user.pk: session_for(user) for user in (self.owner, self.editor, self.viewer, self.outsider)}


def session_for(user):
    client = Client()
    client.force_login(user)
    return client.cookies["sessionid"].value


# --- sockets --------------------------------------------------------------------------


def site_headers(session=None, origin=ORIGIN, host=HOST):
    """What a browser sends with a handshake from a page of the site: Host, Origin, cookie."""
    headers = [(b"host", host)]
    if origin is not None:
        headers.append((b"origin", origin))
    if session is not None:
        headers.append((b"cookie", f"sessionid={session}".encode()))
    return headers


def socket(board_id, session=None, client_id="", origin=ORIGIN, host=HOST):
    """A browser tab's socket, not yet connected; `client_id` is what the page's URL carries."""
    headers = site_headers(session, origin, host)
    ws = WebsocketCommunicator(application, f"/ws/boards/{board_id}/?client={client_id}", headers=headers)
    ws.board_id = board_id
    ws.client_id = client_id
    ws.user = None
    return ws


async def join(crew, user, *others, board=None):
    """Open `user`'s tab on the board, with every tab in `others` already open.

    Presence is settled before returning: each of `others` got one "join" for the
    newcomer and the newcomer one "here" per tab already there, so that a test's own
    frames are not mixed up with them.
    """
    ws = socket((board or crew.board).pk, crew.sessions[user.pk], new_client_id())
    connected, _ = await ws.connect(timeout=TIMEOUT)
    assert connected
    for other in others:
        joined = await receive_json(other)
        assert (joined["type"], joined["action"], joined["user"]) == ("presence", "join", user.pk)
    for _ in others:
        here = await receive_json(ws)
        assert (here["type"], here["action"]) == ("presence", "here")
    ws.user = user
    return ws


async def socket_open(crew, user):
    """Open `user`'s tab without settling presence: for the tests about presence itself."""
    ws = socket(crew.board.pk, crew.sessions[user.pk], new_client_id())
    assert (await ws.connect(timeout=TIMEOUT))[0]
    ws.user = user
    return ws


async def refused(ws, code):
    """The handshake is accepted (so that the browser sees the close code), then closed."""
    connected, _ = await ws.connect(timeout=TIMEOUT)
    assert connected
    await assert_closed(ws, code)


async def assert_closed(ws, code):
    output = await ws.receive_output(timeout=TIMEOUT)
    assert output["type"] == "websocket.close", output
    assert output.get("code") == code


async def receive_json(ws):
    frame = await ws.receive_from(timeout=TIMEOUT)
    assert isinstance(frame, str)
    assert frame.startswith("{"), f"expected a JSON frame, got HTML: {frame[:200]}"
    return json.loads(frame)


async def receive_html(ws):
    frame = await ws.receive_from(timeout=TIMEOUT)
    assert isinstance(frame, str)
    assert not frame.startswith("{"), f"expected an HTML frame, got {frame}"
    return frame


async def receive_error(ws, code):
    error = await receive_json(ws)
    assert error["type"] == "error", error
    assert error["code"] == code, error
    assert isinstance(error["message"], str) and error["message"]
    return error


async def settled(ws, revision=None):
    """A round trip on `ws`: its consumer handles frames in order, so once the answer to
    this sync is back, everything sent before it has been handled. Also proves that the
    connection is still open and working."""
    if revision is None:
        revision = await current_revision(ws.board_id)
    await ws.send_json_to({"type": "sync", "revision": revision})
    assert await receive_json(ws) == {"type": "synced", "revision": revision}


async def quiet(*sockets):
    for ws in sockets:
        if not await ws.receive_nothing(timeout=QUIET):
            pytest.fail(f"unexpected frame for {ws.user}'s tab: {await ws.receive_from()}")


async def close_all(*sockets):
    for ws in sockets:
        await ws.disconnect(timeout=TIMEOUT)


# --- the database and the services, on the ORM's thread --------------------------------


def orm(function):
    return sync_to_async(function)


def _as_client(client_id, service, args, kwargs):
    # What ClientOriginMiddleware does for an HTTP request carrying X-Journeyboard-Client.
    token = current_client.set(client_id)
    try:
        return service(*args, **kwargs)
    finally:
        current_client.reset(token)


async def change(service, *args, origin="", **kwargs):
    """Call a service as a page with client id `origin` would; its broadcast is sent on commit."""
    return await sync_to_async(_as_client)(origin, service, args, kwargs)


def post_as_tab(crew, user, client_id, path, data):
    """What htmx sends from a board page: the tab's client id in X-Journeyboard-Client."""
    client = Client()
    client.force_login(user)
    return client.post(f"/boards/{crew.board.pk}/{path}", data, headers={CLIENT_HEADER: client_id, "HX-Request": "true"})


async def current_revision(board_id):
    return await orm(lambda: Board.objects.get(pk=board_id).revision)()


async def state(crew):
    return await orm(lambda: (board_state(crew.board), board_state(crew.other)))()


def _lanes(board_id):
    """{phase id: [(card id, position), ...]} in position order."""
    return {
        phase.pk: list(phase.cards.order_by("position", "pk").values_list("pk", "position"))
        for phase in Phase.objects.filter(board_id=board_id).order_by("position")
    }


async def lanes(board_id):
    return await orm(_lanes)(board_id)


def assert_gap_free(layout):
    for phase_id, cards in layout.items():
        assert [position for _, position in cards] == list(range(len(cards))), (phase_id, cards)


# --- reading the broadcast HTML -------------------------------------------------------

REVISION_TAIL = re.compile(
    r'<span id="board-revision" data-revision="(\d+)"( data-resync)? hidden hx-swap-oob="true"></span>\s*\Z'
)


class _OobSwaps(HTMLParser):
    def __init__(self):
        super().__init__()
        self.swaps = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        how = attrs.get("hx-swap-oob")
        if how is not None:
            # "true" swaps the element with the same id; "style:selector" names its target;
            # a bare style ("innerHTML") applies to the element with the same id.
            if how == "true":
                self.swaps.append(f"#{attrs.get('id')}")
            else:
                self.swaps.append(how if ":" in how else f"{how}:#{attrs.get('id')}")


def oob_swaps(html):
    """Every out-of-band swap in the fragment, in document order, nested ones included:
    htmx 2 performs nested hx-swap-oob swaps too, so a stray one is a real swap."""
    parser = _OobSwaps()
    parser.feed(html)
    parser.close()
    return parser.swaps


def revision_of(html, resync=False):
    """Every broadcast ends with the revision element, which a reconnecting page compares;
    only a whole-board resync marks it `data-resync`."""
    found = REVISION_TAIL.search(html)
    assert found, f"no board-revision element at the end of: ...{html[-300:]}"
    assert bool(found.group(2)) is resync, found.group(0)
    return int(found.group(1))


def phase_order(html):
    return [int(pk) for pk in re.findall(r'<section id="phase-(\d+)"', html)]


def edit_control(crew, card):
    return f'hx-get="/boards/{crew.board.pk}/cards/{card.pk}/edit/"'
