"""The interface language of each open board page, and which languages a broadcast needs.

A page is rendered in its reader's language (the switcher's cookie, else the browser's
Accept-Language), so the HTML of a live change must come in that language too: a Dutch
reader would otherwise see English cards and buttons appear after someone's edit. A
change is therefore rendered once per role *and* language (boards/fragments.py), and
each socket picks its own.

Rendering all three languages for every change would triple the cost, so a broadcast
renders only the languages of the pages open on the board whenever it can know them:
with the in-memory channel layer every socket that can receive the broadcast lives in
this process, so this process's count is exact. With a shared layer (Redis) sockets live
in other processes as well, and the broadcast renders every language: at most three.
"""

import threading
from collections import Counter

from channels.layers import InMemoryChannelLayer
from django.conf import settings
from django.http import HttpRequest
from django.utils.translation import get_language_from_request

CODES = tuple(code for code, _name in settings.LANGUAGES)

_open = Counter()  # (board id, language) -> sockets open in this process
# Sockets count on the event loop's thread; broadcasts read on the threads that commit.
_lock = threading.Lock()


def opened(board_id, language):
    with _lock:
        _open[(board_id, language)] += 1


def closed(board_id, language):
    with _lock:
        key = (board_id, language)
        _open[key] -= 1
        if _open[key] <= 0:
            del _open[key]


def languages_to_render(layer, board_id):
    """The languages a change on `board_id` must be rendered in for `layer`'s sockets."""
    if isinstance(layer, InMemoryChannelLayer):
        with _lock:
            return [code for code in CODES if _open[(board_id, code)] > 0]
    return list(CODES)


def page_language(scope, requested=""):
    """The language a board page's socket gets its HTML in: the one the page says it was
    rendered in (`requested`, from the socket's URL), else what LocaleMiddleware would pick
    for this browser (language cookie, then Accept-Language, then the default)."""
    if requested in CODES:
        return requested
    request = HttpRequest()
    request.COOKIES = scope.get("cookies", {})  # parsed by Channels' CookieMiddleware (AuthMiddlewareStack)
    for name, value in scope.get("headers", []):
        if name == b"accept-language":
            request.META["HTTP_ACCEPT_LANGUAGE"] = value.decode("latin-1")
    return get_language_from_request(request)
