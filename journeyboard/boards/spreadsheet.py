"""The spreadsheet format (CSV, or XLSX with a second sheet of phases) and its import as a
new board; journeyboard/export/spreadsheet.py writes it.

The columns, in any order on import (`phase` and `title` are required, the others optional):

    phase,row,position,title,note,channel,emotion,kind,personas,votes,comments

- Phases are matched by name and created in the order they first appear: first the
  XLSX `phases` sheet's (which brings segment, colour and KPI), then any new name in the
  cards. Cards keep the order of `position` within their cell (phase and row), then of the lines.
- Channel, kind and emotion take the keys (`website`, `pain`, -1) or the labels in
  English, Dutch or German ("Website / webshop", "Pijnpunt", "Sehr negativ").
- `row`: the name of the card's row. Rows are matched by name and created (in the customer
  layer) in the order they first appear; an empty `row` is the row named as every board's
  first one in the board's language ("Touchpoints"), which is also what the export leaves
  empty on a board of that one row. `personas`: the names of the card's personas, separated
  by PERSONA_SEPARATOR; personas are matched by name and created in the order they first
  appear (in the avatar palette's colours).
  `votes` and `comments` are a record of the workshop the file came from and are ignored.
- Formulas are refused: a CSV cell starting with =, +, - or @ (other than a number in a
  number column), and a cell an XLSX stores as a formula (its text cells are text, as the
  spreadsheet program showed them). Text that starts with `'` before such a character is
  the export's neutralised text and loses that `'`.

All or nothing, like the JSON import: every problem is reported with its line and
column, and the board is created through transfer.import_board only when there is none.
"""

import csv
import datetime
import io
import re
import zipfile
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import get_language, override
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from . import limits
from .catalog import EMOTIONS, FIRST_ROW_NAMES, LANGUAGE_CODES, Channel, Kind, Segment, palette_colour
from .models import TITLE_MAX, Card, Persona, Phase
from .transfer import FORMAT, import_board

HEADER = ("phase", "row", "position", "title", "note", "channel", "emotion", "kind", "personas", "votes", "comments")
PERSONA_SEPARATOR = "; "  # between a card's personas in the `personas` column
PHASE_HEADER = ("phase", "segment", "colour", "kpi", "kpi_value", "kpi_target", "kpi_unit", "kpi_lower_is_better")
CARDS_SHEET, PHASES_SHEET = "cards", "phases"
# A board of one row named as boards start leaves the `row` column empty (as before rows).
DEFAULT_ROW = ""
# What a spreadsheet program may take for the start of a formula (OWASP's list for CSV).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
EXTENSIONS = (".csv", ".xlsx")
NUMBER_COLUMNS = {"position", "emotion", "votes", "comments", "kpi_value", "kpi_target"}
# What a CSV cell may not start with on import (a tab or a line break there is whitespace).
CSV_FORMULA_STARTS = ("=", "+", "-", "@")
# A workbook is a zip of XML: refuse one that unpacks to far more than an upload may weigh.
UNPACKED_RATIO = 10
NUMBER = re.compile(r"^[+-]?\d+(\.\d+)?$")


def neutralise(text):
    """Text a spreadsheet shows as text: a leading `'` before anything that would start a
    formula. Text that already starts with `'`s before such a character gets one more, so
    that taking exactly one off on import always gives the original back."""
    return "'" + text if text.lstrip("'")[:1] in FORMULA_STARTS else text


def unneutralise(text):
    """The inverse of neutralise()."""
    return text[1:] if text.startswith("'") and text.lstrip("'")[:1] in FORMULA_STARTS else text


def is_spreadsheet(name):
    return Path(name or "").suffix.lower() in EXTENSIONS


def import_spreadsheet(actor, name, raw, language=None):
    """A new board owned by `actor` from a CSV or XLSX file's bytes, titled after the file."""
    return import_board(actor, spreadsheet_document(name, raw, language))


def spreadsheet_document(name, raw, language=None):
    """The file as a `journeyboard/1` document; ValidationError listing every problem."""
    limit = settings.IMPORT_MAX_BYTES
    if len(raw) > limit:
        raise ValidationError(_("The file is larger than %(limit)s.") % {"limit": filesizeformat(limit)})
    problems = _Problems()
    if Path(name).suffix.lower() == ".xlsx":
        cards_table, phases_table = _read_xlsx(raw, problems)
    else:
        cards_table, phases_table = _read_csv(raw, problems), None
    phases = {}  # name -> phase dict, in order of appearance
    if phases_table is not None:
        _phases_from(phases_table, phases, problems)
    language = _language(language)
    rows = {}  # name -> index, in order of appearance
    personas = {}  # name -> index, in order of appearance
    _cards_from(cards_table, phases, rows, personas, FIRST_ROW_NAMES[language], problems)
    problems.raise_if_any()
    return {
        "format": FORMAT,
        "title": _title(name),
        "description": "",
        "language": language,
        "personas": [{"name": persona} for persona in personas],
        "rows": [{"name": row, "layer": "customer"} for row in rows or [FIRST_ROW_NAMES[language]]],
        "phases": [_without_order(phase) for phase in phases.values()],
    }


def _title(name):
    return (Path(name).stem.strip() or "Journeyboard")[:TITLE_MAX]


def _language(language):
    code = (language or get_language() or "en").split("-")[0]
    return code if code in LANGUAGE_CODES else "en"


def _without_order(phase):
    cards = [card for _key, card in sorted(phase.pop("cards"), key=lambda pair: pair[0])]
    return {**phase, "cards": cards}


# --- Problems ----------------------------------------------------------------------------


def column_letter(index):
    """0 -> A, 25 -> Z, 26 -> AA: the column as a spreadsheet program names it."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


class _Problems:
    """The problems of a file: the first limits.too_many_errors() listed, the rest counted,
    so that a file wrong on every line still gets a short answer."""

    def __init__(self):
        self.messages = []
        self.count = 0
        self.listed = limits.too_many_errors()

    def add(self, sheet, line, column, name, message):
        self.count += 1
        if self.count > self.listed:
            return
        where = {"line": line, "column": column_letter(column), "name": name}
        if name:
            place = _("line %(line)s, column %(column)s (%(name)s)") % where
        else:
            place = _("line %(line)s, column %(column)s") % where
        if sheet:
            place = _("sheet “%(sheet)s”, %(place)s") % {"sheet": sheet, "place": place}
        self.messages.append(f"{place}: {message}")

    def raise_if_any(self):
        if self.count > self.listed:
            more = self.count - self.listed
            self.messages.append(ngettext("…and %(count)s more problem.", "…and %(count)s more problems.", more) % {"count": more})
        if self.messages:
            raise ValidationError(self.messages)


class _Table:
    """The lines of one sheet as (line number, cells); the first that is not empty names the
    columns. In a CSV every cell is text, so text that starts like a formula is one; a
    workbook says which of its cells are formulas."""

    def __init__(self, sheet, lines, text_may_be_formula=False):
        self.sheet = sheet
        self.lines = lines
        self.text_may_be_formula = text_may_be_formula


# --- Reading files -------------------------------------------------------------------------


def _read_csv(raw, problems):
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            # What Excel on Windows saves as "CSV (comma delimited)" in Western Europe.
            text = raw.decode("cp1252")
        except UnicodeDecodeError:
            problems.add("", 1, 0, "", _("The file is not UTF-8 text."))
            return _Table("", [], text_may_be_formula=True)
    first = text.split("\n", 1)[0]
    # Dutch and German Excel separate with semicolons.
    delimiter = ";" if first.count(";") > first.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    lines, end = [], 0
    try:
        for cells in reader:
            lines.append((end + 1, cells))
            end = reader.line_num
    except csv.Error as error:
        problems.add("", end + 1, 0, "", _("The file is not valid CSV: %(error)s.") % {"error": error})
    return _Table("", lines, text_may_be_formula=True)


def _read_xlsx(raw, problems):
    """The cards sheet (named "cards", or else the first) and the phases sheet (or None)."""
    from openpyxl import load_workbook

    try:
        with zipfile.ZipFile(io.BytesIO(raw)) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
        if unpacked > UNPACKED_RATIO * settings.IMPORT_MAX_BYTES:
            limit = filesizeformat(UNPACKED_RATIO * settings.IMPORT_MAX_BYTES)
            problems.add("", 1, 0, "", _("The workbook unpacks to more than %(limit)s.") % {"limit": limit})
            return _Table("", []), None
        book = load_workbook(io.BytesIO(raw), read_only=True, data_only=False)
        try:
            sheets = {ws.title.strip().casefold(): ws for ws in book.worksheets}
            cards = sheets.get(CARDS_SHEET) or book.worksheets[0]
            phases = sheets.get(PHASES_SHEET)
            return (
                _Table(cards.title, _sheet_lines(cards)),
                _Table(phases.title, _sheet_lines(phases)) if phases is not None and phases is not cards else None,
            )
        finally:
            book.close()
    # openpyxl reads untrusted bytes lazily and fails in many ways (a bad zip, a missing part,
    # broken XML, odd values): each means the upload is not a workbook we can read. Its XML
    # parser is the standard library's expat, which resolves no external entities and
    # refuses entity bombs (tests/test_export_spreadsheet.py has one).
    except Exception:  # noqa: BLE001
        problems.add("", 1, 0, "", _("The file is not an XLSX workbook."))
        return _Table("", []), None


class _Formula(str):
    """A cell the workbook stores as a formula (its text is the formula)."""


def _sheet_lines(ws):
    # The dimension a file declares may be anything ("A1:XFD1048576"): read the rows there are.
    ws.reset_dimensions()
    lines = []
    for number, row in enumerate(ws.iter_rows(min_row=1), start=1):
        lines.append((number, [_Formula(cell.value) if cell.data_type == "f" else cell.value for cell in row]))
    return lines


# --- Cells ---------------------------------------------------------------------------------


def _labels(source):
    """Every way a choice may be written, casefolded: its key and its label in each language."""
    choices = source.choices if hasattr(source, "choices") else source
    names = {}
    for code in LANGUAGE_CODES:
        with override(code):
            for key, label in choices:
                names[_fold(str(label))] = key
    for key, _label in choices:
        names[_fold(str(key))] = key
    return names


def _fold(text):
    return " ".join(text.split()).casefold()


_choice_cache = {}


def _choices(kind):
    if kind not in _choice_cache:
        sources = {"channel": Channel, "kind": Kind, "segment": Segment, "emotion": EMOTIONS}
        _choice_cache[kind] = _labels(sources[kind])
    return _choice_cache[kind]


class _Line:
    """One line of a table: its cells by column name, with the problems reported in place."""

    def __init__(self, table, number, cells, columns, problems):
        self.table, self.line_no, self.cells, self.columns, self.problems = table, number, cells, columns, problems
        self.failed = set()

    def fail(self, name, message):
        self.failed.add(name)
        self.problems.add(self.table.sheet, self.line_no, self.columns.get(name, len(self.cells)), name, message)

    def raw(self, name):
        index = self.columns.get(name)
        if index is None or index >= len(self.cells):
            return None
        return self.cells[index]

    def text(self, name, required=False):
        """A cell as text: numbers written as people see them, formulas refused."""
        value = self.raw(name)
        if value is None:
            text = ""
        elif isinstance(value, _Formula) or not isinstance(value, (str, int, float, datetime.date, datetime.time, datetime.timedelta)):
            # A workbook's formula, or one of openpyxl's array and data-table formulas.
            self.fail(name, _("A formula is not accepted: start the text with ' to keep it as text."))
            return ""
        elif isinstance(value, bool):
            text = "TRUE" if value else "FALSE"
        elif isinstance(value, float) and value.is_integer():
            text = str(int(value))
        else:
            text = str(value)
        if text.startswith("'"):
            text = unneutralise(text)
        elif self.table.text_may_be_formula and text[:1] in CSV_FORMULA_STARTS and not (name in NUMBER_COLUMNS and NUMBER.match(text)):
            self.fail(name, _("A formula is not accepted: start the text with ' to keep it as text."))
            return ""
        if "\x00" in text:
            # PostgreSQL cannot store it, and no one types it.
            self.fail(name, _("The text contains a NUL character."))
            return ""
        if required and not text.strip():
            self.fail(name, _("must not be empty"))
        return text

    def number(self, name, message):
        value = self.raw(name)
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return value
        text = self.text(name).strip()
        if not text:
            return None
        if not NUMBER.match(text.replace(",", ".", 1)):
            self.fail(name, message)
            return None
        number = float(text.replace(",", ".", 1))
        return int(number) if number.is_integer() else number

    def choice(self, name, kind, message, default=""):
        text = self.text(name).strip()
        if not text:
            return default
        key = _choices(kind).get(_fold(text))
        if key is None:
            self.fail(name, message % {"value": text})
            return default
        return key

    def emotion(self):
        value = self.raw("emotion")
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            text = str(int(value)) if float(value).is_integer() else str(value)
        else:
            text = self.text("emotion").strip()
        if not text:
            return None
        if NUMBER.match(text):
            number = float(text)
            if number.is_integer() and -2 <= number <= 2:
                return int(number)
        key = _choices("emotion").get(_fold(text))
        if key is None:
            self.fail("emotion", _("expected a whole number from -2 to 2 or an emotion such as “Positive”"))
        return key

    def flag(self, name):
        value = self.raw(name)
        if isinstance(value, bool):
            return value
        text = _fold(self.text(name))
        if text in ("", "false", "0", "no", "nee", "nein", "onwaar", "falsch"):
            return False
        if text in ("true", "1", "yes", "ja", "waar", "wahr"):
            return True
        self.fail(name, _("expected TRUE or FALSE"))
        return False

    def model(self, instance, exclude, columns):
        """Django's own checks (lengths, ranges, the KPI rules), reported at their columns."""
        try:
            instance.full_clean(exclude=exclude, validate_unique=False, validate_constraints=False)
        except ValidationError as error:
            for field, messages in error.message_dict.items():
                name = columns.get(field, next(iter(self.columns)))
                if name in self.failed:
                    continue  # said already, in our own words
                for message in messages:
                    self.fail(name, message)


def _empty(cells):
    return all(cell is None or (isinstance(cell, str) and not cell.strip()) for cell in cells)


def _lines(table, known, required, problems):
    """The table's lines after the header as _Line objects; None when the header is wrong."""
    if not table.lines:
        if not problems.count:
            problems.add(table.sheet, 1, 0, "", _("The file is empty: its first line names the columns (%(columns)s).") % {"columns": ",".join(known)})
        return None
    # Spreadsheet programs leave empty lines too: the first line with something names the columns.
    start = next((i for i, (_n, cells) in enumerate(table.lines) if not _empty(cells)), 0)
    number, header = table.lines[start]
    columns, ok = {}, True
    for index, cell in enumerate(header):
        name = _fold(str(cell)) if cell is not None else ""
        if not name:
            continue
        if name not in known:
            problems.add(table.sheet, number, index, "", _("Unknown column “%(name)s”: the columns are %(columns)s.") % {"name": cell, "columns": ",".join(known)})
            ok = False
        elif name in columns:
            problems.add(table.sheet, number, index, name, _("This column appears twice."))
            ok = False
        else:
            columns[name] = index
    for name in required:
        if name not in columns:
            problems.add(table.sheet, number, len(header), "", _("The column “%(name)s” is missing.") % {"name": name})
            ok = False
    if not ok:
        return None
    lines = []
    for number, cells in table.lines[start + 1 :]:
        if not _empty(cells):
            lines.append(_Line(table, number, cells, columns, problems))
    return lines


# --- Phases and cards ------------------------------------------------------------------------

PHASE_COLUMNS = {"name": "phase", "segment": "segment", "color": "colour", "kpi_name": "kpi", "kpi_value": "kpi_value",
                 "kpi_target": "kpi_target", "kpi_unit": "kpi_unit", "kpi_lower_is_better": "kpi_lower_is_better"}
CARD_COLUMNS = {"title": "title", "note": "note", "channel": "channel", "emotion": "emotion", "kind": "kind"}


def _new_phase(name, index):
    return {"name": name, "segment": Segment.BUYER.value, "color": palette_colour(index), "kpi": None, "cards": []}


def _phases_from(table, phases, problems):
    lines = _lines(table, PHASE_HEADER, ("phase",), problems)
    for line in lines or ():
        name = line.text("phase", required=True).strip()
        if not name:
            continue
        if name in phases:
            line.fail("phase", _("This phase is listed twice."))
            continue
        phase = _new_phase(name, len(phases))
        phase["segment"] = line.choice("segment", "segment", _("Unknown segment “%(value)s”."), Segment.BUYER.value)
        phase["color"] = line.text("colour").strip() or phase["color"]
        kpi = {
            "name": line.text("kpi").strip(),
            "value": line.number("kpi_value", _("expected a number")),
            "target": line.number("kpi_target", _("expected a number")),
            "unit": line.text("kpi_unit").strip(),
            "lower_is_better": line.flag("kpi_lower_is_better"),
        }
        if kpi["name"] or kpi["value"] is not None or kpi["target"] is not None or kpi["unit"]:
            phase["kpi"] = kpi
        line.model(
            Phase(name=name, segment=phase["segment"], color=phase["color"], kpi_name=kpi["name"],
                  kpi_value=_decimal(kpi["value"]), kpi_target=_decimal(kpi["target"]), kpi_unit=kpi["unit"],
                  kpi_lower_is_better=kpi["lower_is_better"]),
            ["board"],
            PHASE_COLUMNS,
        )
        phases[name] = phase


def _decimal(number):
    return None if number is None else Decimal(str(number))


def _persona_indexes(line, personas):
    """The card's personas as indexes into `personas` ({name: index}, added to in order of
    appearance), from the names in its `personas` column."""
    names = [name.strip() for name in line.text("personas").split(PERSONA_SEPARATOR.strip())]
    longest = Persona._meta.get_field("name").max_length
    indexes = set()
    for name in filter(None, names):
        if len(name) > longest:
            line.fail("personas", _("A persona's name has at most %(max)d characters.") % {"max": longest})
            continue
        indexes.add(personas.setdefault(name, len(personas)))
    return sorted(indexes)


def _cards_from(table, phases, rows, personas, first_row, problems):
    lines = _lines(table, HEADER, ("phase", "title"), problems)
    for line in lines or ():
        phase_name = line.text("phase", required=True).strip()
        row_name = line.text("row").strip() or first_row
        row = rows.setdefault(row_name, len(rows))
        position = line.number("position", _("expected a whole number from 1 up"))
        if position is not None and (not isinstance(position, int) or position < 1):
            line.fail("position", _("expected a whole number from 1 up"))
            position = None
        card = {
            "row": row,
            "title": line.text("title", required=True),
            "note": line.text("note"),
            "channel": line.choice("channel", "channel", _("Unknown channel “%(value)s”.")),
            "emotion": line.emotion(),
            "kind": line.choice("kind", "kind", _("Unknown kind “%(value)s”."), Kind.TOUCHPOINT.value),
        }
        tagged = _persona_indexes(line, personas)
        if tagged:
            card["personas"] = tagged
        for ignored in ("votes", "comments"):
            line.text(ignored)  # a record of the workshop, not imported; but no formulas
        line.model(Card(**{k: v for k, v in card.items() if k not in ("row", "personas")}), ["phase", "author", "position"], CARD_COLUMNS)
        if not phase_name:
            continue
        if phase_name not in phases:
            phases[phase_name] = _new_phase(phase_name, len(phases))
            line.model(Phase(name=phase_name), ["board"], {"name": "phase"})
        # Sorted by row, position, then by line, when the document is made.
        order = (row, position if position is not None else float("inf"), line.line_no)
        phases[phase_name]["cards"].append((order, card))
