"""What the board templates need, loaded in a constant number of queries."""

from collections import Counter, defaultdict
from functools import cached_property
from dataclasses import dataclass, field
from itertools import groupby

from django.db.models import Aggregate, CharField, Count
from django.shortcuts import render
from django.utils.safestring import SafeString, mark_safe
from django.utils.functional import SimpleLazyObject

from .access import can_write
from .badged import badged_cards
from .catalog import EMOTIONS, LAYER_LINES, Channel, Kind, Layer, Segment, label
from .curve import MOODS, emotion_curve, persona_tags
from .loop import loop_arrow
from .forms import CardForm, PhaseCreateForm
from .models import Card, Membership, Persona, Phase, Row, note_preview
from .ratings import rating_state
from .voting import voting_state

BOARD_TEMPLATE = "boards/board.html"


# A lane shows its first cards at once and the rest on request: a lane of hundreds of
# cards is no use on a wall, and rendering all of them made big boards slow to open.
# Positions are gap-free, so "the first N" is exactly position < N.
LANE_PAGE = 100
CARD_SHOWN = ("id", "phase_id", "row_id", "position", "title", "note", "channel", "emotion", "kind")  # what a cell lists


class ChannelList(Aggregate):
    """The channels of a phase's cards as one string, "website,,phone,website", counted in
    Python. It rides on the phase query, so lane footers cost no query of their own and
    count every card, not only those shown. A filtered COUNT per channel (14 of them) did
    the same but made the phase query of a big board twice as slow."""

    function = "GROUP_CONCAT"  # SQLite; separated by commas, which no channel value holds
    output_field = CharField()

    def as_postgresql(self, compiler, connection, **extra_context):
        return self.as_sql(
            compiler, connection, function="STRING_AGG", template="%(function)s(%(expressions)s, ',')", **extra_context
        )


class CardRow(dict):
    """A card as a lane lists it: what the card partial shows, by name (`card.title` reads
    `row["title"]`), from a `.values()` row. A board page lists hundreds of cards, and
    these cost a fraction of a Card instance to make and to render. Their labels are found
    when rendered, in the reader's language: a broadcast renders one context in several."""

    def __missing__(self, name):
        derive = _DERIVED.get(name)
        if derive is None:
            raise KeyError(name)
        return derive(self)


_SAFE_VALUES = {value: mark_safe(value) for value in (*Kind.values, *Channel.values, "")}

_DERIVED = {  # as Card's properties of the same names, the labels escaped once per language
    "kind_label": lambda card: label(Kind, card["kind"], html=True),
    "channel_label": lambda card: label(Channel, card["channel"], html=True),
    "emotion_label": lambda card: label(EMOTIONS, card["emotion"], html=True),
    "note_preview": lambda card: note_preview(card["note"]),
}


# --- the grid: rows × phases --------------------------------------------------------------

LAYER_ORDER = list(Layer.values)


def board_rows(board):
    """The board's rows in order (one query), each with its blueprint line (`line`)."""
    return with_lines(list(Row.objects.filter(board=board).order_by("position", "pk")))


def with_lines(rows):
    """Mark each row below a change of layer with the blueprint's line drawn above it
    (`line`: the lazy label, or None), and the first row as such (`first`)."""
    for index, row in enumerate(rows):
        row.first = index == 0
        row.line = None
        if index and rows[index - 1].layer != row.layer:
            upper = min(LAYER_ORDER.index(rows[index - 1].layer), LAYER_ORDER.index(row.layer))
            row.line = LAYER_LINES.get(LAYER_ORDER[upper])
    return rows


@dataclass
class Cell:
    """One cell of the grid: a phase × a row, its cards, and the ids of its list and form.
    The first row's cells keep the ids lanes had before rows (`cards-<phase>`,
    `add-card-<phase>`); the other rows' add the row (`cards-<phase>-<row>`)."""

    phase_id: int
    row: Row
    cards: list = field(default_factory=list)

    @cached_property
    def suffix(self):
        return f"{self.phase_id}" if getattr(self.row, "first", self.row.position == 0) else f"{self.phase_id}-{self.row.pk}"

    @property
    def list_id(self):
        return f"cards-{self.suffix}"

    @property
    def form_id(self):
        return f"add-card-{self.suffix}"


def cell_of(phase, row):
    return Cell(phase.pk, row)


def load_phases(board, only=None, all_cards=False, rows=None):
    """Phases in order (or just phase `only`, an id or a list of ids), each with its card
    count, its cards per channel (`channels`, see phase_channels), `cells` (one per row of
    the board, each listing its first LANE_PAGE cards, all with `all_cards`, as CardRows)
    and `shown_cards` (those of every cell), each card with its `persona_chips`, and each
    phase with its cards' `persona_tags` (curve.persona_tags, for the curve's persona lines):
    four queries whatever the board's size. `board.grid_rows` is set to the board's rows."""
    phases = Phase.objects.filter(board=board).order_by("position", "pk")
    phases = phases.annotate(card_count=Count("cards"), channel_list=ChannelList("cards__channel"), **MOODS)
    if isinstance(only, (list, tuple, set)):
        phases = phases.filter(pk__in=only)
    elif only is not None:
        phases = phases.filter(pk=only)
    phases = list(phases)
    rows = with_lines(rows) if rows is not None else board_rows(board)
    board.grid_rows = rows
    cards = badged_cards(board.pk).filter(phase_id__in=[phase.pk for phase in phases])
    if not all_cards:
        cards = cards.filter(position__lt=LANE_PAGE)
    values = cards.order_by("position", "pk").values(*CARD_SHOWN, "comment_count", "vote_count")
    tags = persona_tags(card__phase_id__in=[phase.pk for phase in phases])
    chips, tags_of = _chips(tags), defaultdict(list)
    for tag in tags:
        tags_of[tag[1]].append(tag)
    by_cell = defaultdict(list)
    for value in values:
        # Ids and catalog values need no escaping: given as safe strings, the template
        # engine skips escaping them, ~10 times per card. Anything else is escaped as ever.
        value["pk"] = SafeString(value["id"])
        value["kind"] = _SAFE_VALUES.get(value["kind"], value["kind"])
        value["channel"] = _SAFE_VALUES.get(value["channel"], value["channel"])
        value["persona_chips"] = chips.get(value["id"], ())
        by_cell[value["phase_id"], value["row_id"]].append(CardRow(value))
    for phase in phases:
        phase.cells = [Cell(phase.pk, row, by_cell[phase.pk, row.pk]) for row in rows]
        phase.shown_cards = [card for cell in phase.cells for card in cell.cards]
        phase.channels = phase_channels(phase)  # the lane footer
        phase.persona_tags = tags_of[phase.pk]
    return phases


def _chips(tags):
    """{card id: [Persona]} from curve.persona_tags, one Persona per persona (name, colour)."""
    personas, chips = {}, defaultdict(list)
    for card_id, _phase, _emotion, persona_id, name, color in tags:
        persona = personas.setdefault(persona_id, Persona(pk=persona_id, name=name, color=color))
        chips[card_id].append(persona)
    return chips


def channel_tally(counts):
    """[(channel, label, count)] for the channels in `counts` ({channel: count}), in catalog order.

    The labels are lazy: a broadcast renders one context in every reader's language."""
    return [(value, Channel(value).label, counts[value]) for value in Channel.values if counts.get(value)]


def phase_channels(phase):
    """A phase's lane footer, from a phase annotated with ChannelList: [(channel, label, count)]."""
    return channel_tally(Counter((phase.channel_list or "").split(",")))


def segment_runs(phases):
    """Consecutive phases of one segment, for the buyer/customer band above the lanes."""
    return [
        {"segment": segment, "label": Segment(segment).label, "span": len(phases_of)}  # lazy, as above
        for segment, group in groupby(phases, key=lambda p: p.segment)
        for phases_of in [list(group)]
    ]


def lane_update(board, phase_id):
    """One lane with its cards, and the band (which needs every phase, not their cards),
    for a phase that was edited; None if it is gone."""
    lanes = load_phases(board, only=phase_id)
    if not lanes:
        return None
    return {"phase": lanes[0], "segment_runs": segment_runs(Phase.objects.filter(board=board).order_by("position", "pk"))}


def round_flags(board):
    """The board's voting and emotion rounds, read only if something shows them: a card,
    the voting bar. The same for every reader, so a broadcast reads them once for all."""
    return {"voting": SimpleLazyObject(lambda: voting_state(board)), "rating": SimpleLazyObject(lambda: rating_state(board))}


def viewer_flags(board, rounds=None):
    """What depends on who looks: `board.membership` (set by access.get_board_for_user);
    `rounds` as round_flags gives them, read again when not given."""
    membership = board.membership
    return {
        "board": board,
        "board_url": board.get_absolute_url(),
        "can_write": can_write(membership, board.locked),
        "is_owner": membership.is_owner,
        "is_facilitator": membership.is_facilitator,
        "segments": Segment.choices,
        "layers": Layer.choices,
        **(rounds or round_flags(board)),
        # Set by broadcasts; a name the context lacks costs the card partial an exception
        # in the template engine for every card of the page.
        "card_oob": False,
        "add_form": None,  # a refused new card's form, in the answer that shows its errors
    }


def board_data(board, phases=None):
    """What the board body shows, the same for every viewer."""
    phases = load_phases(board) if phases is None else phases
    rows = board.grid_rows if hasattr(board, "grid_rows") else board_rows(board)
    return {
        "phases": phases,
        "rows": rows,
        "grid": len(rows) > 1,  # one row: lanes as they were before rows
        "segment_runs": segment_runs(phases),
        "curve": emotion_curve(board, phases),
        "loop": loop_arrow(len(phases)),
        "phase_form": PhaseCreateForm(),
    }


def board_settings(board):
    """What an edit of the board itself re-renders: title, loop switch and loop arrow."""
    return {"loop": loop_arrow(Phase.objects.filter(board=board).count())}


def board_context(board, phases=None):
    return {**viewer_flags(board), **board_data(board, phases)}


def members_data(board):
    # user__guest: guests are marked as such, in the same query.
    memberships = Membership.objects.filter(board=board).select_related("user", "user__guest")
    return {"memberships": memberships.order_by("created_at", "pk")}


def members_context(board):
    return {**viewer_flags(board), **members_data(board)}


def render_board_fragment(request, board, name, status=200, **extra):
    """Render one partial of the board page (`card`, `lane`, `board-body`, ...)."""
    return render(request, f"{BOARD_TEMPLATE}#{name}", {**viewer_flags(board), **extra}, status=status)


def card_form(card, data=None):
    """The edit form of one card; its field ids are unique on a page full of cards."""
    return CardForm(data=data, instance=card, auto_id=f"card-{card.pk}-%s")


def card_state(card):
    """What a card adds to its lane's channel footer and curve point: (phase id, channel, emotion)."""
    return card.phase_id, card.channel, card.emotion


def card_alterations(before, after):
    """What a card change altered beside the card itself, from its `before` and `after`
    card_state (None before it was created, after it was deleted): the lanes whose channel
    footer changed (a card with a channel came, went or changed channel) and whether the
    emotion curve moved (an emotion came, went or changed in a lane). A new title or note
    alters neither. A card change sends only these (fragments.py), to every page."""
    channelled, curve = [], False
    for phase_id in dict.fromkeys(state[0] for state in (before, after) if state):
        (channel_was, emotion_was), (channel_now, emotion_now) = _in_lane(before, phase_id), _in_lane(after, phase_id)
        if channel_was != channel_now:
            channelled.append(phase_id)
        curve = curve or emotion_was != emotion_now
    return channelled, curve


def _in_lane(state, phase_id):
    """A card's (channel, emotion) as lane `phase_id` counts it: nothing when it is not there."""
    return state[1:] if state and state[0] == phase_id else ("", None)


def lane_tallies(counted=(), channelled=()):
    """What a card change alters in the lanes it touched, as the `lane-counts` partial takes
    it: `lane_counts` [(phase_id, number of cards)] of the `counted` lanes and
    `lane_channels` [(phase_id, [(channel, label, count)])], the channel footers of the
    `channelled` ones. One query for all of them (none when there are no lanes)."""
    rows = (
        Card.objects.filter(phase_id__in={*counted, *channelled})
        .values_list("phase_id", "channel")
        .annotate(n=Count("id"))
        .order_by()
    )
    per_lane = defaultdict(dict)
    for phase_id, channel, n in rows:
        per_lane[phase_id][channel] = n
    return {
        "lane_counts": [(phase_id, sum(per_lane[phase_id].values())) for phase_id in dict.fromkeys(counted)],
        "lane_channels": [(phase_id, channel_tally(per_lane[phase_id])) for phase_id in dict.fromkeys(channelled)],
    }
