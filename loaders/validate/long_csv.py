"""A long-format CSV (DESIGN §5): one row per judgement, visit columns repeated on every row."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from loaders.csv_text import CsvTable
from loaders.problems import cell_ref
from loaders.validate.collector import Collector
from loaders.validate.model import FINDING_COLS, RECOMMENDATION_COLS, SCORE_COLS, Options, Staged, frame
from loaders.validate.rules import (
    dossier_id_problem,
    invalid_score,
    judge_scores,
    level_problem,
    match_indicator,
    scan_bsn,
    unknown_indicator,
)
from loaders.validate.visits import Visits
from reference.frameworks import Framework
from reference.vocab import cell_text, safe_echo

CSV_REQUIRED = ("gemeente", "dossier", "indicator", "score")
CSV_OPTIONAL = ("toelichting", "onderzoek", "kader", "datum", "soort", "team")


def stage_csv(con, table: CsvTable, options: Options, out: Collector) -> Staged | None:
    scan_bsn([("", table.rows, table.lines)], out)
    bad_lines = set()
    for line, message in table.problems:
        out.error("", str(line), message)
        bad_lines.add(line)
    if table.header is None:
        out.error("", "1", f"geen kopregel gevonden binnen de eerste 10 regels; verplichte kolommen: {', '.join(CSV_REQUIRED)} "
                           f"(gescheiden door ';' of ',').")
        return None
    body = _Body.read(table, _header_columns(table, out), bad_lines, out)
    if body is None:
        return None
    visits = Visits(con, out)
    study = body.column("onderzoek") if not options.study_id else body.constant(options.study_id)
    kader = body.column("kader") if not options.framework_id else body.constant(options.framework_id)
    vkeys, frameworks = _visits(body, visits, study, kader)
    if out.has_errors:
        return None
    long = _judgements(body, study, frameworks, vkeys, out)
    if out.has_errors:
        return None
    return _staged(long, visits, out)


def _header_columns(table: CsvTable, out: Collector) -> dict[str, int]:
    """Known column name → position in the header line; unknown and repeated names are reported."""
    h = table.header
    cols: dict[str, int] = {}
    for j, v in enumerate(table.rows[h]):
        t = cell_text(v).lower()
        if not t:
            continue
        if t not in CSV_REQUIRED + CSV_OPTIONAL:
            out.error("", cell_ref(table.lines[h] - 1, j), f"onbekende kolom '{safe_echo(t)}'; toegestaan: {', '.join(CSV_REQUIRED + CSV_OPTIONAL)}.")
        elif t in cols:
            out.error("", cell_ref(table.lines[h] - 1, j), f"kolom '{t}' staat er twee keer.")
        else:
            cols[t] = j
    return cols


@dataclass
class _Body:
    """The data lines under the header, as a frame, with their line numbers and the header's columns."""

    data: pd.DataFrame
    line: np.ndarray
    cols: dict[str, int]

    @classmethod
    def read(cls, table: CsvTable, cols: dict[str, int], bad_lines: set, out: Collector) -> "_Body | None":
        rows, lines, h = table.rows, table.lines, table.header
        # Rows whose width differs from the header are reported already; their columns cannot be trusted.
        body = [(lines[i], rows[i]) for i in range(h + 1, len(rows)) if lines[i] not in bad_lines]
        if not body:
            if not out.has_errors:
                out.error("", str(lines[h] + 1), "geen gegevens onder de kopregel.")
            return None
        width = max(len(rows[h]), max(len(row) for _, row in body))
        data = pd.DataFrame([row + [None] * (width - len(row)) for _, row in body], dtype=object)
        return cls(data, np.array([n for n, _ in body]), cols)

    def column(self, key: str, default: str = "") -> pd.Series:
        if key in self.cols:
            s = self.data[self.cols[key]].map(cell_text)
            return s.where(s != "", default)
        return self.constant(default)

    def constant(self, value: str) -> pd.Series:
        return pd.Series([value] * len(self.data), dtype=object)

    def ref(self, key: str, i: int) -> str:
        if key not in self.cols:  # no such column: name the line, not an unrelated cell in column A
            return str(int(self.line[i]))
        return cell_ref(int(self.line[i]) - 1, self.cols[key])


def _visits(body: _Body, visits: Visits, study: pd.Series, kader: pd.Series):
    """Each line's visit key (-1 where the visit columns are refused) and each study's framework."""
    frameworks: dict[str, Framework | None] = {}
    vkeys = np.full(len(body.data), -1)
    group_cols = pd.DataFrame({"s": study, "k": kader, "d": body.column("datum"), "o": body.column("soort"),
                               "t": body.column("team"), "g": body.column("gemeente")})
    ref = body.ref
    for (s, k, d, o, t, g), idx in group_cols.groupby(list(group_cols.columns), sort=False).indices.items():
        i0 = int(idx[0])
        fw = visits.study(s, k or None, "", ref("onderzoek", i0), ref("kader", i0))
        frameworks[s] = fw
        date = visits.date(d or None, "", ref("datum", i0))
        kind = visits.kind(o, "", ref("soort", i0))
        team_id = visits.team(t, "", ref("team", i0))
        if fw is None or date is None or kind is None or team_id is None:
            continue
        m = visits.municipality(g, date.year, "", ref("gemeente", i0))
        if m is None:
            continue
        vkeys[idx] = visits.visit(s, m, kind, date, team_id, None)
    return vkeys, frameworks


def _judgements(body: _Body, study: pd.Series, frameworks, vkeys: np.ndarray, out: Collector) -> pd.DataFrame:
    """One row per accepted judgement line; unknown indicators, wrong levels, bad ids and scores are reported."""
    n = len(body.data)
    dossier, indicator, note = body.column("dossier"), body.column("indicator"), body.column("toelichting")
    codes = np.empty(n, dtype=object)
    values = np.empty(n, dtype=object)
    ok = np.ones(n, dtype=bool)
    raw_scores = body.data[body.cols["score"]].to_numpy(dtype=object)
    ref = body.ref
    for s, idx in study.groupby(study).indices.items():
        fw = frameworks[s]
        matched = {t: match_indicator(t, fw) for t in pd.unique(indicator.iloc[idx])}
        checked_ids: dict[str, str | None] = {}
        for i in idx:
            ind = matched[indicator.iat[i]]
            did = dossier.iat[i]
            if ind is None:
                out.error("", ref("indicator", i), unknown_indicator(indicator.iat[i], fw, fw.indicators))
                ok[i] = False
            elif problem := level_problem(ind, per_dossier=bool(did), layout="csv"):
                out.error("", ref("dossier", i), problem)
                ok[i] = False
            elif did and (problem := checked_ids.setdefault(did, dossier_id_problem(did))):
                out.error("", ref("dossier", i), problem)
                ok[i] = False
            else:
                codes[i] = ind.code
        raw = raw_scores[idx]
        vals, invalid = judge_scores(raw, fw.scale)
        values[idx] = vals
        for pos in np.nonzero(invalid)[0]:
            i = int(idx[pos])
            code = codes[i] or cell_text(indicator.iat[i])
            out.error("", ref("score", i), invalid_score(raw[pos], safe_echo(code), fw))
            ok[i] = False
    long = pd.DataFrame(
        {"vkey": vkeys, "dossier_id": dossier.where(dossier != "", None).to_numpy(dtype=object),
         "indicator_code": codes, "value": values, "line": body.line, "note": note.to_numpy(dtype=object)}
    )[ok]
    dup = long.duplicated(["vkey", "dossier_id", "indicator_code"], keep="first")
    for _, row in long[dup].iterrows():
        out.error("", cell_ref(int(row["line"]) - 1, body.cols["indicator"]),
                  f"dossier/indicator {row['indicator_code']} staat er twee keer voor dezelfde gemeente en datum.")
    return long


def _staged(long: pd.DataFrame, visits: Visits, out: Collector) -> Staged:
    missing = long["value"] == ""
    if missing.any():
        out.warn("", "", f"{int(missing.sum())} regel(s) zonder score (niet gescoord).")
    per_dossier = long[long["dossier_id"].notna()]
    dossiers = per_dossier.drop_duplicates(["vkey", "dossier_id"])[["vkey", "dossier_id"]].assign(team=None)
    notes = long[long["note"] != ""][["vkey", "dossier_id", "indicator_code", "note"]].rename(columns={"note": "text"})
    return Staged(
        file=out.file,
        studies=dict(visits.studies),
        new_studies=set(),
        visits=visits.frame(),
        dossiers=dossiers.reset_index(drop=True),
        scores=long[~missing][SCORE_COLS].reset_index(drop=True),
        remarks=notes.reset_index(drop=True),
        findings=frame([], FINDING_COLS),
        recommendations=frame([], RECOMMENDATION_COLS),
    )
