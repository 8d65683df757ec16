"""The UI in English, Dutch and German.

- Nothing a template writes for people to read is left unmarked for translation.
- Every marked string (templates and Python) is in both catalogues, translated, with the
  same placeholders as the English.
- The committed .mo files are their .po files compiled: a fresh machine has no gettext
  tools, so the app runs on what is committed (`make messages` rebuilds both).
- Pages come out in the browser's language, or the one picked in the switcher.

The extraction here is written independently of `makemessages` on purpose: the catalogues
must agree with it in both directions, so a string added to a template without running
`make messages`, or one left behind in a catalogue, fails here.
"""

import ast
import gettext
import re
from collections import Counter
from html.parser import HTMLParser
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.template.base import Lexer, TokenType
from django.test import Client
from django.utils import translation
from django.utils.translation import trim_whitespace

from journeyboard.boards.lifecycle import create_board
from journeyboard.export.snapshot import board_snapshot
from tests.base import BaseTestCase

BASE = Path(settings.BASE_DIR)
TEMPLATE_DIR = BASE / "templates"
LOCALE_DIR = BASE / "locale"
TRANSLATED = ("nl", "de")  # English is the source language: its text is the msgid itself

# Words a template may write literally in every language. Keep this short: each entry is
# text that is the same whatever the reader's language.
ALLOWED_WORDS = {
    "Journeyboard",  # the product's name (brand in the top bar, page titles)
}

# Attributes whose value people read or hear: tooltips, placeholders, screen-reader names,
# confirmation prompts, and the labels our scripts show (they read them from data-*).
VISIBLE_ATTRIBUTES = {"placeholder", "title", "aria-label", "aria-description", "alt", "hx-confirm", "hx-prompt"}
SCRIPT_LABEL = re.compile(r"^data-(.+-)?(label|message|copied|text)(-.+)?$")
BUTTON_INPUTS = {"submit", "button", "reset"}  # an <input> of these types shows its value
# Elements whose text is not prose: code, and <code>, which shows paths and values verbatim.
VERBATIM = {"script", "style", "code"}

# Stands in for whatever a tag or variable renders: never a word of its own.
MARK = "\x00"
# Tags that render nothing themselves; any other tag's output counts as rendered (MARK).
SILENT_TAGS = {
    "load", "extends", "block", "endblock", "if", "elif", "else", "endif", "for", "empty", "endfor",
    "with", "endwith", "partialdef", "endpartialdef", "localize", "endlocalize", "spaceless",
    "endspaceless", "autoescape", "endautoescape", "csrf_token", "get_current_language",
    "get_available_languages", "get_language_info", "get_language_info_list",
}
TRANSLATE_TAGS = {"translate", "trans"}
BLOCKTRANSLATE_TAGS = {"blocktranslate", "blocktrans"}
END_BLOCKTRANSLATE = {"endblocktranslate", "endblocktrans"}


def templates():
    return sorted(TEMPLATE_DIR.rglob("*.html"))


def template_id(path):
    return str(path.relative_to(TEMPLATE_DIR))


def tokens_of(path):
    return Lexer(path.read_text(encoding="utf-8")).tokenize()


def page_tokens(path):
    """A template's tokens as a page renders them: a child's blocks put into its parent's
    places (so that `{% block body_class %}` lands inside `class="..."`), then whatever the
    child holds outside blocks (its partials, rendered on their own)."""
    tokens = tokens_of(path)
    first = next((t for t in tokens if t.token_type is TokenType.BLOCK), None)
    if first is None or first.split_contents()[0] != "extends":
        return tokens
    blocks, outside = _child_blocks(tokens[tokens.index(first) + 1 :])
    return _fill(page_tokens(TEMPLATE_DIR / _unquote(first.split_contents()[1])), blocks) + outside


def _block_name(token):
    bits = token.split_contents() if token.token_type is TokenType.BLOCK else []
    return bits[1] if bits and bits[0] == "block" else None


def _is_endblock(token):
    return token.token_type is TokenType.BLOCK and token.contents.split()[0] == "endblock"


def _child_blocks(tokens):
    blocks, outside, current, depth = {}, [], None, 0
    for token in tokens:
        if current is None:
            name = _block_name(token)
            if name:
                current, depth = blocks.setdefault(name, []), 1
            else:
                outside.append(token)
            continue
        depth += 1 if _block_name(token) else -1 if _is_endblock(token) else 0
        if depth == 0:
            current = None
        else:
            current.append(token)
    return blocks, outside


def _fill(tokens, blocks):
    out, skipping = [], 0
    for token in tokens:
        if skipping:
            skipping += 1 if _block_name(token) else -1 if _is_endblock(token) else 0
            continue
        name = _block_name(token)
        if name in blocks:
            out.extend(blocks[name])
            skipping = 1
        else:
            out.append(token)
    return out


# --- a. unmarked text in templates ----------------------------------------------------


def skeleton(tokens):
    """The template's literal text and markup, with everything rendered replaced by MARK:
    variables, translated strings, and tags that output something. Comments are dropped."""
    out = []
    closing = None  # skipping a blocktranslate's or comment's body until this tag
    for token in tokens:
        name = token.contents.split()[0] if token.token_type is TokenType.BLOCK and token.contents else ""
        if closing:
            if name in closing:
                closing = None
            continue
        if token.token_type is TokenType.TEXT:
            out.append(token.contents)
        elif token.token_type is TokenType.VAR:
            out.append(MARK)
        elif token.token_type is TokenType.BLOCK:
            if name in BLOCKTRANSLATE_TAGS:
                out.append(MARK)
                closing = END_BLOCKTRANSLATE
            elif name == "comment":
                closing = {"endcomment"}
            elif name not in SILENT_TAGS:
                out.append(MARK)
    return "".join(out)


def has_words(text):
    """Letters that are not rendered, not an allowed word: text nobody translated."""
    words = re.sub(r"[^\w]+", " ", text.replace(MARK, " ")).split()
    return any(re.search(r"[^\W\d_]", word) for word in words if word not in ALLOWED_WORDS)


def visible_attribute(tag, name, attrs):
    if name in VISIBLE_ATTRIBUTES or SCRIPT_LABEL.match(name):
        return True
    return tag == "input" and name == "value" and (attrs.get("type") or "").lower() in BUTTON_INPUTS


class LiteralText(HTMLParser):
    """Collects text and visible attribute values that carry words of their own."""

    def __init__(self):
        super().__init__(convert_charrefs=True)  # &nbsp; and friends are not words
        self.found = []
        self.verbatim = 0

    def handle_starttag(self, tag, attrs):
        if tag in VERBATIM:
            self.verbatim += 1
        values = dict(attrs)
        for name, value in attrs:
            if value and visible_attribute(tag, name, values) and has_words(value):
                self.found.append(f'<{tag} {name}="{value}">'.replace(MARK, "…"))

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag in VERBATIM:
            self.verbatim -= 1

    def handle_endtag(self, tag):
        if tag in VERBATIM:
            self.verbatim -= 1

    def handle_data(self, data):
        if not self.verbatim and has_words(data):
            self.found.append(" ".join(data.replace(MARK, "…").split()))


def unmarked_text(tokens):
    parser = LiteralText()
    parser.feed(skeleton(tokens))
    parser.close()
    return parser.found


@pytest.mark.parametrize("path", templates(), ids=template_id)
def test_templates_mark_every_text_for_translation(path):
    assert unmarked_text(page_tokens(path)) == []


@pytest.mark.parametrize(
    "source, found",
    [
        ("<p>Hello</p>", ["Hello"]),
        ("<p>{% translate 'Hello' %}</p>", []),
        ("<p>{% blocktranslate with n=x %}Hello {{ n }}{% endblocktranslate %}</p>", []),
        ("<p>{{ board.title }} · 3 × 4 → 5&nbsp;%</p>", []),
        ("<p>{% if a %}Hello{% endif %}</p>", ["Hello"]),
        ('<input placeholder="Name">', ['<input placeholder="Name">']),
        ('<input placeholder="{% translate \'Name\' %}" name="title" class="input">', []),
        ('<span title="{{ me.name }} ({% translate \'you\' %})">', []),
        ('<button data-label-live="Live">', ['<button data-label-live="Live">']),
        ('<input type="submit" value="Save">', ['<input value="Save">']),
        ('<input type="hidden" name="x" value="false">', []),
        ("<svg><title>Average</title></svg>", ["Average"]),
        ("{% comment %}Notes for developers{% endcomment %}{# and this #}<!-- and this -->", []),
        ("<a>Journeyboard</a>", []),
        ("<code>/join/{{ token }}/</code> <p>Join</p>", ["Join"]),
    ],
)
def test_the_checker_itself(source, found):
    assert unmarked_text(Lexer(source).tokenize()) == found


# --- b. every marked string is in both catalogues -------------------------------------


def _unquote(bit):
    return bit[1:-1] if len(bit) >= 2 and bit[0] == bit[-1] and bit[0] in "\"'" else None


def template_messages(tokens):
    """{(context, msgid, msgid_plural)} of a template's translate and blocktranslate tags,
    written as Django reads them at run time (and makemessages extracts them)."""
    found = set()
    tokens = iter(tokens)
    for token in tokens:
        if token.token_type is not TokenType.BLOCK:
            continue
        bits = token.split_contents()
        context = _unquote(bits[bits.index("context") + 1]) if "context" in bits[2:] else None
        if bits[0] in TRANSLATE_TAGS:
            message = _unquote(bits[1])
            if message is not None:  # a variable is translated at run time: nothing to extract
                found.add((context, message.replace("%", "%%"), None))
        elif bits[0] in BLOCKTRANSLATE_TAGS:
            singular, plural = _blocktranslate_body(tokens)
            if "trimmed" in bits:
                singular, plural = trim_whitespace(singular), plural and trim_whitespace(plural)
            found.add((context, singular, plural))
    return found


def _blocktranslate_body(tokens):
    parts, plural = [], None
    for token in tokens:
        if token.token_type is TokenType.BLOCK:
            if token.contents == "plural":
                parts, plural = [], parts
                continue
            break  # endblocktranslate
        if token.token_type is TokenType.VAR:
            parts.append(f"%({token.contents})s")
        else:
            parts.append(token.contents.replace("%", "%%"))
    text = "".join(parts)
    return ("".join(plural), text) if plural is not None else (text, None)


# gettext functions and their arguments: (context, singular, plural) positions.
GETTEXT_CALLS = {
    "_": (None, 0, None),
    "gettext": (None, 0, None),
    "gettext_lazy": (None, 0, None),
    "gettext_noop": (None, 0, None),
    "ngettext": (None, 0, 1),
    "ngettext_lazy": (None, 0, 1),
    "pgettext": (0, 1, None),
    "pgettext_lazy": (0, 1, None),
    "npgettext": (0, 1, 2),
    "npgettext_lazy": (0, 1, 2),
}


def python_messages(path):
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if not isinstance(node, ast.Call):
            continue
        name = node.func.id if isinstance(node.func, ast.Name) else getattr(node.func, "attr", None)
        if name not in GETTEXT_CALLS:
            continue
        positions = GETTEXT_CALLS[name]
        strings = [_string(node, index) for index in positions]
        if strings[1] is not None:  # gettext(variable) translates at run time: nothing to extract
            found.add(tuple(strings))
    return found


def _string(call, index):
    if index is None or index >= len(call.args):
        return None
    arg = call.args[index]
    return arg.value if isinstance(arg, ast.Constant) and isinstance(arg.value, str) else None


def python_files():
    return sorted(p for p in (BASE / "journeyboard").rglob("*.py") if "migrations" not in p.parts)


def source_messages():
    """{(context, msgid, msgid_plural): where} for every string the sources mark."""
    found = {}
    for path in templates():
        for message in template_messages(tokens_of(path)):
            found.setdefault(message, str(path.relative_to(BASE)))
    for path in python_files():
        for message in python_messages(path):
            found.setdefault(message, str(path.relative_to(BASE)))
    return found


def catalogue(language):
    return polib.pofile(str(LOCALE_DIR / language / "LC_MESSAGES" / "django.po"))


def test_sources_mark_strings():
    """The extraction finds what it should (a broken walk would pass everything)."""
    messages = source_messages()
    assert (None, "Log in", None) in messages
    assert (None, "%(counter)s phase", "%(counter)s phases") in messages
    assert (None, "Journey of %(name)s", None) in messages  # from Python
    assert (None, "Pain point", None) in messages  # a lazy choice label
    assert len(messages) > 200


@pytest.mark.parametrize("language", TRANSLATED)
def test_catalogue_has_every_string_translated(language):
    po = catalogue(language)
    problems = []
    for (context, msgid, plural), where in sorted(source_messages().items(), key=lambda item: item[1]):
        entry = po.find(msgid, msgctxt=context if context is not None else False)
        if entry is None or entry.obsolete:
            problems.append(f"missing: {msgid!r} ({where})")
        elif entry.msgid_plural != (plural or ""):
            problems.append(f"plural differs: {msgid!r} ({where})")
        elif "fuzzy" in entry.flags:
            problems.append(f"fuzzy: {msgid!r} ({where})")
        elif not _translations(entry) or not all(_translations(entry)):
            problems.append(f"untranslated: {msgid!r} ({where})")
    assert problems == [], f"run `make messages` and translate ({language}):\n" + "\n".join(problems)


@pytest.mark.parametrize("language", TRANSLATED)
def test_catalogue_holds_nothing_else(language):
    """No leftovers: every entry is still used, nothing obsolete or fuzzy lingers."""
    marked = {(context, msgid) for context, msgid, _plural in source_messages()}
    po = catalogue(language)
    leftovers = [e.msgid for e in po if (e.msgctxt, e.msgid) not in marked]
    assert leftovers == []
    assert [e.msgid for e in po.obsolete_entries()] == []
    assert [e.msgid for e in po.fuzzy_entries()] == []


def _translations(entry):
    if entry.msgid_plural:
        return [entry.msgstr_plural[i] for i in sorted(entry.msgstr_plural)]
    return [entry.msgstr]


# Python's %-formatting, and {name}, which our scripts fill in (data-* labels).
PLACEHOLDER = re.compile(r"%(?:\([^)]*\))?[-#0 +]*\d*(?:\.\d+)?[sdifr%]|\{\w+\}")


def placeholders(text):
    return Counter(PLACEHOLDER.findall(text))


@pytest.mark.parametrize("language", TRANSLATED)
def test_translations_keep_the_placeholders(language):
    po = catalogue(language)
    assert po.metadata["Plural-Forms"].replace(" ", "") == "nplurals=2;plural=(n!=1);"
    problems = []
    for entry in po.translated_entries():
        # Both languages have English's two forms: [0] singular, [1] plural.
        originals = [entry.msgid, entry.msgid_plural] if entry.msgid_plural else [entry.msgid]
        for original, translation in zip(originals, _translations(entry), strict=True):
            if placeholders(original) != placeholders(translation):
                problems.append(f"{original!r} -> {translation!r}")
    assert problems == []


# --- c. the committed .mo files are the .po files compiled -----------------------------


def compiled(po):
    """What msgfmt puts in a .mo, as GNUTranslations reads it: translated, non-fuzzy
    entries; a plural entry as (msgid, form); a context as "context\\x04msgid"."""
    messages = {}
    for entry in po.translated_entries():
        if "fuzzy" in entry.flags:
            continue
        key = f"{entry.msgctxt}\x04{entry.msgid}" if entry.msgctxt is not None else entry.msgid
        if entry.msgid_plural:
            for form, text in entry.msgstr_plural.items():
                messages[(key, int(form))] = text
        else:
            messages[key] = entry.msgstr
    return messages


@pytest.mark.parametrize("language", TRANSLATED)
def test_compiled_catalogue_is_up_to_date(language):
    po = catalogue(language)
    with open(LOCALE_DIR / language / "LC_MESSAGES" / "django.mo", "rb") as mo_file:
        mo = gettext.GNUTranslations(mo_file)
    in_mo = {key: text for key, text in mo._catalog.items() if key != ""}  # "" is the header
    assert in_mo == compiled(po), "the .mo is stale: run `make messages`"
    assert [mo.plural(n) for n in range(4)] == [1, 0, 1, 1]


# --- d. pages in the reader's language -------------------------------------------------

# A few words of each page, per language.
BOARD_LIST = {"en": ["My boards", "Create board"], "nl": ["Mijn borden", "Bord maken"], "de": ["Meine Boards", "Board erstellen"]}
BOARD_PAGE = {
    "en": ["Members", "Export", "Emotion curve", "Pain points & opportunities"],
    "nl": ["Leden", "Exporteren", "Emotiecurve", "Pijnpunten & kansen"],
    "de": ["Mitglieder", "Export", "Emotionskurve", "Pain Points & Chancen"],
}


class InterfaceLanguageTests(BaseTestCase):
    """The browser's language by default, the switcher's once picked; the board's own
    content (its phases from a template, its export) stays in the board's language."""

    def setUp(self):
        super().setUp()
        self.login(self.owner)

    def assertInLanguage(self, response, language, words):
        self.assertContains(response, f'<html lang="{language}">')
        self.assertContains(response, f'value="{language}" lang="{language}" title=', html=False)
        for word in words:
            self.assertContains(response, word)

    def test_the_browsers_language_by_default(self):
        for accept, language in (("nl-NL,nl;q=0.9,en;q=0.8", "nl"), ("de-DE,de;q=0.9", "de"), ("en-US,en;q=0.9", "en")):
            with self.subTest(accept=accept):
                self.assertInLanguage(self.client.get("/", HTTP_ACCEPT_LANGUAGE=accept), language, BOARD_LIST[language])
                page = self.client.get(self.board_url(), HTTP_ACCEPT_LANGUAGE=accept)
                self.assertInLanguage(page, language, BOARD_PAGE[language])

    def test_a_language_we_do_not_have_gets_english(self):
        response = self.client.get("/", HTTP_ACCEPT_LANGUAGE="fr-FR,fr;q=0.9")
        self.assertInLanguage(response, "en", BOARD_LIST["en"])
        self.assertNotContains(response, "Mijn borden")

    def test_the_switcher_wins_over_the_browser_and_is_remembered(self):
        response = self.client.post("/i18n/setlang/", {"language": "de", "next": self.board_url()}, HTTP_ACCEPT_LANGUAGE="nl")
        self.assertRedirects(response, self.board_url(), fetch_redirect_response=False)
        cookie = response.cookies[settings.LANGUAGE_COOKIE_NAME]
        self.assertEqual(cookie.value, "de")
        self.assertGreater(int(cookie["max-age"]), 30 * 24 * 3600)  # kept, not just until the browser closes
        page = self.client.get(self.board_url(), HTTP_ACCEPT_LANGUAGE="nl")
        self.assertInLanguage(page, "de", BOARD_PAGE["de"])
        # The name starts with what the button shows ("DE Deutsch"), so speech input finds it.
        self.assertContains(page, 'value="de" lang="de" title="Deutsch" aria-pressed="true">DE<span class="visually-hidden"> Deutsch</span></button>')

    def test_the_switcher_on_the_login_page(self):
        """Works before signing in, with the CSRF token a real browser sends."""
        browser = Client(enforce_csrf_checks=True)
        login_page = browser.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="en")
        switcher = re.search(r'<form method="post" action="/i18n/setlang/".*?</form>', login_page.content.decode(), re.S)
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', switcher.group(0)).group(1)
        response = browser.post("/i18n/setlang/", {"csrfmiddlewaretoken": token, "language": "nl", "next": "/accounts/login/"})
        self.assertRedirects(response, "/accounts/login/", fetch_redirect_response=False)
        self.assertInLanguage(browser.get("/accounts/login/"), "nl", ["Inloggen", "Gebruikersnaam", "Wachtwoord"])

    def test_a_new_board_starts_in_the_readers_language(self):
        for language in ("en", "nl", "de"):
            with self.subTest(language=language):
                response = self.client.get("/", HTTP_ACCEPT_LANGUAGE=language)
                form = response.context["create_form"]
                self.assertEqual(form["language"].value(), language)
                self.assertContains(response, f'<option value="{language}" selected>')

    def test_board_content_stays_in_the_boards_language(self):
        dutch = create_board(self.owner, "Fietsenwinkel", template="buyer", language="nl")
        page = self.client.get(dutch.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="de")
        self.assertInLanguage(page, "de", ["Mitglieder", "Neue Phase"])
        for phase in ("Bewustwording", "Overweging", "Besluitvorming"):
            self.assertContains(page, phase)
        self.assertNotContains(page, "Bewusstsein")

    def test_the_export_speaks_the_boards_language(self):
        dutch = create_board(self.owner, "Fietsenwinkel", template="buyer", language="nl")
        with translation.override("de"):  # the reader's language does not matter
            shot = board_snapshot(dutch)
        self.assertEqual(shot.words["emotion_curve"], "Emotiecurve")
        self.assertEqual(shot.words["kinds"]["pain"], "Pijnpunt")
        self.assertEqual(shot.words["segments"]["buyer"], "Buyer journey")
        self.assertEqual([phase.name for phase in shot.phases], ["Bewustwording", "Overweging", "Besluitvorming"])
