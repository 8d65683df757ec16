"""Every kind of board change, declared once.

A change is recorded as a BoardEvent (changes.record) whose `kind` names one entry of
KINDS. The entry says what the event carries and how everything else treats it:

- `payload`: the data keys every such event has; `optional`: keys it may have besides.
  `record` refuses a kind that is not declared here and data that does not fit.
- `render`: the function (in boards/fragments.py) that turns the event into a partial of
  templates/boards/broadcast.html and its context, and `partials`, the partials it may
  pick. One rendering serves every screen: the broadcast to the other pages and the HTTP
  answer to the page that made the change. None: the change shows nothing of its own.
- `owner_copy`: the owner's copy differs from an editor's (member buttons, the share
  links), so it is rendered for the owner as well.
- `undo`: how history.py undoes it (an `Undoable` there), or None: not undoable.
- `sentence` (a fixed sentence) or `describe` (a function in timeline.py): what the history
  panel says it did.
- `echoed`: the page that made the change gets the broadcast too (realtime/consumers.py).
- `changes_access`: it changes what some members may do (membership, roles, the lock):
  an open page that it concerns re-reads its membership (access.py decides).

Functions are named by path below `journeyboard.boards` ("fragments.card_created"), not
imported: those modules build on the services, which record events, and a name keeps this
module importable by all of them. tests/test_events.py resolves every name.

Adding a kind of change: declare it here, record it from its service (inside
`board_change`), and give it a partial in broadcast.html with its renderer in fragments.py.
"""

from dataclasses import dataclass
from functools import cached_property

from django.utils.module_loading import import_string
from django.utils.translation import gettext_lazy as _


class UnknownEvent(ValueError):
    """A change of a kind not declared here, or with data its declaration does not know."""


@dataclass(frozen=True)
class EventKind:
    name: str
    payload: tuple = ()
    optional: tuple = ()
    render: str | None = None
    partials: tuple = ()
    owner_copy: bool = False
    undo: str | None = None
    sentence: object = None  # a lazy translated sentence
    describe: str | None = None
    echoed: bool = False
    changes_access: bool = False

    @cached_property
    def renderer(self):
        """(board, data) -> (partial, context), or None when there is nothing to show."""
        return _resolve(self.render)

    @cached_property
    def undoable(self):
        """history.Undoable, or None."""
        return _resolve(self.undo)

    @cached_property
    def describer(self):
        """(event, names) -> sentence, or None for a fixed `sentence`."""
        return _resolve(self.describe)

    def check(self, data):
        """Raise UnknownEvent if `data` lacks a key of the payload or has one not declared."""
        missing = [key for key in self.payload if key not in data]
        unknown = [key for key in data if key not in self.payload and key not in self.optional]
        if missing or unknown:
            raise UnknownEvent(f"{self.name} recorded without {missing} or with undeclared {unknown}")


def _resolve(path):
    return import_string(f"journeyboard.boards.{path}") if path else None


def _kinds(*kinds):
    return {kind.name: kind for kind in kinds}


KINDS = _kinds(
    EventKind(
        "board.created",
        payload=("phases", "cards"),  # an imported board: where its history starts
        sentence=_("created the board"),
    ),
    EventKind(
        "board.updated",
        payload=("before", "after"),
        render="fragments.board_edited",
        partials=("board-edited",),
        undo="history.UNEDIT_BOARD",
        describe="timeline.board_updated",
    ),
    EventKind(
        "card.created",
        payload=("card", "phase", "after"),
        optional=("row",),  # the card's row (recorded since boards have rows)
        render="fragments.card_created",
        partials=("card-created", "card-moved"),  # card-moved: a deleted card put back mid-cell
        undo="history.UNCREATE_CARD",
        describe="timeline.card_created",
    ),
    EventKind(
        "card.updated",
        payload=("card", "phase", "before", "after"),
        render="fragments.card_updated",
        partials=("card-updated",),
        undo="history.UNEDIT_CARD",
        describe="timeline.card_updated",
    ),
    # The card's personas set anew (card_personas.py): before and after are persona ids,
    # `names` those of after, for the history panel.
    EventKind(
        "card.personas",
        payload=("card", "phase", "title", "before", "after", "names"),
        render="fragments.card_personas",
        partials=("card-updated",),
        undo="history.UNTAG_CARD",
        describe="timeline.card_personas",
    ),
    EventKind(
        "card.moved",
        payload=("card", "title", "from_phase", "from_position", "phase", "position"),
        optional=("from_row", "row"),  # the cells' rows (recorded since boards have rows)
        render="fragments.card_moved",
        partials=("card-moved",),
        undo="history.UNMOVE_CARD",
        describe="timeline.card_moved",
        # A dragged card already sits where it was dropped, but concurrent moves may have
        # committed in another order: the lanes as the server has them (the whole card
        # lists) make all pages agree, the mover's included.
        echoed=True,
    ),
    EventKind(
        "card.deleted",
        payload=("card", "phase", "position", "before"),
        optional=("row",),
        render="fragments.card_deleted",
        partials=("card-deleted",),
        undo="history.UNDELETE_CARD",
        describe="timeline.card_deleted",
    ),
    EventKind(
        "phase.created",
        payload=("phase", "after"),
        optional=("cards",),  # brought back by an undo: the new ids of its cards
        render="fragments.board_body",
        partials=("board-body",),
        undo="history.UNCREATE_PHASE",
        describe="timeline.phase_created",
    ),
    EventKind(
        "phase.updated",
        payload=("phase", "before", "after"),
        render="fragments.phase_updated",
        partials=("lane-updated",),
        undo="history.UNEDIT_PHASE",  # name, colour, KPI…
        describe="timeline.phase_updated",
    ),
    EventKind(
        "phase.moved",
        payload=("phase", "name", "from_position", "position"),
        render="fragments.board_body",
        partials=("board-body",),
        undo="history.UNMOVE_PHASE",
        describe="timeline.phase_moved",
    ),
    EventKind(
        "phase.deleted",
        payload=("phase", "position", "before", "cards", "deleted_cards"),
        render="fragments.board_body",
        partials=("board-body",),
        undo="history.UNDELETE_PHASE",
        describe="timeline.phase_deleted",
    ),
    # Rows of the journey grid: every screen re-renders the board body (the grid's shape,
    # its cells and the blueprint's lines all change with them).
    EventKind(
        "row.created",
        payload=("row", "after"),
        optional=("cards",),  # brought back by an undo: the new ids of its cards
        render="fragments.board_body",
        partials=("board-body",),
        undo="history.UNCREATE_ROW",
        describe="timeline.row_created",
    ),
    EventKind(
        "row.updated",
        payload=("row", "before", "after"),
        render="fragments.board_body",
        partials=("board-body",),
        undo="history.UNEDIT_ROW",
        describe="timeline.row_updated",
    ),
    EventKind(
        "row.moved",
        payload=("row", "name", "from_position", "position"),
        render="fragments.board_body",
        partials=("board-body",),
        undo="history.UNMOVE_ROW",
        describe="timeline.row_moved",
    ),
    EventKind(
        "row.deleted",
        payload=("row", "position", "before", "cards", "deleted_cards"),
        render="fragments.board_body",
        partials=("board-body",),
        undo="history.UNDELETE_ROW",
        describe="timeline.row_deleted",
    ),
    EventKind(
        "persona.created",
        payload=("persona", "after"),
        optional=("cards",),  # brought back by an undo: the cards it is tagged on again
        render="fragments.personas",
        partials=("personas", "personas-cards"),
        undo="history.UNCREATE_PERSONA",
        describe="timeline.persona_created",
    ),
    EventKind(
        "persona.updated",
        payload=("persona", "before", "after"),
        render="fragments.personas",
        partials=("personas", "personas-cards"),
        undo="history.UNEDIT_PERSONA",
        describe="timeline.persona_updated",
    ),
    EventKind(
        "persona.deleted",
        payload=("persona", "before"),
        optional=("cards",),  # the cards it was tagged on (its tags go with it)
        render="fragments.personas",
        partials=("personas", "personas-cards"),
        undo="history.UNDELETE_PERSONA",
        describe="timeline.persona_deleted",
    ),
    # Membership, share links, the lock, the timer, votes and comments have no undo: they
    # are workshop state (undoing one under everybody's eyes would surprise more than
    # help), and comments belong to their authors. The history panel says so.
    EventKind(
        "member.added",
        payload=("user", "role"),
        optional=("link", "guest"),  # joined through a share link, as a guest
        render="fragments.members",
        partials=("members",),
        owner_copy=True,
        describe="timeline.member_added",
        changes_access=True,
    ),
    EventKind(
        "member.removed",
        payload=("user",),
        render="fragments.members",
        partials=("members",),
        owner_copy=True,
        describe="timeline.member_removed",
        changes_access=True,
    ),
    EventKind(
        "member.facilitator",
        payload=("user", "facilitator"),
        render="fragments.members",
        partials=("members",),
        owner_copy=True,
        describe="timeline.member_facilitator",
        changes_access=True,
    ),
    EventKind(
        "link.created",
        payload=("link", "role"),
        render="fragments.share_links",
        partials=("share-links",),
        owner_copy=True,  # only the owner's copy shows the links: the tokens are the access
        sentence=_("created a share link"),
    ),
    EventKind(
        "link.revoked",
        payload=("link",),
        render="fragments.share_links",
        partials=("share-links",),
        owner_copy=True,
        sentence=_("revoked a share link"),
    ),
    EventKind(
        "board.locked",
        payload=("locked",),
        render="fragments.lock_changed",
        partials=("lock-changed",),
        sentence=_("locked the board"),
        changes_access=True,  # only facilitators keep their controls
    ),
    EventKind(
        "board.unlocked",
        payload=("locked",),
        render="fragments.lock_changed",
        partials=("lock-changed",),
        sentence=_("unlocked the board"),
        changes_access=True,
    ),
    EventKind(
        "timer.changed",
        payload=("action", "state", "remaining", "ends_at", "duration", "expired", "clock"),
        render="fragments.timer",
        partials=("timer",),
        describe="timeline.timer_changed",
    ),
    EventKind(
        "voting.started",
        payload=("round", "votes_per_person", "hidden_results"),
        render="fragments.voting_round",
        partials=("voting-round",),
        describe="timeline.voting_started",
    ),
    EventKind(
        "voting.closed",
        payload=("round",),
        render="fragments.voting_round",
        partials=("voting-round",),
        sentence=_("closed the voting round"),
    ),
    # Which card is not said: with hidden results, not even the event knows.
    EventKind(
        "vote.given",
        payload=("round", "user"),
        optional=("card",),
        render="fragments.vote",
        partials=("vote",),
        sentence=_("gave a vote"),
    ),
    EventKind(
        "vote.taken",
        payload=("round", "user"),
        optional=("card",),
        render="fragments.vote",
        partials=("vote",),
        sentence=_("took back a vote"),
    ),
    # Emotion rounds (boards/ratings.py), independent of dot voting. A rating names the card
    # (its count is shown to everyone) but never the value.
    EventKind(
        "rating.started",
        payload=("round", "phases", "hidden_results"),
        render="fragments.rating_round",
        partials=("rating-round",),
        sentence=_("started an emotion round"),
    ),
    EventKind(
        "rating.closed",
        payload=("round",),
        render="fragments.rating_round",
        partials=("rating-round",),
        sentence=_("closed the emotion round"),
    ),
    EventKind(
        "rating.given",
        payload=("round", "user", "card"),
        render="fragments.rating",
        partials=("rating",),
        sentence=_("rated a card"),
    ),
    EventKind(
        "rating.cleared",
        payload=("round", "user", "card"),
        render="fragments.rating",
        partials=("rating",),
        sentence=_("took back a rating"),
    ),
    # The room's averages applied as the cards' emotions: `cards` lists [card, before, after].
    EventKind(
        "card.emotions",
        payload=("round", "cards"),
        render="fragments.board_body",
        partials=("board-body",),
        undo="history.UNAPPLY_RATINGS",
        describe="timeline.card_emotions",
        echoed=True,  # the facilitator's answer is the rating bar; the faces come with the broadcast
    ),
    EventKind(
        "comment.added",
        payload=("card", "phase", "comment", "after"),
        render="fragments.comment_added",
        partials=("comment-added",),
        describe="timeline.comment",
    ),
    EventKind(
        "comment.deleted",
        payload=("card", "phase", "comment", "before"),
        render="fragments.comment_deleted",
        partials=("comment-deleted",),
        describe="timeline.comment",
    ),
    # A file's cards added to the board (importing.py): one change, however many cards,
    # which undo takes back whole. The lanes and the phases it adds show on every page.
    EventKind(
        "cards.imported",
        payload=("cards", "phases"),  # the ids of the cards and of the phases it added
        optional=("rows",),  # the ids of the rows it added (none before boards had rows)
        render="fragments.board_body",
        partials=("board-body",),
        undo="history.UNIMPORT_CARDS",
        describe="timeline.cards_imported",
    ),
    EventKind(
        "cards.unimported",
        payload=("cards", "phases"),  # what the undo removed (ids, places, fields), for a redo
        optional=("rows",),
        render="fragments.board_body",
        partials=("board-body",),
        undo="history.REIMPORT_CARDS",
        describe="timeline.cards_unimported",
    ),
    # Versions (versions.py): saving or deleting one changes nothing on the board (the other pages'
    # version lists refresh on the revision); restoring one replaces its phases and cards,
    # and keeps them as they were before for undo.
    EventKind(
        "version.saved",
        payload=("version", "name"),
        render="fragments.version_saved",
        partials=("version-saved",),
        describe="timeline.version_saved",
    ),
    EventKind(
        "version.deleted",
        payload=("version", "name"),
        render="fragments.version_saved",
        partials=("version-saved",),
        describe="timeline.version_deleted",
    ),
    EventKind(
        "board.restored",
        payload=("version", "name", "before", "phases", "cards"),
        render="fragments.board_body",
        partials=("board-body",),
        undo="history.UNRESTORE_BOARD",
        describe="timeline.board_restored",
    ),
)

UNDOABLE_KINDS = [name for name, kind in KINDS.items() if kind.undo]


def kind_of(name):
    """The declaration of kind `name`; UnknownEvent if there is none."""
    try:
        return KINDS[name]
    except KeyError:
        raise UnknownEvent(f"no such kind of board change: {name!r}") from None


def known(name):
    """The declaration of an event read back (perhaps recorded by an older version), or None."""
    return KINDS.get(name)
