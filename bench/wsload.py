"""Several users without browsers: clients that speak Streamlit's websocket protocol and never draw, so the load
they put on this machine is the server's own work, as when every user sits at their own computer.

A session is one websocket to /_stcore/stream, as one browser tab holds. A view is what the frontend sends when a
user opens a URL: a `rerun_script` BackMsg with the page's URL path and its query string. Its served time runs from
sending that message to the server's `script_finished` (FINISHED_SUCCESSFULLY); a rerun the script asks for itself
(FINISHED_EARLY_FOR_RERUN) is waited out, as a browser would. An exception element, a missing page title, a page
the server does not know, or a timeout is a session error. Every connection goes to 127.0.0.1 only, and every loop
is bounded by a count and a deadline.
"""

from __future__ import annotations

import asyncio
import statistics
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

from bench.load import LoadResult, PageVisit

VIEW_TIMEOUT_S = 180.0
MAX_MESSAGES = 20_000  # per view: a page sends a few hundred deltas; more means something loops
LOCAL_HOSTS = ("127.0.0.1",)
ROUTE_HEADER = "X-Toezicht-Upstream"  # set by deploy/nginx.conf.template: which server process answered


def _local(base: str) -> str:
    """The host:port of `base`, refused unless it is the loopback address (nothing may leave this machine)."""
    parts = urlsplit(base)
    if parts.scheme != "http" or parts.hostname not in LOCAL_HOSTS:
        raise ValueError(f"alleen 127.0.0.1 is toegestaan, niet {base}")
    return parts.netloc


def _rerun(visit: PageVisit) -> bytes:
    path, _, query = visit.path.lstrip("/").partition("?")
    msg = BackMsg()
    msg.rerun_script.query_string = query
    msg.rerun_script.page_name = path
    msg.rerun_script.page_script_hash = ""  # the server finds the page by its URL path, as on a fresh page load
    return msg.SerializeToString()


@dataclass
class ViewOutcome:
    served_s: float
    received_kb: float
    error: str | None
    texts: list[str] = field(default_factory=list)  # what the page wrote: headings, text, metrics, notices


def _text_of(element) -> str | None:
    which = element.WhichOneof("type")
    if which in ("heading", "markdown", "alert"):
        return getattr(element, which).body
    if which == "metric":
        return f"{element.metric.label}: {element.metric.body}"
    if which == "text":
        return element.text.body
    return None


async def _view(ws, visit: PageVisit, timeout: float) -> ViewOutcome:
    """Ask for one page and read the server's messages until its script finished."""
    started = time.perf_counter()
    deadline = started + timeout
    received = 0
    headings: list[str] = []
    texts: list[str] = []
    await ws.send(_rerun(visit))
    for _ in range(MAX_MESSAGES):
        left = deadline - time.perf_counter()
        if left <= 0:
            break
        try:
            raw = await asyncio.wait_for(ws.recv(), timeout=left)
        except asyncio.TimeoutError:
            break
        if isinstance(raw, str):
            continue
        received += len(raw)
        msg = ForwardMsg()
        msg.ParseFromString(raw)
        kind = msg.WhichOneof("type")
        if kind == "delta" and msg.delta.WhichOneof("type") == "new_element":
            element = msg.delta.new_element
            which = element.WhichOneof("type")
            if which == "exception":
                return ViewOutcome(time.perf_counter() - started, received / 1024,
                                   f"foutmelding op de pagina: {element.exception.type}")
            if which == "heading":
                headings.append(element.heading.body)
            text = _text_of(element)
            if text:
                texts.append(text)
        elif kind == "page_not_found":
            return ViewOutcome(time.perf_counter() - started, received / 1024, "pagina niet gevonden")
        elif kind == "script_finished":
            status = msg.script_finished
            if status == ForwardMsg.FINISHED_EARLY_FOR_RERUN:
                headings.clear()
                texts.clear()
                continue
            served = time.perf_counter() - started
            if status != ForwardMsg.FINISHED_SUCCESSFULLY:
                return ViewOutcome(served, received / 1024, f"script eindigde met status {status}")
            if not any(h.strip().lstrip("#").strip().startswith(visit.title) for h in headings):
                return ViewOutcome(served, received / 1024, f"titel {visit.title!r} niet getoond")
            return ViewOutcome(served, received / 1024, None, texts)
    return ViewOutcome(time.perf_counter() - started, received / 1024, "geen antwoord binnen de tijd")


def route_cookie(base: str) -> str | None:
    """What a browser receives when it loads the app's page: the proxy's routing cookie, if any (none without nginx)."""
    _local(base)
    direct = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # never a proxy from the environment
    with direct.open(base + "/", timeout=30) as response:
        cookies = [c.split(";", 1)[0] for c in response.headers.get_all("Set-Cookie") or []]
    return "; ".join(cookies) or None


class Session:
    """One user: a websocket to the server (through the proxy, with its routing cookie, when there is one)."""

    def __init__(self, base: str, cookie: str | None = None):
        self.url = f"ws://{_local(base)}/_stcore/stream"
        self.cookie = cookie
        self.upstream = ""  # the server process that answered (behind nginx)
        self._connection = None
        self.ws = None

    async def __aenter__(self) -> Session:
        import websockets

        headers = {"Cookie": self.cookie} if self.cookie else None
        self._connection = websockets.connect(self.url, subprotocols=["streamlit"], additional_headers=headers,
                                              max_size=None, open_timeout=60, ping_interval=None,
                                              proxy=None)  # never a proxy from the environment: 127.0.0.1 only
        self.ws = await self._connection.__aenter__()
        self.upstream = self.ws.response.headers.get(ROUTE_HEADER, "")
        return self

    async def __aexit__(self, *exc) -> None:
        await self._connection.__aexit__(*exc)

    async def view(self, visit: PageVisit, timeout: float = VIEW_TIMEOUT_S) -> ViewOutcome:
        return await _view(self.ws, visit, timeout)


async def _session(base: str, paths: list[PageVisit], rounds: int, result: LoadResult, n: int, start: asyncio.Event,
                   upstreams: list[str], cookie: str | None, timeout: float) -> None:
    try:
        async with Session(base, cookie) as session:
            upstreams.append(session.upstream)
            await start.wait()
            for _ in range(rounds):
                for visit in paths:
                    outcome = await session.view(visit, timeout)
                    result.served.append(outcome.served_s)
                    result.times.append(outcome.served_s)
                    result.pages.append(visit.title)
                    if outcome.error:
                        result.errors.append(f"sessie {n}, {visit.path}: {outcome.error}")
    except Exception as exc:  # a refused or dropped connection is what this measures
        result.errors.append(f"sessie {n}: {type(exc).__name__}: {str(exc)[:300]}")


BROWSER_START_TIMEOUT_S = 300.0


@dataclass
class LoadRun:
    """One load run: the websocket users, the one real browser (if any), the import that ran meanwhile."""

    sessions: int
    ws: LoadResult
    browser: LoadResult | None
    imported: subprocess.CompletedProcess | None
    upstreams: list[str]  # per websocket session: the server process that answered (behind nginx)

    @property
    def served(self) -> list[float]:
        return self.ws.served + (self.browser.served if self.browser else [])

    @property
    def served_p50(self) -> float:
        return LoadResult(served=self.served).served_p50

    @property
    def served_p95(self) -> float:
        return LoadResult(served=self.served).served_p95

    @property
    def errors(self) -> list[str]:
        return self.ws.errors + (self.browser.errors if self.browser else [])

    @property
    def outside_requests(self) -> list[str]:
        return self.browser.outside_requests if self.browser else []

    def summary(self) -> str:
        per_page: dict[str, list[float]] = {}
        for title, t in zip(self.ws.pages, self.ws.served):
            per_page.setdefault(title, []).append(t)
        parts = [f"{title}: median {statistics.median(ts):.2f} s, max {max(ts):.2f} s"
                 for title, ts in per_page.items()]
        text = (f"{self.sessions} sessies: served p50 {self.served_p50:.2f} s, p95 {self.served_p95:.2f} s "
                f"({len(self.served)} views; {'; '.join(parts)})")
        if self.browser and self.browser.times:
            text += (f"; browser (nice 19) drawn median {statistics.median(self.browser.times):.2f} s, "
                     f"max {max(self.browser.times):.2f} s")
        ended = "after the sessions" if self.ws.during_s is None else f"at {self.ws.during_s:.1f} s"
        return text + f"; sessions took {self.ws.wall_s:.1f} s, the import ended {ended}"


async def _start_browser(base: str, paths: list[PageVisit], rounds: int):
    """The one real browser, at the lowest priority so it takes no CPU the server wants; returns once it is ready."""
    import json

    from bench.load import REPO

    visits = json.dumps([{"path": v.path, "title": v.title, "final": list(v.final)} for v in paths])
    proc = await asyncio.create_subprocess_exec(
        "nice", "-n", "19", sys.executable, "bench/load.py", base, visits, str(rounds), cwd=REPO,
        stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.DEVNULL)
    try:
        line = await asyncio.wait_for(proc.stdout.readline(), BROWSER_START_TIMEOUT_S)
    except asyncio.TimeoutError:
        line = b""
    if line.strip() != b"klaar":
        proc.kill()
        await proc.wait()
        return None
    return proc


async def _finish_browser(proc) -> LoadResult:
    import json

    result = LoadResult()
    if proc is None:
        result.errors.append("browser: startte niet")
        return result
    try:
        out, _ = await asyncio.wait_for(proc.communicate(), VIEW_TIMEOUT_S * 4)
        data = json.loads(out.decode().strip().splitlines()[-1])
    except (asyncio.TimeoutError, ValueError, IndexError) as exc:
        if proc.returncode is None:
            proc.kill()
            await proc.wait()
        result.errors.append(f"browser: {type(exc).__name__}")
        return result
    for key in ("times", "served", "pages", "errors", "outside_requests"):
        setattr(result, key, data.get(key, []))
    result.wall_s = data.get("wall_s", 0.0)
    return result


async def _drive(base: str, paths: list[PageVisit], sessions: int, rounds: int, on_start, cookie: str | None,
                 timeout: float, browser: bool) -> LoadRun:
    from bench.load import _watch

    result = LoadResult()
    upstreams: list[str] = []
    start = asyncio.Event()
    clients = sessions - 1 if browser else sessions
    chromium = await _start_browser(base, paths, rounds) if browser else None
    tasks = [asyncio.create_task(_session(base, paths, rounds, result, n, start, upstreams,
                                          route_cookie(base) if cookie is None else cookie, timeout))
             for n in range(clients)]
    for _ in range(600):  # every session connected (or failed) before the clock starts; at most 60 s
        if len(upstreams) + len(result.errors) >= clients:
            break
        await asyncio.sleep(0.1)
    background = on_start()
    began = time.perf_counter()
    if chromium is not None:
        chromium.stdin.write(b"start\n")
        await chromium.stdin.drain()
    start.set()
    watcher = asyncio.create_task(_watch(background, began, result))
    await asyncio.gather(*tasks)
    result.wall_s = time.perf_counter() - began
    drawn = await _finish_browser(chromium) if browser else None
    watcher.cancel()
    return LoadRun(sessions, result, drawn, None, upstreams)


def run_ws_load(base: str, paths: list[PageVisit], sessions: int = 5, rounds: int = 2, during: list[str] | None = None,
                env: dict | None = None, cookie: str | None = None, timeout: float = VIEW_TIMEOUT_S,
                browser: bool = False) -> LoadRun:
    """`sessions` users walk `paths` `rounds` times; as they start, the command `during` (an import) runs. With
    `browser`, one of them is a real Chromium at the lowest priority (its drawn time), the others websocket clients.
    `cookie`: sent with every websocket session (e.g. a sign-in cookie taken from a browser); None: the proxy's own."""
    from bench.load import REPO

    background: list[subprocess.Popen] = []

    def start_background() -> subprocess.Popen | None:
        if during:
            background.append(subprocess.Popen(during, cwd=REPO, env=env, stdout=subprocess.PIPE,
                                               stderr=subprocess.STDOUT, text=True))
            return background[0]
        return None

    try:
        run = asyncio.run(_drive(base, paths, sessions, rounds, start_background, cookie, timeout, browser))
    except BaseException:
        for proc in background:
            proc.kill()
            proc.wait()
        raise
    if background:
        out, _ = background[0].communicate(timeout=600)
        run.imported = subprocess.CompletedProcess(during, background[0].returncode, out, "")
    return run


def load_matrix(db, paths: list[PageVisit], workdir, sizes=(5, 20), processes=(1, 2), rounds: int = 1,
                browser: bool = True) -> dict[tuple[int, int], LoadRun]:
    """Every (processes, sessions) of the grid in one run, each behind nginx (deploy/serve_many.py) on `db`, each
    while a command-line import of a new study (`load-<processes>-<sessions>`, 12 dossiers on kg-2017) runs."""
    from pathlib import Path

    from bench.load import write_import_workbook
    from deploy.serve_many import start

    workdir = Path(workdir)
    runs: dict[tuple[int, int], LoadRun] = {}
    for n_proc in processes:
        with start(Path(db), processes=n_proc, prefix=workdir / f"nginx-{n_proc}") as cluster:
            for n in sizes:
                study = f"load-{n_proc}-{n}"
                book = write_import_workbook(workdir / f"{study}.xlsx", study=study)
                runs[(n_proc, n)] = run_ws_load(
                    cluster.base, paths, sessions=n, rounds=rounds, browser=browser,
                    during=[sys.executable, "-m", "loaders", "import", "--db", str(db), str(book)])
    return runs


def matrix_lines(runs: dict[tuple[int, int], LoadRun]) -> list[str]:
    """One line per run, then the p95 ratio of one process to two per session count."""
    lines = [f"load {p} proces(sen), {run.summary()}" for (p, _), run in sorted(runs.items())]
    for n in sorted({n for _, n in runs}):
        if (1, n) in runs and (2, n) in runs:
            ratio = runs[(1, n)].served_p95 / runs[(2, n)].served_p95
            lines.append(f"load {n} sessies: served p95 1 proces {runs[(1, n)].served_p95:.2f} s, "
                         f"2 processen {runs[(2, n)].served_p95:.2f} s, ratio {ratio:.2f}")
    return lines
