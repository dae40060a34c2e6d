"""Several users at once: headless Chromium sessions that click through Vergelijken, Gemeente and Dossiers on a
running server while an import runs from the command line. Used by tests/test_load.py and bench/run.py.

A page counts as shown when its title is there, the last element of the page (its `final` role and name) is
there, and Streamlit's running indicator is gone; its time runs from navigation to that moment, as a user
would wait for it. The time until the server's last websocket message of that view is kept beside it
("served"): all browsers share this machine's cores with the server, so the drawn time also holds the other
users' chart drawing, which on their own computers would not compete. A session that sees an exception box,
a traceback or a timeout records an error.
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
from urllib.parse import urlencode

REPO = Path(__file__).resolve().parent.parent
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking"]
PAGE_TIMEOUT_MS = 120_000
LOCAL_PREFIXES = ("http://127.0.0.1", "ws://127.0.0.1", "http://localhost", "ws://localhost", "data:", "blob:")
SETTLED = "() => !document.querySelector('[data-testid=\"stStatusWidget\"]')"


@dataclass(frozen=True)
class PageVisit:
    """One page of the walk: its URL path, its title (h1) and the last element it draws (role, name)."""

    path: str
    title: str
    final: tuple[str, str]


def _p95(values: list[float]) -> float:
    if not values:
        return float("nan")
    if len(values) < 2:
        return values[0]
    return statistics.quantiles(values, n=20, method="inclusive")[18]


@dataclass
class LoadResult:
    times: list[float] = field(default_factory=list)  # seconds per page view, until the page is drawn
    served: list[float] = field(default_factory=list)  # seconds until the server's last message for that view
    pages: list[str] = field(default_factory=list)  # the page title of each time
    errors: list[str] = field(default_factory=list)  # what a session saw go wrong
    outside_requests: list[str] = field(default_factory=list)
    wall_s: float = 0.0  # from the start of the sessions until the last one finished
    during_s: float | None = None  # when the background command ended (None: after the sessions)

    @property
    def p95(self) -> float:
        return _p95(self.times)

    @property
    def served_p50(self) -> float:
        return statistics.median(self.served) if self.served else float("nan")

    @property
    def served_p95(self) -> float:
        """The p95 without the browsers' drawing: how long the server took to send each page."""
        return _p95(self.served)

    def summary(self) -> str:
        per_page = {}
        for title, t in zip(self.pages, self.times):
            per_page.setdefault(title, []).append(t)
        parts = [f"{title}: median {statistics.median(ts):.2f} s, max {max(ts):.2f} s ({len(ts)}x)" for title, ts in per_page.items()]
        parts.append(f"served p95 {self.served_p95:.2f} s (drawn p95 {self.p95:.2f} s)")
        ended = "after the sessions" if self.during_s is None else f"at {self.during_s:.1f} s"
        return "; ".join(parts) + f"; sessions took {self.wall_s:.1f} s, the import ended {ended}"



def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(db: Path, log: Path, extra_args: tuple[str, ...] = ()) -> tuple[subprocess.Popen, str]:
    """The real server as `make run` starts it (serve.py), on a free port, on database `db`; `extra_args` are
    further Streamlit options (e.g. `--secrets.files`)."""
    port = free_port()
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [sys.executable, "serve.py", "--server.headless", "true", "--server.port", str(port),
             "--server.address", "127.0.0.1", "--browser.gatherUsageStats", "false", *extra_args],
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


def stop_server(proc: subprocess.Popen) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=30)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(timeout=30)


def page_paths(study: str, municipality: str, indicator: str) -> list[PageVisit]:
    """The pages a program lead and an inspector click through, with the filters in the URL (DESIGN §8)."""
    def url(page: str, **params) -> str:
        return f"/{page}?{urlencode(params)}"

    return [
        PageVisit(url("vergelijken", onderzoek=study, indicator=indicator), "Vergelijken", ("button", "Download tabel (CSV)")),
        PageVisit(url("gemeente", onderzoek=study, gemeente=municipality, indicator=indicator), "Gemeente",
                  ("button", "Download naleving (CSV)")),
        PageVisit(url("dossiers", onderzoek=study, gemeente=municipality, indicator=indicator, uitkomst="nee"), "Dossiers",
                  ("heading", "Dossier openen")),
    ]


async def _show(page, base: str, visit: PageVisit) -> None:
    """Navigate to `visit` and wait until the page is fully drawn."""
    await page.goto(base + visit.path, timeout=PAGE_TIMEOUT_MS)
    await page.get_by_role("heading", name=visit.title, exact=True).first.wait_for(timeout=PAGE_TIMEOUT_MS)
    role, name = visit.final
    await page.get_by_role(role, name=name, exact=True).first.wait_for(timeout=PAGE_TIMEOUT_MS)
    await page.wait_for_function(SETTLED, timeout=PAGE_TIMEOUT_MS)


async def _new_page(browser, result: LoadResult):
    """A fresh browser context (one user) whose requests may not leave this machine: others are recorded and refused."""
    context = await browser.new_context(viewport={"width": 1400, "height": 1000})

    async def guard(route):
        url = route.request.url
        if url.startswith(LOCAL_PREFIXES):
            await route.continue_()
        else:
            result.outside_requests.append(url)
            await route.abort()

    await context.route("**/*", guard)
    page = await context.new_page()
    frames: list[float] = []  # arrival times of the server's websocket messages
    page.on("websocket", lambda ws: ws.on("framereceived", lambda _: frames.append(time.perf_counter())))
    return context, page, frames


async def _session(browser, base: str, paths: list[PageVisit], rounds: int, result: LoadResult, n: int,
                   start: asyncio.Event) -> None:
    context, page, frames = await _new_page(browser, result)
    try:
        await start.wait()
        for _ in range(rounds):
            for visit in paths:
                started = time.perf_counter()
                frames.clear()
                try:
                    await _show(page, base, visit)
                    drawn = time.perf_counter()
                    result.times.append(drawn - started)
                    result.served.append(max((t for t in frames if t <= drawn), default=drawn) - started)
                    result.pages.append(visit.title)
                    if await page.locator("[data-testid='stException']").count():
                        result.errors.append(f"sessie {n}, {visit.path}: foutmelding op de pagina")
                    if "Traceback" in await page.locator("body").inner_text():
                        result.errors.append(f"sessie {n}, {visit.path}: traceback op de pagina")
                except Exception as exc:  # a timeout or a crashed page is what this measures
                    result.errors.append(f"sessie {n}, {visit.path}: {type(exc).__name__}: {str(exc)[:300]}")
    finally:
        await context.close()


async def _watch(proc: subprocess.Popen | None, began: float, result: LoadResult) -> None:
    """Note when the background command ends, to show whether it really ran while the users did."""
    while proc is not None and proc.poll() is None:
        await asyncio.sleep(0.2)
    if proc is not None:
        result.during_s = time.perf_counter() - began


async def _drive(base: str, paths: list[PageVisit], sessions: int, rounds: int, on_start) -> LoadResult:
    from playwright.async_api import async_playwright

    result = LoadResult()
    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        try:
            # Streamlit runs a page URL as a stand-alone script until app.py has run once in the server process;
            # a real first visitor lands on the start page, so one untimed visit there comes first.
            context, page, _ = await _new_page(browser, result)
            try:
                await _show(page, base, PageVisit("/", "Overzicht", ("heading", "Overzicht")))
            finally:
                await context.close()
            start = asyncio.Event()
            tasks = [asyncio.create_task(_session(browser, base, paths, rounds, result, n, start)) for n in range(sessions)]
            await asyncio.sleep(0.5)  # contexts open; then all users and the import begin together
            background = on_start()
            began = time.perf_counter()
            start.set()
            watcher = asyncio.create_task(_watch(background, began, result))
            await asyncio.gather(*tasks)
            result.wall_s = time.perf_counter() - began
            watcher.cancel()
        finally:
            await browser.close()
    return result


def run_load(base: str, paths: list[PageVisit], sessions: int = 5, rounds: int = 2, during: list[str] | None = None,
             env: dict | None = None) -> tuple[LoadResult, subprocess.CompletedProcess | None]:
    """Drive `sessions` browsers through `paths` `rounds` times; as they start, run the command `during` (an import)."""
    background: list[subprocess.Popen] = []

    def start_background() -> subprocess.Popen | None:
        if during:
            background.append(subprocess.Popen(during, cwd=REPO, env=env, stdout=subprocess.PIPE,
                                               stderr=subprocess.STDOUT, text=True))
            return background[0]
        return None

    try:
        result = asyncio.run(_drive(base, paths, sessions, rounds, start_background))
    except BaseException:
        for proc in background:
            proc.kill()
            proc.wait()
        raise
    done = None
    if background:
        out, _ = background[0].communicate(timeout=600)
        done = subprocess.CompletedProcess(during, background[0].returncode, out, "")
    return result, done


def write_import_workbook(path: Path, study: str = "bench-load", dossiers: int = 12) -> Path:
    """A small real scoring workbook for the import that runs during the load: a new study on kg-2017."""
    import datetime as dt

    from openpyxl import Workbook

    book = Workbook()
    meta = book.active
    meta.title = "Onderzoek"
    for row in (["Onderzoek", study], ["Kader", "kg-2017"], ["Gemeente", "Goeree-Overflakkee"],
                ["Datum", dt.datetime(2016, 10, 11)], ["Soort", "onderzoek"]):
        meta.append(row)
    sheet = book.create_sheet("Dossiers")
    sheet.append(["Dossier", "TT1", "TT2", "TT3"])
    for i in range(1, dossiers + 1):
        sheet.append([f"BL-{i:02d}", *[("ja" if (i + k) % 2 else "nee") for k in range(3)]])
    book.save(path)
    return path


async def _one_browser(base: str, paths: list[PageVisit], rounds: int) -> LoadResult:
    """One real browser for the drawn time, started by bench/wsload.py under `nice -n 19`: after its untimed first
    visit it prints `klaar`, waits for a line on stdin, then walks `paths` `rounds` times."""
    from playwright.async_api import async_playwright

    result = LoadResult()
    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        try:
            context, page, _ = await _new_page(browser, result)
            try:
                await _show(page, base, PageVisit("/", "Overzicht", ("heading", "Overzicht")))
            finally:
                await context.close()
            print("klaar", flush=True)
            await asyncio.get_running_loop().run_in_executor(None, sys.stdin.readline)
            start = asyncio.Event()
            start.set()
            began = time.perf_counter()
            await _session(browser, base, paths, rounds, result, 0, start)
            result.wall_s = time.perf_counter() - began
        finally:
            await browser.close()
    return result


def browser_main(argv: list[str]) -> int:
    """`python bench/load.py BASE VISITS_JSON ROUNDS`: _one_browser, its result as one JSON line on stdout."""
    import json

    base, visits, rounds = argv[0], json.loads(argv[1]), int(argv[2])
    if not base.startswith(LOCAL_PREFIXES[:1]):
        print(json.dumps({"errors": [f"alleen 127.0.0.1 is toegestaan, niet {base}"]}), flush=True)
        return 1
    paths = [PageVisit(v["path"], v["title"], tuple(v["final"])) for v in visits]
    result = asyncio.run(_one_browser(base, paths, rounds))
    print(json.dumps({"times": result.times, "served": result.served, "pages": result.pages, "errors": result.errors,
                      "outside_requests": result.outside_requests, "wall_s": result.wall_s}), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(browser_main(sys.argv[1:]))
