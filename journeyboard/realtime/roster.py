"""Who has a board open: the roster, and arrivals and departures told in batches.

A page opening a board gets everyone there in one message (the roster, read from the store
once, after the page's own entry is in it); the pages already there learn of arrivals and
departures from `presence.update` group messages. Each process collects the joins and
leaves of its own connections to a board for a short window and sends them as ONE group
message (`BoardPresence`), and each socket sends its page at most one presence frame per
window (`Audience`), in both cases after the first few, which go at once, and with a window
that widens while the crowd keeps coming (`Pace`): one
person arriving is shown without delay, 200 pages opening a board together cost each page a
handful of frames, where announcing every arrival to everyone, answered by everyone, cost
200² messages through the channel layer.

The store holds one entry per connection: who it is and which card it is editing.
- Without Redis (the in-memory channel layer: one process) a dict in this process.
- With Redis (channels-redis) a hash per board in the same Redis, one field per connection
  with the time its process last vouched for it. Every process refreshes its own entries
  every HEARTBEAT seconds; an entry not refreshed for EXPIRY seconds (its process died, or
  lost Redis) is left out of rosters, and the next process to sweep the board deletes it
  and announces it as gone.
"""

import asyncio
import json
import logging
import time
import weakref

from django.conf import settings

from .outage import LAYER_ERRORS

logger = logging.getLogger("journeyboard.realtime")

WINDOW = 0.25  # seconds over which arrivals and departures are gathered into one message or frame
# While a crowd keeps arriving the window doubles with every message, up to WIDEST: 300 pages
# opening a board over 2-4 s cost each page 6-8 frames rather than one per WINDOW.
WIDEST = 1.0
# How many go out at once before gathering starts: a person or two arriving is shown without
# delay, a crowd arriving is told once per window. A page counts its roster as one of them.
PROCESS_BURST = 3
PAGE_BURST = 2
HEARTBEAT = 10  # seconds between a process's refreshes of its entries (and sweeps of expired ones)
EXPIRY = 30  # seconds after which an entry nobody refreshed is gone

PUBLIC = ("conn", "user", "name", "initials", "color")


class Pace:
    """At most `burst` at once, then one per window (a token bucket). The window starts at
    WINDOW, doubles with each one that goes out once the burst is spent (up to WIDEST), and
    is back at WINDOW as soon as the bucket has filled up again (it was quiet)."""

    def __init__(self, burst):
        self.burst = burst
        self.tokens = float(burst)
        self.window = WINDOW
        self.at = time.monotonic()

    def _refill(self):
        now = time.monotonic()
        self.tokens = min(self.burst, self.tokens + (now - self.at) / self.window)
        self.at = now
        if self.tokens >= self.burst:
            self.window = WINDOW

    def wait(self):
        """Seconds until the next one may go: 0 for now."""
        self._refill()
        return 0 if self.tokens >= 1 else (1 - self.tokens) * self.window

    def spend(self):
        self._refill()
        self.tokens -= 1
        if self.tokens < 1:  # the burst is spent: a crowd, not a person or two
            self.window = min(WIDEST, self.window * 2)


def entry_of(consumer):
    """A connection's roster entry: what other browsers may know of it (never its channel)."""
    return {"conn": consumer.conn, **consumer.person, "editing": consumer.editing}


# --- stores -------------------------------------------------------------------------------


class MemoryStore:
    """The roster of one board in this process: enough when this process is the only one."""

    def __init__(self):
        self.entries = {}

    async def put(self, entry):
        self.entries[entry["conn"]] = dict(entry)

    async def remove(self, conn):
        self.entries.pop(conn, None)

    async def read(self):
        return [dict(entry) for entry in self.entries.values()]

    async def refresh(self, entries):
        return []  # nothing expires: the entries live and die with this process

    async def sweep(self):
        return []


class RedisStore:
    """The roster of one board in Redis, shared by every process: a hash `key`, one field per
    connection holding its entry and `seen`, when its process last refreshed it (epoch s)."""

    def __init__(self, client, key, expiry=EXPIRY):
        self.client = client
        self.key = key
        self.expiry = expiry

    def _encode(self, entry, seen=None):
        return json.dumps({**entry, "seen": time.time() if seen is None else seen})

    async def put(self, entry, seen=None):
        async with self.client.pipeline(transaction=False) as pipe:
            pipe.hset(self.key, entry["conn"], self._encode(entry, seen))
            pipe.expire(self.key, 2 * self.expiry)  # a board nobody refreshes disappears entirely
            await pipe.execute()

    async def remove(self, conn):
        await self.client.hdel(self.key, conn)

    async def _all(self):
        found = []
        for raw in (await self.client.hgetall(self.key)).values():
            try:
                found.append(json.loads(raw))
            except ValueError:
                continue
        return found

    async def read(self):
        oldest = time.time() - self.expiry
        return [_without_seen(entry) for entry in await self._all() if entry.get("seen", 0) >= oldest]

    async def refresh(self, entries):
        """Vouch for `entries` again; those that were no longer in the hash (swept while their
        process was too slow to refresh them, or lost with Redis) are returned."""
        if not entries:
            return []
        now = time.time()
        async with self.client.pipeline(transaction=False) as pipe:
            for entry in entries:
                pipe.hset(self.key, entry["conn"], self._encode(entry, now))
            pipe.expire(self.key, 2 * self.expiry)
            created = await pipe.execute()
        return [entry for entry, new in zip(entries, created) if new]

    async def sweep(self):
        """Delete the expired entries; those this call deleted (not another process sweeping
        at the same moment) are returned, to be announced as gone exactly once."""
        oldest = time.time() - self.expiry
        stale = [entry for entry in await self._all() if entry.get("seen", 0) < oldest]
        if not stale:
            return []
        async with self.client.pipeline(transaction=False) as pipe:
            for entry in stale:
                pipe.hdel(self.key, entry["conn"])
            deleted = await pipe.execute()
        return [_without_seen(entry) for entry, count in zip(stale, deleted) if count]


def _without_seen(entry):
    return {key: value for key, value in entry.items() if key != "seen"}


_clients = weakref.WeakKeyDictionary()  # event loop -> {address: Redis client} (a client belongs to one loop)


def redis_address(layer):
    hosts = getattr(layer, "hosts", None) or []
    address = hosts[0].get("address") if hosts and isinstance(hosts[0], dict) else None
    return address if isinstance(address, str) else settings.REDIS_URL


def redis_client(layer):
    from redis.asyncio import BlockingConnectionPool, Redis

    address = redis_address(layer)
    clients = _clients.setdefault(asyncio.get_running_loop(), {})
    if address not in clients:
        # Hundreds of pages joining at once wait their turn for one of a few connections rather
        # than fail for want of one (redis-py's default pool refuses beyond 100). As for the
        # channel layer (settings.py), a slow Redis is waited for; a gone one is an error
        # (LAYER_ERRORS) that pauses the page's socket.
        pool = BlockingConnectionPool.from_url(address, max_connections=20, timeout=10, socket_timeout=10)
        clients[address] = Redis(connection_pool=pool)
    return clients[address]


def uses_redis(layer):
    return type(layer).__module__.startswith("channels_redis")


def redis_key(layer, group):
    """The board's hash, beside the layer's own keys (under the same prefix, "asgi" by default)."""
    return f"{getattr(layer, 'prefix', 'asgi')}:presence:{group}"


def store_for(layer, group):
    if uses_redis(layer):
        return RedisStore(redis_client(layer), redis_key(layer, group))
    return MemoryStore()


# --- one board in this process ------------------------------------------------------------


class BoardPresence:
    """This process's connections to one board: their entries in the store, and their joins
    and leaves sent to the board's group together, at most one message per window once the
    first few have gone out at once (`Pace`)."""

    def __init__(self, layer, group):
        self.layer = layer
        self.group = group
        self.store = store_for(layer, group)
        self.local = {}  # conn -> consumer
        self.joined = {}  # conn -> consumer, since the last message
        self.left = {}  # conn -> entry, since the last message
        self.editing = set()  # conns whose editing changed since the last message
        self.pace = Pace(PROCESS_BURST)
        self.sender = None
        self.heartbeat = None

    async def arrive(self, consumer):
        """Put the connection in the store and announce it (its page's roster comes after it
        has joined the group: `roster()`)."""
        self.local[consumer.conn] = consumer  # at once: this board's presence is in use again
        task = asyncio.current_task()  # the connection's: every message it gets is handled in it
        if task is not None:
            # However the connection ends (a crash skips disconnect()), it leaves the roster
            # rather than being refreshed, and shown, for as long as this process lives.
            task.add_done_callback(lambda _task: self._ended(consumer))
        await self.store.put(entry_of(consumer))
        self.joined[consumer.conn] = consumer
        self._send_soon()
        if self.heartbeat is None and isinstance(self.store, RedisStore):
            self.heartbeat = asyncio.ensure_future(self._keep_alive())

    async def roster(self):
        return await self.store.read()

    async def depart(self, consumer):
        """The connection is gone: out of the store, announced to the others."""
        self.local.pop(consumer.conn, None)
        try:
            # Out of the store before the others hear of it: a page joining in between would
            # otherwise find it in its roster after the news that it left had gone by.
            await self.store.remove(consumer.conn)
        finally:
            self._gone(consumer)

    def drop(self, consumer):
        """The connection is gone, and this must not wait: closed for a pause (outage.py), or
        its task ended without disconnect(). Out of Redis in the background; if Redis cannot
        be reached, its entry expires and the process that sweeps it announces it."""
        self.local.pop(consumer.conn, None)
        if isinstance(self.store, MemoryStore):
            self.store.entries.pop(consumer.conn, None)
            self._gone(consumer)
            return
        task = asyncio.ensure_future(self._forget(consumer))
        _forgetting.add(task)
        task.add_done_callback(_forgetting.discard)

    async def _forget(self, consumer):
        try:
            await self.store.remove(consumer.conn)
        except LAYER_ERRORS:
            self._retire_if_idle()
            return
        self._gone(consumer)

    def _ended(self, consumer):
        if self.local.get(consumer.conn) is consumer:
            self.drop(consumer)

    def _gone(self, consumer):
        entry = entry_of(consumer)
        self.left[consumer.conn] = {key: entry[key] for key in PUBLIC}
        self._send_soon()

    async def edits(self, consumer):
        """The connection opened or closed a card editor: the roster says so from now on.
        Others learn it from the `editing` message; the next update repeats it."""
        await self.store.put(entry_of(consumer))
        self.editing.add(consumer.conn)

    def _send_soon(self):
        if self.sender is None or self.sender.done():
            self.sender = asyncio.ensure_future(self._send())

    async def _send(self):
        while self.joined or self.left:
            wait = self.pace.wait()
            if wait > 0:
                await asyncio.sleep(wait)  # what else arrives or leaves meanwhile goes along
            message = self._take()
            self.pace.spend()
            try:
                await self.layer.group_send(self.group, message)
            except LAYER_ERRORS as error:
                # The sockets of this process are being paused (outage.py) and will join again.
                logger.warning("presence update for %s not sent: %s", self.group, error)
            except Exception:
                logger.exception("presence update for %s failed", self.group)
        self._retire_if_idle()

    def _take(self):
        joined = [entry_of(consumer) for consumer in self.joined.values()]
        left = list(self.left.values())
        arrived = set(self.joined)
        editing = {conn: self.local[conn].editing for conn in self.editing if conn in self.local and conn not in arrived}
        self.joined, self.left, self.editing = {}, {}, set()
        return {"type": "presence.update", "joined": joined, "left": left, "editing": editing}

    async def _keep_alive(self):
        """Refresh this process's entries, and sweep the board of those nobody refreshes."""
        try:
            while self.local:
                await asyncio.sleep(HEARTBEAT)
                if not self.local:
                    break
                try:
                    await self._refresh()
                    gone = await self.store.sweep()
                except LAYER_ERRORS as error:
                    logger.warning("presence of %s not refreshed: %s", self.group, error)
                    continue
                for entry in gone:
                    self.left[entry["conn"]] = {key: entry.get(key) for key in PUBLIC}
                if gone:
                    self._send_soon()
        finally:
            self.heartbeat = None
            self._retire_if_idle()

    async def _refresh(self):
        refreshed = list(self.local.values())
        missing = await self.store.refresh([entry_of(consumer) for consumer in refreshed])
        # A connection that left while its entry was being written must not come back.
        for consumer in refreshed:
            if consumer.conn not in self.local:
                await self.store.remove(consumer.conn)
        # Connections that were swept as gone are still here: announced again.
        for entry in missing:
            if entry["conn"] in self.local:
                self.joined[entry["conn"]] = self.local[entry["conn"]]
        if missing:
            self._send_soon()

    def _retire_if_idle(self):
        key = (self.layer, self.group)
        if self.local or self.joined or self.left or _boards.get(key) is not self:
            return
        if self.sender is not None and not self.sender.done() and self.sender is not asyncio.current_task():
            return
        del _boards[key]
        if self.heartbeat is not None and self.heartbeat is not asyncio.current_task():
            self.heartbeat.cancel()


_boards = {}  # (channel layer, group) -> BoardPresence of this process
_forgetting = set()  # tasks removing entries; a task nobody references may be collected


def board(layer, group):
    key = (layer, group)
    found = _boards.get(key)
    if found is None:
        found = _boards[key] = BoardPresence(layer, group)
    return found


# --- one page -----------------------------------------------------------------------------


class Audience:
    """What one page has been told about the others, and the presence frames that tell it.

    A page asking for `presence=batched` gets the roster as one frame and then `update`
    frames, at most one per window once PAGE_BURST frames have gone out at once (Pace); any other
    page gets what it always got: a `here` frame per person already there, then `join` and
    `leave` frames, made from the same messages.
    """

    def __init__(self, conn, batched, send_json):
        self.conn = conn
        self.batched = batched
        self.send_json = send_json
        self.known = set()  # conns this page has been told about and not yet told are gone
        self.joined = {}
        self.left = {}
        self.editing = {}
        self.pace = Pace(PAGE_BURST)
        self.timer = None

    async def roster(self, entries):
        people = [_person(entry) for entry in entries if entry["conn"] != self.conn]
        self.known = {entry["conn"] for entry in people}
        self.pace.spend()
        if self.batched:
            await self.send_json({"type": "presence", "action": "roster", "people": people})
        else:
            for entry in people:
                await self.send_json({**entry, "type": "presence", "action": "here"})

    async def update(self, message):
        for entry in message.get("joined", ()):
            if entry["conn"] != self.conn:
                self.joined[entry["conn"]] = entry
        for entry in message.get("left", ()):
            if entry["conn"] != self.conn:
                self.left[entry["conn"]] = entry
        for conn, card in message.get("editing", {}).items():
            if conn != self.conn:
                self.editing[conn] = card
        if self.timer is not None:
            return  # going out with the frame already due
        wait = self.pace.wait()
        if wait <= 0:
            await self.flush()
        else:
            self.timer = asyncio.ensure_future(self._flush_after(wait))

    async def _flush_after(self, wait):
        await asyncio.sleep(wait)
        self.timer = None
        await self.flush()

    async def flush(self):
        joined = [_person(entry) for conn, entry in self.joined.items() if conn not in self.known and conn not in self.left]
        left = [entry for conn, entry in self.left.items() if conn in self.known]
        gone = {entry["conn"] for entry in left}
        self.known.difference_update(gone)
        self.known.update(entry["conn"] for entry in joined)
        editing = {conn: card for conn, card in self.editing.items() if conn in self.known and conn not in gone}
        self.joined, self.left, self.editing = {}, {}, {}
        if not joined and not left:
            return  # editing changes alone have had their own frames
        self.pace.spend()
        if self.batched:
            await self.send_json(
                {"type": "presence", "action": "update", "joined": joined, "left": [entry["conn"] for entry in left],
                 "editing": editing}
            )
            return
        for entry in left:
            await self.send_json({**{key: entry.get(key) for key in PUBLIC}, "type": "presence", "action": "leave",
                                  "editing": None})
        for entry in joined:
            await self.send_json({**entry, "type": "presence", "action": "join"})

    def close(self):
        if self.timer is not None:
            self.timer.cancel()
            self.timer = None


def _person(entry):
    return {**{key: entry.get(key) for key in PUBLIC}, "editing": entry.get("editing")}
