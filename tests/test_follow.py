"""Follow mode over the board socket: a facilitator's view position reaches everyone else;
nobody else may move other people's screens; nothing is stored.

Helpers and the crew come from tests/realtime.py (see there for how these
transactional socket tests wait: for a frame or for quiet, never a sleep).
"""

import pytest

from journeyboard.boards.models import Membership
from journeyboard.realtime.consumers import FOLLOW_RATE
from tests.realtime import (
    QUIET,
    close_all,
    join,
    orm,
    quiet,
    receive_error,
    receive_json,
    settled,
    state,
)

pytestmark = pytest.mark.django_db(transaction=True)


async def set_facilitator(crew, user, on):
    await orm(lambda: Membership.objects.filter(board=crew.board, user=user).update(facilitator=on))()


async def test_a_facilitators_view_reaches_everyone_else(crew):
    owner = await join(crew, crew.owner)  # the owner is always a facilitator
    editor = await join(crew, crew.editor, owner)
    viewer = await join(crew, crew.viewer, owner, editor)
    before = await state(crew)

    await owner.send_json_to({"type": "follow", "x": 1840.26, "y": 312})
    for ws in (editor, viewer):
        follow = await receive_json(ws)
        assert follow == {
            "type": "follow",
            "conn": follow["conn"],
            "user": crew.owner.pk,
            "name": "olivia",
            "initials": "OL",
            "color": follow["color"],
            "x": 1840.3,
            "y": 312.0,
        }
    await settled(owner)  # the leader gets nothing of its own back
    await quiet(owner, editor, viewer)
    assert await state(crew) == before  # nothing stored

    await owner.send_json_to({"type": "follow.stop"})
    for ws in (editor, viewer):
        stop = await receive_json(ws)
        assert (stop["type"], stop["user"], stop["name"]) == ("follow.stop", crew.owner.pk, "olivia")
        assert stop["conn"] == follow["conn"]
        assert "x" not in stop
    await settled(owner)
    await quiet(owner, editor, viewer)
    await close_all(owner, editor, viewer)


@pytest.mark.parametrize("who", ["editor", "viewer"])
async def test_only_facilitators_lead(crew, who):
    owner = await join(crew, crew.owner)
    member = await join(crew, getattr(crew, who), owner)

    await member.send_json_to({"type": "follow", "x": 100, "y": 100})
    error = await receive_error(member, "forbidden")
    assert error["message"] == "Only a facilitator can do that."
    await member.send_json_to({"type": "follow.stop"})
    await receive_error(member, "forbidden")
    await settled(member)  # refused, and the connection stays open
    await quiet(owner, member)  # nothing was relayed
    await close_all(owner, member)


async def test_leading_follows_the_facilitator_flag_while_connected(crew):
    editor = await join(crew, crew.editor)
    viewer = await join(crew, crew.viewer, editor)

    await set_facilitator(crew, crew.editor, True)  # promoted during the workshop
    await editor.send_json_to({"type": "follow", "x": 10, "y": 20})
    follow = await receive_json(viewer)
    assert (follow["type"], follow["user"], follow["x"], follow["y"]) == ("follow", crew.editor.pk, 10.0, 20.0)

    await set_facilitator(crew, crew.editor, False)
    await editor.send_json_to({"type": "follow", "x": 30, "y": 40})
    await receive_error(editor, "forbidden")
    await settled(editor)
    await quiet(viewer)
    await close_all(editor, viewer)


@pytest.mark.parametrize(
    "frame, code",
    [
        ({"type": "follow", "x": 10}, "invalid"),
        ({"type": "follow", "x": -1, "y": 10}, "invalid"),
        ({"type": "follow", "x": "10", "y": 10}, "invalid"),
        ({"type": "follow", "x": True, "y": 10}, "invalid"),
        ({"type": "follow", "x": 10, "y": 10_000_001}, "invalid"),
        ({"type": "follow.start"}, "unknown_type"),
    ],
)
async def test_bad_follow_frames_are_refused_and_not_relayed(crew, frame, code):
    owner = await join(crew, crew.owner)
    editor = await join(crew, crew.editor, owner)
    await owner.send_json_to(frame)
    await receive_error(owner, code)
    await settled(owner)
    await quiet(editor)
    await close_all(owner, editor)


async def test_a_follow_flood_is_thinned(crew):
    owner = await join(crew, crew.owner)
    editor = await join(crew, crew.editor, owner)

    for n in range(100):
        await owner.send_json_to({"type": "follow", "x": n, "y": n})
    await settled(owner)  # all 100 handled, none refused

    received = []
    while not await editor.receive_nothing(timeout=QUIET):
        received.append(await receive_json(editor))
    assert 0 < len(received) <= FOLLOW_RATE
    assert {frame["type"] for frame in received} == {"follow"}
    assert [frame["x"] for frame in received] == [float(n) for n in range(len(received))]
    await quiet(owner)
    await close_all(owner, editor)
