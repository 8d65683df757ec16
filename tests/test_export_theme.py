"""One palette and one lane geometry for the page, its emotion curve and the picture
export: static/css/theme.css is written from journeyboard/theme.py, and app.css takes
those values from it instead of keeping copies."""

import re

from django.conf import settings

from journeyboard import theme
from journeyboard.boards.curve import emotion_curve
from journeyboard.export.geometry import CARD_W, LANE_GAP, LANE_PAD, LANE_W
from journeyboard.theme import css_properties, hex_colour, stylesheet
from tests.base import BaseTestCase

STATIC = settings.BASE_DIR / "static" / "css"


def declared(css):
    """{custom property: value} of every declaration in `css`."""
    return dict(re.findall(r"(--[\w-]+)\s*:\s*([^;}]+)", css))


def test_theme_css_is_written_from_theme_py():
    # Run `python -m journeyboard.theme` after changing journeyboard/theme.py.
    assert (STATIC / "theme.css").read_text() == stylesheet()


def test_theme_css_holds_the_lane_width_and_the_export_colours():
    properties = declared((STATIC / "theme.css").read_text())
    assert properties["--lane-w"] == f"{theme.LANE_WIDTH}px" and properties["--gap"] == f"{theme.LANE_GAP}px"
    for emotion, colour in theme.EMOTIONS.items():
        name = {-2: "minus-2", -1: "minus-1", 0: "0", 1: "plus-1", 2: "plus-2"}[emotion]
        assert properties[f"--emotion-{name}"] == hex_colour(colour)
    for kind in ("pain", "opportunity", "idea"):
        assert (properties[f"--{kind}"], properties[f"--{kind}-bg"]) == tuple(map(hex_colour, theme.KINDS[kind]))
    assert properties["--buyer-bg"] == hex_colour(theme.BANDS["buyer"][0])
    assert properties["--curve-up"] == hex_colour(theme.CURVE_UP)


def test_app_css_keeps_no_copy_of_a_theme_value():
    app = (STATIC / "app.css").read_text().lower()
    redefined = set(declared(app)) & set(css_properties())
    assert not redefined, f"app.css sets {redefined}: they belong in journeyboard/theme.py"
    copies = [theme.LANE, theme.CURVE_UP, theme.CURVE_DOWN, theme.CURVE_AXIS]
    # White and the grey of a touchpoint (the channel dot's) also colour things that are not cards.
    copies += [colour for pair in theme.KINDS.values() for colour in pair if colour not in (theme.PAPER, theme.CHANNEL_DOT)]
    copies += [colour for background, ink, _line in theme.BANDS.values() for colour in (background, ink)]
    assert [hex_colour(c) for c in copies if hex_colour(c) in app] == []
    assert f"{theme.LANE_WIDTH}px" not in app


def test_every_face_of_the_page_takes_its_colour_from_the_theme():
    # The faces are SVG symbols in the board template; theme.css colours their discs.
    board_html = (settings.BASE_DIR / "templates" / "boards" / "board.html").read_text()
    faces = re.findall(r'<symbol id="face-(-?\d)"', board_html)
    assert sorted(int(face) for face in faces) == sorted(theme.EMOTIONS)
    css = stylesheet()
    for face in faces:
        rule = re.search(rf"#face-{re.escape(face)} > circle:first-child {{ fill: var\((--[\w-]+)\); }}", css)
        assert rule and css_properties()[rule.group(1)] == hex_colour(theme.EMOTIONS[int(face)]), face


def test_the_export_draws_lanes_as_wide_as_the_page():
    assert (LANE_W, LANE_GAP) == (theme.LANE_WIDTH, theme.LANE_GAP)
    assert CARD_W == theme.LANE_WIDTH - 2 * LANE_PAD


class PageThemeTests(BaseTestCase):
    def test_the_page_links_theme_css_before_app_css(self):
        self.login(self.viewer)
        html = self.client.get(self.board_url("")).content.decode()
        theme_at, app_at = html.find("css/theme.css"), html.find("css/app.css")
        self.assertGreater(theme_at, 0)
        self.assertLess(theme_at, app_at)

    def test_the_curve_puts_its_points_over_the_lanes_of_the_theme(self):
        points = emotion_curve(self.board)["points"]
        step = theme.LANE_WIDTH + theme.LANE_GAP
        self.assertEqual([p.x for p in points], [i * step + theme.LANE_WIDTH / 2 for i in range(len(points))])
