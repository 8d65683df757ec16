"""A bare ASGI application served by daphne for tests/test_websocket_backlog.py: its socket sends
frames of 100 KB as the test asks, and its HTTP side says what happened to the socket and how
big the process is."""

import asyncio
import json
import os
import urllib.parse

from journeyboard import websocket_backlog

if os.environ.get("BACKLOG_LIMITED") == "1":
    websocket_backlog.install(
        max_bytes=int(os.environ["BACKLOG_BYTES"]), max_seconds=float(os.environ["BACKLOG_SECONDS"])
    )

FRAME = "x" * 100_000
STATE = {"sent": 0, "disconnected": False}


def rss_bytes():
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


async def application(scope, receive, send):
    if scope["type"] == "http":
        body = json.dumps({**STATE, "rss": rss_bytes()}).encode()
        await send({"type": "http.response.start", "status": 200, "headers": [(b"content-type", b"application/json")]})
        await send({"type": "http.response.body", "body": body})
    elif scope["type"] == "websocket":
        await socket(scope, receive, send)


async def socket(scope, receive, send):
    query = urllib.parse.parse_qs(scope["query_string"].decode())
    frames, pause = int(query["frames"][0]), float(query.get("pause", ["0"])[0])
    await receive()  # websocket.connect
    await send({"type": "websocket.accept"})

    async def listen():
        while (await receive())["type"] != "websocket.disconnect":
            pass
        STATE["disconnected"] = True

    listening = asyncio.ensure_future(listen())
    for _ in range(frames):
        if STATE["disconnected"]:
            break
        await send({"type": "websocket.send", "text": FRAME})
        STATE["sent"] += 1
        await asyncio.sleep(pause)
    await listening
