"""The board WebSocket, end to end through `journeyboard.asgi.application`.

The people, sockets and helpers are tests/realtime.py's (its docstring tells how these
transactional tests wait: for a frame or for quiet, never a sleep).
"""

import asyncio
import json
import os
import re
import time
from decimal import Decimal

import pytest
from channels.testing import WebsocketCommunicator

from journeyboard.asgi import application

from journeyboard.boards.cards import create_card, delete_card, move_card, update_card
from journeyboard.boards.events import KINDS
from journeyboard.boards.lifecycle import update_board
from journeyboard.boards.members import add_member, remove_member
from journeyboard.boards.models import BoardEvent, Phase, Role
from journeyboard.boards.phases import create_phase, delete_phase, move_phase, update_phase
from journeyboard.realtime import consumers, roster
from journeyboard.realtime.broadcast import board_group
from journeyboard.realtime.consumers import CURSOR_RATE
from journeyboard.realtime.origin import new_client_id
from journeyboard.realtime.protocol import MAX_FRAME_BYTES
from tests.base import MISSING_ID
from tests.realtime import (
    QUIET,
    TIMEOUT,
    assert_closed,
    assert_gap_free,
    change,
    close_all,
    current_revision,
    edit_control,
    join,
    lanes,
    oob_swaps,
    orm,
    phase_order,
    post_as_tab,
    quiet,
    receive_error,
    receive_html,
    receive_json,
    refused,
    revision_of,
    settled,
    site_headers,
    socket,
    socket_open,
    state,
)

pytestmark = pytest.mark.django_db(transaction=True)

# === 1. who may connect ================================================================


async def test_refused_connections_never_join_the_board(crew):
    member = await join(crew, crew.editor)

    anonymous = socket(crew.board.pk, client_id=new_client_id())
    await refused(anonymous, consumers.CLOSE_NOT_SIGNED_IN)
    stale_session = socket(crew.board.pk, session="not-a-session-key", client_id=new_client_id())
    await refused(stale_session, consumers.CLOSE_NOT_SIGNED_IN)
    outsider = socket(crew.board.pk, crew.sessions[crew.outsider.pk], new_client_id())
    await refused(outsider, consumers.CLOSE_NOT_A_MEMBER)
    # A board that does not exist answers exactly like one the user is not on.
    missing = socket(MISSING_ID, crew.sessions[crew.owner.pk], new_client_id())
    await refused(missing, consumers.CLOSE_NOT_A_MEMBER)
    # A page on another site must not open a socket with the user's cookie (CSWSH):
    # the origin validator turns it down before the consumer runs.
    foreign = socket(crew.board.pk, crew.sessions[crew.owner.pk], new_client_id(), origin=b"http://evil.example")
    assert await foreign.connect(timeout=TIMEOUT) == (False, 1000)
    no_origin = socket(crew.board.pk, crew.sessions[crew.owner.pk], new_client_id(), origin=None)
    assert (await no_origin.connect(timeout=TIMEOUT))[0] is False

    turned_away = (anonymous, stale_session, outsider, missing, foreign, no_origin)
    # None of them announced itself to the member who is there...
    await quiet(member)
    # ...nor receives what happens on the board.
    await change(update_card, crew.owner, crew.ad, title="Instagram reel")
    assert "Instagram reel" in await receive_html(member)
    await quiet(member, *turned_away)
    await close_all(member, *turned_away)


async def test_member_of_another_board_only(crew):
    # The editor is on both boards; a socket on `other` is not on `board`'s group.
    here = await join(crew, crew.viewer)
    elsewhere = await join(crew, crew.editor, board=crew.other)
    await quiet(here)
    await change(update_card, crew.owner, crew.ad, title="Instagram reel")
    assert "Instagram reel" in await receive_html(here)
    await change(update_card, crew.owner, crew.other_card, title="Still elsewhere")
    assert "Still elsewhere" in await receive_html(elsewhere)
    await quiet(here, elsewhere)
    await close_all(here, elsewhere)


# === 2. changes reach the others, as HTML for their role ==============================


def _card_created(crew):
    card = create_card(crew.owner, crew.phases[0], title="Checkout survey")
    lane = crew.phases[0].pk
    return [f"beforeend:#cards-{lane}", f"#count-{lane}"], [f'id="card-{card.pk}"', "Checkout survey", ">3</span>"], []


def _card_updated(crew):
    update_card(crew.owner, crew.ad, title="Instagram reel")
    # A new title leaves the lane's counts and the emotion curve as they were: not sent.
    return [f"#card-{crew.ad.pk}"], [f'id="card-{crew.ad.pk}"', "Instagram reel"], ["Instagram ad"]


def _card_emotion_changed(crew):
    update_card(crew.owner, crew.newsletter, emotion=-2)
    # A new emotion moves its phase's point: the curve is redrawn.
    return [f"#card-{crew.newsletter.pk}", "#emotion-curve"], ['href="#face--2"', 'class="curve-point"'], []


def _card_moved_to_a_lane_start(crew):
    move_card(crew.owner, crew.newsletter, crew.phases[0], 0)
    lane = crew.phases[0].pk
    card = crew.newsletter.pk
    # A move within one lane re-sends that lane's whole card list, in the server's order.
    return [f"innerHTML:#cards-{lane}", f"#count-{lane}"], [f'id="card-{card}"'], []


def _card_moved_behind_another(crew):
    move_card(crew.owner, crew.ad, crew.phases[1], 5)  # past the end: clamped to last
    source, target = crew.phases[0].pk, crew.phases[1].pk
    card = crew.ad.pk
    return (
        [
            f"innerHTML:#cards-{source}",
            f"innerHTML:#cards-{target}",
            f"#count-{source}",
            f"#count-{target}",
            # The ad has a channel: both lanes' channel footers changed; and an emotion:
            # both lanes' points of the curve moved.
            f"#channels-{source}",
            f"#channels-{target}",
            "#emotion-curve",
        ],
        [f'id="card-{card}"', f'<span id="count-{source}"', f'<span id="count-{target}"'],
        [],
    )


def _card_deleted(crew):
    card, lane = crew.ad.pk, crew.phases[0].pk
    delete_card(crew.owner, crew.ad)
    # The ad had a channel and an emotion: the lane's channel footer and the curve change too.
    swaps = [f"delete:#card-{card}", f"#count-{lane}", f"#channels-{lane}", "#emotion-curve"]
    return swaps, [">1</span>"], ["Instagram ad"]


def _phase_created(crew):
    phase = create_phase(crew.owner, crew.board, "Onboarding")
    return ["#board-body"], [f'id="phase-{phase.pk}"', "Onboarding", "Instagram ad"], []


def _phase_updated(crew):
    update_phase(crew.owner, crew.phases[1], name="Comparison", segment="customer")
    return [f"#phase-{crew.phases[1].pk}", "#segment-band"], ["Comparison", "Product page"], ["Consideration"]


def _phase_moved(crew):
    move_phase(crew.owner, crew.phases[2], 0)
    return ["#board-body"], [f'id="phase-{crew.phases[2].pk}"'], []


def _phase_deleted(crew):
    delete_phase(crew.owner, crew.phases[0])
    return ["#board-body"], ["Product page"], [f'id="phase-{crew.phases[0].pk}"', "Instagram ad"]


def _board_updated(crew):
    update_board(crew.owner, crew.board, title="Webshop journey 2026")
    return ["#board-title", "#loop-toggle", "#loop"], ["Webshop journey 2026"], []


def _phase_kpi_set(crew):
    phase = crew.phases[1]
    update_phase(crew.editor, phase, kpi_name="Conversion", kpi_value=Decimal("3.2"), kpi_target=Decimal("4"), kpi_unit="%")
    return [f"#phase-{phase.pk}", "#segment-band"], ["Conversion", "kpi kpi-off", "target 4"], []


def _loop_switched_on(crew):
    update_board(crew.owner, crew.board, ambassador_loop=True)
    return ["#board-title", "#loop-toggle", "#loop"], ["Ambassadors bring new customers into awareness", 'class="loop-path"'], []


def _member_added(crew):
    add_member(crew.owner, crew.board, "otto", Role.EDITOR)
    return ["#members"], ["otto", "emil", "vera"], []


def _member_removed(crew):
    remove_member(crew.owner, crew.board, crew.walter.pk)
    return ["#members"], ["emil", "vera"], ["walter"]


CHANGES = [
    pytest.param("card.created", _card_created, id="card created"),
    pytest.param("card.updated", _card_updated, id="card updated"),
    pytest.param("card.updated", _card_emotion_changed, id="card emotion changed"),
    pytest.param("card.moved", _card_moved_to_a_lane_start, id="card moved to a lane's start"),
    pytest.param("card.moved", _card_moved_behind_another, id="card moved behind another"),
    pytest.param("card.deleted", _card_deleted, id="card deleted"),
    pytest.param("phase.created", _phase_created, id="phase created"),
    pytest.param("phase.updated", _phase_updated, id="phase updated"),
    pytest.param("phase.moved", _phase_moved, id="phase moved"),
    pytest.param("phase.deleted", _phase_deleted, id="phase deleted"),
    pytest.param("board.updated", _board_updated, id="board title"),
    pytest.param("phase.updated", _phase_kpi_set, id="phase KPI set"),
    pytest.param("board.updated", _loop_switched_on, id="loop switched on"),
    pytest.param("member.added", _member_added, id="member added"),
    pytest.param("member.removed", _member_removed, id="member removed"),
]


@pytest.mark.parametrize("kind, make_change", CHANGES)
async def test_every_kind_of_change_is_broadcast(crew, kind, make_change):
    # The editor makes the change in one tab and has the board open in a second one.
    origin = await join(crew, crew.editor)
    editor = await join(crew, crew.editor, origin)
    viewer = await join(crew, crew.viewer, origin, editor)
    owner = await join(crew, crew.owner, origin, editor, viewer)
    before = await current_revision(crew.board.pk)

    swaps, present, absent = await change(make_change, crew, origin=origin.client_id)

    revision = await current_revision(crew.board.pk)
    assert revision == before + 1
    assert await orm(lambda: BoardEvent.objects.filter(board=crew.board).last().kind)() == kind
    layout = await orm(lambda: [p.pk for p in Phase.objects.filter(board=crew.board).order_by("position")])()
    # The tab that made the change shows it already; only moves come back to it
    # (events.py: `echoed`), so that concurrent drags end in the server's order everywhere.
    receivers = (origin, editor, viewer, owner) if KINDS[kind].echoed else (editor, viewer, owner)
    received = {}
    for ws in receivers:
        html = received[ws] = await receive_html(ws)
        assert oob_swaps(html) == [*swaps, "#board-revision"], ws.user
        assert revision_of(html) == revision
        for text in present:
            assert text in html, (ws.user, text)
        for text in absent:
            assert text not in html, (ws.user, text)
        if "#board-body" in swaps:
            assert phase_order(html) == layout
            assert f'data-revision="{revision}"' in html.split('id="board-body"', 1)[1].split(">", 1)[0]
    if origin in received:
        assert received[origin] == received[editor]
    await quiet(origin, editor, viewer, owner)
    await close_all(origin, editor, viewer, owner)


async def test_a_card_change_renders_controls_by_role(crew):
    editor = await join(crew, crew.editor)
    viewer = await join(crew, crew.viewer, editor)

    card = await change(create_card, crew.owner, crew.phases[0], title="Checkout survey")

    editor_html, viewer_html = await receive_html(editor), await receive_html(viewer)
    for html in (editor_html, viewer_html):
        assert f'id="card-{card.pk}"' in html and "hx-swap-oob" in html
    # Only the editor's copy opens an editor on click.
    assert edit_control(crew, card) in editor_html
    assert "hx-get" not in viewer_html and "data-move-url" not in viewer_html
    assert viewer_html != editor_html
    await quiet(editor, viewer)
    await close_all(editor, viewer)


async def test_member_controls_only_for_the_owner(crew):
    owner = await join(crew, crew.owner)
    editor = await join(crew, crew.editor, owner)

    await change(add_member, crew.owner, crew.board, "otto", Role.VIEWER)

    owner_html, editor_html = await receive_html(owner), await receive_html(editor)
    assert f"/members/{crew.outsider.pk}/delete/" in owner_html and 'class="member-form"' in owner_html
    assert "/delete/" not in editor_html and 'class="member-form"' not in editor_html
    await quiet(owner, editor)
    await close_all(owner, editor)


async def test_the_originating_tab_does_not_get_its_own_change(crew):
    a = await join(crew, crew.editor)
    # The same person in a second tab is another page: it must see the change.
    a2 = await join(crew, crew.editor, a)
    b = await join(crew, crew.viewer, a, a2)

    await change(update_card, crew.editor, crew.ad, origin=a.client_id, title="Instagram reel")

    for ws in (a2, b):
        html = await receive_html(ws)
        assert f'id="card-{crew.ad.pk}"' in html and "Instagram reel" in html
    await quiet(a, a2, b)
    await close_all(a, a2, b)


async def test_a_change_over_http_carries_the_tabs_client_id(crew):
    a = await join(crew, crew.editor)
    b = await join(crew, crew.viewer, a)

    response = await orm(post_as_tab)(crew, crew.editor, a.client_id, f"cards/{crew.ad.pk}/", {"title": "Instagram reel"})

    assert response.status_code == 200
    revision = await current_revision(crew.board.pk)
    assert response["X-Board-Revision"] == str(revision)
    html = await receive_html(b)
    assert oob_swaps(html) == [f"#card-{crew.ad.pk}", "#board-revision"]
    assert "Instagram reel" in html and revision_of(html) == revision
    await quiet(a, b)
    await close_all(a, b)


async def test_a_move_over_http_is_echoed_to_its_tab(crew):
    a = await join(crew, crew.editor)
    b = await join(crew, crew.viewer, a)

    data = {"phase": crew.phases[1].pk, "position": 0}
    response = await orm(post_as_tab)(crew, crew.editor, a.client_id, f"cards/{crew.ad.pk}/move/", data)

    assert response.status_code == 200
    revision = await current_revision(crew.board.pk)
    for ws in (a, b):
        html = await receive_html(ws)
        assert f"innerHTML:#cards-{crew.phases[1].pk}" in oob_swaps(html)
        assert html.index(f'id="card-{crew.ad.pk}"') < html.index(f'id="card-{crew.product_page.pk}"')
        assert revision_of(html) == revision
    await quiet(a, b)
    await close_all(a, b)


async def test_a_client_id_that_is_not_one_is_never_an_origin(crew):
    # An empty origin (a change from a shell, the import) must not match the tabs whose
    # URL carried no usable client id either: they get every change.
    blank = socket(crew.board.pk, crew.sessions[crew.viewer.pk], client_id="")
    assert (await blank.connect(timeout=TIMEOUT))[0]
    bogus = socket(crew.board.pk, crew.sessions[crew.editor.pk], client_id="NOT-HEX")
    assert (await bogus.connect(timeout=TIMEOUT))[0]
    await receive_json(blank)  # presence: bogus joined...
    await receive_json(bogus)  # ...and blank is here

    await change(update_card, crew.owner, crew.ad, origin="", title="Instagram reel")
    await change(update_card, crew.owner, crew.ad, origin="NOT-HEX", title="Instagram story")

    for ws in (blank, bogus):
        assert "Instagram reel" in await receive_html(ws)
        assert "Instagram story" in await receive_html(ws)
    await quiet(blank, bogus)
    await close_all(blank, bogus)


# === 3. presence, cursors and who is editing ==========================================


async def test_presence_join_here_and_leave(crew):
    a = await socket_open(crew, crew.editor)
    b = socket(crew.board.pk, crew.sessions[crew.viewer.pk], new_client_id())
    assert (await b.connect(timeout=TIMEOUT))[0]

    joined = await receive_json(a)
    here = await receive_json(b)
    assert joined == {
        "type": "presence",
        "action": "join",
        "conn": joined["conn"],
        "user": crew.viewer.pk,
        "name": "vera",
        "initials": "VE",
        "color": joined["color"],
        "editing": None,
    }
    assert here == {
        "type": "presence",
        "action": "here",
        "conn": here["conn"],
        "user": crew.editor.pk,
        "name": "emil",
        "initials": "EM",
        "color": here["color"],
        "editing": None,
    }
    assert re.fullmatch(r"[0-9a-f]{12}", joined["conn"]) and joined["conn"] != here["conn"]
    assert re.fullmatch(r"#[0-9a-f]{6}", joined["color"])
    await quiet(a, b)

    await b.disconnect(timeout=TIMEOUT)
    left = await receive_json(a)
    assert (left["type"], left["action"], left["conn"], left["user"]) == ("presence", "leave", joined["conn"], crew.viewer.pk)
    await quiet(a)
    await close_all(a)


def batched_socket(crew, user):
    """A tab of the board page as it opens its socket: asking for batched presence."""
    query = f"client={new_client_id()}&presence=batched"
    ws = WebsocketCommunicator(application, f"/ws/boards/{crew.board.pk}/?{query}", headers=site_headers(crew.sessions[user.pk]))
    ws.board_id, ws.user = crew.board.pk, user
    return ws


class Page:
    """Who a page shows, from the presence frames it got (as static/js/live.js reads them),
    checking on the way that it is never told twice that someone came, nor that someone it
    did not know of left."""

    def __init__(self, ws):
        self.ws = ws
        self.people = {}
        self.frames = []

    def take(self, frame):
        assert frame["type"] == "presence", frame
        self.frames.append(frame)
        action = frame["action"]
        if action == "roster":
            assert len(self.frames) == 1, "the roster comes first, once"
            self.people = {person["conn"]: person for person in frame["people"]}
        elif action == "update":
            assert frame["joined"] or frame["left"], frame
            for conn in frame["left"]:
                assert self.people.pop(conn, None) is not None, (conn, frame)
            for person in frame["joined"]:
                assert person["conn"] not in self.people, (person, frame)
                self.people[person["conn"]] = person
            for conn, card in frame["editing"].items():
                self.people[conn]["editing"] = card
        elif action == "leave":
            assert self.people.pop(frame["conn"], None) is not None, frame
        else:
            assert action in ("join", "here"), frame
            assert frame["conn"] not in self.people, frame
            self.people[frame["conn"]] = {key: frame[key] for key in frame if key not in ("type", "action")}

    async def until(self, condition):
        while not condition(self):
            self.take(await receive_json(self.ws))


async def test_batched_presence_roster_update_and_leave(crew):
    a = batched_socket(crew, crew.editor)
    assert (await a.connect(timeout=TIMEOUT))[0]
    assert await receive_json(a) == {"type": "presence", "action": "roster", "people": []}  # alone

    b = batched_socket(crew, crew.viewer)
    assert (await b.connect(timeout=TIMEOUT))[0]
    there = await receive_json(b)
    joined = await receive_json(a)
    assert there == {
        "type": "presence",
        "action": "roster",
        "people": [{"conn": there["people"][0]["conn"], "user": crew.editor.pk, "name": "emil", "initials": "EM",
                    "color": there["people"][0]["color"], "editing": None}],
    }
    assert joined == {
        "type": "presence",
        "action": "update",
        "joined": [{"conn": joined["joined"][0]["conn"], "user": crew.viewer.pk, "name": "vera", "initials": "VE",
                    "color": joined["joined"][0]["color"], "editing": None}],
        "left": [],
        "editing": {},
    }
    assert re.fullmatch(r"[0-9a-f]{12}", joined["joined"][0]["conn"])
    assert joined["joined"][0]["conn"] != there["people"][0]["conn"]
    await quiet(a, b)

    await b.disconnect(timeout=TIMEOUT)
    assert await receive_json(a) == {"type": "presence", "action": "update", "joined": [],
                                     "left": [joined["joined"][0]["conn"]], "editing": {}}
    await quiet(a)
    await close_all(a)


async def test_a_connection_whose_consumer_crashed_leaves_the_roster(crew, monkeypatch):
    # A failure outside a browser frame's handling ends the connection without disconnect().
    relay = consumers.BoardConsumer.cursor_moved

    async def cursor_moved(consumer, message):
        if consumer.user == crew.viewer:
            raise RuntimeError("a relay that fails")
        await relay(consumer, message)

    monkeypatch.setattr(consumers.BoardConsumer, "cursor_moved", cursor_moved)
    a = batched_socket(crew, crew.editor)
    assert (await a.connect(timeout=TIMEOUT))[0]
    assert (await receive_json(a))["people"] == []
    b = batched_socket(crew, crew.viewer)
    assert (await b.connect(timeout=TIMEOUT))[0]
    assert len((await receive_json(b))["people"]) == 1
    (crashing,) = (await receive_json(a))["joined"]

    await a.send_json_to({"type": "cursor", "x": 1, "y": 2})
    with pytest.raises(RuntimeError):
        await b.receive_from(timeout=TIMEOUT)
    assert await receive_json(a) == {"type": "presence", "action": "update", "joined": [], "left": [crashing["conn"]],
                                     "editing": {}}
    c = batched_socket(crew, crew.owner)
    assert (await c.connect(timeout=TIMEOUT))[0]
    assert [person["name"] for person in (await receive_json(c))["people"]] == ["emil"]
    assert (await receive_json(a))["joined"][0]["name"] == "olivia"
    await quiet(a, c)
    await close_all(a, c)


async def test_twenty_pages_opening_at_once_get_a_handful_of_presence_frames(crew):
    users = (crew.owner, crew.editor, crew.viewer)
    # Pages asking for batched presence, and five that do not (one frame per person, as ever).
    batched = [batched_socket(crew, users[n % 3]) for n in range(15)]
    legacy = [socket(crew.board.pk, crew.sessions[users[n % 3].pk], new_client_id()) for n in range(5)]
    started = time.monotonic()
    opened = await asyncio.gather(*(ws.connect(timeout=10) for ws in batched + legacy))
    storm = time.monotonic() - started
    assert all(connected for connected, _ in opened)

    pages = [Page(ws) for ws in batched + legacy]
    for page in pages:
        await page.until(lambda page: len(page.people) == 19)
    await quiet(*batched, *legacy)

    # Each page shows everyone but itself: 20 connections, each missing from one page only.
    everyone = set().union(*(page.people for page in pages))
    assert len(everyone) == 20
    assert sorted(len(everyone - set(page.people)) for page in pages) == [1] * 20
    assert len(set().union(*(everyone - set(page.people) for page in pages))) == 20
    names = {user.pk: user.username for user in users}
    for page in pages:
        assert all(names[person["user"]] == person["name"] and person["editing"] is None for person in page.people.values())
    for page in pages[:15]:
        # The roster, then at most one update per window while the others kept arriving:
        # a handful of frames, where one per person would be 19.
        assert page.frames[0]["action"] == "roster"
        assert {frame["action"] for frame in page.frames[1:]} <= {"update"}
        assert len(page.frames) <= min(4 + storm / roster.WINDOW, 10), (len(page.frames), storm)
    for page in pages[15:]:
        assert len(page.frames) == 19  # exactly one here or join per other page

    # Five pages closing together: the others hear of it in a frame or two.
    closing, staying = pages[12:15] + pages[18:], pages[:12] + pages[15:18]
    gone = set().union(*(everyone - set(page.people) for page in closing))
    for page in staying:
        page.frames = [{"action": "roster"}]
    await asyncio.gather(*(page.ws.disconnect(timeout=TIMEOUT) for page in closing))
    for page in staying:
        await page.until(lambda page: len(page.people) == 14)
        assert not gone & set(page.people)
    await quiet(*(page.ws for page in staying))
    for page in staying[:12]:
        assert 1 <= len(page.frames) - 1 <= 3, page.frames
    for page in staying[12:]:
        assert [frame["action"] for frame in page.frames[1:]] == ["leave"] * 5
    await close_all(*(page.ws for page in staying))


async def test_a_newcomers_roster_says_what_is_being_edited(crew):
    a = batched_socket(crew, crew.editor)
    assert (await a.connect(timeout=TIMEOUT))[0]
    assert (await receive_json(a))["people"] == []
    b = batched_socket(crew, crew.viewer)
    assert (await b.connect(timeout=TIMEOUT))[0]
    assert len((await receive_json(b))["people"]) == 1
    assert len((await receive_json(a))["joined"]) == 1

    await a.send_json_to({"type": "editing", "card": crew.ad.pk})
    editing = await receive_json(b)
    assert (editing["type"], editing["card"]) == ("editing", crew.ad.pk)
    await settled(a)

    c = batched_socket(crew, crew.owner)
    assert (await c.connect(timeout=TIMEOUT))[0]
    there = await receive_json(c)
    assert sorted((person["name"], person["editing"]) for person in there["people"]) == [("emil", crew.ad.pk), ("vera", None)]
    # The pages already there get the newcomer, and (again) what changed meanwhile.
    update = await receive_json(b)
    assert [person["name"] for person in update["joined"]] == ["olivia"]
    assert update["editing"] == {editing["conn"]: crew.ad.pk}
    update = await receive_json(a)
    assert [person["name"] for person in update["joined"]] == ["olivia"]
    assert update["editing"] == {}  # its own editor is not news to it
    await quiet(a, b, c)
    await close_all(a, b, c)


REDIS = os.environ.get("REDIS_URL", "")


@pytest.mark.skipif(not REDIS, reason="REDIS ROSTER TEST NOT RUN: it needs REDIS_URL (.ci/run sets it)")
async def test_with_redis_entries_nobody_refreshes_leave_the_roster(crew, settings, monkeypatch):
    # Another server process's connections, in the board's hash: one refreshed just now, one
    # whose process died (not refreshed for longer than the expiry).
    from redis.asyncio import Redis

    prefix = f"test-roster-{new_client_id()[:8]}"
    settings.CHANNEL_LAYERS = {
        "default": {"BACKEND": "channels_redis.core.RedisChannelLayer", "CONFIG": {"hosts": [REDIS], "prefix": prefix}}
    }
    monkeypatch.setattr(roster, "HEARTBEAT", 0.2)
    client = Redis.from_url(REDIS)
    store = roster.RedisStore(client, f"{prefix}:presence:{board_group(crew.board.pk)}")
    alive = {"conn": "a11ve0000001", "user": crew.owner.pk, "name": "olivia", "initials": "OL", "color": "#4f5bd5",
             "editing": crew.ad.pk}
    dead = {**alive, "conn": "dead00000001", "editing": None}
    try:
        await store.put(alive)
        await store.put(dead, seen=time.time() - roster.EXPIRY - 1)

        page = batched_socket(crew, crew.viewer)
        assert (await page.connect(timeout=TIMEOUT))[0]
        assert await receive_json(page) == {"type": "presence", "action": "roster", "people": [alive]}
        async def until(condition):
            while not await condition():
                await asyncio.sleep(0.05)

        # This process's heartbeat swept the dead entry (its page never showed it: no frame).
        await asyncio.wait_for(until(lambda: _gone(client, store.key, dead["conn"])), TIMEOUT)
        fields = {field.decode() for field in await client.hkeys(store.key)}
        assert len(fields) == 2 and alive["conn"] in fields  # the other process's, and the page's own
        # The page's own entry, swept as if its process had been too slow to refresh it, is
        # written again by the next heartbeat.
        (own,) = fields - {alive["conn"]}
        await client.hdel(store.key, own)
        await asyncio.wait_for(until(lambda: client.hexists(store.key, own)), TIMEOUT)

        # The other process dies: its entry is no longer refreshed, and is announced as gone.
        await store.put(alive, seen=time.time() - roster.EXPIRY - 1)
        assert await receive_json(page) == {"type": "presence", "action": "update", "joined": [],
                                            "left": [alive["conn"]], "editing": {}}
        await page.disconnect(timeout=TIMEOUT)
        assert await client.hlen(store.key) == 0
    finally:
        await client.delete(store.key)
        await client.aclose()


async def _gone(client, key, field):
    return not await client.hexists(key, field)


async def test_a_newcomer_learns_what_is_being_edited(crew):
    a = await join(crew, crew.editor)
    await a.send_json_to({"type": "editing", "card": crew.ad.pk})
    await settled(a)
    b = await socket_open(crew, crew.viewer)
    joined = await receive_json(a)
    here = await receive_json(b)
    assert (joined["action"], here["action"], here["editing"]) == ("join", "here", crew.ad.pk)
    await quiet(a, b)
    await close_all(a, b)


async def test_cursor_reaches_the_others_rounded(crew):
    a = await join(crew, crew.editor)
    b = await join(crew, crew.viewer, a)

    await a.send_json_to({"type": "cursor", "x": 310.549, "y": 88})

    cursor = await receive_json(b)
    assert cursor == {
        "type": "cursor",
        "conn": cursor["conn"],
        "user": crew.editor.pk,
        "name": "emil",
        "initials": "EM",
        "color": cursor["color"],
        "x": 310.5,
        "y": 88.0,
    }
    await quiet(a, b)
    await close_all(a, b)


async def test_a_cursor_flood_is_thinned(crew):
    a = await join(crew, crew.editor)
    b = await join(crew, crew.viewer, a)

    for n in range(100):
        await a.send_json_to({"type": "cursor", "x": n, "y": n})
    await settled(a)  # all 100 handled (and A got none of its own back)

    received = []
    while not await b.receive_nothing(timeout=QUIET):
        received.append(await receive_json(b))
    assert 0 < len(received) <= CURSOR_RATE
    assert {frame["type"] for frame in received} == {"cursor"}
    # What gets through is the start of the flood, in order.
    assert [frame["x"] for frame in received] == [float(n) for n in range(len(received))]
    await quiet(a)
    await close_all(a, b)


async def test_editing_a_card_is_shown_to_the_others(crew):
    a = await join(crew, crew.editor)
    b = await join(crew, crew.viewer, a)

    await a.send_json_to({"type": "editing", "card": crew.ad.pk})
    editing = await receive_json(b)
    assert (editing["type"], editing["card"], editing["user"]) == ("editing", crew.ad.pk, crew.editor.pk)
    assert "channel" not in editing

    await a.send_json_to({"type": "editing", "card": None})
    closed = await receive_json(b)
    assert (closed["type"], closed["card"]) == ("editing", None)
    await quiet(a, b)
    await close_all(a, b)


@pytest.mark.parametrize("which", ["other board", "missing"])
async def test_editing_a_card_of_another_board_is_refused(crew, which):
    a = await join(crew, crew.editor)
    b = await join(crew, crew.viewer, a)

    card_id = crew.other_card.pk if which == "other board" else MISSING_ID
    await a.send_json_to({"type": "editing", "card": card_id})

    await receive_error(a, "invalid")
    await settled(a)
    await quiet(a, b)
    await close_all(a, b)


@pytest.mark.parametrize("card", ["ad", None], ids=["a card", "closing (null)"])
async def test_a_viewer_cannot_claim_to_edit(crew, card):
    a = await join(crew, crew.editor)
    viewer = await join(crew, crew.viewer, a)

    # Nothing reaches the others: not even that the viewer closed an editor.
    await viewer.send_json_to({"type": "editing", "card": crew.ad.pk if card else None})

    await receive_error(viewer, "forbidden")
    await settled(viewer)
    await quiet(a, viewer)
    await close_all(a, viewer)


# === 4. catching up after a reconnect =================================================


async def test_sync_at_the_current_revision(crew):
    a = await join(crew, crew.editor)
    revision = await current_revision(crew.board.pk)
    await a.send_json_to({"type": "sync", "revision": revision})
    assert await receive_json(a) == {"type": "synced", "revision": revision}
    await quiet(a)
    await close_all(a)


@pytest.mark.parametrize("user", ["editor", "viewer"])
async def test_a_stale_page_gets_the_whole_board(crew, user):
    member = getattr(crew, user)
    a = await join(crew, member)
    revision = await current_revision(crew.board.pk)

    await a.send_json_to({"type": "sync", "revision": revision - 2})

    html = await receive_html(a)
    assert oob_swaps(html) == [
        "#board-body", "#board-title", "#loop-toggle", "#personas", "#persona-count", "#persona-filter", "#timer", "#lock-banner",
        "#history-tools", "#board-revision",
    ]
    assert revision_of(html, resync=True) == revision
    assert f'id="board-body" class="board-body" data-revision="{revision}"' in html
    for card in (crew.ad, crew.newsletter, crew.product_page):
        assert f'id="card-{card.pk}"' in html
    assert "Elsewhere" not in html
    # Rendered for this connection's role.
    assert (edit_control(crew, crew.ad) in html) is (user == "editor")
    assert ('id="add-phase"' in html) is (user == "editor")
    await quiet(a)
    await close_all(a)


# === 5. moving a card over the socket ==================================================


async def test_card_move_over_the_socket(crew):
    a = await join(crew, crew.editor)
    b = await join(crew, crew.viewer, a)
    before = await current_revision(crew.board.pk)

    await a.send_json_to({"type": "card.move", "card": crew.ad.pk, "phase": crew.phases[1].pk, "position": 0})

    html = await receive_html(b)
    # The tab that dragged the card gets the server's placement back too (events.py: `echoed`), as its
    # editor sees it.
    echo = await receive_html(a)
    assert edit_control(crew, crew.ad) in echo and "hx-get" not in html
    assert oob_swaps(echo) == oob_swaps(html) == [
        f"innerHTML:#cards-{crew.phases[0].pk}",
        f"innerHTML:#cards-{crew.phases[1].pk}",
        f"#count-{crew.phases[0].pk}",
        f"#count-{crew.phases[1].pk}",
        f"#channels-{crew.phases[0].pk}",
        f"#channels-{crew.phases[1].pk}",
        "#emotion-curve",
        "#board-revision",
    ]
    # The target lane as the server has it: the moved card first.
    assert html.index(f'id="card-{crew.ad.pk}"') < html.index(f'id="card-{crew.product_page.pk}"')
    assert revision_of(html) == before + 1
    layout = await lanes(crew.board.pk)
    assert_gap_free(layout)
    assert [pk for pk, _ in layout[crew.phases[0].pk]] == [crew.newsletter.pk]
    assert [pk for pk, _ in layout[crew.phases[1].pk]] == [crew.ad.pk, crew.product_page.pk]
    event = await orm(lambda: BoardEvent.objects.filter(board=crew.board).last())()
    assert (event.kind, event.revision, event.actor_id) == ("card.moved", before + 1, crew.editor.pk)
    await quiet(a, b)
    await close_all(a, b)


async def test_card_move_within_a_lane(crew):
    a = await join(crew, crew.editor)
    b = await join(crew, crew.viewer, a)

    await a.send_json_to({"type": "card.move", "card": crew.ad.pk, "phase": crew.phases[0].pk, "position": 99})

    for ws in (b, a):
        html = await receive_html(ws)
        assert f"innerHTML:#cards-{crew.phases[0].pk}" in oob_swaps(html)
        assert html.index(f'id="card-{crew.newsletter.pk}"') < html.index(f'id="card-{crew.ad.pk}"')
    layout = await lanes(crew.board.pk)
    assert_gap_free(layout)
    assert [pk for pk, _ in layout[crew.phases[0].pk]] == [crew.newsletter.pk, crew.ad.pk]
    await quiet(a, b)
    await close_all(a, b)


async def test_a_viewer_cannot_move_cards(crew):
    editor = await join(crew, crew.editor)
    viewer = await join(crew, crew.viewer, editor)
    before = await state(crew)

    await viewer.send_json_to({"type": "card.move", "card": crew.ad.pk, "phase": crew.phases[1].pk, "position": 0})

    await receive_error(viewer, "forbidden")
    await settled(viewer)
    assert await state(crew) == before
    await quiet(editor, viewer)
    await close_all(editor, viewer)


@pytest.mark.parametrize(
    "card, phase",
    [
        pytest.param("other_card", "phases.0", id="card of another board"),
        pytest.param("ad", "other_phase", id="phase of another board"),
        pytest.param("other_card", "other_phase", id="both of another board"),
        pytest.param("missing", "phases.0", id="no such card"),
        pytest.param("ad", "missing", id="no such phase"),
    ],
)
async def test_moving_outside_the_board_is_refused(crew, card, phase):
    def pk(name):
        if name == "missing":
            return MISSING_ID
        if name == "phases.0":
            return crew.phases[0].pk
        return getattr(crew, name).pk

    a = await join(crew, crew.editor)
    b = await join(crew, crew.viewer, a)
    elsewhere = await join(crew, crew.editor, board=crew.other)
    before = await state(crew)

    await a.send_json_to({"type": "card.move", "card": pk(card), "phase": pk(phase), "position": 0})

    await receive_error(a, "invalid")
    await settled(a)
    assert await state(crew) == before
    await quiet(a, b, elsewhere)
    await close_all(a, b, elsewhere)


async def test_moving_a_card_with_an_id_beyond_any_database_integer(crew):
    # JSON has no integer limit; a page (or anyone with a socket) can send 2**70.
    a = await join(crew, crew.editor)
    before = await state(crew)

    await a.send_json_to({"type": "card.move", "card": 2**70, "phase": crew.phases[0].pk, "position": 0})

    await receive_error(a, "invalid")
    await settled(a)
    assert await state(crew) == before
    await close_all(a)


# === 6. frames that are not what the protocol says =====================================

BAD_FRAMES = [
    pytest.param("{not json", "malformed", id="malformed JSON"),
    pytest.param("[1, 2, 3]", "malformed", id="a JSON list"),
    pytest.param('"card.move"', "malformed", id="a JSON string"),
    pytest.param("[" * 2000 + "]" * 2000, "malformed", id="deeply nested JSON"),
    pytest.param(json.dumps({"type": "board.change", "html": {"viewer": "<p>"}}), "unknown_type", id="a group message type"),
    pytest.param(json.dumps({"type": "presence.join"}), "unknown_type", id="a handler name"),
    pytest.param(json.dumps({"card": 1}), "unknown_type", id="no type"),
    pytest.param(json.dumps({"type": "card.move", "card": "AD", "phase": "P0"}), "invalid", id="missing fields"),
    pytest.param(json.dumps({"type": "card.move", "card": "AD", "phase": "P1", "position": True}), "invalid", id="bool as int"),
    pytest.param(json.dumps({"type": "sync", "revision": "7"}), "invalid", id="revision as string"),
    pytest.param('{"type": "cursor", "x": NaN, "y": 10}', "invalid", id="NaN coordinate"),
    pytest.param('{"type": "cursor", "x": 10, "y": 1e999}', "invalid", id="infinite coordinate"),
    pytest.param(json.dumps({"type": "cursor", "x": 10, "y": 10**12}), "invalid", id="huge coordinate"),
    pytest.param(b'{"type": "sync", "revision": 0}', "invalid", id="binary frame"),
    pytest.param(json.dumps({"type": "sync", "revision": 0, "pad": "x" * MAX_FRAME_BYTES}), "too_large", id="over 64 KiB"),
]


@pytest.mark.parametrize("frame, code", BAD_FRAMES)
async def test_a_bad_frame_is_answered_and_the_socket_stays_open(crew, frame, code):
    a = await join(crew, crew.editor)
    b = await join(crew, crew.viewer, a)
    if isinstance(frame, str):
        frame = frame.replace('"AD"', str(crew.ad.pk)).replace('"P0"', str(crew.phases[0].pk))
        frame = frame.replace('"P1"', str(crew.phases[1].pk))
    before = await state(crew)

    if isinstance(frame, bytes):
        await a.send_to(bytes_data=frame)
    else:
        await a.send_to(text_data=frame)

    await receive_error(a, code)
    await settled(a)
    assert await state(crew) == before
    await quiet(a, b)
    # The others still get what happens on the board.
    await change(update_card, crew.owner, crew.ad, title="Instagram reel")
    assert "Instagram reel" in await receive_html(b)
    assert "Instagram reel" in await receive_html(a)
    await quiet(a, b)
    await close_all(a, b)


# === 7. membership changes while connected ============================================


async def test_removing_a_member_closes_their_socket(crew):
    editor = await join(crew, crew.editor)
    viewer = await join(crew, crew.viewer, editor)
    owner = await join(crew, crew.owner, editor, viewer)

    await change(remove_member, crew.owner, crew.board, crew.editor.pk)

    # The removed member gets no more of the board, only the close.
    await assert_closed(editor, consumers.CLOSE_NOT_A_MEMBER)
    for ws in (viewer, owner):
        html = await receive_html(ws)
        assert oob_swaps(html) == ["#members", "#board-revision"]
        assert "emil" not in html
    await quiet(editor)
    await editor.disconnect(timeout=TIMEOUT)
    for ws in (viewer, owner):
        left = await receive_json(ws)
        assert (left["action"], left["user"]) == ("leave", crew.editor.pk)

    # Nor anything afterwards.
    await change(update_card, crew.owner, crew.ad, title="Instagram reel")
    for ws in (viewer, owner):
        assert "Instagram reel" in await receive_html(ws)
    await quiet(viewer, owner, editor)
    await close_all(viewer, owner)


async def test_removing_someone_else_keeps_the_socket(crew):
    viewer = await join(crew, crew.viewer)
    await change(remove_member, crew.owner, crew.board, crew.walter.pk)
    assert "#members" in oob_swaps(await receive_html(viewer))
    await settled(viewer)
    await close_all(viewer)


async def test_promotion_sends_the_new_role_and_html_for_it(crew):
    editor = await join(crew, crew.editor)
    viewer = await join(crew, crew.viewer, editor)

    await change(add_member, crew.owner, crew.board, "vera", Role.EDITOR)

    assert await receive_json(viewer) == {"type": "role", "role": "editor"}
    assert "#members" in oob_swaps(await receive_html(viewer))
    assert "#members" in oob_swaps(await receive_html(editor))
    await quiet(editor)
    # From now on this socket gets the editor's HTML, with the controls...
    card = await change(create_card, crew.owner, crew.phases[0], title="Checkout survey")
    assert edit_control(crew, card) in await receive_html(viewer)
    await receive_html(editor)
    # ...and may move cards.
    await viewer.send_json_to({"type": "card.move", "card": card.pk, "phase": crew.phases[1].pk, "position": 0})
    for ws in (editor, viewer):
        assert f"innerHTML:#cards-{crew.phases[1].pk}" in oob_swaps(await receive_html(ws))
    await quiet(viewer, editor)
    await close_all(editor, viewer)


async def test_demotion_sends_the_new_role_and_takes_the_controls_away(crew):
    editor = await join(crew, crew.editor)

    await change(add_member, crew.owner, crew.board, "emil", Role.VIEWER)

    assert await receive_json(editor) == {"type": "role", "role": "viewer"}
    await receive_html(editor)
    card = await change(create_card, crew.owner, crew.phases[0], title="Checkout survey")
    assert "hx-get" not in await receive_html(editor)
    before = await state(crew)
    await editor.send_json_to({"type": "card.move", "card": card.pk, "phase": crew.phases[1].pk, "position": 0})
    await receive_error(editor, "forbidden")
    assert await state(crew) == before
    await quiet(editor)
    await close_all(editor)


async def test_a_role_change_of_someone_else_sends_no_role(crew):
    viewer = await join(crew, crew.viewer)
    await change(add_member, crew.owner, crew.board, "walter", Role.EDITOR)
    assert "#members" in oob_swaps(await receive_html(viewer))
    await quiet(viewer)
    await close_all(viewer)


# === 8. a failure inside one consumer ==================================================


def _boom(*args, **kwargs):
    raise RuntimeError("simulated failure")


@pytest.mark.parametrize(
    "target, stale",
    [
        pytest.param("render_resync", True, id="rendering a resync"),
        pytest.param("get_board_for_user", False, id="the access check"),
    ],
)
async def test_a_server_error_closes_only_that_connection(crew, monkeypatch, target, stale, caplog):
    a = await join(crew, crew.editor)
    b = await join(crew, crew.viewer, a)
    revision = await current_revision(crew.board.pk)
    monkeypatch.setattr(consumers, target, _boom)

    await a.send_json_to({"type": "sync", "revision": revision - 1 if stale else revision})

    await receive_error(a, "server_error")
    await assert_closed(a, consumers.CLOSE_SERVER_ERROR)
    assert any(record.exc_info and "simulated failure" in str(record.exc_info[1]) for record in caplog.records)
    # The server leaves the group as it closes: the others see that tab leave at once...
    left = await receive_json(b)
    assert (left["action"], left["user"]) == ("leave", crew.editor.pk)
    await a.disconnect(timeout=TIMEOUT)
    await quiet(b)
    # ...and carry on.
    monkeypatch.undo()
    await change(update_card, crew.owner, crew.ad, title="Instagram reel")
    assert "Instagram reel" in await receive_html(b)
    await settled(b)
    await quiet(a, b)
    await close_all(b)


# === after the server closed a socket ==================================================


async def _remove_the_editor(crew, monkeypatch, editor):
    await change(remove_member, crew.owner, crew.board, crew.editor.pk)
    await assert_closed(editor, consumers.CLOSE_NOT_A_MEMBER)


async def _fail_the_editors_consumer(crew, monkeypatch, editor):
    monkeypatch.setattr(consumers, "render_resync", _boom)
    await editor.send_json_to({"type": "sync", "revision": -1})
    await receive_error(editor, "server_error")
    await assert_closed(editor, consumers.CLOSE_SERVER_ERROR)
    monkeypatch.undo()


@pytest.mark.parametrize(
    "close",
    [
        pytest.param(_remove_the_editor, id="removed from the board"),
        pytest.param(_fail_the_editors_consumer, id="server error"),
    ],
)
async def test_a_socket_the_server_closed_is_sent_nothing_more(crew, monkeypatch, close):
    """Between the server's close frame and the browser's answer the consumer still runs.
    ASGI allows no send after websocket.close (daphne raises), and a member just removed
    must not see another change, cursor or who-is-editing of the board."""
    editor = await join(crew, crew.editor)
    owner = await join(crew, crew.owner, editor)
    await close(crew, monkeypatch, editor)
    while not await owner.receive_nothing(timeout=QUIET):
        await owner.receive_from()  # the members list, when the editor was removed

    await change(update_card, crew.owner, crew.ad, title="Instagram reel")
    await owner.send_json_to({"type": "cursor", "x": 1, "y": 2})
    await owner.send_json_to({"type": "editing", "card": crew.ad.pk})
    assert "Instagram reel" in await receive_html(owner)
    await settled(owner)

    await quiet(editor)
    await close_all(editor, owner)
