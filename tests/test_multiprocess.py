"""Two server processes behind nginx on one DuckDB file (deploy/serve_many.py, DESIGN §11): sessions through the proxy
land on both processes and stay on theirs, a command-line import lands while they serve, both processes show it on
the next view, and the app's own writes (the access log of an opened dossier) land from both processes.

The clients speak Streamlit's websocket protocol (bench/wsload.py); nginx runs from a temporary directory."""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import subprocess
import sys
import time

import duckdb
from conftest import REPO, kg_dossiers, kg_meta, make_workbook, run_cli

sys.path.insert(0, str(REPO))
from bench.load import PageVisit  # noqa: E402
from bench.wsload import Session, route_cookie  # noqa: E402
from deploy.serve_many import nginx_config, start  # noqa: E402

MIN_SESSIONS = 4
MAX_SESSIONS = 24  # users arrive until both processes have some: 24 all on one of 2 processes is 1 in 8 million
MAX_VIEWS_DURING_IMPORT = 40  # per session; the loop also ends when the import has ended
IMPORT_DEADLINE_S = 240
OVERVIEW = PageVisit("/", "Overzicht", ("", ""))


def _workbook(path, study: str, municipality: str, prefix: str, n: int):
    return make_workbook(path, kg_meta(Onderzoek=study, Gemeente=municipality, Datum=dt.datetime(2017, 3, 1)),
                         kg_dossiers(n, prefix=prefix))


def test_the_configuration_has_sticky_sessions_websockets_and_the_loader_limit(tmp_path):
    conf = nginx_config(tmp_path, 8123, [9001, 9002])
    assert "listen 127.0.0.1:8123;" in conf
    assert "server 127.0.0.1:9001;" in conf and "server 127.0.0.1:9002;" in conf
    assert "hash $toezicht_route consistent;" in conf
    assert "proxy_set_header Upgrade $http_upgrade;" in conf
    assert "client_max_body_size 25m;" in conf  # loaders/read.py: 25 * 1024 * 1024 bytes
    assert str(tmp_path) in conf and "/var/" not in conf and "${" not in conf


def test_two_processes_serve_one_file_and_both_show_an_import(tmp_path):
    db = tmp_path / "gedeeld.duckdb"
    first = run_cli("import", "--db", db, _workbook(tmp_path / "a.xlsx", "mp-a", "Goeree-Overflakkee", "GA", 6))
    assert first.returncode == 0, first.stdout + first.stderr
    second = _workbook(tmp_path / "b.xlsx", "mp-b", "Nijmegen", "NB", 7)

    with start(db, processes=2, prefix=tmp_path / "nginx") as cluster:
        ports = {f"127.0.0.1:{port}" for port, _ in cluster.backends}
        dossier = PageVisit("/dossiers?onderzoek=mp-a&dossier=GA-01", "Dossiers", ("", ""))

        async def walk():
            async with contextlib.AsyncExitStack() as stack:
                sessions = []
                for _ in range(MAX_SESSIONS):  # each user loads the page first: the proxy sets its cookie
                    cookie = route_cookie(cluster.base)
                    assert cookie and cookie.startswith("toezicht_route="), cookie
                    sessions.append(await stack.enter_async_context(Session(cluster.base, cookie)))
                    if len(sessions) >= MIN_SESSIONS and len({s.upstream for s in sessions}) > 1:
                        break
                async with Session(cluster.base, sessions[0].cookie) as again_first:  # the same browser again
                    assert again_first.upstream == sessions[0].upstream
                before = [await s.view(OVERVIEW) for s in sessions]
                opened = [await s.view(dossier) for s in sessions]
                importer = subprocess.Popen([sys.executable, "-m", "loaders", "import", "--db", str(db), str(second)],
                                            cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
                during = []
                deadline = time.monotonic() + IMPORT_DEADLINE_S
                try:
                    for _ in range(MAX_VIEWS_DURING_IMPORT):
                        if importer.poll() is not None or time.monotonic() > deadline:
                            break
                        during += await asyncio.gather(*(s.view(OVERVIEW) for s in sessions))
                    out, _ = importer.communicate(timeout=max(1.0, deadline - time.monotonic()))
                finally:
                    if importer.poll() is None:
                        importer.kill()
                        importer.wait()
                after = [await s.view(OVERVIEW) for s in sessions]
                again = [await s.view(OVERVIEW) for s in sessions]  # still on its own process
                return sessions, before, opened, during, importer.returncode, out, after, again

        sessions, before, opened, during, code, out, after, again = asyncio.run(walk())

    upstreams = [s.upstream for s in sessions]
    assert set(upstreams) == ports, upstreams  # sessions landed on both processes
    for outcome in before + opened + during + after + again:
        assert outcome.error is None, outcome.error
    assert code == 0, out
    assert len(during) >= len(sessions)  # the processes served while the import ran
    for outcome in before:
        assert "Onderzoeken: 1" in outcome.texts and "Bezoeken: 1" in outcome.texts, outcome.texts
    for outcome in after + again:  # every process, on the next view
        assert "Onderzoeken: 2" in outcome.texts and "Bezoeken: 2" in outcome.texts, outcome.texts
        assert "Dossiers: 13" in outcome.texts, outcome.texts  # 6 + 7

    with duckdb.connect(str(db), read_only=True) as con:
        logged = con.execute("SELECT count(*) FROM access_log WHERE action = 'dossier'").fetchall()[0][0]
        visits = con.execute("SELECT study_id, municipality_name FROM visit ORDER BY 1").fetchall()
    assert visits == [("mp-a", "Goeree-Overflakkee"), ("mp-b", "Nijmegen")]
    assert logged == len(sessions)  # each session's opened dossier, written from both read-only processes

