"""Words too long for a line in the picture export: wrapped at word boundaries, and a word
wider than its card hyphenated (a hyphen drawn at the break), never cut silently."""

import pyphen

from journeyboard.export.geometry import CONTENT_W, CONTENT_X, FACE_ROOM, TITLE_CARD_LH, TITLE_CARD_SIZE
from journeyboard.export.layout import build, layout
from journeyboard.export.pdf import PAGE_ASPECT
from journeyboard.export.png import render_png
from journeyboard.export.text import MIN_TAIL, Measure, wrap
from journeyboard.theme import KINDS
from tests.pictures import board, card, decode, phase

COMPOUND = "Klanttevredenheidsonderzoek"
TITLE = Measure("SemiBold", TITLE_CARD_SIZE)


def unhyphenated(lines):
    """The text the lines show, with the hyphens added at breaks taken out again."""
    return "".join(line[:-1] if line.endswith("-") else line + " " for line in lines).strip()


def test_a_long_dutch_word_breaks_at_a_syllable_with_a_hyphen():
    lines = wrap(COMPOUND, TITLE, 120, 3, "nl")
    assert len(lines) > 1
    assert all(line.endswith("-") for line in lines[:-1]) and not lines[-1].endswith("-")
    assert unhyphenated(lines) == COMPOUND  # nothing cut, nothing added but hyphens
    assert all(TITLE.line(line) <= 120 for line in lines)
    syllables = set(pyphen.Pyphen(lang="nl").positions(COMPOUND))
    breaks = [len(unhyphenated(lines[: i + 1])) for i in range(len(lines) - 1)]
    assert set(breaks) <= syllables, (lines, breaks)


def test_words_that_fit_wrap_at_spaces_and_only_the_long_one_is_hyphenated():
    text = f"Resultaten van het {COMPOUND} bespreken"
    lines = wrap(text, TITLE, 150, 6, "nl")
    assert [line for line in lines if line.endswith("-")]
    assert unhyphenated(lines) == text
    for word in ("Resultaten", "van", "het", "bespreken"):
        assert any(word in line.split(" ") for line in lines), (word, lines)


def test_a_word_breaks_after_its_own_hyphen_without_adding_one():
    lines = wrap("e-mail-adresverificatieproces", TITLE, 150, 3, "nl")
    assert lines[0] == "e-mail-"
    assert "--" not in "".join(lines)


def test_a_word_in_no_dictionary_is_cut_with_a_hyphen_and_no_letter_left_alone():
    lines = wrap("X" * 19 + "Y" * 2, TITLE, 200, 3, "en")
    assert lines[0].endswith("-") and len(lines[-1]) >= MIN_TAIL
    assert unhyphenated(lines) == "X" * 19 + "Y" * 2


def test_a_card_title_shows_the_whole_word_over_hyphenated_lines():
    shot = board([phase("Onderzoek", [card(COMPOUND, emotion=1), card(f"{COMPOUND}sresultatenpresentatie")])])
    shot.language = "nl"
    for scale in (1, 2):
        lay = layout(shot, scale)
        first, second = lay.phases[0].cards
        assert first.title[0].endswith("-") and unhyphenated(first.title) == COMPOUND
        assert unhyphenated(second.title) == f"{COMPOUND}sresultatenpresentatie"
        assert all(TITLE.line(line) <= CONTENT_W - FACE_ROOM - 1 for line in first.title)
    pdf = build(shot, 2, min_aspect=PAGE_ASPECT)  # the PDF draws the same lines
    assert pdf.phases[0].cards[0].title == layout(shot, 2).phases[0].cards[0].title


def test_the_hyphen_is_drawn_where_the_line_breaks():
    shot = board([phase("Onderzoek", [card(COMPOUND, emotion=1)])])
    shot.language = "nl"
    for scale in (1, 2):
        lay = layout(shot, scale)
        image = decode(render_png(shot, scale))
        box = lay.phases[0].cards[0]
        head = box.title[0]
        # Right of the head's last letter, at the height of a hyphen's bar: ink, not card.
        x = box.unit[0] + CONTENT_X + TITLE.line(head[:-1])
        # Inter's ascender (0.969 em) below the top of a line box that splits its spare room evenly.
        baseline = box.unit[1] + box.title_y + (TITLE_CARD_LH - 1.2109 * TITLE_CARD_SIZE) / 2 + 0.9688 * TITLE_CARD_SIZE
        bar = (lay.px(x + 1), lay.px(baseline - 0.45 * TITLE_CARD_SIZE), lay.px(x + TITLE("-")), lay.px(baseline - 0.2 * TITLE_CARD_SIZE))
        spot = image.crop(bar)
        background = KINDS["touchpoint"][1]
        inked = [colour for _count, colour in spot.getcolors(spot.width * spot.height) if colour != background]
        assert inked, f"no hyphen drawn after {head[:-1]!r} at scale {scale}"
