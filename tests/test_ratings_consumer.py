"""Emotion rounds over the board WebSocket: a rating reaches everyone else's copy of the
card's badge (only how many rated while results are hidden), and a round starting reaches
every card.

The set-up and helpers are tests/realtime.py's (see its docstring).
"""

import re

import pytest

from journeyboard.boards.models import Card
from journeyboard.boards.ratings import close_round, rate, start_round
from tests.realtime import change, close_all, join, oob_swaps, orm, quiet, receive_html

pytestmark = pytest.mark.django_db(transaction=True)


def badge(html, card):
    found = re.search(rf'<span id="rating-{card.pk}" class="card-rating"[^>]*>(.*?)</span>\n', html, re.S)
    assert found, html
    return found.group(1)


def signal_for(html):
    found = re.search(r'<span id="rating-signal" data-for="(\d*)"', html)
    assert found, html
    return found.group(1)


async def test_a_round_reaches_every_card_and_every_bar(crew):
    editor = await join(crew, crew.editor)
    viewer = await join(crew, crew.viewer, editor)
    cards = await orm(lambda: list(Card.objects.filter(phase__board=crew.board).order_by("pk")))()

    await change(start_round, crew.owner, crew.board)

    for ws in (editor, viewer):
        html = await receive_html(ws)
        swaps = oob_swaps(html)
        assert swaps[: len(cards)] == [f"#rating-{card.pk}" for card in cards]
        assert "#emotion-curve" in swaps and "#rating-signal" in swaps
        assert signal_for(html) == ""
        if ws is editor:
            assert html.count('class="rating-scale"') == len(cards)
        else:
            assert 'class="rating-scale"' not in html
    await quiet(editor, viewer)
    await close_all(editor, viewer)


async def test_another_page_sees_the_count_change_and_hidden_values_stay_hidden(crew):
    await change(start_round, crew.owner, crew.board, hidden_results=True)
    rater = await join(crew, crew.editor)
    raters_other_tab = await join(crew, crew.editor, rater)
    viewer = await join(crew, crew.viewer, rater, raters_other_tab)

    await change(rate, crew.editor, crew.ad, 2, origin=rater.client_id)
    await change(rate, crew.owner, crew.ad, -1)

    for ws in (raters_other_tab, viewer):
        first, second = await receive_html(ws), await receive_html(ws)
        assert f"#rating-{crew.ad.pk}" in oob_swaps(first)
        assert "1 rated" in badge(first, crew.ad) and "2 rated" in badge(second, crew.ad)
        assert "average" not in first + second and "emotion-curve" not in first + second
    assert signal_for(first) == str(crew.editor.pk)  # the rater's other tabs fetch their bar
    assert "2 rated" in badge(await receive_html(rater), crew.ad)  # the owner's rating

    await change(close_round, crew.owner, crew.board)
    for ws in (rater, raters_other_tab, viewer):
        html = await receive_html(ws)
        assert "2 ratings, average +0.5" in badge(html, crew.ad)
        assert 'class="curve-room-point"' in html
    await quiet(rater, raters_other_tab, viewer)
    await close_all(rater, raters_other_tab, viewer)
