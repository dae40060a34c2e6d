"""Thema's page figures (metrics.theme_compliance) against a small workbook counted by hand: k = ja, n = ja + nee,
nvt and onbekend reported beside n, never in it."""

import datetime as dt

import pytest
from conftest import make_workbook

from loaders.importer import import_file
from metrics import Scope, theme_compliance
from store.database import connect

# Brielle, kg-2017, one onderzoek visit: six dossiers, every outcome present on each theme.
CELLS = [
    ["Dossier", "TT1", "TT3", "IZ1"],
    ["D01", "ja", "nee", "ja"],
    ["D02", "ja", "onbekend", "nee"],
    ["D03", "nee", "ja", "onbekend"],
    ["D04", "onbekend", "nvt", "ja"],
    ["D05", "nvt", "ja", "onbekend"],
    ["D06", "ja", "onbekend", "nvt"],
]
# Counted by hand from CELLS (k, n, nvt, onbekend):
#   TT (TT1 + TT3): ja 3 + 2 = 5, nee 1 + 1 = 2 → 5 van 7; nvt 1 + 1 = 2; onbekend 1 + 2 = 3
#   IZ (IZ1):       ja 2, nee 1 → 2 van 3; nvt 1; onbekend 2
#   indicator TT3:  ja 2, nee 1 → 2 van 3; nvt 1; onbekend 2
HAND = {"TT": (5, 7, 2, 3), "IZ": (2, 3, 1, 2), "TT3": (2, 3, 1, 2)}


@pytest.fixture
def con(tmp_path):
    con = connect(tmp_path / "thema.duckdb")
    meta = {"Onderzoek": "kg-2017", "Kader": "kg-2017", "Gemeente": "Brielle", "Datum": dt.date(2017, 3, 7), "Soort": "onderzoek"}
    import_file(con, make_workbook(tmp_path / "brielle.xlsx", meta, CELLS))
    yield con
    con.close()


@pytest.mark.parametrize("pooled", [False, True])
@pytest.mark.parametrize("theme", ["TT", "IZ"])
def test_theme_counts_k_and_n_without_nvt_or_onbekend(con, theme, pooled):
    frame = theme_compliance(con, Scope(kind="onderzoek"), theme=theme, framework="kg-2017", pooled=pooled)
    assert len(frame) == 1
    row = frame.iloc[0]
    k, n, nvt, onbekend = HAND[theme]
    assert (int(row["jaar"]), int(row["k"]), int(row["n"]), int(row["nvt"]), int(row["onbekend"])) == (2017, k, n, nvt, onbekend)
    assert row["oordeel"] == f"{k} van {n}"
    assert row["percentage"] == pytest.approx(100 * k / n)
    assert bool(row["klein_aantal"]) is (n < 5)
    if not pooled:
        assert row["gemeente"] == "Brielle"


def test_one_indicator_counts_like_its_theme(con):
    row = theme_compliance(con, Scope(kind="onderzoek"), framework="kg-2017", indicator="TT3").iloc[0]
    assert (int(row["k"]), int(row["n"]), int(row["nvt"]), int(row["onbekend"])) == HAND["TT3"]
    assert row["oordeel"] == "2 van 3"
