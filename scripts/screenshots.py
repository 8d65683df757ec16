"""Regenerate the README's pictures: screenshots of the board list and the demo board (on a
wide screen and on a phone), a share link's projector page, and the demo board exported as PNG.

Runs the app on a throw-away SQLite database with the demo data, drives Debian's
Chromium with Playwright and writes docs/*.png. Usage: `make screenshots`.
"""

import os
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
sys.path.insert(0, str(ROOT))

from tests.browser import chromium_launch_options  # noqa: E402


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def main():
    from playwright.sync_api import sync_playwright

    DOCS.mkdir(exist_ok=True)
    with tempfile.TemporaryDirectory() as data_dir:
        env = {**os.environ, "JOURNEYBOARD_DATA_DIR": data_dir, "DEBUG": "1"}
        manage = [sys.executable, str(ROOT / "manage.py")]
        subprocess.run([*manage, "migrate", "-v0"], env=env, check=True)
        subprocess.run([*manage, "ensure_demo"], env=env, check=True, capture_output=True)
        port = free_port()
        server = subprocess.Popen([*manage, "runserver", "--noreload", f"127.0.0.1:{port}"], env=env,
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            base = f"http://127.0.0.1:{port}"
            for _ in range(100):
                try:
                    socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                    break
                except OSError:
                    time.sleep(0.1)
            with sync_playwright() as pw:
                browser = pw.chromium.launch(**chromium_launch_options())
                page = browser.new_page(viewport={"width": 1440, "height": 900}, device_scale_factor=1)
                page.goto(base + "/accounts/login/")
                page.fill("#id_username", "demo")
                page.fill("#id_password", "journeyboard-demo")
                page.click(".auth-form button[type=submit]")
                page.wait_for_url(base + "/")
                page.screenshot(path=str(DOCS / "board-list.png"))
                # Wide enough for all ten phases and tall enough for the three rows: the whole journey.
                page.set_viewport_size({"width": 3150, "height": 1120})
                page.goto(base + "/boards/1/")
                page.wait_for_selector("#connection[data-state=live]")
                page.screenshot(path=str(DOCS / "board.png"))
                page.set_viewport_size({"width": 1440, "height": 900})
                # The exported picture of the same board, as the Export menu downloads it.
                export = page.request.get(base + "/boards/1/export.png?scale=1")
                (DOCS / "export-demo.png").write_bytes(export.body())
                page.locator("#card-3").click()
                page.wait_for_selector("form#card-3 input[name=title]")
                page.screenshot(path=str(DOCS / "card-editing.png"))
                page.keyboard.press("Escape")
                # The projector page of a share link: the QR code participants scan to join.
                page.set_viewport_size({"width": 1920, "height": 1080})  # Members in the bar, not in "More"
                page.click("button[data-open-dialog=members-dialog]")
                page.select_option("#share-links select[name=role]", "editor")
                page.click("#share-links button[type=submit]")
                screen = page.locator("#share-links a", has_text="Show on screen").first
                screen.wait_for()
                page.set_viewport_size({"width": 1280, "height": 720})
                page.goto(base + screen.get_attribute("href"))
                page.wait_for_selector(".link-screen-qr")
                page.wait_for_function("() => document.querySelector('.link-screen-qr').complete")
                page.screenshot(path=str(DOCS / "projector-qr.png"))
                # What a participant who scanned it sees: the board on a phone, one phase at a time.
                phone = browser.new_context(
                    viewport={"width": 390, "height": 844}, device_scale_factor=2, is_mobile=True, has_touch=True,
                    storage_state=page.context.storage_state(),
                ).new_page()
                phone.goto(base + "/boards/1/")
                phone.wait_for_selector("#connection[data-state=live]", state="attached")
                phone.select_option("#phase-picker", index=2)
                phone.wait_for_function("() => document.querySelector('.phase-nav-count').textContent.startsWith('3/')")
                phone.wait_for_timeout(600)  # the smooth scroll settles
                phone.screenshot(path=str(DOCS / "phone-board.png"))
                browser.close()
        finally:
            server.terminate()
            server.wait(10)
    print("wrote", ", ".join(str(p.relative_to(ROOT)) for p in sorted(DOCS.glob("*.png"))))


if __name__ == "__main__":
    main()
