"""Text is text (DESIGN §6): a corpus of markup payloads imported through a workbook — as findings, recommendations,
dossier remarks and a visit-level remark — and shown on every page that shows such text, under AppTest (the text
arrives escaped in markdown, or as a plain table cell) and in the real browser (the literal text is visible, no
request leaves the server, no dialog opens, no link or image points anywhere)."""

from __future__ import annotations

import datetime as dt
import html
import re
import shutil
from urllib.parse import unquote

import pytest
from conftest import REPO, make_workbook, vt_meta
from playwright.sync_api import sync_playwright
from streamlit.testing.v1 import AppTest

from bench.load import start_server, stop_server
from loaders.importer import import_file
from loaders.validate import Options
from store.database import connect

APP = str(REPO / "app.py")
CODES = [str(i) for i in range(1, 11)]
LONG = "lange-regel-" + "x" * 2400 + "-einde"
PAYLOADS = [
    "![pixel](http://evil.example/p.png)",
    "[klik hier](http://evil.example/verborgen)",
    "[onschuldig](javascript:alert(1))",
    "<img src=http://evil.example/i.png onerror=alert(2)>",
    "<script>alert(3)</script>",
    r"$\href{http://evil.example/k}{katex}$",
    ":red[rood] :smile: :material/home:",
    "<a href=\"http://evil.example/a\">html-link</a>",
    LONG,
]
STUDY, DOSSIER, DATE = "vt-2020", "WI-01", dt.date(2019, 5, 14)


def corpus_workbook(path):
    rows = [["Dossier", *CODES]] + [[f"WI-{i:02d}", *["ja"] * 10] for i in range(1, 6)]
    meta = vt_meta(Onderzoek=STUDY, Gemeente="Wijchen", Datum=dt.datetime.combine(DATE, dt.time()))
    sheets = {
        "Toelichting": [["Dossier", "Indicator", "Toelichting"]] + [[DOSSIER, str(i + 1), p] for i, p in enumerate(PAYLOADS)],
        "Bevindingen": [["Thema", "Indicator", "Soort", "Tekst"]] + [["HV", None, "zorgpunt", p] for p in PAYLOADS],
        "Aanbevelingen": [["Nr", "Tekst", "Status"]] + [[i + 1, p, "open"] for i, p in enumerate(PAYLOADS)],
    }
    netwerk = [["Indicator", "Score", "Toelichting"], ["11", "ja", PAYLOADS[0]], ["12", "nee", PAYLOADS[3]]]
    return make_workbook(path, meta, rows, netwerk, sheets)


@pytest.fixture(scope="module")
def corpus_db(tmp_path_factory):
    folder = tmp_path_factory.mktemp("corpus")
    path = folder / "toezicht.duckdb"
    con = connect(path)
    result = import_file(con, corpus_workbook(folder / "corpus.xlsx"), options=Options())
    assert (result.findings, result.recommendations) == (len(PAYLOADS), len(PAYLOADS))
    con.execute("CHECKPOINT")
    con.close()
    return path


def test_the_payloads_are_stored_as_typed(corpus_db):
    con = connect(corpus_db, read_only=True)
    try:
        assert sorted(r[0] for r in con.execute("SELECT text FROM finding").fetchall()) == sorted(PAYLOADS)
        assert sorted(r[0] for r in con.execute("SELECT text FROM recommendation").fetchall()) == sorted(PAYLOADS)
        assert sorted(r[0] for r in con.execute("SELECT text FROM remark WHERE dossier_id = ?", [DOSSIER]).fetchall()) == sorted(PAYLOADS)
    finally:
        con.close()


# --- AppTest: per page, the payload arrives as literal text -------------------------------------------------------

# page, URL, which payloads it shows (all: findings / recommendations / remarks)
PAGES = [
    ("bevindingen", {}),
    ("gemeente", {"gemeente": "Wijchen"}),
    ("opvolging", {}),
    ("jaarbeeld", {"jaar": "2019"}),
    ("dossiers", {"gemeente": "Wijchen", "dossier": DOSSIER, "datum": "14-05-2019"}),
]
MARKDOWN_KINDS = ("markdown", "caption", "info", "warning", "error", "success", "title", "header", "subheader")


@pytest.fixture(scope="module")
def app_db(corpus_db, tmp_path_factory):
    path = tmp_path_factory.mktemp("corpus-app") / "toezicht.duckdb"
    shutil.copy(corpus_db, path)
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("TOEZICHT_DB", str(path))
        import streamlit as st

        from pages.common import connection

        connection.clear()
        st.cache_data.clear()  # results cached for another test's database must not answer for this one
        yield path
        connection().close()
        connection.clear()


def unescaped(markdown: str) -> str:
    """What a reader sees of escaped markdown: backslash escapes resolved, hard line breaks as newlines."""
    return re.sub(r"\\(.)", r"\1", markdown).replace("  \n", "\n")


@pytest.mark.parametrize("page, params", PAGES, ids=[p for p, _ in PAGES])
def test_every_payload_appears_literally_under_apptest(app_db, page, params):
    at = AppTest.from_file(APP, default_timeout=90)
    for key, value in {"onderzoek": STUDY, **params}.items():
        at.query_params[key] = value
    at.run()
    at.switch_page(str(REPO / "pages" / f"{page}.py")).run()
    assert not at.exception
    markdown = [e.value for kind in MARKDOWN_KINDS for e in getattr(at, kind)]
    cells = [str(v) for df in at.dataframe for v in df.value.to_numpy().ravel().tolist()]
    # st.table renders its cells as markdown (the whole-text tables of findings): they count as markdown here
    markdown += [str(v) for t in at.table for v in t.value.to_numpy().ravel().tolist()]
    # the whole-text tables are HTML-escaped text (st.html): literal once the entities are read
    cells += [html.unescape(e.proto.body) for e in at.get("html")]
    for payload in PAYLOADS:
        # shown: a data-grid cell holds it as is, or markdown shows it once its escapes are read
        assert any(payload in c for c in cells) or any(payload in unescaped(m) for m in markdown), f"{page}: {payload[:40]} ontbreekt"
        if payload is not LONG:  # never handed to markdown unescaped
            assert not any(payload in m for m in markdown), f"{page}: {payload[:40]} als markdown"


# --- the real browser ---------------------------------------------------------------------------------------------

# Pages that show the findings or recommendations in whole-text tables (pages.common.whole_texts).
WHOLE_TABLES = ("bevindingen", "gemeente", "opvolging")

CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking"]


@pytest.fixture(scope="module")
def served(corpus_db, tmp_path_factory):
    folder = tmp_path_factory.mktemp("corpus-server")
    db = folder / "toezicht.duckdb"
    shutil.copy(corpus_db, db)
    proc, url = start_server(db, folder / "server.log")
    yield url
    stop_server(proc)


def test_the_browser_shows_the_corpus_as_text_and_requests_nothing_outside(served):
    outside, dialogs = [], []

    def guard(route):
        if route.request.url.startswith(served):
            route.continue_()
        else:
            outside.append(route.request.url)
            route.abort()

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        context = browser.new_context(viewport={"width": 1400, "height": 1000})
        context.route("**/*", guard)
        page = context.new_page()
        page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
        try:
            for name, params in PAGES:
                query = "&".join(f"{k}={v}" for k, v in {"onderzoek": STUDY, **params}.items())
                page.goto(f"{served}/{name}?{query}")
                page.wait_for_selector("h1", timeout=90_000)
                page.wait_for_function("() => !document.querySelector('[data-testid=stStatusWidget]')", timeout=90_000)
                if name == "dossiers":  # the long dossier view arrives in parts: its download buttons come last
                    page.get_by_role("button", name="Download dossier (CSV)").wait_for(timeout=90_000)
                page.wait_for_timeout(1000)
                # textContent: also the cells of a table (drawn on a canvas; the cells in view are kept in the DOM)
                text = page.locator("[data-testid=stMain]").text_content()
                for table in page.locator("[data-testid=stDataFrame]").all():
                    table.evaluate("e => e.scrollIntoView()")
                    page.wait_for_timeout(300)
                    text += table.text_content()
                shown = [p for p in PAYLOADS if p in text]
                assert shown, f"{name}: geen enkele payload letterlijk zichtbaar"
                if name in ("bevindingen", "jaarbeeld", "dossiers"):  # markdown pages: every payload as typed
                    assert shown == PAYLOADS, f"{name}: ontbreekt {[p[:30] for p in PAYLOADS if p not in shown]}"
                # The whole-text tables (findings, recommendations): every payload is one cell's whole text, as typed.
                cells = page.locator("[data-testid=stMain] table.hele-teksten td").all_text_contents()
                if name in WHOLE_TABLES:
                    missing = [p[:30] for p in PAYLOADS if p not in cells]
                    assert not missing, f"{name}: niet heel in een tabelcel: {missing}"
                # A plain URL in the text may become a link (the markdown renderer links bare URLs), but only one whose
                # visible text is its target: nothing hidden behind other words, and never javascript:.
                links = page.evaluate("""() => [...document.querySelectorAll('[data-testid=stMain] a[href]')]
                    .map(a => [a.getAttribute('href'), a.textContent])""")
                outward = [(href, shown_as) for href, shown_as in links if not href.startswith(("#", "/", "./", served))
                           and not href.startswith(("?", "dossiers", "gemeente", "vergelijken"))]
                assert all(unquote(href) == shown_as and href.startswith("http") for href, shown_as in outward), outward
                assert not any(href.lower().startswith("javascript") for href, _ in links)
                hidden = page.evaluate("""() => [
                    ...[...document.querySelectorAll('[data-testid=stMain] img')].map(i => i.src)
                        .filter(s => s.includes('evil.example')),
                    ...[...document.querySelectorAll('[data-testid=stMain] .katex, [data-testid=stMain] script')]
                        .map(k => k.outerHTML),
                ]""")
                assert hidden == [], f"{name}: {hidden}"
        finally:
            context.close()
            browser.close()
    assert outside == [] and dialogs == []
