import multiprocessing

import pytest
from django.conf import settings as django_settings
from django.core.cache import cache
from django.utils import translation

# Live-server tests start daphne in a child process; forking after asyncio tests ran
# leaves that child hung, spawning a fresh interpreter does not.
multiprocessing.set_start_method("spawn", force=True)


@pytest.fixture(autouse=True)
def _in_memory_channel_layer(settings):
    """Unit tests never need Redis: broadcasts go to a per-test in-memory layer."""
    settings.CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}


@pytest.fixture(autouse=True)
def _fresh_cache(settings):
    """Login and signup rate limits count in the cache: every test starts from zero, in this
    process's memory, never in a Redis that other runs (or REDIS_URL in CI) share."""
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "tests"}}
    cache.clear()


@pytest.fixture(autouse=True)
def _default_language():
    """Every test starts in the default language. A request in another language activates
    it in the thread that served it (LocaleMiddleware) and it stays active there, so a
    test's own expectations (a label it translates) depended on which test ran before."""
    translation.activate(django_settings.LANGUAGE_CODE)
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """Tests make several users each; the real hasher costs ~0.6 s per user on this machine."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def crew():
    """One board and the people around it, for the WebSocket tests (tests/realtime.py)."""
    from tests.realtime import Crew

    return Crew()


def pytest_collection_modifyitems(items):
    """A real browser under a loaded CI machine can lose a race the code cannot see (a paint,
    a focus). Browser tests get one rerun, reported as "rerun" in the summary so a flaky test
    stays visible; every other test must pass the first time."""
    for item in items:
        if item.get_closest_marker("browser"):
            item.add_marker(pytest.mark.flaky(reruns=1, reruns_delay=1))


@pytest.fixture(scope="session", autouse=True)
def _no_session_left_on_the_test_database(django_db_setup, django_db_blocker):
    """Request and socket-handler threads each hold their own database connection, which
    lives until the thread's objects are collected; on PostgreSQL one left open makes
    dropping the test database fail at the end of the run. End them before it is dropped."""
    yield
    from django.db import connection

    if connection.vendor != "postgresql":
        return
    with django_db_blocker.unblock(), connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
            " WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
