"""The WebSocket message format: parsing and validating what a browser sends.

Client to server (JSON text frames):
  {"type": "sync", "revision": 12}                  after (re)connecting: "I have revision 12"
  {"type": "cursor", "x": 310.5, "y": 88}           pointer position in board-content pixels
  {"type": "editing", "card": 42}                   I opened card 42's editor (null: closed it)
  {"type": "card.move", "card": 42, "phase": 7, "position": 0}   a change, like the HTTP move
                                                                (optional "row": the target cell's row)
  {"type": "follow", "x": 1200, "y": 340}           facilitators: the centre of what I look at (board-content pixels)
  {"type": "follow.stop"}                           facilitators: stop bringing everyone along

Anything else is answered with {"type": "error", "code": ..., "message": ...}.
"""

import json
import math

from django.utils.translation import gettext as _

MAX_FRAME_BYTES = 64 * 1024
MAX_COORDINATE = 1_000_000


class ProtocolError(Exception):
    def __init__(self, code, message):
        super().__init__(message)
        self.code = code
        self.message = message


def _integer(message, name, allow_none=False):
    value = message.get(name)
    if value is None and allow_none:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise ProtocolError("invalid", _("“%(name)s” must be a whole number.") % {"name": name})
    return value


def _coordinate(message, name):
    value = message.get(name)
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise ProtocolError("invalid", _("“%(name)s” must be a number.") % {"name": name})
    if not 0 <= value <= MAX_COORDINATE:
        raise ProtocolError("invalid", _("“%(name)s” is out of range.") % {"name": name})
    return round(float(value), 1)


def _sync(message):
    return {"revision": _integer(message, "revision")}


def _cursor(message):
    return {"x": _coordinate(message, "x"), "y": _coordinate(message, "y")}


def _editing(message):
    return {"card": _integer(message, "card", allow_none=True)}


def _card_move(message):
    fields = {name: _integer(message, name) for name in ("card", "phase", "position")}
    if "row" in message:  # the target cell's row; left out (or null), the card keeps its row
        fields["row"] = _integer(message, "row", allow_none=True)
    return fields


def _nothing(message):
    return {}


PARSERS = {
    "sync": _sync,
    "cursor": _cursor,
    "editing": _editing,
    "card.move": _card_move,
    "follow": _cursor,  # the same shape: a point on the board content
    "follow.stop": _nothing,
}


def parse(text):
    """(type, fields) of one frame, or ProtocolError saying what is wrong with it."""
    if text is None:
        raise ProtocolError("invalid", _("Only JSON text frames are accepted."))
    if len(text.encode()) > MAX_FRAME_BYTES:
        raise ProtocolError("too_large", _("Message larger than 64 KiB."))
    try:
        message = json.loads(text)
    except (ValueError, RecursionError):  # RecursionError: absurdly deep nesting
        raise ProtocolError("malformed", _("Message is not valid JSON.")) from None
    if not isinstance(message, dict):
        raise ProtocolError("malformed", _("Message must be a JSON object."))
    kind = message.get("type")
    parser = PARSERS.get(kind) if isinstance(kind, str) else None
    if parser is None:
        raise ProtocolError("unknown_type", _("Unknown message type."))
    return kind, parser(message)
