"""Several processes on one database: imports started together both land, the command line works while the app
runs, the app shows a command-line import without a restart, and broken database files get a Dutch message."""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
import sys

import duckdb
import pytest
from conftest import kg_dossiers, kg_meta, make_workbook, run_cli
from demo_db import REPO, demo_database

from bench.load import start_server, stop_server


def scores(db) -> list[tuple]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return sorted(con.execute(
            "SELECT v.municipality_name, v.kind, s.dossier_id, s.indicator_code, s.value FROM score s JOIN visit v USING (visit_id)"
        ).fetchall())
    finally:
        con.close()


def two_workbooks(tmp_path):
    a = make_workbook(tmp_path / "goeree.xlsx", kg_meta(), kg_dossiers(40))
    b = make_workbook(tmp_path / "brielle.xlsx", kg_meta(Gemeente="Brielle", Datum=dt.datetime(2016, 11, 2)), kg_dossiers(30, prefix="BR"))
    return a, b


def test_two_imports_started_together_both_land_as_if_one_after_the_other(tmp_path):
    a, b = two_workbooks(tmp_path)
    together = tmp_path / "samen.duckdb"
    run_cli("demo", "--verwijder", "--db", together)  # create the empty database first, as a user's first command would
    # A third process holds the file until both imports have said they wait for it: so they provably run at the
    # same time and contend for the database, rather than one happening to finish before the other starts.
    holder = subprocess.Popen(
        [sys.executable, "-c", "import duckdb, sys; con = duckdb.connect(sys.argv[1]); print('ok', flush=True); "
                               "sys.stdin.readline(); con.close()", str(together)],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
    )
    procs = []
    try:
        assert holder.stdout.readline().strip() == "ok"
        procs = [subprocess.Popen([sys.executable, "-m", "loaders", "import", str(f), "--db", str(together)], cwd=REPO,
                                  stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True) for f in (a, b)]
        waiting = [p.stdout.readline() for p in procs]  # each blocks until that import reports
        assert all("in gebruik" in w and "wachten" in w for w in waiting), waiting
        assert all(p.poll() is None for p in procs)  # both alive and waiting at once
        holder.stdin.write("\n")
        holder.stdin.flush()
        outputs = [w + p.communicate(timeout=300)[0] for w, p in zip(waiting, procs)]
    finally:
        for proc in [holder, *procs]:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
    assert [p.returncode for p in procs] == [0, 0], outputs
    assert all("Traceback" not in o for o in outputs)
    assert "goeree.xlsx: geïmporteerd" in outputs[0] and "brielle.xlsx: geïmporteerd" in outputs[1]
    one_by_one = tmp_path / "na-elkaar.duckdb"
    for f in (a, b):
        assert run_cli("import", f, "--db", one_by_one).returncode == 0
    assert scores(together) == scores(one_by_one) and len(scores(together)) == (40 + 30) * 3


@pytest.mark.parametrize(
    "content, expected",
    [
        (b"SQLite format 3\x00" + b"\x00" * 4096, "SQLite-bestand"),
        (b"\x00" * 8192, "beschadigd of geen DuckDB-database"),
        (b"dit is geen database" * 100, "beschadigd of geen DuckDB-database"),
    ],
    ids=["sqlite", "genulde-kop", "tekst"],
)
def test_a_foreign_or_damaged_database_file_gets_a_dutch_message_and_is_left_alone(tmp_path, content, expected):
    db = tmp_path / "vreemd.duckdb"
    db.write_bytes(content)
    book = make_workbook(tmp_path / "w.xlsx", kg_meta(), kg_dossiers())
    for done in (run_cli("import", book, "--db", db),
                 subprocess.run([sys.executable, "-m", "metrics", "compliance", "--db", str(db)], cwd=REPO,
                                capture_output=True, text=True, timeout=120)):
        assert done.returncode == 1
        assert expected in done.stdout + done.stderr
        assert "Traceback" not in done.stdout + done.stderr and "in gebruik" not in done.stdout + done.stderr
    assert db.read_bytes() == content


def test_a_database_path_that_cannot_be_created_gets_a_dutch_message(tmp_path):
    blocker = tmp_path / "geen-map.txt"
    blocker.write_text("een bestand, geen map")
    book = make_workbook(tmp_path / "w.xlsx", kg_meta(), kg_dossiers())
    done = run_cli("import", book, "--db", blocker / "nieuw.duckdb")
    assert done.returncode == 1
    assert "kan niet worden geopend of geschreven" in done.stdout + done.stderr
    assert "Traceback" not in done.stdout + done.stderr



@pytest.fixture
def running_app(tmp_path, tmp_path_factory):
    db = tmp_path / "toezicht.duckdb"
    shutil.copy(demo_database(tmp_path_factory), db)
    proc, url = start_server(db, tmp_path / "server.log")
    yield url, db
    stop_server(proc)


def test_the_command_line_works_while_the_app_runs_and_the_app_shows_its_import(running_app, tmp_path):
    from playwright.sync_api import sync_playwright

    url, db = running_app
    book = make_workbook(tmp_path / "eigen.xlsx", kg_meta(Onderzoek="kg-eigen", Kader="kg-2017"), kg_dossiers(8, prefix="EI"))
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium",
                                    args=["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking"])
        page = browser.new_page()
        page.goto(url)
        page.get_by_text("Zwakste indicatoren", exact=True).wait_for(timeout=60_000)
        # While the app is open in a browser, the command line reads and imports.
        metrics = subprocess.run([sys.executable, "-m", "metrics", "compliance", "--db", str(db), "--onderzoek", "kg-2017",
                                  "--format", "csv"], cwd=REPO, capture_output=True, text=True, timeout=180)
        assert metrics.returncode == 0, metrics.stderr
        assert "Goeree-Overflakkee" in metrics.stdout
        imported = run_cli("import", book, "--db", db)
        assert imported.returncode == 0, imported.stdout + imported.stderr
        # The app shows the new (real) study after a reload, without a restart.
        page.reload()
        page.get_by_text("kg-eigen").first.wait_for(state="attached", timeout=60_000)  # a cell of the data grid
        assert page.locator("[data-testid='stException']").count() == 0
        browser.close()
