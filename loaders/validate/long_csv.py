"""A long-format CSV (DESIGN §5): one row per judgement, visit columns repeated on every row."""

from __future__ import annotations

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
    rows, lines = table.rows, table.lines
    scan_bsn([("", rows, lines)], out)
    bad_lines = set()
    for line, message in table.problems:
        out.error("", str(line), message)
        bad_lines.add(line)
    h = table.header
    if h is None:
        out.error("", "1", f"geen kopregel gevonden binnen de eerste 10 regels; verplichte kolommen: {', '.join(CSV_REQUIRED)} "
                           f"(gescheiden door ';' of ',').")
        return None
    cols: dict[str, int] = {}
    for j, v in enumerate(rows[h]):
        t = cell_text(v).lower()
        if not t:
            continue
        if t not in CSV_REQUIRED + CSV_OPTIONAL:
            out.error("", cell_ref(lines[h] - 1, j), f"onbekende kolom '{safe_echo(t)}'; toegestaan: {', '.join(CSV_REQUIRED + CSV_OPTIONAL)}.")
        elif t in cols:
            out.error("", cell_ref(lines[h] - 1, j), f"kolom '{t}' staat er twee keer.")
        else:
            cols[t] = j
    # Rows whose width differs from the header are reported above; their columns cannot be trusted.
    body = [(lines[i], rows[i]) for i in range(h + 1, len(rows)) if lines[i] not in bad_lines]
    if not body:
        if not out.has_errors:
            out.error("", str(lines[h] + 1), "geen gegevens onder de kopregel.")
        return None
    width = max(len(rows[h]), max(len(row) for _, row in body))
    data = pd.DataFrame([row + [None] * (width - len(row)) for _, row in body], dtype=object)
    line = np.array([n for n, _ in body])

    def column(key: str, default: str = "") -> pd.Series:
        if key in cols:
            s = data[cols[key]].map(cell_text)
            return s.where(s != "", default)
        return pd.Series([default] * len(data), dtype=object)

    def ref(key: str, i: int) -> str:
        if key not in cols:  # no such column: name the line, not an unrelated cell in column A
            return str(int(line[i]))
        return cell_ref(int(line[i]) - 1, cols[key])

    study = column("onderzoek") if not options.study_id else pd.Series([options.study_id] * len(data), dtype=object)
    kader = column("kader") if not options.framework_id else pd.Series([options.framework_id] * len(data), dtype=object)
    datum = column("datum")
    soort = column("soort")
    team = column("team")
    gemeente = column("gemeente")
    dossier = column("dossier")
    indicator = column("indicator")
    note = column("toelichting")

    visits = Visits(con, out)
    frameworks: dict[str, Framework | None] = {}
    vkeys = np.full(len(data), -1)
    group_cols = pd.DataFrame({"s": study, "k": kader, "d": datum, "o": soort, "t": team, "g": gemeente})
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
    if out.has_errors:
        return None

    codes = np.empty(len(data), dtype=object)
    values = np.empty(len(data), dtype=object)
    ok = np.ones(len(data), dtype=bool)
    raw_scores = data[cols["score"]].to_numpy(dtype=object)
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
         "indicator_code": codes, "value": values, "line": line, "note": note.to_numpy(dtype=object)}
    )[ok]
    dup = long.duplicated(["vkey", "dossier_id", "indicator_code"], keep="first")
    for _, row in long[dup].iterrows():
        out.error("", cell_ref(int(row["line"]) - 1, cols["indicator"]),
                  f"dossier/indicator {row['indicator_code']} staat er twee keer voor dezelfde gemeente en datum.")
    if out.has_errors:
        return None
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
