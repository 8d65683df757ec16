"""Comments on cards: the thread, adding and deleting, who may, bad input, the badge.

Viewers may read threads but not comment (a comment changes the board's content, and
viewers change nothing); outsiders and other boards' ids get 404; a refused comment
changes nothing at all, not even the revision.
"""

import re
from datetime import datetime

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.db.models import Count
from django.test.utils import CaptureQueriesContext

from journeyboard.boards.cards import create_card
from journeyboard.boards.comments import add_comment, delete_comment, thread_of, with_comment_count, with_delete_rights
from journeyboard.boards.models import COMMENT_MAX, Board, BoardEvent, Card, Comment, Membership, Role
from journeyboard.boards.rendering import load_phases
from tests.base import HTMX, MISSING_ID, BoardChangeTestCase, board_state, make_user

BADGE = re.compile(r'<button type="button" class="comment-badge" data-comments="(\d+)"[^>]*>.*?</svg>(\d+)</button>', re.S)
COMMENT = re.compile(r'<li id="comment-(\d+)" class="comment"')


def badges(html):
    """{card id: the number on its comment badge}: cards without comments have none."""
    return {int(card): int(count) for card, count in BADGE.findall(html)}


def card_article(html, card):
    """The markup of one card in `html`."""
    found = re.search(rf'<article id="card-{card.pk}".*?</article>', html, re.S)
    assert found, f"card {card.pk} is not in the answer"
    return found.group(0)


class CommentTestCase(BoardChangeTestCase):
    def thread_url(self, card=None):
        return f"cards/{(card or self.card).pk}/comments/"

    def comment(self, text="Great idea", data=None, card=None):
        return self.post(self.thread_url(card), {"text": text} if data is None else data)

    def state(self):
        """What a refused request must leave as it was: the board and every comment."""
        comments = Comment.objects.order_by("pk").values_list("pk", "card_id", "author_id", "text")
        return {**board_state(self.board), "comments": list(comments)}

    def assertNothingChanged(self, before):
        self.assertEqual(self.state(), before)


class AddCommentTests(CommentTestCase):
    def test_a_comment_is_added_to_the_thread_and_the_card_shows_its_count(self):
        before = board_state(self.board)
        response = self.comment("  Should we A/B test this?\r\nI think so.  ")

        self.assertEqual(response.status_code, 200)
        comment = Comment.objects.get()
        # Trimmed, and the browser's CRLF stored as one line break.
        self.assertEqual((comment.card, comment.author), (self.card, self.editor))
        self.assertEqual(comment.text, "Should we A/B test this?\nI think so.")
        html = response.content.decode()
        self.assertIn(f'<section id="comments-{self.card.pk}"', html)
        self.assertEqual(COMMENT.findall(html), [str(comment.pk)])
        self.assertIn("Should we A/B test this?\nI think so.", html)
        self.assertIn('<strong class="comment-author">emil</strong>', html)
        stamp = re.search(r'<time class="comment-time" datetime="([^"]+)"', html).group(1)
        self.assertEqual(datetime.fromisoformat(stamp), comment.created_at)
        # A fresh, empty form for the next comment.
        self.assertRegex(html, rf'<textarea id="comment-text-{self.card.pk}" name="text"[^>]*></textarea>')
        # The page that commented gets the card's new badge out of band (it gets no broadcast).
        card = card_article(html, self.card)
        self.assertIn('hx-swap-oob="true"', card)
        self.assertEqual(badges(html), {self.card.pk: 1})
        self.assertRecorded(before, "comment.added", card=self.card.pk, comment=comment.pk, phase=self.phase.pk)
        self.assertEqual(BoardEvent.objects.last().data["after"]["text"], comment.text)

    def test_the_thread_lists_comments_oldest_first_with_their_authors_names(self):
        guest = make_user("guest-4f2a")
        guest.first_name = "Sanne"
        guest.save()
        Membership.objects.create(board=self.board, user=guest, role=Role.EDITOR)
        add_comment(self.owner, self.card, "First")
        add_comment(guest, self.card, "Second")
        add_comment(self.editor, self.card, "Third")

        html = self.client.get(self.board_url(self.thread_url()), **HTMX).content.decode()

        authors = re.findall(r'<strong class="comment-author">([^<]*)</strong>', html)
        texts = re.findall(r'<p class="comment-text">([^<]*)</p>', html)
        self.assertEqual(list(zip(authors, texts)), [("olivia", "First"), ("Sanne", "Second"), ("emil", "Third")])
        self.assertEqual(re.findall(r"<time [^>]*>([^<]*)</time>", html), ["now"] * 3)  # naturaltime

    def test_a_comment_of_exactly_2000_characters_is_kept(self):
        text = "x" * COMMENT_MAX
        response = self.comment(text)
        self.assertEqual(response.status_code, 200)
        self.assertEqual(Comment.objects.get().text, text)

    def test_a_comment_over_2000_characters_is_refused_with_the_form_and_changes_nothing(self):
        before = self.state()
        text = "x" * (COMMENT_MAX + 1)
        response = self.comment(text)

        self.assertEqual(response.status_code, 422)
        html = response.content.decode()
        self.assertIn(f'<form id="comment-form-{self.card.pk}"', html)
        self.assertIn("Ensure this value has at most 2000 characters (it has 2001).", html)
        self.assertIn(f">{text}</textarea>", html)  # what was typed is kept for shortening
        self.assertEqual(response["HX-Retarget"], f"#comment-form-{self.card.pk}")
        self.assertEqual(response["HX-Reswap"], "outerHTML")
        self.assertNothingChanged(before)

    def test_line_breaks_count_once_so_what_fits_the_text_area_fits(self):
        text = ("y" * 99 + "\r\n") * 20  # 2000 characters as the text area counts them
        response = self.comment(text)
        self.assertEqual(response.status_code, 200)
        self.assertEqual(len(Comment.objects.get().text), COMMENT_MAX - 1)  # the last line break is trimmed

    def test_an_empty_or_blank_comment_is_refused(self):
        before = self.state()
        for text, data in [("", None), ("   \r\n\t ", None), ("missing", {})]:
            with self.subTest(repr(text)):
                response = self.comment(text, data)
                self.assertContains(response, "Write something first.", status_code=422)
                self.assertNothingChanged(before)

    def test_markup_in_a_comment_is_shown_as_text(self):
        self.comment('<script>alert("hi")</script><b>bold</b>')
        html = self.client.get(self.board_url(self.thread_url()), **HTMX).content.decode()
        self.assertIn("&lt;script&gt;alert(&quot;hi&quot;)&lt;/script&gt;&lt;b&gt;bold&lt;/b&gt;", html)
        self.assertNotIn("<script>alert", html)
        self.assertNotIn("<b>bold", html)

    def test_a_card_deleted_meanwhile_is_not_found(self):
        card = create_card(self.owner, self.phase, title="Short-lived")
        Card.objects.filter(pk=card.pk).delete()
        self.assertEqual(self.comment(card=card).status_code, 404)
        self.assertFalse(Comment.objects.exists())


class WhoMayCommentTests(CommentTestCase):
    def test_viewers_read_threads_but_may_not_comment(self):
        comment = add_comment(self.editor, self.card, "Needs a clearer price")
        self.login(self.viewer)
        before = self.state()

        thread = self.client.get(self.board_url(self.thread_url()), **HTMX)
        self.assertContains(thread, "Needs a clearer price")
        self.assertNotContains(thread, "<textarea")
        self.assertNotContains(thread, "hx-post")  # no form, no delete buttons

        self.assertRefusedWithText(self.comment(), 403, "You can view this board but not change it.")
        self.assertRefusedWithText(self.post(f"comments/{comment.pk}/delete/"), 403, "You can view this board but not change it.")
        self.assertNothingChanged(before)

    def test_outsiders_get_404_as_for_a_board_that_does_not_exist(self):
        comment = add_comment(self.editor, self.card, "Hello")
        self.login(self.outsider)
        before = self.state()
        for method, path in [
            ("get", self.thread_url()),
            ("post", self.thread_url()),
            ("post", f"comments/{comment.pk}/delete/"),
        ]:
            with self.subTest(method=method, path=path):
                response = getattr(self.client, method)(self.board_url(path), {"text": "Let me in"}, **HTMX)
                self.assertRefusedWithText(response, 404, "No such board.")
        self.assertNothingChanged(before)

    def test_cards_and_comments_of_another_board_are_not_found_through_this_one(self):
        other = self.other_board()
        other_card = create_card(self.owner, other.phases.first(), title="Elsewhere")
        other_comment = add_comment(self.owner, other_card, "Over there")
        before = {**self.state(), "other": board_state(other)}

        for method, path in [
            ("get", self.thread_url(other_card)),
            ("post", self.thread_url(other_card)),
            ("post", f"comments/{other_comment.pk}/delete/"),
            ("post", f"comments/{MISSING_ID}/delete/"),
            ("get", f"cards/{MISSING_ID}/comments/"),
        ]:
            with self.subTest(method=method, path=path):
                response = getattr(self.client, method)(self.board_url(path), {"text": "Sneaky"}, **HTMX)
                self.assertEqual(response.status_code, 404)
        self.assertEqual({**self.state(), "other": board_state(other)}, before)

    def test_a_locked_board_takes_comments_only_from_facilitators(self):
        Board.objects.filter(pk=self.board.pk).update(locked=True)
        before = self.state()
        self.assertRefusedWithText(self.comment(), 403, "The board is locked by the facilitator.")
        self.assertNothingChanged(before)
        self.login(self.owner)
        self.assertEqual(self.comment("While presenting").status_code, 200)

    def test_get_only_and_post_only(self):
        comment = add_comment(self.editor, self.card, "Hello")
        self.assertEqual(self.client.get(self.board_url(f"comments/{comment.pk}/delete/")).status_code, 405)
        self.assertEqual(self.client.put(self.board_url(self.thread_url())).status_code, 405)


class DeleteCommentTests(CommentTestCase):
    def setUp(self):
        super().setUp()
        self.mine = add_comment(self.editor, self.card, "Mine")
        self.owners = add_comment(self.owner, self.card, "The owner's")

    def test_authors_delete_their_own_comments(self):
        before = board_state(self.board)
        response = self.post(f"comments/{self.mine.pk}/delete/")

        self.assertEqual(response.status_code, 200)
        self.assertFalse(Comment.objects.filter(pk=self.mine.pk).exists())
        # No comment in the answer (htmx swaps it away), the card's badge out of band.
        self.assertEqual(COMMENT.findall(response.content.decode()), [])
        self.assertEqual(badges(response.content.decode()), {self.card.pk: 1})
        event = self.assertRecorded(before, "comment.deleted", card=self.card.pk, comment=self.mine.pk)
        self.assertEqual((event.data["before"]["text"], event.data["before"]["author"]), ("Mine", self.editor.pk))

    def test_nobody_else_but_the_owner_may_delete_a_comment(self):
        before = self.state()
        self.assertRefusedWithText(
            self.post(f"comments/{self.owners.pk}/delete/"), 403, "Only its author or the board's owner can delete a comment."
        )
        self.assertNothingChanged(before)

    def test_the_owner_deletes_anyones_comment_and_the_last_one_takes_the_badge_away(self):
        self.login(self.owner)
        self.post(f"comments/{self.owners.pk}/delete/")
        response = self.post(f"comments/{self.mine.pk}/delete/")

        self.assertEqual(response.status_code, 200)
        self.assertFalse(Comment.objects.exists())
        self.assertIn('hx-swap-oob="true"', card_article(response.content.decode(), self.card))
        self.assertEqual(badges(response.content.decode()), {})

    def test_delete_buttons_show_where_they_work(self):
        # Hiding is not the check (the tests above are); it spares people buttons that answer 403.
        thread = self.board_url(self.thread_url())
        html = self.client.get(thread, **HTMX).content.decode()
        self.assertIn(f"comments/{self.mine.pk}/delete/", html)
        self.assertNotIn(f"comments/{self.owners.pk}/delete/", html)
        self.login(self.owner)
        html = self.client.get(thread, **HTMX).content.decode()
        self.assertIn(f"comments/{self.mine.pk}/delete/", html)
        self.assertIn(f"comments/{self.owners.pk}/delete/", html)

    def test_who_may_delete_is_decided_once_in_python(self):
        with_rights = with_delete_rights(thread_of(self.card), self.editor, self.board, can_write=True)
        self.assertEqual([c.can_delete for c in with_rights], [True, False])
        with_rights = with_delete_rights(thread_of(self.card), self.owner, self.board, can_write=True)
        self.assertEqual([c.can_delete for c in with_rights], [True, True])
        # While the board is locked for them, nobody sees a delete button that answers 403.
        with_rights = with_delete_rights(thread_of(self.card), self.editor, self.board, can_write=False)
        self.assertEqual([c.can_delete for c in with_rights], [False, False])
        self.board.locked = True
        self.board.save()
        html = self.client.get(self.board_url(self.thread_url()), **HTMX).content.decode()
        self.assertNotIn("/delete/", html)

    def test_a_comment_deleted_meanwhile_is_not_found(self):
        delete_comment(self.editor, self.mine)
        before = self.state()
        self.assertEqual(self.post(f"comments/{self.mine.pk}/delete/").status_code, 404)
        self.assertNothingChanged(before)


class BadgeTests(CommentTestCase):
    def page(self):
        return self.client.get(self.board_url()).content.decode()

    def test_each_card_shows_its_count_and_cards_without_comments_show_none(self):
        quiet = create_card(self.owner, self.phases[1], title="No talk here")
        busy = create_card(self.owner, self.phases[1], title="Much talk")
        for n in range(3):
            add_comment(self.editor, busy, f"Point {n}")
        add_comment(self.owner, self.card, "One")

        self.assertEqual(badges(self.page()), {self.card.pk: 1, busy.pk: 3})
        self.assertNotIn("comment-badge", card_article(self.page(), quiet))

    def test_the_badge_survives_every_answer_that_re_renders_a_card(self):
        add_comment(self.owner, self.card, "One")
        add_comment(self.owner, self.card, "Two")
        answers = {
            "edit form cancelled": self.client.get(self.board_url(f"cards/{self.card.pk}/"), **HTMX),
            "card edited": self.post(f"cards/{self.card.pk}/", {"title": "Instagram reel"}),
            "card moved": self.post(f"cards/{self.card.pk}/move/", {"phase": self.phases[1].pk, "position": 0}),
            "lane shown in full": self.client.get(self.board_url(f"phases/{self.phases[1].pk}/cards/"), **HTMX),
        }
        for name, response in answers.items():
            with self.subTest(name):
                self.assertEqual(response.status_code, 200)
                self.assertEqual(badges(response.content.decode()), {self.card.pk: 2})

    def test_the_card_editor_opens_the_thread_too(self):
        add_comment(self.owner, self.card, "One")
        html = self.client.get(self.board_url(f"cards/{self.card.pk}/edit/"), **HTMX).content.decode()
        opener = rf'class="link-button card-comments-open" data-comments="{self.card.pk}"[^>]*>.*1 comment</button>'
        self.assertRegex(html, opener)

    def test_the_board_page_costs_the_same_queries_however_many_comments(self):
        def queries():
            with CaptureQueriesContext(connection) as captured:
                html = self.page()
            return len(captured), html

        cards = [self.card, *(create_card(self.owner, phase, title=f"Card {n}") for n, phase in enumerate(self.phases * 4))]
        without, _ = queries()
        for n, card in enumerate(cards):
            for i in range(n % 4):
                Comment.objects.create(card=card, author=self.owner, text=f"Comment {i}")
        with_many, html = queries()

        self.assertEqual(with_many, without)
        self.assertEqual(badges(html), {card.pk: n % 4 for n, card in enumerate(cards) if n % 4})

    def test_counts_do_not_multiply_with_other_joins(self):
        # A JOIN-based count would multiply with another per-card JOIN; the subquery does not.
        add_comment(self.owner, self.card, "One")
        add_comment(self.owner, self.card, "Two")
        card = with_comment_count(Card.objects.filter(pk=self.card.pk)).annotate(n=Count("comments")).get()
        self.assertEqual(card.comment_count, 2)
        with self.assertNumQueries(4):  # phases, rows, the cards' personas, cards
            lanes = load_phases(self.board)
        self.assertEqual([card["comment_count"] for card in lanes[0].shown_cards], [2])


class ServiceTests(CommentTestCase):
    def test_deleting_someone_elses_comment_in_the_service_is_refused_too(self):
        comment = add_comment(self.owner, self.card, "The owner's")
        with self.assertRaises(PermissionDenied):
            delete_comment(self.editor, comment)
        self.assertTrue(Comment.objects.filter(pk=comment.pk).exists())

    def test_deleting_a_card_takes_its_thread_with_it(self):
        add_comment(self.owner, self.card, "One")
        self.post(f"cards/{self.card.pk}/delete/")
        self.assertFalse(Comment.objects.exists())

    def test_an_author_who_left_is_shown_as_a_former_member(self):
        leaver = make_user("leaver")
        Membership.objects.create(board=self.board, user=leaver, role=Role.EDITOR)
        add_comment(leaver, self.card, "Bye")
        get_user_model().objects.filter(pk=leaver.pk).delete()
        html = self.client.get(self.board_url(self.thread_url()), **HTMX).content.decode()
        self.assertIn('<strong class="comment-author">Former member</strong>', html)
        # Nobody may delete an authorless comment but the owner (None is nobody's id).
        self.assertNotIn("/delete/", html)
