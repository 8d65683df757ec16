"""Where things go in the exported picture, in unit pixels: the board page's CSS pixels
at scale 1. The lane's width and gap are the page's (journeyboard/theme.py); the rest
follows the page's CSS for cards, heads and bands."""

from journeyboard import theme

MAX_SIDE = 16384
# Pillow keeps RGB at 4 bytes a pixel: 40 megapixels is 160 MB, which keeps a render
# under 400 MB of RSS, and well under Pillow's decompression-bomb warning (89 MP) for
# whoever opens the file.
MAX_PIXELS = 40 * 1024 * 1024

MARGIN = 48
MIN_CONTENT_W = 720

TITLE_SIZE, TITLE_LH, TITLE_LINES = 30, 38, 2
META_SIZE, META_LH, META_LINES, META_GAP, META_MAX_W = 15, 22, 2, 6, 1000

PERSONA_W, PERSONA_GAP, PERSONA_TOP, PERSONA_PAD, AVATAR = 340, 14, 20, 14, 40
PERSONA_LABEL_SIZE, PERSONA_LABEL_LH = 10.5, 15
PERSONA_NAME_SIZE, PERSONA_NAME_LH = 15, 20
PERSONA_ROLE_SIZE, PERSONA_ROLE_LH = 13, 18
PERSONA_QUOTE_SIZE, PERSONA_QUOTE_LH, PERSONA_QUOTE_LINES, PERSONA_QUOTE_GAP = 13, 18, 2, 6

SECTION_GAP = 28
BAND_H, BAND_PAD, BAND_SIZE, BAND_TRACK = 30, 12, 12, 0.06
ROW_GAP = 10

LANE_W, LANE_GAP = theme.LANE_WIDTH, theme.LANE_GAP
LANE_PAD, CARD_GAP, LANE_MIN_H = 8, 8, 72
HEAD_PAD_X, HEAD_PAD_Y, HEAD_SIZE, HEAD_LH, HEAD_LINES = 12, 11, 15, 20, 2
CHIP_H, CHIP_PAD, CHIP_SIZE = 22, 8, 12
# A phase's KPI: a pill under the name, a status mark (on or off target) at its left. A
# KPI too long for one line puts its figures on a second line (every head then has room).
KPI_GAP, KPI_H, KPI_LH, KPI_PAD, KPI_SIZE, KPI_MARK, KPI_MARK_GAP = 6, 24, 17, 9, 12, 14, 6
KPI_W = LANE_W - 2 * HEAD_PAD_X

# The ambassador loop: a line from the last lane's head back to the first's, over the band.
LOOP_H, LOOP_LH, LOOP_SIZE, LOOP_LINE, LOOP_RADIUS = 46, 20, 12.5, 2, 12
LOOP_INSET, LOOP_HEAD_W, LOOP_HEAD_H, LOOP_TAIL, LOOP_BAND_GAP, LOOP_LABEL_GAP = 44, 12, 9, 8, 4, 10

STRIP_H, STRIP_PAD_TOP, STEP = 160, 36, 24  # the plot spans -2..+2 in 4 steps of STEP
STRIP_TITLE_SIZE = 11
LABEL_TRACK = 0.06  # letter spacing of small uppercase labels, in em
EMOTION_MIN, EMOTION_MAX = -2, 2

# The journey grid (a board of two or more rows): a column of row heads left of the lanes,
# as wide as the page's (--row-head-w), each head a box with its row's colour as a left
# stripe; the blueprint's line, dashed, across the grid where the layer changes, its label
# at the top of the head below it (the page's .layer-line).
ROW_HEAD_W, ROW_STRIPE, ROW_PAD_X, ROW_PAD_Y, ROW_INSET = 168, 5, 10, 9, 3
ROW_NAME_SIZE, ROW_NAME_LH, ROW_NAME_LINES = 13.5, 18, 3
ROW_LAYER_SIZE, ROW_LAYER_LH, ROW_LAYER_GAP, ROW_LAYER_LINES = 11.5, 16, 2, 2
ROW_LINE_SIZE, ROW_LINE_LH, ROW_LINE_LINES, ROW_LINE_GAP = 10.5, 14, 2, 4
ROW_TEXT_W = ROW_HEAD_W - ROW_STRIPE - 2 * ROW_PAD_X
LAYER_LINE, LAYER_DASH, LAYER_DASH_GAP = 2, 6, 4
CELL_LINE = 1  # between two rows of one layer, across each lane

CARD_W = LANE_W - 2 * LANE_PAD
STRIPE, PAD_X, PAD_TOP, PAD_BOTTOM = 4, 11, 9, 10
CONTENT_X = STRIPE + PAD_X
CONTENT_W = CARD_W - CONTENT_X - PAD_X
FACE, FACE_TOP, FACE_RIGHT, FACE_ROOM = 22, 8, 9, 28
KIND_SIZE, KIND_H, KIND_ICON, KIND_TRACK = 11, 16, 14, 0.04
TITLE_CARD_SIZE, TITLE_CARD_LH, TITLE_CARD_LINES, TITLE_CARD_GAP = 14, 20, 3, 2
NOTE_SIZE, NOTE_LH, NOTE_LINES, NOTE_GAP = 12.5, 17, 4, 4
CHANNEL_SIZE, CHANNEL_H, CHANNEL_GAP, CHANNEL_DOT = 11.5, 16, 7, 8
# Dot votes: a pill with a dot and the count in the card's bottom right corner, in a row of its own.
VOTES_H, VOTES_SIZE, VOTES_DOT, VOTES_PAD, VOTES_GAP = 20, 11.5, 8, 7, 6

LEGEND_SIZE, LEGEND_H, LEGEND_ICON, LEGEND_ITEM_GAP, LEGEND_GROUP_GAP = 13, 22, 18, 18, 30
LEGEND_TOP_MIN_LEFT = 520  # the header keeps at least this for the title when the legend sits beside it
FOOTER_GAP, FOOTER_SIZE = 28, 12.5
EMPTY_W, EMPTY_H, EMPTY_SIZE = 560, 120, 16

# Long texts are cut before wrapping: more than this can never fit in the lines shown.
TEXT_LIMIT = 800

