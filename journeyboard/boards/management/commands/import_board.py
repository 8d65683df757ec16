from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from journeyboard.boards.spreadsheet import import_spreadsheet, is_spreadsheet
from journeyboard.boards.transfer import import_board, parse_json


class Command(BaseCommand):
    help = "Import a Journeyboard JSON, CSV or XLSX file as a new board; prints the board's path last."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--owner", required=True, help="username of the new board's owner")

    def handle(self, *args, file, owner, **options):
        user = get_user_model().objects.filter(username=owner).first()
        if user is None:
            raise CommandError(f"There is no user called {owner!r}.")
        try:
            raw = file.read_bytes()
        except OSError as error:
            raise CommandError(f"Cannot read {file}: {error.strerror}") from None
        try:
            if is_spreadsheet(file.name):
                board = import_spreadsheet(user, file.name, raw)
            else:
                board = import_board(user, parse_json(raw))
        except ValidationError as error:
            raise CommandError("Nothing was imported:\n  " + "\n  ".join(error.messages)) from None
        self.stdout.write(board.get_absolute_url())
