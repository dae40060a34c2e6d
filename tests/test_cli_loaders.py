"""`python -m loaders …` as the checks run it (DESIGN §10): exit codes, output, the demo database."""

from __future__ import annotations

import os
import subprocess
import sys
import shutil

import duckdb
import pytest

from conftest import (
    VALID_BSN,
    kg_dossiers,
    kg_meta,
    make_big_csv,
    make_encrypted_xlsx,
    make_many_rows_csv,
    make_random_xlsx,
    make_truncated_xlsx,
    make_workbook,
    make_xls,
    REPO,
    run_cli,
    write_csv,
)
from store.database import connect, table_snapshot


def _snapshot(path) -> dict:
    con = connect(path)
    try:
        return table_snapshot(con)
    finally:
        con.close()


def _query(path, sql, params=()):
    con = duckdb.connect(str(path), read_only=True)
    try:
        return con.execute(sql, list(params)).fetchall()
    finally:
        con.close()


def _no_traceback(proc):
    assert "Traceback" not in proc.stdout + proc.stderr
    assert "Error:" not in proc.stdout + proc.stderr


def test_import_exit_0_then_unchanged_exit_0(tmp_path, db_path):
    wb = make_workbook(tmp_path / "go.xlsx", kg_meta(), kg_dossiers(14))

    first = run_cli("import", wb, "--db", db_path)
    assert first.returncode == 0, first.stdout + first.stderr
    assert "go.xlsx: geïmporteerd" in first.stdout
    assert "14 dossiers, 42 scores" in first.stdout
    assert _query(db_path, "SELECT count(*) FROM score") == [(42,)]
    snap = _snapshot(db_path)

    second = run_cli("import", wb, "--db", db_path)
    assert second.returncode == 0
    assert "ongewijzigd" in second.stdout
    assert _snapshot(db_path) == snap
    _no_traceback(first)
    _no_traceback(second)


def test_import_rejected_exit_1_nothing_written(tmp_path, db_path):
    run_cli("import", make_workbook(tmp_path / "ok.xlsx", kg_meta(), kg_dossiers(14)), "--db", db_path)
    before = _snapshot(db_path)
    rows = kg_dossiers(14)
    rows[3][3] = "soms"
    for r in rows[1:]:
        r[1] = "nee"
    bad = make_workbook(tmp_path / "fout.xlsx", kg_meta(), rows)

    proc = run_cli("import", bad, "--db", db_path)

    assert proc.returncode == 1
    assert "fout.xlsx: geweigerd, 1 fout(en); er is niets opgeslagen." in proc.stdout
    assert "Dossiers!D4" in proc.stdout and "'soms' is geen geldige score" in proc.stdout
    assert _snapshot(db_path) == before
    _no_traceback(proc)


def test_new_version_via_cli_reports_the_change(tmp_path, db_path):
    rows = kg_dossiers(14)
    assert run_cli("import", make_workbook(tmp_path / "v1.xlsx", kg_meta(), rows), "--db", db_path).returncode == 0
    rows[2][1] = "ja" if rows[2][1] == "nee" else "nee"
    proc = run_cli("import", make_workbook(tmp_path / "v2.xlsx", kg_meta(), rows), "--db", db_path)
    assert proc.returncode == 0
    assert "vervangen" in proc.stdout and "1 oordeel" in proc.stdout
    assert _query(db_path, "SELECT count(*), count(DISTINCT visit_id) FROM score") == [(42, 1)]


UNREADABLE = [
    (make_xls, "x.xls", ["oud Excel-bestand (.xls)", "sla het op als Excel-werkmap (.xlsx)"]),
    (make_random_xlsx, "kapot.xlsx", ["beschadigd of geen echte Excel-werkmap"]),
    (make_truncated_xlsx, "half.xlsx", ["beschadigd en kan niet worden gelezen"]),
    (make_encrypted_xlsx, "geheim.xlsx", ["met een wachtwoord beveiligd"]),
    (make_big_csv, "groot.csv", ["de grens is 25 MB"]),
    (make_many_rows_csv, "lang.csv", ["de grens is 200.000 rijen"]),
]


def test_unreadable_files_exit_1_with_dutch_message(tmp_path, db_path, empty_db_file):
    shutil.copyfile(empty_db_file, db_path)
    before = _snapshot(db_path)
    files = [maker(tmp_path / name) for maker, name, _ in UNREADABLE]

    # One run over all six files (a subprocess costs ~1 s); each must be refused on its own line.
    proc = run_cli("import", *files, "--db", db_path, "--onderzoek", "kg-2017", "--kader", "kg-2017")

    assert proc.returncode == 1
    out = proc.stdout.splitlines()
    for _, name, words in UNREADABLE:
        assert f"{name}: geweigerd, 1 fout(en); er is niets opgeslagen." in out
        [detail] = [line for line in out if line.startswith(f"  FOUT {name}: ")]
        for w in words:
            assert w in detail, detail
    assert "geïmporteerd" not in proc.stdout
    _no_traceback(proc)
    assert _snapshot(db_path) == before


def test_one_unreadable_file_alone_exits_1(tmp_path, db_path):
    proc = run_cli("import", make_encrypted_xlsx(tmp_path / "geheim.xlsx"), "--db", db_path)
    assert proc.returncode == 1
    assert "geheim.xlsx: geweigerd" in proc.stdout and "wachtwoord" in proc.stdout
    _no_traceback(proc)


def test_bsn_is_never_echoed_by_the_cli(tmp_path, db_path):
    rows = kg_dossiers(6)
    rows[4][0] = VALID_BSN
    remarks = [["Dossier", "Indicator", "Toelichting"], ["GO-01", "TT1", f"BSN moeder {VALID_BSN}"]]
    path = make_workbook(tmp_path / "bsn.xlsx", kg_meta(), rows, extra_sheets={"Toelichting": remarks})

    proc = run_cli("import", path, "--db", db_path)

    assert proc.returncode == 1
    assert "Dossiers!A5" in proc.stdout and "Toelichting!C2" in proc.stdout
    assert "BSN" in proc.stdout
    assert VALID_BSN not in proc.stdout + proc.stderr
    _no_traceback(proc)
    assert _query(db_path, "SELECT count(*) FROM visit") == [(0,)]


def test_csv_with_onderzoek_and_kader_options(tmp_path, db_path):
    rows = [["gemeente", "datum", "dossier", "indicator", "score", "toelichting"]]
    rows += [["Súdwest-Fryslân", "12-11-2016", f"SF-{i}", "TT1", "j" if i % 3 else "n", "geëvalueerd"] for i in range(1, 7)]
    path = write_csv(tmp_path / "lang.csv", rows, sep=";", encoding="cp1252")

    proc = run_cli("import", path, "--db", db_path, "--onderzoek", "friesland-2016", "--kader", "kg-2017")

    assert proc.returncode == 0, proc.stdout
    assert _query(db_path, "SELECT study_id, framework_id FROM study") == [("friesland-2016", "kg-2017")]
    assert _query(db_path, "SELECT value, count(*) FROM score GROUP BY 1 ORDER BY 1") == [("ja", 4), ("nee", 2)]
    assert _query(db_path, "SELECT DISTINCT text FROM remark") == [("geëvalueerd",)]


def test_each_file_is_all_or_nothing_on_its_own(tmp_path, db_path):
    good = make_workbook(tmp_path / "goed.xlsx", kg_meta(), kg_dossiers(6))
    bad = make_workbook(tmp_path / "fout.xlsx", kg_meta(Gemeente="Brielle", Datum="2017-03-07", Soort="later"), kg_dossiers(6))

    proc = run_cli("import", good, bad, "--db", db_path)

    assert proc.returncode == 1
    assert "goed.xlsx: geïmporteerd" in proc.stdout and "fout.xlsx: geweigerd" in proc.stdout
    assert "Onderzoek!B5" in proc.stdout
    assert _query(db_path, "SELECT municipality_name FROM visit") == [("Goeree-Overflakkee",)]


def test_database_from_environment_variable(tmp_path):
    target = tmp_path / "omgeving.duckdb"
    wb = make_workbook(tmp_path / "go.xlsx", kg_meta(), kg_dossiers(6))
    proc = run_cli("import", wb, env={**os.environ, "TOEZICHT_DB": str(target)})
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert _query(target, "SELECT count(*) FROM dossier") == [(6,)]


@pytest.mark.parametrize(
    "args",
    [
        ["import", "--frobnicate", "x.xlsx"],
        ["import"],
        ["importeer", "x.xlsx"],
        [],
        ["template", "--out", "x.xlsx"],
    ],
    ids=["unknown-option", "no-file", "unknown-command", "no-command", "template-without-kader"],
)
def test_usage_errors_exit_2(tmp_path, db_path, args):
    proc = run_cli(*args, "--db", db_path) if args[:1] == ["import"] else run_cli(*args)
    assert proc.returncode == 2
    assert proc.stderr.strip()
    assert "Traceback" not in proc.stdout + proc.stderr
    assert not db_path.exists()


def test_missing_file_is_a_usage_error_and_writes_nothing(tmp_path, db_path, empty_db_file):
    shutil.copyfile(empty_db_file, db_path)
    before = _snapshot(db_path)
    good = make_workbook(tmp_path / "goed.xlsx", kg_meta(), kg_dossiers(6))

    proc = run_cli("import", good, tmp_path / "bestaat-niet.xlsx", "--db", db_path)

    assert proc.returncode == 2
    assert "bestaat-niet.xlsx bestaat niet" in proc.stderr
    _no_traceback(proc)
    assert _snapshot(db_path) == before


def test_help_exits_0():
    proc = run_cli("--help")
    assert proc.returncode == 0
    assert "import" in proc.stdout and "template" in proc.stdout and "demo" in proc.stdout


# --- demo ------------------------------------------------------------------------------------------

PUBLISHED_SQL = """
    SELECT count(*) FILTER (WHERE s.value = 'ja'), count(*) FILTER (WHERE s.value = 'nee'), count(*)
    FROM score s JOIN visit v USING (visit_id)
    WHERE v.study_id = ? AND v.municipality_name = ? AND v.kind = 'onderzoek' AND s.indicator_code = ?
"""


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory):
    path = tmp_path_factory.mktemp("demo") / "demo.duckdb"
    proc = run_cli("demo", "--db", path)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    _no_traceback(proc)
    return path


def test_demo_has_all_four_studies(demo_db):
    studies = dict(_query(demo_db, "SELECT study_id, framework_id FROM study WHERE is_demo"))
    assert studies == {"vt-2019": "vt-2019", "kg-2017": "kg-2017", "so-2016": "so-2016", "rigg-2016": "rigg-2016"}


@pytest.mark.parametrize(
    "study, gemeente, code, ja, nee",
    [
        ("kg-2017", "Goeree-Overflakkee", "TT3", 2, 12),
        ("kg-2017", "Goeree-Overflakkee", "TT1", 4, 10),
        ("vt-2019", "Nijmegen", "1", 5, 5),
    ],
)
def test_demo_matches_published_figures(demo_db, study, gemeente, code, ja, nee):
    assert _query(demo_db, PUBLISHED_SQL, [study, gemeente, code]) == [(ja, nee, ja + nee)]


def test_demo_published_visits_have_the_reported_dossier_counts(demo_db):
    rows = dict(_query(demo_db, """
        SELECT v.municipality_name || ' ' || v.study_id, count(d.dossier_id)
        FROM visit v JOIN dossier d USING (visit_id)
        WHERE v.kind = 'onderzoek' AND (v.study_id, v.municipality_name) IN
              (('kg-2017', 'Goeree-Overflakkee'), ('vt-2019', 'Nijmegen'))
        GROUP BY 1
    """))
    assert rows == {"Goeree-Overflakkee kg-2017": 14, "Nijmegen vt-2019": 10}
    hertoets = _query(demo_db, """
        SELECT year(visit_date) FROM visit
        WHERE study_id = 'kg-2017' AND municipality_name = 'Goeree-Overflakkee' AND kind = 'hertoets'
    """)
    assert hertoets == [(2017,)]


def test_demo_municipalities_named_in_the_reports(demo_db):
    per_study = {}
    for study, name in _query(demo_db, "SELECT DISTINCT study_id, municipality_name FROM visit"):
        per_study.setdefault(study, set()).add(name)
    assert {"Assen", "Emmen", "Barneveld", "Ede", "Houten", "Nieuwegein"} <= per_study["so-2016"]
    assert {"Nijmegen", "Wijchen", "Zaltbommel"} <= per_study["vt-2019"]
    assert len(per_study["rigg-2016"]) == 23
    assert {"Ten Boer", "Haren", "Groningen"} <= per_study["rigg-2016"]


def test_demo_rebuild_gives_the_same_database(demo_db):
    counts_sql = "SELECT (SELECT count(*) FROM visit), (SELECT count(*) FROM score), (SELECT count(*) FROM dossier)"
    before = _query(demo_db, counts_sql)
    proc = run_cli("demo", "--db", demo_db)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert _query(demo_db, counts_sql) == before
    assert _query(demo_db, PUBLISHED_SQL, ["kg-2017", "Goeree-Overflakkee", "TT3"]) == [(2, 12, 14)]


def test_an_import_waits_for_a_busy_database_with_a_message_then_lands(tmp_path):
    db = tmp_path / "bezet.duckdb"
    # The holder keeps the file open until the test lets it go: after the import has said it is waiting.
    holder = subprocess.Popen(
        [sys.executable, "-c", "import duckdb, sys; con = duckdb.connect(sys.argv[1]); print('ok', flush=True); "
                               "sys.stdin.readline(); con.close()", str(db)],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
    )
    importer = None
    try:
        assert holder.stdout.readline().strip() == "ok"
        book = make_workbook(tmp_path / "w.xlsx", kg_meta(), kg_dossiers())
        importer = subprocess.Popen([sys.executable, "-m", "loaders", "import", str(book), "--db", str(db)], cwd=REPO,
                                    stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        first = importer.stdout.readline()  # blocks until the import reports; it cannot finish while the file is held
        assert "in gebruik" in first and "wachten" in first, first
        holder.stdin.write("\n")
        holder.stdin.flush()
        rest, err = importer.communicate(timeout=120)
        assert importer.returncode == 0, first + rest + err
        assert "Traceback" not in first + rest + err
        assert "w.xlsx: geïmporteerd" in rest
    finally:
        for proc in (holder, importer):
            if proc is not None and proc.poll() is None:
                proc.kill()
                proc.wait()
    assert _query(db, "SELECT count(*) FROM dossier") == [(6,)]
