"""Start real Journeyboard server processes for scale-out tests and benchmarks.

`LiveStack` makes a fresh PostgreSQL database, migrates it, and runs daphne processes on
free ports, all sharing that database and one Redis channel layer, the way a production
deployment runs several ASGI processes. Clients sign in over HTTP like a browser does.
"""

import http.cookiejar
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
import uuid
from pathlib import Path

import psycopg

ROOT = Path(__file__).resolve().parent.parent


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for_port(port, process, timeout=20):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server on port {port} exited with {process.returncode}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"server on port {port} did not start")


class LiveStack:
    def __init__(self, postgres_url, redis_url, processes=2):
        self.admin_url = postgres_url
        self.db_name = f"journeyboard_live_{uuid.uuid4().hex[:10]}"
        parts = urllib.parse.urlsplit(postgres_url)
        self.database_url = urllib.parse.urlunsplit(parts._replace(path="/" + self.db_name))
        self.redis_url = redis_url
        self.count = processes
        self.servers = []
        self.env = {
            **os.environ,
            "DATABASE_URL": self.database_url,
            "REDIS_URL": redis_url,
            "DEBUG": "0",
            # Plain HTTP on 127.0.0.1: no HTTPS redirect, cookies without the Secure flag.
            "HTTPS": "0",
            "SECRET_KEY": "live-stack-" + uuid.uuid4().hex,
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "PYTHONPATH": str(ROOT),
            "DJANGO_SETTINGS_MODULE": "journeyboard.settings",
            # DEBUG off serves hashed static files only after collectstatic, as in production.
            "STATIC_ROOT": str(Path(tempfile.gettempdir()) / f"{self.db_name}-static"),
        }

    def manage(self, *args):
        return subprocess.run(
            [sys.executable, str(ROOT / "manage.py"), *args], env=self.env, check=True, capture_output=True, text=True
        ).stdout

    def __enter__(self):
        with psycopg.connect(self.admin_url, autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{self.db_name}"')
        self.manage("migrate", "-v0")
        self.manage("collectstatic", "--noinput", "-v0")
        for _ in range(self.count):
            port = free_port()
            process = subprocess.Popen(
                [sys.executable, "-m", "daphne", "-b", "127.0.0.1", "-p", str(port), "journeyboard.asgi:application"],
                env=self.env,
                cwd=ROOT,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.PIPE,
            )
            self.servers.append((port, process))
        for port, process in self.servers:
            wait_for_port(port, process)
        return self

    def __exit__(self, *exc):
        for _port, process in self.servers:
            process.terminate()
        for _port, process in self.servers:
            try:
                process.wait(10)
            except subprocess.TimeoutExpired:
                process.kill()
        with psycopg.connect(self.admin_url, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{self.db_name}" WITH (FORCE)')
        shutil.rmtree(self.env["STATIC_ROOT"], ignore_errors=True)

    @property
    def ports(self):
        return [port for port, _process in self.servers]

    def shell(self, code):
        """Run Django code against the stack's database; returns its printed output."""
        return self.manage("shell", "--no-imports", "-c", code).strip()


class Browserless:
    """An HTTP client that signs in and posts like the board page does (CSRF header included)."""

    def __init__(self, port):
        self.base = f"http://127.0.0.1:{port}"
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))

    def cookie(self, name):
        return next((c.value for c in self.jar if c.name == name), None)

    def sign_in(self, username, password):
        self.opener.open(self.base + "/accounts/login/").read()
        self.post("/accounts/login/", {"username": username, "password": password})
        if not self.cookie("sessionid"):
            raise RuntimeError(f"could not sign in as {username}")
        return self

    def post(self, path, fields, headers=None):
        data = urllib.parse.urlencode(fields).encode()
        request = urllib.request.Request(self.base + path, data=data, method="POST")
        request.add_header("X-CSRFToken", self.cookie("csrftoken") or "")
        request.add_header("Referer", self.base + "/")
        for name, value in (headers or {}).items():
            request.add_header(name, value)
        with self.opener.open(request) as response:
            return response.status, response.read().decode()

    def get(self, path):
        with self.opener.open(self.base + path) as response:
            return response.status, response.read().decode()

    def ws_headers(self):
        return {"Cookie": f"sessionid={self.cookie('sessionid')}", "Origin": self.base}


def card_ids(html):
    return [int(i) for i in re.findall(r'id="card-(\d+)"', html)]
