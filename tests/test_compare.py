"""Comparing two states of a journey (boards/compare.py): phases matched by name then
position, cards by title, what was added, removed, moved and edited, and the counts."""

import copy

from django.test import SimpleTestCase

from journeyboard.boards.compare import compare, match_by_name


def card(title, **fields):
    return {"title": title, "note": "", "channel": "", "emotion": None, "kind": "touchpoint", "row": 0, **fields}


def phase(name, *cards, kpi=None):
    return {"name": name, "segment": "buyer", "color": "#4f7cff", "kpi": kpi, "cards": list(cards)}


def board(*phases, rows=("",)):
    return {"format": "journeyboard/2", "title": "Webshop", "rows": [{"name": name} for name in rows], "phases": list(phases)}


def statuses(comparison):
    """{title: (added, removed, moved, edited)} of every card."""
    return {
        (change.b or change.a).title: (change.added, change.removed, change.moved, change.edited)
        for change in comparison.cards
    }


BEFORE = board(
    phase("Awareness", card("Sees an ad", emotion=1), card("Asks a friend", kind="pain", emotion=-1)),
    phase("Purchase", card("Pays", kind="pain", emotion=-2, channel="website"), card("Gets a receipt")),
)


class PhaseMatchingTests(SimpleTestCase):
    def test_the_same_name_wins_over_the_same_position(self):
        self.assertEqual(match_by_name(["Awareness", "Purchase"], ["Purchase", "Awareness"]), {0: 1, 1: 0})

    def test_names_match_whatever_their_case_and_spacing(self):
        self.assertEqual(match_by_name(["  Sign  up"], ["sign up"]), {0: 0})

    def test_leftovers_match_by_position(self):
        self.assertEqual(match_by_name(["Awareness", "Buy", "Use"], ["Awareness", "Purchase", "Use"]), {0: 0, 2: 2, 1: 1})

    def test_a_phase_past_the_other_sides_end_is_unmatched(self):
        self.assertEqual(match_by_name(["A", "B", "C"], ["A"]), {0: 0})

    def test_repeated_names_pair_in_order(self):
        self.assertEqual(match_by_name(["Use", "Use"], ["Use", "Use", "Use"]), {0: 0, 1: 1})

    def test_a_renamed_phase_keeps_its_cards(self):
        after = copy.deepcopy(BEFORE)
        after["phases"][1]["name"] = "Checkout"
        result = compare(BEFORE, after)
        self.assertEqual([(p.name_a, p.name_b, p.renamed) for p in result.phases],
                         [("Awareness", "Awareness", False), ("Purchase", "Checkout", True)])
        self.assertTrue(result.summary.unchanged)

    def test_a_removed_phase_stays_where_it_stood(self):
        after = board(BEFORE["phases"][1], phase("Loyalty"))
        result = compare(BEFORE, after)
        self.assertEqual([(p.a, p.b, p.name) for p in result.phases], [(0, None, "Awareness"), (1, 0, "Purchase"), (None, 1, "Loyalty")])
        self.assertEqual([c.a.title for c in result.phases[0].cards if c.removed], ["Sees an ad", "Asks a friend"])


class CardTests(SimpleTestCase):
    def test_the_same_board_has_no_changes(self):
        result = compare(BEFORE, copy.deepcopy(BEFORE))
        self.assertTrue(result.summary.unchanged)
        self.assertFalse(any(change.changed for change in result.cards))
        self.assertEqual(len(result.cards), 4)

    def test_added_and_removed(self):
        after = copy.deepcopy(BEFORE)
        after["phases"][0]["cards"].pop(1)
        after["phases"][1]["cards"].append(card("Gets a thank-you mail", kind="opportunity"))
        result = compare(BEFORE, after)
        found = statuses(result)
        self.assertEqual(found["Asks a friend"], (False, True, False, ()))
        self.assertEqual(found["Gets a thank-you mail"], (True, False, False, ()))
        self.assertEqual((result.summary.added, result.summary.removed), (1, 1))
        self.assertEqual((result.summary.pain_resolved, result.summary.opportunities_added), (1, 1))

    def test_edited_fields_are_named(self):
        after = copy.deepcopy(BEFORE)
        after["phases"][1]["cards"][0].update(note="One click now", kind="opportunity", emotion=1)
        change = next(c for c in compare(BEFORE, after).cards if c.b and c.b.title == "Pays")
        self.assertEqual(change.edited, ("note", "kind", "emotion"))
        self.assertFalse(change.moved)

    def test_a_pain_point_turned_into_something_else_is_resolved(self):
        after = copy.deepcopy(BEFORE)
        after["phases"][1]["cards"][0]["kind"] = "touchpoint"
        after["phases"][1]["cards"][1]["kind"] = "pain"
        summary = compare(BEFORE, after).summary
        self.assertEqual((summary.pain_resolved, summary.pain_new, summary.edited), (1, 1, 2))

    def test_titles_match_whatever_their_case_and_spacing(self):
        after = copy.deepcopy(BEFORE)
        after["phases"][0]["cards"][0]["title"] = "sees  an AD"
        change = compare(BEFORE, after).cards[0]
        self.assertEqual((change.added, change.edited), (False, ("title",)))

    def test_a_card_in_another_phase_moved(self):
        after = copy.deepcopy(BEFORE)
        after["phases"][1]["cards"].insert(0, after["phases"][0]["cards"].pop(0))
        result = compare(BEFORE, after)
        self.assertEqual(statuses(result)["Sees an ad"], (False, False, True, ()))
        # Only the card that moved: the others kept their order, wherever their index went.
        self.assertEqual(result.summary.moved, 1)
        self.assertEqual(result.phases[1].count("moved"), 1)

    def test_a_card_in_another_row_moved(self):
        before = board(phase("Buy", card("Pays", row=0)), rows=("Customer", "Backstage"))
        after = board(phase("Buy", card("Pays", row=1)), rows=("Customer", "Backstage"))
        self.assertTrue(compare(before, after).cards[0].moved)

    def test_rows_match_by_name_so_a_new_row_above_moves_nothing(self):
        before = board(phase("Buy", card("Pays", row=0)), rows=("Customer",))
        after = board(phase("Buy", card("Pays", row=1)), rows=("Front stage", "Customer"))
        self.assertFalse(compare(before, after).cards[0].moved)

    def test_order_within_a_cell_moves_only_the_card_taken_out_of_line(self):
        before = board(phase("Buy", *(card(t) for t in "ABCDE")))
        after = board(phase("Buy", *(card(t) for t in "BCDAE")))
        self.assertEqual([c.b.title for c in compare(before, after).cards if c.moved], ["A"])

    def test_a_card_added_above_moves_nothing(self):
        before = board(phase("Buy", card("A"), card("B")))
        after = board(phase("Buy", card("New"), card("A"), card("B")))
        self.assertEqual(compare(before, after).summary.moved, 0)

    def test_a_repeated_title_pairs_in_its_own_phase_first(self):
        before = board(phase("Browse", card("Waits")), phase("Pay", card("Waits", emotion=-2)))
        after = board(phase("Browse"), phase("Pay", card("Waits", emotion=-2)))
        result = compare(before, after)
        kept = next(c for c in result.cards if c.b)
        self.assertEqual((kept.a.phase, kept.moved, kept.edited), (1, False, ()))
        self.assertEqual([c.a.phase for c in result.cards if c.removed], [0])

    def test_a_retitled_card_in_its_place_is_edited(self):
        before = board(phase("Buy", card("Pays", kind="pain", channel="website", emotion=-2)))
        after = board(phase("Buy", card("Pays by card", kind="pain", channel="website", emotion=-1)))
        change = compare(before, after).cards
        self.assertEqual(len(change), 1)
        self.assertEqual(change[0].edited, ("title", "emotion"))

    def test_a_different_card_in_the_same_place_is_not_a_retitle(self):
        before = board(phase("Buy", card("Pays", kind="pain", channel="website", emotion=-2)))
        after = board(phase("Buy", card("Chats", kind="idea", channel="chat", emotion=-2)))
        summary = compare(before, after).summary
        self.assertEqual((summary.added, summary.removed, summary.edited), (1, 1, 0))

    def test_the_counts_of_a_reworked_journey(self):
        after = board(
            phase("Awareness", card("Sees an ad", emotion=2), card("Reads reviews", kind="opportunity", emotion=1)),
            phase("Purchase", card("Pays", kind="touchpoint", emotion=1, channel="website"), card("Gets a receipt")),
        )
        summary = compare(BEFORE, after).summary
        self.assertEqual(
            (summary.added, summary.removed, summary.moved, summary.edited, summary.pain_resolved, summary.pain_new, summary.opportunities_added),
            (1, 1, 0, 2, 2, 0, 1),
        )


class PhaseFiguresTests(SimpleTestCase):
    def test_average_emotion_of_each_side(self):
        after = copy.deepcopy(BEFORE)
        after["phases"][1]["cards"][0]["emotion"] = 2
        column = compare(BEFORE, after).phases[1]
        self.assertEqual((column.average_a, column.average_b), (-2, 2))
        self.assertIsNone(compare(board(phase("Empty")), board(phase("Empty"))).phases[0].average_a)

    def test_kpi_before_and_after(self):
        kpi = {"name": "Conversion", "value": 3.2, "target": 4, "unit": "%", "lower_is_better": False}
        before = board(phase("Buy", kpi=kpi), phase("Use"))
        after = board(phase("Buy", kpi={**kpi, "value": 4.5}), phase("Use", kpi={**kpi, "name": "Retention"}))
        buy, use = compare(before, after).phases
        self.assertTrue(buy.kpi_changed)
        self.assertAlmostEqual(buy.kpi_delta, 1.3)
        self.assertEqual((use.kpi_a, use.kpi_b.name, use.kpi_delta), (None, "Retention", None))
        same = compare(before, before).phases[0]
        self.assertFalse(same.kpi_changed)

    def test_a_kpi_renamed_has_no_delta(self):
        before = board(phase("Buy", kpi={"name": "Conversion", "value": 3, "unit": "%"}))
        after = board(phase("Buy", kpi={"name": "Sales", "value": 5, "unit": "%"}))
        self.assertIsNone(compare(before, after).phases[0].kpi_delta)


class OddDocumentTests(SimpleTestCase):
    def test_missing_and_odd_parts_read_as_absent(self):
        odd = {"phases": [{"name": 3, "cards": [{"title": None, "emotion": 9, "row": "x"}, "junk"]}, "junk"], "rows": None}
        result = compare(odd, {})
        self.assertEqual(len(result.phases), 1)
        self.assertEqual(result.summary.removed, 1)
        self.assertIsNone(result.cards[0].a.emotion)
        self.assertEqual(compare({}, {}).phases, [])

    def test_a_version_1_document_without_rows(self):
        before = {"format": "journeyboard/1", "phases": [phase("Buy", card("Pays"))]}
        for c in before["phases"][0]["cards"]:
            del c["row"]
        self.assertTrue(compare(before, board(phase("Buy", card("Pays")))).summary.unchanged)
