"""Private services to break on purpose, for the fault tests and bench/reliability.py.

The fault tests stop Redis, restart PostgreSQL and kill server processes. They must never
do that to the machine's shared services, which other test runs (and CI's later stages)
use: `PrivateRedis` and `PrivateCluster` are throw-away instances on free ports, and
`FaultStack` is a `LiveStack` whose processes can be killed and started again one by one.
"""

import asyncio
import glob
import http.client
import json
import os
import random
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from pathlib import Path

import websockets

from tests.livestack import ROOT, Browserless, LiveStack, free_port, wait_for_port


def wait_until(condition, timeout, what):
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise RuntimeError(f"timed out waiting for {what}")
        time.sleep(0.05)


class PrivateRedis:
    """A redis-server of our own, without persistence: stopping it loses everything in it,
    as a crashed cache server does. `kill()` and `start()` may be called repeatedly; the
    port stays the same, so clients configured with `url` reconnect to the new instance."""

    def __init__(self):
        self.binary = shutil.which("redis-server")
        self.port = free_port()
        self.process = None

    @property
    def url(self):
        return f"redis://127.0.0.1:{self.port}/0"

    def ping(self):
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=0.5) as conn:
                conn.sendall(b"PING\r\n")
                return conn.recv(16).startswith(b"+PONG")
        except OSError:
            return False

    def start(self):
        self.process = subprocess.Popen(
            [self.binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wait_until(self.ping, 10, f"redis-server on port {self.port}")
        return self

    def kill(self):
        if self.process and self.process.poll() is None:
            self.process.kill()
            self.process.wait()

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.kill()


def _postgres_bin():
    """The PostgreSQL server binaries (initdb, pg_ctl): Debian keeps them off PATH."""
    found = shutil.which("pg_ctl")
    if found:
        return Path(found).resolve().parent
    versions = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"))
    return Path(versions[-1]).parent if versions else None


class PrivateCluster:
    """A PostgreSQL cluster of our own in a temporary directory, on a free port, that can be
    restarted without touching anyone else. initdb refuses to run as root: as root the
    cluster belongs to the `postgres` user (`runuser`). Takes about a second to set up."""

    def __init__(self):
        self.bin = _postgres_bin()
        self.port = free_port()
        self.dir = None

    @classmethod
    def why_unavailable(cls):
        if _postgres_bin() is None:
            return "PostgreSQL's initdb/pg_ctl not found"
        if os.geteuid() == 0 and not shutil.which("runuser"):
            return "running as root without runuser"
        return ""

    @property
    def url(self):
        return f"postgres://postgres@127.0.0.1:{self.port}/postgres"

    def _run(self, *args):
        command = [str(self.bin / args[0]), *args[1:]]
        if os.geteuid() == 0:
            command = ["runuser", "-u", "postgres", "--", *command]
        return subprocess.run(command, check=True, capture_output=True, text=True, cwd=self.dir)

    def _pg_ctl(self, action, *extra):
        options = f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1 -c fsync=off"
        self._run("pg_ctl", "-D", f"{self.dir}/data", "-l", f"{self.dir}/log", "-w", "-t", "30",
                  "-m", "fast", "-o", options, action, *extra)

    def __enter__(self):
        self.dir = tempfile.mkdtemp(prefix="jb-faults-pg-")
        if os.geteuid() == 0:
            shutil.chown(self.dir, "postgres")
        self._run("initdb", "-D", f"{self.dir}/data", "-A", "trust", "-U", "postgres", "--no-sync")
        self.start()
        return self

    def start(self):
        self._pg_ctl("start")

    def stop(self):
        self._pg_ctl("stop")

    def restart(self):
        self._pg_ctl("restart")

    def start_if_stopped(self):
        try:
            self._run("pg_ctl", "-D", f"{self.dir}/data", "status")
        except subprocess.CalledProcessError:
            self.start()

    def __exit__(self, *exc):
        try:
            self._run("pg_ctl", "-D", f"{self.dir}/data", "-m", "immediate", "-w", "stop")
        except subprocess.CalledProcessError:
            pass  # already stopped
        shutil.rmtree(self.dir, ignore_errors=True)


class FaultStack(LiveStack):
    """A LiveStack whose server processes log to files (a pipe nobody reads would stall a
    server that logs a lot, as servers do during an outage) and can be killed and started
    one at a time. `logs()` returns what they wrote."""

    def __init__(self, postgres_url, redis_url, processes=2):
        super().__init__(postgres_url, redis_url, processes)
        self.log_dir = Path(tempfile.mkdtemp(prefix="jb-faults-logs-"))
        self.env["LOG_LEVEL"] = "INFO"
        self.env["PYTHONUNBUFFERED"] = "1"

    def __enter__(self):
        count, self.count = self.count, 0  # LiveStack prepares the database, we start the servers
        super().__enter__()
        self.count = count
        for _ in range(count):
            self.spawn()
        return self

    def spawn(self, port=None):
        """Start one more server process (on `port`, e.g. that of a killed one); returns its index."""
        port = port or free_port()
        log = open(self.log_dir / f"daphne-{port}.log", "ab")
        process = subprocess.Popen(
            [sys.executable, "-m", "daphne", "-b", "127.0.0.1", "-p", str(port), "journeyboard.asgi:application"],
            env=self.env, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT,
        )
        log.close()
        self.servers.append((port, process))
        wait_for_port(port, process)
        return len(self.servers) - 1

    def revive(self):
        """Start a process again on the port of each one that died (as systemd would)."""
        for index, (port, process) in enumerate(list(self.servers)):
            if process.poll() is not None:
                self.spawn(port)
                self.servers[index] = self.servers.pop()

    def kill(self, index):
        """SIGKILL, as the OOM killer or a crash does: no shutdown, sockets just drop."""
        port, process = self.servers[index]
        process.send_signal(signal.SIGKILL)
        process.wait()
        return port

    def alive(self):
        return [port for port, process in self.servers if process.poll() is None]

    def logs(self):
        return "".join(path.read_text(errors="replace") for path in sorted(self.log_dir.glob("*.log")))

    def __exit__(self, *exc):
        try:
            super().__exit__(*exc)
        finally:
            shutil.rmtree(self.log_dir, ignore_errors=True)


# --- Pages and requests at the protocol level ----------------------------------------------

REVISION = re.compile(r'id="board-revision" data-revision="(\d+)"')
# Close codes after which the page stops: retrying cannot help (docs/websocket.md).
FINAL_CLOSES = {4401, 4404, 4429}
CLOSE_LIVE_PAUSED = 4503
HOLE_WAIT = 1.5  # live.js: a missing revision not filled in this long means a change was missed
CHECK_EVERY = 20  # live.js: after this long without a change a page checks its revision


def fast_retry(attempt, code):
    """Reconnect delays for tests: short, so that a test does not wait for nothing."""
    return min(0.5, 0.05 * 2**attempt)


def browser_retry(attempt, code):
    """What static/js/live.js and htmx's ws extension wait before the next attempt: after a
    4503 live.js waits min(10 s, 0.5 s * 2^n) * (0.5..1); after an abnormal close (1006, a
    killed process) htmx waits a random 0..1 s * 2^n up to 64 s; its count restarts at
    every successful open, so after a kill the first retry comes within a second."""
    if code == CLOSE_LIVE_PAUSED:
        return min(10.0, 0.5 * 2**attempt) * (0.5 + random.random() / 2)
    return random.random() * 2 ** min(attempt, 6)


class Page:
    """One open board page, speaking the WebSocket protocol the way live.js does: it sends
    `sync` with the revision it has after every (re)connect and after 20 s without a change,
    applies change frames, replaces everything on a `data-resync` frame, and reconnects after a close. `ports` are the
    processes it may reach (the first is its own; after a failure it tries the next, as a
    proxy would route it); `revision` is what the page was rendered at.

    `contiguous` is the revision up to which the page has every change; `gaps()` the
    revisions it received out of order but is still missing below the highest one."""

    def __init__(self, ports, board_id, headers, revision, keep_text=True, retry=fast_retry, check_every=CHECK_EVERY,
                 batched=False):
        self.ports = list(ports)
        self.batched = batched  # asks for the roster and batched presence updates, as the board page does
        self.people = set()  # the conns the page shows as present (batched presence)
        self.presence_frames = 0
        self.crowd_seen = []  # (monotonic time, people shown) after each presence frame
        self.board_id = board_id
        self.headers = headers
        self.client_id = uuid.uuid4().hex
        self.covered = revision  # every revision up to here is on the page (render, resync, synced)
        self.applied = set()  # revisions applied from change frames above `covered`
        self.received = set()  # revisions of every change frame that arrived, even if late
        self.arrived = {}  # revision -> monotonic time its change frame arrived
        self.duplicates = 0  # change frames that came twice
        self.resyncs = 0  # whole boards received: the page had missed (or waited too long for) a change
        self.keep_text = keep_text
        self.text = []  # every HTML frame, to look for the edits' markers
        self.closes = []  # (close code, port, monotonic time)
        self.synced_at = []  # (monotonic time, revision): answers to our sync
        self.retry = retry
        self.check_every = check_every
        self.checked = 0.0
        self.port = None
        self.socket = None
        self.stopping = False
        self.hole_since = None
        self.last_frame = 0.0
        self.last_change = 0.0
        self.connected = asyncio.Event()
        self.task = None

    @property
    def contiguous(self):
        revision = self.covered
        while revision + 1 in self.applied:
            revision += 1
        return revision

    @property
    def newest(self):
        return max([self.covered, *self.applied])

    def gaps(self):
        return sorted(set(range(self.covered + 1, self.newest + 1)) - self.applied)

    def shows(self, marker):
        return any(marker in text for text in self.text)

    def start(self):
        self.task = asyncio.ensure_future(self.run())
        return self

    async def run(self):
        attempt, code, turn = 0, None, 0
        while not self.stopping:
            port = self.ports[turn % len(self.ports)]
            answered = len(self.synced_at)
            try:
                await self.session(port)
                if len(self.synced_at) > answered:
                    attempt = 0  # it was live (our sync was answered): start the delays again
                code = self.socket.close_code
            except (OSError, websockets.InvalidHandshake, asyncio.TimeoutError):
                code = None
                turn += 1  # that process is gone (or refused): try the next one
            if self.stopping or code in FINAL_CLOSES:
                return
            if code == 1006:
                turn += 1  # dropped without a close frame: the process died
            await asyncio.sleep(self.retry(attempt, code))
            attempt += 1

    async def session(self, port):
        url = f"ws://127.0.0.1:{port}/ws/boards/{self.board_id}/?client={self.client_id}"
        if self.batched:
            url += "&presence=batched"
        # A browser's Origin is the site it loaded the page from: here each process is a site
        # of its own (behind the proxy all of them share one).
        headers = {**self.headers, "Origin": f"http://127.0.0.1:{port}"}
        self.socket = await websockets.connect(url, additional_headers=headers, open_timeout=10,
                                               ping_interval=None, max_size=None)
        self.port = port
        self.connected.set()
        try:
            await self.socket.send(json.dumps({"type": "sync", "revision": self.contiguous}))
            self.checked = time.monotonic()
            while True:
                try:
                    self.receive(await asyncio.wait_for(self.socket.recv(), 0.25))
                except asyncio.TimeoutError:
                    pass
                await self.catch_up_if_stuck()
        except websockets.ConnectionClosed:
            pass
        self.connected.clear()
        self.closes.append((self.socket.close_code, port, time.monotonic()))

    async def catch_up_if_stuck(self):
        """What live.js does when changes arrive past a hole that does not fill: one change
        was never broadcast (e.g. its process died between commit and broadcast), so ask
        for everything after what the page has."""
        if not self.gaps():
            self.hole_since = None
        elif self.hole_since is None:
            self.hole_since = time.monotonic()
        elif time.monotonic() - self.hole_since > HOLE_WAIT:
            self.hole_since = None
            await self.socket.send(json.dumps({"type": "sync", "revision": self.contiguous}))
        if time.monotonic() - max(self.checked, self.last_change) > self.check_every:
            self.checked = time.monotonic()
            await self.socket.send(json.dumps({"type": "sync", "revision": self.contiguous}))

    def receive(self, frame):
        self.last_frame = time.monotonic()
        if frame.startswith("{"):
            message = json.loads(frame)
            if message["type"] == "synced":
                self.covered = max(self.covered, message["revision"])
                self.synced_at.append((time.monotonic(), message["revision"]))
            elif message["type"] == "presence" and self.batched:
                self.presence(message)
            return
        found = REVISION.search(frame)
        if found is None:
            return
        revision = int(found.group(1))
        now = self.last_change = time.monotonic()
        if "data-resync" in frame:  # the whole board, as of `revision`
            self.covered = max(self.covered, revision)
            self.applied = {applied for applied in self.applied if applied > revision}
            self.synced_at.append((now, revision))
            self.resyncs += 1
        elif revision in self.received:
            self.duplicates += 1
        else:
            self.received.add(revision)
            self.arrived[revision] = now
            if revision > self.covered:
                self.applied.add(revision)
        if self.keep_text:
            self.text.append(frame)

    def presence(self, message):
        if message["action"] == "roster":
            self.people = {person["conn"] for person in message["people"]}
        elif message["action"] == "update":
            self.people |= {person["conn"] for person in message["joined"]}
            self.people -= set(message["left"])
        self.presence_frames += 1
        self.crowd_seen.append((time.monotonic(), len(self.people)))

    def all_shown_at(self, count):
        """When the page first showed `count` others, or None."""
        return next((at for at, shown in self.crowd_seen if shown >= count), None)

    async def stop(self):
        self.stopping = True
        if self.socket is not None:
            try:
                await self.socket.close()
            except websockets.ConnectionClosed:
                pass  # the server closed it at the same moment
        if self.task is not None:
            await asyncio.wait_for(self.task, 10)


async def wait_for(condition, timeout, interval=0.02):
    """Whether `condition()` came true within `timeout` seconds (polled, no fixed sleep)."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            return False
        await asyncio.sleep(interval)
    return True


async def quiet(pages, seconds=0.5, timeout=60):
    """Wait until no page has had a frame for `seconds`: when N pages open at once, each is
    announced to all the others and each answers it (N² presence messages), which takes a
    while through Redis; changes sent meanwhile queue behind them."""
    return await wait_for(lambda: time.monotonic() - max(page.last_frame for page in pages) > seconds, timeout)


class Answer:
    """What an HTTP request got: `status` None when no answer came at all (process gone)."""

    def __init__(self, status, headers, body):
        self.status, self.headers, self.body = status, headers, body

    @property
    def revision(self):
        value = self.headers.get("X-Board-Revision") if self.headers else None
        return int(value) if value else None


def request(client, path, fields=None, htmx=False, timeout=30):
    """GET (no fields) or POST like the board page does, without raising on 4xx/5xx."""
    headers = {"HX-Request": "true"} if htmx else {}
    if fields is None:
        req = urllib.request.Request(client.base + path, headers=headers)
    else:
        req = urllib.request.Request(client.base + path, data=urllib.parse.urlencode(fields).encode(), method="POST",
                                     headers={**headers, "X-CSRFToken": client.cookie("csrftoken") or "",
                                              "Referer": client.base + "/"})
    try:
        with client.opener.open(req, timeout=timeout) as response:
            return Answer(response.status, response.headers, response.read().decode())
    except urllib.error.HTTPError as error:
        return Answer(error.code, error.headers, error.read().decode())
    except (urllib.error.URLError, ConnectionError, http.client.HTTPException, TimeoutError):
        return Answer(None, None, "")


# --- Boards for the scenarios ---------------------------------------------------------

PASSWORD = "fault-test-pass"

# The accounts and one board per scenario, each with six cards in its first phase (written
# directly: nobody is watching yet, and broadcasting them would only slow the set-up down).
SETUP = """
import json
from django.contrib.auth.models import User
from journeyboard.boards.lifecycle import create_board
from journeyboard.boards.models import Card, Membership
anna = User.objects.create_user("anna", password="PASSWORD")
bert = User.objects.create_user("bert", password="PASSWORD")
boards = {}
for name in NAMES:
    board = create_board(anna, name, template="buyer", language="en")
    Membership.objects.create(board=board, user=bert, role="editor")
    phases = list(board.phases.order_by("position").values_list("pk", flat=True))
    first = board.phases.get(pk=phases[0])
    cards = [card.pk for card in Card.objects.bulk_create(
        Card(phase=first, position=n, title=f"{name} card {n}", author=anna) for n in range(6))]
    board.refresh_from_db()
    boards[name] = {"id": board.pk, "phases": phases, "cards": cards, "revision": board.revision}
print(json.dumps(boards))
"""

# The database's view of a board: its revision and every card title.
STATE = """
import json
from journeyboard.boards.models import Board, Card
board = Board.objects.get(pk=BOARD)
print(json.dumps({"revision": board.revision,
                  "titles": list(Card.objects.filter(phase__board=board).values_list("title", flat=True))}))
"""


def setup_boards(stack, *names):
    code = SETUP.replace("PASSWORD", PASSWORD).replace("NAMES", repr(names))
    return json.loads(stack.shell(code))


def database_state(stack, board_id):
    return json.loads(stack.shell(STATE.replace("BOARD", str(board_id))))


def through(client, port):
    """The same signed-in person, talking to another process (sessions live in the database)."""
    other = Browserless(port)
    other.jar, other.opener = client.jar, client.opener
    other.base = f"http://127.0.0.1:{port}"
    return other


def open_pages(count, ports, board, headers, **options):
    """`count` pages spread over the processes; each falls back to the others, in turn."""
    pages = []
    for index in range(count):
        own = index % len(ports)
        order = ports[own:] + ports[:own]
        pages.append(Page(order, board["id"], headers, board["revision"], **options).start())
    return pages


def mixed_edits(board, clients, count, tag):
    """Creates, retitles and moves, sent through each process in turn. Creates and
    retitles carry a unique marker, so that a page can be checked for showing them."""
    edits, markers = [], []
    for number in range(count):
        client = clients[number % len(clients)]
        marker = f"{tag}-{number:03d}"
        card = board["cards"][number % len(board["cards"])]
        if number % 3 == 0:
            edits.append((client, f"/boards/{board['id']}/phases/{board['phases'][number % 3]}/cards/", {"title": marker}))
            markers.append(marker)
        elif number % 3 == 1:
            edits.append((client, f"/boards/{board['id']}/cards/{card}/", {"title": marker}))
            markers.append(marker)
        else:
            phase = board["phases"][(number // 3) % 3]
            edits.append((client, f"/boards/{board['id']}/cards/{card}/move/", {"phase": phase, "position": 0}))
    return edits, markers
