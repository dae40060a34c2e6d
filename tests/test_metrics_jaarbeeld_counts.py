"""The Jaarbeeld aggregates and hertoets_status on a database small enough to count by hand: which visits, studies,
municipalities, dossiers and indicators each figure counts (k and n are also checked against raw rows in
test_jaarbeeld.py; these are the other columns)."""

from __future__ import annotations

import datetime as dt

import pytest

from metrics import (Scope, hertoets_status, jaarbeeld_municipalities, jaarbeeld_theme_studies, jaarbeeld_themes,
                     jaarbeeld_trend, jaarbeeld_weakest)
from store.database import connect

# Two frameworks with the same codes: I1 (dossier, vroegsignalering), I2 (dossier, veiligheid), I3 (dossier, no
# Jaarbeeld-thema), I4 (visit level, vroegsignalering): only I1 and I2 count in a Jaarbeeld.
INDICATORS = [("I1", "dossier", "vroegsignalering"), ("I2", "dossier", "veiligheid"), ("I3", "dossier", None),
              ("I4", "bezoek", "vroegsignalering")]
AMS, RDAM = ("GM0363", "Amsterdam"), ("GM0599", "Rotterdam")
# visit id, study, municipality, kind, date, dossiers, team
VISITS = [
    (1, "s-1", AMS, "onderzoek", dt.date(2023, 3, 1), 2, ""),
    (2, "s-1", RDAM, "onderzoek", dt.date(2023, 4, 1), 1, ""),
    (3, "s-2", AMS, "onderzoek", dt.date(2023, 5, 1), 3, ""),
    (4, "s-1", AMS, "hertoets", dt.date(2023, 9, 1), 1, ""),
    (5, "s-2", RDAM, "onderzoek", dt.date(2022, 6, 15), 2, ""),
    (6, "s-2", RDAM, "hertoets", dt.date(2022, 12, 14), 1, ""),  # 14 < 15: five whole months, not six
]
# visit id, indicator, ja, nee, nvt, onbekend
COUNTS = [
    (1, "I1", 1, 1, 0, 0), (1, "I2", 2, 0, 0, 0), (1, "I3", 0, 2, 0, 0), (1, "I4", 1, 0, 0, 0),
    (2, "I1", 0, 1, 0, 0),
    (3, "I1", 2, 1, 0, 0), (3, "I2", 1, 1, 1, 0),
    (4, "I1", 1, 0, 0, 1),
    (5, "I1", 1, 1, 0, 0), (5, "I2", 0, 2, 0, 0),
]


@pytest.fixture(scope="module")
def con(tmp_path_factory):
    con = connect(tmp_path_factory.mktemp("jb") / "jb.duckdb")
    for framework in ("t-1", "t-2"):
        con.execute("INSERT INTO framework VALUES (?, ?, '1', 'binair', 'test', 'test')", [framework, f"Kader {framework}"])
        con.execute("INSERT INTO theme VALUES (?, 'T1', 'Thema 1', 1)", [framework])
        for position, (code, level, theme) in enumerate(INDICATORS, 1):
            con.execute("INSERT INTO indicator (framework_id, indicator_code, theme_code, label, level, yearbook_theme, position) "
                        "VALUES (?, ?, 'T1', ?, ?, ?, ?)", [framework, code, f"Label {code}", level, theme, position])
    con.execute("INSERT INTO study (study_id, framework_id, name, is_demo) VALUES ('s-1', 't-1', 'Eerste', false), "
                "('s-2', 't-2', 'Tweede', false)")
    for visit_id, study, (code, name), kind, date, dossiers, team in VISITS:
        con.execute("INSERT INTO visit (visit_id, study_id, municipality_code, municipality_name, kind, visit_date, team, import_id) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?, 1)", [visit_id, study, code, name, kind, date, team])
        for d in range(dossiers):
            con.execute("INSERT INTO dossier VALUES (?, ?, NULL)", [visit_id, f"D{visit_id}-{d}"])
    for visit_id, code, ja, nee, nvt, onbekend in COUNTS:
        con.execute("INSERT INTO visit_indicator_count VALUES (?, ?, ?, ?, ?, ?, 0, 0, 0)", [visit_id, code, ja, nee, nvt, onbekend])
    yield con.cursor()
    con.close()


def rows(frame, columns):
    return frame[columns].values.tolist()


def test_themes_count_visits_studies_municipalities_dossiers_and_indicators_per_framework(con):
    # vroegsignalering: visits 1, 2, 3, 4 (I1): k 1+0+2+1, n 2+1+3+1; dossiers 2+1+3+1; I1 of t-1 and of t-2.
    # veiligheid: visits 1 and 3 (I2): k 2+1, n 2+2, nvt 1; only Amsterdam; dossiers 2+3.
    frame = jaarbeeld_themes(con, 2023, demo=False)
    assert rows(frame, ["jaarbeeld_thema", "k", "n", "nvt", "onbekend", "onderzoeken", "gemeenten", "dossiers", "indicatoren"]) == [
        ["vroegsignalering", 4, 7, 0, 1, 2, 2, 7, 2],
        ["veiligheid", 3, 4, 1, 0, 2, 1, 5, 2],
    ]


def test_trend_counts_each_fieldwork_year(con):
    frame = jaarbeeld_trend(con, 2023, demo=False)
    assert rows(frame, ["jaarbeeld_thema", "jaar", "k", "n", "onderzoeken", "gemeenten", "bezoeken"]) == [
        ["vroegsignalering", 2022, 1, 2, 1, 1, 1],
        ["vroegsignalering", 2023, 4, 7, 2, 2, 4],
        ["veiligheid", 2022, 0, 2, 1, 1, 1],
        ["veiligheid", 2023, 3, 4, 2, 1, 2],
    ]
    assert rows(jaarbeeld_trend(con, 2022, demo=False), ["jaar"]) == [[2022], [2022]]


def test_municipalities_and_studies_per_theme(con):
    frame = jaarbeeld_municipalities(con, 2023, demo=False)
    assert rows(frame, ["jaarbeeld_thema", "gemeente", "onderzoeken", "k", "n", "bezoeken"]) == [
        ["vroegsignalering", "Amsterdam", "s-1, s-2", 4, 6, 3],
        ["vroegsignalering", "Rotterdam", "s-1", 0, 1, 1],
        ["veiligheid", "Amsterdam", "s-1, s-2", 3, 4, 2],
    ]
    frame = jaarbeeld_theme_studies(con, 2023, demo=False)
    assert rows(frame, ["jaarbeeld_thema", "onderzoek", "onderzoeksnaam", "k", "n", "nvt", "gemeenten", "bezoeken"]) == [
        ["vroegsignalering", "s-1", "Eerste", 2, 4, 0, 2, 3],
        ["vroegsignalering", "s-2", "Tweede", 2, 3, 0, 1, 1],
        ["veiligheid", "s-1", "Eerste", 2, 2, 0, 1, 1],
        ["veiligheid", "s-2", "Tweede", 1, 2, 1, 1, 1],
    ]
    # Narrowed to one study, the other study's visits drop out of every count.
    frame = jaarbeeld_themes(con, 2023, demo=False, studies=["s-2"])
    assert rows(frame, ["jaarbeeld_thema", "k", "n", "onderzoeken", "gemeenten", "dossiers", "indicatoren"]) == [
        ["vroegsignalering", 2, 3, 1, 1, 3, 1],
        ["veiligheid", 1, 2, 1, 1, 3, 1],
    ]


def test_weakest_per_study_and_indicator(con):
    frame = jaarbeeld_weakest(con, 2023, per_theme=5, min_n=1, demo=False)
    assert rows(frame, ["jaarbeeld_thema", "onderzoek", "indicator", "k", "n", "gemeenten"]) == [
        ["vroegsignalering", "s-1", "I1", 2, 4, 2],  # 50% before 67%
        ["vroegsignalering", "s-2", "I1", 2, 3, 1],
        ["veiligheid", "s-2", "I2", 1, 2, 1],  # 50% before 100%
        ["veiligheid", "s-1", "I2", 2, 2, 1],
    ]


def test_hertoets_status_counts_whole_months(con):
    frame = hertoets_status(con, Scope(kind=None, demo=False)).set_index("bezoek")
    assert frame.loc[1, "maanden_tot_hertoets"] == 6 and bool(frame.loc[1, "hertoets"])  # 1 March → 1 September
    assert frame.loc[5, "maanden_tot_hertoets"] == 5  # 15 June → 14 December
    assert frame.loc[2, "maanden_tot_hertoets"] is frame.loc[3, "maanden_tot_hertoets"] and not bool(frame.loc[2, "hertoets"])
    assert sorted(frame.index) == [1, 2, 3, 5]  # only onderzoek visits
