"""The ambassador loop: a board option that draws an arrow from the last phase back to
the first (seed 004: ambassadors bring new buyers into awareness)."""

import re

from journeyboard.boards.lifecycle import update_board
from journeyboard.boards.loop import loop_arrow
from journeyboard.boards.phases import create_phase, delete_phase
from tests.base import BoardChangeTestCase, board_state
from tests.documents import JsonTestCase, small_document

LABEL = "Ambassadors bring new customers into awareness"


def arrow_path(html):
    found = re.search(r'<path class="loop-path" d="([^"]+)"', html)
    return found and found.group(1)


class LoopSwitchTests(BoardChangeTestCase):
    def switch(self, *values):
        # As the page posts it: a hidden "false" first, the checkbox's "true" after it when ticked.
        return self.post("edit/", {"ambassador_loop": list(values)})

    def test_ticking_draws_the_arrow_and_unticking_removes_it(self):
        before = board_state(self.board)
        response = self.switch("false", "true")
        self.assertEqual(response.status_code, 200)
        self.assertTrue(self.refresh_board().ambassador_loop)
        event = self.assertRecorded(before, "board.updated")
        self.assertIs(event.data["after"]["ambassador_loop"], True)
        # The answer updates the switch and the arrow out of band on the page that asked.
        html = response.content.decode()
        self.assertIn('<div id="loop" class="loop" hx-swap-oob="true">', html)
        self.assertIn(LABEL, html)
        self.assertIsNotNone(arrow_path(html))
        self.assertIn(LABEL, self.client.get(self.board_url()).content.decode())

        response = self.switch("false")
        self.assertFalse(self.refresh_board().ambassador_loop)
        self.assertNotIn(LABEL, response.content.decode())
        self.assertNotIn(LABEL, self.client.get(self.board_url()).content.decode())

    def test_renaming_the_board_keeps_the_loop(self):
        update_board(self.owner, self.board, ambassador_loop=True)
        self.post("edit/", {"title": "Renamed"})
        board = self.refresh_board()
        self.assertEqual((board.title, board.ambassador_loop), ("Renamed", True))

    def test_viewers_see_the_arrow_but_cannot_switch_it(self):
        update_board(self.owner, self.board, ambassador_loop=True)
        self.login(self.viewer)
        page = self.client.get(self.board_url()).content.decode()
        self.assertIn(LABEL, page)
        self.assertNotIn('name="ambassador_loop"', page)
        before = board_state(self.board)
        self.assertEqual(self.switch("false").status_code, 403)
        self.assertUnchanged(before)

    def test_outsiders_get_404(self):
        self.login(self.outsider)
        before = board_state(self.board)
        self.assertEqual(self.switch("false", "true").status_code, 404)
        self.assertUnchanged(before)


class LoopArrowTests(BoardChangeTestCase):
    def test_the_arrow_runs_from_the_last_lane_back_to_the_first(self):
        update_board(self.owner, self.board, ambassador_loop=True)
        # Three lanes of 272 px with 14 px gaps: centres at 136 and 708.
        path = arrow_path(self.client.get(self.board_url()).content.decode())
        numbers = [float(n) for n in re.findall(r"-?\d+(?:\.\d+)?", path)]
        self.assertEqual(numbers[0], 136 + 2 * (272 + 14))  # starts over the last lane
        self.assertEqual(numbers[-3], 136)  # ends over the first ("... 136 19 V 30")
        self.assertEqual(loop_arrow(3)["width"], 3 * 272 + 2 * 14)

    def test_it_follows_the_phases(self):
        update_board(self.owner, self.board, ambassador_loop=True)
        create_phase(self.owner, self.board, "Ambassador", segment="customer")
        path = arrow_path(self.client.get(self.board_url()).content.decode())
        self.assertTrue(path.startswith(f"M {136 + 3 * (272 + 14)} "))

    def test_no_arrow_below_two_phases(self):
        update_board(self.owner, self.board, ambassador_loop=True)
        for phase in self.phases[1:]:
            delete_phase(self.owner, phase)
        page = self.client.get(self.board_url()).content.decode()
        self.assertIsNone(arrow_path(page))
        self.assertIsNone(loop_arrow(1))
        self.assertIsNone(loop_arrow(0))


class LoopJsonTests(JsonTestCase):
    def test_the_flag_round_trips(self):
        board = self.import_ok({**small_document(), "ambassador_loop": True})
        self.assertTrue(board.ambassador_loop)
        self.assertIs(self.export(board).json()["ambassador_loop"], True)

    def test_files_without_the_flag_import_without_a_loop(self):
        document = small_document()
        document.pop("ambassador_loop", None)
        self.assertFalse(self.import_ok(document).ambassador_loop)

    def test_a_flag_that_is_not_true_or_false_is_refused(self):
        self.assert_refused({**small_document(), "ambassador_loop": "yes"}, "board.ambassador_loop: expected true or false")


class KpiJsonTests(JsonTestCase):
    def with_kpi(self, kpi):
        document = small_document()
        document["phases"][0]["kpi"] = kpi
        return document

    def test_bad_kpis_in_a_file_are_refused_with_their_path(self):
        cases = [
            ({"name": "Conversion", "value": "3,2"}, "phases[0].kpi.value: expected a number or null"),
            ({"name": "Conversion", "target": 4}, "phases[0].kpi.value: A target needs a current value."),
            ({"value": 4}, "phases[0].kpi.name: Give the KPI a name"),
            ({"name": "k" * 61, "value": 1}, "phases[0].kpi.name: Ensure this value has at most 60 characters"),
            ({"name": "Churn", "value": 1, "lower_is_better": "no"}, "phases[0].kpi.lower_is_better: expected true or false"),
            ("Conversion", "phases[0].kpi: expected an object"),
        ]
        for kpi, message in cases:
            with self.subTest(kpi=kpi):
                self.assert_refused(self.with_kpi(kpi), message)
