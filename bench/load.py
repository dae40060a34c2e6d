"""Several users at once: headless Chromium sessions that click through Vergelijken, Gemeente and Dossiers on a
running server while an import runs from the command line. Used by tests/test_load.py and bench/run.py.

A page counts as shown when its title is there and Streamlit's "running" indicator is gone; its time runs from
navigation to that moment, as a user would wait for it.
"""

from __future__ import annotations

import asyncio
import os
import socket
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

REPO = Path(__file__).resolve().parent.parent
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking"]
PAGE_TIMEOUT_MS = 120_000


@dataclass
class LoadResult:
    times: list[float] = field(default_factory=list)  # seconds per page view
    errors: list[str] = field(default_factory=list)  # what a session saw go wrong
    outside_requests: list[str] = field(default_factory=list)

    @property
    def p95(self) -> float:
        if not self.times:
            return float("nan")
        if len(self.times) < 2:
            return self.times[0]
        return statistics.quantiles(self.times, n=20, method="inclusive")[18]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(db: Path, log: Path) -> tuple[subprocess.Popen, str]:
    """The real server as `make run` starts it (serve.py), on a free port, on database `db`."""
    port = free_port()
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [sys.executable, "serve.py", "--server.headless", "true", "--server.port", str(port),
             "--server.address", "127.0.0.1", "--browser.gatherUsageStats", "false"],
            cwd=REPO, env=dict(os.environ, TOEZICHT_DB=str(db)), stdout=out, stderr=subprocess.STDOUT,
        )
    deadline = time.time() + 120
    while time.time() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return proc, f"http://127.0.0.1:{port}"
        except OSError:
            if proc.poll() is not None:
                raise RuntimeError(log.read_text(errors="replace")[-2000:])
            time.sleep(0.3)
    proc.kill()
    raise RuntimeError("server did not start")


def page_paths(study: str, municipality: str, indicator: str) -> list[tuple[str, str]]:
    """(path, title) of the pages a program lead and an inspector click through."""
    q = f"onderzoek={quote(study)}"
    return [
        (f"/vergelijken?{q}&indicator={quote(indicator)}", "Vergelijken"),
        (f"/gemeente?{q}&gemeente={quote(municipality)}", municipality),
        (f"/dossiers?{q}&gemeente={quote(municipality)}&indicator={quote(indicator)}&uitkomst=nee", "Dossiers"),
    ]


async def _session(browser, base: str, paths, rounds: int, result: LoadResult, n: int) -> None:
    context = await browser.new_context(viewport={"width": 1400, "height": 1000})
    page = await context.new_page()

    async def guard(route):
        url = route.request.url
        if url.startswith(("http://127.0.0.1", "ws://127.0.0.1", "data:", "blob:")):
            await route.continue_()
        else:
            result.outside_requests.append(url)
            await route.abort()

    await page.route("**/*", guard)
    try:
        for r in range(rounds):
            for path, title in paths:
                started = time.perf_counter()
                try:
                    await page.goto(base + path, timeout=PAGE_TIMEOUT_MS)
                    await page.get_by_role("heading", name=title).first.wait_for(timeout=PAGE_TIMEOUT_MS)
                    await page.wait_for_function(
                        "() => !document.querySelector('[data-testid=\"stStatusWidget\"]')"
                        " || !document.querySelector('[data-testid=\"stStatusWidget\"]').innerText.includes('Running')",
                        timeout=PAGE_TIMEOUT_MS,
                    )
                    result.times.append(time.perf_counter() - started)
                    if await page.locator("[data-testid='stException']").count():
                        result.errors.append(f"sessie {n}, {path}: foutmelding op de pagina")
                except Exception as exc:  # a timeout or a crashed page is what this measures
                    result.errors.append(f"sessie {n}, {path}: {type(exc).__name__}: {str(exc)[:200]}")
    finally:
        await context.close()


async def _drive(base: str, paths, sessions: int, rounds: int) -> LoadResult:
    from playwright.async_api import async_playwright

    result = LoadResult()
    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        try:
            await asyncio.gather(*(_session(browser, base, paths, rounds, result, n) for n in range(sessions)))
        finally:
            await browser.close()
    return result


def run_load(base: str, paths, sessions: int = 5, rounds: int = 2, during: list[str] | None = None) -> tuple[LoadResult, subprocess.CompletedProcess | None]:
    """Drive `sessions` browsers through `paths` `rounds` times; meanwhile run the command `during` (an import)."""
    background = None
    if during:
        background = subprocess.Popen(during, cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    result = asyncio.run(_drive(base, paths, sessions, rounds))
    done = None
    if background is not None:
        out, _ = background.communicate(timeout=600)
        done = subprocess.CompletedProcess(during, background.returncode, out, "")
    return result, done
