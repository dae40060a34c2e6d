"""A real sign-in: a real OpenID Connect provider (oidc-provider-mock, on localhost), the real server with `[auth]` in
a secrets file of its own (the repository's .streamlit/ is not touched), and headless Chromium signing in as a
beheerder, an inspecteur, a gemeente user for Wijchen and a person without a role (DESIGN §12).

The provider's form takes the subject; it sends the subject as the `email` claim, which st.user.email carries.

Besides the demo (whose visits count as published) the database holds the real study vt-2020 of tests/test_rights.py:
Wijchen's published onderzoek (indicator 1: 2 van 5) and concept hertoets (5 van 5), Nijmegen published (4 van 5),
Beuningen concept (1 van 5); the published benchmark is 6 van 10 = 60,0%. The demo views are opened with the data-source choice in the URL (DEMO)."""

from __future__ import annotations

import shutil
import subprocess
import sys
import time
import urllib.request
from urllib.parse import quote

import duckdb
import pytest
from demo_db import REPO, demo_database
from playwright.sync_api import expect, sync_playwright

from bench.load import free_port, start_server, stop_server
from loaders import set_publication
from loaders.importer import import_file
from loaders.validate import Options
from pages.common import SOURCE_LABELS
from store.database import connect
from test_rights import VISITS, visit_workbook

CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking"]
BEHEERDER, INSPECTEUR, WIJCHEN, ZONDER_ROL = (
    "beheer@inspectie.example", "inspecteur@inspectie.example", "wmo@wijchen.example", "onbekend@elders.example")
STUDY, MUNICIPALITY = "vt-2019", "Nijmegen"
DEMO = "bron=" + quote(SOURCE_LABELS["demo"])  # a bound radio keeps its shown label in the URL


def cli(db, *args: str) -> None:
    done = subprocess.run([sys.executable, "-m", "loaders", *args, "--db", str(db)], cwd=REPO, capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr


@pytest.fixture(scope="module")
def setup(tmp_path_factory):
    folder = tmp_path_factory.mktemp("signin")
    db = folder / "toezicht.duckdb"
    shutil.copy(demo_database(tmp_path_factory), db)
    cli(db, "gebruiker", "toevoegen", BEHEERDER, "--rol", "beheerder")
    cli(db, "gebruiker", "toevoegen", INSPECTEUR, "--rol", "inspecteur")
    cli(db, "gebruiker", "toevoegen", WIJCHEN, "--rol", "gemeente", "--gemeente", "Wijchen")
    con = connect(db)
    for n, (study, municipality, kind, date, scores, published) in enumerate(VISITS):
        import_file(con, visit_workbook(folder / f"bezoek{n}.xlsx", study, municipality, kind, date, scores), options=Options())
        if published:
            set_publication(con, study, "gepubliceerd", "test", municipality=municipality, visit_date=date)
    con.close()
    con = duckdb.connect(str(db), read_only=True)
    dossier = con.execute(
        "SELECT min(d.dossier_id) FROM dossier d JOIN visit v USING (visit_id) WHERE v.study_id = ? AND v.municipality_name = ?",
        [STUDY, MUNICIPALITY]).fetchall()[0][0]
    con.close()

    provider_port = free_port()
    provider_log = (folder / "oidc.log").open("wb")
    provider = subprocess.Popen([sys.executable, "-m", "oidc_provider_mock", "--port", str(provider_port)],
                                stdout=provider_log, stderr=subprocess.STDOUT)
    metadata = f"http://localhost:{provider_port}/.well-known/openid-configuration"
    deadline = time.time() + 60
    while True:
        try:
            urllib.request.urlopen(metadata, timeout=2).read()
            break
        except OSError:
            assert provider.poll() is None and time.time() < deadline, (folder / "oidc.log").read_text()
            time.sleep(0.2)
    secrets = folder / "secrets.toml"
    secrets.write_text(
        "[auth]\n"
        'redirect_uri = "http://localhost:{port}/oauth2callback"\n'
        'cookie_secret = "een-lange-willekeurige-tekst-alleen-voor-deze-test"\n'
        'client_id = "toezicht-dashboard"\n'
        'client_secret = "geheim-van-de-test"\n'
        f'server_metadata_url = "{metadata}"\n',
        encoding="utf-8",
    )
    proc, url = start_server(db, folder / "server.log", ("--secrets.files", str(secrets)))
    yield {"url": url.replace("127.0.0.1", "localhost"), "db": db, "dossier": dossier}
    stop_server(proc)
    provider.terminate()
    provider.wait(timeout=30)
    provider_log.close()


@pytest.fixture(scope="module")
def chromium():
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def context(chromium):
    """A fresh browser (no cookies); requests beyond this machine (the provider page's stylesheet) are refused."""
    context = chromium.new_context(viewport={"width": 1400, "height": 1000})
    context.route("**/*", lambda route: route.continue_() if route.request.url.startswith("http://localhost")
                  else route.abort())
    yield context
    context.close()


def settle(page) -> None:
    page.wait_for_function("() => !document.querySelector('[data-testid=stStatusWidget]')", timeout=60_000)
    page.wait_for_timeout(500)


def sign_in(page, url: str, email: str) -> None:
    page.goto(url)
    page.get_by_role("button", name="Aanmelden").click(timeout=60_000)
    page.locator("input[name=sub]").fill(email, timeout=30_000)
    page.get_by_role("button", name="Authorize").click()
    page.wait_for_url(lambda u: u.startswith(url), timeout=30_000)
    expect(page.get_by_role("button", name="Afmelden")).to_be_visible(timeout=60_000)
    settle(page)


def nav_links(page) -> set[str]:
    """The page titles in the sidebar navigation (page links; each link's text is the icon's name, then the title)."""
    links = page.locator("[data-testid=stSidebar] [data-testid=stPageLink-NavLink]").all_inner_texts()
    return {t.strip().splitlines()[-1].strip() for t in links}


def dossier_url(setup) -> str:
    return f"{setup['url']}/dossiers?{DEMO}&onderzoek={STUDY}&gemeente={MUNICIPALITY}&dossier={setup['dossier']}"


def logged(db, action: str) -> list[tuple[str, str]]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute("SELECT who, what FROM access_log WHERE action = ? ORDER BY access_id", [action]).fetchall()
    finally:
        con.close()


def read_log(db, action: str, deadline: float = 30) -> list[tuple[str, str]]:
    """The server lets go of the database file 1.5 s after its last query; until then the file is locked."""
    end = time.time() + deadline
    while True:
        try:
            return logged(db, action)
        except duckdb.Error:
            assert time.time() < end
            time.sleep(0.5)


def test_before_sign_in_a_deep_link_shows_no_data(setup, context):
    """The first request to a fresh server is a deep link to a dossier: still only the sign-in button."""
    page = context.new_page()
    page.goto(dossier_url(setup))
    expect(page.get_by_role("button", name="Aanmelden")).to_be_visible(timeout=60_000)
    settle(page)
    text = page.locator("body").inner_text()
    assert setup["dossier"] not in text and "Dossier openen" not in text and "Overzicht" not in text
    assert nav_links(page) == set()


def test_beheerder_signs_in_sees_beheer_and_opens_a_dossier(setup, context):
    page = context.new_page()
    sign_in(page, setup["url"], BEHEERDER)
    expect(page.locator("h1").first).to_have_text("Overzicht", timeout=60_000)
    assert {"Overzicht", "Dossiers", "Importeren", "Beheer"} <= nav_links(page)
    assert f"{BEHEERDER} · beheerder" in page.locator("[data-testid=stSidebar]").inner_text()
    page.goto(f"{setup['url']}/beheer")
    expect(page.locator("h1").first).to_have_text("Beheer", timeout=60_000)
    settle(page)
    text = page.locator("[data-testid=stMain]").inner_text()
    assert all(h in text for h in ("Gebruikers en rollen", "Publicatiestatus van bezoeken", "Toegangslog"))
    page.goto(dossier_url(setup))
    expect(page.get_by_text(f"Dossier {setup['dossier']} — {MUNICIPALITY}")).to_be_visible(timeout=60_000)
    settle(page)
    page.get_by_role("button", name="Afmelden").click()
    page.get_by_role("button", name="End session").click(timeout=30_000)  # the provider ends its session too
    expect(page.get_by_role("button", name="Aanmelden")).to_be_visible(timeout=60_000)
    page.goto(f"{setup['url']}/beheer")
    expect(page.get_by_role("button", name="Aanmelden")).to_be_visible(timeout=60_000)
    assert "Gebruikers en rollen" not in page.locator("body").inner_text()


def test_inspecteur_sees_dossiers_and_import_but_not_beheer(setup, context):
    page = context.new_page()
    sign_in(page, setup["url"], INSPECTEUR)
    links = nav_links(page)
    assert {"Dossiers", "Importeren"} <= links and "Beheer" not in links
    page.goto(f"{setup['url']}/beheer")
    settle(page)
    assert "Gebruikers en rollen" not in page.locator("body").inner_text()
    page.goto(dossier_url(setup))
    expect(page.get_by_text(f"Dossier {setup['dossier']} — {MUNICIPALITY}")).to_be_visible(timeout=60_000)
    settle(page)
    with page.expect_download(timeout=60_000) as download:
        page.get_by_role("button", name="Download lijst (CSV)").click()
    assert download.value.suggested_filename == f"dossiers-{STUDY}.csv"
    settle(page)


def test_gemeente_user_has_no_dossiers_import_or_beheer(setup, context):
    page = context.new_page()
    sign_in(page, setup["url"], WIJCHEN)
    links = nav_links(page)
    assert "Overzicht" in links and not {"Dossiers", "Importeren", "Beheer"} & links
    assert f"{WIJCHEN} · gemeente" in page.locator("[data-testid=stSidebar]").inner_text()
    page.goto(dossier_url(setup))
    settle(page)
    text = page.locator("body").inner_text()
    assert f"Dossier {setup['dossier']}" not in text and "Dossier openen" not in text


OTHER_MUNICIPALITIES = ("Nijmegen", "Beuningen", "GM0268", "GM0209")
NOT_PUBLISHED = ("5 van 5", "1 van 5", "46,7")  # Wijchen's concept hertoets; Beuningen's concept visit; the concept benchmark


def chart_data(page) -> str:
    """Every plotly chart's traces as JSON: the hover texts, labels and GeoJSON a chart holds, shown or not."""
    return page.evaluate("() => JSON.stringify([...document.querySelectorAll('.js-plotly-plot')].map(e => e.data))")


def downloaded(page, label: str) -> tuple[str, str]:
    with page.expect_download(timeout=60_000) as download:
        page.get_by_role("button", name=label).click()
    path = download.value.path()
    return download.value.suggested_filename, path.read_text(encoding="utf-8-sig")


def test_gemeente_user_sees_wijchens_published_figure_and_no_other_municipality(setup, context):
    page = context.new_page()
    sign_in(page, setup["url"], WIJCHEN)
    for view, download in ((f"vergelijken?onderzoek=vt-2020&gemeente=Nijmegen", "Download tabel (CSV)"),
                           (f"gemeente?onderzoek=vt-2020&gemeente=Nijmegen", "Download naleving (CSV)")):
        page.goto(f"{setup['url']}/{view}")
        expect(page.locator("[data-testid=stMain]")).to_contain_text("2 van 5", timeout=60_000)
        page.locator("[data-testid=stPlotlyChart]").last.scroll_into_view_if_needed()
        settle(page)
        text = page.locator("body").inner_text()
        charts = chart_data(page)
        assert "60,0%" in text + charts and "Wijchen" in text  # the published benchmark: 6 van 10
        name, content = downloaded(page, download)
        settle(page)
        assert ",2,5," in content  # indicator 1: 2 van 5
        # the links the page offers (the URL typed, ?gemeente=Nijmegen on Vergelijken, is the user's own)
        # (and so are in-page anchors to it, such as "skip to main content")
        own = page.url.split("#")[0]
        hrefs = page.evaluate("() => [...document.querySelectorAll('a[href]')].map(a => a.href)")
        links = " ".join(h for h in hrefs if h.split("#")[0] != own)
        everything = "\n".join([text, charts, links, name, content])
        for forbidden in OTHER_MUNICIPALITIES + NOT_PUBLISHED:
            at = everything.find(forbidden)
            assert at < 0, f"{view}: {forbidden} in …{everything[max(0, at - 150):at + 50]}…"


def test_a_person_without_a_role_sees_geen_toegang_and_nothing_else(setup, context):
    page = context.new_page()
    sign_in(page, setup["url"], ZONDER_ROL)
    expect(page.locator("h1").first).to_have_text("Geen toegang")
    assert nav_links(page) == set()
    main = page.locator("[data-testid=stMain]").inner_text()
    assert "Overzicht" not in main and "Demodata" not in main and "Onderzoek" not in main
    for url in (dossier_url(setup), f"{setup['url']}/beheer", f"{setup['url']}/vergelijken?{DEMO}&onderzoek={STUDY}"):
        page.goto(url)
        expect(page.locator("h1").first).to_have_text("Geen toegang", timeout=60_000)
        settle(page)
        assert setup["dossier"] not in page.locator("body").inner_text()


def test_the_access_log_holds_the_dossier_views_and_the_download(setup):
    """After the sign-in tests: one view each for beheerder and inspecteur (a rerun is no second view), none for
    the others, and the inspecteur's download."""
    opened = f"{STUDY}: dossier {setup['dossier']} ({MUNICIPALITY} "
    views = read_log(setup["db"], "dossier")
    assert [who for who, _ in views] == [BEHEERDER, INSPECTEUR] and all(what.startswith(opened) for _, what in views)
    assert read_log(setup["db"], "download") == [(INSPECTEUR, f"dossiers-{STUDY}.csv"),
                                                  (WIJCHEN, "vergelijken-vt-2020-onderzoek.csv"),
                                                  (WIJCHEN, "gemeente-Wijchen-vt-2020.csv")]
