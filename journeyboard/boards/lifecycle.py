"""Whole boards: create from a template, edit title and description, duplicate, delete."""

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import override

from django.core.exceptions import ValidationError

from .catalog import LANGUAGE_CODES, TEMPLATES, template_phases
from .changes import board_change, record
from .models import Board
from .transfer import FORMAT, export_board, import_board

BOARD_FIELDS = ("title", "description")


def create_board(actor, title, template="blank", language="en", description=""):
    """A new board owned by `actor`, with the template's phases named in `language`."""
    if template not in TEMPLATES:
        raise ValidationError({"template": _("Unknown template.")})
    if language not in LANGUAGE_CODES:
        raise ValidationError({"language": _("Unknown language.")})
    document = {
        "format": FORMAT,
        "title": title,
        "description": description,
        "language": language,
        "personas": [],
        "phases": [{**phase, "cards": []} for phase in template_phases(template, language)],
    }
    return import_board(actor, document)


def update_board(actor, board, **fields):
    unknown = set(fields) - set(BOARD_FIELDS)
    if unknown:
        raise ValueError(f"not editable board fields: {sorted(unknown)}")
    with board_change(board.pk) as board:
        before = {name: getattr(board, name) for name in fields}
        for name, value in fields.items():
            setattr(board, name, value)
        board.full_clean(exclude=["owner"])
        board.save(update_fields=list(fields))
        record(board, actor, "board.updated", before=before, after=fields)
    return board


def duplicate_board(actor, board):
    """A copy owned by `actor`, made through the export format so that nothing is left out."""
    with override(board.language):
        title = _("Copy of %(title)s") % {"title": board.title}
    return import_board(actor, export_board(board), title=title[: Board._meta.get_field("title").max_length])


def delete_board(actor, board):
    with transaction.atomic():
        Board.objects.filter(pk=board.pk).delete()
