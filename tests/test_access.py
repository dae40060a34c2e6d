"""Access (DESIGN §12) without a browser: `python -m loaders gebruiker|publiceer` on a real database (exit codes,
Dutch messages, access-log rows), the publication status of imported visits, the Viewer's visit clauses counted
against hand-made visits, the migration of a database made before these columns, and the app under AppTest
(Beheer, the local mode, sign-in configured but not signed in, and a server reachable from outside without sign-in)."""

from __future__ import annotations

import datetime as dt

import duckdb
import pytest
from conftest import REPO, make_workbook, run_cli, vt_meta
from demo_db import demo_database
from streamlit.testing.v1 import AppTest

from loaders.importer import import_file
from loaders.validate import Options
from reference.access import ROLES, Viewer
from store.database import SCHEMA_FILE, connect, table_snapshot

APP = str(REPO / "app.py")
STUDY = "vt-2020"  # a real study id of its own on the vt-2019 framework (demo ids are refused for real data)
VT_CODES = [str(i) for i in range(1, 11)]
# The three real visits every test here starts from: (municipality, kind, date, Publicatiedatum in the workbook).
VISITS = [("Nijmegen", "onderzoek", dt.date(2019, 4, 8), dt.date(2019, 9, 2)),
          ("Wijchen", "onderzoek", dt.date(2019, 5, 14), None),
          ("Wijchen", "hertoets", dt.date(2019, 11, 12), None)]


def workbook(path, municipality, kind, date, published_on):
    rows = [["Dossier", *VT_CODES]] + [[f"{municipality[:2].upper()}-{i:02d}", *["ja"] * len(VT_CODES)] for i in range(1, 6)]
    meta = vt_meta(Onderzoek=STUDY, Gemeente=municipality, Datum=dt.datetime.combine(date, dt.time()), Soort=kind)
    if published_on:
        meta["Publicatiedatum"] = dt.datetime.combine(published_on, dt.time())
    return make_workbook(path, meta, rows, [["Indicator", "Score"], ["11", "ja"], ["12", "nee"]])


@pytest.fixture
def real_db(tmp_path, db):
    """The empty test database with the three real visits imported through the loader."""
    for n, visit in enumerate(VISITS):
        import_file(db, workbook(tmp_path / f"bezoek{n}.xlsx", *visit), options=Options())
    db.execute("CHECKPOINT")
    yield tmp_path / "t.duckdb", db


def statuses(con) -> dict[tuple[str, str], tuple[str, dt.date | None]]:
    rows = con.execute("SELECT municipality_name, kind, publication_status, publication_date FROM visit").fetchall()
    return {(m, k): (s, d) for m, k, s, d in rows}


def log_rows(con, action: str) -> list[tuple[str, str]]:
    return con.execute("SELECT who, what FROM access_log WHERE action = ? ORDER BY access_id", [action]).fetchall()


def cli(con, path, *args):
    """Run the command line on the database while the test's own connection lets go of it."""
    con.execute("CHECKPOINT")
    con.close()
    done = run_cli(*args, "--db", path)
    return done, connect(path)


def test_an_imported_visit_is_concept_and_the_import_is_logged(real_db):
    path, con = real_db
    assert statuses(con) == {("Nijmegen", "onderzoek"): ("concept", None), ("Wijchen", "onderzoek"): ("concept", None),
                             ("Wijchen", "hertoets"): ("concept", None)}
    imports = log_rows(con, "import")
    assert len(imports) == 3 and all(who.endswith("(opdrachtregel)") for who, _ in imports)
    assert [what.split(":")[1].strip() for _, what in imports] == [f"bezoek{n}.xlsx (geïmporteerd, 1 bezoek(en))" for n in range(3)]
    assert con.execute("SELECT count(*) FROM v_published_visit").fetchall()[0][0] == 0


def test_publiceer_sets_status_and_date_and_logs_it(real_db):
    path, con = real_db
    done, con = cli(con, path, "publiceer", "--onderzoek", STUDY, "--gemeente", "Wijchen", "--datum", "14-05-2019",
                    "--status", "gepubliceerd", "--publicatiedatum", "01-07-2019")
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == f"{STUDY}, Wijchen, 14-05-2019: 1 bezoek(en) gepubliceerd per 01-07-2019."
    assert statuses(con) == {("Nijmegen", "onderzoek"): ("concept", None),
                             ("Wijchen", "onderzoek"): ("gepubliceerd", dt.date(2019, 7, 1)),
                             ("Wijchen", "hertoets"): ("concept", None)}
    # Without --publicatiedatum: the workbook's Publicatiedatum (Nijmegen's report), else today.
    done, con = cli(con, path, "publiceer", "--onderzoek", STUDY, "--gemeente", "nijmegen", "--status", "gepubliceerd")
    assert done.returncode == 0, done.stderr
    done, con = cli(con, path, "publiceer", "--onderzoek", STUDY, "--datum", "12-11-2019", "--status", "gepubliceerd")
    assert done.returncode == 0, done.stderr
    assert statuses(con)[("Nijmegen", "onderzoek")] == ("gepubliceerd", dt.date(2019, 9, 2))
    assert statuses(con)[("Wijchen", "hertoets")] == ("gepubliceerd", dt.date.today())
    assert con.execute("SELECT published_on FROM visit WHERE municipality_name = 'Wijchen'").fetchall() == [(None,), (None,)]
    # Back to vastgesteld for the whole study: three visits, publication dates cleared.
    done, con = cli(con, path, "publiceer", "--onderzoek", STUDY, "--status", "vastgesteld")
    assert done.returncode == 0 and "3 bezoek(en) vastgesteld" in done.stdout
    assert {s for s, _ in statuses(con).values()} == {"vastgesteld"} and {d for _, d in statuses(con).values()} == {None}
    assert [w for _, w in log_rows(con, "publicatie")] == [
        f"{STUDY}, Wijchen, 14-05-2019: 1 bezoek(en) gepubliceerd per 01-07-2019", f"{STUDY}, nijmegen: 1 bezoek(en) gepubliceerd",
        f"{STUDY}, 12-11-2019: 1 bezoek(en) gepubliceerd", f"{STUDY}: 3 bezoek(en) vastgesteld"]
    assert {who for who, _ in log_rows(con, "publicatie")} == {"lokaal (opdrachtregel)"}
    con.close()


@pytest.mark.parametrize("args, code, message", [
    (["--onderzoek", "xx-1999", "--status", "gepubliceerd"], 1, "onderzoek 'xx-1999' bestaat niet in de database"),
    (["--onderzoek", STUDY, "--gemeente", "Ede", "--status", "gepubliceerd"], 1, f"geen bezoeken gevonden voor {STUDY}, Ede"),
    (["--onderzoek", STUDY, "--status", "concept", "--publicatiedatum", "01-07-2019"], 1,
     "een publicatiedatum hoort alleen bij status gepubliceerd"),
    (["--onderzoek", STUDY, "--status", "openbaar"], 2, "onbekende status 'openbaar'; kies uit: concept, vastgesteld, gepubliceerd"),
    (["--onderzoek", STUDY, "--datum", "31-02-2019", "--status", "concept"], 2, "--datum '31-02-2019' is geen datum"),
])
def test_publiceer_refusals_are_dutch_and_change_nothing(real_db, args, code, message):
    path, con = real_db
    before = table_snapshot(con)
    done, con = cli(con, path, "publiceer", *args)
    assert done.returncode == code and message in done.stderr and "Traceback" not in done.stderr
    assert table_snapshot(con) == before
    con.close()


def test_gebruiker_adds_changes_lists_and_removes_users_with_log_rows(db_path):
    def run(*args):
        return run_cli("gebruiker", *args, "--db", db_path)

    assert run("lijst").stdout.startswith("Nog geen gebruikers. Voeg de eerste beheerder toe")
    done = run("toevoegen", "Anna.Beheer@Inspectie.example", "--rol", "beheerder")
    assert (done.returncode, done.stdout) == (0, "anna.beheer@inspectie.example toegevoegd: rol beheerder.\n")
    done = run("toevoegen", "wmo@gemeente.example", "--rol", "gemeente", "--gemeente", "Wijchen", "Den Bosch")
    assert done.stdout == "wmo@gemeente.example toegevoegd: rol gemeente (Wijchen, 's-Hertogenbosch).\n"
    done = run("toevoegen", "wmo@gemeente.example", "--rol", "lezer")
    assert done.stdout == "wmo@gemeente.example gewijzigd: rol lezer.\n"
    done = run("lijst")
    assert done.stdout.splitlines() == ["anna.beheer@inspectie.example\tbeheerder", "wmo@gemeente.example\tlezer"]
    refusals = [
        (run("toevoegen", "x@y.example", "--rol", "baas"), 2, "onbekende rol 'baas'"),
        (run("toevoegen", "x@y.example"), 2, "gebruiker toevoegen vraagt om --rol"),
        (run("toevoegen", "geen-adres", "--rol", "lezer"), 1, "'geen-adres' is geen e-mailadres"),
        (run("toevoegen", "x@y.example", "--rol", "gemeente"), 1, "rol gemeente vraagt om minstens één gemeente"),
        (run("toevoegen", "x@y.example", "--rol", "lezer", "--gemeente", "Ede"), 1, "alleen de rol gemeente heeft gemeenten"),
        (run("toevoegen", "x@y.example", "--rol", "gemeente", "--gemeente", "Atlantis"), 1, "onbekende gemeente(n): 'Atlantis'"),
        (run("verwijderen", "niemand@y.example"), 1, "gebruiker niemand@y.example bestaat niet"),
        (run("verwijderen"), 2, "gebruiker verwijderen vraagt om een e-mailadres"),
        (run("verwijderen", "anna.beheer@inspectie.example"), 1, "anna.beheer@inspectie.example is de laatste beheerder"),
        (run("toevoegen", "anna.beheer@inspectie.example", "--rol", "lezer"), 1, "is de laatste beheerder"),
    ]
    for done, code, message in refusals:
        assert done.returncode == code and message in done.stderr and "Traceback" not in done.stderr, done.stderr
    assert run("verwijderen", "WMO@gemeente.example").stdout == "wmo@gemeente.example verwijderd.\n"
    con = duckdb.connect(str(db_path), read_only=True)
    assert con.execute("SELECT email, role FROM app_user").fetchall() == [("anna.beheer@inspectie.example", "beheerder")]
    assert log_rows(con, "gebruiker") == [
        ("lokaal (opdrachtregel)", "anna.beheer@inspectie.example toegevoegd: rol beheerder"),
        ("lokaal (opdrachtregel)", "wmo@gemeente.example toegevoegd: rol gemeente (Wijchen, 's-Hertogenbosch)"),
        ("lokaal (opdrachtregel)", "wmo@gemeente.example gewijzigd: rol lezer"),
        ("lokaal (opdrachtregel)", "wmo@gemeente.example verwijderd")]
    con.close()


def visible(con, viewer: Viewer, pooled: bool = False) -> set[tuple[str, str]]:
    clauses = viewer.visit_clauses("vv", pooled=pooled)
    where = " AND ".join(["true", *(sql for _, sql, _ in clauses)])
    params = [p for _, _, ps in clauses for p in ps]
    return set(con.execute(f"SELECT municipality_name, kind FROM v_visit vv WHERE {where}", params).fetchall())


def test_viewer_clauses_limit_visits_by_status_and_municipality(real_db):
    path, con = real_db
    all_three = {("Nijmegen", "onderzoek"), ("Wijchen", "onderzoek"), ("Wijchen", "hertoets")}
    wijchen = Viewer("wmo@wijchen.example", "gemeente", ("GM0296",))
    for role in ("beheerder", "inspecteur", "programmaleider"):
        assert visible(con, Viewer("x@y.example", role)) == all_three
    assert visible(con, Viewer("x@y.example", "lezer")) == set()  # all concept
    assert visible(con, wijchen) == set() and visible(con, wijchen, pooled=True) == set()
    done, con = cli(con, path, "publiceer", "--onderzoek", STUDY, "--gemeente", "Nijmegen", "--status", "gepubliceerd")
    done, con = cli(con, path, "publiceer", "--onderzoek", STUDY, "--datum", "14-05-2019", "--status", "gepubliceerd")
    assert visible(con, Viewer("x@y.example", "lezer")) == {("Nijmegen", "onderzoek"), ("Wijchen", "onderzoek")}
    assert visible(con, wijchen) == {("Wijchen", "onderzoek")}
    assert visible(con, wijchen, pooled=True) == {("Nijmegen", "onderzoek"), ("Wijchen", "onderzoek")}
    assert visible(con, Viewer("x@y.example", "gemeente", ())) == set()  # no municipalities: nothing, never all
    con.close()


def test_roles_as_designed():
    """DESIGN §12, read as a table: who sees concept visits, dossiers and remarks, who imports, publishes, manages."""
    table = {role: (r.sees_concept, r.all_municipalities, r.sees_dossiers, r.sees_remarks, r.may_import, r.may_publish,
                    r.may_manage_users) for role, r in ROLES.items()}
    assert table == {"beheerder": (True, True, True, True, True, True, True),
                     "inspecteur": (True, True, True, True, True, False, False),
                     "programmaleider": (True, True, True, True, False, False, False),
                     "lezer": (False, True, False, False, False, False, False),
                     "gemeente": (False, False, False, False, False, False, False)}
    with pytest.raises(ValueError):
        Viewer("x@y.example", "baas")


def test_a_database_made_before_access_gets_the_columns_and_tables(tmp_path):
    old_schema = SCHEMA_FILE.read_text(encoding="utf-8").split("-- Access (DESIGN §12)")[0]
    path = tmp_path / "oud.duckdb"
    con = duckdb.connect(str(path))
    con.execute(old_schema)
    con.execute("INSERT INTO study VALUES ('echt-1', 'vt-2019', 'echt', false, now()), ('demo-1', 'vt-2019', 'demo', true, now())")
    con.execute("INSERT INTO visit (visit_id, study_id, municipality_code, municipality_name, kind, visit_date, import_id) "
                "VALUES (1, 'echt-1', 'GM0268', 'Nijmegen', 'onderzoek', DATE '2019-04-08', 1), "
                "(2, 'demo-1', 'GM0296', 'Wijchen', 'onderzoek', DATE '2019-05-14', 1)")
    con.close()
    con = connect(path)
    assert con.execute("SELECT visit_id, publication_status, publication_date FROM visit ORDER BY 1").fetchall() == [
        (1, "concept", None), (2, "concept", None)]
    assert con.execute("SELECT visit_id FROM v_published_visit").fetchall() == [(2,)]  # demo counts as published
    assert con.execute("SELECT count(*) FROM app_user").fetchall() == [(0,)]
    assert con.execute("SELECT count(*) FROM access_log").fetchall() == [(0,)]
    con.close()


# --- The app (AppTest) ----------------------------------------------------------------------------------------

@pytest.fixture
def app_db(tmp_path, tmp_path_factory, monkeypatch):
    import shutil

    path = tmp_path / "toezicht.duckdb"
    shutil.copy(demo_database(tmp_path_factory), path)
    monkeypatch.setenv("TOEZICHT_DB", str(path))
    from pages.common import connection

    connection.clear()
    yield path
    connection().close()
    connection.clear()


def test_local_mode_says_so_and_shows_beheer(app_db):
    at = AppTest.from_file(APP, default_timeout=60).run()
    assert not at.exception
    assert at.title[0].value == "Overzicht"
    assert "**lokaal, zonder aanmelding**" in at.sidebar.markdown[0].value


def test_beheer_adds_a_user_publishes_and_shows_the_log(app_db, tmp_path):
    con = connect(app_db)
    import_file(con, workbook(tmp_path / "w.xlsx", *VISITS[1]), options=Options())
    con.close()
    at = AppTest.from_file(APP, default_timeout=60).run()
    at.switch_page("pages/beheer.py").run()
    assert not at.exception
    assert [h.value for h in at.header] == ["Gebruikers en rollen", "Publicatiestatus van bezoeken", "Toegangslog"]
    assert at.dataframe[0].value.empty  # no users yet
    at.text_input(key="beheer_email").input("WMO@Wijchen.example")
    at.selectbox(key="beheer_rol").select("gemeente")
    at.multiselect(key="beheer_gemeenten").select("Wijchen")
    next(b for b in at.button if b.label == "Gebruiker opslaan").click().run()
    assert not at.exception
    assert at.success[0].value == "wmo@wijchen.example toegevoegd: rol gemeente (Wijchen)."
    users = at.dataframe[0].value
    assert users[["email", "rol", "gemeenten", "door"]].values.tolist() == [
        ["wmo@wijchen.example", "gemeente", "Wijchen", "lokaal, zonder aanmelding (app)"]]
    # The one real visit: publish it with a date.
    at.selectbox(key="beheer_status").select("gepubliceerd")
    at.text_input(key="beheer_publicatiedatum").input("01-07-2019")
    next(b for b in at.button if b.label == "Status zetten").click().run()
    assert at.success[0].value == f"{STUDY}: 1 bezoek(en) gepubliceerd per 01-07-2019."
    visits = at.dataframe[1].value
    assert visits[["gemeente", "status", "gepubliceerd_op"]].values.tolist() == [["Wijchen", "gepubliceerd", "01-07-2019"]]
    log = at.dataframe[2].value
    assert log["handeling"].tolist()[:3] == ["publicatie", "gebruiker", "import"]
    assert log["wie"].tolist()[:2] == ["lokaal, zonder aanmelding (app)"] * 2
    assert [b.label for b in at.get("download_button")] == ["Download toegangslog (CSV)", "Download toegangslog (XLSX)",
                                                            "Download toegangslog (ODS)"]


def test_with_sign_in_configured_nothing_shows_before_signing_in(app_db):
    at = AppTest.from_file(APP, default_timeout=60)
    at.secrets["auth"] = {"redirect_uri": "http://localhost:8501/oauth2callback", "cookie_secret": "x" * 32,
                          "client_id": "a", "client_secret": "b",
                          "server_metadata_url": "http://localhost:9/.well-known/openid-configuration"}
    at.run()
    assert not at.exception
    assert [b.label for b in at.button] == ["Aanmelden"]
    assert len(at.dataframe) == 0 and len(at.metric) == 0 and len(at.selectbox) == 0 and len(at.sidebar) == 0
    at.switch_page("pages/beheer.py").run()  # a page run on its own decides by the viewer too
    assert [t.value for t in at.title] == ["Geen toegang"] and len(at.dataframe) == 0


def test_reachable_from_other_machines_without_sign_in_shows_no_data(app_db):
    from streamlit import config

    at = AppTest.from_file(APP, default_timeout=60)
    config.set_option("server.address", "0.0.0.0")
    try:
        at.run()
    finally:
        config.set_option("server.address", "127.0.0.1")
    assert not at.exception
    assert at.error[0].value == "Aanmelden is niet ingesteld: er worden geen gegevens getoond."
    assert "[auth]" in at.markdown[0].value and "gebruiker toevoegen" in at.markdown[0].value
    assert len(at.dataframe) == 0 and len(at.metric) == 0 and len(at.sidebar) == 0


@pytest.mark.parametrize("address, headers, allowed", [
    ("127.0.0.1", {"Host": "127.0.0.1:8501"}, True),
    ("localhost", {"Host": "localhost:8501"}, True),
    ("::1", {"Host": "[::1]:8501"}, True),
    ("127.0.0.1", {}, True),  # AppTest sends no headers
    ("", {"Host": "127.0.0.1:8501"}, False),  # every interface
    (None, {"Host": "127.0.0.1:8501"}, False),
    ("0.0.0.0", {"Host": "127.0.0.1:8501"}, False),
    ("192.168.1.20", {"Host": "192.168.1.20:8501"}, False),
    ("127.0.0.1", {"Host": "dashboard.example.nl"}, False),  # a reverse proxy passing the public name on
    ("127.0.0.1", {"Host": "127.0.0.1:8501", "X-Forwarded-For": "10.0.0.7"}, False),  # a proxy rewriting Host
    ("127.0.0.1", {"Host": "127.0.0.1:8501", "Forwarded": "for=10.0.0.7"}, False),
])
def test_local_use_without_sign_in_only_from_this_machine(address, headers, allowed):
    from pages.auth import local_use_only

    assert local_use_only(address, headers) is allowed
