"""Templates start with rows: the practitioners' rows for journeys, the four layers for a
service blueprint, named in the board's language; the blueprint's lines on its page."""

from journeyboard.boards.catalog import LANGUAGE_CODES, TEMPLATES
from journeyboard.boards.lifecycle import create_board
from journeyboard.boards.models import Card, Row
from tests.base import BaseTestCase


def rows(board):
    return list(Row.objects.filter(board=board).order_by("position").values_list("name", "layer"))


class TemplateRowTests(BaseTestCase):
    def test_journey_templates_have_practitioner_rows_in_every_language(self):
        names = {
            "en": ["Touchpoints", "Customer actions", "Thoughts & feelings", "Pain points & opportunities"],
            "nl": ["Touchpoints", "Klantacties", "Gedachten & gevoelens", "Pijnpunten & kansen"],
            "de": ["Touchpoints", "Kundenaktionen", "Gedanken & Gefühle", "Schmerzpunkte & Chancen"],
        }
        for template in ("buyer", "customer10", "customer8"):
            for language in LANGUAGE_CODES:
                with self.subTest(template=template, language=language):
                    board = create_board(self.owner, "Journey", template=template, language=language)
                    self.assertEqual(rows(board), [(name, "customer") for name in names[language]])

    def test_example_cards_sit_in_the_touchpoints_row(self):
        board = create_board(self.owner, "Examples", template="customer10", language="nl", examples=True)
        first = Row.objects.get(board=board, position=0)
        cards = Card.objects.filter(phase__board=board)
        self.assertTrue(cards.exists())
        self.assertEqual(set(cards.values_list("row_id", flat=True)), {first.pk})

    def test_the_service_blueprint_has_the_four_layers_and_draws_their_lines(self):
        self.assertIn("blueprint", TEMPLATES)
        expected = {
            "en": ["Customer actions", "Frontstage actions", "Backstage actions", "Support processes"],
            "nl": ["Klantacties", "Frontstage-acties", "Backstage-acties", "Ondersteunende processen"],
            "de": ["Kundenaktionen", "Frontstage-Aktionen", "Backstage-Aktionen", "Unterstützungsprozesse"],
        }
        lines = {
            "en": ["Line of interaction", "Line of visibility", "Line of internal interaction"],
            "nl": ["Interactielijn", "Zichtbaarheidslijn", "Lijn van interne interactie"],
            "de": ["Interaktionslinie", "Sichtbarkeitslinie", "Linie der internen Interaktion"],
        }
        self.login(self.owner)
        for language in LANGUAGE_CODES:
            with self.subTest(language=language):
                board = create_board(self.owner, "Blueprint", template="blueprint", language=language)
                self.assertEqual(rows(board), list(zip(expected[language], ["customer", "frontstage", "backstage", "support"])))
                self.assertEqual(board.phases.count(), 5)
                # The lines are labelled in the board's language, whatever the reader's.
                html = self.client.get(board.get_absolute_url()).content.decode()
                for line in lines[language]:
                    self.assertIn(f'<span class="layer-line">{line}</span>', html)

    def test_a_blank_board_has_one_row(self):
        board = create_board(self.owner, "Blank", template="blank", language="de")
        self.assertEqual(rows(board), [("Touchpoints", "customer")])


class GridExportTests(BaseTestCase):
    def test_a_board_of_several_rows_exports_in_every_format(self):
        from journeyboard.boards.cards import create_card

        board = create_board(self.owner, "Blueprint", template="blueprint", language="en")
        phase = board.phases.order_by("position").first()
        for row in Row.objects.filter(board=board):
            create_card(self.owner, phase, row=row, title=f"In {row.name}", emotion=1)
        self.login(self.owner)
        for suffix in ("export.png", "export.pdf", "export.pdf?paper=a4", "export.png?fit=slide", "export.pptx",
                       "export.md", "export.csv", "export.xlsx", "export.json"):
            with self.subTest(suffix):
                response = self.client.get(f"/boards/{board.pk}/{suffix}")
                self.assertEqual(response.status_code, 200)
                self.assertGreater(len(b"".join(response) if response.streaming else response.content), 100)
