"""Board files in the `journeyboard/2` (and `/1`) format for the tests, and a test case that imports and
exports them through the views."""

import io
import json

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils.html import escape
from openpyxl import Workbook

from journeyboard.boards.models import Board, Card, Persona, Phase
from tests.base import BaseTestCase


def unicode_document():
    """Text a round trip must keep byte for byte: accents, emoji, markup, newlines; two rows."""
    return {
        "format": "journeyboard/2",
        "title": "Größe matters 🚲",
        "description": "Zoë's <b>x</b> & co.\nSecond line",
        "language": "de",
        "ambassador_loop": False,
        "personas": [
            {"name": "Zoë", "role": "Fahrerin", "goals": "Größe 🚀", "frustrations": "<b>x</b>", "quote": "“Quote”", "color": "#0E8A7D"},
            {"name": "Ümit", "role": "", "goals": "", "frustrations": "", "quote": "", "color": "#c25e0c"},
        ],
        "rows": [
            {"name": "Kundenaktionen <i>ü</i>", "layer": "customer", "color": "#8a94a6"},
            {"name": "Lager 📦", "layer": "backstage", "color": "#ABCDEF"},
        ],
        "phases": [
            {
                "name": "Oriëntatie 🧭",
                "segment": "buyer",
                "color": "#ABCDEF",
                "kpi": {"name": "Umsatz <b>pro</b> Kunde", "value": -0.5, "target": 1200, "unit": "€", "lower_is_better": True},
                "cards": [
                    {"title": "<b>x</b>", "note": "Größe\n\tTab", "channel": "", "emotion": None, "kind": "idea", "row": 0},
                    {"title": "ë", "note": "", "channel": "reviews", "emotion": -2, "kind": "pain", "row": 1},
                ],
            },
            {"name": "Leer", "segment": "customer", "color": "#000000", "kpi": None, "cards": []},
        ],
    }


def small_document(**cards_override):
    """One phase with two good cards, in version 1 (no rows); keyword arguments replace
    fields of the second card."""
    return {
        "format": "journeyboard/1",
        "title": "Small",
        "description": "",
        "language": "en",
        "personas": [],
        "phases": [
            {
                "name": "Awareness",
                "segment": "buyer",
                "color": "#4f7cff",
                "cards": [
                    {"title": "First", "note": "", "channel": "website", "emotion": 0, "kind": "touchpoint"},
                    {"title": "Second", "note": "", "channel": "social", "emotion": 1, "kind": "pain", **cards_override},
                ],
            }
        ],
    }


def as_upload(content, name="board.json"):
    if isinstance(content, (dict, list)):
        content = json.dumps(content)
    if isinstance(content, str):
        content = content.encode()
    return SimpleUploadedFile(name, content, content_type="application/json")


class JsonTestCase(BaseTestCase):
    def setUp(self):
        super().setUp()
        self.login(self.owner)

    def export(self, board):
        response = self.client.get(f"/boards/{board.pk}/export.json")
        self.assertEqual(response.status_code, 200)
        return response

    def import_file(self, content):
        return self.client.post("/boards/import/", {"file": as_upload(content)})

    def import_ok(self, content):
        """Import through the view; return the new board after checking the redirect to it."""
        known = set(Board.objects.values_list("pk", flat=True))
        response = self.import_file(content)
        board = Board.objects.exclude(pk__in=known).get()
        self.assertRedirects(response, board.get_absolute_url())
        return board

    def counts(self):
        return (Board.objects.count(), Phase.objects.count(), Card.objects.count(), Persona.objects.count())

    def assert_refused(self, content, *messages):
        """422 on the list page, every message shown, and not a single row written."""
        before = self.counts()
        response = self.import_file(content)
        self.assertEqual(response.status_code, 422)
        self.assertContains(response, 'id="import-board"', status_code=422)
        for message in messages:
            self.assertContains(response, escape(message), status_code=422)
        self.assertEqual(self.counts(), before)
        return response


def workbook_bytes(sheets):
    """An XLSX file with the given sheets ({title: rows}), as a spreadsheet program saves one."""
    book = Workbook()
    book.remove(book.active)
    for title, rows in sheets.items():
        ws = book.create_sheet(title)
        for row in rows:
            ws.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
