"""The Markdown export for wikis, read back with a CommonMark parser as a wiki would."""

from decimal import Decimal

from django.utils import timezone
from markdown_it import MarkdownIt

from journeyboard.boards.card_personas import set_card_personas
from journeyboard.boards.cards import create_card
from journeyboard.boards.lifecycle import create_board
from journeyboard.boards.models import Membership, Role
from journeyboard.boards.personas import create_persona
from journeyboard.boards.phases import update_phase
from tests.base import BaseTestCase


def tokens(text):
    """The parsed document: (type, tag, content) of every block and inline token."""
    out = []
    for token in MarkdownIt("commonmark").parse(text):
        out.append(token)
        out.extend(token.children or [])
    return out


def plain_text(text):
    """What a reader sees: the text of every inline piece, markup gone."""
    return "".join(t.content for t in tokens(text) if t.type in ("text", "code_inline"))


class MarkdownExportTests(BaseTestCase):
    def get(self, user=None, board=None):
        self.login(user or self.viewer)
        return self.client.get(f"/boards/{(board or self.board).pk}/export.md")

    def test_every_member_downloads_markdown_named_after_the_board_and_day(self):
        for user in (self.owner, self.editor, self.viewer):
            with self.subTest(user.username):
                response = self.get(user)
                self.assertEqual(response.status_code, 200)
                self.assertEqual(response["Content-Type"], "text/markdown; charset=utf-8")
                day = timezone.localdate().isoformat()
                self.assertEqual(response["Content-Disposition"], f'attachment; filename="webshop-journey-{day}.md"')

    def test_outsiders_get_404_and_anonymous_users_the_login_page(self):
        self.assertEqual(self.get(self.outsider).status_code, 404)
        self.client.logout()
        self.assertEqual(self.client.get(self.board_url("export.md")).status_code, 302)

    def test_the_journey_phase_by_phase_with_touchpoints_personas_and_kpis(self):
        sanne = create_persona(self.owner, self.board, name="Sanne de Vries", role="Commuter", quote="I want to arrive fresh.")
        jurgen = create_persona(self.owner, self.board, name="Jürgen *Pro*")
        price = create_card(self.owner, self.phases[1], title="Price comparison", note="Cheaper elsewhere.\nShipping costs hurt.", kind="pain", channel="website", emotion=-2)
        set_card_personas(self.owner, price, [jurgen.pk, sanne.pk])
        update_phase(self.owner, self.phases[0], kpi_name="Conversion", kpi_value=Decimal("3.2"), kpi_target=Decimal("4"), kpi_unit="%")
        text = self.get().content.decode()
        parsed = tokens(text)
        headings = [parsed[i + 1].content for i, t in enumerate(parsed) if t.type == "heading_open"]
        self.assertEqual(headings, ["Webshop journey", "Personas", "1. Awareness", "2. Consideration", "3. Decision"])
        items = [t.content for t in parsed if t.type == "inline"]
        self.assertIn("**Sanne de Vries**, Commuter: “I want to arrive fresh.”", items)
        self.assertIn("**KPI** Conversion: 3.2 % (target 4 %, off target)", items)
        self.assertIn("**Instagram ad** · Touchpoint · Channel: Advertising / campaign · Emotion: Positive (+1)", items)
        self.assertIn(
            "**Price comparison** · Pain point · Channel: Website / webshop · Emotion: Very negative (−2)"
            " · Personas: Sanne de Vries, Jürgen \\*Pro\\*",
            items,
        )
        note = next(i for i, t in enumerate(parsed) if t.type == "text" and t.content == "Cheaper elsewhere.")
        self.assertEqual([t.type for t in parsed[note + 1 : note + 3]], ["hardbreak", "text"])
        self.assertEqual(parsed[note + 2].content, "Shipping costs hurt.")
        self.assertLess(text.index("Instagram ad"), text.index("Price comparison"))
        # The note belongs to its card: it is inside the list item.
        item_depth = 0
        for token in parsed:
            item_depth += token.nesting if token.type.startswith("list_item") else 0
            if token.type == "inline" and "Cheaper elsewhere" in token.content:
                self.assertEqual(item_depth, 1)

    def test_in_the_boards_language_whoever_downloads_it(self):
        board = create_board(self.owner, "Reise", template="buyer", language="de")
        Membership.objects.create(board=board, user=self.viewer, role=Role.VIEWER)
        create_card(self.owner, board.phases.first(), title="Anzeige", kind="pain", channel="phone", emotion=-1)
        self.client.cookies["django_language"] = "nl"
        text = self.get(board=board).content.decode()
        self.assertIn("## 1. Bewusstsein", text)
        self.assertIn("**Anzeige** · Pain Point · Kanal: Telefonischer Support · Emotion: Negativ (−1)", text)
        self.assertIn("Noch keine Karten", text)

    def test_markdown_specials_in_user_text_stay_text(self):
        nasty = "*bold* _it_ [link](http://evil.example) <script>alert(1)</script> `code` | pipe & &amp;"
        create_card(self.owner, self.phase, title=nasty, note="# Not a heading\n- not a list\n1. not numbered\n> not a quote\n---\n    not code")
        self.board.title = "#1 board *ever*"
        self.board.description = "A [description](x) with <b>HTML</b>"
        self.board.save()
        text = self.get().content.decode()
        parsed = tokens(text)
        kinds = {t.type for t in parsed}
        for unwanted in ("link_open", "html_inline", "html_block", "code_inline", "code_block", "fence", "blockquote_open", "ordered_list_open", "s_open"):
            self.assertNotIn(unwanted, kinds)
        # Emphasis is the export's own (segments, empty phases, the footer, card titles as a whole).
        emphasised = {parsed[i + 1].content for i, t in enumerate(parsed) if t.type in ("em_open", "strong_open")}
        day = timezone.localdate().isoformat()
        self.assertEqual(emphasised, {"Buyer journey", "No cards yet", f"Made with Journeyboard, {day}", "Instagram ad", nasty})
        seen = plain_text(text)
        self.assertIn(nasty, seen)
        self.assertIn("#1 board *ever*", seen)
        self.assertIn("A [description](x) with <b>HTML</b>", seen)
        for line in ("# Not a heading", "- not a list", "1. not numbered", "> not a quote", "---", "not code"):
            self.assertIn(line, seen)
        self.assertEqual(sum(t.type == "hr" for t in parsed), 1)  # only the footer's rule
        self.assertEqual([t.tag for t in parsed if t.type == "heading_open"][0], "h1")

    def test_an_empty_board(self):
        board = create_board(self.owner, "Blank", template="blank", language="en")
        self.login(self.owner)
        text = self.client.get(f"/boards/{board.pk}/export.md").content.decode()
        self.assertIn("This board has no phases yet.", plain_text(text))
