"""A file's cards imported into a board reach every open page as one change, and so does
its undo (see tests/realtime.py for the set-up: the real ASGI stack, sockets per tab,
broadcasts after commit)."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from journeyboard.boards.models import BoardEvent, Phase
from tests.realtime import close_all, current_revision, join, oob_swaps, orm, post_as_tab, quiet, receive_html, revision_of

pytestmark = pytest.mark.django_db(transaction=True)

CSV = b"phase,title,kind\nAwareness,Podcast ad,touchpoint\nLoyalty,Referral bonus,opportunity\n"


def upload(crew, user, client_id):
    return post_as_tab(crew, user, client_id, "import/", {"file": SimpleUploadedFile("cards.csv", CSV)})


async def test_an_import_shows_its_cards_and_phases_on_every_other_page(crew):
    a = await join(crew, crew.editor)  # the tab that imports
    b = await join(crew, crew.viewer, a)
    c = await join(crew, crew.owner, a, b)

    response = await orm(upload)(crew, crew.editor, a.client_id)

    assert response.status_code == 200
    loyalty = await orm(lambda: Phase.objects.get(board=crew.board, name="Loyalty").pk)()
    revision = await current_revision(crew.board.pk)
    for ws in (b, c):
        html = await receive_html(ws)
        assert oob_swaps(html)[0] == "#board-body"
        assert "Podcast ad" in html and "Referral bonus" in html
        assert f'id="cards-{loyalty}"' in html  # the new phase's lane
        assert revision_of(html) == revision
    # The importing tab shows it from its own answer: the same fragment, not a broadcast.
    assert "Referral bonus" in response.content.decode()
    await quiet(a)

    undone = await orm(post_as_tab)(crew, crew.editor, a.client_id, "undo/", {})
    assert undone.status_code == 200
    for ws in (b, c):
        html = await receive_html(ws)
        assert "Podcast ad" not in html and f'id="cards-{loyalty}"' not in html
    kinds = await orm(lambda: list(BoardEvent.objects.filter(board=crew.board).values_list("kind", flat=True)))()
    assert kinds[-2:] == ["cards.imported", "cards.unimported"]
    await quiet(a, b, c)
    await close_all(a, b, c)
