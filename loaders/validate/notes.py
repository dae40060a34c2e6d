"""The remark and finding sheets of a workbook: Toelichting, Bevindingen, Aanbevelingen."""

from __future__ import annotations

import pandas as pd

from loaders.problems import cell_ref
from loaders.read import Workbook
from loaders.validate.collector import Collector
from loaders.validate.model import FINDING_COLS, RECOMMENDATION_COLS, REMARK_COLS, frame
from loaders.validate.rules import match_indicator, unknown_indicator
from loaders.validate.sheets import data_rows, find_header, get, header_columns
from reference.frameworks import Framework
from reference.vocab import FINDING_KINDS, RECOMMENDATION_STATUSES, cell_text, safe_echo

MAX_RECOMMENDATION = 9999


def _text_sheet(wb: Workbook, sheet_name: str, first: str, labels: str, text_column: str, text_at: int, out: Collector):
    """The sheet, its header row and columns; None (after reporting a missing header or text column) when absent."""
    sheet = wb.sheet(sheet_name)
    if sheet is None:
        return None
    h = find_header(sheet, first.lower())
    if h is None:
        out.error(sheet.name, "A1", f"geen kopregel gevonden: de eerste kolomkop moet '{first}' zijn (kolommen {labels}).")
        return None
    cols = header_columns(sheet, h)
    if text_column.lower() not in cols:
        out.error(sheet.name, cell_ref(h, text_at), f"kolom '{text_column}' ontbreekt.")
        return None
    return sheet, h, cols


def stage_remarks(wb: Workbook, fw: Framework, out: Collector, visit_for, dossiers: pd.DataFrame) -> pd.DataFrame:
    found = _text_sheet(wb, "Toelichting", "Dossier", "Dossier, Indicator, Toelichting", "Toelichting", 2, out)
    if found is None:
        return frame([], REMARK_COLS)
    sheet, h, cols = found
    name = sheet.name
    rows = []
    known: dict[str, list[int]] = {}
    for vk, did in zip(dossiers["vkey"], dossiers["dossier_id"]):
        known.setdefault(did, []).append(vk)
    dj, ij, tj, gj = cols["dossier"], cols.get("indicator"), cols["toelichting"], cols.get("gemeente")
    for r, row in data_rows(sheet, h):
        text = cell_text(get(row, tj))
        did = cell_text(get(row, dj))
        if not text:
            continue
        if gj is not None and cell_text(get(row, gj)):
            vk = visit_for(get(row, gj), name, r, gj)
            candidates = [vk] if vk is not None and vk in known.get(did, []) else []
        else:
            candidates = known.get(did, [])
        if len(candidates) != 1:
            what = "komt in meer dan één gemeente voor; vul kolom Gemeente in" if len(candidates) > 1 else "staat niet op blad Dossiers"
            out.error(name, cell_ref(r, dj), f"dossier '{safe_echo(did)}' {what}.")
            continue
        code = None
        t = cell_text(get(row, ij))
        if t:
            ind = match_indicator(t, fw)
            if ind is None:
                out.error(name, cell_ref(r, ij), unknown_indicator(t, fw))
                continue
            code = ind.code
        rows.append((candidates[0], did, code, text))
    return frame(rows, REMARK_COLS)


def stage_findings(wb: Workbook, fw: Framework, out: Collector, visit_for) -> pd.DataFrame:
    sheet = wb.sheet("Bevindingen")
    if sheet is None:
        return frame([], FINDING_COLS)
    name = sheet.name
    h = next((r for r in (find_header(sheet, "thema"), find_header(sheet, "indicator"), find_header(sheet, "soort")) if r is not None), None)
    if h is None:
        out.error(name, "A1", "geen kopregel gevonden (kolommen Thema of Indicator, Soort, Tekst).")
        return frame([], FINDING_COLS)
    cols = header_columns(sheet, h)
    missing = [c for c in ("soort", "tekst") if c not in cols]
    if missing:
        out.error(name, cell_ref(h, 0), f"kolom(men) {', '.join(missing)} ontbreken (kolommen Thema of Indicator, Soort, Tekst).")
        return frame([], FINDING_COLS)
    themes = {t.code.lower(): t.code for t in fw.themes} | {t.name.lower(): t.code for t in fw.themes}
    rows = []
    for r, row in data_rows(sheet, h):
        text = cell_text(get(row, cols["tekst"]))
        kind = cell_text(get(row, cols["soort"])).lower()
        if not text:
            out.error(name, cell_ref(r, cols["tekst"]), "bevinding zonder tekst.")
            continue
        if kind not in FINDING_KINDS:
            out.error(name, cell_ref(r, cols["soort"]), f"soort '{safe_echo(kind)}' is niet toegestaan; kies {', '.join(FINDING_KINDS)}.")
            continue
        theme = ind_code = None
        t = cell_text(get(row, cols.get("thema")))
        if t:
            theme = themes.get(t.lower())
            if theme is None:
                out.error(name, cell_ref(r, cols["thema"]), f"onbekend thema '{safe_echo(t)}'; kies uit {', '.join(x.name for x in fw.themes)}.")
                continue
        t = cell_text(get(row, cols.get("indicator")))
        if t:
            ind = match_indicator(t, fw)
            if ind is None:
                out.error(name, cell_ref(r, cols["indicator"]), unknown_indicator(t, fw))
                continue
            ind_code, theme = ind.code, theme or ind.theme
        gj = cols.get("gemeente")
        vk = visit_for(get(row, gj), name, r, gj if gj is not None else cols["tekst"])
        if vk is not None:
            rows.append((vk, theme, ind_code, kind, text))
    return frame(rows, FINDING_COLS)


def stage_recommendations(wb: Workbook, out: Collector, visit_for) -> pd.DataFrame:
    found = _text_sheet(wb, "Aanbevelingen", "Nr", "Nr, Tekst, Status", "Tekst", 1, out)
    if found is None:
        return frame([], RECOMMENDATION_COLS)
    sheet, h, cols = found
    name = sheet.name
    rows, seen = [], set()
    for r, row in data_rows(sheet, h):
        nr_raw = get(row, cols["nr"])
        try:
            nr = int(float(cell_text(nr_raw).rstrip(".")))
        except (ValueError, OverflowError):
            out.error(name, cell_ref(r, cols["nr"]), f"nummer '{safe_echo(nr_raw)}' is geen geheel getal.")
            continue
        if not 1 <= nr <= MAX_RECOMMENDATION:
            out.error(name, cell_ref(r, cols["nr"]), f"nummer {safe_echo(nr)} ligt niet tussen 1 en {MAX_RECOMMENDATION}.")
            continue
        text = cell_text(get(row, cols["tekst"]))
        if not text:
            out.error(name, cell_ref(r, cols["tekst"]), "aanbeveling zonder tekst.")
            continue
        status = cell_text(get(row, cols.get("status"))).lower() or "open"
        if status not in RECOMMENDATION_STATUSES:
            out.error(name, cell_ref(r, cols["status"]), f"status '{safe_echo(status)}' is niet toegestaan; kies {', '.join(RECOMMENDATION_STATUSES)}.")
            continue
        gj = cols.get("gemeente")
        vk = visit_for(get(row, gj), name, r, gj if gj is not None else cols["nr"])
        if vk is None:
            continue
        if (vk, nr) in seen:
            out.error(name, cell_ref(r, cols["nr"]), f"aanbeveling {nr} staat er twee keer.")
            continue
        seen.add((vk, nr))
        rows.append((vk, nr, text, status))
    return frame(rows, RECOMMENDATION_COLS)
