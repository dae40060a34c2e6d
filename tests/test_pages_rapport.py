"""The Rapport page in the real app (AppTest on the demo database): URL choice, the text, Concept, the document."""

from __future__ import annotations

import io
import zipfile

import pytest
from streamlit.testing.v1 import AppTest

from conftest import REPO
from demo_db import demo_database

APP = str(REPO / "app.py")


@pytest.fixture
def demo_env(tmp_path_factory, monkeypatch):
    db = demo_database(tmp_path_factory)
    monkeypatch.setenv("TOEZICHT_DB", str(db))
    from pages.common import connection

    connection.clear()
    yield db
    connection().close()
    connection.clear()


def open_page(**params) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=120)
    for key, value in params.items():
        at.query_params[key] = value
    at.run()
    at.switch_page("pages/rapport.py").run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def texts(at: AppTest) -> str:
    return " ".join([m.value for m in at.markdown] + [w.value for w in at.warning] + [c.value for c in at.caption])


def test_url_chooses_the_visit_and_the_page_shows_its_sentences(demo_env):
    at = open_page(onderzoek="kg-2017", gemeente="Goeree-Overflakkee", datum="20-04-2017")
    shown = texts(at)
    assert "Gepubliceerd" in shown  # demo visits count as published (DESIGN §12)
    assert "dit is de hertoets na het onderzoek van 11\\-10\\-2016".lower() in shown.lower()
    at = open_page(onderzoek="kg-2017", gemeente="Goeree-Overflakkee")
    shown = texts(at).replace("\\", "")
    assert "In 2 van de 14 onderzochte dossiers waren de veiligheidsrisico's voor de kinderen aantoonbaar en tijdig ingeschat." in shown
    at.button[0].click().run()
    assert not at.exception, [e.value for e in at.exception]
    docx = at.session_state["rapport-docx"][1]
    with zipfile.ZipFile(io.BytesIO(docx)) as zf:
        body = zf.read("word/document.xml").decode()
    assert "In 2 van de 14 onderzochte dossiers" in body


def test_without_municipality_the_summarising_report(demo_env):
    at = open_page(onderzoek="vt-2019")
    assert any("Samenvattend rapport" in h.value for h in at.header)
