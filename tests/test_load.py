"""Several users at once (issue 10 item 4): the real server on a national-scale database, five headless Chromium
sessions through Vergelijken, Gemeente and Dossiers, while `python -m loaders import` imports a workbook.

No session may see an error, no request may leave the machine, and the import must land. The p95 page time is
printed (`pytest -s`), never asserted: speed is bench/run.py's business."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys

import duckdb
import pytest
from conftest import REPO, kg_dossiers, kg_meta, make_workbook

sys.path.insert(0, str(REPO))
from bench.load import page_paths, run_load, start_server, stop_server  # noqa: E402

SESSIONS = 5
ROUNDS = 1  # 5 users × 3 pages; a second round only doubles the run time on a 2-core CI machine
STUDY = "bench-3"  # a bench study (2018, 342 municipalities)
INDICATOR = "B03"
NEW_STUDY = "load-2016"  # the study the import creates, on the shipped framework kg-2017
NEW_MUNICIPALITY = "Goeree-Overflakkee"
NEW_DATE = dt.date(2016, 10, 11)
N_DOSSIERS = 12


@pytest.fixture(scope="module")
def national_db(tmp_path_factory):
    """bench/run.py's national-scale database (3.4 million onderzoek scores), generated in a child process."""
    db = tmp_path_factory.mktemp("load") / "bench.duckdb"
    done = subprocess.run([sys.executable, "bench/run.py", "--generate-only", str(db)], cwd=REPO,
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stdout + done.stderr
    return db


def one_municipality(db) -> str:
    """A municipality of the focus study that has a hertoets there too (so Gemeente draws its change chart)."""
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute("SELECT min(municipality_name) FROM visit WHERE study_id = ? AND kind = 'hertoets'",
                           [STUDY]).fetchall()[0][0]


def test_five_sessions_during_an_import_see_no_error(national_db, tmp_path):
    workbook = make_workbook(
        tmp_path / "load-import.xlsx",
        kg_meta(Onderzoek=NEW_STUDY, Gemeente=NEW_MUNICIPALITY, Datum=dt.datetime(NEW_DATE.year, NEW_DATE.month, NEW_DATE.day)),
        kg_dossiers(N_DOSSIERS),
    )
    with duckdb.connect(str(national_db), read_only=True) as con:
        assert con.execute("SELECT count(*) FROM visit WHERE study_id = ?", [NEW_STUDY]).fetchall()[0][0] == 0
        scores_before = con.execute("SELECT count(*) FROM score").fetchall()[0][0]
    municipality = one_municipality(national_db)

    server, base = start_server(national_db, tmp_path / "server.log")
    try:
        result, imported = run_load(
            base, page_paths(STUDY, municipality, INDICATOR), sessions=SESSIONS, rounds=ROUNDS,
            during=[sys.executable, "-m", "loaders", "import", "--db", str(national_db), str(workbook)],
        )
    finally:
        stop_server(server)

    print(f"\n{result.summary()}")
    print(f"concurrent_p95_s={result.p95:.2f}")
    assert result.errors == []
    assert result.outside_requests == []
    assert len(result.times) == SESSIONS * ROUNDS * 3  # every page of every session was shown
    assert imported.returncode == 0, imported.stdout
    # The import landed: its visit, with every judged cell of the workbook (3 indicators per dossier, all ja/nee).
    with duckdb.connect(str(national_db), read_only=True) as con:
        visits = con.execute("SELECT municipality_name, visit_date, kind FROM visit WHERE study_id = ?", [NEW_STUDY]).fetchall()
        dossiers = con.execute("SELECT count(*) FROM dossier JOIN visit USING (visit_id) WHERE study_id = ?", [NEW_STUDY]).fetchall()[0][0]
        new_scores = con.execute("SELECT count(*) FROM score JOIN visit USING (visit_id) WHERE study_id = ?", [NEW_STUDY]).fetchall()[0][0]
        scores_after = con.execute("SELECT count(*) FROM score").fetchall()[0][0]
    assert visits == [(NEW_MUNICIPALITY, NEW_DATE, "onderzoek")]
    assert dossiers == N_DOSSIERS
    assert new_scores == N_DOSSIERS * 3 == scores_after - scores_before
