"""Where the browser tests find Chromium, and how they start it on this kind of machine.

Playwright cannot download its own browser here, so the tests drive Debian's chromium.
Without it they skip with a loud reason, unless JOURNEYBOARD_REQUIRE_BROWSER=1 (set by CI),
in which case a missing browser is a failure.
"""

import os
import shutil

CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def chromium_path():
    configured = os.environ.get("CHROMIUM_PATH")
    if configured:
        return configured if os.path.exists(configured) else None
    for candidate in ("/usr/bin/chromium", "/usr/bin/chromium-browser"):
        if os.path.exists(candidate):
            return candidate
    return shutil.which("chromium")


def browser_required():
    return os.environ.get("JOURNEYBOARD_REQUIRE_BROWSER", "").lower() in ("1", "true", "yes")


def chromium_launch_options():
    path = chromium_path()
    if path is None:
        raise RuntimeError("Chromium not found: install Debian's `chromium` package or set CHROMIUM_PATH")
    return {"executable_path": path, "headless": True, "args": CHROMIUM_ARGS}
