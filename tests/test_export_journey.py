"""The journey's depth in the picture export: phase KPIs at the lane heads, the ambassador
loop over the band, and the personas' own avatar colours.

As in test_export_render.py, most boards are built by hand and the pixel probes read the
places `layout()` reports, which is the geometry the renderer draws.
"""

from datetime import date
from decimal import Decimal

import pytest
from django.utils import translation

from journeyboard.boards.models import Persona, Phase
from journeyboard import theme
from journeyboard.export.geometry import AVATAR, KPI_H, KPI_LH, KPI_W, MAX_SIDE
from journeyboard.export.layout import layout
from journeyboard.export.pdf import render_pdf
from journeyboard.export.png import render_png
from journeyboard.export.snapshot import BoardShot, KpiShot, PersonaShot, board_snapshot, kpi_shot
from tests.base import BaseTestCase
from tests.pictures import WORDS, card, close, decode, phase

JOURNEY_WORDS = {**WORDS, "loop": "Ambassadors bring new customers into awareness"}
ON = KpiShot("Conversion", "3.2 %", "target 4 %", "on")
OFF = KpiShot("Retention", "71 %", "target 80 %", "off")
NEUTRAL = KpiShot("Reach", "120000", "", "")


def journey(phases, loop=False, personas=()):
    return BoardShot("Bike shop", "", "en", date(2026, 5, 12), list(personas), phases, JOURNEY_WORDS, loop)


def kpi_phase(name, kpi, **options):
    shot = phase(name, [card(f"{name} card", emotion=1)], **options)
    shot.kpi = kpi
    return shot


# --- KPIs --------------------------------------------------------------------------------


def test_the_kpi_pill_has_the_colour_of_its_status():
    shot = journey([kpi_phase("Orientation", ON), kpi_phase("Use", OFF), kpi_phase("Awareness", NEUTRAL)])
    for scale in (1, 2):
        image = decode(render_png(shot, scale))
        on, off, neutral = (box.kpi for box in layout(shot, scale).phases)
        for kpi in (on, off):
            pill, _ink, mark = theme.KPI_STATUS[kpi.status]
            # The pill's right padding, clear of text, and the mark's disc beside the tick.
            assert image.getpixel((kpi.rect.x1 - 4 * scale, kpi.rect.center[1])) == pill
            spot = (kpi.mark.x0 + kpi.mark.width // 4, kpi.mark.y0 + kpi.mark.height * 2 // 7)
            assert close(image.getpixel(spot), mark, 12), (kpi.status, spot)
        assert neutral.status == "" and neutral.mark is None
        head = theme.rgb(shot.phases[2].color)
        assert image.getpixel((neutral.rect.x1 - 4 * scale, neutral.rect.center[1])) == theme.mix(head, theme.PAPER, 0.82)
        assert theme.KPI_STATUS["on"][0] != theme.KPI_STATUS["off"][0]


def test_the_kpi_reads_name_value_and_target_in_that_order():
    lay = layout(journey([kpi_phase("Orientation", ON)]), 1)
    kpi = lay.phases[0].kpi
    assert [text for text, _weight, _x, _line in kpi.runs] == ["Conversion", "3.2 %", "· target 4 %"]
    assert [weight for _text, weight, _x, _line in kpi.runs] == ["Regular", "Bold", "Regular"]
    xs = [x for _text, _weight, x, _line in kpi.runs]
    assert xs == sorted(xs) and kpi.rect.height == lay.px(KPI_H)


def test_a_phase_without_a_kpi_name_shows_none_and_no_kpi_anywhere_keeps_the_old_head():
    blank_name = KpiShot("  ", "3 %", "", "")  # a value without a name is no KPI
    with_kpis = layout(journey([kpi_phase("A", ON), kpi_phase("B", None), kpi_phase("C", blank_name)]), 1)
    assert [box.kpi is not None for box in with_kpis.phases] == [True, False, False]
    without = layout(journey([kpi_phase("A", None), kpi_phase("B", None)]), 1)
    assert all(box.kpi is None for box in without.phases)
    assert with_kpis.phases[0].header.height > without.phases[0].header.height


def test_lanes_stay_aligned_with_and_without_kpis():
    long_name = KpiShot("Customer satisfaction score after delivery", "7.4 / 10", "target 8 / 10", "off")
    shot = journey([
        kpi_phase("Awareness", None),
        kpi_phase("Orientation", ON),
        kpi_phase("A phase whose name needs two lines", None),
        kpi_phase("Loyalty", long_name),
    ])
    for scale in (1, 2):
        lay = layout(shot, scale)
        heads = [box.header for box in lay.phases]
        assert len({(head.y0, head.y1) for head in heads}) == 1
        assert len({box.lane.y0 for box in lay.phases}) == 1
        assert len({box.chip.y0 for box in lay.phases}) == 1
        one_line = [box for box in lay.phases if len(box.name) == 1]
        assert len({box.name_y for box in one_line}) == 1
        # A KPI too long for one line takes two, inside its head; the others start level.
        loyalty = lay.phases[3].kpi
        assert [line for *_rest, line in loyalty.runs] == [0, 1, 1]
        assert loyalty.rect.height == lay.px(KPI_H + KPI_LH)
        assert loyalty.rect.y0 == lay.phases[1].kpi.rect.y0
        assert loyalty.rect.y1 <= heads[3].y1 and loyalty.rect.x1 <= heads[3].x1
        image = decode(render_png(shot, scale))
        # Below every head, the same row is canvas: no head runs into the curve.
        for head in heads:
            assert image.getpixel((head.center[0], head.y1 + 2 * scale)) == theme.CANVAS


def test_huge_numbers_keep_the_value_and_stay_inside_the_pill():
    huge = KpiShot("Revenue", "1234567890.1234 customers", "target 9876543210.5 customers", "off")
    lay = layout(journey([kpi_phase("Purchase", huge)]), 1)
    kpi = lay.phases[0].kpi
    texts = [text for text, *_rest in kpi.runs]
    assert texts[0] == "Revenue" and texts[1].startswith("1234567890")
    assert kpi.rect.width <= KPI_W
    decode(render_png(journey([kpi_phase("Purchase", huge)]), 2))


def test_markup_in_a_kpi_is_drawn_literally():
    markup = KpiShot("<b>Conversion</b> & <script>alert(1)</script>", "3 <i>%</i>", "target &amp; 4", "on")
    shot = journey([kpi_phase("Orientation", markup)])
    lay = layout(shot, 1)
    shown = " ".join(text for text, *_rest in lay.phases[0].kpi.runs)
    assert "<b>Conversion</b> &" in shown and "3 <i>%</i>" in shown and "target &amp; 4" in shown
    decode(render_png(shot, 1))


# --- The ambassador loop -----------------------------------------------------------------


def loop_board(loop, count=4):
    return journey([kpi_phase(f"Phase {i}", None, segment=("buyer", "customer")[i >= 2]) for i in range(count)], loop)


def test_the_loop_runs_from_the_last_phase_back_to_the_first():
    lay = layout(loop_board(True), 2)
    loop, first, last = lay.loop, lay.phases[0].header, lay.phases[-1].header
    assert first.x0 < loop.rect.x0 < first.x1 and last.x0 < loop.rect.x1 < last.x1
    assert loop.rect.y1 < lay.band[0].rect.y0  # over the band, the arrow's tip just above it
    assert loop.label == JOURNEY_WORDS["loop"]
    assert loop.rect.x0 < loop.label_rect.x0 and loop.label_rect.x1 < loop.rect.x1


def test_the_loops_pixels_are_there_only_when_the_board_has_it():
    on, off = loop_board(True), loop_board(False)
    for scale in (1, 2):
        lay = layout(on, scale)
        image = decode(render_png(on, scale))
        loop, w = lay.loop, max(1, lay.px(2))
        line_y = loop.rect.y0 + w // 2
        # The line left of the label, the arrow just over the first phase, the tail's line.
        assert image.getpixel(((loop.rect.x0 + loop.label_rect.x0) // 2, line_y)) == theme.ACCENT
        assert close(image.getpixel((loop.rect.x0 + w // 2, loop.rect.y1 - lay.px(5))), theme.ACCENT, 30)
        assert image.getpixel((loop.rect.x1 - 1, (loop.rect.y0 + loop.tail) // 2 + lay.px(6))) == theme.ACCENT
        assert image.getpixel((loop.label_rect.x0 + 1, line_y)) == theme.CANVAS  # the label's gap

        lay_off = layout(off, scale)
        assert lay_off.loop is None
        assert lay_off.band[0].rect.y0 < lay.band[0].rect.y0  # no row kept for it either
        # Above the band: the line's colour is all over the loop, and nowhere without it.
        assert loop_pixels(image, lay.band[0].rect.y0) > lay.px(800)
        assert loop_pixels(decode(render_png(off, scale)), lay_off.band[0].rect.y0) == 0


def loop_pixels(image, bottom):
    colours = image.crop((0, 0, image.width, bottom)).getcolors(image.width * bottom)
    return dict((colour, count) for count, colour in colours).get(theme.ACCENT, 0)


@pytest.mark.parametrize("count", [0, 1])
def test_no_loop_without_two_phases(count):
    shot = loop_board(True, count)
    lay = layout(shot, 2)
    assert lay.loop is None
    decode(render_png(shot, 2))
    assert render_pdf(shot).startswith(b"%PDF")


def test_a_board_shrunk_to_the_size_cap_still_draws_its_loop_and_kpis():
    shot = journey([kpi_phase(f"P{i}", (ON, OFF, None)[i % 3]) for i in range(200)], loop=True)
    lay = layout(shot, 1)
    assert lay.capped and lay.width <= MAX_SIDE
    image = decode(render_png(shot, 1))
    assert lay.loop.rect.x1 <= lay.width
    assert loop_pixels(image, lay.band[0].rect.y0) > lay.loop.rect.width * 0.9  # the line, broken for the label
    pill = lay.phases[1].kpi.rect
    assert close(image.getpixel(pill.center), theme.KPI_STATUS["off"][0], 80)  # small type, greyed


def test_a_long_loop_label_is_cut_to_the_room_between_two_phases():
    shot = loop_board(True, 2)
    shot.words = {**JOURNEY_WORDS, "loop": "Botschafter bringen neue Kunden in die Bewusstseinsphase " * 3}
    lay = layout(shot, 1)
    assert lay.loop.label.endswith("…")
    assert lay.loop.rect.x0 < lay.loop.label_rect.x0 and lay.loop.label_rect.x1 < lay.loop.rect.x1
    decode(render_png(shot, 1))


# --- Personas ----------------------------------------------------------------------------


def persona(name, color, initials=""):
    return PersonaShot(name, "Role", "A quote.", color, initials)


@pytest.mark.parametrize("count", [0, 1, 4])
def test_each_persona_has_an_avatar_in_its_own_colour(count):
    colours = ["#7a5af8", "#12a4b8", "#e8575a", "#f2b233"]
    people = [persona(f"Person {i}", colours[i], f"P{i}") for i in range(count)]
    shot = journey([kpi_phase("Awareness", ON), kpi_phase("Use", None)], personas=people)
    for scale in (1, 2):
        lay = layout(shot, scale)
        image = decode(render_png(shot, scale))
        assert [box.initials for box in lay.personas] == [f"P{i}" for i in range(count)]
        boxes = [box.rect for box in lay.personas]
        assert all(a.x1 <= b.x0 or a.y1 <= b.y0 for a, b in zip(boxes, boxes[1:]))  # no overlaps
        for box in lay.personas:
            size = lay.px(AVATAR)
            ax, ay = lay.px(box.unit[0] + 14), lay.px(box.unit[1] + 14)
            # Above the initials, inside the disc.
            assert close(image.getpixel((ax + size // 2, ay + size // 6)), theme.rgb(box.color), 2)


def test_initials_are_the_pages_unless_the_font_cannot_draw_them():
    lay = layout(journey([], personas=[persona("Jürgen", "#12a4b8", "JÜ"), persona("Jürgen Müller 😀", "#12a4b8", "J😀")]), 1)
    assert [box.initials for box in lay.personas] == ["JÜ", "JM"]


def test_initials_are_white_or_ink_whichever_reads_on_the_colour():
    shot = journey([], personas=[persona("Sanne de Vries", "#7a5af8", "SV"), persona("Tom", "#f2b233", "TO")])
    lay = layout(shot, 2)
    image = decode(render_png(shot, 2))
    for box, ink in zip(lay.personas, (theme.PAPER, theme.INK)):
        x, y, size = lay.px(box.unit[0] + 14), lay.px(box.unit[1] + 14), lay.px(AVATAR)
        colours = {colour for _count, colour in image.crop((x, y, x + size, y + size)).getcolors(size * size)}
        assert theme.rgb(box.color) in colours and ink in colours, box.name


# --- From a real board -------------------------------------------------------------------


class JourneySnapshotTests(BaseTestCase):
    template = "customer10"

    def set_kpi(self, phase, name, value, target=None, unit="%", lower_is_better=False):
        phase.kpi_name, phase.kpi_value, phase.kpi_target = name, value, target
        phase.kpi_unit, phase.kpi_lower_is_better = unit, lower_is_better
        phase.save()

    def test_kpi_numbers_lose_trailing_zeros_and_use_the_boards_decimal_separator(self):
        phase = Phase(kpi_name="Conversion", kpi_value=Decimal("3.2000"), kpi_target=Decimal("4.0000"), kpi_unit="%")
        expected = {"en": ("3.2 %", "target 4 %"), "nl": ("3,2 %", "4 %"), "de": ("3,2 %", "4 %")}
        for language, (value, target) in expected.items():
            with self.subTest(language), translation.override(language):
                shot = kpi_shot(phase)
                self.assertEqual(shot.value, value)
                self.assertTrue(shot.target.endswith(target))
                self.assertEqual(shot.status, "off")
        with translation.override("nl"):
            self.assertEqual(kpi_shot(Phase(kpi_name="Churn", kpi_value=Decimal("-0.0500"))).value, "−0,05")
            self.assertEqual(kpi_shot(Phase(kpi_name="Orders", kpi_value=Decimal("400"))).value, "400")
            self.assertEqual(kpi_shot(Phase(kpi_name="NPS")).value, "–")
            self.assertIsNone(kpi_shot(Phase(kpi_name="   ")))

    def test_a_dutch_board_draws_its_kpis_loop_and_personas(self):
        self.board.language = "nl"
        self.board.ambassador_loop = True
        self.board.save()
        self.set_kpi(self.phases[2], "Conversie", Decimal("3.2000"), Decimal("4"))
        self.set_kpi(self.phases[5], "Uitval", Decimal("18.5"), Decimal("25"), lower_is_better=True)
        Persona.objects.create(board=self.board, name="Sanne de Vries", role="Forens", color="#12a4b8")
        Persona.objects.create(board=self.board, name="Jürgen", color="#7a5af8")
        with self.assertNumQueries(5):  # rows, phases, their cards, their personas, personas: however many of each
            shot = board_snapshot(self.board)
        self.assertTrue(shot.loop)
        self.assertEqual([(p.initials, p.color) for p in shot.personas], [("SV", "#12a4b8"), ("JÜ", "#7a5af8")])
        kpis = {i: phase.kpi for i, phase in enumerate(shot.phases) if phase.kpi}
        self.assertEqual(sorted(kpis), [2, 5])
        self.assertEqual((kpis[2].value, kpis[2].status), ("3,2 %", "off"))
        self.assertEqual((kpis[5].value, kpis[5].status), ("18,5 %", "on"))
        lay = layout(shot, 1)
        self.assertIsNotNone(lay.loop)
        self.assertEqual(len({box.header.y1 for box in lay.phases}), 1)
        image = decode(render_png(shot, 1))
        pill = lay.phases[5].kpi.rect
        self.assertEqual(image.getpixel((pill.x1 - 4, pill.center[1])), theme.KPI_STATUS["on"][0])
        self.assertTrue(render_pdf(shot).startswith(b"%PDF"))
