"""The real app with streamlit.testing.v1.AppTest: one test per page, asserting content."""

import os
from pathlib import Path

import pytest
from demo_db import REPO, demo_database
from html_tables import whole_tables
from streamlit.testing.v1 import AppTest

from loaders.demo import DEMO_DIR_NAME

APP = str(REPO / "app.py")


@pytest.fixture
def demo_env(tmp_path_factory, monkeypatch):
    monkeypatch.setenv("TOEZICHT_DB", str(demo_database(tmp_path_factory)))
    from pages.common import connection

    connection.clear()  # the cached connection belongs to whichever database the previous test used
    yield
    connection().close()  # release the file lock: the CLI tests open the same demo database
    connection.clear()


def test_overzicht_shows_what_is_loaded_and_labels_demo(demo_env):
    at = AppTest.from_file(APP, default_timeout=60).run()
    assert not at.exception
    assert at.title[0].value == "Overzicht"
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Onderzoeken"] == "4"
    assert int(metrics["Dossiers"].replace(".", "")) > 200
    assert any("Demodata" in i.value for i in at.info)
    studies = at.dataframe[0].value
    assert set(studies["onderzoek"]) == {"kg-2017", "so-2016", "vt-2019", "rigg-2016"}
    weakest = at.dataframe[1].value
    assert len(weakest) == 10 and all(" van " in o for o in weakest["oordeel"])


def test_methode_explains_the_definitions(demo_env):
    at = AppTest.from_file(APP, default_timeout=60).run()
    at.switch_page("pages/methode.py").run()
    assert at.title[0].value == "Methode"
    text = " ".join(m.value for m in at.markdown)
    assert "Wilson" in text and "2 van 14" in text and "benchmark" in text
    assert "Spiegelhalter" in text and "Newcombe" in text


def test_first_start_builds_the_demo_database(tmp_path, monkeypatch):
    db = tmp_path / "nieuw" / "toezicht.duckdb"
    monkeypatch.setenv("TOEZICHT_DB", str(db))
    from pages.common import connection

    connection.clear()
    at = AppTest.from_file(APP, default_timeout=120).run()
    assert not at.exception
    assert db.exists()
    assert {m.label: m.value for m in at.metric}["Onderzoeken"] == "4"
    connection().close()
    connection.clear()


def test_importeren_shows_history_and_offers_templates(demo_env):
    at = AppTest.from_file(APP, default_timeout=60).run()
    at.switch_page("pages/importeren.py").run()
    assert not at.exception
    assert at.title[0].value == "Importeren"
    history = whole_tables(at)[0]  # the messages whole (pages.common.whole_texts)
    # One import per demo workbook the generator wrote next to the database.
    workbooks = list((Path(os.environ["TOEZICHT_DB"]).parent / DEMO_DIR_NAME).glob("*.xlsx"))
    assert len(history) == len(workbooks) > 40 and set(history["status"]) == {"geïmporteerd"}
    assert set(history["bestand"]) == {w.name for w in workbooks}
    template_choice = at.selectbox[1]
    assert [o.split(" — ")[0] for o in template_choice.options] == ["kg-2017", "rigg-2016", "so-2016", "vt-2019"]
    assert [b.label for b in at.get("download_button")] == ["Download importgeschiedenis (CSV)", "Download importgeschiedenis (XLSX)",
                                                            "Download importgeschiedenis (ODS)", "Download sjabloon (.xlsx)"]
