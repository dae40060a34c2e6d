"""What Vergelijken sends to the browser at national scale (DESIGN §11: at most 600 KB a page), on a database of
342 municipalities × 50 indicators × 10 studies generated here by bench/run.py. A size bound, not a timing test.

The reader keeps what the charts show: every municipality for the chosen indicator in the table, and the heatmap's
cells; the rest is in the download (served as a file, not in the page message)."""

from __future__ import annotations

import sys

import duckdb
import pytest
from demo_db import REPO
from streamlit.testing.v1 import AppTest

APP = str(REPO / "app.py")
LIMIT_KB = 600
STUDY = "bench-3"


@pytest.fixture(scope="module")
def national_db(tmp_path_factory):
    if str(REPO) not in sys.path:
        sys.path.insert(0, str(REPO))
    from bench.run import generate

    path = tmp_path_factory.mktemp("national") / "bench.duckdb"
    generate(path)
    return path


@pytest.fixture
def national_env(national_db, monkeypatch):
    monkeypatch.setenv("TOEZICHT_DB", str(national_db))
    from pages.common import connection

    connection.clear()
    yield national_db
    connection().close()
    connection.clear()


def message_kb(at: AppTest) -> float:
    """The size of every element the run sent (their protobuf messages), as bench/run.py measures a page."""
    return sum(node.proto.ByteSize() for node in at._tree if getattr(node, "proto", None) is not None
               and hasattr(node.proto, "ByteSize")) / 1024


def open_vergelijken(**params) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=180)
    for key, value in {"onderzoek": STUDY, **params}.items():
        at.query_params[key] = value
    at.run()
    at.switch_page("pages/vergelijken.py").run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def raw(db, sql: str, params=()) -> list[tuple]:
    from pages.common import connection

    return connection().cursor().execute(sql, list(params)).fetchall()


@pytest.mark.parametrize("indicator", [None, "B03", "B47"])
def test_vergelijken_sends_at_most_600_kb_at_national_scale_and_keeps_every_municipality_of_the_indicator(national_env, indicator):
    at = open_vergelijken(**({"indicator": indicator} if indicator else {}))
    shown = at.selectbox(key="indicator").value
    size = message_kb(at)
    assert size <= LIMIT_KB, f"Vergelijken ({shown}) sends {size:.0f} KB"
    municipalities, cells = raw(national_env, """
        SELECT count(DISTINCT v.municipality_code) FILTER (WHERE c.indicator_code = ?), count(DISTINCT (v.municipality_code, c.indicator_code))
        FROM visit_indicator_count c JOIN visit v USING (visit_id) WHERE v.study_id = ? AND v.kind = 'onderzoek'""", [shown, STUDY])[0]
    assert (municipalities, cells) == (342, 342 * 50)  # the national scale the bound is about
    table = at.dataframe[0].value
    assert table.loc[table["indicator"] == shown, "gemeente"].nunique() == municipalities
    assert len(table) < cells  # not the 17,000 rows: those are in the download
    assert [b.label for b in at.get("download_button")][:2] == ["Download tabel (CSV)", "Download tabel (XLSX)"]
