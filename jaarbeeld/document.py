"""The draft Jaarbeeld document (.docx, python-docx) for the author to edit: per Jaarbeeld-thema, in the order of
Jaarbeeld 2016, the risks from the year's findings with their sources, the figures with captions, the framework
items and a start for "Kansen"; the year's products and visits at the end."""

from __future__ import annotations

import datetime as dt
import io

from docx import Document
from docx.enum.text import WD_BREAK
from docx.shared import Cm, Pt, RGBColor

from charts.print import PRESETS, period_text
from charts.style import dutch_date
from jaarbeeld.content import FigureSpec, ThemeSection, Yearbook

GREY = RGBColor(0x55, 0x55, 0x55)


def _hex(colour: str) -> RGBColor:
    return RGBColor.from_string(colour.lstrip("#").upper())


def _note(doc, text: str, italic: bool = True, size: float = 9, colour: RGBColor = GREY):
    p = doc.add_paragraph()
    run = p.add_run(text.replace("\u00a0", " "))
    run.italic, run.font.size, run.font.color.rgb = italic, Pt(size), colour
    return p


def _figure(doc, spec: FigureSpec, png: bytes | None) -> None:
    """The figure (or a placeholder), then 'Figuur N. Titel', the caption and the source line."""
    if png:
        doc.add_picture(io.BytesIO(png), width=Cm(PRESETS[spec.preset].width_mm / 10))
    else:
        _note(doc, f"[Figuur {spec.number}: afbeelding niet beschikbaar in dit concept — de cijfers staan in "
                   f"cijfers/{spec.stem}.csv en op blad 'Figuur {spec.number}' van de XLSX]")
    caption = doc.add_paragraph(style="Caption")
    caption.add_run(f"Figuur {spec.number}. {spec.title}").bold = True
    doc.add_paragraph(spec.caption.replace("\u00a0", " "))
    _note(doc, spec.source)


def _findings(doc, frame, empty: str) -> None:
    if frame.empty:
        _note(doc, empty)
        return
    for row in frame.itertuples():
        p = doc.add_paragraph(style="List Bullet")
        p.add_run(f"{row.soort.capitalize()}: ").bold = True
        p.add_run(row.tekst)
        _note(doc, row.bronnen + f" ({row.koppeling})")


def _section(doc, section: ThemeSection, images: dict[str, bytes], year: int) -> None:
    heading = doc.add_heading(section.name, level=1)
    for run in heading.runs:
        run.font.color.rgb = _hex(section.colour)
    doc.add_heading("Risico's en knelpunten in de praktijk — bevindingen uit het toezicht", level=2)
    _findings(doc, section.risks, f"Geen bevindingen 'kan beter' of 'zorgpunt' bij dit thema in {year}.")
    doc.add_heading("In cijfers", level=2)
    if not section.figures:
        _note(doc, f"Geen dossierbeoordelingen bij dit thema in {year}.")
    for spec in section.figures:
        _figure(doc, spec, images.get(spec.stem))
    doc.add_heading("Toezichtkader", level=2)
    if section.framework_items.empty:
        _note(doc, "Geen indicatoren van de gebruikte toezichtkaders bij dit thema.")
    for kader, items in section.framework_items.groupby("kadernaam", sort=False):
        doc.add_paragraph(kader, style="Heading 3")
        for item in items.itertuples():
            p = doc.add_paragraph(style="List Bullet")
            p.add_run(f"{item.indicator} ").bold = True
            p.add_run(item.tekst if isinstance(item.tekst, str) and item.tekst else item.label)
    doc.add_heading("Kansen: hoe kan het anders?", level=2)
    _note(doc, "[Door de auteur te schrijven. Aanknopingspunten uit wat goed gaat in het toezicht van dit jaar:]")
    _findings(doc, section.goes_well, f"Geen bevindingen 'gaat goed' bij dit thema in {year}.")


def build_document(yearbook: Yearbook, images: dict[str, bytes] | None = None):
    """The python-docx Document of the year's Jaarbeeld (images: figure stem → PNG; missing ones get a placeholder)."""
    images = images or {}
    doc = Document()
    for section in doc.sections:  # A4 with a 17 cm text width: the two-column figures fit exactly
        section.page_width, section.page_height = Cm(21), Cm(29.7)
        section.left_margin = section.right_margin = Cm(2)
    style = doc.styles["Normal"]
    style.font.name, style.font.size = "Arial", Pt(10)
    year = yearbook.year
    doc.add_heading(f"Jaarbeeld {year}", level=0)
    _note(doc, f"Toezicht Sociaal Domein — concept, gegenereerd op {dutch_date(dt.date.today())} uit de gegevens "
               + ("(DEMODATA: fictief, behalve de gepubliceerde cijfers)" if yearbook.demo else "(eigen gegevens)")
               + ". Cijfers, bijschriften en bronnen komen uit de database; de tekst is van de auteur.", size=10)
    doc.add_heading(f"Toezicht in {year}", level=1)
    studies = yearbook.studies
    if studies.empty:
        doc.add_paragraph(f"Geen onderzoeken met veldwerk in {year}.")
    for row in studies.itertuples():
        doc.add_paragraph(
            f"{row.onderzoeksnaam}: {row.gemeenten} gemeenten, {row.bezoeken} bezoeken, {row.dossiers} dossiers; "
            f"veldwerk {period_text(row.eerste_bezoek, row.laatste_bezoek)}.".replace("\u00a0", " "),
            style="List Bullet")
    doc.add_paragraph(
        "Naleving is het aandeel beoordeelde dossiers dat aan een indicator voldoet (k van n; 'niet van toepassing' "
        "en 'onbekend' tellen niet mee), met een 95%-betrouwbaarheidsinterval (Wilson). Elk thema telt de indicatoren "
        "die in de toezichtkaders aan dat Jaarbeeld-thema zijn gekoppeld.")
    if yearbook.overview:
        _figure(doc, yearbook.overview, images.get(yearbook.overview.stem))
    for section in yearbook.sections:
        doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
        _section(doc, section, images, year)
    doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
    doc.add_heading(f"Producten {year}", level=1)
    reports = yearbook.reports
    if reports.empty:
        _note(doc, f"Geen rapporten met een publicatiedatum in {year} vastgelegd (sleutels Rapport en "
                   "Publicatiedatum op het blad Onderzoek).")
    for n, row in enumerate(reports.itertuples(), 1):
        doc.add_paragraph(f"{row.rapport} ({row.publicatie})", style="List Number")
    doc.add_heading(f"Bezoeken {year}", level=2)
    visits = yearbook.visits[yearbook.visits["veldwerk_dit_jaar"]]
    table = doc.add_table(rows=1, cols=5)
    table.style = "Light List Accent 1"
    for cell, text in zip(table.rows[0].cells, ["Onderzoek", "Gemeente", "Soort", "Datum", "Rapport"]):
        cell.text = text
    for row in visits.itertuples():
        cells = table.add_row().cells
        values = [row.onderzoeksnaam, row.gemeente + (f" ({row.team})" if row.team else ""), row.soort,
                  dutch_date(row.datum), row.rapport if isinstance(row.rapport, str) else ""]
        for cell, text in zip(cells, values):
            cell.text = str(text)
    return doc


def document_bytes(yearbook: Yearbook, images: dict[str, bytes] | None = None) -> bytes:
    """The draft document as .docx bytes."""
    buffer = io.BytesIO()
    build_document(yearbook, images).save(buffer)
    return buffer.getvalue()
