"""Resolving a visit — study, framework, date, soort, team, municipality — for every reader alike."""

from __future__ import annotations

import datetime as dt

import duckdb
import pandas as pd

from loaders.validate.collector import Collector
from loaders.validate.model import VISIT_COLS, VisitKey, frame
from loaders.validate.rules import id_problem, kind_of, kind_problem, visit_date_problem
from reference import municipalities
from reference.frameworks import Framework, shipped_frameworks
from reference.vocab import cell_text, parse_date, safe_echo


class Visits:
    """Checks the parts of a visit and hands out visit keys, collecting problems on the way."""

    def __init__(self, con: duckdb.DuckDBPyConnection, out: Collector):
        self.con = con
        self.out = out
        self.keys: dict[VisitKey, int] = {}
        self.rows: list[dict] = []
        self.studies: dict[str, str] = {}  # study id → framework id, for the studies resolved
        self._frameworks: dict[str, Framework | None] = {}
        self._muni_cache: dict[tuple[str, int], municipalities.Municipality | None] = {}

    def study(self, study_id: str, framework_id: str | None, sheet: str, study_cell: str, fw_cell: str) -> Framework | None:
        """The framework of a study: its own if it exists, else the named (known) framework; once per study."""
        if study_id in self._frameworks:
            return self._frameworks[study_id]
        fw = self._resolve_study(study_id, framework_id, sheet, study_cell, fw_cell)
        self._frameworks[study_id] = fw
        if fw is not None:
            self.studies[study_id] = fw.id
        return fw

    def _resolve_study(self, study_id: str, framework_id: str | None, sheet: str, study_cell: str, fw_cell: str):
        out = self.out
        if not study_id:
            out.error(sheet, study_cell, "geen onderzoek: vul 'Onderzoek' in (in de werkmap, de kolom 'onderzoek' "
                                         "of met --onderzoek).")
            return None
        if problem := id_problem(study_id, "onderzoekscode"):
            out.error(sheet, study_cell, problem)
            return None
        if framework_id and (problem := id_problem(framework_id, "kader")):
            out.error(sheet, fw_cell, problem)
            return None
        frameworks = shipped_frameworks()
        rows = self.con.execute("SELECT framework_id FROM study WHERE study_id = ?", [study_id]).fetchall()
        if rows:
            if framework_id and framework_id != rows[0][0]:
                out.error(sheet, fw_cell, f"onderzoek '{safe_echo(study_id)}' gebruikt kader '{rows[0][0]}', "
                                          f"niet '{safe_echo(framework_id)}'.")
                return None
            return frameworks.get(rows[0][0])
        if not framework_id:
            out.error(sheet, fw_cell, f"onderzoek '{safe_echo(study_id)}' is nieuw; vul ook 'Kader' in ({', '.join(frameworks)}).")
            return None
        if framework_id not in frameworks:
            out.error(sheet, fw_cell, f"onbekend kader '{safe_echo(framework_id)}'; kies uit {', '.join(frameworks)}.")
            return None
        return frameworks[framework_id]

    def date(self, raw: object, sheet: str, cell: str) -> dt.date | None:
        parsed = parse_date(raw)
        if problem := visit_date_problem(raw, parsed):
            self.out.error(sheet, cell, problem)
            return None
        return parsed

    def kind(self, raw: object, sheet: str, cell: str) -> str | None:
        text = cell_text(raw)
        kind = kind_of(text)
        if kind is None:
            self.out.error(sheet, cell, kind_problem(text))
        return kind

    def team(self, raw: object, sheet: str, cell: str) -> str | None:
        """'' when empty; None (reported) when not a plain-text id."""
        text = cell_text(raw)
        if text and (problem := id_problem(text, "team")):
            self.out.error(sheet, cell, problem)
            return None
        return text

    def municipality(self, raw: object, year: int, sheet: str, cell: str):
        name = cell_text(raw)
        if not name:
            self.out.error(sheet, cell, "gemeente ontbreekt: vul 'Gemeente' in.")
            return None
        if (name.lower(), year) not in self._muni_cache:
            m = municipalities.resolve(name, year)
            self._muni_cache[(name.lower(), year)] = m
            if m is None:
                hint = municipalities.suggest(name, year)
                self.out.error(
                    sheet,
                    cell,
                    f"gemeente '{safe_echo(name)}' bestaat niet in {year}"
                    + (f"; {hint}" if hint else ".")
                    + " Gebruik de gemeentenaam zoals CBS die dat jaar voerde.",
                )
        return self._muni_cache[(name.lower(), year)]

    def visit(self, study_id: str, muni, kind: str, date: dt.date, team: str, region: str | None,
              report: tuple[str | None, dt.date | None] = (None, None)) -> int:
        key = VisitKey(study_id, muni.code, kind, date, team)
        if key not in self.keys:
            self.keys[key] = len(self.rows)
            self.rows.append(
                {"vkey": len(self.rows), "study_id": study_id, "municipality_code": muni.code,
                 "municipality_name": muni.name, "kind": kind, "visit_date": date, "team": team, "region": region,
                 "report_title": report[0], "published_on": report[1],
                 "summary_title": report[2] if len(report) > 2 else None}
            )
        return self.keys[key]

    def frame(self) -> pd.DataFrame:
        return frame({c: [r[c] for r in self.rows] for c in VISIT_COLS} if self.rows else {}, VISIT_COLS)
