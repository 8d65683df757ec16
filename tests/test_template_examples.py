"""Example touchpoints: the 10- and 8-step templates can start a board with example cards
in the board's language, picked with a checkbox when the board is created."""

from django.test import SimpleTestCase

from journeyboard.boards.catalog import LANGUAGE_CODES, TEMPLATES
from journeyboard.boards.curve import emotion_curve
from journeyboard.boards.examples import template_examples
from journeyboard.boards.lifecycle import create_board
from journeyboard.boards.models import Board, BoardEvent, Card
from tests.base import BaseTestCase

WITH_EXAMPLES = ("customer10", "customer8")
WITHOUT_EXAMPLES = ("buyer", "blank")


def cards_by_phase(board):
    """Per phase in board order: its cards as (position, title, channel, kind, emotion)."""
    return [
        list(phase.cards.order_by("position", "pk").values_list("position", "title", "channel", "kind", "emotion"))
        for phase in board.phases.order_by("position")
    ]


def expected_cards(template, language):
    return [
        [(i, c["title"], c["channel"], c["kind"], c["emotion"]) for i, c in enumerate(cards)]
        for cards in template_examples(template, language)
    ]


class ExampleDataTests(SimpleTestCase):
    def test_every_phase_has_two_to_four_examples_in_every_language(self):
        for template in WITH_EXAMPLES:
            for language in LANGUAGE_CODES:
                with self.subTest(template=template, language=language):
                    examples = template_examples(template, language)
                    self.assertEqual(len(examples), len(TEMPLATES[template]["phases"]))
                    for cards in examples:
                        self.assertTrue(2 <= len(cards) <= 4, cards)

    def test_examples_are_valid_cards(self):
        for template in WITH_EXAMPLES:
            for language in LANGUAGE_CODES:
                for cards in template_examples(template, language):
                    for card in cards:
                        with self.subTest(template=template, language=language, title=card["title"]):
                            self.assertEqual(card["title"], card["title"].strip())
                            self.assertTrue(card["title"])
                            self.assertTrue(card["channel"], "every example names its channel")
                            # Raises on an empty or over-long title, an unknown channel or
                            # kind, or an emotion outside -2..2.
                            Card(**card).full_clean(exclude=["phase", "author"])

    def test_english_titles_are_short_card_titles(self):
        for template in WITH_EXAMPLES:
            for cards in template_examples(template, "en"):
                for card in cards:
                    self.assertTrue(2 <= len(card["title"].split()) <= 6, card["title"])

    def test_titles_are_translated(self):
        for template in WITH_EXAMPLES:
            english = template_examples(template, "en")
            for language in ("nl", "de"):
                translated = template_examples(template, language)
                for en_cards, cards in zip(english, translated, strict=True):
                    for en_card, card in zip(en_cards, cards, strict=True):
                        with self.subTest(template=template, language=language, title=en_card["title"]):
                            self.assertNotEqual(card["title"].casefold(), en_card["title"].casefold())
                            # Only the title is translated: the card itself is the same.
                            self.assertEqual({**card, "title": ""}, {**en_card, "title": ""})

    def test_titles_are_distinct_within_a_phase(self):
        for template in WITH_EXAMPLES:
            for language in LANGUAGE_CODES:
                for cards in template_examples(template, language):
                    titles = [card["title"] for card in cards]
                    self.assertEqual(len(titles), len(set(titles)), titles)

    def test_examples_mix_touchpoints_with_pains_and_opportunities(self):
        for template in WITH_EXAMPLES:
            with self.subTest(template=template):
                kinds = [card["kind"] for cards in template_examples(template, "en") for card in cards]
                self.assertGreater(kinds.count("touchpoint"), len(kinds) / 2)
                self.assertIn("pain", kinds)
                self.assertIn("opportunity", kinds)

    def test_templates_without_examples(self):
        for template in WITHOUT_EXAMPLES:
            for language in LANGUAGE_CODES:
                self.assertEqual(template_examples(template, language), [])


class CreateWithExamplesTests(BaseTestCase):
    def create(self, template, language, examples=True):
        return create_board(self.owner, "Examples", template=template, language=language, examples=examples)

    def test_cards_in_the_boards_language_in_order(self):
        for template in WITH_EXAMPLES:
            for language in LANGUAGE_CODES:
                with self.subTest(template=template, language=language):
                    board = self.create(template, language)
                    # Positions come out 0..n-1 per phase: expected_cards numbers them so.
                    self.assertEqual(cards_by_phase(board), expected_cards(template, language))
                    self.assertEqual(set(Card.objects.filter(phase__board=board).values_list("author", flat=True)), {self.owner.pk})

    def test_recorded_as_one_event(self):
        board = self.create("customer10", "de")
        card_count = sum(len(cards) for cards in template_examples("customer10", "de"))
        events = list(BoardEvent.objects.filter(board=board).values_list("revision", "kind", "actor", "data"))
        self.assertEqual(events, [(1, "board.created", self.owner.pk, {"phases": 10, "cards": card_count})])
        self.assertEqual(Board.objects.get(pk=board.pk).revision, 1)

    def test_without_examples_no_cards(self):
        board = self.create("customer10", "nl", examples=False)
        self.assertEqual(board.phases.count(), 10)
        self.assertFalse(Card.objects.filter(phase__board=board).exists())

    def test_templates_without_examples_ignore_the_option(self):
        for template in WITHOUT_EXAMPLES:
            with self.subTest(template=template):
                board = self.create(template, "de")
                self.assertEqual(board.phases.count(), len(TEMPLATES[template]["phases"]))
                self.assertFalse(Card.objects.filter(phase__board=board).exists())
                self.assertEqual(BoardEvent.objects.filter(board=board).count(), 1)

    def test_fresh_board_has_an_emotion_curve_with_ups_and_downs(self):
        for template in WITH_EXAMPLES:
            with self.subTest(template=template):
                points = emotion_curve(self.create(template, "en"))["points"]
                averages = [point.average for point in points]
                self.assertNotIn(None, averages, "every phase has a point on the curve")
                self.assertLess(min(averages), 0)
                self.assertGreater(max(averages), 0)


class CreateFormTests(BaseTestCase):
    def setUp(self):
        super().setUp()
        self.login(self.owner)

    def post(self, **data):
        return self.client.post("/boards/", {"title": "Kundenreise", **data})

    def created(self):
        return Board.objects.get(title="Kundenreise")

    def test_list_page_offers_the_checkbox(self):
        response = self.client.get("/")
        self.assertContains(response, '<input type="checkbox" name="examples"', html=False)
        self.assertContains(response, "Add example touchpoints (10- and 8-step journeys)")

    def test_ticked_creates_example_cards(self):
        response = self.post(template="customer10", language="de", examples="on")
        board = self.created()
        self.assertRedirects(response, board.get_absolute_url())
        self.assertEqual(cards_by_phase(board), expected_cards("customer10", "de"))
        self.assertEqual(BoardEvent.objects.filter(board=board).count(), 1)
        page = self.client.get(board.get_absolute_url())
        self.assertContains(page, "Lange Lieferzeit")
        self.assertContains(page, "Google-Suchanzeige")

    def test_unticked_creates_no_cards(self):
        response = self.post(template="customer8", language="nl")
        board = self.created()
        self.assertRedirects(response, board.get_absolute_url())
        self.assertEqual(board.phases.count(), 8)
        self.assertFalse(Card.objects.filter(phase__board=board).exists())

    def test_ticked_with_a_template_without_examples(self):
        for template in WITHOUT_EXAMPLES:
            with self.subTest(template=template):
                response = self.post(template=template, language="en", examples="on")
                board = self.created()
                self.assertRedirects(response, board.get_absolute_url())
                self.assertFalse(Card.objects.filter(phase__board=board).exists())
                board.delete()
