"""Several users at once (DESIGN §11): the real server on a national-scale database, behind nginx with one and with
two server processes (deploy/serve_many.py), with sign-in on (a real OpenID Connect provider on 127.0.0.1, every
user an inspecteur in app_user), 5 and 20 sessions through Vergelijken, Gemeente and Dossiers, each time while
`python -m loaders import` imports a new study. The sessions are websocket clients that speak Streamlit's protocol
without drawing (bench/wsload.py), so they take no CPU from the server; one of them is a real Chromium at the lowest
priority (nice 19) for the drawn time, signed in with its user's cookies.

No session may see an error, every view shows its own signed-in address and role, a client without sign-in gets
the sign-in screen and nothing else, no request may leave the machine, and every import must land. The served
p50/p95 and the ratio of one process to two are printed (`pytest -s`), never asserted: speed is bench/run.py's
business."""

from __future__ import annotations

import subprocess
import sys

import duckdb
import pytest
from conftest import REPO

sys.path.insert(0, str(REPO))
from bench.load import page_paths  # noqa: E402
from bench.wsload import load_matrix, matrix_lines  # noqa: E402

SIZES = (5, 20)
PROCESSES = (1, 2)
ROUNDS = 1  # every user × 3 pages once: four runs on a 2-core CI machine
STUDY = "bench-3"  # a bench study (2018, 342 municipalities)
INDICATOR = "B03"
IMPORT_MUNICIPALITY = "Goeree-Overflakkee"  # bench/load.py write_import_workbook: 12 dossiers × TT1, TT2, TT3
IMPORT_DOSSIERS = 12
IMPORT_INDICATORS = 3
ROLE = "inspecteur"  # what bench/wsload.py gives the load users


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


def test_5_and_20_sessions_on_1_and_2_processes_during_imports_see_no_error(national_db, tmp_path):
    with duckdb.connect(str(national_db), read_only=True) as con:
        assert con.execute("SELECT count(*) FROM visit WHERE study_id LIKE 'load-%'").fetchall()[0][0] == 0
        scores_before = con.execute("SELECT count(*) FROM score").fetchall()[0][0]
    paths = page_paths(STUDY, one_municipality(national_db), INDICATOR)

    runs = load_matrix(national_db, paths, tmp_path, sizes=SIZES, processes=PROCESSES, rounds=ROUNDS)

    print()
    for line in matrix_lines(runs):
        print(line)
    print(f"concurrent_p95_s={runs[(1, 5)].served_p95:.2f} served_p95_20_s={runs[(1, 20)].served_p95:.2f} "
          f"(2 processen: {runs[(2, 5)].served_p95:.2f}, {runs[(2, 20)].served_p95:.2f})")
    for (n_proc, n), run in runs.items():
        assert run.errors == [], (n_proc, n, run.errors)
        assert run.outside_requests == [], run.outside_requests
        assert len(run.served) == n * ROUNDS * len(paths), (n_proc, n)  # every page of every session was served
        assert run.browser is not None and len(run.browser.times) == ROUNDS * len(paths)  # the drawn sample
        assert run.imported.returncode == 0, run.imported.stdout
        assert len(set(run.users)) == n  # distinct people
        expected = sorted((email, visit.title, f":material/person: {email} · {ROLE}")
                          for email in run.users[:-1] for visit in paths for _ in range(ROUNDS))
        assert sorted(run.views) == expected  # every websocket view: its page, and its own person in the sidebar
        signed_out = run.signed_out  # a client without cookies, on the Dossiers URL of the walk
        assert signed_out.headings == ["Toezicht Dashboard"], signed_out.headings
        assert signed_out.texts == ["Toezicht Dashboard", "Meld u aan om de gegevens te zien."], signed_out.texts
        assert list(signed_out.buttons) == ["Aanmelden"]
        if n_proc == 2 and n >= 20:  # 19 clients on random cookies all on one of 2 processes: 1 in 262,144
            assert len(set(run.upstreams)) == 2, run.upstreams  # the sessions used both processes

    with duckdb.connect(str(national_db), read_only=True) as con:
        landed = con.execute(
            "SELECT study_id, municipality_name, count(DISTINCT dossier_id), count(*) FROM score "
            "JOIN visit USING (visit_id) WHERE study_id LIKE 'load-%' GROUP BY ALL ORDER BY 1").fetchall()
        scores_after = con.execute("SELECT count(*) FROM score").fetchall()[0][0]
    expected = sorted((f"load-{p}-{n}", IMPORT_MUNICIPALITY, IMPORT_DOSSIERS, IMPORT_DOSSIERS * IMPORT_INDICATORS)
                      for p in PROCESSES for n in SIZES)
    assert landed == expected
    assert scores_after - scores_before == len(expected) * IMPORT_DOSSIERS * IMPORT_INDICATORS
