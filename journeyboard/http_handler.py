"""Django's ASGI handler, with a request's middleware and view run in one trip to a thread.

Under ASGI, Django runs a chain of synchronous middleware in a worker thread, comes back to
the event loop at the bottom of the chain (its innermost handler is asynchronous), and goes
to the thread again for a synchronous view: three trips between the event loop and a thread
per request, each waiting its turn on an event loop that is also delivering live updates to
every open board. And every request starts a thread of its own (and another to join it).

This handler builds Django's synchronous chain, as under WSGI, and runs it in one trip; each
request still has a thread to itself (`test_export_concurrency`), taken from a pool of
threads kept between requests instead of started for it. Everything else (reading the body,
signals, sending the response, disconnects) is Django's own ASGIHandler.
`tests/test_asgi.py` pins what this relies on; `make bench-fanout` measures it
(docs/performance.md).
"""

from concurrent.futures import ThreadPoolExecutor

from asgiref.sync import ThreadSensitiveContext, sync_to_async
from django.core.handlers.asgi import ASGIHandler


# Threads kept for the next requests: as many as were ever busy at once, up to this.
IDLE_THREADS = 32


class OneTripASGIHandler(ASGIHandler):
    def __init__(self):
        self._idle = []  # single-thread executors, each serving one request at a time
        super().__init__()

    def load_middleware(self, is_async=False):
        # The chain ends in BaseHandler._get_response (synchronous), whatever serves it.
        super().load_middleware(is_async=False)

    async def get_response_async(self, request):
        return await sync_to_async(self.get_response, thread_sensitive=True)(request)

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            raise ValueError(f"Django can only handle ASGI/HTTP connections, not {scope['type']}.")
        executor = self._idle.pop() if self._idle else ThreadPoolExecutor(max_workers=1, thread_name_prefix="request")
        try:
            async with ThreadSensitiveContext(executor=executor):
                await self.handle(scope, receive, send)
        finally:
            if len(self._idle) < IDLE_THREADS:
                self._idle.append(executor)
            else:
                executor.shutdown(wait=False)
