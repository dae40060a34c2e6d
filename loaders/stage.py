"""Normalise and validate a read file into staged frames, collecting every problem first.

Nothing here writes: `stage_file` either returns a `Staged` (with warnings) or raises
`ImportRejected` carrying the complete list of problems.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd

from reference import municipalities
from reference.frameworks import Framework, Indicator, shipped_frameworks
from loaders.problems import ImportRejected, LoaderError, Problem, cell_ref, col_letter
from loaders.read import Sheet, Workbook, check_file, read_csv_rows, read_workbook
from reference.vocab import (
    ALLOWED_TEXT,
    FINDING_KINDS,
    KINDS,
    RECOMMENDATION_STATUSES,
    cell_text,
    looks_like_bsn,
    lookup,
    parse_date,
    safe_echo,
    score_key,
)

MAX_LISTED_CELL_ERRORS = 500  # per file; the rest is summarised in one line
HEADER_SEARCH_ROWS = 10


@dataclass(frozen=True)
class VisitKey:
    study_id: str
    municipality_code: str
    kind: str
    visit_date: dt.date
    team: str


@dataclass
class Options:
    study_id: str | None = None
    framework_id: str | None = None

    def fingerprint(self) -> str:
        return f"onderzoek={self.study_id or ''};kader={self.framework_id or ''}"


@dataclass
class Staged:
    file: str
    studies: dict[str, str]  # study id → framework id, for every study the file touches
    new_studies: set[str]
    visits: pd.DataFrame  # vkey, study_id, municipality_code, municipality_name, kind, visit_date, team, region
    dossiers: pd.DataFrame  # vkey, dossier_id, team
    scores: pd.DataFrame  # vkey, dossier_id, indicator_code, value
    remarks: pd.DataFrame  # vkey, dossier_id, indicator_code, text
    findings: pd.DataFrame  # vkey, theme_code, indicator_code, kind, text
    recommendations: pd.DataFrame  # vkey, number, text, status
    warnings: list[Problem] = field(default_factory=list)


class Collector:
    """Gathers problems for one file; counts cell errors beyond the listing cap."""

    def __init__(self, file: str):
        self.file = file
        self.problems: list[Problem] = []
        self.suppressed = 0

    def error(self, sheet: str, cell: str, message: str) -> None:
        if sum(p.severity == "fout" for p in self.problems) >= MAX_LISTED_CELL_ERRORS:
            self.suppressed += 1
            return
        self.problems.append(Problem(self.file, sheet, cell, message))

    def warn(self, sheet: str, cell: str, message: str) -> None:
        self.problems.append(Problem(self.file, sheet, cell, message, "waarschuwing"))

    @property
    def has_errors(self) -> bool:
        return any(p.severity == "fout" for p in self.problems) or self.suppressed > 0

    def reject(self) -> ImportRejected:
        problems = list(self.problems)
        if self.suppressed:
            problems.append(Problem(self.file, "", "", f"… en nog {self.suppressed} fouten van dezelfde soort."))
        return ImportRejected(self.file, problems)

    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "waarschuwing"]


def match_indicator(text: str, framework: Framework) -> Indicator | None:
    """Header/cell text → indicator: equal to the code, or the code followed by ' ', '.', ':' or '-'.

    The longest matching code wins, so '10 Evaluatie' is 10 and never 1.
    """
    t = text.strip().lower()
    best = None
    for ind in framework.indicators:
        c = ind.code.lower()
        if t == c or (t.startswith(c) and t[len(c)] in " .:-"):
            if best is None or len(c) > len(best.code):
                best = ind
    return best


def _codes_hint(indicators: tuple[Indicator, ...]) -> str:
    codes = [i.code for i in indicators]
    return ", ".join(codes) if len(codes) <= 16 else ", ".join(codes[:12]) + ", …"


def normalise_scores(values: np.ndarray, scale: str) -> tuple[np.ndarray, np.ndarray]:
    """Raw cell values → canonical scores ('' for empty) and a mask of invalid cells."""
    codes, uniques = pd.factorize(pd.Series(values, dtype=object), use_na_sentinel=True)
    table = lookup(scale)
    mapped = []
    for u in uniques:
        key = score_key(u)
        mapped.append("" if key == "" else table.get(key, None))
    mapped.append("")  # the NA sentinel (-1) indexes the last element
    lut = np.array(mapped, dtype=object)
    result = lut[codes]
    invalid = pd.isna(pd.Series(result, dtype=object)).to_numpy()
    return result, invalid


def find_header(sheet: Sheet, first: str) -> int | None:
    """The first row (within the first 10) whose first non-empty cell equals `first`."""
    for r, row in enumerate(sheet.rows[:HEADER_SEARCH_ROWS]):
        for v in row:
            if v is not None and cell_text(v) != "":
                if cell_text(v).lower() == first:
                    return r
                break
    return None


def header_columns(sheet: Sheet, header_row: int) -> dict[str, int]:
    """Lower-case header text → column index, for the simple sheets."""
    cols = {}
    for j, v in enumerate(sheet.rows[header_row]):
        t = cell_text(v).lower()
        if t and t not in cols:
            cols[t] = j
    return cols


def data_rows(sheet: Sheet, header_row: int):
    """(row index, row) for the non-empty rows below the header."""
    for r in range(header_row + 1, len(sheet.rows)):
        row = sheet.rows[r]
        if any(v is not None and cell_text(v) != "" for v in row):
            yield r, row


def get(row: list, j: int | None) -> object:
    return row[j] if j is not None and j < len(row) else None


def scan_bsn(sheets: list[tuple[str, list[list[object]]]], out: Collector) -> None:
    """Refuse any cell holding something that looks like a BSN; name the cell, never the number."""
    for sheet_name, rows in sheets:
        if not rows:
            continue
        width = max(len(r) for r in rows)
        arr = np.empty((len(rows), width), dtype=object)
        for i, r in enumerate(rows):
            arr[i, : len(r)] = r
        flat = arr.ravel()
        codes, uniques = pd.factorize(pd.Series(flat, dtype=object), use_na_sentinel=True)
        suspicious = [k for k, u in enumerate(uniques) if looks_like_bsn(u)]
        if not suspicious:
            continue
        for pos in np.nonzero(np.isin(codes, suspicious))[0]:
            r, c = divmod(int(pos), width)
            out.error(
                sheet_name,
                cell_ref(r, c),
                "cel bevat een nummer dat op een BSN lijkt (9 cijfers die de 11-proef halen). "
                "Gebruik alleen pseudoniemen; het nummer wordt hier niet getoond.",
            )


class VisitRegistry:
    """Resolves municipalities and hands out visit keys, collecting problems on the way."""

    def __init__(self, out: Collector):
        self.out = out
        self.keys: dict[VisitKey, int] = {}
        self.rows: list[dict] = []
        self._muni_cache: dict[tuple[str, int], municipalities.Municipality | None] = {}

    def municipality(self, raw: object, year: int, sheet: str, cell: str):
        name = cell_text(raw)
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

    def visit(self, study_id: str, muni, kind: str, date: dt.date, team: str, region: str | None) -> int:
        key = VisitKey(study_id, muni.code, kind, date, team)
        if key not in self.keys:
            self.keys[key] = len(self.rows)
            self.rows.append(
                {
                    "vkey": len(self.rows),
                    "study_id": study_id,
                    "municipality_code": muni.code,
                    "municipality_name": muni.name,
                    "kind": kind,
                    "visit_date": date,
                    "team": team,
                    "region": region,
                }
            )
        return self.keys[key]

    def frame(self) -> pd.DataFrame:
        cols = ["vkey", "study_id", "municipality_code", "municipality_name", "kind", "visit_date", "team", "region"]
        return pd.DataFrame(self.rows, columns=cols)


def resolve_study(
    con: duckdb.DuckDBPyConnection, study_id: str, framework_id: str | None, out: Collector, sheet: str, cell: str
) -> Framework | None:
    """The framework for a study: the study's own if it exists, else the named (known) framework."""
    frameworks = shipped_frameworks()
    rows = con.execute("SELECT framework_id FROM study WHERE study_id = ?", [study_id]).fetchall()
    row = rows[0] if rows else None
    if row:
        if framework_id and framework_id != row[0]:
            out.error(sheet, cell, f"onderzoek '{study_id}' gebruikt kader '{row[0]}', niet '{framework_id}'.")
            return None
        return frameworks.get(row[0])
    if not framework_id:
        out.error(sheet, cell, f"onderzoek '{safe_echo(study_id)}' is nieuw; vul ook 'Kader' in ({', '.join(frameworks)}).")
        return None
    if framework_id not in frameworks:
        out.error(sheet, cell, f"onbekend kader '{safe_echo(framework_id)}'; kies uit {', '.join(frameworks)}.")
        return None
    return frameworks[framework_id]


# --- .xlsx ---------------------------------------------------------------------------------


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


def read_meta(con, wb: Workbook, options: Options, out: Collector) -> Meta | None:
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

    def text(key: str) -> tuple[str, str]:
        v, c = values.get(key, (None, f"B? ({key})"))
        return cell_text(v), c

    study_id, study_cell = text("onderzoek")
    study_id = options.study_id or study_id
    framework_id, fw_cell = text("kader")
    framework_id = options.framework_id or framework_id or None
    framework = None
    if not study_id:
        out.error(name, study_cell if "onderzoek" in values else "", "sleutel 'Onderzoek' (onderzoekscode) ontbreekt of is leeg.")
    else:
        framework = resolve_study(con, study_id, framework_id, out, name, fw_cell if "kader" in values else study_cell)
    raw_date, date_cell = values.get("datum", (None, ""))
    date = parse_date(raw_date)
    if raw_date is None or cell_text(raw_date) == "":
        out.error(name, date_cell, "sleutel 'Datum' (datum van het veldwerk) ontbreekt of is leeg.")
    elif date is None:
        out.error(name, date_cell, f"datum '{safe_echo(raw_date)}' is onleesbaar; gebruik 12-11-2015 of 2015-11-12.")
    kind_text, kind_cell = text("soort")
    kind = KINDS.get(kind_text.lower()) if kind_text else "onderzoek"
    if kind is None:
        out.error(name, kind_cell, f"soort '{safe_echo(kind_text)}' is niet toegestaan; kies onderzoek of hertoets.")
        kind = "onderzoek"
    muni, muni_cell = values.get("gemeente", (None, ""))
    return Meta(
        study_id=study_id or None,
        framework=framework,
        municipality=muni if cell_text(muni) else None,
        municipality_cell=muni_cell,
        date=date,
        kind=kind,
        team=text("team")[0],
        region=text("regio")[0] or None,
    )


def stage_workbook(con, wb: Workbook, options: Options, out: Collector) -> Staged | None:
    scan_bsn([(s.name, s.rows) for s in wb.sheets.values()], out)
    meta = read_meta(con, wb, options, out)
    if meta is None or meta.framework is None:
        return None
    fw = meta.framework
    visits = VisitRegistry(out)
    default_visit: list[int | None] = []  # memo for rows without their own Gemeente (the usual case)

    def visit_for(raw_muni, sheet: str, cell: str) -> int | None:
        if meta.date is None:
            return None  # already reported; the sheets are still checked so every error is listed
        own = bool(cell_text(raw_muni))
        if not own and default_visit:
            return default_visit[0]
        source, where = (raw_muni, (sheet, cell)) if own else (meta.municipality, ("Onderzoek", meta.municipality_cell))
        if source is None:
            out.error(sheet, cell, "geen gemeente: vul 'Gemeente' in op blad Onderzoek of in deze rij.")
            m = None
        else:
            m = visits.municipality(source, meta.date.year, *where)
        vk = None if m is None else visits.visit(meta.study_id, m, meta.kind, meta.date, meta.team, meta.region)
        if not own:
            default_visit.append(vk)
        return vk

    if meta.municipality is not None:
        visit_for(None, "Onderzoek", meta.municipality_cell)

    dossiers, scores = _stage_dossiers(wb, fw, out, visit_for)
    net_scores, net_remarks = _stage_network(wb, fw, out, visit_for)
    remarks = _stage_remarks(wb, fw, out, visit_for, dossiers)
    findings = _stage_findings(wb, fw, out, visit_for)
    recs = _stage_recommendations(wb, out, visit_for)
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
        scores=pd.concat([scores, net_scores], ignore_index=True),
        remarks=pd.concat([remarks, net_remarks], ignore_index=True),
        findings=findings,
        recommendations=recs,
    )


SCORE_COLS = ["vkey", "dossier_id", "indicator_code", "value"]
DOSSIER_COLS = ["vkey", "dossier_id", "team"]
REMARK_COLS = ["vkey", "dossier_id", "indicator_code", "text"]


def _stage_dossiers(wb: Workbook, fw: Framework, out: Collector, visit_for):
    empty = pd.DataFrame(columns=DOSSIER_COLS), pd.DataFrame(columns=SCORE_COLS)
    sheet = wb.sheet("Dossiers")
    if not fw.dossier_indicators:
        h = find_header(sheet, "dossier") if sheet is not None else None
        if h is not None and any(True for _ in data_rows(sheet, h)):
            out.warn(sheet.name, "", f"kader {fw.id} heeft geen indicatoren per dossier; blad Dossiers is genegeerd.")
        return empty
    if sheet is None:
        out.error("", "", f"blad 'Dossiers' ontbreekt; kader {fw.id} scoort per dossier ({_codes_hint(fw.dossier_indicators)}).")
        return empty
    name = sheet.name
    h = find_header(sheet, "dossier")
    if h is None:
        out.error(name, "A1", "geen kopregel gevonden: binnen de eerste 10 rijen moet een rij beginnen met 'Dossier'.")
        return empty
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
                f"kader {fw.id} ({_codes_hint(fw.dossier_indicators)}), als code of code gevolgd door spatie, '.', ':' of '-'.",
            )
        elif not ind.per_dossier:
            out.error(name, ref, f"indicator {ind.code} wordt per bezoek beoordeeld, niet per dossier; zet hem op blad Netwerk.")
        elif ind.code in seen:
            out.error(name, ref, f"indicator {ind.code} staat al in kolom {seen[ind.code]}.")
        else:
            seen[ind.code] = col_letter(j)
            ind_cols.append((j, ind))
    if not ind_cols:
        if not out.has_errors:
            out.error(name, cell_ref(h, 0), f"geen indicatorkolommen gevonden; verwacht {_codes_hint(fw.dossier_indicators)}.")
        return empty

    dj, gj, tj = meta_cols["dossier"], meta_cols.get("gemeente"), meta_cols.get("team")
    row_idx, vkeys, dossier_ids, teams = [], [], [], []
    first_seen: dict[tuple, int] = {}
    for r, row in data_rows(sheet, h):
        did = cell_text(get(row, dj))
        if not did:
            if any(cell_text(get(row, j)) for j, _ in ind_cols):
                out.error(name, cell_ref(r, dj), "rij heeft scores maar geen dossiernummer.")
            continue
        vk = visit_for(get(row, gj), name, cell_ref(r, gj) if gj is not None else cell_ref(r, dj))
        # An unresolved municipality is already reported; keep checking the row's score cells
        # (under visit -1, never written) so that the report lists every error of the file.
        seen_key = (vk, did) if vk is not None else (-1, cell_text(get(row, gj)).lower(), did)
        if seen_key in first_seen:
            out.error(name, cell_ref(r, dj), f"dossier '{safe_echo(did)}' staat al in rij {first_seen[seen_key] + 1}; elk dossier één keer per bezoek.")
            continue
        first_seen[seen_key] = r
        row_idx.append(r)
        vkeys.append(-1 if vk is None else vk)
        dossier_ids.append(did)
        teams.append(cell_text(get(row, tj)) or None)
    if not row_idx:
        out.warn(name, "", "blad bevat geen dossiers.")
        return empty

    width = max(j for j, _ in ind_cols) + 1
    grid = np.empty((len(row_idx), len(ind_cols)), dtype=object)
    cols = [j for j, _ in ind_cols]
    for i, r in enumerate(row_idx):
        row = sheet.rows[r]
        if len(row) < width:
            row = row + [None] * (width - len(row))
        grid[i] = [row[j] for j in cols]
    values, invalid = normalise_scores(grid.ravel(), fw.scale)
    values = values.reshape(grid.shape)
    invalid = invalid.reshape(grid.shape)
    for i, c in zip(*np.nonzero(invalid)):
        out.error(
            name, cell_ref(row_idx[i], cols[c]),
            f"'{safe_echo(grid[i, c])}' is geen geldige score voor {ind_cols[c][1].code}; toegestaan: {ALLOWED_TEXT[fw.scale]}, of leeg.",
        )

    dossiers = pd.DataFrame({"vkey": vkeys, "dossier_id": dossier_ids, "team": teams})
    codes = np.array([ind.code for _, ind in ind_cols], dtype=object)
    long = pd.DataFrame(
        {
            "vkey": np.repeat(np.array(vkeys), len(cols)),
            "dossier_id": np.repeat(np.array(dossier_ids, dtype=object), len(cols)),
            "indicator_code": np.tile(codes, len(row_idx)),
            "value": values.ravel(),
        }
    )
    scored = long["value"].notna() & (long["value"] != "")
    _warn_dossier_sheet(name, fw, values, invalid, row_idx, cols, ind_cols, long[scored], out)
    return dossiers, long[scored].reset_index(drop=True)


def _warn_dossier_sheet(name, fw, values, invalid, row_idx, cols, ind_cols, scores, out: Collector) -> None:
    missing = (values == "") & ~invalid
    for c in np.nonzero(missing.any(axis=0))[0]:
        rows = np.nonzero(missing[:, c])[0]
        refs = ", ".join(cell_ref(row_idx[i], cols[c]) for i in rows[:5]) + (" …" if len(rows) > 5 else "")
        out.warn(name, col_letter(cols[c]), f"indicator {ind_cols[c][1].code}: {len(rows)} cel(len) niet gescoord ({refs}).")
    if fw.scale == "binair":
        judged = scores[scores["value"].isin(["ja", "nee"])].groupby(["vkey", "indicator_code"]).size()
        grid_index = pd.MultiIndex.from_product([sorted(set(scores["vkey"])), [i.code for _, i in ind_cols]])
        judged = judged.reindex(grid_index, fill_value=0)
        for (_, code), n in judged[judged < 5].items():
            out.warn(name, "", f"indicator {code}: {n} beoordeelde dossiers (ja/nee), minder dan 5 — kleine aantallen.")
        nvt_only = ((values == "nvt") | (values == "")).all(axis=1) & (values == "nvt").any(axis=1)
        for i in np.nonzero(nvt_only)[0]:
            out.warn(name, f"{row_idx[i] + 1}", "dossier heeft op alle indicatoren nvt.")


def _stage_network(wb: Workbook, fw: Framework, out: Collector, visit_for):
    empty = pd.DataFrame(columns=SCORE_COLS), pd.DataFrame(columns=REMARK_COLS)
    sheet = wb.sheet("Netwerk")
    if not fw.visit_indicators:
        if sheet is not None and find_header(sheet, "indicator") is not None and any(True for _ in data_rows(sheet, find_header(sheet, "indicator"))):
            out.warn(sheet.name, "", f"kader {fw.id} heeft geen indicatoren per bezoek; blad Netwerk is genegeerd.")
        return empty
    if sheet is None:
        out.warn("", "", f"blad 'Netwerk' ontbreekt: indicatoren {_codes_hint(fw.visit_indicators)} zijn niet gescoord.")
        return empty
    name = sheet.name
    h = find_header(sheet, "indicator")
    if h is None:
        out.error(name, "A1", "geen kopregel gevonden: binnen de eerste 10 rijen moet een rij beginnen met 'Indicator' (kolommen Indicator, Score, Toelichting).")
        return empty
    cols = header_columns(sheet, h)
    if "score" not in cols:
        out.error(name, cell_ref(h, 1), "kolom 'Score' ontbreekt.")
        return empty
    ij, sj, tj, gj = cols["indicator"], cols["score"], cols.get("toelichting"), cols.get("gemeente")
    table = lookup(fw.scale)
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
            out.error(name, ref, f"onbekende indicator '{safe_echo(t)}'; verwacht {_codes_hint(fw.visit_indicators)}.")
            continue
        if ind.per_dossier:
            out.error(name, ref, f"indicator {ind.code} wordt per dossier beoordeeld; zet hem op blad Dossiers.")
            continue
        vk = visit_for(get(row, gj), name, cell_ref(r, gj) if gj is not None else ref)
        # An unresolved municipality is already reported; still check the score (visit -1, never written).
        seen_key = (vk, ind.code) if vk is not None else (-1, cell_text(get(row, gj)).lower(), ind.code)
        vk = -1 if vk is None else vk
        if seen_key in seen:
            out.error(name, ref, f"indicator {ind.code} staat al in rij {seen[seen_key] + 1}.")
            continue
        seen[seen_key] = r
        raw = get(row, sj)
        key = score_key(raw)
        if key == "":
            out.warn(name, cell_ref(r, sj), f"indicator {ind.code} is niet gescoord.")
        elif key not in table:
            out.error(name, cell_ref(r, sj), f"'{safe_echo(raw)}' is geen geldige score; toegestaan: {ALLOWED_TEXT[fw.scale]}, of leeg.")
        else:
            scores.append((vk, None, ind.code, table[key]))
        note = cell_text(get(row, tj))
        if note:
            remarks.append((vk, None, ind.code, note))
    return pd.DataFrame(scores, columns=SCORE_COLS), pd.DataFrame(remarks, columns=REMARK_COLS)


def _stage_remarks(wb: Workbook, fw: Framework, out: Collector, visit_for, dossiers: pd.DataFrame) -> pd.DataFrame:
    sheet = wb.sheet("Toelichting")
    rows = []
    if sheet is None:
        return pd.DataFrame(columns=REMARK_COLS)
    name = sheet.name
    h = find_header(sheet, "dossier")
    if h is None:
        out.error(name, "A1", "geen kopregel gevonden: de eerste kolomkop moet 'Dossier' zijn (kolommen Dossier, Indicator, Toelichting).")
        return pd.DataFrame(columns=REMARK_COLS)
    cols = header_columns(sheet, h)
    if "toelichting" not in cols:
        out.error(name, cell_ref(h, 2), "kolom 'Toelichting' ontbreekt.")
        return pd.DataFrame(columns=REMARK_COLS)
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
            vk = visit_for(get(row, gj), name, cell_ref(r, gj))
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
                out.error(name, cell_ref(r, ij), f"onbekende indicator '{safe_echo(t)}' voor kader {fw.id}.")
                continue
            code = ind.code
        rows.append((candidates[0], did, code, text))
    return pd.DataFrame(rows, columns=REMARK_COLS)


def _stage_findings(wb: Workbook, fw: Framework, out: Collector, visit_for) -> pd.DataFrame:
    columns = ["vkey", "theme_code", "indicator_code", "kind", "text"]
    sheet = wb.sheet("Bevindingen")
    if sheet is None:
        return pd.DataFrame(columns=columns)
    name = sheet.name
    h = next((r for r in (find_header(sheet, "thema"), find_header(sheet, "indicator"), find_header(sheet, "soort")) if r is not None), None)
    if h is None:
        out.error(name, "A1", "geen kopregel gevonden (kolommen Thema of Indicator, Soort, Tekst).")
        return pd.DataFrame(columns=columns)
    cols = header_columns(sheet, h)
    missing = [c for c in ("soort", "tekst") if c not in cols]
    if missing:
        out.error(name, cell_ref(h, 0), f"kolom(men) {', '.join(missing)} ontbreken (kolommen Thema of Indicator, Soort, Tekst).")
        return pd.DataFrame(columns=columns)
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
                out.error(name, cell_ref(r, cols["indicator"]), f"onbekende indicator '{safe_echo(t)}' voor kader {fw.id}.")
                continue
            ind_code, theme = ind.code, theme or ind.theme
        gj = cols.get("gemeente")
        vk = visit_for(get(row, gj), name, cell_ref(r, gj if gj is not None else cols["tekst"]))
        if vk is not None:
            rows.append((vk, theme, ind_code, kind, text))
    return pd.DataFrame(rows, columns=columns)


def _stage_recommendations(wb: Workbook, out: Collector, visit_for) -> pd.DataFrame:
    columns = ["vkey", "number", "text", "status"]
    sheet = wb.sheet("Aanbevelingen")
    if sheet is None:
        return pd.DataFrame(columns=columns)
    name = sheet.name
    h = find_header(sheet, "nr")
    if h is None:
        out.error(name, "A1", "geen kopregel gevonden: de eerste kolomkop moet 'Nr' zijn (kolommen Nr, Tekst, Status).")
        return pd.DataFrame(columns=columns)
    cols = header_columns(sheet, h)
    if "tekst" not in cols:
        out.error(name, cell_ref(h, 1), "kolom 'Tekst' ontbreekt.")
        return pd.DataFrame(columns=columns)
    rows, seen = [], set()
    for r, row in data_rows(sheet, h):
        nr_raw = get(row, cols["nr"])
        try:
            nr = int(float(cell_text(nr_raw).rstrip(".")))
        except ValueError:
            out.error(name, cell_ref(r, cols["nr"]), f"nummer '{safe_echo(nr_raw)}' is geen geheel getal.")
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
        vk = visit_for(get(row, gj), name, cell_ref(r, gj if gj is not None else cols["nr"]))
        if vk is None:
            continue
        if (vk, nr) in seen:
            out.error(name, cell_ref(r, cols["nr"]), f"aanbeveling {nr} staat er twee keer.")
            continue
        seen.add((vk, nr))
        rows.append((vk, nr, text, status))
    return pd.DataFrame(rows, columns=columns)


# --- CSV (long format) ---------------------------------------------------------------------

CSV_REQUIRED = ("gemeente", "dossier", "indicator", "score")
CSV_OPTIONAL = ("toelichting", "onderzoek", "kader", "datum", "soort", "team")


def stage_csv(con, rows: list[list[object]], options: Options, out: Collector) -> Staged | None:
    scan_bsn([("", rows)], out)
    h = None
    for r, row in enumerate(rows[:HEADER_SEARCH_ROWS]):
        names = {cell_text(v).lower() for v in row}
        if set(CSV_REQUIRED) <= names:
            h = r
            break
    if h is None:
        out.error("", "1", f"geen kopregel gevonden binnen de eerste 10 regels; verplichte kolommen: {', '.join(CSV_REQUIRED)}.")
        return None
    cols: dict[str, int] = {}
    for j, v in enumerate(rows[h]):
        t = cell_text(v).lower()
        if not t:
            continue
        if t not in CSV_REQUIRED + CSV_OPTIONAL:
            out.error("", cell_ref(h, j), f"onbekende kolom '{safe_echo(t)}'; toegestaan: {', '.join(CSV_REQUIRED + CSV_OPTIONAL)}.")
        elif t in cols:
            out.error("", cell_ref(h, j), f"kolom '{t}' staat er twee keer.")
        else:
            cols[t] = j
    body = [(r, row) for r, row in enumerate(rows[h + 1 :], start=h + 1) if any(v is not None for v in row)]
    if not body:
        out.error("", str(h + 2), "geen gegevens onder de kopregel.")
        return None
    width = max(len(row) for _, row in body)
    frame = pd.DataFrame([row + [None] * (width - len(row)) for _, row in body])
    line = np.array([r for r, _ in body])

    def column(key: str, default: str | None = None) -> pd.Series:
        if key in cols:
            s = frame[cols[key]].map(lambda v: cell_text(v))
            return s.where(s != "", default) if default is not None else s
        return pd.Series([default or ""] * len(frame))

    def ref(key: str, i: int) -> str:
        if key not in cols:  # no such column: name the line, not an unrelated cell in column A
            return str(int(line[i]) + 1)
        return cell_ref(int(line[i]), cols[key])

    study = column("onderzoek", "") if not options.study_id else pd.Series([options.study_id] * len(frame))
    kader = column("kader", "") if not options.framework_id else pd.Series([options.framework_id] * len(frame))
    datum = column("datum", "")
    soort = column("soort", "onderzoek").str.lower()
    team = column("team", "")
    gemeente = column("gemeente", "")
    dossier = column("dossier", "")
    indicator = column("indicator", "")
    note = column("toelichting", "")

    visits = VisitRegistry(out)
    studies: dict[str, str] = {}
    frameworks: dict[str, Framework] = {}
    vkeys = np.full(len(frame), -1)
    group_cols = pd.DataFrame({"s": study, "k": kader, "d": datum, "o": soort, "t": team, "g": gemeente})
    for (s, k, d, o, t, g), idx in group_cols.groupby(list(group_cols.columns), sort=False).indices.items():
        i0 = int(idx[0])
        if not s:
            out.error("", ref("onderzoek", i0), "geen onderzoek: voeg kolom 'onderzoek' toe of geef --onderzoek op.")
            continue
        if s not in frameworks:
            fw = resolve_study(con, s, k or None, out, "", ref("kader", i0))
            if fw is None:
                frameworks[s] = None
                continue
            frameworks[s] = fw
            studies[s] = fw.id
        if frameworks[s] is None:
            continue
        date = parse_date(d)
        if date is None:
            what = "ontbreekt" if not d else f"'{safe_echo(d)}' is onleesbaar; gebruik 12-11-2015 of 2015-11-12"
            out.error("", ref("datum", i0), f"datum {what}.")
            continue
        kind = KINDS.get(o)
        if kind is None:
            out.error("", ref("soort", i0), f"soort '{safe_echo(o)}' is niet toegestaan; kies onderzoek of hertoets.")
            continue
        if not g:
            out.error("", ref("gemeente", i0), "gemeente ontbreekt.")
            continue
        m = visits.municipality(g, date.year, "", ref("gemeente", i0))
        if m is None:
            continue
        vkeys[idx] = visits.visit(s, m, kind, date, t, None)
    if out.has_errors:
        return None

    codes = np.empty(len(frame), dtype=object)
    values = np.empty(len(frame), dtype=object)
    ok = np.ones(len(frame), dtype=bool)
    for s, idx in pd.Series(study).groupby(study).indices.items():
        fw = frameworks[s]
        matched = {t: match_indicator(t, fw) for t in pd.unique(indicator.iloc[idx])}
        for i in idx:
            ind = matched[indicator.iat[i]]
            if ind is None:
                out.error("", ref("indicator", i), f"onbekende indicator '{safe_echo(indicator.iat[i])}' voor kader {fw.id}; verwacht {_codes_hint(fw.indicators)}.")
                ok[i] = False
            elif ind.per_dossier and not dossier.iat[i]:
                out.error("", ref("dossier", i), f"indicator {ind.code} wordt per dossier beoordeeld; vul het dossiernummer in.")
                ok[i] = False
            elif not ind.per_dossier and dossier.iat[i]:
                out.error("", ref("dossier", i), f"indicator {ind.code} wordt per bezoek beoordeeld; laat dossier leeg.")
                ok[i] = False
            else:
                codes[i] = ind.code
        raw = frame[cols["score"]].to_numpy(dtype=object)[idx]
        vals, invalid = normalise_scores(raw, fw.scale)
        values[idx] = vals
        for pos in np.nonzero(invalid)[0]:
            i = int(idx[pos])
            if True:
                out.error("", ref("score", i), f"'{safe_echo(raw[pos])}' is geen geldige score; toegestaan: {ALLOWED_TEXT[fw.scale]}, of leeg.")
                ok[i] = False
    long = pd.DataFrame(
        {"vkey": vkeys, "dossier_id": dossier.where(dossier != "", None).to_numpy(dtype=object),
         "indicator_code": codes, "value": values, "line": line, "note": note.to_numpy(dtype=object)}
    )[ok]
    dup = long.duplicated(["vkey", "dossier_id", "indicator_code"], keep="first")
    for _, row in long[dup].iterrows():
        out.error("", cell_ref(int(row["line"]), cols["indicator"]), f"dossier/indicator {row['indicator_code']} staat er twee keer voor dezelfde gemeente en datum.")
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
        studies=studies,
        new_studies=set(),
        visits=visits.frame(),
        dossiers=dossiers.reset_index(drop=True),
        scores=long[~missing][SCORE_COLS].reset_index(drop=True),
        remarks=notes.reset_index(drop=True),
        findings=pd.DataFrame(columns=["vkey", "theme_code", "indicator_code", "kind", "text"]),
        recommendations=pd.DataFrame(columns=["vkey", "number", "text", "status"]),
    )


# --- entry point ---------------------------------------------------------------------------


def stage_file(con, path: Path, data: bytes, options: Options) -> Staged:
    """Validate a file completely; return what would be written, or raise ImportRejected."""
    out = Collector(path.name)
    try:
        check_file(path, data)
        if path.suffix.lower() in (".csv", ".txt"):
            staged = stage_csv(con, read_csv_rows(path, data), options, out)
        else:
            staged = stage_workbook(con, read_workbook(path, data), options, out)
    except LoaderError as exc:
        raise ImportRejected.from_error(path.name, exc) from exc
    if staged is None or out.has_errors:
        if not out.has_errors:
            out.error("", "", "bestand bevat geen gegevens om te importeren.")
        raise out.reject()
    existing = {r[0] for r in con.execute("SELECT study_id FROM study").fetchall()}
    staged.new_studies = set(staged.studies) - existing
    staged.warnings = out.warnings()
    return staged
