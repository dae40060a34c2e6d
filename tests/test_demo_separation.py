"""Demo data never mixes with real data: a real visit for a demo study is refused (CLI and app), the demo is removed
in one command or one click, a real study beside the demo is never pooled with it, and preview says what will happen."""

from __future__ import annotations

import csv
import datetime as dt
import io
import shutil
import subprocess
import sys

import duckdb
import pytest
from conftest import make_workbook, run_cli, vt_meta
from demo_db import REPO, demo_database
from html_tables import whole_tables
from streamlit.testing.v1 import AppTest

from loaders import Options, commit, preview
from store.database import connect, table_snapshot

APP = str(REPO / "app.py")
VT_CODES = [str(i) for i in range(1, 11)]  # vt-2019's dossier-level indicators (DESIGN §4)


def wijchen_workbook(path, study="vt-2019", dossiers=7):
    """A real vt-2019 visit to Wijchen: dossier i has 'ja' on indicator 1 when i is odd."""
    rows = [["Dossier", *VT_CODES]]
    for i in range(1, dossiers + 1):
        rows.append([f"WY-{i:02d}", *[("ja" if (i + j) % 2 else "nee") for j in range(len(VT_CODES))]])
    return make_workbook(path, vt_meta(Onderzoek=study, Gemeente="Wijchen", Datum=dt.datetime(2019, 5, 14)), rows,
                         [["Indicator", "Score"], ["11", "ja"], ["12", "nee"]])


@pytest.fixture
def demo_copy(tmp_path, tmp_path_factory):
    db = tmp_path / "toezicht.duckdb"
    shutil.copy(demo_database(tmp_path_factory), db)
    return db


def metrics_csv(db, *args) -> list[dict]:
    done = subprocess.run([sys.executable, "-m", "metrics", "compliance", "--db", str(db), "--format", "csv", *args],
                          cwd=REPO, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return list(csv.DictReader(io.StringIO(done.stdout)))


def raw_pooled(db, study: str, indicator: str) -> tuple[int, int]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(
            "SELECT count(*) FILTER (WHERE s.value = 'ja'), count(*) FILTER (WHERE s.value IN ('ja', 'nee')) "
            "FROM score s JOIN visit v USING (visit_id) WHERE v.study_id = ? AND v.kind = 'onderzoek' AND s.indicator_code = ?",
            [study, indicator],
        ).fetchall()[0]
    finally:
        con.close()


def snapshot(db):
    con = connect(db)
    try:
        return table_snapshot(con)
    finally:
        con.close()


def test_cli_refuses_a_real_visit_for_a_demo_study_and_names_how_to_remove_the_demo(demo_copy, tmp_path):
    book = wijchen_workbook(tmp_path / "wijchen.xlsx")
    before = snapshot(demo_copy)
    done = run_cli("import", book, "--db", demo_copy)
    assert done.returncode == 1, done.stdout
    assert "demodata" in done.stdout and "python -m loaders demo --verwijder" in done.stdout
    assert "Traceback" not in done.stdout + done.stderr
    assert snapshot(demo_copy) == before


def test_removing_the_demo_is_one_command_then_the_real_visit_imports_alone(demo_copy, tmp_path):
    book = wijchen_workbook(tmp_path / "wijchen.xlsx")
    removed = run_cli("demo", "--verwijder", "--db", demo_copy)
    assert removed.returncode == 0 and "verwijderd" in removed.stdout
    done = run_cli("import", book, "--db", demo_copy)
    assert done.returncode == 0, done.stdout
    rows = metrics_csv(demo_copy, "--onderzoek", "vt-2019")
    # Only Wijchen is left: the pooled row is exactly Wijchen's 4 of 7 (dossiers 1, 3, 5, 7 have 'ja' on indicator 1).
    assert {r["gemeente"] for r in rows} == {"", "Wijchen"}
    pooled = next(r for r in rows if r["gemeente"] == "" and r["indicator"] == "1")
    assert (pooled["k"], pooled["n"]) == ("4", "7")
    con = duckdb.connect(str(demo_copy), read_only=True)
    assert con.execute("SELECT is_demo FROM study WHERE study_id = 'vt-2019'").fetchall() == [(False,)]
    assert con.execute("SELECT count(*) FROM study WHERE is_demo").fetchall() == [(0,)]
    con.close()


def test_a_real_study_beside_the_demo_is_never_pooled_with_it(demo_copy, tmp_path):
    demo_before = raw_pooled(demo_copy, "vt-2019", "1")
    done = run_cli("import", wijchen_workbook(tmp_path / "eigen.xlsx", study="vt-2019-eigen"), "--db", demo_copy)
    assert done.returncode == 0, done.stdout
    # The demo study's figure is unchanged and computed from demo visits only.
    demo_rows = metrics_csv(demo_copy, "--onderzoek", "vt-2019")
    pooled = next(r for r in demo_rows if r["gemeente"] == "" and r["indicator"] == "1")
    assert (int(pooled["k"]), int(pooled["n"])) == demo_before
    # Without a study, the command line shows real data as soon as there is any; --bron demo shows the demo only.
    assert {r["onderzoek"] for r in metrics_csv(demo_copy)} == {"vt-2019-eigen"}
    assert "vt-2019-eigen" not in {r["onderzoek"] for r in metrics_csv(demo_copy, "--bron", "demo")}


def test_preview_says_which_visits_are_new_and_which_stored_visit_each_replaces(tmp_path):
    con = connect(tmp_path / "p.duckdb")
    first = wijchen_workbook(tmp_path / "v1.xlsx", dossiers=7)
    check = preview(con, first.name, first.read_bytes(), Options())
    assert check.status == "klaar" and snapshot_empty(con)
    assert check.plan[["gemeente", "soort", "dossiers", "actie"]].values.tolist() == [["Wijchen", "onderzoek", 7, "nieuw"]]
    result = commit(con, check, user="test")
    assert result.status == "geïmporteerd"
    second = wijchen_workbook(tmp_path / "v2.xlsx", dossiers=9)
    again = preview(con, second.name, second.read_bytes(), Options())
    row = again.plan.iloc[0]
    assert (row["actie"], row["dossiers"], row["vervangt_import"], row["vervangt_dossiers"]) == ("vervangt", 9, result.import_id, 7)
    # The same bytes again: unchanged, nothing to do.
    assert preview(con, first.name, first.read_bytes(), Options()).status == "ongewijzigd"
    commit(con, again, user="test")
    assert preview(con, second.name, second.read_bytes(), Options()).status == "ongewijzigd"
    # v1's import is no longer live (v2 replaced its visit): importing v1 again is a replacement, not "unchanged".
    assert preview(con, first.name, first.read_bytes(), Options()).plan["actie"].tolist() == ["vervangt"]
    history = con.execute("SELECT imported_by, changes FROM import_log ORDER BY import_id").fetchall()
    assert history[0] == ("test", "nieuw bezoek Wijchen onderzoek 14-05-2019 (7 dossiers)")
    assert history[1][1].startswith("vervangt bezoek Wijchen onderzoek 14-05-2019: 72 → 92 scores")
    con.close()


def snapshot_empty(con) -> bool:
    return con.execute("SELECT count(*) FROM visit").fetchall()[0][0] == 0


@pytest.fixture
def app_on_demo_copy(demo_copy, monkeypatch):
    monkeypatch.setenv("TOEZICHT_DB", str(demo_copy))
    from pages.common import connection

    connection.clear()
    yield demo_copy
    connection().close()
    connection.clear()


def test_importeren_page_refuses_the_real_visit_and_removes_the_demo_in_one_click(app_on_demo_copy, tmp_path):
    data = wijchen_workbook(tmp_path / "wijchen.xlsx").read_bytes()
    from pages.common import connection

    before = table_snapshot(connection().cursor())
    at = AppTest.from_file(APP, default_timeout=90).run()
    at.switch_page("pages/importeren.py").run()
    at.file_uploader[0].upload("wijchen.xlsx", data).run()
    assert not at.exception
    assert any("Geweigerd" in e.value for e in at.error)
    # the report is a whole-text table (every message whole): read it as the user sees it
    report = next(t for t in whole_tables(at) if "melding" in t.columns)
    assert report["melding"].str.contains("demodata").any() and report["melding"].str.contains("--verwijder").any()
    assert table_snapshot(connection().cursor()) == before
    # One click removes the demo; the same file then imports as real data.
    [remove] = [b for b in at.button if b.label == "Demodata verwijderen"]
    remove.click().run()
    assert any("Demodata verwijderd" in s.value for s in at.success)
    assert connection().cursor().execute("SELECT count(*) FROM study WHERE is_demo").fetchall() == [(0,)]
    at.file_uploader[0].set_value(None).run()
    at.file_uploader[0].upload("wijchen2.xlsx", data).run()
    [go] = [b for b in at.button if b.label == "Importeren"]
    go.click().run()
    assert not at.exception
    assert any("geïmporteerd als import" in s.value for s in at.success)
    assert connection().cursor().execute("SELECT count(*) FROM visit WHERE municipality_name = 'Wijchen'").fetchall() == [(1,)]
    # The sidebar now says the figures are real data, not demo.
    assert not any("Demodata" in w.value for w in at.sidebar.warning)
