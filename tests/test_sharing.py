"""Share links, guests, facilitators and the board lock (journeyboard/boards/sharing.py).

The owner hands out links; whoever opens one joins, with their account or as a guest
with only a name. A link that is unknown or revoked grants nothing. Facilitators (the
owner, and members the owner promotes) lock the board for presenting: then nobody else
may change it, over HTTP (here) or the WebSocket (tests/test_lock_live.py).
"""

from django.contrib.auth import SESSION_KEY, get_user_model
from django.core.exceptions import ValidationError
from django.utils.html import escape

from journeyboard.boards.lifecycle import create_board, delete_board
from journeyboard.boards.models import Board, BoardEvent, Card, Guest, Membership, Role, ShareLink
from journeyboard.boards.sharing import create_link, join_as_guest, join_by_link, revoke_link, set_facilitator, set_locked
from journeyboard.boards.presence import person
from tests.base import HTMX, BaseTestCase, board_state

User = get_user_model()
INVALID = "This link is not valid (any more). Ask the board&#x27;s owner for a new one."
LOCKED = "The board is locked by the facilitator."


class SharingTestCase(BaseTestCase):
    def setUp(self):
        super().setUp()
        self.editor_link = create_link(self.owner, self.board, Role.EDITOR)
        self.viewer_link = create_link(self.owner, self.board, Role.VIEWER)

    def join_url(self, link):
        return f"/join/{link.token}/"

    def last_event(self):
        return BoardEvent.objects.filter(board=self.board).last()

    def role_of(self, user):
        membership = Membership.objects.filter(board=self.board, user=user).first()
        return membership and membership.role

    def world(self):
        """Everything a refused join must leave alone: the board and every account."""
        return board_state(self.board), list(User.objects.order_by("pk").values_list("pk", "username")), Guest.objects.count()

    def join_as_guest(self, link, name):
        self.client.logout()
        return self.client.post(self.join_url(link), {"display_name": name})

    def signed_in_user(self):
        return User.objects.get(pk=self.client.session[SESSION_KEY])


# === the owner's links ==================================================================


class ShareLinkTests(SharingTestCase):
    def test_owner_lists_links_with_their_addresses(self):
        self.login(self.owner)
        response = self.client.get(self.board_url("links/"), **HTMX)
        self.assertContains(response, '<section id="share-links"')
        for link in (self.editor_link, self.viewer_link):
            self.assertContains(response, f'data-copy-link="/join/{link.token}/"')
            self.assertContains(response, f"links/{link.pk}/revoke/")

    def test_owner_creates_a_link(self):
        self.login(self.owner)
        before = self.refresh_board().revision
        response = self.client.post(self.board_url("links/"), {"role": "viewer"}, **HTMX)
        link = ShareLink.objects.filter(board=self.board).latest("pk")
        self.assertEqual((link.role, link.created_by, link.revoked_at), ("viewer", self.owner, None))
        self.assertGreaterEqual(len(link.token), 40)  # unguessable: 32 random bytes
        self.assertContains(response, f"/join/{link.token}/")
        self.assertEqual(self.refresh_board().revision, before + 1)
        self.assertEqual((self.last_event().kind, self.last_event().data), ("link.created", {"link": link.pk, "role": "viewer"}))

    def test_links_are_all_different(self):
        tokens = {create_link(self.owner, self.board, Role.EDITOR).token for _ in range(5)}
        self.assertEqual(len(tokens), 5)

    def test_a_role_other_than_editor_or_viewer_is_refused(self):
        self.login(self.owner)
        for role in ("owner", "admin", ""):
            with self.subTest(role=role):
                before = self.world()
                response = self.client.post(self.board_url("links/"), {"role": role}, **HTMX)
                self.assertEqual(response.status_code, 422)
                self.assertContains(response, 'class="error"', status_code=422)
                self.assertEqual(self.world(), before)
                self.assertEqual(ShareLink.objects.count(), 2)

    def test_owner_revokes_a_link(self):
        self.login(self.owner)
        before = self.refresh_board().revision
        response = self.client.post(self.board_url(f"links/{self.editor_link.pk}/revoke/"), **HTMX)
        self.editor_link.refresh_from_db()
        self.assertIsNotNone(self.editor_link.revoked_at)
        self.assertContains(response, "Revoked")
        self.assertNotContains(response, f"links/{self.editor_link.pk}/revoke/")
        self.assertEqual(self.refresh_board().revision, before + 1)
        self.assertEqual(self.last_event().kind, "link.revoked")
        # Twice is no error, and no second change.
        self.client.post(self.board_url(f"links/{self.editor_link.pk}/revoke/"), **HTMX)
        self.assertEqual(self.refresh_board().revision, before + 1)

    def test_a_link_of_another_board_cannot_be_revoked_through_this_one(self):
        other = create_board(self.owner, "Other", template="blank")
        foreign = create_link(self.owner, other, Role.EDITOR)
        self.login(self.owner)
        response = self.client.post(self.board_url(f"links/{foreign.pk}/revoke/"), **HTMX)
        self.assertEqual(response.status_code, 404)
        foreign.refresh_from_db()
        self.assertIsNone(foreign.revoked_at)

    def test_only_the_owner_sees_or_changes_links(self):
        for user, status in ((self.editor, 403), (self.viewer, 403), (self.outsider, 404)):
            with self.subTest(user.username):
                self.login(user)
                before = self.world()
                self.assertEqual(self.client.get(self.board_url("links/"), **HTMX).status_code, status)
                self.assertEqual(self.client.post(self.board_url("links/"), {"role": "editor"}, **HTMX).status_code, status)
                revoke = self.client.post(self.board_url(f"links/{self.editor_link.pk}/revoke/"), **HTMX)
                self.assertEqual(revoke.status_code, status)
                self.assertEqual(self.world(), before)
                self.assertEqual(ShareLink.objects.filter(revoked_at__isnull=True).count(), 2)

    def test_tokens_never_reach_other_members(self):
        for user in (self.editor, self.viewer):
            with self.subTest(user.username):
                self.login(user)
                for url in ("", "members/"):
                    self.assertNotContains(self.client.get(self.board_url(url)), self.editor_link.token)

    def test_the_owners_board_page_has_the_links_section(self):
        self.login(self.owner)
        self.assertContains(self.client.get(self.board_url()), 'id="share-links"')
        self.login(self.editor)
        self.assertNotContains(self.client.get(self.board_url()), 'id="share-links"')


# === joining with an account ============================================================


class JoinSignedInTests(SharingTestCase):
    def test_the_page_asks_before_joining(self):
        self.login(self.outsider)
        before = self.world()
        response = self.client.get(self.join_url(self.editor_link))
        self.assertContains(response, "Join “Webshop journey”")
        self.assertContains(response, "as an editor")
        self.assertContains(response, "Join as otto")
        self.assertEqual(self.world(), before)  # looking changes nothing

    def test_joining_adds_a_membership_with_the_links_role(self):
        self.login(self.outsider)
        before = self.refresh_board().revision
        response = self.client.post(self.join_url(self.viewer_link))
        self.assertRedirects(response, self.board_url(), fetch_redirect_response=False)
        self.assertEqual(self.role_of(self.outsider), "viewer")
        self.assertEqual(self.refresh_board().revision, before + 1)
        event = self.last_event()
        self.assertEqual((event.kind, event.actor), ("member.added", self.outsider))
        self.assertEqual((event.data["user"], event.data["role"]), (self.outsider.pk, "viewer"))
        self.assertContains(self.client.get(self.board_url()), "Webshop journey")

    def test_a_member_keeps_the_higher_role(self):
        before = self.refresh_board().revision
        for user, link, role in (
            (self.editor, self.viewer_link, "editor"),  # never demoted by a link
            (self.owner, self.editor_link, "owner"),
            (self.viewer, self.viewer_link, "viewer"),
        ):
            with self.subTest(user.username):
                self.login(user)
                self.assertContains(self.client.get(self.join_url(link)), "You are already on this board.")
                self.assertRedirects(self.client.post(self.join_url(link)), self.board_url(), fetch_redirect_response=False)
                self.assertEqual(self.role_of(user), role)
        self.assertEqual(self.refresh_board().revision, before)

    def test_a_viewer_opening_an_editor_link_becomes_editor(self):
        self.login(self.viewer)
        self.client.post(self.join_url(self.editor_link))
        self.assertEqual(self.role_of(self.viewer), "editor")
        self.assertEqual((self.last_event().kind, self.last_event().data["role"]), ("member.added", "editor"))

    def test_sign_up_comes_back_to_the_join_page(self):
        path = self.join_url(self.editor_link)
        page = self.client.get(path)
        self.assertContains(page, f'href="/accounts/login/?next={path}"')
        self.assertContains(page, f'href="/accounts/signup/?next={path}"')
        form = {"username": "nina", "password1": "a-long-enough-password", "password2": "a-long-enough-password", "next": path}
        self.assertRedirects(self.client.post("/accounts/signup/", form), path, fetch_redirect_response=False)

    def test_sign_up_never_sends_anyone_to_another_site(self):
        form = {"username": "nina", "password1": "a-long-enough-password", "password2": "a-long-enough-password", "next": "https://evil.example/"}
        self.assertRedirects(self.client.post("/accounts/signup/", form), "/", fetch_redirect_response=False)


# === joining as a guest =================================================================


class JoinAsGuestTests(SharingTestCase):
    def test_a_newcomer_is_asked_for_a_name(self):
        response = self.client.get(self.join_url(self.editor_link))
        self.assertContains(response, "Your name")
        self.assertContains(response, 'name="display_name"')
        self.assertContains(response, 'maxlength="60"')

    def test_a_guest_joins_with_a_name_and_is_signed_in(self):
        before = self.refresh_board().revision
        response = self.join_as_guest(self.editor_link, "  Gerda  ")
        self.assertRedirects(response, self.board_url(), fetch_redirect_response=False)
        user = self.signed_in_user()
        self.assertTrue(user.username.startswith("guest-"))
        self.assertFalse(user.has_usable_password())
        self.assertEqual(user.first_name, "Gerda")
        guest = Guest.objects.get(user=user)
        self.assertEqual((guest.board, guest.display_name, guest.link), (self.board, "Gerda", self.editor_link))
        self.assertEqual(self.role_of(user), "editor")
        self.assertEqual(self.refresh_board().revision, before + 1)
        self.assertEqual((self.last_event().kind, self.last_event().actor), ("member.added", user))
        # The board is theirs to work on.
        self.assertContains(self.client.get(self.board_url()), f'id="add-card-{self.phase.pk}"')
        response = self.client.post(self.board_url(f"phases/{self.phase.pk}/cards/"), {"title": "From Gerda"}, **HTMX)
        self.assertEqual(response.status_code, 200)
        self.assertTrue(Card.objects.filter(title="From Gerda", author=user).exists())

    def test_a_viewer_link_makes_a_viewer_guest(self):
        self.join_as_guest(self.viewer_link, "Gerda")
        user = self.signed_in_user()
        self.assertEqual(self.role_of(user), "viewer")
        before = board_state(self.board)
        response = self.client.post(self.board_url(f"phases/{self.phase.pk}/cards/"), {"title": "Nope"}, **HTMX)
        self.assertEqual(response.status_code, 403)
        self.assertEqual(board_state(self.board), before)

    def test_a_bad_name_is_refused_and_nothing_is_made(self):
        cases = {
            "": "This field is required.",
            "   ": "This field is required.",
            "x" * 61: "Ensure this value has at most 60 characters (it has 61).",
        }
        for name, message in cases.items():
            with self.subTest(name=name):
                before = self.world()
                response = self.join_as_guest(self.editor_link, name)
                self.assertContains(response, message, status_code=422)
                self.assertContains(response, 'name="display_name"', status_code=422)
                self.assertEqual(self.world(), before)
                self.assertNotIn(SESSION_KEY, self.client.session)

    def test_sixty_characters_are_enough(self):
        self.join_as_guest(self.editor_link, "G" * 60)
        self.assertEqual(Guest.objects.get().display_name, "G" * 60)

    def test_the_service_checks_the_name_too(self):
        for name in ("", "x" * 61):
            with self.subTest(name=name), self.assertRaises(ValidationError):
                join_as_guest(self.editor_link.token, name)
        self.assertEqual(Guest.objects.count(), 0)

    def test_others_see_the_guests_name_not_the_account(self):
        self.join_as_guest(self.editor_link, "Gerda")
        user = self.signed_in_user()
        self.assertEqual(person(user)["name"], "Gerda")  # presence, cursors, editing badges
        self.login(self.viewer)
        members = self.client.get(self.board_url("members/"))
        self.assertContains(members, '<span class="member-name">Gerda</span>')
        self.assertContains(members, "Guest")
        self.assertNotContains(members, user.username)

    def test_guest_names_are_escaped(self):
        self.join_as_guest(self.editor_link, "<b>Gerda</b>")
        self.login(self.owner)
        members = self.client.get(self.board_url("members/"))
        self.assertContains(members, escape("<b>Gerda</b>"))
        self.assertNotContains(members, "<b>Gerda</b>")

    def test_members_panel_costs_the_same_with_guests(self):
        for name in ("Gerda", "Hans", "Ida"):
            join_as_guest(self.editor_link.token, name)
        self.login(self.viewer)
        self.client.get(self.board_url("members/"))
        # session, user, membership+board, memberships+users+guests
        with self.assertNumQueries(4):
            self.client.get(self.board_url("members/"))


# === links that grant nothing ===========================================================


class InvalidLinkTests(SharingTestCase):
    def assertInvalid(self, response):
        self.assertContains(response, INVALID, status_code=404)

    def test_an_unknown_link_is_a_clear_404(self):
        before = self.world()
        self.assertInvalid(self.client.get("/join/nothing-like-a-token/"))
        self.assertInvalid(self.client.post("/join/nothing-like-a-token/", {"display_name": "Gerda"}))
        self.login(self.outsider)
        self.assertInvalid(self.client.post("/join/nothing-like-a-token/"))
        self.assertEqual(self.world(), before)

    def test_a_revoked_link_grants_nothing(self):
        revoke_link(self.owner, self.editor_link)
        before = self.world()
        self.assertInvalid(self.client.get(self.join_url(self.editor_link)))
        self.assertInvalid(self.join_as_guest(self.editor_link, "Gerda"))
        self.login(self.outsider)
        self.assertInvalid(self.client.get(self.join_url(self.editor_link)))
        self.assertInvalid(self.client.post(self.join_url(self.editor_link)))
        self.assertEqual(self.world(), before)
        self.assertEqual(self.client.get(self.board_url()).status_code, 404)

    def test_revoking_keeps_those_who_joined(self):
        self.join_as_guest(self.editor_link, "Gerda")
        guest = self.signed_in_user()
        revoke_link(self.owner, self.editor_link)
        self.assertEqual(self.role_of(guest), "editor")
        self.assertEqual(self.client.get(self.board_url()).status_code, 200)

    def test_a_link_of_a_deleted_board_is_invalid(self):
        token = self.editor_link.token
        delete_board(self.owner, self.board)
        self.assertInvalid(self.client.get(f"/join/{token}/"))


# === what guests may not do =============================================================


class GuestLimitTests(SharingTestCase):
    def setUp(self):
        super().setUp()
        self.join_as_guest(self.editor_link, "Gerda")
        self.guest = self.signed_in_user()
        self.other = create_board(self.owner, "Secret journey", template="buyer")

    def test_the_board_list_sends_a_guest_to_their_board(self):
        self.assertRedirects(self.client.get("/"), self.board_url(), fetch_redirect_response=False)

    def test_a_guest_makes_no_boards(self):
        before = Board.objects.count()
        message = "Guests can only work on the board they were invited to."
        for url, data in (
            ("/boards/", {"title": "Mine", "template": "blank", "language": "en"}),
            ("/boards/import/", {}),
            (self.board_url("duplicate/"), {}),
        ):
            with self.subTest(url):
                response = self.client.post(url, data, **HTMX)
                self.assertEqual((response.status_code, response.content.decode()), (403, message))
        self.assertEqual(Board.objects.count(), before)

    def test_a_guest_sees_no_other_board(self):
        for url in (f"/boards/{self.other.pk}/", f"/boards/{self.other.pk}/export.json"):
            self.assertEqual(self.client.get(url).status_code, 404)

    def test_a_guest_account_cannot_be_added_to_another_board(self):
        self.login(self.owner)
        response = self.client.post(f"/boards/{self.other.pk}/members/", {"username": self.guest.username, "role": "editor"}, **HTMX)
        self.assertEqual(response.status_code, 422)
        self.assertFalse(Membership.objects.filter(board=self.other, user=self.guest).exists())

    def test_the_service_never_adds_a_guest_account_to_another_board(self):
        link = create_link(self.owner, self.other, Role.EDITOR)
        with self.assertRaises(ValidationError):
            join_by_link(self.guest, link.token)
        self.assertFalse(Membership.objects.filter(board=self.other, user=self.guest).exists())

    def test_a_guest_opening_another_boards_link_joins_as_a_new_guest(self):
        link = create_link(self.owner, self.other, Role.VIEWER)
        self.client.force_login(self.guest)
        page = self.client.get(self.join_url(link))
        self.assertContains(page, "You are a guest on another board.")
        self.assertContains(page, 'name="display_name"')
        # Without a name the old guest account is not added.
        response = self.client.post(self.join_url(link))
        self.assertEqual(response.status_code, 422)
        self.assertFalse(Membership.objects.filter(board=self.other, user=self.guest).exists())
        self.client.post(self.join_url(link), {"display_name": "Gerda"})
        newcomer = self.signed_in_user()
        self.assertNotEqual(newcomer, self.guest)
        self.assertEqual(Guest.objects.get(user=newcomer).board, self.other)
        self.assertFalse(Membership.objects.filter(board=self.other, user=self.guest).exists())

    def test_logging_out_ends_the_guest_session(self):
        self.client.post("/accounts/logout/")
        response = self.client.get(self.board_url())
        self.assertEqual(response.status_code, 302)
        self.assertTrue(response["Location"].startswith("/accounts/login/"))

    def test_deleting_the_board_deletes_its_guest_accounts(self):
        delete_board(self.owner, self.board)
        self.assertFalse(User.objects.filter(pk=self.guest.pk).exists())
        self.assertTrue(User.objects.filter(pk=self.editor.pk).exists())


# === facilitators =======================================================================


class FacilitatorTests(SharingTestCase):
    def promote(self, user, value="true", as_user=None):
        self.login(as_user or self.owner)
        return self.client.post(self.board_url(f"members/{user.pk}/facilitator/"), {"facilitator": ["false", value]}, **HTMX)

    def test_owner_promotes_and_demotes_a_member(self):
        before = self.refresh_board().revision
        response = self.promote(self.editor)
        self.assertTrue(Membership.objects.get(board=self.board, user=self.editor).facilitator)
        self.assertContains(response, f'members/{self.editor.pk}/facilitator/')
        self.assertEqual(self.last_event().data, {"user": self.editor.pk, "facilitator": True})
        self.assertEqual(self.last_event().kind, "member.facilitator")
        self.login(self.editor)
        self.assertContains(self.client.get(self.board_url()), 'id="lock-toggle"')
        self.promote(self.editor, "false")
        self.assertFalse(Membership.objects.get(board=self.board, user=self.editor).facilitator)
        self.assertEqual(self.refresh_board().revision, before + 2)
        self.login(self.editor)
        self.assertNotContains(self.client.get(self.board_url()), 'id="lock-toggle"')

    def test_only_the_owner_promotes(self):
        for user, status in ((self.editor, 403), (self.viewer, 403), (self.outsider, 404)):
            with self.subTest(user.username):
                before = self.world()
                self.assertEqual(self.promote(self.editor, as_user=user).status_code, status)
                self.assertEqual(self.world(), before)
                self.assertFalse(Membership.objects.get(board=self.board, user=self.editor).facilitator)

    def test_bad_promotions_are_refused(self):
        before = self.world()
        self.assertContains(self.promote(self.owner), "The owner is always a facilitator.", status_code=422)
        self.assertContains(self.promote(self.outsider), "That user is not a member of this board.", status_code=422)
        self.login(self.owner)
        junk = self.client.post(self.board_url(f"members/{self.editor.pk}/facilitator/"), {"facilitator": "maybe"}, **HTMX)
        self.assertEqual((junk.status_code, junk.content.decode()), (422, "Send facilitator=true or facilitator=false."))
        self.assertEqual(self.world(), before)

    def test_promoting_twice_records_once(self):
        self.promote(self.editor)
        revision = self.refresh_board().revision
        self.promote(self.editor)
        self.assertEqual(self.refresh_board().revision, revision)

    def test_the_owner_gets_the_switches_and_others_see_who_facilitates(self):
        set_facilitator(self.owner, self.board, self.editor.pk, True)
        self.login(self.owner)
        self.assertContains(self.client.get(self.board_url("members/")), 'class="facilitator-toggle"', count=2)
        self.login(self.viewer)
        members = self.client.get(self.board_url("members/"))
        self.assertNotContains(members, "facilitator-toggle")
        self.assertContains(members, 'class="role role-facilitator"', count=1)


# === the lock ===========================================================================


class LockTests(SharingTestCase):
    def lock(self, value="true", as_user=None):
        self.login(as_user or self.owner)
        return self.client.post(self.board_url("lock/"), {"locked": ["false", value]}, **HTMX)

    def writes(self):
        """One request of each kind of change an editor makes, as (name, url, data)."""
        return [
            ("card create", f"phases/{self.phase.pk}/cards/", {"title": "New"}),
            ("card edit", f"cards/{self.card.pk}/", {"title": "Renamed"}),
            ("card move", f"cards/{self.card.pk}/move/", {"phase": self.phases[1].pk, "position": 0}),
            ("card delete", f"cards/{self.card.pk}/delete/", {}),
            ("phase create", "phases/", {"name": "Use", "segment": "buyer"}),
            ("phase edit", f"phases/{self.phase.pk}/", {"name": "Renamed"}),
            ("phase move", f"phases/{self.phase.pk}/move/", {"position": 2}),
            ("board edit", "edit/", {"title": "Renamed"}),
        ]

    def test_a_facilitator_locks_and_unlocks(self):
        before = self.refresh_board().revision
        response = self.lock()
        self.assertTrue(self.refresh_board().locked)
        self.assertContains(response, 'id="lock-banner"')
        self.assertContains(response, 'data-locked="true"')
        self.assertEqual((self.last_event().kind, self.last_event().data), ("board.locked", {"locked": True}))
        response = self.lock("false")
        self.assertFalse(self.refresh_board().locked)
        self.assertContains(response, 'data-locked="false"')
        self.assertEqual((self.last_event().kind, self.last_event().data), ("board.unlocked", {"locked": False}))
        self.assertEqual(self.refresh_board().revision, before + 2)

    def test_locking_a_locked_board_records_nothing(self):
        self.lock()
        revision = self.refresh_board().revision
        self.lock()
        self.assertEqual(self.refresh_board().revision, revision)

    def test_only_facilitators_lock(self):
        for user, status, message in (
            (self.editor, 403, "Only a facilitator can do that."),
            (self.viewer, 403, "Only a facilitator can do that."),
            (self.outsider, 404, "No such board."),
        ):
            with self.subTest(user.username):
                before = self.world()
                response = self.lock(as_user=user)
                self.assertEqual((response.status_code, response.content.decode()), (status, message))
                self.assertEqual(self.world(), before)
                self.assertFalse(self.refresh_board().locked)

    def test_a_promoted_editor_may_lock(self):
        set_facilitator(self.owner, self.board, self.editor.pk, True)
        self.assertEqual(self.lock(as_user=self.editor).status_code, 200)
        self.assertTrue(self.refresh_board().locked)

    def test_junk_is_refused(self):
        self.login(self.owner)
        before = self.world()
        for data in ({"locked": "yes"}, {}):
            response = self.client.post(self.board_url("lock/"), data, **HTMX)
            self.assertEqual((response.status_code, response.content.decode()), (422, "Send locked=true or locked=false."))
        self.assertEqual(self.world(), before)

    def test_while_locked_an_editor_changes_nothing(self):
        set_locked(self.owner, self.board, True)
        self.login(self.editor)
        before = board_state(self.board)
        for name, url, data in self.writes():
            with self.subTest(name):
                response = self.client.post(self.board_url(url), data, **HTMX)
                self.assertEqual((response.status_code, response.content.decode()), (403, LOCKED))
                self.assertEqual(board_state(self.board), before)
        # The editor cannot open a card editor either, nor claim to be editing.
        self.assertEqual(self.client.get(self.board_url(f"cards/{self.card.pk}/edit/"), **HTMX).status_code, 403)

    def test_while_locked_a_viewer_is_refused_as_before(self):
        set_locked(self.owner, self.board, True)
        self.login(self.viewer)
        response = self.client.post(self.board_url(f"phases/{self.phase.pk}/cards/"), {"title": "New"}, **HTMX)
        self.assertEqual((response.status_code, response.content.decode()), (403, "You can view this board but not change it."))

    def test_while_locked_facilitators_still_change_the_board(self):
        set_locked(self.owner, self.board, True)
        set_facilitator(self.owner, self.board, self.editor.pk, True)
        for user, title in ((self.owner, "By the owner"), (self.editor, "By the facilitator")):
            with self.subTest(user.username):
                self.login(user)
                response = self.client.post(self.board_url(f"phases/{self.phase.pk}/cards/"), {"title": title}, **HTMX)
                self.assertEqual(response.status_code, 200)
                self.assertTrue(Card.objects.filter(title=title).exists())
        response = self.client.post(self.board_url(f"phases/{self.phase.pk}/"), {"name": "Renamed"}, **HTMX)
        self.assertEqual(response.status_code, 200)

    def test_unlocking_gives_editors_their_changes_back(self):
        set_locked(self.owner, self.board, True)
        set_locked(self.owner, self.board, False)
        self.login(self.editor)
        response = self.client.post(self.board_url(f"phases/{self.phase.pk}/cards/"), {"title": "Back again"}, **HTMX)
        self.assertEqual(response.status_code, 200)
        self.assertTrue(Card.objects.filter(title="Back again").exists())

    def test_the_page_of_someone_who_may_not_change_it_is_read_only_and_says_why(self):
        set_locked(self.owner, self.board, True)
        self.login(self.editor)
        page = self.client.get(self.board_url())
        self.assertContains(page, "Locked by the facilitator for presenting: you can look, not change.")
        for control in (f'id="add-card-{self.phase.pk}"', 'id="add-phase"', f'hx-get="/boards/{self.board.pk}/cards/', 'id="lock-toggle"'):
            with self.subTest(control):
                self.assertNotContains(page, control)

    def test_the_facilitators_page_keeps_its_controls(self):
        set_locked(self.owner, self.board, True)
        self.login(self.owner)
        page = self.client.get(self.board_url())
        self.assertContains(page, "Locked for presenting: only facilitators can change the board.")
        self.assertContains(page, f'id="add-card-{self.phase.pk}"')
        self.assertContains(page, 'name="locked" value="true" checked')

    def test_an_unlocked_board_shows_no_banner(self):
        self.login(self.editor)
        page = self.client.get(self.board_url())
        self.assertContains(page, '<div id="lock-banner" class="lock-banner" role="status" data-locked="false" hidden>')
        self.assertNotContains(page, "Locked by the facilitator")
        self.assertContains(page, f'id="add-card-{self.phase.pk}"')
