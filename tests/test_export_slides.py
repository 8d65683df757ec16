"""The exports for the meeting after the workshop: the slide deck (PPTX), the print PDF
on paper sizes, and the slide-sized PNG, each opened with its own reader."""

import io

from django.core.management import CommandError
from PIL import Image
from pptx import Presentation
from pptx.util import Pt
from pypdf import PdfReader

from journeyboard.boards.cards import create_card
from journeyboard.boards.lifecycle import create_board
from journeyboard.boards.models import Membership, Role
from journeyboard.boards.personas import create_persona
from journeyboard.boards.phases import update_phase
from journeyboard.boards.voting import close_round, start_round, toggle_vote
from journeyboard.export.deck import LEADING
from journeyboard.export.text import Measure, wrap
from journeyboard.theme import CANVAS, rgb
from tests.base import BaseTestCase, ExportCommandTestCase

PPTX = "application/vnd.openxmlformats-officedocument.presentationml.presentation"
A4, A3, LETTER = (841.89, 595.28), (1190.55, 841.89), (792, 612)


def slide_texts(slide):
    """Every text on a slide: shapes' paragraphs and table cells."""
    texts = []
    for shape in slide.shapes:
        if shape.has_text_frame:
            texts += [p.text for p in shape.text_frame.paragraphs]
        if shape.has_table:
            for row in shape.table.rows:
                for cell in row.cells:
                    texts += [p.text for p in cell.text_frame.paragraphs]
    return texts


def runs(slide):
    for shape in slide.shapes:
        frames = [shape.text_frame] if shape.has_text_frame else []
        if shape.has_table:
            frames += [cell.text_frame for row in shape.table.rows for cell in row.cells]
        for frame in frames:
            for paragraph in frame.paragraphs:
                yield from paragraph.runs


def frames(shape):
    """(text frame, inner width, inner height) in points of every text a shape holds:
    its own, or each cell of a table (a cell's box is its column and its row)."""
    if shape.has_text_frame:
        frame = shape.text_frame
        yield frame, shape.width - frame.margin_left - frame.margin_right, shape.height - frame.margin_top - frame.margin_bottom
    if shape.has_table:
        table = shape.table
        for row in table.rows:
            for column, cell in zip(table.columns, row.cells):
                yield cell.text_frame, column.width - cell.margin_left - cell.margin_right, row.height - cell.margin_top - cell.margin_bottom


def text_height(frame, width, language):
    """The points `frame`'s text takes when wrapped in `width` EMU as PowerPoint lays it out,
    measured anew with Inter's metrics: the deck's own count is not taken on trust."""
    total = 0
    for paragraph in frame.paragraphs:
        for run in paragraph.runs:
            size = run.font.size.pt
            measure = Measure("Bold" if run.font.bold else "Regular", size)
            count = len(wrap(run.text, measure, width / 12700, 1000, language)) if run.text else 1
            total += count * size * LEADING
    return total


def assert_deck_fits(test, deck, language="en"):
    """No shape off its slide, no text taller than its box, no text below 12 pt."""
    width, height = deck.slide_width, deck.slide_height
    for number, slide in enumerate(deck.slides, start=1):
        for shape in slide.shapes:
            with test.subTest(slide=number, shape=shape.name):
                test.assertGreaterEqual(shape.left, 0)
                test.assertGreaterEqual(shape.top, 0)
                test.assertLessEqual(shape.left + shape.width, width)
                test.assertLessEqual(shape.top + shape.height, height)
                for frame, inner_width, inner_height in frames(shape):
                    if frame.text:
                        used = text_height(frame, inner_width, language)
                        test.assertLessEqual(used, inner_height / 12700 + 0.5, frame.text[:80])
        for run in runs(slide):
            test.assertIsNotNone(run.font.size, run.text)
            test.assertGreaterEqual(run.font.size, Pt(12), run.text)


def words(text):
    return " ".join(text.split())


class MeetingExportTests(BaseTestCase):
    def setUp(self):
        super().setUp()
        self.titles = ["Instagram ad"]
        kinds = ["touchpoint", "pain", "opportunity", "idea"]
        for p, phase in enumerate(self.phases):
            for i in range(9):
                title = f"Step {i} of {phase.name}: compares delivery times"
                create_card(self.owner, phase, title=title, kind=kinds[i % 4], emotion=(i % 5) - 2, channel="website")
                self.titles.append(title)
        self.login(self.viewer)

    def get(self, suffix):
        return self.client.get(self.board_url(suffix))

    # --- Slide deck ----------------------------------------------------------------------

    def deck(self):
        response = self.get("export.pptx")
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response["Content-Type"], PPTX)
        self.assertTrue(response["Content-Disposition"].endswith('.pptx"'))
        return Presentation(io.BytesIO(response.content))

    def test_deck_is_16_9_with_every_card_title_as_text(self):
        deck = self.deck()
        self.assertEqual(deck.slide_width * 9, deck.slide_height * 16)
        texts = [words(text) for slide in deck.slides for text in slide_texts(slide)]
        self.assertIn("Webshop journey", texts)
        for title in self.titles:
            with self.subTest(title):
                self.assertTrue(any(title in text for text in texts), title)

    def test_deck_text_fits_its_slides_and_is_never_below_12_pt(self):
        assert_deck_fits(self, self.deck())

    def test_the_longest_texts_in_german_fit_their_boxes_too(self):
        long = "Donaudampfschifffahrtsgesellschaftskapitänsmütze und Rückgabebedingungen vergleichen "
        board = create_board(self.owner, (long * 3)[:120], template="customer10", language="de")
        Membership.objects.create(board=board, user=self.viewer, role=Role.VIEWER)
        for i in range(4):
            create_persona(self.owner, board, name=f"Persona {i} " + long[:40], role=long[:60], quote=(long * 4)[:300])
        kinds = ["touchpoint", "pain", "opportunity", "idea"]
        for p, phase in enumerate(board.phases.order_by("position")):
            update_phase(self.owner, phase, name=(long * 2)[:80], kpi_name=long[:60], kpi_value=12345.5, kpi_target=99999, kpi_unit="€/Monat")
            for i in range(6 if p < 3 else 2):
                create_card(self.owner, phase, title=(long * 3)[:200], note=(long * 20)[:1000], kind=kinds[i % 4], emotion=(i % 5) - 2, channel="website")
        start_round(self.owner, board, votes_per_person=20)
        for card in list(board.phases.first().cards.all())[:3]:
            toggle_vote(self.owner, card)
        close_round(self.owner, board)
        response = self.client.get(f"/boards/{board.pk}/export.pptx")
        self.assertEqual(response.status_code, 200)
        assert_deck_fits(self, Presentation(io.BytesIO(response.content)), "de")

    def test_cards_are_native_shapes_in_their_kind_colour_with_a_face(self):
        deck = self.deck()
        card = next(
            shape for slide in deck.slides for shape in slide.shapes
            if shape.has_text_frame and any(p.text == "Step 1 of " + self.phases[0].name + ": compares delivery times" for p in shape.text_frame.paragraphs)
        )
        self.assertEqual(str(card.fill.fore_color.rgb), "FFF1F1")  # the pain point's background
        self.assertEqual(str(card.line.color.rgb), "E8575A")
        faces = [s for slide in deck.slides for s in slide.shapes if s.name.startswith("Emotion")]
        self.assertGreaterEqual(len(faces), len(self.titles))

    def test_a_long_lane_continues_on_the_next_slide(self):
        for i in range(12):
            create_card(self.owner, self.phase, title=f"Extra touchpoint {i}")
        deck = self.deck()
        head = f"{self.phase.name} ({self.phase.cards.count()})"
        slides = [slide for slide in deck.slides if head in slide_texts(slide)]
        self.assertGreaterEqual(len(slides), 2)
        seen = [text for slide in slides for text in slide_texts(slide) if text.startswith("Extra touchpoint")]
        self.assertEqual(sorted(seen), sorted(f"Extra touchpoint {i}" for i in range(12)))

    def test_pain_points_sit_beside_opportunities_per_phase(self):
        deck = self.deck()
        table = next(s.table for slide in deck.slides for s in slide.shapes if s.has_table)
        header = [cell.text for cell in table.rows[0].cells]
        self.assertEqual(header, ["Phase", "Pain points", "Opportunities"])
        first = [cell.text_frame.paragraphs[0].text for cell in table.rows[1].cells]
        name = self.phases[0].name
        self.assertEqual(first, [name, f"• Step 1 of {name}: compares delivery times", f"• Step 2 of {name}: compares delivery times"])

    def test_the_last_closed_voting_round_is_ranked(self):
        texts = [t for slide in self.deck().slides for t in slide_texts(slide)]
        self.assertNotIn("Dot voting results", texts)
        start_round(self.owner, self.board, votes_per_person=3)
        toggle_vote(self.owner, self.card)
        toggle_vote(self.editor, self.card)
        close_round(self.owner, self.board)
        deck = self.deck()
        slide = next(slide for slide in deck.slides if "Dot voting results" in slide_texts(slide))
        table = next(shape.table for shape in slide.shapes if shape.has_table)
        self.assertEqual([c.text for c in table.rows[1].cells], ["1", "Instagram ad", self.phase.name, "2"])

    def test_characters_xml_forbids_are_left_out(self):
        create_card(self.owner, self.phase, title="Bell\x07 and <tag> & \"quotes\"")
        texts = [t for slide in self.deck().slides for t in slide_texts(slide)]
        self.assertIn("Bell and <tag> & \"quotes\"", texts)

    # --- Print PDF -----------------------------------------------------------------------

    def pdf(self, paper):
        response = self.get(f"export.pdf?paper={paper}")
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response["Content-Type"], "application/pdf")
        return PdfReader(io.BytesIO(response.content))

    def test_print_pdf_has_landscape_pages_of_the_paper(self):
        for paper, size in (("a4", A4), ("a3", A3), ("letter", LETTER)):
            with self.subTest(paper):
                reader = self.pdf(paper)
                for page in reader.pages:
                    self.assertAlmostEqual(float(page.mediabox.width), size[0], places=1)
                    self.assertAlmostEqual(float(page.mediabox.height), size[1], places=1)

    def test_print_pdf_splits_the_map_without_cutting_a_card(self):
        reader = self.pdf("a4")
        pages = [words(page.extract_text()) for page in reader.pages]
        self.assertGreater(len(pages), 1)
        for title in self.titles:
            with self.subTest(title):
                self.assertEqual(sum(title in page for page in pages), 1, title)
        for number, page in enumerate(pages, start=1):
            self.assertIn(f"Webshop journey Page {number} of {len(pages)}", page)
            self.assertTrue(any(phase.name in page for phase in self.phases))  # the heads repeat

    def test_print_pdf_embeds_its_font_as_the_truetype_it_says_it_is(self):
        page = self.pdf("a4").pages[0]
        font = page["/Resources"]["/Font"]["/F1"].get_object()["/DescendantFonts"][0].get_object()
        self.assertEqual(font["/Subtype"], "/CIDFontType2")
        data = font["/FontDescriptor"].get_object()["/FontFile2"].get_object().get_data()
        self.assertEqual(data[:4], b"\x00\x01\x00\x00")  # TrueType outlines, not CFF ("OTTO")

    def test_a3_holds_more_than_a4(self):
        self.assertLess(len(self.pdf("a3").pages), len(self.pdf("a4").pages))

    def test_without_paper_the_pdf_is_still_one_page(self):
        response = self.get("export.pdf")
        self.assertEqual(len(PdfReader(io.BytesIO(response.content)).pages), 1)

    # --- Slide PNG -----------------------------------------------------------------------

    def test_slide_png_is_16_9_letterboxed_on_the_canvas(self):
        for query, size in (("?fit=slide", (1920, 1080)), ("?fit=slide&scale=2", (3840, 2160))):
            with self.subTest(query):
                response = self.get(f"export.png{query}")
                self.assertEqual(response.status_code, 200)
                image = Image.open(io.BytesIO(response.content)).convert("RGB")
                self.assertEqual(image.size, size)
                self.assertEqual(image.getpixel((0, 0)), CANVAS)
                colours = {colour for _count, colour in image.getcolors(1 << 22)}
                self.assertIn(rgb(self.phases[0].color), colours)  # the phase heads are drawn

    # --- Boards at the edges -------------------------------------------------------------

    def test_a_board_without_phases_exports_every_format(self):
        from journeyboard.boards.lifecycle import create_board
        from journeyboard.boards.models import Membership, Role

        empty = create_board(self.owner, "Nothing yet", template="blank", language="de")
        Membership.objects.create(board=empty, user=self.viewer, role=Role.VIEWER)
        base = f"/boards/{empty.pk}/"
        deck = Presentation(io.BytesIO(self.client.get(base + "export.pptx").content))
        self.assertIn("Nothing yet", [t for slide in deck.slides for t in slide_texts(slide)])
        reader = PdfReader(io.BytesIO(self.client.get(base + "export.pdf?paper=a4").content))
        self.assertEqual(len(reader.pages), 1)
        self.assertIn("Seite 1 von 1", reader.pages[0].extract_text())  # the board's language
        image = Image.open(io.BytesIO(self.client.get(base + "export.png?fit=slide").content))
        self.assertEqual(image.size, (1920, 1080))

    def test_long_texts_are_cut_to_their_boxes(self):
        long_title = "Compares " + "delivery options and return policies " * 5  # 194 of at most 200
        create_card(self.owner, self.phase, title=long_title.strip(), note="n" * 500)
        deck = self.deck()
        texts = [t for slide in deck.slides for t in slide_texts(slide)]
        cut = [t for t in texts if t.startswith("Compares delivery") and t.endswith("…")]
        self.assertTrue(cut)
        self.assertTrue(all(len(t) < 200 for t in cut))
        reader = self.pdf("a4")
        self.assertTrue(any("Compares delivery" in page.extract_text() for page in reader.pages))

    # --- Refusals and access -------------------------------------------------------------

    def test_bad_parameters_are_a_clear_400(self):
        for suffix, message in (
            ("export.pdf?paper=a5", "paper must be a4, a3 or letter."),
            ("export.png?fit=poster", "fit must be slide."),
            ("export.png?fit=slide&scale=9", "scale must be 1 or 2 for a slide."),
            ("export.png?fit=slide&scale=3", "scale must be 1 or 2 for a slide."),
            ("export.png?scale=9", "scale must be 1, 2 or 3."),
        ):
            with self.subTest(suffix):
                response = self.get(suffix)
                self.assertEqual(response.status_code, 400)
                self.assertEqual(response.content.decode(), message)

    def test_a_board_beyond_the_card_cap_gets_the_picture_offered_instead(self):
        from unittest import mock

        with mock.patch("journeyboard.export.views.MAX_CARDS", len(self.titles) - 1):
            for suffix in ("export.pptx", "export.pdf?paper=a4"):
                with self.subTest(suffix):
                    response = self.get(suffix)
                    self.assertEqual(response.status_code, 422)
                    self.assertEqual(
                        response.content.decode(),
                        f"This board has {len(self.titles)} cards, more than pages or slides can hold "
                        f"({len(self.titles) - 1}): download the picture instead.",
                    )
            self.assertEqual(self.get("export.pdf").status_code, 200)  # the one-page PDF is a picture
            self.assertEqual(self.get("export.png?fit=slide").status_code, 200)

    def test_outsiders_get_404_and_viewers_may_export(self):
        suffixes = ("export.pptx", "export.pdf?paper=letter", "export.png?fit=slide")
        for suffix in suffixes:
            with self.subTest(suffix):
                self.assertEqual(self.get(suffix).status_code, 200)
        self.login(self.outsider)
        for suffix in suffixes:
            with self.subTest(suffix):
                self.assertEqual(self.get(suffix).status_code, 404)


class MeetingExportCommandTests(ExportCommandTestCase):
    """`manage.py export_board` writes the same files as the downloads."""

    def test_pptx(self):
        deck = Presentation(str(self.export("pptx")))
        self.assertIn("Instagram ad", [t for slide in deck.slides for t in slide_texts(slide)])

    def test_paper_gives_the_print_pdf(self):
        reader = PdfReader(str(self.export("pdf", "--paper", "letter")))
        self.assertAlmostEqual(float(reader.pages[0].mediabox.width), LETTER[0], places=1)
        self.assertIn("Instagram ad", reader.pages[0].extract_text())

    def test_fit_slide_gives_the_slide_png(self):
        self.assertEqual(Image.open(self.export("png", "--fit", "slide")).size, (1920, 1080))
        self.assertEqual(Image.open(self.export("png", "--fit", "slide", "--scale", "2")).size, (3840, 2160))

    def test_options_of_another_format_are_refused(self):
        for extra in (("png", "--paper", "a4"), ("pdf", "--fit", "slide"), ("png", "--fit", "slide", "--scale", "3")):
            with self.subTest(extra), self.assertRaises(CommandError):
                self.export(*extra)
        with self.assertRaises(CommandError):
            self.export("pdf", "--paper", "a5")
