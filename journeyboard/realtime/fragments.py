"""Render a recorded board change as the HTML other screens apply (templates/boards/broadcast.html).

Controls differ by role (a viewer's cards open no editor, only the owner sees member
buttons), so each change is rendered once per role and every connection picks its own.
"""

from django.template.loader import render_to_string

from journeyboard.boards.curve import emotion_curve
from journeyboard.boards.models import Board, Card, Membership, Role
from journeyboard.boards.personas import personas_of
from journeyboard.boards.rendering import (
    board_data,
    board_settings,
    lane_tallies,
    lane_update,
    load_phases,
    members_data,
    viewer_flags,
)

BROADCAST = "boards/broadcast.html"


def _card(card_id):
    return Card.objects.select_related("phase", "author").filter(pk=card_id).first()


def _footers(altered, *phase_ids):
    """The lanes whose channel footers a card change sends: only when it altered them (a
    card with a channel came, went or changed channel). Most edits (a title, an emotion)
    do not, and a broadcast goes to every page on the board."""
    return phase_ids if altered else ()


def _card_created(board, data):
    card = _card(data["card"])
    if card is None:
        return None
    return "card-created", {"card": card, **lane_tallies([card.phase_id], _footers(card.channel, card.phase_id))}


def _card_updated(board, data):
    card = _card(data["card"])
    if card is None:
        return None
    recoloured = data["before"]["channel"] != data["after"]["channel"]
    return "card-updated", {"card": card, **lane_tallies(channelled=_footers(recoloured, card.phase_id))}


def _card_moved(board, data):
    # The whole card lists of both lanes, not "put X after Y": a page that dropped a card
    # while others' moves were in flight shows them in another order than the server
    # committed them, and only the server's full order makes every page agree.
    lanes = load_phases(board, only=[data["from_phase"], data["phase"]])
    if not lanes:
        return None
    across = data["from_phase"] != data["phase"] and _channel_of(data["card"]) != ""
    return "card-moved", {
        "lanes": lanes,
        "lane_counts": [(lane.pk, lane.card_count) for lane in lanes],
        "lane_channels": [(lane.pk, lane.channels) for lane in lanes] if across else [],
    }


def _channel_of(card_id):
    """A card's channel; None when it is gone meanwhile (then nobody knows: assume one)."""
    return Card.objects.filter(pk=card_id).values_list("channel", flat=True).first()


def _card_deleted(board, data):
    phase_id = data["phase"]
    tallies = lane_tallies([phase_id], _footers(data["before"]["channel"], phase_id))
    return "card-deleted", {"card_id": data["card"], **tallies}


def _phase_updated(board, data):
    context = lane_update(board, data["phase"])
    return context and ("lane-updated", context)


def _board_body(board, data):
    return "board-body", board_data(board)


def _board_settings(board, data):
    return "board-edited", board_settings(board)


def _members(board, data):
    return "members", members_data(board)


def _personas(board, data):
    # The whole panel, not the one persona: personas are few, and it keeps the order and
    # the empty state right whatever else happened meanwhile.
    return "personas", {"personas": personas_of(board)}


RENDERERS = {
    "card.created": _card_created,
    "card.updated": _card_updated,
    "card.moved": _card_moved,
    "card.deleted": _card_deleted,
    "phase.updated": _phase_updated,
    "phase.created": _board_body,
    "phase.moved": _board_body,
    "phase.deleted": _board_body,
    "board.updated": _board_settings,
    "member.added": _members,
    "member.removed": _members,
    "persona.created": _personas,
    "persona.updated": _personas,
    "persona.deleted": _personas,
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
    return _render("resync", board, role, {**board_data(board), "personas": personas_of(board)})
