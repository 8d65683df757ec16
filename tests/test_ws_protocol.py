"""What a browser may send over the board WebSocket: `protocol.parse`, without a socket or a database.

Every frame the consumer gets passes through `parse` first, so anything it lets through
reaches a service; anything it cannot classify must still end as a ProtocolError (an
error frame for that one message), never as another exception, which the consumer
treats as a server error and answers by closing the connection.
"""

import json

import pytest

from journeyboard.realtime.protocol import MAX_COORDINATE, MAX_FRAME_BYTES, ProtocolError, parse


def frame(**message):
    return json.dumps(message)


def refusal(text):
    """The code of the ProtocolError that `text` raises; a human message comes with it."""
    with pytest.raises(ProtocolError) as caught:
        parse(text)
    assert isinstance(caught.value.message, str) and caught.value.message
    assert str(caught.value) == caught.value.message
    return caught.value.code


# --- what is accepted -------------------------------------------------------------------


def test_sync_carries_the_revision():
    assert parse(frame(type="sync", revision=12)) == ("sync", {"revision": 12})


def test_sync_at_revision_zero():
    # A brand-new board has revision 0: falsy, but a perfectly good revision.
    assert parse(frame(type="sync", revision=0)) == ("sync", {"revision": 0})


def test_cursor_is_rounded_to_a_tenth_of_a_pixel():
    assert parse(frame(type="cursor", x=310.549, y=88)) == ("cursor", {"x": 310.5, "y": 88.0})
    _, fields = parse(frame(type="cursor", x=1, y=2))
    assert all(isinstance(value, float) for value in fields.values())


@pytest.mark.parametrize("value", [0, 0.0, MAX_COORDINATE, float(MAX_COORDINATE)])
def test_cursor_range_is_inclusive(value):
    assert parse(frame(type="cursor", x=value, y=value)) == ("cursor", {"x": float(value), "y": float(value)})


def test_editing_a_card_and_closing_the_editor():
    assert parse(frame(type="editing", card=42)) == ("editing", {"card": 42})
    assert parse(frame(type="editing", card=None)) == ("editing", {"card": None})
    # Leaving "card" out means the same as null: no card is being edited.
    assert parse(frame(type="editing")) == ("editing", {"card": None})


def test_card_move():
    assert parse(frame(type="card.move", card=42, phase=7, position=0)) == (
        "card.move",
        {"card": 42, "phase": 7, "position": 0},
    )


def test_unknown_extra_keys_are_dropped():
    # Only the named fields reach the consumer's handlers, so a key like "user" or
    # "channel" can never be passed on to a service or to the group.
    _, fields = parse(frame(type="card.move", card=1, phase=2, position=3, user=99, channel="x"))
    assert fields == {"card": 1, "phase": 2, "position": 3}


def test_largest_frame_is_accepted():
    head = frame(type="sync", revision=1, pad="")
    text = head[:-2] + "x" * (MAX_FRAME_BYTES - len(head)) + head[-2:]
    assert len(text.encode()) == MAX_FRAME_BYTES
    assert parse(text) == ("sync", {"revision": 1})


# --- what is refused, and with which code ---------------------------------------------

TOO_LARGE = frame(type="sync", revision=1, pad="x" * MAX_FRAME_BYTES)


@pytest.mark.parametrize(
    "text, code",
    [
        pytest.param(None, "invalid", id="binary frame (no text)"),
        pytest.param("", "malformed", id="empty"),
        pytest.param("{type: sync}", "malformed", id="not JSON"),
        pytest.param('{"type": "sync", "revision": 1', "malformed", id="truncated"),
        pytest.param("[1, 2]", "malformed", id="a list"),
        pytest.param('"sync"', "malformed", id="a string"),
        pytest.param("null", "malformed", id="null"),
        pytest.param("12", "malformed", id="a number"),
        pytest.param("[" * 5000 + "]" * 5000, "malformed", id="deeply nested list"),
        pytest.param('{"a":' * 3000 + "1" + "}" * 3000, "malformed", id="deeply nested object"),
        pytest.param('{"type": "sync", "revision": ' + "9" * 5000 + "}", "malformed", id="integer too long to parse"),
        pytest.param(TOO_LARGE, "too_large", id="over 64 KiB"),
        pytest.param(frame(type="sync", revision=1, pad="é" * (MAX_FRAME_BYTES // 2 + 1)), "too_large", id="over 64 KiB in bytes"),
        pytest.param(frame(revision=1), "unknown_type", id="no type"),
        pytest.param(frame(type="delete_board"), "unknown_type", id="unknown type"),
        pytest.param(frame(type="Sync", revision=1), "unknown_type", id="type is case-sensitive"),
        pytest.param(frame(type=None), "unknown_type", id="type null"),
        pytest.param(frame(type=1), "unknown_type", id="type a number"),
        pytest.param(frame(type=["sync"]), "unknown_type", id="type a list"),
        pytest.param(frame(type={"sync": 1}), "unknown_type", id="type an object"),
        pytest.param(frame(type="__init__"), "unknown_type", id="type names a Python attribute"),
        pytest.param(frame(type="sync"), "invalid", id="sync without revision"),
        pytest.param(frame(type="sync", revision=None), "invalid", id="revision null"),
        pytest.param(frame(type="sync", revision="12"), "invalid", id="revision a string"),
        pytest.param(frame(type="sync", revision=12.0), "invalid", id="revision a float"),
        pytest.param(frame(type="sync", revision=True), "invalid", id="revision a bool"),
        pytest.param(frame(type="editing", card="42"), "invalid", id="editing card a string"),
        pytest.param(frame(type="editing", card=False), "invalid", id="editing card a bool"),
        pytest.param(frame(type="card.move", card=1, phase=2), "invalid", id="move without position"),
        pytest.param(frame(type="card.move", phase=2, position=0), "invalid", id="move without card"),
        pytest.param(frame(type="card.move", card=True, phase=2, position=0), "invalid", id="move card a bool"),
        pytest.param(frame(type="card.move", card=1, phase=2, position=False), "invalid", id="move position a bool"),
        pytest.param(frame(type="card.move", card=1, phase=[2], position=0), "invalid", id="move phase a list"),
        pytest.param(frame(type="card.move", card=1, phase=2, position=0.5), "invalid", id="move position a float"),
        pytest.param(frame(type="cursor", x=1), "invalid", id="cursor without y"),
        pytest.param(frame(type="cursor", x="1", y=2), "invalid", id="cursor x a string"),
        pytest.param(frame(type="cursor", x=True, y=2), "invalid", id="cursor x a bool"),
        pytest.param(frame(type="cursor", x=None, y=2), "invalid", id="cursor x null"),
        pytest.param('{"type": "cursor", "x": NaN, "y": 1}', "invalid", id="cursor NaN"),
        pytest.param('{"type": "cursor", "x": 1, "y": Infinity}', "invalid", id="cursor Infinity"),
        pytest.param('{"type": "cursor", "x": -Infinity, "y": 1}', "invalid", id="cursor -Infinity"),
        pytest.param('{"type": "cursor", "x": 1e400, "y": 1}', "invalid", id="cursor 1e400 overflows to inf"),
        pytest.param(frame(type="cursor", x=-0.5, y=1), "invalid", id="cursor negative"),
        pytest.param(frame(type="cursor", x=1, y=MAX_COORDINATE + 0.5), "invalid", id="cursor beyond range"),
        pytest.param(frame(type="cursor", x=10**30, y=1), "invalid", id="cursor huge integer"),
    ],
)
def test_refused(text, code):
    assert refusal(text) == code
