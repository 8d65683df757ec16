"""Message dispatch for the board consumer without Channels' per-message database clean-up.

Channels' `AsyncConsumer.dispatch` runs `close_old_connections` in the sync thread before
every handler: a trip to that thread and back for each message of each socket, fifty for
one edit on a board that fifty pages have open. The board consumer reaches the database
only through `database_sync_to_async`, which closes stale connections around every call
itself, so the trip buys nothing there, and skipping it keeps the fan-out of
bench/fanout.py (50 pages, 20 edits a second) markedly closer to its floor.

tests/test_dispatch.py pins both facts about Channels this relies on, so an upgrade that
changes either fails loudly.
"""

from channels.consumer import get_handler_name


class DirectDispatch:
    """Consumer mixin: call the message's handler directly (see the module docstring).
    Only for consumers whose handlers use the database solely via database_sync_to_async."""

    async def dispatch(self, message):
        handler = getattr(self, get_handler_name(message), None)
        if handler is None:
            raise ValueError(f"no handler for message type {message['type']}")
        await handler(message)
