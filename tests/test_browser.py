"""End to end: the real Streamlit server on a free port, driven by headless Chromium through Playwright.

Every page loads without an exception box and without a request leaving the machine; charts and the map are drawn
(the map in a browser without WebGL); a copied URL restores the view; a download's numbers equal what the page shows and
the raw tables; upload works. Screenshots of every page at 1440 and 1024 px go to tests/artifacts/ (git-ignored).
axe-core (installed by `make test` into tests/.axe/, git-ignored) checks WCAG 2 A/AA on the whole document of every
page, sidebar and navigation included."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
import shutil
from pathlib import Path

import duckdb
import numpy as np
import pytest
from conftest import kg_dossiers, kg_meta, make_workbook
from loaders.demo import DEMO_DIR_NAME
from demo_db import REPO, demo_database

from bench.load import start_server, stop_server
from PIL import Image
from playwright.sync_api import expect, sync_playwright
from statsmodels.stats.proportion import proportion_confint

ARTIFACTS = REPO / "tests" / "artifacts"
AXE = REPO / "tests" / ".axe" / "node_modules" / "axe-core" / "axe.min.js"
PAGES = {"": "Overzicht", "vergelijken": "Vergelijken", "gemeente": "Gemeente", "themas": "Thema's", "dossiers": "Dossiers",
         "bevindingen": "Bevindingen", "opvolging": "Opvolging", "jaarbeeld": "Jaarbeeld", "importeren": "Importeren",
         "kaders": "Kaders", "methode": "Methode", "beheer": "Beheer", "rapport": "Rapport"}
# Pages with their filters set, so the screenshots and axe see the content a user sees (a chosen outcome pill, a visit).
FILLED = {"dossiers": "dossiers?onderzoek=kg-2017&gemeente=Goeree-Overflakkee&indicator=TT3&uitkomst=nee",
          "gemeente": "gemeente?onderzoek=kg-2017&gemeente=Goeree-Overflakkee",
          "vergelijken": "vergelijken?onderzoek=kg-2017&indicator=TT3"}
WIDTHS = (1440, 1024)
AXE_RUN = """async (context) => { const r = await axe.run(context === 'document' ? document : context, {runOnly: {type: 'tag',
    values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}});
    return r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map(n => n.target.join(' ') + ' :: ' + n.html.slice(0, 200) + ' :: ' + n.failureSummary.slice(0, 200)).slice(0, 10)})); }"""
# No GPU and no software GL (SwiftShader): WebGL is unavailable, as on many remote and locked-down desktops.
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-software-rasterizer", "--disable-dev-shm-usage",
                 "--disable-background-networking"]



@pytest.fixture(scope="module")
def server(tmp_path_factory):
    folder = tmp_path_factory.mktemp("server")
    db = folder / "toezicht.duckdb"
    shutil.copy(demo_database(tmp_path_factory), db)  # the upload test writes; keep the shared demo intact
    proc, url = start_server(db, folder / "server.log")
    yield url
    stop_server(proc)


@pytest.fixture(scope="module")
def chromium():
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture(scope="module")
def outside_requests():
    return []


@pytest.fixture
def page(server, chromium, outside_requests, tmp_path):
    """A fresh browser context that refuses (and records) every request not to our own server."""
    context = chromium.new_context(viewport={"width": WIDTHS[0], "height": 1100}, accept_downloads=True)

    def guard(route):
        if route.request.url.startswith(server):
            route.continue_()
        else:
            outside_requests.append(route.request.url)
            route.abort()

    context.route("**/*", guard)
    page = context.new_page()
    # Streamlit treats a `pages/` folder as a legacy multipage folder until app.py has called st.navigation once in
    # the server process; open the start page first so deep links below run through app.py (see the report).
    page.goto(server)
    expect(page.locator("h1").first).to_have_text("Overzicht", timeout=60_000)
    yield page
    context.close()


def settle(page) -> None:
    """Wait until Streamlit has finished the run (no running indicator) and plotly has drawn."""
    page.wait_for_function("() => !document.querySelector('[data-testid=stStatusWidget]')", timeout=60_000)
    page.wait_for_timeout(800)


def body_text(page) -> str:
    return page.locator("body").inner_text()


def assert_clean(page) -> None:
    assert page.locator("[data-testid=stException]").count() == 0
    assert "Traceback" not in body_text(page)


def screenshot(page, name: str, width: int = WIDTHS[0]) -> None:
    """Full-length screenshot: Streamlit scrolls inside its own container, so grow the viewport to the content."""
    ARTIFACTS.mkdir(exist_ok=True)
    page.set_viewport_size({"width": width, "height": 1100})
    page.wait_for_timeout(300)
    height = page.evaluate("() => document.querySelector('[data-testid=stMain]')?.scrollHeight || 1100")
    page.set_viewport_size({"width": width, "height": min(max(int(height) + 100, 1100), 12000)})
    page.wait_for_timeout(600)
    page.screenshot(path=str(ARTIFACTS / f"{name}-{width}.png"))
    page.set_viewport_size({"width": WIDTHS[0], "height": 1100})


def raw_counts(study: str, kind: str = "onderzoek") -> dict[tuple[str, str], tuple[int, int]]:
    """(gemeente, indicator) → (k, n) straight from the score table of the shared demo database."""
    path = demo_database.__globals__["_built"]["path"]
    with duckdb.connect(str(path), read_only=True) as con:
        rows = con.execute("""
            SELECT v.municipality_name, s.indicator_code, count(*) FILTER (WHERE s.value = 'ja'),
                   count(*) FILTER (WHERE s.value IN ('ja', 'nee'))
            FROM score s JOIN visit v USING (visit_id) WHERE v.study_id = ? AND v.kind = ? GROUP BY ALL
        """, [study, kind]).fetchall()
    return {(g, i): (int(k), int(n)) for g, i, k, n in rows}


def test_every_page_loads_clean_with_no_request_leaving_the_machine(page, server, outside_requests):
    for path, title in PAGES.items():
        page.goto(f"{server}/{FILLED.get(path, path)}")
        expect(page.locator("h1").first).to_have_text(title, timeout=60_000)
        settle(page)
        assert_clean(page)
        assert page.get_by_text("Page not found").count() == 0
        if path in ("", "vergelijken", "gemeente", "themas"):
            expect(page.locator(".js-plotly-plot").first).to_be_visible(timeout=60_000)
        for width in WIDTHS:
            screenshot(page, path or "overzicht", width)
            assert_clean(page)
    assert outside_requests == []


def test_overzicht_renders_and_navigates_to_methode(page, server):
    expect(page.get_by_text("Zwakste indicatoren").first).to_be_visible()
    text = body_text(page)
    assert "Demodata" in text and "Onderzoeken" in text
    page.get_by_role("link", name="Methode").click()
    # "Spiegelhalter" is on the Methode page only ("Wilson" is on Overzicht too, so it proves nothing)
    expect(page.get_by_text("Spiegelhalter").first).to_be_visible(timeout=60_000)
    page.wait_for_url(re.compile("methode"))


def test_vergelijken_draws_heatmap_bars_funnel_and_map(page, server, outside_requests):
    page.goto(f"{server}/vergelijken?onderzoek=kg-2017&indicator=TT3")
    expect(page.locator("h1").first).to_have_text("Vergelijken", timeout=60_000)
    settle(page)
    plots = page.locator(".js-plotly-plot")
    expect(plots).to_have_count(4, timeout=60_000)
    # heatmap cells carry 'k/n'; Goeree-Overflakkee TT3 is 2/14 (the published figure)
    cells = page.locator(".js-plotly-plot").first.locator("text")
    expect(cells.filter(has_text=re.compile(r"^2/14$")).first).to_be_attached()
    # the map: SVG paths on a geo subplot, no canvas (WebGL)
    the_map = plots.nth(3)
    expect(the_map.locator("path.choroplethlocation").first).to_be_attached(timeout=30_000)
    assert the_map.locator("canvas").count() == 0
    assert_clean(page)
    assert outside_requests == []


def expected_map_colours(study: str, indicator: str) -> dict[str, str]:
    """gemeente → the map colour of its verdict, worked out here from the raw counts: the benchmark is the pooled
    k/n of the study's onderzoek visits, the verdict the Wilson 95% interval (statsmodels) against it, 'duidelijk' where
    the 99.8% interval says the same (DESIGN §7)."""
    counts = {g: kn for (g, i), kn in raw_counts(study).items() if i == indicator}
    benchmark = sum(k for k, _ in counts.values()) / sum(n for _, n in counts.values())
    colours = {}
    for municipality, (k, n) in counts.items():
        if n == 0:
            continue
        low, high = proportion_confint(k, n, alpha=0.05, method="wilson")
        verdict = "beter" if low > benchmark else "slechter" if high < benchmark else "vergelijkbaar"
        strict_low, strict_high = proportion_confint(k, n, alpha=0.002, method="wilson")  # the second level, 99.8%
        if (verdict == "beter" and strict_low > benchmark) or (verdict == "slechter" and strict_high < benchmark):
            verdict = "duidelijk " + verdict
        colours[municipality] = {"beter": "#009988", "vergelijkbaar": "#BBBBBB", "slechter": "#CC3311",
                                 "duidelijk beter": "#005F56", "duidelijk slechter": "#882211"}[verdict]
    return colours


def colour_pixels(png: bytes, hex_colour: str, tolerance: int = 10) -> int:
    """Pixels of the screenshot within `tolerance` (per channel) of the colour."""
    pixels = np.asarray(Image.open(io.BytesIO(png)).convert("RGB"), dtype=int)
    target = np.array([int(hex_colour[i:i + 2], 16) for i in (1, 3, 5)])
    return int((np.abs(pixels - target).max(axis=2) <= tolerance).sum())


def test_the_map_draws_without_webgl_and_a_click_opens_gemeente(page, server, outside_requests):
    assert page.evaluate("""() => { const c = document.createElement('canvas');
                                    return !(c.getContext('webgl') || c.getContext('webgl2')); }"""), "this browser has WebGL"
    page.goto(f"{server}/vergelijken?onderzoek=kg-2017&indicator=TT3")
    expect(page.locator("h1").first).to_have_text("Vergelijken", timeout=60_000)
    settle(page)
    the_map = page.locator(".js-plotly-plot").nth(3)
    the_map.scroll_into_view_if_needed()
    expect(the_map.locator("path.choroplethlocation").first).to_be_attached(timeout=30_000)
    page.wait_for_timeout(500)
    png = the_map.screenshot()
    expected = expected_map_colours("kg-2017", "TT3")
    assert expected["Goeree-Overflakkee"] == "#882211"  # 2 van 14, the published figure, is far below the rest (99,8%)
    for colour in set(expected.values()):
        assert colour_pixels(png, colour) > 150, colour
    assert colour_pixels(png, "#DDDDDD") > 2000  # the neighbouring municipalities outside the study, in grey
    # a click inside Goeree-Overflakkee's polygon opens its Gemeente page
    point = page.evaluate("""() => { const gd = document.querySelectorAll('.js-plotly-plot')[3];
        const traces = [...gd.querySelectorAll('.choroplethlayer .trace')];
        for (const [t, trace] of traces.entries()) {
            const data = gd.calcdata.filter(c => c[0].trace.type === 'choropleth')[t][0].trace;
            const i = (data.customdata || []).findIndex(c => c[0] === 'Goeree-Overflakkee');
            if (i < 0) continue;
            const path = trace.querySelectorAll('path.choroplethlocation')[i];
            const box = path.getBoundingClientRect(), toPath = path.getScreenCTM().inverse();
            // plotly finds the municipality under the pointer from the projection, not from the path: any point
            // well inside the polygon will do (its 4 neighbours 3 px away inside too)
            const inside = (x, y) => path.isPointInFill(new DOMPoint(x, y).matrixTransform(toPath));
            for (let fy = 0.5; fy < 1; fy += 0.05) for (const sy of [1, -1]) for (let fx = 0.5; fx < 1; fx += 0.05) for (const sx of [1, -1]) {
                const x = box.left + box.width * (0.5 + sx * (fx - 0.5)), y = box.top + box.height * (0.5 + sy * (fy - 0.5));
                if ([[0, 0], [3, 0], [-3, 0], [0, 3], [0, -3]].every(([dx, dy]) => inside(x + dx, y + dy))) return [x, y];
            }
        }
        return null; }""")
    assert point, "Goeree-Overflakkee is not on the map"
    page.mouse.click(point[0], point[1])
    expect(page.locator("h1").first).to_have_text("Gemeente", timeout=60_000)
    expect(page.get_by_role("combobox", name="Gemeente")).to_have_value("Goeree-Overflakkee")
    assert_clean(page)
    assert outside_requests == []


def test_a_copied_url_restores_the_view(page, server, chromium):
    page.goto(f"{server}/vergelijken")
    expect(page.locator("h1").first).to_have_text("Vergelijken", timeout=60_000)
    settle(page)
    page.get_by_text("hertoets", exact=True).click()  # soort
    page.wait_for_url(re.compile("soort=hertoets"), timeout=30_000)
    page.locator("[data-testid=stSelectbox]").filter(has_text="Indicator").locator("input").click()
    page.get_by_role("option", name="IZ4", exact=True).click()
    page.wait_for_url(re.compile("indicator=IZ4"), timeout=30_000)
    copied = page.url
    # someone else opens the copied link
    other = chromium.new_context(viewport={"width": WIDTHS[0], "height": 1100}).new_page()
    other.goto(server)
    expect(other.locator("h1").first).to_have_text("Overzicht", timeout=60_000)
    other.goto(copied)
    expect(other.locator("h1").first).to_have_text("Vergelijken", timeout=60_000)
    expect(other.get_by_role("heading", name=re.compile("^IZ4 — "))).to_be_visible(timeout=60_000)
    expect(other.get_by_role("radio", name="hertoets", exact=True)).to_be_checked(timeout=60_000)  # soort
    assert "soort=hertoets" in other.url and "indicator=IZ4" in other.url
    # and the back button returns to the previous choice
    page.go_back()
    page.wait_for_url(re.compile(r"^(?!.*indicator=IZ4)"), timeout=30_000)
    other.context.close()


def test_the_downloaded_table_has_the_numbers_the_page_shows(page, server):
    page.goto(f"{server}/vergelijken?onderzoek=kg-2017&indicator=TT3")
    expect(page.locator("h1").first).to_have_text("Vergelijken", timeout=60_000)
    settle(page)
    with page.expect_download() as info:
        page.get_by_role("button", name="Download tabel (CSV)").click()
    download = info.value
    assert download.suggested_filename == "vergelijken-kg-2017-onderzoek.csv"
    text = Path(download.path()).read_bytes().decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    downloaded = {(r["gemeente"], r["indicator"]): (int(r["k"]), int(r["n"])) for r in rows}
    assert downloaded == raw_counts("kg-2017")
    # what the heatmap shows, cell by cell ('k/n', '*' for n < 5)
    shown = page.evaluate("""() => { const gd = document.querySelectorAll('.js-plotly-plot')[0]; const h = gd.data[0];
                                     const out = {}; h.y.forEach((g, i) => h.x.forEach((c, j) => out[g + '|' + c] = h.text[i][j]));
                                     return out; }""")
    for (g, i), (k, n) in downloaded.items():
        assert shown[f"{g}|{i}"] == f"{k}/{n}" + ("*" if n < 5 else "")


def test_a_click_on_a_funnel_point_opens_gemeente(page, server):
    page.goto(f"{server}/vergelijken?onderzoek=kg-2017&indicator=TT3")
    expect(page.locator("h1").first).to_have_text("Vergelijken", timeout=60_000)
    settle(page)
    funnel = page.locator(".js-plotly-plot").nth(2)
    funnel.scroll_into_view_if_needed()
    target = page.evaluate("""() => { const gd = document.querySelectorAll('.js-plotly-plot')[2];
        const i = gd.data.findIndex(t => (t.name || '').includes('slechter dan benchmark')); return gd.data[i].customdata[0][0]; }""")
    point = funnel.locator(".scatterlayer .trace").filter(has=page.locator("path.point")).locator("path.point")
    names = page.evaluate("""() => { const gd = document.querySelectorAll('.js-plotly-plot')[2];
        return gd.data.filter(t => (t.mode || '').includes('markers')).map(t => t.name); }""")
    # the first 'slechter' trace's point (Goeree-Overflakkee's TT3 is 'duidelijk slechter'): traces are drawn in data
    # order, lines have no path.point
    index = next(i for i, name in enumerate(names) if "slechter dan benchmark" in name)
    box = point.nth(index).bounding_box()
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    expect(page.locator("h1").first).to_have_text("Gemeente", timeout=60_000)
    page.wait_for_url(re.compile("/gemeente"), timeout=30_000)
    expect(page.get_by_role("combobox", name="Gemeente")).to_have_value(target)
    assert f"gemeente={target}" in page.url
    assert_clean(page)


def test_upload_a_workbook_see_the_report_and_import_it(page, server, tmp_path, tmp_path_factory):
    demo_database_path = demo_database(tmp_path_factory)
    # A study of its own: a real visit is never added to a demo study.
    good = make_workbook(tmp_path / "brielle-hertoets.xlsx",
                         kg_meta(Onderzoek="kg-eigen", Gemeente="Brielle", Soort="hertoets", Datum=dt.datetime(2017, 11, 7)),
                         kg_dossiers(8))
    rows = kg_dossiers(8)
    rows[3][2] = "misschien"
    bad = make_workbook(tmp_path / "kapot.xlsx", kg_meta(Gemeente="Brielle", Datum=dt.datetime(2017, 12, 5)), rows)
    page.goto(f"{server}/importeren")
    expect(page.get_by_text("Bestand importeren").first).to_be_visible(timeout=60_000)
    page.locator("input[type=file]").set_input_files(str(good))
    expect(page.get_by_text("Geen fouten: 1 bezoek(en), 8 dossiers, 24 scores")).to_be_visible(timeout=60_000)
    page.get_by_role("button", name="Importeren", exact=True).click()
    # One import per demo workbook came before this one.
    earlier = len(list((demo_database_path.parent / DEMO_DIR_NAME).glob("*.xlsx")))
    expect(page.get_by_text(re.compile(rf"geïmporteerd als import #{earlier + 1}\b"))).to_be_visible(timeout=60_000)
    page.locator("input[type=file]").set_input_files(str(bad))
    expect(page.get_by_text("Geweigerd: 1 fout(en). Er is niets opgeslagen.")).to_be_visible(timeout=60_000)
    assert "Traceback" not in body_text(page)


def test_accessibility_wcag_aa_on_every_page(page, server):
    """The whole document (sidebar, navigation and page) of every page, at both widths: no WCAG 2 A/AA violation."""
    assert AXE.exists(), "axe-core is missing: `make test` installs it into tests/.axe/"
    found = {}
    for path, title in PAGES.items():
        for width in WIDTHS:
            page.set_viewport_size({"width": width, "height": 1100})
            page.goto(f"{server}/{FILLED.get(path, path)}")
            expect(page.locator("h1").first).to_have_text(title, timeout=60_000)
            settle(page)
            # The sidebar is a scrollable region: axe rightly wants focusable content in it, so judge it once its
            # links are drawn (a run caught it mid-redraw, with no link in it yet).
            expect(page.locator("[data-testid=stSidebarContent] a").first).to_be_visible(timeout=30_000)
            page.add_script_tag(path=str(AXE))
            found[f"{path or 'overzicht'}-{width}"] = page.evaluate(AXE_RUN, "document")
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "axe.json").write_text(json.dumps(found, indent=1, ensure_ascii=False), encoding="utf-8")
    assert found == {name: [] for name in found}
