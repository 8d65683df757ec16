"""The comparison as a picture for a slide, GET /boards/<id>/compare.png?a=..&b=..: who may
download it, and what is drawn where (probed pixel by pixel)."""

import io

from django.test import SimpleTestCase
from PIL import Image

from journeyboard.boards.cards import create_card, update_card
from journeyboard.boards.versions import save_version
from journeyboard.export.compare_picture import (
    A_INK, B_INK, SLIDE_H, SLIDE_W, ColumnShot, ComparePainter, CompareShot, Slide, compare_image,
)
from journeyboard.theme import CURVE_DOWN, CURVE_GRID, CURVE_UP, LANE, PAPER
from tests.base import BaseTestCase


def shot(averages, label_a="A: Version “As is”", label_b="B: Now", names=None, title="Version “As is” → Now"):
    names = names or [f"Phase {i}" for i in range(len(averages))]
    return CompareShot(
        title=title, board_title="Webshop journey", sentence="3 cards added, 1 pain point resolved",
        label_a=label_a, label_b=label_b, language="en",
        columns=[
            ColumnShot(name=name, color=(0x4F, 0x7C, 0xFF), average_a=a, average_b=b, emotion="Emotion",
                       counts="3 added", kpi="Conversion 3.2 % → 4 %", kpi_delta="+0.8 %")
            for name, (a, b) in zip(names, averages)
        ],
        words={"curve": "Emotion curve", "made_with": "Made with Journeyboard", "added": "New phase",
               "removed": "Removed phase", "none": "No phases to compare."},
    )


def pixels(image):
    """Every pixel of `image`, whichever Pillow this is (getdata is deprecated in newer ones)."""
    return image.get_flattened_data() if hasattr(image, "get_flattened_data") else image.getdata()


def near(pixel, colour, tolerance=40):
    return all(abs(p - c) <= tolerance for p, c in zip(pixel, colour))


class CurveProbeTests(SimpleTestCase):
    """A from -2 to -2 (flat, low), B from +2 to +2 (flat, high): two horizontal lines to probe."""

    scale = 1

    def setUp(self):
        self.image = compare_image(shot([(-2, 2), (-2, 2)]), scale=self.scale)
        self.geometry = ComparePainter(Slide(self.scale, SLIDE_W * self.scale, SLIDE_H * self.scale))
        x0, _x1, step = self.geometry._columns_x(2)
        self.xs = [self.geometry.px(x0 + (i + 0.5) * step) for i in range(2)]

    def probe(self, y):
        """The pixels along y between the two points, away from their markers."""
        left, right = self.xs[0] + 30 * self.scale, self.xs[1] - 30 * self.scale
        return [self.image.getpixel((x, y)) for x in range(left, right)]

    def test_the_picture_is_a_16_9_slide(self):
        self.assertEqual(self.image.size, (SLIDE_W * self.scale, SLIDE_H * self.scale))

    def test_b_is_solid_along_its_level(self):
        pixels = self.probe(self.geometry._level_y(2))
        self.assertTrue(all(near(p, B_INK) for p in pixels), "B's line has gaps")

    def test_a_is_dashed_along_its_level(self):
        pixels = self.probe(self.geometry._level_y(-2))
        inked = [near(p, A_INK) for p in pixels]
        self.assertGreater(sum(inked), len(pixels) * 0.4)
        self.assertLess(sum(inked), len(pixels) * 0.8)
        gaps = [p for p, ink in zip(pixels, inked) if not ink]
        # Its level's grid line, or the chart's background below the axis.
        self.assertTrue(any(near(p, CURVE_DOWN, 8) or near(p, CURVE_GRID, 8) for p in gaps), "A's gaps show the chart")
        # Dashes: the ink turns on and off many times along the way.
        switches = sum(1 for a, b in zip(inked, inked[1:]) if a != b)
        self.assertGreater(switches, 20)

    def test_where_the_lines_meet_a_is_dashed_over_b(self):
        image = compare_image(shot([(1, 1), (1, 1)]), scale=self.scale)
        y = self.geometry._level_y(1)
        pixels = [image.getpixel((x, y)) for x in range(self.xs[0] + 30 * self.scale, self.xs[1] - 30 * self.scale)]
        self.assertTrue(all(near(p, A_INK) or near(p, B_INK) for p in pixels), "the shared line has gaps")
        self.assertGreater(sum(near(p, A_INK, 20) for p in pixels), len(pixels) * 0.3)
        self.assertGreater(sum(near(p, B_INK, 20) for p in pixels), len(pixels) * 0.2)

    def test_nothing_is_drawn_between_the_lines(self):
        pixels = self.probe(self.geometry._level_y(1))
        self.assertFalse(any(near(p, B_INK, 20) or near(p, A_INK, 20) for p in pixels))
        self.assertTrue(all(near(p, CURVE_UP, 12) or near(p, CURVE_GRID, 12) for p in pixels))

    def test_a_phase_without_emotions_breaks_the_line(self):
        image = compare_image(shot([(None, 2), (-2, None)]), scale=self.scale)
        y = self.geometry._level_y(2)
        self.assertFalse(any(near(image.getpixel((x, y)), B_INK, 20) for x in range(self.xs[0] + 30, self.xs[1] - 30)))


class CurveProbeAtScale2Tests(CurveProbeTests):
    scale = 2


class TextTests(SimpleTestCase):
    def legend_ink(self, image):
        """Dark pixels in the legend's band at the chart's top, right of the samples."""
        from journeyboard.export.compare_picture import CHART_TOP, MARGIN

        band = image.crop((MARGIN + 300, CHART_TOP + 10, SLIDE_W - MARGIN, CHART_TOP + 44))
        return sum(1 for p in pixels(band) if sum(p) < 300)

    def test_the_legend_names_both_sides(self):
        with_names = compare_image(shot([(0, 1)]), scale=1)
        without = compare_image(shot([(0, 1)], label_a="", label_b=""), scale=1)
        self.assertGreater(self.legend_ink(with_names), 200)
        self.assertEqual(self.legend_ink(without), 0)

    def test_odd_names_are_drawn_or_left_out_never_fail(self):
        odd = [
            "<script>alert(1)</script>", "Emoji 😀🎉 phase", "\u202eRTL override", "e\u0301 combining",
            "Zero\u200bwidth", "x" * 400, "", "\x00\x07control", "日本語のフェーズ",
        ]
        image = compare_image(shot([(1, -1)] * len(odd), names=odd, label_a="A: “<b>”" + "😀" * 50, title="\u202e" + "→" * 300), scale=1)
        self.assertEqual(image.size, (SLIDE_W, SLIDE_H))
        # The first phase's name, drawn as it is written (angle brackets are no markup here).
        box = image.crop((150, 700, 300, 740))
        self.assertTrue(any(sum(p) < 300 for p in pixels(box)))

    def test_many_phases_fit(self):
        image = compare_image(shot([(i % 5 - 2, (i + 1) % 5 - 2) for i in range(40)]), scale=1)
        # The right margin stays the canvas: nothing is drawn past the slide's edge.
        strip = image.crop((SLIDE_W - 40, 0, SLIDE_W, SLIDE_H))
        self.assertEqual(len(set(pixels(strip))), 1)

    def test_no_phases(self):
        image = compare_image(shot([]), scale=1)
        self.assertEqual(image.size, (SLIDE_W, SLIDE_H))
        self.assertFalse(any(near(p, LANE, 2) for p in pixels(image.crop((0, 700, SLIDE_W, 900)))))


class ComparePngHttpTests(BaseTestCase):
    def setUp(self):
        super().setUp()
        self.version = save_version(self.owner, self.board, "As is")
        update_card(self.owner, self.card, emotion=-2)
        create_card(self.owner, self.phases[1], title="Reads <reviews> 😀", kind="opportunity", emotion=2)
        self.login(self.viewer)

    def test_a_viewer_downloads_the_slide(self):
        response = self.client.get(self.board_url(f"compare.png?a=version-{self.version.pk}&b=now"))
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response["Content-Type"], "image/png")
        self.assertRegex(response["Content-Disposition"], r'^attachment; filename="webshop-journey-compared-\d{4}-\d\d-\d\d\.png"$')
        image = Image.open(io.BytesIO(response.content))
        self.assertEqual(image.size, (SLIDE_W * 2, SLIDE_H * 2))
        self.assertEqual(image.getpixel((SLIDE_W, 10)), (0xF3, 0xF5, 0xF9))
        self.assertIn(PAPER, set(pixels(image.crop((200, 600, 400, 700)))))

    def test_refusals(self):
        self.assertEqual(self.client.get(self.board_url("compare.png?a=nonsense")).status_code, 400)
        self.assertEqual(self.client.get(self.board_url("compare.png?a=nonsense"))["Content-Type"], "text/plain; charset=utf-8")
        self.assertEqual(self.client.get(self.board_url("compare.png?a=version-999999")).status_code, 404)
        self.assertEqual(self.client.get(self.board_url("compare.png?a=linked")).status_code, 404)
        self.login(self.outsider)
        self.assertEqual(self.client.get(self.board_url(f"compare.png?a=version-{self.version.pk}")).status_code, 404)
