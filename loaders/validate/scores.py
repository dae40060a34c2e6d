"""The score sheets of a workbook: Dossiers (one column per dossier-level indicator) and Netwerk (per visit)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from loaders.problems import cell_ref, col_letter
from loaders.read import Workbook
from loaders.validate.collector import Collector
from loaders.validate.model import DOSSIER_COLS, REMARK_COLS, SCORE_COLS, frame
from loaders.validate.rules import (
    codes_hint,
    MAX_DOSSIER_ID,
    dossier_id_problem,
    id_problem,
    invalid_score,
    judge_score,
    judge_codes,
    level_problem,
    match_indicator,
    unknown_indicator,
)
from loaders.validate.sheets import data_rows, find_header, get, header_columns, is_blank_row
from reference.frameworks import Framework, Indicator
from reference.vocab import SMALL_N, cell_text, safe_echo

LISTED_CELLS = 5  # unscored cells named per indicator in a warning; the rest is "…"


def _score_sheet(wb: Workbook, fw: Framework, out: Collector, sheet_name: str, first_header: str,
                 indicators: tuple[Indicator, ...], level: str, missing_is_error: bool, header_hint: str):
    """The sheet and its header row, or None (after reporting why) when there is nothing to read from it."""
    sheet = wb.sheet(sheet_name)
    if not indicators:
        h = find_header(sheet, first_header) if sheet is not None else None
        if h is not None and any(True for _ in data_rows(sheet, h)):
            out.warn(sheet.name, "", f"kader {fw.id} heeft geen indicatoren {level}; blad {sheet_name} is genegeerd.")
        return None
    if sheet is None:
        if missing_is_error:
            out.error("", "", f"blad '{sheet_name}' ontbreekt; kader {fw.id} scoort {level} ({codes_hint(indicators)}).")
        else:
            out.warn("", "", f"blad '{sheet_name}' ontbreekt: indicatoren {codes_hint(indicators)} zijn niet gescoord.")
        return None
    h = find_header(sheet, first_header)
    if h is None:
        out.error(sheet.name, "A1", f"geen kopregel gevonden: binnen de eerste 10 rijen moet een rij beginnen met {header_hint}.")
        return None
    return sheet, h


def stage_dossiers(wb: Workbook, fw: Framework, out: Collector, visit_for):
    empty = frame([], DOSSIER_COLS), frame([], SCORE_COLS)
    found = _score_sheet(wb, fw, out, "Dossiers", "dossier", fw.dossier_indicators, "per dossier",
                         missing_is_error=True, header_hint="'Dossier'")
    if found is None:
        return empty
    sheet, h = found
    meta_cols, ind_cols = _dossier_header(sheet, h, fw, out)
    if not ind_cols:
        if not out.has_errors:
            out.error(sheet.name, cell_ref(h, 0), f"geen indicatorkolommen gevonden; verwacht {codes_hint(fw.dossier_indicators)}.")
        return empty
    cols = [j for j, _ in ind_cols]
    row_idx, vkeys, dossier_ids, teams = _dossier_rows(sheet, h, meta_cols, cols, visit_for, out)
    if not row_idx:
        out.warn(sheet.name, "", "blad bevat geen dossiers.")
        return empty
    dossiers = frame({"vkey": vkeys, "dossier_id": dossier_ids, "team": teams}, DOSSIER_COLS)
    return dossiers, _dossier_scores(sheet, fw, ind_cols, row_idx, np.array(vkeys, dtype=np.int64), dossier_ids, out)


def _dossier_header(sheet, h: int, fw: Framework, out: Collector) -> tuple[dict[str, int], list[tuple[int, Indicator]]]:
    """The header row: where Dossier, Gemeente and Team stand, and each indicator's column."""
    name = sheet.name
    meta_cols: dict[str, int] = {}
    ind_cols: list[tuple[int, Indicator]] = []
    seen: dict[str, str] = {}
    for j, v in enumerate(sheet.rows[h]):
        t = cell_text(v)
        if not t:
            continue
        ref = cell_ref(h, j)
        if t.lower() in ("dossier", "gemeente", "team"):
            if t.lower() in meta_cols:
                out.error(name, ref, f"kolom '{t}' staat er twee keer.")
            meta_cols[t.lower()] = j
            continue
        ind = match_indicator(t, fw)
        if ind is None:
            out.error(
                name, ref,
                f"onbekende kolomkop '{safe_echo(t)}'. Toegestaan: Dossier, Gemeente, Team en de indicatoren van "
                f"kader {fw.id} ({codes_hint(fw.dossier_indicators)}), als code of code gevolgd door spatie, '.', ':' of '-'.",
            )
        elif problem := level_problem(ind, per_dossier=True, layout="werkmap"):
            out.error(name, ref, problem)
        elif ind.code in seen:
            out.error(name, ref, f"indicator {ind.code} staat al in kolom {seen[ind.code]}.")
        else:
            seen[ind.code] = col_letter(j)
            ind_cols.append((j, ind))
    return meta_cols, ind_cols


def _dossier_rows(sheet, h: int, meta_cols: dict[str, int], cols: list[int], visit_for, out: Collector):
    """Each dossier row's sheet row, visit, dossier id and team; rows with a bad id or a repeated dossier are reported."""
    return _plain_dossier_rows(sheet, h, meta_cols, visit_for) or _checked_dossier_rows(sheet, h, meta_cols, cols, visit_for, out)


def _plain_dossier_rows(sheet, h: int, meta_cols: dict[str, int], visit_for):
    """The usual sheet at once: no Gemeente column, every row a dossier or wholly blank, ids valid and distinct,
    teams valid. Then the result equals the row-by-row check's, which found nothing to report; otherwise None
    (nothing reported yet) and the row-by-row check runs."""
    if "gemeente" in meta_cols:
        return None
    dj, tj = meta_cols["dossier"], meta_cols.get("team")
    rows = sheet.rows
    body = rows[h + 1:]
    width = max(dj, -1 if tj is None else tj) + 1
    if not body or min(map(len, body)) < width:
        return None
    raw_ids = [row[dj] for row in body]
    dossier_ids = [d.strip() if type(d) is str else cell_text(d) for d in raw_ids]
    row_idx = [r for r, did in enumerate(dossier_ids, start=h + 1) if did]
    if len(row_idx) != len(body):
        if not all(is_blank_row(rows[r]) for r, did in enumerate(dossier_ids, start=h + 1) if not did):
            return None  # a row with scores but no dossier id: reported row by row
        dossier_ids = [did for did in dossier_ids if did]
    if not row_idx or len(set(dossier_ids)) != len(dossier_ids):
        return None
    if (max(map(len, dossier_ids)) > MAX_DOSSIER_ID or not all(map(str.isprintable, dossier_ids))) and any(
            (len(did) > MAX_DOSSIER_ID or not did.isprintable()) and dossier_id_problem(did) for did in dossier_ids):
        return None
    if tj is None:
        teams = [None] * len(row_idx)
    else:
        teams = [t.strip() if type(t) is str else cell_text(t) for t in (rows[r][tj] for r in row_idx)]
        if any(id_problem(team, "team") for team in set(teams) if team):
            return None
        teams = [team or None for team in teams]
    # Without a Gemeente column every row has the workbook's visit: the row-by-row check asks the same question
    # for each row; only the first asking can report (a missing municipality), the others reuse its answer.
    vk = visit_for(None, sheet.name, row_idx[0], dj)
    return row_idx, [-1 if vk is None else vk] * len(row_idx), dossier_ids, teams


def _checked_dossier_rows(sheet, h: int, meta_cols: dict[str, int], cols: list[int], visit_for, out: Collector):
    """Row by row, reporting every problem."""
    name = sheet.name
    dj, gj, tj = meta_cols["dossier"], meta_cols.get("gemeente"), meta_cols.get("team")
    row_idx, vkeys, dossier_ids, teams = [], [], [], []
    first_seen: dict[tuple, int] = {}
    team_ok: dict[str, bool] = {}
    rows = sheet.rows
    for r in range(h + 1, len(rows)):
        row = rows[r]
        did = row[dj] if dj < len(row) else None
        did = did.strip() if type(did) is str else cell_text(did)
        if not did:
            if is_blank_row(row):
                continue
            if any(cell_text(get(row, j)) for j in cols):
                out.error(name, cell_ref(r, dj), "rij heeft scores maar geen dossiernummer.")
            continue
        if (len(did) > MAX_DOSSIER_ID or not did.isprintable()) and (problem := dossier_id_problem(did)):
            out.error(name, cell_ref(r, dj), problem)
            continue
        vk = visit_for(get(row, gj), name, r, gj if gj is not None else dj)
        # An unresolved municipality is already reported; keep checking the row's score cells
        # (under visit -1, never written) so that the report lists every error of the file.
        seen_key = (vk, did) if vk is not None else (-1, cell_text(get(row, gj)).lower(), did)
        if seen_key in first_seen:
            out.error(name, cell_ref(r, dj), f"dossier '{safe_echo(did)}' staat al in rij {first_seen[seen_key] + 1}; elk dossier één keer per bezoek.")
            continue
        first_seen[seen_key] = r
        team = get(row, tj)
        team = team.strip() if type(team) is str else cell_text(team)
        if team:
            if team not in team_ok:
                problem = id_problem(team, "team")
                team_ok[team] = problem is None
                if problem:
                    out.error(name, cell_ref(r, tj), problem)
            elif not team_ok[team]:
                out.error(name, cell_ref(r, tj), id_problem(team, "team"))
        row_idx.append(r)
        vkeys.append(-1 if vk is None else vk)
        dossier_ids.append(did)
        teams.append(team or None)
    return row_idx, vkeys, dossier_ids, teams


def _dossier_scores(sheet, fw: Framework, ind_cols, row_idx: list[int], vkeys: np.ndarray, dossier_ids: list[str],
                    out: Collector):
    """The score cells judged at once: invalid ones reported, the scored ones as long rows."""
    cols = [j for j, _ in ind_cols]
    grid = _columns(sheet.rows, row_idx, cols)
    codes, categories = judge_codes(grid.ravel(), fw.scale)
    codes = codes.reshape(grid.shape)
    for i, c in zip(*np.nonzero(codes < 0)):
        out.error(sheet.name, cell_ref(row_idx[i], cols[c]), invalid_score(grid[i, c], ind_cols[c][1].code, fw))
    long = frame(_scored_cells(codes, vkeys, dossier_ids, [ind.code for _, ind in ind_cols], categories), SCORE_COLS)
    _warn_dossier_sheet(sheet.name, fw, codes, categories, row_idx, cols, ind_cols, vkeys, out)
    return long


def _scored_cells(codes: np.ndarray, vkeys: np.ndarray, dossier_ids: list[str], indicator_codes: list[str],
                  categories: tuple[str, ...]) -> dict:
    """The scored cells of the grid as long columns, row by row. Texts are categorical (positions into the few
    distinct ids, codes and scores): half a million scores are then a few integer arrays, not half a million
    object references for pandas, Arrow and DuckDB to walk."""
    flat = codes.ravel()
    at = np.flatnonzero(flat > 0)
    row_of, col_of = np.divmod(at, len(indicator_codes))
    id_codes, ids = pd.factorize(np.array(dossier_ids, dtype=object))
    return {
        "vkey": vkeys[row_of],
        "dossier_id": pd.Categorical.from_codes(id_codes[row_of], ids),
        "indicator_code": pd.Categorical.from_codes(col_of, indicator_codes),
        "value": pd.Categorical.from_codes(flat[at] - 1, categories[1:]),  # code 0 is '' (not scored)
    }


def _columns(rows: list[list], row_idx: list[int], cols: list[int]) -> np.ndarray:
    """The cells (row_idx × cols) as an object array; one C-level copy when the rows are rectangular."""
    picked = [rows[r] for r in row_idx]
    width = max(cols) + 1
    lengths = set(map(len, picked))
    if lengths and min(lengths) >= width:
        block = np.empty((len(picked), len(picked[0])), dtype=object) if len(lengths) == 1 else None
        if block is not None:
            block[:] = picked
            return block[:, cols]
    grid = np.empty((len(picked), len(cols)), dtype=object)
    for i, row in enumerate(picked):
        if len(row) < width:
            row = row + [None] * (width - len(row))
        grid[i] = [row[j] for j in cols]
    return grid


def _warn_dossier_sheet(name, fw, codes, categories, row_idx, cols, ind_cols, vkeys, out: Collector) -> None:
    """Unscored cells, indicators with fewer than SMALL_N judged dossiers per visit, dossiers with only nvt."""
    missing = codes == 0
    for c in np.nonzero(missing.any(axis=0))[0]:
        rows = np.nonzero(missing[:, c])[0]
        refs = ", ".join(cell_ref(row_idx[i], cols[c]) for i in rows[:LISTED_CELLS]) + (" …" if len(rows) > LISTED_CELLS else "")
        out.warn(name, col_letter(cols[c]), f"indicator {ind_cols[c][1].code}: {len(rows)} cel(len) niet gescoord ({refs}).")
    if fw.scale != "binair":
        return
    ja, nee, nvt = (categories.index(v) for v in ("ja", "nee", "nvt"))
    judged = (codes == ja) | (codes == nee)
    visits = sorted(set(vkeys[(codes > 0).any(axis=1)].tolist()))
    for vk in visits:
        counts = judged[vkeys == vk].sum(axis=0)
        for c in np.nonzero(counts < SMALL_N)[0]:
            out.warn(name, "", f"indicator {ind_cols[c][1].code}: {int(counts[c])} beoordeelde dossiers (ja/nee), minder dan {SMALL_N} — kleine aantallen.")
    nvt_only = ((codes == nvt) | (codes == 0)).all(axis=1) & (codes == nvt).any(axis=1)
    for i in np.nonzero(nvt_only)[0]:
        out.warn(name, f"{row_idx[i] + 1}", "dossier heeft op alle indicatoren nvt.")


def stage_network(wb: Workbook, fw: Framework, out: Collector, visit_for):
    empty = frame([], SCORE_COLS), frame([], REMARK_COLS)
    found = _score_sheet(wb, fw, out, "Netwerk", "indicator", fw.visit_indicators, "per bezoek", missing_is_error=False,
                         header_hint="'Indicator' (kolommen Indicator, Score, Toelichting)")
    if found is None:
        return empty
    sheet, h = found
    name = sheet.name
    cols = header_columns(sheet, h)
    if "score" not in cols:
        out.error(name, cell_ref(h, 1), "kolom 'Score' ontbreekt.")
        return empty
    ij, sj, tj, gj = cols["indicator"], cols["score"], cols.get("toelichting"), cols.get("gemeente")
    scores, remarks = [], []
    seen: dict[tuple, int] = {}
    for r, row in data_rows(sheet, h):
        t = cell_text(get(row, ij))
        ref = cell_ref(r, ij)
        if not t:
            out.error(name, ref, "rij zonder indicator.")
            continue
        ind = match_indicator(t, fw)
        if ind is None:
            out.error(name, ref, unknown_indicator(t, fw, fw.visit_indicators))
            continue
        if problem := level_problem(ind, per_dossier=False, layout="werkmap"):
            out.error(name, ref, problem)
            continue
        vk = visit_for(get(row, gj), name, r, gj if gj is not None else ij)
        # An unresolved municipality is already reported; still check the score (visit -1, never written).
        seen_key = (vk, ind.code) if vk is not None else (-1, cell_text(get(row, gj)).lower(), ind.code)
        vk = -1 if vk is None else vk
        if seen_key in seen:
            out.error(name, ref, f"indicator {ind.code} staat al in rij {seen[seen_key] + 1}.")
            continue
        seen[seen_key] = r
        raw = get(row, sj)
        value = judge_score(raw, fw.scale)
        if value == "":
            out.warn(name, cell_ref(r, sj), f"indicator {ind.code} is niet gescoord.")
        elif value is None:
            out.error(name, cell_ref(r, sj), invalid_score(raw, ind.code, fw))
        else:
            scores.append((vk, None, ind.code, value))
        note = cell_text(get(row, tj))
        if note:
            remarks.append((vk, None, ind.code, note))
    return frame(scores, SCORE_COLS), frame(remarks, REMARK_COLS)
