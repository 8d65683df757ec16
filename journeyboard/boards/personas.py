"""Personas: the people whose journey a board maps. Create, edit and delete."""

from .card_personas import tag_cards
from .changes import board_change, fresh, record
from .models import Persona

PERSONA_FIELDS = ("name", "role", "goals", "frustrations", "quote", "color")

# Avatar colours: each keeps white initials readable (contrast of 4:1 or more) and is
# told apart from its neighbours at a glance. The first is the model's default.
AVATAR_PALETTE = ["#7a5af8", "#d9456f", "#0e8a7d", "#c25e0c", "#2f6fdb", "#5b8a1f"]


def avatar_colour(index):
    return AVATAR_PALETTE[index % len(AVATAR_PALETTE)]


def personas_of(board):
    """A board's personas in the order they were added: one query."""
    return list(Persona.objects.filter(board=board).order_by("pk"))


def _snapshot(persona):
    return {name: getattr(persona, name) for name in PERSONA_FIELDS}


def _check_fields(fields):
    unknown = set(fields) - set(PERSONA_FIELDS)
    if unknown:
        raise ValueError(f"not editable persona fields: {sorted(unknown)}")


def create_persona(actor, board, cards=(), **fields):
    """Add a persona; without a colour it takes the next one of the avatar palette. With
    `cards` (ids), it is tagged on those that are cards of the board: a deleted persona
    brought back by undo gets its cards back."""
    _check_fields(fields)
    color = fields.pop("color", "")
    with board_change(board.pk) as board:
        count = Persona.objects.filter(board=board).count()
        persona = Persona(board=board, color=color or avatar_colour(count), **fields)
        persona.full_clean()
        persona.save()
        tagged = {"cards": tag_cards(board, persona, cards)} if cards else {}
        record(board, actor, "persona.created", persona=persona.pk, after=_snapshot(persona), **tagged)
    return persona


def update_persona(actor, persona, **fields):
    _check_fields(fields)
    with board_change(persona.board_id) as board:
        persona = fresh(Persona.objects.filter(board=board), persona.pk)
        before = _snapshot(persona)
        for name, value in fields.items():
            setattr(persona, name, value)
        persona.full_clean()
        persona.save(update_fields=list(fields))
        record(board, actor, "persona.updated", persona=persona.pk, before=before, after=_snapshot(persona))
    return persona


def delete_persona(actor, persona):
    with board_change(persona.board_id) as board:
        persona = fresh(Persona.objects.filter(board=board), persona.pk)
        persona_id, snapshot = persona.pk, _snapshot(persona)
        # Its tags go with it; the event keeps which cards had it, for undo.
        cards = sorted(persona.cards.values_list("pk", flat=True))
        persona.delete()
        tagged = {"cards": cards} if cards else {}
        record(board, actor, "persona.deleted", persona=persona_id, before=snapshot, **tagged)
