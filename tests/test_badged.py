"""The kept badge queryset (boards/badged.py): what it relies on in Django, and that it stays fresh.

One QuerySet per board is built once and cloned by every use, from every thread. That holds
only while chaining clones the query and leaves the original untouched and unevaluated; these
tests fail loudly if a Django upgrade (or a new caller) breaks it.
"""

import threading

from journeyboard.boards.badged import badged_cards
from journeyboard.boards.cards import create_card
from journeyboard.boards.comments import add_comment
from journeyboard.boards.voting import close_round, start_round, toggle_vote
from tests.base import HTMX, BaseTestCase


class KeptQuerysetTests(BaseTestCase):
    def setUp(self):
        super().setUp()
        badged_cards.cache_clear()

    def counts(self, card):
        fetched = badged_cards(self.board.pk).filter(pk=card.pk).first()
        return fetched.comment_count, fetched.vote_count

    def test_one_queryset_per_board_is_kept(self):
        assert badged_cards(self.board.pk) is badged_cards(self.board.pk)

    def test_chaining_leaves_the_kept_queryset_as_it_was_and_unevaluated(self):
        kept = badged_cards(self.board.pk)
        sql = str(kept.query)
        kept.filter(pk=self.card.pk).select_related("phase").first()
        list(kept.filter(phase_id=self.phase.pk).values("id", "comment_count"))
        assert str(kept.query) == sql
        assert kept._result_cache is None  # results are never kept with it
        assert kept._deferred_filter is None  # reading .query mutates nothing

    def test_the_board_page_and_a_card_edit_never_evaluate_it(self):
        self.login(self.owner)
        assert self.client.get(self.board_url()).status_code == 200
        answer = self.client.post(self.board_url(f"cards/{self.card.pk}/"), {"title": "Retitled"}, **HTMX)
        assert answer.status_code == 200
        assert badged_cards(self.board.pk)._result_cache is None

    def test_counts_are_read_when_fetched_not_when_kept(self):
        assert self.counts(self.card) == (0, 0)
        add_comment(self.editor, self.card, "Seen on Instagram")
        start_round(self.owner, self.board, votes_per_person=3)
        toggle_vote(self.editor, self.card)
        assert self.counts(self.card) == (1, 1)

    def test_a_new_round_is_seen_by_the_kept_queryset(self):
        start_round(self.owner, self.board, votes_per_person=3)
        toggle_vote(self.editor, self.card)
        close_round(self.owner, self.board)
        self.counts(self.card)
        start_round(self.owner, self.board, votes_per_person=3)
        assert self.counts(self.card) == (0, 0)  # the new round has no votes yet

    def test_threads_cloning_it_at_once_each_get_their_own_card(self):
        cards = [create_card(self.owner, self.phase, title=f"Card {n}") for n in range(8)]
        kept = badged_cards(self.board.pk)
        found, start = {}, threading.Barrier(len(cards))

        def fetch(card):
            start.wait()
            clone = kept.filter(pk=card.pk)
            found[card.pk] = [condition.rhs for condition in clone.query.where.children]

        threads = [threading.Thread(target=fetch, args=(card,)) for card in cards]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert found == {card.pk: [card.pk] for card in cards}
        assert len(kept.query.where.children) == 0
