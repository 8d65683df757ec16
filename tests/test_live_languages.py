"""Live changes in each reader's language.

A page is rendered in its reader's language, so the HTML of someone else's change must
arrive in that language too: a Dutch page that received English cards after a live update
would mix languages. Each socket knows its page's language (the `lang` its URL names, else
the language cookie or Accept-Language, as for the page); a change is rendered once per
role and open language (realtime/languages.py).

Uses the consumer tests' helpers and people (tests/realtime.py); transactional for
the same reason as those.
"""

import asyncio
import os
import time

import pytest
from channels.layers import get_channel_layer
from channels.testing import WebsocketCommunicator

from journeyboard.asgi import application
from journeyboard.boards.cards import create_card
from journeyboard.realtime import languages
from journeyboard.realtime.broadcast import board_group
from journeyboard.realtime.languages import languages_to_render
from journeyboard.realtime.origin import new_client_id
from tests.realtime import (
    TIMEOUT,
    change,
    close_all,
    current_revision,
    quiet,
    receive_error,
    receive_html,
    receive_json,
    revision_of,
    site_headers,
)

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _no_sockets_counted():
    """Board ids start over in every transactional test; a socket another test left open
    would still be counted for this test's board."""
    languages._open.clear()


async def open_tab(crew, user, *others, accept_language=None, lang=None):
    """`user`'s board page from a browser sending `accept_language`, whose page URL names
    `lang`; presence settled as in tests.realtime.join."""
    headers = site_headers(crew.sessions[user.pk])
    if accept_language:
        headers.append((b"accept-language", accept_language.encode()))
    query = f"client={new_client_id()}" + (f"&lang={lang}" if lang else "")
    ws = WebsocketCommunicator(application, f"/ws/boards/{crew.board.pk}/?{query}", headers=headers)
    assert (await ws.connect(timeout=TIMEOUT))[0]
    for other in others:
        assert (await receive_json(other))["action"] == "join"
    for _ in others:
        assert (await receive_json(ws))["action"] == "here"
    ws.user = user
    return ws


async def test_each_page_gets_a_change_in_its_own_language(crew):
    english = await open_tab(crew, crew.viewer, accept_language="en-GB,en;q=0.9")
    dutch = await open_tab(crew, crew.editor, english, accept_language="nl-NL,nl;q=0.9,en;q=0.5")
    # The page says it was rendered in German (the switcher's choice); that wins over the browser.
    german = await open_tab(crew, crew.owner, english, dutch, accept_language="nl", lang="de")

    await change(create_card, crew.owner, crew.phases[0], title="Hotline", channel="phone", kind="pain", emotion=-1)

    html = {ws: await receive_html(ws) for ws in (english, dutch, german)}
    assert all(word in html[english] for word in ("Pain point", "Phone support", 'title="Negative"', "Cards in this phase"))
    assert all(word in html[dutch] for word in ("Pijnpunt", "Telefonische ondersteuning", 'title="Negatief"', "Kaarten in deze fase"))
    assert all(word in html[german] for word in ("Pain Point", "Telefonischer Support", 'title="Negativ"', "Karten in dieser Phase"))
    assert "Phone support" not in html[dutch] + html[german]
    # Content is the board's own, whatever the reader's language.
    assert all("Hotline" in fragment for fragment in html.values())
    assert len({revision_of(fragment) for fragment in html.values()}) == 1
    await quiet(english, dutch, german)
    await close_all(english, dutch, german)


async def test_only_open_languages_are_rendered(crew):
    layer = get_channel_layer()
    assert languages_to_render(layer, crew.board.pk) == []  # nobody looking: nothing to render
    dutch = await open_tab(crew, crew.editor, accept_language="nl")
    english = await open_tab(crew, crew.viewer, dutch)  # no Accept-Language: the default, English
    assert languages_to_render(layer, crew.board.pk) == ["en", "nl"]

    await close_all(dutch)
    assert languages_to_render(layer, crew.board.pk) == ["en"]
    await close_all(english)
    assert languages_to_render(layer, crew.board.pk) == []
    # Sockets of other processes (a shared layer such as Redis) are not counted here: all languages.
    assert languages_to_render(object(), crew.board.pk) == ["en", "nl", "de"]


async def test_a_change_rendered_before_the_page_connected_comes_as_the_whole_board(crew):
    """A broadcast rendered just before a page's language was counted lacks it: that page
    gets the whole board in its language instead, as after a missed change."""
    dutch = await open_tab(crew, crew.editor, accept_language="nl")
    revision = await current_revision(crew.board.pk)
    english_only = {"en": {role: "<p>English</p>" for role in ("owner", "editor", "viewer")}}
    message = {"type": "board.change", "revision": revision, "kind": "card.updated", "data": {}, "origin": "", "html": english_only}

    await get_channel_layer().group_send(board_group(crew.board.pk), message)

    html = await receive_html(dutch)
    assert revision_of(html, resync=True) == revision
    assert "English" not in html and "Nieuwe fase" in html
    await quiet(dutch)
    await close_all(dutch)


async def test_error_messages_come_in_the_pages_language(crew):
    german = await open_tab(crew, crew.editor, lang="de")

    await german.send_to(text_data='{"type": "shout"}')

    assert (await receive_error(german, "unknown_type"))["message"] == "Unbekannter Nachrichtentyp."
    await close_all(german)


REDIS = os.environ.get("REDIS_URL", "")


def test_a_shared_layer_whose_redis_does_not_answer_gets_every_language():
    from channels_redis.core import RedisChannelLayer

    unreachable = RedisChannelLayer(hosts=["redis://127.0.0.1:1/0"])
    assert languages_to_render(unreachable, 1) == ["en", "nl", "de"]


@pytest.mark.skipif(not REDIS, reason="REDIS LANGUAGES TEST NOT RUN: it needs REDIS_URL (.ci/run sets it)")
async def test_with_redis_every_process_names_the_languages_of_its_pages(crew, settings):
    from redis.asyncio import Redis

    prefix = f"test-languages-{new_client_id()[:8]}"
    settings.CHANNEL_LAYERS = {
        "default": {"BACKEND": "channels_redis.core.RedisChannelLayer", "CONFIG": {"hosts": [REDIS], "prefix": prefix}}
    }
    layer = get_channel_layer()
    client = Redis.from_url(REDIS)
    key = languages.shared_key(layer, crew.board.pk)

    def to_render():
        return asyncio.to_thread(languages_to_render, layer, crew.board.pk)

    try:
        assert await to_render() == []  # nobody anywhere
        # Another process has German pages open; a dead one had English ones.
        await client.hset(key, mapping={"0ther0process:de": time.time(), "dead0process:en": time.time() - 60})
        assert await to_render() == ["de"]

        dutch = await open_tab(crew, crew.editor, accept_language="nl")
        assert await client.hexists(key, f"{languages.PROCESS}:nl")  # written before it joined
        assert await to_render() == ["nl", "de"]

        await close_all(dutch)
        for _ in range(100):  # this process's last Dutch page: its field goes, in the background
            if not await client.hexists(key, f"{languages.PROCESS}:nl"):
                break
            await asyncio.sleep(0.02)
        assert await to_render() == ["de"]
    finally:
        await client.delete(key)
        await client.aclose()
