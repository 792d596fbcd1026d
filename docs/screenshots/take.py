"""Screenshots of the library, the reader, the facet matrix and side by side, at 1440 and
390 px, of a Reader checkout served from a throwaway database with the demo project:

    .venv/bin/python docs/screenshots/take.py SOURCE_DIR OUT_DIR [--prefix after]

SOURCE_DIR is a checkout (this one, or `git archive <commit>` unpacked elsewhere for the
"before" pictures); nothing outside a temporary folder is written but the PNGs.
"""

from __future__ import annotations

import argparse
import os
import re
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from playwright.sync_api import sync_playwright

PAGES = {
    "library": "/p/idlib-2020/",
    "reader": "/p/idlib-2020/documents/2/",
    "matrix": "/p/idlib-2020/events/2/",
    "side-by-side": "/p/idlib-2020/events/2/compare/?documents=1&documents=2&documents=4",
}
WIDTHS = {"1440": (1440, 1000), "390": (390, 844)}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("source", type=Path)
    parser.add_argument("out", type=Path)
    parser.add_argument("--prefix", default="after")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as folder:
        env = {**os.environ, "READER_SQLITE_PATH": f"{folder}/db.sqlite3", "READER_DEBUG": "1"}
        env.pop("DATABASE_URL", None)
        manage = [sys.executable, "manage.py"]
        run = {"cwd": args.source, "env": env, "check": True, "capture_output": True}
        subprocess.run([*manage, "migrate", "--noinput"], **run)
        subprocess.run([*manage, "load_demo"], **run)
        port = free_port()
        shown = subprocess.run(
            [*manage, "demo_account", "--address", f"127.0.0.1:{port}"], **run, text=True
        ).stdout
        username = re.search(r"user(?:name)?: (\S+)", shown).group(1)
        password = re.search(r"password: (\S+)", shown).group(1)
        server = subprocess.Popen(
            [*manage, "runserver", "--noreload", f"127.0.0.1:{port}"],
            cwd=args.source,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            time.sleep(3)
            base = f"http://127.0.0.1:{port}"
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(
                    executable_path="/usr/bin/chromium", args=["--headless", "--no-sandbox"]
                )
                for label, (width, height) in WIDTHS.items():
                    context = browser.new_context(
                        base_url=base, viewport={"width": width, "height": height}
                    )
                    page = context.new_page()
                    page.goto("/accounts/login/")
                    page.locator("#id_username").fill(username)
                    page.locator("#id_password").fill(password)
                    page.locator("#id_password").press("Enter")
                    page.wait_for_load_state()
                    for name, url in PAGES.items():
                        page.goto(url)
                        page.wait_for_timeout(300)
                        page.screenshot(path=args.out / f"{args.prefix}-{name}-{label}.png")
                    context.close()
                browser.close()
        finally:
            server.terminate()
            server.wait()


if __name__ == "__main__":
    main()
