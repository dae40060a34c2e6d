"""Metric queries on small databases built in the test through the real loader."""

import datetime as dt

import pandas as pd
import pytest
from conftest import make_workbook

from store.database import connect
from reference.frameworks import shipped_frameworks
from loaders.importer import import_file
from metrics import (
    Scope,
    compliance_by_indicator,
    compliance_by_municipality,
    compliance_by_theme,
    funnel_points,
    jaarbeeld_themes,
    jaarbeeld_weakest,
    rag_shares,
    trend_by_indicator,
)
from metrics.stats import wilson_interval
from test_stats import wilson_by_hand


def visit_workbook(path, study, gemeente, date, counts: dict[str, tuple[int, int, int]], soort="onderzoek", dossiers=None):
    """A workbook whose indicator columns hold exactly (ja, nee, nvt) per code, in that order."""
    size = dossiers or max(sum(c) for c in counts.values())
    rows = [["Dossier", *counts]]
    for i in range(size):
        row = [f"D{i + 1:02d}"]
        for ja, nee, nvt in counts.values():
            row.append("ja" if i < ja else "nee" if i < ja + nee else "nvt" if i < ja + nee + nvt else None)
        rows.append(row)
    meta = {"Onderzoek": study, "Kader": study, "Gemeente": gemeente, "Datum": date, "Soort": soort}
    return make_workbook(path, meta, rows)


@pytest.fixture
def kg_db(tmp_path):
    """kg-2017: three municipalities with hand-picked TT3/TT1 counts, plus a hertoets."""
    con = connect(tmp_path / "kg.duckdb")
    visits = [
        ("Goeree-Overflakkee", {"TT3": (2, 12, 0), "TT1": (4, 10, 0)}, "onderzoek", dt.date(2016, 10, 11)),
        ("Hellevoetsluis", {"TT3": (10, 2, 1), "TT1": (6, 6, 0)}, "onderzoek", dt.date(2017, 2, 7)),
        ("Brielle", {"TT3": (7, 3, 0), "TT1": (3, 1, 6)}, "onderzoek", dt.date(2017, 3, 7)),
        ("Goeree-Overflakkee", {"TT3": (9, 5, 0), "TT1": (8, 6, 0)}, "hertoets", dt.date(2017, 4, 20)),
    ]
    for n, (gemeente, counts, soort, date) in enumerate(visits):
        import_file(con, visit_workbook(tmp_path / f"v{n}.xlsx", "kg-2017", gemeente, date, counts, soort))
    yield con
    con.close()


def row(frame, **where):
    sel = frame
    for k, v in where.items():
        sel = sel[sel[k] == v]
    assert len(sel) == 1, sel
    return sel.iloc[0]


def test_compliance_counts_k_n_and_excludes_nvt(kg_db):
    frame = compliance_by_indicator(kg_db, Scope(study="kg-2017"))
    tt3 = row(frame, gemeente="Goeree-Overflakkee", indicator="TT3")
    assert (tt3.k, tt3.n, tt3.oordeel) == (2, 14, "2 van 14")
    assert round(tt3.percentage, 1) == 14.3
    assert (round(tt3.ondergrens, 1), round(tt3.bovengrens, 1)) == (4.0, 39.9)
    brielle = row(frame, gemeente="Brielle", indicator="TT1")
    assert (brielle.k, brielle.n, brielle.nvt) == (3, 4, 6)
    assert bool(brielle.klein_aantal) is True  # n = 4 < 5
    assert bool(tt3.klein_aantal) is False


def test_benchmark_is_pooled_over_the_studys_onderzoek_visits(kg_db):
    frame = compliance_by_indicator(kg_db, Scope(study="kg-2017"))
    bench = (2 + 10 + 7) / (14 + 12 + 10) * 100  # hertoets not included
    for gemeente in ("Goeree-Overflakkee", "Hellevoetsluis", "Brielle"):
        assert row(frame, gemeente=gemeente, indicator="TT3").benchmark == pytest.approx(bench)
    expected = {}
    for gemeente, (k, n) in {"Goeree-Overflakkee": (2, 14), "Hellevoetsluis": (10, 12), "Brielle": (7, 10)}.items():
        lo, hi = (float(x) * 100 for x in wilson_interval(k, n))
        expected[gemeente] = "beter" if lo > bench else "slechter" if hi < bench else "vergelijkbaar"
        assert row(frame, gemeente=gemeente, indicator="TT3").vergelijking == expected[gemeente]
    assert expected == {"Goeree-Overflakkee": "slechter", "Hellevoetsluis": "beter", "Brielle": "vergelijkbaar"}
    hertoets = compliance_by_indicator(kg_db, Scope(study="kg-2017", kind="hertoets"))
    assert row(hertoets, indicator="TT3").benchmark == pytest.approx(bench)


def test_pooled_rows_have_an_empty_municipality(kg_db):
    pooled = compliance_by_indicator(kg_db, Scope(study="kg-2017"), pooled=True)
    tt3 = row(pooled, indicator="TT3")
    assert (tt3.gemeente, tt3.k, tt3.n) == ("", 19, 36)


def test_theme_is_pooled_with_the_range_of_indicator_rates(kg_db):
    frame = compliance_by_theme(kg_db, Scope(study="kg-2017"))
    tt = row(frame, gemeente="Goeree-Overflakkee", thema="TT")
    assert (tt.k, tt.n) == (2 + 4, 14 + 14)
    assert tt.laagste_indicator == pytest.approx(2 / 14 * 100)
    assert tt.hoogste_indicator == pytest.approx(4 / 14 * 100)
    muni = row(compliance_by_municipality(kg_db, Scope(study="kg-2017")), gemeente="Brielle")
    assert (muni.k, muni.n) == (10, 14)


def test_n_zero_gives_geen_oordeel(tmp_path):
    con = connect(tmp_path / "z.duckdb")
    import_file(con, visit_workbook(tmp_path / "z.xlsx", "kg-2017", "Brielle", dt.date(2017, 3, 7), {"TT3": (0, 0, 6), "TT1": (3, 3, 0)}))
    tt3 = row(compliance_by_indicator(con, Scope(study="kg-2017")), indicator="TT3")
    assert (tt3.k, tt3.n, tt3.nvt, tt3.oordeel, tt3.vergelijking) == (0, 0, 6, "geen oordeel", "")
    assert pd.isna(tt3.percentage) and pd.isna(tt3.ondergrens)


def test_norm_is_checked_where_the_framework_sets_one(kg_db):
    kg_db.execute("UPDATE indicator SET norm = 70 WHERE framework_id = 'kg-2017' AND indicator_code = 'TT3'")
    frame = compliance_by_indicator(kg_db, Scope(study="kg-2017"))
    assert bool(row(frame, gemeente="Hellevoetsluis", indicator="TT3").voldoet_norm) is True  # 83%
    assert bool(row(frame, gemeente="Brielle", indicator="TT3").voldoet_norm) is True  # exactly 70%
    assert bool(row(frame, gemeente="Goeree-Overflakkee", indicator="TT3").voldoet_norm) is False
    assert pd.isna(row(frame, gemeente="Brielle", indicator="TT1").voldoet_norm)  # no norm set


def test_trend_gives_the_newcombe_interval_between_onderzoek_and_hertoets(kg_db):
    trend = trend_by_indicator(kg_db, Scope(municipality="Goeree-Overflakkee", kind=None))
    tt3 = row(trend, indicator="TT3")
    assert (tt3.van_soort, tt3.naar_soort, tt3.van_k, tt3.van_n, tt3.naar_k, tt3.naar_n) == ("onderzoek", "hertoets", 2, 14, 9, 14)
    # Newcombe's hybrid score interval written out from hand-computed Wilson bounds (Stat Med 1998;17:873, method 10).
    (l1, u1), (l2, u2) = wilson_by_hand(2, 14), wilson_by_hand(9, 14)
    p1, p2 = 2 / 14, 9 / 14
    lo = (p2 - p1) - ((p2 - l2) ** 2 + (u1 - p1) ** 2) ** 0.5
    hi = (p2 - p1) + ((u2 - p2) ** 2 + (p1 - l1) ** 2) ** 0.5
    assert tt3.verschil_pp == pytest.approx(50.0)
    assert (tt3.ondergrens_pp, tt3.bovengrens_pp) == (pytest.approx(lo * 100), pytest.approx(hi * 100))
    assert lo > 0 and bool(tt3.significant)
    assert len(trend_by_indicator(kg_db, Scope(municipality="Brielle", kind=None))) == 0  # one visit: no trend


def test_a_municipality_constructed_below_the_998_band_is_flagged(tmp_path):
    con = connect(tmp_path / "f.duckdb")
    plan = {"Assen": (18, 2), "Emmen": (2, 18), "Ede": (17, 3), "Houten": (19, 1)}
    for n, (gemeente, (ja, nee)) in enumerate(plan.items()):
        import_file(con, visit_workbook(tmp_path / f"f{n}.xlsx", "so-2016", gemeente, dt.date(2016, 3, 1), {"JB7": (ja, nee, 0)}))
    points = funnel_points(con, Scope(study="so-2016"))
    assert row(points, gemeente="Emmen", indicator="JB7").funnel == "onder 99,8%"
    assert row(points, gemeente="Ede", indicator="JB7").funnel == "binnen"
    emmen = row(points, gemeente="Emmen", indicator="JB7")
    assert emmen.benchmark == pytest.approx(56 / 80 * 100)
    assert emmen.percentage < emmen.ondergrens_998 < emmen.ondergrens_95


def rigg_workbook(path, gemeente, team, colours: dict[str, str]):
    netwerk = [["Indicator", "Score", "Toelichting"], *[[code, value, None] for code, value in colours.items()]]
    meta = {"Onderzoek": "rigg-2016", "Kader": "rigg-2016", "Gemeente": gemeente, "Datum": dt.date(2016, 1, 11), "Team": team}
    return make_workbook(path, meta, None, netwerk)


def test_rag_shares_per_item_section_team_and_municipality(tmp_path):
    con = connect(tmp_path / "r.duckdb")
    vh = [f"VH.{i}" for i in range(1, 9)]
    first = dict(zip(vh, ["groen"] * 4 + ["oranje"] * 2 + ["rood"] * 2))
    second = dict(zip(vh, ["groen"] * 8))
    second["VH.8"] = "nvt"
    import_file(con, rigg_workbook(tmp_path / "a.xlsx", "Bedum", "Team A", first))
    import_file(con, rigg_workbook(tmp_path / "b.xlsx", "Bedum", "Team B", second))
    section = row(rag_shares(con, "section"), sectie="VH")
    assert (section.groen, section.oranje, section.rood, section.nvt, section.n) == (11, 2, 2, 1, 15)
    assert section.aandeel_groen == pytest.approx(11 / 15 * 100)
    team_a = row(rag_shares(con, "team"), team="Team A")
    assert (team_a.aandeel_groen, team_a.aandeel_oranje, team_a.aandeel_rood) == (50.0, 25.0, 25.0)
    item = row(rag_shares(con, "item"), item="VH.8")
    assert (item.rood, item.nvt, item.aandeel_rood) == (1, 1, 100.0)
    muni = row(rag_shares(con, "municipality"), gemeente="Bedum")
    assert (muni.n, muni.bezoeken) == (15, 2)


def test_jaarbeeld_pools_every_study_with_fieldwork_in_the_year(tmp_path):
    con = connect(tmp_path / "j.duckdb")
    kg, so = shipped_frameworks()["kg-2017"], shipped_frameworks()["so-2016"]
    safety_kg = [i.code for i in kg.dossier_indicators if i.yearbook_theme == "veiligheid"][:2]
    safety_so = [i.code for i in so.dossier_indicators if i.yearbook_theme == "veiligheid"][:1]
    assert safety_kg and safety_so, "the shipped frameworks tag safety indicators"
    import_file(con, visit_workbook(tmp_path / "a.xlsx", "kg-2017", "Brielle", dt.date(2016, 10, 1),
                                    {safety_kg[0]: (3, 7, 0), safety_kg[1]: (5, 5, 0)}))
    import_file(con, visit_workbook(tmp_path / "b.xlsx", "so-2016", "Assen", dt.date(2016, 3, 1), {safety_so[0]: (8, 2, 1)}, dossiers=12))
    import_file(con, visit_workbook(tmp_path / "c.xlsx", "so-2016", "Emmen", dt.date(2017, 3, 1), {safety_so[0]: (1, 9, 0)}))
    themes = jaarbeeld_themes(con, 2016)
    safety = row(themes, jaarbeeld_thema="veiligheid")
    assert (safety.k, safety.n, safety.onderzoeken, safety.gemeenten, safety.dossiers) == (16, 30, 2, 2, 22)
    assert safety.themanaam == "Veiligheid"
    weakest = jaarbeeld_weakest(con, 2016)
    first = weakest[weakest["jaarbeeld_thema"] == "veiligheid"].iloc[0]
    assert (first.indicator, first.k, first.n) == (safety_kg[0], 3, 10)
    assert row(jaarbeeld_themes(con, 2017), jaarbeeld_thema="veiligheid").k == 1


def test_visit_indicator_count_has_one_row_per_visit_and_indicator_matching_the_scores(kg_db):
    """The metrics count visits as rows of visit_indicator_count; the loader must keep it exact."""
    dupes = kg_db.execute("SELECT count(*) FROM (SELECT visit_id, indicator_code FROM visit_indicator_count GROUP BY ALL HAVING count(*) > 1)").fetchall()[0][0]
    assert dupes == 0
    mismatch = kg_db.execute(
        """
        SELECT count(*) FROM (
            SELECT visit_id, indicator_code, count(*) FILTER (WHERE value = 'ja') AS ja, count(*) FILTER (WHERE value = 'nee') AS nee,
                   count(*) FILTER (WHERE value = 'nvt') AS nvt
            FROM score GROUP BY ALL
        ) s FULL JOIN visit_indicator_count c USING (visit_id, indicator_code)
        WHERE s.ja IS DISTINCT FROM c.ja OR s.nee IS DISTINCT FROM c.nee OR s.nvt IS DISTINCT FROM c.nvt
        """
    ).fetchall()[0][0]
    assert mismatch == 0
