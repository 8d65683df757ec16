"""`make scaled`: the production set-up, on this machine.

DEBUG off, PostgreSQL, Redis (channel layer and cache), static files collected for
WhiteNoise, and several daphne processes sharing them, in the foreground: Ctrl+C stops them
all. What differs from a real deployment: no reverse proxy and no TLS in front (HTTPS=0, so
cookies work over plain http://127.0.0.1), and a SECRET_KEY made up for this run unless one
is set in the environment. See docs/deploy.md.
"""

import argparse
import os
import secrets
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.parse
from pathlib import Path

import psycopg
from psycopg import sql

ROOT = Path(__file__).resolve().parent.parent


def ensure_database(database_url):
    """Create the database named in the URL if it does not exist yet (PostgreSQL has no
    CREATE DATABASE IF NOT EXISTS); connects to the server's `postgres` database to do it."""
    parts = urllib.parse.urlsplit(database_url)
    name = urllib.parse.unquote(parts.path.lstrip("/"))
    admin_url = urllib.parse.urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin_url, autocommit=True) as conn:
        if conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone() is None:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
            print(f"Created database {name!r}.")


def environment(args):
    env = {**os.environ}
    env.update(
        DJANGO_SETTINGS_MODULE="journeyboard.settings",
        PYTHONPATH=str(ROOT),
        DEBUG="0",
        # Plain HTTP on this machine: secure cookies would never come back, and there is
        # no TLS to redirect to. Behind the proxy in production this stays on.
        HTTPS="0",
        DATABASE_URL=args.database_url,
        REDIS_URL=args.redis_url,
        ALLOWED_HOSTS=os.environ.get("ALLOWED_HOSTS", f"{args.host},localhost"),
    )
    if not env.get("SECRET_KEY"):
        env["SECRET_KEY"] = secrets.token_urlsafe(50)
        print(f"SECRET_KEY (made up for this run, development only): {env['SECRET_KEY']}")
    return env


def manage(env, *arguments):
    subprocess.run([sys.executable, str(ROOT / "manage.py"), *arguments], env=env, cwd=ROOT, check=True)


def start_worker(env, host, port):
    process = subprocess.Popen(
        [sys.executable, "-m", "daphne", "-b", host, "-p", str(port), "journeyboard.asgi:application"],
        env=env,
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        bufsize=1,
    )
    # Both workers write to this terminal: each line says which one it came from.
    threading.Thread(target=_relay, args=(process.stdout, f"[{port}] "), daemon=True).start()
    return process


def _relay(stream, prefix):
    for line in stream:
        sys.stdout.write(prefix + line)
        sys.stdout.flush()


def wait_until_listening(host, port, process, timeout=30):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the worker on port {port} exited with {process.returncode}")
        try:
            socket.create_connection((host, port), timeout=0.2).close()
            return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"the worker on port {port} did not start within {timeout} s")


def stop(workers):
    for process in workers:
        if process.poll() is None:
            process.terminate()
    for process in workers:
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


class Stop(Exception):
    pass


def _raise_stop(signum, frame):
    raise Stop(signal.Signals(signum).name)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--redis-url", required=True)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--ports", type=int, nargs="+", default=[8001, 8002])
    args = parser.parse_args()

    env = environment(args)
    ensure_database(args.database_url)
    manage(env, "migrate", "--noinput", "-v1")
    manage(env, "collectstatic", "--noinput", "-v0")
    manage(env, "ensure_demo")

    # Ctrl+C reaches the workers too (same process group); a plain `kill` of this process
    # must stop them as well.
    signal.signal(signal.SIGINT, _raise_stop)
    signal.signal(signal.SIGTERM, _raise_stop)
    workers = []
    try:
        for port in args.ports:
            workers.append(start_worker(env, args.host, port))
        for port, process in zip(args.ports, workers):
            wait_until_listening(args.host, port, process)
        print(
            f"Journeyboard: {len(workers)} daphne workers, DEBUG off, PostgreSQL {args.database_url}, "
            f"Redis {args.redis_url}"
        )
        for port in args.ports:
            print(f"  http://{args.host}:{port}/")
        print("Ctrl+C stops them all.", flush=True)
        while all(process.poll() is None for process in workers):
            time.sleep(0.5)
        failed = next(p for p in workers if p.poll() is not None)
        print(f"A worker exited with {failed.returncode}; stopping the others.", file=sys.stderr)
        return 1
    except Stop:
        print("Stopping the workers…", flush=True)
        return 0
    finally:
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        stop(workers)


if __name__ == "__main__":
    sys.exit(main())
