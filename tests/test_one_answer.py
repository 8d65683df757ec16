"""A change made over HTTP is answered with exactly what the broadcast sends every other
page with the same role and language (journeyboard/boards/views/answers.py): one
rendering per change, wherever it is shown."""

from unittest import mock

import pytest
from django.conf import settings
from django.test import Client

from journeyboard.boards import fragments
from journeyboard.boards.cards import create_card
from journeyboard.boards.fragments import render_change
from journeyboard.boards.lifecycle import create_board
from journeyboard.boards.models import BoardEvent, Role
from journeyboard.realtime import languages

from .base import HTMX, BoardChangeTestCase, make_user


class OneAnswerTests(BoardChangeTestCase):
    def assertAnswersAsBroadcast(self, url, data, kind, role=Role.EDITOR, language="en"):
        response = self.client.post(self.board_url(url), data, **HTMX, HTTP_ACCEPT_LANGUAGE=language)
        self.assertEqual(response.status_code, 200, response.content)
        event = BoardEvent.objects.filter(board=self.board).latest("revision")
        self.assertEqual(event.kind, kind)
        broadcast = render_change(event, [language])[language][role]
        self.assertEqual(response.content.decode(), broadcast)
        # Everything in it is out of band: htmx swaps nothing else.
        self.assertEqual(response.headers["HX-Reswap"], "none")
        self.assertIn(f'data-revision="{event.revision}"', broadcast)
        return response.content.decode()

    def test_card_changes(self):
        html = self.assertAnswersAsBroadcast(f"phases/{self.phase.pk}/cards/", {"title": "Chat"}, "card.created")
        new = self.phase.cards.get(title="Chat")
        self.assertIn(f'id="card-{new.pk}"', html)
        self.assertAnswersAsBroadcast(f"cards/{new.pk}/", {"title": "Live chat", "channel": "chat_email"}, "card.updated")
        html = self.assertAnswersAsBroadcast(
            f"cards/{new.pk}/move/", {"phase": self.phases[1].pk, "position": 0}, "card.moved"
        )
        self.assertIn(f'<div id="cards-{self.phases[1].pk}" hx-swap-oob="innerHTML">', html)
        html = self.assertAnswersAsBroadcast(f"cards/{new.pk}/delete/", {}, "card.deleted")
        self.assertIn(f'hx-swap-oob="delete:#card-{new.pk}"', html)

    def test_phase_changes(self):
        self.assertAnswersAsBroadcast("phases/", {"name": "Loyalty", "segment": "customer"}, "phase.created")
        self.assertAnswersAsBroadcast(f"phases/{self.phase.pk}/", {"name": "Orientation"}, "phase.updated")
        self.assertAnswersAsBroadcast(f"phases/{self.phase.pk}/move/", {"position": 2}, "phase.moved")
        self.assertAnswersAsBroadcast(f"phases/{self.phase.pk}/delete/", {}, "phase.deleted")

    def test_board_settings(self):
        self.assertAnswersAsBroadcast("edit/", {"title": "Webshop journey 2"}, "board.updated")

    def test_in_the_readers_language(self):
        other = [code for code, _name in settings.LANGUAGES if code != "en"][0]
        html = self.assertAnswersAsBroadcast(f"cards/{self.card.pk}/", {"title": "Advert"}, "card.updated", language=other)
        event = BoardEvent.objects.filter(board=self.board).latest("revision")
        self.assertNotEqual(html, render_change(event, ["en"])["en"][Role.EDITOR])  # its channel's label, translated

    def test_the_owner_gets_the_editors_copy_of_a_card(self):
        self.login(self.owner)
        self.assertAnswersAsBroadcast(f"cards/{self.card.pk}/", {"title": "Advert"}, "card.updated", role=Role.EDITOR)



@pytest.mark.django_db(transaction=True)
def test_the_answer_takes_the_broadcasts_rendering():
    # The broadcast renders a change right after its commit, before the request answers: the
    # answer reuses that copy instead of reading and rendering the change again.
    owner = make_user("olivia")
    board = create_board(owner, "Webshop journey", template="buyer", language="en")
    card = create_card(owner, board.phases.order_by("position").first(), title="Instagram ad")
    client = Client()
    client.force_login(owner)
    languages.opened(board.pk, "en")  # a page open on the board, as in a workshop
    prepared = mock.Mock(wraps=fragments._prepared)
    try:
        with mock.patch.object(fragments, "_prepared", prepared):
            response = client.post(f"/boards/{board.pk}/cards/{card.pk}/", {"title": "Advert"}, **HTMX)
    finally:
        languages.closed(board.pk, "en")
    assert response.status_code == 200
    assert prepared.call_count == 1
    event = BoardEvent.objects.filter(board=board).latest("revision")
    assert response.content.decode() == render_change(event, ["en"])["en"][Role.EDITOR]
