"""Versions over the WebSocket: a restore replaces the board on every open page at once,
and so does its undo; a saved version tells the other pages its revision, on which their
version lists refresh. Same helpers and the same real stack as tests/realtime.py."""

import pytest

from journeyboard.boards.cards import update_card
from journeyboard.boards.history import undo
from journeyboard.boards.versions import restore_version, save_version
from tests.realtime import change, close_all, current_revision, join, oob_swaps, receive_html, revision_of

pytestmark = pytest.mark.django_db(transaction=True)


async def test_a_restore_and_its_undo_reach_every_other_page(crew):
    version = await change(save_version, crew.owner, crew.board, "As is")
    await change(update_card, crew.owner, crew.ad, title="Renamed since")
    viewer = await join(crew, crew.viewer)
    editor = await join(crew, crew.editor, viewer)
    before = await current_revision(crew.board.pk)

    await change(restore_version, crew.owner, crew.board, version, origin="another-tab")

    pages = {ws: await receive_html(ws) for ws in (viewer, editor)}
    for ws, html in pages.items():
        assert oob_swaps(html) == ["#board-body", "#board-revision"], ws.user
        assert revision_of(html) == before + 1
        assert "Instagram ad" in html and "Renamed since" not in html
    assert "add-card-" in pages[editor] and "add-card-" not in pages[viewer]

    await change(undo, crew.owner, crew.board)
    html = await receive_html(viewer)
    assert oob_swaps(html) == ["#board-body", "#board-revision"]
    assert "Renamed since" in html and revision_of(html) == before + 2
    await receive_html(editor)
    await close_all(viewer, editor)


async def test_a_saved_version_sends_its_revision(crew):
    viewer = await join(crew, crew.viewer)
    before = await current_revision(crew.board.pk)
    await change(save_version, crew.editor, crew.board, "As is")
    html = await receive_html(viewer)
    assert oob_swaps(html) == ["#board-revision"]
    assert revision_of(html) == before + 1
    await close_all(viewer)
