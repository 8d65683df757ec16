"""The whole board for pages that missed changes: rendered once, shared by every page that asks.

A page that reconnects, or sees a gap in the revisions, sends `sync` and gets the whole board
(hundreds of kilobytes, tens of milliseconds of rendering on a big board). When a hundred pages
reconnect at once after a restart they all ask for the same board at the same revision, so the
HTML is kept per (board, revision, role, language) and a render that is already running is
awaited rather than started again. Entries of older revisions are useless once the board moves
on; a small least-recently-used table holds the few that are asked for at any time.

Each process keeps its own table: with several processes the board is rendered once per
process and (role, language), which is what a restart of one process costs anyway.
"""

import asyncio
from collections import OrderedDict

ENTRIES = 24  # a few boards x 3 roles x 3 languages, each a few hundred KB at most


class RenderedBoards:
    """(board, revision, role, language) -> the board's HTML, rendered at most once at a time."""

    def __init__(self, entries=ENTRIES):
        self.entries = entries
        self.done = OrderedDict()
        self.running = {}
        self.renders = 0  # how many renders were started: what the tests and benches count

    async def html(self, key, render):
        """The HTML for `key`; `render` is an async callable that makes it when nobody has."""
        if key in self.done:
            self.done.move_to_end(key)
            return self.done[key]
        if key not in self.running:
            self.renders += 1
            self.running[key] = asyncio.ensure_future(render())
            self.running[key].add_done_callback(lambda task: self._finished(key, task))
        # shield: one waiting page going away must not cancel the render the others await
        return await asyncio.shield(self.running[key])

    def _finished(self, key, task):
        del self.running[key]
        if task.cancelled() or task.exception() is not None:
            return  # every waiter gets the error; the next ask renders again
        self.done[key] = task.result()
        while len(self.done) > self.entries:
            self.done.popitem(last=False)

    def clear(self):
        self.done.clear()


rendered_boards = RenderedBoards()
