"""The drill-down pages (Dossiers, Bevindingen, Opvolging, Kaders) in the real app under AppTest on the demo database.

Expectations come from the raw tables (score, remark, finding, indicator), not from the functions the pages call.
"""

import logging
import re
import unicodedata
from urllib.parse import parse_qsl, urlsplit

import pytest
import pandas as pd
from demo_db import REPO, demo_database
from html_tables import whole_tables
from streamlit.testing.v1 import AppTest

APP = str(REPO / "app.py")
GO = "Goeree-Overflakkee"


@pytest.fixture
def demo_env(tmp_path_factory, monkeypatch):
    monkeypatch.setenv("TOEZICHT_DB", str(demo_database(tmp_path_factory)))
    from pages.common import connection

    connection.clear()  # the cached connection belongs to whichever database the previous test used
    yield connection().cursor
    connection().close()  # release the file lock: other tests open the same demo database
    connection.clear()


def raw(sql_cursor, sql, params=()):
    return sql_cursor().execute(sql, list(params)).fetchall()


def page(path: str, **params) -> AppTest:
    """`path` opened from a URL with `params`, as a shared link opens in a new browser session."""
    at = AppTest.from_file(APP, default_timeout=90)
    at.query_params.update({k: str(v) for k, v in params.items()})
    at.run()
    at.switch_page(path)
    at.run()
    assert not at.exception, at.exception
    return at


def whole_table(at, key: str, hrefs: bool = False) -> pd.DataFrame:
    """The first whole-text table of the page, every page of it (a long table is shown a page at a time, chosen in
    the selectbox `key`)."""
    pager = [s for s in at.selectbox if s.key == key]
    if not pager:
        return whole_tables(at, hrefs)[0]
    parts = []
    for option in pager[0].options:
        pager[0].set_value(int(option.split("–")[0]) - 1).run()
        parts.append(whole_tables(at, hrefs)[0])
        pager = [s for s in at.selectbox if s.key == key]
    return pd.concat(parts, ignore_index=True)


def texts(at) -> str:
    return "\n".join([m.value for m in at.markdown] + [c.value for c in at.caption])


def unescape(markdown: str) -> str:
    return markdown.replace("\\", "")


def metric(at, label: str) -> str:
    return next(m.value for m in at.metric if m.label.startswith(label))


def test_dossiers_url_lists_the_tt3_nee_dossiers_and_opens_one(demo_env):
    expected = {r[0] for r in raw(demo_env, """
        SELECT s.dossier_id FROM score s JOIN visit v USING (visit_id)
        WHERE v.study_id = 'kg-2017' AND v.municipality_name = ? AND v.kind = 'onderzoek'
          AND s.indicator_code = 'TT3' AND s.value = 'nee'""", [GO])}
    assert len(expected) == 12  # the published "2 van 14"
    at = page("pages/dossiers.py", onderzoek="kg-2017", gemeente=GO, indicator="TT3", uitkomst="nee")
    listed = at.dataframe[0].value
    assert set(listed["dossier"]) == expected and len(listed) == 12
    assert set(listed["TT3"]) == {"nee"}
    assert metric(at, "Voldoet") == "2 van 14"

    # open a dossier that has a remark on TT3 (from the raw remark table)
    with_remark = raw(demo_env, """
        SELECT r.dossier_id, r.text FROM remark r JOIN visit v USING (visit_id)
        WHERE v.study_id = 'kg-2017' AND v.municipality_name = ? AND v.kind = 'onderzoek' AND r.indicator_code = 'TT3'
        ORDER BY r.dossier_id""", [GO])
    dossier, remark = next((d, t) for d, t in with_remark if d in expected)
    assert "toelichting" not in listed.columns  # the grid would cut it off: the remarks are in a whole-text table
    remarks = whole_tables(at)[0]
    assert dict(zip(remarks["dossier"], remarks["toelichting"]))[dossier] == remark
    assert set(remarks["dossier"]) == {d for d, _ in with_remark} & expected
    at.selectbox(key="dossier").select(dossier).run()
    assert not at.exception
    rule = raw(demo_env, "SELECT decision_rule FROM indicator WHERE framework_id = 'kg-2017' AND indicator_code = 'TT3'")[0][0]
    shown = unescape(texts(at))
    assert f"Dossier {dossier}" in shown
    assert remark in shown and rule in shown


class Recorder(logging.Handler):
    def __init__(self):
        super().__init__(level=logging.DEBUG)
        self.lines: list[str] = []

    def emit(self, record):
        self.lines.append(record.getMessage())


def test_dossier_view_writes_nothing_to_the_logs(demo_env, capfd):
    remarks = [r[0] for r in raw(demo_env, "SELECT DISTINCT text FROM remark")]
    recorder = Recorder()
    # Streamlit's loggers do not propagate to the root: listen on every logger that exists, at DEBUG.
    loggers = [logging.getLogger()] + [logging.getLogger(name) for name in list(logging.Logger.manager.loggerDict)]
    saved = [(lg, lg.level) for lg in loggers]
    for lg in loggers:
        lg.addHandler(recorder)
        lg.setLevel(logging.DEBUG)
    try:
        at = page("pages/dossiers.py", onderzoek="kg-2017", gemeente=GO, indicator="TT3", dossier="GO-16-11")
        logging.getLogger("streamlit.proef").debug("proefregel")  # proves the recorder hears Streamlit's loggers
    finally:
        for lg, level in saved:
            lg.removeHandler(recorder)
            lg.setLevel(level)
    shown = unescape(texts(at))
    assert "Dossier GO-16-11" in shown and any(text in shown for text in remarks)
    assert "proefregel" in recorder.lines
    out, err = capfd.readouterr()
    logged = "\n".join(recorder.lines) + out + err
    assert not any(text in logged for text in remarks)
    assert "GO-16-11" not in logged


PUBLISHED = [  # the seed reports' figures, which the demo reproduces
    ("kg-2017", GO, "TT3", 2, 14),
    ("kg-2017", GO, "TT1", 4, 14),
    ("vt-2019", "Nijmegen", "1", 5, 10),
]


@pytest.mark.parametrize("study, municipality, indicator, k, n", PUBLISHED)
def test_dossiers_shows_the_published_figures(demo_env, study, municipality, indicator, k, n):
    at = page("pages/dossiers.py", onderzoek=study, gemeente=municipality, indicator=indicator)
    assert metric(at, "Voldoet") == f"{k} van {n}"
    assert metric(at, "ja") == str(k) and metric(at, "nee") == str(n - k)
    column = at.dataframe[0].value[indicator]
    assert (column == "ja").sum() == k and column.isin(["ja", "nee"]).sum() == n


COUNTS = """
    SELECT v.municipality_name, {group}, count(*) FILTER (s.value = 'ja') AS k, count(*) FILTER (s.value IN ('ja', 'nee')) AS n
    FROM score s JOIN visit v USING (visit_id) JOIN study st USING (study_id)
    JOIN indicator i ON i.framework_id = st.framework_id AND i.indicator_code = s.indicator_code
    WHERE st.is_demo AND v.study_id = 'kg-2017' AND v.kind = ? AND i.level = ?
    GROUP BY ALL HAVING n > 0 ORDER BY {order} LIMIT 1"""
PICKS = {  # which figure, counted straight from the score table: (visit kind, level, group, order)
    "lowest": ("onderzoek", "dossier", "s.indicator_code", "k / n, n DESC, 1, 2"),
    "largest_n": ("onderzoek", "dossier", "s.indicator_code", "n DESC, 1, 2"),
    "hertoets": ("hertoets", "dossier", "s.indicator_code", "n DESC, 1, 2"),
    "visit_level": ("onderzoek", "bezoek", "s.indicator_code", "1, 2"),
    "theme": ("onderzoek", "dossier", "i.theme_code", "1, 2"),
}


@pytest.mark.parametrize("pick", list(PICKS))
def test_a_number_drills_down_to_a_dossiers_view_with_the_same_k_and_n(demo_env, pick):
    kind, level, group, order = PICKS[pick]
    municipality, code, k, n = raw(demo_env, COUNTS.format(group=group, order=order), [kind, level])[0]
    by = {"thema": code} if pick == "theme" else {"indicator": code}
    at = page("pages/dossiers.py", onderzoek="kg-2017", gemeente=municipality, soort=kind, **by)
    assert metric(at, "Voldoet") == f"{k} van {n}"
    listed = at.dataframe[0].value
    if pick == "visit_level":
        assert (listed["score"] == "ja").sum() == k and listed["score"].isin(["ja", "nee"]).sum() == n
        return
    codes = [r[0] for r in raw(demo_env, """SELECT indicator_code FROM indicator WHERE framework_id = 'kg-2017'
                                             AND level = 'dossier' AND (indicator_code = ? OR theme_code = ?)""", [code, code])]
    values = listed[codes].to_numpy().ravel()
    assert (values == "ja").sum() == k and ((values == "ja") | (values == "nee")).sum() == n


def fold(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", text.lower()) if not unicodedata.combining(c))


def test_bevindingen_finds_word_forms_and_other_accents(demo_env):
    findings = [r[0] for r in raw(demo_env, "SELECT f.text FROM finding f JOIN visit v USING (visit_id) JOIN study s USING (study_id) WHERE s.is_demo")]
    # word form: 'veiligheid' inside longer words such as 'veiligheidsvoorwaarden' / 'veiligheidsplan'
    longer = {t for t in findings if any(w.startswith("veiligheid") and w != "veiligheid" for w in fold(t).replace(";", " ").split())}
    assert longer
    at = page("pages/bevindingen.py", zoek="veiligheid")
    found = set(whole_table(at, "bevindingen_pagina")["bevinding"])
    assert longer <= found
    assert found == {t for t in findings if "veiligheid" in fold(t)}
    # different accents: the demo writes 'geëvalueerd'; search without the diaeresis and with a stray accent
    accented = {t for t in findings if "geëvalueerd" in t}
    assert accented
    for query in ("geevalueerd", "GEÉVALUEERD"):
        at = page("pages/bevindingen.py", zoek=query)
        assert set(whole_table(at, "bevindingen_pagina")["bevinding"]) == accented
    at = page("pages/bevindingen.py", zoek="casuistiek")
    assert set(whole_table(at, "bevindingen_pagina")["bevinding"]) == {t for t in findings if "casuïstiek" in t.lower()}


def test_bevindingen_figures_link_to_dossiers_with_the_same_numbers(demo_env):
    at = page("pages/bevindingen.py", onderzoek="kg-2017", gemeente=GO, thema="TT")
    table = whole_table(at, "bevindingen_pagina", hrefs=True)
    assert len(table) > 0 and set(table["thema"]) == {"TT"}
    row = table.iloc[0]
    url = row["k van n"]
    assert url.count("#") == 1 and re.fullmatch(r"\d+ van \d+", url.split("#")[1])
    params = dict(parse_qsl(urlsplit(url).query))
    assert urlsplit(url).path.endswith("dossiers") and params["thema"] == "TT"
    dossiers = page("pages/dossiers.py", **params)
    assert metric(dossiers, "Voldoet") == url.split("#")[1]
    # the figure itself, from the raw score table for that visit and the theme's dossier-level indicators
    k, n = raw(demo_env, """
        SELECT count(*) FILTER (s.value = 'ja'), count(*) FILTER (s.value IN ('ja', 'nee'))
        FROM score s JOIN visit v USING (visit_id) JOIN indicator i ON i.framework_id = 'kg-2017' AND i.indicator_code = s.indicator_code
        WHERE v.study_id = 'kg-2017' AND v.municipality_name = ? AND v.kind = ? AND strftime(v.visit_date, '%d-%m-%Y') = ?
          AND i.theme_code = 'TT' AND i.level = 'dossier'""", [GO, params["soort"], params["datum"]])[0]
    assert url.split("#")[1] == f"{k} van {n}"


def test_opvolging_lists_hertoets_and_overdue(demo_env):
    at = page("pages/opvolging.py", onderzoek="kg-2017", alleen_onderzoek="true")
    visits = raw(demo_env, "SELECT municipality_name, kind FROM visit WHERE study_id = 'kg-2017'")
    retested = {m for m, k in visits if k == "hertoets"}
    first = {m for m, k in visits if k == "onderzoek"}
    tables = [d.value for d in at.dataframe]
    with_retest = next(t for t in tables if "hertoets op" in t.columns)
    assert set(with_retest["gemeente"]) == retested
    without = next(t for t in tables if list(t.columns) == ["onderzoek", "gemeente", "datum"])
    assert set(without["gemeente"]) == first - retested
    status = tables[0]
    counts = raw(demo_env, """SELECT v.municipality_name, count(*) FILTER (r.status = 'open') FROM recommendation r
                              JOIN visit v USING (visit_id) WHERE v.study_id = 'kg-2017' GROUP BY ALL""")
    assert dict(zip(status["gemeente"], status["open"])) == dict(counts)


def test_kaders_shows_the_tt3_decision_rule_and_its_studies(demo_env):
    rule, operationalisation = raw(demo_env, """SELECT decision_rule, operationalisation FROM indicator
                                                WHERE framework_id = 'kg-2017' AND indicator_code = 'TT3'""")[0]
    at = page("pages/kaders.py", kader="kg-2017", indicator="TT3")
    shown = unescape(texts(at))
    assert rule in shown and operationalisation in shown
    assert "IZ1" not in shown  # only the chosen indicator
    assert set(at.dataframe[0].value["onderzoek"]) == {"kg-2017"}
    labels = [b.label for b in at.get("download_button")]
    assert labels == ["Download kader (CSV)", "Download kader (XLSX)", "Download kader (ODS)",
                      "Download leeg scoringssjabloon (.xlsx)"]
    # without an indicator every indicator of the framework is there
    at = page("pages/kaders.py", kader="kg-2017")
    codes = [r[0] for r in raw(demo_env, "SELECT indicator_code FROM indicator WHERE framework_id = 'kg-2017'")]
    expanders = [e.label for e in at.expander]
    assert sorted(e.split(" — ")[0] for e in expanders) == sorted(codes)


def test_kaders_button_opens_the_dossiers_of_its_indicator(demo_env):
    at = page("pages/kaders.py", kader="kg-2017", indicator="TT3")
    at.button(key="naar-kg-2017").click().run()
    assert not at.exception
    script = at.get("html")[-1].proto.body  # the browser follows it (see the browser test); AppTest runs no JavaScript
    url = re.search(r'location.assign\("([^"]+)"\)', script).group(1)
    params = dict(parse_qsl(urlsplit(url).query))
    assert urlsplit(url).path.endswith("dossiers") and params["indicator"] == "TT3" and params["onderzoek"] == "kg-2017"
    at = page("pages/dossiers.py", **params)
    k, n = raw(demo_env, """SELECT count(*) FILTER (value = 'ja'), count(*) FILTER (value IN ('ja', 'nee'))
                            FROM score s JOIN visit v USING (visit_id) JOIN study st USING (study_id)
                            WHERE st.is_demo AND v.study_id = 'kg-2017' AND v.kind = 'onderzoek' AND s.indicator_code = 'TT3'""")[0]
    assert metric(at, "Voldoet") == f"{k} van {n}"


def test_a_team_checklist_shows_its_team_judgements(demo_env):
    """rigg-2016 has no dossiers: Dossiers shows the teams' colour judgements, in the framework's order."""
    at = page("pages/dossiers.py", onderzoek="rigg-2016", gemeente="Groningen")
    rows = raw(demo_env, """SELECT s.value, count(*) FROM score s JOIN visit v USING (visit_id)
                            WHERE v.study_id = 'rigg-2016' AND v.municipality_name = 'Groningen' AND v.kind = 'onderzoek'
                            GROUP BY ALL""")
    table = at.dataframe[0].value
    assert len(table) == sum(n for _, n in rows)
    assert table["score"].value_counts().to_dict() == dict(rows)
    summary = next(m.value for m in at.markdown if "groen" in m.value)
    assert all(f"{colour} {dict(rows).get(colour, 0)}" in summary for colour in ("groen", "oranje", "rood"))
    first_team = table[table["team"] == table["team"].iloc[0]]["indicator"].tolist()
    order = [r[0] for r in raw(demo_env, "SELECT indicator_code FROM indicator WHERE framework_id = 'rigg-2016' ORDER BY position")]
    assert first_team == [c for c in order if c in set(first_team)]
    assert not at.get("button_group")  # no ja/nee outcome filter on a colour scale
