"""Dot voting over the board WebSocket: a vote reaches everyone else's copy of the card's
badge, a round starting or closing reaches every card, and hidden results stay hidden.

The set-up and helpers are tests/realtime.py's (see its docstring for why these are
transactional tests and never sleep).
"""

import re

import pytest

from journeyboard.boards.models import Card
from journeyboard.boards.voting import close_round, start_round, toggle_vote
from tests.realtime import (
    change,
    close_all,
    current_revision,
    join,
    oob_swaps,
    orm,
    quiet,
    receive_html,
    revision_of,
)

pytestmark = pytest.mark.django_db(transaction=True)


def signal_for(html):
    """Whose bar the broadcast says changed: a user id, or "" for everyone."""
    found = re.search(r'<span id="voting-signal" data-for="(\d*)" data-revision="(\d+)"', html)
    assert found, html
    return found.group(1)


def count_on(html, card):
    found = re.search(rf'<span id="votes-{card.pk}"[^>]*>.*?(?:<span class="vote-count">(\d+)</span>|</span>\s)', html, re.S)
    assert found, html
    return int(found.group(1)) if found.group(1) else None


async def board_cards(crew):
    return await orm(lambda: list(Card.objects.filter(phase__board=crew.board).order_by("pk")))()


async def test_a_round_reaches_every_card_and_every_bar(crew):
    editor = await join(crew, crew.editor)
    viewer = await join(crew, crew.viewer, editor)
    cards = await board_cards(crew)

    await change(start_round, crew.owner, crew.board, 2)

    revision = await current_revision(crew.board.pk)
    received = {}
    for ws in (editor, viewer):
        html = received[ws] = await receive_html(ws)
        assert oob_swaps(html) == [*(f"#votes-{card.pk}" for card in cards), "#voting-signal", "#board-revision"]
        assert signal_for(html) == ""  # everyone fetches their own bar
        assert revision_of(html) == revision
    # Editors get a button on every card to vote with, viewers none.
    assert received[editor].count('class="vote-dot"') == len(cards)
    assert "vote-dot" not in received[viewer]
    await quiet(editor, viewer)
    await close_all(editor, viewer)


async def test_a_vote_reaches_the_other_screens_badge(crew):
    await change(start_round, crew.owner, crew.board, 2)
    voter = await join(crew, crew.editor)
    voters_other_tab = await join(crew, crew.editor, voter)
    viewer = await join(crew, crew.viewer, voter, voters_other_tab)
    owner = await join(crew, crew.owner, voter, voters_other_tab, viewer)

    await change(toggle_vote, crew.editor, crew.ad, origin=voter.client_id)
    await change(toggle_vote, crew.owner, crew.ad)

    for ws in (voters_other_tab, viewer, owner):
        first, second = await receive_html(ws), await receive_html(ws)
        assert oob_swaps(first) == [f"#votes-{crew.ad.pk}", "#voting-signal", "#board-revision"]
        assert (count_on(first, crew.ad), count_on(second, crew.ad)) == (1, 2)
        # The voter's other tab fetches its bar (votes left, its dots); then the owner's do.
        assert (signal_for(first), signal_for(second)) == (str(crew.editor.pk), str(crew.owner.pk))
        assert ("vote-dot" in first) is (ws is not viewer)  # a viewer's badge has no button
    # The tab that voted shows it already (its HTTP answer): only the owner's vote reaches it.
    assert count_on(await receive_html(voter), crew.ad) == 2
    await quiet(voter, voters_other_tab, viewer, owner)
    await close_all(voter, voters_other_tab, viewer, owner)


async def test_hidden_results_send_no_count_and_no_card(crew):
    await change(start_round, crew.owner, crew.board, 3, True)
    editor = await join(crew, crew.editor)
    viewer = await join(crew, crew.viewer, editor)
    cards = await board_cards(crew)

    await change(toggle_vote, crew.owner, crew.ad)
    await change(toggle_vote, crew.owner, crew.newsletter)

    for ws in (editor, viewer):
        for _ in range(2):
            html = await receive_html(ws)
            assert oob_swaps(html) == ["#voting-signal", "#board-revision"]
            assert "vote-count" not in html and not any(f"votes-{card.pk}" in html for card in cards)
            assert signal_for(html) == str(crew.owner.pk)

    # Closing shows the counts on every screen.
    await change(close_round, crew.owner, crew.board)
    for ws in (editor, viewer):
        html = await receive_html(ws)
        assert signal_for(html) == ""
        assert (count_on(html, crew.ad), count_on(html, crew.newsletter), count_on(html, crew.product_page)) == (1, 1, None)
        assert "vote-dot" not in html  # no more voting
    await quiet(editor, viewer)
    await close_all(editor, viewer)
