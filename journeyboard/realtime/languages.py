"""The interface language of each open board page, and which languages a broadcast needs.

A page is rendered in its reader's language (the switcher's cookie, else the browser's
Accept-Language), so the HTML of a live change must come in that language too: a Dutch
reader would otherwise see English cards and buttons appear after someone's edit. A
change is therefore rendered once per role *and* language (boards/fragments.py), and
each socket picks its own.

Rendering all three languages for every change would triple the cost (and, through Redis,
the size of every message each socket receives), so a broadcast renders only the languages
of the pages open on the board:
- with the in-memory channel layer every socket that can receive the broadcast lives in
  this process, so this process's count is exact;
- with Redis each process keeps, in a hash per board beside the roster's, a field per
  language it has pages in (`<process>:<language>`, valued with when it last vouched for
  it). A process writes its fields when its first page of a language opens (before that
  page joins the board's group) and its last one closes, and again with the roster's
  heartbeat; fields a dead process left stop counting after roster.EXPIRY. A broadcast
  reads the hash (one round trip) and renders what it names and this process's own.
A page whose language a change lacks (it connected while the change was being rendered)
gets the whole board in its language instead (consumers.py), as after a missed change.
"""

import asyncio
import logging
import threading
import time
import uuid
from collections import Counter

from channels.layers import InMemoryChannelLayer
from django.conf import settings
from django.http import HttpRequest
from django.utils.translation import get_language_from_request
from redis import Redis, RedisError

from .outage import LAYER_ERRORS
from .roster import EXPIRY, HEARTBEAT, redis_address, redis_client, uses_redis

CODES = tuple(code for code, _name in settings.LANGUAGES)

logger = logging.getLogger("journeyboard.realtime")

_open = Counter()  # (board id, language) -> sockets open in this process
# Sockets count on the event loop's thread; broadcasts read on the threads that commit.
_lock = threading.Lock()
PROCESS = uuid.uuid4().hex[:12]  # this process's name in the shared hashes


def opened(board_id, language):
    """Count a socket; True when it is this process's first on the board in `language`."""
    with _lock:
        _open[(board_id, language)] += 1
        return _open[(board_id, language)] == 1


def closed(board_id, language):
    """Uncount a socket; True when it was this process's last on the board in `language`."""
    with _lock:
        key = (board_id, language)
        _open[key] -= 1
        if _open[key] <= 0:
            del _open[key]
            return True
        return False


def _here(board_id):
    with _lock:
        return {code for code in CODES if _open[(board_id, code)] > 0}


def languages_to_render(layer, board_id):
    """The languages a change on `board_id` must be rendered in for `layer`'s sockets."""
    wanted = _here(board_id)
    if not isinstance(layer, InMemoryChannelLayer):
        shared = _read_shared(layer, board_id) if uses_redis(layer) else None
        if shared is None:  # another kind of layer, or Redis did not answer: every language
            return list(CODES)
        wanted |= shared
    return [code for code in CODES if code in wanted]


# --- the languages of every process, in Redis ---------------------------------------------


def shared_key(layer, board_id):
    """The board's hash of languages, beside the layer's own keys and the roster's."""
    return f"{getattr(layer, 'prefix', 'asgi')}:languages:board-{board_id}"


async def page_opened(layer, board_id, language):
    """A page opened the board: counted, and named in Redis before it joins the board's group."""
    first = opened(board_id, language)
    if uses_redis(layer):
        if first:
            await publish(layer, board_id)
        _keep_fresh(layer, board_id)


def page_closed(layer, board_id, language):
    if closed(board_id, language) and uses_redis(layer):
        task = asyncio.ensure_future(_publish_quietly(layer, board_id))
        _pending.add(task)  # not waited for: a language left named a while costs only a render
        task.add_done_callback(_pending.discard)


async def publish(layer, board_id):
    """Write this process's languages on the board into Redis as they are when it runs
    (one write at a time per board, so the last one written is the newest)."""
    key = (asyncio.get_running_loop(), board_id)
    async with _writing.setdefault(key, asyncio.Lock()):
        here, now, name = _here(board_id), time.time(), shared_key(layer, board_id)
        async with redis_client(layer).pipeline(transaction=True) as pipe:
            for code in CODES:
                if code in here:
                    pipe.hset(name, f"{PROCESS}:{code}", now)
                else:
                    pipe.hdel(name, f"{PROCESS}:{code}")
            pipe.expire(name, 2 * EXPIRY)
            await pipe.execute()


async def _publish_quietly(layer, board_id):
    try:
        await publish(layer, board_id)
    except LAYER_ERRORS as error:
        logger.warning("languages of board %s not written: %s", board_id, error)


def _keep_fresh(layer, board_id):
    """Vouch for this process's fields every roster.HEARTBEAT while it has pages on the board."""
    key = (asyncio.get_running_loop(), board_id)
    if key not in _refreshing:
        _refreshing[key] = asyncio.ensure_future(_refresh(layer, board_id, key))


async def _refresh(layer, board_id, key):
    try:
        while _here(board_id):
            await asyncio.sleep(HEARTBEAT)
            await _publish_quietly(layer, board_id)
    finally:
        _refreshing.pop(key, None)
        lock = _writing.get(key)
        if lock is not None and not lock.locked():  # no write in flight: the next one makes another
            del _writing[key]


_writing = {}  # (event loop, board id) -> asyncio.Lock
_refreshing = {}  # (event loop, board id) -> the task refreshing its fields
_pending = set()  # a task nobody references may be collected before it runs
_sync_clients = {}  # Redis address -> client for the broadcasting threads
# A healthy Redis answers in well under a millisecond; a frozen one must not hold an edit's
# answer for long before its broadcast (which then waits on Redis itself) is tried.
READ_TIMEOUT = 0.5


def _read_shared(layer, board_id):
    """The languages any live process has pages in, from Redis; None if it cannot be read."""
    address = redis_address(layer)
    client = _sync_clients.get(address)
    if client is None:
        client = Redis.from_url(address, socket_timeout=READ_TIMEOUT, socket_connect_timeout=READ_TIMEOUT)
        client = _sync_clients.setdefault(address, client)
    try:
        fields = client.hgetall(shared_key(layer, board_id))
    except (RedisError, OSError) as error:
        logger.warning("languages of board %s not read: %s", board_id, error)
        return None
    oldest = time.time() - EXPIRY
    found = set()
    for field, seen in fields.items():
        try:
            if float(seen) >= oldest:
                found.add(field.decode().rsplit(":", 1)[1])
        except (ValueError, IndexError):
            continue
    return found


def page_language(scope, requested=""):
    """The language a board page's socket gets its HTML in: the one the page says it was
    rendered in (`requested`, from the socket's URL), else what LocaleMiddleware would pick
    for this browser (language cookie, then Accept-Language, then the default)."""
    if requested in CODES:
        return requested
    request = HttpRequest()
    request.COOKIES = scope.get("cookies", {})  # parsed by Channels' CookieMiddleware (AuthMiddlewareStack)
    for name, value in scope.get("headers", []):
        if name == b"accept-language":
            request.META["HTTP_ACCEPT_LANGUAGE"] = value.decode("latin-1")
    return get_language_from_request(request)
