"""SQLite connections kept from one request's thread to the next (journeyboard/pooled_sqlite)."""

import os
import threading

import pytest
from django.db.utils import ConnectionHandler

from journeyboard.pooled_sqlite import base as pooled
from journeyboard.settings import SQLITE_OPTIONS


@pytest.fixture(autouse=True)
def _own_database_files(django_db_blocker):
    """These tests open database files of their own, never the test database."""
    with django_db_blocker.unblock():
        yield


def databases(path):
    """A connection handler of its own for one database file (its "default"): like Django's, one wrapper per thread."""
    return ConnectionHandler({"default": {"ENGINE": "journeyboard.pooled_sqlite", "NAME": str(path), "OPTIONS": SQLITE_OPTIONS}})


def in_thread(work):
    """Run `work` in a new thread, as each ASGI request is; return what it returned."""
    result = {}

    def run():
        try:
            result["value"] = work()
        except BaseException as error:  # noqa: BLE001 - handed to the test's thread
            result["error"] = error

    thread = threading.Thread(target=run)
    thread.start()
    thread.join()
    if "error" in result:
        raise result["error"]
    return result["value"]


def request(handler, sql="SELECT 1", params=()):
    """What one request does: use the database, then close the connection as Django does at its end."""
    connection = handler["default"]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    raw = connection.connection
    connection.close()
    return raw, rows


def test_the_next_request_thread_gets_the_closed_connection_with_its_settings(tmp_path):
    handler = databases(tmp_path / "pool.sqlite3")
    first, _ = in_thread(lambda: request(handler, "CREATE TABLE t (x)"))
    second, rows = in_thread(lambda: request(handler, "PRAGMA journal_mode"))
    assert second is first  # kept open and handed on, not a new one
    assert rows == [("wal",)]  # the init commands still apply
    third, rows = in_thread(lambda: request(handler, "SELECT count(*) FROM t"))
    assert third is first and rows == [(0,)]
    pooled.empty_pool(tmp_path / "pool.sqlite3")


def test_a_connection_left_in_a_transaction_is_closed_not_kept(tmp_path):
    handler = databases(tmp_path / "pool.sqlite3")
    in_thread(lambda: request(handler, "CREATE TABLE t (x)"))

    def unfinished():
        connection = handler["default"]
        connection.ensure_connection()
        raw = connection.connection
        raw.execute("BEGIN")
        raw.execute("INSERT INTO t VALUES (1)")
        connection.close()
        return raw

    abandoned = in_thread(unfinished)
    fresh, rows = in_thread(lambda: request(handler, "SELECT count(*) FROM t"))
    assert fresh is not abandoned
    assert rows == [(0,)]  # the insert was never committed, and nobody inherits it
    pooled.empty_pool(tmp_path / "pool.sqlite3")


def test_connections_to_a_replaced_file_are_dropped(tmp_path):
    path = tmp_path / "pool.sqlite3"
    handler = databases(path)
    old, _ = in_thread(lambda: request(handler, "CREATE TABLE old (x)"))
    os.remove(path)
    for suffix in ("-wal", "-shm"):
        if os.path.exists(f"{path}{suffix}"):
            os.remove(f"{path}{suffix}")
    new, rows = in_thread(lambda: request(handler, "SELECT name FROM sqlite_master"))
    assert new is not old
    assert rows == []  # the new, empty file: not the deleted one's table
    pooled.empty_pool(path)


def test_the_pool_keeps_a_few_connections_and_closes_the_rest(tmp_path):
    handler = databases(tmp_path / "pool.sqlite3")
    barrier = threading.Barrier(pooled.POOL_SIZE + 2)
    opened = []

    def busy_request():
        connection = handler["default"]
        connection.ensure_connection()
        opened.append(connection.connection)
        barrier.wait()  # all open at once, then all closed
        connection.close()

    threads = [threading.Thread(target=busy_request) for _ in range(pooled.POOL_SIZE + 2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    kept = pooled._pool(tmp_path / "pool.sqlite3").qsize()
    assert len(set(map(id, opened))) == pooled.POOL_SIZE + 2
    assert kept == pooled.POOL_SIZE
    pooled.empty_pool(tmp_path / "pool.sqlite3")
    assert pooled._pool(tmp_path / "pool.sqlite3").qsize() == 0


def test_an_in_memory_database_is_never_pooled():
    handler = ConnectionHandler({"default": {"ENGINE": "journeyboard.pooled_sqlite", "NAME": ":memory:"}})
    first, _ = in_thread(lambda: request(handler))
    second, _ = in_thread(lambda: request(handler))
    assert second is not first


def test_django_opens_sqlite_connections_that_any_thread_may_use(tmp_path):
    # The pool hands a connection from one request's thread to the next; sqlite3 allows that
    # only for connections opened with check_same_thread=False, which Django's backend asks
    # for. An upgrade that stops asking must fail here, not as "SQLite objects created in a
    # thread can only be used in that same thread" under load.
    wrapper = databases(tmp_path / "pool.sqlite3")["default"]
    assert wrapper.get_connection_params()["check_same_thread"] is False
