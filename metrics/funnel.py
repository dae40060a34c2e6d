"""Funnel-plot data: control limits around the study benchmark and where each municipality lies."""

from __future__ import annotations

import numpy as np
import pandas as pd

from metrics.compliance import Scope, compliance_by_indicator, grouped_counts
from metrics.stats import FUNNEL_LIMITS, binomial_control_limit, funnel_band, rate_percent


def funnel_curves(con, scope: Scope = Scope(), points: pd.DataFrame | None = None) -> pd.DataFrame:
    """Per study × indicator, for n = 1 … the largest municipality's n: the 95% and 99.8% limits in percent.
    `points`: funnel_points(con, scope) when the caller has it already; the same curves, without querying again.

    Method (also on the Methode page): exact binomial limits around the benchmark p0 (the study's
    pooled rate), interpolated as in Spiegelhalter (2005), "Funnel plots for comparing institutional
    performance", Statistics in Medicine 24:1185–1202: r_p = smallest r with P(X ≤ r) ≥ p for
    X ~ Binomial(n, p0), limit = (r_p − α)/n with α = (F(r_p) − p)/(F(r_p) − F(r_p − 1)).
    95% limits use p = 0.025 and 0.975, 99.8% limits p = 0.001 and 0.999.
    """
    columns = ["onderzoek", "indicator", "benchmark", "n", "ondergrens_95", "bovengrens_95", "ondergrens_998", "bovengrens_998"]
    if points is not None:
        heads, largest = _heads_from_points(con, points)
    else:
        # The pooled rows carry each indicator's benchmark; the curve runs to the largest municipality's n.
        heads = compliance_by_indicator(con, scope, pooled=True)
        per_municipality = grouped_counts(con, ["study_id", "framework_id", "municipality_code", "indicator_code"], scope, False,
                                          visit_counts=False)
        largest = per_municipality.groupby(["study_id", "indicator_code"])["n"].max()
    heads = heads[(heads["n"] > 0) & heads["benchmark"].notna()]
    if heads.empty:
        return pd.DataFrame(columns=columns)
    n_max = largest.loc[list(zip(heads["onderzoek"], heads["indicator"]))].to_numpy()
    # All curves at once (one scipy call per limit instead of one per indicator): the limits are
    # computed element by element, so this gives exactly the per-indicator curves.
    sizes = np.maximum(n_max.astype(int), 1)
    start = np.repeat(np.cumsum(sizes) - sizes, sizes)
    n = np.arange(sizes.sum()) - start + 1
    p0 = np.repeat(heads["benchmark"].to_numpy(dtype=float), sizes)
    curves = pd.DataFrame(
        {
            "onderzoek": np.repeat(heads["onderzoek"].to_numpy(), sizes),
            "indicator": np.repeat(heads["indicator"].to_numpy(), sizes),
            "benchmark": p0,
            "n": n,
        }
    )
    for name, p in FUNNEL_LIMITS:
        curves[name] = binomial_control_limit(p0 / 100, n, p) * 100
    return curves


def _heads_from_points(con, points: pd.DataFrame) -> tuple[pd.DataFrame, pd.Series]:
    """What funnel_curves takes from its two queries, from funnel_points' rows: per study × indicator the pooled n
    and the benchmark (every row of a group carries it), in the pooled frame's order, and the largest n of one
    municipality (code)."""
    groups = points.groupby(["onderzoek", "kader", "indicator"], sort=False)
    heads = groups.agg(n=("n", "sum"), benchmark=("benchmark", "first"), benchmarks=("benchmark", "nunique")).reset_index()
    # first() skips NaN; a group's benchmark is one value or NaN throughout, so this is that value. Several values
    # (one per province) have no one funnel: no curves then.
    heads.loc[heads.pop("benchmarks") > 1, "benchmark"] = np.nan
    positions = con.execute(
        "SELECT i.framework_id AS kader, i.indicator_code AS indicator, t.position AS theme_position, i.position AS indicator_position "
        "FROM indicator i JOIN theme t USING (framework_id, theme_code)"
    ).df()
    heads = heads.merge(positions, on=["kader", "indicator"], how="left", sort=False)
    heads = heads.sort_values(["onderzoek", "theme_position", "indicator_position"], kind="stable", ignore_index=True)
    largest = points.groupby(["onderzoek", "indicator", "gemeentecode"])["n"].sum().groupby(level=[0, 1]).max()
    return heads, largest


def funnel_points(con, scope: Scope = Scope()) -> pd.DataFrame:
    """Per study × municipality × indicator: k, n, rate, the limits at that n and the position ('binnen', 'onder 99,8%', …)."""
    points = compliance_by_indicator(con, scope)
    if points.empty:
        return points.assign(ondergrens_95=[], bovengrens_95=[], ondergrens_998=[], bovengrens_998=[], funnel=[])
    # p0 of each row = its own benchmark: one per (onderzoek, indicator), or per province with that benchmark.
    group = points.groupby(["onderzoek", "indicator", "benchmark"], sort=False, dropna=False).ngroup().to_numpy()
    p0 = points["benchmark"].to_numpy(dtype=float) / 100
    k = points["k"].to_numpy(dtype=float)
    n = points["n"].to_numpy(dtype=float)
    known = ~np.isnan(p0)
    # Vectorised over all rows, and computed once per distinct (group, n): the limits are element-wise,
    # so the values are exactly those of a per-group binomial_control_limit / funnel_band.
    at = np.maximum(n, 1)  # the n the limits are evaluated at (1 where n = 0: no position is given there)
    key = group[known] * (int(at.max()) + 1) + at[known].astype(np.int64)
    _, pick, inverse = np.unique(key, return_index=True, return_inverse=True)
    p0_u, at_u = p0[known][pick], at[known][pick]
    out = points.copy()
    limits = {}
    for name, p in FUNNEL_LIMITS:
        values = np.full(len(points), np.nan)
        values[known] = binomial_control_limit(p0_u, at_u, p)[inverse]
        limits[name] = values
        out[name] = values * 100
    ok = (n > 0) & known
    rate = rate_percent(k, n) / 100
    out["funnel"] = funnel_band(rate, ok, limits)
    return out
