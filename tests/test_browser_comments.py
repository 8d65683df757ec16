"""Comments in two real browsers: a comment written by one person shows up for the other
at once, as the card's badge and in the thread if they have it open, without disturbing
a card editor they have open; keyboard only where it matters."""

import pytest

from journeyboard.boards.cards import create_card
from journeyboard.boards.comments import add_comment
from journeyboard.boards.models import Comment, Membership, Role
from tests import browsing as live
from tests.browsing import settled

pytestmark = pytest.mark.browser

from playwright.sync_api import expect  # noqa: E402


class CommentTests(live.TwoPeopleTestCase):
    def setUp(self):
        super().setUp()
        self.checkout = create_card(self.user, self.phases[1], title="Checkout")
        self.webshop = create_card(self.user, self.phases[0], title="Webshop")
        self.berts = add_comment(self.bert, self.checkout, "Too many steps")

    def badge(self, page, card):
        return page.locator(f"#card-{card.pk} .comment-badge")

    def open_thread(self, page, card):
        self.badge(page, card).click()
        expect(page.locator("#comments-dialog")).to_be_visible()
        expect(page.locator(f"#comments-{card.pk}")).to_be_visible()
        return page.locator(f"#comment-list-{card.pk} .comment")

    def test_a_comment_appears_for_the_other_as_badge_and_in_the_open_thread(self):
        anna, bert = self.both()
        expect(self.badge(anna, self.checkout)).to_have_text("1")
        expect(self.badge(anna, self.webshop)).to_have_count(0)  # no comments, no badge

        on_bert = self.open_thread(bert, self.checkout)
        expect(on_bert).to_have_count(1)
        on_anna = self.open_thread(anna, self.checkout)
        expect(on_anna.first).to_contain_text("bert")
        expect(on_anna.first).to_contain_text("Too many steps")
        # The text area has the focus: type and send with Ctrl+Enter.
        field = anna.locator(f"#comment-text-{self.checkout.pk}")
        expect(field).to_be_focused()
        field.fill("Let's merge address and payment")
        field.press("Control+Enter")

        expect(on_anna).to_have_count(2)
        expect(anna.locator(f"#comment-text-{self.checkout.pk}")).to_have_value("")
        expect(anna.locator(f"#comment-text-{self.checkout.pk}")).to_be_focused()  # ready for the next one
        expect(self.badge(anna, self.checkout)).to_have_text("2")
        # Bert sees it live: the badge, and the comment appended to his open thread, once.
        expect(self.badge(bert, self.checkout)).to_have_text("2", timeout=live.LIVE)
        expect(on_bert).to_have_count(2, timeout=live.LIVE)
        expect(on_bert.last).to_contain_text("anna")
        expect(on_bert.last).to_contain_text("Let's merge address and payment")
        # He may delete his own comment but not Anna's; she, the owner, may delete both.
        expect(on_bert.first.locator(".comment-delete")).to_be_visible()
        expect(on_bert.last.locator(".comment-delete")).to_be_hidden()
        expect(on_anna.locator(".comment-delete")).to_have_count(2)

        # Bert deletes his (and confirms): it leaves Anna's open thread and her badge goes down.
        bert.on("dialog", lambda dialog: dialog.accept())
        on_bert.first.locator(".comment-delete").click()
        expect(on_bert).to_have_count(1)
        expect(on_anna).to_have_count(1, timeout=live.LIVE)
        expect(on_anna.first).to_contain_text("Let's merge address and payment")
        expect(self.badge(anna, self.checkout)).to_have_text("1", timeout=live.LIVE)
        self.assertEqual(list(Comment.objects.values_list("author__username", flat=True)), ["anna"])

    def test_a_comment_does_not_disturb_the_card_editor_it_is_about(self):
        anna, bert = self.both()
        errors = []
        bert.on("console", lambda message: message.type == "error" and errors.append(message.text))
        # Bert is editing the web shop card and has typed half a title.
        bert.locator(f"#card-{self.webshop.pk}").click()
        title = bert.locator(f"form#card-{self.webshop.pk} input[name=title]")
        expect(title).to_be_focused()
        title.fill("Webshop (mobile")

        # Anna starts its thread from the card's editor ("Comments"): a card without comments has no badge.
        anna.locator(f"#card-{self.webshop.pk}").click()
        anna.locator(f"form#card-{self.webshop.pk} .card-comments-open").click()
        field = anna.locator(f"#comment-text-{self.webshop.pk}")
        expect(field).to_be_focused()
        field.fill("Half our visitors are on phones")
        anna.locator(f"#comment-form-{self.webshop.pk} button[type=submit]").click()
        expect(anna.locator(f"#comment-list-{self.webshop.pk} .comment")).to_have_count(1)
        settled(anna)
        # Her own editor stays open too.
        expect(anna.locator(f"form#card-{self.webshop.pk}")).to_be_visible()

        # The comment reaches Bert's page (another card's badge proves the page is live)...
        anna.locator("#comments-dialog [data-close-dialog]").click()
        self.open_thread(anna, self.checkout)
        anna.locator(f"#comment-text-{self.checkout.pk}").fill("Also: guest checkout")
        anna.locator(f"#comment-text-{self.checkout.pk}").press("Control+Enter")
        expect(self.badge(bert, self.checkout)).to_have_text("2", timeout=live.LIVE)
        # ...but his editor and what he typed stay, with no "changed by someone else" warning.
        expect(title).to_have_value("Webshop (mobile")
        expect(bert.locator(f"form#card-{self.webshop.pk} .changed-notice")).to_have_count(0)
        # Closed, the card shows its current count.
        title.press("Escape")
        expect(self.badge(bert, self.webshop)).to_have_text("1")
        # Comments for threads Bert does not have open had somewhere to go: no htmx errors.
        self.assertEqual(errors, [])
        expect(bert.locator("#comment-sink > *")).to_have_count(0)

    def test_two_writers_each_may_delete_only_their_own_comment_as_comments_arrive_live(self):
        # Neither owns the board: only the server knows whose comment each of them may delete.
        carl = live.make_browser_user("carl")
        Membership.objects.create(board=self.board, user=carl, role=Role.EDITOR)
        carl_context = self.browser.new_context(viewport={"width": 1600, "height": 1000})
        self.addCleanup(carl_context.close)
        bert = self.open_board(self.other_context.new_page(), "bert")
        carl = self.open_board(carl_context.new_page(), "carl")
        on_bert = self.open_thread(bert, self.checkout)
        on_carl = self.open_thread(carl, self.checkout)
        expect(on_carl).to_have_count(1)
        # Bert is halfway through a reply when Carl's comment arrives.
        bert_field = bert.locator(f"#comment-text-{self.checkout.pk}")
        bert_field.fill("Which steps")

        carl_field = carl.locator(f"#comment-text-{self.checkout.pk}")
        carl_field.fill("Guest checkout would help")
        carl_field.press("Control+Enter")

        expect(on_carl).to_have_count(2)
        expect(on_bert).to_have_count(2, timeout=live.LIVE)
        expect(on_bert.last).to_contain_text("Guest checkout would help")
        # Bert's page has a delete button on his comment only, Carl's page on Carl's only.
        expect(on_bert.first.locator(".comment-delete")).to_be_visible()
        expect(on_bert.last.locator(".comment-delete")).to_have_count(0)
        expect(on_carl.first.locator(".comment-delete")).to_have_count(0)
        expect(on_carl.last.locator(".comment-delete")).to_be_visible()
        # What Bert was typing is still there.
        expect(bert_field).to_have_value("Which steps")

        # And the other way round: Bert's reply reaches Carl, once, without a button for him.
        bert_field.fill("Which steps would you drop?")
        bert_field.press("Control+Enter")
        expect(on_bert).to_have_count(3)
        expect(on_carl).to_have_count(3, timeout=live.LIVE)
        expect(on_carl.last).to_contain_text("Which steps would you drop?")
        expect(on_carl.locator(".comment-delete")).to_have_count(1)
        expect(on_carl.nth(1).locator(".comment-delete")).to_be_visible()
        expect(on_bert.locator(".comment-delete")).to_have_count(2)
        expect(on_bert.nth(1).locator(".comment-delete")).to_have_count(0)

    def test_the_thread_by_keyboard(self):
        anna = self.open_board(self.page, "anna")
        badge = self.badge(anna, self.checkout)
        badge.focus()
        badge.press("Enter")
        field = anna.locator(f"#comment-text-{self.checkout.pk}")
        expect(field).to_be_focused()
        # Enter on the badge opened the thread, not the card's editor.
        expect(anna.locator(f"form#card-{self.checkout.pk}")).to_have_count(0)
        field.press("Escape")
        expect(anna.locator("#comments-dialog")).to_be_hidden()
        expect(badge).to_be_focused()

    def test_a_refused_comment_shows_why_and_keeps_the_text(self):
        anna = self.open_board(self.page, "anna")
        self.open_thread(anna, self.checkout)
        field = anna.locator(f"#comment-text-{self.checkout.pk}")
        # Over the limit (the text area's maxlength stops typing, not a pasted value set by script).
        field.evaluate("(el) => { el.removeAttribute('maxlength'); el.value = 'x'.repeat(2001); }")
        field.press("Control+Enter")
        expect(anna.locator(f"#comment-form-{self.checkout.pk} .error")).to_contain_text("at most 2000 characters")
        expect(anna.locator(f"#comment-text-{self.checkout.pk}")).to_have_value("x" * 2001)
        expect(anna.locator(f"#comment-list-{self.checkout.pk} .comment")).to_have_count(1)
        self.assertEqual(Comment.objects.count(), 1)
