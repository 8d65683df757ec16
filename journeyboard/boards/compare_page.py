"""Two states of a board side by side (views/compare.py, export/compare_picture.py): which
documents the page's references name, and what compare.py found, worded in the reader's
language for the page and the picture.

A reference is `now` (the board as it is), `version-<id>` (a saved version of this board)
or `linked` (the board this one designs the future of, else its first future state that
the reader may open). Reading them costs a constant number of queries: the board's
versions and linked boards once, a version's snapshot or a board's export per side.
"""

import re
from dataclasses import dataclass
from decimal import Decimal

from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from journeyboard.converters import parse_id

from .catalog import EMOTIONS, Channel, Kind, label
from .compare import compare, row_names
from .curve import HEIGHT, LANE_GAP, LANE_WIDTH, level_y, polylines
from .future import linked_boards
from .models import Phase
from .numbers import kpi_number
from .transfer import export_board
from .version_page import kpi_fields
from .versions import version_of, versions_of

NOW, LINKED = "now", "linked"
COLOUR = re.compile(r"#[0-9a-fA-F]{6}")
DEFAULT_COLOUR = Phase._meta.get_field("color").default


class BadReference(ValueError):
    """A reference that names nothing this page knows (400, unlike a missing version: 404)."""


@dataclass
class Side:
    ref: str
    label: str
    document: dict


@dataclass
class Choices:
    """What the reader may compare on this board: its versions and the linked board."""

    versions: list
    linked: object  # a Board, or None
    linked_is_future: bool

    def options(self):
        """(ref, label) for the chooser, the board now first."""
        options = [(NOW, _("Now"))]
        if self.linked is not None:
            options.append((LINKED, self.linked_label()))
        options += [(f"version-{version.pk}", version_label(version.name)) for version in self.versions]
        return options

    def linked_label(self):
        if self.linked_is_future:
            return _("Future state: “%(title)s”") % {"title": self.linked.title}
        return _("Current state: “%(title)s”") % {"title": self.linked.title}


def choices(board, user):
    """The board's versions (one query, without snapshots) and its linked board (one query)."""
    links = linked_boards(board, user)
    present, futures = links["present_board"], links["future_boards"]
    linked = present or (futures[0] if futures else None)
    return Choices(versions=list(versions_of(board)), linked=linked, linked_is_future=present is None and linked is not None)


def version_label(name):
    return _("Version “%(name)s”") % {"name": name}


def default_refs(options):
    """Without a choice: the newest version (else the linked board) against the board now."""
    refs = [ref for ref, _label in options]
    older = next((ref for ref in refs if ref.startswith("version-")), LINKED if LINKED in refs else NOW)
    return older, NOW


def side(board, ref, found):
    """The Side that `ref` names; BadReference for a malformed one, Http404 for one that
    names nothing of this board's."""
    if ref == NOW:
        return Side(NOW, _("Now"), export_board(board))
    if ref == LINKED:
        if found.linked is None:
            raise Http404(_("This board has no linked future or current state that you may open."))
        return Side(LINKED, found.linked_label(), export_board(found.linked))
    digits = ref.removeprefix("version-")
    if digits == ref or not digits.isascii() or not digits.isdigit():
        raise BadReference(_("Compare “now”, “linked” or “version-” and a version's number, e.g. a=version-3&b=now."))
    version_id = parse_id(digits)  # past the ids' range: no version, as in a URL
    version = version_of(board, version_id) if version_id is not None else None
    if version is None:
        raise Http404(_("No such version of this board."))
    return Side(ref, version_label(version.name), version.snapshot)


# --- Words --------------------------------------------------------------------------------


def summary_phrases(summary):
    """The counts as phrases, "7 cards added", "3 pain points resolved"; only those not 0."""
    parts = [
        (summary.added, ngettext("%(count)d card added", "%(count)d cards added", summary.added)),
        (summary.removed, ngettext("%(count)d removed", "%(count)d removed", summary.removed)),
        (summary.moved, ngettext("%(count)d moved", "%(count)d moved", summary.moved)),
        (summary.edited, ngettext("%(count)d edited", "%(count)d edited", summary.edited)),
        (summary.pain_resolved, ngettext("%(count)d pain point resolved", "%(count)d pain points resolved", summary.pain_resolved)),
        (summary.pain_new, ngettext("%(count)d new pain point", "%(count)d new pain points", summary.pain_new)),
        (summary.opportunities_added, ngettext("%(count)d opportunity added", "%(count)d opportunities added", summary.opportunities_added)),
    ]
    return [text % {"count": count} for count, text in parts if count]


def summary_sentence(summary):
    phrases = summary_phrases(summary)
    return ", ".join(phrases) if phrases else _("No changes to the cards.")


def column_counts(column):
    """A phase's changes in short, [(what, "3 added")], for its head and the picture."""
    counts = [
        ("added", ngettext("%(count)d added", "%(count)d added", column.count("added")), column.count("added")),
        ("removed", ngettext("%(count)d removed", "%(count)d removed", column.count("removed")), column.count("removed")),
        ("moved", ngettext("%(count)d moved", "%(count)d moved", column.count("moved")), column.count("moved")),
        ("edited", ngettext("%(count)d edited", "%(count)d edited", column.count("edited")), column.count("edited")),
    ]
    return [(what, text % {"count": count}) for what, text, count in counts if count]


def signed(value):
    """An average emotion as the curve labels it: "+1.5", "−0.5", "0"; "–" for none."""
    if value is None:
        return "–"
    text = f"{value:+.1f}".replace("-", "−")
    return "0" if text in ("+0.0", "−0.0") else text


def field_name(name):
    return {"title": _("Title"), "note": _("Note"), "channel": _("Channel"), "kind": _("Kind"), "emotion": _("Emotion")}[name]


def field_value(card, name):
    """A card's field as the card shows it, for "was …" in an edited card's note."""
    value = getattr(card, name)
    if name == "channel":
        return label(Channel, value) if value else "–"
    if name == "kind":
        return label(Kind, value)
    if name == "emotion":
        return label(EMOTIONS, value) if value is not None else "–"
    return value or "–"


def kpi_phase(kpi):
    """A compare.Kpi as an unsaved Phase: the board page's KPI chip shows it as it shows a phase's."""
    if kpi is None:
        return None
    return Phase(**kpi_fields({"name": kpi.name, "value": kpi.value, "target": kpi.target, "unit": kpi.unit,
                               "lower_is_better": kpi.lower_is_better}))


def kpi_delta(column):
    """"+1,3 %" in the reader's language, or "" when the two values do not compare."""
    delta = column.kpi_delta
    if delta is None or delta == 0:
        return ""
    unit = " ".join(column.kpi_b.unit.split())
    text = kpi_number(Decimal(str(round(abs(delta), 4))))
    return f"{'+' if delta > 0 else '−'}{text}{' ' + unit if unit else ''}"


# --- The page -----------------------------------------------------------------------------


def comparison_page(side_a, side_b):
    """What templates/boards/compare.html shows."""
    result = compare(side_a.document, side_b.document)
    rows = (row_names(side_a.document), row_names(side_b.document))
    phases_a = {column.a: column.name_a for column in result.phases if column.a is not None}
    return {
        "comparison": result,
        "sentence": summary_sentence(result.summary),
        "columns": [_column(number, column, rows, phases_a) for number, column in enumerate(result.phases, 1)],
        "grid": max(len(rows[0]), len(rows[1])) > 1,
        "chart": chart(result.phases),
        "side_a": side_a,
        "side_b": side_b,
    }


def _column(number, column, rows, phases_a):
    """A column for the page; `rows`: the row names of A and of B, for each card's cell;
    `phases_a`: A's phase names by index, for where a moved card came from."""
    cards = []
    for index, change in enumerate(column.cards, 1):
        card = change.b or change.a
        names = rows[1] if change.b else rows[0]
        cards.append({
            "id": f"c{number}-{index}",
            "row": (names[card.row] if card.row < len(names) else "") or "",
            "change": change,
            "title": card.title,
            "note": card.note,
            "kind": card.kind,
            "kind_label": label(Kind, card.kind),
            "channel": card.channel,
            "channel_label": label(Channel, card.channel) if card.channel else "",
            "emotion": card.emotion,
            "emotion_label": label(EMOTIONS, card.emotion) if card.emotion is not None else "",
            "edits": [(field_name(name), field_value(change.a, name)) for name in change.edited],
            "moved_from": _moved_from(change, column, rows[0], phases_a),
        })
    return {
        "number": number,
        "change": column,
        "kpi_a": kpi_phase(column.kpi_a),
        "kpi_b": kpi_phase(column.kpi_b),
        "kpi_delta": kpi_delta(column),
        "counts": column_counts(column),
        "color": column.color if COLOUR.fullmatch(column.color) else DEFAULT_COLOUR,
        "cards": cards,
    }


def _moved_from(change, column, rows_a, phases_a):
    """Where a moved card sat in A: its phase's name when it came from another phase, its
    row's when only the row changed; "" for a card that only changed places in its cell."""
    if not (change.moved and change.a and change.b):
        return ""
    if change.a.phase != column.a:
        return phases_a.get(change.a.phase, "")
    names = rows_a
    return names[change.a.row] if change.a.row < len(names) and len(names) > 1 else ""


@dataclass
class ChartPoint:
    name: str
    x: float
    y: float | None
    average: float | None


def chart(columns):
    """Both curves over the comparison's columns, in the board page's curve geometry
    (curve.py): A's line and B's, each broken where its side has no emotion there."""
    def points(side):
        found = []
        for i, column in enumerate(columns):
            average = getattr(column, f"average_{side}")
            found.append(ChartPoint(
                name=column.name, x=i * (LANE_WIDTH + LANE_GAP) + LANE_WIDTH / 2,
                y=None if average is None else level_y(average), average=None if average is None else round(average, 1),
            ))
        return found

    a, b = points("a"), points("b")
    return {
        "a": a,
        "b": b,
        "a_lines": polylines(a),
        "b_lines": polylines(b),
        "width": max(0, len(columns) * (LANE_WIDTH + LANE_GAP) - LANE_GAP),
        "height": HEIGHT,
        "axis_y": level_y(0),
        "below_axis": round(HEIGHT - level_y(0), 1),
        "has_emotions": any(p.y is not None for p in a + b),
    }
