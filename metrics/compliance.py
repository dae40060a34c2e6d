"""Compliance (naleving): k of n with a Wilson interval, per indicator, theme, visit, municipality,
study and year, with the study benchmark and the comparison against it (DESIGN §7).

Counting: k = ja, n = ja + nee; nvt and onbekend are reported, never in n. Benchmarks are pooled
over the study's `onderzoek` visits (all municipalities), whatever soort is being looked at, so a
hertoets is compared with the same reference as the first inspection.
"""

from __future__ import annotations

import warnings
from dataclasses import replace

import duckdb
import numpy as np
import pandas as pd

from metrics.counting import count_sql, with_rates
from metrics.scope import Scope
from metrics.stats import compare_to_benchmark, rate_percent, wilson_interval
from reference.vocab import BENCHMARKS, MIN_GROUP, SMALL_N, STRICT_ALPHA

warnings.filterwarnings("ignore", message="Arrow output on a DB-API result", category=UserWarning)

__all__ = ["Scope", "with_rates"]  # re-exported: pages and tests take them from here and from `metrics`


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


# Where each grouping column comes from: indicator/theme metadata (one row per framework × indicator
# code, resp. framework × theme code) or the visit (v_visit). `grouped_counts` aggregates the counts at the
# visit-level keys plus indicator (or theme) code first and attaches the metadata afterwards: the
# same groups as grouping v_count by every key (the metadata is a function of its primary key), but
# hashing a few short keys instead of every label, and without v_count's visit × indicator join.
ID_KEYS = ("study_id", "framework_id", "indicator_code", "theme_code")  # label, level, norm, … follow from these
INDICATOR_META = ("theme_code", "theme_name", "label", "level", "norm", "indicator_position", "theme_position")
THEME_META = ("theme_name", "theme_position")
INDICATORS_SQL = """
    SELECT i.framework_id, i.indicator_code, i.theme_code, t.name AS theme_name, i.label, i.level, i.norm,
           i.position AS indicator_position, t.position AS theme_position
    FROM indicator i JOIN theme t ON t.framework_id = i.framework_id AND t.theme_code = i.theme_code
"""


def _visits_sql(scope: Scope, repeated_only: bool) -> tuple[str, list]:
    """The `visits` CTE: v_visit rows in scope; with repeated_only only a municipality and team's visits when it has
    more than one in scope on the same framework (all a trend can use)."""
    where, params = scope.where("v")
    repeated = "QUALIFY count(*) OVER (PARTITION BY v.framework_id, v.municipality_code, v.team) > 1" if repeated_only else ""
    return f"visits AS (SELECT * FROM v_visit v WHERE {where} {repeated})", params


def _per_indicator_parts(keys: list[str], visit_keys: list[str], visit_counts: bool, dossier_level_only: bool) -> dict:
    """Grouping with the indicator among the keys: counts per visit key × indicator, metadata joined afterwards.
    visit_indicator_count has one row per visit × indicator, so each group counts a visit once: count(*) =
    count(DISTINCT visit_id)."""
    municipalities = "1::BIGINT" if "municipality_code" in keys else "count(DISTINCT v.municipality_code)"
    return dict(
        keys=[f"v.{k}" for k in visit_keys] + ["c.indicator_code"],
        counted=f", count(*) AS bezoeken, {municipalities} AS gemeenten" if visit_counts else "",
        source="visit_indicator_count c JOIN visits v USING (visit_id)",
        filter="",
        attach="JOIN indicators USING (framework_id, indicator_code)",
        post_filter="WHERE level = 'dossier'" if dossier_level_only else "",
    )


def _per_visit_or_theme_parts(keys: list[str], visit_keys: list[str], visit_counts: bool, dossier_level_only: bool) -> dict:
    """Grouping without the indicator: counts per visit key (× theme code), the theme's name and position joined
    afterwards when asked for."""
    if any(k in INDICATOR_META and k not in ("theme_code",) + THEME_META for k in keys):
        raise ValueError(f"grouping by indicator metadata needs indicator_code: {keys}")
    municipalities = "1::BIGINT" if "municipality_code" in keys else "count(DISTINCT v.municipality_code)"
    by_theme = any(k in keys for k in ("theme_code",) + THEME_META)
    theme_meta = ("JOIN (SELECT framework_id, theme_code, name AS theme_name, position AS theme_position FROM theme) t "
                  "USING (framework_id, theme_code)")
    return dict(
        keys=[f"v.{k}" for k in visit_keys] + (["i.theme_code"] if by_theme else []),
        counted=f", count(DISTINCT c.visit_id) AS bezoeken, {municipalities} AS gemeenten" if visit_counts else "",
        source=("visit_indicator_count c JOIN visits v USING (visit_id) "
                "JOIN indicators i ON i.framework_id = v.framework_id AND i.indicator_code = c.indicator_code"),
        filter="WHERE i.level = 'dossier'" if dossier_level_only else "",
        attach=theme_meta if any(k in keys for k in THEME_META) else "",
        post_filter="",
    )


def grouped_counts(
    con: duckdb.DuckDBPyConnection,
    keys: list[str],
    scope: Scope,
    dossier_level_only: bool,
    visit_counts: bool = True,
    studies: list[str] | None = None,
    repeated_only: bool = False,
) -> pd.DataFrame:
    """k, n, nvt, onbekend (and, with visit_counts, the number of visits and municipalities) per `keys`,
    over v_count's rows in `scope` (optionally only the given studies; with repeated_only see `_visits_sql`),
    ordered by `keys` (so rows that tie on the callers' sort columns keep a fixed order). Same rows as
    `SELECT keys, sums, count(DISTINCT visit_id), count(DISTINCT municipality_code) FROM v_count WHERE … GROUP BY ALL`."""
    if studies is not None:
        scope = replace(scope, studies=tuple(studies))
    visits, params = _visits_sql(scope, repeated_only)
    visit_keys = [k for k in keys if k not in INDICATOR_META and k != "indicator_code"]
    parts = (_per_indicator_parts if "indicator_code" in keys else _per_visit_or_theme_parts)(
        keys, visit_keys, visit_counts, dossier_level_only)
    out = ", ".join(keys) + ", k, n, nvt, onbekend" + (", bezoeken, gemeenten" if visit_counts else "")
    sql = f"""
        WITH {visits},
        indicators AS ({INDICATORS_SQL}),
        grouped AS (
            SELECT {", ".join(parts["keys"])}, {count_sql("c", reported=True)}{parts["counted"]}
            FROM {parts["source"]}
            {parts["filter"]}
            GROUP BY ALL
        ),
        final AS (
            SELECT {out} FROM grouped {parts["attach"]} {parts["post_filter"]}
        )
        SELECT * FROM final ORDER BY {", ".join(keys)}
    """
    if "visit_date" in keys:
        return con.execute(sql, params).df()  # .df() gives DATE as datetime64; Arrow's to_pandas would not
    # Through Arrow: text columns become pandas' Arrow-backed str columns without a per-value conversion (the same
    # frame as .df(), ~40% faster for a study's 17,000 rows). DuckDB warns that this copies the rows once more and
    # suggests con.sql(…): measured here, con.sql is the slower of the two (filter at the top of this module).
    return con.execute(sql, params).to_arrow_table().to_pandas()


def benchmark_rates(con, keys: list[str], scope: Scope, dossier_level_only: bool, studies: list[str] | None = None) -> pd.DataFrame:
    """Pooled rate of each study's onderzoek visits at the grain `keys` (without municipality);
    `studies` limits the query to the studies the caller will look up."""
    frame = grouped_counts(con, keys, scope.benchmark(), dossier_level_only, visit_counts=False, studies=studies)
    frame["benchmark"] = rate_percent(frame["k"], frame["n"])
    return frame[keys + ["benchmark"]]


def _pooled_rate(frame: pd.DataFrame, keys: list[str]) -> np.ndarray:
    """Σk / Σn × 100 over the rows sharing `keys`, as _benchmark computes it. Grouped by the identifying
    keys only: label, level, norm, position and theme name follow from framework + indicator/theme code."""
    ids = [k for k in keys if k in ID_KEYS]
    sums = frame.groupby(ids, dropna=False, sort=False)[["k", "n"]].transform("sum")
    return rate_percent(sums["k"], sums["n"])


def _province_of(con, scope: Scope) -> dict[str, str]:
    """GM-code → province (reference list of the visit's year) for the municipalities of the scope's study."""
    where, params = replace(scope, municipality=None, municipalities=None, kind=None, year=None).where("v")
    rows = con.execute(f"SELECT DISTINCT municipality_code, province FROM v_visit v WHERE {where} ORDER BY 1, 2", params).fetchall()
    return {code: province for code, province in rows if province is not None}


def _attach_benchmark(con, frame: pd.DataFrame, keys: list[str], bench_keys: list[str], scope: Scope, dossier_only: bool,
                      pooled: bool) -> None:
    """Add benchmark, vergelijking, vergelijking_998 and what the benchmark is (benchmark_soort, benchmark_gebied,
    benchmark_gemeenten, benchmark_opmerking) to `frame`, in place, for scope.benchmark_kind."""
    kind = scope.benchmark_kind if scope.benchmark_kind in BENCHMARKS else "onderzoek"
    ids = [k for k in bench_keys if k in ID_KEYS]
    rows = len(frame)
    area = np.full(rows, {"onderzoek": "alle gemeenten van het onderzoek", "groep": "eigen vergelijkingsgroep",
                          "norm": "norm van het kader", "provincie": ""}[kind], dtype=object)
    # lezer and gemeente pool published visits only (DESIGN §12): the caption must not claim every municipality.
    published_only = "" if scope.viewer.sees_concept or kind == "norm" else ", alleen gepubliceerde bezoeken"
    note = np.full(rows, "", dtype=object)
    municipalities = np.full(rows, np.nan)
    if kind == "onderzoek" and scope == scope.benchmark():
        # The benchmark pools exactly this frame's rows (same visits, same indicators): no second query.
        frame["benchmark"] = _pooled_rate(frame, bench_keys)
        if "municipality_code" in frame.columns:
            municipalities = frame.groupby(ids, dropna=False, sort=False)["municipality_code"].transform("nunique").to_numpy(dtype=float)
        elif "gemeenten" in frame.columns:
            municipalities = frame["gemeenten"].to_numpy(dtype=float)
    elif kind == "norm":
        norm = frame["norm"].to_numpy(dtype=float) if "norm" in frame.columns else np.full(rows, np.nan)
        frame["benchmark"] = norm
        note[np.isnan(norm)] = ("het kader stelt voor deze indicator geen norm: geen vergelijking" if "norm" in frame.columns
                                else "een norm geldt per indicator: geen vergelijking")
    else:
        by = ids + (["province"] if kind == "provincie" else [])
        studies = None if scope.study else frame["study_id"].unique().tolist()
        bench = grouped_counts(con, by, scope.benchmark(), dossier_only, visit_counts=True, studies=studies)
        bench["benchmark"] = rate_percent(bench["k"], bench["n"])
        bench = bench.set_index(by)
        lookup = frame[ids].copy()
        if kind == "provincie":
            if pooled or "municipality_code" not in frame.columns:
                lookup["province"] = None
                note[:] = "de provinciebenchmark geldt per gemeente: geen vergelijking voor alle gemeenten samen"
            else:
                lookup["province"] = frame["municipality_code"].map(_province_of(con, scope)).to_numpy()
            area = np.array([f"provincie {p}" if isinstance(p, str) else "provincie onbekend" for p in lookup["province"]], dtype=object)
        at = pd.MultiIndex.from_frame(lookup[by])
        frame["benchmark"] = bench["benchmark"].reindex(at).to_numpy(dtype=float)
        municipalities = bench["gemeenten"].reindex(at).to_numpy(dtype=float)
        pooled_n = bench["n"].reindex(at).to_numpy(dtype=float)
        # The minimum is the rule for a chosen pool (a group, a province); the whole study is the study, however small.
        too_small = ~np.isnan(municipalities) & (municipalities < MIN_GROUP) & (kind != "onderzoek")
        empty = np.isnan(pooled_n) | (pooled_n == 0)
        unset = note == ""
        note[unset & empty] = "de benchmark heeft geen oordelen (n = 0): geen vergelijking"
        note[unset & ~empty & too_small] = f"benchmark over minder dan {MIN_GROUP} gemeenten: geen vergelijking"
        frame.loc[empty | too_small, "benchmark"] = np.nan
    low, high = wilson_interval(frame["k"], frame["n"], alpha=STRICT_ALPHA)
    frame["vergelijking"] = compare_to_benchmark(frame["ondergrens"], frame["bovengrens"], frame["benchmark"])
    frame["vergelijking_998"] = compare_to_benchmark(low * 100, high * 100, frame["benchmark"])
    frame["benchmark_soort"] = kind
    frame["benchmark_gebied"] = area + published_only if published_only else area
    frame["benchmark_gemeenten"] = pd.Series(municipalities, index=frame.index).astype("Int64")
    frame["benchmark_opmerking"] = note


def grouped_compliance(
    con, grouping: str, scope: Scope, pooled: bool = False, benchmark: bool = True, repeated_only: bool = False
) -> pd.DataFrame:
    """The compliance frame of one GROUPINGS grain (pooled: over all municipalities), with rates, the study
    benchmark and the comparison against it, norm check, Dutch column names."""
    keys = list(GROUPINGS[grouping])
    if pooled:
        keys = [k for k in keys if k not in ("municipality_code", "municipality_name", "visit_id", "kind", "visit_date", "team")]
    dossier_only = grouping in ("theme", "municipality", "study", "year")
    frame = with_rates(grouped_counts(con, keys, scope, dossier_only, repeated_only=repeated_only))
    bench_keys = [k for k in keys if k in ("study_id", "framework_id", "theme_code", "theme_name", "theme_position", "indicator_code", "label", "level", "norm", "indicator_position")]
    if benchmark and "study_id" in keys:
        _attach_benchmark(con, frame, keys, bench_keys, scope, dossier_only, pooled)
    if "norm" in frame.columns:
        frame["voldoet_norm"] = np.where(
            frame["norm"].notna() & (frame["n"] > 0), frame["percentage"] >= frame["norm"], pd.NA
        )
    order = [c for c in ("study_id", "municipality_name", "visit_date", "theme_position", "indicator_position", "year") if c in frame.columns]
    frame = frame.sort_values(order, kind="stable", ignore_index=True)
    if pooled:
        frame.insert(2, "municipality_name", "")
        frame.insert(2, "municipality_code", "")
    for c in ("indicator_position", "theme_position"):
        if c in frame.columns:
            del frame[c]  # in place: `frame` is sort_values' own copy
    frame.columns = [RENAME.get(c, c) for c in frame.columns]
    return frame


def compliance_by_indicator(con, scope: Scope = Scope(), pooled: bool = False) -> pd.DataFrame:
    """Per study × municipality × indicator (pooled=True: × indicator over all municipalities)."""
    return grouped_compliance(con, "indicator", scope, pooled)


def compliance_by_theme(con, scope: Scope = Scope(), pooled: bool = False) -> pd.DataFrame:
    """Per study × municipality × theme, pooled Σk/Σn over dossier-level indicators, with the range of indicator rates."""
    frame = grouped_compliance(con, "theme", scope, pooled)
    # The indicator rates of compliance_by_indicator(con, scope, pooled), from its counts only.
    keys = ["study_id", "framework_id", "municipality_code", "municipality_name", "theme_code", "indicator_code"]
    if pooled:
        keys = [k for k in keys if k not in ("municipality_code", "municipality_name")]
    per_indicator = grouped_counts(con, keys, scope, dossier_level_only=True, visit_counts=False)
    per_indicator = per_indicator[per_indicator["n"] > 0]
    percentage = rate_percent(per_indicator["k"], per_indicator["n"])
    rates = pd.DataFrame(
        {
            "onderzoek": per_indicator["study_id"].to_numpy(),
            "gemeente": "" if pooled else per_indicator["municipality_name"].to_numpy(),
            "thema": per_indicator["theme_code"].to_numpy(),
            "percentage": percentage,
        }
    )
    spread = rates.groupby(["onderzoek", "gemeente", "thema"], as_index=False)["percentage"].agg(
        laagste_indicator="min", hoogste_indicator="max"
    )
    return frame.merge(spread, on=["onderzoek", "gemeente", "thema"], how="left")


def compliance_by_municipality(con, scope: Scope = Scope(), pooled: bool = False) -> pd.DataFrame:
    """Per study × municipality, pooled over all dossier-level indicators."""
    return grouped_compliance(con, "municipality", scope, pooled)


def compliance_by_visit(con, scope: Scope = Scope(kind=None)) -> pd.DataFrame:
    """Per visit × indicator: every onderzoek and hertoets separately, for trends and the Gemeente page."""
    return grouped_compliance(con, "visit", scope)


def compliance_by_study(con, scope: Scope = Scope()) -> pd.DataFrame:
    """Per study, pooled over all municipalities and dossier-level indicators."""
    return grouped_compliance(con, "study", scope, benchmark=False)


def compliance_by_year(con, scope: Scope = Scope()) -> pd.DataFrame:
    """Per fieldwork year, pooled over all studies and dossier-level indicators."""
    return grouped_compliance(con, "year", scope, benchmark=False)


def weakest_indicators(con, scope: Scope = Scope(), limit: int = 10, min_n: int = SMALL_N) -> pd.DataFrame:
    """The `limit` dossier-level indicators with the lowest pooled compliance (n ≥ min_n), per study.

    Ties are broken by larger n first (the firmer figure), then study id and the framework's indicator order."""
    frame = compliance_by_indicator(con, scope, pooled=True)
    position = {}
    if not frame.empty:
        order = con.execute("SELECT framework_id, indicator_code, position FROM indicator").fetchall()
        position = {(f, i): p for f, i, p in order}
    frame = frame[(frame["n"] >= min_n) & (frame["niveau"] == "dossier")].copy()
    frame["_positie"] = [position.get(key, 0) for key in zip(frame["kader"], frame["indicator"])]
    frame = frame.sort_values(["percentage", "n", "onderzoek", "_positie"], ascending=[True, False, True, True], kind="stable")
    return frame.drop(columns="_positie").head(limit).reset_index(drop=True)
