"""Emotion rounds: facilitators start and close them, members who may edit rate cards -2..2
(one rating per card and person, changeable, clearable), hidden results stay hidden, and
the room's averages become the cards' emotions in one undoable change.

The owner is a facilitator; the editor rates; the viewer only looks; the outsider gets 404.
"""

import re

from django.core.exceptions import ValidationError

from journeyboard.boards.cards import create_card, update_card
from journeyboard.boards.curve import emotion_curve
from journeyboard.boards.fragments import render_change
from journeyboard.boards.history import Refused, redo, undo
from journeyboard.boards.models import Board, BoardEvent, Card, EmotionRating, EmotionRound, Membership
from journeyboard.boards.ratings import Result, apply_round, close_round, rate, results_of, start_round
from tests.base import HTMX, BoardChangeTestCase, board_state

FACILITATOR_ONLY = "Only a facilitator can do that."
VIEWER_REFUSAL = "You can view this board but not change it."


def rating_state(board):
    return {
        "rounds": list(EmotionRound.objects.filter(board=board).order_by("pk").values_list("pk", "phases", "hidden_results", "closed_at")),
        "ratings": sorted(EmotionRating.objects.filter(round__board=board).values_list("round_id", "card_id", "user_id", "value")),
    }


def html_of(response):
    return response.content.decode()


def badge(html, card):
    """The rating badge of a card in `html` (the first one), or None."""
    found = re.search(rf'<span id="rating-{card.pk}" class="card-rating"[^>]*>(.*?)</span>\n', html, re.S)
    return found.group(1) if found else None


class RatingTestCase(BoardChangeTestCase):
    def setUp(self):
        super().setUp()
        self.newsletter = create_card(self.owner, self.phases[0], title="Newsletter", emotion=-1)
        self.product = create_card(self.owner, self.phases[1], title="Product page")
        self.cards = [self.card, self.newsletter, self.product]

    def start(self, phases=(), hidden=False):
        return start_round(self.owner, self.board, phases=phases, hidden_results=hidden)

    def rate(self, card, value, user=None):
        if user is not None:
            self.login(user)
        return self.post(f"cards/{card.pk}/rating/", {"value": value})

    def before(self):
        return {**board_state(self.board), **rating_state(self.board)}

    def assertNothingChanged(self, before):
        self.assertEqual(self.before(), before)


class ServiceTests(RatingTestCase):
    def test_one_rating_per_card_and_person_changed_and_cleared(self):
        round = self.start()
        rate(self.editor, self.card, 2)
        rate(self.editor, self.card, -1)  # replaces
        rate(self.owner, self.card, 1)
        self.assertEqual(sorted(EmotionRating.objects.values_list("user__username", "value")), [("emil", -1), ("olivia", 1)])
        result = results_of(round)[self.card.pk]
        self.assertEqual((result.count, result.histogram, result.average), (2, [0, 1, 0, 1, 0], 0))
        rate(self.editor, self.card, None)
        self.assertEqual(results_of(round)[self.card.pk].histogram, [0, 0, 0, 1, 0])
        kinds = list(BoardEvent.objects.filter(kind__startswith="rating.").values_list("kind", flat=True))
        self.assertEqual(kinds, ["rating.started", "rating.given", "rating.given", "rating.given", "rating.cleared"])
        # Rating the same again or clearing nothing records nothing.
        revision = self.refresh_board().revision
        rate(self.owner, self.card, 1)
        rate(self.editor, self.card, None)
        self.assertEqual(self.refresh_board().revision, revision)

    def test_the_events_never_store_the_value(self):
        self.start(hidden=True)
        rate(self.editor, self.card, -2)
        event = BoardEvent.objects.get(kind="rating.given")
        self.assertEqual(set(event.data), {"round", "user", "card"})

    def test_a_closed_round_and_cards_outside_it_refuse_ratings(self):
        with self.assertRaisesMessage(ValidationError, "no emotion round running"):
            rate(self.editor, self.card, 1)
        self.start(phases=[self.phases[1].pk])
        with self.assertRaisesMessage(ValidationError, "not part of the emotion round"):
            rate(self.editor, self.card, 1)
        rate(self.editor, self.product, 1)
        close_round(self.owner, self.board)
        with self.assertRaisesMessage(ValidationError, "no emotion round running"):
            rate(self.editor, self.product, 2)
        self.assertEqual(EmotionRating.objects.get().value, 1)

    def test_one_open_round_at_a_time_independent_of_voting(self):
        from journeyboard.boards.voting import start_round as start_voting

        start_voting(self.owner, self.board, 3)
        self.start()
        with self.assertRaisesMessage(ValidationError, "already running"):
            self.start()

    def test_rounding_goes_half_away_from_zero(self):
        self.assertEqual(Result(2, [0, 0, 1, 1, 0]).rounded, 1)  # +0.5
        self.assertEqual(Result(2, [0, 1, 1, 0, 0]).rounded, -1)  # -0.5
        self.assertEqual(Result(3, [0, 0, 2, 1, 0]).rounded, 0)  # +0.33
        self.assertEqual(Result(2, [1, 0, 0, 0, 1]).shown_average, "0.0")

    def test_apply_sets_the_rounded_averages_in_one_change_undo_and_redo(self):
        self.start()
        rate(self.editor, self.card, 2)
        rate(self.owner, self.card, 1)  # +1.5 -> +2
        rate(self.editor, self.newsletter, -2)  # -2
        with self.assertRaisesMessage(ValidationError, "Close the emotion round"):
            apply_round(self.owner, self.board)
        close_round(self.owner, self.board)
        apply_round(self.owner, self.board)
        emotions = lambda: dict(Card.objects.values_list("title", "emotion"))  # noqa: E731
        self.assertEqual(emotions(), {"Instagram ad": 2, "Newsletter": -2, "Product page": None})
        event = BoardEvent.objects.filter(board=self.board).latest("revision")
        self.assertEqual((event.kind, event.data["cards"]), ("card.emotions", [[self.card.pk, 1, 2], [self.newsletter.pk, -1, -2]]))
        with self.assertRaisesMessage(ValidationError, "nothing to apply"):
            apply_round(self.owner, self.board)
        undo(self.owner, self.board)
        self.assertEqual(emotions(), {"Instagram ad": 1, "Newsletter": -1, "Product page": None})
        redo(self.owner, self.board)
        self.assertEqual(emotions(), {"Instagram ad": 2, "Newsletter": -2, "Product page": None})

    def test_undo_of_apply_is_refused_once_someone_else_changed_an_emotion(self):
        self.start()
        rate(self.editor, self.card, 2)
        close_round(self.owner, self.board)
        apply_round(self.owner, self.board)
        update_card(self.editor, Card.objects.get(pk=self.card.pk), emotion=0)
        with self.assertRaisesMessage(Refused, "Someone else changed this card"):
            undo(self.owner, self.board)

    def test_the_curve_gets_the_rooms_line_only_when_results_show(self):
        self.start(hidden=True)
        rate(self.editor, self.card, 2)
        rate(self.owner, self.newsletter, 1)
        self.assertFalse(emotion_curve(Board.objects.get(pk=self.board.pk))["has_room"])
        close_round(self.owner, self.board)
        curve = emotion_curve(Board.objects.get(pk=self.board.pk))
        self.assertTrue(curve["has_room"])
        self.assertEqual(curve["points"][0].room_average, 1.5)
        self.assertIsNone(curve["points"][1].room_average)


class ViewTests(RatingTestCase):
    def test_a_facilitator_starts_a_round_on_chosen_phases(self):
        self.login(self.owner)
        response = self.post("ratings/", {"phases": [self.phases[1].pk], "hidden_results": "true"})
        self.assertEqual(response.status_code, 200)
        round = EmotionRound.objects.get()
        self.assertEqual((round.phases, round.hidden_results, round.started_by), ([self.phases[1].pk], True, self.owner))
        html = html_of(response)
        self.assertIn('<div id="rating" class="rating-bar" data-state="open"', html)
        # Cards in the round get an empty scale that the page fills from the bar's one template.
        self.assertIn(f'data-url="/boards/{self.board.pk}/cards/{self.product.pk}/rating/"', html)
        self.assertNotIn(f'data-url="/boards/{self.board.pk}/cards/{self.card.pk}/rating/"', html)  # not in the round
        self.assertEqual(html.count('<template id="rating-scale">'), 1)
        self.assertEqual(html.count('class="rate"'), 5)
        self.assertEqual(self.refresh_board().events.last().kind, "rating.started")

    def test_editors_and_viewers_may_not_start_close_or_apply(self):
        before = self.before()
        for user in (self.editor, self.viewer):
            self.login(user)
            for path in ("ratings/", "ratings/close/", "ratings/apply/"):
                with self.subTest(user=user.username, path=path):
                    response = self.post(path)
                    self.assertEqual(response.status_code, 403)
                    self.assertIn(response.content.decode(), (FACILITATOR_ONLY, VIEWER_REFUSAL))
                    self.assertNothingChanged(before)

    def test_outsiders_get_404_for_every_rating_url(self):
        self.start()
        before = self.before()
        self.login(self.outsider)
        for method, path, data in [
            ("get", "ratings/", {}),
            ("post", "ratings/", {}),
            ("post", "ratings/close/", {}),
            ("post", "ratings/apply/", {}),
            ("post", f"cards/{self.card.pk}/rating/", {"value": "1"}),
        ]:
            with self.subTest(path):
                response = getattr(self.client, method)(self.board_url(path), data, **HTMX)
                self.assertEqual((response.status_code, response.content.decode()), (404, "No such board."))
        self.assertNothingChanged(before)

    def test_bad_input_is_refused_with_422_and_changes_nothing(self):
        other = self.other_board()
        self.login(self.owner)
        before = self.before()
        for data in ({"phases": [other.phases.first().pk]}, {"phases": ["x"]}):
            with self.subTest(data):
                response = self.post("ratings/", data)
                self.assertRefusedWithText(response, 422, "Choose phases of this board.")
                self.assertNothingChanged(before)
        self.assertRefusedWithText(self.post("ratings/close/"), 422, "No emotion round is running.")
        self.assertRefusedWithText(self.post("ratings/apply/"), 422, "Close the emotion round before applying its ratings.")
        self.start(phases=[self.phases[1].pk])
        before = self.before()
        self.assertRefusedWithText(self.post("ratings/"), 422, "An emotion round is already running: close it before starting a new one.")
        self.login(self.editor)
        for value in ("3", "-3", "x", "", "1.5"):
            with self.subTest(value=value):
                self.assertRefusedWithText(self.rate(self.product, value), 422, "A rating is a whole number from -2 to 2, or “clear”.")
        self.assertRefusedWithText(self.rate(self.card, "1"), 422, "This card is not part of the emotion round.")
        self.assertNothingChanged(before)
        close_round(self.owner, self.board)
        before = self.before()
        self.assertRefusedWithText(self.rate(self.product, "1"), 422, "Rating is closed: there is no emotion round running.")
        self.assertNothingChanged(before)

    def test_rating_answers_with_the_bar_and_the_badge(self):
        self.start()
        response = self.rate(self.card, "2")
        self.assertEqual(response.status_code, 200)
        html = html_of(response)
        self.assertIn(f'data-mine="{self.card.pk}:2"', html)
        self.assertIn("1 rating, average +2.0", badge(html, self.card))
        response = self.rate(self.card, "clear")
        self.assertIn('data-mine=""', html_of(response))
        self.assertFalse(EmotionRating.objects.exists())

    def test_viewers_cannot_rate_and_a_locked_board_takes_ratings_only_from_facilitators(self):
        self.start()
        before = self.before()
        self.login(self.viewer)
        self.assertRefusedWithText(self.rate(self.card, "1"), 403, VIEWER_REFUSAL)
        self.board.locked = True
        self.board.save(update_fields=["locked"])
        self.login(self.editor)
        self.assertRefusedWithText(self.rate(self.card, "1"), 403, "The board is locked by the facilitator.")
        self.assertNothingChanged({**before, "board": board_state(self.board)["board"]})
        self.login(self.owner)
        self.assertEqual(self.rate(self.card, "1").status_code, 200)

    def test_hidden_results_show_only_how_many_rated(self):
        self.start(hidden=True)
        rate(self.owner, self.card, 2)
        rate(self.editor, self.card, 1)
        for user in (self.owner, self.editor, self.viewer):
            self.login(user)
            with self.subTest(user.username):
                page = html_of(self.client.get(self.board_url()))
                self.assertIn("2 rated", badge(page, self.card))
                self.assertNotIn("average", badge(page, self.card))
                self.assertNotIn("rating-bars", page)
        for event in BoardEvent.objects.filter(kind="rating.given"):
            for html in render_change(event, ["en"])["en"].values():
                self.assertNotIn("average", html)
                self.assertIn("rated", html)
        close_round(self.owner, self.board)
        self.login(self.viewer)
        page = html_of(self.client.get(self.board_url()))
        self.assertIn("2 ratings, average +1.5", badge(page, self.card))
        self.assertIn('class="curve-room-point" data-phase="%d" data-room-average="1.5"' % self.phase.pk, page)

    def test_each_person_sees_their_own_rating_in_their_bar(self):
        self.start()
        rate(self.owner, self.card, 2)
        rate(self.editor, self.card, -1)
        self.login(self.owner)
        self.assertIn(f'data-mine="{self.card.pk}:2"', html_of(self.client.get(self.board_url("ratings/"), **HTMX)))
        self.login(self.editor)
        self.assertIn(f'data-mine="{self.card.pk}:-1"', html_of(self.client.get(self.board_url())))

    def test_close_and_apply_through_the_endpoints(self):
        self.start()
        rate(self.editor, self.card, -2)
        self.login(self.owner)
        response = self.post("ratings/close/")
        self.assertEqual(response.status_code, 200)
        self.assertIn('data-state="closed"', html_of(response))
        self.assertIn('id="rating-apply"', html_of(response))
        response = self.post("ratings/apply/")
        self.assertEqual(response.status_code, 200)
        self.assertEqual(Card.objects.get(pk=self.card.pk).emotion, -2)
        self.assertEqual(self.refresh_board().events.last().kind, "card.emotions")

    def test_a_facilitator_made_editor_may_start(self):
        Membership.objects.filter(board=self.board, user=self.editor).update(facilitator=True)
        self.assertEqual(self.post("ratings/").status_code, 200)


class ExportTests(RatingTestCase):
    def export(self):
        return self.client.get(self.board_url("export.json")).json()

    def rooms(self, data):
        return {card["title"]: card.get("room_emotion") for phase in data["phases"] for card in phase["cards"]}

    def test_the_json_export_carries_the_last_closed_rounds_results_and_import_ignores_them(self):
        self.assertNotIn("room_emotion", str(self.export()))  # never rated: the format as before
        self.start()
        rate(self.editor, self.card, 1)
        rate(self.owner, self.card, 2)
        self.assertNotIn("room_emotion", str(self.export()))  # still open: nothing yet
        close_round(self.owner, self.board)
        data = self.export()
        self.assertEqual(
            self.rooms(data),
            {"Instagram ad": {"count": 2, "average": 1.5, "histogram": [0, 0, 0, 1, 1]}, "Newsletter": None, "Product page": None},
        )
        self.start()  # a new round counts once it closes
        rate(self.editor, self.newsletter, -2)
        self.assertEqual(self.rooms(self.export()), self.rooms(data))
        import json

        from django.core.files.uploadedfile import SimpleUploadedFile

        response = self.client.post("/boards/import/", {"file": SimpleUploadedFile("b.json", json.dumps(data).encode(), "application/json")})
        self.assertEqual(response.status_code, 302)
        self.assertEqual(Card.objects.filter(title="Instagram ad").count(), 2)

    def test_the_board_page_costs_the_same_queries_with_a_round_and_ratings(self):
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        def count():
            with CaptureQueriesContext(connection) as captured:
                self.assertEqual(self.client.get(self.board_url()).status_code, 200)
            return len(captured)

        self.start()
        rate(self.editor, self.card, 1)
        few = count()
        for n in range(10):
            rate(self.editor, create_card(self.owner, self.phases[n % 3], title=f"Card {n}"), n % 5 - 2)
        self.assertEqual(count(), few)
        close_round(self.owner, self.board)
        self.assertEqual(count(), few - 1)  # no own ratings to read once it is closed


class HistoryTests(RatingTestCase):
    def test_the_history_tells_every_step_in_three_languages(self):
        from django.utils import translation

        from journeyboard.boards.timeline import describe_one

        self.start()
        rate(self.editor, self.card, 2)
        rate(self.editor, self.card, None)
        rate(self.owner, self.newsletter, 2)
        close_round(self.owner, self.board)
        apply_round(self.owner, self.board)
        events = list(BoardEvent.objects.filter(board=self.board, kind__in=["rating.started", "rating.given", "rating.cleared", "rating.closed", "card.emotions"]).order_by("revision"))
        expected = {
            "en": ["started an emotion round", "rated a card", "took back a rating", "rated a card", "closed the emotion round", "gave 1 card the room's emotion"],
            "nl": ["startte een emotieronde", "beoordeelde een kaart", "trok een beoordeling in", "beoordeelde een kaart", "sloot de emotieronde", "gaf 1 kaart de emotie van de groep"],
            "de": ["startete eine Emotionsrunde", "bewertete eine Karte", "nahm eine Bewertung zurück", "bewertete eine Karte", "beendete die Emotionsrunde", "gab 1 Karte die Emotion der Gruppe"],
        }
        for language, sentences in expected.items():
            with self.subTest(language), translation.override(language):
                self.assertEqual([str(describe_one(self.board, event)) for event in events], sentences)
        self.login(self.owner)
        self.assertContains(self.client.get(self.board_url("history/"), **HTMX), "gave 1 card the room&#x27;s emotion")
