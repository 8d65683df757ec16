"""The history panel: a board's recorded changes, newest first, each said in words.

Events keep what they changed (titles and names before and after), so most sentences
come from the event itself; the rest (phase names for card events, members' names,
card titles for comments) are looked up for a whole page of events at once: a page
costs the same few queries whatever it holds. Sentences are plain text in the reader's
language; the template escapes them like any other text.
"""

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db.models import Exists, F, OuterRef
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from .events import UNDOABLE_KINDS, known
from .history import changed_fields
from .models import BoardEvent, Card, Persona, Phase, Role, Row
from .numbers import kpi_number
from .phases import KPI_FIELDS

PAGE_SIZE = 50


@dataclass
class Entry:
    event: BoardEvent
    who: str
    what: str
    mark: str  # "undo", "redo" or "" (an ordinary change)
    reverted: bool  # undone since (an undo entry: redone since)
    has_undo: bool  # board content, which undo can revert (not membership, the timer, votes…)


def history_page(board, before=None):
    """Up to PAGE_SIZE entries older than revision `before` (None: the newest), and the
    revision to ask for the next page with (None when there is no more)."""
    events = (
        BoardEvent.objects.filter(board=board)
        .select_related("actor")
        .annotate(
            reverted=Exists(BoardEvent.objects.filter(reverts=OuterRef("pk"))),  # undone (or redone) since
            reverts_of=F("reverts__reverts_id"),  # set for a redo: the undo it reverts reverted something
        )
        .order_by("-revision")
    )
    if before is not None:
        events = events.filter(revision__lt=before)
    events = list(events[: PAGE_SIZE + 1])
    more = len(events) > PAGE_SIZE
    events = events[:PAGE_SIZE]
    names = Names(board, events)
    entries = [_entry(event, names) for event in events]
    return {"entries": entries, "older": events[-1].revision if more else None}


def _entry(event, names):
    mark = ""
    if event.reverts_id is not None:
        mark = "redo" if event.reverts_of is not None else "undo"
    return Entry(
        event=event,
        who=display_name(event.actor),
        what=describe(event, names),
        mark=mark,
        reverted=event.reverted,
        has_undo=event.kind in UNDOABLE_KINDS,
    )


def display_name(user):
    """As presence shows people: a guest's name (first_name), else the full name or username."""
    if user is None:
        return _("A former member")
    return user.get_full_name() or user.get_username()


def _ids(events, keys):
    return {event.data[key] for event in events for key in keys if isinstance(event.data.get(key), int)}


class Names:
    """What the sentences of a page of events name and the events do not carry."""

    def __init__(self, board, events):
        self.phases = dict(Phase.objects.filter(board=board).values_list("pk", "name"))
        wanted = _ids(events, ("phase", "from_phase"))
        for event in events:
            # Names carried by the page's own phase events (deleted phases, earlier names).
            if event.kind == "phase.deleted" and event.data["phase"] not in self.phases:
                self.phases[event.data["phase"]] = event.data["before"]["name"]
        missing = wanted - set(self.phases)
        if missing:
            deleted = BoardEvent.objects.filter(board=board, kind="phase.deleted", data__phase__in=list(missing))
            self.phases.update(deleted.values_list("data__phase", "data__before__name"))
        # Row names only for a page that names rows (moves across rows): no query otherwise.
        across = [e for e in events if e.kind == "card.moved" and e.data.get("from_row", e.data.get("row")) != e.data.get("row")]
        self.rows = dict(Row.objects.filter(board=board).values_list("pk", "name")) if across else {}
        for event in events:
            if event.kind == "row.deleted":
                self.rows.setdefault(event.data["row"], event.data["before"]["name"])
        commented = _ids([e for e in events if e.kind.startswith("comment.")], ("card",))
        self.cards = dict(Card.objects.filter(pk__in=commented).values_list("pk", "title")) if commented else {}
        people = _ids([e for e in events if e.kind.startswith("member.")], ("user",))
        self.users = {user.pk: user for user in get_user_model().objects.filter(pk__in=people)} if people else {}

    def phase(self, pk):
        return self.phases.get(pk) or _("a deleted phase")

    def row(self, pk):
        return self.rows.get(pk) or _("a deleted row")

    def card(self, pk):
        return self.cards.get(pk) or _("a deleted card")

    def user(self, pk):
        user = self.users.get(pk)
        return display_name(user) if user else _("a former member")


# --- the sentences -------------------------------------------------------------------------


def describe(event, names):
    """What an event did, in a sentence without its subject: "moved “Checkout” from …"
    (events.py gives each kind a fixed `sentence` or a `describe` function below)."""
    kind = known(event.kind)
    if kind is None:
        return _("changed the board")
    if kind.sentence is not None:
        return str(kind.sentence)
    try:
        return kind.describer(event, names)
    except (KeyError, TypeError, ValueError):
        # An event recorded with other data than these sentences know (an older or a newer
        # service): one plain entry rather than no panel at all.
        return _("changed the board")


def _field_labels(model, fields):
    return ", ".join(str(model._meta.get_field(name).verbose_name) for name in fields)


def card_created(event, names):
    data = event.data
    return _("added “%(card)s” to %(phase)s") % {"card": data["after"]["title"], "phase": names.phase(data["phase"])}


def card_updated(event, names):
    data = event.data
    fields = changed_fields(data)
    title = {"card": data["after"]["title"]}
    if fields == ["title"]:
        return _("renamed card “%(old)s” to “%(card)s”") % {**title, "old": data["before"]["title"]}
    if not fields:
        return _("saved “%(card)s” unchanged") % title
    return _("edited “%(card)s”: %(fields)s") % {**title, "fields": _field_labels(Card, fields)}


def card_personas(event, names):
    data = event.data
    card = data["title"]
    if not data["after"]:
        return _("took the personas off “%(card)s”") % {"card": card}
    personas = ", ".join(f"“{name}”" for name in data["names"])
    if not data["before"]:
        return _("tagged “%(card)s” with %(personas)s") % {"card": card, "personas": personas}
    return _("set the personas of “%(card)s” to %(personas)s") % {"card": card, "personas": personas}


def card_moved(event, names):
    data = event.data
    card = data.get("title") or _("a card")
    if data.get("from_row", data.get("row")) != data.get("row"):
        return _("moved “%(card)s” to %(phase)s, row “%(row)s”") % {
            "card": card,
            "phase": names.phase(data["phase"]),
            "row": names.row(data["row"]),
        }
    if data["from_phase"] == data["phase"]:
        return _("moved “%(card)s” within %(phase)s") % {"card": card, "phase": names.phase(data["phase"])}
    return _("moved “%(card)s” from %(from)s to %(to)s") % {
        "card": card,
        "from": names.phase(data["from_phase"]),
        "to": names.phase(data["phase"]),
    }


def card_deleted(event, names):
    data = event.data
    phase = names.phase(data["phase"])
    return _("deleted “%(card)s” from %(phase)s") % {"card": data["before"]["title"], "phase": phase}


def phase_created(event, names):
    data = event.data
    cards = data.get("cards")
    if isinstance(cards, list) and cards:  # brought back by an undo, with its cards
        return ngettext(
            "added phase “%(phase)s” with %(count)d card",
            "added phase “%(phase)s” with %(count)d cards",
            len(cards),
        ) % {"phase": data["after"]["name"], "count": len(cards)}
    return _("added phase “%(phase)s”") % {"phase": data["after"]["name"]}


def _kpi(after):
    if not after.get("kpi_name"):
        return ""
    text = after["kpi_name"]
    unit = f" {after['kpi_unit']}" if after.get("kpi_unit") else ""
    if after.get("kpi_value") is not None:
        text += f" {kpi_number(after['kpi_value'])}{unit}"
    if after.get("kpi_target") is not None:
        text += " · " + _("target %(target)s") % {"target": f"{kpi_number(after['kpi_target'])}{unit}"}
    return text


def phase_updated(event, names):
    data = event.data
    fields = changed_fields(data)
    before, after = data["before"], data["after"]
    name = after.get("name") or names.phase(data["phase"])
    if fields == ["name"]:
        return _("renamed phase “%(old)s” to “%(phase)s”") % {"old": before["name"], "phase": name}
    if fields and set(fields) <= set(KPI_FIELDS):
        kpi = _kpi(after)
        if not kpi:
            return _("removed the KPI of %(phase)s") % {"phase": name}
        return _("set KPI of %(phase)s: %(kpi)s") % {"phase": name, "kpi": kpi}
    if not fields:
        return _("saved phase “%(phase)s” unchanged") % {"phase": name}
    return _("edited phase “%(phase)s”: %(fields)s") % {"phase": name, "fields": _field_labels(Phase, fields)}


def phase_moved(event, names):
    data = event.data
    name = data.get("name") or names.phase(data["phase"])
    return _("moved phase “%(phase)s” to place %(place)d") % {"phase": name, "place": data["position"] + 1}


def phase_deleted(event, names):
    data = event.data
    count = data.get("cards") or 0
    return ngettext(
        "deleted phase “%(phase)s” with %(count)d card",
        "deleted phase “%(phase)s” with %(count)d cards",
        count,
    ) % {"phase": data["before"]["name"], "count": count}


def row_created(event, names):
    data = event.data
    cards = data.get("cards")
    if isinstance(cards, list) and cards:  # brought back by an undo, with its cards
        return ngettext(
            "added row “%(row)s” with %(count)d card",
            "added row “%(row)s” with %(count)d cards",
            len(cards),
        ) % {"row": data["after"]["name"], "count": len(cards)}
    return _("added row “%(row)s”") % {"row": data["after"]["name"]}


def row_updated(event, names):
    data = event.data
    fields = changed_fields(data)
    name = data["after"].get("name") or names.row(data["row"])
    if fields == ["name"]:
        return _("renamed row “%(old)s” to “%(row)s”") % {"old": data["before"]["name"], "row": name}
    if not fields:
        return _("saved row “%(row)s” unchanged") % {"row": name}
    return _("edited row “%(row)s”: %(fields)s") % {"row": name, "fields": _field_labels(Row, fields)}


def row_moved(event, names):
    data = event.data
    return _("moved row “%(row)s” to place %(place)d") % {"row": data["name"], "place": data["position"] + 1}


def row_deleted(event, names):
    data = event.data
    count = data.get("cards") or 0
    return ngettext(
        "deleted row “%(row)s” with %(count)d card",
        "deleted row “%(row)s” with %(count)d cards",
        count,
    ) % {"row": data["before"]["name"], "count": count}


def persona_created(event, names):
    return _("added persona “%(persona)s”") % {"persona": event.data["after"]["name"]}


def persona_updated(event, names):
    data = event.data
    fields = changed_fields(data)
    if fields == ["name"]:
        renamed = {"old": data["before"]["name"], "persona": data["after"]["name"]}
        return _("renamed persona “%(old)s” to “%(persona)s”") % renamed
    return _("edited persona “%(persona)s”: %(fields)s") % {
        "persona": data["after"]["name"],
        "fields": _field_labels(Persona, fields),
    }


def persona_deleted(event, names):
    return _("deleted persona “%(persona)s”") % {"persona": event.data["before"]["name"]}


def board_updated(event, names):
    after = event.data.get("after", {})
    parts = []
    for name in changed_fields(event.data):
        if name == "title":
            parts.append(_("renamed the board to “%(title)s”") % {"title": after["title"]})
        elif name == "description":
            parts.append(_("edited the board's description"))
        elif name == "ambassador_loop":
            parts.append(_("switched the ambassador loop on") if after[name] else _("switched the ambassador loop off"))
    return "; ".join(parts) or _("saved the board unchanged")


def _role(value):
    return str(Role(value).label).lower() if value in Role.values else value


def member_added(event, names):
    data = event.data
    if event.actor_id == data["user"]:
        return _("joined the board as %(role)s") % {"role": _role(data["role"])}
    return _("added %(user)s as %(role)s") % {"user": names.user(data["user"]), "role": _role(data["role"])}


def member_removed(event, names):
    return _("removed %(user)s from the board") % {"user": names.user(event.data["user"])}


def member_facilitator(event, names):
    user = names.user(event.data["user"])
    if event.data.get("facilitator"):
        return _("made %(user)s a facilitator") % {"user": user}
    return _("made %(user)s no longer a facilitator") % {"user": user}


TIMER_WORDS = {
    "start": lambda: _("started the timer"),
    "pause": lambda: _("paused the timer"),
    "resume": lambda: _("resumed the timer"),
    "add_minute": lambda: _("added a minute to the timer"),
    "stop": lambda: _("stopped the timer"),
}


def timer_changed(event, names):
    words = TIMER_WORDS.get(event.data.get("action"))
    return words() if words else _("changed the timer")


def voting_started(event, names):
    count = event.data.get("votes_per_person") or 0
    return ngettext(
        "started a voting round (%(count)d vote each)", "started a voting round (%(count)d votes each)", count
    ) % {"count": count}


def card_emotions(event, names):
    count = len(event.data.get("cards") or [])
    return ngettext(
        "gave %(count)d card the room's emotion", "gave %(count)d cards the room's emotions", count
    ) % {"count": count}


def comment(event, names):
    card = names.card(event.data.get("card"))
    if event.kind == "comment.deleted":
        return _("deleted a comment on “%(card)s”") % {"card": card}
    return _("commented on “%(card)s”") % {"card": card}


def cards_imported(event, names):
    cards, phases = len(event.data["cards"]), len(event.data["phases"])
    text = ngettext("imported %(count)d card", "imported %(count)d cards", cards) % {"count": cards}
    if not phases:
        return text
    return ngettext("%(cards)s (%(count)d new phase)", "%(cards)s (%(count)d new phases)", phases) % {
        "cards": text,
        "count": phases,
    }


def cards_unimported(event, names):
    cards, phases = len(event.data["cards"]), len(event.data["phases"])
    text = ngettext("removed %(count)d imported card", "removed %(count)d imported cards", cards) % {"count": cards}
    if not phases:
        return text
    return ngettext("%(cards)s and %(count)d phase", "%(cards)s and %(count)d phases", phases) % {
        "cards": text,
        "count": phases,
    }


def version_saved(event, names):
    return _("saved version “%(name)s”") % {"name": event.data["name"]}


def version_deleted(event, names):
    return _("deleted version “%(name)s”") % {"name": event.data["name"]}


def board_restored(event, names):
    return _("restored version “%(name)s”") % {"name": event.data["name"]}


def describe_one(board, event):
    """The sentence for one event (the toast after an undo): names looked up for it alone."""
    return describe(event, Names(board, [event]))

