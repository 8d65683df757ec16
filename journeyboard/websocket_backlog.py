"""A WebSocket whose reader falls behind is closed, not buffered without end (docs/limits.md).

Channels hands every frame to daphne at once, and daphne writes it to the connection: when
the page on the other end reads slowly or not at all, Twisted keeps what it could not send in
memory, without bound. A board open in a page that stopped reading (a laptop asleep on a
half-dead network, or a client that never reads on purpose) would grow the server process
by every change of the board, and by every full board its `sync` frames ask for.

So each socket, once open, registers itself as a streaming producer with its connection
(autobahn's `registerProducer`, Twisted's producer/consumer API; the HTTP channel that was
registered for the handshake is kept informed behind it): Twisted says "pause" when
more than 64 KB wait to be sent, and "resume" when they are gone. While paused, what the
application sends is counted, and the connection is closed as soon as more than
`WEBSOCKET_BACKLOG_BYTES` wait or the reader has stayed behind for
`WEBSOCKET_BACKLOG_SECONDS`. The page (htmx's WebSocket extension) reconnects and catches up
by revision, like after any dropped connection. Frames are never dropped from a live
connection: a page either gets every change or knows it has to catch up.

Installed once per process by journeyboard.asgi, so it holds under `make run`, `make scaled`
and daphne in production. tests/test_websocket_backlog.py pins the daphne and Twisted
behaviour it relies on.
"""

import logging

logger = logging.getLogger("journeyboard.realtime")


class Backlog:
    """What one socket has waiting while its reader is behind (an IPushProducer)."""

    def __init__(self, protocol, max_bytes, max_seconds, previous=None):
        self.protocol = protocol
        # The HTTP channel that carried the handshake is the connection's producer until now;
        # it still hears every pause and resume, as it did before.
        self.previous = previous
        self.max_bytes = max_bytes
        self.max_seconds = max_seconds
        self.waiting = 0  # bytes sent by the application since the reader fell behind
        self.timer = None
        self.closed = False

    @property
    def behind(self):
        return self.timer is not None

    def pauseProducing(self):
        """Twisted: more than its buffer size waits to be written."""
        if self.previous is not None:
            self.previous.pauseProducing()
        if self.timer is None:
            from twisted.internet import reactor

            self.waiting = 0
            self.timer = reactor.callLater(self.max_seconds, self.give_up, "for too long")

    def resumeProducing(self):
        """Twisted: the reader caught up."""
        if self.previous is not None:
            self.previous.resumeProducing()
        self._stop_timer()
        self.waiting = 0

    def stopProducing(self):
        """Twisted: the connection is going away."""
        if self.previous is not None:
            self.previous.stopProducing()
        self._stop_timer()

    def sent(self, content):
        """Counts a frame the application sends; False when the socket is closed for it."""
        if self.behind:
            self.waiting += len(content) if isinstance(content, bytes) else len(content.encode())
            if self.waiting > self.max_bytes:
                self.give_up("by too much")
        return not self.closed

    def give_up(self, why):
        self._stop_timer()
        self.closed = True
        logger.warning("closing a WebSocket whose reader fell behind %s (%s bytes waiting)", why, self.waiting)
        # No close frame: it would wait behind everything the reader does not read.
        self.protocol.dropConnection(abort=True)

    def _stop_timer(self):
        if self.timer is not None:
            if self.timer.active():
                self.timer.cancel()
            self.timer = None


def install(max_bytes=None, max_seconds=None):
    """Make daphne's WebSocket protocol close sockets whose reader falls behind. The limits
    default to the settings WEBSOCKET_BACKLOG_BYTES and WEBSOCKET_BACKLOG_SECONDS."""
    try:
        from daphne.ws_protocol import WebSocketProtocol
    except ImportError:  # served by something else than daphne
        return
    if getattr(WebSocketProtocol, "backlog_limited", False):
        return
    if max_bytes is None or max_seconds is None:
        from django.conf import settings

        max_bytes = settings.WEBSOCKET_BACKLOG_BYTES if max_bytes is None else max_bytes
        max_seconds = settings.WEBSOCKET_BACKLOG_SECONDS if max_seconds is None else max_seconds
    original_open = WebSocketProtocol.onOpen
    original_send = WebSocketProtocol.serverSend

    def onOpen(self):
        previous = self.transport.producer
        if previous is not None:
            self.transport.unregisterProducer()
        self.backlog = Backlog(self, max_bytes, max_seconds, previous)
        self.registerProducer(self.backlog, True)
        original_open(self)

    def serverSend(self, content, binary=False):
        backlog = getattr(self, "backlog", None)
        if backlog is None or backlog.sent(content):
            original_send(self, content, binary)

    WebSocketProtocol.onOpen = onOpen
    WebSocketProtocol.serverSend = serverSend
    WebSocketProtocol.backlog_limited = True
