"""pages.common.cached: a page's metrics calls are run once per argument set and reused by later reruns and sessions
(national-scale queries take seconds), and cleared when the data change."""


import pytest
from demo_db import REPO, demo_database
from streamlit.testing.v1 import AppTest

import metrics

APP = str(REPO / "app.py")


@pytest.fixture
def demo_env(tmp_path_factory, monkeypatch):
    monkeypatch.setenv("TOEZICHT_DB", str(demo_database(tmp_path_factory)))
    from pages.common import connection

    connection.clear()
    import streamlit as st

    st.cache_data.clear()
    yield
    connection().close()
    connection.clear()


@pytest.fixture
def calls(monkeypatch):
    """Counts the real metrics calls the pages make (the real function runs on the real database)."""
    counted = {}
    for name in ("outcome_counts", "dossier_list"):
        real = getattr(metrics, name)

        def counting(*args, _real=real, _name=name, **kwargs):
            counted[_name] = counted.get(_name, 0) + 1
            return _real(*args, **kwargs)

        monkeypatch.setattr(metrics, name, counting)
    return counted


def open_dossiers(**params) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=90)
    at.query_params.update(params)
    at.run()
    at.switch_page("pages/dossiers.py").run()
    assert not at.exception
    return at


def test_a_rerun_and_a_second_session_reuse_the_cached_result(demo_env, calls):
    first = open_dossiers(onderzoek="kg-2017", gemeente="Goeree-Overflakkee", indicator="TT3")
    assert calls == {"outcome_counts": 1, "dossier_list": 1}
    first.run()
    open_dossiers(onderzoek="kg-2017", gemeente="Goeree-Overflakkee", indicator="TT3")
    assert calls == {"outcome_counts": 1, "dossier_list": 1}
    other = open_dossiers(onderzoek="kg-2017", gemeente="Goeree-Overflakkee", indicator="TT1")
    assert calls == {"outcome_counts": 2, "dossier_list": 2}
    assert next(m.value for m in other.metric if m.label.startswith("Voldoet")) == "4 van 14"


def test_changed_data_are_counted_again(demo_env, calls):
    from pages.common import _seen_version

    open_dossiers(onderzoek="kg-2017", gemeente="Goeree-Overflakkee", indicator="TT3")
    assert calls["outcome_counts"] == 1
    _seen_version()["version"] = "an import from the command line happened since"
    open_dossiers(onderzoek="kg-2017", gemeente="Goeree-Overflakkee", indicator="TT3")
    assert calls["outcome_counts"] == 2


AUTH = {"redirect_uri": "http://localhost:8501/oauth2callback", "cookie_secret": "x" * 32, "client_id": "a",
        "client_secret": "b", "server_metadata_url": "http://127.0.0.1:9/.well-known/openid-configuration"}


@pytest.fixture
def signed_in_env(tmp_path, tmp_path_factory, monkeypatch):
    """A copy of the demo database with two inspecteurs and a lezer, the app reading it with sign-in configured."""
    import shutil

    from loaders import set_user
    from store.database import connect

    path = tmp_path / "toezicht.duckdb"
    shutil.copy(demo_database(tmp_path_factory), path)
    con = connect(path)
    for email, role in (("een@ivenj.example", "inspecteur"), ("twee@ivenj.example", "inspecteur"),
                        ("lezer@ivenj.example", "lezer")):
        set_user(con, email, role, None, "test")
    con.execute("CHECKPOINT")
    con.close()
    monkeypatch.setenv("TOEZICHT_DB", str(path))
    from pages.common import connection

    connection.clear()
    import streamlit as st

    st.cache_data.clear()
    yield
    connection().close()
    connection.clear()


def open_signed_in(email: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=90)
    at.secrets["auth"] = AUTH
    at.user = {"is_logged_in": True, "email": email}
    at.query_params.update(onderzoek="kg-2017", gemeente="Goeree-Overflakkee", indicator="TT3")
    at.run()
    at.switch_page("pages/dossiers.py").run()
    assert not at.exception
    return at


def test_two_people_with_the_same_rights_share_a_cached_result(signed_in_env, calls):
    open_signed_in("een@ivenj.example")
    assert calls["outcome_counts"] == 1
    second = open_signed_in("twee@ivenj.example")  # another person, the same role: computed once for both
    assert calls["outcome_counts"] == 1
    assert next(m.value for m in second.metric if m.label.startswith("Voldoet")) == "2 van 14"
