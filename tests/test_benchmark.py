"""Benchmark choice (onderzoek, provincie, groep, norm) and the second level at 99,8%, on a database built in the test
through the real loader. Every expectation is pooled by hand from the counts written into the workbooks, and the
intervals come from statsmodels in the test, never from the code under test."""

from __future__ import annotations

import csv
import datetime as dt
import io
import math
import shutil
import subprocess
import sys

import pytest
from conftest import REPO
from statsmodels.stats.proportion import proportion_confint
from test_metrics_queries import visit_workbook

from loaders.importer import import_file
from metrics import Scope, compliance_by_indicator, compliance_by_municipality, funnel_points
from store.database import connect

STUDY = "kg-2017"
DATE = dt.date(2016, 10, 11)
# Province of each municipality in 2016 (CBS list), written out by hand; Ede is the only Gelderland one.
PROVINCE = {"Goeree-Overflakkee": "Zuid-Holland", "Hellevoetsluis": "Zuid-Holland", "Brielle": "Zuid-Holland",
            "Westvoorne": "Zuid-Holland", "Houten": "Utrecht", "Nieuwegein": "Utrecht", "Zeist": "Utrecht", "Ede": "Gelderland"}
# (ja, nee) per indicator. Goeree-Overflakkee's TT3 lies far below Zuid-Holland (a 'duidelijk' verdict), Houten's TT3
# below Utrecht at 95% only; the whole study pools differently from each province.
PLAN = {
    "Goeree-Overflakkee": {"TT3": (2, 28), "TT1": (4, 10)},
    "Hellevoetsluis": {"TT3": (26, 4), "TT1": (6, 6)},
    "Brielle": {"TT3": (24, 6), "TT1": (3, 1)},
    "Westvoorne": {"TT3": (25, 5), "TT1": (9, 3)},
    "Houten": {"TT3": (9, 11), "TT1": (7, 5)},
    "Nieuwegein": {"TT3": (18, 2), "TT1": (8, 4)},
    "Zeist": {"TT3": (17, 3), "TT1": (5, 5)},
    "Ede": {"TT3": (10, 10), "TT1": (2, 8)},
}


@pytest.fixture(scope="module")
def bench_db(tmp_path_factory):
    folder = tmp_path_factory.mktemp("benchmark")
    path = folder / "b.duckdb"
    con = connect(path)
    for n, (gemeente, counts) in enumerate(PLAN.items()):
        import_file(con, visit_workbook(folder / f"v{n}.xlsx", STUDY, gemeente, DATE,
                                        {code: (ja, nee, 0) for code, (ja, nee) in counts.items()}))
    con.close()
    return path


@pytest.fixture
def con(bench_db):
    c = connect(bench_db)
    yield c
    c.close()


def pooled(indicator: str, names) -> tuple[int, int]:
    k = sum(PLAN[g][indicator][0] for g in names)
    n = sum(sum(PLAN[g][indicator]) for g in names)
    return k, n


def kn(gemeente: str, indicator: str) -> tuple[int, int]:
    ja, nee = PLAN[gemeente][indicator]
    return ja, ja + nee


def verdict(k: int, n: int, benchmark: float, alpha: float) -> str:
    low, high = proportion_confint(k, n, alpha=alpha, method="wilson")
    if low * 100 > benchmark:
        return "beter"
    if high * 100 < benchmark:
        return "slechter"
    return "vergelijkbaar"


def only(frame, **where):
    for key, value in where.items():
        frame = frame[frame[key] == value]
    assert len(frame) == 1, frame
    return frame.iloc[0]


def test_province_benchmark_pools_each_municipalitys_own_province(con):
    frame = compliance_by_indicator(con, Scope(study=STUDY, benchmark_kind="provincie"))
    for gemeente, province in PROVINCE.items():
        members = [g for g, p in PROVINCE.items() if p == province]
        for indicator in ("TT3", "TT1"):
            row = only(frame, gemeente=gemeente, indicator=indicator)
            assert row["benchmark_soort"] == "provincie"
            assert row["benchmark_gebied"] == f"provincie {province}"
            assert row["benchmark_gemeenten"] == len(members)
            k, n = kn(gemeente, indicator)
            if len(members) < 3:  # Ede alone in Gelderland: no comparison, and a reason
                assert math.isnan(row["benchmark"]) and row["vergelijking"] == "" and row["vergelijking_998"] == ""
                assert "minder dan 3 gemeenten" in row["benchmark_opmerking"]
                continue
            bk, bn = pooled(indicator, members)
            assert row["benchmark"] == pytest.approx(100 * bk / bn)
            assert row["vergelijking"] == verdict(k, n, 100 * bk / bn, 0.05)
            assert row["vergelijking_998"] == verdict(k, n, 100 * bk / bn, 0.002)
            assert row["benchmark_opmerking"] == ""


def test_two_levels_follow_statsmodels_wilson_at_95_and_99_8_percent(con):
    frame = compliance_by_indicator(con, Scope(study=STUDY))
    everyone = list(PLAN)
    seen = set()
    for gemeente in PLAN:
        for indicator in ("TT3", "TT1"):
            row = only(frame, gemeente=gemeente, indicator=indicator)
            bk, bn = pooled(indicator, everyone)
            k, n = kn(gemeente, indicator)
            assert row["benchmark"] == pytest.approx(100 * bk / bn)
            assert row["benchmark_gemeenten"] == len(everyone) and row["benchmark_soort"] == "onderzoek"
            assert row["vergelijking"] == verdict(k, n, 100 * bk / bn, 0.05)
            assert row["vergelijking_998"] == verdict(k, n, 100 * bk / bn, 0.002)
            seen.add((row["vergelijking"], row["vergelijking_998"]))
    # The plan gives both a verdict that holds at 99,8% and one that holds at 95% only.
    assert ("slechter", "slechter") in seen and ("beter", "vergelijkbaar") in seen


def test_a_duidelijk_verdict_in_the_province_differs_from_a_95_only_one(con):
    frame = compliance_by_indicator(con, Scope(study=STUDY, benchmark_kind="provincie"))
    goeree = only(frame, gemeente="Goeree-Overflakkee", indicator="TT3")
    houten = only(frame, gemeente="Houten", indicator="TT3")
    assert (goeree["vergelijking"], goeree["vergelijking_998"]) == ("slechter", "slechter")
    assert (houten["vergelijking"], houten["vergelijking_998"]) == ("slechter", "vergelijkbaar")


def test_group_benchmark_pools_only_the_chosen_municipalities(con):
    group = ("Houten", "Nieuwegein", "Zeist")
    frame = compliance_by_indicator(con, Scope(study=STUDY, benchmark_kind="groep", group=group))
    for gemeente in PLAN:
        for indicator in ("TT3", "TT1"):
            row = only(frame, gemeente=gemeente, indicator=indicator)
            bk, bn = pooled(indicator, group)
            assert row["benchmark"] == pytest.approx(100 * bk / bn)
            assert row["benchmark_gemeenten"] == 3 and row["benchmark_gebied"] == "eigen vergelijkingsgroep"
            assert row["vergelijking_998"] == verdict(*kn(gemeente, indicator), 100 * bk / bn, 0.002)
    # Pooled over all municipalities too (the study's own row against the group).
    study_row = only(compliance_by_indicator(con, Scope(study=STUDY, benchmark_kind="groep", group=group), pooled=True),
                     indicator="TT3")
    assert study_row["benchmark"] == pytest.approx(100 * pooled("TT3", group)[0] / pooled("TT3", group)[1])


def test_a_group_of_two_gives_no_verdict_and_says_why(con):
    frame = compliance_by_municipality(con, Scope(study=STUDY, benchmark_kind="groep", group=("Houten", "Zeist")))
    assert frame["benchmark"].isna().all()
    assert set(frame["vergelijking"]) == {""} and set(frame["vergelijking_998"]) == {""}
    assert set(frame["benchmark_opmerking"]) == {"benchmark over minder dan 3 gemeenten: geen vergelijking"}


def test_norm_benchmark_compares_with_the_frameworks_norm_and_explains_rows_without_one(bench_db, tmp_path):
    path = tmp_path / "norm.duckdb"
    shutil.copyfile(bench_db, path)
    c = connect(path)
    try:
        c.execute("UPDATE indicator SET norm = 80 WHERE framework_id = ? AND indicator_code = 'TT1'", [STUDY])
        frame = compliance_by_indicator(c, Scope(study=STUDY, benchmark_kind="norm"))
    finally:
        c.close()
    for gemeente in PLAN:
        tt1 = only(frame, gemeente=gemeente, indicator="TT1")
        assert tt1["benchmark"] == 80 and tt1["benchmark_opmerking"] == ""
        assert tt1["vergelijking"] == verdict(*kn(gemeente, "TT1"), 80, 0.05)
        assert tt1["vergelijking_998"] == verdict(*kn(gemeente, "TT1"), 80, 0.002)
        tt3 = only(frame, gemeente=gemeente, indicator="TT3")
        assert math.isnan(tt3["benchmark"]) and tt3["vergelijking"] == ""
        assert "geen norm" in tt3["benchmark_opmerking"]


def test_funnel_positions_use_each_rows_own_province_benchmark(con):
    points = funnel_points(con, Scope(study=STUDY, benchmark_kind="provincie"))
    for gemeente in ("Goeree-Overflakkee", "Houten"):
        members = [g for g, p in PROVINCE.items() if p == PROVINCE[gemeente]]
        bk, bn = pooled("TT3", members)
        assert only(points, gemeente=gemeente, indicator="TT3")["benchmark"] == pytest.approx(100 * bk / bn)
    # Goeree-Overflakkee: 2 of 30 against Zuid-Holland's pooled rate lies far below even the 99,8% limit.
    assert only(points, gemeente="Goeree-Overflakkee", indicator="TT3")["funnel"] == "onder 99,8%"


def run_cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, *args], cwd=REPO, capture_output=True, text=True, timeout=120)


def cli_rows(bench_db, *args) -> tuple[list[str], list[dict]]:
    done = run_cli("-m", "metrics", "compliance", "--db", str(bench_db), "--onderzoek", STUDY, "--format", "csv", *args)
    assert done.returncode == 0, done.stderr
    reader = csv.DictReader(io.StringIO(done.stdout))
    return reader.fieldnames, list(reader)


def test_cli_csv_adds_vergelijking_998_after_vergelijking_and_keeps_the_other_columns(bench_db):
    header, rows = cli_rows(bench_db)
    assert header[:11] == ["onderzoek", "gemeente", "indicator", "k", "n", "percentage", "ondergrens", "bovengrens",
                           "benchmark", "vergelijking", "vergelijking_998"]
    assert header[-4:] == ["benchmark_soort", "benchmark_gebied", "benchmark_gemeenten", "benchmark_opmerking"]
    goeree = next(r for r in rows if r["gemeente"] == "Goeree-Overflakkee" and r["indicator"] == "TT3")
    bk, bn = pooled("TT3", PLAN)
    assert float(goeree["benchmark"]) == pytest.approx(round(100 * bk / bn, 1))
    assert goeree["vergelijking_998"] == verdict(2, 30, 100 * bk / bn, 0.002)
    assert goeree["benchmark_gemeenten"] == str(len(PLAN))


def test_cli_province_and_group(bench_db):
    _, rows = cli_rows(bench_db, "--benchmark", "provincie")
    houten = next(r for r in rows if r["gemeente"] == "Houten" and r["indicator"] == "TT3")
    bk, bn = pooled("TT3", ["Houten", "Nieuwegein", "Zeist"])
    assert float(houten["benchmark"]) == pytest.approx(round(100 * bk / bn, 1))
    assert (houten["vergelijking"], houten["vergelijking_998"]) == ("slechter", "vergelijkbaar")
    assert (houten["benchmark_gebied"], houten["benchmark_gemeenten"]) == ("provincie Utrecht", "3")
    ede = next(r for r in rows if r["gemeente"] == "Ede" and r["indicator"] == "TT3")
    assert ede["benchmark"] == "" and ede["vergelijking_998"] == "" and "minder dan 3" in ede["benchmark_opmerking"]
    study_row = next(r for r in rows if r["gemeente"] == "" and r["indicator"] == "TT3")
    assert study_row["vergelijking"] == "" and "per gemeente" in study_row["benchmark_opmerking"]

    _, rows = cli_rows(bench_db, "--groep", "Brielle, Westvoorne,Hellevoetsluis")
    bk, bn = pooled("TT3", ["Brielle", "Westvoorne", "Hellevoetsluis"])
    for r in (r for r in rows if r["indicator"] == "TT3"):
        assert float(r["benchmark"]) == pytest.approx(round(100 * bk / bn, 1))
        assert r["benchmark_soort"] == "groep" and r["benchmark_gemeenten"] == "3"


def test_cli_refuses_a_group_of_two_or_an_unknown_name_in_dutch(bench_db):
    base = ["-m", "metrics", "compliance", "--db", str(bench_db), "--onderzoek", STUDY, "--format", "csv"]
    done = run_cli(*base, "--groep", "Houten,Zeist")
    assert done.returncode == 2 and done.stdout == ""
    assert "minstens 3 gemeenten" in done.stderr and "Houten, Zeist" in done.stderr and "Traceback" not in done.stderr
    done = run_cli(*base, "--groep", "Houten,Zeist,Nieuwegeen")
    assert done.returncode == 2 and "Nieuwegein" in done.stderr and "Traceback" not in done.stderr
