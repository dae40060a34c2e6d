"""The draft visit report and the study's summarising report as a document (DESIGN §13).

Content comes from metrics.report, figures from charts.print (the print house style) as PNG through kaleido, the
layout from a .docx template the organisation owns: the shipped data/sjablonen/rapport.docx, another one named by
TOEZICHT_SJABLOON_RAPPORT, `--sjabloon` or an upload on the Rapport page.
"""

from __future__ import annotations

import datetime as dt
import os
import threading
import warnings
from contextlib import contextmanager
from pathlib import Path

from charts.print import PRESETS, compliance_bars
from documents.render import render_docx
from metrics.report import Report
from reference.dutch import dutch_date
from reference.paths import DATA_DIR
from reference.vocab import SMALL_N, SMALL_N_NOTE

DEFAULT_TEMPLATE = DATA_DIR / "sjablonen" / "rapport.docx"
TEMPLATE_ENV = "TOEZICHT_SJABLOON_RAPPORT"
ORGANISATION = "Toezicht Sociaal Domein"
REQUIRED = {"titel", "status", "themas"}
PLACEHOLDERS = {
    "organisatie": "naam van de organisatie",
    "titel": "titel van het rapport (onderzoek en gemeente)",
    "ondertitel": "soort bezoek en veldwerkdatum, of het aantal gemeenten",
    "status": "'Concept' tot het bezoek is gepubliceerd (ook in de kopregel)",
    "status_toelichting": "waarom het rapport een concept is",
    "herkomst": "demodata of eigen gegevens, en de aanmaakdatum",
    "voettekst": "voettekst op elke pagina",
    "inleiding": "lijst alinea's van de Inleiding",
    "themas": "per thema: naam, gaat_goed, kan_beter, zorgpunten, zinnen, samenvatting, figuur, bijschrift",
    "conclusie": "gemarkeerde plek voor de conclusie van de inspecteur",
    "aanbevelingen": "per aanbeveling: nr, tekst, status",
    "vervolg_tekst": "de hertoets en de verandering, of dat er geen is",
    "vervolg_rijen": "per indicator: indicator, label, van, naar, verschil, interval, uitspraak",
    "kader_bron": "bron van het toezichtkader",
    "kader": "per indicator: thema, nieuw_thema, code, tekst, operationalisering(_herkomst), beslisregel(_herkomst)",
    "tabel_toelichting": "uitleg bij de cijfertabel",
    "tabel": "per indicator (en gemeente): gemeente, indicator, label, oordeel, percentage, interval, nvt, "
             "onbekend, benchmark, vergelijking, klein",
}
_KALEIDO_LOCK = threading.RLock()  # one kaleido server per process: one report renders its figures at a time
_WARM = threading.Event()


def template_bytes(path: str | Path | None = None) -> tuple[bytes, str]:
    """(template bytes, its name): the given path, else TOEZICHT_SJABLOON_RAPPORT, else the shipped default."""
    from documents.render import read_template

    return read_template(path, TEMPLATE_ENV, DEFAULT_TEMPLATE)


def figures(report: Report):
    """Per theme with dossier-level figures: (theme index, plotly figure, caption), numbered in order."""
    out = []
    number = 0
    for index, theme in enumerate(report.themes):
        frame = theme.figure_rows
        if frame is None or frame.empty:
            continue
        number += 1
        if report.kind == "samenvattend":  # one bar per indicator and municipality
            frame = frame.sort_values(["indicator", "gemeente"], key=_framework_order(report))
            frame = frame.assign(naam=frame["indicator"] + " " + frame["gemeente"])
        else:
            frame = frame.assign(naam=frame["indicator"] + " " + frame["label"])
        where = report.municipality or "alle gemeenten"
        title = f"Naleving per indicator, {theme.name}"
        if report.visit_date:
            subtitle = f"{where}, {report.visit_kind} {dutch_date(report.visit_date)}"
        else:
            subtitle = f"{report.study_name}, {report.subtitle}"
        source = f"Bron: {report.study_name}; percentage met 95%-interval (Wilson), k van n beoordeelde dossiers"
        fig = compliance_bars(frame, "naam", number, title, subtitle, source, PRESETS["twee-kolommen"], "#1F4E79")
        caption = f"Figuur {number}. {title} ({where}). Balk: aandeel dossiers dat voldoet; streep: 95%-interval"
        caption += f"; lichte balk: {SMALL_N_NOTE}." if (frame["n"] < SMALL_N).any() else "."
        out.append((index, fig, caption))
    return out


def _kaleido_available() -> str:
    """'' when PNG export can work here, else a Dutch reason (checked first: a kaleido server without a browser
    dies in its thread and later calls hang)."""
    try:
        import kaleido  # noqa: F401
        from choreographer.browsers.chromium import Chromium
    except ImportError:
        return "kaleido is niet geïnstalleerd"
    try:
        found = Chromium.find_browser(skip_local=False)
    except Exception:  # noqa: BLE001 — a broken lookup is the same as none found
        found = None
    return "" if found and os.access(found, os.X_OK) else "Chromium is niet gevonden op de server"


@contextmanager
def image_server():
    """Keep kaleido's browser running for the block. It starts in the background, so it warms up while the caller
    gathers the report's content; figure_pngs inside the block then uses it.

    kaleido's server is one per process: the Jaarbeeld pack's image_server owns its lifecycle and lock, so a report
    and a pack made at the same time in the app take turns instead of stopping each other's browser."""
    if _kaleido_available():
        yield
        return
    from jaarbeeld.pack import image_server as shared_server

    with _KALEIDO_LOCK, shared_server():
        _WARM.set()
        try:
            yield
        finally:
            _WARM.clear()


def _framework_order(report: Report):
    """Sort key: indicators in the framework's order (so "10" follows "9"), other columns as they are."""
    position = {item.code: n for n, item in enumerate(report.framework_items)}
    return lambda column: column.map(position) if column.name == "indicator" else column


def figure_pngs(figs) -> tuple[list[bytes | None], str]:
    """PNG per figure through kaleido (200 dpi at print width), or Nones and a Dutch reason when it cannot."""
    if not figs:
        return [], ""
    reason = _kaleido_available()
    if reason:
        return [None] * len(figs), reason
    import plotly.io as pio

    if not _WARM.is_set():
        with image_server():
            return figure_pngs(figs)
    scale = PRESETS["twee-kolommen"].png_scale / 1.5  # 200 dpi: sharp on paper, small in the file
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # plotly warns that per-call options go unused with a server running
        try:
            return [pio.to_image(fig, format="png", scale=scale) for _, fig, _ in figs], ""
        except Exception as exc:  # noqa: BLE001 — no images is a note in the document, never a failure
            return [None] * len(figs), f"de afbeeldingen konden niet worden gemaakt ({type(exc).__name__})"


def context(report: Report, figs=(), image_note: str = "") -> dict:
    """The template's placeholders filled from the report (plain strings, lists and dicts)."""
    captions = {index: caption for index, _, caption in figs}
    themes = []
    for index, t in enumerate(report.themes):
        sentences = [i.sentence for i in t.indicators]
        caption = captions.get(index, "")
        if caption and image_note:
            caption = f"[{caption} Afbeelding ontbreekt: {image_note}.]"
        themes.append({
            "naam": t.name, "code": t.code, "gaat_goed": list(t.gaat_goed),
            "kan_beter": list(t.zorgpunten) + list(t.kan_beter), "zorgpunten": list(t.zorgpunten),
            "zinnen": sentences, "samenvatting": t.summary, "figuur": "", "bijschrift": caption,
        })
    if report.follow_up:
        follow_text, follow_rows = report.follow_up.text, report.follow_up.rows
    elif report.kind == "samenvattend":
        follow_text, follow_rows = "Het vervolg staat in de rapporten per gemeente.", []
    else:
        follow_text, follow_rows = ("Er is (nog) geen hertoets vastgelegd. [Inspecteur: vermeld hier of een "
                                    "hertoets is gepland, en wanneer.]"), []
    kader, previous = [], None
    for item in report.framework_items:
        kader.append({
            "thema": item.theme, "nieuw_thema": item.theme != previous, "code": item.code, "tekst": item.text,
            "label": item.label, "criterium": item.criterion,
            "operationalisering": item.operationalisation or "–",
            "operationalisering_herkomst": item.operationalisation_note,
            "beslisregel": item.decision_rule or "–", "beslisregel_herkomst": item.decision_rule_note,
        })
        previous = item.theme
    made = dutch_date(dt.date.today())
    source = "DEMODATA: fictief, behalve de gepubliceerde cijfers" if report.demo else "eigen gegevens"
    return {
        "organisatie": ORGANISATION,
        "titel": report.title,
        "ondertitel": report.subtitle,
        "status": report.status,
        "status_toelichting": report.status_note,
        "herkomst": f"Gemaakt op {made} uit de gegevens ({source}). Cijfers, bevindingen en aanbevelingen komen uit "
                    "de database; conclusie en verdere tekst zijn van de inspecteur.",
        "voettekst": f"{report.status} · {report.title} · gemaakt {made}",
        "inleiding": list(report.introduction),
        "themas": themes,
        "conclusie": report.conclusion,
        "aanbevelingen": [{"nr": r.nr, "tekst": r.text, "status": r.status} for r in report.recommendations],
        "vervolg_tekst": follow_text,
        "vervolg_rijen": follow_rows,
        "kader_bron": f"Toezichtkader '{report.framework_name}' ({report.framework}).",
        "kader": kader,
        "tabel_toelichting": ("k van n: aantal dossiers dat voldoet van het aantal beoordeelde; nvt en onbekend "
                              "tellen niet mee. Onderzoek: alle gemeenten van dit onderzoek samen. Vergelijking: "
                              "het 95%-interval ligt boven (beter), om (vergelijkbaar) of onder (slechter) dat "
                              "cijfer."),
        "tabel": list(report.table),
    }


def report_docx(report: Report, template: bytes | None = None, template_name: str = "rapport.docx",
                images: bool = True) -> bytes:
    """The report as .docx bytes from `template` (default: see template_bytes)."""
    if template is None:
        template, template_name = template_bytes()
    figs = figures(report) if images else []
    pngs, note = figure_pngs(figs) if figs else ([], "")
    ctx = context(report, figs, note)
    pictures = {f"themas.{index}.figuur": png for (index, _, _), png in zip(figs, pngs) if png}
    return render_docx(template, ctx, pictures, required=REQUIRED, name=template_name)
