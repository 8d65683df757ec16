"""SQLite whose connections outlive the request that opened them.

Django opens a database connection per thread and closes it when the request ends, and
under ASGI every request runs in a thread of its own. So every request paid for a fresh
SQLite connection: opening the file, the pragmas, reading the schema and preparing each
statement anew (the sqlite3 module caches prepared statements per connection). That was
~6 ms of a ~9 ms card edit. Here a closed connection goes back to a small pool of this
process, and the next request's thread takes it, warm.

A connection is only ever used by one thread at a time (taken from the pool, given back on
close); Django already opens them with `check_same_thread=False`. One in a transaction is
closed, not kept. The pool belongs to a database file: creating or destroying a test
database empties it, and a connection whose file was replaced meanwhile is dropped.
"""

import os
import queue
import threading

from django.db.backends.sqlite3 import base, creation

POOL_SIZE = 8  # connections kept per database file; more threads than this open their own

_pools = {}
_pools_lock = threading.Lock()


def _pool(name):
    with _pools_lock:
        return _pools.setdefault(str(name), queue.LifoQueue(POOL_SIZE))  # LIFO: the warmest first


def _identity(name):
    """Which file `name` is now: a database deleted and created again is another file. (Its
    inode cannot be reused meanwhile: the pooled connections still hold the old file open.)"""
    try:
        stat = os.stat(name)
    except OSError:
        return None
    return stat.st_dev, stat.st_ino


def _taken(pool):
    """The pool's (connection, identity) entries, each taken out as it is handed over."""
    while True:
        try:
            yield pool.get_nowait()
        except queue.Empty:
            return


def empty_pool(name):
    for connection, _identity_of in _taken(_pool(name)):
        connection.close()


class DatabaseCreation(creation.DatabaseCreation):
    def _create_test_db(self, verbosity, autoclobber, keepdb=False):
        empty_pool(self._get_test_db_name())
        return super()._create_test_db(verbosity, autoclobber, keepdb)

    def _destroy_test_db(self, test_database_name, verbosity):
        empty_pool(test_database_name)
        return super()._destroy_test_db(test_database_name, verbosity)


class DatabaseWrapper(base.DatabaseWrapper):
    creation_class = DatabaseCreation

    def _pooled(self):
        return not self.is_in_memory_db()

    def get_new_connection(self, conn_params):
        if self._pooled():
            name = self.settings_dict["NAME"]
            current = _identity(name)
            for connection, identity in _taken(_pool(name)):
                if identity == current:
                    return connection
                connection.close()  # its file was replaced: a test database made anew
        return super().get_new_connection(conn_params)

    def _close(self):
        connection = self.connection
        if connection is None or not self._pooled() or connection.in_transaction:
            return super()._close()
        name = self.settings_dict["NAME"]
        try:
            _pool(name).put_nowait((connection, _identity(name)))
        except queue.Full:
            return super()._close()
