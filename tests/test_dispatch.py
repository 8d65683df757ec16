"""The board consumer skips Channels' per-message `close_old_connections`
(journeyboard/realtime/dispatch.py). These tests pin what that relies on in Channels:
an upgrade that changes either fact fails here, not silently in production."""

from unittest import mock

import pytest
from channels.consumer import AsyncConsumer
from channels.db import database_sync_to_async

from journeyboard.realtime.consumers import BoardConsumer
from journeyboard.realtime.dispatch import DirectDispatch


class Plain(AsyncConsumer):
    async def board_change(self, message):
        self.seen = message


class Direct(DirectDispatch, Plain):
    pass


async def test_channels_closes_old_connections_before_every_handler():
    # What the board consumer skips: if Channels stops doing it, the skip is pointless.
    consumer = Plain()
    with mock.patch("channels.consumer.aclose_old_connections", new=mock.AsyncMock()) as closing:
        await consumer.dispatch({"type": "board.change"})
    assert closing.await_count == 1 and consumer.seen == {"type": "board.change"}


def test_database_sync_to_async_closes_old_connections_around_every_call():
    # What makes the skip safe: every database access of the consumer goes through this.
    import asyncio

    with mock.patch("channels.db.close_old_connections") as closing:
        assert asyncio.run(database_sync_to_async(lambda: "done")()) == "done"
    assert closing.call_count == 2


async def test_direct_dispatch_calls_the_handler_without_the_trip():
    consumer = Direct()
    with mock.patch("channels.consumer.aclose_old_connections", new=mock.AsyncMock()) as closing:
        await consumer.dispatch({"type": "board.change"})
    assert closing.await_count == 0 and consumer.seen == {"type": "board.change"}


async def test_direct_dispatch_refuses_what_channels_refuses():
    for message in ({"type": "no.such"}, {"type": "_private"}, {}):
        with pytest.raises(ValueError):
            await Direct().dispatch(message)


def test_the_board_consumer_uses_it():
    assert BoardConsumer.dispatch is DirectDispatch.dispatch
