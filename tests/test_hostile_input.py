"""Input nobody's page sends: every answer is a 4xx with a message, never a 500, and
nothing changes (the rule for bad input in the project's README)."""

import json
import re
import time
from unittest import mock

from django.test import override_settings
from django.urls import URLPattern, URLResolver, get_resolver

from journeyboard.boards.cards import create_card
from journeyboard.boards.comments import add_comment
from journeyboard.boards.lifecycle import create_board
from journeyboard.boards.models import Board, Card, Comment, Membership, Phase, Role
from journeyboard.boards.timer import duration_seconds
from tests.base import HTMX, BaseTestCase, board_state
from tests.documents import JsonTestCase, as_upload, small_document

# Ids and parameters a page never sends: past 64 bits, past the converter's digits, not
# digits, digits str.isdigit knows and int() does not, other scripts' digits, markup.
ODD_IDS = ["99999999999999999999999", "9223372036854775808", "abc", "²", "١٢", "-1", "0x10", "1e3", "%00"]
ODD_VALUES = ["99999999999999999999999", "²", "1e308", "-1e308", "nan", "\x00", "[[[[", "١٢", "", "𝟙"]


def _patterns(resolver=None, prefix=""):
    """Every URL pattern of the site: (route with converters, pattern)."""
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            yield from _patterns(entry, route)
        elif isinstance(entry, URLPattern):
            yield route, entry


def _fill(route, value):
    """The route with every <converter:name> (and regex group) replaced by `value`."""
    route = re.sub(r"<(?:\w+:)?\w+>", value, route)
    return re.sub(r"\(\?P<\w+>[^)]*\)", value, route).lstrip("^").rstrip("$").replace("\\", "")


class EveryUrlTests(BaseTestCase):
    """Walks the resolver, so a new URL is checked without anyone remembering to add it here:
    each pattern with odd ids (GET and POST), and with this board's real ids and odd
    parameters, as a signed-in member (the owner, a facilitator: every form is open to them)."""

    PARAMS = [
        {},
        dict(zip(("before", "minutes", "seconds", "action", "position", "phase", "card", "title", "name"), ODD_VALUES)),
        dict(zip(("text", "lang", "next", "version", "role", "username", "emotion", "kind", "value"), ODD_VALUES)),
        {"before": "²", "minutes": "1e308", "action": "start", "position": "99999999999999999999999"},
    ]

    def setUp(self):
        super().setUp()
        Membership.objects.filter(board=self.board, user=self.owner).update(facilitator=True)
        self.login(self.owner)

    def ask(self, method, path, data, variants=({}, HTMX)):
        for extra in variants:
            response = getattr(self.client, method)(path, data, **extra)
            self.assertLess(response.status_code, 500, f"{method.upper()} {path} {data!r}")
        # Logging out is one of the URLs: every request is made signed in.
        self.client.force_login(self.owner)

    def test_no_url_answers_a_server_error_to_odd_ids_or_parameters(self):
        routes = [route for route, _ in _patterns()]
        self.assertGreater(len(routes), 40)
        with_ids = [route for route in routes if "<" in route or "(?P" in route]
        self.assertTrue(any("<id:board_id>" in route for route in with_ids))
        for route in with_ids:
            for odd in ODD_IDS:
                for method in ("get", "post"):
                    self.ask(method, "/" + _fill(route, odd), {}, variants=({},))
        # Real ids of this board's things, odd parameters; deleting ones last, so that the
        # board is there for the others.
        real = [_fill(route, str(self.board.pk)) for route in with_ids if "board_id" in route]
        real += [route.lstrip("^").rstrip("$") for route in routes if route not in with_ids]
        for url in sorted(real, key=lambda url: "delete" in url):
            for data in self.PARAMS:
                for method in ("get", "post"):
                    self.ask(method, "/" + url, data)


class OutOfRangeIdTests(BaseTestCase):
    def setUp(self):
        super().setUp()
        self.login(self.owner)

    def test_an_id_past_64_bits_is_not_found(self):
        for path in ("/boards/99999999999999999999999/", f"/boards/{self.board.pk}/cards/9223372036854775808/"):
            response = self.client.get(path)
            self.assertEqual(response.status_code, 404, path)
            self.assertContains(response, "<", status_code=404)

    def test_a_history_page_before_an_odd_revision_is_refused_with_a_message(self):
        for before in ("²", "99999999999999999999999", "-1", "١"):
            response = self.client.get(self.board_url("history/"), {"before": before}, **HTMX)
            self.assertEqual(response.status_code, 400, before)
            self.assertIn("revision number", response.content.decode())
        # The largest revision there can be is a page like any other.
        self.assertEqual(self.client.get(self.board_url("history/"), {"before": str(2**63 - 1)}, **HTMX).status_code, 200)


class TimerLengthTests(BaseTestCase):
    def setUp(self):
        super().setUp()
        Membership.objects.filter(board=self.board, user=self.owner).update(facilitator=True)
        self.login(self.owner)

    def test_a_length_that_overflows_in_seconds_is_refused(self):
        for minutes in ("1e308", "-1e308", "1.7976931348623157e308"):
            response = self.client.post(self.board_url("timer/"), {"action": "start", "minutes": minutes}, **HTMX)
            self.assertEqual(response.status_code, 422, minutes)
            self.assertIn("at most", response.content.decode())
        self.assertEqual(duration_seconds("1.5"), 90)


class PasswordPagesTests(BaseTestCase):
    def test_pages_without_templates_are_not_offered(self):
        self.login(self.owner)
        for path in ("/accounts/password_change/", "/accounts/password_reset/", "/accounts/reset/done/"):
            self.assertEqual(self.client.get(path).status_code, 404, path)
        # What the site does link to still works.
        self.assertEqual(self.client.get("/accounts/login/").status_code, 200)
        self.assertEqual(self.client.post("/accounts/logout/").status_code, 302)


class NulTests(BaseTestCase):
    MESSAGE = "Null characters are not allowed."

    def setUp(self):
        super().setUp()
        self.login(self.owner)

    def test_forms_comments_and_imports_refuse_nul_alike(self):
        before = board_state(self.board)
        card_form = self.client.post(self.board_url(f"phases/{self.phase.pk}/cards/"), {"title": "a\x00b"}, **HTMX)
        comment = self.client.post(self.board_url(f"cards/{self.card.pk}/comments/"), {"text": "a\x00b"}, **HTMX)
        imported = self.client.post("/boards/import/", {"file": as_upload(small_document(note="a\x00b"))})
        for response in (card_form, comment, imported):
            self.assertEqual(response.status_code, 422)
            self.assertIn(self.MESSAGE, response.content.decode())
        self.assertEqual(board_state(self.board), before)
        self.assertFalse(Comment.objects.exists())
        self.assertFalse(Board.objects.filter(title="Small").exists())

    def test_the_comment_service_refuses_nul_whoever_calls_it(self):
        with self.assertRaisesMessage(Exception, self.MESSAGE):
            add_comment(self.owner, self.card, "a\x00b")


def _cards(count, **fields):
    return [{"title": "", "kind": "touchpoint", **fields} for _ in range(count)]


def _document(phases):
    return {"format": "journeyboard/1", "title": "Big", "language": "en", "phases": phases}


class LimitTests(JsonTestCase):
    def test_defaults_leave_room_for_the_benchmark_board(self):
        document = _document([{"name": f"P{i}", "cards": [{"title": f"C{j}"} for j in range(500)]} for i in range(20)])
        board = self.import_ok(document)
        self.assertEqual(Card.objects.filter(phase__board=board).count(), 10_000)

    @override_settings(JOURNEYBOARD_MAX_PHASES=3, JOURNEYBOARD_MAX_CARDS=4)
    def test_an_import_over_the_limits_is_refused(self):
        self.assert_refused(_document([{"name": f"P{i}"} for i in range(4)]), "A board has at most 3 phases.")
        self.assert_refused(
            _document([{"name": "P", "cards": [{"title": f"C{j}"} for j in range(5)]}]), "A board has at most 4 cards."
        )
        self.import_ok(_document([{"name": f"P{i}", "cards": [{"title": "C"}]} for i in range(3)]))

    @override_settings(JOURNEYBOARD_MAX_PHASES=6, JOURNEYBOARD_MAX_CARDS=2)
    def test_a_full_board_takes_no_new_card_or_phase_and_cannot_be_copied_past_the_limits(self):
        create_card(self.owner, self.phase, title="Second")  # the board now has its 2 cards
        before = board_state(self.board)
        response = self.client.post(self.board_url(f"phases/{self.phase.pk}/cards/"), {"title": "Third"}, **HTMX)
        self.assertContains(response, "A board has at most 2 cards.", status_code=422)
        self.assertEqual(board_state(self.board), before)

        while self.board.phases.count() < 6:
            Phase.objects.create(board=self.board, name="Extra", position=self.board.phases.count())
        before = board_state(self.board)
        response = self.client.post(self.board_url("phases/"), {"name": "Seventh", "segment": "buyer"}, **HTMX)
        self.assertContains(response, "A board has at most 6 phases.", status_code=422)
        self.assertEqual(board_state(self.board), before)

        with self.settings(JOURNEYBOARD_MAX_CARDS=1):
            boards = Board.objects.count()
            response = self.client.post(self.board_url("duplicate/"), **HTMX)
            self.assertContains(response, "A board has at most 1 card.", status_code=422)
            self.assertEqual(Board.objects.count(), boards)

    @override_settings(JOURNEYBOARD_MAX_CARDS=5000)
    def test_a_refusal_lists_the_first_problems_and_counts_the_rest(self):
        response = self.assert_refused(_document([{"name": "P", "cards": _cards(3000)}]))
        page = response.content.decode()
        # Each card without a title has two problems: 6,000 in all, 50 of them listed.
        self.assertEqual(page.count("phases[0].cards["), 50)
        self.assertIn("phases[0].cards[24].title", page)
        self.assertNotIn("phases[0].cards[25].title", page)
        self.assertIn("… and 5950 more problems.", page)
        self.assertLess(len(response.content), 40_000)

    def test_a_file_of_300000_bad_cards_is_answered_at_once_with_a_short_page(self):
        raw = json.dumps(_document([{"name": "P", "cards": [{"title": ""}] * 300_000}]), separators=(",", ":")).encode()
        self.assertGreater(len(raw), 3_500_000)
        with mock.patch.object(Card, "full_clean", autospec=True) as card_checks:
            started = time.perf_counter()
            response = self.import_file(raw)
            elapsed = time.perf_counter() - started
        self.assertContains(response, "more than a board may have", status_code=422)
        # Decoding stopped at the first object past the largest allowed board: no card of it
        # was checked, and the answer is a page, not a list of 300,000 problems.
        card_checks.assert_not_called()
        self.assertLess(len(response.content), 40_000)
        self.assertLess(elapsed, 10)

    def test_a_deeply_nested_file_is_refused_with_a_message(self):
        self.assert_refused(b"[" * 100_000 + b"]" * 100_000, "nested too deeply")
        self.assert_refused(b'{"a":' * 100_000 + b"1" + b"}" * 100_000)


class OtherBoardsUntouchedTests(BaseTestCase):
    """A refused addition on a full board leaves a board with room alone."""

    @override_settings(JOURNEYBOARD_MAX_CARDS=2)
    def test_limits_are_per_board(self):
        create_card(self.owner, self.phase, title="Second")
        other = create_board(self.owner, "Other", template="buyer", language="en")
        Membership.objects.get_or_create(board=other, user=self.owner, defaults={"role": Role.OWNER})
        create_card(self.owner, other.phases.first(), title="Fine")
        self.assertEqual(Card.objects.filter(phase__board=other).count(), 1)
