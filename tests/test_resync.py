"""The whole board for pages that missed changes (journeyboard/realtime/resync.py): rendered once
per revision, role and language and shared; a socket flooding `sync` gets at most one whole
board a second and stays cheap to serve."""

import asyncio

import pytest
from asgiref.sync import sync_to_async

from journeyboard.boards.cards import update_card
from journeyboard.realtime import consumers, resync
from journeyboard.realtime.origin import new_client_id
from tests.realtime import TIMEOUT, current_revision, join, receive_html, receive_json, settled, socket

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def fresh_table(monkeypatch):
    table = resync.RenderedBoards()
    monkeypatch.setattr(consumers, "rendered_boards", table)
    return table


async def open_tab(crew, user):
    ws = socket(crew.board.pk, crew.sessions[user.pk], new_client_id())
    assert (await ws.connect(timeout=TIMEOUT))[0]
    return ws


async def test_pages_at_the_same_stale_revision_share_one_render(crew, fresh_table):
    tabs = [await open_tab(crew, crew.editor) for _ in range(5)]
    try:
        for ws in tabs:  # presence: one frame per other tab (here, or join for those opened after it)
            for _ in tabs[1:]:
                assert (await receive_json(ws))["type"] == "presence"
        for ws in tabs:
            await ws.send_json_to({"type": "sync", "revision": -1})
        pages = [await receive_html(ws) for ws in tabs]
    finally:
        for ws in tabs:
            await ws.disconnect()
    assert len(set(pages)) == 1 and "data-resync" in pages[0]
    assert fresh_table.renders == 1


async def test_a_change_makes_the_next_resync_render_anew(crew, fresh_table):
    ws = await join(crew, crew.editor)
    try:
        await ws.send_json_to({"type": "sync", "revision": -1})
        before = await receive_html(ws)
        await sync_to_async(update_card)(crew.owner, crew.ad, title="Retitled ad")
        await receive_html(ws)  # the broadcast of the change
        await ws.send_json_to({"type": "sync", "revision": -1})
        after = await receive_html(ws)
    finally:
        await ws.disconnect()
    assert "Retitled ad" in after and "Retitled ad" not in before
    assert fresh_table.renders == 2


async def test_roles_and_languages_get_their_own_render(crew, fresh_table):
    editor, viewer = await join(crew, crew.editor), None
    try:
        viewer = await join(crew, crew.viewer, editor)
        for ws in (editor, viewer):
            await ws.send_json_to({"type": "sync", "revision": -1})
        editor_page, viewer_page = await receive_html(editor), await receive_html(viewer)
    finally:
        await editor.disconnect()
        if viewer is not None:
            await viewer.disconnect()
    assert editor_page != viewer_page
    assert fresh_table.renders == 2


async def test_a_sync_flood_gets_one_whole_board_a_second_and_the_socket_stays_responsive(crew, fresh_table):
    ws = await join(crew, crew.viewer)
    try:
        for _ in range(30):
            await ws.send_json_to({"type": "sync", "revision": -1})
        first = await receive_html(ws)
        # The frames after the first sync were read at once, not behind its render: a sync at
        # the current revision is only answered after the coalesced whole board, though, since
        # answers keep the order of the board's state.
        second = await receive_html(ws)
        await settled(ws, await current_revision(crew.board.pk))
        extra = await ws.receive_nothing(timeout=0.3)
    finally:
        await ws.disconnect()
    assert first == second  # the 29 syncs after the first were answered together, by one board
    assert extra
    assert fresh_table.renders == 1  # and from the shared render


async def test_the_first_whole_board_is_not_delayed(crew):
    ws = await join(crew, crew.viewer)
    try:
        started = asyncio.get_running_loop().time()
        await ws.send_json_to({"type": "sync", "revision": -1})
        await receive_html(ws)
        elapsed = asyncio.get_running_loop().time() - started
    finally:
        await ws.disconnect()
    assert elapsed < consumers.RESYNC_INTERVAL


async def test_a_sync_at_the_current_revision_costs_one_token_a_whole_board_many(crew, monkeypatch, settings):
    settings.WS_MESSAGES_PER_SECOND = 1
    settings.WS_MESSAGE_BURST = consumers.RESYNC_COST + 2
    ws = await join(crew, crew.viewer)
    try:
        revision = await current_revision(crew.board.pk)
        for _ in range(3):  # three cheap syncs fit
            await ws.send_json_to({"type": "sync", "revision": revision})
            assert await receive_json(ws) == {"type": "synced", "revision": revision}
        monkeypatch.setattr(consumers, "RESYNC_INTERVAL", 0)
        await ws.send_json_to({"type": "sync", "revision": -1})
        refused = await receive_json(ws)  # the whole board no longer does
    finally:
        await ws.disconnect()
    assert (refused["type"], refused["code"]) == ("error", "rate_limited")


async def test_a_failed_render_is_not_kept(fresh_table):
    calls = []

    async def failing():
        calls.append(1)
        raise RuntimeError("database gone")

    async def working():
        calls.append(2)
        return "<div>board</div>"

    key = (1, 1, None, "editor", "en")
    with pytest.raises(RuntimeError):
        await fresh_table.html(key, failing)
    assert await fresh_table.html(key, working) == "<div>board</div>"
    assert await fresh_table.html(key, failing) == "<div>board</div>"  # kept now
    assert calls == [1, 2]


async def test_the_table_keeps_only_the_newest_entries():
    table = resync.RenderedBoards(entries=2)

    async def render(value):
        return value

    for revision in range(3):
        await table.html((1, revision), lambda revision=revision: render(str(revision)))
    assert list(table.done) == [(1, 1), (1, 2)]
