"""Security headers on every page, the Content-Security-Policy and its nonce, and
`manage.py check --deploy` under the documented production environment."""

import os
import secrets
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

from tests.base import BaseTestCase

ROOT = Path(__file__).resolve().parent.parent


def csp_directives(response):
    header = response["Content-Security-Policy"]
    directives = {}
    for part in header.split(";"):
        name, *sources = part.split()
        directives[name] = sources
    return directives


class _Scripts(HTMLParser):
    """Every <script> tag, and every attribute that would run code (onclick=, javascript:)."""

    def __init__(self):
        super().__init__()
        self.scripts = []
        self.inline_code = []
        self._in_script = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        for name, value in attrs.items():
            if name.startswith("on") or name.startswith("hx-on") or (value or "").strip().lower().startswith("javascript:"):
                self.inline_code.append(f"<{tag} {name}={value!r}>")
        if tag == "script":
            self.scripts.append(attrs)
            self._in_script = attrs

    def handle_data(self, data):
        if self._in_script is not None and data.strip():
            self.inline_code.append(f"<script>{data.strip()[:80]}")

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_script = None


def scripts_of(response):
    parser = _Scripts()
    parser.feed(response.content.decode())
    return parser


class PageHeadersTests(BaseTestCase):
    def pages(self):
        """(name, response) for every kind of full page: signed out, then as a member."""
        yield "login", self.client.get("/accounts/login/")
        yield "signup", self.client.get("/accounts/signup/")
        self.login(self.owner)
        yield "board list", self.client.get("/")
        yield "board page", self.client.get(self.board_url())
        yield "not found", self.client.get("/boards/999999/")

    def test_every_page_has_a_policy_with_only_our_scripts(self):
        for name, response in self.pages():
            with self.subTest(name):
                self.assertIn(response.status_code, (200, 404))
                directives = csp_directives(response)
                script_src = directives["script-src"]
                self.assertEqual(script_src[0], "'self'")
                self.assertEqual(len(script_src), 2, script_src)
                self.assertRegex(script_src[1], r"^'nonce-[A-Za-z0-9+/=]{16,}'$")
                self.assertEqual(directives["default-src"], ["'self'"])
                self.assertEqual(directives["connect-src"], ["'self'"])
                self.assertEqual(directives["style-src"], ["'self'", "'unsafe-inline'"])
                self.assertEqual(directives["img-src"], ["'self'", "data:"])
                self.assertEqual(directives["font-src"], ["'self'"])
                self.assertEqual(directives["object-src"], ["'none'"])
                self.assertEqual(directives["base-uri"], ["'self'"])
                self.assertEqual(directives["form-action"], ["'self'"])
                self.assertEqual(directives["frame-ancestors"], ["'none'"])

    def test_the_htmx_script_tags_carry_the_headers_nonce(self):
        for name, response in self.pages():
            with self.subTest(name):
                nonce = csp_directives(response)["script-src"][1][len("'nonce-") : -1]
                scripts = scripts_of(response).scripts
                htmx = [s for s in scripts if "/django_htmx/" in s.get("src", "")]
                self.assertGreaterEqual(len(htmx), 2, scripts)  # htmx and its ws extension
                for script in htmx:
                    self.assertEqual(script.get("nonce"), nonce, script)

    def test_a_new_nonce_for_every_response(self):
        first = csp_directives(self.client.get("/accounts/login/"))["script-src"][1]
        second = csp_directives(self.client.get("/accounts/login/"))["script-src"][1]
        self.assertNotEqual(first, second)

    def test_no_inline_script_anywhere(self):
        for name, response in self.pages():
            with self.subTest(name):
                parsed = scripts_of(response)
                self.assertEqual(parsed.inline_code, [])
                for script in parsed.scripts:
                    # Every script is a file of ours: 'self' or the nonce lets it run.
                    self.assertTrue(script.get("src", "").startswith("/static/"), script)

    def test_htmx_never_evaluates_code(self):
        response = self.client.get("/accounts/login/")
        self.assertContains(response, '"allowEval":false')

    def test_security_headers(self):
        for name, response in self.pages():
            with self.subTest(name):
                self.assertEqual(response["X-Frame-Options"], "DENY")
                self.assertEqual(response["X-Content-Type-Options"], "nosniff")
                self.assertEqual(response["Referrer-Policy"], "same-origin")
                self.assertEqual(response["Cross-Origin-Opener-Policy"], "same-origin")


# --- the production environment ------------------------------------------------------


def production_env(**extra):
    """The production settings of docs/deploy.md, in a clean environment (no development leftovers)."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("SECURE_", "SESSION_", "CSRF_", "DJANGO_")) and key not in ("DEBUG", "HTTPS")
    }
    env.update(
        DEBUG="0",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="journeyboard.example.com",
        CSRF_TRUSTED_ORIGINS="https://journeyboard.example.com",
        DJANGO_SETTINGS_MODULE="journeyboard.settings",
        **extra,
    )
    return env


def check_deploy(env):
    return subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), "check", "--deploy", "--fail-level", "WARNING"],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_passes_in_production():
    done = check_deploy(production_env(SECURE_HSTS_PRELOAD="1"))
    assert done.returncode == 0, done.stdout + done.stderr
    assert "System check identified no issues" in done.stdout
    assert "WARNING" not in done.stdout + done.stderr


def test_without_https_settings_the_defaults_are_secure():
    """DEBUG=0 alone turns on the redirect, secure cookies and HSTS; the one thing left is
    asking browsers to preload the domain, a decision for its owner."""
    done = check_deploy(production_env())
    assert done.returncode == 1
    output = done.stdout + done.stderr
    warnings = sorted(set(word.strip("():") for word in output.split() if word.startswith("(security.")))
    assert warnings == ["security.W021"], output


def test_plain_http_must_be_asked_for():
    """HTTPS=0 (a local DEBUG=0 run) is what switches them off, and check --deploy says so."""
    done = check_deploy(production_env(HTTPS="0"))
    assert done.returncode == 1
    for warning in ("security.W004", "security.W008", "security.W012", "security.W016"):
        assert warning in done.stdout + done.stderr, warning
