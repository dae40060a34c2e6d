"""Rights enforced below the pages (DESIGN §12): every public metric, and every page under AppTest, given a viewer.

The database is built from hand-made workbooks imported through the loader, with the publication status set
through the loaders' public API. Indicator 1 of the vt-2019 framework is the only indicator judged (the others are
nvt), so every figure below is counted by hand from these tables:

    study    municipality  soort      date        status        indicator 1 (ja of ja+nee)
    vt-2020  Wijchen       onderzoek  14-05-2019  gepubliceerd  2 van 5
    vt-2020  Wijchen       hertoets   12-11-2019  concept       5 van 5
    vt-2020  Nijmegen      onderzoek  08-04-2019  gepubliceerd  4 van 5
    vt-2020  Beuningen     onderzoek  03-06-2019  concept       1 van 5
    vt-2021  Wijchen       onderzoek  01-03-2021  concept       3 van 5   (a study with only concept visits)

Benchmark of vt-2020 (its onderzoek visits pooled): 7 van 15 for who sees concept visits, 6 van 10 (60%) for lezer
and gemeente (published visits only, every municipality). Each visit's findings, recommendations and remarks
carry its municipality's name, so a name that leaks shows up in any frame or page text.

How the AppTest part signs in: `[auth]` is put in AppTest's secrets (sign-in configured, as in production) and
AppTest's own `user` (Streamlit's documented way to run a script as a signed-in `st.user`) carries the e-mail
address; the role then comes from the real `app_user` table through the real gate. No OIDC provider is involved
here: tests/test_browser_signin.py signs in for real.
"""

from __future__ import annotations

import datetime as dt
import shutil

import pandas as pd
import pytest
from conftest import REPO, make_workbook, vt_meta
from streamlit.testing.v1 import AppTest

import metrics
from loaders import set_publication, set_user
from loaders.importer import import_file
from loaders.validate import Options
from metrics import Scope
from reference.access import Viewer
from store.database import connect

APP = str(REPO / "app.py")
CODES = [str(i) for i in range(1, 11)]
WIJCHEN, NIJMEGEN, BEUNINGEN = "GM0296", "GM0268", "GM0209"
# (study, municipality, soort, date, indicator-1 scores, published)
VISITS = [
    ("vt-2020", "Wijchen", "onderzoek", dt.date(2019, 5, 14), "ja ja nee nee nee", True),
    ("vt-2020", "Wijchen", "hertoets", dt.date(2019, 11, 12), "ja ja ja ja ja", False),
    ("vt-2020", "Nijmegen", "onderzoek", dt.date(2019, 4, 8), "ja ja ja ja nee", True),
    ("vt-2020", "Beuningen", "onderzoek", dt.date(2019, 6, 3), "ja nee nee nee nee", False),
    ("vt-2021", "Wijchen", "onderzoek", dt.date(2021, 3, 1), "ja ja ja nee nee", False),
]
OTHERS = ("Nijmegen", "Beuningen", NIJMEGEN, BEUNINGEN)  # what a Wijchen user must never meet by name

INSPECTEUR = Viewer("inspecteur@ivenj.example", "inspecteur")
LEZER = Viewer("lezer@ivenj.example", "lezer")
GEMEENTE = Viewer("wmo@wijchen.example", "gemeente", (WIJCHEN,))
NOBODY = Viewer("niemand@elders.example", "gemeente", ())


def visit_workbook(path, study, municipality, kind, date, scores):
    tag = f"{municipality} {kind} {date:%Y}"
    prefix = municipality[:2].upper()
    rows = [["Dossier", *CODES]] + [[f"{prefix}-{i + 1:02d}", score, *["nvt"] * 9] for i, score in enumerate(scores.split())]
    meta = vt_meta(Onderzoek=study, Gemeente=municipality, Datum=dt.datetime.combine(date, dt.time()), Soort=kind)
    sheets = {
        "Toelichting": [["Dossier", "Indicator", "Toelichting"], [f"{prefix}-01", "1", f"Toelichting {tag}"]],
        "Bevindingen": [["Thema", "Indicator", "Soort", "Tekst"], ["HV", None, "zorgpunt", f"Bevinding {tag}"]],
        "Aanbevelingen": [["Nr", "Tekst", "Status"], [1, f"Aanbeveling {tag}", "open"]],
    }
    return make_workbook(path, meta, rows, [["Indicator", "Score"], ["11", "ja"], ["12", "nee"]], sheets)


@pytest.fixture(scope="module")
def rights_db(tmp_path_factory):
    """The database of the table above, with three users; returns its path (no connection left open)."""
    folder = tmp_path_factory.mktemp("rechten")
    path = folder / "toezicht.duckdb"
    con = connect(path)
    for n, (study, municipality, kind, date, scores, published) in enumerate(VISITS):
        import_file(con, visit_workbook(folder / f"bezoek{n}.xlsx", study, municipality, kind, date, scores),
                    options=Options())
        if published:
            set_publication(con, study, "gepubliceerd", "test", municipality=municipality, visit_date=date,
                            publication_date=dt.date(2020, 1, 15))
    set_user(con, INSPECTEUR.email, "inspecteur", None, "test")
    set_user(con, LEZER.email, "lezer", None, "test")
    set_user(con, GEMEENTE.email, "gemeente", ["Wijchen"], "test")
    con.execute("CHECKPOINT")
    con.close()
    return path


@pytest.fixture
def con(rights_db):
    connection = connect(rights_db, read_only=True)
    yield connection
    connection.close()


def k_n(frame: pd.DataFrame, key: str = "gemeente") -> dict:
    return {row[key]: (int(row["k"]), int(row["n"])) for _, row in frame.iterrows()}


def indicator_1(frame: pd.DataFrame) -> pd.DataFrame:
    return frame[frame["indicator"] == "1"]


def test_the_database_is_what_the_table_says(con):
    rows = con.execute("SELECT study_id, municipality_name, kind, publication_status FROM visit ORDER BY ALL").fetchall()
    assert rows == sorted([(s, m, k, "gepubliceerd" if p else "concept") for s, m, k, _, _, p in VISITS])


# --- compliance and its benchmark ---------------------------------------------------------------------------------

@pytest.mark.parametrize("viewer, expected, benchmark", [
    (INSPECTEUR, {"Wijchen": (2, 5), "Nijmegen": (4, 5), "Beuningen": (1, 5)}, 100 * 7 / 15),
    (LEZER, {"Wijchen": (2, 5), "Nijmegen": (4, 5)}, 60.0),
    (GEMEENTE, {"Wijchen": (2, 5)}, 60.0),
    (NOBODY, {}, None),
])
def test_compliance_and_benchmark_per_role(con, viewer, expected, benchmark):
    scope = Scope(study="vt-2020", demo=False, viewer=viewer)
    rows = indicator_1(metrics.compliance_by_indicator(con, scope))
    assert k_n(rows) == expected
    if benchmark is None:
        assert rows.empty
    else:
        assert rows["benchmark"].round(6).unique().tolist() == [round(benchmark, 6)]
    by_municipality = metrics.compliance_by_municipality(con, scope)
    assert k_n(by_municipality) == expected
    pooled = indicator_1(metrics.compliance_by_indicator(con, scope, pooled=True))
    assert [tuple(x) for x in pooled[["k", "n"]].to_numpy()] == (
        [tuple(map(sum, zip(*expected.values())))] if expected else [])


@pytest.mark.parametrize("viewer, visits", [
    (INSPECTEUR, {("Wijchen", "onderzoek"): (2, 5), ("Wijchen", "hertoets"): (5, 5), ("Nijmegen", "onderzoek"): (4, 5),
                  ("Beuningen", "onderzoek"): (1, 5)}),
    (LEZER, {("Wijchen", "onderzoek"): (2, 5), ("Nijmegen", "onderzoek"): (4, 5)}),
    (GEMEENTE, {("Wijchen", "onderzoek"): (2, 5)}),
])
def test_per_visit_funnel_and_trend_per_role(con, viewer, visits):
    scope = Scope(study="vt-2020", demo=False, kind=None, viewer=viewer)
    rows = indicator_1(metrics.compliance_by_visit(con, scope))
    assert {(r.gemeente, r.soort): (r.k, r.n) for r in rows.itertuples()} == visits
    points = indicator_1(metrics.funnel_points(con, Scope(study="vt-2020", demo=False, viewer=viewer)))
    assert k_n(points) == {m: kn for (m, kind), kn in visits.items() if kind == "onderzoek"}
    curves = metrics.funnel_curves(con, Scope(study="vt-2020", demo=False, viewer=viewer), points=points)
    assert curves["n"].max() == 5  # the largest municipality's n: no other size leaks into the curve
    trend = metrics.trend_by_indicator(con, Scope(demo=False, kind=None, viewer=viewer))
    changes = {(r.gemeente, r.van_datum.date(), r.naar_datum.date()) for r in indicator_1(trend).itertuples()}
    if viewer is INSPECTEUR:  # Wijchen: onderzoek → hertoets → vt-2021
        assert changes == {("Wijchen", dt.date(2019, 5, 14), dt.date(2019, 11, 12)),
                           ("Wijchen", dt.date(2019, 11, 12), dt.date(2021, 3, 1))}
    else:
        assert changes == set()


def test_a_gemeente_asking_for_another_municipality_gets_nothing(con):
    for name in ("Nijmegen", NIJMEGEN, "Beuningen"):
        scope = Scope(study="vt-2020", municipality=name, demo=False, kind=None, viewer=GEMEENTE)
        assert metrics.compliance_by_visit(con, scope).empty
        assert metrics.municipality_visits(con, scope).empty
        assert metrics.municipality_findings(con, scope).empty
        assert metrics.municipality_recommendations(con, scope).empty
    # …and a concept study, or a concept visit's date, gives nothing either
    assert metrics.compliance_by_visit(con, Scope(study="vt-2021", demo=False, kind=None, viewer=GEMEENTE)).empty
    assert metrics.compliance_by_visit(con, Scope(study="vt-2020", demo=False, kind="hertoets", viewer=GEMEENTE)).empty


# --- findings, recommendations, follow-up -------------------------------------------------------------------------

@pytest.mark.parametrize("viewer, texts", [
    (INSPECTEUR, {"Wijchen onderzoek 2019", "Wijchen hertoets 2019", "Nijmegen onderzoek 2019", "Beuningen onderzoek 2019",
                  "Wijchen onderzoek 2021"}),
    (LEZER, {"Wijchen onderzoek 2019", "Nijmegen onderzoek 2019"}),
    (GEMEENTE, {"Wijchen onderzoek 2019"}),
    (NOBODY, set()),
])
def test_findings_and_recommendations_per_role(con, viewer, texts):
    scope = Scope(demo=False, kind=None, viewer=viewer)
    assert {t.removeprefix("Bevinding ") for t in metrics.search_findings(con, scope)["tekst"]} == texts
    assert {t.removeprefix("Aanbeveling ") for t in metrics.search_recommendations(con, scope)["tekst"]} == texts
    followup = metrics.recommendation_followup(con, scope, dt.date(2026, 1, 1))
    assert {t.removeprefix("Aanbeveling ") for t in followup["tekst"]} == texts
    assert len(metrics.overdue_visits(con, scope, dt.date(2026, 1, 1))) == len(texts)  # every one open > 6 months
    totals = metrics.status_by_municipality(con, scope)
    assert int(totals["totaal"].sum()) == len(texts)
    firsts = metrics.hertoets_status(con, Scope(study="vt-2020", demo=False, viewer=viewer))
    expected_firsts = {t.split()[0] for t in texts if "onderzoek 2019" in t}
    assert set(firsts["gemeente"]) == expected_firsts
    # the concept hertoets is only seen by who sees concept visits
    assert firsts["hertoets"].sum() == (1 if viewer is INSPECTEUR else 0)


# --- dossiers and remarks -----------------------------------------------------------------------------------------

@pytest.mark.parametrize("viewer", [LEZER, GEMEENTE, NOBODY])
def test_dossiers_and_remarks_are_not_for_lezer_and_gemeente(con, viewer):
    scope = Scope(study="vt-2020", municipality="Wijchen", demo=False, viewer=viewer)
    assert metrics.dossier_list(con, scope, ["1"]).empty
    assert metrics.dossier_detail(con, scope, "WI-01").empty
    assert metrics.visit_level_scores(con, scope, ["11", "12"]).empty
    tally = metrics.outcome_counts(con, scope, ["1"])
    assert tally[["ja", "nee", "k", "n"]].values.tolist() == [[0, 0, 0, 0]]


def test_dossiers_and_remarks_for_an_inspecteur(con):
    scope = Scope(study="vt-2020", municipality="Wijchen", demo=False, viewer=INSPECTEUR)
    listed = metrics.dossier_list(con, scope, ["1"])
    assert listed["1"].tolist() == ["ja", "ja", "nee", "nee", "nee"]
    assert listed["toelichting"].tolist()[0] == "Toelichting Wijchen onderzoek 2019"
    detail = metrics.dossier_detail(con, scope, "WI-01")
    assert "Toelichting Wijchen onderzoek 2019" in detail["toelichting"].tolist()
    assert metrics.outcome_counts(con, scope, ["1"])[["k", "n"]].values.tolist() == [[2, 5]]
    assert metrics.visit_level_scores(con, scope, ["11", "12"])["score"].tolist() == ["ja", "nee"]


# --- lists and overviews ------------------------------------------------------------------------------------------

@pytest.mark.parametrize("viewer, studies, summary", [
    (INSPECTEUR, {"vt-2020": (3, 4), "vt-2021": (1, 1)}, (2, 3, 5, 25)),
    (LEZER, {"vt-2020": (2, 2)}, (1, 2, 2, 10)),
    (GEMEENTE, {"vt-2020": (1, 1)}, (1, 1, 1, 5)),
    (NOBODY, {}, (0, 0, 0, 0)),
])
def test_study_lists_and_summary_per_role(con, viewer, studies, summary):
    listed = metrics.studies_overview(con, False, viewer=viewer)
    assert {r.onderzoek: (r.gemeenten, r.bezoeken) for r in listed.itertuples()} == studies
    used = metrics.framework_studies(con, "vt-2019", False, viewer=viewer)
    assert {r.onderzoek: (r.gemeenten, r.bezoeken) for r in used.itertuples()} == studies
    loaded = metrics.loaded_summary(con, False, viewer=viewer)
    assert (loaded["onderzoeken"], loaded["gemeenten"], loaded["bezoeken"], loaded["dossiers"]) == summary
    history = metrics.import_history(con, viewer)
    assert len(history) == (len(VISITS) if viewer.may_import else 0)


@pytest.mark.parametrize("viewer, years, municipalities", [
    (INSPECTEUR, [2021, 2019], {"Wijchen", "Nijmegen", "Beuningen"}),
    (LEZER, [2019], {"Wijchen", "Nijmegen"}),
    (GEMEENTE, [2019], {"Wijchen"}),
])
def test_jaarbeeld_per_role(con, viewer, years, municipalities):
    assert metrics.jaarbeeld_years(con, False, viewer=viewer) == years
    visits = metrics.jaarbeeld_visits(con, 2019, False, viewer=viewer)
    assert set(visits["gemeente"]) == municipalities
    findings = metrics.jaarbeeld_findings(con, 2019, False, viewer=viewer)
    assert {t.split()[1] for t in findings["tekst"]} <= municipalities
    per_municipality = metrics.jaarbeeld_municipalities(con, 2019, False, viewer=viewer)
    assert set(per_municipality["gemeente"]) <= municipalities


# --- every public metric, for a Wijchen user: no other municipality by name ---------------------------------------

def every_metric(con, viewer):
    """(name, result) for every public metric that takes a scope or a viewer, over the whole database."""
    s = Scope(demo=False, kind=None, viewer=viewer)
    s1 = Scope(study="vt-2020", demo=False, viewer=viewer)
    today = dt.date(2026, 1, 1)
    yield "compliance_by_indicator", metrics.compliance_by_indicator(con, s1)
    yield "compliance_by_indicator pooled", metrics.compliance_by_indicator(con, s1, pooled=True)
    yield "compliance_by_theme", metrics.compliance_by_theme(con, s1)
    yield "compliance_by_municipality", metrics.compliance_by_municipality(con, s1)
    yield "compliance_by_visit", metrics.compliance_by_visit(con, s)
    yield "compliance_by_study", metrics.compliance_by_study(con, s1)
    yield "compliance_by_year", metrics.compliance_by_year(con, s1)
    yield "weakest_indicators", metrics.weakest_indicators(con, s1, min_n=1)
    yield "funnel_points", metrics.funnel_points(con, s1)
    yield "funnel_curves", metrics.funnel_curves(con, s1)
    yield "trend_by_indicator", metrics.trend_by_indicator(con, s)
    yield "rag_shares", metrics.rag_shares(con, "municipality", Scope(scale="rag", demo=False, viewer=viewer))
    yield "selection_visits", metrics.selection_visits(con, s)
    yield "outcome_counts", metrics.outcome_counts(con, s, ["1"])
    yield "dossier_list", metrics.dossier_list(con, s, ["1"])
    yield "dossier_detail", metrics.dossier_detail(con, s, "NI-01")
    yield "visit_level_scores", metrics.visit_level_scores(con, s, ["11"])
    yield "search_findings", metrics.search_findings(con, s)
    yield "search_recommendations", metrics.search_recommendations(con, s)
    yield "recommendation_followup", metrics.recommendation_followup(con, s, today)
    yield "status_by_municipality", metrics.status_by_municipality(con, s)
    yield "overdue_visits", metrics.overdue_visits(con, s, today)
    yield "hertoets_status", metrics.hertoets_status(con, s)
    yield "municipality_visits", metrics.municipality_visits(con, s)
    yield "municipality_findings", metrics.municipality_findings(con, s)
    yield "municipality_recommendations", metrics.municipality_recommendations(con, s)
    yield "theme_compliance", metrics.theme_compliance(con, s1, theme="HV", framework="vt-2019")
    yield "theme_compliance pooled", metrics.theme_compliance(con, s1, theme="HV", framework="vt-2019", pooled=True)
    yield "studies_overview", metrics.studies_overview(con, False, viewer=viewer)
    yield "framework_studies", metrics.framework_studies(con, "vt-2019", False, viewer=viewer)
    yield "loaded_summary", pd.DataFrame([metrics.loaded_summary(con, False, viewer=viewer)])
    yield "import_history", metrics.import_history(con, viewer)
    for year in (2019, 2021):
        for name in ("jaarbeeld_themes", "jaarbeeld_theme_studies", "jaarbeeld_municipalities", "jaarbeeld_trend",
                     "jaarbeeld_studies", "jaarbeeld_findings", "jaarbeeld_framework_items", "jaarbeeld_visits",
                     "jaarbeeld_weakest"):
            yield f"{name} {year}", getattr(metrics, name)(con, year, demo=False, viewer=viewer)


def test_a_gemeente_user_meets_no_other_municipality_in_any_metric(con):
    checked = 0
    for name, frame in every_metric(con, GEMEENTE):
        text = frame.to_csv(index=False)
        for other in OTHERS + ("2021", "hertoets 2019"):
            assert other not in text, f"{name} toont {other}"
        checked += 1
    assert checked == 50
    # the same sweep for an inspecteur does meet them: the check above can fail
    seen = "".join(frame.to_csv(index=False) for _, frame in every_metric(con, INSPECTEUR))
    assert all(other in seen for other in OTHERS)


def test_a_lezer_meets_no_concept_visit_in_any_metric(con):
    for name, frame in every_metric(con, LEZER):
        text = frame.to_csv(index=False)
        for concept in ("Beuningen", BEUNINGEN, "hertoets 2019", "2021"):
            assert concept not in text, f"{name} toont {concept}"


# --- every page under AppTest, per role, with the URL edited ------------------------------------------------------

AUTH = {"redirect_uri": "http://localhost:8501/oauth2callback", "cookie_secret": "x" * 32, "client_id": "a",
        "client_secret": "b", "server_metadata_url": "http://localhost:9/.well-known/openid-configuration"}
PAGES = ("overzicht", "vergelijken", "gemeente", "themas", "bevindingen", "opvolging", "jaarbeeld", "rapport", "kaders",
         "methode", "dossiers")
NOT_FOR_GEMEENTE = OTHERS + ("4 van 5", "1 van 5", "3 van 5", "5 van 5", "46,7", "vt-2021", "hertoets 2019", "Toelichting")
NOT_FOR_LEZER = ("Beuningen", BEUNINGEN, "1 van 5", "3 van 5", "5 van 5", "46,7", "vt-2021", "hertoets 2019", "Toelichting")
URL_EDITS = [{}, {"gemeente": "Nijmegen"}, {"gemeente": "Beuningen"}, {"gemeente": NIJMEGEN}, {"onderzoek": "vt-2021"},
             {"dossier": "NI-01", "datum": "08-04-2019", "gemeente": "Nijmegen"},
             {"datum": "12-11-2019", "soort": "hertoets", "gemeente": "Wijchen", "dossier": "WI-01"}, {"jaar": "2021"}]


@pytest.fixture(scope="module")
def app_db(rights_db, tmp_path_factory):
    path = tmp_path_factory.mktemp("app") / "toezicht.duckdb"
    shutil.copy(rights_db, path)
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("TOEZICHT_DB", str(path))
        from pages.common import connection

        connection.clear()
        yield path
        connection().close()
        connection.clear()


def signed_in(script: str, email: str, params: dict) -> AppTest:
    """`script` under AppTest as `email`, signed in with sign-in configured, with `params` in the URL."""
    at = AppTest.from_file(script, default_timeout=90)
    at.secrets["auth"] = AUTH
    at.user = {"is_logged_in": True, "email": email}
    for key, value in {"onderzoek": "vt-2020", **params}.items():
        at.query_params[key] = value
    return at


def open_page(email: str, page: str, params: dict) -> AppTest:
    """The app as `email`, signed in with sign-in configured, on `page` with `params` in the URL. A page the navigation
    does not offer this viewer is run on its own (as an edited URL would reach it if the navigation failed)."""
    at = signed_in(APP, email, params)
    at.run()
    assert not at.exception, at.exception
    path = str(REPO / "pages" / f"{page}.py")
    if page == "overzicht":
        return at
    try:
        at.switch_page(path)
    except ValueError:  # not in this viewer's navigation
        at = signed_in(path, email, params)
    at.run()
    assert not at.exception, at.exception
    return at


def page_text(at: AppTest, maps: bool = True) -> str:
    """Everything a page shows: texts, widget labels and options, metrics, table cells, chart specs (hovers too);
    without `maps` the map's spec is left out (for a viewer of every municipality it is the geography of all of them)."""
    parts = [df.value.to_csv(index=False) for df in at.dataframe]
    for kind in ("title", "header", "subheader", "markdown", "caption", "info", "warning", "error", "success", "metric",
                 "selectbox", "multiselect", "radio", "button", "tabs", "expander", "text", "table", "json"):
        parts += [str(e.proto) for e in getattr(at, kind)]
    parts += [str(e.proto) for e in at.get("plotly_chart") if maps or "choropleth" not in str(e.proto)]
    parts += [str(e.proto) for e in at.get("download_button")]
    parts += [str(e.proto) for e in at.get("html")]  # the whole-text tables (findings, recommendations)
    return "\n".join(parts)


def shown_numbers(at: AppTest) -> set[str]:
    """The 'k van n' judgements in the page's tables and metrics."""
    found = set()
    for df in at.dataframe:
        for column in ("oordeel", "k van n"):
            if column in df.value:
                found |= set(df.value[column].astype(str))
    found |= {m.value for m in at.metric if m.label == "k van n"}
    return found


@pytest.mark.parametrize("page", PAGES)
@pytest.mark.parametrize("edit", URL_EDITS, ids=lambda e: "&".join(f"{k}={v}" for k, v in e.items()) or "zonder")
def test_a_gemeente_user_sees_only_its_own_published_figures(app_db, page, edit):
    at = open_page(GEMEENTE.email, page, edit)
    text = page_text(at)
    for forbidden in NOT_FOR_GEMEENTE:
        if page == "methode" and forbidden == "Nijmegen":
            continue  # Methode names the report a framework comes from ("Veilig Thuis Nijmegen, 2019"): not a visit
        assert forbidden not in text, f"{page} {edit}: {forbidden}"
    # Wijchen's published onderzoek: indicator 1 2 van 5; the visit-level indicators 11 (ja) and 12 (nee)
    assert shown_numbers(at) <= {"2 van 5", "1 van 1", "0 van 1", "geen oordeel"}
    if page == "dossiers":
        assert not any(len(df.value) for df in at.dataframe) and "WI-0" not in text


@pytest.mark.parametrize("page", PAGES)
@pytest.mark.parametrize("edit", URL_EDITS[:5], ids=lambda e: "&".join(f"{k}={v}" for k, v in e.items()) or "zonder")
def test_a_lezer_sees_published_figures_of_every_municipality(app_db, page, edit):
    at = open_page(LEZER.email, page, edit)
    text = page_text(at, maps=False)  # the map names every municipality, a concept one as "niet in dit onderzoek"
    for forbidden in NOT_FOR_LEZER:
        if page == "methode" and forbidden in ("Beuningen", BEUNINGEN):
            continue
        assert forbidden not in text, f"{page} {edit}: {forbidden}"
    # + Nijmegen's 4 van 5, both pooled (6 van 10), and the visit-level indicators of one or both visits
    assert shown_numbers(at) <= {"2 van 5", "4 van 5", "6 van 10", "1 van 1", "0 van 1", "2 van 2", "0 van 2", "geen oordeel"}


# What each page shows, counted by hand from the table at the top: (viewer, page, URL, must appear).
SHOWN = [
    (GEMEENTE, "vergelijken", {}, ["Wijchen", "2 van 5", "60,0%"]),
    (GEMEENTE, "gemeente", {"gemeente": "Nijmegen"}, ["**Wijchen** in **vt-2020**", "2 van 5", "60,0%",
                                                       "Bevinding Wijchen onderzoek 2019", "Aanbeveling Wijchen onderzoek 2019"]),
    (GEMEENTE, "overzicht", {}, ["2 van 5"]),
    (GEMEENTE, "bevindingen", {}, ["Bevinding Wijchen onderzoek 2019"]),
    (GEMEENTE, "opvolging", {}, ["Aanbeveling Wijchen onderzoek 2019"]),
    (GEMEENTE, "jaarbeeld", {"jaar": "2021"}, ["2 van 5", "Bevinding Wijchen onderzoek 2019"]),
    (LEZER, "vergelijken", {}, ["Wijchen", "Nijmegen", "2 van 5", "4 van 5", "60,0%"]),
    (LEZER, "bevindingen", {}, ["Bevinding Wijchen onderzoek 2019", "Bevinding Nijmegen onderzoek 2019"]),
    (INSPECTEUR, "vergelijken", {}, ["Beuningen", "1 van 5", "2 van 5", "4 van 5", "46,7%"]),
    (INSPECTEUR, "vergelijken", {"onderzoek": "vt-2021"}, ["3 van 5"]),
    (INSPECTEUR, "gemeente", {"gemeente": "Wijchen"}, ["5 van 5", "Bevinding Wijchen hertoets 2019"]),
    (INSPECTEUR, "dossiers", {"gemeente": "Nijmegen", "dossier": "NI-01", "datum": "08-04-2019"},
     ["Toelichting Nijmegen onderzoek 2019"]),
]


@pytest.mark.parametrize("viewer, page, edit, expected", SHOWN, ids=[f"{v.role}-{p}-{i}" for i, (v, p, _, _) in enumerate(SHOWN)])
def test_each_role_sees_what_it_may(app_db, viewer, page, edit, expected):
    text = page_text(open_page(viewer.email, page, edit))
    for value in expected:
        assert value in text, f"{viewer.role} {page} {edit}: {value} ontbreekt"


@pytest.mark.parametrize("viewer, area", [
    (INSPECTEUR, "alle gemeenten van het onderzoek"),
    (LEZER, "alle gemeenten van het onderzoek, alleen gepubliceerde bezoeken"),
    (GEMEENTE, "alle gemeenten van het onderzoek, alleen gepubliceerde bezoeken"),
])
def test_the_benchmark_says_whether_it_pools_published_visits_only(con, viewer, area):
    rows = indicator_1(metrics.compliance_by_indicator(con, Scope(study="vt-2020", demo=False, viewer=viewer)))
    assert rows["benchmark_gebied"].unique().tolist() == [area]


def dossier_links(at: AppTest) -> list[str]:
    """Every link into the Dossiers page the page offers: anchors in markdown and URL cells in tables."""
    links = [m.value for m in at.markdown if "./dossiers?" in m.value]
    links += [str(h.proto) for h in at.get("html") if "./dossiers?" in str(h.proto)]  # whole-text tables
    for df in at.dataframe:
        links += [v for column in df.value.columns for v in df.value[column].astype(str) if v.startswith("./dossiers?")]
    return links


@pytest.mark.parametrize("viewer, linked", [(INSPECTEUR, True), (LEZER, False), (GEMEENTE, False)])
def test_k_of_n_links_to_dossiers_only_for_roles_that_may_open_them(app_db, viewer, linked):
    at = open_page(viewer.email, "bevindingen", {})
    assert "2 van 5" in page_text(at)  # the judgement itself is shown to every role
    assert bool(dossier_links(at)) is linked
    assert ("Klik op \u201ck van n\u201d" in page_text(at)) is linked


def test_a_publication_change_is_a_new_data_version(rights_db, tmp_path):
    """Cached figures are keyed on the data version: what lezer and gemeente see changes with publication."""
    path = tmp_path / "kopie.duckdb"
    shutil.copy(rights_db, path)
    con = connect(path)
    before = metrics.data_version(con)
    set_publication(con, "vt-2020", "gepubliceerd", "test", municipality="Beuningen")
    after = metrics.data_version(con)
    set_publication(con, "vt-2020", "concept", "test", municipality="Beuningen")
    assert before != after and metrics.data_version(con) == before
    con.close()
