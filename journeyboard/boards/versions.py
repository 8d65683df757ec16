"""Named versions of a board: saved, listed, opened read-only, copied, restored.

A version keeps the board's JSON export (transfer.export_board) as it was when someone saved
it, so whatever the format carries comes along. Everything that reads a version back reads
it through the format too: the read-only page and the pictures (validate_board), a copy
(import_board), and a restore, which puts the version's phases, cards and KPIs in place of
the board's as one change (`board.restored`) that everyone sees live and that can be undone:
the event keeps the board as it was before (history.UNRESTORE_BOARD).
"""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import override

from .changes import board_change, record
from .limits import check_versions
from .models import VERSION_NAME_MAX, Board, BoardVersion, Persona, Phase, Row
from .transfer import add_phases, export_board, import_board, validate_board


def clean_name(name):
    """A version's name, trimmed; ValidationError when empty or longer than 80 characters."""
    name = " ".join((name or "").split())
    if not name:
        raise ValidationError(_("Give the version a name, e.g. “As is — workshop 1”."))
    if len(name) > VERSION_NAME_MAX:
        raise ValidationError(_("A version's name has at most %(max)d characters.") % {"max": VERSION_NAME_MAX})
    return name


def save_version(actor, board, name):
    """Save the board as it is now under `name`; return the version."""
    name = clean_name(name)
    with board_change(board.pk) as board:
        check_versions(BoardVersion.objects.filter(board=board).count())
        version = BoardVersion.objects.create(
            board=board, name=name, author=actor, snapshot=export_board(board), revision=board.revision
        )
        record(board, actor, "version.saved", version=version.pk, name=name)
    return version


def delete_version(actor, board, version):
    """Delete a saved version for good (it is a copy of the board, not the board: nothing on
    the board changes, and there is no undo)."""
    with board_change(board.pk) as board:
        BoardVersion.objects.filter(pk=version.pk, board=board).delete()
        record(board, actor, "version.deleted", version=version.pk, name=version.name)


def versions_of(board):
    """The board's versions, newest first, without their snapshots (the list shows none)."""
    return BoardVersion.objects.filter(board=board).select_related("author").defer("snapshot")


def version_of(board, version_id):
    """One version of `board`; None when it is not one (another board's is no version of this)."""
    return BoardVersion.objects.filter(board=board, pk=version_id).select_related("author").first()


def restore_version(actor, board, version):
    """Put the version's phases, cards and KPIs in place of the board's, as one change."""
    return restore_document(actor, board, version.snapshot, version=version.pk, name=version.name)


def restore_document(actor, board, document, version, name):
    """Replace the board's rows, phases and cards (their KPIs, comments and votes go with
    them) by those of `document`, a JSON export; the title, personas and members stay. Undo and
    redo run it with the document the event kept (history.py)."""
    _board, personas, rows, phases = validate_board(document)
    with board_change(board.pk) as board:
        before = export_board(board)
        Phase.objects.filter(board=board).delete()
        Row.objects.filter(board=board).delete()
        cards = add_phases(board, actor, rows, phases, _same_personas(board, personas))
        return record(
            board,
            actor,
            "board.restored",
            version=version,
            name=name,
            before=before,
            phases=[phase.pk for phase, _cards in phases],
            cards=[card.pk for card in cards],
        )


def _same_personas(board, personas):
    """For each persona of a document, the board's persona of that name (None if it has
    none): the board keeps its own personas, and the cards get the tags that still mean
    someone. A persona renamed since loses its tags; one deleted and added again gets them."""
    by_name = {}
    for persona in Persona.objects.filter(board=board).order_by("pk"):
        by_name.setdefault(persona.name, persona)
    return [by_name.get(persona.name) for persona in personas]


def copy_version(actor, version):
    """A new board owned by `actor`, made from the version."""
    board = version.board
    with override(board.language):
        title = _("%(title)s — %(version)s") % {"title": version.snapshot.get("title", board.title), "version": version.name}
    return import_board(actor, version.snapshot, title=title[: Board._meta.get_field("title").max_length])
