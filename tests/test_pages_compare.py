"""Vergelijken, Gemeente and Thema's in the real app (AppTest on the demo database).

Expectations come from the raw tables (score, visit) and hand formulas (Wilson, Newcombe), never from metrics."""

from __future__ import annotations

import json
import math

import duckdb
import pytest
from demo_db import REPO, demo_database
from streamlit.testing.v1 import AppTest

APP = str(REPO / "app.py")
Z = 1.959963984540054


@pytest.fixture
def demo_env(tmp_path_factory, monkeypatch):
    db = demo_database(tmp_path_factory)
    monkeypatch.setenv("TOEZICHT_DB", str(db))
    from pages.common import connection

    connection.clear()
    yield db
    connection().close()
    connection.clear()


def raw(db, sql: str, params=()) -> list[tuple]:
    """Straight from the tables, on a connection of its own (read while the app holds one: same process, same file)."""
    from pages.common import connection

    return connection().cursor().execute(sql, list(params)).fetchall()


def raw_counts(db, study: str, municipality: str | None, indicator: str, kind: str = "onderzoek") -> tuple[int, int]:
    """k = ja, n = ja + nee over the score table."""
    row = raw(db, """
        SELECT count(*) FILTER (WHERE s.value = 'ja'), count(*) FILTER (WHERE s.value IN ('ja', 'nee'))
        FROM score s JOIN visit v USING (visit_id) JOIN study st USING (study_id)
        WHERE v.study_id = ? AND s.indicator_code = ? AND v.kind = ? AND st.is_demo AND (? IS NULL OR v.municipality_name = ?)
    """, [study, indicator, kind, municipality, municipality])[0]
    return int(row[0]), int(row[1])


def wilson(k: int, n: int) -> tuple[float, float]:
    p = k / n
    centre = (p + Z * Z / (2 * n)) / (1 + Z * Z / n)
    half = Z * math.sqrt(p * (1 - p) / n + Z * Z / (4 * n * n)) / (1 + Z * Z / n)
    return centre - half, centre + half


def signed(x: float) -> str:
    return ("+" if x > 0 else "−" if x < 0 else "±") + f"{abs(x):.1f}".replace(".", ",")


def open_page(page: str, **params) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=90)
    for key, value in params.items():
        at.query_params[key] = value
    at.run()
    at.switch_page(page).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def click(at: AppTest, chart_key: str, customdata: list) -> AppTest:
    """A click on one point, as the browser reports it: the chart's widget value is the selection JSON."""
    chart = next(c for c in at.get("plotly_chart") if c.proto.id.endswith(chart_key))
    states = at._tree.get_widget_states()
    state = states.widgets.add()
    state.id = chart.proto.id
    state.string_value = json.dumps({"selection": {"points": [{"curve_number": 0, "point_number": 0, "point_index": 0,
                                                               "customdata": customdata}],
                                                   "point_indices": [0], "box": [], "lasso": []}})
    at._run(states)
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_vergelijken_shows_2_van_14_for_goeree_overflakkee_tt3_and_marks_it_slechter(demo_env):
    k, n = raw_counts(demo_env, "kg-2017", "Goeree-Overflakkee", "TT3")
    kb, nb = raw_counts(demo_env, "kg-2017", None, "TT3")
    assert (k, n) == (2, 14)  # the published figure (seed report)
    expected = "slechter" if wilson(k, n)[1] < kb / nb else "vergelijkbaar"
    at = open_page("pages/vergelijken.py", onderzoek="kg-2017", indicator="TT3")
    assert at.title[0].value == "Vergelijken"
    assert at.selectbox(key="indicator").value == "TT3"
    table = at.dataframe[0].value
    row = table[(table["gemeente"] == "Goeree-Overflakkee") & (table["indicator"] == "TT3")].iloc[0]
    assert row["oordeel"] == f"{k} van {n}"
    assert row["vergelijking"] == expected == "slechter"
    assert row["benchmark_nl"] == f"{100 * kb / nb:.1f}%".replace(".", ",")
    # one row per municipality × indicator with scores in the study's onderzoek visits
    cells = raw(demo_env, """SELECT count(DISTINCT (v.municipality_code, c.indicator_code)) FROM visit_indicator_count c
                             JOIN visit v USING (visit_id) WHERE v.study_id = 'kg-2017' AND v.kind = 'onderzoek'""")[0][0]
    assert len(table) == cells
    labels = [b.label for b in at.get("download_button")]
    assert labels == ["Download tabel (CSV)", "Download tabel (XLSX)", "Download tabel (ODS)"]


def test_gemeente_shows_onderzoek_hertoets_and_the_tt3_change_with_its_interval(demo_env):
    visits = raw(demo_env, """SELECT kind, strftime(visit_date, '%d-%m-%Y') FROM visit
                              WHERE study_id = 'kg-2017' AND municipality_name = 'Goeree-Overflakkee' ORDER BY visit_date""")
    assert [v[0] for v in visits] == ["onderzoek", "hertoets"]
    k1, n1 = raw_counts(demo_env, "kg-2017", "Goeree-Overflakkee", "TT3", "onderzoek")
    k2, n2 = raw_counts(demo_env, "kg-2017", "Goeree-Overflakkee", "TT3", "hertoets")
    p1, p2 = k1 / n1, k2 / n2
    (l1, u1), (l2, u2) = wilson(k1, n1), wilson(k2, n2)
    d = p2 - p1
    low = d - math.sqrt((p2 - l2) ** 2 + (u1 - p1) ** 2)
    high = d + math.sqrt((u2 - p2) ** 2 + (p1 - l1) ** 2)
    verdict = "significant" if low > 0 or high < 0 else "niet significant"
    expected = f"{signed(100 * d)} pp (95%-interval {signed(100 * low)} tot {signed(100 * high)}; {verdict})"

    at = open_page("pages/gemeente.py", onderzoek="kg-2017", gemeente="Goeree-Overflakkee", indicator="TT3")
    assert at.title[0].value == "Gemeente"
    shown = at.dataframe[0].value
    assert list(zip(shown["soort"], shown["datum"])) == visits
    text = " ".join(m.value for m in at.markdown)
    assert f"{k1} van {n1}" in text and f"{k2} van {n2}" in text
    assert expected in text, (expected, text)
    changes = at.dataframe[2].value
    tt3 = changes[changes["indicator"] == "TT3"].iloc[0]
    assert (tt3["van"], tt3["naar"], tt3["verandering"]) == (f"{k1} van {n1}", f"{k2} van {n2}", expected)


def test_themas_shows_the_years(demo_env):
    years = [r[0] for r in raw(demo_env, """
        SELECT DISTINCT year(v.visit_date) FROM score s JOIN visit v USING (visit_id) JOIN study st USING (study_id)
        JOIN indicator i ON i.framework_id = st.framework_id AND i.indicator_code = s.indicator_code
        WHERE st.is_demo AND v.kind = 'onderzoek' AND i.level = 'dossier' AND i.yearbook_theme = 'veiligheid'
          AND s.value IN ('ja', 'nee') ORDER BY 1""")]
    assert len(years) >= 2
    at = open_page("pages/themas.py", thema="veiligheid")
    assert at.title[0].value == "Thema's"
    assert at.selectbox(key="thema").value == "veiligheid"
    assert at.dataframe[0].value["jaar"].tolist() == years
    assert f"jaren {', '.join(map(str, years))}" in " ".join(c.value for c in at.caption)


def test_query_parameters_preselect_study_municipality_and_indicator(demo_env):
    at = open_page("pages/gemeente.py", onderzoek="so-2016", gemeente="Emmen", indicator="JB7")
    assert at.dataframe[0].value["onderzoek"].unique().tolist() == ["so-2016"]
    assert at.selectbox(key="gemeente").value == "Emmen"
    assert at.selectbox(key="indicator").value == "JB7"
    k, n = raw_counts(demo_env, "so-2016", "Emmen", "JB7")
    assert f"{k} van {n}" in " ".join(m.value for m in at.markdown)


def test_a_click_on_a_funnel_point_opens_gemeente_for_that_municipality(demo_env):
    at = open_page("pages/vergelijken.py", onderzoek="kg-2017", indicator="TT3")
    click(at, "trechter", ["Nissewaard", "TT3"])
    assert at.title[0].value == "Gemeente"
    assert at.selectbox(key="gemeente").value == "Nissewaard"
    assert "in **kg-2017**" in " ".join(m.value for m in at.markdown)
    assert at.selectbox(key="indicator").value == "TT3"
    assert at.query_params.get("gemeente") in ("Nissewaard", ["Nissewaard"])


def test_a_heatmap_cell_opens_the_dossiers_behind_its_k_van_n(demo_env):
    at = open_page("pages/vergelijken.py", onderzoek="kg-2017")
    click(at, "heatmap", ["Brielle", "IZ4"])
    assert at.title[0].value == "Dossiers"
    assert (at.selectbox(key="gemeente").value, at.selectbox(key="indicator").value) == ("Brielle", "IZ4")
    k, n = raw_counts(demo_env, "kg-2017", "Brielle", "IZ4")
    assert next(m.value for m in at.metric if m.label.startswith("Voldoet")) == f"{k} van {n}"


def test_overzicht_links_each_study_to_vergelijken(demo_env):
    at = AppTest.from_file(APP, default_timeout=90).run()
    at.button(key="vergelijk-so-2016").click().run()
    assert not at.exception
    assert at.title[0].value == "Vergelijken"
    assert set(at.dataframe[0].value["gemeente"]) == {r[0] for r in raw(None, "SELECT DISTINCT municipality_name FROM visit WHERE study_id = 'so-2016' AND kind = 'onderzoek'")}
