"""Short, readable refusals for requests that do not come with a form to re-render."""

from django.http import HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _


def refusal(message, status=422):
    """A plain-text 4xx: the board page's script shows the text as a toast."""
    return HttpResponse(message, status=status, content_type="text/plain; charset=utf-8")


def _message(exception, default):
    text = str(exception) if exception is not None else ""
    # Django's own resolver puts a dict-ish debug text in Http404; show only our sentences.
    return text if text and not text.startswith("{") else default


def handler403(request, exception=None):
    message = _message(exception, _("You are not allowed to do that."))
    if getattr(request, "htmx", False):
        return refusal(message, 403)
    return render(request, "error.html", {"message": message, "status": 403}, status=403)


def handler404(request, exception=None):
    message = _message(exception, _("Not found."))
    if getattr(request, "htmx", False):
        return refusal(message, 404)
    return render(request, "error.html", {"message": message, "status": 404}, status=404)
