"""Funnel-plot data: control limits around the study benchmark and where each municipality lies."""

from __future__ import annotations

import pandas as pd

from metrics.compliance import Scope, compliance_by_indicator
from metrics.stats import binomial_control_limit, funnel_limits, funnel_position


def funnel_curves(con, scope: Scope = Scope()) -> pd.DataFrame:
    """Per study × indicator, for n = 1 … the largest municipality's n: the 95% and 99.8% limits in percent.

    Method (also on the Methode page): exact binomial limits around the benchmark p0 (the study's
    pooled rate), interpolated as in Spiegelhalter (2005), "Funnel plots for comparing institutional
    performance", Statistics in Medicine 24:1185–1202: r_p = smallest r with P(X ≤ r) ≥ p for
    X ~ Binomial(n, p0), limit = (r_p − α)/n with α = (F(r_p) − p)/(F(r_p) − F(r_p − 1)).
    95% limits use p = 0.025 and 0.975, 99.8% limits p = 0.001 and 0.999.
    """
    points = compliance_by_indicator(con, scope)
    frames = []
    for (study, code), group in points[points["n"] > 0].groupby(["onderzoek", "indicator"], sort=False):
        p0 = group["benchmark"].iloc[0]
        if pd.isna(p0):
            continue
        curve = funnel_limits(p0 / 100, int(group["n"].max()))
        curve.insert(0, "benchmark", p0)
        curve.insert(0, "indicator", code)
        curve.insert(0, "onderzoek", study)
        frames.append(curve)
    columns = ["onderzoek", "indicator", "benchmark", "n", "ondergrens_95", "bovengrens_95", "ondergrens_998", "bovengrens_998"]
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=columns)


def funnel_points(con, scope: Scope = Scope()) -> pd.DataFrame:
    """Per study × municipality × indicator: k, n, rate, the limits at that n and the position ('binnen', 'onder 99,8%', …)."""
    points = compliance_by_indicator(con, scope)
    if points.empty:
        return points.assign(ondergrens_95=[], bovengrens_95=[], ondergrens_998=[], bovengrens_998=[], funnel=[])
    parts = []
    for _, group in points.groupby(["onderzoek", "indicator"], sort=False):
        p0 = group["benchmark"].iloc[0] / 100
        n = group["n"].clip(lower=1).to_numpy()
        group = group.copy()
        for name, p in (("ondergrens_95", 0.025), ("bovengrens_95", 0.975), ("ondergrens_998", 0.001), ("bovengrens_998", 0.999)):
            group[name] = binomial_control_limit(p0, n, p) * 100 if pd.notna(p0) else float("nan")
        group["funnel"] = funnel_position(group["k"], group["n"], p0)
        parts.append(group)
    return pd.concat(parts).sort_index().reset_index(drop=True)
