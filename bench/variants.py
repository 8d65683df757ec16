"""What does each departure from Django's and Channels' defaults buy, measured side by side?

Journeyboard keeps SQLite connections between requests (journeyboard/pooled_sqlite),
freezes the objects loaded at start-up out of the garbage collector (gc.freeze() in
journeyboard/asgi.py), keeps one badge queryset per board (journeyboard/boards/badged.py)
and runs a request's middleware and view in one trip to a thread
(journeyboard/http_handler.py). Each is kept only while it buys at least 15 % on a documented figure
(docs/architecture.md, "Departures from the framework's defaults"). This bench starts one server per
variant on the same throw-away database, the shipped one and one with each choice changed,
and times the same requests against all of them in interleaved rounds, so that a change of
the machine's speed hits every variant alike: the board page (GET) and a card edit (POST,
answered and broadcast).

With `--fanout` it runs bench/fanout.py's workshop load (50 pages, 20 edits/s) against each
variant in turn instead, then the bare Channels floor once, and prints each variant's p50/p99
and their ratios to the shipped one.

Usage: `.venv/bin/python bench/variants.py [--rounds 8] [--requests 10] [--fanout]`
(`make bench-variants`).
"""

import argparse
import http.client
import os
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

from board_render import (
    HOST,
    bench_environment,
    build_boards,
    get,
    log_in,
    percentile,
    setup_django,
    speed_probe,
    start_server,
    stop_server,
)

# The ASGI application of a variant, written next to its settings module: journeyboard/asgi.py
# with or without gc.freeze() (which that module calls; undone here for the variant without),
# with or without the kept badge queryset (journeyboard/boards/badged.py), and with
# journeyboard/http_handler.py or Django's own ASGIHandler for HTTP.
ASGI_TEMPLATE = """\
import gc
import os

import django

django.setup(set_prefix=False)

import journeyboard.asgi as shipped  # noqa: E402

if not {freeze}:
    gc.unfreeze()
if not {kept}:  # every card fetch builds its badge queryset anew
    from journeyboard.boards import badged, fragments, rendering  # noqa: E402
    from journeyboard.boards.views import cards  # noqa: E402

    for module in (fragments, rendering, cards):
        module.badged_cards = badged.badged_cards.__wrapped__
if not {one_trip}:  # Django's own handler: middleware and view in separate trips
    from django.core.handlers.asgi import ASGIHandler  # noqa: E402

    shipped.application.application_mapping["http"] = ASGIHandler()
application = shipped.application
"""

SETTINGS_TEMPLATE = """\
from journeyboard.settings import *  # noqa: F403

STATIC_ROOT = DATA_DIR / "static"  # noqa: F405
ASGI_APPLICATION = "{module}.application"
if not {pooled}:
    DATABASES["default"]["ENGINE"] = "django.db.backends.sqlite3"  # noqa: F405
"""

# name, (pooled SQLite, gc.freeze, kept badge queryset, one trip per request)
VARIANTS = [
    ("shipped", (True, True, True, True)),
    ("Django's SQLite backend", (False, True, True, True)),
    ("no gc.freeze()", (True, False, True, True)),
    ("badge queryset per fetch", (True, True, False, True)),
    ("Django's ASGIHandler", (True, True, True, False)),
]


def write_variant(data_dir, index, switches):
    pooled, freeze, kept, one_trip = switches
    module = f"variant_asgi_{index}"
    (data_dir / f"{module}.py").write_text(ASGI_TEMPLATE.format(freeze=freeze, kept=kept, one_trip=one_trip))
    settings = f"variant_settings_{index}"
    (data_dir / f"{settings}.py").write_text(SETTINGS_TEMPLATE.format(module=module, pooled=pooled))
    return settings


class Client:
    """One keep-alive connection to one server, signed in, with its CSRF token."""

    def __init__(self, port):
        self.connection = http.client.HTTPConnection(HOST, port, timeout=60)
        self.cookie = log_in(f"http://{HOST}:{port}")
        self.csrf = re.search(r"csrftoken=([^;]+)", self.cookie).group(1)

    def page(self, path):
        status, _body = get(self.connection, path, self.cookie)
        return status

    def edit(self, path, title):
        body = f"title={title}&note=&channel=website&emotion=&kind=touchpoint"
        headers = {
            "Cookie": self.cookie, "X-CSRFToken": self.csrf, "HX-Request": "true",
            "Content-Type": "application/x-www-form-urlencoded",
        }
        self.connection.request("POST", path, body=body, headers=headers)
        response = self.connection.getresponse()
        response.read()
        return response.status


def timed(call, *args):
    started = time.perf_counter()
    status = call(*args)
    elapsed = (time.perf_counter() - started) * 1000
    if status != 200:
        raise SystemExit(f"{call.__name__} {args[0]} answered {status}")
    return elapsed


def measure(clients, page_url, card_url, rounds, requests):
    """{variant: {"page": [ms], "edit": [ms]}}, interleaved round by round."""
    timings = {name: {"page": [], "edit": []} for name in clients}
    for client in clients.values():  # warm-up: templates, connections, caches
        for _ in range(requests):
            client.page(page_url)
            client.edit(card_url, "warm-up")
    for round_number in range(rounds):
        for name, client in clients.items():
            for i in range(requests):
                timings[name]["page"].append(timed(client.page, page_url))
                timings[name]["edit"].append(timed(client.edit, card_url, f"Edit {round_number}-{i}"))
    return timings


def report(timings):
    shipped = timings["shipped"]
    print(f"\n{'variant':<26} {'page median':>12} {'p95':>7} {'edit median':>12} {'p95':>7} {'page':>7} {'edit':>7}")
    print(f"{'':<26} {'ms':>12} {'ms':>7} {'ms':>12} {'ms':>7} {'/shipped':>7} {'/shipped':>7}")
    for name, figures in timings.items():
        page, edit = figures["page"], figures["edit"]
        page_ratio = statistics.median(page) / statistics.median(shipped["page"])
        edit_ratio = statistics.median(edit) / statistics.median(shipped["edit"])
        print(f"{name:<26} {statistics.median(page):>12.1f} {percentile(page, 0.95):>7.1f} "
              f"{statistics.median(edit):>12.1f} {percentile(edit, 0.95):>7.1f} {page_ratio:>7.2f}x {edit_ratio:>7.2f}x")
    print("\nA ratio above 1.15x: the shipped choice buys at least 15 % on that figure over the variant "
          "(below 0.87x: the variant would buy 15 %).")


def fanout_variants(args):
    """bench/fanout.py's run against each variant, then the floor; {variant: result}."""
    import fanout

    class VariantStack(fanout.EmbeddedStack):
        def __init__(self, data_dir, settings):
            super().__init__(data_dir)
            self.env.update(DJANGO_SETTINGS_MODULE=settings, PYTHONPATH=os.pathsep.join([str(data_dir), str(fanout.ROOT)]))
            self.module = settings.replace("settings", "asgi")

        def __enter__(self):
            self.manage("migrate", "-v0")
            self.manage("collectstatic", "--noinput", "-v0")
            return self.start(f"{self.module}:application")

    load = argparse.Namespace(clients=50, rate=20, seconds=args.seconds, edit="update", stagger=0, flood=0, board_cards=0)
    results = {}
    with tempfile.TemporaryDirectory(prefix="journeyboard-variants-") as tmp:
        order = list(enumerate(VARIANTS))
        for index, (name, switches) in reversed(order) if args.reverse else order:
            data_dir = Path(tmp) / str(index)
            data_dir.mkdir()
            settings = write_variant(data_dir, index, switches)
            with VariantStack(data_dir, settings) as stack:
                results[name] = fanout.journeyboard_run(stack, load)
        with fanout.RelayServer(Path(tmp)) as relay:
            results["floor (bench/relay.py)"] = fanout.relay_run(relay, fanout.floor_payload(results["shipped"]["samples"]), load)
    return results


def fanout_report(results):
    shipped = results["shipped"]["latencies"]
    results = {name: results[name] for name, _switches in VARIANTS} | results
    print(f"\n{'variant':<26} {'delivered':>13} {'p50 ms':>8} {'p99 ms':>8} {'p50':>9} {'p99':>9}")
    print(f"{'':<26} {'':>13} {'':>8} {'':>8} {'/shipped':>9} {'/shipped':>9}")
    for name, result in results.items():
        latencies = result["latencies"]
        p50, p99 = percentile(latencies, 0.5), percentile(latencies, 0.99)
        print(f"{name:<26} {result['delivered']:>6}/{result['expected']:<6} {p50:>8.1f} {p99:>8.1f} "
              f"{p50 / percentile(shipped, 0.5):>8.2f}x {p99 / percentile(shipped, 0.99):>8.2f}x")
    print("\nA ratio above 1.15x: the shipped choice buys at least 15 % on that figure over the variant "
          "(below 0.87x: the variant would buy 15 %).")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=8, help="interleaved rounds (default 8)")
    parser.add_argument("--requests", type=int, default=10, help="requests of each kind per variant and round (default 10)")
    parser.add_argument("--fanout", action="store_true", help="compare the variants on the fan-out load instead")
    parser.add_argument("--seconds", type=int, default=10, help="measured seconds of edits with --fanout (default 10)")
    parser.add_argument("--reverse", action="store_true",
                        help="with --fanout: run the variants last to first (a later run may fare better)")
    args = parser.parse_args()

    if args.fanout:
        before = speed_probe()
        results = fanout_variants(args)
        print("Fan-out: 50 WebSocket clients on one board, 20 edits/s, one daphne process, DEBUG=0, SQLite, "
              "in-memory channel layer; the variants one after the other, then the floor.")
        fanout_report(results)
        print(f"Machine speed probe: {before:.1f} ms before, {speed_probe():.1f} ms after (lower is faster).")
        return 0

    with tempfile.TemporaryDirectory(prefix="journeyboard-variants-") as tmp:
        data_dir = Path(tmp)
        env = bench_environment(data_dir)
        setup_django(data_dir, env)
        _user, boards = build_boards()
        board = boards["workshop"]
        card = board.phases.order_by("position").first().cards.order_by("position").first()
        page_url, card_url = board.get_absolute_url(), f"{board.get_absolute_url()}cards/{card.pk}/"

        from django.db import connections

        connections.close_all()
        servers, clients = [], {}
        log_path = data_dir / "server.log"
        with open(log_path, "wb") as log:
            try:
                for index, (name, switches) in enumerate(VARIANTS):
                    settings = write_variant(data_dir, index, switches)
                    server, port = start_server({**env, "DJANGO_SETTINGS_MODULE": settings}, log, log_path)
                    servers.append(server)
                    clients[name] = Client(port)
                before = speed_probe()
                timings = measure(clients, page_url, card_url, args.rounds, args.requests)
                after = speed_probe()
            finally:
                for server in servers:
                    stop_server(server)
        print(f"Workshop board (10 x 30) on runserver (daphne), DEBUG=0, SQLite; {args.rounds} rounds x "
              f"{args.requests} requests of each kind per variant, one keep-alive connection each.")
        report(timings)
        print(f"Machine speed probe: {before:.1f} ms before, {after:.1f} ms after (lower is faster).")
    return 0


if __name__ == "__main__":
    sys.exit(main())
