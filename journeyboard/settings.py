"""Journeyboard settings: one file, every difference between machines comes from the environment."""

import os
from pathlib import Path

import dj_database_url
from csp.constants import NONCE, NONE, SELF, UNSAFE_INLINE
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_bool(name, default):
    """Read a boolean; refuse values we do not recognise rather than guess."""
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name}={raw!r} is not a boolean (use 1/0, true/false, yes/no, on/off)")


def env_int(name, default):
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name}={raw!r} is not an integer") from None


def env_list(name, default):
    raw = os.environ.get(name)
    if raw is None:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


DEBUG = env_bool("DEBUG", True)

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off")
    # Only for local development: sessions signed with it are worthless elsewhere.
    SECRET_KEY = "dev-only-insecure-journeyboard-key-do-not-use-in-production"

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    # daphne first, so that `runserver` serves ASGI (HTTP and WebSocket) in development.
    "daphne",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "channels",
    "csp",
    "django_htmx",
    "template_partials",
    "journeyboard.accounts",
    "journeyboard.boards",
    "journeyboard.export",  # the export_board command
    "journeyboard.realtime",  # subscribes to board changes (realtime/apps.py)
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # After WhiteNoise: static files need no policy; every page gets one, with a fresh nonce.
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "journeyboard.realtime.origin.ClientOriginMiddleware",
    # After HtmxMiddleware: answers an unreachable database with 503 (text for htmx).
    "journeyboard.database_outage.DatabaseOutageMiddleware",
]

ROOT_URLCONF = "journeyboard.urls"
ASGI_APPLICATION = "journeyboard.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "journeyboard.security.csp_nonce",
            ],
        },
    },
]

# Embedded default: one SQLite file, tuned so that concurrent writers queue up
# (IMMEDIATE takes the write lock at BEGIN, busy timeout makes others wait for it)
# instead of failing with "database is locked" halfway through a transaction.
DATA_DIR = Path(os.environ.get("JOURNEYBOARD_DATA_DIR", BASE_DIR / "var"))
SQLITE_PATH = DATA_DIR / "journeyboard.sqlite3"
SQLITE_OPTIONS = {
    "transaction_mode": "IMMEDIATE",
    "timeout": 20,
    "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=20000;",
}

if os.environ.get("DATABASE_URL"):
    # Django's connection pool (psycopg_pool): under ASGI every request runs in a thread of
    # its own, and without a pool each one opened a PostgreSQL connection. A request takes a
    # connection for its duration and gives it back (CONN_MAX_AGE 0 is what pooling requires).
    # Health checks: a pooled connection is checked as it is handed out, so after a PostgreSQL
    # restart the next query gets a fresh connection instead of a dead one (tests/test_faults.py).
    # Size: DB_POOL_MAX_SIZE per process; processes x DB_POOL_MAX_SIZE must stay below the
    # server's max_connections (docs/deploy.md).
    DATABASES = {"default": dj_database_url.parse(os.environ["DATABASE_URL"], conn_max_age=0, conn_health_checks=True)}
    DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {
        "min_size": env_int("DB_POOL_MIN_SIZE", 2),
        "max_size": env_int("DB_POOL_MAX_SIZE", 20),
        # A request waits this long for a connection before it fails: while the database is down
        # that is how long a request takes to be answered 503 (database_outage.py).
        "timeout": env_int("DB_POOL_TIMEOUT", 3),
    }
else:
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    DATABASES = {
        "default": {
            # Django's SQLite backend, with connections kept from one request to the next.
            "ENGINE": "journeyboard.pooled_sqlite",
            "NAME": SQLITE_PATH,
            "OPTIONS": SQLITE_OPTIONS,
            # Live-server (browser) tests run the app in another thread: an in-memory
            # test database would not be shared with it, a file is.
            "TEST": {"NAME": str(DATA_DIR / "test-journeyboard.sqlite3")},
        }
    }
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"].setdefault("TEST", {})["NAME"] = os.environ.get("TEST_DATABASE_NAME", "test_journeyboard")

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# A board of a few hundred people makes bursts (everyone answers a newcomer's presence),
# which overflow the default inbox of 100 messages per channel and kill connections. With
# channels-redis all sockets of one process share one inbox, hence the larger number.
CHANNEL_CAPACITY = env_int("CHANNEL_CAPACITY", 5000)
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    from redis.asyncio.retry import Retry
    from redis.backoff import NoBackoff
    from redis.exceptions import ConnectionError as RedisConnectionError

    # Both checked by tests/test_faults.py and bench/reliability.py:
    # - socket_timeout: longer than the 5 s for which channels-redis blocks reading a
    #   process's inbox (redis-py's default equals it), so a board quiet for 5 s keeps its
    #   sockets; it is also how long an edit waits for its answer when Redis hangs.
    # - retry: after Redis restarts every pooled connection fails once ("Connection closed
    #   by server"); retrying once on a fresh connection keeps the first broadcast and the
    #   first socket. Not on timeouts: a hung Redis would make an edit wait twice.
    _reconnect_once = Retry(NoBackoff(), 1, supported_errors=(RedisConnectionError,))
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            "CONFIG": {
                "hosts": [{"address": REDIS_URL, "socket_timeout": 10, "retry": _reconnect_once}],
                "capacity": CHANNEL_CAPACITY,
            },
        }
    }
else:
    CHANNEL_LAYERS = {
        "default": {"BACKEND": "channels.layers.InMemoryChannelLayer", "CONFIG": {"capacity": CHANNEL_CAPACITY}}
    }

# The cache holds the login and signup rate limits: in Redis they are shared by every
# process; in local memory each process counts on its own (fine for the one-process default).
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "journeyboard",
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Each WebSocket connection may send this many frames a second on average, with bursts of
# up to WS_MESSAGE_BURST; the browser sends far fewer (cursors at most 20 a second).
WS_MESSAGES_PER_SECOND = env_int("WS_MESSAGES_PER_SECOND", 60)
WS_MESSAGE_BURST = env_int("WS_MESSAGE_BURST", 120)

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "board-list"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("nl", _("Dutch")), ("de", _("German"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
# The interface language follows the browser (LocaleMiddleware) until someone picks one in
# the switcher; set_language keeps that choice in this cookie, for a year rather than
# until the browser closes (Django's default).
LANGUAGE_COOKIE_AGE = 365 * 24 * 3600
LANGUAGE_COOKIE_SAMESITE = "Lax"
TIME_ZONE = os.environ.get("TIME_ZONE", "Europe/Amsterdam")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
# Where `collectstatic` puts files for production (DEBUG off serves only from here).
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
# Serve straight from the app folders without collectstatic in development and tests.
WHITENOISE_USE_FINDERS = DEBUG
WHITENOISE_AUTOREFRESH = DEBUG

# JSON imports larger than this are refused before parsing.
IMPORT_MAX_BYTES = env_int("IMPORT_MAX_BYTES", 5 * 1024 * 1024)
# How big one board may grow (boards/limits.py, docs/limits.md): room for the 20 × 500
# board of the benchmarks, not for a script filling the database through one board.
JOURNEYBOARD_MAX_PHASES = env_int("JOURNEYBOARD_MAX_PHASES", 50)
JOURNEYBOARD_MAX_CARDS = env_int("JOURNEYBOARD_MAX_CARDS", 20_000)
JOURNEYBOARD_MAX_ROWS = env_int("JOURNEYBOARD_MAX_ROWS", 20)
# Saved versions per board: each keeps a whole copy of the board (boards/versions.py).
JOURNEYBOARD_MAX_VERSIONS = env_int("JOURNEYBOARD_MAX_VERSIONS", 100)
# A refused import lists this many problems and counts the rest.
JOURNEYBOARD_IMPORT_MAX_ERRORS = env_int("JOURNEYBOARD_IMPORT_MAX_ERRORS", 50)
DATA_UPLOAD_MAX_MEMORY_SIZE = IMPORT_MAX_BYTES + 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = IMPORT_MAX_BYTES + 1024 * 1024
# Any request body above this is refused (413) before it is read (journeyboard/request_body.py):
# room for the largest import and its form around it.
MAX_REQUEST_BYTES = env_int("MAX_REQUEST_BYTES", max(10 * 1024 * 1024, IMPORT_MAX_BYTES + 1024 * 1024))
# A WebSocket whose page reads too slowly is closed (journeyboard/websocket_backlog.py) once
# this much waits to be sent, or once it has stayed behind this long; the page then catches up
# by revision. 8 MB holds several whole boards of the largest size allowed.
WEBSOCKET_BACKLOG_BYTES = env_int("WEBSOCKET_BACKLOG_BYTES", 8 * 1024 * 1024)
WEBSOCKET_BACKLOG_SECONDS = env_int("WEBSOCKET_BACKLOG_SECONDS", 30)

SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# HTTPS: the site is served over TLS (in production by the reverse proxy in front of the
# ASGI processes, deploy/nginx.conf). On by default when DEBUG is off; each setting below
# can still be changed on its own. HTTPS=0 is for running DEBUG=0 over plain HTTP locally
# (`make scaled`, benchmarks), where secure cookies would never come back.
HTTPS = env_bool("HTTPS", not DEBUG)
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", HTTPS)
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", HTTPS)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", HTTPS)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 365 * 24 * 3600 if HTTPS else 0)
# Subdomains of the host that serves Journeyboard only (not its siblings): safe to include.
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", HTTPS)
# Asking browsers to preload HTTPS for the domain is a decision for whoever owns it.
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
# Which header tells that the proxy received HTTPS, e.g. X-Forwarded-Proto. Not needed with
# daphne --proxy-headers (it takes the scheme from X-Forwarded-Proto itself); never set it
# when clients can reach the app without the proxy, which overwrites the header.
_proxy_ssl_header = os.environ.get("SECURE_PROXY_SSL_HEADER", "").strip()
SECURE_PROXY_SSL_HEADER = ("HTTP_" + _proxy_ssl_header.upper().replace("-", "_"), "https") if _proxy_ssl_header else None

# Content-Security-Policy (django-csp): scripts only from our own origin or carrying this
# response's nonce ({% htmx_script %} adds it), never inline code or eval (htmx runs with
# allowEval off, templates/base.html). Styles allow 'unsafe-inline' because templates set
# per-element custom properties in style attributes (style="--phase: #4f7cff"), which a
# nonce cannot cover; a style can restyle the page but cannot run code.
# connect-src 'self' covers the board WebSocket: CSP Level 3 matches ws:/wss: of this host.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF, UNSAFE_INLINE],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "loggers": {
        "journeyboard": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
        # With DEBUG off Django logs server errors nowhere by default; send them to the console.
        "django.request": {"handlers": ["console"], "level": "ERROR", "propagate": False},
    },
}
