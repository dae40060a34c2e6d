"""Hand-computed cases for the statistics every number in the product carries."""

import math

import numpy as np
import pytest

from metrics.stats import (
    binomial_control_limit,
    compare_to_benchmark,
    FUNNEL_LIMITS,
    funnel_band,
    newcombe_difference,
    wilson_interval,
)

Z = 1.959963984540054


def wilson_by_hand(k: int, n: int) -> tuple[float, float]:
    """Wilson (1927) score interval written out: (p + z²/2n ± z·sqrt(p(1−p)/n + z²/4n²)) / (1 + z²/n)."""
    p = k / n
    centre = p + Z**2 / (2 * n)
    half = Z * math.sqrt(p * (1 - p) / n + Z**2 / (4 * n * n))
    return (centre - half) / (1 + Z**2 / n), (centre + half) / (1 + Z**2 / n)


@pytest.mark.parametrize(
    "k, n, pct, low, high",
    [
        (2, 14, 14.3, 4.0, 39.9),  # Goeree-Overflakkee TT3, the report's "2 van 14"
        (4, 14, 28.6, 11.7, 54.6),  # TT1 "4 van 14"
        (5, 10, 50.0, 23.7, 76.3),  # Nijmegen indicator 1
        (0, 5, 0.0, 0.0, 43.4),
        (5, 5, 100.0, 56.6, 100.0),
    ],
)
def test_wilson_interval_matches_hand_computed_values(k, n, pct, low, high):
    lo, hi = wilson_interval(k, n)
    assert round(k / n * 100, 1) == pct
    assert round(float(lo) * 100, 1) == low
    assert round(float(hi) * 100, 1) == high
    by_hand = wilson_by_hand(k, n)
    assert float(lo) == pytest.approx(by_hand[0], abs=1e-9)
    assert float(hi) == pytest.approx(by_hand[1], abs=1e-9)


def test_wilson_interval_with_n_zero_is_nan_not_an_error():
    lo, hi = wilson_interval([0, 3], [0, 6])
    assert math.isnan(lo[0]) and math.isnan(hi[0])
    assert lo[1] == pytest.approx(wilson_by_hand(3, 6)[0])


@pytest.mark.parametrize(
    "low, high, bench, expected",
    [(60, 80, 50, "beter"), (20, 40, 50, "slechter"), (40, 60, 50, "vergelijkbaar"), (50, 60, 50, "vergelijkbaar"),
     (float("nan"), float("nan"), 50, "")],
)
def test_compare_to_benchmark(low, high, bench, expected):
    assert compare_to_benchmark([low], [high], [bench])[0] == expected


def _cdf(r: int, n: int, p: float) -> float:
    return sum(math.comb(n, i) * p**i * (1 - p) ** (n - i) for i in range(0, r + 1)) if r >= 0 else 0.0


def spiegelhalter_by_hand(p0: float, n: int, prob: float) -> float:
    """Spiegelhalter (2005) appendix A.1.1, with math.comb instead of scipy."""
    r = next(r for r in range(n + 1) if _cdf(r, n, p0) >= prob - 1e-12)
    f_r, f_below = _cdf(r, n, p0), _cdf(r - 1, n, p0)
    alpha = (f_r - prob) / (f_r - f_below)
    return min(max((r - alpha) / n, 0.0), 1.0)


@pytest.mark.parametrize("p0", [0.3, 0.55, 0.8])
@pytest.mark.parametrize("n", [5, 14, 40])
@pytest.mark.parametrize("prob", [0.001, 0.025, 0.975, 0.999])
def test_funnel_limits_match_an_independent_computation(p0, n, prob):
    assert float(binomial_control_limit(p0, n, prob)) == pytest.approx(spiegelhalter_by_hand(p0, n, prob), abs=1e-9)


def test_funnel_limits_approach_the_normal_approximation_for_large_n():
    n = np.arange(1, 2001)
    curve = {name: binomial_control_limit(0.4, n, p) * 100 for name, p in FUNNEL_LIMITS}
    se = math.sqrt(0.4 * 0.6 / 2000) * 100
    assert curve["ondergrens_95"][-1] == pytest.approx(40 - Z * se, abs=0.15)
    assert curve["bovengrens_998"][-1] == pytest.approx(40 + 3.090 * se, abs=0.15)
    # limits widen as n shrinks, and the 99.8% band contains the 95% band
    upper = curve["bovengrens_95"]
    assert upper[19] > upper[199] > upper[1999] > 40
    assert (curve["ondergrens_998"] <= curve["ondergrens_95"]).all()
    assert (curve["bovengrens_998"] >= curve["bovengrens_95"]).all()


def test_funnel_band_places_each_rate_against_limits_computed_by_hand():
    # p0 = 0.7, n = 20: limits from the hand computation above, not from the code under test.
    limits = {name: np.full(4, spiegelhalter_by_hand(0.7, 20, p)) for name, p in FUNNEL_LIMITS}
    rates = np.array([2 / 20, 18 / 20, 14 / 20, np.nan])
    ok = np.array([True, True, True, False])
    assert list(funnel_band(rates, ok, limits)) == ["onder 99,8%", "boven 95%", "binnen", ""]


@pytest.mark.parametrize(
    "k1, n1, k2, n2, diff, low, high",
    [
        # Newcombe RG. Interval estimation for the difference between independent proportions:
        # comparison of eleven methods. Stat Med 1998;17:873–890, Table II, method 10 (score, no CC).
        (48, 80, 56, 70, 0.2000, 0.0524, 0.3339),  # example (a): 56/70 − 48/80
        (3, 10, 9, 10, 0.6000, 0.1705, 0.8090),  # example (b): 9/10 − 3/10
        (2, 7, 6, 7, 0.5714, 0.0582, 0.8062),  # example (c): 6/7 − 2/7
        (0, 20, 0, 10, 0.0000, -0.1611, 0.2775),  # example (e): 0/10 − 0/20
    ],
)
def test_newcombe_difference_matches_the_published_worked_examples(k1, n1, k2, n2, diff, low, high):
    d, lo, hi = newcombe_difference(k1, n1, k2, n2)
    assert float(d) == pytest.approx(diff, abs=1e-4)
    assert float(lo) == pytest.approx(low, abs=1e-4)
    assert float(hi) == pytest.approx(high, abs=1e-4)


@pytest.mark.parametrize("k, n", [(2, 14), (4, 14), (5, 10), (0, 5), (5, 5), (37, 100), (1, 1)])
def test_wilson_interval_equals_statsmodels_computed_here(k, n):
    from statsmodels.stats.proportion import proportion_confint

    expected = proportion_confint(k, n, alpha=0.05, method="wilson")
    lo, hi = wilson_interval(k, n)
    assert (float(lo), float(hi)) == pytest.approx(expected, abs=1e-12)


@pytest.mark.parametrize("k1, n1, k2, n2", [(2, 14, 8, 14), (4, 14, 6, 14), (5, 10, 9, 10), (0, 20, 0, 10), (7, 7, 1, 9)])
def test_newcombe_difference_follows_its_formula_from_hand_wilson_bounds(k1, n1, k2, n2):
    # Newcombe (1998) method 10: d − sqrt((p2 − l2)² + (u1 − p1)²), d + sqrt((u2 − p2)² + (p1 − l1)²).
    p1, p2 = k1 / n1, k2 / n2
    (l1, u1), (l2, u2) = wilson_by_hand(k1, n1), wilson_by_hand(k2, n2)
    d = p2 - p1
    d_, lo, hi = newcombe_difference(k1, n1, k2, n2)
    assert float(d_) == pytest.approx(d, abs=1e-12)
    assert float(lo) == pytest.approx(d - math.sqrt((p2 - l2) ** 2 + (u1 - p1) ** 2), abs=1e-9)
    assert float(hi) == pytest.approx(d + math.sqrt((u2 - p2) ** 2 + (p1 - l1) ** 2), abs=1e-9)
