"""Drill-down metrics on a small database built through the real loader from workbooks written here.

Every expectation is counted by hand from the workbook rows below (see the comments), never copied from output.
"""

import datetime as dt
import io
import tomllib

import openpyxl
import pytest
from conftest import make_workbook

from exports import xlsx_bytes
from loaders.importer import import_file
from metrics import (
    Scope,
    compliance_by_indicator,
    compliance_by_municipality,
    compliance_by_theme,
    compliance_by_visit,
    dossier_detail,
    dossier_list,
    framework_items,
    framework_studies,
    hertoets_status,
    outcome_counts,
    overdue_visits,
    recommendation_followup,
    search_findings,
    search_recommendations,
    selection_visits,
    status_by_municipality,
    visit_level_scores,
)
from metrics.findings import months_between, search_terms, stem
from reference.paths import DATA_DIR
from store.database import connect

GO = "Goeree-Overflakkee"
FIRST, RETEST, HELLEVOET = dt.date(2016, 10, 11), dt.date(2017, 4, 20), dt.date(2017, 2, 7)
FORMULA = '=HYPERLINK("http://example.org","klik")'

# Visit A: kg-2017, Goeree-Overflakkee, onderzoek 11-10-2016. Per indicator, hand-counted from these rows:
#   TT1: ja D1 D3 D5, nee D2 D6, nvt D4                    → k 3, n 5
#   TT3: ja D3, nee D1 D2 D4, onbekend D6, D5 not scored    → k 1, n 4
#   IZ1: ja D1 D5 D6, nee D3, nvt D2, onbekend D4           → k 3, n 4
#   theme TT (TT1 + TT3) → 4 van 9; theme IZ → 3 van 4; all dossier indicators → 7 van 13
A_DOSSIERS = [
    ["Dossier", "TT1", "TT3", "IZ1"],
    ["D1", "ja", "nee", "ja"],
    ["D2", "nee", "nee", "nvt"],
    ["D3", "ja", "ja", "nee"],
    ["D4", "nvt", "nee", "onbekend"],
    ["D5", "ja", None, "ja"],
    ["D6", "nee", "onbekend", "ja"],
]


def meta(gemeente, datum, soort):
    return {"Onderzoek": "kg-2017", "Kader": "kg-2017", "Gemeente": gemeente, "Datum": datum, "Soort": soort}


def as_text_cell(path, sheet, ref):
    """openpyxl stores a string starting with '=' as a formula; make that one cell plain text again."""
    wb = openpyxl.load_workbook(path)
    wb[sheet][ref].data_type = "s"
    wb.save(path)


@pytest.fixture(scope="module")
def con(tmp_path_factory):
    folder = tmp_path_factory.mktemp("drill")
    connection = connect(folder / "drill.duckdb")
    a = make_workbook(
        folder / "a.xlsx", meta(GO, FIRST, "onderzoek"), A_DOSSIERS,
        netwerk=[["Indicator", "Score", "Toelichting"], ["BS1", "ja", "Interviews met netwerkpartners."], ["BS2", "nee", None]],
        extra_sheets={
            "Toelichting": [
                ["Dossier", "Indicator", "Toelichting"],
                ["D2", "TT3", "Geen veiligheidstaxatie aangetroffen."],
                ["D4", "TT3", FORMULA],
                ["D4", None, "-geen plan in het dossier"],
                ["D1", "TT1", "@moeder gesproken"],
                ["D6", "IZ1", "+31 gebeld"],
            ],
            "Bevindingen": [
                ["Thema", "Indicator", "Soort", "Tekst"],
                ["TT", None, "zorgpunt", "Veiligheidsrisico's worden niet systematisch ingeschat."],
                [None, "IZ1", "kan beter", "Eén plan ontbreekt; plannen worden niet geëvalueerd."],
                ["IZ", None, "gaat goed", "Casuïstiek wordt wekelijks besproken."],
            ],
            "Aanbevelingen": [
                ["Nr", "Tekst", "Status"],
                [1, "Zorg voor een risicotaxatie in elk dossier.", "open"],
                [2, "Spreek ook met de kinderen.", "afgerond"],
                [3, "Evalueer de plannen systematisch.", "in uitvoering"],
            ],
        },
    )
    as_text_cell(a, "Toelichting", "C3")
    # Visit B: the hertoets of Goeree-Overflakkee: TT3 ja H1 H2, nee H3 → 2 van 3.
    b = make_workbook(
        folder / "b.xlsx", meta(GO, RETEST, "hertoets"), [["Dossier", "TT3"], ["H1", "ja"], ["H2", "ja"], ["H3", "nee"]],
        extra_sheets={
            "Bevindingen": [["Thema", "Soort", "Tekst"], ["TT", "kan beter", "Veiligheidsplan is verbeterd."]],
            "Aanbevelingen": [["Nr", "Tekst", "Status"], [1, "Houd de risicotaxatie vast.", "open"]],
        },
    )
    # Visit C: Hellevoetsluis onderzoek: TT3 ja E1, nee E2 → 1 van 2; no hertoets.
    c = make_workbook(folder / "c.xlsx", meta("Hellevoetsluis", HELLEVOET, "onderzoek"), [["Dossier", "TT3"], ["E1", "ja"], ["E2", "nee"]])
    for path in (a, b, c):
        import_file(connection, path)
    yield connection
    connection.close()


ALL = Scope(study="kg-2017", kind=None, demo=False)
GO_FIRST = Scope(study="kg-2017", municipality=GO, kind="onderzoek", demo=False)


def test_dossier_list_filters_on_an_outcome_and_shows_the_remark(con):
    frame = dossier_list(con, GO_FIRST, ["TT3"], "nee")
    assert frame["dossier"].tolist() == ["D1", "D2", "D4"]
    assert frame["TT3"].tolist() == ["nee", "nee", "nee"]
    assert frame["toelichting"].tolist() == ["", "Geen veiligheidstaxatie aangetroffen.", FORMULA]
    # D1: one remark (TT1); D2: one; D4: two (TT3 and the dossier as a whole)
    assert frame["opmerkingen"].tolist() == [1, 1, 2]


def test_dossier_list_without_outcome_shows_every_dossier_and_unscored_cells(con):
    frame = dossier_list(con, GO_FIRST, ["TT1", "TT3"])
    assert frame["dossier"].tolist() == ["D1", "D2", "D3", "D4", "D5", "D6"]
    assert frame["TT3"].tolist() == ["nee", "nee", "ja", "nee", "", "onbekend"]
    assert frame["TT1"].tolist() == ["ja", "nee", "ja", "nvt", "ja", "nee"]
    assert "toelichting" not in frame.columns  # only with exactly one indicator
    # limit: the first dossiers in the list's order (municipality, date, soort, dossier)
    assert dossier_list(con, ALL, ["TT3"], limit=2)["dossier"].tolist() == ["D1", "D2"]
    assert dossier_list(con, ALL, ["TT3"], "ja", limit=5)["dossier"].tolist() == ["D3", "H1", "H2", "E1"]
    # outcome over several indicators: a dossier with 'nvt' on any of them
    assert dossier_list(con, GO_FIRST, ["TT1", "IZ1"], "nvt")["dossier"].tolist() == ["D2", "D4"]


def test_outcome_counts_are_k_and_n_by_hand(con):
    counts = outcome_counts(con, GO_FIRST, ["TT1", "TT3", "IZ1", "BS1"]).set_index("indicator")
    assert counts.loc["TT3", ["ja", "nee", "nvt", "onbekend", "k", "n", "niet_gescoord"]].tolist() == [1, 3, 0, 1, 1, 4, 1]
    assert counts.loc["TT1", ["k", "n", "nvt", "niet_gescoord"]].tolist() == [3, 5, 1, 0]
    assert counts.loc["IZ1", ["k", "n", "nvt", "onbekend"]].tolist() == [3, 4, 1, 1]
    assert counts.loc["BS1", ["k", "n"]].tolist() == [1, 1] and counts.loc["BS1", "niveau"] == "bezoek"


def test_soort_and_visit_date_pick_the_visit(con):
    retest = Scope(study="kg-2017", municipality=GO, kind="hertoets", demo=False)
    counted = outcome_counts(con, retest, ["TT3"])
    assert counted[["k", "n"]].values.tolist() == [[2, 3]]
    # the columns every k/n figure carries, so the Dossiers page shows them without recomputing
    assert (counted["oordeel"].iloc[0], bool(counted["klein_aantal"].iloc[0])) == ("2 van 3", True)
    assert counted["percentage"].iloc[0] == pytest.approx(200 / 3)
    both = Scope(study="kg-2017", municipality=GO, kind=None, demo=False)
    assert outcome_counts(con, both, ["TT3"])[["k", "n"]].values.tolist() == [[3, 7]]  # 1 of 4 plus 2 of 3
    assert outcome_counts(con, both, ["TT3"], RETEST)[["k", "n"]].values.tolist() == [[2, 3]]
    assert dossier_list(con, both, ["TT3"], "ja", FIRST)["dossier"].tolist() == ["D3"]
    visits = selection_visits(con, ALL)
    assert sorted(zip(visits["gemeente"], visits["soort"], visits["dossiers"])) == [
        (GO, "hertoets", 3), (GO, "onderzoek", 6), ("Hellevoetsluis", "onderzoek", 2)]
    # demo visits are a separate source: none here
    assert selection_visits(con, Scope(study="kg-2017", kind=None, demo=True)).empty


def test_every_compliance_number_drills_down_to_its_k_and_n(con):
    """Pick figures from the compliance functions and recount them via the drill-down selection they link to."""
    items = framework_items(con, "kg-2017")
    dossier_codes = items.loc[items["niveau"] == "dossier", "indicator"].tolist()
    checked = 0
    for row in compliance_by_indicator(con, Scope(study="kg-2017", demo=False)).itertuples():
        scope = Scope(study="kg-2017", municipality=row.gemeente, kind="onderzoek", demo=False)
        got = outcome_counts(con, scope, [row.indicator])
        assert got[["k", "n"]].values.tolist() == [[row.k, row.n]], row
        if row.niveau == "dossier":
            listed = dossier_list(con, scope, [row.indicator])
            assert (listed[row.indicator] == "ja").sum() == row.k
            assert listed[row.indicator].isin(["ja", "nee"]).sum() == row.n
            assert len(dossier_list(con, scope, [row.indicator], "nee")) == row.n - row.k
        checked += 1
    for row in compliance_by_theme(con, Scope(study="kg-2017", demo=False)).itertuples():
        codes = items.loc[(items["thema"] == row.thema) & (items["niveau"] == "dossier"), "indicator"].tolist()
        scope = Scope(study="kg-2017", municipality=row.gemeente, demo=False)
        assert outcome_counts(con, scope, codes)[["k", "n"]].sum().tolist() == [row.k, row.n], row
        checked += 1
    for row in compliance_by_municipality(con, Scope(study="kg-2017", demo=False)).itertuples():
        scope = Scope(study="kg-2017", municipality=row.gemeente, demo=False)
        assert outcome_counts(con, scope, dossier_codes)[["k", "n"]].sum().tolist() == [row.k, row.n], row
        checked += 1
    for row in compliance_by_visit(con, Scope(study="kg-2017", kind=None, demo=False)).itertuples():
        scope = Scope(study="kg-2017", municipality=row.gemeente, kind=row.soort, demo=False)
        assert outcome_counts(con, scope, [row.indicator], row.datum)[["k", "n"]].values.tolist() == [[row.k, row.n]]
        checked += 1
    for row in compliance_by_indicator(con, Scope(study="kg-2017", demo=False), pooled=True).itertuples():
        scope = Scope(study="kg-2017", kind="onderzoek", demo=False)  # pooled over every municipality
        assert outcome_counts(con, scope, [row.indicator])[["k", "n"]].values.tolist() == [[row.k, row.n]], row
        checked += 1
    assert checked > 20
    # and the hand counts behind them: GO onderzoek themes TT 4 van 9, IZ 3 van 4, all 7 van 13
    tt = items.loc[(items["thema"] == "TT") & (items["niveau"] == "dossier"), "indicator"].tolist()
    assert outcome_counts(con, GO_FIRST, tt)[["k", "n"]].sum().tolist() == [4, 9]
    assert outcome_counts(con, GO_FIRST, dossier_codes)[["k", "n"]].sum().tolist() == [7, 13]


def test_dossier_detail_has_every_indicator_in_order_with_rule_and_remark(con):
    detail = dossier_detail(con, GO_FIRST, "D4")
    kader = tomllib.loads((DATA_DIR / "kaders" / "kg-2017.toml").read_text(encoding="utf-8"))
    per_dossier = [i for i in kader["indicatoren"] if i["niveau"] == "dossier"]
    scored = detail[detail["indicator"] != ""]
    assert scored["indicator"].tolist() == [i["code"] for i in per_dossier]  # the framework file's order
    tt3 = scored.set_index("indicator").loc["TT3"]
    rule = next(i["beslisregel"] for i in per_dossier if i["code"] == "TT3")
    assert (tt3["score"], tt3["toelichting"], tt3["beslisregel"]) == ("nee", FORMULA, rule)
    assert scored.set_index("indicator").loc["TT1", "score"] == "nvt"
    assert scored.set_index("indicator").loc["TT2", "score"] == ""  # not in the workbook: not scored
    general = detail[detail["indicator"] == ""]
    assert general["toelichting"].tolist() == ["-geen plan in het dossier"]
    assert dossier_detail(con, GO_FIRST, "H1").empty  # H1 belongs to the hertoets


def test_visit_level_scores_carry_their_remark(con):
    frame = visit_level_scores(con, GO_FIRST, ["BS1", "BS2"])
    assert list(zip(frame["indicator"], frame["score"], frame["toelichting"])) == [
        ("BS1", "ja", "Interviews met netwerkpartners."), ("BS2", "nee", "")]


def test_remark_export_escapes_formula_cells(con):
    frame = dossier_list(con, GO_FIRST, ["TT3"])
    detail = dossier_detail(con, GO_FIRST, "D4")
    book = openpyxl.load_workbook(io.BytesIO(xlsx_bytes({"Lijst": frame, "Dossier": detail})))
    texts = {c.value: c.data_type for ws in book.worksheets for row in ws.iter_rows(min_row=2) for c in row if isinstance(c.value, str)}
    assert "'" + FORMULA in texts and texts["'" + FORMULA] == "s"
    assert "'-geen plan in het dossier" in texts
    assert not any(t.startswith(("=", "+", "-", "@")) for t in texts)
    tt1 = openpyxl.load_workbook(io.BytesIO(xlsx_bytes(dossier_list(con, GO_FIRST, ["TT1"], "ja"))))
    assert "'@moeder gesproken" in [c.value for row in tt1.active.iter_rows() for c in row]


def test_search_terms_normalise_and_stem():
    assert search_terms("Risico’s GEËVALUEERD") == ["risico", "geevalueerd"]
    assert [stem(w) for w in ("plannen", "veiligheid", "risicotaxaties", "kinderen", "doel", "casussen")] == [
        "plan", "veiligheid", "risicotaxatie", "kinder", "doel", "casus"]
    assert search_terms("  ,;  ") == [] and search_terms(None) == []


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("veiligheid", {"Veiligheidsrisico's worden niet systematisch ingeschat.", "Veiligheidsplan is verbeterd."}),
        ("GEEVALUEERD", {"Eén plan ontbreekt; plannen worden niet geëvalueerd."}),
        ("casuistíek", {"Casuïstiek wordt wekelijks besproken."}),
        ("risicos", {"Veiligheidsrisico's worden niet systematisch ingeschat."}),
        ("plannen", {"Eén plan ontbreekt; plannen worden niet geëvalueerd.", "Veiligheidsplan is verbeterd."}),
        ("veiligheid systematisch", {"Veiligheidsrisico's worden niet systematisch ingeschat."}),
        ("wijkteam", set()),
    ],
)
def test_search_findings_by_word_form_case_and_accents(con, query, expected):
    assert set(search_findings(con, ALL, query)["tekst"]) == expected


def test_findings_carry_the_figures_of_their_theme_or_indicator_in_that_visit(con):
    frame = search_findings(con, ALL)
    by_text = frame.set_index("tekst")
    assert by_text.loc["Veiligheidsrisico's worden niet systematisch ingeschat.", ["k", "n", "bezoeksoort"]].tolist() == [4, 9, "onderzoek"]
    assert by_text.loc["Eén plan ontbreekt; plannen worden niet geëvalueerd.", ["thema", "indicator", "k", "n"]].tolist() == ["IZ", "IZ1", 3, 4]
    assert by_text.loc["Casuïstiek wordt wekelijks besproken.", ["k", "n"]].tolist() == [3, 4]
    assert by_text.loc["Veiligheidsplan is verbeterd.", ["k", "n", "oordeel"]].tolist() == [2, 3, "2 van 3"]
    # theme IZ also finds the finding on indicator IZ1; soort and year filter
    assert len(search_findings(con, ALL, theme="IZ")) == 2
    assert search_findings(con, ALL, indicator="IZ1")["soort"].tolist() == ["kan beter"]
    assert set(search_findings(con, ALL, kind="zorgpunt")["gemeente"]) == {GO} and len(search_findings(con, ALL, kind="zorgpunt")) == 1
    from dataclasses import replace

    assert search_findings(con, replace(ALL, year=2017))["tekst"].tolist() == ["Veiligheidsplan is verbeterd."]


def test_recommendation_search_and_status(con):
    assert set(search_recommendations(con, ALL, "risicotaxatie")["nr"]) == {1}
    assert len(search_recommendations(con, ALL, "risicotaxatie")) == 2  # one in each Goeree-Overflakkee visit
    assert search_recommendations(con, ALL, status="afgerond")["tekst"].tolist() == ["Spreek ook met de kinderen."]
    status = status_by_municipality(con, ALL).set_index("gemeente")
    assert status.loc[GO, ["open", "in_uitvoering", "afgerond", "totaal"]].tolist() == [2, 1, 1, 4]


def test_months_and_overdue_follow_up(con):
    assert months_between(FIRST, dt.date(2017, 10, 11)) == 12
    assert months_between(FIRST, dt.date(2017, 10, 10)) == 11
    on = dt.date(2018, 1, 1)  # visit A is 14 whole months old, visit B 8
    followup = recommendation_followup(con, ALL, on)
    ages = dict(zip(zip(followup["bezoeksoort"], followup["nr"]), followup["leeftijd_maanden"]))
    assert ages == {("onderzoek", 1): 14, ("onderzoek", 2): 14, ("onderzoek", 3): 14, ("hertoets", 1): 8}
    late = dict(zip(zip(followup["bezoeksoort"], followup["nr"]), followup["te_lang_open"]))
    assert late == {("onderzoek", 1): True, ("onderzoek", 2): False, ("onderzoek", 3): True, ("hertoets", 1): False}
    overdue = overdue_visits(con, ALL, on)
    assert overdue[["gemeente", "bezoeksoort", "open", "in_uitvoering"]].values.tolist() == [[GO, "onderzoek", 1, 1]]
    assert overdue_visits(con, ALL, dt.date(2017, 10, 11)).empty  # exactly 12 months: not yet overdue


def test_hertoets_status(con):
    frame = hertoets_status(con, ALL).set_index("gemeente")
    assert bool(frame.loc[GO, "hertoets"]) and frame.loc[GO, "maanden_tot_hertoets"] == 6
    assert not bool(frame.loc["Hellevoetsluis", "hertoets"])
    assert len(frame) == 2  # only onderzoek visits are listed


def test_frameworks_browse_and_studies(con):
    kader = tomllib.loads((DATA_DIR / "kaders" / "kg-2017.toml").read_text(encoding="utf-8"))
    items = framework_items(con, "kg-2017")
    assert items["indicator"].tolist() == [i["code"] for i in kader["indicatoren"]]
    tt3 = items.set_index("indicator").loc["TT3"]
    source = next(i for i in kader["indicatoren"] if i["code"] == "TT3")
    assert (tt3["beslisregel"], tt3["operationalisering"], tt3["jaarbeeld_thema"]) == (
        source["beslisregel"], source["operationalisatie"], source["jaarbeeld"])
    found = set(framework_items(con, "kg-2017", "veiligheidsrisicos")["indicator"])
    assert "TT3" in found and "TT1" not in found
    studies = framework_studies(con, "kg-2017", demo=False)
    assert studies[["onderzoek", "gemeenten", "bezoeken"]].values.tolist() == [["kg-2017", 2, 3]]
    assert framework_studies(con, "vt-2019", demo=False).empty
