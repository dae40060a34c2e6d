"""A scoring workbook (DESIGN §5): the Onderzoek sheet names the visit, the other sheets fill it."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd

from loaders.report_meta import publication_date_problem, report_meta, summary_report_title
from loaders.problems import cell_ref
from loaders.read import Workbook
from loaders.validate.collector import Collector
from loaders.validate.model import Options, Staged
from loaders.validate.notes import stage_findings, stage_recommendations, stage_remarks
from loaders.validate.rules import scan_bsn
from loaders.validate.scores import stage_dossiers, stage_network
from loaders.validate.sheets import get
from loaders.validate.visits import Visits
from reference.frameworks import Framework
from reference.vocab import cell_text


@dataclass
class Meta:
    study_id: str | None
    framework: Framework | None
    municipality: object  # raw name or None
    municipality_cell: str
    date: dt.date | None
    kind: str
    team: str
    region: str | None
    report: tuple[str | None, dt.date | None]  # (Rapport, Publicatiedatum): sources in the Jaarbeeld


def read_meta(wb: Workbook, options: Options, visits: Visits, out: Collector) -> Meta | None:
    sheet = wb.sheet("Onderzoek")
    if sheet is None:
        out.error("", "", "blad 'Onderzoek' ontbreekt (sleutels Onderzoek, Kader, Gemeente, Datum, Soort).")
        return None
    values: dict[str, tuple[object, str]] = {}
    for r, row in enumerate(sheet.rows):
        key = cell_text(get(row, 0)).lower().rstrip(":")
        if key and key not in values:
            values[key] = (get(row, 1), cell_ref(r, 1))
    name = sheet.name

    def raw(key: str) -> tuple[object, str]:
        """The value of a key and its cell ('' when the key is absent: the sheet as a whole)."""
        return values.get(key, (None, ""))

    study_raw, study_cell = raw("onderzoek")
    study_id = options.study_id or cell_text(study_raw)
    fw_raw, fw_cell = raw("kader")
    framework_id = options.framework_id or cell_text(fw_raw) or None
    framework = visits.study(study_id, framework_id, name, study_cell, fw_cell or study_cell)
    date_raw, date_cell = raw("datum")
    date = visits.date(date_raw, name, date_cell)
    kind_raw, kind_cell = raw("soort")
    kind = visits.kind(kind_raw, name, kind_cell) or "onderzoek"
    team_raw, team_cell = raw("team")
    team = visits.team(team_raw, name, team_cell)
    muni, muni_cell = raw("gemeente")
    date_problem = publication_date_problem(values)
    if date_problem:
        out.error(name, raw("publicatiedatum")[1], date_problem)
    return Meta(
        study_id=study_id or None,
        framework=framework,
        municipality=muni if cell_text(muni) else None,
        municipality_cell=muni_cell,
        date=date,
        kind=kind,
        team=team or "",
        region=cell_text(raw("regio")[0]) or None,
        report=report_meta(values) + (summary_report_title(values),),
    )


def stage_workbook(con, wb: Workbook, options: Options, out: Collector) -> Staged | None:
    scan_bsn([(s.name, s.rows, None) for s in wb.sheets.values()], out)
    visits = Visits(con, out)
    meta = read_meta(wb, options, visits, out)
    if meta is None or meta.framework is None:
        return None
    fw = meta.framework
    default_visit: list[int | None] = []  # memo for rows without their own Gemeente (the usual case)

    def visit_for(raw_muni, sheet: str, row: int, col: int) -> int | None:
        """The visit of a row: its own Gemeente cell (row, col) or the workbook's; refs are built only for a message."""
        if meta.date is None:
            return None  # already reported; the sheets are still checked so every error is listed
        own = bool(cell_text(raw_muni))
        if not own and default_visit:
            return default_visit[0]
        source, where = (raw_muni, (sheet, cell_ref(row, col))) if own else (meta.municipality, ("Onderzoek", meta.municipality_cell))
        if source is None:
            out.error(sheet, cell_ref(row, col), "geen gemeente: vul 'Gemeente' in op blad Onderzoek of in deze rij.")
            m = None
        else:
            m = visits.municipality(source, meta.date.year, *where)
        vk = None if m is None else visits.visit(meta.study_id, m, meta.kind, meta.date, meta.team, meta.region, meta.report)
        if not own:
            default_visit.append(vk)
        return vk

    if meta.municipality is not None and meta.date is not None:
        m = visits.municipality(meta.municipality, meta.date.year, "Onderzoek", meta.municipality_cell)
        default_visit.append(None if m is None else visits.visit(meta.study_id, m, meta.kind, meta.date, meta.team, meta.region, meta.report))

    dossiers, scores = stage_dossiers(wb, fw, out, visit_for)
    net_scores, net_remarks = stage_network(wb, fw, out, visit_for)
    remarks = stage_remarks(wb, fw, out, visit_for, dossiers)
    findings = stage_findings(wb, fw, out, visit_for)
    recs = stage_recommendations(wb, out, visit_for)
    if out.has_errors:
        return None
    if not visits.rows:
        out.error("Onderzoek", meta.municipality_cell, "geen gemeente gevonden: vul 'Gemeente' in.")
        return None
    return Staged(
        file=out.file,
        studies={meta.study_id: fw.id},
        new_studies=set(),
        visits=visits.frame(),
        dossiers=dossiers,
        scores=pd.concat([scores, net_scores], ignore_index=True) if len(net_scores) else scores,
        remarks=pd.concat([remarks, net_remarks], ignore_index=True) if len(net_remarks) else remarks,
        findings=findings,
        recommendations=recs,
    )
