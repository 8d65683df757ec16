"""Reliability under load and faults: what the people on a board get, in figures.

Two daphne processes share a PostgreSQL cluster and a Redis of their own (tests/faultstack.py:
private instances on free ports, so that stopping them disturbs nobody). Pages are WebSocket
clients that behave like static/js/live.js: `sync` after every (re)connect, whole board on a
`data-resync`, and the browser's reconnect delays (htmx's after a dropped socket, live.js's
after "live updates paused"); a page whose process is gone reconnects to the other one, as
the proxy would send it. Edits go through both processes over HTTP at a fixed rate.

Scenarios, each on a board of its own with fresh pages:
  crowd     --crowd pages (300) opening one board within --join seconds (2) through both
            processes, with batched presence as the board page asks for it: when every page
            shows everyone, presence frames per page, then edits reaching all of them
  reconnect --reconnecting pages (100) that missed changes opening their sockets again at once:
            how soon every page is current, and what the processes spent on it
  load      N pages, edits through both processes: delivered, lost, latency
  kill      SIGKILL one process mid-session: reconnect and catch-up times, acknowledged edits lost
  redis     Redis killed for --outage seconds while edits go on: paused, saved, resumed
  hang      Redis frozen (SIGSTOP) for a moment: how long an edit waits for its answer
  postgres  the PostgreSQL cluster restarted under edits: answers, recovery

Usage: `.venv/bin/python bench/reliability.py [--pages 200] [--rate 10] [--seconds 10]
[--outage 5] [--crowd 300] [--join 2] [--only crowd,load,kill,...]`. Prints a table per scenario; exits 1 when anything
acknowledged was lost or a page did not converge.
"""

import argparse
import asyncio
import collections
import os
import signal
import statistics
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.faultstack import (  # noqa: E402
    CLOSE_LIVE_PAUSED,
    PASSWORD,
    FaultStack,
    Page,
    PrivateCluster,
    PrivateRedis,
    browser_retry,
    database_state,
    mixed_edits,
    open_pages,
    quiet,
    request,
    setup_boards,
    through,
    wait_for,
)
from tests.livestack import Browserless  # noqa: E402

SCENARIOS = ("crowd", "reconnect", "load", "kill", "redis", "hang", "postgres")
QUIET = 1.0  # seconds without any frame on any page: the presence messages of a join are through


# A workshop's board: 30 cards in each phase (as `manage.py shell` code).
WORKSHOP_CARDS = """
from journeyboard.boards.models import Board, Card
board = Board.objects.get(pk=BOARD)
author = board.owner
for phase in board.phases.all():
    start = phase.cards.count()
    Card.objects.bulk_create(Card(phase=phase, position=start + n, title=f"Touchpoint {n} of {phase.name}",
                                  note="What the customer meets here, and how it feels.", author=author)
                             for n in range(30))
"""


def cpu_seconds(pid):
    """User + system CPU time a process has used so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def percentile(values, share):
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def ms(seconds):
    return f"{seconds * 1000:.0f} ms"


def s(seconds):
    return f"{seconds:.1f} s"


class Bench:
    def __init__(self, stack, args):
        self.stack = stack
        self.args = args
        self.anna = Browserless(stack.ports[0]).sign_in("anna", PASSWORD)
        self.pool = ThreadPoolExecutor(16)
        self.failures = []

    @property
    def clients(self):
        return [through(self.anna, port) for port in self.stack.ports]

    async def idle(self, timeout=180):
        """Wait until the servers are done with the previous scenario (its pages are gone, but
        the messages queued for them are still being worked through)."""
        pids = [process.pid for _port, process in self.stack.servers if process.poll() is None]
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            before = sum(cpu_seconds(pid) for pid in pids)
            await asyncio.sleep(1)
            if sum(cpu_seconds(pid) for pid in pids) - before < 0.1:
                return

    async def pages(self, board, count=None):
        pages = open_pages(count or self.args.pages, self.stack.ports, board, self.anna.ws_headers(),
                           keep_text=False, retry=browser_retry)
        started = time.monotonic()
        if not await wait_for(lambda: all(page.synced_at for page in pages), 120):
            raise SystemExit("pages did not connect")
        connected = time.monotonic() - started
        # N pages opening at once make N² presence messages: measure once they are through.
        await quiet(pages, QUIET, 300)
        return pages, connected, time.monotonic() - started - QUIET

    async def edits(self, edits, rate, during=None):
        """Send `edits` at `rate` a second (open loop); `during(elapsed)` is awaited between
        them, for the faults. Returns [(sent time, answer time, Answer)]."""
        loop = asyncio.get_running_loop()
        start = time.monotonic()
        flying = []

        def timed(edit):
            sent = time.monotonic()
            answer = request(*edit)
            return sent, time.monotonic(), answer

        for number, edit in enumerate(edits):
            due = start + number / rate
            await asyncio.sleep(max(0.0, due - time.monotonic()))
            if during:
                await during(time.monotonic() - start)
            flying.append(loop.run_in_executor(self.pool, timed, edit))
        return await asyncio.gather(*flying)

    def check(self, what, ok):
        if not ok:
            self.failures.append(what)
        return ok

    async def converge(self, pages, revision, timeout=60):
        started = time.monotonic()
        done = await wait_for(lambda: all(page.contiguous >= revision for page in pages), timeout)
        if not self.check("every page reached the final revision", done):
            behind = collections.Counter(
                (page.contiguous, page.covered, page.newest, tuple(code for code, _p, _t in page.closes[-3:]),
                 len(page.synced_at), page.connected.is_set()) for page in pages if page.contiguous < revision)
            print(f"behind revision {revision} (contiguous, covered, newest, last closes, syncs answered, "
                  f"connected): {dict(behind)}", file=sys.stderr)
        return time.monotonic() - started

    @staticmethod
    async def close(pages):
        await asyncio.gather(*(page.stop() for page in pages))

    async def run(self, scenario, board, redis, cluster):
        """(title, figures) of one scenario."""
        if scenario == "crowd":
            return f"{self.args.crowd} pages opening the board within {self.args.join:g} s", await self.crowd(board)
        if scenario == "reconnect":
            return f"{self.args.reconnecting} pages that missed changes reconnecting at once", await self.reconnect(board)
        if scenario == "load":
            return f"{self.args.pages} pages, edits through both processes", await self.load(board)
        if scenario == "kill":
            return "A process killed (SIGKILL) halfway", await self.kill(board)
        if scenario == "redis":
            return f"Redis down for {self.args.outage} s", await self.redis(board, redis)
        if scenario == "hang":
            return "Redis frozen (SIGSTOP)", await self.hang(board, redis)
        return "PostgreSQL restarted", await self.postgres(board, cluster)

    # --- scenarios ----------------------------------------------------------------------

    async def warm_up(self, board):
        """A running server has rendered changes before: two edits through each process, so
        that what follows is not measured on a cold process. Returns the board's revision."""
        await self.edits(mixed_edits(board, self.clients, 4, "warm")[0], self.args.rate)
        return database_state(self.stack, board["id"])["revision"]

    async def crowd(self, board):
        count, headers = self.args.crowd, self.anna.ws_headers()
        board = {**board, "revision": await self.warm_up(board)}
        pages = []
        started = time.monotonic()
        for index in range(count):  # evenly spread over --join seconds, both processes in turn
            await asyncio.sleep(max(0.0, started + index * self.args.join / count - time.monotonic()))
            ports = self.stack.ports[index % 2:] + self.stack.ports[:index % 2]
            pages.append(Page(ports, board["id"], headers, board["revision"], keep_text=False,
                              retry=browser_retry, batched=True).start())
        if not await wait_for(lambda: all(page.connected.is_set() for page in pages), 60):
            raise SystemExit("pages did not connect")
        last_join = time.monotonic()
        joining = last_join - started
        everyone = await wait_for(lambda: all(page.all_shown_at(count - 1) for page in pages), 60)
        self.check("every page shows everyone", everyone)
        shown = [page.all_shown_at(count - 1) - last_join for page in pages if page.all_shown_at(count - 1)]
        frames = [page.presence_frames for page in pages]
        await quiet(pages, QUIET, 60)
        edits, _markers = mixed_edits(board, self.clients, self.args.rate * 2, "crowd")
        results = await self.edits(edits, self.args.rate)
        sent = {answer.revision: at for at, _answered, answer in results if answer.status == 200}
        await self.converge(pages, database_state(self.stack, board["id"])["revision"])
        await self.close(pages)
        revisions = set(sent)
        delivered = sum(len(revisions & page.received) for page in pages)
        latencies = [page.arrived[rev] - sent[rev] for page in pages for rev in revisions & page.arrived.keys()]
        self.check("every page saw everyone within 3 s of the last join", shown and max(shown) <= 3)
        self.check("at most 10 presence frames per page for the join", max(frames) <= 10)
        self.check("nothing lost after the crowd", delivered == len(pages) * len(revisions))
        return {
            "pages (per process)": f"{count} ({count - count // 2} + {count // 2})",
            "all connected": f"{s(joining)} after the first",
            "every page shows all the others": f"{s(max(shown)) if shown else 'never'} after the last join "
                                               f"(median page {s(statistics.median(shown)) if shown else '-'})",
            "presence frames per page (median / max)": f"{statistics.median(frames):g} / {max(frames)}",
            "then edits (rate)": f"{len(edits)} ({self.args.rate}/s), {len(sent)} answered 200",
            "delivered": f"{delivered}/{len(pages) * len(revisions)}",
            "latency p50 / p95 / p99 / max": " / ".join(
                ms(percentile(latencies, q)) for q in (0.5, 0.95, 0.99, 1.0)),
        }

    async def reconnect(self, board):
        count, headers = self.args.reconnecting, self.anna.ws_headers()
        self.stack.shell(WORKSHOP_CARDS.replace("BOARD", str(board["id"])))  # what a whole board weighs
        missed_from = await self.warm_up(board)
        # The pages were open at `missed_from`; while they were away the board moved on.
        await self.edits(mixed_edits(board, self.clients, 6, "away")[0], self.args.rate)
        final = database_state(self.stack, board["id"])["revision"]
        pids = [process.pid for _port, process in self.stack.servers]
        await self.idle()
        cpu_before = sum(cpu_seconds(pid) for pid in pids)
        started = time.monotonic()
        pages = [Page(self.stack.ports[index % 2:] + self.stack.ports[:index % 2], board["id"], headers, missed_from,
                      keep_text=False, retry=browser_retry, batched=True).start() for index in range(count)]
        current = await wait_for(lambda: all(page.contiguous >= final for page in pages), 60)
        took = time.monotonic() - started
        self.check("every reconnected page current", current)
        self.check("every reconnected page current within 2 s", took <= 2)
        await quiet(pages, QUIET, 60)
        cpu = sum(cpu_seconds(pid) for pid in pids) - cpu_before
        await self.close(pages)
        return {
            "pages (per process)": f"{count} ({count - count // 2} + {count // 2}), each {final - missed_from} changes "
                                   f"behind, on a board of {len(board['phases'])} phases x 30 cards",
            "every page current": f"{s(took)} after they started connecting" if current else "no",
            "whole boards received": sum(page.resyncs for page in pages),
            "server CPU for the reconnect (both processes)": s(cpu),
        }

    async def load(self, board):
        pages, connect, settled = await self.pages(board)
        count = self.args.rate * self.args.seconds
        edits, _markers = mixed_edits(board, self.clients, count, "load")
        results = await self.edits(edits, self.args.rate)
        sent = {answer.revision: at for at, _answered, answer in results if answer.status == 200}
        final = database_state(self.stack, board["id"])["revision"]
        converge = await self.converge(pages, final)
        await self.close(pages)
        revisions = set(sent)
        delivered = sum(len(revisions & page.received) for page in pages)
        latencies = [page.arrived[rev] - sent[rev] for page in pages for rev in revisions & page.arrived.keys()]
        self.check("every edit answered", len(sent) == count)
        self.check("nothing lost", delivered == len(pages) * len(revisions))
        return {
            "pages (per process)": f"{len(pages)} ({len(pages) // 2} + {len(pages) - len(pages) // 2})",
            "pages connected (sync answered) / presence settled in": f"{s(connect)} / {s(settled)}",
            "edits (rate, through)": f"{count} ({self.args.rate}/s, both processes in turn)",
            "answered 200": f"{len(sent)}/{count}",
            "delivered": f"{delivered}/{len(pages) * len(revisions)}",
            "lost": len(pages) * len(revisions) - delivered,
            "duplicates": sum(page.duplicates for page in pages),
            "pages that needed the whole board (a change late by > 1.5 s)": sum(page.resyncs > 0 for page in pages),
            "latency p50 / p95 / p99 / max": " / ".join(
                ms(percentile(latencies, q)) for q in (0.5, 0.95, 0.99, 1.0)),
            "all pages at the final revision": f"{s(converge)} after the last answer",
        }

    async def kill(self, board):
        pages, _connect, _settled = await self.pages(board)
        count = self.args.rate * self.args.seconds
        edits, _markers = mixed_edits(board, self.clients, count, "kill")
        port_b = self.stack.ports[1]
        orphans = [page for page in pages if page.ports[0] == port_b]
        killed = {}

        async def fault(elapsed):
            if not killed and elapsed >= self.args.seconds / 2:
                killed["at"] = time.monotonic()
                self.stack.kill(1)

        results = await self.edits(edits, self.args.rate, fault)
        state = database_state(self.stack, board["id"])
        converge = await self.converge(pages, state["revision"])
        await self.close(pages)
        acknowledged = [(edit, answer) for edit, (_s, _a, answer) in zip(edits, results) if answer.status == 200]
        created = [edit[2]["title"] for edit, _answer in acknowledged if edit[1].endswith("/cards/")]
        lost = [title for title in created if title not in state["titles"]]
        back = [min(at for at, _rev in page.synced_at if at > killed["at"]) - killed["at"]
                for page in orphans if any(at > killed["at"] for at, _rev in page.synced_at)]
        self.check("no acknowledged edit lost", not lost)
        self.check("every orphaned page came back", len(back) == len(orphans))
        self.stack.revive()
        return {
            "pages (on the killed process)": f"{len(pages)} ({len(orphans)})",
            "edits sent / answered 200 / no answer": (
                f"{count} / {len(acknowledged)} / {sum(answer.status is None for _s, _a, answer in results)}"),
            "acknowledged edits lost": len(lost),
            "orphaned pages live again (sync answered) p50 / max": (
                f"{s(percentile(back, 0.5))} / {s(max(back, default=float('nan')))} after the kill"),
            "all pages at the final revision": f"{s(converge)} after the last answer",
        }

    async def redis(self, board, redis):
        pages, _connect, _settled = await self.pages(board)
        outage = self.args.outage
        count = self.args.rate * (outage + 4)
        edits, _markers = mixed_edits(board, self.clients, count, "redis")
        times = {}

        async def fault(elapsed):
            if "down" not in times and elapsed >= 2:
                times["down"] = time.monotonic()
                redis.kill()
            elif "up" not in times and elapsed >= 2 + outage:
                redis.start()
                times["up"] = time.monotonic()

        results = await self.edits(edits, self.args.rate, fault)
        state = database_state(self.stack, board["id"])
        converge = await self.converge(pages, state["revision"])
        await self.close(pages)
        down, up = times["down"], times["up"]
        during = [(sent, answered, answer) for sent, answered, answer in results if down <= sent < up]
        paused = [page.closes[0][2] - down for page in pages if page.closes and page.closes[0][0] == CLOSE_LIVE_PAUSED]
        resumed = [min(at for at, _rev in page.synced_at if at > up) - up
                   for page in pages if any(at > up for at, _rev in page.synced_at)]
        ok = [answer for _s, _a, answer in during if answer.status == 200]
        self.check("every edit during the outage answered 200", len(ok) == len(during))
        self.check("every page paused", len(paused) == len(pages))
        self.check("every page resumed", len(resumed) == len(pages))
        return {
            "pages": len(pages),
            "outage": s(outage),
            "pages told 'paused' (4503) within": s(max(paused, default=float("nan"))),
            "edits during the outage answered 200": f"{len(ok)}/{len(during)}",
            "their answer time p50 / max": " / ".join(
                ms(percentile([answered - sent for sent, answered, _a in during], q)) for q in (0.5, 1.0)),
            "pages live again after Redis is back p50 / max": (
                f"{s(percentile(resumed, 0.5))} / {s(max(resumed, default=float('nan')))}"),
            "all pages at the final revision": f"{s(converge)} after the last answer",
        }

    async def hang(self, board, redis):
        pages, _connect, _settled = await self.pages(board, count=20)
        edits, _markers = mixed_edits(board, self.clients, 4, "hang")
        redis.process.send_signal(signal.SIGSTOP)
        frozen = time.monotonic()
        try:
            results = await self.edits(edits, 2)
        finally:
            redis.process.send_signal(signal.SIGCONT)
        thawed = time.monotonic()
        state = database_state(self.stack, board["id"])
        converge = await self.converge(pages, state["revision"])
        await self.close(pages)
        waits = [answered - sent for sent, answered, _answer in results]
        self.check("edits answered during the hang", all(answer.status == 200 for _s, _a, answer in results))
        return {
            "pages": len(pages),
            "Redis frozen for": s(thawed - frozen),
            "edits answered 200": f"{sum(answer.status == 200 for _s, _a, answer in results)}/{len(results)}",
            "their answer time min / max": f"{s(min(waits))} / {s(max(waits))}",
            "all pages at the final revision": f"{s(converge)} after Redis woke up",
        }

    async def postgres(self, board, cluster):
        pages, _connect, _settled = await self.pages(board, count=20)
        edits, _markers = mixed_edits(board, [self.anna], self.args.rate * 6, "restart")
        times = {}

        async def restart():
            times["restart"] = time.monotonic()
            await asyncio.to_thread(cluster.restart)
            times["back"] = time.monotonic()

        async def fault(elapsed):
            if "task" not in times and elapsed >= 2:
                times["task"] = asyncio.ensure_future(restart())  # edits keep going meanwhile

        results = await self.edits(edits, self.args.rate, fault)
        await times["task"]
        state = database_state(self.stack, board["id"])
        converge = await self.converge(pages, state["revision"])
        dropped = sum(bool(page.closes) for page in pages)
        await self.close(pages)
        statuses = [answer.status for _s, _a, answer in results]
        after = [answered for _sent, answered, answer in results if answer.status == 200 and answered > times["back"]]
        self.check("only 200 and 503 during a restart", set(statuses) <= {200, 503})
        created = [edit[2]["title"] for edit, (_s, _a, answer) in zip(edits, results)
                   if answer.status == 200 and edit[1].endswith("/cards/")]
        self.check("no acknowledged edit lost", set(created) <= set(state["titles"]))
        return {
            "pages": len(pages),
            "restart (pg_ctl restart -m fast)": s(times["back"] - times["restart"]),
            "edits: 200 / 503 / other": (
                f"{statuses.count(200)} / {statuses.count(503)} / {len(statuses) - statuses.count(200) - statuses.count(503)}"),
            "first 200 after it was back": s(min(after) - times["back"]) if after else "none",
            "pages dropped": dropped,
            "all pages at the final revision": f"{s(converge)} after the last answer",
        }


def table(title, rows):
    print(f"\n**{title}**\n")
    print("| | |\n| --- | --- |")
    for name, value in rows.items():
        print(f"| {name} | {value} |")


async def run(args):
    only = args.only.split(",") if args.only else SCENARIOS
    reason = PrivateCluster.why_unavailable()
    if reason:
        raise SystemExit(f"needs a private PostgreSQL cluster: {reason}")
    load = os.getloadavg()[0]
    with PrivateRedis() as redis, PrivateCluster() as cluster:
        stack = FaultStack(cluster.url, redis.url, processes=2)
        stack.env["LOG_LEVEL"] = "WARNING"  # an outage logs a line per socket and edit
        with stack:
            boards = setup_boards(stack, *SCENARIOS)
            bench = Bench(stack, args)
            print(f"# Reliability: 2 daphne processes (DEBUG=0), PostgreSQL {cluster.port}, Redis {redis.port}, "
                  f"{os.cpu_count()} cores, load average {load:.1f} at the start")
            for scenario in only:
                await bench.idle()
                table(*await bench.run(scenario, boards[scenario], redis, cluster))
            print(f"\nload average at the end: {os.getloadavg()[0]:.1f}")
            bench.pool.shutdown()
    for failure in bench.failures:
        print(f"MISS {failure}")
    return 1 if bench.failures else 0


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=200, help="pages on the board (default 200)")
    parser.add_argument("--rate", type=int, default=5, help="edits per second (default 5)")
    parser.add_argument("--seconds", type=int, default=10, help="seconds of edits in load and kill (default 10)")
    parser.add_argument("--outage", type=int, default=5, help="seconds Redis stays down (default 5)")
    parser.add_argument("--crowd", type=int, default=300, help="pages opening the board in crowd (default 300)")
    parser.add_argument("--reconnecting", type=int, default=100, help="pages reconnecting in reconnect (default 100)")
    parser.add_argument("--join", type=float, default=2.0, help="seconds over which the crowd opens it (default 2)")
    parser.add_argument("--only", default="", help=f"comma-separated scenarios out of {','.join(SCENARIOS)}")
    return asyncio.run(run(parser.parse_args()))


if __name__ == "__main__":
    sys.exit(main())
