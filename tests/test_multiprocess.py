"""Two server processes behind nginx on one DuckDB file (deploy/serve_many.py, DESIGN §11): sessions through the proxy
land on both processes and stay on theirs, a command-line import lands while they serve, both processes show it on
the next view, and the app's own writes (the access log of an opened dossier) land from both processes. With sign-in
on (a real OpenID Connect provider on 127.0.0.1), a person signed in through one process is signed in on the other.

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
from bench.wsload import (  # noqa: E402
    ROUTE_COOKIE, Session, Visitor, add_users, oidc_provider, sign_in, signed_in_cluster)
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
                    visitor = Visitor(cluster.base).arrive()
                    assert ROUTE_COOKIE in visitor.cookies, visitor.cookies
                    sessions.append(await stack.enter_async_context(Session(visitor)))
                    if len(sessions) >= MIN_SESSIONS and len({s.upstream for s in sessions}) > 1:
                        break
                async with Session(sessions[0].visitor) as again_first:  # the same browser again
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



SIGNED_IN = "inspecteur@inspectie.example"


def test_a_sign_in_through_one_process_holds_on_the_other(tmp_path):
    db = tmp_path / "aangemeld.duckdb"
    done = run_cli("import", "--db", db, _workbook(tmp_path / "a.xlsx", "mp-a", "Goeree-Overflakkee", "GA", 6))
    assert done.returncode == 0, done.stdout + done.stderr
    add_users(db, [SIGNED_IN], "inspecteur")

    with oidc_provider(tmp_path / "oidc") as metadata, \
            signed_in_cluster(db, 2, tmp_path / "cluster", metadata) as cluster:
        ports = {f"127.0.0.1:{port}" for port, _ in cluster.backends}

        async def walk():
            person = await sign_in(Visitor(cluster.base, SIGNED_IN))
            async with Session(person) as session:
                home = session.upstream, await session.view(OVERVIEW)
            elsewhere = None
            for _ in range(MAX_SESSIONS):  # the same person, another browser route, until it reaches the other process
                other = Visitor(cluster.base).arrive()
                other.take_sign_in(person)
                async with Session(other) as session:
                    if session.upstream != home[0]:
                        elsewhere = session.upstream, await session.view(OVERVIEW)
                        break
            stranger = Visitor(cluster.base).arrive()  # no sign-in: the sign-in screen, on whichever process
            async with Session(stranger) as session:
                refused = await session.view(OVERVIEW)
            return home, elsewhere, refused

        home, elsewhere, refused = asyncio.run(walk())

    assert elsewhere is not None and {home[0], elsewhere[0]} == ports
    for _, outcome in (home, elsewhere):
        assert outcome.error is None, outcome.error
        assert f"{SIGNED_IN} · inspecteur" in " ".join(outcome.texts), outcome.texts
        assert "Onderzoeken: 1" in outcome.texts, outcome.texts
    assert refused.headings == ["Toezicht Dashboard"] and "Aanmelden" in refused.buttons
    assert "Meld u aan om de gegevens te zien." in refused.texts and not any("Onderzoeken" in t for t in refused.texts)
