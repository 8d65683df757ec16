"""What changed between two states of a journey: two board documents (the JSON format of
transfer.py: the board now as export_board writes it, a saved version's snapshot, the
linked future or current board) in, their differences out. No query, no translation: the
page and the picture (compare_page.py, export/compare_picture.py) word what this finds.

Phases match by name first (the same name, letter case and spacing aside, in order when
names repeat), then the phases left over by position. Rows match the same way.

Cards carry no identity in the format (a copy or a version gets new ids), so a card is
known by its title: the same title (case and spacing aside) is the same card. Where a
title repeats, cards pair in the same phase first, then in board order. A card left over
on each side at the same place (matched phase and row, same index in the cell) whose other
fields agree at least twice among note, channel, kind and emotion is the same card
retitled (an empty note or channel, or no emotion, agrees on nothing). Everything else is added (only in B) or removed (only in A).

A matched card has moved when its phase or row differs, or when its order among the cards
that stayed in the same cell changed (the fewest cards that explain the new order move);
it is edited in the fields of EDITABLE that differ.
"""

from dataclasses import dataclass, field

EDITABLE = ("title", "note", "channel", "kind", "emotion")
RETITLE_AGREEMENT = 2  # of note, channel, kind, emotion


@dataclass
class Card:
    """A card of one side, where it sits: phase and row indexes into that side's lists."""

    phase: int
    row: int
    index: int  # its place in its cell
    order: int  # its place in the whole board
    title: str
    note: str
    channel: str
    kind: str
    emotion: int | None

    @property
    def key(self):
        return _key(self.title)


@dataclass
class CardChange:
    a: Card | None
    b: Card | None
    moved: bool = False
    edited: tuple = ()  # names from EDITABLE, in that order

    @property
    def added(self):
        return self.a is None

    @property
    def removed(self):
        return self.b is None

    @property
    def changed(self):
        return self.added or self.removed or self.moved or bool(self.edited)


@dataclass
class Kpi:
    name: str
    value: float | None
    target: float | None
    unit: str
    lower_is_better: bool


@dataclass
class PhaseChange:
    """One column of the comparison: a phase of B, or one of A that B no longer has."""

    a: int | None  # index of the phase in A, None when only B has it
    b: int | None
    name_a: str
    name_b: str
    color: str  # B's colour of the phase, else A's, as the document has it
    average_a: float | None  # mean emotion of the phase's cards on that side
    average_b: float | None
    kpi_a: Kpi | None
    kpi_b: Kpi | None
    cards: list = field(default_factory=list)  # CardChange: B's cards in order, then A's removed ones

    @property
    def name(self):
        return self.name_b if self.b is not None else self.name_a

    @property
    def renamed(self):
        return self.a is not None and self.b is not None and self.name_a != self.name_b

    @property
    def kpi_changed(self):
        return self.kpi_a != self.kpi_b

    @property
    def kpi_delta(self):
        """B's KPI value minus A's, when both have one of the same name and unit."""
        a, b = self.kpi_a, self.kpi_b
        if a is None or b is None or a.value is None or b.value is None:
            return None
        if _key(a.name) != _key(b.name) or _key(a.unit) != _key(b.unit):
            return None
        return b.value - a.value

    def count(self, what):
        return sum(1 for change in self.cards if getattr(change, what))


@dataclass
class Summary:
    added: int = 0
    removed: int = 0
    moved: int = 0
    edited: int = 0
    pain_resolved: int = 0
    pain_new: int = 0
    opportunities_added: int = 0

    @property
    def unchanged(self):
        return not any(vars(self).values())


@dataclass
class Comparison:
    phases: list  # PhaseChange, in B's order with A's removed phases where they stood
    cards: list  # CardChange, every card of both sides once
    summary: Summary


def compare(document_a, document_b):
    """The Comparison of two board documents, A before and B after."""
    phases_a, phases_b = _phases(document_a), _phases(document_b)
    phase_pairs = match_by_name([p.get("name") for p in phases_a], [p.get("name") for p in phases_b])
    row_pairs = match_by_name(row_names(document_a), row_names(document_b))
    cards_a, cards_b = _cards(phases_a), _cards(phases_b)
    changes = match_cards(cards_a, cards_b, phase_pairs, row_pairs)
    columns = _columns(phases_a, phases_b, phase_pairs)
    a_column = {column.a: column for column in columns if column.a is not None}
    b_column = {column.b: column for column in columns if column.b is not None}
    for change in changes:  # B's cards in board order, then the removed ones in A's
        column = b_column[change.b.phase] if change.b is not None else a_column[change.a.phase]
        column.cards.append(change)
    return Comparison(phases=columns, cards=changes, summary=summarise(changes))


def match_by_name(names_a, names_b):
    """{index in A: index in B}: the same name first, in order where names repeat, then
    the leftovers that stand at the same position."""
    free_b = {}
    for j, name in enumerate(names_b):
        free_b.setdefault(_key(name), []).append(j)
    pairs = {}
    for i, name in enumerate(names_a):
        candidates = free_b.get(_key(name))
        if candidates:
            pairs[i] = candidates.pop(0)
    taken = set(pairs.values())
    for i in range(len(names_a)):
        if i not in pairs and i < len(names_b) and i not in taken:
            pairs[i] = i
            taken.add(i)
    return pairs


def match_cards(cards_a, cards_b, phase_pairs, row_pairs):
    """CardChange for every card: matched pairs (B's order), then A's cards B lacks."""
    by_title = {}
    for card in cards_b:
        by_title.setdefault(card.key, []).append(card)
    partner = {}  # id(card of A): card of B
    # The same title in the matching phase first, so a repeated title ("Pays") pairs in place.
    for same_phase in (True, False):
        for card in cards_a:
            if id(card) in partner:
                continue
            candidates = by_title.get(card.key, [])
            for candidate in candidates:
                if not same_phase or phase_pairs.get(card.phase) == candidate.phase:
                    partner[id(card)] = candidate
                    candidates.remove(candidate)
                    break
    _pair_retitled(cards_a, cards_b, partner, phase_pairs, row_pairs)
    changes = {id(b): CardChange(a=a, b=b) for a in cards_a if (b := partner.get(id(a))) is not None}
    for change in changes.values():
        change.edited = tuple(name for name in EDITABLE if getattr(change.a, name) != getattr(change.b, name))
        change.moved = phase_pairs.get(change.a.phase) != change.b.phase or row_pairs.get(change.a.row) != change.b.row
    _mark_reordered(changes.values())
    ordered = [changes.get(id(card)) or CardChange(a=None, b=card) for card in cards_b]
    return ordered + [CardChange(a=card, b=None) for card in cards_a if id(card) not in partner]


def _pair_retitled(cards_a, cards_b, partner, phase_pairs, row_pairs):
    paired_b = {id(card) for card in partner.values()}
    places = {(card.phase, card.row, card.index): card for card in cards_b if id(card) not in paired_b}
    for card in cards_a:
        if id(card) in partner:
            continue
        other = places.get((phase_pairs.get(card.phase), row_pairs.get(card.row), card.index))
        if other is None:
            continue
        agree = sum(1 for name in ("note", "channel", "kind", "emotion") if _set_and_equal(getattr(card, name), getattr(other, name)))
        if agree >= RETITLE_AGREEMENT:
            partner[id(card)] = other
            del places[(other.phase, other.row, other.index)]


def _set_and_equal(a, b):
    return a not in ("", None) and a == b


def _mark_reordered(changes):
    """Within each cell, the cards that stayed in it keep the longest run in the same order;
    the others moved."""
    cells = {}
    for change in changes:
        if not change.moved:
            cells.setdefault((change.b.phase, change.b.row), []).append(change)
    for stayed in cells.values():
        stayed.sort(key=lambda change: change.a.index)
        kept = _longest_increasing([change.b.index for change in stayed])
        for position, change in enumerate(stayed):
            if position not in kept:
                change.moved = True


def _longest_increasing(values):
    """Positions of one longest strictly increasing subsequence of `values`."""
    tails, previous, ends = [], [None] * len(values), []
    for position, value in enumerate(values):
        low, high = 0, len(tails)
        while low < high:
            middle = (low + high) // 2
            if tails[middle] < value:
                low = middle + 1
            else:
                high = middle
        if low == len(tails):
            tails.append(value)
            ends.append(position)
        else:
            tails[low] = value
            ends[low] = position
        previous[position] = ends[low - 1] if low else None
    kept, position = set(), ends[-1] if ends else None
    while position is not None:
        kept.add(position)
        position = previous[position]
    return kept


def summarise(changes):
    summary = Summary()
    for change in changes:
        a, b = change.a, change.b
        summary.added += change.added
        summary.removed += change.removed
        summary.moved += change.moved
        summary.edited += bool(change.edited)
        was_pain, is_pain = a is not None and a.kind == "pain", b is not None and b.kind == "pain"
        summary.pain_resolved += was_pain and not is_pain
        summary.pain_new += is_pain and not was_pain
        summary.opportunities_added += (b is not None and b.kind == "opportunity") and not (a is not None and a.kind == "opportunity")
    return summary


# --- Reading a document ------------------------------------------------------------------
# Documents come from this site's own export, but a version may be old: anything unexpected
# reads as absent rather than failing.


def _key(text):
    return " ".join(str(text or "").split()).casefold()


def _list(value):
    return [item for item in value if isinstance(item, dict)] if isinstance(value, list) else []


def _phases(document):
    return _list((document or {}).get("phases"))


def row_names(document):
    return [row.get("name") for row in _list((document or {}).get("rows"))] or [""]


def _text(value):
    return value if isinstance(value, str) else ""


def _emotion(value):
    return value if isinstance(value, int) and not isinstance(value, bool) and -2 <= value <= 2 else None


def _cards(phases):
    cards, order = [], 0
    for p, phase in enumerate(phases):
        cells = {}
        for raw in _list(phase.get("cards")):
            row = raw.get("row", 0)
            row = row if isinstance(row, int) and not isinstance(row, bool) and row >= 0 else 0
            index = cells[row] = cells.get(row, -1) + 1
            cards.append(Card(
                phase=p, row=row, index=index, order=order,
                title=_text(raw.get("title")), note=_text(raw.get("note")), channel=_text(raw.get("channel")),
                kind=_text(raw.get("kind")) or "touchpoint", emotion=_emotion(raw.get("emotion")),
            ))
            order += 1
    return cards


def _average(phase):
    values = [_emotion(card.get("emotion")) for card in _list(phase.get("cards"))]
    values = [value for value in values if value is not None]
    return sum(values) / len(values) if values else None


def _number(value):
    return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else None


def _kpi(phase):
    kpi = phase.get("kpi")
    if not isinstance(kpi, dict) or not _text(kpi.get("name")).strip():
        return None
    return Kpi(
        name=_text(kpi.get("name")), value=_number(kpi.get("value")), target=_number(kpi.get("target")),
        unit=_text(kpi.get("unit")), lower_is_better=bool(kpi.get("lower_is_better")),
    )


def _columns(phases_a, phases_b, pairs):
    """B's phases in order; each phase only A has goes after the column of the A phase
    before it, where it stood."""
    of_b = {b: a for a, b in pairs.items()}

    def column(a, b):
        pa = phases_a[a] if a is not None else {}
        pb = phases_b[b] if b is not None else {}
        return PhaseChange(
            a=a, b=b, name_a=_text(pa.get("name")), name_b=_text(pb.get("name")),
            color=_text(pb.get("color") or pa.get("color")),
            average_a=_average(pa) if pa else None, average_b=_average(pb) if pb else None,
            kpi_a=_kpi(pa) if pa else None, kpi_b=_kpi(pb) if pb else None,
        )

    columns = [column(of_b.get(b), b) for b in range(len(phases_b))]
    for a in range(len(phases_a)):
        if a in pairs:
            continue
        before = [i for i, c in enumerate(columns) if c.a is not None and c.a < a]
        columns.insert(before[-1] + 1 if before else 0, column(a, None))
    return columns
