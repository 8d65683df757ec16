"""Two people in two browsers on one board: every change, presence and cursor, live."""

import json
from functools import partial

import pytest
from channels.testing.live import make_application, set_database_connection

from journeyboard.boards.cards import create_card
from journeyboard.boards.models import Card
from tests.browsing import LIVE, TwoPeopleTestCase

pytestmark = pytest.mark.browser

from playwright.sync_api import expect  # noqa: E402


class LiveChangesTests(TwoPeopleTestCase):
    def test_cards_added_edited_moved_and_deleted_by_one_appear_for_the_other(self):
        anna, bert = self.both()
        first, third = self.phases[0], self.phases[2]

        anna.fill(f"#add-card-title-{first.pk}", "Newsletter signup")
        anna.press(f"#add-card-title-{first.pk}", "Enter")
        on_bert = bert.locator(f"#cards-{first.pk} .card", has_text="Newsletter signup")
        expect(on_bert).to_be_visible(timeout=LIVE)
        expect(bert.locator(f"#count-{first.pk}")).to_have_text("1", timeout=LIVE)
        # Exactly once, also on Anna's own page (her change is not echoed back to her).
        expect(anna.locator(".card", has_text="Newsletter signup")).to_have_count(1)
        card = Card.objects.get(title="Newsletter signup")

        anna.locator(f"#card-{card.pk}").click()
        expect(bert.locator(f"#card-{card.pk} .editing-by")).to_contain_text("anna", timeout=LIVE)
        form = anna.locator(f"form#card-{card.pk}")
        form.locator("input[name=title]").fill("Newsletter signup form")
        form.locator("label.pick-kind.kind-pain").click()
        form.locator("input[name=title]").press("Enter")
        expect(bert.locator(f"#card-{card.pk} .card-title")).to_have_text("Newsletter signup form", timeout=LIVE)
        expect(bert.locator(f"#card-{card.pk}")).to_have_class("card kind-pain", timeout=LIVE)
        expect(bert.locator(f"#card-{card.pk} .editing-by")).to_have_count(0, timeout=LIVE)

        self.drag(anna.locator(f"#card-{card.pk}"), anna.locator(f"#cards-{third.pk}"))
        expect(bert.locator(f"#cards-{third.pk} #card-{card.pk}")).to_be_visible(timeout=LIVE)
        expect(bert.locator(f"#cards-{first.pk} #card-{card.pk}")).to_have_count(0)
        expect(bert.locator(f"#count-{third.pk}")).to_have_text("1", timeout=LIVE)

        anna.locator(f"#card-{card.pk}").click()
        anna.locator(f"form#card-{card.pk} button", has_text="Delete").click()
        expect(bert.locator(f"#card-{card.pk}")).to_have_count(0, timeout=LIVE)
        expect(anna.locator(f"#card-{card.pk}")).to_have_count(0)

    def test_presence_and_cursor(self):
        anna, bert = self.both()
        expect(anna.locator(f'#presence .presence-other[data-user="{self.bert.pk}"]')).to_be_visible(timeout=LIVE)
        expect(bert.locator(f'#presence .presence-other[data-user="{self.user.pk}"]')).to_be_visible(timeout=LIVE)

        # A second tab of Bert's still shows him once.
        bert_again = self.open_board(self.other_context.new_page(), "bert", sign_in=False)
        expect(anna.locator(".presence-other")).to_have_count(1)

        lane = anna.locator(f"#phase-{self.phases[1].pk}")
        box = lane.bounding_box()
        anna.mouse.move(box["x"] + 40, box["y"] + 60)
        anna.mouse.move(box["x"] + 50, box["y"] + 70, steps=3)
        cursor = bert.locator(f'#cursors .cursor[data-user="{self.user.pk}"]')
        expect(cursor).to_be_visible(timeout=LIVE)
        expect(cursor).to_contain_text("anna")
        # Positioned on the board content: it sits over the same lane on Bert's screen.
        lane_on_bert = bert.locator(f"#phase-{self.phases[1].pk}").bounding_box()
        point = cursor.bounding_box()
        self.assertTrue(lane_on_bert["x"] <= point["x"] <= lane_on_bert["x"] + lane_on_bert["width"], (point, lane_on_bert))

        bert_again.close()
        bert.close()
        expect(anna.locator(".presence-other")).to_have_count(0, timeout=LIVE)

    def test_a_page_opened_later_shows_everyone_and_what_they_edit_from_one_roster(self):
        card = create_card(self.user, self.phases[0], title="Store locator")
        anna, bert = self.both()
        anna.locator(f"#card-{card.pk}").click()
        # Once Bert sees it, the server knows Anna is editing.
        expect(bert.locator(f"#card-{card.pk} .editing-by")).to_contain_text("anna", timeout=LIVE)

        frames = []
        later = self.other_context.new_page()
        later.on("websocket", lambda socket: socket.on("framereceived", lambda frame: frames.append(frame)))
        self.open_board(later, "bert", sign_in=False)
        expect(later.locator(f'#presence .presence-other[data-user="{self.user.pk}"]')).to_be_visible(timeout=LIVE)
        expect(later.locator(f"#card-{card.pk} .editing-by")).to_contain_text("anna", timeout=LIVE)
        presence = [frame for frame in map(json.loads, filter(lambda f: f.startswith("{"), frames)) if frame["type"] == "presence"]
        self.assertEqual(presence[0]["action"], "roster")  # everyone at once, Bert's first tab too
        self.assertEqual(sorted(person["name"] for person in presence[0]["people"]), ["anna", "bert"])

        # Anna's page learns of the new tab (Bert is still shown once) and of it closing.
        later.close()
        bert.close()
        expect(anna.locator(".presence-other")).to_have_count(0, timeout=LIVE)


class LiveCurveTests(TwoPeopleTestCase):
    def test_an_emotion_changed_in_one_browser_moves_the_curve_in_the_other(self):
        card = create_card(self.user, self.phases[1], title="Comparison site", emotion=-2)
        anna, bert = self.both()
        point = bert.locator(f'#emotion-curve .curve-point[data-phase="{self.phases[1].pk}"] .curve-dot')
        low = float(point.get_attribute("cy"))

        anna.locator(f"#card-{card.pk}").click()
        anna.locator(f"form#card-{card.pk} label.pick[title='Very positive']").click()
        anna.locator(f"form#card-{card.pk} input[name=title]").press("Enter")

        expect(point).not_to_have_attribute("cy", str(low), timeout=LIVE)
        self.assertLess(float(point.get_attribute("cy")), low)  # higher on the screen
        expect(bert.locator(f'#emotion-curve .curve-point[data-phase="{self.phases[1].pk}"]')).to_have_attribute(
            "data-average", "2.0"
        )


class LiveJourneyDepthTests(TwoPeopleTestCase):
    def test_a_kpi_and_the_loop_set_in_one_browser_appear_in_the_other(self):
        anna, bert = self.both()
        phase = self.phases[2]
        anna.locator(f"#kpi-{phase.pk} > summary").click()
        editor = anna.locator(f"#kpi-{phase.pk} form")
        editor.locator("input[name=kpi_name]").fill("Conversion")
        editor.locator("input[name=kpi_value]").fill("3,2")
        editor.locator("input[name=kpi_target]").fill("4")
        editor.locator("input[name=kpi_unit]").fill("%")
        editor.locator("button[type=submit]").click()

        chip = bert.locator(f"#kpi-{phase.pk}")
        expect(chip).to_contain_text("Conversion", timeout=LIVE)
        expect(chip.locator(".kpi-value")).to_have_text("3.2\u00a0%")
        expect(bert.locator(f"#kpi-{phase.pk} > summary")).to_have_class("kpi kpi-off")
        expect(anna.locator(f"#kpi-{phase.pk} > summary")).to_have_class("kpi kpi-off")

        expect(bert.locator("#loop .loop-path")).to_have_count(0)
        anna.locator("#loop-toggle label").click()
        expect(bert.locator("#loop .loop-path")).to_have_count(1, timeout=LIVE)
        expect(bert.locator("#loop-toggle input[type=checkbox]")).to_be_checked()
        expect(anna.locator("#loop .loop-path")).to_have_count(1)


class ReconnectTests(TwoPeopleTestCase):
    def stop_server(self):
        cls = type(self)
        cls._server_process.terminate()
        cls._server_process.join()

    def start_server(self):
        """Start daphne again on the same port, as a restarted server would be."""
        cls = type(self)
        process = cls.ProtocolServerProcess(
            cls.host,
            partial(make_application, static_wrapper=cls.static_wrapper),
            setup=set_database_connection,
            port=cls._port,
        )
        process.start()
        self.assertTrue(process.ready.wait(10), "daphne did not come back")
        cls._server_process = process

    def test_after_a_restart_the_page_reconnects_and_shows_what_it_missed(self):
        page = self.open_board(self.page, "anna")
        self.stop_server()
        create_card(self.bert, self.phases[1], title="Made while you were away")
        self.start_server()
        expect(page.locator("#connection")).to_have_attribute("data-state", "live", timeout=15_000)
        expect(page.locator(f"#cards-{self.phases[1].pk} .card", has_text="Made while you were away")).to_be_visible(
            timeout=LIVE
        )

    def test_a_change_made_while_offline_is_not_pretended_to_be_saved(self):
        card = create_card(self.user, self.phases[0], title="Stays where it was")
        page = self.open_board(self.page, "anna")
        self.stop_server()
        expect(page.locator("#connection")).to_have_attribute("data-state", "reconnecting")
        self.drag(page.locator(f"#card-{card.pk}"), page.locator(f"#cards-{self.phases[2].pk}"))
        expect(page.locator(".toast-error")).to_contain_text("not saved")
        self.start_server()
        expect(page.locator("#connection")).to_have_attribute("data-state", "live", timeout=15_000)
        # Back where the server has it: the failed move was undone on the page.
        expect(page.locator(f"#cards-{self.phases[0].pk} #card-{card.pk}")).to_be_visible(timeout=LIVE)
        expect(page.locator(f"#cards-{self.phases[2].pk} #card-{card.pk}")).to_have_count(0)
        card.refresh_from_db()
        self.assertEqual(card.phase_id, self.phases[0].pk)
