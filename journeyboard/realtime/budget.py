"""How many frames one WebSocket connection may send: a token bucket, checked per frame.

The bucket holds up to `burst` tokens and refills at `rate` tokens a second; every frame
takes one on arrival, before it is parsed, and a frame that makes the server work (a sync
that may send the whole board) takes more once its type is known. A frame finding the bucket empty is refused. Refusals close together (less than
a second apart) form a flood; a connection still flooding after FLOOD_SECONDS is closed.
A brief burst is only refused, a client that never slows down is cut off.

It runs for every frame, so it is a few float operations and no allocation.
"""

from time import monotonic

FLOOD_SECONDS = 5.0
# Refusals further apart than this end a flood: the client did slow down.
FLOOD_GAP = 1.0
# Refused frames get at most one error frame a second: answering each one would echo the
# flood back through our own send path.
ERROR_INTERVAL = 1.0

# What spend() says about a frame (None: handle it).
DROP = "drop"  # refuse silently, the client was told less than a second ago
REFUSE = "refuse"  # refuse with an error frame
CLOSE = "close"  # flooding for too long: close the connection


class MessageBudget:
    __slots__ = ("rate", "burst", "tokens", "refilled", "flood_started", "last_refused", "last_error")

    def __init__(self, rate, burst):
        self.rate = float(rate)
        self.burst = float(max(burst, 1))
        self.tokens = self.burst
        self.refilled = monotonic()
        self.flood_started = None
        self.last_refused = None
        self.last_error = None

    def spend(self, tokens=1.0):
        """None if the bucket holds `tokens` (taken), else a refusal. Frames that make the
        server work harder cost more than one (consumers.RESYNC_COST)."""
        now = monotonic()
        self.tokens = min(self.burst, self.tokens + (now - self.refilled) * self.rate)
        self.refilled = now
        if self.tokens >= tokens:
            self.tokens -= tokens
            return None
        return self._refuse(now)

    def _refuse(self, now):
        if self.last_refused is None or now - self.last_refused > FLOOD_GAP:
            self.flood_started = now
        self.last_refused = now
        if now - self.flood_started >= FLOOD_SECONDS:
            return CLOSE
        if self.last_error is not None and now - self.last_error < ERROR_INTERVAL:
            return DROP
        self.last_error = now
        return REFUSE
