"""The shared validation rules (loaders.validate.rules), table-driven with hand-written expectations."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest
from conftest import REPO  # noqa: F401  (puts the repository on sys.path)

from reference.vocab import mask_bsn
from loaders.validate.rules import dossier_id_problem, id_problem, judge_scores, level_problem, visit_date_problem
from reference.frameworks import shipped_frameworks

GOOD = ["kg-2017", "vt_2019", "Wijkteam Noord", "rigg.2016", "Één-team", "a" * 60]
BAD = ['=HYPERLINK("http://x","klik")', "+31", "@SUM(A1)", "a" * 61, "team;2", "x\ny", "", "o/n"]


@pytest.mark.parametrize("text", GOOD)
def test_plain_ids_pass(text):
    assert id_problem(text, "onderzoekscode") is None


@pytest.mark.parametrize("text", BAD)
def test_other_ids_are_refused_with_the_rule_spelled_out(text):
    message = id_problem(text, "onderzoekscode")
    assert message.endswith("is geen geldige code: alleen letters, cijfers, '-', '_', '.' en spaties, hoogstens 60 tekens.")


TODAY = dt.date(2026, 11, 22)


@pytest.mark.parametrize("raw, parsed, expected", [
    ("2016-10-11", dt.date(2016, 10, 11), None),
    ("22-11-2026", TODAY, None),
    ("23-11-2026", dt.date(2026, 11, 23), "datum 23-11-2026 ligt in de toekomst; vul de datum van het veldwerk in."),
    ("01-05-2031", dt.date(2031, 5, 1), "datum 01-05-2031 ligt in de toekomst; vul de datum van het veldwerk in."),
    ("01-01-2000", dt.date(2000, 1, 1), None),
    ("31-12-1999", dt.date(1999, 12, 31), "datum 31-12-1999 ligt vóór 2000; dat kan geen veldwerk van dit toezicht zijn."),
    ("morgen", None, "datum 'morgen' is onleesbaar; gebruik 12-11-2015 of 2015-11-12."),
    (None, None, "'Datum' (datum van het veldwerk) ontbreekt of is leeg."),
    ("  ", None, "'Datum' (datum van het veldwerk) ontbreekt of is leeg."),
])
def test_visit_dates(raw, parsed, expected):
    assert visit_date_problem(raw, parsed, today=TODAY) == expected


@pytest.mark.parametrize("text, expected", [
    ("GO-01", None),
    ("D" * 60, None),
    ("D" * 61, "dossiernummer '" + "D" * 39 + "…' is langer dan 60 tekens."),
    ("GO\n01", "dossiernummer 'GO\n01' bevat een regeleinde, tab of ander onzichtbaar teken."),
    ("GO\u00a001", None),  # a non-breaking space from a copied cell is visible enough
])
def test_dossier_ids(text, expected):
    assert dossier_id_problem(text) == expected


def test_level_rule_names_the_fix_for_each_layout():
    fw = shipped_frameworks()["kg-2017"]
    tt3 = next(i for i in fw.indicators if i.code == "TT3")
    bs1 = next(i for i in fw.indicators if i.code == "BS1")
    assert level_problem(tt3, per_dossier=True, layout="werkmap") is None
    assert level_problem(bs1, per_dossier=False, layout="csv") is None
    assert level_problem(tt3, per_dossier=False, layout="werkmap") == "indicator TT3 wordt per dossier beoordeeld; zet hem op blad Dossiers."
    assert level_problem(tt3, per_dossier=False, layout="csv") == "indicator TT3 wordt per dossier beoordeeld; vul het dossiernummer in."
    assert level_problem(bs1, per_dossier=True, layout="werkmap") == (
        "indicator BS1 wordt per bezoek beoordeeld, niet per dossier; zet hem op blad Netwerk.")
    assert level_problem(bs1, per_dossier=True, layout="csv") == (
        "indicator BS1 wordt per bezoek beoordeeld, niet per dossier; laat dossier leeg.")


def test_scores_are_judged_by_the_vocabulary_of_design_section_3():
    raw = np.array(["Ja", " j ", 1, 1.0, "voldoet  niet", "N.V.T.", "?", None, "", "misschien", dt.date(2016, 1, 1), True],
                   dtype=object)
    values, invalid = judge_scores(raw, "binair")
    # A boolean cell reads as 'true', which the binary vocabulary takes for ja; a date never is a score.
    assert list(values[~invalid]) == ["ja", "ja", "ja", "ja", "nee", "nvt", "onbekend", "", "", "ja"]
    assert list(np.nonzero(invalid)[0]) == [9, 10]


@pytest.mark.parametrize("name, expected", [
    ("scores 111222333.xlsx", "scores •••••••••.xlsx"),
    ("111222333_222333444.csv", "111222333_222333444.csv".replace("111222333", "•••••••••")),
    ("123456789.csv", "123456789.csv"),
    ("1112223334.csv", "1112223334.csv"),
    ("bezoek-2016.xlsx", "bezoek-2016.xlsx"),
])
def test_file_names_masked(name, expected):
    assert mask_bsn(name) == expected
