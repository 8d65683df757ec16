"""How fast is the picture export, and how does it compare with a browser screenshot?

Builds boards with bench/board_render.py's generator on a throw-away SQLite database, then:

1. times `board_snapshot` and `render_png` (scale 1 and 2) in this process: the median of
   a few runs, the snapshot excluded from the render figure;
2. measures memory in a fresh child process per board and scale: it loads Django and the
   snapshot, reads its peak RSS (VmHWM in /proc/self/status), renders, and reads the
   peak again. The table shows the peak and what the render added to it. RSS includes
   Pillow's image buffer (C memory, which tracemalloc would not see);
3. starts the real server (`manage.py runserver`, as bench/board_render.py does), signs
   in, and times headless Chromium (Debian's, through Playwright; tests/browser.py) loading
   /boards/<id>/ and screenshotting #board-body, in a browser that is already running:
   the alternative a user would reach for. The viewport is as big as our picture at
   scale 1 (at most 16384 pixels high), at the same device scale factor.

4. splits the render of each board at its largest scale into layout, painting and PNG
   encoding (the encoder mostly runs while the painter draws, so the render takes less
   than the sum);
5. compares, in the same run, our PNG encoder (rows compressed on several cores while
   the painter draws) with Pillow's public one (paint, then Image.save(format="PNG",
   compress_level=...)): time and peak RSS of each, every board at every scale.

Usage: `.venv/bin/python bench/export.py [--runs N] [--no-browser]`. Exits 1 when a
target is missed. The "workshop" row (10 phases, 60 cards in all) is the board a
workshop ends with; "10 x 60" has 60 cards in every phase. Every board has what the
picture can show: a KPI on every other phase, the ambassador loop and two personas.
"""

import argparse
import io
import json
import math
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))

from board_render import (
    HOST,
    PASSWORD,
    ROOT,
    USERNAME,
    bench_environment,
    board_document,
    log_in,
    setup_django,
    start_server,
    stop_server,
)

# name, phases, cards per phase, {scale: target ms}
BOARDS = [
    ("workshop", 10, 6, {2: 200}),
    ("10 x 60", 10, 60, {1: None, 2: 200}),
    ("stress", 20, 500, {1: 1000, 2: 2500}),
]
MEMORY_LIMIT_MB = 400
BROWSER_RATIO_TARGET = 5


# --- This process ----------------------------------------------------------------------

def build_boards():
    from django.contrib.auth import get_user_model

    from journeyboard.boards.transfer import import_board

    user = get_user_model().objects.create_user(username=USERNAME, password=PASSWORD)
    boards = {}
    for seed, (name, phases, cards, _targets) in enumerate(BOARDS):
        boards[name] = deepen(import_board(user, board_document(f"Bench {name} board", phases, cards, seed)))
    return boards


def deepen(board):
    """The journey's depth on a bench board: KPIs on every other phase (on, off and
    without a target in turn), the ambassador loop, and a second persona."""
    from decimal import Decimal

    from journeyboard.boards.models import Persona

    kpis = [
        ("Conversion", Decimal("3.2"), Decimal("4"), "%"),
        ("Retention", Decimal("82"), Decimal("80"), "%"),
        ("Reach", Decimal("120000"), None, ""),
    ]
    for i, phase in enumerate(board.phases.order_by("position")[::2]):
        phase.kpi_name, phase.kpi_value, phase.kpi_target, phase.kpi_unit = kpis[i % len(kpis)]
        phase.save()
    board.ambassador_loop = True
    board.save()
    Persona.objects.create(board=board, name="Sanne de Vries", role="Commuter", quote="I want to arrive fresh.", color="#12a4b8")
    return board


def median_ms(runs, function, *args):
    """The median time of `runs` calls of function(*args) in ms, and the last result."""
    timings = []
    for _ in range(runs):
        started = time.perf_counter()
        result = function(*args)
        timings.append((time.perf_counter() - started) * 1000)
    return statistics.median(timings), result


def time_renders(boards, runs):
    from PIL import Image

    from journeyboard.export.layout import layout
    from journeyboard.export.pdf import render_pdf
    from journeyboard.export.png import render_png
    from journeyboard.export.snapshot import board_snapshot

    rows = []
    for name, phases, cards, targets in BOARDS:
        board = boards[name]
        snapshot_ms, shot = median_ms(runs, board_snapshot, board)
        for scale, target in targets.items():
            render_png(shot, scale)  # warm: fonts load once per process
            render_ms, data = median_ms(runs, render_png, shot, scale)
            size = Image.open(io.BytesIO(data)).size
            lay = layout(shot, scale)
            rows.append({
                "name": name, "phases": phases, "cards": cards, "scale": scale, "target": target,
                "board_id": board.pk, "snapshot": snapshot_ms, "render": render_ms, "size": size,
                "png_kb": len(data) / 1024, "effective": lay.scale,
                "unit_size": lay.unit_size, "shot": shot,
            })
        pdf_ms, pdf = median_ms(max(1, runs // 2), render_pdf, shot)
        rows[-1]["pdf"] = (pdf_ms, len(pdf) / 1024)
    return rows


def time_parts(boards, runs):
    """Layout, painting and encoding by themselves, for each board at its largest scale:
    where a render's time goes. CPU is this process's, summed over its threads."""
    from journeyboard.export.encoder import PNG_THREADS, encode_png
    from journeyboard.export.layout import layout
    from journeyboard.export.painter import paint
    from journeyboard.export.snapshot import board_snapshot

    lines = []
    for name, _phases, _cards, targets in BOARDS:
        shot, scale = board_snapshot(boards[name]), max(targets)
        layout_ms, lay = median_ms(runs, layout, shot, scale)
        paint_ms, image = median_ms(runs, paint, lay)
        started = time.process_time()
        encode_ms, _data = median_ms(runs, encode_png, image)
        encode_cpu = (time.process_time() - started) * 1000 / runs
        lines.append(f"{name} at scale {scale}: layout {layout_ms:.0f} ms, paint {paint_ms:.0f} ms, "
                     f"encode by itself {encode_ms:.0f} ms ({encode_cpu:.0f} ms CPU on {PNG_THREADS} threads)")
    return lines


# --- Memory, in a child process --------------------------------------------------------

def child(board_id, scale, encoder="ours"):
    """Run in a fresh process: snapshot, then render, reporting the peak RSS around it."""
    import django

    django.setup()
    from journeyboard.boards.models import Board
    from journeyboard.export.png import render_png
    from journeyboard.export.snapshot import board_snapshot

    shot = board_snapshot(Board.objects.get(pk=board_id))
    before = peak_rss_kb()
    started = time.perf_counter()
    data = (render_png if encoder == "ours" else render_png_pillow)(shot, scale)
    seconds = time.perf_counter() - started
    print(json.dumps({"before_kb": before, "peak_kb": peak_rss_kb(), "seconds": seconds, "bytes": len(data)}))


def peak_rss_kb():
    """This process's peak resident set size. Linux keeps getrusage's ru_maxrss across
    fork and exec, so a child would report its parent's peak; VmHWM starts afresh."""
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def measure_memory(rows, env):
    for row in rows:
        for encoder, prefix in (("ours", ""), ("pillow", "pillow_")):
            result = subprocess.run(
                [sys.executable, __file__, "--child", str(row["board_id"]), str(row["scale"]), encoder],
                env=env, cwd=ROOT, capture_output=True, text=True, check=True,
            )
            figures = json.loads(result.stdout.strip().splitlines()[-1])
            row[prefix + "peak_mb"] = figures["peak_kb"] / 1024
            row[prefix + "added_mb"] = (figures["peak_kb"] - figures["before_kb"]) / 1024
            row[prefix + "cold_ms"] = figures["seconds"] * 1000


# --- Our encoder beside Pillow's public one ----------------------------------------------

def render_png_pillow(shot, scale):
    """The same picture through Pillow's public encoder: paint it all, then Image.save."""
    from journeyboard.export.encoder import PNG_LEVEL
    from journeyboard.export.layout import layout
    from journeyboard.export.painter import paint

    lay = layout(shot, scale)
    image = paint(lay)
    out = io.BytesIO()
    dpi = 96 * lay.scale
    image.save(out, format="PNG", compress_level=PNG_LEVEL, dpi=(dpi, dpi))
    return out.getvalue()


def time_encoders(rows, runs):
    """Each row's render through Pillow's public encoder, timed as the row was."""
    for row in rows:
        shot = row["shot"]
        render_png_pillow(shot, row["scale"])  # warm
        row["pillow"], data = median_ms(runs, render_png_pillow, shot, row["scale"])
        row["pillow_kb"] = len(data) / 1024


def print_encoders(rows):
    print()
    print("PNG encoder, same run: ours (streamed, several cores) | Pillow Image.save (public)")
    for row in rows:
        gain = 1 - row["render"] / row["pillow"]
        print(f"  {row['name']:<9} scale {row['scale']}: {row['render']:6.0f} ms | {row['pillow']:6.0f} ms"
              f"  ({gain:+.0%} time saved), peak RSS {row['peak_mb']:4.0f} | {row['pillow_peak_mb']:4.0f} MB,"
              f" PNG {row['png_kb']:5.0f} | {row['pillow_kb']:5.0f} KB")


# --- Chromium --------------------------------------------------------------------------

def time_browser(rows, port, runs):
    from playwright.sync_api import sync_playwright

    sys.path.insert(0, str(ROOT))
    from tests.browser import chromium_launch_options

    base = f"http://{HOST}:{port}"
    cookies = [
        {"name": name, "value": value, "domain": HOST, "path": "/"}
        for name, value in (pair.split("=", 1) for pair in log_in(base).split("; "))
    ]
    with sync_playwright() as playwright:
        started = time.perf_counter()
        browser = playwright.chromium.launch(**chromium_launch_options())
        launch_ms = (time.perf_counter() - started) * 1000
        try:
            for row in rows:
                unit_w, unit_h = row["unit_size"]
                # Lanes are as tall as the viewport allows (CSS max-height: 100vh - 150px).
                viewport = {"width": min(unit_w + 300, 16384), "height": min(unit_h, 16384)}
                context = browser.new_context(viewport=viewport, device_scale_factor=row["scale"])
                context.add_cookies(cookies)
                page = context.new_page()
                url = f"{base}/boards/{row['board_id']}/"
                try:
                    screenshot(page, url)  # warm: the first load fetches the static files
                    row["browser"], image = median_ms(runs, screenshot, page, url)
                    row["browser_kb"] = len(image) / 1024
                except Exception as error:  # noqa: BLE001 - reported in the table, not fatal
                    row["browser_error"] = str(error).splitlines()[0][:80]
                context.close()
        finally:
            browser.close()
    return launch_ms


def screenshot(page, url):
    page.goto(url, wait_until="load")
    return page.locator("#board-body").screenshot(type="png", timeout=120_000)


# --- Report ----------------------------------------------------------------------------

def verdict(row):
    ok = row["peak_mb"] < MEMORY_LIMIT_MB
    if row["target"] is not None:
        ok = ok and row["render"] < row["target"]
    if "browser" in row:
        ok = ok and row["browser"] / row["render"] >= BROWSER_RATIO_TARGET
    return ok


def print_table(rows, launch_ms):
    headers = ["board", "phases x cards", "scale", "picture px", "MP", "snapshot ms", "render ms", "target ms",
               "PNG KB", "peak RSS MB", "render +MB", "Chromium ms", "Chromium / ours", "result"]
    lines = [headers]
    for row in rows:
        width, height = row["size"]
        scale = f"{row['scale']}" + (f" (capped {row['effective']:.2f})" if row["effective"] != row["scale"] else "")
        browser = row.get("browser")
        lines.append([
            row["name"], f"{row['phases']} x {row['cards']}", scale, f"{width} x {height}",
            f"{width * height / 1e6:.1f}", f"{row['snapshot']:.0f}", f"{row['render']:.0f}",
            f"< {row['target']}" if row["target"] else "-", f"{row['png_kb']:.0f}",
            f"{row['peak_mb']:.0f}", f"{row['added_mb']:.0f}",
            f"{browser:.0f}" if browser else row.get("browser_error", "not run"),
            f"{browser / row['render']:.1f}x" if browser else "-",
            "OK" if row["ok"] else "MISS",
        ])
    widths = [max(len(line[i]) for line in lines) for i in range(len(headers))]
    print()
    for index, line in enumerate(lines):
        print(" | ".join(cell.ljust(width) if i in (0, 2, len(line) - 1) else cell.rjust(width)
                         for i, (cell, width) in enumerate(zip(line, widths))))
        if index == 0:
            print("-+-".join("-" * width for width in widths))
    print()
    for row in rows:
        if "pdf" in row:
            print(f"render_pdf {row['name']}: {row['pdf'][0]:.0f} ms, {row['pdf'][1]:.0f} KB")
    if launch_ms is not None:
        print(f"Chromium launch (not in the figures above): {launch_ms:.0f} ms")
    print(f"render ms: median in a warm process; memory: peak RSS (VmHWM) of a fresh process "
          f"that loaded Django and the snapshot, and how much the render raised it; limit {MEMORY_LIMIT_MB} MB.")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="timed runs per figure (default 5)")
    parser.add_argument("--no-browser", action="store_true", help="skip the Chromium comparison")
    parser.add_argument("--child", nargs=3, metavar=("BOARD_ID", "SCALE", "ENCODER"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        sys.path.insert(0, str(ROOT))
        child(int(args.child[0]), int(args.child[1]), args.child[2])
        return 0

    with tempfile.TemporaryDirectory(prefix="journeyboard-bench-export-") as tmp:
        data_dir = Path(tmp)
        env = bench_environment(data_dir)
        setup_django(data_dir, env)
        boards = build_boards()
        rows = time_renders(boards, args.runs)
        time_encoders(rows, args.runs)
        parts = time_parts(boards, args.runs)

        from django.db import connections

        connections.close_all()
        measure_memory(rows, env)
        launch_ms = None
        if not args.no_browser:
            log_path = data_dir / "server.log"
            with open(log_path, "wb") as log:
                server, port = start_server(env, log, log_path)
                try:
                    launch_ms = time_browser(rows, port, max(1, math.ceil(args.runs / 2)))
                finally:
                    stop_server(server)
        for row in rows:
            row["ok"] = verdict(row)
        print_table(rows, launch_ms)
        print_encoders(rows)
        print("\n".join(parts))
    return 0 if all(row["ok"] for row in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
