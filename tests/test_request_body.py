"""A body above MAX_REQUEST_BYTES is refused by a real daphne before it is read
(journeyboard/request_body.py): the answer comes while the client is still sending."""

import os
import socket
import subprocess
import sys
import time

import pytest
from django.conf import settings

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


@pytest.fixture(scope="module")
def daphne():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    process = subprocess.Popen(
        [sys.executable, "-m", "daphne", "-b", "127.0.0.1", "-p", str(port), "journeyboard.asgi:application"],
        cwd=ROOT,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "journeyboard.settings"},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 30
    while True:  # until daphne accepts connections
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            break
        except OSError:
            assert process.poll() is None and time.monotonic() < deadline, "daphne did not start"
    yield port
    process.terminate()
    process.wait(timeout=10)


def post(port, headers, body_chunks):
    """Send a POST's head and as much of its body as the server takes; return its answer."""
    with socket.create_connection(("127.0.0.1", port), timeout=10) as conn:
        conn.sendall(b"POST /accounts/login/ HTTP/1.1\r\nHost: 127.0.0.1\r\n" + headers + b"\r\n")
        try:
            for chunk in body_chunks:
                conn.sendall(chunk)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the server closed the connection: what a refusal looks like mid-upload
        answer = b""
        try:
            while chunk := conn.recv(65536):
                answer += chunk
        except ConnectionResetError:
            pass
        return answer


def test_a_declared_length_above_the_limit_is_refused_before_the_body(daphne):
    length = settings.MAX_REQUEST_BYTES + 1
    headers = b"Content-Type: multipart/form-data; boundary=x\r\nContent-Length: %d\r\n" % length
    # Not a byte of the body is sent: the answer comes from the headers alone.
    answer = post(daphne, headers, [])
    assert answer.startswith(b"HTTP/1.1 413 ")
    assert b"The request is too large." in answer


def test_a_chunked_body_is_cut_off_at_the_limit(daphne):
    piece = b"x" * 1_000_000
    chunk = b"%x\r\n%s\r\n" % (len(piece), piece)
    count = settings.MAX_REQUEST_BYTES // len(piece) + 5
    headers = b"Content-Type: multipart/form-data; boundary=x\r\nTransfer-Encoding: chunked\r\n"
    answer = post(daphne, headers, (chunk for _ in range(count)))
    assert answer.startswith(b"HTTP/1.1 413 ")


def test_a_body_within_the_limit_reaches_django(daphne):
    body = b"username=a&password=b"
    headers = b"Content-Type: application/x-www-form-urlencoded\r\nContent-Length: %d\r\n" % len(body)
    answer = post(daphne, headers + b"Connection: close\r\n", [body])
    # Django's CSRF check answers: the request got through to the application.
    assert answer.startswith(b"HTTP/1.1 403 ")
