"""Personas on cards in two real browsers: one person tags a card in its editor, the other
sees the chip arrive live and filters the board by that persona; the curve's switch shows
a line per persona."""

import pytest

from journeyboard.boards.cards import create_card
from journeyboard.boards.personas import create_persona
from tests import browsing as live

pytestmark = pytest.mark.browser

from playwright.sync_api import expect  # noqa: E402


class CardPersonaTests(live.TwoPeopleTestCase):
    def test_a_card_tagged_in_the_editor_shows_live_and_filters_by_persona(self):
        sanne = create_persona(self.user, self.board, name="Sanne de Vries")
        create_persona(self.user, self.board, name="Jürgen")
        ad = create_card(self.user, self.phases[0], title="Instagram ad", emotion=1)
        flyer = create_card(self.user, self.phases[0], title="Flyer", emotion=-1)
        anna, bert = self.both()

        anna.locator(f"#card-{ad.pk}").click()
        editor = anna.locator(f"form#card-{ad.pk}")
        editor.locator("label.pick-persona", has_text="Sanne de Vries").click()
        expect(editor.get_by_role("checkbox", name="Sanne de Vries")).to_be_checked()
        editor.locator("button[type=submit]").click()
        chip = anna.locator(f"article#card-{ad.pk} .persona-chip")
        expect(chip).to_have_text("SV")
        expect(chip).to_have_accessible_name("Persona: Sanne de Vries")
        self.assertEqual(list(ad.personas.values_list("pk", flat=True)), [sanne.pk])

        # The other page gets the chip live, and only Sanne's card with her filter on.
        expect(bert.locator(f"article#card-{ad.pk} .persona-chip")).to_have_text("SV", timeout=live.LIVE)
        bert.locator("select[name=show-persona]").select_option(label="Sanne de Vries")
        expect(bert.locator(f"article#card-{flyer.pk}")).to_be_hidden()
        expect(bert.locator(f"article#card-{ad.pk}")).to_be_visible()

        # A card tagged meanwhile joins the filtered view; the filter survives the change.
        anna.locator(f"#card-{flyer.pk}").click()
        anna.locator(f"form#card-{flyer.pk} label.pick-persona", has_text="Sanne de Vries").click()
        anna.locator(f"form#card-{flyer.pk} button[type=submit]").click()
        expect(bert.locator(f"article#card-{flyer.pk}")).to_be_visible(timeout=live.LIVE)
        expect(bert.locator("select[name=show-persona]")).to_have_value(str(sanne.pk))

        # By keyboard: Jürgen (no cards) hides both, back up to Everyone shows them again.
        choice = bert.locator("select[name=show-persona]")
        choice.press("ArrowDown")
        expect(bert.locator(f"article#card-{ad.pk}")).to_be_hidden()
        choice.press("ArrowUp")
        choice.press("ArrowUp")
        expect(choice).to_have_value("")
        expect(bert.locator(f"article#card-{flyer.pk}")).to_be_visible()

        # The curve's switch shows Sanne's line and its key, on this page only.
        line = bert.locator(f'#emotion-curve .curve-persona[data-persona="{sanne.pk}"]')
        expect(line).to_be_hidden()
        bert.locator(".curve-persona-toggle").click()
        expect(line).to_be_visible()
        expect(bert.locator(".curve-persona-legend")).to_contain_text("Sanne de Vries")
        bert.locator("select[name=show-persona]").select_option(label="Sanne de Vries")
        expect(line).to_have_class("curve-persona is-shown")  # her line stands out while filtering
        expect(anna.locator(f'#emotion-curve .curve-persona[data-persona="{sanne.pk}"]')).to_be_hidden()
