"""Render a recorded board change as the HTML other screens apply (templates/boards/broadcast.html).

Controls differ by role (a viewer's cards open no editor, only the owner sees member
buttons) and words by the reader's language, so each change is rendered once per role and
language (realtime/languages.py says which languages) and every connection picks its own.
The context is built once for all languages: it carries data and lazy labels, never text
translated in advance; the templates translate.
"""

from django.template.loader import render_to_string
from django.utils import translation

from journeyboard.boards.comments import thread_of
from journeyboard.boards.curve import emotion_curve
from journeyboard.boards.models import Board, Card, Comment, Membership, Role
from journeyboard.boards.forms import MemberForm
from journeyboard.boards.personas import personas_of
from journeyboard.boards.sharing import links_of
from journeyboard.boards.rendering import (
    badged_cards,
    board_data,
    board_settings,
    card_alterations,
    card_state,
    lane_tallies,
    lane_update,
    load_phases,
    members_data,
    viewer_flags,
)
from journeyboard.boards.timer import timer_context
from journeyboard.boards.voting import cards_with_votes, with_votes

BROADCAST = "boards/broadcast.html"


def _card(board, card_id):
    return badged_cards(board.pk).filter(pk=card_id, phase__board=board).first()


def _curve(board, moved):
    """The emotion curve, for a card change that `moved` it (see card_alterations)."""
    return {"curve": emotion_curve(board)} if moved else {}


def _altered(board, counted, before, after):
    """What a card change sends beside the card: the `counted` lanes' counts, and the footers
    and curve it altered (card_alterations; `before` and `after` are card states)."""
    channelled, curve = card_alterations(before, after)
    return {**lane_tallies(counted, channelled), **_curve(board, curve)}


def _card_created(board, data):
    card = _card(board, data["card"])
    if card is None:
        return None
    tallies = _altered(board, [card.phase_id], None, card_state(card))
    if card.position < tallies["lane_counts"][0][1] - 1:
        # Not at the end: a deleted card put back where it was (undo). Its lane's whole
        # card list, as for a move, puts it in its place on every page.
        return "card-moved", {"lanes": load_phases(board, only=[card.phase_id]), **tallies}
    return "card-created", {"card": card, **tallies}


def _card_updated(board, data):
    card = _card(board, data["card"])
    if card is None:
        return None
    before, after = (_state(data["phase"], data[side]) for side in ("before", "after"))
    return "card-updated", {"card": card, **_altered(board, (), before, after)}


def _state(phase_id, snapshot):
    """A card state (rendering.card_state) from an event's snapshot of the card."""
    return phase_id, snapshot["channel"], snapshot["emotion"]


def _card_moved(board, data):
    # The whole card lists of both lanes, not "put X after Y": a page that dropped a card
    # while others' moves were in flight shows them in another order than the server
    # committed them, and only the server's full order makes every page agree.
    lanes = load_phases(board, only=[data["from_phase"], data["phase"]])
    if not lanes:
        return None
    # Gone meanwhile: nobody knows what it carried, so send footers and curve anyway.
    facts = Card.objects.filter(pk=data["card"]).values_list("channel", "emotion").first() or ("?", 0)
    channelled, curve = card_alterations((data["from_phase"], *facts), (data["phase"], *facts))
    return "card-moved", {
        "lanes": lanes,
        # Counts and footers as the lanes were just loaded: no query of their own.
        "lane_counts": [(lane.pk, lane.card_count) for lane in lanes],
        "lane_channels": [(lane.pk, lane.channels) for lane in lanes if lane.pk in channelled],
        **_curve(board, curve),
    }


def _card_deleted(board, data):
    before = _state(data["phase"], data["before"])
    return "card-deleted", {"card_id": data["card"], **_altered(board, [data["phase"]], before, None)}


def _phase_updated(board, data):
    context = lane_update(board, data["phase"])
    return context and ("lane-updated", context)


def _board_body(board, data):
    return "board-body", board_data(board)


def _board_settings(board, data):
    return "board-edited", board_settings(board)


def _members(board, data):
    # With an empty add form: the owner's copy shows it, and its role choices.
    return "members", {**members_data(board), "member_form": MemberForm()}


def _personas(board, data):
    # The whole panel, not the one persona: personas are few, and it keeps the order and
    # the empty state right whatever else happened meanwhile.
    return "personas", {"personas": personas_of(board)}


def _timer(board, data):
    # As the timer is now, with the server's clock at this moment: each page corrects its
    # own clock by it, so every screen counts down to the same second.
    return "timer", timer_context(board)


def _comment_added(board, data):
    # The card (its badge counts the comment) and the comment, appended to the card's
    # thread on pages that have it open (boards/broadcast.html says how the others skip it).
    card = _card(board, data["card"])
    if card is None:
        return None
    comment = Comment.objects.select_related("author").filter(pk=data["comment"]).first()
    return "comment-added", {"card": card, "comment": comment}


def _comment_deleted(board, data):
    card = _card(board, data["card"])
    if card is None:
        return None
    # The thread as it now is (threads are short), for pages that have it open.
    return "comment-deleted", {"card": card, "comments": thread_of(card)}


def _share_links(board, data):
    return "share-links", {"links": links_of(board)}  # only the owner's copy shows them


def _lock_changed(board, data):
    # Everything with controls, for every page: while locked, members who are not
    # facilitators get the viewer's copy (consumers.shown_role), so their page turns
    # read-only at once; unlocking gives the controls back.
    return "lock-changed", {**board_data(board), "personas": personas_of(board)}


def _voting_round(board, data):
    # A round started or closed: every card's badge changed. The voting bar is personal
    # (votes left, the facilitator's buttons): the signal has every page fetch its own.
    return "voting-round", {"vote_cards": cards_with_votes(board), "voting_for": ""}


def _vote(board, data):
    # With hidden results the event names no card, so nothing about any card goes out;
    # the voter's other tabs fetch their bar (votes left, their dots).
    card_id = data.get("card")
    card = card_id and with_votes(Card.objects.filter(pk=card_id).only("id"), board.pk).first()
    return "vote", {"card": card, "voting_for": data["user"]}


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
    "timer.changed": _timer,
    "comment.added": _comment_added,
    "comment.deleted": _comment_deleted,
    "member.facilitator": _members,
    "link.created": _share_links,
    "link.revoked": _share_links,
    "board.locked": _lock_changed,
    "board.unlocked": _lock_changed,
    "voting.started": _voting_round,
    "voting.closed": _voting_round,
    "vote.given": _vote,
    "vote.taken": _vote,
}


def _render(name, board, role, context):
    """One partial as a member with `role` sees it."""
    # While the board is locked only facilitators get the editor's copy (consumers pick the
    # viewer's for everyone else), so it is rendered as a facilitator sees it: with controls.
    board.membership = Membership(board=board, role=role, facilitator=board.locked and role == Role.EDITOR)
    return render_to_string(f"{BROADCAST}#{name}", {**context, **viewer_flags(board), "revision": board.revision})


def render_change(event, languages):
    """{language: {role: html}} for a change in each of `languages`, or None when there
    is nothing to show (e.g. the card is gone again)."""
    renderer = RENDERERS.get(event.kind)
    if renderer is None:
        return None
    board = Board.objects.filter(pk=event.board_id).first()
    found = board and renderer(board, event.data)
    if not found:
        return None
    name, context = found
    # Rendered with the event's revision even if later changes already landed: each of
    # those sends its own message, and a page's revision only ever moves forward.
    board.revision = event.revision
    return {language: _render_roles(name, board, context, language) for language in languages}


def _render_roles(name, board, context, language):
    with translation.override(language):
        html = {role: _render(name, board, role, context) for role in (Role.EDITOR, Role.VIEWER)}
        # Owners see the same as editors except in the members panel (the remove buttons)
        # and on comments (the owner may delete everyone's).
        owners_own = name in ("members", "comment-added", "comment-deleted", "share-links")  # and the share links
        html[Role.OWNER] = _render(name, board, Role.OWNER, context) if owners_own else html[Role.EDITOR]
    return html


def render_resync(board, role, language):
    """The whole board, for one connection that missed changes, in its page's language."""
    with translation.override(language):
        context = {**board_data(board), "personas": personas_of(board), **timer_context(board)}
        return _render("resync", board, role, context)
