"""Counting attempts in Django's cache, so that password guessing and mass sign-ups stop.

The cache is Redis when REDIS_URL is set, so every server process shares the counts;
otherwise it is local memory (one process). A count starts with its first attempt and
lasts for the window, then starts over.

The client address is REMOTE_ADDR. Behind the reverse proxy that is only right when the
ASGI server takes it from the proxy's X-Forwarded-For (daphne --proxy-headers, see
deploy/); reading the header here instead would let any client pick its own address.
"""

import hashlib
import logging

from django.core.cache import cache

try:  # the Redis cache's errors; the local-memory cache has none of its own
    from redis.exceptions import ConnectionError as _RedisConnectionError
    from redis.exceptions import TimeoutError as _RedisTimeoutError

    CACHE_DOWN = (_RedisConnectionError, _RedisTimeoutError)
except ImportError:  # pragma: no cover
    CACHE_DOWN = ()

logger = logging.getLogger("journeyboard")


class Limit:
    """At most `limit` attempts per `window` seconds for one key (e.g. username and address)."""

    def __init__(self, name, limit, window):
        self.name = name
        self.limit = limit
        self.window = window

    def _key(self, parts):
        # Hashed: usernames may hold characters cache keys must not, and the cache then
        # never stores who tried to sign in from where.
        digest = hashlib.sha256("\0".join(parts).encode()).hexdigest()
        return f"ratelimit:{self.name}:{digest}"

    # While Redis is down the limits are not counted, so people can still sign in
    # (tests/test_faults.py); guessing gets a few minutes unlimited.
    def reached(self, *parts):
        try:
            return (cache.get(self._key(parts)) or 0) >= self.limit
        except CACHE_DOWN as error:
            logger.warning("%s limit not checked, the cache is unreachable: %s", self.name, error)
            return False

    def hit(self, *parts):
        key = self._key(parts)
        try:
            cache.add(key, 0, self.window)  # starts the window; does nothing when it runs already
            try:
                cache.incr(key)
            except ValueError:  # expired between the two calls
                cache.set(key, 1, self.window)
        except CACHE_DOWN as error:
            logger.warning("%s attempt not counted, the cache is unreachable: %s", self.name, error)

    def reset(self, *parts):
        try:
            cache.delete(self._key(parts))
        except CACHE_DOWN as error:
            logger.warning("%s count not reset, the cache is unreachable: %s", self.name, error)


# Failed logins per username and address: enough for typos, far too few for guessing.
LOGIN_FAILURES = Limit("login", limit=10, window=15 * 60)
# Sign-up attempts per address: a workshop room behind one address can still all sign up.
SIGNUPS = Limit("signup", limit=20, window=60 * 60)


def client_address(request):
    return request.META.get("REMOTE_ADDR") or ""

