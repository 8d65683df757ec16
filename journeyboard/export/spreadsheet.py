"""A board as a spreadsheet: CSV (one row per card) and XLSX (the cards, and the phases
with their KPIs on a second sheet), for the meeting after the workshop.

Channel, kind and emotion are written as their keys (`website`, `pain`, -1): the same
in every language, so a file imports into a board of any language unchanged
(journeyboard/boards/spreadsheet.py, which defines the columns and imports, also takes the
labels people type).

Text that a spreadsheet program would run as a formula (starting with =, +, -, @, a tab or
a carriage return) is written with a leading `'`, which the import takes off again.
"""

import csv
import io

from django.db.models import F, Prefetch

from journeyboard.boards.comments import with_comment_count
from journeyboard.boards.catalog import FIRST_ROW_NAMES
from journeyboard.boards.models import Card, Persona, Phase
from journeyboard.boards.spreadsheet import (
    CARDS_SHEET, DEFAULT_ROW, HEADER, PERSONA_SEPARATOR, PHASE_HEADER, PHASES_SHEET, neutralise,
)
from journeyboard.boards.voting import with_votes

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
BOM = "\ufeff"  # Excel reads a CSV as UTF-8 only when it starts with one


def _phases(board):
    """The board's phases with their cards (in row, then cell order, each with its row's
    name as `row_name`: empty when every card sits in one row named as boards start),
    votes (last closed round), comment counts and personas: three queries whatever the
    board's size."""
    cards = Card.objects.only("phase_id", "row_id", "position", "title", "note", "channel", "emotion", "kind")
    cards = cards.annotate(row_name=F("row__name")).order_by("row__position", "row_id", "position", "pk")
    cards = with_votes(with_comment_count(cards), board.pk, closed=True)
    cards = cards.prefetch_related(Prefetch("personas", Persona.objects.only("pk", "name")))
    phases = list(Phase.objects.filter(board=board).order_by("position", "pk").prefetch_related(Prefetch("cards", cards)))
    named = {(card.row_id, card.row_name) for phase in phases for card in phase.cards.all()}
    if len(named) == 1 and next(iter(named))[1] == FIRST_ROW_NAMES.get(board.language):
        for phase in phases:
            for card in phase.cards.all():
                card.row_name = DEFAULT_ROW
    return phases


def card_rows(phases):
    """One tuple per card in HEADER's order; text neutralised, numbers as numbers; the
    position is within the card's cell, from 1."""
    rows = []
    for phase in phases:
        cells = {}
        for card in phase.cards.all():
            position = cells[card.row_id] = cells.get(card.row_id, 0) + 1
            rows.append((
                neutralise(phase.name),
                neutralise(getattr(card, "row_name", DEFAULT_ROW)),
                position,
                neutralise(card.title),
                neutralise(card.note),
                card.channel,
                card.emotion,
                card.kind,
                neutralise(PERSONA_SEPARATOR.join(persona.name for persona in card.personas.all())),
                card.vote_count,
                card.comment_count,
            ))
    return rows


def _number(value):
    """A KPI Decimal as a spreadsheet number: 4 rather than 4.0000."""
    if value is None:
        return None
    return int(value) if value == value.to_integral_value() else float(value.normalize())


def phase_rows(phases):
    return [
        (
            neutralise(phase.name),
            phase.segment,
            phase.color,
            neutralise(phase.kpi_name),
            _number(phase.kpi_value),
            _number(phase.kpi_target),
            neutralise(phase.kpi_unit),
            phase.kpi_lower_is_better,
        )
        for phase in phases
    ]


def render_csv(board):
    """The cards as CSV bytes: UTF-8 with a BOM, comma-separated, CRLF line ends."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(HEADER)
    writer.writerows(("" if value is None else value for value in row) for row in card_rows(_phases(board)))
    return (BOM + out.getvalue()).encode("utf-8")


def render_xlsx(board):
    """The cards and the phases as an XLSX workbook's bytes."""
    # Imported here: openpyxl takes a while to load and only the spreadsheet export needs it.
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
    from openpyxl.styles import Font

    phases = _phases(board)
    book = Workbook(write_only=True)
    bold = Font(bold=True)

    def sheet(title, header, rows, widths):
        ws = book.create_sheet(title)
        ws.freeze_panes = "A2"
        for letter, width in widths.items():
            ws.column_dimensions[letter].width = width
        head = []
        for name in header:
            cell = WriteOnlyCell(ws, value=name)
            cell.font = bold
            head.append(cell)
        ws.append(head)
        for row in rows:
            # Control characters cannot be stored in XLSX; no card shows them either. An empty
            # text is no cell at all (the import reads both as empty): a third fewer cells to write.
            ws.append([(ILLEGAL_CHARACTERS_RE.sub("", v) or None) if isinstance(v, str) else v for v in row])

    sheet(CARDS_SHEET, HEADER, card_rows(phases), {"A": 20, "D": 40, "E": 60, "F": 14, "H": 12})
    sheet(PHASES_SHEET, PHASE_HEADER, phase_rows(phases), {"A": 20, "D": 20})
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
