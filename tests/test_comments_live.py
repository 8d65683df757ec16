"""Comments reach everyone on the board live: the card's new badge and, for pages that
have the card's thread open, an element that fetches the thread again as the page's own
person sees it (tests/realtime.py explains the set-up)."""

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


RELOAD = re.compile(
    r'<span hx-get="(/boards/\d+/cards/\d+/comments/)" hx-trigger="load" hx-target="(#comment-list-\d+)" '
    r'hx-select="(#comment-list-\d+) > .comment" hx-swap="innerHTML" hx-sync="#comment-reload-\d+:replace"></span>'
)


def thread_fetches(html):
    """What the frame has an open thread fetch: [(url, target, selected list)]."""
    return RELOAD.findall(html)


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
        # The card's open thread fetches its comments again; pages without it have the
        # panel's sink, so that no page lacks a target (htmx would report that in the console).
        thread = f"#comment-reload-{crew.ad.pk},#comment-sink"
        assert oob_swaps(html) == [f"#card-{crew.ad.pk}", f"innerHTML:{thread}", "#board-revision"]
        assert BADGE.findall(html) == [(str(crew.ad.pk), "1")]
        list_id = f"#comment-list-{crew.ad.pk}"
        assert thread_fetches(html) == [(f"/boards/{crew.board.pk}/cards/{crew.ad.pk}/comments/", list_id, list_id)]
        # No comment and so no delete button: who may delete one is personal, the frame per role.
        assert f'id="comment-{comment.pk}"' not in html and "loud" not in html and "/delete/" not in html
        assert revision_of(html) == revision
    editor_html, viewer_html, owner_html = received
    # Everyone gets the same frame; a viewer's card has no editing controls.
    assert editor_html == owner_html
    assert "hx-post" not in viewer_html
    await quiet(origin, editor, viewer, owner)  # the tab that commented shows it already
    await close_all(origin, editor, viewer, owner)


async def test_a_deleted_comment_leaves_every_open_thread_and_the_badge_follows(crew):
    first = await orm(add_comment)(crew.owner, crew.ad, "First")
    second = await orm(add_comment)(crew.owner, crew.ad, "Second")
    viewer = await join(crew, crew.viewer)

    await change(delete_comment, crew.owner, first)

    html = await receive_html(viewer)
    # The open thread fetches its comments again (so it also catches up on anything it missed).
    assert oob_swaps(html) == [f"#card-{crew.ad.pk}", f"innerHTML:#comment-reload-{crew.ad.pk},#comment-sink", "#board-revision"]
    list_id = f"#comment-list-{crew.ad.pk}"
    assert thread_fetches(html) == [(f"/boards/{crew.board.pk}/cards/{crew.ad.pk}/comments/", list_id, list_id)]
    assert "<li" not in html and str(second.text) not in html
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
    assert BADGE.findall(html) == [(str(crew.newsletter.pk), "1")] and len(thread_fetches(html)) == 1
    assert await orm(lambda: list(Comment.objects.values_list("text", flat=True)))() == ["Weekly is too often"]
    await quiet(tab, viewer)
    await close_all(tab, viewer)
