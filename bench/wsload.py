"""Several signed-in users without browsers: clients that speak Streamlit's websocket protocol and never draw, so the
load they put on this machine is the server's own work, as when every user sits at their own computer.

Sign-in is on, as served to colleagues (DESIGN §12): the servers get `[auth]` in a secrets file of their own against
a real OpenID Connect provider on 127.0.0.1 (oidc-provider-mock), and every load user has a role in `app_user`. A
`Visitor` is one browser's cookies. It signs in once as a user does, without a browser: it loads the page and
/_stcore/health (the proxy's routing cookie, `_streamlit_xsrf`), opens the websocket, sees the sign-in screen,
presses Aanmelden (the server's `st.login` answers with the address of its /auth/login), follows the redirects to the
provider, submits the provider's form with its e-mail address as the subject, and follows the redirects back through
/oauth2callback, where the server sets its signed auth cookie. Its websockets then carry what a browser's carry and
the server checks: the cookies, the XSRF token (the `_streamlit_xsrf` cookie's value) as the second subprotocol, and
an Origin equal to the redirect URI's origin. Every process of a cluster reads the same secrets file, so the cookie
holds on each of them.

A session is one websocket to /_stcore/stream, as one browser tab holds. A view is what the frontend sends when a
user opens a URL: a `rerun_script` BackMsg with the page's URL path and its query string. Its served time runs from
sending that message to the server's `script_finished` (FINISHED_SUCCESSFULLY); a rerun the script asks for itself
(FINISHED_EARLY_FOR_RERUN) is waited out, as a browser would. An exception element, a missing page title, a view that
does not show the signed-in address, a page the server does not know, or a timeout is a session error. Every
connection and every redirect goes to 127.0.0.1 only, and every loop is bounded by a count and a deadline.
"""

from __future__ import annotations

import asyncio
import contextlib
import http.cookiejar
import secrets as random_secrets
import statistics
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode, urljoin, urlsplit

from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.web.server.starlette.starlette_server_config import USER_COOKIE_NAME, XSRF_COOKIE_NAME

from bench.load import REPO, LoadResult, PageVisit, _watch, write_import_workbook
from deploy.serve_many import free_port, start, stop_process

VIEW_TIMEOUT_S = 180.0
MAX_MESSAGES = 20_000  # per view: a page sends a few hundred deltas; more means something loops
LOCAL_HOSTS = ("127.0.0.1",)
ROUTE_HEADER = "X-Toezicht-Upstream"  # set by deploy/nginx.conf.template: which server process answered
ROUTE_COOKIE = "toezicht_route"  # deploy/nginx.conf.template's sticky-session cookie
SIGN_IN_SCREEN = PageVisit("/", "Toezicht Dashboard", ("button", "Aanmelden"))  # pages/auth.py gate()
SIGN_IN_BUTTON = "Aanmelden"
LOAD_ROLE = "inspecteur"  # all studies, dossiers: every page of the walk
PROVIDER_START_S = 60.0


class SignInError(RuntimeError):
    """A load user could not sign in."""


def _local(url: str) -> str:
    """The host:port of `url`, refused unless it is the loopback address (nothing may leave this machine)."""
    parts = urlsplit(url)
    if parts.scheme != "http" or parts.hostname not in LOCAL_HOSTS:
        raise ValueError(f"alleen 127.0.0.1 is toegestaan, niet {url}")
    return parts.netloc


class _LocalRedirects(urllib.request.HTTPRedirectHandler):
    """Follows a redirect only to 127.0.0.1: the sign-in's hops (app, provider, app) never leave the machine."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        _local(newurl)
        return super().redirect_request(req, fp, code, msg, headers, newurl)


class Visitor:
    """One browser on this machine as the proxy and the server see it: its cookies (the proxy's routing cookie,
    `_streamlit_xsrf`, after sign-in the auth cookie) and its Origin, the app's address. `email`: who signs in."""

    def __init__(self, base: str, email: str | None = None):
        _local(base)
        self.host = urlsplit(base).hostname
        self.base = base
        self.email = email
        self.jar = http.cookiejar.CookieJar()
        self._opener = urllib.request.build_opener(
            urllib.request.ProxyHandler({}),  # never a proxy from the environment
            _LocalRedirects(), urllib.request.HTTPCookieProcessor(self.jar))

    def open(self, url: str, data: bytes | None = None):
        _local(url)
        return self._opener.open(url, data=data, timeout=60)

    def arrive(self) -> Visitor:
        """What the frontend asks for before it opens the websocket: the page, then /_stcore/health (which sets the
        XSRF cookie); through nginx the first answer sets the routing cookie."""
        for path in ("/", "/_stcore/health"):
            with self.open(self.base + path) as response:
                response.read()
        return self

    @property
    def cookies(self) -> dict[str, str]:
        return {c.name: c.value for c in self.jar if c.domain == self.host}

    @property
    def signed_in(self) -> bool:
        return USER_COOKIE_NAME in self.cookies

    def headers(self) -> dict[str, str]:
        cookies = "; ".join(f"{name}={value}" for name, value in self.cookies.items())
        return {"Origin": self.base, **({"Cookie": cookies} if cookies else {})}

    def subprotocols(self) -> list[str]:
        """As the frontend sends them: "streamlit", then the XSRF token (the cookie's value)."""
        token = self.cookies.get(XSRF_COOKIE_NAME)
        return ["streamlit", token] if token else ["streamlit"]

    def browser_cookies(self) -> list[dict]:
        """The cookies in Playwright's form, for the one real browser."""
        return [{"name": name, "value": value, "url": self.base} for name, value in self.cookies.items()]

    def take_sign_in(self, other: Visitor) -> None:
        """Carry `other`'s auth cookie (and its chunks) over: the same signed-in person on another route."""
        for cookie in list(other.jar):
            if cookie.domain == self.host and cookie.name.startswith(USER_COOKIE_NAME):
                self.jar.set_cookie(cookie)

    def authorize(self, login_path: str) -> None:
        """From the server's /auth/login to the provider's form, submit it with the e-mail address as the subject, and
        back through /oauth2callback (where the server sets the auth cookie) to the app."""
        with self.open(urljoin(self.base, login_path)) as form:
            form.read()
            authorize_url = form.geturl()
        with self.open(authorize_url, data=urlencode({"sub": self.email}).encode()) as landed:
            landed.read()
        if not self.signed_in:
            raise SignInError(f"{self.email}: geen aanmeldcookie na {authorize_url.split('?')[0]}")


@dataclass
class ViewOutcome:
    served_s: float
    received_kb: float
    error: str | None
    texts: list[str] = field(default_factory=list)  # what the page wrote: headings, text, metrics, notices
    headings: list[str] = field(default_factory=list)
    buttons: dict[str, str] = field(default_factory=dict)  # label → widget id
    redirect: str | None = None  # where the server sent the browser (st.login, st.logout)

    def shows(self, text: str) -> bool:
        return any(text in t for t in self.texts)


def _text_of(element) -> str | None:
    which = element.WhichOneof("type")
    if which in ("heading", "markdown", "alert"):
        return getattr(element, which).body
    if which == "metric":
        return f"{element.metric.label}: {element.metric.body}"
    if which == "text":
        return element.text.body
    return None


def _rerun(visit: PageVisit, pressed: str | None = None) -> bytes:
    path, _, query = visit.path.lstrip("/").partition("?")
    msg = BackMsg()
    msg.rerun_script.query_string = query
    msg.rerun_script.page_name = path
    msg.rerun_script.page_script_hash = ""  # the server finds the page by its URL path, as on a fresh page load
    if pressed:
        msg.rerun_script.widget_states.widgets.add(id=pressed, trigger_value=True)
    return msg.SerializeToString()


async def _view(ws, visit: PageVisit, timeout: float, pressed: str | None = None) -> ViewOutcome:
    """Ask for one page (with the button `pressed`, if given) and read the server's messages until its script
    finished."""
    started = time.perf_counter()
    deadline = started + timeout
    received = 0
    seen = ViewOutcome(0.0, 0.0, None)

    def outcome(error: str | None) -> ViewOutcome:
        seen.served_s, seen.received_kb, seen.error = time.perf_counter() - started, received / 1024, error
        return seen

    await ws.send(_rerun(visit, pressed))
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
                return outcome(f"foutmelding op de pagina: {element.exception.type}")
            if which == "heading":
                seen.headings.append(element.heading.body.strip().lstrip("#").strip())
            if which == "button":
                seen.buttons[element.button.label] = element.button.id
            text = _text_of(element)
            if text:
                seen.texts.append(text)
        elif kind == "auth_redirect":
            seen.redirect = msg.auth_redirect.url
        elif kind == "page_not_found":
            return outcome("pagina niet gevonden")
        elif kind == "script_finished":
            status = msg.script_finished
            if status == ForwardMsg.FINISHED_EARLY_FOR_RERUN:
                seen.headings.clear()
                seen.texts.clear()
                seen.buttons.clear()
                continue
            if status != ForwardMsg.FINISHED_SUCCESSFULLY:
                return outcome(f"script eindigde met status {status}")
            if not any(h.startswith(visit.title) for h in seen.headings):
                return outcome(f"titel {visit.title!r} niet getoond")
            return outcome(None)
    return outcome("geen antwoord binnen de tijd")


class Session:
    """One browser tab of `visitor`: a websocket to the server (through the proxy, on the visitor's route)."""

    def __init__(self, visitor: Visitor):
        self.visitor = visitor
        self.url = f"ws://{_local(visitor.base)}/_stcore/stream"
        self.upstream = ""  # the server process that answered (behind nginx)
        self._connection = None
        self.ws = None

    async def __aenter__(self) -> Session:
        import websockets

        self._connection = websockets.connect(
            self.url, subprotocols=self.visitor.subprotocols(), additional_headers=self.visitor.headers(),
            max_size=None, open_timeout=60, ping_interval=None,
            proxy=None)  # never a proxy from the environment: 127.0.0.1 only
        self.ws = await self._connection.__aenter__()
        self.upstream = self.ws.response.headers.get(ROUTE_HEADER, "")
        return self

    async def __aexit__(self, *exc) -> None:
        await self._connection.__aexit__(*exc)

    async def view(self, visit: PageVisit, timeout: float = VIEW_TIMEOUT_S) -> ViewOutcome:
        return await _view(self.ws, visit, timeout)

    async def press(self, visit: PageVisit, button_id: str, timeout: float = VIEW_TIMEOUT_S) -> ViewOutcome:
        """Press a button of the page `visit` shows (a rerun with its trigger set, as the frontend sends a click)."""
        return await _view(self.ws, visit, timeout, pressed=button_id)


async def sign_in(visitor: Visitor, timeout: float = VIEW_TIMEOUT_S) -> Visitor:
    """Sign `visitor` in as its user does (see the module's text); raises SignInError when that fails."""
    loop = asyncio.get_running_loop()
    await loop.run_in_executor(None, visitor.arrive)
    async with Session(visitor) as session:
        screen = await session.view(SIGN_IN_SCREEN, timeout)
        if screen.error or SIGN_IN_BUTTON not in screen.buttons:
            raise SignInError(f"{visitor.email}: geen aanmeldscherm ({screen.error}; knoppen {sorted(screen.buttons)})")
        pressed = await session.press(SIGN_IN_SCREEN, screen.buttons[SIGN_IN_BUTTON], timeout)
    if not pressed.redirect:
        raise SignInError(f"{visitor.email}: Aanmelden stuurde niet door ({pressed.error})")
    await loop.run_in_executor(None, visitor.authorize, pressed.redirect)
    return visitor


def sign_in_all(base: str, emails: list[str]) -> list[Visitor]:
    """A signed-in visitor per address, one after the other (before the clock starts)."""
    async def all_of_them() -> list[Visitor]:
        return [await sign_in(Visitor(base, email)) for email in emails]

    return asyncio.run(all_of_them())


def add_users(db: Path, emails: list[str], role: str = LOAD_ROLE) -> None:
    """Give every load user a role, in a child process (the caller may hold the file read-only) through the loaders'
    public API, as `python -m loaders gebruiker toevoegen` does for one."""
    done = subprocess.run([sys.executable, "-m", "bench.wsload", "gebruikers", str(db), role, *emails], cwd=REPO,
                          capture_output=True, text=True, timeout=300)
    if done.returncode != 0:
        raise RuntimeError(f"gebruikers toevoegen mislukt:\n{(done.stdout + done.stderr)[-2000:]}")


@contextlib.contextmanager
def oidc_provider(folder: Path) -> Iterator[str]:
    """A real OpenID Connect provider (oidc-provider-mock) on 127.0.0.1; yields its metadata URL. Its form takes any
    subject and sends it as the `email` claim."""
    folder.mkdir(parents=True, exist_ok=True)
    port = free_port()
    with (folder / "oidc.log").open("wb") as log:
        proc = subprocess.Popen([sys.executable, "-m", "oidc_provider_mock", "--host", LOCAL_HOSTS[0],
                                 "--port", str(port)], stdout=log, stderr=subprocess.STDOUT)
    try:
        metadata = f"http://{LOCAL_HOSTS[0]}:{port}/.well-known/openid-configuration"
        direct = urllib.request.build_opener(urllib.request.ProxyHandler({}))
        deadline = time.monotonic() + PROVIDER_START_S
        while True:
            try:
                with direct.open(metadata, timeout=2) as response:
                    response.read()
                break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError("de OIDC-provider startte niet:\n"
                                       + (folder / "oidc.log").read_text(errors="replace")[-2000:]) from None
                time.sleep(0.2)
        yield metadata
    finally:
        stop_process(proc)


def write_auth_secrets(path: Path, base: str, metadata: str) -> Path:
    """`[auth]` for the app at `base` against the provider at `metadata`, with a new cookie secret (a file of its
    own: the repository's .streamlit/ is not touched)."""
    path.write_text(
        "[auth]\n"
        f'redirect_uri = "{base}/oauth2callback"\n'
        f'cookie_secret = "{random_secrets.token_hex(32)}"\n'
        'client_id = "toezicht-dashboard"\n'
        f'client_secret = "{random_secrets.token_hex(16)}"\n'
        f'server_metadata_url = "{metadata}"\n',
        encoding="utf-8")
    return path


@contextlib.contextmanager
def signed_in_cluster(db: Path, processes: int, folder: Path, metadata: str):
    """deploy/serve_many.py's processes behind nginx with sign-in on: one secrets file (one cookie secret) for all."""
    folder.mkdir(parents=True, exist_ok=True)
    port = free_port()
    secrets_file = write_auth_secrets(folder / "secrets.toml", f"http://{LOCAL_HOSTS[0]}:{port}", metadata)
    with start(db, processes=processes, port=port, prefix=folder / "nginx",
               extra_args=("--secrets.files", str(secrets_file))) as cluster:
        yield cluster


def signed_out_view(base: str, visit: PageVisit) -> ViewOutcome:
    """What a client without the auth cookie gets for `visit` (it should be the sign-in screen only)."""
    async def look() -> ViewOutcome:
        visitor = await asyncio.get_running_loop().run_in_executor(None, Visitor(base).arrive)
        async with Session(visitor) as session:
            return await session.view(visit)

    return asyncio.run(look())


async def _session(visitor: Visitor, paths: list[PageVisit], rounds: int, result: LoadResult, n: int,
                   start: asyncio.Event, upstreams: list[str], timeout: float,
                   views: list[tuple[str, str, str]]) -> None:
    try:
        async with Session(visitor) as session:
            upstreams.append(session.upstream)
            await start.wait()
            for _ in range(rounds):
                for visit in paths:
                    outcome = await session.view(visit, timeout)
                    result.served.append(outcome.served_s)
                    result.times.append(outcome.served_s)
                    result.pages.append(visit.title)
                    views.append((visitor.email or "", outcome.headings[0] if outcome.headings else "",
                                  next((t for t in outcome.texts if "@" in t), "")))
                    if not outcome.error and visitor.email and not outcome.shows(visitor.email):
                        outcome.error = f"niet aangemeld als {visitor.email}"
                    if outcome.error:
                        result.errors.append(f"sessie {n}, {visit.path}: {outcome.error}")
    except Exception as exc:  # a refused or dropped connection is what this measures
        result.errors.append(f"sessie {n}: {type(exc).__name__}: {str(exc)[:300]}")


BROWSER_START_TIMEOUT_S = 300.0


@dataclass
class LoadRun:
    """One load run: the websocket users, the one real browser (if any), the import that ran meanwhile, and what a
    client without sign-in got."""

    sessions: int
    ws: LoadResult
    browser: LoadResult | None
    imported: subprocess.CompletedProcess | None
    upstreams: list[str]  # per websocket session: the server process that answered (behind nginx)
    users: list[str] = field(default_factory=list)  # the signed-in addresses, one per session
    views: list[tuple[str, str, str]] = field(default_factory=list)  # per websocket view: user, first heading, the
    # first text holding an address (the sidebar's signed-in line)
    signed_out: ViewOutcome | None = None

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
        text = (f"{self.sessions} sessies (aangemeld): served p50 {self.served_p50:.2f} s, p95 {self.served_p95:.2f} s "
                f"({len(self.served)} views; {'; '.join(parts)})")
        if self.browser and self.browser.times:
            text += (f"; browser (nice 19) drawn median {statistics.median(self.browser.times):.2f} s, "
                     f"max {max(self.browser.times):.2f} s")
        ended = "after the sessions" if self.ws.during_s is None else f"at {self.ws.during_s:.1f} s"
        return text + f"; sessions took {self.ws.wall_s:.1f} s, the import ended {ended}"


async def _start_browser(base: str, paths: list[PageVisit], rounds: int, visitor: Visitor):
    """The one real browser, signed in with `visitor`'s cookies, at the lowest priority so it takes no CPU the server
    wants; returns once it is ready."""
    import json

    visits = json.dumps([{"path": v.path, "title": v.title, "final": list(v.final)} for v in paths])
    proc = await asyncio.create_subprocess_exec(
        "nice", "-n", "19", sys.executable, "bench/load.py", base, visits, str(rounds), cwd=REPO,
        stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.DEVNULL)
    proc.stdin.write(json.dumps(visitor.browser_cookies()).encode() + b"\n")
    await proc.stdin.drain()
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


async def _drive(base: str, paths: list[PageVisit], visitors: list[Visitor], rounds: int, on_start, timeout: float,
                 browser: bool) -> LoadRun:
    result = LoadResult()
    upstreams: list[str] = []
    views: list[tuple[str, str, str]] = []
    start = asyncio.Event()
    clients = visitors[:-1] if browser else visitors
    chromium = await _start_browser(base, paths, rounds, visitors[-1]) if browser else None
    tasks = [asyncio.create_task(_session(visitor, paths, rounds, result, n, start, upstreams, timeout, views))
             for n, visitor in enumerate(clients)]
    for _ in range(600):  # every session connected (or failed) before the clock starts; at most 60 s
        if len(upstreams) + len(result.errors) >= len(clients):
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
    return LoadRun(len(visitors), result, drawn, None, upstreams, [v.email or "" for v in visitors], views)


def run_ws_load(base: str, paths: list[PageVisit], visitors: list[Visitor], rounds: int = 2,
                during: list[str] | None = None, env: dict | None = None, timeout: float = VIEW_TIMEOUT_S,
                browser: bool = False) -> LoadRun:
    """Every visitor (signed in, or not when sign-in is off) walks `paths` `rounds` times in a session of its own; as
    they start, the command `during` (an import) runs. With `browser`, the last visitor is a real Chromium at the
    lowest priority (its drawn time), the others websocket clients."""
    background: list[subprocess.Popen] = []

    def start_background() -> subprocess.Popen | None:
        if during:
            background.append(subprocess.Popen(during, cwd=REPO, env=env, stdout=subprocess.PIPE,
                                               stderr=subprocess.STDOUT, text=True))
            return background[0]
        return None

    try:
        run = asyncio.run(_drive(base, paths, visitors, rounds, start_background, timeout, browser))
    except BaseException:
        for proc in background:
            proc.kill()
            proc.wait()
        raise
    if background:
        out, _ = background[0].communicate(timeout=600)
        run.imported = subprocess.CompletedProcess(during, background[0].returncode, out, "")
    return run


def load_users(sizes) -> dict[int, list[str]]:
    """Distinct people per run: no run's user has a session or a cached render left from another run."""
    return {n: [f"gebruiker-{n}-{i:02d}@inspectie.example" for i in range(n)] for n in sizes}


def load_matrix(db, paths: list[PageVisit], workdir, sizes=(5, 20), processes=(1, 2), rounds: int = 1,
                browser: bool = True) -> dict[tuple[int, int], LoadRun]:
    """Every (processes, sessions) of the grid in one run, each behind nginx (deploy/serve_many.py) on `db` with
    sign-in on, each while a command-line import of a new study (`load-<processes>-<sessions>`, 12 dossiers on
    kg-2017) runs. The users (role inspecteur) sign in before the clock starts; before each run a client without
    sign-in opens the last page of the walk (`LoadRun.signed_out`)."""
    db, workdir = Path(db), Path(workdir)
    users = load_users(sizes)
    add_users(db, [email for emails in users.values() for email in emails])
    runs: dict[tuple[int, int], LoadRun] = {}
    with oidc_provider(workdir / "oidc") as metadata:
        for n_proc in processes:
            with signed_in_cluster(db, n_proc, workdir / f"cluster-{n_proc}", metadata) as cluster:
                for n in sizes:
                    visitors = sign_in_all(cluster.base, users[n])
                    signed_out = signed_out_view(cluster.base, paths[-1])
                    study = f"load-{n_proc}-{n}"
                    book = write_import_workbook(workdir / f"{study}.xlsx", study=study)
                    runs[(n_proc, n)] = run_ws_load(
                        cluster.base, paths, visitors, rounds=rounds, browser=browser,
                        during=[sys.executable, "-m", "loaders", "import", "--db", str(db), str(book)])
                    runs[(n_proc, n)].signed_out = signed_out
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


def _add_users_main(argv: list[str]) -> int:
    """`python -m bench.wsload gebruikers DB ROL EMAIL…` (add_users' child process)."""
    from loaders import set_user
    from store.database import connect

    db, role, emails = Path(argv[0]), argv[1], argv[2:]
    con = connect(db, wait=300)
    try:
        for email in emails:
            set_user(con, email, role, None, "bench/wsload.py")
    finally:
        con.close()
    return 0


if __name__ == "__main__":
    if sys.argv[1:2] == ["gebruikers"]:
        sys.exit(_add_users_main(sys.argv[2:]))
    sys.exit("gebruik: python -m bench.wsload gebruikers DB ROL EMAIL…")
