"""Two server processes, one PostgreSQL, one Redis: a board edited through process A
reaches a browser connected to process B. Needs the real services (CI sets both URLs)."""

import asyncio
import json
import os

import pytest
import websockets

from tests.livestack import Browserless, LiveStack

POSTGRES = os.environ.get("DATABASE_URL", "")
REDIS = os.environ.get("REDIS_URL", "")

pytestmark = pytest.mark.skipif(
    not (REDIS and POSTGRES.startswith("postgres")),
    reason="SCALE-OUT TESTS NOT RUN: they need REDIS_URL and a PostgreSQL DATABASE_URL (.ci/run sets both)",
)

SETUP = """
from django.contrib.auth.models import User
from journeyboard.boards.lifecycle import create_board
from journeyboard.boards.models import Membership
anna = User.objects.create_user("anna", password="scale-out-pass")
bert = User.objects.create_user("bert", password="scale-out-pass")
board = create_board(anna, "Scale-out", template="buyer", language="en")
Membership.objects.create(board=board, user=bert, role="editor")
print(board.pk, *board.phases.order_by("position").values_list("pk", flat=True))
"""


async def next_html(socket, timeout=5):
    """The next change fragment, passing over presence and cursor JSON."""
    while True:
        message = await asyncio.wait_for(socket.recv(), timeout)
        if not message.startswith("{"):
            return message


async def next_json(socket, kind, timeout=5):
    while True:
        message = await asyncio.wait_for(socket.recv(), timeout)
        if message.startswith("{") and json.loads(message)["type"] == kind:
            return json.loads(message)


@pytest.fixture(scope="module")
def stack():
    with LiveStack(POSTGRES, REDIS, processes=2) as running:
        board_id, *phase_ids = map(int, running.shell(SETUP).split())
        running.board_id, running.phase_ids = board_id, phase_ids
        yield running


def ws_url(port, board_id):
    return f"ws://127.0.0.1:{port}/ws/boards/{board_id}/"


async def test_edit_through_process_a_reaches_a_client_of_process_b(stack):
    port_a, port_b = stack.ports
    anna = Browserless(port_a).sign_in("anna", "scale-out-pass")
    bert = Browserless(port_b).sign_in("bert", "scale-out-pass")
    async with websockets.connect(ws_url(port_b, stack.board_id), additional_headers=bert.ws_headers()) as socket:
        status, _html = await asyncio.to_thread(
            anna.post, f"/boards/{stack.board_id}/phases/{stack.phase_ids[0]}/cards/", {"title": "Made on A"}
        )
        assert status == 200
        fragment = await next_html(socket)
    assert "Made on A" in fragment
    assert f'hx-swap-oob="beforeend:#cards-{stack.phase_ids[0]}"' in fragment


async def test_presence_crosses_processes(stack):
    port_a, port_b = stack.ports
    anna = Browserless(port_a).sign_in("anna", "scale-out-pass")
    bert = Browserless(port_b).sign_in("bert", "scale-out-pass")
    async with websockets.connect(ws_url(port_b, stack.board_id), additional_headers=bert.ws_headers()) as on_b:
        async with websockets.connect(ws_url(port_a, stack.board_id), additional_headers=anna.ws_headers()) as on_a:
            joined = await next_json(on_b, "presence")
            here = await next_json(on_a, "presence")
            await on_a.send(json.dumps({"type": "cursor", "x": 120, "y": 80}))
            cursor = await next_json(on_b, "cursor")
    assert (joined["action"], joined["name"]) == ("join", "anna")
    assert (here["action"], here["name"]) == ("here", "bert")
    assert (cursor["x"], cursor["y"], cursor["name"]) == (120.0, 80.0, "anna")


async def test_a_foreign_origin_is_refused_by_every_process(stack):
    bert = Browserless(stack.ports[1]).sign_in("bert", "scale-out-pass")
    headers = {**bert.ws_headers(), "Origin": "http://evil.example"}
    with pytest.raises(websockets.InvalidStatus) as refused:
        async with websockets.connect(ws_url(stack.ports[1], stack.board_id), additional_headers=headers):
            pass
    assert refused.value.response.status_code == 403
