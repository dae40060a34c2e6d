"""Compliance (naleving): k of n with a Wilson interval, per indicator, theme, visit, municipality,
study and year, with the study benchmark and the comparison against it (DESIGN §7).

Counting: k = ja, n = ja + nee; nvt and onbekend are reported, never in n. Benchmarks are pooled
over the study's `onderzoek` visits (all municipalities), whatever soort is being looked at, so a
hertoets is compared with the same reference as the first inspection.
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb
import numpy as np
import pandas as pd

from metrics.stats import SMALL_N, compare_to_benchmark, wilson_interval


@dataclass(frozen=True)
class Scope:
    """Which visits count. None means no restriction."""

    study: str | None = None
    municipality: str | None = None  # name as stored (CBS spelling of the visit's year) or GM-code
    kind: str | None = "onderzoek"
    year: int | None = None
    scale: str = "binair"

    def where(self, alias: str = "c") -> tuple[str, list]:
        clauses, params = [f"{alias}.scale = ?"], [self.scale]
        if self.study:
            clauses.append(f"{alias}.study_id = ?")
            params.append(self.study)
        if self.municipality:
            clauses.append(f"(lower({alias}.municipality_name) = lower(?) OR {alias}.municipality_code = upper(?))")
            params += [self.municipality, self.municipality]
        if self.kind:
            clauses.append(f"{alias}.kind = ?")
            params.append(self.kind)
        if self.year:
            clauses.append(f"{alias}.year = ?")
            params.append(int(self.year))
        return " AND ".join(clauses), params


# Output column names are Dutch: they are what CSV users and the UI see.
GROUPINGS = {
    "indicator": ["study_id", "framework_id", "municipality_code", "municipality_name", "theme_code", "indicator_code", "label", "level", "norm", "indicator_position"],
    "theme": ["study_id", "framework_id", "municipality_code", "municipality_name", "theme_code", "theme_name", "theme_position"],
    "municipality": ["study_id", "framework_id", "municipality_code", "municipality_name"],
    "visit": ["study_id", "framework_id", "visit_id", "municipality_code", "municipality_name", "kind", "visit_date", "team", "theme_code", "indicator_code", "label", "level", "norm", "indicator_position"],
    "study": ["study_id", "framework_id"],
    "year": ["year"],
}
RENAME = {
    "study_id": "onderzoek", "framework_id": "kader", "municipality_code": "gemeentecode",
    "municipality_name": "gemeente", "theme_code": "thema", "theme_name": "themanaam",
    "indicator_code": "indicator", "level": "niveau", "kind": "soort", "visit_date": "datum",
}


def _counts(con: duckdb.DuckDBPyConnection, keys: list[str], scope: Scope, dossier_level_only: bool) -> pd.DataFrame:
    where, params = scope.where()
    if dossier_level_only:
        where += " AND c.level = 'dossier'"
    cols = ", ".join(f"c.{k}" for k in keys)
    sql = f"""
        WITH scoped AS (
            SELECT * FROM v_count c WHERE {where}
        ),
        grouped AS (
            SELECT {cols.replace('c.', '')},
                   sum(ja)::BIGINT AS k, sum(ja + nee)::BIGINT AS n,
                   sum(nvt)::BIGINT AS nvt, sum(onbekend)::BIGINT AS onbekend,
                   count(DISTINCT visit_id) AS bezoeken,
                   count(DISTINCT municipality_code) AS gemeenten
            FROM scoped
            GROUP BY ALL
        ),
        final AS (SELECT * FROM grouped)
        SELECT * FROM final
    """
    return con.execute(sql, params).df()


def _with_rates(frame: pd.DataFrame) -> pd.DataFrame:
    """Add percentage, Wilson bounds, small-number flag and the 'k van n' text."""
    k = frame["k"].to_numpy(dtype=float)
    n = frame["n"].to_numpy(dtype=float)
    low, high = wilson_interval(k, n)
    with np.errstate(divide="ignore", invalid="ignore"):
        frame["percentage"] = np.where(n > 0, k / np.where(n > 0, n, 1) * 100, np.nan)
    frame["ondergrens"] = low * 100
    frame["bovengrens"] = high * 100
    frame["klein_aantal"] = n < SMALL_N
    frame["oordeel"] = np.where(n > 0, frame["k"].astype(str) + " van " + frame["n"].astype(str), "geen oordeel")
    return frame


def _benchmark(con, keys: list[str], scope: Scope, dossier_level_only: bool) -> pd.DataFrame:
    """Pooled rate of each study's onderzoek visits at the grain `keys` (without municipality)."""
    bench_scope = Scope(study=scope.study, kind="onderzoek", year=None)
    frame = _counts(con, keys, bench_scope, dossier_level_only)
    with np.errstate(divide="ignore", invalid="ignore"):
        frame["benchmark"] = np.where(frame["n"] > 0, frame["k"] / frame["n"].where(frame["n"] > 0, 1) * 100, np.nan)
    return frame[keys + ["benchmark"]]


def _compliance(con, grouping: str, scope: Scope, pooled: bool = False, benchmark: bool = True) -> pd.DataFrame:
    keys = list(GROUPINGS[grouping])
    if pooled:
        keys = [k for k in keys if k not in ("municipality_code", "municipality_name", "visit_id", "kind", "visit_date", "team")]
    dossier_only = grouping in ("theme", "municipality", "study", "year")
    frame = _with_rates(_counts(con, keys, scope, dossier_only))
    bench_keys = [k for k in keys if k in ("study_id", "framework_id", "theme_code", "theme_name", "theme_position", "indicator_code", "label", "level", "norm", "indicator_position")]
    if benchmark and "study_id" in keys:
        frame = frame.merge(_benchmark(con, bench_keys, scope, dossier_only), on=bench_keys, how="left")
        frame["vergelijking"] = compare_to_benchmark(frame["ondergrens"], frame["bovengrens"], frame["benchmark"])
    if "norm" in frame.columns:
        frame["voldoet_norm"] = np.where(
            frame["norm"].notna() & (frame["n"] > 0), frame["percentage"] >= frame["norm"], pd.NA
        )
    order = [c for c in ("study_id", "municipality_name", "visit_date", "theme_position", "indicator_position", "year") if c in frame.columns]
    frame = frame.sort_values(order, kind="stable").reset_index(drop=True)
    if pooled:
        frame.insert(2, "municipality_name", "")
        frame.insert(2, "municipality_code", "")
    frame = frame.drop(columns=[c for c in ("indicator_position", "theme_position") if c in frame.columns])
    return frame.rename(columns=RENAME)


def compliance_by_indicator(con, scope: Scope = Scope(), pooled: bool = False) -> pd.DataFrame:
    """Per study × municipality × indicator (pooled=True: × indicator over all municipalities)."""
    return _compliance(con, "indicator", scope, pooled)


def compliance_by_theme(con, scope: Scope = Scope(), pooled: bool = False) -> pd.DataFrame:
    """Per study × municipality × theme, pooled Σk/Σn over dossier-level indicators, with the range of indicator rates."""
    frame = _compliance(con, "theme", scope, pooled)
    rates = compliance_by_indicator(con, scope, pooled)
    rates = rates[(rates["niveau"] == "dossier") & (rates["n"] > 0)]
    spread = rates.groupby(["onderzoek", "gemeente", "thema"], as_index=False)["percentage"].agg(
        laagste_indicator="min", hoogste_indicator="max"
    )
    return frame.merge(spread, on=["onderzoek", "gemeente", "thema"], how="left")


def compliance_by_municipality(con, scope: Scope = Scope(), pooled: bool = False) -> pd.DataFrame:
    """Per study × municipality, pooled over all dossier-level indicators."""
    return _compliance(con, "municipality", scope, pooled)


def compliance_by_visit(con, scope: Scope = Scope(kind=None)) -> pd.DataFrame:
    """Per visit × indicator: every onderzoek and hertoets separately, for trends and the Gemeente page."""
    return _compliance(con, "visit", scope)


def compliance_by_study(con, scope: Scope = Scope()) -> pd.DataFrame:
    """Per study, pooled over all municipalities and dossier-level indicators."""
    return _compliance(con, "study", scope, benchmark=False)


def compliance_by_year(con, scope: Scope = Scope()) -> pd.DataFrame:
    """Per fieldwork year, pooled over all studies and dossier-level indicators."""
    return _compliance(con, "year", scope, benchmark=False)
