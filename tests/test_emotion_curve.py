"""The emotion curve on the board page: server-drawn SVG that follows the cards' emotions."""

import re

from journeyboard.boards.cards import create_card
from journeyboard.boards.curve import emotion_curve, level_y
from tests.base import HTMX, BaseTestCase


def points(html):
    """{phase id: (cx, cy)} of the curve's points in an HTML page or fragment."""
    found = {}
    for phase, body in re.findall(r'<g class="curve-point" data-phase="(\d+)"[^>]*>(.*?)</g>', html, re.S):
        cx, cy = re.search(r'cx="([\d.]+)" cy="([\d.]+)" r="11" class="curve-hit"', body).groups()
        found[int(phase)] = (float(cx), float(cy))
    return found


class EmotionCurveTests(BaseTestCase):
    template = "customer8"

    def setUp(self):
        super().setUp()
        # Phase 0 already has the +1 Instagram ad; phase 1 very positive, phase 2 very
        # negative, phase 3 mixed (+2, -2: neutral on average), phase 4 none at all.
        create_card(self.owner, self.phases[1], title="Great reviews", emotion=2)
        create_card(self.owner, self.phases[2], title="Confusing prices", emotion=-2)
        create_card(self.owner, self.phases[3], title="Fast checkout", emotion=2)
        create_card(self.owner, self.phases[3], title="Payment failed", emotion=-2)
        create_card(self.owner, self.phases[4], title="No feeling recorded")

    def test_points_sit_at_the_height_of_each_phase_average(self):
        curve = emotion_curve(self.board)
        by_phase = {p.phase_id: p for p in curve["points"]}
        self.assertEqual(by_phase[self.phases[1].pk].y, level_y(2))
        self.assertEqual(by_phase[self.phases[2].pk].y, level_y(-2))
        self.assertEqual(by_phase[self.phases[3].pk].y, curve["axis_y"])
        self.assertLess(by_phase[self.phases[1].pk].y, by_phase[self.phases[0].pk].y)  # +2 above +1
        self.assertLess(by_phase[self.phases[0].pk].y, curve["axis_y"])
        self.assertGreater(by_phase[self.phases[2].pk].y, curve["axis_y"])
        # Over the middle of each lane, left to right.
        xs = [p.x for p in curve["points"]]
        self.assertEqual(xs, sorted(xs))
        self.assertEqual(xs[1] - xs[0], 272 + 14)

    def test_phases_without_emotions_have_no_point_and_break_the_line(self):
        curve = emotion_curve(self.board)
        by_phase = {p.phase_id: p for p in curve["points"]}
        self.assertIsNone(by_phase[self.phases[4].pk].y)
        self.assertIsNone(by_phase[self.phases[5].pk].y)
        # Phases 0-3 form one line; after the gap there is nothing left to join.
        self.assertEqual(len(curve["lines"]), 1)
        self.assertEqual(len(curve["lines"][0].split()), 4)

    def test_the_board_page_draws_it_with_counts_on_hover(self):
        self.login(self.viewer)
        page = self.client.get(self.board_url()).content.decode()
        drawn = points(page)
        self.assertEqual(set(drawn), {p.pk for p in self.phases[:4]})
        self.assertLess(drawn[self.phases[1].pk][1], drawn[self.phases[2].pk][1])
        self.assertIn(f"{self.phases[3].name}: average 0.0 · 1 positive, 1 negative", page)
        self.assertEqual(page.count('<polyline class="curve-line"'), 1)

    def test_a_changed_emotion_redraws_the_curve_in_the_answer(self):
        self.login(self.editor)
        card = self.phases[2].cards.get()
        response = self.client.post(self.board_url(f"cards/{card.pk}/"), {"emotion": "2"}, **HTMX)
        html = response.content.decode()
        self.assertIn('<div id="emotion-curve" class="curve" hx-swap-oob="true">', html)
        self.assertEqual(points(html)[self.phases[2].pk][1], level_y(2))

    def test_answers_carry_the_curve_only_when_a_change_moves_it(self):
        self.login(self.editor)
        card = self.phases[2].cards.get()  # -2
        cases = [
            ("a new title", f"cards/{card.pk}/", {"title": "Prices explained"}, False),
            ("a new note", f"cards/{card.pk}/", {"note": "Seen in interviews"}, False),
            ("a card without emotion", f"phases/{self.phases[2].pk}/cards/", {"title": "Price list"}, False),
            ("a card with an emotion", f"phases/{self.phases[2].pk}/cards/", {"title": "Discount", "emotion": "1"}, True),
            ("a move within its lane", f"cards/{card.pk}/move/", {"phase": self.phases[2].pk, "position": 0}, False),
            ("a move to another lane", f"cards/{card.pk}/move/", {"phase": self.phases[4].pk, "position": 0}, True),
            ("a deleted card with an emotion", f"cards/{card.pk}/delete/", {}, True),
        ]
        for what, path, data, moved in cases:
            with self.subTest(what):
                html = self.client.post(self.board_url(path), data, **HTMX).content.decode()
                self.assertEqual('id="emotion-curve"' in html, moved)
                if moved:  # and then it is the board's curve as it now is
                    self.assertEqual(points(html), {p.phase_id: (p.x, p.y) for p in emotion_curve(self.board)["points"] if p.y is not None})

    def test_a_board_without_emotions_explains_the_empty_curve(self):
        self.card.emotion = None
        self.card.save()
        for phase in self.phases[1:4]:
            phase.cards.all().delete()
        self.login(self.owner)
        page = self.client.get(self.board_url()).content.decode()
        self.assertEqual(points(page), {})
        self.assertIn("Give touchpoints an emotion to draw the curve.", page)
