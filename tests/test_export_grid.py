"""The journey grid in the picture export: row heads at the left, cells aligned across the
phases, the blueprint's dashed line between rows of different layers, its label in the
board's language. A board of one row is drawn exactly as before rows existed.

Pixel probes read the places `layout()` reports, which is the geometry the painter draws.
"""

import io
import re
from dataclasses import replace

from pypdf import PdfReader

from PIL import Image

from journeyboard import theme
from journeyboard.boards.cards import create_card
from journeyboard.boards.lifecycle import create_board
from journeyboard.boards.models import Row
from journeyboard.boards.rows import create_row, delete_row
from journeyboard.export import geometry as G
from journeyboard.export.layout import layout
from journeyboard.export.painter import paint
from journeyboard.export.pdf import render_pdf
from journeyboard.export.png import render_png
from journeyboard.export.print_pdf import render_print_pdf
from journeyboard.export.snapshot import RowShot, board_snapshot
from journeyboard.export.text import Measure, covered
from tests.base import BaseTestCase
from tests.pictures import board, card, decode, phase

LAYERS = {"customer": "Customer", "frontstage": "Frontstage", "backstage": "Backstage", "support": "Support processes"}
LINES = {"frontstage": "Line of interaction", "backstage": "Line of visibility", "support": "Line of internal interaction"}


def rows(*specs):
    """RowShots from (name, layer, colour); the line above a row where the layer changes,
    named after the lower of the two layers' upper one (rows go down the blueprint here)."""
    shots = []
    for name, layer, colour in specs:
        line = LINES[layer] if shots and shots[-1].layer != layer else ""
        shots.append(RowShot(name, colour, layer, LAYERS[layer], line))
    return shots


def in_row(row, title, **fields):
    return replace(card(title, **fields), row=row)


def grid_board(*extra_rows):
    """Customer, customer, frontstage rows (and `extra_rows`): two phases whose cells differ."""
    shot = board([
        phase("Discover", [in_row(0, "Sees an ad"), in_row(0, "Reads the reviews", note="Two\nlines"), in_row(2, "Staff call back")]),
        phase("Order", [in_row(1, "Pays by card", emotion=1), in_row(0, "Compares prices"), in_row(2, "Packs the order")]),
    ])
    return replace(shot, rows=rows(
        ("Customer actions", "customer", "#4f7cff"),
        ("Thoughts", "customer", "#d65db1"),
        ("Frontstage actions", "frontstage", "#2fb67c"),
        *extra_rows,
    ))


def dark(image, box, below=120):
    """How many pixels of `box` are dark (text)."""
    return sum(image.crop(box).convert("L").histogram()[:below])


# --- Geometry ----------------------------------------------------------------------------


def test_cells_line_up_across_phases_and_each_row_is_as_tall_as_its_tallest_cell():
    shot = grid_board()
    for scale in (1, 2):
        lay = layout(shot, scale)
        first, second, third = lay.rows
        discover, order = lay.phases
        # Row 0: Discover has two cards, Order one; row 1 starts below Discover's two.
        assert [box.title[0] for box in discover.cards] == ["Sees an ad", "Reads the reviews", "Staff call back"]
        assert [box.title[0] for box in order.cards] == ["Compares prices", "Pays by card", "Packs the order"]
        assert discover.cards[1].rect.y1 < second.top < order.cards[1].rect.y0
        # Row 2's cards start at the same height in both lanes, below the row line.
        assert discover.cards[2].rect.y0 == order.cards[2].rect.y0 > third.top
        assert order.cards[1].rect.y1 < third.top
        # The cells share the rows' tops, and the lanes span every row.
        assert [cell.y0 for cell in third.cells] == [third.top, third.top]
        assert discover.lane.y0 == first.top and discover.lane.y1 == order.lane.y1 == third.cells[0].y1


def test_the_row_heads_stand_left_of_the_lanes_and_the_band_and_curve_move_aside():
    lay = layout(grid_board(), 1)
    heads = [row.rect for row in lay.rows]
    assert all(head.x0 == G.MARGIN and head.x1 < lay.phases[0].lane.x0 for head in heads)
    assert all(upper.y1 < lower.y0 for upper, lower in zip(heads, heads[1:]))  # boxes apart, not overlapping
    assert lay.band[0].rect.x0 == lay.phases[0].header.x0 == G.MARGIN + G.ROW_HEAD_W + G.LANE_GAP
    assert lay.strip.x0 == lay.phases[0].lane.x0


def test_a_board_without_phases_draws_no_grid():
    lay = layout(replace(grid_board(), phases=[]), 1)
    assert lay.rows == [] and lay.empty is not None


# --- Pixels ------------------------------------------------------------------------------


def test_row_heads_show_their_colour_at_the_left_and_cards_of_row_two_below_the_line():
    shot = grid_board()
    for scale in (1, 2):
        lay = layout(shot, scale)
        image = decode(render_png(shot, scale))
        for box, row in zip(lay.rows, shot.rows):
            assert image.getpixel((box.rect.x0 + 2 * scale, box.rect.center[1])) == theme.rgb(row.color)
            assert image.getpixel((box.rect.x1 - 3 * scale, box.rect.center[1])) == theme.PAPER
        # The card of the second row, under its row's top: its kind's background there.
        paid = lay.phases[1].cards[1]
        assert paid.rect.y0 > lay.rows[1].top
        assert image.getpixel((paid.rect.x1 - 4 * scale, paid.rect.center[1])) == theme.KINDS["touchpoint"][1]


def test_the_layer_line_runs_between_layers_and_not_between_rows_of_one_layer():
    shot = grid_board()
    for scale in (1, 2):
        lay = layout(shot, scale)
        image = decode(render_png(shot, scale))
        left, right = lay.phases[0].lane.x1, lay.phases[1].lane.x0  # the gap between the lanes

        def across(y):
            return {image.getpixel((x, y)) for x in range(left, right)}

        same, change = lay.rows[1].top, lay.rows[2].top
        assert theme.INK_SOFT in across(change)
        assert across(same) == {theme.CANVAS}
        # Over the head column and the lanes too: dashes of the soft ink from the heads to the last lane.
        dashes = [x for x in range(lay.rows[0].rect.x0, lay.phases[-1].lane.x1) if image.getpixel((x, change)) == theme.INK_SOFT]
        assert dashes[0] < lay.rows[0].rect.x0 + lay.px(G.LAYER_DASH + G.LAYER_DASH_GAP)
        assert dashes[-1] > lay.phases[-1].lane.x1 - lay.px(G.LAYER_DASH + G.LAYER_DASH_GAP)
        # Within a lane, rows of one layer are parted by a faint line instead.
        lane = lay.phases[0].lane
        assert image.getpixel((lane.center[0], same)) == theme.mix(theme.LANE, theme.INK, 0.1)


def test_the_line_label_is_drawn_at_the_top_of_the_row_below_it():
    shot = grid_board()
    lay = layout(shot, 2)
    assert [row.line for row in lay.rows] == [[], [], ["LINE OF INTERACTION"]]
    image = decode(render_png(shot, 2))

    def label_box(row):
        x0 = row.rect.x0 + lay.px(G.ROW_STRIPE + G.ROW_PAD_X)
        y0 = row.rect.y0 + lay.px(G.ROW_PAD_Y)
        return (x0, y0, row.rect.x1 - lay.px(G.ROW_PAD_X), y0 + lay.px(G.ROW_LINE_LH))

    labelled, plain = lay.rows[2], lay.rows[1]
    assert dark(image, label_box(labelled)) > 100  # letters...
    lightness = [min(image.crop(label_box(row)).convert("L").getextrema()) for row in (labelled, plain)]
    darkest = [Image.new("RGB", (1, 1), colour).convert("L").getpixel((0, 0)) for colour in (theme.INK_SOFT, theme.INK)]
    assert lightness[0] >= darkest[0] - 2  # ...in the soft ink: the label, not the name
    assert lightness[1] <= darkest[1] + 8  # where a head without a line has its name, in ink


def test_the_painter_streams_a_grid_top_down_too():
    # Rows the painter calls done must already look as in the finished picture.
    shot = grid_board(("Support", "support", "#8a63d2"))
    lay = layout(shot, 2)
    image = Image.new("RGB", (lay.width, lay.height), theme.CANVAS)
    done = []
    paint(lay, image, rows_done=lambda y: done.append((y, image.crop((0, 0, image.width, y)).tobytes())))
    for y, rows_above in done:
        assert image.crop((0, 0, image.width, y)).tobytes() == rows_above, y
    assert decode(render_png(shot, 2)).tobytes() == image.tobytes()


def test_one_row_is_drawn_exactly_as_a_board_without_rows():
    plain = board([phase("Discover", [card("Sees an ad", emotion=1)]), phase("Order", [card("Pays")])])
    one_row = replace(plain, rows=rows(("Touchpoints", "customer", "#8a94a6")))
    assert layout(one_row, 1).rows == []
    for scale in (1, 2):
        assert render_png(one_row, scale) == render_png(plain, scale)


# --- Hard row names ----------------------------------------------------------------------


def test_markup_and_odd_unicode_in_row_names_are_drawn_literally_with_the_shipped_font():
    odd = "<b>Rij</b> & <script>x</script> Größe 🚀 e\u0301\u200b\x07 “quoted” – Ωμέγα"
    shot = grid_board()
    shot.rows[1] = replace(shot.rows[1], name=odd)
    lay = layout(shot, 2)
    name = " ".join(lay.rows[1].name)
    assert "<b>Rij</b> &" in name and "Größe" in name and "🚀" not in name and "\x07" not in name
    assert all(ord(ch) in covered() for ch in name)
    decode(render_png(shot, 2))
    assert render_pdf(shot).startswith(b"%PDF")
    text = " ".join(" ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(render_print_pdf(shot))).pages)
    assert "<b>Rij</b> & <script>x</script> Größe" in text  # the text layer has the name as written


def test_a_very_long_row_name_is_wrapped_and_cut_inside_its_head():
    shot = grid_board()
    shot.rows[0] = replace(shot.rows[0], name="Kundenzufriedenheitsrückmeldungsverarbeitung " * 2 + "and words " * 10)
    for scale in (1, 2):
        lay = layout(shot, scale)
        head = lay.rows[0]
        assert len(head.name) == G.ROW_NAME_LINES and head.name[-1].endswith("…")
        measure = Measure("Bold", G.ROW_NAME_SIZE)
        assert all(measure.line(line) <= G.ROW_TEXT_W for line in head.name)
        image = decode(render_png(shot, scale))
        # The head's right padding stays clear of text, and the head ends before the lane.
        for x in range(head.rect.x1 - lay.px(G.ROW_PAD_X) + 2, head.rect.x1):
            for y in range(head.rect.y0 + lay.px(10), head.rect.y1 - lay.px(10)):
                assert image.getpixel((x, y)) == theme.PAPER, (x, y)
        assert head.rect.x1 < lay.phases[0].lane.x0
        # The name's lines make the row taller, not overlapping the next row.
        assert head.rect.y1 < lay.rows[1].rect.y0


# --- PDF ---------------------------------------------------------------------------------


def test_the_one_page_pdf_draws_the_grid_on_a_landscape_page():
    reader = PdfReader(io.BytesIO(render_pdf(grid_board())))
    assert len(reader.pages) == 1
    box = reader.pages[0].mediabox
    assert box.width > box.height


def test_the_print_pdf_puts_whole_rows_on_pages_and_repeats_the_row_heads():
    tall = [in_row(1, f"Tall card {j}", note="A note of two\nlines.") for j in range(40)]
    shot = board([
        phase("Discover", [in_row(0, f"Early card {j}") for j in range(3)] + tall + [in_row(2, "Staff card A")]),
        phase("Order", [in_row(0, "Early card X"), in_row(2, "Staff card B")]),
    ])
    shot = replace(shot, rows=rows(
        ("Customer actions", "customer", "#4f7cff"), ("Thoughts", "customer", "#d65db1"), ("Frontstage", "frontstage", "#2fb67c"),
    ))
    reader = PdfReader(io.BytesIO(render_print_pdf(shot)))
    pages = [" ".join(page.extract_text().split()) for page in reader.pages]
    assert len(pages) > 2  # the tall row does not fit one page
    titles = [f"Early card {j}" for j in (0, 1, 2, "X")] + [f"Tall card {j}" for j in range(40)] + ["Staff card A", "Staff card B"]
    where = {}
    for title in titles:
        found = [n for n, page in enumerate(pages) if re.search(rf"\b{title}\b", page)]
        assert len(found) == 1, (title, found)  # every card once: none cut, none lost
        where[title] = found[0]
    # Rows keep their order, and every page names the rows of its cards in their heads.
    assert where["Early card 0"] <= where["Tall card 0"] <= where["Tall card 39"] <= where["Staff card A"]
    assert where["Staff card A"] == where["Staff card B"]
    assert where["Early card 0"] == where["Early card X"] == 0  # below the board's header, not on a page after it
    for title, number in where.items():
        name = {"Early": "Customer actions", "Tall ": "Thoughts", "Staff": "Frontstage"}[title[:5]]
        assert name in pages[number], (title, number)
    assert sum("Thoughts" in page for page in pages) > 1  # the tall row's head repeats


# --- From the database -------------------------------------------------------------------


class GridSnapshotTests(BaseTestCase):
    template = "blueprint"

    def test_the_snapshot_reads_rows_in_a_constant_number_of_queries(self):
        rows = list(Row.objects.filter(board=self.board).order_by("position"))
        for i, phase_ in enumerate(self.phases):
            for j, row in enumerate(rows):
                create_card(self.owner, phase_, row=row, title=f"Card {i}.{j}")
        with self.assertNumQueries(5):  # rows, phases, their cards, their personas, personas
            shot = board_snapshot(self.board)
        self.assertEqual([row.layer for row in shot.rows], ["customer", "frontstage", "backstage", "support"])
        self.assertEqual([row.line for row in shot.rows], ["", "Line of interaction", "Line of visibility", "Line of internal interaction"])
        titles = {card.title: card.row for phase_ in shot.phases for card in phase_.cards}
        self.assertEqual(titles["Card 2.3"], 3)
        self.assertEqual(titles["Card 0.1"], 1)
        lay = layout(shot, 1)
        self.assertEqual(len(lay.rows), 4)  # a row collapsed on someone's screen is exported all the same

        other = create_board(self.owner, "One row", template="buyer", language="en", examples=True)
        for row in list(Row.objects.filter(board=other).order_by("position"))[1:]:
            delete_row(self.owner, row)
        with self.assertNumQueries(4):  # no cards left, so none whose personas to read
            self.assertEqual(len(board_snapshot(other).rows), 1)

    def test_the_line_labels_follow_the_boards_language(self):
        for language, expected in (("nl", "INTERACTIELIJN"), ("de", "INTERAKTIONSLINIE")):
            self.board.language = language
            self.board.save()
            lay = layout(board_snapshot(self.board), 1)
            self.assertEqual(lay.rows[1].line, [expected])
            self.assertEqual(lay.rows[0].line, [])

    def test_a_board_left_with_one_row_exports_its_lanes_as_before(self):
        rows = list(Row.objects.filter(board=self.board).order_by("position"))
        for row in rows[1:]:
            delete_row(self.owner, row)
        shot = board_snapshot(self.board)
        self.assertEqual(len(shot.rows), 1)
        self.assertEqual(layout(shot, 1).rows, [])
        decode(render_png(shot, 1))

    def test_the_print_pdf_of_a_blueprint_renders(self):
        create_row(self.owner, self.board, "Extra", layer="customer")
        self.assertTrue(render_print_pdf(board_snapshot(self.board)).startswith(b"%PDF"))
