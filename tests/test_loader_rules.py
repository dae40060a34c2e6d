"""One test per validation/import rule of DESIGN §3, §5 and §6, on real files and a real DuckDB."""

from __future__ import annotations

import datetime as dt

import openpyxl
import pytest

from conftest import (
    INVALID_BSN,
    VALID_BSN,
    count,
    do_import,
    errors,
    kg_dossiers,
    kg_meta,
    make_big_csv,
    make_encrypted_xlsx,
    make_many_rows_csv,
    make_random_xlsx,
    make_truncated_xlsx,
    make_workbook,
    make_xls,
    problem_at,
    refs,
    rejected,
    scores_of,
    vt_meta,
    write_csv,
)
from store.database import table_snapshot

# --- §3 binary vocabulary -----------------------------------------------------------------------

BINARY_SPELLINGS = {
    "ja": ["ja", "j", "yes", "y", "1", "waar", "true", "voldoet", "positief", "+"],
    "nee": ["nee", "n", "no", "0", "onwaar", "false", "voldoet niet", "negatief"],
    "nvt": ["nvt", "n.v.t.", "n.v.t", "niet van toepassing", "n/a", "na"],
    "onbekend": ["onbekend", "?", "niet te beoordelen", "ntb"],
}


def _variants(spelling: str) -> list[str]:
    """As typed, in capitals with surrounding spaces, title case, and with a doubled inner space."""
    out = [spelling, f"  {spelling.upper()} ", spelling.title() + " "]
    if " " in spelling:
        out.append(spelling.replace(" ", "   ").upper())
    return out


@pytest.mark.parametrize("canonical", sorted(BINARY_SPELLINGS))
def test_binary_text_spellings_map_to_canonical_value(db, tmp_path, canonical):
    cells = [v for s in BINARY_SPELLINGS[canonical] for v in _variants(s)]
    rows = [["Dossier", "TT1"]] + [[f"D{i:03d}", v] for i, v in enumerate(cells)]
    path = make_workbook(tmp_path / "binair.xlsx", kg_meta(), rows)

    result = do_import(db, path)

    assert result.status == "geïmporteerd"
    stored = dict(db.execute("SELECT dossier_id, value FROM score WHERE indicator_code = 'TT1'").fetchall())
    assert stored == {f"D{i:03d}": canonical for i in range(len(cells))}


def test_numeric_and_boolean_cells_are_binary_scores(db, tmp_path):
    rows = [
        ["Dossier", "TT1"],
        ["D1", 1],
        ["D2", 0],
        ["D3", 1.0],
        ["D4", True],  # Excel TRUE
        ["D5", False],  # Excel FALSE
        ["D6", 0.0],
    ]
    do_import(db, make_workbook(tmp_path / "num.xlsx", kg_meta(), rows))

    stored = dict(db.execute("SELECT dossier_id, value FROM score").fetchall())
    assert stored == {"D1": "ja", "D2": "nee", "D3": "ja", "D4": "ja", "D5": "nee", "D6": "nee"}


@pytest.mark.parametrize("bad", ["misschien", "jaa", 2, 0.5, "ja nee", dt.datetime(2016, 1, 1)])
def test_invalid_binary_value_names_cell_and_lists_allowed_values(db, tmp_path, bad):
    rows = kg_dossiers(6)
    rows[3][3] = bad  # dossier GO-03, column D (TT3), row 4
    exc = rejected(db, make_workbook(tmp_path / "fout.xlsx", kg_meta(), rows))

    assert refs(exc) == {"Dossiers!D4"}
    p = problem_at(exc, "Dossiers!D4")
    assert "geen geldige score" in p.message
    assert "TT3" in p.message
    for allowed in ("ja", "nee", "nvt", "onbekend"):
        assert allowed in p.message
    assert "Dossiers!D4" in str(p)


def test_empty_score_cell_is_not_scored_but_warned(db, tmp_path):
    rows = kg_dossiers(6)
    rows[2][2] = None  # GO-02, TT2 → C3
    result = do_import(db, make_workbook(tmp_path / "leeg.xlsx", kg_meta(), rows))

    assert result.scores == 6 * 3 - 1
    assert count(db, "score") == 17
    assert db.execute("SELECT count(*) FROM score WHERE dossier_id = 'GO-02' AND indicator_code = 'TT2'").fetchall()[0][0] == 0
    assert count(db, "dossier") == 6
    unscored = [w for w in result.warnings if w.sheet == "Dossiers" and "niet gescoord" in w.message]
    assert len(unscored) == 1
    assert "TT2" in unscored[0].message and "C3" in unscored[0].message


# --- §3 traffic-light vocabulary (rigg-2016: Onderzoek + Netwerk only) ---------------------------


def _rigg_meta(**extra) -> dict:
    meta = {
        "Onderzoek": "rigg-2016",
        "Kader": "rigg-2016",
        "Gemeente": "Groningen",
        "Datum": dt.datetime(2016, 6, 1),
        "Team": "Basisteam",
    }
    meta.update(extra)
    return meta


def test_rag_spellings_on_rigg_workbook(db, tmp_path):
    netwerk = [
        ["Indicator", "Score", "Toelichting"],
        ["VH.1", "g", None],
        ["VH.2 Hulp is verantwoord", "Groen", "loopt goed"],
        ["VH.3", " GREEN ", None],
        ["VH.4", "o", None],
        ["VH.5", "Oranje", None],
        ["VH.6", "amber", None],
        ["VH.7", "ORANGE", None],
        ["VH.8", "r", None],
        ["CR.1", "rood", None],
        ["CR.10", "Red", None],
        ["CR.2", "n.v.t.", None],
        ["CR.3", "?", None],
        ["CR.4", None, None],
    ]
    result = do_import(db, make_workbook(tmp_path / "rigg.xlsx", _rigg_meta(), None, netwerk))

    assert result.status == "geïmporteerd"
    stored = dict(db.execute("SELECT indicator_code, value FROM score WHERE dossier_id IS NULL").fetchall())
    assert stored == {
        "VH.1": "groen", "VH.2": "groen", "VH.3": "groen",
        "VH.4": "oranje", "VH.5": "oranje", "VH.6": "oranje", "VH.7": "oranje",
        "VH.8": "rood", "CR.1": "rood", "CR.10": "rood",
        "CR.2": "nvt", "CR.3": "onbekend",
    }
    assert count(db, "dossier") == 0
    assert db.execute("SELECT team FROM visit").fetchall()[0][0] == "Basisteam"
    assert db.execute("SELECT text FROM remark WHERE indicator_code = 'VH.2'").fetchall()[0][0] == "loopt goed"
    assert any("CR.4" in w.message and "niet gescoord" in w.message for w in result.warnings)


def test_dossiers_sheet_in_rigg_workbook_is_ignored_with_a_warning(db, tmp_path):
    netwerk = [["Indicator", "Score"], ["VH.1", "g"], ["VH.2", "r"]]
    dossiers = [["Dossier", "VH.1"], ["X-1", "groen"]]
    result = do_import(db, make_workbook(tmp_path / "rigg.xlsx", _rigg_meta(), dossiers, netwerk))
    assert (result.dossiers, result.scores) == (0, 2)
    assert count(db, "dossier") == 0
    assert [w.message for w in result.warnings if w.sheet == "Dossiers"] == [
        "kader rigg-2016 heeft geen indicatoren per dossier; blad Dossiers is genegeerd."
    ]


def test_rag_refuses_binary_value_naming_cell(db, tmp_path):
    netwerk = [["Indicator", "Score"], ["VH.1", "groen"], ["VH.2", "ja"]]
    exc = rejected(db, make_workbook(tmp_path / "rigg.xlsx", _rigg_meta(), None, netwerk))

    p = problem_at(exc, "Netwerk!B3")
    assert "geen geldige score" in p.message
    for allowed in ("groen", "oranje", "rood"):
        assert allowed in p.message


# --- §5 header detection -----------------------------------------------------------------------


def test_title_and_merged_theme_row_above_header(db, tmp_path):
    rows = [
        ["Scoreformulier wijkteams Goeree-Overflakkee"],
        [None, "Toeleiding en toegang", None, None, "In zorg"],
        ["Dossier", "TT1", "TT2", "TT3", "IZ1"],
    ] + [[f"GO-{i}", "ja", "nee", "nvt", "ja"] for i in range(1, 7)]
    path = make_workbook(tmp_path / "kop.xlsx", kg_meta(), rows, merges={"Dossiers": ["B2:D2", "A1:E1"]})

    result = do_import(db, path)

    assert (result.dossiers, result.scores) == (6, 24)
    assert sorted(r[0] for r in db.execute("SELECT dossier_id FROM dossier").fetchall()) == [f"GO-{i}" for i in range(1, 7)]
    assert db.execute("SELECT count(*) FROM score WHERE indicator_code = 'IZ1' AND value = 'ja'").fetchall()[0][0] == 6


def test_cells_are_named_with_their_real_row_below_a_title(db, tmp_path):
    rows = [["Scoreformulier"], [None, "Toeleiding en toegang"], ["Dossier", "TT1", "TT2"]]
    rows += [[f"GO-{i}", "ja", "nee"] for i in range(1, 7)]
    rows[5][2] = "jein"  # sixth row of the sheet, column C
    exc = rejected(db, make_workbook(tmp_path / "kop.xlsx", kg_meta(), rows, merges={"Dossiers": ["B2:C2"]}))
    assert refs(exc) == {"Dossiers!C6"}


def test_header_may_start_in_a_later_column(db, tmp_path):
    rows = [[None, "Dossier", "TT1", "TT2"]] + [[None, f"GO-{i}", "ja", "nee"] for i in range(1, 7)]
    result = do_import(db, make_workbook(tmp_path / "b.xlsx", kg_meta(), rows))
    assert (result.dossiers, result.scores) == (6, 12)
    assert db.execute("SELECT count(*) FROM score WHERE indicator_code = 'TT2' AND value = 'nee'").fetchall()[0][0] == 6


@pytest.mark.parametrize("blank_rows, ok", [(9, True), (10, False)])
def test_header_must_be_within_first_10_rows(db, tmp_path, blank_rows, ok):
    rows = [[f"toelichting regel {i}"] for i in range(blank_rows)] + kg_dossiers(6)
    path = make_workbook(tmp_path / "laat.xlsx", kg_meta(), rows)
    if ok:  # header on row 10
        assert do_import(db, path).dossiers == 6
    else:  # header on row 11
        exc = rejected(db, path)
        p = problem_at(exc, "Dossiers!A1")
        assert "kopregel" in p.message and "Dossier" in p.message and "10" in p.message


def test_row_whose_first_cell_is_not_dossier_is_not_the_header(db, tmp_path):
    # 'TT1' in row 1 is not preceded by 'Dossier', so row 1 is not the header; row 2 is.
    rows = [[None, "TT1", "TT2"], ["Dossier", "TT1", "TT2"]] + [[f"GO-{i}", "ja", "ja"] for i in range(1, 7)]
    assert do_import(db, make_workbook(tmp_path / "h.xlsx", kg_meta(), rows)).scores == 12


# --- §5 indicator header matching ----------------------------------------------------------------


@pytest.mark.parametrize(
    "meta, header, code",
    [
        (vt_meta, "3", "3"),
        (vt_meta, "3.", "3"),
        (vt_meta, "3 Veiligheidsplan", "3"),
        (vt_meta, "3. Veiligheidsplan", "3"),
        (vt_meta, "3: plan", "3"),
        (vt_meta, "3-plan", "3"),
        (kg_meta, "TT3", "TT3"),
        (kg_meta, "TT3 - veiligheid", "TT3"),
        (kg_meta, "tt3: x", "TT3"),
        (kg_meta, " TT3.Veiligheid ", "TT3"),
    ],
)
def test_indicator_header_forms(db, tmp_path, meta, header, code):
    rows = [["Dossier", header]] + [[f"X-{i}", "ja" if i % 2 else "nee"] for i in range(1, 7)]
    do_import(db, make_workbook(tmp_path / "h.xlsx", meta(), rows))
    assert db.execute("SELECT DISTINCT indicator_code FROM score").fetchall() == [(code,)]
    assert count(db, "score") == 6


def test_header_10_evaluatie_is_indicator_10_never_1(db, tmp_path):
    rows = [["Dossier", "1 Veiligheid direct", "10 Evaluatie"]]
    rows += [[f"NM-{i}", "ja", "nee"] for i in range(1, 11)]
    do_import(db, make_workbook(tmp_path / "vt.xlsx", vt_meta(), rows))

    by_code = dict(db.execute("SELECT indicator_code, list(DISTINCT value) FROM score GROUP BY 1").fetchall())
    assert by_code == {"1": ["ja"], "10": ["nee"]}
    assert db.execute("SELECT count(*) FROM score WHERE indicator_code = '10'").fetchall()[0][0] == 10


@pytest.mark.parametrize("header", ["TT9", "TT3x", "Opmerking", "13", "BS"])
def test_unknown_header_is_an_error_naming_the_header_cell(db, tmp_path, header):
    rows = [["Dossier", "TT1", "TT2", header]] + [[f"GO-{i}", "ja", "nee", "ja"] for i in range(1, 7)]
    exc = rejected(db, make_workbook(tmp_path / "h.xlsx", kg_meta(), rows))
    p = problem_at(exc, "Dossiers!D1")
    assert "onbekende kolomkop" in p.message
    assert header.strip() in p.message and "TT1" in p.message


def test_empty_header_columns_are_ignored(db, tmp_path):
    rows = [["Dossier", "TT1", None, "TT2", None]] + [[f"GO-{i}", "ja", None, "nee", None] for i in range(1, 7)]
    result = do_import(db, make_workbook(tmp_path / "h.xlsx", kg_meta(), rows))
    assert result.scores == 12
    assert dict(db.execute("SELECT indicator_code, list(DISTINCT value) FROM score GROUP BY 1").fetchall()) == {
        "TT1": ["ja"],
        "TT2": ["nee"],
    }


def test_visit_level_indicator_in_dossiers_is_an_error(db, tmp_path):
    rows = [["Dossier", "1", "11 Instelling"]] + [[f"NM-{i}", "ja", "ja"] for i in range(1, 7)]
    exc = rejected(db, make_workbook(tmp_path / "vt.xlsx", vt_meta(), rows))
    p = problem_at(exc, "Dossiers!C1")
    assert "per bezoek" in p.message and "Netwerk" in p.message


def test_same_indicator_twice_is_an_error(db, tmp_path):
    rows = [["Dossier", "TT1", "TT1 nogmaals"]] + [[f"GO-{i}", "ja", "ja"] for i in range(1, 7)]
    exc = rejected(db, make_workbook(tmp_path / "h.xlsx", kg_meta(), rows))
    assert "al in kolom B" in problem_at(exc, "Dossiers!C1").message


def test_dossier_level_indicator_on_netwerk_is_an_error(db, tmp_path):
    netwerk = [["Indicator", "Score"], ["BS1", "ja"], ["TT1", "ja"]]
    exc = rejected(db, make_workbook(tmp_path / "n.xlsx", kg_meta(), kg_dossiers(), netwerk))
    assert "per dossier" in problem_at(exc, "Netwerk!A3").message


def test_missing_dossiers_sheet_for_dossier_framework(db, tmp_path):
    exc = rejected(db, make_workbook(tmp_path / "n.xlsx", kg_meta(), None, [["Indicator", "Score"], ["BS1", "ja"]]))
    assert any("Dossiers" in p.message and "ontbreekt" in p.message for p in errors(exc))


# --- §5 Onderzoek sheet --------------------------------------------------------------------------


def test_onderzoek_keys_are_case_insensitive(db, tmp_path):
    meta = [
        ("ONDERZOEK", "kg-2017"),
        ("kader", "kg-2017"),
        ("GeMeEnTe", "Goeree-Overflakkee"),
        ("datum:", "11-10-2016"),
        ("SOORT", "Hertoets"),
        ("regio", "Zuid-Holland Zuid"),
        ("Team", "Wijkteam Oost"),
    ]
    do_import(db, make_workbook(tmp_path / "k.xlsx", meta, kg_dossiers()))
    assert db.execute(
        "SELECT study_id, municipality_code, municipality_name, kind, visit_date, team, region FROM visit"
    ).fetchall() == [
        ("kg-2017", "GM1924", "Goeree-Overflakkee", "hertoets", dt.date(2016, 10, 11), "Wijkteam Oost", "Zuid-Holland Zuid")
    ]


def test_missing_datum_is_an_error(db, tmp_path):
    exc = rejected(db, make_workbook(tmp_path / "d.xlsx", kg_meta(Datum=None), kg_dossiers()))
    [p] = errors(exc)
    assert p.sheet == "Onderzoek" and "Datum" in p.message and "ontbreekt" in p.message


def test_empty_datum_is_an_error_naming_the_cell(db, tmp_path):
    meta = [("Onderzoek", "kg-2017"), ("Kader", "kg-2017"), ("Gemeente", "Goeree-Overflakkee"), ("Datum", None)]
    exc = rejected(db, make_workbook(tmp_path / "d.xlsx", meta, kg_dossiers()))
    assert "Datum" in problem_at(exc, "Onderzoek!B4").message


@pytest.mark.parametrize("raw", ["volgende week", "31-02-2016", "2016-13-01", "11/10/16"])
def test_unreadable_date_is_an_error_naming_the_cell(db, tmp_path, raw):
    exc = rejected(db, make_workbook(tmp_path / "d.xlsx", kg_meta(Datum=raw), kg_dossiers()))
    p = problem_at(exc, "Onderzoek!B4")
    assert "onleesbaar" in p.message and "12-11-2015" in p.message and "2015-11-12" in p.message


def test_unknown_kader_is_an_error_naming_the_cell(db, tmp_path):
    exc = rejected(db, make_workbook(tmp_path / "k.xlsx", kg_meta(Onderzoek="wt-2030", Kader="wt-2030"), kg_dossiers()))
    p = problem_at(exc, "Onderzoek!B2")
    assert "onbekend kader" in p.message
    for known in ("kg-2017", "so-2016", "vt-2019"):
        assert known in p.message


def test_new_study_without_kader_is_an_error(db, tmp_path):
    exc = rejected(db, make_workbook(tmp_path / "k.xlsx", kg_meta(Onderzoek="wijkteams-2018", Kader=None), kg_dossiers()))
    p = problem_at(exc, "Onderzoek!B1")
    assert "nieuw" in p.message and "Kader" in p.message


def test_new_study_with_known_kader_creates_the_study(db, tmp_path):
    do_import(db, make_workbook(tmp_path / "k.xlsx", kg_meta(Onderzoek="wijkteams-2018"), kg_dossiers()))
    assert db.execute("SELECT study_id, framework_id FROM study").fetchall() == [("wijkteams-2018", "kg-2017")]


def test_existing_study_without_kader_uses_its_framework(db, tmp_path):
    do_import(db, make_workbook(tmp_path / "a.xlsx", kg_meta(), kg_dossiers()))
    meta = kg_meta(Kader=None, Gemeente="Brielle", Datum="2017-03-07")
    assert do_import(db, make_workbook(tmp_path / "b.xlsx", meta, kg_dossiers())).status == "geïmporteerd"
    assert count(db, "visit") == 2


def test_existing_study_with_other_kader_is_an_error(db, tmp_path):
    do_import(db, make_workbook(tmp_path / "a.xlsx", kg_meta(), kg_dossiers()))
    exc = rejected(db, make_workbook(tmp_path / "b.xlsx", kg_meta(Kader="vt-2019", Gemeente="Brielle"), kg_dossiers()))
    assert "gebruikt kader 'kg-2017'" in problem_at(exc, "Onderzoek!B2").message


@pytest.mark.parametrize("soort", ["controle", "her toets", "onderzoek 2"])
def test_soort_must_be_onderzoek_or_hertoets(db, tmp_path, soort):
    exc = rejected(db, make_workbook(tmp_path / "s.xlsx", kg_meta(Soort=soort), kg_dossiers()))
    assert "onderzoek of hertoets" in problem_at(exc, "Onderzoek!B5").message


def test_soort_defaults_to_onderzoek(db, tmp_path):
    do_import(db, make_workbook(tmp_path / "s.xlsx", kg_meta(Soort=None), kg_dossiers()))
    assert db.execute("SELECT kind FROM visit").fetchall() == [("onderzoek",)]


@pytest.mark.parametrize(
    "datum", [dt.datetime(2015, 11, 12), dt.date(2015, 11, 12), "2015-11-12", "12-11-2015", " 12-11-2015 "]
)
def test_date_forms_give_the_same_visit_date(db, tmp_path, datum):
    do_import(db, make_workbook(tmp_path / "d.xlsx", kg_meta(Datum=datum), kg_dossiers()))
    assert db.execute("SELECT visit_date FROM visit").fetchall() == [(dt.date(2015, 11, 12),)]


# --- §5 municipalities ---------------------------------------------------------------------------


def test_unknown_municipality_suggests_the_closest_name(db, tmp_path):
    exc = rejected(db, make_workbook(tmp_path / "g.xlsx", vt_meta(Gemeente="Nijmegn"), [["Dossier", "1"], ["NM-1", "ja"]]))
    p = problem_at(exc, "Onderzoek!B3")
    assert "Nijmegn" in p.message and "bestaat niet in 2019" in p.message
    assert "bedoelt u 'Nijmegen'?" in p.message


@pytest.mark.parametrize("year, ok", [(2016, True), (2018, True), (2019, False)])
def test_municipality_validity_depends_on_the_year(db, tmp_path, year, ok):
    path = make_workbook(tmp_path / "g.xlsx", kg_meta(Gemeente="Ten Boer", Datum=dt.datetime(year, 5, 1)), kg_dossiers())
    if ok:
        do_import(db, path)
        assert db.execute("SELECT municipality_code, municipality_name FROM visit").fetchall() == [("GM0009", "Ten Boer")]
    else:  # merged into Groningen on 1 January 2019
        p = problem_at(rejected(db, path), "Onderzoek!B3")
        assert "Ten Boer" in p.message and "bestaat niet in 2019" in p.message
        assert "opgegaan in Groningen" in p.message


@pytest.mark.parametrize(
    "name, code, stored",
    [
        ("Den Haag", "GM0518", "'s-Gravenhage"),
        ("'s-Gravenhage", "GM0518", "'s-Gravenhage"),
        ("den bosch", "GM0796", "'s-Hertogenbosch"),
        ("Bergen (NH.)", "GM0373", "Bergen (NH.)"),
        ("Bergen (L.)", "GM0893", "Bergen (L.)"),
        ("  NIJMEGEN ", "GM0268", "Nijmegen"),
    ],
)
def test_municipality_aliases_and_official_names(db, tmp_path, name, code, stored):
    do_import(db, make_workbook(tmp_path / "g.xlsx", kg_meta(Gemeente=name, Datum="2017-03-01"), kg_dossiers()))
    assert db.execute("SELECT municipality_code, municipality_name FROM visit").fetchall() == [(code, stored)]


def test_bergen_alone_is_ambiguous(db, tmp_path):
    exc = rejected(db, make_workbook(tmp_path / "g.xlsx", kg_meta(Gemeente="Bergen", Datum="2017-03-01"), kg_dossiers()))
    p = problem_at(exc, "Onderzoek!B3")
    assert "'Bergen' bestaat niet in 2017" in p.message
    assert "'Bergen (L.)' of 'Bergen (NH.)'" in p.message


def test_a_municipality_named_before_it_existed_points_to_the_old_names(db, tmp_path):
    exc = rejected(db, make_workbook(tmp_path / "g.xlsx", kg_meta(Gemeente="Meierijstad", Datum="2016-06-01"), kg_dossiers()))
    p = problem_at(exc, "Onderzoek!B3")
    assert "bestaat pas sinds 2017" in p.message and "Schijndel / Sint-Oedenrode / Veghel" in p.message


def test_a_file_over_25_mb_is_refused_before_it_is_read(db, tmp_path):
    big = tmp_path / "groot.xlsx"
    with big.open("wb") as fh:
        fh.truncate(26 * 1024 * 1024)  # sparse: the size is real, the bytes are never read
    exc = rejected(db, big)
    assert "de grens is 25 MB" in errors(exc)[0].message


def test_gemeente_column_gives_one_visit_per_municipality(db, tmp_path):
    rows = [["Dossier", "Gemeente", "TT1"]]
    rows += [[f"X-{i}", "Brielle", "ja"] for i in range(1, 6)]
    rows += [[f"X-{i}", "Westvoorne", "nee"] for i in range(1, 6)]  # same ids, other municipality: allowed
    rows += [["X-9", None, "ja"]]  # falls back to Onderzoek!Gemeente
    result = do_import(db, make_workbook(tmp_path / "g.xlsx", kg_meta(Datum="2017-06-13"), rows))
    assert result.visits == 3
    per_muni = dict(db.execute(
        "SELECT v.municipality_name, count(*) FROM score s JOIN visit v USING (visit_id) GROUP BY 1"
    ).fetchall())
    assert per_muni == {"Brielle": 5, "Westvoorne": 5, "Goeree-Overflakkee": 1}


def test_unknown_municipality_in_gemeente_column_names_that_cell(db, tmp_path):
    rows = [["Dossier", "Gemeente", "TT1"], ["X-1", "Brielle", "ja"], ["X-2", "Brielle", "ja"], ["X-3", "Brille", "nee"]]
    exc = rejected(db, make_workbook(tmp_path / "g.xlsx", kg_meta(Datum="2017-06-13"), rows))
    assert refs(exc) == {"Dossiers!B4"}
    assert "bedoelt u 'Brielle'?" in problem_at(exc, "Dossiers!B4").message


def test_no_municipality_anywhere_is_an_error(db, tmp_path):
    exc = rejected(db, make_workbook(tmp_path / "g.xlsx", kg_meta(Gemeente=None), kg_dossiers()))
    assert any("gemeente" in p.message.lower() for p in errors(exc))


# --- §5 dossiers ---------------------------------------------------------------------------------


def test_duplicate_dossier_names_the_second_cell(db, tmp_path):
    rows = kg_dossiers(6)
    rows[5][0] = "GO-02"  # row 6 repeats row 3
    exc = rejected(db, make_workbook(tmp_path / "dup.xlsx", kg_meta(), rows))
    assert refs(exc) == {"Dossiers!A6"}
    p = problem_at(exc, "Dossiers!A6")
    assert "GO-02" in p.message and "rij 3" in p.message


def test_row_with_scores_but_no_dossier_is_an_error(db, tmp_path):
    rows = kg_dossiers(6)
    rows[4][0] = None
    exc = rejected(db, make_workbook(tmp_path / "nodos.xlsx", kg_meta(), rows))
    assert refs(exc) == {"Dossiers!A5"}
    assert "dossiernummer" in problem_at(exc, "Dossiers!A5").message


def test_numeric_dossier_ids_are_stored_without_decimals(db, tmp_path):
    rows = [["Dossier", "TT1"]] + [[1000 + i, "ja"] for i in range(6)]
    do_import(db, make_workbook(tmp_path / "n.xlsx", kg_meta(), rows))
    assert sorted(r[0] for r in db.execute("SELECT dossier_id FROM dossier").fetchall()) == [str(1000 + i) for i in range(6)]



def test_blank_rows_padded_ids_and_teams_store_exactly_the_dossiers_typed(db, tmp_path):
    rows = [["Dossier", "Team", "TT1", "TT2"],
            ["  GO-01 ", "Wijkteam Noord", "ja", "nee"],
            [None, None, None, None],  # a wholly blank row between dossiers is skipped
            [1002, " Wijkteam Zuid", "nee", None],
            ["GO-03", None, "nvt", "ja"],
            ["   ", "", None, None],  # only spaces: blank too
            ["GO-04", "Wijkteam Noord", "ja", "ja"],
            ["GO-05", None, "ja", "nee"]]
    result = do_import(db, make_workbook(tmp_path / "leeg.xlsx", kg_meta(), rows))
    assert (result.dossiers, result.scores) == (5, 9)
    assert sorted(db.execute("SELECT dossier_id, team FROM dossier").fetchall(), key=repr) == sorted(
        [("GO-01", "Wijkteam Noord"), ("1002", "Wijkteam Zuid"), ("GO-03", None), ("GO-04", "Wijkteam Noord"),
         ("GO-05", None)], key=repr)
    assert sorted(db.execute("SELECT dossier_id, indicator_code, value FROM score").fetchall()) == sorted(
        [("GO-01", "TT1", "ja"), ("GO-01", "TT2", "nee"), ("1002", "TT1", "nee"), ("GO-03", "TT1", "nvt"),
         ("GO-03", "TT2", "ja"), ("GO-04", "TT1", "ja"), ("GO-04", "TT2", "ja"), ("GO-05", "TT1", "ja"),
         ("GO-05", "TT2", "nee")])


@pytest.mark.parametrize("cell, value, words", [
    ("A4", "GO-02\tx", "onzichtbaar teken"),  # a tab inside an id
    ("A4", "G" * 61, "langer dan 60"),
    ("B5", "team/zuid", "geen geldige code"),
])
def test_one_bad_id_among_good_rows_is_named(db, tmp_path, cell, value, words):
    rows = kg_dossiers(8)
    rows[0].insert(1, "Team")
    for row in rows[1:]:
        row.insert(1, "Wijkteam")
    row, col = int(cell[1:]) - 1, ord(cell[0]) - ord("A")
    rows[row][col] = value
    exc = rejected(db, make_workbook(tmp_path / "fout.xlsx", kg_meta(), rows))
    assert refs(exc) == {f"Dossiers!{cell}"}
    assert words in problem_at(exc, f"Dossiers!{cell}").message

# --- §6 privacy: BSN -----------------------------------------------------------------------------


def _assert_never_echoed(exc, *forms):
    texts = [str(exc)] + [str(p) for p in exc.problems] + [p.message for p in exc.problems]
    for text in texts:
        for form in forms:
            assert form not in text


@pytest.mark.parametrize(
    "where, ref",
    [
        ("dossier_text", "Dossiers!A3"),
        ("dossier_number", "Dossiers!A3"),
        ("score_cell", "Dossiers!C4"),
        ("toelichting", "Toelichting!C2"),
        ("toelichting_spaced", "Toelichting!C2"),
        ("netwerk_toelichting", "Netwerk!C2"),
        ("onderzoek_team", "Onderzoek!B6"),
        ("gemeente", "Onderzoek!B3"),
        ("unknown_sheet", "Notities!B3"),
    ],
)
def test_bsn_anywhere_refuses_the_file_without_echoing_it(db, tmp_path, where, ref):
    meta = kg_meta()
    rows = kg_dossiers(6)
    netwerk = [["Indicator", "Score", "Toelichting"], ["BS1", "ja", "netwerk werkt"]]
    remarks = [["Dossier", "Indicator", "Toelichting"], ["GO-01", "TT1", "gesprek met moeder"]]
    if where == "dossier_text":
        rows[2][0] = VALID_BSN
    elif where == "dossier_number":
        rows[2][0] = int(VALID_BSN)
    elif where == "score_cell":
        rows[3][2] = int(VALID_BSN)
    elif where == "toelichting":
        remarks[1][2] = f"Moeder (BSN {VALID_BSN}) is gesproken"
    elif where == "toelichting_spaced":
        remarks[1][2] = "Zie 111 222 333 in het systeem"
    elif where == "netwerk_toelichting":
        netwerk[1][2] = f"casus {VALID_BSN} besproken"
    elif where == "onderzoek_team":
        meta["Team"] = f"team {VALID_BSN}"
    elif where == "gemeente":  # also an unknown municipality, whose message quotes the cell
        meta["Gemeente"] = VALID_BSN
    extra = {"Toelichting": remarks}
    if where == "unknown_sheet":  # a sheet the loader otherwise ignores
        extra["Notities"] = [["Wie", "Nummer"], ["moeder", None], ["vader", float(VALID_BSN)]]
    path = make_workbook(tmp_path / "bsn.xlsx", meta, rows, netwerk, extra)

    exc = rejected(db, path)

    bsn = [p for p in errors(exc) if f"{p.sheet}!{p.cell}" == ref and "BSN" in p.message]
    assert len(bsn) == 1 and "11-proef" in bsn[0].message
    _assert_never_echoed(exc, VALID_BSN, "111 222 333")


def test_nine_digits_failing_the_elfproef_are_accepted(db, tmp_path):
    rows = kg_dossiers(6)
    rows[1][0] = INVALID_BSN
    rows[2][0] = int("987654321")  # 9*9+8*8+7*7+6*6+5*5+4*4+3*3+2*2-1 = 283, 283 % 11 = 8
    remarks = [["Dossier", "Indicator", "Toelichting"], [INVALID_BSN, "TT1", f"kenmerk {INVALID_BSN}"]]
    result = do_import(db, make_workbook(tmp_path / "ok.xlsx", kg_meta(), rows, extra_sheets={"Toelichting": remarks}))
    assert result.status == "geïmporteerd"
    ids = {r[0] for r in db.execute("SELECT dossier_id FROM dossier").fetchall()}
    assert {INVALID_BSN, "987654321"} <= ids
    assert db.execute("SELECT text FROM remark").fetchall() == [(f"kenmerk {INVALID_BSN}",)]


def test_bsn_in_csv_is_refused_without_echo(db, tmp_path):
    rows = [["gemeente", "dossier", "indicator", "score", "toelichting", "datum"],
            ["Brielle", "BR-1", "TT1", "ja", "", "07-03-2017"],
            ["Brielle", "BR-2", "TT1", "nee", f"bsn: {VALID_BSN}", "07-03-2017"]]
    path = write_csv(tmp_path / "bsn.csv", rows)
    exc = rejected(db, path, study_id="kg-2017", framework_id="kg-2017")
    assert refs(exc) == {"E3"}
    _assert_never_echoed(exc, VALID_BSN)


# --- §5 CSV long format --------------------------------------------------------------------------


def test_csv_semicolon_windows_1252_with_title_line(db, tmp_path):
    rows = [
        ["onderzoek", "kader", "gemeente", "datum", "dossier", "indicator", "score", "toelichting"],
        ["kg-2017", "kg-2017", "Súdwest-Fryslân", "12-11-2016", "SF-1", "TT1", "ja", "Gezin is geëvalueerd in café"],
        ["kg-2017", "kg-2017", "Súdwest-Fryslân", "12-11-2016", "SF-1", "TT3", "Voldoet niet", 'Ouders; "kinderen" niet'],
        ["kg-2017", "kg-2017", "Súdwest-Fryslân", "12-11-2016", "SF-2", "TT1", "N.V.T.", ""],
        ["kg-2017", "kg-2017", "Súdwest-Fryslân", "12-11-2016", "", "BS1", "ja", "Overleg met het Veiligheidshuis"],
    ]
    path = write_csv(tmp_path / "lang.csv", rows, sep=";", encoding="cp1252", title="Scores wijkteams; export 2016")
    assert "ë".encode("cp1252") in path.read_bytes()

    result = do_import(db, path)

    assert b'"Ouders; ""kinderen"" niet"' in path.read_bytes()
    assert (result.visits, result.dossiers, result.scores, result.remarks) == (1, 2, 4, 3)
    assert db.execute("SELECT municipality_name, visit_date, kind FROM visit").fetchall() == [
        ("Súdwest-Fryslân", dt.date(2016, 11, 12), "onderzoek")
    ]
    assert scores_of(db) == sorted([
        (None, "BS1", "ja"), ("SF-1", "TT1", "ja"), ("SF-1", "TT3", "nee"), ("SF-2", "TT1", "nvt")
    ], key=repr)
    assert db.execute("SELECT indicator_code, text FROM remark WHERE dossier_id = 'SF-1' ORDER BY 1").fetchall() == [
        ("TT1", "Gezin is geëvalueerd in café"), ("TT3", 'Ouders; "kinderen" niet')
    ]


def test_csv_comma_utf8_with_bom(db, tmp_path):
    rows = [["gemeente", "dossier", "indicator", "score", "datum", "onderzoek", "kader", "soort"]]
    rows += [["Súdwest-Fryslân", f"SF-{i}", "TT2", "nee" if i < 3 else "ja", "2016-11-12", "kg-2017", "kg-2017", "Hertoets"]
             for i in range(1, 7)]
    path = write_csv(tmp_path / "bom.csv", rows, sep=",", encoding="utf-8", bom=True)
    assert path.read_bytes().startswith(b"\xef\xbb\xbfgemeente,")

    result = do_import(db, path)

    assert (result.dossiers, result.scores) == (6, 6)
    assert db.execute("SELECT municipality_name, kind, visit_date FROM visit").fetchall() == [
        ("Súdwest-Fryslân", "hertoets", dt.date(2016, 11, 12))
    ]
    assert db.execute("SELECT count(*) FROM score WHERE value = 'nee'").fetchall()[0][0] == 2


def _plain_csv_rows():
    rows = [["gemeente", "datum", "dossier", "indicator", "score"]]
    rows += [["Brielle", "07-03-2017", f"BR-{i}", "TT1", "ja"] for i in range(1, 4)]
    rows += [["Brielle", "07-03-2017", "", "BS2", "nee"]]
    return rows


def test_csv_study_and_framework_from_options(db, tmp_path):
    path = write_csv(tmp_path / "opties.csv", _plain_csv_rows())
    result = do_import(db, path, study_id="wijkteams-2017", framework_id="kg-2017")
    assert (result.dossiers, result.scores) == (3, 4)
    assert db.execute("SELECT study_id, framework_id FROM study").fetchall() == [("wijkteams-2017", "kg-2017")]
    assert db.execute("SELECT study_id FROM visit").fetchall() == [("wijkteams-2017",)]


def test_csv_without_study_is_an_error(db, tmp_path):
    exc = rejected(db, write_csv(tmp_path / "zonder.csv", _plain_csv_rows()))
    assert any("--onderzoek" in p.message for p in errors(exc))


def test_csv_visit_level_rows_have_no_dossier(db, tmp_path):
    do_import(db, write_csv(tmp_path / "net.csv", _plain_csv_rows()), study_id="kg-2017", framework_id="kg-2017")
    assert db.execute("SELECT dossier_id, value FROM score WHERE indicator_code = 'BS2'").fetchall() == [(None, "nee")]
    assert count(db, "dossier") == 3


@pytest.mark.parametrize(
    "line, ref, words",
    [
        (["Brielle", "07-03-2017", "BR-4", "TT1", "wellicht"], "E5", ["geen geldige score", "nvt"]),
        (["Brielle", "07-03-2017", "BR-4", "TT8", "ja"], "D5", ["onbekende indicator", "TT8"]),
        (["Brielle", "07-03-2017", "", "TT1", "ja"], "C5", ["per dossier"]),
        (["Brielle", "07-03-2017", "BR-4", "BS1", "ja"], "C5", ["per bezoek", "leeg"]),
        (["Brielle", "07-03-2017", "BR-1", "TT1", "nee"], "D5", ["twee keer"]),
        (["Brile", "07-03-2017", "BR-4", "TT1", "ja"], "A5", ["bestaat niet", "Brielle"]),
        (["Brielle", "7 maart", "BR-4", "TT1", "ja"], "B5", ["onleesbaar"]),
    ],
)
def test_csv_errors_name_the_cell(db, tmp_path, line, ref, words):
    rows = _plain_csv_rows()[:4] + [line]  # header on line 1, the bad row on line 5
    exc = rejected(db, write_csv(tmp_path / "fout.csv", rows), study_id="kg-2017", framework_id="kg-2017")
    assert ref in refs(exc)
    p = problem_at(exc, ref)
    for w in words:
        assert w in p.message


def test_csv_error_cell_counts_the_title_line(db, tmp_path):
    rows = _plain_csv_rows()
    rows[2][4] = "jein"  # data row 2 → line 4 with the title line above the header
    exc = rejected(db, write_csv(tmp_path / "t.csv", rows, title="Export"), study_id="kg-2017", framework_id="kg-2017")
    assert refs(exc) == {"E4"}


def test_csv_without_datum_column_names_the_line(db, tmp_path):
    rows = [["gemeente", "dossier", "indicator", "score"], ["Brielle", "BR-1", "TT1", "ja"]]
    exc = rejected(db, write_csv(tmp_path / "geendatum.csv", rows), study_id="kg-2017", framework_id="kg-2017")
    assert refs(exc) == {"2"}
    p = problem_at(exc, "2")
    assert p.message == "'Datum' (datum van het veldwerk) ontbreekt of is leeg."
    assert str(p) == "FOUT geendatum.csv, regel 2: 'Datum' (datum van het veldwerk) ontbreekt of is leeg."


def test_csv_without_header_is_an_error(db, tmp_path):
    rows = [["plaats", "nummer", "code", "oordeel"], ["Brielle", "BR-1", "TT1", "ja"]]
    exc = rejected(db, write_csv(tmp_path / "geen.csv", rows), study_id="kg-2017", framework_id="kg-2017")
    assert any("kopregel" in p.message and "gemeente" in p.message for p in errors(exc))


# --- §6 all or nothing ---------------------------------------------------------------------------


def _good_rows():
    rows = [["Dossier", "TT1", "TT2", "TT3"]] + [[f"GO-{i:02d}", "ja", "nee", "nvt"] for i in range(1, 15)]
    return rows


@pytest.mark.parametrize("refusal", ["bad_score", "bsn", "unknown_municipality", "corrupt", "bad_recommendation"])
def test_one_bad_cell_writes_nothing(db, tmp_path, refusal):
    # The database already holds this visit: a refused new version must neither add nor delete.
    do_import(db, make_workbook(tmp_path / "v1.xlsx", kg_meta(), _good_rows()))
    do_import(db, make_workbook(tmp_path / "ander.xlsx", kg_meta(Gemeente="Brielle", Datum="2017-03-07"), _good_rows()))
    before = table_snapshot(db)
    assert len(before["score"]) == 84

    rows = _good_rows()
    for r in rows[1:]:
        r[1] = "nee"  # a new version that would change 14 judgements
    meta = kg_meta()
    extra = {}
    path = tmp_path / "v2.xlsx"
    if refusal == "bad_score":
        rows[9][3] = "misschien"
    elif refusal == "bsn":
        rows[12][0] = VALID_BSN
    elif refusal == "unknown_municipality":
        meta["Gemeente"] = "Goeree Overflakee"
    elif refusal == "bad_recommendation":
        extra["Aanbevelingen"] = [["Nr", "Tekst", "Status"], [1, "Zorg voor veiligheidsplannen", "bezig"]]
    if refusal == "corrupt":
        make_truncated_xlsx(path)
    else:
        make_workbook(path, meta, rows, extra_sheets=extra)

    exc = rejected(db, path)  # asserts the snapshot is unchanged

    assert errors(exc)
    assert table_snapshot(db) == before
    assert count(db, "import_log") == 2


def test_every_error_in_a_file_is_listed(db, tmp_path):
    rows = _good_rows() + [["GO-01", "ja", "ja", "ja"]]
    rows[0].append("TT9")
    rows[3][1] = "misschien"
    rows[5][0] = None
    remarks = [["Dossier", "Indicator", "Toelichting"], ["GO-99", "TT1", "zoekgeraakt"]]
    recs = [["Nr", "Tekst", "Status"], [1, "Meer zicht op veiligheid", "gereed"]]
    exc = rejected(db, make_workbook(tmp_path / "veel.xlsx", kg_meta(), rows,
                                     extra_sheets={"Toelichting": remarks, "Aanbevelingen": recs}))
    assert refs(exc) == {
        "Dossiers!E1", "Dossiers!B4", "Dossiers!A6", "Dossiers!A16", "Toelichting!A2", "Aanbevelingen!C2"
    }
    assert "6 fout(en)" in str(exc)


def test_unknown_municipality_does_not_hide_score_errors(db, tmp_path):
    rows = _good_rows()
    rows[3][1] = "misschien"
    netwerk = [["Indicator", "Score"], ["BS1", "ja"], ["BS2", "welles"]]
    exc = rejected(db, make_workbook(tmp_path / "m.xlsx", kg_meta(Gemeente="Goeree Overflakee"), rows, netwerk))
    assert refs(exc) == {"Onderzoek!B3", "Dossiers!B4", "Netwerk!B3"}
    assert "bedoelt u 'Goeree-Overflakkee'?" in problem_at(exc, "Onderzoek!B3").message


# --- §6 file refusals ----------------------------------------------------------------------------


def _only_message(exc) -> str:
    [p] = errors(exc)
    assert p.sheet == "" and p.cell == ""
    assert "Traceback" not in str(p)
    return p.message


def test_old_xls_is_refused(db, tmp_path):
    msg = _only_message(rejected(db, make_xls(tmp_path / "x.xls")))
    assert "oud Excel-bestand (.xls)" in msg and ".xlsx" in msg


def test_xls_content_with_xlsx_name_is_refused(db, tmp_path):
    msg = _only_message(rejected(db, make_xls(tmp_path / "vermomd.xlsx")))
    assert ".xls" in msg


def test_random_bytes_xlsx_is_refused(db, tmp_path):
    msg = _only_message(rejected(db, make_random_xlsx(tmp_path / "kapot.xlsx")))
    assert "beschadigd" in msg


def test_truncated_xlsx_is_refused(db, tmp_path):
    msg = _only_message(rejected(db, make_truncated_xlsx(tmp_path / "half.xlsx")))
    assert "beschadigd" in msg


def test_password_protected_xlsx_is_refused(db, tmp_path):
    path = make_encrypted_xlsx(tmp_path / "geheim.xlsx")
    assert path.read_bytes().startswith(b"\xd0\xcf\x11\xe0")
    msg = _only_message(rejected(db, path))
    assert "wachtwoord" in msg and ".xls)" not in msg


def test_empty_file_is_refused(db, tmp_path):
    (tmp_path / "leeg.xlsx").write_bytes(b"")
    assert "leeg" in _only_message(rejected(db, tmp_path / "leeg.xlsx"))


def test_unknown_file_type_is_refused(db, tmp_path):
    (tmp_path / "scores.numbers").write_bytes(b"PK\x03\x04" + b"\x00" * 100)
    msg = _only_message(rejected(db, tmp_path / "scores.numbers"))
    assert "bestandstype" in msg and ".xlsx" in msg and ".ods" in msg and ".csv" in msg


def test_file_over_25_mb_is_refused(db, tmp_path):
    path = make_big_csv(tmp_path / "groot.csv")
    assert path.stat().st_size > 25 * 1024 * 1024
    msg = _only_message(rejected(db, path, study_id="kg-2017", framework_id="kg-2017"))
    assert "25 MB" in msg


def test_file_over_200000_rows_is_refused(db, tmp_path):
    path = make_many_rows_csv(tmp_path / "lang.csv")
    assert path.stat().st_size < 25 * 1024 * 1024
    msg = _only_message(rejected(db, path, study_id="kg-2017", framework_id="kg-2017"))
    assert "200.000" in msg and "rijen" in msg


@pytest.mark.parametrize("last_row, refused", [(200_000, False), (200_001, True)])
def test_sheet_over_200000_rows_is_refused(db, tmp_path, last_row, refused):
    # A stray value far below the data makes the sheet that long (the reader materialises every row).
    path = make_workbook(tmp_path / "lang.xlsx", kg_meta(), kg_dossiers(6))
    wb = openpyxl.load_workbook(path)
    wb["Dossiers"].cell(row=last_row, column=1, value="GO-99")
    wb.save(path)
    if refused:
        msg = _only_message(rejected(db, path))
        assert msg == ("blad Dossiers heeft 200.001 rijen; de grens is 200.000 rijen. "
                       "Verwijder lege rijen onder de tabel of splits het bestand.")
    else:
        assert do_import(db, path).dossiers == 7


def test_workbook_without_onderzoek_sheet_is_refused(db, tmp_path):
    path = make_workbook(tmp_path / "geen.xlsx", None, kg_dossiers())
    exc = rejected(db, path)
    assert any("Onderzoek" in p.message and "ontbreekt" in p.message for p in errors(exc))


# --- §6 idempotent re-import and replacement ------------------------------------------------------


def test_same_bytes_twice_is_unchanged(db, tmp_path):
    path = make_workbook(tmp_path / "v1.xlsx", kg_meta(), _good_rows())
    first = do_import(db, path)
    snap = table_snapshot(db)

    second = do_import(db, path)

    assert first.status == "geïmporteerd"
    assert second.status == "ongewijzigd"
    assert second.import_id == first.import_id
    assert table_snapshot(db) == snap
    assert count(db, "import_log") == 1


def test_new_version_replaces_the_visit(db, tmp_path):
    rows = _good_rows()
    first = do_import(db, make_workbook(tmp_path / "v1.xlsx", kg_meta(), rows))
    old_visit = db.execute("SELECT visit_id FROM visit").fetchall()[0][0]
    counts_before = {t: count(db, t) for t in ("visit", "dossier", "score", "visit_indicator_count")}

    rows[7][2] = "ja"  # GO-07 TT2 nee → ja
    second = do_import(db, make_workbook(tmp_path / "v2.xlsx", kg_meta(), rows))

    assert (first.status, second.status) == ("geïmporteerd", "vervangen")
    assert {t: count(db, t) for t in counts_before} == counts_before
    for table in ("visit", "dossier", "score", "visit_indicator_count"):
        assert db.execute(f"SELECT count(*) FROM {table} WHERE visit_id = ?", [old_visit]).fetchall()[0][0] == 0
    assert db.execute("SELECT value FROM score WHERE dossier_id = 'GO-07' AND indicator_code = 'TT2'").fetchall()[0] == ("ja",)
    assert db.execute("SELECT ja, nee FROM visit_indicator_count WHERE indicator_code = 'TT2'").fetchall()[0] == (1, 13)
    log = db.execute("SELECT file_name, status, scores, changes, length(sha256) FROM import_log ORDER BY import_id").fetchall()
    assert len(log) == 2
    assert log[0][:3] == ("v1.xlsx", "geïmporteerd", 42) and log[0][3].startswith("nieuw bezoek Goeree-Overflakkee onderzoek")
    assert log[1][:3] == ("v2.xlsx", "vervangen", 42) and log[1][4] == 64
    assert "1 oordeel" in log[1][3]
    assert "1 oordeel" in second.changes


def test_hertoets_is_a_new_visit_not_a_replacement(db, tmp_path):
    do_import(db, make_workbook(tmp_path / "o.xlsx", kg_meta(), _good_rows()))
    result = do_import(db, make_workbook(tmp_path / "h.xlsx", kg_meta(Soort="hertoets", Datum="2017-04-20"), _good_rows()))
    assert result.status == "geïmporteerd"
    assert sorted(db.execute("SELECT kind, count(*) FROM visit GROUP BY 1").fetchall()) == [("hertoets", 1), ("onderzoek", 1)]
    assert count(db, "score") == 84


def test_reimport_after_replacement_of_old_bytes_restores_them(db, tmp_path):
    rows = _good_rows()
    v1 = make_workbook(tmp_path / "v1.xlsx", kg_meta(), rows)
    do_import(db, v1)
    rows[1][1] = "nee"
    do_import(db, make_workbook(tmp_path / "v2.xlsx", kg_meta(), rows))
    # v1's data is no longer live, so importing v1 again is a real import, not 'ongewijzigd'.
    again = do_import(db, v1)
    assert again.status == "vervangen"
    assert db.execute("SELECT value FROM score WHERE dossier_id = 'GO-01' AND indicator_code = 'TT1'").fetchall()[0] == ("ja",)


# --- §6 warnings do not block ----------------------------------------------------------------------


def test_fewer_than_5_judged_dossiers_warns(db, tmp_path):
    rows = [["Dossier", "TT1", "TT2"], ["GO-1", "ja", "nvt"], ["GO-2", "nee", "ja"], ["GO-3", "ja", "onbekend"]]
    result = do_import(db, make_workbook(tmp_path / "klein.xlsx", kg_meta(), rows))
    assert result.status == "geïmporteerd" and result.scores == 6
    small = sorted(w.message for w in result.warnings if "minder dan 5" in w.message)
    assert small == [
        "indicator TT1: 3 beoordeelde dossiers (ja/nee), minder dan 5 — kleine aantallen.",
        "indicator TT2: 1 beoordeelde dossiers (ja/nee), minder dan 5 — kleine aantallen.",
    ]
    assert db.execute("SELECT warnings FROM import_log").fetchall()[0][0] == len(result.warnings)


def test_all_nvt_dossier_warns(db, tmp_path):
    rows = _good_rows()
    rows[4][1:] = ["nvt", "N.V.T.", "n/a"]
    result = do_import(db, make_workbook(tmp_path / "nvt.xlsx", kg_meta(), rows))
    assert result.scores == 42
    nvt = [w for w in result.warnings if "nvt" in w.message and "alle" in w.message]
    assert len(nvt) == 1 and nvt[0].cell == "5"


def test_unscored_cells_warn_and_are_listed(db, tmp_path):
    rows = _good_rows()
    for r in (2, 3, 4):
        rows[r][3] = None
    result = do_import(db, make_workbook(tmp_path / "open.xlsx", kg_meta(), rows))
    assert result.scores == 42 - 3
    [w] = [w for w in result.warnings if w.sheet == "Dossiers" and "niet gescoord" in w.message]
    assert "TT3" in w.message and "3 cel" in w.message and "D3, D4, D5" in w.message


def test_missing_netwerk_sheet_warns(db, tmp_path):
    result = do_import(db, make_workbook(tmp_path / "geennet.xlsx", kg_meta(), _good_rows()))
    # Imported (a warning does not block): every dossier judgement is stored, none for BS1-BS3.
    assert result.scores == 42
    [w] = [w for w in result.warnings if "Netwerk" in w.message]
    assert all(code in w.message for code in ("BS1", "BS2", "BS3"))
    stored = db.execute("SELECT count(*) FILTER (WHERE indicator_code LIKE 'BS%'), count(*) FROM score").fetchall()
    assert stored == [(0, 42)]


# --- §5 Netwerk, Toelichting, Bevindingen, Aanbevelingen ------------------------------------------


def _full_workbook(path, **changes):
    netwerk = [["Indicator", "Score", "Toelichting"],
               ["BS1 Samenwerking", "ja", "Goede afspraken met Veilig Thuis"],
               ["BS2", "nee", None],
               ["BS3", "nvt", None]]
    remarks = [["Dossier", "Indicator", "Toelichting"],
               ["GO-01", "TT1", "Kinderen zijn niet gesproken"],
               ["GO-02", "TT3 veiligheid", "Geen risicotaxatie"],
               ["GO-03", None, "Algemene opmerking bij het dossier"]]
    findings = [["Thema", "Indicator", "Soort", "Tekst"],
                ["Toeleiding en toegang", None, "gaat goed", "Snelle start"],
                ["IZ", None, "Kan beter", "Plannen zijn vaag"],
                [None, "TT3", "zorgpunt", "Veiligheid niet ingeschat"]]
    recs = [["Nr", "Tekst", "Status"],
            [1, "Betrek kinderen bij de hulpvraag", "open"],
            ["2.", "Schat veiligheid aantoonbaar in", "In uitvoering"],
            [3, "Evalueer systematisch", None]]
    sheets = {"Toelichting": remarks, "Bevindingen": findings, "Aanbevelingen": recs}
    for (sheet, r, c), value in changes.get("cells", {}).items():
        target = netwerk if sheet == "Netwerk" else sheets[sheet]
        target[r][c] = value
    return make_workbook(path, kg_meta(), _good_rows(), netwerk, sheets)


def test_netwerk_toelichting_bevindingen_aanbevelingen_are_stored(db, tmp_path):
    result = do_import(db, _full_workbook(tmp_path / "vol.xlsx"))

    assert (result.dossiers, result.scores, result.remarks, result.findings, result.recommendations) == (14, 45, 4, 3, 3)
    assert scores_of(db, "BS1") == [(None, "BS1", "ja")]
    assert sorted(db.execute("SELECT dossier_id, indicator_code, text FROM remark").fetchall(), key=repr) == sorted([
        ("GO-01", "TT1", "Kinderen zijn niet gesproken"),
        ("GO-02", "TT3", "Geen risicotaxatie"),
        ("GO-03", None, "Algemene opmerking bij het dossier"),
        (None, "BS1", "Goede afspraken met Veilig Thuis"),
    ], key=repr)
    assert sorted(db.execute("SELECT theme_code, indicator_code, kind, text FROM finding").fetchall(), key=repr) == sorted([
        ("TT", None, "gaat goed", "Snelle start"),
        ("IZ", None, "kan beter", "Plannen zijn vaag"),
        ("TT", "TT3", "zorgpunt", "Veiligheid niet ingeschat"),
    ], key=repr)
    assert db.execute("SELECT number, status FROM recommendation ORDER BY number").fetchall() == [
        (1, "open"), (2, "in uitvoering"), (3, "open")
    ]


@pytest.mark.parametrize(
    "cell, ref, words",
    [
        (("Bevindingen", 2, 2, "prima"), "Bevindingen!C3", ["gaat goed", "kan beter", "zorgpunt"]),
        (("Bevindingen", 1, 0, "Onbekend thema"), "Bevindingen!A2", ["onbekend thema", "Toeleiding en toegang"]),
        (("Bevindingen", 3, 1, "TT9"), "Bevindingen!B4", ["onbekende indicator"]),
        (("Bevindingen", 1, 3, None), "Bevindingen!D2", ["zonder tekst"]),
        (("Aanbevelingen", 2, 2, "gereed"), "Aanbevelingen!C3", ["open", "in uitvoering", "afgerond"]),
        (("Aanbevelingen", 3, 0, "drie"), "Aanbevelingen!A4", ["geheel getal"]),
        (("Aanbevelingen", 3, 0, 1), "Aanbevelingen!A4", ["twee keer"]),
        (("Toelichting", 2, 0, "GO-99"), "Toelichting!A3", ["GO-99", "niet op blad Dossiers"]),
        (("Toelichting", 1, 1, "TT8"), "Toelichting!B2", ["onbekende indicator"]),
        (("Netwerk", 2, 1, "half"), "Netwerk!B3", ["geen geldige score"]),
        (("Netwerk", 3, 0, "BS1"), "Netwerk!A4", ["staat al in rij 2"]),
    ],
)
def test_sheet_errors_name_the_cell(db, tmp_path, cell, ref, words):
    sheet, r, c, value = cell
    exc = rejected(db, _full_workbook(tmp_path / "fout.xlsx", cells={(sheet, r, c): value}))
    assert refs(exc) == {ref}
    p = problem_at(exc, ref)
    for w in words:
        assert w in p.message


def test_a_missing_datum_still_lets_every_score_error_be_listed(db, tmp_path):
    rows = kg_dossiers()
    rows[2][1] = "misschien"
    rows[4][3] = "??"
    exc = rejected(db, make_workbook(tmp_path / "g.xlsx", kg_meta(Datum=None), rows))
    assert {"Dossiers!B3", "Dossiers!D5"} <= refs(exc)
    assert any("Datum" in p.message for p in errors(exc))
