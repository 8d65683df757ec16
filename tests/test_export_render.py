"""The picture export itself: what render_png and render_pdf draw, and where.

Most tests build a BoardShot by hand, so each says exactly which board it draws; the
last ones take the snapshot of a real board. Pixel probes read the places `layout()`
reports, which is the geometry the renderer draws.
"""

import re

import pytest
from PIL import Image

from journeyboard import theme
from journeyboard.export.geometry import (
    CONTENT_W,
    MAX_SIDE,
    NOTE_LINES,
    PAD_X,
    TITLE_CARD_LINES,
)
from journeyboard.export.layout import layout
from journeyboard.export.painter import paint
from journeyboard.export.pdf import render_pdf
from journeyboard.export.png import render_png
from journeyboard.export.snapshot import PersonaShot, board_snapshot
from journeyboard.export.text import clean, covered
from tests.base import BaseTestCase
from tests.pictures import WORDS, board, card, close, decode, emotional_board, phase


# --- Size and scale ----------------------------------------------------------------------


def test_png_decodes_and_scales_exactly():
    shot = emotional_board([2, 1], [-1], [0, None])
    images = {scale: decode(render_png(shot, scale)) for scale in (1, 2, 3)}
    width, height = images[1].size
    assert images[2].size == (2 * width, 2 * height)
    assert images[3].size == (3 * width, 3 * height)
    for scale, image in images.items():
        lay = layout(shot, scale)
        assert (lay.width, lay.height) == image.size


def test_rows_said_to_be_done_do_not_change_any_more():
    # The encoder compresses rows while the cards below are still being drawn: every row
    # the painter calls done must already look as in the finished picture.
    notes = ["", "One line.", "Two\nlines.", "Line\n" * 4]
    shot = board([
        phase(f"Phase {i}", [card(f"Card {i}.{j}", notes[(i + j) % 4], emotion=(i + j) % 5 - 2) for j in range(6)])
        for i in range(4)
    ])
    for scale in (1, 2):
        lay = layout(shot, scale)
        image = Image.new("RGB", (lay.width, lay.height), theme.CANVAS)
        done = []
        paint(lay, image, rows_done=lambda y: done.append((y, image.crop((0, 0, image.width, y)).tobytes())))
        assert len(done) > 20  # as the cards go, not once for everything above the lanes
        for y, rows in done:
            assert image.crop((0, 0, image.width, y)).tobytes() == rows, y
        assert decode(render_png(shot, scale)).tobytes() == image.tobytes()


@pytest.mark.parametrize("scale", [0, 4, 1.5, "2", None, True])
def test_other_scales_are_refused(scale):
    shot = emotional_board([1])
    with pytest.raises(ValueError):
        render_png(shot, scale)
    with pytest.raises(ValueError):
        layout(shot, scale)


def test_200_phases_stay_within_the_size_cap_at_any_scale():
    shot = board([phase(f"P{i}", [card(f"Card {i}", emotion=i % 5 - 2)]) for i in range(200)])
    for scale in (1, 3):
        image = decode(render_png(shot, scale))
        assert max(image.size) <= MAX_SIDE
        assert image.size == (layout(shot, scale).width, layout(shot, scale).height)
    assert layout(shot, 3).scale < 1  # shrunk, not cut off: the last phase is still there
    last = layout(shot, 3).phases[-1].header
    assert last.x1 <= MAX_SIDE


def test_a_tall_lane_is_shrunk_to_the_cap_too():
    shot = board([phase("Long", [card(f"Card {i}", note="A note. " * 10) for i in range(400)])])
    lay = layout(shot, 2)
    assert lay.height <= MAX_SIDE and lay.capped
    assert decode(render_png(shot, 2)).size == (lay.width, lay.height)


# --- What is where -----------------------------------------------------------------------


def test_each_phase_header_has_its_colour_where_the_layout_puts_it():
    shot = emotional_board([1], [2], [], [-1], [0])
    for scale in (1, 2):
        image = decode(render_png(shot, scale))
        lay = layout(shot, scale)
        for box, shot_phase in zip(lay.phases, shot.phases):
            x, y = box.header.x0 + 3 * scale, box.header.center[1]  # left padding, clear of the name
            assert image.getpixel((x, y)) == theme.rgb(shot_phase.color)
            assert image.getpixel((box.header.center[0], box.header.y0 - 2 * scale)) != theme.rgb(shot_phase.color)


def test_consecutive_phases_of_a_segment_share_one_band_block():
    shot = board([phase("A"), phase("B"), phase("C", segment="customer"), phase("D")])
    lay = layout(shot, 1)
    assert [(run.segment, run.label) for run in lay.band] == [
        ("buyer", "BUYER JOURNEY"), ("customer", "CUSTOMER JOURNEY"), ("buyer", "BUYER JOURNEY"),
    ]
    assert lay.band[0].rect.x0 == lay.phases[0].header.x0
    assert lay.band[0].rect.x1 == lay.phases[1].header.x1
    image = decode(render_png(shot, 1))
    background = theme.BANDS["customer"][0]
    assert image.getpixel((lay.band[1].rect.x1 - 4, lay.band[1].rect.y0 + 6)) == background


def test_curve_points_follow_the_average_emotions():
    shot = emotional_board([2, 2], [-2], [1, -1], [-1, None], [2, 1])
    lay = layout(shot, 2)
    very_good, very_bad, neutral, bad, good = lay.points
    assert very_good[1] < good[1] < neutral[1] < bad[1] < very_bad[1]
    assert neutral[1] == lay.axis_y  # (1 + -1) / 2 is neutral, on the axis
    assert bad[1] == lay.level_y(-1)  # a card without an emotion does not count
    image = decode(render_png(shot, 2))
    for point, average in zip(lay.points, (2, -2, 0, -1, 1.5)):
        assert close(image.getpixel(point), theme.EMOTIONS[theme.nearest_emotion(average)]), point


def test_a_phase_without_emotions_breaks_the_line():
    # Four phases at +2: the line runs 0-1, is broken around 2 (no emotion), runs 3-4.
    shot = emotional_board([2], [2], [None], [2], [2])
    lay = layout(shot, 2)
    image = decode(render_png(shot, 2))
    first, second, gap, third, fourth = lay.points
    assert gap is None
    y = first[1]
    assert second[1] == third[1] == fourth[1] == y

    def line_pixels(x0, x1):
        return [x for x in range(x0, x1) if close(image.getpixel((x, y)), theme.ACCENT, 40)]

    # Between the markers of drawn segments the line is there...
    assert line_pixels(first[0] + 30, second[0] - 30) == list(range(first[0] + 30, second[0] - 30))
    assert line_pixels(third[0] + 30, fourth[0] - 30)
    # ...and between the second and third points, around the gap, nothing.
    assert line_pixels(second[0] + 30, third[0] - 30) == []


def test_a_board_without_any_emotion_has_no_curve():
    lay = layout(emotional_board([None], [None, None]), 1)
    assert lay.strip is None and lay.points == [None, None]


def test_card_text_stays_inside_its_card():
    notes = ["", "Short note.", "Line one\nLine two\nLine three\nLine four\nLine five", "word " * 300, "x" * 2000]
    kinds = ["touchpoint", "pain", "opportunity", "idea", "touchpoint"]
    cards = [
        card(f"{'Unbreakable' * 12} and {i} " + "words " * (i * 7), notes[i], kinds[i], None, ("website", "")[i % 2])
        for i in range(5)
    ]
    shot = board([phase("One", cards), phase("Two", list(reversed(cards)))])
    for scale in (1, 2):
        lay = layout(shot, scale)
        image = decode(render_png(shot, scale))
        for box in (box for lane in lay.phases for box in lane.cards):
            background = theme.KINDS[box.kind][1]
            radius = lay.px(10)
            # The right padding column of every card is untouched by text.
            for x in range(box.rect.x1 - lay.px(PAD_X) + 2, box.rect.x1):
                for y in range(box.rect.y0 + radius, box.rect.y1 - radius):
                    assert image.getpixel((x, y)) == background, (box.title, x, y)
            # And so is the background just below it (cards follow each other, not overlap).
            assert image.getpixel((box.rect.center[0], box.rect.y1 + lay.px(4))) == theme.LANE


# --- Hard content ------------------------------------------------------------------------


def test_a_10000_character_note_is_cut_with_an_ellipsis():
    shot = board([phase("One", [card("Long", "Lorem ipsum dolor sit amet. " * 400)]), phase("Two", [card("x" * 10000)])])
    lay = layout(shot, 1)
    noted, titled = lay.phases[0].cards[0], lay.phases[1].cards[0]
    assert len(noted.note) == NOTE_LINES and noted.note[-1].endswith("…")
    assert len(titled.title) == TITLE_CARD_LINES and titled.title[-1].endswith("…")
    measure = lay.measures("Regular", 12.5)
    assert all(measure.line(line) <= CONTENT_W for line in noted.note)
    assert noted.rect.height < 200 and titled.rect.height < 200
    decode(render_png(shot, 2))


def test_markup_is_drawn_literally():
    shot = board([phase("<i>Phase</i>", [card("<b>x</b> & <script>alert(1)</script>", "<br>note")])], title="<h1>Title</h1>")
    lay = layout(shot, 1)
    assert lay.title == ["<h1>Title</h1>"]
    assert lay.phases[0].name == ["<i>Phase</i>"]
    assert " ".join(lay.phases[0].cards[0].title) == "<b>x</b> & <script>alert(1)</script>"
    assert lay.phases[0].cards[0].note == ["<br>note"]
    decode(render_png(shot, 1))


def test_emoji_are_left_out_and_dutch_and_german_letters_kept():
    text = "Fiets 🚲 huren 👍🏽 – Größe, Oriëntatie, Überprüfung, ß é ✅."
    shot = board(
        [phase("Oriëntatie 🚀", [card(text, text, "idea", 1)])],
        title="Grüße 🎉", personas=[PersonaShot("Jürgen Müller 😀", "Einkäufer", "Schön! 😍")],
    )
    lay = layout(shot, 2)
    shown = " ".join(lay.phases[0].cards[0].title + lay.phases[0].cards[0].note + lay.title + lay.phases[0].name)
    assert "Größe" in shown and "Oriëntatie" in shown and "Überprüfung" in shown and "ß é" in shown
    assert all(ord(ch) in covered() for ch in shown)
    assert "🚲" not in shown and "✅" not in shown and "huren –" in shown
    assert lay.personas[0].name == "Jürgen Müller" and lay.personas[0].initials == "JM"
    decode(render_png(shot, 2))
    assert {ord(ch) for ch in "äëïöüÄËÏÖÜßéèêáàçñ€“”‘’–—…"} <= covered()


def test_clean_collapses_whitespace_keeps_note_lines_and_drops_controls():
    assert clean("  two   words\tand\x07 a bell ") == "two words and a bell"
    assert clean("one\n\n\n\ntwo  \nthree", lines=True) == "one\n\ntwo\nthree"
    assert clean("Emoji 😀.") == "Emoji."
    assert clean("e\u0301") == "é"  # composed, so the font's own é is drawn


def test_an_empty_board_and_empty_phases_export():
    empty = board([], personas=[], description="")
    lay = layout(empty, 2)
    assert lay.phases == [] and lay.empty is not None and lay.empty_text == WORDS["no_phases"]
    image = decode(render_png(empty, 2))
    assert image.getpixel((lay.empty.x0 + 10, lay.empty.center[1])) == theme.PAPER
    cardless = board([phase("Nothing yet"), phase("Nor here", segment="customer")])
    lay = layout(cardless, 1)
    assert all(box.cards == [] and box.count == "0" for box in lay.phases)
    assert lay.strip is None
    decode(render_png(cardless, 1))


# --- PDF ---------------------------------------------------------------------------------


def pdf_pages_and_box(pdf):
    assert pdf.startswith(b"%PDF")
    pages = re.findall(rb"/Type\s*/Page(?![a-zA-Z])", pdf)
    box = re.search(rb"/MediaBox\s*\[\s*([\d.]+)\s+([\d.]+)\s+([\d.]+)\s+([\d.]+)\s*\]", pdf)
    return len(pages), float(box.group(3)) - float(box.group(1)), float(box.group(4)) - float(box.group(2))


def test_the_pdf_is_one_landscape_page_even_for_a_tall_board():
    wide = emotional_board(*[[1]] * 8)
    tall = board([phase("Only", [card(f"Card {i}", "With a note.") for i in range(40)])])
    assert layout(tall, 1).height > layout(tall, 1).width
    for shot in (wide, tall, board([], personas=[])):
        pages, width, height = pdf_pages_and_box(render_pdf(shot))
        assert pages == 1
        assert width > height


# --- From a real board -------------------------------------------------------------------


class SnapshotRenderTests(BaseTestCase):
    def test_a_board_from_the_database_renders_with_its_phases_and_cards(self):
        shot = board_snapshot(self.board)
        lay = layout(shot, 1)
        self.assertEqual(len(lay.phases), len(self.phases))
        self.assertEqual(lay.phases[0].cards[0].title, ["Instagram ad"])
        self.assertEqual(lay.points[0], (lay.phases[0].header.center[0], lay.level_y(1)))
        image = decode(render_png(shot, 1))
        self.assertEqual(image.size, (lay.width, lay.height))
        self.assertEqual(image.getpixel((lay.phases[0].header.x0 + 3, lay.phases[0].header.center[1])),
                         theme.rgb(self.phase.color))

    def test_a_german_board_renders_its_words_and_date_in_german(self):
        self.board.language = "de"
        self.board.save()
        self.phase.name = "Bewusstsein für Größe"
        self.phase.save()
        shot = board_snapshot(self.board)
        lay = layout(shot, 2)
        self.assertEqual(lay.phases[0].name, ["Bewusstsein für Größe"])
        self.assertIn(str(shot.day.year), lay.meta[0])
        self.assertTrue(render_pdf(shot).startswith(b"%PDF"))
        decode(render_png(shot, 2))
