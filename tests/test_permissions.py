"""Who may do what, for every board URL in journeyboard/urls.py.

One table lists each URL with the least role it needs and what success looks like; each
test walks the whole table for one kind of visitor. A refusal must change nothing;
an allowed change runs inside a rolled-back savepoint, so the next row starts from the
same board.
"""

from collections import namedtuple
from contextlib import contextmanager
from urllib.parse import quote

from django.db import transaction
from django.utils.html import escape

from journeyboard.boards.comments import add_comment
from journeyboard.boards.models import Board, Membership, Role
from journeyboard.boards.sharing import create_link
from journeyboard.boards.voting import start_round
from tests.base import HTMX, BaseTestCase, board_state, make_user

READ, WRITE, OWNER = "read", "write", "owner"
MAY = {"viewer": {READ}, "editor": {READ, WRITE}, "owner": {READ, WRITE, OWNER}}
REFUSALS = {WRITE: "You can view this board but not change it.", OWNER: "Only the board's owner can do that."}
# Workshop tools (the timer): the owner, or a member made facilitator (nobody is, in this setup).
FACILITATOR = "facilitator"
MAY["owner"].add(FACILITATOR)
REFUSALS[FACILITATOR] = "Only a facilitator can do that."


@contextmanager
def rolled_back():
    with transaction.atomic():
        yield
        transaction.set_rollback(True)


class Shows(namedtuple("Shows", "marker")):
    """A look: 200 with this piece of markup, and nothing changed."""

    def check(self, test, response, before):
        test.assertContains(response, test.fill(self.marker))
        test.assertEqual(board_state(test.board), before)


class Records(namedtuple("Records", "kind")):
    """A change: one revision more, recorded as one event of this kind."""

    def check(self, test, response, before):
        test.assertIn(response.status_code, (200, 302))
        board = test.refresh_board()
        test.assertEqual(board.revision, before["board"][2] + 1)
        test.assertEqual(board.events.last().kind, self.kind)


class Copies(namedtuple("Copies", "")):
    """A duplicate: a new board owned by the visitor; the original untouched."""

    def check(self, test, response, before):
        copy = Board.objects.latest("pk")
        test.assertRedirects(response, copy.get_absolute_url(), fetch_redirect_response=False)
        test.assertEqual((copy.title, copy.owner), ("Copy of Webshop journey", test.visitor))
        test.assertEqual({**board_state(test.board), "boards": before["boards"]}, before)


class Deletes(namedtuple("Deletes", "")):
    def check(self, test, response, before):
        test.assertRedirects(response, "/", fetch_redirect_response=False)
        test.assertFalse(Board.objects.filter(pk=test.board.pk).exists())


class Reverts(namedtuple("Reverts", "")):
    """Undo or redo: allowed, it reverts the visitor's own last change, or says (409) that
    there is none it may revert, changing nothing (tests/test_history.py has the rest)."""

    def check(self, test, response, before):
        if response.status_code == 409:
            test.assertEqual(board_state(test.board), before)
            return
        test.assertEqual(response.status_code, 200)
        event = test.refresh_board().events.last()
        test.assertEqual((event.actor, event.revision), (test.visitor, before["board"][2] + 1))
        test.assertIsNotNone(event.reverts)


class Refused(namedtuple("Refused", "message")):
    """Allowed, but refused for what the board is in: 422 with this text, nothing changed."""

    def check(self, test, response, before):
        test.assertContains(response, test.fill(self.message), status_code=422)
        test.assertEqual(board_state(test.board), before)


Endpoint = namedtuple("Endpoint", "name method path data needs success")

# `{phase}`, `{card}`, `{guest}`, `{link}`, `{comment}` are filled with this test's ids (see `fill`).
ENDPOINTS = [
    Endpoint("board page", "get", "", {}, READ, Shows('<main id="board-body"')),
    Endpoint("board edit", "post", "edit/", {"title": "Renamed"}, WRITE, Records("board.updated")),
    Endpoint("board duplicate", "post", "duplicate/", {}, READ, Copies()),
    Endpoint("board delete", "post", "delete/", {}, OWNER, Deletes()),
    Endpoint("export.json", "get", "export.json", {}, READ, Shows('"title": "Webshop journey"')),
    Endpoint("phase create", "post", "phases/", {"name": "Use", "segment": "buyer"}, WRITE, Records("phase.created")),
    Endpoint("phase edit", "post", "phases/{phase}/", {"name": "Renamed"}, WRITE, Records("phase.updated")),
    Endpoint("phase KPI", "post", "phases/{phase}/kpi/", {"kpi_name": "NPS", "kpi_value": "40"}, WRITE, Records("phase.updated")),
    Endpoint("board loop", "post", "edit/", {"ambassador_loop": "true"}, WRITE, Records("board.updated")),
    Endpoint("summary panel", "get", "summary/", {}, READ, Shows('id="summary"')),
    Endpoint("history panel", "get", "history/", {}, READ, Shows('<div id="history"')),
    Endpoint("undo", "post", "undo/", {}, WRITE, Reverts()),
    Endpoint("redo", "post", "redo/", {}, WRITE, Reverts()),
    Endpoint("phase move", "post", "phases/{phase}/move/", {"position": "0"}, WRITE, Records("phase.moved")),
    Endpoint("phase delete", "post", "phases/{phase}/delete/", {}, WRITE, Records("phase.deleted")),
    Endpoint("card create", "post", "phases/{phase}/cards/", {"title": "New"}, WRITE, Records("card.created")),
    Endpoint("card fragment", "get", "cards/{card}/", {}, READ, Shows('<article id="card-{card}"')),
    Endpoint("card edit form", "get", "cards/{card}/edit/", {}, WRITE, Shows('<form id="card-{card}"')),
    Endpoint("card edit", "post", "cards/{card}/", {"title": "Renamed"}, WRITE, Records("card.updated")),
    Endpoint(
        "card move", "post", "cards/{card}/move/", {"phase": "{phase}", "position": 0}, WRITE, Records("card.moved")
    ),
    Endpoint("card delete", "post", "cards/{card}/delete/", {}, WRITE, Records("card.deleted")),
    Endpoint("comment thread", "get", "cards/{card}/comments/", {}, READ, Shows('<section id="comments-{card}"')),
    Endpoint("comment add", "post", "cards/{card}/comments/", {"text": "Why here?"}, WRITE, Records("comment.added")),
    # The editor's own comment: its author (the editor) and the owner may delete it.
    Endpoint("comment delete", "post", "comments/{comment}/delete/", {}, WRITE, Records("comment.deleted")),
    Endpoint("members list", "get", "members/", {}, READ, Shows('<div id="members"')),
    Endpoint("member add", "post", "members/", {"username": "nina", "role": "viewer"}, OWNER, Records("member.added")),
    Endpoint("member remove", "post", "members/{guest}/delete/", {}, OWNER, Records("member.removed")),
    Endpoint("timer", "post", "timer/", {"action": "start", "minutes": "5"}, FACILITATOR, Records("timer.changed")),
    Endpoint("share links", "get", "links/", {}, OWNER, Shows('<section id="share-links"')),
    Endpoint("share link create", "post", "links/", {"role": "viewer"}, OWNER, Records("link.created")),
    Endpoint("share link revoke", "post", "links/{link}/revoke/", {}, OWNER, Records("link.revoked")),
    Endpoint("facilitator", "post", "members/{guest}/facilitator/", {"facilitator": "true"}, OWNER, Records("member.facilitator")),
    Endpoint("board lock", "post", "lock/", {"locked": "true"}, FACILITATOR, Records("board.locked")),
    # Dot voting: a round is open (see setUp), so starting another one is refused after the
    # permission check; voting and closing go through.
    Endpoint("voting bar", "get", "voting/", {}, READ, Shows('<div id="voting"')),
    Endpoint("voting start", "post", "voting/", {"votes_per_person": "3"}, FACILITATOR, Refused("A voting round is already running")),
    Endpoint("voting close", "post", "voting/close/", {}, FACILITATOR, Records("voting.closed")),
    Endpoint("vote", "post", "cards/{card}/vote/", {}, WRITE, Records("vote.given")),
]


class PermissionTests(BaseTestCase):
    def setUp(self):
        super().setUp()
        make_user("nina")  # someone the owner can add
        self.guest = make_user("gina")  # a member the owner can remove
        Membership.objects.create(board=self.board, user=self.guest, role=Role.VIEWER)
        link = create_link(self.owner, self.board, Role.EDITOR)  # a share link the owner can revoke
        comment = add_comment(self.editor, self.card, "Move this earlier?")  # one its author and the owner may delete
        start_round(self.owner, self.board, 3)  # a dot-voting round to vote in and close
        self.ids = {"phase": self.phases[1].pk, "card": self.card.pk, "guest": self.guest.pk, "link": link.pk, "comment": comment.pk}
        self.visitor = None

    def fill(self, text):
        return text.format(**self.ids)

    def url(self, endpoint, board_id=None):
        return f"/boards/{board_id or self.board.pk}/{self.fill(endpoint.path)}"

    def send(self, endpoint, board_id=None, **headers):
        data = {name: self.fill(str(value)) for name, value in endpoint.data.items()}
        call = getattr(self.client, endpoint.method)
        return call(self.url(endpoint, board_id), data, **headers)

    def visit_as(self, user):
        self.visitor = user
        self.client.logout()
        if user is not None:
            self.login(user)

    def assertRefused(self, response, status, message, before):
        self.assertContains(response, escape(message), status_code=status)
        self.assertEqual(board_state(self.board), before)

    def assertRolesApply(self, role):
        """Allowed rows succeed with their effect; all others are a 403 that changes nothing."""
        before = board_state(self.board)
        for endpoint in ENDPOINTS:
            with self.subTest(role=role, endpoint=endpoint.name):
                if endpoint.needs in MAY[role]:
                    with rolled_back():
                        endpoint.success.check(self, self.send(endpoint), before)
                    self.assertEqual(board_state(self.board), before)  # the savepoint really undid it
                else:
                    self.assertRefused(self.send(endpoint), 403, REFUSALS[endpoint.needs], before)

    def test_anonymous_visitors_are_sent_to_log_in(self):
        self.visit_as(None)
        before = board_state(self.board)
        for endpoint in ENDPOINTS:
            with self.subTest(endpoint.name):
                response = self.send(endpoint)
                login = f"/accounts/login/?next={quote(self.url(endpoint))}"
                self.assertRedirects(response, login, fetch_redirect_response=False)
                self.assertEqual(board_state(self.board), before)

    def test_outsiders_get_404_exactly_as_for_a_board_that_does_not_exist(self):
        self.visit_as(self.outsider)
        missing_board = Board.objects.latest("pk").pk + 1
        before = board_state(self.board)
        for endpoint in ENDPOINTS:
            with self.subTest(endpoint.name):
                self.assertRefused(self.send(endpoint), 404, "No such board.", before)
                # Compared as htmx answers: full pages differ by their per-request CSRF token.
                missing, existing = self.send(endpoint, missing_board, **HTMX), self.send(endpoint, **HTMX)
                self.assertEqual((missing.status_code, missing.content), (existing.status_code, existing.content))

    def test_viewers_may_look_and_copy_but_not_change(self):
        self.visit_as(self.viewer)
        self.assertRolesApply("viewer")

    def test_editors_may_change_the_board_but_not_its_members_or_delete_it(self):
        self.visit_as(self.editor)
        self.assertRolesApply("editor")

    def test_the_owner_may_do_everything(self):
        self.visit_as(self.owner)
        self.assertRolesApply("owner")

    def test_refusals_to_htmx_are_plain_text_for_the_toast(self):
        card_create = next(e for e in ENDPOINTS if e.name == "card create")
        before = board_state(self.board)
        for user, status, message in [
            (self.viewer, 403, REFUSALS[WRITE]),
            (self.outsider, 404, "No such board."),
        ]:
            with self.subTest(user.username):
                self.visit_as(user)
                response = self.send(card_create, **HTMX)
                self.assertEqual((response.status_code, response.content.decode()), (status, message))
                self.assertTrue(response["Content-Type"].startswith("text/plain"))
                self.assertEqual(board_state(self.board), before)

    def test_viewers_get_no_editing_controls(self):
        # Hiding controls is not the access check (the table above is); it spares viewers
        # buttons that could only ever answer 403.
        self.visit_as(self.viewer)
        page = self.client.get(self.board_url())
        self.assertContains(page, f'<article id="card-{self.card.pk}"')
        for control in ('id="add-card-', 'id="add-phase"', f'hx-get="/boards/{self.board.pk}/cards/', 'hx-post="'):
            with self.subTest(control):
                self.assertNotContains(page, control)
