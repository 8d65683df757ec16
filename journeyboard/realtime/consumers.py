"""The board WebSocket: live changes, presence, cursors, who-is-editing and follow mode.

A connection joins the board's group only after the origin check (asgi.py), the session
(AuthMiddlewareStack) and board membership (`get_board_for_user`, as for HTTP) all pass.
Changes themselves go through the same services as the HTTP views.
"""

import asyncio
import json
import logging
import time
import uuid
from urllib.parse import parse_qs

from autobahn.exception import Disconnected
from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncWebsocketConsumer
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils import translation
from django.utils.translation import gettext as _

from journeyboard.boards.access import get_board_for_user, shown_role
from journeyboard.boards.cards import move_card
from journeyboard.boards.events import known
from journeyboard.boards.fragments import render_resync
from journeyboard.boards.models import Card, Membership, Phase, Row
from journeyboard.boards.presence import person

from . import budget, languages, outage, protocol, roster
from .broadcast import board_group
from .dispatch import DirectDispatch
from .origin import current_client, valid_client_id
from .resync import rendered_boards

logger = logging.getLogger("journeyboard.realtime")

# Close codes (documented in the README).
CLOSE_NOT_SIGNED_IN = 4401
CLOSE_NOT_A_MEMBER = 4404
CLOSE_TOO_MANY_MESSAGES = 4429
CLOSE_SERVER_ERROR = 1011
CLOSE_LIVE_PAUSED = outage.CLOSE_LIVE_PAUSED  # 4503: Redis or the database unreachable, the page retries

CURSOR_RATE = 30  # per second and connection; browsers send at most ~20
FOLLOW_RATE = 15  # follow-mode positions, per second and connection; browsers send at most ~10
# What sending the whole board costs from the connection's budget, beside the one token every
# frame takes: it is the most expensive answer a socket can ask for.
RESYNC_COST = 20
# A connection gets the whole board at most this often (s); syncs asked meanwhile are answered
# together once it has passed. Pages ask after a reconnect or a gap, far less often.
RESYNC_INTERVAL = 1.0


class BoardConsumer(DirectDispatch, AsyncWebsocketConsumer):
    group = None
    presence = None  # this process's presence on the board (roster.BoardPresence) while joined
    audience = None  # what this page has been told of the others (roster.Audience)
    accepted = False
    paused = False  # set by outage.py: closing with 4503, nothing more is sent
    sync_task = None  # answering a sync, while the socket's next frames are read
    sync_wanted = None  # the revision of the newest sync not answered yet
    last_resync = float("-inf")  # when this connection last got the whole board (monotonic)

    async def __call__(self, scope, receive, send):
        # The channel layer (Redis) can fail under any handler and under Channels' own loop
        # that reads this socket's channel, which no handler sees: catch it around both.
        try:
            await super().__call__(scope, receive, send)
        except outage.LAYER_ERRORS as error:
            await outage.pause_live_updates(self, error)
        except outage.DATABASE_ERRORS as error:
            await outage.pause_for_database(self, error)

    async def accept(self, subprotocol=None, headers=None):
        await super().accept(subprotocol, headers)
        self.accepted = True

    async def send(self, text_data=None, bytes_data=None, close=False):
        if self.paused:
            # Closed for the pause, perhaps by another socket's task while a handler of this
            # one was still working: what it still sends is dropped (daphne would raise).
            return
        try:
            await super().send(text_data, bytes_data, close)
        except Disconnected:
            # The browser closed the socket while messages for it were still queued (presence
            # after a reconnect storm, found under load): they are for nobody now. Daphne
            # raised, and logged a traceback per message.
            pass

    async def pause(self):
        """Live updates are paused (outage.py): close with 4503, without the unreachable layer."""
        if self.group:
            languages.closed(self.board_id, self.language)
            self.group = None  # nothing more is sent, and disconnect() must not touch the layer
        presence, self.presence = self.presence, None
        if presence is not None:
            presence.drop(self)  # without the layer either (roster.py)
        if not self.accepted:
            await self.accept()  # a page connecting during the outage learns why, not just "500"
        await self.close(code=CLOSE_LIVE_PAUSED)

    async def connect(self):
        user = self.scope["user"]
        self.board_id = self.scope["url_route"]["kwargs"]["board_id"]
        self.group = None
        # The language the page was rendered in: its live changes and error messages come in it too.
        self.language = languages.page_language(self.scope, _query(self.scope).get("lang", ""))
        if not user.is_authenticated:
            await self.accept()
            await self.close(code=CLOSE_NOT_SIGNED_IN)
            return
        try:
            board = await database_sync_to_async(get_board_for_user)(user, self.board_id)
        except Http404:
            await self.accept()
            await self.close(code=CLOSE_NOT_A_MEMBER)
            return
        self.user = user
        # With the lock, the membership decides whose HTML this page gets (shown_role).
        self.membership, self.locked = board.membership, board.locked
        self.client_id = valid_client_id(_query(self.scope).get("client", ""))
        self.conn = uuid.uuid4().hex[:12]
        self.person = person(user)
        self.editing = None
        self.cursor_window = (0.0, 0)
        self.follow_window = (0.0, 0)
        self.budget = budget.MessageBudget(settings.WS_MESSAGES_PER_SECOND, settings.WS_MESSAGE_BURST)
        self.group = board_group(self.board_id)
        # A page asking for `presence=batched` gets the roster and coalesced updates; any
        # other gets the join, here and leave frames pages always got (docs/websocket.md).
        batched = _query(self.scope).get("presence") == "batched"
        self.audience = roster.Audience(self.conn, batched, self.send_json)
        self.presence = roster.board(self.channel_layer, self.group)
        # From now on changes are rendered in its language, in every process.
        await languages.page_opened(self.channel_layer, self.board_id, self.language)
        await self.presence.arrive(self)
        # The roster is read after joining the group: whoever it misses is announced to us.
        await self.channel_layer.group_add(self.group, self.channel_name)
        await self.accept()
        outage.joined(self)
        await self.audience.roster(await self.presence.roster())

    async def disconnect(self, code):
        if self.sync_task is not None:
            self.sync_task.cancel()
        await self.leave_group()

    async def leave_group(self):
        outage.left(self)
        if self.audience is not None:
            self.audience.close()
        presence, self.presence = self.presence, None
        if self.group:
            if presence is not None:
                await presence.depart(self)
            await self.channel_layer.group_discard(self.group, self.channel_name)
            languages.page_closed(self.channel_layer, self.board_id, self.language)
            self.group = None

    async def close_with(self, code):
        """Close from our side: leave the group first, nothing may be sent after a close."""
        await self.leave_group()
        await self.close(code=code)

    # --- from the browser -------------------------------------------------------------

    async def receive(self, text_data=None, bytes_data=None):
        with translation.override(self.language):  # the page shows error messages as toasts
            await self.handle_frame(text_data)

    async def handle_frame(self, text_data):
        if self.group is None:
            return  # closed by the server; frames sent before the browser noticed are ignored
        verdict = self.budget.spend()  # before parsing: a flood must cost us as little as possible
        if verdict is not None:
            await self.over_budget(verdict)
            return
        try:
            kind, fields = protocol.parse(text_data)
        except protocol.ProtocolError as error:
            await self.send_error(error.code, error.message)
            return
        await self.answering(getattr(self, "on_" + kind.replace(".", "_"))(**fields))

    async def answering(self, work):
        """Run a frame's work; what goes wrong is answered on this socket as an error frame."""
        try:
            await work
        except protocol.ProtocolError as error:
            await self.send_error(error.code, error.message)
        except PermissionDenied as error:
            await self.send_error("forbidden", str(error))
        except (Http404, ValidationError) as error:
            await self.send_error("invalid", _message(error))
        except outage.SERVICE_ERRORS:
            raise  # Redis or the database is unreachable, not this socket's fault: paused (__call__)
        except Exception:
            logger.exception("board socket %s of user %s failed", self.board_id, self.user.pk)
            await self.send_error("server_error", _("Server error; reconnecting."))
            await self.close_with(CLOSE_SERVER_ERROR)

    async def over_budget(self, verdict):
        if verdict == budget.DROP:
            return
        await self.send_error("rate_limited", _("Too many messages; slow down."))
        if verdict == budget.CLOSE:
            logger.warning("board socket %s of user %s closed: flooding", self.board_id, self.user.pk)
            await self.close_with(CLOSE_TOO_MANY_MESSAGES)

    async def on_sync(self, revision):
        # Answered beside the frames that follow, which are read (and charged) as they come:
        # a sync arriving while one is answered is remembered, only the newest counts.
        self.sync_wanted = revision
        if self.sync_task is None or self.sync_task.done():
            self.sync_task = asyncio.ensure_future(self._answer_syncs())

    async def _answer_syncs(self):
        try:
            while self.sync_wanted is not None and self.group is not None:
                revision, self.sync_wanted = self.sync_wanted, None
                await self.answering(self._answer_sync(revision))
        except outage.LAYER_ERRORS as error:  # as __call__ does for the handlers
            await outage.pause_live_updates(self, error)
        except outage.DATABASE_ERRORS as error:
            await outage.pause_for_database(self, error)

    async def _answer_sync(self, revision):
        board = await database_sync_to_async(self._current_board)()
        if revision == board.revision:
            await self.send_json({"type": "synced", "revision": board.revision})
            return
        wait = self.last_resync + RESYNC_INTERVAL - time.monotonic()
        if wait > 0:
            await asyncio.sleep(wait)  # syncs asked meanwhile are answered by this one
            if self.sync_wanted is not None:
                revision, self.sync_wanted = self.sync_wanted, None
                board = await database_sync_to_async(self._current_board)()
                if revision == board.revision:
                    await self.send_json({"type": "synced", "revision": board.revision})
                    return
        verdict = self.budget.spend(RESYNC_COST)
        if verdict is not None:
            await self.over_budget(verdict)
            return
        self.last_resync = time.monotonic()
        role, language = self.shown_role(), self.language
        key = (board.pk, board.revision, board.updated_at, role, language)
        html = await rendered_boards.html(key, lambda: database_sync_to_async(render_resync)(board, role, language))
        await self.send(text_data=html)

    async def on_cursor(self, x, y):
        if self._cursor_budget_spent():
            return  # a flood is dropped quietly; the next window carries on
        await self.group_send("cursor.moved", x=x, y=y)

    async def on_editing(self, card):
        # Closing an editor (null) is an editor's message too: a viewer is refused either way.
        await database_sync_to_async(self._check_card)(card)
        self.editing = card
        if self.presence is not None:  # None once the socket left the board meanwhile
            await self.presence.edits(self)  # newcomers' rosters say so
        await self.group_send("editing.changed", card=card)

    # Public contract (documented with the other frames): a move over the socket goes
    # through the same service, is recorded and broadcast like one over HTTP, and comes
    # back to this page too (events.py: card.moved is `echoed`).
    async def on_card_move(self, card, phase, position, row=None):
        await database_sync_to_async(self._move)(card, phase, position, row)

    # Follow mode: a facilitator brings everyone's view along. Nothing is stored; only
    # facilitators may lead (nobody else may move others' screens around), checked on
    # every frame as for HTTP, since a role can change while connected.
    async def on_follow(self, x, y):
        if self._over_rate("follow_window", FOLLOW_RATE):
            return  # a flood is dropped quietly, as for cursors (pages send at most ~10 a second)
        await database_sync_to_async(self._check_facilitator)()
        await self.group_send("follow.moved", x=x, y=y)

    async def on_follow_stop(self):
        await database_sync_to_async(self._check_facilitator)()
        await self.group_send("follow.stopped")

    # --- from the group ---------------------------------------------------------------

    async def board_change(self, message):
        if self.group is None:
            return
        kind = known(message["kind"])  # None: sent by a newer version during a deploy
        if kind and kind.changes_access and message["data"].get("user", self.user.pk) == self.user.pk:
            # This member's rights changed (or everyone's, with the lock): ask access.py again.
            if not await self.reconsider_access():
                return
        if message["origin"] and message["origin"] == self.client_id and not (kind and kind.echoed):
            return  # this page made the change and shows it already
        html = message.get("html")
        if html is None:
            return  # nothing to show (e.g. the card is gone again)
        if self.language not in html:
            # Rendered just before this page connected and its language was counted: the
            # whole board in its language instead, as for a page that missed a change.
            await self.on_sync(-1)
            return
        fragment = html[self.language].get(self.shown_role())
        if fragment:
            await self.send(text_data=fragment)

    async def reconsider_access(self):
        """Re-read this member's membership and the lock; False once no longer a member
        (the socket is closed). A new role, or becoming or ceasing to be a facilitator,
        tells the page, which reloads for its controls."""
        membership = await database_sync_to_async(self._membership_now)()
        if membership is None:
            await self.close_with(CLOSE_NOT_A_MEMBER)
            return False
        before = (self.membership.role, self.membership.is_facilitator)
        self.membership, self.locked = membership, membership.board.locked
        if (membership.role, membership.is_facilitator) != before:
            await self.send_json({"type": "role", "role": membership.role})
        return True

    async def presence_update(self, message):
        """Arrivals and departures, gathered by each process (roster.BoardPresence)."""
        if self.group is None:
            return
        await self.audience.update(message)

    # Sent by a process still running an older version during a rolling restart.
    async def presence_join(self, message):
        await self.presence_update({"joined": [message]})

    async def presence_here(self, message):
        await self.presence_update({"joined": [message]})

    async def presence_leave(self, message):
        await self.presence_update({"left": [message]})

    async def cursor_moved(self, message):
        if self.group is None:
            return
        if message["channel"] != self.channel_name:
            await self.send_json({**_public(message), "type": "cursor", "x": message["x"], "y": message["y"]})

    async def editing_changed(self, message):
        if self.group is None:
            return
        if message["channel"] != self.channel_name:
            await self.send_json({**_public(message), "type": "editing", "card": message["card"]})

    async def follow_moved(self, message):
        if self.group is None:
            return
        if message["channel"] != self.channel_name:
            await self.send_json({**_public(message), "type": "follow", "x": message["x"], "y": message["y"]})

    async def follow_stopped(self, message):
        if self.group is None:
            return
        if message["channel"] != self.channel_name:
            await self.send_json({**_public(message), "type": "follow.stop"})

    # --- helpers ----------------------------------------------------------------------

    def _about_me(self):
        return {"channel": self.channel_name, "conn": self.conn, **self.person}

    async def group_send(self, kind, **fields):
        await self.channel_layer.group_send(self.group, {**self._about_me(), **fields, "type": kind})

    async def send_json(self, content):
        await self.send(text_data=json.dumps(content))

    async def send_error(self, code, message):
        await self.send_json({"type": "error", "code": code, "message": message})

    def _cursor_budget_spent(self):
        return self._over_rate("cursor_window", CURSOR_RATE)

    def _over_rate(self, window, rate):
        """Count one frame in the current one-second `window` (an attribute holding
        (start, count)); True once `rate` frames were counted in it."""
        started, count = getattr(self, window)
        now = time.monotonic()
        if now - started >= 1.0:
            setattr(self, window, (now, 1))
            return False
        setattr(self, window, (started, count + 1))
        return count >= rate

    def _check_facilitator(self):
        get_board_for_user(self.user, self.board_id, facilitator=True)

    def _current_board(self):
        """The board as it is now, access checked again; refreshes what decides this page's role."""
        board = get_board_for_user(self.user, self.board_id)
        self.membership, self.locked = board.membership, board.locked
        return board

    def shown_role(self):
        """Whose HTML this page gets (access.shown_role: the lock takes controls away)."""
        return shown_role(self.membership, self.locked)

    def _membership_now(self):
        return Membership.objects.select_related("board").filter(board_id=self.board_id, user=self.user).first()

    def _check_card(self, card_id):
        get_board_for_user(self.user, self.board_id, write=True)
        if card_id is not None and not Card.objects.filter(pk=card_id, phase__board_id=self.board_id).exists():
            raise Http404(_("No such card on this board."))

    def _move(self, card_id, phase_id, position, row_id=None):
        board = get_board_for_user(self.user, self.board_id, write=True)
        card = Card.objects.select_related("phase").filter(pk=card_id, phase__board=board).first()
        phase = Phase.objects.filter(pk=phase_id, board=board).first()
        if card is None or phase is None:
            raise Http404(_("No such card or phase on this board."))
        row = None
        if row_id is not None:
            row = Row.objects.filter(pk=row_id, board=board).first()
            if row is None:
                raise Http404(_("No such row on this board."))
        token = current_client.set(self.client_id)
        try:
            move_card(self.user, card, phase, position, row=row)
        finally:
            current_client.reset(token)


def _query(scope):
    return {key: values[-1] for key, values in parse_qs(scope.get("query_string", b"").decode()).items()}


def _public(message):
    """What other browsers may know about a connection: never its channel name."""
    return {key: message[key] for key in ("conn", "user", "name", "initials", "color")}


def _message(error):
    if isinstance(error, ValidationError):
        return " ".join(error.messages)
    return str(error)

