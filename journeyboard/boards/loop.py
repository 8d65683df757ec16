"""The ambassador loop (seed 004: the journey is a cycle, loyal customers who recommend the
brand bring new buyers into awareness): an arrow over the lanes from the last phase back
to the first. Geometry follows the lanes of static/css/app.css (see curve.py)."""

from .curve import LANE_GAP, LANE_WIDTH

HEIGHT = 40
TOP = 9  # y of the arrow's horizontal run
RADIUS = 10


def loop_arrow(phase_count):
    """What the loop partial draws over `phase_count` lanes; None below two phases (a
    single phase feeding itself is no journey)."""
    if phase_count < 2:
        return None
    width = phase_count * LANE_WIDTH + (phase_count - 1) * LANE_GAP
    first, last = LANE_WIDTH // 2, width - LANE_WIDTH // 2
    bottom = HEIGHT - 4
    path = (
        f"M {last} {bottom} V {TOP + RADIUS} Q {last} {TOP} {last - RADIUS} {TOP} "
        f"H {first + RADIUS} Q {first} {TOP} {first} {TOP + RADIUS} V {bottom - 6}"
    )
    # The label sits just right of the arrowhead, where the board opens: on a long
    # journey the middle of the arrow is off screen.
    return {"width": width, "height": HEIGHT, "path": path, "label_x": first + 2 * RADIUS}
