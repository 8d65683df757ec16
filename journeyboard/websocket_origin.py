"""Which pages may open a WebSocket on this site: the rule CSRF applies to a POST.

A browser sends a signed-in user's cookies with any WebSocket handshake, whichever page
opens it, so the Origin header is all that tells our own pages from another site's
(cross-site WebSocket hijacking). A handshake is let through when its Origin is

- the site's own origin: the scheme, host and port the handshake itself came to (its Host
  header, which must be one of ALLOWED_HOSTS; `http` for `ws`, `https` for `wss`), or
- one of CSRF_TRUSTED_ORIGINS, read as Django's CSRF check reads them (`https://*.example.com`
  for every subdomain).

Host names alone are not enough: a page on `http://127.0.0.1:9999` is another origin than
the site on `http://127.0.0.1:8000`. A handshake without an Origin is refused: browsers always
send one, and a program that is not a browser can send its own.

Everything else is refused before the handshake completes: the browser sees the connection
fail (HTTP 403), as the same page's POST would be refused by CSRF.
"""

from urllib.parse import urlsplit

from channels.security.websocket import WebsocketDenier
from django.conf import settings
from django.http.request import is_same_domain, split_domain_port, validate_host

DEFAULT_PORTS = {"http": 80, "https": 443}


def _header(scope, name):
    for key, value in scope.get("headers", ()):
        if key == name:
            return value.decode("latin1")
    return None


def _origin(scheme, host, port):
    """(scheme, host, port) with the scheme's default port spelled out: http://a is http://a:80."""
    scheme = scheme.lower()
    if scheme not in DEFAULT_PORTS or not host:
        return None
    return scheme, host.lower(), port or DEFAULT_PORTS[scheme]


def parse_origin(value):
    """An Origin header (or a CSRF_TRUSTED_ORIGINS entry) as (scheme, host, port), or None."""
    try:
        parts = urlsplit(value.strip())
        port = parts.port
    except ValueError:  # a port beyond 65535, a malformed IPv6 address
        return None
    if parts.path not in ("", "/") or parts.query or parts.fragment or parts.username or parts.password:
        return None
    return _origin(parts.scheme, parts.hostname, port)


def _allowed_hosts():
    # As Django's HttpRequest.get_host: under DEBUG an empty ALLOWED_HOSTS means local names.
    allowed = settings.ALLOWED_HOSTS
    if settings.DEBUG and not allowed:
        allowed = [".localhost", "127.0.0.1", "[::1]"]
    return allowed


def site_scheme(scope):
    """`https` when the handshake reached the site over TLS, else `http`.

    A WebSocket's ASGI scope says `wss` when daphne itself terminates TLS. Behind the reverse
    proxy (deploy/nginx.conf) the proxy says so in X-Forwarded-Proto, which daphne
    --proxy-headers does not copy into a WebSocket's scope. A page cannot set that header on
    a handshake, so it cannot make another origin pass for ours.
    """
    forwarded = (_header(scope, b"x-forwarded-proto") or "").split(",")[0].strip().lower()
    if forwarded in DEFAULT_PORTS:
        return forwarded
    return "https" if scope.get("scheme") == "wss" else "http"


def site_origin(scope):
    """The origin the handshake came to: its scheme and Host header, if the host is ours."""
    host = _header(scope, b"host")
    if not host:
        return None
    domain, port = split_domain_port(host.lower())
    if not domain or not validate_host(domain, _allowed_hosts()):
        return None
    try:
        port = int(port) if port else None
    except ValueError:
        return None
    # An IPv6 host is bracketed in Host ([::1]) and not in a parsed origin's hostname.
    return _origin(site_scheme(scope), domain.strip("[]"), port)


def trusted(origin):
    """Whether an origin is one of CSRF_TRUSTED_ORIGINS (wildcards as Django reads them)."""
    scheme, host, port = origin
    for entry in settings.CSRF_TRUSTED_ORIGINS:
        if "*" in entry:
            # "https://*.example.com": that scheme, any subdomain, the scheme's default port
            # or the one given (Django compares the host and port as written).
            pattern_scheme, _, netloc = entry.partition("://")
            pattern_domain, pattern_port = split_domain_port(netloc.lstrip("*").lower())
            if (
                pattern_scheme.lower() == scheme
                and is_same_domain(host, pattern_domain)
                and port == (int(pattern_port) if pattern_port.isdigit() else DEFAULT_PORTS[scheme])
            ):
                return True
        elif parse_origin(entry) == origin:
            return True
    return False


def origin_allowed(scope):
    raw = _header(scope, b"origin")
    if raw is None:
        return False
    origin = parse_origin(raw)
    if origin is None:  # "null" (sandboxed frames, file://), or not an origin at all
        return False
    return origin == site_origin(scope) or trusted(origin)


class SameOriginValidator:
    """Lets a WebSocket through only from the site's own pages (see the module docstring)."""

    def __init__(self, application):
        self.application = application

    async def __call__(self, scope, receive, send):
        if scope["type"] == "websocket" and not origin_allowed(scope):
            return await WebsocketDenier()(scope, receive, send)
        return await self.application(scope, receive, send)
