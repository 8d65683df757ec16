"""Dot voting: rounds (facilitators only), votes within the budget, hidden results that
stay hidden, the ranked list, and the counts in the exports.

The owner is a facilitator (owners always are); the editor votes; the viewer may only
look; the outsider gets 404 for everything.
"""

import io
import json
import re
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, connections
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils.html import escape
from PIL import Image

from journeyboard.boards.cards import create_card
from journeyboard.boards.lifecycle import create_board
from journeyboard.boards.models import BoardEvent, Card, Membership, Role, Vote, VotingRound
from journeyboard.boards.voting import close_round, ranking, start_round, toggle_vote
from journeyboard.export.layout import layout
from journeyboard.export.png import render_png
from journeyboard.export.snapshot import board_snapshot
from journeyboard.boards.fragments import render_change
from journeyboard.theme import VOTE
from tests.base import HTMX, BoardChangeTestCase, board_state, make_user

FACILITATOR_ONLY = "Only a facilitator can do that."
VIEWER_REFUSAL = "You can view this board but not change it."
CLOSED = "Voting is closed: there is no voting round running."


def voting_state(board):
    """Rounds and votes, which board_state (tests/base.py) does not cover."""
    return {
        "rounds": list(VotingRound.objects.filter(board=board).order_by("pk").values_list("pk", "votes_per_person", "hidden_results", "closed_at")),
        "votes": sorted(Vote.objects.filter(round__board=board).values_list("round_id", "card_id", "user_id")),
    }


def count_on(html, card):
    """The count a card's badge shows, or None when it shows none."""
    found = re.search(rf'<span id="votes-{card.pk}".*?(?:<span class="vote-count">(\d+)</span>|</span>\s)', html, re.S)
    return int(found.group(1)) if found and found.group(1) else None


def mine(html):
    """The card ids in the voting bar's data-mine (the dots that are yours)."""
    found = re.search(r'<div id="voting"[^>]*data-mine="([\d ]*)"', html)
    return {int(pk) for pk in found.group(1).split()} if found else None


def html_of(response):
    return response.content.decode()


class VotingTestCase(BoardChangeTestCase):
    def setUp(self):
        super().setUp()
        # Lane 0: the ad, a newsletter; lane 1: the product page, reviews.
        self.newsletter = create_card(self.owner, self.phases[0], title="Newsletter")
        self.product = create_card(self.owner, self.phases[1], title="Product page")
        self.reviews = create_card(self.owner, self.phases[1], title="Reviews")
        self.cards = [self.card, self.newsletter, self.product, self.reviews]

    def start(self, votes=2, hidden=False):
        return start_round(self.owner, self.board, votes, hidden)

    def vote(self, card, user=None, **data):
        if user is not None:
            self.login(user)
        return self.post(f"cards/{card.pk}/vote/", data)

    def before(self):
        return {**board_state(self.board), **voting_state(self.board)}

    def assertNothingChanged(self, before):
        self.assertEqual(self.before(), before)


class RoundTests(VotingTestCase):
    def test_a_facilitator_starts_a_round_and_every_card_gets_its_vote_button(self):
        self.login(self.owner)
        response = self.post("voting/", {"votes_per_person": "3", "hidden_results": "true"})
        self.assertEqual(response.status_code, 200)
        round = VotingRound.objects.get(board=self.board)
        self.assertEqual((round.votes_per_person, round.hidden_results, round.started_by, round.closed_at), (3, True, self.owner, None))
        event = self.refresh_board().events.last()
        self.assertEqual((event.kind, event.data["round"], event.actor), ("voting.started", round.pk, self.owner))
        html = html_of(response)
        self.assertIn('data-state="open"', html)
        self.assertIn("You have 3 of 3 votes left", html)
        for card in self.cards:  # out of band, so the facilitator's own page has them too
            self.assertIn(f'<span id="votes-{card.pk}" class="card-votes" hx-swap-oob="true"><button', html)

    def test_a_member_made_facilitator_may_start_one_too(self):
        Membership.objects.filter(board=self.board, user=self.editor).update(facilitator=True)
        response = self.post("voting/", {"votes_per_person": "5"})
        self.assertEqual(response.status_code, 200)
        self.assertTrue(VotingRound.objects.filter(board=self.board, closed_at=None).exists())

    def test_editors_and_viewers_may_neither_start_nor_close(self):
        before = self.before()
        for user in (self.editor, self.viewer):
            self.login(user)
            with self.subTest(user.username):
                self.assertRefusedWithText(self.post("voting/", {"votes_per_person": "3"}), 403, FACILITATOR_ONLY)
                self.assertNothingChanged(before)
        self.start()
        before = self.before()
        for user in (self.editor, self.viewer):
            self.login(user)
            with self.subTest(user.username):
                self.assertRefusedWithText(self.post("voting/close/"), 403, FACILITATOR_ONLY)
                self.assertNothingChanged(before)

    def test_outsiders_get_404_for_every_voting_url(self):
        self.start()
        before = self.before()
        self.login(self.outsider)
        for method, path, data in [
            ("get", "voting/", {}),
            ("post", "voting/", {"votes_per_person": "3"}),
            ("post", "voting/close/", {}),
            ("post", f"cards/{self.card.pk}/vote/", {}),
        ]:
            with self.subTest(path):
                response = getattr(self.client, method)(self.board_url(path), data, **HTMX)
                self.assertEqual((response.status_code, response.content.decode()), (404, "No such board."))
        self.assertNothingChanged(before)

    def test_one_open_round_at_a_time(self):
        self.start()
        before = self.before()
        self.login(self.owner)
        response = self.post("voting/", {"votes_per_person": "3"})
        self.assertRefusedWithText(response, 422, "A voting round is already running: close it before starting a new one.")
        self.assertNothingChanged(before)

    def test_a_bad_number_of_votes_is_refused_with_the_form(self):
        self.login(self.owner)
        before = self.before()
        for value, message in [
            ("0", "Ensure this value is greater than or equal to 1."),
            ("21", "Ensure this value is less than or equal to 20."),
            ("three", "Enter a whole number."),
            ("", "This field is required."),
        ]:
            with self.subTest(value):
                response = self.post("voting/", {"votes_per_person": value})
                self.assertContains(response, message, status_code=422)
                self.assertContains(response, '<details class="voting-menu" open>', status_code=422)
                self.assertNothingChanged(before)

    def test_closing_shows_counts_and_the_ranked_list(self):
        self.start(votes=2)
        toggle_vote(self.editor, self.product)
        toggle_vote(self.owner, self.product)
        self.login(self.owner)
        response = self.post("voting/close/")
        self.assertEqual(response.status_code, 200)
        self.assertIsNotNone(VotingRound.objects.get(board=self.board).closed_at)
        self.assertEqual(self.refresh_board().events.last().kind, "voting.closed")
        html = html_of(response)
        self.assertIn('data-state="closed"', html)
        self.assertEqual(count_on(html, self.product), 2)
        self.assertIn('<dialog id="voting-results"', html)
        # The counts stay on the board (for everyone) until a new round starts.
        self.login(self.viewer)
        page = html_of(self.client.get(self.board_url()))
        self.assertEqual(count_on(page, self.product), 2)
        self.assertIsNone(count_on(page, self.card))

    def test_closing_without_an_open_round_is_refused(self):
        self.login(self.owner)
        before = self.before()
        response = self.post("voting/close/")
        self.assertRefusedWithText(response, 422, "No voting round is running.")
        self.assertEqual(response["HX-Reswap"], "none")  # the bar stays as it is
        self.assertNothingChanged(before)

    def test_a_new_round_starts_from_zero(self):
        self.start()
        toggle_vote(self.editor, self.card)
        close_round(self.owner, self.board)
        self.start(votes=1)
        page = html_of(self.client.get(self.board_url()))
        self.assertIsNone(count_on(page, self.card))
        self.assertIn("You have 1 of 1 vote left", page)


class VoteTests(VotingTestCase):
    def test_a_vote_is_given_and_taken_back(self):
        self.start(votes=2)
        response = self.vote(self.product)
        self.assertEqual(response.status_code, 200)
        self.assertEqual(list(Vote.objects.values_list("card", "user")), [(self.product.pk, self.editor.pk)])
        event = self.refresh_board().events.last()
        self.assertEqual((event.kind, event.data["card"], event.data["user"]), ("vote.given", self.product.pk, self.editor.pk))
        html = html_of(response)
        # The voter's own bar (their dots, votes left) and the card's badge, out of band.
        self.assertEqual(mine(html), {self.product.pk})
        self.assertIn("You have 1 of 2 votes left", html)
        self.assertIn('<div id="voting" class="voting-bar"', html)
        self.assertEqual(count_on(html, self.product), 1)

        response = self.vote(self.product)  # a click on the same dot takes it back
        self.assertEqual(response.status_code, 200)
        self.assertFalse(Vote.objects.exists())
        self.assertEqual(self.refresh_board().events.last().kind, "vote.taken")
        self.assertEqual(mine(html_of(response)), set())
        self.assertIsNone(count_on(html_of(response), self.product))

    def test_give_and_take_say_what_the_page_showed(self):
        # A second tab still showing an empty dot sends "give": it must not take the vote back.
        self.start(votes=2)
        self.vote(self.card, vote="give")
        revision = self.refresh_board().revision
        self.assertEqual(self.vote(self.card, vote="give").status_code, 200)
        self.assertEqual(Vote.objects.count(), 1)
        self.assertEqual(self.refresh_board().revision, revision)  # nothing to do: nothing recorded
        self.vote(self.card, vote="take")
        self.vote(self.card, vote="take")
        self.assertFalse(Vote.objects.exists())
        before = self.before()
        response = self.vote(self.card, vote="maybe")
        self.assertRefusedWithText(response, 422, "A vote is “give” or “take”.")
        self.assertNothingChanged(before)

    def test_never_more_votes_than_the_budget(self):
        self.start(votes=2)
        self.vote(self.card)
        self.vote(self.product)
        before = self.before()
        response = self.vote(self.reviews)
        self.assertRefusedWithText(response, 422, "You have used all 2 of your votes: take one back to vote for this card.")
        self.assertEqual(response["HX-Reswap"], "none")
        self.assertNothingChanged(before)
        # Taking one back makes room again.
        self.vote(self.card)
        self.assertEqual(self.vote(self.reviews).status_code, 200)
        self.assertEqual(set(Vote.objects.values_list("card", flat=True)), {self.product.pk, self.reviews.pk})

    def test_the_budget_is_per_person(self):
        self.start(votes=1)
        self.vote(self.card)
        self.assertEqual(self.vote(self.card, user=self.owner).status_code, 200)
        self.assertEqual(Vote.objects.filter(card=self.card).count(), 2)
        self.assertRefusedWithText(self.vote(self.product, user=self.editor), 422, "You have used your 1 vote: take it back to vote for this card.")

    def test_votes_after_the_round_closed_or_before_any_are_refused(self):
        before = self.before()
        self.assertRefusedWithText(self.vote(self.card), 422, CLOSED)
        self.assertNothingChanged(before)
        self.start()
        self.vote(self.card)
        close_round(self.owner, self.board)
        before = self.before()
        for action in ("give", "take", ""):
            with self.subTest(action):
                self.assertRefusedWithText(self.vote(self.product, vote=action), 422, CLOSED)
                self.assertNothingChanged(before)

    def test_viewers_cannot_vote(self):
        self.start()
        before = self.before()
        self.assertRefusedWithText(self.vote(self.card, user=self.viewer), 403, VIEWER_REFUSAL)
        self.assertNothingChanged(before)
        # ...and get no vote buttons, only the counts.
        page = html_of(self.client.get(self.board_url()))
        self.assertNotIn('class="vote-dot"', page)
        self.assertIn("Everyone who may edit has 2 votes.", page)

    def test_a_card_of_another_board_is_not_found(self):
        other = self.other_board()
        start_round(self.owner, other, 3)
        elsewhere = create_card(self.owner, other.phases.first(), title="Elsewhere")
        self.start()
        before, before_other = self.before(), voting_state(other)
        response = self.vote(elsewhere)  # through this board's URL
        self.assertEqual(response.status_code, 404)
        self.assertNothingChanged(before)
        self.assertEqual(voting_state(other), before_other)

    def test_a_locked_board_takes_votes_only_from_facilitators(self):
        self.start()
        self.board.locked = True
        self.board.save(update_fields=["locked"])
        before = self.before()
        self.assertRefusedWithText(self.vote(self.card), 403, "The board is locked by the facilitator.")
        self.assertNothingChanged(before)
        self.assertEqual(self.vote(self.card, user=self.owner).status_code, 200)

    def test_editing_a_card_keeps_its_badge(self):
        self.start()
        self.vote(self.card)
        response = self.post(f"cards/{self.card.pk}/", {"title": "Instagram reel"})
        self.assertEqual(count_on(html_of(response), self.card), 1)
        self.assertEqual(count_on(html_of(self.client.get(self.board_url(f"cards/{self.card.pk}/"))), self.card), 1)


class HiddenResultsTests(VotingTestCase):
    def setUp(self):
        super().setUp()
        self.start(votes=3, hidden=True)
        for user, card in [(self.editor, self.product), (self.owner, self.product), (self.owner, self.card)]:
            toggle_vote(user, card)

    def assertNoCounts(self, html):
        self.assertNotIn("vote-count", html)
        self.assertNotIn("vote-total", html)
        self.assertNotIn("ranking", html)

    def test_no_page_or_fragment_tells_a_count(self):
        for user in (self.owner, self.editor, self.viewer):
            self.login(user)
            with self.subTest(user.username):
                self.assertNoCounts(html_of(self.client.get(self.board_url())))
                self.assertNoCounts(html_of(self.client.get(self.board_url("voting/"), **HTMX)))
                self.assertNoCounts(html_of(self.client.get(self.board_url(f"cards/{self.product.pk}/"), **HTMX)))
                self.assertNoCounts(html_of(self.client.get(self.board_url(f"phases/{self.phases[1].pk}/cards/"), **HTMX)))
        # Only your own dots: the owner sees their two, the editor their one.
        self.login(self.owner)
        self.assertEqual(mine(html_of(self.client.get(self.board_url()))), {self.product.pk, self.card.pk})
        self.login(self.editor)
        response = self.vote(self.reviews)
        self.assertEqual(mine(html_of(response)), {self.product.pk, self.reviews.pk})
        self.assertNoCounts(html_of(response))

    def test_broadcasts_and_stored_events_name_no_card(self):
        self.vote(self.reviews)
        events = BoardEvent.objects.filter(board=self.board, kind__startswith="vote.")
        self.assertEqual(events.count(), 4)
        for event in events:
            self.assertNotIn("card", event.data)
            for html in render_change(event, ["en"])["en"].values():
                self.assertNoCounts(html)
                for card in self.cards:
                    self.assertNotIn(f"votes-{card.pk}", html)
                self.assertIn(f'<span id="voting-signal" data-for="{event.actor.pk}"', html)

    def test_closing_reveals_the_counts_to_everyone(self):
        close_round(self.owner, self.board)
        self.login(self.viewer)
        page = html_of(self.client.get(self.board_url()))
        self.assertEqual((count_on(page, self.product), count_on(page, self.card), count_on(page, self.reviews)), (2, 1, None))

    def test_the_export_does_not_tell_either(self):
        data = self.client.get(self.board_url("export.json")).json()
        self.assertFalse(any("votes" in card for phase in data["phases"] for card in phase["cards"]))
        self.assertFalse(any(card.votes for phase in board_snapshot(self.board).phases for card in phase.cards))


class RankingTests(VotingTestCase):
    def test_most_votes_first_ties_in_board_order_sharing_a_rank(self):
        third = make_user("tessa")
        Membership.objects.create(board=self.board, user=third, role=Role.EDITOR)
        round = self.start(votes=3)
        for user, cards in [
            (self.owner, [self.reviews, self.newsletter, self.product]),
            (self.editor, [self.reviews, self.product]),
            (third, [self.reviews, self.card]),
        ]:
            for card in cards:
                toggle_vote(user, card)
        close_round(self.owner, self.board)
        self.assertEqual(
            [(row["rank"], row["title"], row["votes"]) for row in ranking(round)],
            [(1, "Reviews", 3), (2, "Product page", 2), (3, "Instagram ad", 1), (3, "Newsletter", 1)],
        )
        self.login(self.viewer)
        html = html_of(self.client.get(self.board_url("voting/"), **HTMX))
        rows = re.findall(r'<li class="ranking-row" data-card="(\d+)" data-votes="(\d+)">', html)
        self.assertEqual(rows, [(str(c.pk), str(n)) for c, n in [(self.reviews, 3), (self.product, 2), (self.card, 1), (self.newsletter, 1)]])
        self.assertIn(escape("Consideration"), html)  # each row names its phase

    def test_an_empty_round(self):
        self.start()
        close_round(self.owner, self.board)
        self.assertContains(self.client.get(self.board_url("voting/"), **HTMX), "Nobody voted in this round.")


class ExportTests(VotingTestCase):
    def export(self):
        return self.client.get(self.board_url("export.json")).json()

    def votes_in(self, data):
        return {card["title"]: card.get("votes") for phase in data["phases"] for card in phase["cards"]}

    def test_the_json_export_carries_the_last_closed_rounds_counts(self):
        self.assertNotIn("votes", json.dumps(self.export()))  # never voted: the format as before
        self.start()
        toggle_vote(self.editor, self.product)
        toggle_vote(self.owner, self.product)
        toggle_vote(self.owner, self.card)
        self.assertNotIn("votes", json.dumps(self.export()))  # still open: nothing yet
        close_round(self.owner, self.board)
        expected = {"Instagram ad": 1, "Newsletter": None, "Product page": 2, "Reviews": None}
        self.assertEqual(self.votes_in(self.export()), expected)
        # A new round's votes do not count until it closes; the last result stays.
        self.start()
        toggle_vote(self.editor, self.reviews)
        self.assertEqual(self.votes_in(self.export()), expected)

    def test_the_json_export_costs_no_extra_query_and_imports_back(self):
        self.start()
        toggle_vote(self.editor, self.product)
        close_round(self.owner, self.board)
        self.export()  # warm up the session
        # session, user, membership+board, phases, their cards (with the votes), the last
        # closed emotion round's ratings, personas, the cards' personas
        with self.assertNumQueries(9):
            data = self.export()
        upload = Client()
        upload.force_login(self.editor)
        response = upload.post("/boards/import/", {"file": SimpleUploadedFile("b.json", json.dumps(data).encode(), "application/json")})
        self.assertEqual(response.status_code, 302)
        self.assertEqual(Card.objects.filter(title="Product page").count(), 2)  # import ignores "votes"

    def test_the_picture_shows_a_badge_on_voted_cards(self):
        self.start()
        toggle_vote(self.editor, self.product)
        toggle_vote(self.owner, self.product)
        close_round(self.owner, self.board)
        with self.assertNumQueries(5):  # rows, phases, their cards (with the votes), their personas, personas
            shot = board_snapshot(self.board)
        self.assertEqual([[card.votes for card in phase.cards] for phase in shot.phases], [[0, 0], [2, 0], []])
        lay = layout(shot, scale=1)
        voted, plain = lay.phases[1].cards
        image = Image.open(io.BytesIO(render_png(shot, scale=1))).convert("RGB")
        # The violet pill sits in the card's bottom right corner, on no other card.
        corner = [image.getpixel((x, y)) for x in range(voted.rect.x1 - 40, voted.rect.x1) for y in range(voted.rect.y1 - 28, voted.rect.y1)]
        self.assertIn(VOTE, corner)
        others = [image.getpixel((x, y)) for x in range(plain.rect.x0, plain.rect.x1) for y in range(plain.rect.y0, plain.rect.y1, 2)]
        self.assertNotIn(VOTE, others)


class BoardPageTests(VotingTestCase):
    def test_the_board_page_costs_the_same_queries_whatever_the_votes(self):
        def queries():
            with CaptureQueriesContext(connection) as captured:
                self.client.get(self.board_url())
            return len(captured)

        queries()
        none = queries()
        self.start(votes=5)
        few = queries()
        for card in self.cards:
            toggle_vote(self.editor, card)
            toggle_vote(self.owner, card)
        for n in range(40):
            create_card(self.owner, self.phases[2], title=f"More {n}")
        many = queries()
        close_round(self.owner, self.board)
        closed = queries()
        # No round: the round itself. Open: plus your own votes. Closed: plus the ranked list.
        self.assertEqual((few - none, many, closed), (1, few, few))

    def test_the_voting_bar_shows_your_state(self):
        self.login(self.owner)
        page = html_of(self.client.get(self.board_url()))
        self.assertIn("Start dot voting", page)
        self.login(self.editor)
        page = html_of(self.client.get(self.board_url()))
        self.assertNotIn("Start dot voting", page)
        self.assertRegex(page, r'<div id="voting" class="voting-bar" data-state="none"[^>]*\bhidden\b')
        self.start(votes=2)
        toggle_vote(self.editor, self.card)
        page = html_of(self.client.get(self.board_url()))
        self.assertIn("You have 1 of 2 votes left", page)
        self.assertEqual(mine(page), {self.card.pk})
        self.assertNotIn("Close voting", page)
        self.login(self.owner)
        self.assertIn("Close voting", html_of(self.client.get(self.board_url())))


# --- two tabs clicking at once ----------------------------------------------------------

THREADS = 6


@pytest.mark.django_db(transaction=True)
def test_simultaneous_votes_never_exceed_the_budget():
    """Six tabs of one person each give a vote to another card at the same moment, with
    a budget of two: the board's lock serialises them, exactly two get through."""
    owner, editor = make_user("olivia"), make_user("emil")
    board = create_board(owner, "Workshop", template="buyer")
    Membership.objects.create(board=board, user=editor, role=Role.EDITOR)
    phase = board.phases.first()
    cards = [create_card(owner, phase, title=f"Card {n}") for n in range(THREADS)]
    start_round(owner, board, 2)
    tabs = []
    for _ in range(THREADS):
        tab = Client()
        tab.force_login(editor)
        tabs.append(tab)
    barrier = threading.Barrier(THREADS)

    def click(index):
        try:
            barrier.wait(timeout=30)
            return tabs[index].post(f"/boards/{board.pk}/cards/{cards[index].pk}/vote/", {"vote": "give"}, **HTMX).status_code
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=THREADS) as pool:
        statuses = list(pool.map(click, range(THREADS)))
    assert sorted(statuses) == [200, 200] + [422] * (THREADS - 2)
    assert Vote.objects.filter(user=editor).count() == 2
    assert BoardEvent.objects.filter(board=board, kind="vote.given").count() == 2
