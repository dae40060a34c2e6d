"""Statistics for small samples: Wilson intervals, benchmark comparison, funnel limits, Newcombe.

All functions are vectorised over numpy arrays and never divide by zero: n = 0 gives NaN.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats
from statsmodels.stats.proportion import proportion_confint

from reference.vocab import SMALL_N  # noqa: F401  (re-exported for metrics modules)



def rate_percent(k, n) -> np.ndarray:
    """k / n × 100, NaN where n = 0: the one place the compliance rate is computed."""
    k = np.asarray(k, dtype=float)
    n = np.asarray(n, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(n > 0, k / np.where(n > 0, n, 1) * 100, np.nan)


def wilson_interval(k, n, alpha: float = 0.05) -> tuple[np.ndarray, np.ndarray]:
    """Wilson score interval for k successes out of n, as proportions; NaN where n = 0."""
    k = np.asarray(k, dtype=float)
    n = np.asarray(n, dtype=float)
    low = np.full(np.broadcast(k, n).shape, np.nan)
    high = low.copy()
    ok = n > 0
    if ok.any():
        lo, hi = proportion_confint(np.broadcast_to(k, ok.shape)[ok], np.broadcast_to(n, ok.shape)[ok], alpha=alpha, method="wilson")
        low[ok], high[ok] = lo, hi
    return low, high


def compare_to_benchmark(low, high, benchmark) -> np.ndarray:
    """'beter' / 'vergelijkbaar' / 'slechter' when the interval lies above / overlaps / lies below; '' without data."""
    low, high, benchmark = (np.asarray(x, dtype=float) for x in (low, high, benchmark))
    out = np.full(np.broadcast(low, high, benchmark).shape, "", dtype=object)
    known = ~np.isnan(low) & ~np.isnan(high) & ~np.isnan(benchmark)
    out[known] = "vergelijkbaar"
    out[known & (low > benchmark)] = "beter"
    out[known & (high < benchmark)] = "slechter"
    return out


def binomial_control_limit(p0: float, n, probability: float) -> np.ndarray:
    """Exact binomial control limit as a proportion, interpolated as in Spiegelhalter (2005).

    Spiegelhalter, "Funnel plots for comparing institutional performance", Stat Med 24:1185–1202,
    appendix A.1.1: r_p is the smallest r with F(r) ≥ p under Binomial(n, p0); the limit is
    (r_p − α) / n with α = (F(r_p) − p) / (F(r_p) − F(r_p − 1)), which makes the limits smooth in n.
    """
    n = np.asarray(n, dtype=float)
    r = stats.binom.ppf(probability, n, p0)
    f_r = stats.binom.cdf(r, n, p0)
    f_below = stats.binom.cdf(r - 1, n, p0)
    with np.errstate(divide="ignore", invalid="ignore"):
        alpha = np.where(f_r > f_below, (f_r - probability) / (f_r - f_below), 0.0)
        limit = (r - alpha) / n
    return np.clip(limit, 0.0, 1.0)


# Column name → cumulative probability of each funnel control limit (two-sided 95% and 99.8%).
FUNNEL_LIMITS = (("ondergrens_95", 0.025), ("bovengrens_95", 0.975), ("ondergrens_998", 0.001), ("bovengrens_998", 0.999))


def funnel_band(rate: np.ndarray, ok: np.ndarray, limits: dict[str, np.ndarray]) -> np.ndarray:
    """Classify proportions against their limits (as proportions, keyed like FUNNEL_LIMITS); '' where not ok."""
    out = np.full(rate.shape, "", dtype=object)
    out[ok] = "binnen"
    out[ok & (rate < limits["ondergrens_95"])] = "onder 95%"
    out[ok & (rate > limits["bovengrens_95"])] = "boven 95%"
    out[ok & (rate < limits["ondergrens_998"])] = "onder 99,8%"
    out[ok & (rate > limits["bovengrens_998"])] = "boven 99,8%"
    return out


def newcombe_difference(k1, n1, k2, n2, alpha: float = 0.05) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Difference p2 − p1 with Newcombe's hybrid score interval (method 10, Stat Med 1998;17:873–890).

    Built from the Wilson intervals (l1, u1) and (l2, u2) of each proportion:
    lower = d − sqrt((p2 − l2)² + (u1 − p1)²), upper = d + sqrt((u2 − p2)² + (p1 − l1)²).
    """
    k1, n1, k2, n2 = (np.asarray(x, dtype=float) for x in (k1, n1, k2, n2))
    p1 = rate_percent(k1, n1) / 100
    p2 = rate_percent(k2, n2) / 100
    l1, u1 = wilson_interval(k1, n1, alpha)
    l2, u2 = wilson_interval(k2, n2, alpha)
    d = p2 - p1
    lower = d - np.sqrt((p2 - l2) ** 2 + (u1 - p1) ** 2)
    upper = d + np.sqrt((u2 - p2) ** 2 + (p1 - l1) ** 2)
    return d, lower, upper
