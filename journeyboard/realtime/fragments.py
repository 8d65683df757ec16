"""Render a recorded board change as the HTML other screens apply (templates/boards/broadcast.html).

Controls differ by role (a viewer's cards open no editor, only the owner sees member
buttons), so each change is rendered once per role and every connection picks its own.
"""

from django.template.loader import render_to_string

from journeyboard.boards.curve import emotion_curve
from journeyboard.boards.models import Board, Card, Membership, Role
from journeyboard.boards.rendering import (
    board_data,
    lane_counts,
    lane_update,
    load_phases,
    members_data,
    viewer_flags,
)

BROADCAST = "boards/broadcast.html"


def _card(card_id):
    return Card.objects.select_related("phase", "author").filter(pk=card_id).first()


def _card_created(board, data):
    card = _card(data["card"])
    return card and ("card-created", {"card": card, "lane_counts": lane_counts(card.phase_id)})


def _card_updated(board, data):
    card = _card(data["card"])
    return card and ("card-updated", {"card": card})


def _card_moved(board, data):
    # The whole card lists of both lanes, not "put X after Y": a page that dropped a card
    # while others' moves were in flight shows them in another order than the server
    # committed them, and only the server's full order makes every page agree.
    lanes = load_phases(board, only=[data["from_phase"], data["phase"]])
    if not lanes:
        return None
    return "card-moved", {"lanes": lanes, "lane_counts": [(lane.pk, lane.card_count) for lane in lanes]}


def _card_deleted(board, data):
    return "card-deleted", {"card_id": data["card"], "lane_counts": lane_counts(data["phase"])}


def _phase_updated(board, data):
    context = lane_update(board, data["phase"])
    return context and ("lane-updated", context)


def _board_body(board, data):
    return "board-body", board_data(board)


def _board_title(board, data):
    return "board-title", {}


def _members(board, data):
    return "members", members_data(board)


RENDERERS = {
    "card.created": _card_created,
    "card.updated": _card_updated,
    "card.moved": _card_moved,
    "card.deleted": _card_deleted,
    "phase.updated": _phase_updated,
    "phase.created": _board_body,
    "phase.moved": _board_body,
    "phase.deleted": _board_body,
    "board.updated": _board_title,
    "member.added": _members,
    "member.removed": _members,
}


def _render(name, board, role, context):
    """One partial as a member with `role` sees it."""
    board.membership = Membership(board=board, role=role)
    return render_to_string(f"{BROADCAST}#{name}", {**context, **viewer_flags(board), "revision": board.revision})


def render_change(event):
    """{role: html} for a change, or None when there is nothing to show (e.g. the card is gone again)."""
    renderer = RENDERERS.get(event.kind)
    if renderer is None:
        return None
    board = Board.objects.filter(pk=event.board_id).first()
    found = board and renderer(board, event.data)
    if not found:
        return None
    name, context = found
    if event.kind.startswith("card."):
        context["curve"] = emotion_curve(board)  # every card change may move the curve
    # Rendered with the event's revision even if later changes already landed: each of
    # those sends its own message, and a page's revision only ever moves forward.
    board.revision = event.revision
    html = {role: _render(name, board, role, context) for role in (Role.EDITOR, Role.VIEWER)}
    # Owners see the same as editors except in the members panel (the remove buttons).
    html[Role.OWNER] = _render(name, board, Role.OWNER, context) if name == "members" else html[Role.EDITOR]
    return html


def render_resync(board, role):
    """The whole board, for one connection that missed changes."""
    return _render("resync", board, role, board_data(board))
