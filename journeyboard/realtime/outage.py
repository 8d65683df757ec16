"""When Redis (the channel layer) or the database cannot be reached: pause live updates.

Edits do not need Redis: they are saved in the database, and their broadcast, sent after
the commit, only logs a failure (broadcast.py). Live updates do need it. What channels-redis
does when Redis goes away under daphne (tests/test_faults.py): the blocking read every
process keeps open on Redis fails at once, each board socket's receive loop raises
`redis.exceptions.ConnectionError` in turn, and daphne would log a traceback per socket,
close it with 1011 and answer a page opening meanwhile with an HTTP 500 handshake; pages
would retry like after any server error, without saying why.

Instead, every board socket of the process is closed with 4503 ("try again later", also
for a page that connects during the outage, whose socket is accepted just to say so), and
the page shows "Live updates paused" while it keeps retrying (static/js/live.js). When
Redis is back, sockets connect again, join the group afresh and catch up by revision.

Why every socket of the process, not only the one whose call failed: a socket whose own
calls happen to succeed once Redis is back may have lost its group membership (a restarted
Redis without persistence starts empty) and would then miss every later change, silently.
Closing them all makes each one join again and catch up.
"""

import asyncio
import logging
import weakref

from django.db import InterfaceError, OperationalError

logger = logging.getLogger("journeyboard.realtime")

try:  # channels-redis depends on redis-py; without it only the in-memory layer exists
    from redis.exceptions import ConnectionError as _RedisConnectionError
    from redis.exceptions import TimeoutError as _RedisTimeoutError

    LAYER_ERRORS = (_RedisConnectionError, _RedisTimeoutError)
except ImportError:  # pragma: no cover
    LAYER_ERRORS = ()

# The database restarting or out of reach: OperationalError, or InterfaceError on a
# connection that broke. HTTP answers 503 (journeyboard/database_outage.py); a board socket
# that needs it (a sync, a membership check) is paused on its own, and reconnects.
DATABASE_ERRORS = (OperationalError, InterfaceError)
SERVICE_ERRORS = LAYER_ERRORS + DATABASE_ERRORS

# "Service unavailable, try again": the server is fine, a service it needs is not. (RFC 6455's
# 1013 says the same, but daphne lets an application close only with 1000 or 3000-4999.)
CLOSE_LIVE_PAUSED = 4503

_joined = weakref.WeakSet()  # board sockets of this process that are in their board's group
_pausing = set()  # tasks closing other sockets; a task nobody references may be collected


def joined(consumer):
    _joined.add(consumer)


def left(consumer):
    _joined.discard(consumer)


async def pause_live_updates(consumer, error):
    """`consumer`'s call to the channel layer failed: close it and every other joined
    socket of this process with CLOSE_LIVE_PAUSED (their `pause()` does not touch the layer)."""
    if consumer.paused:
        return  # closed already: another socket's call failed first
    closing = [consumer, *(other for other in _joined if other is not consumer and not other.paused)]
    _joined.clear()
    for each in closing:
        each.paused = True
    logger.warning("channel layer unreachable (%s): live updates paused, closing %d board sockets", error, len(closing))
    for other in closing[1:]:
        task = asyncio.ensure_future(other.pause())
        _pausing.add(task)
        task.add_done_callback(_paused)
    await consumer.pause()


async def pause_for_database(consumer, error):
    """`consumer` could not reach the database: close it with CLOSE_LIVE_PAUSED (no error
    frame: the page says "paused", retries, and catches up once the database is back)."""
    if consumer.paused:
        return
    logger.warning("database unreachable for a board socket (%s): live updates paused for it", error)
    try:
        await consumer.leave_group()
    except LAYER_ERRORS:
        pass  # Redis is gone too: nothing to leave
    consumer.paused = True
    await consumer.pause()


def _paused(task):
    _pausing.discard(task)
    if not task.cancelled() and task.exception() is not None:
        logger.warning("closing a board socket for the pause failed: %r", task.exception())
