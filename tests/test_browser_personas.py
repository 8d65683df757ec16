"""The personas side panel in two real browsers: a persona added by one person appears for
the other, without wiping out the persona the other is editing meanwhile, and the panel
stays open or closed as each person left it."""

import pytest

from journeyboard.boards.models import Persona
from journeyboard.boards.personas import create_persona
from tests import browsing as live

pytestmark = pytest.mark.browser

from playwright.sync_api import expect  # noqa: E402


class PersonaPanelTests(live.TwoPeopleTestCase):
    def test_a_persona_added_by_one_appears_for_the_other_after_their_edit(self):
        sanne = create_persona(self.user, self.board, name="Sanne", role="Commuter, 34")
        anna, bert = self.both()
        # A board with personas opens with its panel.
        expect(bert.locator(f"#persona-{sanne.pk}")).to_contain_text("Commuter, 34")

        bert.locator(f"#persona-{sanne.pk}").click()
        # The editor opens with the name focused; type elsewhere only once it has.
        expect(bert.locator(f"form#persona-{sanne.pk} input[name=name]")).to_be_focused()
        quote = bert.locator(f"form#persona-{sanne.pk} input[name=quote]")
        quote.fill("Half-typed")

        anna.fill("#add-persona-name", "Ümit")
        anna.press("#add-persona-name", "Enter")
        expect(anna.locator("article.persona")).to_have_count(2)
        expect(anna.locator("#add-persona-name")).to_be_focused()  # ready for the next one
        # Bert sees the count at once, but his editor and what he typed stay...
        expect(bert.locator("#persona-count")).to_have_text("2", timeout=live.LIVE)
        expect(quote).to_have_value("Half-typed")
        # ...and once he saves, the panel catches up with Anna's persona.
        quote.press("Enter")
        expect(bert.locator(f"article#persona-{sanne.pk}")).to_contain_text("“Half-typed”")
        expect(bert.locator("article.persona", has_text="Ümit")).to_be_visible(timeout=live.LIVE)
        expect(anna.locator(f"#persona-{sanne.pk}")).to_contain_text("“Half-typed”", timeout=live.LIVE)
        self.assertEqual(Persona.objects.get(pk=sanne.pk).quote, "Half-typed")

    def test_the_panel_stays_as_each_person_left_it(self):
        create_persona(self.user, self.board, name="Sanne")
        anna = self.open_board(self.page, "anna")
        panel = anna.locator("#persona-side")
        expect(panel).to_be_visible()
        anna.locator(".personas-toggle").click()
        expect(panel).to_be_hidden()
        expect(anna.locator(".personas-toggle")).to_have_attribute("aria-expanded", "false")
        anna.reload()
        expect(anna.locator("#connection")).to_have_attribute("data-state", "live")
        expect(panel).to_be_hidden()
        anna.locator(".personas-toggle").click()
        expect(panel).to_be_visible()
