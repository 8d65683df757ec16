"""Two people changing the same thing: no silent lost update, and no server error.

A card's edit form carries the version it was opened at (a hidden `version`, the card's
`updated_at`). Saving over a newer version is refused with 409 and the form again, now
showing what the card holds; the person makes their change again from there.

"Meanwhile" is the window between a view looking an object up and the service locking
the board: the services re-read what they change under the lock and answer `Gone` (a
404) when someone else deleted it in between. The tests open that window on purpose by
running the other person's deletion just before the view calls the service.
"""

import re
from unittest import mock

from django.test import Client

from journeyboard.boards import cards as card_services
from journeyboard.boards.cards import card_version, delete_card, move_card, update_card
from journeyboard.boards.models import BoardEvent, Card
from journeyboard.boards.phases import delete_phase
from journeyboard.boards.views import cards as card_views
from journeyboard.realtime.origin import REVISION_HEADER
from tests.base import HTMX, BoardChangeTestCase, board_state

CONFLICT = "Someone else changed this card while you were editing it."
GONE = "Someone else deleted this meanwhile."
VERSION = re.compile(r'<input type="hidden" name="version" value="([^"]*)">')


def version_in(response):
    """The version an edit form was rendered with, as the browser posts it back."""
    found = VERSION.findall(response.content.decode())
    assert len(found) == 1, response.content.decode()
    return found[0]


class EditConflictTests(BoardChangeTestCase):
    def open_editor(self, client=None):
        response = (client or self.client).get(self.board_url(f"cards/{self.card.pk}/edit/"), **HTMX)
        self.assertContains(response, f'<form id="card-{self.card.pk}"')
        return version_in(response)

    def save(self, data, client=None):
        return (client or self.client).post(self.board_url(f"cards/{self.card.pk}/"), data, **HTMX)

    def someone_else_saves(self, **fields):
        return update_card(self.owner, self.card, **fields)

    def assertConflictForm(self, response, title):
        """409 with the edit form, showing the card as it is now and carrying its version."""
        card = Card.objects.get(pk=self.card.pk)
        self.assertContains(response, f'<form id="card-{card.pk}"', status_code=409)
        self.assertContains(response, CONFLICT, status_code=409)
        self.assertContains(response, f'name="title" value="{title}"', status_code=409)
        self.assertEqual(version_in(response), card_version(card))
        self.assertFalse(response.has_header(REVISION_HEADER))

    def test_the_form_carries_the_cards_version(self):
        self.assertEqual(self.open_editor(), card_version(Card.objects.get(pk=self.card.pk)))

    def test_saving_over_a_newer_version_is_refused_with_the_current_card(self):
        version = self.open_editor()
        self.someone_else_saves(title="Instagram reel", note="From the owner")
        before = board_state(self.board)

        response = self.save({"title": "Instagram story", "version": version})

        self.assertConflictForm(response, "Instagram reel")
        # The other fields are the current ones too, not what was posted or first opened.
        self.assertContains(response, "From the owner</textarea>", status_code=409)
        self.assertContains(response, '<option value="advertising" selected>', status_code=409)
        self.assertNotContains(response, "Instagram story", status_code=409)
        self.assertUnchanged(before)

    def test_saving_again_from_the_conflict_form_goes_through(self):
        stale = self.open_editor()
        self.someone_else_saves(title="Instagram reel")
        conflict = self.save({"title": "Instagram story", "version": stale})
        self.assertEqual(conflict.status_code, 409)
        before = board_state(self.board)

        response = self.save({"title": "Instagram story", "version": version_in(conflict)})

        self.assertContains(response, f'<article id="card-{self.card.pk}"')
        self.assertContains(response, "Instagram story")
        event = self.assertRecorded(before, "card.updated", card=self.card.pk)
        self.assertEqual((event.data["before"]["title"], event.data["after"]["title"]), ("Instagram reel", "Instagram story"))

    def test_saving_with_the_fresh_version_goes_through(self):
        version = self.open_editor()
        before = board_state(self.board)

        response = self.save({"title": "Instagram story", "version": version})

        self.assertContains(response, f'<article id="card-{self.card.pk}"')
        self.assertContains(response, "Instagram story")
        self.assertEqual(response[REVISION_HEADER], str(before["board"][2] + 1))
        self.assertRecorded(before, "card.updated", card=self.card.pk)
        self.assertEqual(Card.objects.get(pk=self.card.pk).title, "Instagram story")

    def test_without_a_version_the_last_save_wins(self):
        # API clients may post just the fields they change; they opted out of the check.
        self.someone_else_saves(title="Instagram reel")
        for label, data in (("no version", {}), ("empty version", {"version": ""})):
            with self.subTest(label):
                before = board_state(self.board)
                response = self.save({"title": f"Instagram story ({label})", **data})
                self.assertContains(response, f"Instagram story ({label})")
                self.assertRecorded(before, "card.updated", card=self.card.pk)

    def test_two_editors_open_the_form_the_first_to_save_wins(self):
        owner = Client()
        owner.force_login(self.owner)
        mine, theirs = self.open_editor(), self.open_editor(owner)
        self.assertEqual(mine, theirs)
        before = board_state(self.board)

        first = self.save({"title": "Instagram story", "version": mine})
        second = self.save({"title": "Instagram reel", "version": theirs}, client=owner)

        self.assertContains(first, "Instagram story")
        self.assertConflictForm(second, "Instagram story")
        self.assertRecorded(before, "card.updated", card=self.card.pk)  # one change, the first
        self.assertEqual(Card.objects.get(pk=self.card.pk).title, "Instagram story")

    def test_a_move_meanwhile_is_no_conflict_and_stays(self):
        # A move changes neither the fields of the form nor the card's version; the save
        # writes only the form's fields, so the card stays where it was moved.
        version = self.open_editor()
        move_card(self.owner, self.card, self.phases[1], 0)

        response = self.save({"title": "Instagram story", "version": version})

        self.assertContains(response, "Instagram story")
        card = Card.objects.get(pk=self.card.pk)
        self.assertEqual((card.title, card.phase_id, card.position), ("Instagram story", self.phases[1].pk, 0))


class DeletedMeanwhileTests(BoardChangeTestCase):
    def setUp(self):
        super().setUp()
        self.target = self.phases[1]
        self.left_behind = None

    def meanwhile(self, service, other_change):
        """Patch the view's `service` so that `other_change` commits between the view's
        lookups and the service taking the board's lock; remember the board just after."""
        real = getattr(card_views, service)

        def late(*args, **kwargs):
            other_change()
            self.left_behind = board_state(self.board)
            return real(*args, **kwargs)

        return mock.patch.object(card_views, service, late)

    def delete_the_card(self):
        delete_card(self.owner, self.card)

    def delete_the_target(self):
        delete_phase(self.owner, self.target)

    def assertGone(self, response):
        self.assertRefusedWithText(response, 404, GONE)
        self.assertUnchanged(self.left_behind)

    def test_editing_a_card_deleted_meanwhile(self):
        version = card_version(self.card)
        with self.meanwhile("update_card", self.delete_the_card):
            response = self.post(f"cards/{self.card.pk}/", {"title": "Instagram story", "version": version})
        self.assertGone(response)

    def test_editing_a_card_deleted_before_the_request(self):
        self.delete_the_card()
        before = board_state(self.board)
        response = self.post(f"cards/{self.card.pk}/", {"title": "Instagram story"})
        self.assertRefusedWithText(response, 404, "No Card matches the given query.")
        self.assertUnchanged(before)

    def test_a_page_without_htmx_gets_the_error_page(self):
        with self.meanwhile("update_card", self.delete_the_card):
            response = self.post(f"cards/{self.card.pk}/", {"title": "Instagram story"}, htmx=False)
        self.assertContains(response, GONE, status_code=404)
        self.assertContains(response, "<html", status_code=404)
        self.assertUnchanged(self.left_behind)

    def test_moving_a_card_into_a_phase_deleted_meanwhile(self):
        with self.meanwhile("move_card", self.delete_the_target):
            response = self.post(f"cards/{self.card.pk}/move/", {"phase": self.target.pk, "position": 0})
        self.assertGone(response)
        self.assertEqual(Card.objects.get(pk=self.card.pk).phase, self.phase)

    def test_moving_a_card_deleted_meanwhile(self):
        with self.meanwhile("move_card", self.delete_the_card):
            response = self.post(f"cards/{self.card.pk}/move/", {"phase": self.target.pk, "position": 0})
        self.assertGone(response)

    def test_creating_a_card_in_a_phase_deleted_meanwhile(self):
        with self.meanwhile("create_card", self.delete_the_target):
            response = self.post(f"phases/{self.target.pk}/cards/", {"title": "Delivery SMS"})
        self.assertGone(response)
        self.assertFalse(Card.objects.filter(title="Delivery SMS").exists())

    def test_creating_a_card_in_a_phase_deleted_before_the_request(self):
        self.delete_the_target()
        before = board_state(self.board)
        response = self.post(f"phases/{self.target.pk}/cards/", {"title": "Delivery SMS"})
        self.assertRefusedWithText(response, 404, "No Phase matches the given query.")
        self.assertUnchanged(before)

    def test_the_window_is_real(self):
        # The patched views must still call the real services, or the tests above would
        # prove nothing about them: a change with nothing deleted goes through.
        with self.meanwhile("create_card", lambda: None):
            response = self.post(f"phases/{self.target.pk}/cards/", {"title": "Delivery SMS"})
        self.assertContains(response, "Delivery SMS")
        self.assertEqual(BoardEvent.objects.filter(board=self.board).last().kind, "card.created")
        self.assertIs(card_views.create_card, card_services.create_card)
