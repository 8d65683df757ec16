"""Faults and load on the production set-up: daphne processes sharing PostgreSQL and Redis.

What the people on a board get when many of them edit through two processes, when a process
is killed, when Redis stops and when PostgreSQL restarts, and that everyone still ends up
with every change. What gets stopped is private to these tests (tests/faultstack.py: our own
redis-server and PostgreSQL cluster on free ports), never the machine's shared services.
CI runs this file in its PostgreSQL + Redis stage; bench/reliability.py measures the same
scenarios with 200 pages, whose figures are in docs/reliability.md.
"""

import asyncio
import json
import os
import shutil
from concurrent.futures import ThreadPoolExecutor

import pytest

from tests.faultstack import (
    CLOSE_LIVE_PAUSED,
    PASSWORD,
    FaultStack,
    Page,
    PrivateCluster,
    PrivateRedis,
    database_state,
    mixed_edits,
    open_pages,
    quiet,
    request,
    setup_boards,
    through,
    wait_for,
)
from tests.livestack import Browserless

POSTGRES = os.environ.get("DATABASE_URL", "")
REDIS = os.environ.get("REDIS_URL", "")

pytestmark = [
    pytest.mark.skipif(
        not (REDIS and POSTGRES.startswith("postgres")),
        reason="FAULT TESTS NOT RUN: they need REDIS_URL and a PostgreSQL DATABASE_URL (.ci/run sets both)",
    ),
    pytest.mark.skipif(
        not shutil.which("redis-server"),
        reason="FAULT TESTS NOT RUN: they start a private redis-server, which is not installed",
    ),
]

# Pages on the board in the convergence test; bench/reliability.py runs 200.
PAGES = 60


@pytest.fixture(scope="module")
def redis():
    with PrivateRedis() as server:
        yield server


@pytest.fixture(scope="module")
def postgres():
    """A PostgreSQL cluster of our own, which the last test restarts; without one (no
    server binaries) the tests use DATABASE_URL's server and that test is skipped."""
    if PrivateCluster.why_unavailable():
        yield None
        return
    with PrivateCluster() as cluster:
        yield cluster


@pytest.fixture(scope="module")
def stack(redis, postgres):
    with FaultStack(postgres.url if postgres else POSTGRES, redis.url, processes=2) as running:
        running.boards = setup_boards(running, "converge", "quiet", "kill", "redis", "blip", "restart")
        yield running


@pytest.fixture
def live(stack, redis):
    """Both processes and Redis up (an earlier test may have stopped one); anna signed in."""
    if not redis.ping():
        redis.start()
    stack.revive()
    return Browserless(stack.ports[0]).sign_in("anna", PASSWORD)


async def all_live(pages, timeout=30):
    """Every page connected and its first sync answered."""
    assert await wait_for(lambda: all(page.synced_at for page in pages), timeout), "pages did not connect"


async def close_all(pages):
    await asyncio.gather(*(page.stop() for page in pages))


async def post_all(edits, workers=4):
    """Send (client, path, fields) edits, `workers` at a time, like people editing at once."""
    with ThreadPoolExecutor(workers) as pool:
        loop = asyncio.get_running_loop()
        return await asyncio.gather(*(loop.run_in_executor(pool, request, *edit) for edit in edits))


# --- a. load: two processes, many pages, edits through both ---------------------------------


async def test_every_page_gets_every_change_made_through_either_process(stack, live):
    board = stack.boards["converge"]
    clients = [through(live, port) for port in stack.ports]
    pages = open_pages(PAGES, stack.ports, board, live.ws_headers())
    try:
        await all_live(pages)
        await quiet(pages)
        edits, markers = mixed_edits(board, clients, 45, "converge")
        answers = await post_all(edits)
        assert [answer.status for answer in answers] == [200] * len(edits)
        final = database_state(stack, board["id"])["revision"]
        assert final == board["revision"] + len(edits)
        expected = set(range(board["revision"] + 1, final + 1))
        await wait_for(lambda: all(page.received >= expected and page.contiguous == final for page in pages), 60)
    finally:
        await close_all(pages)

    for page in pages:
        # Every change arrived as a change frame, none only through a resync, none twice.
        assert page.received == expected, f"page on {page.port} missed {sorted(expected - page.received)}"
        assert page.duplicates == 0
        assert page.contiguous == final
        assert all(page.shows(marker) for marker in markers)
    assert {page.port for page in pages} == set(stack.ports)


async def test_pages_on_a_quiet_board_stay_connected(stack, live):
    """Each process keeps a read open on Redis that returns after 5 s without messages;
    with redis-py's default 5 s read timeout it timed out instead, and every socket of the
    process was dropped, on every quiet board, every 5 s (settings: socket_timeout)."""
    board = stack.boards["quiet"]
    pages = open_pages(4, stack.ports, board, live.ws_headers())
    try:
        await all_live(pages)
        dropped = await wait_for(lambda: any(page.closes for page in pages), 7)
    finally:
        await close_all(pages)
    assert not dropped, [page.closes for page in pages]


# --- b. a process killed mid-session ----------------------------------------------------


async def test_pages_of_a_killed_process_reconnect_and_no_acknowledged_edit_is_lost(stack, live):
    board = stack.boards["kill"]
    port_a, port_b = stack.ports
    clients = [through(live, port_a), through(live, port_b)]
    pages = open_pages(30, stack.ports, board, live.ws_headers())
    try:
        await all_live(pages)
        edits, _markers = mixed_edits(board, clients, 40, "kill")
        answers = await post_all(edits[:15])
        # SIGKILL while edits are on their way through both processes: its sockets drop
        # without a close frame, its requests in flight get no answer.
        rest = asyncio.ensure_future(post_all(edits[15:], workers=2))
        await asyncio.sleep(0.1)
        stack.kill(1)
        answers += await rest
        # A change committed by the dying process may never have been broadcast: the next
        # change shows the other pages a hole, and they catch up (live.js does the same).
        edits.append((clients[0], f"/boards/{board['id']}/phases/{board['phases'][0]}/cards/", {"title": "kill-last"}))
        answers.append(request(*edits[-1]))
        # Created cards: retitles of the same card overwrite each other, creates never do.
        acknowledged = [fields["title"] for (_c, path, fields), answer in zip(edits, answers)
                        if answer.status == 200 and path.endswith("/cards/")]
        state = database_state(stack, board["id"])
        converged = await wait_for(lambda: all(page.contiguous == state["revision"] for page in pages), 60)
    finally:
        await close_all(pages)

    through_a = [answer.status for (client, _p, _f), answer in zip(edits, answers) if client is clients[0]]
    through_b = [answer.status for (client, _p, _f), answer in zip(edits, answers) if client is clients[1]]
    assert set(through_a) == {200}
    assert set(through_b) == {200, None}  # answered before the kill, or not at all
    assert set(acknowledged) <= set(state["titles"]), "an acknowledged edit is not in the database"
    assert converged, [page.contiguous for page in pages]
    orphans = [page for page in pages if page.ports[0] == port_b]
    assert orphans and all(page.closes[0][0] == 1006 and page.port == port_a for page in orphans)
    for page in pages:
        # Shown to everyone: live, or in the whole board a reconnected page got for its sync.
        assert all(page.shows(title) for title in acknowledged), f"page first on {page.ports[0]} misses an edit"


# --- c. Redis stops -------------------------------------------------------------------------


async def test_redis_down_pauses_live_updates_keeps_saving_and_everyone_catches_up(stack, live, redis):
    board = stack.boards["redis"]
    clients = [through(live, port) for port in stack.ports]
    pages = open_pages(20, stack.ports, board, live.ws_headers())
    late = None
    try:
        await all_live(pages)
        redis.kill()
        # Every open page is told: its socket closes with 4503 ("live updates paused").
        assert await wait_for(lambda: all(page.closes for page in pages), 5)
        # Edits still work: saved and answered, through either process.
        during = [(client, f"/boards/{board['id']}/phases/{board['phases'][0]}/cards/", {"title": f"outage-{n}"})
                  for n, client in enumerate(clients)]
        answers = await post_all(during)
        # Signing in works too (the login limits live in Redis; they are not counted meanwhile).
        bert = await asyncio.to_thread(Browserless(stack.ports[1]).sign_in, "bert", PASSWORD)
        # A page opened during the outage learns it too (not an HTTP 500 handshake).
        late = Page(stack.ports, board["id"], live.ws_headers(), board["revision"]).start()
        assert await wait_for(lambda: late.closes, 5)
        redis.start()
        state = database_state(stack, board["id"])
        # Without a reload: the pages reconnect, sync, and get what they missed.
        everyone = [*pages, late]
        assert await wait_for(lambda: all(page.contiguous == state["revision"] for page in everyone), 60)
        # Live again: a change after the outage arrives as a change, not through a resync.
        answer = request(clients[1], f"/boards/{board['id']}/cards/{board['cards'][0]}/", {"title": "after the outage"})
        assert answer.status == 200
        assert await wait_for(lambda: all(answer.revision in page.received for page in everyone), 30)
    finally:
        await close_all(pages + ([late] if late else []))

    assert [answer.status for answer in answers] == [200, 200]
    assert bert.cookie("sessionid")
    assert {"outage-0", "outage-1"} <= set(state["titles"])
    for page in everyone:
        assert page.closes[0][0] == CLOSE_LIVE_PAUSED
        assert page.shows("outage-0") and page.shows("outage-1") and page.shows("after the outage")
    logs = stack.logs()
    assert "live updates paused" in logs
    crash = logs.find("Exception inside application")
    assert crash < 0, logs[crash:crash + 3000]  # no socket died of an unhandled error


async def test_a_quick_redis_restart_leaves_no_page_behind(stack, live, redis):
    """Redis back within milliseconds, empty: a socket whose calls happen to succeed again
    would have lost its group membership and miss every later change, silently. All
    sockets of a process are closed together, so each joins again and catches up."""
    board = stack.boards["blip"]
    pages = open_pages(20, stack.ports, board, live.ws_headers())
    try:
        await all_live(pages)
        redis.kill()
        redis.start()
        answer = request(through(live, stack.ports[0]), f"/boards/{board['id']}/phases/{board['phases'][1]}/cards/",
                         {"title": "after the blip"})
        assert answer.status == 200
        caught_up = await wait_for(lambda: all(page.contiguous >= answer.revision for page in pages), 60)
    finally:
        await close_all(pages)
    assert caught_up, [page.contiguous for page in pages]
    assert all(page.shows("after the blip") for page in pages)


# --- d. PostgreSQL restarts -------------------------------------------------------------


async def test_postgresql_down_answers_503_and_the_app_recovers_by_itself(stack, live, postgres):
    if postgres is None:
        pytest.skip(f"POSTGRESQL RESTART TEST NOT RUN: {PrivateCluster.why_unavailable()}")
    board = stack.boards["restart"]
    anna = live
    create = f"/boards/{board['id']}/phases/{board['phases'][0]}/cards/"
    page = Page(stack.ports, board["id"], anna.ws_headers(), board["revision"]).start()
    try:
        await all_live([page])
        postgres.stop()
        down_page = request(anna, "/")
        down_edit = request(anna, create, {"title": "while down"}, htmx=True)
        # After a failed change the page asks for the whole board (live.js): that needs the
        # database too, so its socket is told "paused" (4503) and retries.
        before = len(page.synced_at)
        await page.socket.send(json.dumps({"type": "sync", "revision": -1}))
        told = await wait_for(lambda: page.closes, 5)
        postgres.start()
        # Recovered by itself: no server restart, the very next requests work.
        up_page = request(anna, "/")
        up_edit = request(anna, create, {"title": "back up"}, htmx=True)
        back = await wait_for(lambda: len(page.synced_at) > before, 10)

        # Requests in flight while it restarts: answered 200 or 503, never a server error.
        edits = [(anna, create, {"title": f"restart-{n:02d}"}, True) for n in range(40)]
        with ThreadPoolExecutor(4) as pool:
            loop = asyncio.get_running_loop()
            flying = [loop.run_in_executor(pool, request, *edit) for edit in edits[:20]]
            await asyncio.sleep(0.05)
            await asyncio.to_thread(postgres.restart)
            flying += [loop.run_in_executor(pool, request, *edit) for edit in edits[20:]]
            answers = await asyncio.gather(*flying)
        state = database_state(stack, board["id"])
        # The page's socket survived the restart; its database thread reconnected (health checks).
        synced = len(page.synced_at)
        await page.socket.send(json.dumps({"type": "sync", "revision": page.contiguous}))
        answered = await wait_for(lambda: len(page.synced_at) > synced, 10)
        converged = await wait_for(lambda: page.contiguous == state["revision"], 10)
        dropped = list(page.closes)
    finally:
        await page.stop()
        postgres.start_if_stopped()  # the stack's teardown needs it

    for answer in (down_page, down_edit):
        assert answer.status == 503
        assert answer.headers["Retry-After"] == "5"
        assert "The database is not reachable right now. Please try again in a moment." in answer.body
        assert "Traceback" not in answer.body
    assert down_edit.headers["Content-Type"].startswith("text/plain")  # the board page's toast
    assert "<h1>" in down_page.body  # a page, not Django's bare "Server Error (500)"
    assert (up_page.status, up_edit.status) == (200, 200)
    statuses = [answer.status for answer in answers]
    assert set(statuses) <= {200, 503}, statuses
    saved = {fields["title"] for (_c, _p, fields, _h), answer in zip(edits, answers) if answer.status == 200}
    assert saved <= set(state["titles"])
    assert "while down" not in state["titles"] and "back up" in state["titles"]
    assert told and back and answered and converged
    assert [code for code, _port, _at in dropped] == [CLOSE_LIVE_PAUSED]  # only when told, not in the restart
    assert "database unreachable" in stack.logs()
