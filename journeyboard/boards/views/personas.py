"""Persona endpoints: the side panel of the board page. Adding or deleting a persona
re-renders the panel (and the toolbar's count out of band); editing one answers with
that persona alone."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET, require_POST
from django_htmx.http import reswap, retarget

from ..access import get_board_for_user
from ..changes import collecting
from ..fragments import personas as personas_fragment
from ..forms import PersonaForm, with_current_values
from ..models import Persona
from ..personas import create_persona, delete_persona, personas_of, update_persona
from ..rendering import board_data, viewer_flags

PERSONAS_TEMPLATE = "boards/personas.html"


def _persona(board, persona_id):
    """A persona of this board; one of any other board is simply not found."""
    return get_object_or_404(Persona, pk=persona_id, board=board)


def _persona_form(persona, data=None):
    # Field ids stay unique with several personas' forms open on one page.
    return PersonaForm(data=data, instance=persona, auto_id=f"persona-{persona.pk}-%s")


def _render(request, board, name, status=200, **extra):
    return render(request, f"{PERSONAS_TEMPLATE}#{name}", {**viewer_flags(board), **extra}, status=status)


def _panel(request, board, made=()):
    return _render(request, board, "personas-changed", personas=personas_of(board), **_ripples(board, made))


def _ripples(board, made):
    """The board body too when the change altered cards' chips and the curve's persona lines,
    as the broadcast decides it for the other pages (fragments.personas)."""
    found = made and personas_fragment(board, made[-1].data)
    if found and found[0] == "personas-cards":
        return {"body": True, **board_data(board)}
    return {}


@login_required
@require_GET
def persona_list(request, board_id):
    board = get_board_for_user(request.user, board_id)
    return _render(request, board, "persona-panel", personas=personas_of(board))


@login_required
@require_POST
def persona_create(request, board_id):
    board = get_board_for_user(request.user, board_id, write=True)
    form = PersonaForm(request.POST)
    if not form.is_valid():
        response = _render(request, board, "persona-add-form", status=422, add_persona_form=form)
        # The panel was the target for a new persona; the errors belong in the form itself.
        return retarget(reswap(response, "outerHTML"), "#add-persona")
    create_persona(request.user, board, **form.cleaned_data)
    return _panel(request, board)


@login_required
@require_GET
def persona_detail(request, board_id, persona_id):
    board = get_board_for_user(request.user, board_id)
    return _render(request, board, "persona", persona=_persona(board, persona_id))


@login_required
@require_GET
def persona_edit_form(request, board_id, persona_id):
    board = get_board_for_user(request.user, board_id, write=True)
    persona = _persona(board, persona_id)
    return _render(request, board, "persona-form", persona=persona, form=_persona_form(persona))


@login_required
@require_POST
def persona_update(request, board_id, persona_id):
    board = get_board_for_user(request.user, board_id, write=True)
    persona = _persona(board, persona_id)
    fields = PersonaForm._meta.fields
    form = _persona_form(persona, data=with_current_values(request.POST, persona, fields))
    if not form.is_valid():
        # Fresh from the database: the failed form has written its bad values onto `persona`.
        return _render(request, board, "persona-form", status=422, persona=_persona(board, persona_id), form=form)
    with collecting() as made:
        persona = update_persona(request.user, persona, **{name: form.cleaned_data[name] for name in fields})
    extra = _ripples(board, made)
    return _render(request, board, "persona-updated", persona=persona, personas=personas_of(board), **extra)


@login_required
@require_POST
def persona_delete(request, board_id, persona_id):
    board = get_board_for_user(request.user, board_id, write=True)
    with collecting() as made:
        delete_persona(request.user, _persona(board, persona_id))
    return _panel(request, board, made)


def persona_list_or_create(request, board_id):
    """One URL for the panel: GET renders it, POST adds a persona."""
    if request.method == "POST":
        return persona_create(request, board_id)
    return persona_list(request, board_id)


def persona_detail_or_update(request, board_id, persona_id):
    """One URL per persona: GET renders it, POST edits it."""
    if request.method == "POST":
        return persona_update(request, board_id, persona_id)
    return persona_detail(request, board_id, persona_id)
