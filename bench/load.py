"""What the load runs share (bench/wsload.py, tests/test_load.py, bench/run.py), the real server as the browser
tests start it, and the one real browser of a load run.

The browser is headless Chromium, started by bench/wsload.py as `nice -n 19 python bench/load.py …` so it takes no
CPU the server wants, signed in with cookies a load user got (on stdin, not in the command line). A page counts as
shown when its title is there, the last element of the page (its `final` role and name) is there, and Streamlit's
running indicator is gone; its time runs from navigation to that moment, as a user would wait for it. The time until
the server's last websocket message of that view is kept beside it ("served"). An exception box, a traceback or a
timeout is an error; a request that would leave this machine is refused and recorded.
"""

from __future__ import annotations

import asyncio
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:  # run as a script (bench/wsload.py starts `python bench/load.py`)
    sys.path.insert(0, str(REPO))

from deploy.serve_many import free_port, start_backend, wait_for_port  # noqa: E402
from deploy.serve_many import stop_process as stop_server  # noqa: E402
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
    def served_p50(self) -> float:
        return statistics.median(self.served) if self.served else float("nan")

    @property
    def served_p95(self) -> float:
        """The p95 without the browsers' drawing: how long the server took to send each page."""
        return _p95(self.served)


def start_server(db: Path, log: Path, extra_args: tuple[str, ...] = ()) -> tuple[subprocess.Popen, str]:
    """The real server as `make run` starts it (serve.py), on a free port, on database `db`; `extra_args` are
    further Streamlit options (e.g. `--secrets.files`)."""
    port = free_port()
    proc = start_backend(db, port, log, extra_args, shared=False)
    try:
        wait_for_port(port, proc, log, "server")
    except BaseException:
        stop_server(proc)
        raise
    return proc, f"http://127.0.0.1:{port}"


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


async def _new_page(browser, result: LoadResult, cookies: list[dict] | None = None):
    """A fresh browser context (one user, with `cookies` if given) whose requests may not leave this machine: others
    are recorded and refused."""
    context = await browser.new_context(viewport={"width": 1400, "height": 1000})
    if cookies:
        await context.add_cookies(cookies)

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


async def _walk(page, frames: list[float], base: str, paths: list[PageVisit], rounds: int, result: LoadResult) -> None:
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
                    result.errors.append(f"browser, {visit.path}: foutmelding op de pagina")
                if "Traceback" in await page.locator("body").inner_text():
                    result.errors.append(f"browser, {visit.path}: traceback op de pagina")
            except Exception as exc:  # a timeout or a crashed page is what this measures
                result.errors.append(f"browser, {visit.path}: {type(exc).__name__}: {str(exc)[:300]}")


async def _watch(proc: subprocess.Popen | None, began: float, result: LoadResult) -> None:
    """Note when the background command ends, to show whether it really ran while the users did."""
    while proc is not None and proc.poll() is None:
        await asyncio.sleep(0.2)
    if proc is not None:
        result.during_s = time.perf_counter() - began


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


async def _one_browser(base: str, paths: list[PageVisit], rounds: int, cookies: list[dict]) -> LoadResult:
    """One real browser for the drawn time: after its untimed first visit to the start page (signed in, it shows
    Overzicht) it prints `klaar`, waits for a line on stdin, then walks `paths` `rounds` times."""
    from playwright.async_api import async_playwright

    result = LoadResult()
    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        try:
            context, page, frames = await _new_page(browser, result, cookies)
            try:
                await _show(page, base, PageVisit("/", "Overzicht", ("heading", "Overzicht")))
                print("klaar", flush=True)
                await asyncio.get_running_loop().run_in_executor(None, sys.stdin.readline)
                began = time.perf_counter()
                await _walk(page, frames, base, paths, rounds, result)
                result.wall_s = time.perf_counter() - began
            finally:
                await context.close()
        finally:
            await browser.close()
    return result


def browser_main(argv: list[str]) -> int:
    """`python bench/load.py BASE VISITS_JSON ROUNDS`, the browser's cookies as one JSON line on stdin (Playwright's
    form: name, value, url): _one_browser, its result as one JSON line on stdout."""
    import json

    base, visits, rounds = argv[0], json.loads(argv[1]), int(argv[2])
    cookies = json.loads(sys.stdin.readline() or "[]")
    if not base.startswith(LOCAL_PREFIXES[:1]):
        print(json.dumps({"errors": [f"alleen 127.0.0.1 is toegestaan, niet {base}"]}), flush=True)
        return 1
    paths = [PageVisit(v["path"], v["title"], tuple(v["final"])) for v in visits]
    try:
        result = asyncio.run(_one_browser(base, paths, rounds, cookies))
    except Exception as exc:  # reported to bench/wsload.py as the browser's error, not as a traceback
        result = LoadResult(errors=[f"browser: {type(exc).__name__}: {str(exc)[:300]}"])
    print(json.dumps({"times": result.times, "served": result.served, "pages": result.pages, "errors": result.errors,
                      "outside_requests": result.outside_requests, "wall_s": result.wall_s}), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(browser_main(sys.argv[1:]))
