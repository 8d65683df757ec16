"""Undo and redo reach everyone like any other change (see tests/realtime.py for the
set-up: the real ASGI stack, sockets per tab, broadcasts after commit)."""

import pytest

from journeyboard.boards.cards import move_card, update_card
from journeyboard.boards.models import BoardEvent
from tests.realtime import (
    change,
    close_all,
    current_revision,
    join,
    lanes,
    oob_swaps,
    orm,
    post_as_tab,
    quiet,
    receive_html,
    revision_of,
    state,
)

pytestmark = pytest.mark.django_db(transaction=True)


async def test_an_undone_move_is_broadcast_as_both_lanes(crew):
    a = await join(crew, crew.editor)  # the tab that moves, then presses Ctrl+Z
    b = await join(crew, crew.viewer, a)
    c = await join(crew, crew.owner, a, b)
    source, target = crew.phases[0].pk, crew.phases[1].pk
    start = await lanes(crew.board.pk)

    await change(move_card, crew.editor, crew.ad, crew.phases[1], 0, origin=a.client_id)
    for ws in (a, b, c):  # a move comes back to its own tab too (events.py: `echoed`)
        await receive_html(ws)

    response = await orm(post_as_tab)(crew, crew.editor, a.client_id, "undo/", {})

    assert response.status_code == 200
    assert await lanes(crew.board.pk) == start
    revision = await current_revision(crew.board.pk)
    for ws in (a, b, c):
        html = await receive_html(ws)
        swaps = oob_swaps(html)
        assert swaps[:2] == [f"innerHTML:#cards-{source}", f"innerHTML:#cards-{target}"], ws.user
        # The ad is back first in its lane, on every screen.
        back = html.split(f'id="cards-{source}"')[1].split(f'id="cards-{target}"')[0]
        assert back.index(f'id="card-{crew.ad.pk}"') < back.index(f'id="card-{crew.newsletter.pk}"')
        assert f'id="card-{crew.ad.pk}"' not in html.split(f'id="cards-{target}"')[1]
        assert revision_of(html) == revision
    # The acting tab's own answer carries the same fragment as the others' broadcast.
    assert oob_swaps(response.content.decode())[:2] == [f"innerHTML:#cards-{source}", f"innerHTML:#cards-{target}"]
    await quiet(a, b, c)
    await close_all(a, b, c)


async def test_a_redo_is_broadcast_and_a_refusal_is_not(crew):
    a = await join(crew, crew.editor)
    b = await join(crew, crew.viewer, a)
    await change(update_card, crew.editor, crew.ad, origin=a.client_id, title="Instagram reel")
    assert "Instagram reel" in await receive_html(b)

    await orm(post_as_tab)(crew, crew.editor, a.client_id, "undo/", {})
    assert "Instagram ad" in await receive_html(b)
    await orm(post_as_tab)(crew, crew.editor, a.client_id, "redo/", {})
    assert "Instagram reel" in await receive_html(b)

    before = await state(crew)
    refused = await orm(post_as_tab)(crew, crew.editor, a.client_id, "redo/", {})
    assert (refused.status_code, refused.content.decode()) == (409, "Nothing of yours to redo.")
    assert await state(crew) == before
    kinds = await orm(lambda: list(BoardEvent.objects.filter(board=crew.board).values_list("kind", "reverts__kind")))()
    assert kinds[-3:] == [("card.updated", None), ("card.updated", "card.updated"), ("card.updated", "card.updated")]
    await quiet(a, b)  # nothing for the refusal; the tab that acted got its answers over HTTP
    await close_all(a, b)
