"""A saved version shown as the board page shows a board (views/versions.py): the same
board body partials, fed with unsaved phases and cards read from the version's snapshot.

The snapshot is this site's own JSON export, checked when it was made: it is read as it
is, without validating every card again (which cost more than rendering the page)."""

from collections import Counter
from decimal import Decimal

from .curve import emotion_curve
from .loop import loop_arrow
from .models import Board, Persona, Phase, Row
from .rendering import CardRow, Cell, channel_tally, segment_runs, with_lines
from .transfer import CARD_FIELDS, PHASE_FIELDS


def version_page(board, version):
    """What board.html's board body needs for `version`: phases and cards numbered for the
    page's ids, the band, the curve and the loop as the snapshot has them."""
    document = version.snapshot
    shown = Board(
        pk=board.pk,
        title=document.get("title", board.title),
        language=document.get("language", board.language),
        ambassador_loop=bool(document.get("ambassador_loop")),
        revision=version.revision,
    )
    grid = _rows(document)
    personas = _personas(document)
    card_id = 0
    lanes = []
    for number, raw in enumerate(document.get("phases", []), 1):
        phase = Phase(pk=number, position=number - 1, **{name: raw.get(name) for name in PHASE_FIELDS}, **kpi_fields(raw.get("kpi")))
        cells = [Cell(number, row) for row in grid]
        for card in raw.get("cards", []):
            card_id += 1
            cell = cells[_row_index(card, len(grid))]
            cell.cards.append(_card_row(card, card_id, number, len(cell.cards), cell.row.pk, personas))
        rows = [card for cell in cells for card in cell.cards]
        phase.persona_tags = [
            (row["id"], number, row["emotion"], persona.pk, persona.name, persona.color)
            for row in rows for persona in row["persona_chips"]
        ]
        emotions = [row["emotion"] for row in rows if row["emotion"] is not None]
        phase.cells, phase.shown_cards, phase.card_count = cells, rows, len(rows)
        phase.channels = channel_tally(Counter(row["channel"] for row in rows))
        phase.average = sum(emotions) / len(emotions) if emotions else None
        phase.positive = sum(1 for value in emotions if value > 0)
        phase.negative = sum(1 for value in emotions if value < 0)
        lanes.append(phase)
    return {
        "shown_board": shown,
        "phases": lanes,
        "rows": grid,
        "grid": len(grid) > 1,
        "segment_runs": segment_runs(lanes),
        "curve": emotion_curve(board, lanes),
        "loop": loop_arrow(len(lanes)),
    }


def kpi_fields(kpi):
    """The `kpi_*` fields of a phase from its KPI object in the file."""
    if not kpi:
        return {}
    number = lambda value: None if value is None else Decimal(str(value))  # noqa: E731
    return {
        "kpi_name": kpi.get("name") or "",
        "kpi_value": number(kpi.get("value")),
        "kpi_target": number(kpi.get("target")),
        "kpi_unit": kpi.get("unit") or "",
        "kpi_lower_is_better": bool(kpi.get("lower_is_better")),
    }


def _rows(document):
    """The snapshot's rows, numbered for the page's ids (a file of version 1: one row)."""
    raw = [row for row in document.get("rows") or [] if isinstance(row, dict)] or [{}]
    colour = Row._meta.get_field("color").default
    return with_lines([
        Row(pk=index, name=row.get("name", ""), layer=row.get("layer") or "customer", color=row.get("color") or colour,
            position=index - 1)
        for index, row in enumerate(raw, 1)
    ])


def _row_index(card, count):
    index = card.get("row", 0)
    return index if isinstance(index, int) and 0 <= index < count else 0


def _personas(document):
    """The snapshot's personas, numbered for the cards' chips (an index + 1)."""
    raw = [p if isinstance(p, dict) else {} for p in document.get("personas") or []]
    return [Persona(pk=i, name=p.get("name", ""), color=p.get("color") or "#7a5af8") for i, p in enumerate(raw, 1)]


def _card_row(card, pk, phase_id, position, row_id, personas):
    fields = {name: card.get(name) for name in CARD_FIELDS}
    fields["note"] = fields["note"] or ""
    fields["channel"] = fields["channel"] or ""
    chips = [personas[i] for i in card.get("personas", ()) if isinstance(i, int) and 0 <= i < len(personas)]
    return CardRow(id=pk, pk=pk, phase_id=phase_id, row_id=row_id, position=position, comment_count=0, vote_count=0,
                   persona_chips=chips, **fields)
