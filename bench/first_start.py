"""First start, as `make run` does it on a fresh clone: build the demo database, start the server, and time from
the moment the server prints its URL until the first page shows data in headless Chromium (DESIGN §11: ≤ 2 s).

    .venv/bin/python bench/first_start.py

Prints `demo_build_s=… first_page_s=…` on its last line. Uses a temporary database, never data/toezicht.duckdb.
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def main() -> int:
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "toezicht.duckdb"
        env = dict(os.environ, TOEZICHT_DB=str(db))
        started = time.perf_counter()
        subprocess.run([sys.executable, "-m", "loaders", "demo", "--als-nieuw"], cwd=REPO, env=env, check=True,
                       capture_output=True)
        build_s = time.perf_counter() - started
        port = free_port()
        with sync_playwright() as p:
            # The browser is started first: its own start-up is not the server's first-page time.
            browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
            page = browser.new_page()
            server = subprocess.Popen(
                [sys.executable, "serve.py", "--server.headless", "true", "--server.port", str(port),
                 "--browser.gatherUsageStats", "false"],
                cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
            )
            try:
                for line in server.stdout:
                    if re.search(r"URL: http", line):
                        printed = time.perf_counter()
                        break
                else:
                    raise SystemExit("de server heeft geen URL geprint")
                page.goto(f"http://127.0.0.1:{port}/")
                page.get_by_test_id("stMetricValue").first.wait_for(timeout=60_000)
                shown = time.perf_counter()
                value = page.get_by_test_id("stMetricValue").first.inner_text()
            finally:
                browser.close()
                server.terminate()
                server.wait(timeout=20)
    print(f"first metric on the page: {value!r}")
    print(f"demo_build_s={build_s:.1f} first_page_s={shown - printed:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
