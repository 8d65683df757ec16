"""Which browser tab a change came from, and which revision it produced, over HTTP.

A change made over HTTP carries its page's client id (boards/origin.py) in
`X-Journeyboard-Client`; the broadcast names it as the origin, so that tab's own consumer
does not send the change back to the page that already shows it: every change appears
exactly once.
"""

import re

from journeyboard.boards.origin import current_client, new_client_id, produced_revision

# The client id and the revision live with the domain, which records them; the HTTP side
# (and tests) reach them here too.
__all__ = ["CLIENT_HEADER", "REVISION_HEADER", "current_client", "new_client_id", "produced_revision"]

CLIENT_HEADER = "X-Journeyboard-Client"
REVISION_HEADER = "X-Board-Revision"

_CLIENT_ID = re.compile(r"^[0-9a-f]{32}$")


def valid_client_id(value):
    return value if value and _CLIENT_ID.match(value) else ""


class ClientOriginMiddleware:
    """Sets the origin for this request, and reports the board revision its change produced."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        client_token = current_client.set(valid_client_id(request.headers.get(CLIENT_HEADER, "")))
        revision_token = produced_revision.set(None)
        try:
            response = self.get_response(request)
            revision = produced_revision.get()
            if revision is not None:
                response[REVISION_HEADER] = str(revision)
            return response
        finally:
            current_client.reset(client_token)
            produced_revision.reset(revision_token)
