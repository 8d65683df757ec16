"""The answer to a request that changed the board: the change itself, rendered exactly as
the broadcast sends it to every other page (boards/fragments.py), for this page's role
and language.

The broadcast skips the page that made a change (it shows it already, or is about to),
so this answer is how that page shows it, through the same partials as everyone else.
Everything in it is an out-of-band swap placed by id, so htmx is told to swap nothing
else (`HX-Reswap: none`), whatever element the request came from:

    with collecting() as made:
        create_card(request.user, phase, **form.cleaned_data)
    return changed(board, made)
"""

from django.http import HttpResponse
from django_htmx.http import reswap

from ..fragments import render_answer


def changed(board, events):
    """Answer with `events` (changes.collecting) as `board.membership`'s page shows them."""
    html = "".join(render_answer(event, board.membership) for event in events)
    return reswap(HttpResponse(html), "none")
