"""Share links (the owner's), joining through one, facilitators and the board lock."""

import io

import segno
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from journeyboard.accounts.ratelimit import Limit, client_address

from ..access import get_board_for_user, guest_of
from ..forms import GuestForm, MemberForm, ShareLinkForm
from ..models import GUEST_NAME_MAX, Membership, Role, ShareLink
from ..rendering import BOARD_TEMPLATE, members_context, viewer_flags
from ..sharing import RANK, InvalidLink, active_link, create_link, join_as_guest, join_by_link, links_of, revoke_link, set_facilitator, set_locked
from .errors import refusal

SHARING = "boards/sharing.html"
# Guests are accounts made without a password by anyone holding a link; count them per
# address like sign-ups, but a whole workshop room behind one address must fit.
GUEST_JOINS = Limit("guest-join", limit=100, window=60 * 60)


def _flag(data, name):
    """True/False for a posted "true"/"false" (the last value: a ticked box follows its
    hidden "false"); None for anything else."""
    return {"true": True, "false": False}.get((data.getlist(name) or [""])[-1])


# --- the owner's links ------------------------------------------------------------------


def _links(request, board, role=Role.EDITOR, errors=(), status=200):
    context = {**viewer_flags(board), "links": links_of(board), "link_role": role, "link_errors": list(errors)}
    return render(request, f"{SHARING}#share-links", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def links(request, board_id):
    board = get_board_for_user(request.user, board_id, owner=True)
    if request.method == "GET":
        return _links(request, board)
    form = ShareLinkForm(request.POST)
    if not form.is_valid():
        return _links(request, board, errors=form.errors.get("role", []), status=422)
    create_link(request.user, board, form.cleaned_data["role"])
    return _links(request, board, role=form.cleaned_data["role"])


@login_required
@require_POST
def link_revoke(request, board_id, link_id):
    board = get_board_for_user(request.user, board_id, owner=True)
    link = ShareLink.objects.filter(pk=link_id, board=board).first()
    if link is None:
        raise Http404(_("No such link on this board."))
    revoke_link(request.user, link)
    return _links(request, board)


# --- QR codes: joining from a phone in the workshop room ---------------------------------


def _shown_link(request, board_id, link_id):
    """A link of the board that still grants something, for its facilitators: a QR code of a
    revoked link would only send people to an error page."""
    board = get_board_for_user(request.user, board_id, facilitator=True)
    link = ShareLink.objects.filter(pk=link_id, board=board, revoked_at__isnull=True).first()
    if link is None:
        raise Http404(_("No such link on this board."))
    return board, link


def join_url(request, link):
    """The link's whole address on the host this page was opened on (what a phone needs)."""
    return request.build_absolute_uri(reverse("join", args=[link.token]))


def qr_svg(url):
    """The QR code of `url` as an SVG document that scales to any size (viewBox, no width
    or height): the same image in the Members dialog and on the projector."""
    out = io.BytesIO()
    segno.make(url, error="m").save(out, kind="svg", border=4, omitsize=True, xmldecl=True, svgclass="qr", dark="#1f2a44", light="#ffffff")
    return out.getvalue()


@login_required
@require_GET
def link_qr(request, board_id, link_id):
    _board, link = _shown_link(request, board_id, link_id)
    response = HttpResponse(qr_svg(join_url(request, link)), content_type="image/svg+xml")
    response["Cache-Control"] = "private, max-age=3600"
    return response


@login_required
@require_GET
def link_screen(request, board_id, link_id):
    """The link for the projector: a large QR code, the address to type, the board's title."""
    board, link = _shown_link(request, board_id, link_id)
    url = join_url(request, link)
    short_url = url.split("://", 1)[-1]  # what people type: the scheme is implied
    context = {"board": board, "link": link, "join_url": url, "short_url": short_url}
    return render(request, "boards/link_screen.html", context)


# --- joining through a link -------------------------------------------------------------


def _invalid(request):
    """Unknown and revoked links look the same: a clear page, and nothing granted."""
    message = _("This link is not valid (any more). Ask the board's owner for a new one.")
    return render(request, "error.html", {"message": message, "status": 404}, status=404)


def _join_page(request, link, form=None, status=200):
    user = request.user
    guest = guest_of(user)
    # A guest account belongs to its one board: elsewhere its holder joins as a new guest.
    guest_elsewhere = guest is not None and guest.board_id != link.board_id
    context = {"link": link, "board": link.board, "form": form or GuestForm(), "name_max": GUEST_NAME_MAX}
    context["guest_elsewhere"] = guest_elsewhere
    if user.is_authenticated and not guest_elsewhere:
        membership = Membership.objects.filter(board=link.board, user=user).first()
        if membership is not None and RANK[membership.role] >= RANK[link.role]:
            context["membership"] = membership
        else:
            context["join_as_member"] = True
            context["me_name"] = user.get_full_name() or user.get_username()
    return render(request, "boards/join.html", context, status=status)


def _join_as_guest(request, link):
    form = GuestForm(request.POST)
    if not form.is_valid():
        return _join_page(request, link, form, status=422)
    address = client_address(request)
    if GUEST_JOINS.reached(address):
        form.add_error(None, _("Too many guests joined from your network. Please try again in an hour."))
        response = _join_page(request, link, form, status=429)
        response["Retry-After"] = str(GUEST_JOINS.window)
        return response
    try:
        user = join_as_guest(link.token, form.cleaned_data["display_name"])
    except ValidationError as error:
        form.add_error(None, error)
        return _join_page(request, link, form, status=422)
    GUEST_JOINS.hit(address)
    # Replaces whoever was signed in in this browser (a guest of another board).
    login(request, user, backend="django.contrib.auth.backends.ModelBackend")
    return redirect(link.board)


@require_http_methods(["GET", "POST"])
def join(request, token):
    """GET: what the link offers. POST: join (signed in) or become a guest (a name)."""
    link = active_link(token)
    if link is None:
        return _invalid(request)
    if request.method == "GET":
        return _join_page(request, link)
    guest = guest_of(request.user)
    try:
        if request.user.is_authenticated and (guest is None or guest.board_id == link.board_id):
            join_by_link(request.user, token)
            return redirect(link.board)
        return _join_as_guest(request, link)
    except InvalidLink:  # revoked between the page and the button
        return _invalid(request)


# --- facilitators and the lock ----------------------------------------------------------


@login_required
@require_POST
def member_facilitator(request, board_id, user_id):
    board = get_board_for_user(request.user, board_id, owner=True)
    facilitator = _flag(request.POST, "facilitator")
    errors = []
    if facilitator is None:
        return refusal(_("Send facilitator=true or facilitator=false."))
    try:
        set_facilitator(request.user, board, user_id, facilitator)
    except ValidationError as error:
        errors = error.messages
    context = {**members_context(board), "member_form": MemberForm(), "member_errors": errors}
    return render(request, f"{BOARD_TEMPLATE}#members", context, status=422 if errors else 200)


@login_required
@require_POST
def board_lock(request, board_id):
    board = get_board_for_user(request.user, board_id, facilitator=True)
    locked = _flag(request.POST, "locked")
    if locked is None:
        return refusal(_("Send locked=true or locked=false."))
    set_locked(request.user, board, locked)
    board = get_board_for_user(request.user, board_id)  # as it is now, with the membership
    if not request.htmx:
        return redirect(board)
    return render(request, f"{SHARING}#lock-banner", viewer_flags(board))
