"""Cards as a list shows them, rendered once and kept while nothing they show changes.

A board page lists hundreds of cards, and rendering one costs the template engine some 35 µs
(about 25 lookups, escapes and tests): two thirds of a 600-card page. Between two loads of a
board almost every card is as it was, so the HTML of a listed card (a `rendering.CardRow`)
is kept here, keyed by everything that card's HTML is made of: its shown fields, its
personas' names and colours, and what the page adds (language, whether the reader may
write, the board's address, the out-of-band flag). A card that changes gets a new key, and
its old copy ages out; nothing needs to be told. While a voting or emotion round is on the
board, cards show its badges and are rendered afresh.

`{% cached_card card %}...{% endcached_card %}` (templatetags/journey.py) wraps the card
partial; a card given as a model instance (one card's fragment) is always rendered.
"""

import threading
from collections import OrderedDict

from django.utils.translation import get_language

from .rendering import CARD_SHOWN, CardRow

# Cards kept per process: pages list at most 100 a lane, so this holds several big boards;
# a kept card weighs about its HTML and its key (a title, a note's preview): ~1-3 KB.
SIZE = 10_000

_kept = OrderedDict()
_lock = threading.Lock()


def page_key(context):
    """What the page adds to every card's HTML, or None when cards are not to be kept."""
    if context.get("voting") or context.get("rating"):
        return None
    return get_language(), bool(context.get("can_write")), context.get("board_url"), bool(context.get("card_oob"))


# What a card shows of itself (its note as the card shortens it, not the whole note).
SHOWN = tuple(name for name in CARD_SHOWN if name != "note") + ("note_preview", "comment_count", "vote_count")


def card_key(page, card):
    if not isinstance(card, CardRow):
        return None
    personas = tuple((persona.pk, persona.name, persona.color) for persona in card["persona_chips"])
    return page, tuple(card[name] for name in SHOWN), personas


def kept(key):
    with _lock:
        html = _kept.get(key)
        if html is not None:
            _kept.move_to_end(key)
        return html


def keep(key, html):
    with _lock:
        _kept[key] = html
        if len(_kept) > SIZE:
            _kept.popitem(last=False)


def clear():
    with _lock:
        _kept.clear()
