"""Whole boards: create from a template, edit title and description, duplicate, delete."""

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import override

from django.core.exceptions import ValidationError

from .catalog import LANGUAGE_CODES, TEMPLATES, template_phases, template_rows
from .changes import board_change, record
from .examples import template_examples
from .models import Board
from .transfer import FORMAT, export_board, import_board

BOARD_FIELDS = ("title", "description", "ambassador_loop")


def create_board(actor, title, template="blank", language="en", description="", examples=False, persona_name="", persona_role=""):
    """A new board owned by `actor`, with the template's phases and rows named in `language`.

    With `examples`, the phases start with the template's example cards in `language`
    (templates without examples start empty). It is all one import, so the board,
    its phases and cards are saved in one transaction and recorded as one event.
    """
    if template not in TEMPLATES:
        raise ValidationError({"template": _("Unknown template.")})
    if language not in LANGUAGE_CODES:
        raise ValidationError({"language": _("Unknown language.")})
    # Starting from a persona: the board maps their journey, and is named after them
    # (in the board's language, like its phases) unless it was given a title.
    personas = [{"name": persona_name, "role": persona_role}] if persona_name else []
    if persona_name and not title:
        with override(language):
            title = _("Journey of %(name)s") % {"name": persona_name}
    document = {
        "format": FORMAT,
        "title": title,
        "description": description,
        "language": language,
        "personas": personas,
        "rows": template_rows(template, language),
        "phases": [{**phase, "cards": []} for phase in template_phases(template, language)],
    }
    if examples:
        for phase, cards in zip(document["phases"], template_examples(template, language)):
            phase["cards"] = [{**card, "row": 0} for card in cards]  # the touchpoints row
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
        # Guest accounts exist for this one board (sharing.py): they go with it, rather
        # than live on as passwordless accounts that are no longer anybody's guest.
        get_user_model().objects.filter(guest__board=board).delete()
        Board.objects.filter(pk=board.pk).delete()
