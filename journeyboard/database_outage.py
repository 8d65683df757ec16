"""A request that finds the database unreachable gets a clear 503, not a server error.

While PostgreSQL restarts (or the network to it is down) every query fails with
OperationalError, or InterfaceError on a connection that already broke. Without this the
person sees Django's bare "Server Error (500)" and the log a traceback per request. With
it: 503 with `Retry-After`, a sentence the board page shows as a toast (htmx) or a short
page, and one log line. Nothing needs restarting afterwards: Django drops a broken
connection at the end of the request, and CONN_HEALTH_CHECKS (settings) checks a kept
connection before reusing it, so the next request reconnects by itself.
"""

import logging

from django.db import InterfaceError, OperationalError
from django.shortcuts import render
from django.utils.translation import gettext as _

from journeyboard.boards.views.errors import refusal

logger = logging.getLogger("journeyboard")

RETRY_AFTER_SECONDS = 5


class DatabaseOutageMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, (OperationalError, InterfaceError)):
            return None
        logger.warning("database unreachable during %s %s: %s", request.method, request.path, exception)
        message = _("The database is not reachable right now. Please try again in a moment.")
        if getattr(request, "htmx", False):
            response = refusal(message, 503)
        else:
            # The page must not touch the database itself: unavailable.html leaves out the
            # top bar, whose user menu would load the session and the user.
            response = render(request, "unavailable.html", {"message": message}, status=503)
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response
