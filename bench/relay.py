"""The floor for bench/fanout.py: the least a Channels server does to fan a message out.

One ASGI application, served by daphne exactly like Journeyboard, with nothing but:

- a WebSocket consumer (`AsyncWebsocketConsumer`, as Journeyboard's) that joins one group
  and forwards each group message as one text frame;
- `POST /send/`, whose body is handed to `group_send` as it is, so the bench can send the
  same bytes Journeyboard broadcasts.

No session, origin check, database, transaction or template: what Journeyboard adds on
top of this is what bench/fanout.py reports as the ratio to the floor.

Run: `python -m daphne -b 127.0.0.1 -p PORT relay:application` with bench/ on PYTHONPATH.
REDIS_URL picks channels-redis (as Journeyboard's settings do), otherwise the in-memory
layer; RELAY_GROUP names the group, so runs sharing one Redis do not hear each other.
"""

import os

import django
from django.conf import settings

if os.environ.get("REDIS_URL"):
    LAYER = {"BACKEND": "channels_redis.core.RedisChannelLayer", "CONFIG": {"hosts": [os.environ["REDIS_URL"]]}}
else:
    LAYER = {"BACKEND": "channels.layers.InMemoryChannelLayer"}
# The channel layer and the consumer base class read Django settings; nothing else does.
settings.configure(CHANNEL_LAYERS={"default": LAYER}, INSTALLED_APPS=["channels"])
django.setup()

from channels.generic.websocket import AsyncWebsocketConsumer  # noqa: E402
from channels.layers import get_channel_layer  # noqa: E402
from channels.routing import ProtocolTypeRouter  # noqa: E402

GROUP = os.environ.get("RELAY_GROUP", "relay")


class RelayConsumer(AsyncWebsocketConsumer):
    async def connect(self):
        await self.channel_layer.group_add(GROUP, self.channel_name)
        await self.accept()

    async def disconnect(self, code):
        await self.channel_layer.group_discard(GROUP, self.channel_name)

    async def relay_message(self, message):
        await self.send(text_data=message["text"])


async def read_body(receive):
    body = b""
    while True:
        message = await receive()
        body += message.get("body", b"")
        if not message.get("more_body"):
            return body


async def respond(send, status, body=b""):
    headers = [(b"content-type", b"text/plain"), (b"content-length", str(len(body)).encode())]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


async def trigger(scope, receive, send):
    """POST /send/: group_send the request body to every connected socket."""
    body = await read_body(receive)
    if scope["method"] != "POST" or scope["path"] != "/send/":
        await respond(send, 404, b"POST /send/ only")
        return
    await get_channel_layer().group_send(GROUP, {"type": "relay.message", "text": body.decode()})
    await respond(send, 204)


application = ProtocolTypeRouter({"http": trigger, "websocket": RelayConsumer.as_asgi()})
