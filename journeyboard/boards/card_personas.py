"""Whose touchpoint a card is: the card's personas, tagged and untagged as one recorded
change (`card.personas`) that undo takes back whole."""

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from .cards import CardConflict, card_version
from .changes import board_change, fresh, record
from .models import Card, Persona


def personas_on_board(board, ids):
    """The personas of `board` with the given ids, in the board's order; ValidationError
    (nothing changed) when one of them is not a persona of this board."""
    ids = set(ids)
    found = list(Persona.objects.filter(board=board, pk__in=ids).order_by("pk"))
    if len(found) != len(ids):
        raise ValidationError({"personas": _("That persona is not part of this board.")})
    return found


def tagged_ids(card):
    """The ids of the card's personas, in the board's order."""
    return sorted(card.personas.values_list("pk", flat=True))


def set_card_personas(actor, card, persona_ids, expected_version=None):
    """Tag `card` with exactly the personas `persona_ids` (of the card's board). Records
    one change when that differs from what the card has, none when it is the same. With
    `expected_version` (the editor's), CardConflict if someone saved the card since, as for
    any other edit of it."""
    with board_change(card.phase.board_id) as board:
        card = fresh(Card.objects.filter(phase__board=board), card.pk)
        if expected_version and expected_version != card_version(card):
            raise CardConflict(card)
        wanted = personas_on_board(board, persona_ids)
        before, after = tagged_ids(card), [persona.pk for persona in wanted]
        if before == after:
            return card
        card.personas.set(wanted)
        # The card changed: an editor opened before this sees a conflict, as for any edit.
        card.updated_at = timezone.now()
        Card.objects.filter(pk=card.pk).update(updated_at=card.updated_at)
        record(
            board,
            actor,
            "card.personas",
            card=card.pk,
            phase=card.phase_id,
            title=card.title,
            before=before,
            after=after,
            names=[persona.name for persona in wanted],
        )
    return card


def tag_cards(board, persona, card_ids):
    """Give `persona` back to those of `card_ids` that are still cards of `board` (a
    deleted persona brought back by undo); return the ids tagged."""
    cards = list(Card.objects.filter(phase__board=board, pk__in=card_ids).values_list("pk", flat=True))
    Card.personas.through.objects.bulk_create([Card.personas.through(card_id=pk, persona_id=persona.pk) for pk in cards])
    return sorted(cards)


def with_personas(cards):
    """Card snapshots (dicts with their "id"), each with "personas" (ids) when it has some:
    what a deleted phase or row keeps of its cards, for undo. One query."""
    tags = {}
    for card_id, persona_id in Card.personas.through.objects.filter(card_id__in=[card["id"] for card in cards]).order_by(
        "persona_id"
    ).values_list("card_id", "persona_id"):
        tags.setdefault(card_id, []).append(persona_id)
    for card in cards:
        if card["id"] in tags:
            card["personas"] = tags[card["id"]]
    return cards


def retag(board, cards, persona_lists):
    """Tag cards just brought back with their personas (`persona_lists`, ids, in the order
    of `cards`): those still on `board`."""
    present = set(Persona.objects.filter(board=board).values_list("pk", flat=True)) if any(persona_lists) else set()
    through = Card.personas.through
    tags = [
        through(card_id=card.pk, persona_id=pk)
        for card, personas in zip(cards, persona_lists, strict=True)
        for pk in dict.fromkeys(personas)
        if pk in present
    ]
    through.objects.bulk_create(tags)
