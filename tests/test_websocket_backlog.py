"""A socket whose reader falls behind is closed, not buffered (journeyboard/websocket_backlog.py).

A real daphne serves a bare application (tests/backlog_app.py) whose socket sends 100 KB
frames; the clients here are raw sockets, so a test decides exactly what is read. These pin
what the module relies on: daphne's protocol opening and sending through `onOpen` and
`serverSend`, autobahn's `registerProducer`, and Twisted pausing and resuming a producer as
its write buffer fills and drains.
"""

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request

import pytest

from tests.livestack import free_port, wait_for_port

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
FRAME = 100_000
HANDSHAKE = (
    "GET /ws/?frames={frames}&pause={pause} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nUpgrade: websocket\r\n"
    "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n"
)


class Daphne:
    def __init__(self, limited, max_bytes=2_000_000, max_seconds=60):
        self.port = free_port()
        env = {**os.environ, "BACKLOG_LIMITED": "1" if limited else "0", "BACKLOG_BYTES": str(max_bytes),
               "BACKLOG_SECONDS": str(max_seconds), "PYTHONPATH": ROOT}
        self.process = subprocess.Popen(
            [sys.executable, "-m", "daphne", "-b", "127.0.0.1", "-p", str(self.port), "tests.backlog_app:application"],
            cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        wait_for_port(self.port, self.process)

    def state(self):
        with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/", timeout=10) as answer:
            return json.load(answer)

    def open_socket(self, frames, pause=0.0):
        """A connected, upgraded raw socket that reads nothing unless told to."""
        conn = socket.socket()
        conn.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)  # a reader with no room to spare
        conn.settimeout(20)
        conn.connect(("127.0.0.1", self.port))
        conn.sendall(HANDSHAKE.format(frames=frames, pause=pause, port=self.port).encode())
        head = b""
        while b"\r\n\r\n" not in head:
            head += conn.recv(1)
        assert head.startswith(b"HTTP/1.1 101"), head
        return conn

    def wait_for(self, condition, timeout=20):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            state = self.state()
            if condition(state):
                return state
            time.sleep(0.1)
        raise AssertionError(f"not reached within {timeout} s: {self.state()}")

    def close(self):
        self.process.terminate()
        self.process.wait(timeout=10)


@pytest.fixture
def servers():
    started = []

    def start(*args, **kwargs):
        started.append(Daphne(*args, **kwargs))
        return started[-1]

    yield start
    for server in started:
        server.close()


def read_all(conn):
    received = 0
    while chunk := conn.recv(1 << 20):
        received += len(chunk)
    return received


def test_a_socket_that_does_not_read_is_closed_once_too_much_waits(servers):
    daphne = servers(limited=True, max_bytes=2_000_000)
    before = daphne.state()["rss"]
    conn = daphne.open_socket(frames=300)  # 30 MB the reader will never take
    state = daphne.wait_for(lambda state: state["disconnected"])
    # Sent: what the kernel's buffers took, then 2 MB more, not the 30 MB asked for.
    assert state["sent"] < 150
    assert state["rss"] - before < 20_000_000
    conn.close()


def test_a_socket_that_stays_behind_is_closed_after_the_time_allowed(servers):
    daphne = servers(limited=True, max_bytes=10**9, max_seconds=1)
    conn = daphne.open_socket(frames=80)
    daphne.wait_for(lambda state: state["sent"] == 80)
    started = time.monotonic()
    daphne.wait_for(lambda state: state["disconnected"], timeout=10)
    assert time.monotonic() - started < 5
    conn.close()


def test_a_reader_that_keeps_up_gets_every_frame(servers):
    daphne = servers(limited=True, max_bytes=2_000_000, max_seconds=1)
    conn = daphne.open_socket(frames=60, pause=0.02)
    conn.settimeout(3)
    received = 0
    try:
        while received < 60 * FRAME:
            received += len(conn.recv(1 << 20))
    finally:
        conn.close()
    assert received >= 60 * FRAME
    assert daphne.wait_for(lambda state: state["disconnected"])["sent"] == 60


def test_without_the_limit_daphne_buffers_whatever_is_sent(servers):
    # What the module is for: stock daphne keeps every frame for a reader that reads nothing.
    daphne = servers(limited=False)
    before = daphne.state()["rss"]
    conn = daphne.open_socket(frames=300)
    state = daphne.wait_for(lambda state: state["sent"] == 300)
    time.sleep(1)
    assert not daphne.state()["disconnected"]
    assert state["rss"] - before > 20_000_000
    conn.close()


def test_the_board_server_installs_it():
    import journeyboard.asgi  # noqa: F401
    from daphne.ws_protocol import WebSocketProtocol

    assert WebSocketProtocol.backlog_limited
