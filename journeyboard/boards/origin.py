"""Which page a change came from, and which revision it produced: request context that
`changes.record` reads and sets, whatever carried the request (HTTP or WebSocket).

Every board page gets its own client id (rendered into htmx's `hx-headers` and the
WebSocket URL). The HTTP side sets `current_client` from a request header and reports
`produced_revision` in the answer (realtime/origin.py); the WebSocket consumer sets it
around the changes it makes. The announcement of a change names its origin, so that the
page that made it is not sent it back.
"""

import uuid
from contextvars import ContextVar

current_client = ContextVar("journeyboard_client", default="")
# The revision the current request's last change produced, for the response header.
produced_revision = ContextVar("journeyboard_revision", default=None)


def new_client_id():
    return uuid.uuid4().hex
