"""The draft Jaarbeeld document (.docx) for the author to edit: per Jaarbeeld-thema, in the order of Jaarbeeld 2016,
the risks from the year's findings with their sources, the figures with captions, the framework items and a start
for "Kansen"; the year's products and visits at the end.

The layout is a template the organisation owns (data/sjablonen/jaarbeeld.docx, or the file named by
TOEZICHT_SJABLOON_JAARBEELD), filled by documents.render like the visit report; this module only supplies the
placeholders' values."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from charts.print import PRESETS, period_text
from charts.style import dutch_date
from documents.render import read_template, render_docx
from jaarbeeld.content import FigureSpec, ThemeSection, Yearbook
from reference.paths import DATA_DIR

DEFAULT_TEMPLATE = DATA_DIR / "sjablonen" / "jaarbeeld.docx"
TEMPLATE_ENV = "TOEZICHT_SJABLOON_JAARBEELD"
REQUIRED = {"titel", "secties"}
PLACEHOLDERS = ("titel", "jaar", "toelichting", "voettekst", "onderzoeken", "methode", "overzicht", "secties",
                "producten", "producten_leeg", "bezoeken")


def _plain(text: str) -> str:
    return str(text).replace("\u00a0", " ")


def _figure(spec: FigureSpec) -> dict:
    return {
        "afbeelding": "",
        "ontbreekt": (f"[Figuur {spec.number}: afbeelding niet beschikbaar in dit concept — de cijfers staan in "
                      f"cijfers/{spec.stem}.csv en op blad 'Figuur {spec.number}' van de XLSX]"),
        "kop": f"Figuur {spec.number}. {spec.title}",
        "bijschrift": _plain(spec.caption),
        "bron": _plain(spec.source),
    }


def _findings(frame) -> list[dict]:
    if frame.empty:
        return []
    return [{"soort": row.soort.capitalize(), "tekst": row.tekst, "bron": _plain(row.bronnen + f" ({row.koppeling})")}
            for row in frame.itertuples()]


def _section(section: ThemeSection, year: int) -> dict:
    from docxtpl import RichText

    kader = []
    for name, items in section.framework_items.groupby("kadernaam", sort=False) if not section.framework_items.empty else []:
        kader.append({"kadernaam": name, "indicatoren": [
            {"code": item.indicator, "tekst": item.tekst if isinstance(item.tekst, str) and item.tekst else item.label}
            for item in items.itertuples()]})
    return {
        "naam": section.name,
        "kop": RichText(section.name, color=section.colour.lstrip("#").upper()),
        "risicos": _findings(section.risks),
        "risicos_leeg": f"Geen bevindingen 'kan beter' of 'zorgpunt' bij dit thema in {year}.",
        "figuren": [_figure(spec) for spec in section.figures],
        "figuren_leeg": f"Geen dossierbeoordelingen bij dit thema in {year}.",
        "kader": kader,
        "kader_leeg": "Geen indicatoren van de gebruikte toezichtkaders bij dit thema.",
        "goed": _findings(section.goes_well),
        "goed_leeg": f"Geen bevindingen 'gaat goed' bij dit thema in {year}.",
    }


def context(yearbook: Yearbook) -> dict:
    year = yearbook.year
    studies = [_plain(f"{row.onderzoeksnaam}: {row.gemeenten} gemeenten, {row.bezoeken} bezoeken, {row.dossiers} "
                      f"dossiers; veldwerk {period_text(row.eerste_bezoek, row.laatste_bezoek)}.")
               for row in yearbook.studies.itertuples()]
    visits = yearbook.visits[yearbook.visits["veldwerk_dit_jaar"]]
    made = dutch_date(dt.date.today())
    return {
        "titel": f"Jaarbeeld {year}",
        "jaar": year,
        "toelichting": (f"Toezicht Sociaal Domein — concept, gegenereerd op {made} uit de gegevens "
                        + ("(DEMODATA: fictief, behalve de gepubliceerde cijfers)" if yearbook.demo else "(eigen gegevens)")
                        + ". Cijfers, bijschriften en bronnen komen uit de database; de tekst is van de auteur."),
        "voettekst": f"Jaarbeeld {year} · concept · gemaakt {made}",
        "onderzoeken": studies,
        "methode": ("Naleving is het aandeel beoordeelde dossiers dat aan een indicator voldoet (k van n; 'niet van "
                    "toepassing' en 'onbekend' tellen niet mee), met een 95%-betrouwbaarheidsinterval (Wilson). Elk "
                    "thema telt de indicatoren die in de toezichtkaders aan dat Jaarbeeld-thema zijn gekoppeld."),
        "overzicht": _figure(yearbook.overview) if yearbook.overview else None,
        "secties": [_section(s, year) for s in yearbook.sections],
        "producten": [f"{row.rapport} ({row.publicatie})" for row in yearbook.reports.itertuples()],
        "producten_leeg": (f"Geen rapporten met een publicatiedatum in {year} vastgelegd (sleutels Rapport en "
                           "Publicatiedatum op het blad Onderzoek)."),
        "bezoeken": [{"onderzoek": row.onderzoeksnaam, "gemeente": row.gemeente + (f" ({row.team})" if row.team else ""),
                      "soort": row.soort, "datum": dutch_date(row.datum),
                      "rapport": row.rapport if isinstance(row.rapport, str) else ""} for row in visits.itertuples()],
    }


def template_bytes(path: str | Path | None = None) -> tuple[bytes, str]:
    """(template, name): the given path, else TOEZICHT_SJABLOON_JAARBEELD, else the shipped default."""
    return read_template(path, TEMPLATE_ENV, DEFAULT_TEMPLATE)


def document_bytes(yearbook: Yearbook, images: dict[str, bytes] | None = None, template: bytes | None = None,
                   template_name: str = "jaarbeeld.docx") -> bytes:
    """The draft document as .docx bytes (images: figure stem → PNG; missing ones get a placeholder text)."""
    images = images or {}
    if template is None:
        template, template_name = template_bytes()
    ctx = context(yearbook)
    pictures, widths = {}, {}
    if yearbook.overview and yearbook.overview.stem in images:
        pictures["overzicht.afbeelding"] = images[yearbook.overview.stem]
        widths["overzicht.afbeelding"] = PRESETS[yearbook.overview.preset].width_mm
    for i, section in enumerate(yearbook.sections):
        for j, spec in enumerate(section.figures):
            if spec.stem in images:
                key = f"secties.{i}.figuren.{j}.afbeelding"
                pictures[key], widths[key] = images[spec.stem], PRESETS[spec.preset].width_mm
    return render_docx(template, ctx, pictures, required=REQUIRED, name=template_name, image_widths_mm=widths)
