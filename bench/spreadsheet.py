"""How fast are the spreadsheet and Markdown exports, and the spreadsheet import?

Builds a 10-phase board with 60 cards in every phase (the "10 x 60" board of
bench/export.py, with its KPIs, loop and personas) on a throw-away SQLite database and
times, in this process, the median of a few runs of:

- `render_csv`, `render_xlsx`, `render_markdown` (journeyboard/export/), queries included;
- `spreadsheet_document` on the CSV and the XLSX just made: reading and checking a file,
  without the writes of the import.

Usage: `.venv/bin/python bench/spreadsheet.py [--runs N]`. Exits 1 when the XLSX export
misses its target (300 ms). Prints the machine speed probe before and after, as the other
benches do: compare runs by it.
"""

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))

from board_render import bench_environment, board_document, setup_django, speed_probe  # noqa: E402
from export import deepen  # noqa: E402

PHASES, CARDS = 10, 60
XLSX_TARGET_MS = 300


def median_ms(runs, function, *args):
    """Median wall-clock and CPU ms of `runs` calls, and the last result. CPU time is this
    process's: on a machine shared with other jobs it moves less than the wall clock."""
    wall, cpu = [], []
    for _ in range(runs):
        started, started_cpu = time.perf_counter(), time.process_time()
        result = function(*args)
        wall.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - started_cpu) * 1000)
    return (statistics.median(wall), statistics.median(cpu)), result


def report(rows, runs, before, after, size=f"{PHASES} phases x {CARDS} cards"):
    """Print one line per figure, (name, (ms, CPU ms), bytes, target ms or None[, what it is]);
    True when every figure with a target met it."""
    ok = True
    print(f"{size}, median of {runs} runs")
    print(f"{'':<14}{'ms':>8}{'CPU ms':>8}{'KB':>9}  {'what':<14}target")
    for name, (ms, cpu_ms), size, target, *what in rows:
        verdict = ""
        if target is not None:
            verdict = f"< {target} ms " + ("ok" if ms < target else "MISSED")
            ok = ok and ms < target
        print(f"{name:<14}{ms:>8.0f}{cpu_ms:>8.0f}{size / 1024:>9.0f}  {''.join(what):<14}{verdict}")
    print(f"Machine speed probe (bench/board_render.py speed_probe): {before:.1f} ms before, {after:.1f} ms after "
          "(lower is faster).")
    return ok


def build_board():
    from django.contrib.auth import get_user_model

    from journeyboard.boards.transfer import import_board

    user = get_user_model().objects.create_user(username="bench", password="bench-password-1")
    return deepen(import_board(user, board_document("Bench 10 x 60 board", PHASES, CARDS, seed=1)))


def measure(board, runs):
    from journeyboard.boards.spreadsheet import spreadsheet_document
    from journeyboard.export.markdown import render_markdown
    from journeyboard.export.spreadsheet import render_csv, render_xlsx

    render_xlsx(board)  # warm: openpyxl loads on first use
    rows = []
    for name, function in (("CSV", render_csv), ("XLSX", render_xlsx), ("Markdown", render_markdown)):
        ms, content = median_ms(runs, function, board)
        size = len(content.encode() if isinstance(content, str) else content)
        rows.append((f"export {name}", ms, size, XLSX_TARGET_MS if name == "XLSX" else None))
    for extension, function in (("csv", render_csv), ("xlsx", render_xlsx)):
        content = function(board)
        ms, document = median_ms(runs, spreadsheet_document, f"bench.{extension}", content)
        cards = sum(len(phase["cards"]) for phase in document["phases"])
        assert cards == PHASES * CARDS, cards
        rows.append((f"read {extension.upper()}", ms, len(content), None))
    return rows


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="timed runs per figure (default 5)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="journeyboard-bench-spreadsheet-") as tmp:
        data_dir = Path(tmp)
        setup_django(data_dir, bench_environment(data_dir))
        board = build_board()
        before = speed_probe()
        rows = measure(board, args.runs)
        after = speed_probe()
    return 0 if report(rows, args.runs, before, after) else 1


if __name__ == "__main__":
    sys.exit(main())
