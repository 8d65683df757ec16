"""Board templates: each one starts a board with its phases, named in the board's language."""

import re

from django.test import TestCase

from journeyboard.boards.catalog import TEMPLATES
from journeyboard.boards.lifecycle import create_board
from journeyboard.boards.models import Board
from tests.base import make_user

HEX = re.compile(r"^#[0-9a-fA-F]{6}$")

# Written out in full rather than read from catalog.py, so a slip there shows up here.
EXPECTED = {
    ("buyer", "en"): ["Awareness", "Consideration", "Decision"],
    ("buyer", "nl"): ["Bewustwording", "Overweging", "Besluitvorming"],
    ("buyer", "de"): ["Bewusstsein", "Erwägung", "Entscheidung"],
    ("customer10", "en"): [
        "Latent need", "Concrete need", "Orientation", "Consideration", "Decision moment",
        "Purchase", "Delivery", "Use", "Loyalty", "Ambassador",
    ],
    ("customer10", "nl"): [
        "Latente behoefte", "Concrete behoefte", "Oriëntatie", "Overweging", "Beslismoment",
        "Koop", "Levering", "Gebruik", "Loyaliteit", "Ambassadeur",
    ],
    ("customer10", "de"): [
        "Latenter Bedarf", "Konkreter Bedarf", "Orientierung", "Abwägung", "Entscheidungsmoment",
        "Kauf", "Lieferung", "Nutzung", "Loyalität", "Botschafter",
    ],
    ("customer8", "en"): ["Awareness", "Research", "Consideration", "Purchase", "Delivery", "Use", "Evaluation", "Loyalty"],
    ("customer8", "nl"): ["Bewustwording", "Onderzoek", "Overweging", "Aankoop", "Levering", "Gebruik", "Evaluatie", "Loyaliteit"],
    ("customer8", "de"): ["Bewusstsein", "Recherche", "Erwägung", "Kauf", "Lieferung", "Nutzung", "Bewertung", "Loyalität"],
    ("blueprint", "en"): ["Discover", "Order", "Receive", "Use", "Get help"],
    ("blueprint", "nl"): ["Ontdekken", "Bestellen", "Ontvangen", "Gebruiken", "Hulp krijgen"],
    ("blueprint", "de"): ["Entdecken", "Bestellen", "Erhalten", "Nutzen", "Hilfe bekommen"],
    ("blank", "en"): [],
    ("blank", "nl"): [],
    ("blank", "de"): [],
}

# How many of a template's first phases belong to the buyer; the rest are the customer's.
BUYER_STEPS = {"buyer": 3, "customer10": 7, "customer8": 5, "blueprint": 3, "blank": 0}



class TemplateTests(TestCase):
    def setUp(self):
        self.owner = make_user("olivia")

    def phases_of(self, template, language):
        board = create_board(self.owner, f"{template} {language}", template=template, language=language)
        return list(board.phases.order_by("position"))

    def test_every_template_is_covered(self):
        self.assertEqual({template for template, _language in EXPECTED}, set(TEMPLATES))

    def test_phase_names_in_order(self):
        for (template, language), names in EXPECTED.items():
            with self.subTest(template=template, language=language):
                phases = self.phases_of(template, language)
                self.assertEqual([p.name for p in phases], names)
                self.assertEqual([p.position for p in phases], list(range(len(names))))

    def test_segments(self):
        for template, buyer_steps in BUYER_STEPS.items():
            for language in ("en", "nl", "de"):
                with self.subTest(template=template, language=language):
                    phases = self.phases_of(template, language)
                    expected = ["buyer"] * buyer_steps + ["customer"] * (len(phases) - buyer_steps)
                    self.assertEqual([p.segment for p in phases], expected)

    def test_customer10_in_dutch(self):
        phases = self.phases_of("customer10", "nl")
        self.assertEqual(phases[0].name, "Latente behoefte")
        self.assertEqual(phases[-1].name, "Ambassadeur")
        self.assertEqual({p.segment for p in phases[:7]}, {"buyer"})
        self.assertEqual({p.segment for p in phases[7:]}, {"customer"})

    def test_colours_are_valid_hex(self):
        for template in ("buyer", "customer10", "customer8"):
            for language in ("en", "nl", "de"):
                with self.subTest(template=template, language=language):
                    for phase in self.phases_of(template, language):
                        self.assertRegex(phase.color, HEX)

    def test_neighbouring_phases_have_different_colours(self):
        colours = [p.color for p in self.phases_of("customer10", "en")]
        self.assertTrue(all(a != b for a, b in zip(colours, colours[1:])), colours)

    def test_blank_board_has_no_phases_and_no_cards(self):
        board = create_board(self.owner, "Empty", template="blank", language="de")
        self.assertFalse(board.phases.exists())
        self.assertEqual(board.language, "de")

    def test_template_phases_start_without_cards(self):
        board = create_board(self.owner, "Fresh", template="customer10", language="en")
        self.assertFalse(board.phases.filter(cards__isnull=False).exists())

    def test_board_language_does_not_follow_the_reader(self):
        # Phase names are content: a Dutch board is Dutch for a German reader too.
        self.client.force_login(self.owner)
        response = self.client.post(
            "/boards/",
            {"title": "Reis", "template": "buyer", "language": "nl"},
            headers={"Accept-Language": "de"},
        )
        board = Board.objects.get(title="Reis")
        self.assertRedirects(response, board.get_absolute_url())
        self.assertEqual([p.name for p in board.phases.order_by("position")], EXPECTED["buyer", "nl"])

    def test_board_page_shows_phases_in_order(self):
        board = create_board(self.owner, "Shown", template="customer8", language="en")
        self.client.force_login(self.owner)
        content = self.client.get(board.get_absolute_url()).content.decode()
        positions = [content.index(f'aria-label="{name}"') for name in EXPECTED["customer8", "en"]]
        self.assertEqual(positions, sorted(positions))
