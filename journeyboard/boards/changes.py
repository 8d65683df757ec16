"""The frame every board mutation runs in.

A service opens `board_change(board_id)`, which takes the board's row lock inside a
transaction; it changes what it must and calls `record(...)`, which bumps the revision,
stores the event and announces it once the transaction commits (signals.change_committed:
the live-update side listens; the domain does not know it). Holding the board's
lock for the whole change is what keeps card and phase positions gap-free when two
people drag cards of the same lane at the same moment.
"""

from collections import defaultdict
from contextlib import contextmanager
from contextvars import ContextVar

from django.db import transaction
from django.db.models import F
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from .events import kind_of
from .models import Board, BoardEvent
from .origin import current_client, produced_revision
from .signals import change_committed


@contextmanager
def board_change(board_id):
    """Yield the board, locked for writing until the surrounding transaction ends.

    PostgreSQL locks the row (SELECT ... FOR UPDATE); SQLite ignores FOR UPDATE, but its
    IMMEDIATE transactions (see settings) already give one writer at a time.
    """
    with transaction.atomic():
        yield Board.objects.select_for_update().get(pk=board_id)


# The event that changes recorded right now revert (set by `reverting`, used by history.py).
_reverting = ContextVar("journeyboard_reverting", default=None)


@contextmanager
def reverting(event):
    """Record the changes made inside as reverting `event`: an undo reverts a change, a redo
    reverts the undo. The services stay as they are; undo and redo call them unchanged."""
    token = _reverting.set(event)
    try:
        yield
    finally:
        _reverting.reset(token)


# The events recorded inside `collecting()`, for the view that answers with them.
_collected = ContextVar("journeyboard_collected", default=None)


@contextmanager
def collecting():
    """Yield a list that receives every event recorded inside: a view answers the request
    that made a change with the change itself, rendered as the broadcast renders it."""
    events = []
    token = _collected.set(events)
    try:
        yield events
    finally:
        _collected.reset(token)


class Gone(Http404):
    """What a change was about was deleted by someone else meanwhile (answered as 404)."""


def fresh(queryset, pk):
    """Re-read an object under the board's lock: another request may have changed or
    deleted it since the view looked it up."""
    obj = queryset.filter(pk=pk).first()
    if obj is None:
        raise Gone(_("Someone else deleted this meanwhile."))
    return obj


def record(board, actor, kind, **data):
    """Bump the revision, store the event and announce it once the transaction commits.

    `kind` must be declared in events.py, with data that fits its declaration: a change
    that nothing knows how to show, undo or tell is refused (events.UnknownEvent)."""
    kind_of(kind).check(data)
    board.revision += 1
    board.updated_at = timezone.now()
    Board.objects.filter(pk=board.pk).update(revision=board.revision, updated_at=board.updated_at)
    event = BoardEvent.objects.create(
        board=board,
        revision=board.revision,
        actor=actor if actor and actor.is_authenticated else None,
        kind=kind,
        data=data,
        reverts=_reverting.get(),
    )
    origin = current_client.get()
    produced_revision.set(board.revision)
    collected = _collected.get()
    if collected is not None:
        collected.append(event)
    transaction.on_commit(lambda: change_committed.send(sender=BoardEvent, event=event, origin=origin))
    return event


def in_order(queryset, exclude=None):
    """Cards of a lane or phases of a board in position order, optionally without one
    (the one being moved), ready to be renumbered."""
    rows = queryset.order_by("position", "pk")
    if exclude is not None:
        rows = rows.exclude(pk=exclude)
    return list(rows)


def renumber(items):
    """Give items the positions 0..n-1 in list order; return those whose position changed."""
    changed = []
    for index, item in enumerate(items):
        if item.position != index:
            item.position = index
            changed.append(item)
    return changed


def save_positions(model, items):
    """Give `items` (rows of `model` read under the board's lock, in their new order) the
    positions 0..n-1 and write those that changed: one UPDATE per distinct shift (a move
    shifts a run of neighbours by one), as `bulk_update`'s CASE per row costs far more to
    build than to run once a lane holds a few dozen cards."""
    shifts = defaultdict(list)
    for index, item in enumerate(items):
        if item.position != index:
            shifts[index - item.position].append(item.pk)
            item.position = index
    for shift, ids in shifts.items():
        model.objects.filter(pk__in=ids).update(position=F("position") + shift)


def clamp(position, upper):
    """Positions beyond either end mean "first" or "last": a move never fails for that."""
    return max(0, min(position, upper))
