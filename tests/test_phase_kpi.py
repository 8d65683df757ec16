"""A KPI per phase: set, shown at the lane head coloured on/off target, refused when it
makes no sense, removed; live for others; part of the JSON format."""

from decimal import Decimal

from django.utils import translation

from journeyboard.boards.models import Phase
from journeyboard.boards.numbers import kpi_number
from journeyboard.boards.phases import update_phase
from journeyboard.boards.transfer import export_board
from tests.base import MISSING_ID, BoardChangeTestCase, board_state

CONVERSION = {"kpi_name": "Conversion", "kpi_value": "3,2", "kpi_target": "4", "kpi_unit": "%"}


class KpiTestCase(BoardChangeTestCase):
    def kpi_url(self, phase=None):
        return f"phases/{(phase or self.phase).pk}/kpi/"

    def kpi(self, phase=None):
        phase = Phase.objects.get(pk=(phase or self.phase).pk)
        return (phase.kpi_name, phase.kpi_value, phase.kpi_target, phase.kpi_unit, phase.kpi_lower_is_better)


class SetKpiTests(KpiTestCase):
    def test_a_dutch_decimal_is_stored_exactly_and_shown_off_target(self):
        before = board_state(self.board)
        response = self.post(self.kpi_url(), CONVERSION)
        self.assertEqual(response.status_code, 200)
        self.assertEqual(self.kpi(), ("Conversion", Decimal("3.2"), Decimal("4"), "%", False))
        # The lane comes back whole, its KPI chip red ("off") with the trimmed numbers.
        self.assertContains(response, f'<section id="phase-{self.phase.pk}"')
        self.assertContains(response, 'class="kpi kpi-off"')
        self.assertContains(response, '<strong class="kpi-value">3.2&nbsp;%</strong>')
        self.assertContains(response, "target 4&nbsp;%")
        event = self.assertRecorded(before, "phase.updated", phase=self.phase.pk)
        self.assertEqual(event.data["after"]["kpi_value"], "3.2")

    def test_on_target_and_lower_is_better(self):
        self.post(self.kpi_url(), {**CONVERSION, "kpi_value": "4.5"})
        self.assertContains(self.client.get(self.board_url()), 'class="kpi kpi-on"')
        # Churn: 6 % against a target of 5 % is off when lower is better, on otherwise.
        churn = {"kpi_name": "Churn", "kpi_value": "6", "kpi_target": "5", "kpi_unit": "%"}
        self.assertContains(self.post(self.kpi_url(), {**churn, "kpi_lower_is_better": "true"}), 'class="kpi kpi-off"')
        self.assertTrue(self.kpi()[4])
        # Unticked, the box is simply not posted: it must become false, not keep its value.
        self.assertContains(self.post(self.kpi_url(), churn), 'class="kpi kpi-on"')
        self.assertFalse(self.kpi()[4])

    def test_a_name_without_numbers_is_fine_and_neutral(self):
        response = self.post(self.kpi_url(), {"kpi_name": "NPS"})
        self.assertContains(response, 'class="kpi kpi-none"')
        self.assertEqual(self.kpi(), ("NPS", None, None, "", False))

    def test_all_empty_removes_the_kpi(self):
        self.post(self.kpi_url(), CONVERSION)
        response = self.post(self.kpi_url(), {"kpi_name": "", "kpi_value": "", "kpi_target": "", "kpi_unit": ""})
        self.assertEqual(response.status_code, 200)
        self.assertEqual(self.kpi(), ("", None, None, "", False))
        self.assertContains(response, "+ KPI")

    def test_viewers_see_the_kpi_but_no_editor(self):
        update_phase(self.owner, self.phase, kpi_name="Conversion", kpi_value=Decimal("5"), kpi_target=Decimal("4"))
        self.login(self.viewer)
        page = self.client.get(self.board_url()).content.decode()
        self.assertIn(f'<p id="kpi-{self.phase.pk}" class="kpi kpi-on">', page)
        self.assertNotIn("kpi-form", page)


class RefusedKpiTests(KpiTestCase):
    CASES = [
        ("value not a number", {**CONVERSION, "kpi_value": "lots"}, "Enter a number."),
        ("target not a number", {**CONVERSION, "kpi_target": "4%"}, "Enter a number."),
        ("target without a value", {**CONVERSION, "kpi_value": ""}, "A target needs a current value."),
        ("value without a name", {**CONVERSION, "kpi_name": ""}, "Give the KPI a name"),
        ("name too long", {**CONVERSION, "kpi_name": "k" * 61}, "at most 60 characters"),
        ("unit too long", {**CONVERSION, "kpi_unit": "u" * 13}, "at most 12 characters"),
        ("too many decimals", {**CONVERSION, "kpi_value": "3.14159"}, "no more than 4 decimal places"),
        ("not finite", {**CONVERSION, "kpi_value": "NaN"}, "Enter a number."),
    ]

    def test_bad_kpis_are_refused_with_a_message_and_change_nothing(self):
        self.post(self.kpi_url(), {"kpi_name": "Conversion", "kpi_value": "1"})
        for label, data, message in self.CASES:
            with self.subTest(label):
                before = board_state(self.board)
                response = self.post(self.kpi_url(), data)
                self.assertContains(response, message, status_code=422)
                # The editor stays open with what was typed, so nothing is lost.
                self.assertContains(response, f'<details id="kpi-{self.phase.pk}" class="kpi-editor" open>', status_code=422)
                self.assertUnchanged(before)

    def test_another_boards_phase_and_missing_phases_are_not_found(self):
        other_phase = self.other_board().phases.first()
        before = board_state(self.board)
        self.assertEqual(self.post(f"phases/{other_phase.pk}/kpi/", CONVERSION).status_code, 404)
        self.assertEqual(self.post(f"phases/{MISSING_ID}/kpi/", CONVERSION).status_code, 404)
        self.assertUnchanged(before)
        self.assertEqual(Phase.objects.get(pk=other_phase.pk).kpi_name, "")

    def test_viewer_gets_403_and_outsider_404(self):
        before = board_state(self.board)
        self.login(self.viewer)
        self.assertEqual(self.post(self.kpi_url(), CONVERSION).status_code, 403)
        self.login(self.outsider)
        self.assertEqual(self.post(self.kpi_url(), CONVERSION).status_code, 404)
        self.assertUnchanged(before)

    def test_the_editor_is_fetched_by_writers_only(self):
        update_phase(self.owner, self.phase, kpi_name="Conversion", kpi_value=Decimal("3.2"))
        # The page carries only a placeholder that loads the editor when it is opened.
        page = self.client.get(self.board_url()).content.decode()
        self.assertIn(f'hx-get="/boards/{self.board.pk}/phases/{self.phase.pk}/kpi/"', page)
        response = self.client.get(self.board_url(self.kpi_url()))
        self.assertContains(response, f'hx-post="/boards/{self.board.pk}/phases/{self.phase.pk}/kpi/"')
        self.assertContains(response, 'name="kpi_value" inputmode="decimal" class="input" value="3.2"')
        self.login(self.viewer)
        self.assertEqual(self.client.get(self.board_url(self.kpi_url())).status_code, 403)
        self.assertEqual(self.client.put(self.board_url(self.kpi_url())).status_code, 405)


class KpiFormatTests(KpiTestCase):
    def test_numbers_are_trimmed_and_use_the_languages_decimal_mark(self):
        cases = [("3.2000", "3.2", "3,2"), ("4.0000", "4", "4"), ("400", "400", "400"), ("-0.5", "-0.5", "-0,5")]
        for raw, english, dutch in cases:
            with translation.override("en"):
                self.assertEqual(kpi_number(Decimal(raw)), english)
            for language in ("nl", "de"):
                with translation.override(language):
                    self.assertEqual(kpi_number(Decimal(raw)), dutch)

    def test_the_json_document_carries_the_kpi_as_numbers(self):
        self.post(self.kpi_url(), {**CONVERSION, "kpi_lower_is_better": "true"})
        phases = export_board(self.board)["phases"]
        self.assertEqual(phases[0]["kpi"], {"name": "Conversion", "value": 3.2, "target": 4, "unit": "%", "lower_is_better": True})
        self.assertIsNone(phases[1]["kpi"])
