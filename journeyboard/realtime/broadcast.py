"""Fan a committed board change out to everyone who has the board open."""

import asyncio
import logging

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer

from journeyboard.boards.events import known
from journeyboard.boards.fragments import render_change

from .languages import languages_to_render
from .outage import LAYER_ERRORS

logger = logging.getLogger("journeyboard.realtime")


def board_group(board_id):
    return f"board-{board_id}"


def change_message(event, origin, html):
    """What consumers need, no more: the layer copies every message once per socket."""
    return {
        "type": "board.change",
        "revision": event.revision,
        "kind": event.kind,
        # Consumers read the data of changes of access only (whose rights changed, events.py).
        "data": event.data if getattr(known(event.kind), "changes_access", False) else {},
        "origin": origin,
        "html": html,  # {language: {role: html}}, see fragments.render_change
    }


def on_change_committed(sender, event, origin, **kwargs):
    """Receives boards.signals.change_committed (connected in apps.py)."""
    broadcast_change(event, origin)


def broadcast_change(event, origin=""):
    """Called after commit: the change is saved whatever happens here, so a broken
    channel layer (Redis down) is logged and must not turn a saved edit into an error.
    Pages that miss it catch up by revision when their socket reconnects."""
    layer = get_channel_layer()
    if layer is None:
        return
    try:
        html = render_change(event, languages_to_render(layer, event.board_id))
        message = change_message(event, origin, html)
        group = board_group(event.board_id)
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            async_to_sync(layer.group_send)(group, message)
        else:  # called from code running inside an event loop: hand it the send
            task = loop.create_task(layer.group_send(group, message))
            _pending.add(task)
            task.add_done_callback(_sent)
    except LAYER_ERRORS as error:
        # Redis is down: expected during an outage, one line per edit rather than a traceback.
        # Sockets are closed meanwhile (outage.py) and catch up by revision when they reconnect.
        logger.warning("live update of board %s revision %s not sent: %s", event.board_id, event.revision, error)
    except Exception:
        logger.exception("broadcast of board %s revision %s failed", event.board_id, event.revision)


_pending = set()  # a task nobody references may be collected before it runs


def _sent(task):
    _pending.discard(task)
    if not task.cancelled() and task.exception() is not None:
        logger.error("broadcast failed", exc_info=task.exception())
