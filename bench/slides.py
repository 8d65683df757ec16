"""How fast are the exports for the meeting after the workshop: the slide deck (PPTX), the
print PDF on A4 pages and the slide-sized PNG?

Builds the "10 x 60" board of bench/export.py (10 phases, 60 cards in every phase, with
its KPIs, loop and personas) on a throw-away SQLite database, closes a voting round on it
(so that the deck has its ranking slide), and times in this process the median of a few
runs of each render from the board's snapshot; the snapshot is timed by itself.

Usage: `.venv/bin/python bench/slides.py [--runs N]`. Exits 1 when a target is missed.
Prints the machine speed probe before and after, as the other benches do: compare runs
by it.
"""

import argparse
import io
import sys
import tempfile
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))

from board_render import bench_environment, setup_django, speed_probe  # noqa: E402
from spreadsheet import build_board, median_ms, report  # noqa: E402

TARGETS_MS = {"PPTX": 1500, "PDF A4": 1500, "slide PNG": 300}


def vote(board):
    """A closed round with a few votes, as a workshop leaves it."""
    from journeyboard.boards.models import Card
    from journeyboard.boards.voting import close_round, start_round, toggle_vote

    owner = board.owner
    start_round(owner, board, votes_per_person=5)
    for card in Card.objects.filter(phase__board=board).order_by("pk")[:5]:
        toggle_vote(owner, card)
    close_round(owner, board)


def measure(board, runs):
    from pptx import Presentation
    from pypdf import PdfReader

    from journeyboard.export.deck import closed_ranking, render_pptx
    from journeyboard.export.print_pdf import render_print_pdf
    from journeyboard.export.slide import render_slide_png
    from journeyboard.export.snapshot import board_snapshot

    snapshot_ms, shot = median_ms(runs, board_snapshot, board)
    ranked = closed_ranking(board)
    render_slide_png(shot)  # warm: fonts load once per process
    rows = [("snapshot", snapshot_ms, 0, None, "")]
    ms, deck = median_ms(runs, render_pptx, shot, ranked)
    rows.append(("PPTX", ms, len(deck), TARGETS_MS["PPTX"], f"{len(Presentation(io.BytesIO(deck)).slides)} slides"))
    ms, pdf = median_ms(runs, render_print_pdf, shot, "a4")
    rows.append(("PDF A4", ms, len(pdf), TARGETS_MS["PDF A4"], f"{len(PdfReader(io.BytesIO(pdf)).pages)} pages"))
    ms, png = median_ms(runs, render_slide_png, shot, 1)
    rows.append(("slide PNG", ms, len(png), TARGETS_MS["slide PNG"], "1920 x 1080"))
    ms, png = median_ms(runs, render_slide_png, shot, 2)
    rows.append(("slide PNG x2", ms, len(png), None, "3840 x 2160"))
    return rows


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="timed runs per figure (default 5)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="journeyboard-bench-slides-") as tmp:
        data_dir = Path(tmp)
        setup_django(data_dir, bench_environment(data_dir))
        board = build_board()
        vote(board)
        before = speed_probe()
        rows = measure(board, args.runs)
        after = speed_probe()
    return 0 if report(rows, args.runs, before, after) else 1


if __name__ == "__main__":
    sys.exit(main())
