"""The room's ratings in the picture export: a dashed line in the theme's ROOM colour over
the emotion curve, from the last closed emotion round, with its key; none without one."""

import pytest

from journeyboard.boards.ratings import close_round, rate, start_round
from journeyboard.export.layout import layout
from journeyboard.export.png import render_png
from journeyboard.export.snapshot import board_snapshot
from journeyboard.theme import ROOM
from tests.base import BaseTestCase
from tests.pictures import close, decode, emotional_board


def room_pixels(image, lay):
    """How many pixels of the ROOM colour the curve's strip holds."""
    strip = lay.strip
    box = image.crop((strip.x0, strip.y0, strip.x1, strip.y1))
    data = box.tobytes()
    return sum(1 for i in range(0, len(data), 3) if close(data[i : i + 3], ROOM, 6))


def with_room(shot, *averages):
    for phase, average in zip(shot.phases, averages):
        phase.room_average = average
    return shot


@pytest.mark.parametrize("scale", [1, 2])
def test_the_rooms_line_is_drawn_dashed_between_its_points(scale):
    shot = with_room(emotional_board([1], [-1], [2]), -2, 2, None)
    lay = layout(shot, scale)
    image = decode(render_png(shot, scale))
    a, b = lay.phases[0].room_point, lay.phases[1].room_point
    assert a is not None and b is not None and lay.phases[2].room_point is None
    assert close(image.getpixel(a), ROOM, 6)  # the dot at the room's average
    # Along the segment: dashes of ROOM and gaps without.
    samples = [image.getpixel((round(a[0] + (b[0] - a[0]) * t / 40), round(a[1] + (b[1] - a[1]) * t / 40))) for t in range(4, 37)]
    on = [close(pixel, ROOM, 10) for pixel in samples]
    assert any(on) and not all(on)
    plain = emotional_board([1], [-1], [2])
    assert room_pixels(decode(render_png(plain, scale)), layout(plain, scale)) == 0
    assert room_pixels(image, lay) > 50 * scale


class SnapshotTests(BaseTestCase):
    def test_the_snapshot_takes_the_last_closed_rounds_averages(self):
        start_round(self.owner, self.board)
        rate(self.owner, self.card, -2)
        rate(self.editor, self.card, -1)
        assert [phase.room_average for phase in board_snapshot(self.board).phases] == [None, None, None]  # open
        close_round(self.owner, self.board)
        shot = board_snapshot(self.board)
        assert [phase.room_average for phase in shot.phases] == [-1.5, None, None]
        lay = layout(shot, 1)
        assert lay.phases[0].room_point is not None
        assert room_pixels(decode(render_png(shot, 1)), lay) > 0

    def test_the_pdf_and_png_exports_answer_with_the_rooms_line(self):
        start_round(self.owner, self.board)
        rate(self.editor, self.card, 2)
        close_round(self.owner, self.board)
        self.login(self.viewer)
        for path, kind in (("export.pdf", "application/pdf"), ("export.png", "image/png")):
            response = self.client.get(f"/boards/{self.board.pk}/{path}")
            assert response.status_code == 200, path
            assert response["Content-Type"].startswith(kind)
        response = self.client.get(f"/boards/{self.board.pk}/export.png?scale=1")
        image = decode(b"".join(response.streaming_content) if response.streaming else response.content)
        assert room_pixels(image, layout(board_snapshot(self.board), 1)) > 0
