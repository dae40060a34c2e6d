"""Blank scoring workbook for a framework (openpyxl: writing only)."""

from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from loaders.problems import LoaderError
from loaders.read import MAX_BYTES, MAX_ROWS
from loaders.xlsx_check import MB
from reference.dutch import dutch_int, or_list
from reference.frameworks import Framework, Indicator, origin_note, shipped_frameworks
from reference.municipalities import LAST_YEAR, names_in_year
from reference.vocab import EARLIEST_YEAR, FINDING_KINDS, RECOMMENDATION_STATUSES, SCALE_VOCAB, VISIT_KINDS

TEMPLATE_ROWS = MAX_ROWS  # drop-down lists reach as far as the loader reads
HEADER_FILL = PatternFill("solid", fgColor="DDE7F0")
BOLD = Font(bold=True)


def _list_validation(values, sheet, cell_range: str, prompt: str, source: str | None = None) -> None:
    """A drop-down over `values` (inline), or over the cells `source` (e.g. on the hidden Lijsten sheet)."""
    dv = DataValidation(type="list", formula1=source or '"' + ",".join(values) + '"', allow_blank=True)
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


def _lists_sheet(wb: Workbook, columns: dict[str, list[str]]) -> dict[str, str]:
    """A hidden sheet with one column per list; returns each list's absolute range for a drop-down."""
    sheet = wb.create_sheet("Lijsten")
    sheet.sheet_state = "hidden"
    ranges = {}
    for j, (title, values) in enumerate(columns.items(), 1):
        sheet.cell(row=1, column=j, value=title)
        for r, value in enumerate(values, 2):
            sheet.cell(row=r, column=j, value=value)
        letter = get_column_letter(j)
        ranges[title] = f"Lijsten!${letter}$2:${letter}${max(len(values), 1) + 1}"
    return ranges


def _instructions(wb: Workbook, fw: Framework, year: int) -> None:
    sheet = wb.create_sheet("Uitleg", 0)
    lines = [
        f"Scoringswerkmap — {fw.name} ({fw.id})",
        "",
        "1. Vul op blad Onderzoek de sleutels in: Onderzoek (code), Kader, Gemeente (keuzelijst: namen zoals CBS ze in "
        f"{year} voerde), Datum van het veldwerk (dd-mm-jjjj) en Soort ({or_list(VISIT_KINDS)}).",
        "2. Blad Dossiers: één rij per dossier, alleen een pseudoniem als dossiernummer — nooit een BSN of naam. "
        f"Kies per indicator {or_list(SCALE_VOCAB[fw.scale])} (of leeg: niet gescoord). De beslisregel staat als opmerking bij elke kolomkop."
        if fw.dossier_indicators else "2. Dit kader scoort per team of bezoek: gebruik blad Netwerk.",
        "3. Blad Netwerk: de indicatoren per bezoek (instelling, lokaal netwerk of team), met score en toelichting.",
        f"4. Optioneel: Toelichting (opmerking per dossier en indicator), Bevindingen ({', '.join(FINDING_KINDS)}) "
        "en Aanbevelingen (nummer, tekst, status).",
        "5. Importeer via de pagina Importeren of `python -m loaders import BESTAND`. Het bestand wordt eerst volledig "
        "gecontroleerd; bij één fout wordt niets opgeslagen en noemt het rapport elk blad en elke cel.",
        "",
        "Laat formules weg of sla het bestand in Excel op (formules zonder opgeslagen waarde worden geweigerd). "
        f"Maximaal {MAX_BYTES // MB} MB en {dutch_int(MAX_ROWS)} rijen per bestand.",
    ]
    for r, line in enumerate(lines, 1):
        cell = sheet.cell(row=r, column=1, value=line)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    sheet["A1"].font = Font(bold=True, size=14)
    sheet.column_dimensions["A"].width = 120


def rule_comment(indicator: Indicator) -> Comment:
    """The cell comment on an indicator's header: its text and decision rule, with where the rule comes from."""
    note = origin_note(indicator.decision_rule_origin)  # without the reason, which follows below
    text = f"{indicator.code}: {indicator.text}\n\nBeslisregel{f' ({note})' if note else ''}: {indicator.decision_rule}"
    if indicator.decision_rule_origin == "afgeleid" and indicator.decision_rule_reason:
        text += f"\n\nWaarom afgeleid: {indicator.decision_rule_reason}"
    return Comment(text, "Toezicht Dashboard", width=420, height=320)


def build_template(fw: Framework, year: int = LAST_YEAR) -> Workbook:
    """A blank workbook for `fw`; the Gemeente drop-down lists the municipalities valid in `year`."""
    wb = Workbook()
    scale_values = list(SCALE_VOCAB[fw.scale])  # canonical values only, in vocabulary order
    lists = _visit_sheet(wb, fw, year)
    if fw.dossier_indicators:
        _dossiers_sheet(wb, fw, scale_values)
    _network_sheet(wb, fw, scale_values)
    if fw.dossier_indicators:
        remarks = wb.create_sheet("Toelichting")
        _header(remarks, 1, ["Dossier", "Indicator", "Toelichting"])
        _list_validation([], remarks, f"B2:B{TEMPLATE_ROWS + 1}", "Indicator (code en omschrijving)", source=lists["Dossierindicator"])
        remarks.column_dimensions["B"].width = 40
        remarks.column_dimensions["C"].width = 80
    _findings_sheets(wb, lists)
    _instructions(wb, fw, year)
    wb.move_sheet("Lijsten", offset=len(wb.sheetnames))  # last, out of the way
    wb.active = 1  # open on Onderzoek
    return wb


def _visit_sheet(wb: Workbook, fw: Framework, year: int) -> dict[str, str]:
    """The Onderzoek sheet (and the hidden lists its drop-downs read); returns the lists' ranges."""
    meta = wb.active
    meta.title = "Onderzoek"
    rows = [
        ("Onderzoek", fw.id, "Onderzoekscode; een nieuwe code maakt een nieuw onderzoek aan."),
        ("Kader", fw.id, f"Toezichtkader: {fw.name}."),
        ("Gemeente", None, "Gemeentenaam zoals CBS die in het jaar van het veldwerk voerde."),
        ("Datum", None, "Datum van het veldwerk, bijv. 12-11-2015."),
        ("Soort", VISIT_KINDS[0], f"{or_list(VISIT_KINDS)}."),
        ("Regio", None, "Optioneel."),
        ("Team", None, "Optioneel: team of wijkteam (bij zelfevaluaties per team verplicht)."),
    ]
    for r, (key, value, help_text) in enumerate(rows, 1):
        meta.cell(row=r, column=1, value=key).font = BOLD
        meta.cell(row=r, column=2, value=value)
        meta.cell(row=r, column=3, value=help_text).font = Font(italic=True, color="666666")
    lists = _lists_sheet(wb, {
        "Gemeente": names_in_year(year),
        "Indicator": [f"{i.code} {i.label}" for i in fw.indicators],
        "Dossierindicator": [f"{i.code} {i.label}" for i in fw.dossier_indicators] or [""],
        "Thema": [t.name for t in fw.themes],
    })
    meta["B4"].number_format = "DD-MM-YYYY"
    _list_validation(list(VISIT_KINDS), meta, "B5", or_list(VISIT_KINDS))
    _list_validation([], meta, "B3", f"Gemeentenaam zoals CBS die in {year} voerde", source=lists["Gemeente"])
    date_check = DataValidation(type="date", operator="between", formula1=f"DATE({EARLIEST_YEAR},1,1)", formula2="TODAY()",
                                allow_blank=True)
    date_check.error = f"Vul een datum in tussen 01-01-{EARLIEST_YEAR} en vandaag, bijv. 12-11-2015."
    date_check.errorTitle = "Ongeldige datum"
    date_check.prompt = "Datum van het veldwerk (dd-mm-jjjj)"
    date_check.showErrorMessage = True
    meta.add_data_validation(date_check)
    date_check.add("B4")
    meta.column_dimensions["A"].width = 14
    meta.column_dimensions["B"].width = 28
    meta.column_dimensions["C"].width = 70
    return lists


def _dossiers_sheet(wb: Workbook, fw: Framework, scale_values: list[str]) -> None:
    """Dossiers: a theme row merged over each theme's columns, then Dossier, Team and one column per indicator."""
    dossier_inds = fw.dossier_indicators
    ws = wb.create_sheet("Dossiers")
    first = 3  # columns A Dossier, B Team, then the indicators
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
        cell.comment = rule_comment(ind)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        ws.column_dimensions[get_column_letter(j)].width = 16
    last = get_column_letter(first + len(dossier_inds) - 1)
    _list_validation(scale_values, ws, f"C3:{last}{TEMPLATE_ROWS + 2}", "Score: " + ", ".join(scale_values))
    ws.column_dimensions["A"].width = 14
    ws.freeze_panes = "C3"


def _network_sheet(wb: Workbook, fw: Framework, scale_values: list[str]) -> None:
    """Netwerk: one row per visit-level indicator, scored in column B."""
    net = wb.create_sheet("Netwerk")
    _header(net, 1, ["Indicator", "Score", "Toelichting"])
    for r, ind in enumerate(fw.visit_indicators, 2):
        net.cell(row=r, column=1, value=f"{ind.code} {ind.label}").comment = rule_comment(ind)
    if fw.visit_indicators:
        _list_validation(scale_values, net, f"B2:B{len(fw.visit_indicators) + 1}", "Score: " + ", ".join(scale_values))
    net.column_dimensions["A"].width = 50
    net.column_dimensions["C"].width = 60


def _findings_sheets(wb: Workbook, lists: dict[str, str]) -> None:
    """Bevindingen and Aanbevelingen, with drop-downs for theme, indicator, kind and status."""
    findings = wb.create_sheet("Bevindingen")
    _header(findings, 1, ["Thema", "Indicator", "Soort", "Tekst"])
    _list_validation([], findings, f"A2:A{TEMPLATE_ROWS + 1}", "Thema van het kader", source=lists["Thema"])
    _list_validation([], findings, f"B2:B{TEMPLATE_ROWS + 1}", "Indicator (optioneel)", source=lists["Indicator"])
    _list_validation(list(FINDING_KINDS), findings, f"C2:C{TEMPLATE_ROWS + 1}", or_list(FINDING_KINDS))
    findings.column_dimensions["A"].width = 30
    findings.column_dimensions["B"].width = 40
    findings.column_dimensions["D"].width = 80

    recs = wb.create_sheet("Aanbevelingen")
    _header(recs, 1, ["Nr", "Tekst", "Status"])
    _list_validation(list(RECOMMENDATION_STATUSES), recs, f"C2:C{TEMPLATE_ROWS + 1}", or_list(RECOMMENDATION_STATUSES))
    recs.column_dimensions["B"].width = 80


def write_template(framework_id: str, out: Path, year: int = LAST_YEAR) -> Path:
    frameworks = shipped_frameworks()
    if framework_id not in frameworks:
        raise LoaderError(f"onbekend kader '{framework_id}'; kies uit {', '.join(frameworks)}.")
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    build_template(frameworks[framework_id], year).save(out)
    return out
