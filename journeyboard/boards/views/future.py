"""Design the future state: a new board made from this one and linked to it (future.py)."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.views.decorators.http import require_POST
from django_htmx.http import HttpResponseClientRedirect

from ..access import get_board_for_user, refuse_guests
from ..future import design_future
from .errors import refusal


@login_required
@require_POST
def board_future(request, board_id):
    # Edit rights on the board it starts from: it is a step of the work on that journey.
    board = get_board_for_user(request.user, board_id, write=True)
    refuse_guests(request.user)
    try:
        future = design_future(request.user, board)
    except ValidationError as error:  # a board over today's limits (limits.py)
        return refusal(" ".join(error.messages))
    if request.htmx:
        return HttpResponseClientRedirect(future.get_absolute_url())
    return redirect(future)
