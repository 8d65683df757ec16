"""Listed cards are rendered once and kept (boards/card_cache.py): a page shows each card as
it is now, to each reader as they see it, whatever was kept from an earlier page."""

from unittest import mock

from journeyboard.boards import card_cache
from journeyboard.boards.cards import update_card
from journeyboard.boards.card_personas import set_card_personas
from journeyboard.boards.comments import add_comment
from journeyboard.boards.personas import create_persona, update_persona
from journeyboard.boards.voting import start_round
from tests.base import BaseTestCase


class CardCacheTests(BaseTestCase):
    def setUp(self):
        super().setUp()
        card_cache.clear()
        self.login(self.owner)

    def page(self, **headers):
        response = self.client.get(self.board_url(), **headers)
        self.assertEqual(response.status_code, 200)
        return response.content.decode()

    def card_html(self, page):
        start = page.index(f'<article id="card-{self.card.pk}"')
        return page[start:page.index("</article>", start)]

    def test_a_card_is_rendered_once_and_then_kept(self):
        with mock.patch.object(card_cache, "keep", wraps=card_cache.keep) as keep:
            first = self.page()
            kept_first = keep.call_count
            second = self.page()
        self.assertGreaterEqual(kept_first, 1)
        self.assertEqual(keep.call_count, kept_first)  # the second page rendered no card
        self.assertEqual(first.count("<article"), second.count("<article"))
        self.assertEqual(self.card_html(first), self.card_html(second))

    def test_a_changed_card_shows_its_change(self):
        self.page()
        update_card(self.owner, self.card, title="TikTok ad", note="Seen on the phone")
        html = self.card_html(self.page())
        self.assertIn("TikTok ad", html)
        self.assertIn("Seen on the phone", html)
        self.assertNotIn("Instagram ad", html)

    def test_comments_and_personas_on_a_card_show_as_they_are_now(self):
        persona = create_persona(self.owner, self.board, name="Sanne de Vries", color="#d65db1")
        set_card_personas(self.owner, self.card, [persona.pk])
        self.page()
        add_comment(self.owner, self.card, "Too pushy")
        update_persona(self.owner, persona, name="Jürgen", color="#12a4b8")
        html = self.card_html(self.page())
        self.assertIn('data-comments="%d"' % self.card.pk, html)
        self.assertIn("Persona: Jürgen", html)
        self.assertIn("--c: #12a4b8", html)
        self.assertNotIn("Sanne", html)

    def test_each_reader_gets_the_card_in_their_language_and_role(self):
        owner_page = self.card_html(self.page())
        dutch = self.card_html(self.page(HTTP_ACCEPT_LANGUAGE="nl"))
        self.login(self.viewer)
        viewer_page = self.card_html(self.page())
        self.assertIn("hx-get=", owner_page)
        self.assertNotIn("hx-get=", viewer_page)
        self.assertIn("Advertising", owner_page)
        self.assertIn("Advertentie / campagne", dutch)
        self.assertIn('title="Positief"', dutch)

    def test_during_a_voting_round_cards_are_rendered_with_their_badges(self):
        self.page()
        start_round(self.owner, self.board, votes_per_person=3)
        with mock.patch.object(card_cache, "keep", wraps=card_cache.keep) as keep:
            html = self.card_html(self.page())
        self.assertIn(f'id="vote-{self.card.pk}"', html)
        keep.assert_not_called()
