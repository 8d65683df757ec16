"""ASGI entry point: HTTP through Django, WebSockets through Channels."""

import gc
import os

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "journeyboard.settings")
# Django must be set up before the consumers' modules import models (as get_asgi_application does).
django.setup(set_prefix=False)

from journeyboard import request_body, websocket_backlog  # noqa: E402
from journeyboard.http_handler import OneTripASGIHandler  # noqa: E402

# Before daphne serves anything: oversized bodies are refused before they are read, and a
# socket whose reader falls behind is closed rather than buffered.
request_body.install()
websocket_backlog.install()

django_asgi_app = OneTripASGIHandler()

from channels.auth import AuthMiddlewareStack  # noqa: E402
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from channels.security.websocket import WebsocketDenier  # noqa: E402
from django.urls import re_path  # noqa: E402

from journeyboard.realtime.routing import websocket_urlpatterns  # noqa: E402
from journeyboard.websocket_origin import SameOriginValidator  # noqa: E402

# Everything loaded so far lives as long as the process: kept out of the garbage collector's
# full passes, which otherwise pause the live-update fan-out under load (`make bench-variants`:
# fan-out p99 about half with it; docs/architecture.md). tests/test_asgi.py pins it.
gc.freeze()

application = ProtocolTypeRouter(
    {
        "http": django_asgi_app,
        # Only the site's own pages may open a socket (websocket_origin.py). A path that is no
        # socket of ours (an id past the database's range among them) is refused at the
        # handshake, as an unknown URL is a 404, rather than failing in the router.
        "websocket": SameOriginValidator(
            AuthMiddlewareStack(URLRouter([*websocket_urlpatterns, re_path(r"", WebsocketDenier.as_asgi())]))
        ),
    }
)
