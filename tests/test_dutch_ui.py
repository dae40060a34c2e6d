"""No English in the interface, Streamlit's own included (issue 17): every page walked in headless Chromium at 1440
and 1024 px, with the uploader, the date fields, a select list filtered to no match and a data grid's toolbar and
search opened. Checked are the visible text, placeholders, aria-labels, titles and tooltips of the whole document,
and everything that appeared meanwhile (the running indicator comes and goes): none holds a word from the English
lists below. Also: the date fields are Dutch and keep `?peildatum=` (dd-mm-jjjj) in the URL, the document's language
is Dutch, and axe-core finds no WCAG 2 A/AA violation with the select list open. Screenshots go to tests/artifacts/.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
from urllib.parse import quote

import pytest
from conftest import kg_dossiers, kg_meta, make_workbook
from demo_db import REPO, demo_database
from playwright.sync_api import expect, sync_playwright

from bench.load import start_server, stop_server
from loaders.importer import import_file
from loaders.validate import Options
from pages.common import SOURCE_LABELS
from store.database import connect

ARTIFACTS = REPO / "tests" / "artifacts"
DEMO = "bron=" + quote(SOURCE_LABELS["demo"])  # a bound radio keeps its shown label in the URL
AXE = REPO / "tests" / ".axe" / "node_modules" / "axe-core" / "axe.min.js"
WIDTHS = (1440, 1024)
PAGES = {"": "Overzicht", "vergelijken?onderzoek=kg-2017&indicator=TT3": "Vergelijken",
         "gemeente?onderzoek=kg-2017&gemeente=Goeree-Overflakkee": "Gemeente", "themas": "Thema's",
         "dossiers?onderzoek=kg-2017&gemeente=Goeree-Overflakkee&indicator=TT3": "Dossiers",
         "bevindingen": "Bevindingen", "opvolging": "Opvolging", "jaarbeeld": "Jaarbeeld", "rapport": "Rapport",
         "importeren": "Importeren", "kaders": "Kaders", "methode": "Methode", "beheer": "Beheer"}

# English as Streamlit, its date picker, its data grid and plotly write it. Phrases: anywhere in a text (as words).
ENGLISH_PHRASES = [
    "Drag", "drop", "Browse", "Limit", "No results", "No options", "Choose", "Select all", "Search", "Download as",
    "Fullscreen", "Running", "Rerun", "Settings", "Made with", "Deploy", "Press Enter", "per file", "file upload",
    "Help for", "Clear value", "Clear all", "Selectbox", "Multiselect", "Main menu", "Sidebar", "Skip to",
    "Collapse", "Expand", "Show/hide", "Sort ascending", "Sort descending", "Pin column", "Hide column", "Autosize",
    "Link to heading", "Copy to clipboard", "Record", "Please wait", "Loading", "Connecting", "Previous", "Next",
    "Selected Date", "Zoom in", "Zoom out", "Autoscale", "Reset axes", "Download plot", "Increment", "Decrement",
    "day,", "month,", "year,", "Choose date",
    "January", "February", "March", "April", "June", "July", "August", "September", "October", "November", "December",
    "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday",
    "Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun",
]
# Words Dutch also uses ("Upload het bestand opnieuw", "open", "stop"): English only as a whole text or attribute.
ENGLISH_WHOLE = ["Upload", "Stop", "Print", "Open", "Close", "Reset", "Zoom", "Pan", "Format", "Count", "Sum", "Empty",
                 "Record screen", "Theme", "Clear", "Dismiss", "Copied", "Error", "Automatic", "Plain", "Percent", "true", "false",
                 "empty", "None"]
PHRASE = re.compile(r"(?<![\w-])(" + "|".join(re.escape(p) for p in ENGLISH_PHRASES) + r")(?![\w])")

COLLECT = """() => {
  const out = [];
  const shown = (el) => el.checkVisibility({visibilityProperty: true, opacityProperty: false})
                        && !el.closest('[aria-hidden=true], [data-testid=stIconMaterial], noscript, script, style');
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const node = walker.currentNode, el = node.parentElement, text = node.nodeValue.trim();
    if (text && el && shown(el)) out.push(['tekst', text]);
  }
  for (const el of document.querySelectorAll('*'))
    for (const a of ['aria-label', 'title', 'placeholder', 'data-title', 'alt', 'aria-valuetext', 'aria-description'])
      if (el.getAttribute(a)) out.push([a, el.getAttribute(a)]);
  return out.concat(window.__seen || []);
}"""
# Everything that appears while the page works (the running indicator, tooltips), read a moment after it appeared.
RECORDER = """(() => {
  window.__seen = [];
  const attrs = ['aria-label', 'title', 'placeholder', 'data-title'];
  let queue = [];
  const flush = () => {
    for (const node of queue) {
      if (!node.isConnected) continue;
      const el = node.nodeType === Node.TEXT_NODE ? node.parentElement : node;
      if (!el || el.closest('[aria-hidden=true], [data-testid=stIconMaterial], noscript, script, style')) continue;
      if (node.nodeType === Node.TEXT_NODE) { if (node.nodeValue.trim()) window.__seen.push(['verschenen', node.nodeValue.trim()]); continue; }
      for (const e of [el, ...el.querySelectorAll('*')]) {
        for (const a of attrs) if (e.getAttribute(a)) window.__seen.push(['verschenen ' + a, e.getAttribute(a)]);
        if (e.children.length === 0 && e.textContent.trim() && e.checkVisibility()) window.__seen.push(['verschenen', e.textContent.trim()]);
      }
    }
    queue = [];
  };
  new MutationObserver((ms) => {
    if (!queue.length) setTimeout(flush, 150);
    for (const m of ms) m.type === 'characterData' ? queue.push(m.target) : m.addedNodes.forEach((n) => queue.push(n));
  }).observe(document, {subtree: true, childList: true, characterData: true});
})();"""
AXE_RUN = """async () => { const r = await axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}});
    return r.violations.map(v => v.id + ': ' + v.nodes.map(n => n.target.join(' ')).slice(0, 5).join(', ')); }"""


def english(found: list[list[str]]) -> list[str]:
    """The English among (where, text) pairs: a phrase of ENGLISH_PHRASES inside, or the whole text in ENGLISH_WHOLE."""
    hits = set()
    for where, text in found:
        if text in ENGLISH_WHOLE or PHRASE.search(text):
            hits.add(f"{where}: {text[:100]}")
    return sorted(hits)


def test_the_english_lists_catch_streamlits_own_texts():
    """The check itself: the texts Streamlit 1.67 writes are caught, Dutch texts with shared words are not."""
    caught = [["tekst", "Drag and drop files here"], ["tekst", "25MB per file"], ["tekst", "No results"],
              ["aria-label", "Help for Gemeente"], ["tekst", "Running..."], ["tekst", "Stop"], ["tekst", "Upload"],
              ["tekst", "Choose options"], ["aria-valuetext", "12 – December"], ["aria-label", "day, Peildatum"],
              ["tekst", "Made with Streamlit v1.67.0"], ["aria-label", "Download as CSV"], ["tekst", "Sun"]]
    assert len(english(caught)) == len(caught)
    dutch = [["tekst", "Upload het bestand opnieuw om het opnieuw te controleren."], ["tekst", "open"],
             ["tekst", "Stoppen"], ["tekst", "Geen keuze gevonden"], ["aria-label", "Uitleg bij Gemeente"],
             ["tekst", "Sundaymorning"], ["tekst", "Bestanden kiezen"], ["tekst", "kg-2017"], ["tekst", "Drop-in"]]
    assert english(dutch) == []


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """The demo plus one real, unpublished visit (so Beheer shows its publication form with the date field)."""
    folder = tmp_path_factory.mktemp("dutch-ui")
    db = folder / "toezicht.duckdb"
    shutil.copy(demo_database(tmp_path_factory), db)
    workbook = make_workbook(folder / "eigen.xlsx", kg_meta(Onderzoek="kg-eigen", Gemeente="Brielle",
                                                             Datum=dt.datetime(2017, 11, 7)), kg_dossiers(6))
    con = connect(db)
    import_file(con, workbook, options=Options())
    con.execute("CHECKPOINT")
    con.close()
    proc, url = start_server(db, folder / "server.log")
    yield url
    stop_server(proc)


@pytest.fixture(scope="module")
def browser():
    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path="/usr/bin/chromium",
                                     args=["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"])
        yield chromium
        chromium.close()


def open_page(browser, server, path: str, title: str, width: int):
    context = browser.new_context(viewport={"width": width, "height": 1000})
    context.add_init_script(RECORDER)
    page = context.new_page()
    page.goto(server)
    expect(page.locator("h1").first).to_have_text("Overzicht", timeout=60_000)
    # the demo's views (the real visit imported above would be the default source)
    page.goto(f"{server}/{path}{'&' if '?' in path else '?'}{DEMO}")
    expect(page.locator("h1").first).to_have_text(title, timeout=60_000)
    if title == "Dossiers":  # the long view arrives in parts: its last heading comes last
        expect(page.get_by_text("Dossier openen")).to_be_visible(timeout=60_000)
    settle(page)
    return page


def settle(page) -> None:
    """The run has finished and every element is drawn (no placeholder skeletons left)."""
    page.wait_for_function("""() => !document.querySelector('[data-testid=stStatusWidget]')
        && !document.querySelector('[data-testid=stMain] [data-testid=stSkeleton], [data-testid=stMain] [data-testid=stSkeletonElement]')""",
                           timeout=60_000)
    page.wait_for_timeout(700)


def shot(page, name: str, whole: bool = False) -> None:
    """A screenshot of what is in view, or (`whole`) of the whole page: Streamlit scrolls inside its own container,
    so the viewport grows to the content for a moment."""
    ARTIFACTS.mkdir(exist_ok=True)
    size = page.viewport_size
    if whole:
        height = page.evaluate("() => document.querySelector('[data-testid=stMain]')?.scrollHeight || 1000")
        page.set_viewport_size({"width": size["width"], "height": min(max(int(height) + 100, size["height"]), 12000)})
        page.wait_for_timeout(600)
    page.screenshot(path=str(ARTIFACTS / f"nl-{name}.png"))
    if whole:
        page.set_viewport_size(size)
        page.wait_for_timeout(300)


def filter_to_nothing(page, name: str) -> list[list[str]]:
    """Type a text no option contains into the first select list of the page; what the open list shows."""
    found = []
    for kind in ("stSelectbox", "stMultiSelect"):
        boxes = page.locator(f"[data-testid=stMain] [data-testid={kind}]:visible input")
        if boxes.count() == 0:
            continue
        box = boxes.first
        box.scroll_into_view_if_needed()
        box.click()
        box.press_sequentially("qqxqq")
        expect(page.get_by_text("Geen keuze gevonden")).to_be_visible(timeout=10_000)
        page.wait_for_timeout(300)
        found += page.evaluate(COLLECT)
        shot(page, f"{name}-{kind}-geen-keuze")
        box.press("Escape")
        box.press("Escape")
        page.wait_for_timeout(300)
    return found


def grid_toolbar(page) -> list[list[str]]:
    """Hover a data grid, every button of its toolbar (their tooltips), and open its search."""
    grids = page.locator("[data-testid=stMain] [data-testid=stDataFrame]:visible")
    if grids.count() == 0:
        return []
    grid = grids.first
    grid.scroll_into_view_if_needed()
    grid.hover(timeout=10_000)
    found = []
    buttons = page.locator("[data-testid=stElementToolbar] button")
    for i in range(buttons.count()):
        if buttons.nth(i).is_visible():  # the tooltip; the grid's scroller can lie over the toolbar: pointer moved anyway
            buttons.nth(i).hover(force=True, timeout=10_000)
            page.wait_for_timeout(400)
            found += page.evaluate(COLLECT)
    search = page.locator("[data-testid=stElementToolbar] button[aria-label='Zoeken']")
    if search.count():
        search.first.evaluate("b => b.click()")  # the toolbar overlaps the grid, which takes the pointer
        page.wait_for_timeout(500)
        found += page.evaluate(COLLECT)
        page.keyboard.press("Escape")
    return found


@pytest.mark.parametrize("width", WIDTHS)
def test_no_english_on_any_page(browser, server, width):
    problems = {}
    for path, title in PAGES.items():
        name = f"{(path.split('?')[0] or 'overzicht')}-{width}"
        page = open_page(browser, server, path, title, width)
        try:
            page.wait_for_function("() => document.documentElement.lang === 'nl'", timeout=10_000)
            found = page.evaluate(COLLECT)
            shot(page, name, whole=True)
            helps = page.locator("[data-testid=stMain] [data-testid=stTooltipHoverTarget]:visible")
            if helps.count():  # a help tooltip
                helps.first.hover(force=True, timeout=10_000)
                page.wait_for_timeout(400)
                found += page.evaluate(COLLECT)
            found += filter_to_nothing(page, name)
            found += grid_toolbar(page)
            hits = english(found)
            if hits:
                problems[name] = hits
        finally:
            page.context.close()
    (ARTIFACTS / f"nl-engels-{width}.json").write_text(json.dumps(problems, indent=1, ensure_ascii=False), encoding="utf-8")
    assert problems == {}


def test_the_uploaders_speak_dutch(browser, server, tmp_path):
    page = open_page(browser, server, "importeren", "Importeren", 1024)
    try:
        zone = page.locator("[data-testid=stFileUploaderDropzone]").first
        expect(zone.locator("button")).to_have_accessible_name("Bestanden kiezen")
        expect(zone).to_contain_text("of sleep ze hierheen · ten hoogste 25 MB per bestand")
        shot(page, "importeren-uploader-1024")
        broken = tmp_path / "kapot.csv"
        broken.write_text("dit;is;geen;scoringsbestand\n", encoding="utf-8")
        page.locator("input[type=file]").set_input_files(str(broken))
        expect(page.get_by_text(re.compile("Geweigerd|fout", re.I)).first).to_be_visible(timeout=60_000)
        settle(page)
        shot(page, "importeren-geweigerd-1024")
        assert english(page.evaluate(COLLECT)) == []
    finally:
        page.context.close()
    page = open_page(browser, server, "rapport", "Rapport", 1440)
    try:
        zone = page.locator("[data-testid=stFileUploaderDropzone]").first
        expect(zone.locator("button")).to_have_accessible_name("Bestand kiezen")
        expect(zone).to_contain_text("of sleep het hierheen")
        assert english(page.evaluate(COLLECT)) == []
    finally:
        page.context.close()


def test_the_reference_date_is_typed_in_dutch_and_kept_in_the_url(browser, server):
    page = open_page(browser, server, "opvolging", "Opvolging", 1024)
    try:
        field = page.get_by_role("textbox", name="Peildatum")
        expect(field).to_have_value(dt.date.today().strftime("%d-%m-%Y"))
        field.fill("31-02-2019")
        field.press("Enter")
        expect(page.get_by_text("'31-02-2019' is geen datum; schrijf dd-mm-jjjj")).to_be_visible(timeout=30_000)
        settle(page)
        shot(page, "opvolging-peildatum-fout-1024")
        field.fill("30-06-2019")
        field.press("Enter")
        page.wait_for_url(re.compile(r"peildatum=30-06-2019"), timeout=30_000)
        expect(page.get_by_text("op 30-06-2019 meer dan 12 maanden")).to_be_visible(timeout=30_000)
        # the same view from the URL, in a fresh page
        url = page.url
        other = page.context.new_page()
        other.goto(url)
        expect(other.get_by_role("textbox", name="Peildatum")).to_have_value("30-06-2019", timeout=60_000)
        expect(other.get_by_text("op 30-06-2019 meer dan 12 maanden")).to_be_visible(timeout=30_000)
        assert english(page.evaluate(COLLECT)) == []
    finally:
        page.context.close()
    page = open_page(browser, server, "beheer", "Beheer", 1440)
    try:
        field = page.get_by_role("textbox", name="Publicatiedatum")
        expect(field).to_have_attribute("placeholder", "dd-mm-jjjj")
        field.scroll_into_view_if_needed()
        field.fill("01-07-2019")
        field.press("Enter")
        settle(page)
        shot(page, "beheer-publicatiedatum-1440")
        assert english(page.evaluate(COLLECT)) == []
    finally:
        page.context.close()


def test_axe_finds_nothing_with_an_open_select_list_and_the_uploader(browser, server):
    assert AXE.exists(), "axe-core is missing: `make test` installs it into tests/.axe/"
    found = {}
    for path, title in (("opvolging", "Opvolging"), ("importeren", "Importeren")):
        page = open_page(browser, server, path, title, 1024)
        try:
            box = page.locator("[data-testid=stMain] [data-testid=stSelectbox] input").first
            if path == "opvolging":
                box.click()
                box.press_sequentially("qqxqq")
                expect(page.get_by_text("Geen keuze gevonden")).to_be_visible(timeout=10_000)
            page.add_script_tag(path=str(AXE))
            found[path] = page.evaluate(AXE_RUN)
        finally:
            page.context.close()
    assert found == {name: [] for name in found}
