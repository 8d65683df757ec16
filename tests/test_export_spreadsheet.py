"""The spreadsheet export (CSV, XLSX) and its import as a new board: who may download it,
what each reader finds in it, round trips, labels in every language, and bad files
refused with their line and column, nothing saved."""

import csv
import io
import zipfile
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.test import override_settings
from django.utils import timezone
from django.utils.translation import override
from openpyxl import Workbook, load_workbook

from journeyboard.boards.card_personas import set_card_personas
from journeyboard.boards.cards import create_card
from journeyboard.boards.catalog import EMOTIONS, Channel, Kind, Segment
from journeyboard.boards.comments import add_comment
from journeyboard.boards.models import Board, Card, Membership, Phase, Role
from journeyboard.boards.personas import avatar_colour, create_persona
from journeyboard.boards.phases import update_phase
from journeyboard.boards.spreadsheet import HEADER, PHASE_HEADER, _labels, neutralise, spreadsheet_document, unneutralise
from journeyboard.boards.voting import close_round, start_round, toggle_vote
from tests.base import BaseTestCase
from tests.documents import workbook_bytes

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# Text a spreadsheet program would run as a formula, and text that only looks close to it.
TRICKY = ["=HYPERLINK(\"http://evil.example\",\"click\")", "+31 20 123", "-5 % on shoes", "@SUM(A1)", "'=already quoted", "'plain quote"]


def read_csv(content):
    text = content.decode("utf-8")
    assert text.startswith("\ufeff"), "no BOM: Excel would not read umlauts"
    return list(csv.reader(io.StringIO(text[1:], newline="")))


def read_xlsx(content):
    book = load_workbook(io.BytesIO(content))
    return {ws.title: [list(row) for row in ws.iter_rows(values_only=True)] for ws in book.worksheets}, book


def counts():
    return (Board.objects.count(), Phase.objects.count(), Card.objects.count())


class SpreadsheetCase(BaseTestCase):
    def setUp(self):
        super().setUp()
        awareness, consideration, decision = self.phases
        create_card(self.owner, awareness, title="Zürich café, „Grüße“", note='Line one, "quoted"\nLine two: Ümläute', channel="website", kind="pain", emotion=-2)
        for title in TRICKY:
            create_card(self.owner, consideration, title=title, note=title, kind="idea")
        create_card(self.owner, decision, title="Store visit", channel="store", kind="opportunity", emotion=0)
        update_phase(self.owner, awareness, kpi_name="Conversion", kpi_value=Decimal("3.2"), kpi_target=Decimal("4"), kpi_unit="%")
        update_phase(self.owner, decision, kpi_name="Waiting time", kpi_value=Decimal("12"), kpi_unit="min", kpi_lower_is_better=True, segment="customer")

    def get(self, suffix, user=None):
        self.login(user or self.viewer)
        return self.client.get(self.board_url(suffix))

    def upload(self, content, name, user=None):
        self.login(user or self.editor)
        return self.client.post("/boards/import/", {"file": SimpleUploadedFile(name, content)})

    def imported(self, response):
        self.assertEqual(response.status_code, 302, response.content.decode()[:2000])
        return Board.objects.get(pk=int(response["Location"].strip("/").split("/")[-1]))

    def assert_refused(self, content, name, *fragments):
        before = counts()
        response = self.upload(content, name)
        self.assertEqual(response.status_code, 422)
        errors = [str(e) for e in response.context["import_errors"]]
        for fragment in fragments:
            self.assertTrue(any(fragment in error for error in errors), f"{fragment!r} not in {errors}")
        self.assertContains(response, "import-board", status_code=422)
        self.assertEqual(counts(), before)
        return errors


class CsvExportTests(SpreadsheetCase):
    def test_every_member_downloads_a_csv_named_after_the_board_and_day(self):
        for user in (self.owner, self.editor, self.viewer):
            with self.subTest(user.username):
                response = self.get("export.csv", user)
                self.assertEqual(response.status_code, 200)
                self.assertEqual(response["Content-Type"], "text/csv; charset=utf-8")
                day = timezone.localdate().isoformat()
                self.assertEqual(response["Content-Disposition"], f'attachment; filename="webshop-journey-{day}.csv"')

    def test_one_row_per_card_in_board_order_with_keys_and_numbers(self):
        rows = read_csv(self.get("export.csv").content)
        self.assertEqual(tuple(rows[0]), HEADER)
        self.assertEqual(len(rows) - 1, Card.objects.filter(phase__board=self.board).count())
        self.assertEqual(rows[1], ["Awareness", "", "1", "Instagram ad", "", "advertising", "1", "touchpoint", "", "0", "0"])
        self.assertEqual(rows[2][:9], ["Awareness", "", "2", "Zürich café, „Grüße“", 'Line one, "quoted"\nLine two: Ümläute', "website", "-2", "pain", ""])
        self.assertEqual([row[0] for row in rows[1:]], ["Awareness"] * 2 + ["Consideration"] * len(TRICKY) + ["Decision"])
        self.assertEqual([row[2] for row in rows[3:3 + len(TRICKY)]], [str(i) for i in range(1, len(TRICKY) + 1)])

    def test_formula_text_is_written_with_a_leading_quote(self):
        rows = read_csv(self.get("export.csv").content)
        titles = [row[3] for row in rows if row[0] == "Consideration"]
        self.assertEqual(titles, ["'" + TRICKY[0], "'" + TRICKY[1], "'" + TRICKY[2], "'" + TRICKY[3], "''=already quoted", "'plain quote"])
        # A negative emotion is a number, not a formula.
        self.assertIn("-2", [row[6] for row in rows])

    def test_votes_of_the_last_closed_round_and_comment_counts(self):
        start_round(self.owner, self.board, 3)
        toggle_vote(self.owner, self.card)
        toggle_vote(self.editor, self.card)
        close_round(self.owner, self.board)
        add_comment(self.editor, self.card, "Looks expensive")
        rows = read_csv(self.get("export.csv").content)
        self.assertEqual(rows[1][3], "Instagram ad")
        self.assertEqual(rows[1][9:], ["2", "1"])

    def test_outsiders_get_404_and_anonymous_users_the_login_page(self):
        for path in ("export.csv", "export.xlsx"):
            with self.subTest(path):
                self.assertEqual(self.get(path, self.outsider).status_code, 404)
                self.client.logout()
                response = self.client.get(self.board_url(path))
                self.assertEqual(response.status_code, 302)
                self.assertTrue(response["Location"].startswith("/accounts/login/"))

    def test_export_costs_a_constant_number_of_queries(self):
        self.get("export.csv")  # session and user warm
        with self.assertNumQueries(6):  # session, user, membership+board, phases, cards, their personas
            self.client.get(self.board_url("export.csv"))
        for i in range(20):
            create_card(self.owner, self.phase, title=f"More {i}")
        with self.assertNumQueries(6):
            self.client.get(self.board_url("export.csv"))


class XlsxExportTests(SpreadsheetCase):
    def test_viewer_downloads_a_workbook_of_cards_and_phases(self):
        response = self.get("export.xlsx")
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response["Content-Type"], XLSX)
        self.assertTrue(response["Content-Disposition"].endswith('.xlsx"'))
        sheets, _book = read_xlsx(response.content)
        self.assertEqual(list(sheets), ["cards", "phases"])
        cards = sheets["cards"]
        self.assertEqual(tuple(cards[0]), HEADER)
        self.assertEqual(cards[2][:9], ["Awareness", None, 2, "Zürich café, „Grüße“", 'Line one, "quoted"\nLine two: Ümläute', "website", -2, "pain", None])
        self.assertEqual(cards[1][6], 1)  # emotion as a number the sheet can average
        self.assertEqual(tuple(sheets["phases"][0]), PHASE_HEADER)
        self.assertEqual(sheets["phases"][1:], [
            ["Awareness", "buyer", "#4f7cff", "Conversion", 3.2, 4, "%", False],
            ["Consideration", "buyer", "#12a4b8", None, None, None, None, False],
            ["Decision", "customer", "#2fb67c", "Waiting time", 12, None, "min", True],
        ])

    def test_no_cell_is_a_formula(self):
        _sheets, book = read_xlsx(self.get("export.xlsx").content)
        cells = [cell for ws in book.worksheets for row in ws.iter_rows() for cell in row]
        self.assertTrue(cells)
        self.assertEqual([c.coordinate for c in cells if c.data_type == "f"], [])
        titles = [row[3] for row in book["cards"].iter_rows(min_row=2, values_only=True) if row[0] == "Consideration"]
        self.assertEqual(titles[0], "'" + TRICKY[0])


class RoundTripTests(SpreadsheetCase):
    def test_csv_export_import_export_is_identical(self):
        first = self.get("export.csv").content
        board = self.imported(self.upload(first, "webshop-journey.csv"))
        self.assertEqual(board.title, "webshop-journey")
        self.assertTrue(Membership.objects.filter(board=board, user=self.editor, role=Role.OWNER).exists())
        self.login(self.editor)
        second = self.client.get(f"/boards/{board.pk}/export.csv").content
        self.assertEqual(second, first)
        tricky = list(Card.objects.filter(phase__board=board, phase__name="Consideration").values_list("title", flat=True))
        self.assertEqual(tricky, TRICKY)

    def test_xlsx_export_import_export_is_identical(self):
        first, _book = read_xlsx(self.get("export.xlsx").content)
        board = self.imported(self.upload(self.get("export.xlsx").content, "journey.xlsx"))
        self.login(self.editor)
        second, _book = read_xlsx(self.client.get(f"/boards/{board.pk}/export.xlsx").content)
        self.assertEqual(second, first)
        decision = board.phases.get(name="Decision")
        self.assertEqual((decision.segment, decision.kpi_name, decision.kpi_value, decision.kpi_lower_is_better), ("customer", "Waiting time", Decimal("12"), True))

    def test_votes_and_comments_are_a_record_and_not_imported(self):
        add_comment(self.editor, self.card, "Nice")
        board = self.imported(self.upload(self.get("export.csv").content, "j.csv"))
        self.assertEqual(board.phases.get(name="Awareness").cards.count(), 2)
        self.assertFalse(Card.objects.filter(phase__board=board, comments__isnull=False).exists())

    def test_an_empty_phase_survives_the_xlsx_round_trip(self):
        Card.objects.filter(phase=self.phases[1]).delete()
        board = self.imported(self.upload(self.get("export.xlsx").content, "j.xlsx"))
        self.assertEqual(list(board.phases.order_by("position").values_list("name", flat=True)), ["Awareness", "Consideration", "Decision"])


class ImportTests(SpreadsheetCase):
    def csv(self, text):
        return text.encode("utf-8")

    def test_labels_in_dutch_and_german_and_english_are_accepted(self):
        content = self.csv(
            "phase,title,channel,kind,emotion\n"
            "Oriëntatie,Vergelijker,Website / webshop,Pijnpunt,Zeer negatief\n"
            "Oriëntatie,Vergleich,Website / Onlineshop,Chance,Sehr positiv\n"
            "Kauf,Kasse,phone,Idee,neutral\n"
            "Kauf,Filiale,Ladenbesuch,Touchpoint,+1\n"
        )
        board = self.imported(self.upload(content, "labels.csv"))
        cards = list(Card.objects.filter(phase__board=board).order_by("phase__position", "position").values_list("channel", "kind", "emotion"))
        self.assertEqual(cards, [("website", "pain", -2), ("website", "opportunity", 2), ("phone", "idea", 0), ("store", "touchpoint", 1)])
        self.assertEqual(list(board.phases.values_list("name", flat=True)), ["Oriëntatie", "Kauf"])

    def test_every_label_in_every_language_names_one_choice(self):
        for source in (Channel, Kind, Segment, EMOTIONS):
            names = _labels(source)
            for code in ("en", "nl", "de"):
                with override(code):
                    choices = source.choices if hasattr(source, "choices") else source
                    for key, label in choices:
                        with self.subTest(source=str(source), code=code, key=key):
                            self.assertEqual(names[" ".join(str(label).split()).casefold()], key)

    def test_semicolons_and_any_column_order_and_positions(self):
        content = self.csv("title;phase;position\nSecond;A;2\nFirst;A;1\nOnly;B;\n")
        board = self.imported(self.upload(content, "dutch-excel.csv"))
        self.assertEqual(list(board.phases.get(name="A").cards.values_list("title", flat=True)), ["First", "Second"])

    def test_a_windows_1252_csv_from_excel_keeps_its_umlauts(self):
        board = self.imported(self.upload("phase;title;note\nÜbersicht;Café;Grüße\n".encode("cp1252"), "excel.csv"))
        self.assertEqual(list(Card.objects.filter(phase__board=board).values_list("phase__name", "title", "note")), [("Übersicht", "Café", "Grüße")])

    def test_one_row_name_throughout_is_accepted(self):
        board = self.imported(self.upload(self.csv("phase,row,title\nA,Main,x\nA,,y\nB,Main,z\n"), "rows.csv"))
        self.assertEqual(Card.objects.filter(phase__board=board).count(), 3)

    def test_new_board_is_in_the_importers_language(self):
        self.client.cookies["django_language"] = "de"
        board = self.imported(self.upload(self.csv("phase,title\nA,x\n"), "de.csv"))
        self.assertEqual(board.language, "de")

    def test_xlsx_phases_sheet_brings_order_segments_and_kpis(self):
        content = workbook_bytes({
            "cards": [["phase", "title", "emotion"], ["Use", "App", -1], ["Buy", "Checkout", 2], ["Extra", "New", None]],
            "phases": [list(PHASE_HEADER), ["Buy", "Buyer journey", "#112233", "Conversion", 2.5, 3, "%", False], ["Use", "Customer journey", None, "NPS", 40, None, None, "FALSE"]],
        })
        board = self.imported(self.upload(content, "kpis.xlsx"))
        phases = list(board.phases.order_by("position").values_list("name", "segment", "color", "kpi_name", "kpi_value", "kpi_target", "kpi_unit"))
        self.assertEqual(phases, [
            ("Buy", "buyer", "#112233", "Conversion", Decimal("2.5"), Decimal("3"), "%"),
            ("Use", "customer", "#12a4b8", "NPS", Decimal("40"), None, ""),
            ("Extra", "buyer", "#2fb67c", "", None, None, ""),
        ])
        self.assertEqual(board.phases.get(name="Use").cards.get().emotion, -1)

    def test_import_command_takes_csv_and_xlsx(self):
        import tempfile
        from pathlib import Path

        with tempfile.TemporaryDirectory() as folder:
            for name, content in (("a.csv", self.get("export.csv").content), ("b.xlsx", self.get("export.xlsx").content)):
                path = Path(folder) / name
                path.write_bytes(content)
                out = io.StringIO()
                call_command("import_board", str(path), owner="emil", stdout=out)
                board = Board.objects.get(pk=int(out.getvalue().strip().strip("/").split("/")[-1]))
                self.assertEqual(board.title, Path(name).stem)
                self.assertEqual(Card.objects.filter(phase__board=board).count(), 2 + len(TRICKY) + 1)
            bad = Path(folder) / "bad.csv"
            bad.write_bytes(b"phase,title,channel\nA,x,fax\n")
            before = counts()
            with self.assertRaisesMessage(CommandError, "line 2, column C (channel): Unknown channel “fax”."):
                call_command("import_board", str(bad), owner="emil", stdout=io.StringIO())
            self.assertEqual(counts(), before)


class BadFileTests(SpreadsheetCase):
    def test_wrong_columns(self):
        self.assert_refused(b"phase,title,colour_of_card\nA,x,red\n", "a.csv", "line 1, column C: Unknown column “colour_of_card”")
        self.assert_refused(b"phase,note\nA,x\n", "a.csv", "line 1, column C: The column “title” is missing.")
        self.assert_refused(b"phase,title,title\nA,x,y\n", "a.csv", "line 1, column C (title): This column appears twice.")
        self.assert_refused(workbook_bytes({"cards": []}), "a.xlsx", "sheet “cards”, line 1, column A: The file is empty")
        # An empty upload never reaches the import: the form refuses it first.
        with self.assertRaisesMessage(ValidationError, "line 1, column A: The file is empty"):
            spreadsheet_document("a.csv", b"")

    def test_unknown_channel_kind_and_emotion_and_empty_title_all_reported(self):
        errors = self.assert_refused(
            "phase,title,channel,kind,emotion\nA,ok,website,pain,1\nA,,fax,gossip,3\nB,x,,,Ecstatic\n".encode(),
            "a.csv",
            "line 3, column B (title): must not be empty",
            "line 3, column C (channel): Unknown channel “fax”.",
            "line 3, column D (kind): Unknown kind “gossip”.",
            "line 3, column E (emotion): expected a whole number from -2 to 2",
            "line 4, column E (emotion):",
        )
        self.assertEqual(len(errors), 5)

    def test_a_file_over_the_import_limit(self):
        line = b"Awareness,A card title that is reasonably long,website\n"
        content = b"phase,title,channel\n" + line * (10 * 1024 * 1024 // len(line) + 1)
        self.assertGreater(len(content), 10 * 1024 * 1024)
        self.assert_refused(content, "big.csv", "The file is larger than 5.0\xa0MB.")

    @override_settings(IMPORT_MAX_BYTES=2000)
    def test_the_limit_follows_the_setting_for_workbooks_too(self):
        content = self.get("export.xlsx").content
        self.assertGreater(len(content), 2000)
        self.assert_refused(content, "big.xlsx", "The file is larger than")

    def test_formulas_in_csv_are_refused_with_their_place(self):
        content = b'phase,title,note,votes\nA,"=HYPERLINK(""http://evil.example"")",x,1\nA,ok,@SUM(A1),2\nA,+cmd,-x,=1+1\nA,-2,fine,-1\n'
        errors = self.assert_refused(
            content,
            "a.csv",
            "line 2, column B (title): A formula is not accepted",
            "line 3, column C (note): A formula is not accepted",
            "line 4, column B (title): A formula",
            "line 4, column C (note): A formula",
            "line 4, column D (votes): A formula",
            "line 5, column B (title): A formula",
        )
        self.assertEqual(len(errors), 6)  # votes "-1" is a number, not a formula

    def test_a_formula_stored_in_an_xlsx_is_refused(self):
        content = workbook_bytes({"cards": [["phase", "title", "emotion"], ["A", "x", "=1-2"], ["A", "=A2&\"!\"", 1]]})
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            self.assertIn(b"<f>", archive.read("xl/worksheets/sheet1.xml"))  # a real formula cell
        self.assert_refused(content, "f.xlsx", "sheet “cards”, line 2, column C (emotion): A formula", "sheet “cards”, line 3, column B (title): A formula")

    def test_xlsx_text_that_starts_like_a_formula_is_text(self):
        book = Workbook()
        ws = book.active
        ws.title = "cards"
        ws.append(["phase", "title", "note"])
        ws.append(["A", "x", "y"])
        ws["B2"].value, ws["B2"].data_type = "=typed with a quote in Excel", "s"
        ws["C2"].value, ws["C2"].data_type = "-5 % on shoes", "s"
        out = io.BytesIO()
        book.save(out)
        with zipfile.ZipFile(io.BytesIO(out.getvalue())) as archive:
            self.assertNotIn(b"<f>", archive.read("xl/worksheets/sheet1.xml"))
        board = self.imported(self.upload(out.getvalue(), "text.xlsx"))
        self.assertEqual(list(Card.objects.filter(phase__board=board).values_list("title", "note")), [("=typed with a quote in Excel", "-5 % on shoes")])

    def test_a_corrupt_xlsx_is_refused(self):
        self.assert_refused(b"phase,title\nA,x\n", "not-a-zip.xlsx", "line 1, column A: The file is not an XLSX workbook.")
        broken = io.BytesIO()
        with zipfile.ZipFile(broken, "w") as archive:
            archive.writestr("hello.txt", "a zip, but no workbook")
        self.assert_refused(broken.getvalue(), "empty.xlsx", "line 1, column A: The file is not an XLSX workbook.")

    def test_an_xml_entity_bomb_is_refused(self):
        good = workbook_bytes({"cards": [["phase", "title"], ["A", "x"]]})
        lol = '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">' + "".join(
            f'<!ENTITY lol{i} "{("&lol%s;" % (i - 1 if i > 1 else "")) * 10}">' for i in range(1, 10)
        ) + "]>"
        bomb = io.BytesIO()
        with zipfile.ZipFile(io.BytesIO(good)) as source, zipfile.ZipFile(bomb, "w") as target:
            for item in source.infolist():
                data = source.read(item)
                if item.filename == "xl/worksheets/sheet1.xml":
                    data = lol.encode() + data.replace(b"<t>x</t>", b"<t>&lol9;</t>")
                target.writestr(item, data)
        self.assert_refused(bomb.getvalue(), "lol.xlsx", "line 1, column A: The file is not an XLSX workbook.")

    def test_lines_are_counted_as_the_spreadsheet_numbers_them(self):
        content = workbook_bytes({"cards": [[], [], ["phase", "title", "channel"], ["A", "x", "website"], [], ["A", "y", "fax"]]})
        self.assert_refused(content, "gaps.xlsx", "sheet “cards”, line 6, column C (channel): Unknown channel “fax”.")

    def test_personas_are_matched_by_name_and_created_in_order(self):
        content = "phase,title,personas\nA,x,Sanne; Jürgen\nA,y,\nA,z,Jürgen;Amira;Jürgen\n".encode()
        board = self.imported(self.upload(content, "personas.csv"))
        self.assertEqual(list(board.personas.values_list("name", "color")), [
            ("Sanne", avatar_colour(0)), ("Jürgen", avatar_colour(1)), ("Amira", avatar_colour(2)),
        ])  # fmt: skip
        tagged = {card.title: sorted(card.personas.values_list("name", flat=True)) for card in Card.objects.filter(phase__board=board)}
        self.assertEqual(tagged, {"x": ["Jürgen", "Sanne"], "y": [], "z": ["Amira", "Jürgen"]})
        self.assert_refused(f"phase,title,personas\nA,x,{'n' * 101}\n".encode(), "long.csv",
                            "line 2, column C (personas): A persona's name has at most 100 characters.")

    def test_bad_phases_sheet_cells(self):
        content = workbook_bytes({
            "cards": [["phase", "title"], ["A", "x"]],
            "phases": [["phase", "segment", "colour", "kpi", "kpi_value", "kpi_target"], ["A", "tourists", "red", "", "lots", 3], ["A", "buyer", None, None, None, None]],
        })
        self.assert_refused(
            content,
            "p.xlsx",
            "sheet “phases”, line 2, column B (segment): Unknown segment “tourists”.",
            "sheet “phases”, line 2, column C (colour):",
            "sheet “phases”, line 2, column E (kpi_value): expected a number",
            "sheet “phases”, line 3, column A (phase): This phase is listed twice.",
        )

    def test_a_nul_character_is_refused(self):
        self.assert_refused(b"phase,title\nA,x\x00y\n", "nul.csv", "line 2, column B (title): The text contains a NUL character.")

    def test_too_long_text_is_reported_at_its_cell(self):
        content = ("phase,title\n" + "A," + "x" * 201 + "\n" + "P" * 81 + ",ok\n").encode()
        self.assert_refused(content, "long.csv", "line 2, column B (title): Ensure this value has at most 200 characters", "line 3, column A (phase):")

    def test_a_file_wrong_on_every_line_gets_a_short_answer(self):
        content = b"phase,title,channel\n" + b"A,x,fax\n" * 200
        errors = self.assert_refused(content, "many.csv", "…and 150 more problems.")
        self.assertEqual(len(errors), 51)


class NeutraliseTests(BaseTestCase):
    def test_neutralise_and_unneutralise_are_inverse(self):
        for text in ["", "plain", "=1+1", "+", "-", "@x", "\tx", "'", "'=x", "''=x", "'plain", "a=b"]:
            with self.subTest(text=text):
                self.assertEqual(unneutralise(neutralise(text)), text)
                self.assertNotIn(neutralise(text)[:1], ("=", "+", "-", "@", "\t", "\r"))


class PersonaColumnTests(SpreadsheetCase):
    def test_the_personas_column_goes_out_and_comes_back(self):
        sanne = create_persona(self.owner, self.board, name="=Sanne, 34")
        jurgen = create_persona(self.owner, self.board, name="Jürgen")
        set_card_personas(self.owner, self.card, [sanne.pk, jurgen.pk])
        text = self.get("export.csv").content.decode("utf-8-sig")
        self.assertIn("\"'=Sanne, 34; Jürgen\"", text)  # neutralised, and quoted for its comma
        for path in ("export.csv", "export.xlsx"):
            with self.subTest(path):
                board = self.imported(self.upload(self.get(path).content, f"again.{path.split('.')[-1]}"))
                card = Card.objects.get(phase__board=board, title="Instagram ad")
                self.assertEqual(list(card.personas.values_list("name", flat=True)), ["=Sanne, 34", "Jürgen"])
