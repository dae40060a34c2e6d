"""The published figures, out of `python -m metrics` on the demo database (DESIGN §9, §10)."""

import csv
import io
import json
import subprocess
import sys

import duckdb
import pytest
from demo_db import REPO, demo_database


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    return demo_database(tmp_path_factory)


def metrics_cli(db, *args):
    return subprocess.run([sys.executable, "-m", "metrics", *args, "--db", str(db)], cwd=REPO, capture_output=True, text=True, timeout=120)


def csv_rows(db, *args):
    done = metrics_cli(db, *args, "--format", "csv")
    assert done.returncode == 0, done.stderr
    return list(csv.DictReader(io.StringIO(done.stdout)))


def only(rows, **where):
    found = [r for r in rows if all(r[k] == v for k, v in where.items())]
    assert len(found) == 1, found
    return found[0]


REQUIRED = "onderzoek,gemeente,indicator,k,n,percentage,ondergrens,bovengrens,benchmark,vergelijking".split(",")


@pytest.mark.parametrize(
    "study, gemeente, indicator, k, n, pct, low, high",
    [
        ("kg-2017", "Goeree-Overflakkee", "TT3", "2", "14", "14.3", "4.0", "39.9"),
        ("kg-2017", "Goeree-Overflakkee", "TT1", "4", "14", "28.6", "11.7", "54.6"),
        ("vt-2019", "Nijmegen", "1", "5", "10", "50.0", "23.7", "76.3"),
    ],
)
def test_published_figures_come_out_of_the_cli(demo, study, gemeente, indicator, k, n, pct, low, high):
    rows = csv_rows(demo, "compliance", "--onderzoek", study, "--gemeente", gemeente)
    assert list(rows[0])[: len(REQUIRED)] == REQUIRED
    r = only(rows, indicator=indicator)
    assert (r["onderzoek"], r["gemeente"], r["k"], r["n"], r["percentage"], r["ondergrens"], r["bovengrens"]) == (
        study, gemeente, k, n, pct, low, high)
    assert 0 <= float(r["benchmark"]) <= 100 and "." in r["benchmark"]
    assert r["vergelijking"] in ("beter", "vergelijkbaar", "slechter")
    # the same row with --soort onderzoek spelled out
    assert only(csv_rows(demo, "compliance", "--onderzoek", study, "--gemeente", gemeente, "--soort", "onderzoek"), indicator=indicator)["k"] == k


def raw_counts(db, where: str, params: list) -> tuple[int, int]:
    """(ja, ja + nee) straight from the score table, independent of the metrics code."""
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(
            "SELECT count(*) FILTER (WHERE s.value = 'ja'), count(*) FILTER (WHERE s.value IN ('ja', 'nee')) "
            f"FROM score s JOIN visit v USING (visit_id) WHERE {where}", params
        ).fetchall()[0]
    finally:
        con.close()


def test_hertoets_is_separate_and_later(demo):
    rows = csv_rows(demo, "compliance", "--onderzoek", "kg-2017", "--gemeente", "Goeree-Overflakkee", "--soort", "hertoets")
    tt3 = only(rows, indicator="TT3")
    k, n = raw_counts(demo, "v.study_id = 'kg-2017' AND v.municipality_name = 'Goeree-Overflakkee' AND v.kind = 'hertoets' "
                            "AND s.indicator_code = 'TT3'", [])
    assert (tt3["k"], tt3["n"], tt3["soort"]) == (str(k), str(n), "hertoets")
    assert (k, n) != (2, 14)  # the hertoets is not the onderzoek's 2 van 14


def test_pooled_rows_have_empty_gemeente_and_carry_the_study_benchmark(demo):
    rows = csv_rows(demo, "compliance", "--onderzoek", "kg-2017")
    k, n = raw_counts(demo, "v.study_id = 'kg-2017' AND v.kind = 'onderzoek' AND s.indicator_code = 'TT3'", [])
    expected = f"{round(k / n * 100, 1):.1f}"
    pooled = only(rows, gemeente="", indicator="TT3")
    assert (pooled["k"], pooled["n"], pooled["percentage"], pooled["benchmark"]) == (str(k), str(n), expected, expected)
    municipalities = [r for r in rows if r["indicator"] == "TT3" and r["gemeente"]]
    assert {r["benchmark"] for r in municipalities} == {expected}
    con = duckdb.connect(str(demo), read_only=True)
    names = {r[0] for r in con.execute("SELECT DISTINCT municipality_name FROM visit WHERE study_id = 'kg-2017' AND kind = 'onderzoek'").fetchall()}
    con.close()
    assert {r["gemeente"] for r in municipalities} == names


def test_by_theme_and_municipality_and_json(demo):
    themes = csv_rows(demo, "compliance", "--onderzoek", "vt-2019", "--by", "theme")
    assert "thema" in themes[0] and "indicator" not in themes[0]
    munis = csv_rows(demo, "compliance", "--onderzoek", "so-2016", "--by", "municipality")
    assert {r["gemeente"] for r in munis} == {"", "Assen", "Emmen", "Barneveld", "Ede", "Houten", "Nieuwegein"}
    done = metrics_cli(demo, "compliance", "--onderzoek", "vt-2019", "--gemeente", "Nijmegen", "--format", "json")
    data = json.loads(done.stdout)
    assert next(r for r in data if r["indicator"] == "1")["oordeel"] == "5 van 10"


def test_unknown_municipality_is_a_usage_error_with_a_suggestion(demo):
    done = metrics_cli(demo, "compliance", "--gemeente", "Nijmegn")
    assert done.returncode == 2
    assert "Nijmegen" in done.stderr and "Traceback" not in done.stderr


def test_funnel_trend_jaarbeeld_and_rag_print_csv(demo):
    funnel = csv_rows_plain(demo, "funnel", "--onderzoek", "so-2016")
    assert {"ondergrens_95", "bovengrens_998", "funnel"} <= set(funnel[0])
    curve = csv_rows_plain(demo, "funnel", "--onderzoek", "so-2016", "--indicator", "JB7", "--curve")
    assert [r["n"] for r in curve][:3] == ["1", "2", "3"]
    trend = csv_rows_plain(demo, "trend", "--gemeente", "Goeree-Overflakkee")
    tt3 = only(trend, indicator="TT3")
    assert (tt3["van_k"], tt3["van_n"], tt3["naar_soort"]) == ("2", "14", "hertoets")
    jb = csv_rows_plain(demo, "jaarbeeld-data", "--year", "2016")
    assert {r["jaarbeeld_thema"] for r in jb} == {"vroegsignalering", "eigen-kracht", "veiligheid"}
    rag = csv_rows_plain(demo, "rag", "--by", "section")
    assert all(abs(sum(float(r[f"aandeel_{c}"]) for c in ("groen", "oranje", "rood")) - 100) < 0.2 for r in rag)


def csv_rows_plain(db, *args):
    done = metrics_cli(db, *args)
    assert done.returncode == 0, done.stderr
    return list(csv.DictReader(io.StringIO(done.stdout)))
