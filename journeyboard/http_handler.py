"""Django's ASGI handler, with the request's middleware and view run in one trip to a thread.

Django's own handler builds the middleware chain for async use. Ours is all synchronous, so
Django runs it in a worker thread, comes back to the event loop for the innermost handler and
goes to a thread again for the (synchronous) view: two more trips through an event loop that
is also delivering every live update, each waiting behind that fan-out. This handler runs the
chain the way WSGI does, in one thread from start to end. What it buys is measured by
`make bench-variants` (docs/architecture.md, "Departures from the framework's defaults");
tests/test_http_handler.py pins the parts of Django it relies on.
"""

from asgiref.sync import sync_to_async
from django.core.handlers import base
from django.core.handlers.asgi import ASGIHandler


class SyncChainASGIHandler(ASGIHandler):
    def __init__(self):
        base.BaseHandler.__init__(self)
        self.load_middleware(is_async=False)

    async def get_response_async(self, request):
        return await sync_to_async(self.get_response, thread_sensitive=True)(request)
