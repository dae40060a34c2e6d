"""The benchmark choice in the real app (AppTest on the demo database): `?benchmark=` and `?groep=` preset the widgets,
the page says what it compares with and over how many municipalities, and a click carries the choice to Gemeente.

Expectations come from the raw tables (score, visit, municipality_year) and statsmodels, never from metrics."""

from __future__ import annotations

import json

from statsmodels.stats.proportion import proportion_confint
from test_pages_compare import click, demo_env, open_page, raw  # noqa: F401  (demo_env is a fixture)

GROUP = ["Brielle", "Hellevoetsluis", "Westvoorne"]


def pooled_counts(db, indicator: str, names: list[str] | None = None, province: str | None = None) -> tuple[int, int]:
    """Σ ja and Σ (ja + nee) over kg-2017's demo onderzoek visits, limited to `names` or to a province's municipalities."""
    row = raw(db, """
        SELECT count(*) FILTER (WHERE s.value = 'ja'), count(*) FILTER (WHERE s.value IN ('ja', 'nee'))
        FROM score s JOIN visit v USING (visit_id) JOIN study st USING (study_id)
        JOIN municipality_year m ON m.code = v.municipality_code AND m.year = year(v.visit_date)
        WHERE v.study_id = 'kg-2017' AND v.kind = 'onderzoek' AND st.is_demo AND s.indicator_code = ?
          AND (?::VARCHAR[] IS NULL OR list_contains(?::VARCHAR[], v.municipality_name)) AND (? IS NULL OR m.province = ?)
    """, [indicator, names, names, province, province])[0]
    return int(row[0]), int(row[1])


def province_size(db, province: str) -> int:
    return raw(db, """SELECT count(DISTINCT v.municipality_code) FROM visit v JOIN study st USING (study_id)
                      JOIN municipality_year m ON m.code = v.municipality_code AND m.year = year(v.visit_date)
                      WHERE v.study_id = 'kg-2017' AND v.kind = 'onderzoek' AND st.is_demo AND m.province = ?""", [province])[0][0]


def texts(at, kind: str) -> str:
    return " ".join(e.value for e in at.get(kind))


def subtitles(at) -> str:
    return " ".join(json.loads(c.proto.spec)["layout"]["title"]["text"] for c in at.get("plotly_chart"))


def test_default_benchmark_is_the_whole_study_and_stays_out_of_the_url(demo_env):
    at = open_page("pages/vergelijken.py", onderzoek="kg-2017", indicator="TT3")
    assert at.radio(key="benchmark").value == "onderzoek"
    assert "benchmark" not in at.query_params
    size = raw(demo_env, """SELECT count(DISTINCT municipality_code) FROM visit JOIN study USING (study_id)
                            WHERE study_id = 'kg-2017' AND kind = 'onderzoek' AND is_demo""")[0][0]
    assert f"alle gemeenten van het onderzoek ({size} gemeenten)" in texts(at, "info")


def test_province_from_the_url_sets_the_widget_names_the_province_and_compares_with_it(demo_env):
    at = open_page("pages/vergelijken.py", onderzoek="kg-2017", indicator="TT3", benchmark="provincie")
    assert at.radio(key="benchmark").value == "provincie"
    assert at.query_params.get("benchmark") in ("provincie", ["provincie"])
    size = province_size(demo_env, "Zuid-Holland")
    assert f"provincie Zuid-Holland ({size} gemeenten)" in texts(at, "info")
    assert f"provincie Zuid-Holland ({size} gemeenten)" in subtitles(at)  # staven, trechter and kaart say it
    k, n = pooled_counts(demo_env, "TT3", province="Zuid-Holland")
    table = at.dataframe[0].value
    row = table[(table["gemeente"] == "Goeree-Overflakkee") & (table["indicator"] == "TT3")].iloc[0]
    assert row["benchmark_nl"] == f"{100 * k / n:.1f}%".replace(".", ",")
    assert row["benchmark_gebied"] == "provincie Zuid-Holland" and row["benchmark_gemeenten"] == size
    low, high = proportion_confint(2, 14, alpha=0.002, method="wilson")
    assert row["vergelijking_998"] == ("slechter" if high * 100 < 100 * k / n else "beter" if low * 100 > 100 * k / n else "vergelijkbaar")


def test_a_group_from_the_url_round_trips_and_pools_only_its_municipalities(demo_env):
    at = open_page("pages/vergelijken.py", onderzoek="kg-2017", indicator="TT3", benchmark="groep", groep=GROUP)
    assert at.radio(key="benchmark").value == "groep"
    assert sorted(at.multiselect(key="groep").value) == GROUP
    assert sorted(at.query_params.get("groep")) == GROUP
    assert "eigen vergelijkingsgroep (3 gemeenten)" in texts(at, "info")
    k, n = pooled_counts(demo_env, "TT3", names=GROUP)
    table = at.dataframe[0].value
    assert set(table.loc[table["indicator"] == "TT3", "benchmark_nl"]) == {f"{100 * k / n:.1f}%".replace(".", ",")}


def test_a_group_of_two_gets_a_dutch_message_instead_of_charts(demo_env):
    at = open_page("pages/vergelijken.py", onderzoek="kg-2017", indicator="TT3", benchmark="groep", groep=GROUP[:2])
    warning = texts(at, "warning")
    assert "minstens 3 gemeenten" in warning and "Brielle, Hellevoetsluis" in warning
    assert not at.get("plotly_chart") and not at.dataframe


def test_choosing_a_benchmark_on_the_page_compares_with_it(demo_env):
    # That the choice then stands in the address bar is checked in the browser (test_browser_benchmark.py).
    at = open_page("pages/vergelijken.py", onderzoek="kg-2017", indicator="TT3")
    at.radio(key="benchmark").set_value("provincie").run()
    assert not at.exception
    assert "provincie Zuid-Holland" in texts(at, "info") and "provincie Zuid-Holland" in subtitles(at)


def test_a_click_carries_the_benchmark_to_gemeente_and_its_sentences_name_it(demo_env):
    at = open_page("pages/vergelijken.py", onderzoek="kg-2017", indicator="TT3", benchmark="groep", groep=GROUP)
    click(at, "trechter", ["Goeree-Overflakkee", "TT3"])
    assert at.title[0].value == "Gemeente"
    assert at.radio(key="benchmark").value == "groep" and sorted(at.multiselect(key="groep").value) == GROUP
    k, n = pooled_counts(demo_env, "TT3", names=GROUP)
    sentences = texts(at, "markdown")
    assert f"benchmark {100 * k / n:.1f}%".replace(".", ",") + " (eigen vergelijkingsgroep, 3 gemeenten)" in sentences
