"""The draft report (DESIGN §13): its sentences on the published figures and on a hand-built workbook, the template
check, and the document as a reader sees it (LibreOffice → PDF → pdftotext)."""

from __future__ import annotations

import datetime as dt
import os
import io
import shutil
import subprocess
import zipfile

import duckdb
import pytest

import sys

from conftest import REPO, do_import, make_workbook
from demo_db import demo_database
from documents.render import TemplateError, check_template, convert, render_docx
from documents.report import DEFAULT_TEMPLATE, PLACEHOLDERS, REQUIRED, context, report_docx
from metrics.report import ReportChoiceError, study_report, visit_report

TT3_GO = "In 2 van de 14 onderzochte dossiers waren de veiligheidsrisico's voor de kinderen aantoonbaar en tijdig ingeschat."
TT1_GO = "In 4 van de 14 onderzochte dossiers was de hulpvraag in dialoog met het gezin geformuleerd."
VT1_NIJMEGEN = "In 5 van de 10 onderzochte dossiers was de benodigde informatie vanuit Veilig Thuis aan de professional overgedragen."


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    con = duckdb.connect(str(demo_database(tmp_path_factory)), read_only=True)
    yield con
    con.close()


def _sentences(report) -> dict[str, str]:
    return {i.code: i.sentence for t in report.themes for i in t.indicators}


def test_published_figures_in_the_frameworks_words(demo):
    report = visit_report(demo, "kg-2017", "Goeree-Overflakkee")
    sentences = _sentences(report)
    assert sentences["TT3"].startswith(TT3_GO)
    assert sentences["TT1"].startswith(TT1_GO)
    assert report.visit_kind == "onderzoek" and report.status == "Gepubliceerd"  # demo visits count as published
    assert "14 dossiers onderzocht" in " ".join(report.introduction)
    # The hertoets later in 2017 is the Vervolg, with Newcombe's interval per indicator.
    assert report.follow_up is not None and "hertoets" in report.follow_up.text
    tt3 = next(r for r in report.follow_up.rows if r["indicator"] == "TT3")
    assert tt3["van"] == "2 van 14"
    nijmegen = visit_report(demo, "vt-2019", "Nijmegen")
    assert _sentences(nijmegen)["1"].startswith(VT1_NIJMEGEN)


def test_unknown_visit_is_a_dutch_message(demo):
    with pytest.raises(ReportChoiceError, match="Bezoeken: 11-10-2016 \\(onderzoek\\); 20-04-2017 \\(hertoets\\)"):
        visit_report(demo, "kg-2017", "Goeree-Overflakkee", dt.date(2017, 1, 1))


def _hand_built(tmp_path, db):
    """Two municipalities of an own study on kg-2017, counted by hand:
    TT1 Houten 1 van 10 (Wilson 2%–40%), Ede 20 van 20 (84%–100%), study 21 van 30 = 70%;
    TT3 Houten 2 ja, 1 nee, 1 nvt, 1 onbekend, 5 empty; Ede 10 ja 10 nee; study 12 van 23 = 52%."""
    houten = [["Dossier", "TT1", "TT3"]]
    tt3 = ["ja", "ja", "nee", "nvt", "onbekend", None, None, None, None, None]
    for i in range(10):
        houten.append([f"H-{i + 1:02d}", "ja" if i == 0 else "nee", tt3[i]])
    ede = [["Dossier", "TT1", "TT3"]] + [[f"E-{i + 1:02d}", "ja", "ja" if i < 10 else "nee"] for i in range(20)]
    meta = {"Onderzoek": "eigen-rt", "Kader": "kg-2017", "Datum": dt.datetime(2018, 3, 5), "Soort": "onderzoek",
            "Samenvattend rapport": "Samenvattend rapport Eigen toets"}
    extra = {
        "Bevindingen": [["Thema", "Soort", "Tekst"], ["TT", "kan beter", "<b>Kinderen</b> worden niet gesproken =1+1"],
                        ["TT", "gaat goed", "Korte lijnen met de huisarts."]],
        "Aanbevelingen": [["Nr", "Tekst", "Status"], [1, "Spreek ook met de kinderen.", "open"]],
    }
    do_import(db, make_workbook(tmp_path / "houten.xlsx", meta | {"Gemeente": "Houten"}, houten, extra_sheets=extra))
    do_import(db, make_workbook(tmp_path / "ede.xlsx", meta | {"Gemeente": "Ede"}, ede))


def test_hand_built_workbook_sentences(tmp_path, db):
    _hand_built(tmp_path, db)
    houten = visit_report(db, "eigen-rt", "Houten", demo=False)
    s = _sentences(houten)
    assert s["TT1"] == ("In 1 van de 10 onderzochte dossiers was de hulpvraag in dialoog met het gezin geformuleerd. "
                        "Dat is lager dan in de andere gemeenten van dit onderzoek.")
    assert s["TT3"] == ("In 2 van de 3 beoordeelde dossiers waren de veiligheidsrisico's voor de kinderen aantoonbaar en "
                        "tijdig ingeschat. Dit is een klein aantal (minder dan 5 beoordeelde dossiers): het percentage "
                        "zegt weinig. Niet meegeteld: 1 dossier niet van toepassing en 1 dossier onbekend (niet te "
                        "beoordelen).")
    theme = houten.themes[0]
    assert theme.kan_beter == ["<b>Kinderen</b> worden niet gesproken =1+1"]
    assert theme.gaat_goed == ["Korte lijnen met de huisarts."]
    assert [(r.nr, r.text) for r in houten.recommendations] == [(1, "Spreek ook met de kinderen.")]
    assert houten.follow_up is None
    ede = _sentences(visit_report(db, "eigen-rt", "Ede", demo=False))
    assert ede["TT1"] == ("In alle 20 onderzochte dossiers was de hulpvraag in dialoog met het gezin geformuleerd. "
                          "Dat is hoger dan in de andere gemeenten van dit onderzoek.")
    assert ede["TT3"] == ("In 10 van de 20 onderzochte dossiers waren de veiligheidsrisico's voor de kinderen "
                          "aantoonbaar en tijdig ingeschat.")
    summary = study_report(db, "eigen-rt", demo=False)
    pooled = _sentences(summary)
    assert pooled["TT1"].startswith("In 21 van de 30 onderzochte dossiers van alle gemeenten samen was de hulpvraag")
    assert "Lager dan in de andere gemeenten van dit onderzoek: Houten." in pooled["TT1"]
    assert "Hoger dan in de andere gemeenten van dit onderzoek: Ede." in pooled["TT1"]
    assert summary.municipalities == ["Ede", "Houten"]
    assert summary.title == "Samenvattend rapport Eigen toets"  # the workbook's key names the summarising report


def test_summary_appendix_table_counted_by_hand(tmp_path, db):
    """Bijlage 2 of the summarising report: a row per municipality × indicator, in the words and figures of the
    hand-built study (see _hand_built's counts; Wilson bounds rounded to whole percents)."""
    _hand_built(tmp_path, db)
    table = study_report(db, "eigen-rt", demo=False).table
    rows = {(r["gemeente"], r["indicator"]): r for r in table}
    assert set(rows) == {("Houten", "TT1"), ("Houten", "TT3"), ("Ede", "TT1"), ("Ede", "TT3")}
    assert rows[("Ede", "TT1")] == {"gemeente": "Ede", "indicator": "TT1", "label": rows[("Ede", "TT1")]["label"],
                                    "oordeel": "20 van 20", "percentage": "100%", "interval": "84%–100%", "nvt": 0,
                                    "onbekend": 0, "benchmark": "70%", "vergelijking": "beter", "klein": ""}
    houten_tt1 = rows[("Houten", "TT1")]
    assert (houten_tt1["oordeel"], houten_tt1["percentage"], houten_tt1["interval"], houten_tt1["benchmark"],
            houten_tt1["vergelijking"], houten_tt1["klein"]) == ("1 van 10", "10%", "2%–40%", "70%", "slechter", "")
    houten_tt3 = rows[("Houten", "TT3")]  # 2 ja, 1 nee: 2 of 3 (Wilson 21%–94%), a small number; study 12 of 23
    assert (houten_tt3["oordeel"], houten_tt3["percentage"], houten_tt3["interval"], houten_tt3["nvt"],
            houten_tt3["onbekend"], houten_tt3["benchmark"], houten_tt3["vergelijking"], houten_tt3["klein"]) == (
        "2 van 3", "67%", "21%–94%", 1, 1, "52%", "vergelijkbaar", "klein aantal")
    assert rows[("Ede", "TT3")]["oordeel"] == "10 van 20" and rows[("Ede", "TT3")]["interval"] == "30%–70%"


def metrics_cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "metrics", *args], cwd=REPO, capture_output=True, text=True, timeout=300)


def _pdf_text(docx: bytes) -> tuple[str, int]:
    pdf = convert(docx, "pdf")
    text = subprocess.run(["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True).stdout.decode()
    pages = text.count("\f")
    return " ".join(text.split()), pages


def test_document_as_a_reader_sees_it(tmp_path, db):
    _hand_built(tmp_path, db)
    report = visit_report(db, "eigen-rt", "Houten", demo=False)
    docx = report_docx(report, images=False)
    text, pages = _pdf_text(docx)
    assert "Concept" in text
    assert "In 1 van de 10 onderzochte dossiers was de hulpvraag in dialoog met het gezin geformuleerd." in text
    assert "<b>Kinderen</b> worden niet gesproken =1+1" in text  # literal, not bold, not a formula
    assert "1. Spreek ook met de kinderen." in text
    assert "Bijlage 1 Toezichtkader" in text and "Beslisregel: Positief als" in text
    assert "{{" not in text and "{%" not in text
    assert 5 <= pages <= 12, pages


def test_cli_writes_odt_with_figures(tmp_path, tmp_path_factory):
    out = tmp_path / "go.odt"
    db = tmp_path / "demo.duckdb"
    shutil.copyfile(demo_database(tmp_path_factory), db)
    done = metrics_cli("rapport", "--db", str(db), "--onderzoek", "kg-2017", "--gemeente",
                   "Goeree-Overflakkee", "--datum", "11-10-2016", "--out", str(out))
    assert done.returncode == 0, done.stdout + done.stderr
    with zipfile.ZipFile(out) as zf:
        assert zf.read("mimetype") == b"application/vnd.oasis.opendocument.text"
        content = zf.read("content.xml").decode()
        assert sum(n.startswith("Pictures/") for n in zf.namelist()) == 2  # TT and IZ have dossier indicators
    assert "In 2 van de 14 onderzochte dossiers waren de veiligheidsrisico" in content
    assert "Figuur 1." in content and "Figuur 2." in content
    bad = metrics_cli("rapport", "--db", str(db), "--onderzoek", "kg-2017", "--gemeente",
                  "Goeree-Overflakkee", "--out", str(tmp_path / "x.docx"), "--sjabloon", str(tmp_path / "geen.docx"))
    assert bad.returncode == 1 and "Sjabloon" in bad.stderr and "Traceback" not in bad.stderr


def _template_with(text: str) -> bytes:
    from docx import Document

    doc = Document()
    doc.add_paragraph(text)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def test_template_check_names_the_placeholder(demo):
    ctx = context(visit_report(demo, "vt-2019", "Nijmegen"))
    assert set(ctx) == set(PLACEHOLDERS)
    check_template(DEFAULT_TEMPLATE.read_bytes(), set(ctx), REQUIRED, "rapport.docx")
    with pytest.raises(TemplateError, match=r"onbekende plaatshouder\(s\): \{\{ logo_gemeente \}\}"):
        render_docx(_template_with("{{ status }} {{ titel }} {% for t in themas %}{% endfor %} {{ logo_gemeente }}"),
                    ctx, required=REQUIRED, name="eigen.docx")
    with pytest.raises(TemplateError, match=r"verplichte plaatshouder\(s\) ontbreken: \{\{ status \}\}"):
        render_docx(_template_with("{{ titel }} {% for t in themas %}{% endfor %}"), ctx, required=REQUIRED)
    with pytest.raises(TemplateError, match="fout in een"):
        render_docx(_template_with("{{ titel }"), ctx, required=REQUIRED)
    with pytest.raises(TemplateError, match="geen Word-document"):
        render_docx(b"hallo", ctx, required=REQUIRED)


def test_an_organisations_template_from_the_environment(tmp_path, tmp_path_factory):
    own = tmp_path / "huisstijl.docx"
    own.write_bytes(_template_with("EIGEN HUISSTIJL {{ status }}: {{ titel }} {% for t in themas %}[{{ t.naam }}]{% endfor %}"))
    db = tmp_path / "demo.duckdb"
    shutil.copyfile(demo_database(tmp_path_factory), db)
    out = tmp_path / "nijmegen.docx"
    done = subprocess.run([sys.executable, "-m", "metrics", "rapport", "--db", str(db), "--onderzoek", "vt-2019",
                           "--gemeente", "Nijmegen", "--out", str(out), "--zonder-afbeeldingen"], cwd=REPO,
                          capture_output=True, text=True, timeout=300, env=os.environ | {"TOEZICHT_SJABLOON_RAPPORT": str(own)})
    assert done.returncode == 0, done.stderr
    with zipfile.ZipFile(out) as zf:
        body = zf.read("word/document.xml").decode()
    assert "EIGEN HUISSTIJL Gepubliceerd: Het lokale netwerk na Veilig Thuis (demo) in Nijmegen" in body
    assert "[Maatregelen voor herstel directe veiligheid]" in body


def test_the_shipped_jaarbeeld_template_passes_its_check():
    from jaarbeeld.document import DEFAULT_TEMPLATE as JAARBEELD, PLACEHOLDERS as JB, REQUIRED as JB_REQUIRED

    check_template(JAARBEELD.read_bytes(), set(JB), JB_REQUIRED, "jaarbeeld.docx")


def test_published_visit_is_no_longer_concept(tmp_path, db):
    """A visit's report is Concept until the visit is published (loaders.set_publication, as Beheer and the CLI do)."""
    from loaders import set_publication

    _hand_built(tmp_path, db)
    assert visit_report(db, "eigen-rt", "Houten", demo=False).status == "Concept"
    set_publication(db, "eigen-rt", "vastgesteld", "test", municipality="Houten")
    assert visit_report(db, "eigen-rt", "Houten", demo=False).status == "Concept"
    set_publication(db, "eigen-rt", "gepubliceerd", "test", municipality="Houten")
    assert visit_report(db, "eigen-rt", "Houten", demo=False).status == "Gepubliceerd"
    assert visit_report(db, "eigen-rt", "Ede", demo=False).status == "Concept"


def test_unworded_framework_quotes_its_text_and_derived_fields_say_so(tmp_path, monkeypatch):
    from metrics import report_wording
    from metrics.report import indicator_sentence

    folder = tmp_path / "kaders"
    folder.mkdir()
    (folder / "eigen.toml").write_text(
        'id = "eigen-kader"\nnaam = "Eigen"\nschaal = "binair"\n[[themas]]\ncode = "A"\nnaam = "A"\n'
        '[[indicatoren]]\ncode = "A1"\nthema = "A"\nniveau = "dossier"\ntekst = "Er is een plan."\n'
        'beslisregel = "Positief als er een plan is."\nbeslisregel_herkomst = "afgeleid"\n'
        'operationalisatie_herkomst = "kader"\n', encoding="utf-8")
    monkeypatch.setenv("TOEZICHT_KADERS", str(folder))
    report_wording._raw_framework_files.cache_clear()
    try:
        assert indicator_sentence("eigen-kader", "A1", "Er is een plan.", 3, 7, 0, 0, "") == (
            "In 3 van de 7 onderzochte dossiers werd voldaan aan indicator A1 (‘Er is een plan’).")
        assert report_wording.provenance_note("eigen-kader", "A1", "beslisregel") == "afgeleid — niet uit het gepubliceerde kader"
        assert report_wording.provenance_note("eigen-kader", "A1", "operationalisatie") == ""
        assert report_wording.provenance_note("kg-2017", "TT1", "beslisregel") in ("", "afgeleid — niet uit het gepubliceerde kader")
    finally:
        monkeypatch.delenv("TOEZICHT_KADERS")
        report_wording._raw_framework_files.cache_clear()


def test_without_libreoffice_odt_is_a_dutch_message(tmp_path, tmp_path_factory):
    db = tmp_path / "demo.duckdb"
    shutil.copyfile(demo_database(tmp_path_factory), db)
    done = subprocess.run([sys.executable, "-m", "metrics", "rapport", "--db", str(db), "--onderzoek", "vt-2019",
                           "--gemeente", "Nijmegen", "--out", str(tmp_path / "n.odt"), "--zonder-afbeeldingen"],
                          cwd=REPO, capture_output=True, text=True, timeout=300,
                          env=os.environ | {"PATH": str(tmp_path / "leeg")})
    assert done.returncode == 1
    assert "LibreOffice is niet geïnstalleerd" in done.stderr and "Traceback" not in done.stderr
    assert not (tmp_path / "n.odt").exists()
