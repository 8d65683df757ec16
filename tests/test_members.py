"""Board membership: everyone on a board sees who else is; only the owner changes it."""

from django.utils.html import escape

from journeyboard.boards.models import BoardEvent, Membership
from tests.base import BaseTestCase, make_user



class MemberTestCase(BaseTestCase):
    def setUp(self):
        super().setUp()
        self.newcomer = make_user("nina")
        self.revision = self.refresh_board().revision

    def add(self, username, role="editor", as_user=None):
        self.login(as_user or self.owner)
        return self.client.post(self.board_url("members/"), {"username": username, "role": role}, headers={"HX-Request": "true"})

    def remove(self, user, as_user=None):
        self.login(as_user or self.owner)
        return self.client.post(self.board_url(f"members/{user.pk}/delete/"), headers={"HX-Request": "true"})

    def role_of(self, user):
        membership = Membership.objects.filter(board=self.board, user=user).first()
        return membership and membership.role

    def assert_revision_bumped(self, by=1):
        self.assertEqual(self.refresh_board().revision, self.revision + by)

    def assert_unchanged(self):
        self.assertEqual(self.refresh_board().revision, self.revision)


class MemberListTests(MemberTestCase):
    def test_lists_every_member_with_role(self):
        self.login(self.viewer)
        response = self.client.get(self.board_url("members/"))
        self.assertContains(response, '<div id="members"')
        self.assertNotContains(response, "<html")
        for name, role in (("olivia", "Owner"), ("emil", "Editor"), ("vera", "Viewer")):
            self.assertContains(response, f'<span class="member-name">{name}</span>')
            self.assertContains(response, f'>{role}</span>')
        self.assertNotContains(response, "nina")

    def test_owner_gets_add_form_and_remove_buttons(self):
        self.login(self.owner)
        response = self.client.get(self.board_url("members/"))
        self.assertContains(response, 'class="member-form"')
        self.assertContains(response, f"members/{self.editor.pk}/delete/")
        # There is no button to remove the owner.
        self.assertNotContains(response, f"members/{self.owner.pk}/delete/")

    def test_editor_gets_no_controls(self):
        self.login(self.editor)
        response = self.client.get(self.board_url("members/"))
        self.assertContains(response, '<span class="member-name">olivia</span>')
        self.assertNotContains(response, 'class="member-form"')
        self.assertNotContains(response, "/delete/")

    def test_outsider_gets_404(self):
        self.login(self.outsider)
        self.assertEqual(self.client.get(self.board_url("members/")).status_code, 404)

    def test_anonymous_is_sent_to_login(self):
        response = self.client.get(self.board_url("members/"))
        self.assertEqual(response.status_code, 302)
        self.assertTrue(response["Location"].startswith("/accounts/login/"))

    def test_query_count_does_not_grow_with_members(self):
        self.login(self.viewer)
        self.client.get(self.board_url("members/"))
        # session, user, membership+board, memberships+users
        with self.assertNumQueries(4):
            self.client.get(self.board_url("members/"))
        for i in range(5):
            Membership.objects.create(board=self.board, user=make_user(f"extra{i}"), role="viewer")
        with self.assertNumQueries(4):
            response = self.client.get(self.board_url("members/"))
        self.assertContains(response, "extra4")


class AddMemberTests(MemberTestCase):
    def test_owner_adds_editor(self):
        response = self.add("nina", "editor")
        self.assertContains(response, '<span class="member-name">nina</span>')
        self.assertEqual(self.role_of(self.newcomer), "editor")
        self.assert_revision_bumped()
        event = BoardEvent.objects.filter(board=self.board).last()
        self.assertEqual((event.kind, event.data), ("member.added", {"user": self.newcomer.pk, "role": "editor"}))

    def test_owner_adds_viewer(self):
        self.add("nina", "viewer")
        self.assertEqual(self.role_of(self.newcomer), "viewer")
        self.assert_revision_bumped()

    def test_new_member_can_open_board(self):
        self.add("nina", "viewer")
        self.login(self.newcomer)
        self.assertContains(self.client.get(self.board_url()), "Webshop journey")

    def test_username_is_trimmed(self):
        self.add("  nina  ", "viewer")
        self.assertEqual(self.role_of(self.newcomer), "viewer")

    def test_adding_existing_member_changes_role(self):
        self.add("emil", "viewer")
        self.assertEqual(self.role_of(self.editor), "viewer")
        self.assertEqual(Membership.objects.filter(board=self.board, user=self.editor).count(), 1)
        self.assert_revision_bumped()

    def test_role_change_takes_effect(self):
        self.add("vera", "editor")
        self.login(self.viewer)
        response = self.client.post(self.board_url(f"phases/{self.phase.pk}/cards/"), {"title": "Now I can"})
        self.assertNotEqual(response.status_code, 403)
        self.assertTrue(self.phase.cards.filter(title="Now I can").exists())

    def test_unknown_username_is_refused_with_message(self):
        response = self.add("nobody", "editor")
        self.assertContains(response, "There is no user called “nobody”.", status_code=422)
        # The form keeps what was typed so it can be corrected.
        self.assertContains(response, 'value="nobody"', status_code=422)
        self.assertFalse(Membership.objects.filter(board=self.board, user__username="nobody").exists())
        self.assert_unchanged()

    def test_unknown_username_is_escaped_in_message(self):
        response = self.add("<b>x</b>", "editor")
        self.assertContains(response, escape("There is no user called “<b>x</b>”."), status_code=422)
        self.assertNotContains(response, "<b>x</b>", status_code=422)

    def test_role_owner_is_refused(self):
        response = self.add("nina", "owner")
        self.assertContains(response, "Select a valid choice", status_code=422)
        self.assertIsNone(self.role_of(self.newcomer))
        self.assert_unchanged()

    def test_junk_role_is_refused(self):
        response = self.add("emil", "admin")
        self.assertEqual(response.status_code, 422)
        self.assertEqual(self.role_of(self.editor), "editor")
        self.assert_unchanged()

    def test_empty_username_is_refused(self):
        response = self.add("", "editor")
        self.assertContains(response, "This field is required.", status_code=422)
        self.assert_unchanged()

    def test_owner_role_cannot_be_changed(self):
        response = self.add("olivia", "viewer")
        self.assertContains(response, escape("The owner's role cannot be changed."), status_code=422)
        self.assertEqual(self.role_of(self.owner), "owner")
        self.assert_unchanged()

    def test_editor_gets_403(self):
        response = self.add("nina", "editor", as_user=self.editor)
        self.assertEqual(response.status_code, 403)
        self.assertIsNone(self.role_of(self.newcomer))
        self.assert_unchanged()

    def test_viewer_gets_403(self):
        response = self.add("vera", "editor", as_user=self.viewer)
        self.assertEqual(response.status_code, 403)
        self.assertEqual(self.role_of(self.viewer), "viewer")
        self.assert_unchanged()

    def test_outsider_gets_404(self):
        response = self.add("otto", "editor", as_user=self.outsider)
        self.assertEqual(response.status_code, 404)
        self.assertIsNone(self.role_of(self.outsider))


class RemoveMemberTests(MemberTestCase):
    def test_owner_removes_member(self):
        response = self.remove(self.editor)
        self.assertNotContains(response, '<span class="member-name">emil</span>')
        self.assertContains(response, '<span class="member-name">vera</span>')
        self.assertIsNone(self.role_of(self.editor))
        self.assert_revision_bumped()

    def test_removed_member_gets_404(self):
        self.remove(self.viewer)
        self.login(self.viewer)
        self.assertEqual(self.client.get(self.board_url()).status_code, 404)
        self.assertEqual(self.client.get(self.board_url("export.json")).status_code, 404)
        self.assertNotContains(self.client.get("/"), f"board-row-{self.board.pk}")

    def test_removing_the_owner_is_refused(self):
        response = self.remove(self.owner)
        self.assertContains(response, "The owner cannot be removed from the board.", status_code=422)
        self.assertEqual(self.role_of(self.owner), "owner")
        self.assert_unchanged()

    def test_removing_a_non_member_is_refused(self):
        response = self.remove(self.outsider)
        self.assertContains(response, "That user is not a member of this board.", status_code=422)
        self.assert_unchanged()

    def test_editor_gets_403(self):
        response = self.remove(self.viewer, as_user=self.editor)
        self.assertEqual(response.status_code, 403)
        self.assertEqual(self.role_of(self.viewer), "viewer")
        self.assert_unchanged()

    def test_viewer_cannot_remove_even_themselves(self):
        response = self.remove(self.viewer, as_user=self.viewer)
        self.assertEqual(response.status_code, 403)
        self.assertEqual(self.role_of(self.viewer), "viewer")

    def test_outsider_gets_404(self):
        response = self.remove(self.editor, as_user=self.outsider)
        self.assertEqual(response.status_code, 404)
        self.assertEqual(self.role_of(self.editor), "editor")

    def test_get_is_not_allowed(self):
        self.login(self.owner)
        self.assertEqual(self.client.get(self.board_url(f"members/{self.editor.pk}/delete/")).status_code, 405)
        self.assertEqual(self.role_of(self.editor), "editor")

    def test_every_change_bumps_revision_once_and_refusals_do_not(self):
        self.add("nina", "viewer")
        self.add("nina", "editor")
        self.add("nobody", "editor")
        self.remove(self.owner)
        self.remove(self.newcomer)
        self.assert_revision_bumped(by=3)
        kinds = list(BoardEvent.objects.filter(board=self.board, revision__gt=self.revision).values_list("kind", flat=True))
        self.assertEqual(kinds, ["member.added", "member.added", "member.removed"])
