"""ASGI entry point: HTTP through Django, WebSockets through Channels."""

import gc
import os

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "journeyboard.settings")
# Django must be set up before the consumers' modules import models (as get_asgi_application does).
django.setup(set_prefix=False)

from journeyboard.http_handler import SyncChainASGIHandler  # noqa: E402

django_asgi_app = SyncChainASGIHandler()

from channels.auth import AuthMiddlewareStack  # noqa: E402
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from channels.security.websocket import AllowedHostsOriginValidator  # noqa: E402

from journeyboard.realtime.routing import websocket_urlpatterns  # noqa: E402

# Everything loaded so far lives as long as the process: keep it out of the garbage
# collector's full passes, which otherwise paused broadcasts for 40-50 ms under load.
gc.freeze()

application = ProtocolTypeRouter(
    {
        "http": django_asgi_app,
        "websocket": AllowedHostsOriginValidator(AuthMiddlewareStack(URLRouter(websocket_urlpatterns))),
    }
)
