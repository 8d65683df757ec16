"""Live updates pause when the channel layer (Redis) cannot be reached, and edits go on.

In-process, with a channel layer that fails the way channels-redis does when Redis is gone
(journeyboard/realtime/outage.py tells what that is). tests/test_faults.py does the same
against a real Redis that is stopped and started, across two server processes.
"""

import asyncio
import logging
from unittest import mock

import pytest
from channels.layers import InMemoryChannelLayer, get_channel_layer
from django.db import OperationalError
from redis.exceptions import ConnectionError as RedisConnectionError

from journeyboard.boards.cards import create_card
from journeyboard.realtime.consumers import CLOSE_LIVE_PAUSED
from tests.realtime import (
    TIMEOUT,
    assert_closed,
    change,
    close_all,
    current_revision,
    join,
    receive_html,
    refused,
    revision_of,
    settled,
    socket,
)

pytestmark = pytest.mark.django_db(transaction=True)


class FlakyLayer(InMemoryChannelLayer):
    """The in-memory layer, failing like channels-redis once `down()` is called: every call
    raises redis' ConnectionError, and so does the read each socket keeps waiting on."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.outage = asyncio.Event()

    def fail_if_down(self):
        if self.outage.is_set():
            raise RedisConnectionError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    async def down(self):
        self.outage.set()

    def up(self):
        self.outage = asyncio.Event()

    async def group_add(self, group, channel):
        self.fail_if_down()
        return await super().group_add(group, channel)

    async def group_send(self, group, message):
        self.fail_if_down()
        return await super().group_send(group, message)

    async def send(self, channel, message):
        self.fail_if_down()
        return await super().send(channel, message)

    async def receive(self, channel):
        self.fail_if_down()
        message = asyncio.ensure_future(super().receive(channel))
        outage = asyncio.ensure_future(self.outage.wait())
        done, pending = await asyncio.wait({message, outage}, return_when=asyncio.FIRST_COMPLETED)
        for task in pending:
            task.cancel()
        if message in done:
            return message.result()
        self.fail_if_down()


@pytest.fixture(autouse=True)
def flaky_layer(settings):
    settings.CHANNEL_LAYERS = {"default": {"BACKEND": "tests.test_live_pause.FlakyLayer"}}


async def test_every_open_socket_is_closed_with_4503_when_the_layer_fails(crew, caplog):
    owner = await join(crew, crew.owner)
    editor = await join(crew, crew.editor, owner)
    with caplog.at_level(logging.WARNING, logger="journeyboard.realtime"):
        await get_channel_layer().down()
        # Closed, with nothing before the close: no "server_error" for a fault of Redis.
        await assert_closed(owner, CLOSE_LIVE_PAUSED)
        await assert_closed(editor, CLOSE_LIVE_PAUSED)
    assert "live updates paused" in caplog.text


async def test_a_page_that_connects_during_the_outage_is_told_so(crew):
    await get_channel_layer().down()
    ws = socket(crew.board.pk, crew.sessions[crew.editor.pk], "")
    await refused(ws, CLOSE_LIVE_PAUSED)  # accepted, then closed: the browser sees the code


async def test_an_edit_during_the_outage_is_saved_and_reaches_pages_once_they_are_back(crew, caplog):
    layer = get_channel_layer()
    owner = await join(crew, crew.owner)
    before = await current_revision(crew.board.pk)
    await layer.down()
    await assert_closed(owner, CLOSE_LIVE_PAUSED)

    with caplog.at_level(logging.WARNING, logger="journeyboard.realtime"):
        card = await change(create_card, crew.editor, crew.phases[2], title="Made while Redis was down")
    assert card.pk is not None  # saved: the failed broadcast did not undo or refuse it
    assert "not sent" in caplog.text

    layer.up()
    back = await join(crew, crew.owner)
    await back.send_json_to({"type": "sync", "revision": before})
    board = await receive_html(back)
    assert revision_of(board, resync=True) == before + 1
    assert "Made while Redis was down" in board
    # And live again: the next change arrives as a change.
    await change(create_card, crew.editor, crew.phases[0], title="After the outage")
    assert "After the outage" in await receive_html(back)
    await settled(back)
    await close_all(back)


async def test_sockets_keep_working_while_the_layer_does(crew):
    """The pause is for layer failures only: the same sockets stay open without one."""
    owner = await join(crew, crew.owner)
    await change(create_card, crew.editor, crew.phases[0], title="Ordinary change")
    assert "Ordinary change" in await asyncio.wait_for(receive_html(owner), TIMEOUT)
    await settled(owner)
    await close_all(owner)


async def test_a_socket_that_cannot_reach_the_database_is_paused_without_an_error_toast(crew, caplog):
    """While PostgreSQL restarts, a sync fails: the page is told "paused" (4503) and retries,
    instead of a "server error" toast on top of the HTTP 503 the page already shows."""
    editor = await join(crew, crew.editor)
    down = OperationalError("connection to server at \"127.0.0.1\", port 5432 failed: Connection refused")
    with mock.patch("journeyboard.realtime.consumers.get_board_for_user", side_effect=down):
        with caplog.at_level(logging.WARNING, logger="journeyboard.realtime"):
            await editor.send_json_to({"type": "sync", "revision": 0})
            await assert_closed(editor, CLOSE_LIVE_PAUSED)  # the very next output: no error frame
    assert "database unreachable" in caplog.text
