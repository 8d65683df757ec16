"""Comments reach everyone on the board live: the card's new badge and, for pages that
have the card's thread open, the comment itself (tests/realtime.py explains the set-up)."""

import re

import pytest

from journeyboard.boards.comments import add_comment, delete_comment
from journeyboard.boards.models import Comment
from tests.realtime import (
    change,
    close_all,
    current_revision,
    join,
    oob_swaps,
    orm,
    post_as_tab,
    quiet,
    receive_html,
    revision_of,
)

pytestmark = pytest.mark.django_db(transaction=True)

BADGE = re.compile(r'class="comment-badge" data-comments="(\d+)"[^>]*>.*?</svg>(\d+)</button>', re.S)


def delete_buttons(html):
    """{comment id: hidden?} for every delete button in `html`."""
    return {
        int(pk): "data-own-only hidden" in tag
        for tag, pk in re.findall(r'(<button [^>]*hx-post="/boards/\d+/comments/(\d+)/delete/"[^>]*>)', html)
    }


async def test_a_comment_reaches_everyone_else_with_the_badge_and_the_thread(crew):
    # The editor comments in one tab and has the board open in a second one.
    origin = await join(crew, crew.editor)
    editor = await join(crew, crew.editor, origin)
    viewer = await join(crew, crew.viewer, origin, editor)
    owner = await join(crew, crew.owner, origin, editor, viewer)

    comment = await change(add_comment, crew.editor, crew.ad, "Too <b>loud</b>?", origin=origin.client_id)

    revision = await current_revision(crew.board.pk)
    received = []
    for ws in (editor, viewer, owner):
        html = await receive_html(ws)
        received.append(html)
        # Appended to the card's thread where it is open; pages without it have the panel's
        # sink, so that no page lacks a target (htmx would report that in the console).
        thread = f"#comment-list-{crew.ad.pk},#comment-sink"
        assert oob_swaps(html) == [f"#card-{crew.ad.pk}", f"beforeend:{thread}", "#board-revision"]
        assert BADGE.findall(html) == [(str(crew.ad.pk), "1")]
        assert f'<li id="comment-{comment.pk}" class="comment" data-author="{crew.editor.pk}">' in html
        assert "Too &lt;b&gt;loud&lt;/b&gt;?" in html and "<b>loud" not in html
        assert revision_of(html) == revision
    editor_html, viewer_html, owner_html = received
    # The owner may delete it; the editor's other tab gets the button hidden, for comments.js
    # to show on the editor's own comments (a broadcast is per role, not per person);
    # a viewer gets none (and no editing controls on the card either).
    assert delete_buttons(owner_html) == {comment.pk: False}
    assert delete_buttons(editor_html) == {comment.pk: True}
    assert delete_buttons(viewer_html) == {} and "hx-get" not in viewer_html and "hx-post" not in viewer_html
    await quiet(origin, editor, viewer, owner)  # the tab that commented shows it already
    await close_all(origin, editor, viewer, owner)


async def test_a_deleted_comment_leaves_every_open_thread_and_the_badge_follows(crew):
    first = await orm(add_comment)(crew.owner, crew.ad, "First")
    second = await orm(add_comment)(crew.owner, crew.ad, "Second")
    viewer = await join(crew, crew.viewer)

    await change(delete_comment, crew.owner, first)

    html = await receive_html(viewer)
    # The thread as it now is (so an open one also catches up on anything it missed).
    assert oob_swaps(html) == [f"#card-{crew.ad.pk}", f"innerHTML:#comment-list-{crew.ad.pk},#comment-sink", "#board-revision"]
    assert re.findall(r'<li id="comment-(\d+)"', html) == [str(second.pk)]
    assert BADGE.findall(html) == [(str(crew.ad.pk), "1")]
    await quiet(viewer)
    await close_all(viewer)


async def test_a_comment_over_http_skips_its_tab_and_a_refused_one_sends_nothing(crew):
    tab = await join(crew, crew.editor)
    viewer = await join(crew, crew.viewer, tab)

    path = f"cards/{crew.newsletter.pk}/comments/"
    refused = await orm(post_as_tab)(crew, crew.viewer, viewer.client_id, path, {"text": "Me too"})
    too_long = await orm(post_as_tab)(crew, crew.editor, tab.client_id, path, {"text": "x" * 2001})
    assert (refused.status_code, too_long.status_code) == (403, 422)
    await quiet(tab, viewer)

    response = await orm(post_as_tab)(crew, crew.editor, tab.client_id, path, {"text": "Weekly is too often"})

    assert response.status_code == 200
    assert response["X-Board-Revision"] == str(await current_revision(crew.board.pk))
    html = await receive_html(viewer)
    assert "Weekly is too often" in html and BADGE.findall(html) == [(str(crew.newsletter.pk), "1")]
    assert await orm(lambda: list(Comment.objects.values_list("text", flat=True)))() == ["Weekly is too often"]
    await quiet(tab, viewer)
    await close_all(tab, viewer)
