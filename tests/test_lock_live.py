"""The board lock, facilitators and share links over the WebSocket.

Locking re-renders every page at once: members who are not facilitators get the viewer's
HTML from then on (the consumer picks it, `shown_role`), so their page turns read-only
without a reload; unlocking gives them the editor's again. Their changes over the socket
are refused while it is locked, exactly as over HTTP (tests/test_sharing.py).
Same helpers and the same real stack as tests/realtime.py.
"""

import pytest

from journeyboard.boards.cards import create_card
from journeyboard.boards.sharing import create_link, join_as_guest, set_facilitator, set_locked
from journeyboard.boards.fragments import render_resync
from tests.realtime import (
    change,
    close_all,
    current_revision,
    edit_control,
    join,
    oob_swaps,
    orm,
    quiet,
    receive_error,
    receive_html,
    receive_json,
    revision_of,
    settled,
    state,
)

pytestmark = pytest.mark.django_db(transaction=True)

READ_ONLY = "Locked by the facilitator for presenting: you can look, not change."
FACILITATING = "Locked for presenting: only facilitators can change the board."
LOCK_SWAPS = ["#board-body", "#board-title", "#loop-toggle", "#personas", "#lock-banner", "#history-tools", "#board-revision"]
UNDO = 'id="undo-button"'


def add_controls(crew):
    return f'id="add-card-{crew.phases[0].pk}"'


async def test_locking_turns_the_pages_of_non_facilitators_read_only(crew):
    editor = await join(crew, crew.editor)
    viewer = await join(crew, crew.viewer, editor)
    owner = await join(crew, crew.owner, editor, viewer)
    before = await current_revision(crew.board.pk)

    await change(set_locked, crew.owner, crew.board, True)

    pages = {ws: await receive_html(ws) for ws in (editor, viewer, owner)}
    for ws, html in pages.items():
        assert oob_swaps(html) == LOCK_SWAPS, ws.user
        assert revision_of(html) == before + 1
        assert 'data-locked="true"' in html
    # The editor is not a facilitator: the viewer's page, and why.
    assert pages[editor] == pages[viewer]
    assert READ_ONLY in pages[editor]
    assert edit_control(crew, crew.ad) not in pages[editor] and add_controls(crew) not in pages[editor]
    assert UNDO not in pages[editor]  # undo and redo go with the other controls
    # The owner facilitates: controls stay.
    assert FACILITATING in pages[owner]
    assert edit_control(crew, crew.ad) in pages[owner] and add_controls(crew) in pages[owner]
    assert UNDO in pages[owner]
    # Pages that lose their controls apply it even over an open editor (live.js), others not.
    assert "data-lock-changed" in pages[editor] and "data-lock-changed" not in pages[owner]

    # Later changes reach the editor as a viewer sees them too.
    card = await change(create_card, crew.owner, crew.phases[0], title="Presented")
    editor_html, owner_html = await receive_html(editor), await receive_html(owner)
    await receive_html(viewer)
    assert "Presented" in editor_html and edit_control(crew, card) not in editor_html
    assert edit_control(crew, card) in owner_html

    # Unlocking gives the controls back, live.
    await change(set_locked, crew.owner, crew.board, False)
    html = await receive_html(editor)
    assert 'data-locked="false"' in html and READ_ONLY not in html
    assert edit_control(crew, card) in html and add_controls(crew) in html
    assert edit_control(crew, card) not in await receive_html(viewer)
    await receive_html(owner)
    await quiet(editor, viewer, owner)
    await close_all(editor, viewer, owner)


async def test_a_promoted_editor_keeps_the_controls_while_locked(crew):
    editor = await join(crew, crew.editor)

    await change(set_facilitator, crew.owner, crew.board, crew.editor.pk, True)
    # The page reloads for the facilitator's controls (the lock switch).
    assert await receive_json(editor) == {"type": "role", "role": "editor"}
    assert "#members" in oob_swaps(await receive_html(editor))

    await change(set_locked, crew.owner, crew.board, True)
    html = await receive_html(editor)
    assert FACILITATING in html and edit_control(crew, crew.ad) in html

    await editor.send_json_to({"type": "card.move", "card": crew.ad.pk, "phase": crew.phases[1].pk, "position": 0})
    assert f"innerHTML:#cards-{crew.phases[1].pk}" in oob_swaps(await receive_html(editor))
    await quiet(editor)
    await close_all(editor)


async def test_while_locked_an_editor_cannot_change_anything_over_the_socket(crew):
    editor = await join(crew, crew.editor)
    owner = await join(crew, crew.owner, editor)
    await change(set_locked, crew.owner, crew.board, True)
    await receive_html(editor)
    await receive_html(owner)
    before = await state(crew)

    await editor.send_json_to({"type": "card.move", "card": crew.ad.pk, "phase": crew.phases[1].pk, "position": 0})
    error = await receive_error(editor, "forbidden")
    assert error["message"] == "The board is locked by the facilitator."
    await editor.send_json_to({"type": "editing", "card": crew.ad.pk})
    await receive_error(editor, "forbidden")

    await settled(editor)  # refused, and the connection is still open
    assert await state(crew) == before
    await quiet(editor, owner)  # nobody heard of an editing claim or a move
    await close_all(editor, owner)


async def test_a_page_catching_up_on_a_locked_board_gets_the_viewers_board(crew):
    editor = await join(crew, crew.editor)
    await change(set_locked, crew.owner, crew.board, True)
    await receive_html(editor)

    await editor.send_json_to({"type": "sync", "revision": 0})
    html = await receive_html(editor)
    assert revision_of(html, resync=True) == await current_revision(crew.board.pk)
    assert "#lock-banner" in oob_swaps(html) and READ_ONLY in html
    assert edit_control(crew, crew.ad) not in html
    await close_all(editor)


async def test_share_links_reach_only_the_owners_pages(crew):
    editor = await join(crew, crew.editor)
    owner = await join(crew, crew.owner, editor)

    link = await change(create_link, crew.owner, crew.board, "viewer")

    owner_html, editor_html = await receive_html(owner), await receive_html(editor)
    assert oob_swaps(owner_html) == ["#share-links", "#board-revision"]
    assert link.token in owner_html
    # Everyone else only learns the revision: the token is the access.
    assert oob_swaps(editor_html) == ["#board-revision"] and link.token not in editor_html
    await quiet(editor, owner)
    await close_all(editor, owner)


async def test_a_guest_joining_appears_in_everyones_members_panel(crew):
    owner = await join(crew, crew.owner)
    link = await orm(create_link)(crew.owner, crew.board, "editor")
    await receive_html(owner)  # the link itself

    await change(join_as_guest, link.token, "Gerda")

    html = await receive_html(owner)
    assert "#members" in oob_swaps(html)
    assert '<span class="member-name">Gerda</span>' in html and "guest-" not in html
    await quiet(owner)
    await close_all(owner)


def test_the_resync_for_a_viewer_of_a_locked_board_has_no_controls(crew):
    set_locked(crew.owner, crew.board, True)
    crew.board.refresh_from_db()
    html = render_resync(crew.board, "viewer", "en")
    assert READ_ONLY in html and edit_control(crew, crew.ad) not in html
