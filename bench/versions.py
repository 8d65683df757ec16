"""How fast are saving a version of a board and opening it?

Builds a 10-phase board with 30 cards in every phase (the "workshop" board of
bench/board_render.py) on a throw-away SQLite database and times, in this process, the
median of a few runs of:

- `save_version` (journeyboard/boards/versions.py): the board's JSON export stored as a
  version, one recorded change (target 100 ms);
- opening the version's read-only page, `GET /boards/<id>/versions/<version_id>/`
  through Django's test client: access, reading the snapshot back through the JSON
  format and rendering the board page's partials (target 60 ms);
- comparing two states of that board, `GET /boards/<id>/compare/?a=..&b=..` (target 150 ms):
  the version against the board now, and the board now against its linked future state (two
  boards of 10 x 30 read through their export), a tenth of the future's cards changed;
- the comparison's picture, `compare.png` (no target: downloaded once for a slide);
- restoring it onto the board (no target: a rare, deliberate act).

Usage: `.venv/bin/python bench/versions.py [--runs N]`. Exits 1 when a target is missed.
Prints the machine speed probe before and after, as the other benches do: compare runs by it.
"""

import argparse
import sys
import tempfile
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))

from board_render import bench_environment, board_document, setup_django, speed_probe  # noqa: E402
from spreadsheet import median_ms, report  # noqa: E402

PHASES, CARDS = 10, 30
SAVE_TARGET_MS, OPEN_TARGET_MS, COMPARE_TARGET_MS = 100, 60, 150


def measure(runs):
    from django.contrib.auth import get_user_model
    from django.test import Client

    from journeyboard.boards.transfer import import_board
    from journeyboard.boards.versions import restore_version, save_version

    user = get_user_model().objects.create_user(username="bench", password="bench-password-1")
    board = import_board(user, board_document("Bench workshop board", PHASES, CARDS, seed=1))
    names = iter(range(10_000))
    save_version(user, board, "warm-up")
    ms, version = median_ms(runs, lambda: save_version(user, board, f"As is {next(names)}"))
    rows = [("save version", ms, len(str(version.snapshot)), SAVE_TARGET_MS, "JSON")]

    client = Client(HTTP_HOST="127.0.0.1")  # the bench settings allow only this host
    client.force_login(user)
    url = f"/boards/{board.pk}/versions/{version.pk}/"
    assert client.get(url).status_code == 200  # warm: templates compiled
    ms, response = median_ms(runs, client.get, url)
    assert response.content.count(b'class="card kind-') == PHASES * CARDS
    rows.append(("open version", ms, len(response.content), OPEN_TARGET_MS, "HTML"))

    rows += measure_compare(runs, client, user, board, version)

    ms, _event = median_ms(runs, restore_version, user, board, version)
    rows.append(("restore", ms, 0, None))
    return rows


def measure_compare(runs, client, user, board, version):
    from journeyboard.boards.cards import update_card
    from journeyboard.boards.future import design_future
    from journeyboard.boards.models import Card

    future = design_future(user, board)
    for card in Card.objects.filter(phase__board=future).order_by("pk")[::10]:  # a tenth of them changed
        update_card(user, card, emotion=2, kind="opportunity")
    rows = []
    base = f"/boards/{board.pk}/compare"
    for name, query in (("compare version", f"?a=version-{version.pk}&b=now"), ("compare future", "?a=now&b=linked")):
        assert client.get(base + "/" + query).status_code == 200
        ms, response = median_ms(runs, client.get, base + "/" + query)
        assert response.content.count(b'class="card kind-') >= PHASES * CARDS
        rows.append((name, ms, len(response.content), COMPARE_TARGET_MS, "HTML"))
    ms, response = median_ms(runs, client.get, f"{base}.png?a=now&b=linked")
    assert response["Content-Type"] == "image/png"
    rows.append(("compare PNG", ms, len(response.content), None, "PNG"))
    return rows


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=9, help="timed runs per figure (default 9)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="journeyboard-bench-versions-") as tmp:
        data_dir = Path(tmp)
        setup_django(data_dir, bench_environment(data_dir))
        before = speed_probe()
        rows = measure(args.runs)
        after = speed_probe()
    return 0 if report(rows, args.runs, before, after, size=f"{PHASES} phases x {CARDS} cards") else 1


if __name__ == "__main__":
    sys.exit(main())
