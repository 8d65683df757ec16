"""The persona lines in the picture export: a line per persona tagged on cards, in the
persona's colour, through the average of its cards per phase, with its key at the top of
the curve's panel; nothing of the kind on a board whose cards carry no personas."""

import pytest

from journeyboard.boards.card_personas import set_card_personas
from journeyboard.boards.cards import create_card
from journeyboard.boards.personas import create_persona
from journeyboard.export.layout import layout
from journeyboard.export.parts import part_phase
from journeyboard.export.persona_curve import with_persona_lines
from journeyboard.export.png import render_png
from journeyboard.export.snapshot import PersonaShot, board_snapshot
from journeyboard.theme import rgb
from tests.base import BaseTestCase
from tests.pictures import board, card, close, decode, phase

TEAL, ORANGE = "#0e8a7d", "#c25e0c"


def tagged(emotion, *personas):
    shot = card(f"Card {emotion} {personas}", emotion=emotion)
    shot.personas = personas
    return shot


def persona_board():
    """Sanne (teal) at +2 then +1, overall 0 and 0; Jürgen (orange) only in the last phase."""
    personas = [PersonaShot("Sanne de Vries", "", "", TEAL), PersonaShot("Jürgen", "", "", ORANGE)]
    phases = [
        phase("Look", [tagged(2, 0), tagged(-2)]),
        phase("Compare", [tagged(1, 0), tagged(-1)]),
        phase("Buy", [tagged(-1, 1), tagged(1)]),
    ]
    return with_persona_lines(board(phases, personas=personas))


def count(image, box, colour, tolerance=12):
    data = image.crop(box).tobytes()
    return sum(1 for i in range(0, len(data), 3) if close(data[i : i + 3], colour, tolerance))


def test_the_snapshot_keeps_each_lines_averages_per_phase():
    shot = persona_board()
    assert [(line.name, line.color) for line in shot.persona_lines] == [("Sanne de Vries", TEAL), ("Jürgen", ORANGE)]
    assert [p.persona_averages for p in shot.phases] == [(2.0, None), (1.0, None), (None, -1.0)]
    # A page of a paged PDF speaks for the whole phase, as its curve does.
    assert part_phase(shot.phases[0], []).persona_averages == (2.0, None)


@pytest.mark.parametrize("scale", [1, 2])
def test_each_persona_line_is_drawn_in_its_colour_along_its_points(scale):
    shot = persona_board()
    lay = layout(shot, scale)
    image = decode(render_png(shot, scale))
    sanne, jurgen = lay.persona_lines
    a, b, none = sanne.points
    assert none is None and a[0] == lay.phases[0].point[0] and b[0] == lay.phases[1].point[0]
    assert a[1] == lay.level_y(2) and b[1] == lay.level_y(1) and lay.phases[0].point[1] == lay.level_y(0)
    assert close(image.getpixel(a), rgb(TEAL), 8)  # the dot at Sanne's average
    # Along the segment between her points, at every tenth of the way: her colour.
    for t in range(2, 9):
        x, y = round(a[0] + (b[0] - a[0]) * t / 10), round(a[1] + (b[1] - a[1]) * t / 10)
        assert count(image, (x - 1, y - 2, x + 2, y + 3), rgb(TEAL), 40) > 0, (t, x, y)
    assert jurgen.points[:2] == [None, None] and close(image.getpixel(jurgen.points[2]), rgb(ORANGE), 8)


def test_the_key_names_the_lines_at_the_top_of_the_panel():
    shot = persona_board()
    lay = layout(shot, 1)
    image = decode(render_png(shot, 1))
    top = (lay.strip.x0, lay.strip.y0, lay.strip.x1, lay.strip.y0 + 22)
    assert count(image, top, rgb(TEAL), 6) >= 14  # Sanne's swatch
    assert count(image, top, rgb(ORANGE), 6) >= 14


def test_a_board_without_tagged_cards_draws_no_persona_line():
    shot = persona_board()
    for p in shot.phases:
        for c in p.cards:
            c.personas = ()
    shot = with_persona_lines(shot)
    assert shot.persona_lines == []
    lay = layout(shot, 1)
    image = decode(render_png(shot, 1))
    assert lay.persona_lines == []
    assert count(image, (lay.strip.x0, lay.strip.y0, lay.strip.x1, lay.strip.y1), rgb(TEAL), 6) == 0


class BoardPictureTests(BaseTestCase):
    def test_the_boards_picture_and_pdf_draw_its_tagged_personas(self):
        sanne = create_persona(self.owner, self.board, name="Sanne", color=TEAL)
        set_card_personas(self.owner, self.card, [sanne.pk])  # +1; the phase's average is 0
        create_card(self.owner, self.phase, title="Flyer", emotion=-1)
        shot = board_snapshot(self.board)
        assert [(line.name, line.color) for line in shot.persona_lines] == [("Sanne", TEAL)]
        assert shot.phases[0].cards[0].personas == (0,)
        self.login(self.viewer)
        response = self.client.get(f"/boards/{self.board.pk}/export.png?scale=1")
        image = decode(b"".join(response.streaming_content) if response.streaming else response.content)
        lay = layout(shot, 1)
        assert close(image.getpixel(lay.persona_lines[0].points[0]), rgb(TEAL), 8)
        for paper in ("", "?paper=a4"):
            assert self.client.get(f"/boards/{self.board.pk}/export.pdf{paper}").status_code == 200
