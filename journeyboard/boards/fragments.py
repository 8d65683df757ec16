"""Render a recorded board change as the HTML screens apply (templates/boards/broadcast.html).

Each kind of change names its renderer here and the partials it picks (events.py). The
same rendering answers the request that made the change and is broadcast to every other
page that has the board open.

Controls differ by role (a viewer's cards open no editor, only the owner sees member
buttons) and words by the reader's language, so each change is rendered once per role and
language (realtime/languages.py says which languages) and every connection picks its own.
The context is built once for all languages: it carries data and lazy labels, never text
translated in advance; the templates translate.
"""

import threading
from collections import OrderedDict

from django.db.models import Exists, F, OuterRef
from django.template.loader import render_to_string
from django.utils import translation

from .access import member_shown_as, shown_role
from .badged import badged_cards
from .curve import emotion_curve
from .events import known
from .forms import MemberForm
from .models import Board, Card, Role, Row
from .personas import personas_of
from .rendering import (
    board_data,
    board_settings,
    card_alterations,
    card_state,
    lane_tallies,
    Cell,
    lane_update,
    load_phases,
    members_data,
    round_flags,
    viewer_flags,
)
from .sharing import links_of
from .timer import timer_context
from .ratings import rating_state
from .voting import cards_with_votes, with_votes

BROADCAST = "boards/broadcast.html"

# The broadcast renders a change after its commit, in the thread of the request that made it,
# before that request answers with the same change: the answer takes its copy from here
# instead of reading and rendering everything again. Only the latest few are kept.
RECENT_CHANGES = 32
_recent = OrderedDict()  # _identity(event) -> {language: {role: html}} (or None: nothing to show)
_recent_lock = threading.Lock()


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


# --- renderers, named by the kinds of change in events.py ------------------------------
# Each takes the board and the event's data and returns (partial of broadcast.html,
# context), or None when there is nothing to show any more.


def _card_in_cell(board, card_id):
    """A card with where it sits in its cell: its row's position (the first row's cells
    keep the lane's ids) and whether cards follow it (`later`). One query, as `_card`."""
    later = Card.objects.filter(phase_id=OuterRef("phase_id"), row_id=OuterRef("row_id"), position__gt=OuterRef("position"))
    cards = badged_cards(board.pk).filter(pk=card_id, phase__board=board)
    return cards.annotate(row_position=F("row__position"), later=Exists(later)).first()


def card_created(board, data):
    card = _card_in_cell(board, data["card"])
    if card is None:
        return None
    if not data["after"].get("personas"):
        card.chips = []  # a new card has no personas (one put back by undo may): no query for them
    tallies = _altered(board, [card.phase_id], None, card_state(card))
    row = Row(pk=card.row_id, position=card.row_position)
    row.first = card.row_position == 0
    if card.later:
        # Not at the end: a deleted card put back where it was (undo). Its lane's whole
        # card lists, as for a move, put it in its place on every page.
        lanes = load_phases(board, only=[card.phase_id])
        for lane in lanes:  # only its cell
            lane.cells = [cell for cell in lane.cells if cell.row.pk == card.row_id]
        return "card-moved", {"lanes": lanes, **tallies}
    return "card-created", {"card": card, "cell": Cell(card.phase_id, row), **tallies}


def card_updated(board, data):
    card = _card(board, data["card"])
    if card is None:
        return None
    before, after = (_state(data["phase"], data[side]) for side in ("before", "after"))
    return "card-updated", {"card": card, **_altered(board, (), before, after)}


def card_personas(board, data):
    # The card with its chips; the curve too when the card has an emotion (a persona's line moved).
    card = _card(board, data["card"])
    if card is None:
        return None
    return "card-updated", {"card": card, **lane_tallies(), **_curve(board, card.emotion is not None)}


def _state(phase_id, snapshot):
    """A card state (rendering.card_state) from an event's snapshot of the card."""
    return phase_id, snapshot["channel"], snapshot["emotion"]


def card_moved(board, data):
    # The whole card lists of both lanes, not "put X after Y": a page that dropped a card
    # while others' moves were in flight shows them in another order than the server
    # committed them, and only the server's full order makes every page agree.
    lanes = load_phases(board, only=[data["from_phase"], data["phase"]])
    if not lanes:
        return None
    if "row" in data:  # only the two cells the card left and entered (their lanes' other rows are as they were)
        touched = {(data["from_phase"], data.get("from_row", data["row"])), (data["phase"], data["row"])}
        for lane in lanes:
            lane.cells = [cell for cell in lane.cells if (lane.pk, cell.row.pk) in touched]
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


def card_deleted(board, data):
    before = _state(data["phase"], data["before"])
    return "card-deleted", {"card_id": data["card"], **_altered(board, [data["phase"]], before, None)}


def phase_updated(board, data):
    context = lane_update(board, data["phase"])
    return context and ("lane-updated", context)


def board_body(board, data):
    return "board-body", board_data(board)


def board_edited(board, data):
    return "board-edited", board_settings(board)


def members(board, data):
    # With an empty add form: the owner's copy shows it, and its role choices.
    return "members", {**members_data(board), "member_form": MemberForm()}


def personas(board, data):
    # The whole panel, not the one persona: personas are few, and it keeps the order and
    # the empty state right whatever else happened meanwhile. A persona that was on cards
    # (renamed, recoloured, deleted, brought back) changes their chips and the curve's
    # lines too: the board body comes along then.
    context = {"personas": personas_of(board)}
    if data.get("cards") or (_chip_changed(data) and _on_cards(data["persona"])):
        return "personas-cards", {**context, **board_data(board)}
    return "personas", context


def _chip_changed(data):
    """A persona edit that changes what its chips and curve line show: its name or colour."""
    before, after = data.get("before", {}), data.get("after")
    return bool(after) and any(before.get(name) != after.get(name) for name in ("name", "color"))


def _on_cards(persona_id):
    return Card.personas.through.objects.filter(persona_id=persona_id).exists()


def timer(board, data):
    # As the timer is now, with the server's clock at this moment: each page corrects its
    # own clock by it, so every screen counts down to the same second.
    return "timer", timer_context(board)


def comment_added(board, data):
    # The card (its badge counts the comment), and the card's open threads fetch their
    # comments again: who may delete one is personal, and this is rendered per role.
    card = _card(board, data["card"])
    if card is None:
        return None
    return "comment-added", {"card": card}


def comment_deleted(board, data):
    card = _card(board, data["card"])
    if card is None:
        return None
    return "comment-deleted", {"card": card}


def share_links(board, data):
    return "share-links", {"links": links_of(board)}  # only the owner's copy shows them


def lock_changed(board, data):
    # Everything with controls, for every page: while locked, members who are not
    # facilitators get the viewer's copy (consumers.shown_role), so their page turns
    # read-only at once; unlocking gives the controls back.
    return "lock-changed", {**board_data(board), "personas": personas_of(board)}


def voting_round(board, data):
    # A round started or closed: every card's badge changed. The voting bar is personal
    # (votes left, the facilitator's buttons): the signal has every page fetch its own.
    return "voting-round", {"vote_cards": cards_with_votes(board), "voting_for": ""}


def vote(board, data):
    # With hidden results the event names no card, so nothing about any card goes out;
    # the voter's other tabs fetch their bar (votes left, their dots).
    card_id = data.get("card")
    card = card_id and with_votes(Card.objects.filter(pk=card_id).only("id"), board.pk).first()
    return "vote", {"card": card, "voting_for": data["user"]}


def rating_round(board, data):
    # An emotion round started or closed: every card's rating badge and the room's curve
    # changed. The rating bar is personal: the signal has every page fetch its own.
    return "rating-round", {"rating_cards": Card.objects.filter(phase__board=board).only("id", "phase_id").order_by(),
                            "curve": emotion_curve(board), "rating_for": ""}


def rating(board, data):
    # The card's badge (counts only with hidden results) and the room's curve; the rater's
    # other tabs fetch their bar (their own ratings).
    card = Card.objects.filter(pk=data["card"], phase__board=board).only("id", "phase_id").first()
    shown = rating_state(board).results_shown
    return "rating", {"card": card, "curve": emotion_curve(board) if shown else None, "rating_for": data["user"]}


def version_saved(board, data):
    # Saved or deleted, nothing on the board changed: the revision alone, on which open version lists refresh.
    return "version-saved", {}


# --- rendering ---------------------------------------------------------------------------


def _render(name, board, role, context, rounds=None):
    """One partial as a page shown as `role` (access.shown_role) sees it; `rounds`
    (rendering.round_flags) shared by the copies of one change."""
    board.membership = member_shown_as(board, role)
    flags = viewer_flags(board, rounds)
    return render_to_string(f"{BROADCAST}#{name}", {**context, **flags, "revision": board.revision})


def render_change(event, languages):
    """{language: {role: html}} for a change in each of `languages`, or None when there
    is nothing to show (e.g. the card is gone again): what the broadcast sends."""
    found = _prepared(event)
    html = None
    if found is not None:
        kind, name, board, context = found
        rounds = round_flags(board)
        html = {language: _render_roles(kind, name, board, context, language, rounds) for language in languages}
    _remember(_identity(event), html)
    return html


def _identity(event):
    """Which change: its row, and when it was made (a test database gives ids out again)."""
    return event.pk, event.created_at


def _remember(identity, html):
    with _recent_lock:
        _recent[identity] = html
        while len(_recent) > RECENT_CHANGES:
            _recent.popitem(last=False)


def _rendered_already(identity, language, role):
    """This change's HTML for `language` and `role` as the broadcast rendered it, "" for a
    change that shows nothing, None when the broadcast did not render that copy."""
    with _recent_lock:
        if identity not in _recent:
            return None
        html = _recent[identity]
    if html is None:
        return ""
    return html.get(language, {}).get(role)


def render_answer(event, membership):
    """The change as the page that made it shows it, in the request's language, as its
    member is shown (access.shown_role): the very HTML the broadcast sends every other
    page with that role and language. "" when there is nothing to show."""
    kind = known(event.kind)
    role = shown_role(membership, membership.board.locked)
    if role == Role.OWNER and not (kind and kind.owner_copy):
        role = Role.EDITOR  # as in the broadcast: the owner gets the editors' copy
    html = _rendered_already(_identity(event), translation.get_language(), role)
    if html is not None:
        return html
    found = _prepared(event)
    if found is None:
        return ""
    kind, name, board, context = found
    return _render(name, board, role, context)


def _prepared(event):
    """(kind, partial, board, context) for rendering `event`, or None: nothing to show."""
    kind = known(event.kind)
    if kind is None or kind.renderer is None:
        return None
    board = Board.objects.filter(pk=event.board_id).first()
    found = board and kind.renderer(board, event.data)
    if not found:
        return None
    name, context = found
    if name not in kind.partials:
        raise ValueError(f"{event.kind} rendered as {name!r}, which events.py does not declare")
    # Rendered with the event's revision even if later changes already landed: each of
    # those sends its own message, and a page's revision only ever moves forward.
    board.revision = event.revision
    return kind, name, board, context


def _render_roles(kind, name, board, context, language, rounds):
    with translation.override(language):
        html = {role: _render(name, board, role, context, rounds) for role in (Role.EDITOR, Role.VIEWER)}
        # Owners see the same as editors except where events.py says otherwise (owner_copy).
        html[Role.OWNER] = _render(name, board, Role.OWNER, context, rounds) if kind.owner_copy else html[Role.EDITOR]
    return html


def render_resync(board, role, language):
    """The whole board, for one connection that missed changes, in its page's language."""
    with translation.override(language):
        context = {**board_data(board), "personas": personas_of(board), **timer_context(board)}
        return _render("resync", board, role, context)
