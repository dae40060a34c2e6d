"""Blank scoring workbook for a framework (openpyxl: writing only)."""

from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from reference.frameworks import Framework, shipped_frameworks
from loaders.problems import LoaderError
from reference.vocab import FINDING_KINDS, RECOMMENDATION_STATUSES, SCALE_VOCAB

TEMPLATE_ROWS = 500  # rows with drop-down lists below the header
HEADER_FILL = PatternFill("solid", fgColor="DDE7F0")
BOLD = Font(bold=True)


def _list_validation(values, sheet, cell_range: str, prompt: str) -> None:
    dv = DataValidation(type="list", formula1='"' + ",".join(values) + '"', allow_blank=True)
    dv.error = f"Kies een van: {', '.join(values)}"
    dv.errorTitle = "Ongeldige waarde"
    dv.prompt = prompt
    dv.showErrorMessage = True
    sheet.add_data_validation(dv)
    dv.add(cell_range)


def _header(sheet, row: int, labels: list[str]) -> None:
    for j, label in enumerate(labels, 1):
        c = sheet.cell(row=row, column=j, value=label)
        c.font = BOLD
        c.fill = HEADER_FILL


def build_template(fw: Framework) -> Workbook:
    wb = Workbook()
    scale_values = list(SCALE_VOCAB[fw.scale])  # canonical values only, in vocabulary order

    meta = wb.active
    meta.title = "Onderzoek"
    rows = [
        ("Onderzoek", fw.id, "Onderzoekscode; een nieuwe code maakt een nieuw onderzoek aan."),
        ("Kader", fw.id, f"Toezichtkader: {fw.name}."),
        ("Gemeente", None, "Gemeentenaam zoals CBS die in het jaar van het veldwerk voerde."),
        ("Datum", None, "Datum van het veldwerk, bijv. 12-11-2015."),
        ("Soort", "onderzoek", "onderzoek of hertoets."),
        ("Regio", None, "Optioneel."),
        ("Team", None, "Optioneel: team of wijkteam (bij zelfevaluaties per team verplicht)."),
    ]
    for r, (key, value, help_text) in enumerate(rows, 1):
        meta.cell(row=r, column=1, value=key).font = BOLD
        meta.cell(row=r, column=2, value=value)
        meta.cell(row=r, column=3, value=help_text).font = Font(italic=True, color="666666")
    meta["B4"].number_format = "DD-MM-YYYY"
    _list_validation(["onderzoek", "hertoets"], meta, "B5", "onderzoek of hertoets")
    meta.column_dimensions["A"].width = 14
    meta.column_dimensions["B"].width = 28
    meta.column_dimensions["C"].width = 70

    dossier_inds = fw.dossier_indicators
    if dossier_inds:
        ws = wb.create_sheet("Dossiers")
        first = 3  # columns A Dossier, B Team, then the indicators
        # Row 1: the theme row, merged over each theme's indicator columns.
        col = first
        for theme in fw.themes:
            inds = [i for i in dossier_inds if i.theme == theme.code]
            if not inds:
                continue
            ws.cell(row=1, column=col, value=theme.name).font = BOLD
            ws.cell(row=1, column=col).alignment = Alignment(horizontal="center")
            if len(inds) > 1:
                ws.merge_cells(start_row=1, start_column=col, end_row=1, end_column=col + len(inds) - 1)
            col += len(inds)
        _header(ws, 2, ["Dossier", "Team"] + [f"{i.code} {i.label}" for i in dossier_inds])
        for j, ind in enumerate(dossier_inds, first):
            cell = ws.cell(row=2, column=j)
            cell.comment = Comment(f"{ind.code}: {ind.text}\n\nBeslisregel: {ind.decision_rule}", "Toezicht Dashboard", width=400, height=220)
            cell.alignment = Alignment(wrap_text=True, vertical="top")
            ws.column_dimensions[get_column_letter(j)].width = 16
        last = get_column_letter(first + len(dossier_inds) - 1)
        _list_validation(scale_values, ws, f"C3:{last}{TEMPLATE_ROWS + 2}", "Score: " + ", ".join(scale_values))
        ws.column_dimensions["A"].width = 14
        ws.freeze_panes = "C3"

    net = wb.create_sheet("Netwerk")
    _header(net, 1, ["Indicator", "Score", "Toelichting"])
    for r, ind in enumerate(fw.visit_indicators, 2):
        c = net.cell(row=r, column=1, value=f"{ind.code} {ind.label}")
        c.comment = Comment(f"{ind.code}: {ind.text}\n\nBeslisregel: {ind.decision_rule}", "Toezicht Dashboard", width=400, height=220)
    if fw.visit_indicators:
        _list_validation(scale_values, net, f"B2:B{len(fw.visit_indicators) + 1}", "Score: " + ", ".join(scale_values))
    net.column_dimensions["A"].width = 50
    net.column_dimensions["C"].width = 60

    if dossier_inds:
        remarks = wb.create_sheet("Toelichting")
        _header(remarks, 1, ["Dossier", "Indicator", "Toelichting"])
        remarks.column_dimensions["C"].width = 80

    findings = wb.create_sheet("Bevindingen")
    _header(findings, 1, ["Thema", "Indicator", "Soort", "Tekst"])
    _list_validation([t.name for t in fw.themes] if sum(len(t.name) + 1 for t in fw.themes) < 250 else [t.code for t in fw.themes],
                     findings, f"A2:A{TEMPLATE_ROWS}", "Thema van het kader")
    _list_validation(list(FINDING_KINDS), findings, f"C2:C{TEMPLATE_ROWS}", "gaat goed, kan beter of zorgpunt")
    findings.column_dimensions["D"].width = 80

    recs = wb.create_sheet("Aanbevelingen")
    _header(recs, 1, ["Nr", "Tekst", "Status"])
    _list_validation(list(RECOMMENDATION_STATUSES), recs, f"C2:C{TEMPLATE_ROWS}", "open, in uitvoering of afgerond")
    recs.column_dimensions["B"].width = 80
    return wb


def write_template(framework_id: str, out: Path) -> Path:
    frameworks = shipped_frameworks()
    if framework_id not in frameworks:
        raise LoaderError(f"onbekend kader '{framework_id}'; kies uit {', '.join(frameworks)}.")
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    build_template(frameworks[framework_id]).save(out)
    return out
