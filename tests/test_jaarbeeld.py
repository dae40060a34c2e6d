"""Jaarbeeld: the pack written by `python -m metrics jaarbeeld` for the demo year 2016, its numbers against raw
rows, the draft document, sources of findings, formula escaping, report metadata and the Jaarbeeld page.

Expectations are counted straight from the raw tables (score, visit_indicator_count, finding, visit, study),
never copied from the code's output.
"""

from __future__ import annotations

import re

import datetime as dt
import io
import shutil
import struct
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import duckdb
import openpyxl
import pandas as pd
import pytest
from conftest import make_workbook
from demo_db import REPO, demo_database
from docx import Document
from streamlit.testing.v1 import AppTest

from loaders.demo import DEMO_DIR_NAME
from loaders.importer import import_file
from loaders.report_meta import publication_date_problem, report_meta
from store.database import connect

YEAR = 2016
THEME_ORDER = ["vroegsignalering", "eigen-kracht", "veiligheid"]
THEME_NAMES = {"vroegsignalering": "Vroegsignalering en preventie", "eigen-kracht": "Eigen kracht", "veiligheid": "Veiligheid"}
APP = str(REPO / "app.py")
PRINT_WIDTH_PX = 170 / 25.4 * 300  # 170 mm at 300 dpi, about 2008 px


def run_cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "metrics", *args], cwd=REPO, capture_output=True, text=True, timeout=300)


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory) -> Path:
    return demo_database(tmp_path_factory)


@pytest.fixture(scope="module")
def pack_dir(demo_db, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("pack") / "jaarbeeld-2016"
    done = run_cli("jaarbeeld", "--year", str(YEAR), "--out", str(out), "--db", str(demo_db))
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Traceback" not in done.stderr
    return out


def raw(db: Path, sql: str, params: list | None = None) -> pd.DataFrame:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(sql, params or []).df()
    finally:
        con.close()


# Dossier-level binary judgements of demo visits with fieldwork in 2016, tagged to a Jaarbeeld-thema, from `score`.
RAW_SCORES = """
    SELECT i.yearbook_theme AS theme, v.study_id, s.name AS study_name, v.municipality_name AS gemeente,
           sc.indicator_code, sc.value
    FROM score sc JOIN visit v USING (visit_id) JOIN study s USING (study_id)
    JOIN framework f ON f.framework_id = s.framework_id
    JOIN indicator i ON i.framework_id = s.framework_id AND i.indicator_code = sc.indicator_code
    WHERE s.is_demo AND year(v.visit_date) = ? AND f.scale = 'binair' AND i.level = 'dossier'
      AND i.yearbook_theme IS NOT NULL AND sc.value IN ('ja', 'nee')
"""


@pytest.fixture(scope="module")
def scores(demo_db) -> pd.DataFrame:
    frame = raw(demo_db, RAW_SCORES, [YEAR])
    frame["ja"] = (frame["value"] == "ja").astype(int)
    return frame


def expected_stems(scores: pd.DataFrame, demo_db: Path) -> list[str]:
    """File stems the pack must hold: an overview, then per theme (2016 order) compliance, weakest (an indicator
    with n ≥ 5), municipalities, and a trend when an earlier year has judgements of that theme."""
    earlier = raw(demo_db, RAW_SCORES.replace("year(v.visit_date) = ?", "year(v.visit_date) < ?"), [YEAR])
    stems, number = ["figuur01_themas"], 1
    for theme in THEME_ORDER:
        part = scores[scores["theme"] == theme]
        if part.empty:
            continue
        kinds = ["naleving"]
        if (part.groupby(["study_id", "indicator_code"]).size() >= 5).any():
            kinds.append("zwakste")
        if part["gemeente"].nunique() > 1:
            kinds.append("gemeenten")
        if (earlier["theme"] == theme).any():
            kinds.append("trend")
        for kind in kinds:
            number += 1
            stems.append(f"figuur{number:02d}_{theme}_{kind}")
    return stems


def png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", data[16:24])


def test_pack_holds_every_figure_as_png_and_svg(pack_dir, scores, demo_db):
    stems = expected_stems(scores, demo_db)
    assert len(stems) == 1 + 3 * 3  # three themes with judgements in 2016, no earlier year in the demo
    assert sorted(p.stem for p in (pack_dir / "figuren").glob("*.png")) == sorted(stems)
    assert sorted(p.stem for p in (pack_dir / "figuren").glob("*.svg")) == sorted(stems)
    for number, stem in enumerate(stems, 1):
        png = (pack_dir / "figuren" / f"{stem}.png").read_bytes()
        width, height = png_size(png)
        assert abs(width - PRINT_WIDTH_PX) <= 2 and height > 400 and len(png) > 30_000
        assert b"pHYs" in png[:200]  # 300 dpi stated in the file, so layout programs place it at 170 mm
        svg = (pack_dir / "figuren" / f"{stem}.svg").read_text(encoding="utf-8")
        root = ET.fromstring(svg)
        assert root.tag.endswith("svg") and len(svg) > 3_000
        assert f"Figuur {number}." in svg and "Bron: Toezicht Sociaal Domein, dossieronderzoek" in svg
    readme = (pack_dir / "README.txt").read_text(encoding="utf-8")
    for stem in stems:
        assert f"figuren/{stem}.png" in readme and f"cijfers/{stem}.csv" in readme


RAW_WEAKEST = """
    SELECT i.yearbook_theme AS theme, c.indicator_code AS indicator, v.study_id AS onderzoek,
           sum(c.ja)::BIGINT AS k, sum(c.ja + c.nee)::BIGINT AS n
    FROM visit_indicator_count c JOIN visit v USING (visit_id) JOIN study s USING (study_id)
    JOIN framework f ON f.framework_id = s.framework_id
    JOIN indicator i ON i.framework_id = s.framework_id AND i.indicator_code = c.indicator_code
    WHERE s.is_demo AND year(v.visit_date) = ? AND f.scale = 'binair' AND i.level = 'dossier' AND i.yearbook_theme IS NOT NULL
    GROUP BY ALL HAVING sum(c.ja + c.nee) >= 5
"""


def test_xlsx_and_csv_numbers_equal_counts_from_raw_rows(pack_dir, scores, demo_db):
    """Every figure's sheet and CSV against k (ja) and n (ja + nee) counted here from `score` and the loader's counts."""
    book = pd.read_excel(pack_dir / "jaarbeeld-2016-cijfers.xlsx", sheet_name=None, engine="openpyxl")
    assert {"Bevindingen", "Toezichtkader", "Bronnen", "Figuren"} <= set(book)
    per_theme = scores.groupby("theme")["ja"].agg(["sum", "count"])
    expected = [[t, int(per_theme.loc[t, "sum"]), int(per_theme.loc[t, "count"])] for t in THEME_ORDER]
    overview = book["Figuur 1"]
    assert overview[["jaarbeeld_thema", "k", "n"]].values.tolist() == expected
    assert overview["percentage"].tolist() == pytest.approx([100 * k / n for _, k, n in expected])
    csv = pd.read_csv(pack_dir / "cijfers" / "figuur01_themas.csv", encoding="utf-8-sig")
    assert csv[["jaarbeeld_thema", "k", "n"]].values.tolist() == expected
    weakest = raw(demo_db, RAW_WEAKEST, [YEAR])
    weakest["rate"] = weakest["k"] / weakest["n"]
    figures = book["Figuren"]
    assert len(figures) == len(expected_stems(scores, demo_db))
    for row in figures.itertuples():
        sheet = book[f"Figuur {row.figuur}"]
        csv = pd.read_csv(pack_dir / "cijfers" / f"{row.bestand}.csv", encoding="utf-8-sig")
        assert csv[["k", "n"]].values.tolist() == sheet[["k", "n"]].values.tolist()
        theme = row.bestand.split("_")[1]
        part = scores[scores["theme"] == theme]
        if row.bestand.endswith("_gemeenten"):
            counted = part.groupby("gemeente")["ja"].agg(["sum", "count"]).sort_index()
            assert sheet[["gemeente", "k", "n"]].values.tolist() == [[g, int(r["sum"]), int(r["count"])] for g, r in counted.iterrows()]
        elif row.bestand.endswith("_zwakste"):
            low = weakest[weakest["theme"] == theme].sort_values(["rate", "n", "onderzoek", "indicator"],
                                                                  ascending=[True, False, True, True]).head(5)
            assert sheet[["indicator", "k", "n"]].values.tolist() == low[["indicator", "k", "n"]].values.tolist()
        elif row.bestand.endswith("_naleving"):
            counted = part.groupby("study_id")["ja"].agg(["sum", "count"]).sort_index()
            rows = [[int(r["sum"]), int(r["count"])] for _, r in counted.iterrows()]
            assert sheet[["k", "n"]].values.tolist() == rows + [[int(part["ja"].sum()), len(part)]]


def test_published_goeree_figures_appear_exactly_in_the_weakest_captions(pack_dir):
    """Seed 002: Goeree-Overflakkee (kg-2017, the only kg-2017 visit with fieldwork in 2016) assessed safety in 2 of
    14 dossiers (TT3, Veiligheid) and formulated the need for help with the family in 4 of 14 (TT1, Eigen kracht)."""
    figures = pd.read_excel(pack_dir / "jaarbeeld-2016-cijfers.xlsx", sheet_name="Figuren", engine="openpyxl")
    caption = dict(zip(figures["bestand"], figures["bijschrift"]))
    safety = caption[next(s for s in caption if s.endswith("veiligheid_zwakste"))]
    own = caption[next(s for s in caption if s.endswith("eigen-kracht_zwakste"))]
    assert "; TT3 2 van 14 (14%);" in safety
    assert "; TT1 4 van 14 (29%);" in own


def test_captions_carry_k_of_n_counted_from_raw_rows(pack_dir, scores, demo_db):
    figures = pd.read_excel(pack_dir / "jaarbeeld-2016-cijfers.xlsx", sheet_name="Figuren", engine="openpyxl")
    caption = dict(zip(figures["bestand"], figures["bijschrift"]))
    readme = (pack_dir / "README.txt").read_text(encoding="utf-8")
    for theme in THEME_ORDER:
        part = scores[scores["theme"] == theme]
        k, n = int(part["ja"].sum()), len(part)
        text = caption[next(s for s in caption if s.endswith(f"{theme}_naleving"))]
        assert f"bij {THEME_NAMES[theme]} {k} van {n} beoordelingen" in text
        assert f"{THEME_NAMES[theme]} {k} van {n} beoordelingen" in caption["figuur01_themas"]
        # Weakest: the lowest k/n per study × indicator with n ≥ 5, from visit_indicator_count.
        counts = raw(demo_db, """
            SELECT c.indicator_code, v.study_id, sum(c.ja) AS k, sum(c.ja + c.nee) AS n
            FROM visit_indicator_count c JOIN visit v USING (visit_id) JOIN study s USING (study_id)
            JOIN framework f ON f.framework_id = s.framework_id
            JOIN indicator i ON i.framework_id = s.framework_id AND i.indicator_code = c.indicator_code
            WHERE s.is_demo AND year(v.visit_date) = ? AND f.scale = 'binair' AND i.level = 'dossier' AND i.yearbook_theme = ?
            GROUP BY ALL HAVING sum(c.ja + c.nee) >= 5
        """, [YEAR, theme])
        counts["rate"] = counts["k"] / counts["n"]
        low = counts.sort_values(["rate", "n"], ascending=[True, False]).iloc[0]
        text = caption[next(s for s in caption if s.endswith(f"{theme}_zwakste"))]
        assert f"{low.indicator_code} '" in text and f"in {int(low.k)} van de {int(low.n)} beoordeelde dossiers" in text
        # Municipalities: lowest and highest rate.
        per_muni = part.groupby("gemeente")["ja"].agg(["sum", "count"])
        per_muni["rate"] = per_muni["sum"] / per_muni["count"]
        lo, hi = per_muni["rate"].idxmin(), per_muni["rate"].idxmax()
        text = caption[next(s for s in caption if s.endswith(f"{theme}_gemeenten"))]
        assert f"in {lo} ({per_muni.loc[lo, 'sum']} van {per_muni.loc[lo, 'count']})" in text
        assert f"in {hi} ({per_muni.loc[hi, 'sum']} van {per_muni.loc[hi, 'count']})" in text
    for text in caption.values():
        assert text.replace("\u00a0", " ") in readme


def test_document_opens_and_holds_every_figure_and_caption(pack_dir, scores, demo_db):
    doc = Document(str(pack_dir / "jaarbeeld-2016-concept.docx"))
    figures = pd.read_excel(pack_dir / "jaarbeeld-2016-cijfers.xlsx", sheet_name="Figuren", engine="openpyxl")
    assert len(doc.inline_shapes) == len(expected_stems(scores, demo_db)) == len(figures)
    texts = [p.text for p in doc.paragraphs]
    captions = [p.text for p in doc.paragraphs if p.style.name == "Caption"]
    assert captions == [f"Figuur {r.figuur}. {r.titel}" for r in figures.itertuples()]
    for r in figures.itertuples():
        assert r.bijschrift.replace("\u00a0", " ") in texts
        assert r.bron in texts
    level1 = [p.text for p in doc.paragraphs if p.style.name == "Heading 1"]
    assert level1 == ["Toezicht in 2016", *THEME_NAMES.values(), "Producten 2016"]
    level2 = [p.text for p in doc.paragraphs if p.style.name == "Heading 2"]
    assert level2[:4] == ["Risico's en knelpunten in de praktijk — bevindingen uit het toezicht", "In cijfers",
                          "Toezichtkader", "Kansen: hoe kan het anders?"]
    # The year's visits at the end: one table row per demo visit with fieldwork in 2016.
    visits = raw(demo_db, "SELECT count(*) AS n FROM visit JOIN study USING (study_id) WHERE is_demo AND year(visit_date) = ?", [YEAR])
    assert len(doc.tables[-1].rows) == 1 + int(visits["n"].iloc[0])


def test_a_findings_source_names_its_report_or_study_and_municipality(pack_dir, demo_db):
    findings = raw(demo_db, """
        SELECT f.text, f.kind, v.municipality_name, coalesce(v.report_title, s.name) AS title,
               coalesce(v.published_on, v.visit_date) AS dated
        FROM finding f JOIN visit v USING (visit_id) JOIN study s USING (study_id)
        WHERE s.is_demo AND year(v.visit_date) = ? AND v.study_id = 'kg-2017'
          AND EXISTS (SELECT 1 FROM indicator i  -- tagged: its indicator, or any indicator of its theme, has a Jaarbeeld-thema
                      WHERE i.framework_id = s.framework_id AND i.yearbook_theme IS NOT NULL
                        AND (i.indicator_code = f.indicator_code OR (f.indicator_code IS NULL AND i.theme_code = f.theme_code)))
    """, [YEAR])
    assert not findings.empty

    def expected_start(f) -> str:
        # The municipality is left out when the report title already names it.
        return f"Zie: {f.title} (" if f.municipality_name in f.title else f"Zie: {f.title}, {f.municipality_name} ("

    exported = pd.read_excel(pack_dir / "jaarbeeld-2016-cijfers.xlsx", sheet_name="Bevindingen", engine="openpyxl")
    for f in findings.itertuples():
        rows = exported[(exported["tekst"] == f.text) & (exported["gemeente"] == f.municipality_name)]
        assert len(rows) >= 1
        for source in rows["bron"]:
            assert expected_start(f) in source
            assert f"{f.dated.year})" in source
    doc_text = "\n".join(p.text for p in Document(str(pack_dir / "jaarbeeld-2016-concept.docx")).paragraphs)
    assert expected_start(next(findings.itertuples())) in doc_text


def _copy(db: Path, tmp_path: Path) -> Path:
    target = tmp_path / "kopie.duckdb"
    shutil.copy(db, target)
    return target


def test_report_titles_from_the_demo_workbooks_become_sources_and_products(demo_db):
    """The loader carries the Onderzoek sheet's Rapport and Publicatiedatum onto the visit; the Jaarbeeld uses them."""
    workbooks = sorted((demo_db.parent / DEMO_DIR_NAME).glob("so-2016_*_onderzoek_*.xlsx"))
    assert len(workbooks) == 6
    con = connect(demo_db, read_only=True)
    try:
        for path in workbooks:
            sheet = openpyxl.load_workbook(path, read_only=True)["Onderzoek"]
            cells = {row[0]: row[1] for row in sheet.iter_rows(values_only=True) if row and row[0]}
            stored = con.execute("SELECT report_title, published_on FROM visit WHERE study_id = 'so-2016' AND kind = 'onderzoek' "
                                 "AND municipality_name = ?", [cells["Gemeente"]]).fetchall()
            assert stored == [(cells["Rapport"], pd.Timestamp(cells["Publicatiedatum"]).date())]
        from jaarbeeld.content import build_yearbook

        book = build_yearbook(con, YEAR, demo=True)
    finally:
        con.close()
    emmen = book.findings[(book.findings["gemeente"] == "Emmen") & (book.findings["onderzoek"] == "so-2016")]
    assert not emmen.empty and set(emmen["bron"]) == {"Zie: Signaleren van onveiligheid in Emmen (september 2016)"}
    so_reports = [r for r in book.reports["rapport"].tolist() if r.startswith("Signaleren van onveiligheid in ")]
    assert so_reports[:2] == ["Signaleren van onveiligheid in Assen", "Signaleren van onveiligheid in Houten"]
    assert {"juli 2016", "augustus 2016", "september 2016"} <= set(book.reports["publicatie"])


def test_report_meta_reads_the_optional_keys():
    assert report_meta({"Onderzoek": "so-2016"}) == (None, None)
    assert report_meta({"RAPPORT:": "  Signaleren  van onveiligheid ", "publicatiedatum": "12-03-2017"}) == (
        "Signaleren van onveiligheid", dt.date(2017, 3, 12))
    assert report_meta({"Rapport": "X", "Publicatiedatum": (dt.datetime(2016, 7, 1), "B9")}) == ("X", dt.date(2016, 7, 1))
    assert report_meta({"Rapport": None, "Publicatiedatum": "ergens in 2016"}) == (None, None)
    assert "onleesbaar" in publication_date_problem({"Publicatiedatum": ("ergens in 2016", "B9")})
    assert publication_date_problem({"Publicatiedatum": "2016-07-01"}) is None and publication_date_problem({}) is None


def _real_visit(tmp_path: Path, finding: str) -> Path:
    """A real (non-demo) 2016 visit of a new study with one finding, stored as a text cell even if it looks like a formula."""
    path = make_workbook(
        tmp_path / "echt.xlsx",
        {"Onderzoek": "echt-2016", "Kader": "so-2016", "Gemeente": "Assen", "Datum": "2016-06-01",
         "Rapport": "Eigen rapport Assen", "Publicatiedatum": "2016-11-01"},
        dossiers=[["Dossier", "JB3", "JB7"]] + [[f"E-{n}", "ja" if n < 3 else "nee", "ja" if n < 1 else "nee"] for n in range(6)],
        extra_sheets={"Bevindingen": [["Thema", "Indicator", "Soort", "Tekst"], [None, "JB7", "zorgpunt", "x"]]},
    )
    wb = openpyxl.load_workbook(path)
    cell = wb["Bevindingen"]["D2"]
    cell.value, cell.data_type = finding, "s"  # what an inspector typing the text in Excel gets: text, not a formula
    wb.save(path)
    return path


def test_a_formula_finding_stays_text_and_demo_and_real_never_pool(demo_db, tmp_path):
    from jaarbeeld.content import build_yearbook
    from jaarbeeld.pack import build_pack
    from metrics.jaarbeeld import jaarbeeld_themes

    evil = '=HYPERLINK("http://voorbeeld.invalid","klik")'
    db = _copy(demo_db, tmp_path)
    con = connect(db)
    try:
        demo_before = jaarbeeld_themes(con, YEAR, demo=True)
        assert import_file(con, _real_visit(tmp_path, evil)).status == "geïmporteerd"
        demo_after = jaarbeeld_themes(con, YEAR, demo=True)
        real = jaarbeeld_themes(con, YEAR)  # default: real data as soon as there is any
        book = build_yearbook(con, YEAR)
    finally:
        con.close()
    assert demo_after[["k", "n"]].values.tolist() == demo_before[["k", "n"]].values.tolist()
    # Hand count: JB3 (eigen-kracht) 3 ja of 6, JB7 (veiligheid) 1 ja of 6.
    assert dict(zip(real["jaarbeeld_thema"], zip(real["k"], real["n"]))) == {"eigen-kracht": (3, 6), "veiligheid": (1, 6)}
    assert book.demo is False
    pack = build_pack(book, images=False)
    sheet = openpyxl.load_workbook(io.BytesIO(pack.files["jaarbeeld-2016-cijfers.xlsx"]))["Bevindingen"]
    header = [c.value for c in sheet[1]]
    cells = [row[header.index("tekst")] for row in sheet.iter_rows(min_row=2)]
    assert cells and all(c.data_type == "s" for c in cells)
    assert [c.value for c in cells] == ["'" + evil]
    assert all(c.data_type != "f" for row in sheet.iter_rows() for c in row)
    bron = [row[header.index("bron")].value for row in sheet.iter_rows(min_row=2)]
    assert bron == ["Zie: Eigen rapport Assen (november 2016)"]  # the workbook's Rapport and Publicatiedatum
    csv = pack.files["cijfers/bevindingen.csv"].decode("utf-8-sig")
    assert '"\'=HYPERLINK(""http://voorbeeld.invalid"",""klik"")"' in csv  # one quoted CSV field, apostrophe first
    assert not pack.images and "niet gevraagd" in pack.message
    assert not any(name.startswith("figuren/") for name in pack.files)


def test_cli_refuses_a_year_without_visits_in_dutch(demo_db, tmp_path):
    done = run_cli("jaarbeeld", "--year", "2012", "--out", str(tmp_path / "leeg"), "--db", str(demo_db))
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert "geen bezoeken met veldwerk in 2012" in done.stderr and "2016" in done.stderr
    assert not (tmp_path / "leeg").exists()


@pytest.fixture
def demo_env(demo_db, monkeypatch):
    monkeypatch.setenv("TOEZICHT_DB", str(demo_db))
    from pages.common import connection

    connection.clear()
    yield
    connection().close()
    connection.clear()


def test_jaarbeeld_page_for_2016_shows_themes_charts_and_captions(demo_env, scores, demo_db, monkeypatch):
    monkeypatch.setenv("BROWSER_PATH", "/bestaat/niet/chromium")  # as on a server without Chromium
    stems = expected_stems(scores, demo_db)  # before the app holds the database open
    title, published = raw(demo_db, "SELECT report_title, published_on FROM visit WHERE study_id = 'kg-2017' "
                                     "AND municipality_name = 'Goeree-Overflakkee' AND kind = 'onderzoek'").iloc[0]
    month = ["januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september", "oktober",
             "november", "december"][published.month - 1]
    at = AppTest.from_file(APP, default_timeout=120)
    at.query_params["jaar"] = str(YEAR)
    at.run()
    at.switch_page("pages/jaarbeeld.py").run()
    assert not at.exception
    assert at.title[0].value == "Jaarbeeld"
    assert at.selectbox(key="jaar").value == YEAR
    assert [t.label for t in at.tabs] == list(THEME_NAMES.values())
    charts = at.get("plotly_chart")
    assert len(charts) == len(stems)
    captions = [c.value for c in at.caption if c.value.startswith("**Figuur ")]
    assert [c.split(".**")[0] for c in captions] == [f"**Figuur {n}" for n in range(1, len(stems) + 1)]
    for theme in THEME_ORDER:
        part = scores[scores["theme"] == theme]
        assert any(f"bij {THEME_NAMES[theme]} {int(part['ja'].sum())} van {len(part)} beoordelingen" in c for c in captions)
    text = re.sub(r"\\(.)", r"\1", " ".join(m.value for m in at.markdown))  # as read: workbook text is escaped
    assert f"Zie: {title} ({month} {published.year})" in text
    assert any("Chromium is niet gevonden" in w.value for w in at.warning)
    at.button[0].click().run()
    assert not at.exception
    labels = [b.label for b in at.get("download_button")]
    assert "Download Jaarbeeld-pakket (ZIP)" in labels and "Download concept-document (.docx)" in labels
    assert "PNG" not in labels  # no images without a browser; the data and the document are still offered


def test_a_database_from_before_the_report_columns_gets_them(tmp_path):
    path = tmp_path / "oud.duckdb"
    connect(path).close()
    con = duckdb.connect(str(path))
    con.execute("ALTER TABLE visit DROP COLUMN report_title")
    con.execute("ALTER TABLE visit DROP COLUMN published_on")
    assert "report_title" not in [r[0] for r in con.execute("DESCRIBE visit").fetchall()]
    con.close()
    con = connect(path)
    try:
        columns = {r[0]: r[1] for r in con.execute("DESCRIBE visit").fetchall()}
    finally:
        con.close()
    assert columns["report_title"] == "VARCHAR" and columns["published_on"] == "DATE"
