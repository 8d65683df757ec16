"""The grid live: a card moved into another row over the socket lands in its cell on every
page, and a row of another board is refused without changing anything."""

import pytest

from journeyboard.boards.models import Card, Row
from journeyboard.boards.rows import create_row
from tests.realtime import close_all, current_revision, join, oob_swaps, orm, quiet, receive_error, receive_html, settled

pytestmark = pytest.mark.django_db(transaction=True)


async def test_a_card_moved_into_another_row_over_the_socket(crew):
    back = await orm(lambda: create_row(crew.owner, crew.board, "Warehouse", layer="backstage"))()
    a = await join(crew, crew.editor)
    b = await join(crew, crew.viewer, a)
    first, second = crew.phases[0], crew.phases[1]

    await a.send_json_to({"type": "card.move", "card": crew.ad.pk, "phase": second.pk, "row": back.pk, "position": 0})

    for ws in (b, a):  # the mover gets the server's placement back too
        swaps = oob_swaps(await receive_html(ws))
        assert f"innerHTML:#cards-{second.pk}-{back.pk}" in swaps
        assert f"innerHTML:#cards-{first.pk}" in swaps
    card = await orm(lambda: Card.objects.get(pk=crew.ad.pk))()
    assert (card.phase_id, card.row_id, card.position) == (second.pk, back.pk, 0)
    await quiet(a, b)
    await close_all(a, b)


async def test_a_row_of_another_board_is_refused(crew):
    foreign = await orm(lambda: Row.objects.filter(board=crew.other).first())()
    a = await join(crew, crew.editor)
    before = await current_revision(crew.board.pk)

    await a.send_json_to({"type": "card.move", "card": crew.ad.pk, "phase": crew.phases[1].pk, "row": foreign.pk, "position": 0})
    assert (await receive_error(a, "invalid"))["message"] == "No such row on this board."
    await a.send_json_to({"type": "card.move", "card": crew.ad.pk, "phase": crew.phases[1].pk, "row": "two", "position": 0})
    await receive_error(a, "invalid")

    await settled(a, before)
    card = await orm(lambda: Card.objects.get(pk=crew.ad.pk))()
    assert card.phase_id == crew.phases[0].pk
    await close_all(a)
