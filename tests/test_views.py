"""metrics.views on small hand-made frames; every expected value is worked out by hand (Wilson by its formula)."""

import math

import pandas as pd
import pytest

from metrics import (
    bar_rows,
    change_counts,
    comparison_numbers,
    comparison_table,
    count_unit,
    finding_rates,
    has_search_words,
    heatmap_cells,
    heatmap_rows,
    outcome_totals,
    rate_sentence,
    rounded_rates,
    selection_label,
    selection_level,
    verdict_sentences,
)

Z = 1.959963984540054


def wilson(k, n):
    p = k / n
    centre = (p + Z * Z / (2 * n)) / (1 + Z * Z / n)
    half = Z * math.sqrt(p * (1 - p) / n + Z * Z / (4 * n * n)) / (1 + Z * Z / n)
    return 100 * (centre - half), 100 * (centre + half)


def test_heatmap_keeps_the_municipalities_with_most_indicators_slechter():
    rows = pd.DataFrame({
        "gemeente": ["A", "A", "B", "B", "C", "C", "D", "D"],
        "vergelijking": ["slechter", "slechter", "beter", "vergelijkbaar", "slechter", "beter", "beter", "beter"],
    })
    assert set(heatmap_rows(rows, 2)["gemeente"]) == {"A", "C"}
    assert len(heatmap_rows(rows, 2)) == 4
    assert heatmap_rows(rows, 4) is rows  # few enough: all
    # a tie (B and D: none slechter) keeps the first in order of appearance
    assert set(heatmap_rows(rows, 3)["gemeente"]) == {"A", "C", "B"}


def test_a_large_heatmap_shows_one_themes_indicators_and_a_small_one_everything():
    heat = pd.DataFrame({"gemeente": ["A", "A", "A", "B", "B", "B"], "indicator": ["X1", "X2", "Y1"] * 2,
                         "thema": ["X", "X", "Y"] * 2})
    assert heatmap_cells(heat, "X", max_cells=6) is heat  # 2 × 3 cells fit
    assert list(zip(*heatmap_cells(heat, "X", max_cells=5)[["gemeente", "indicator"]].to_numpy().T)) == [
        ("A", "X1"), ("A", "X2"), ("B", "X1"), ("B", "X2")]
    assert heatmap_cells(heat, "Y", max_cells=5)["indicator"].tolist() == ["Y1", "Y1"]
    assert heatmap_cells(heat, None, max_cells=5) is heat  # no theme known: all


def test_bars_keep_the_lowest_rates_larger_n_first_on_a_tie():
    one = pd.DataFrame({"gemeente": ["A", "B", "C", "D"], "percentage": [50.0, 20.0, 20.0, 10.0], "n": [4, 5, 10, 3]})
    assert bar_rows(one, 3)["gemeente"].tolist() == ["D", "C", "B"]
    assert bar_rows(one, 4) is one


def comparison_rows():
    low, high = wilson(2, 14)
    return pd.DataFrame({
        "gemeente": ["Goeree-Overflakkee", "Brielle"], "gemeentecode": ["GM1924", "GM0501"], "indicator": ["TT3", "TT3"],
        "label": ["risico's", "risico's"], "k": [2, 0], "n": [14, 0], "nvt": [0, 3], "onbekend": [0, 1],
        "percentage": [100 * 2 / 14, float("nan")], "ondergrens": [low, float("nan")], "bovengrens": [high, float("nan")],
        "benchmark": [100 * 24 / 38, 100 * 24 / 38], "vergelijking": ["slechter", ""], "funnel": ["binnen", ""],
        "klein_aantal": [False, True], "oordeel": ["2 van 14", "geen oordeel"], "thema": ["TT", "TT"],
    })


def test_comparison_table_shows_k_van_n_rate_interval_and_benchmark_in_dutch():
    view = comparison_table(comparison_rows(), "kg-2017", "onderzoek")
    first, second = view.iloc[0], view.iloc[1]
    assert (first["onderzoek"], first["soort"]) == ("kg-2017", "onderzoek")
    assert first["oordeel"] == "2 van 14" and second["oordeel"] == "geen oordeel"
    assert first["naleving"] == "14,3%" and first["interval"] == "4,0% – 39,9%" and first["benchmark_nl"] == "63,2%"
    assert second["naleving"] == "–" and second["interval"] == "– – –"
    assert first["trechter"] == "binnen" and "thema" not in view.columns
    assert view["gemeente"].dtype == "category"


def test_comparison_numbers_are_the_download_columns_rounded_to_one_decimal():
    numbers = rounded_rates(comparison_numbers(comparison_rows(), "kg-2017", "hertoets"))
    assert list(numbers.columns) == ["onderzoek", "soort", "gemeente", "gemeentecode", "indicator", "label", "k", "n", "nvt",
                                     "onbekend", "percentage", "ondergrens", "bovengrens", "benchmark", "vergelijking",
                                     "trechter", "klein_aantal"]
    row = numbers.iloc[0]
    assert (row["soort"], row["percentage"], row["ondergrens"], row["bovengrens"], row["benchmark"]) == ("hertoets", 14.3, 4.0, 39.9, 63.2)


def test_level_is_dossier_when_any_chosen_indicator_is_scored_per_dossier():
    items = pd.DataFrame({"indicator": ["TT1", "BS1", "BS2"], "niveau": ["dossier", "bezoek", "team"]})
    assert selection_level(items, ["TT1"]) == "dossier"
    assert selection_level(items, ["BS1", "TT1"]) == "dossier"
    assert selection_level(items, ["BS1", "BS2"]) == "bezoek"
    assert selection_level(items, ["XX"]) == "bezoek"


def test_totals_add_the_outcomes_over_indicators():
    tally = pd.DataFrame({"indicator": ["TT1", "TT3"], "ja": [4, 2], "nee": [10, 12], "nvt": [0, 1], "onbekend": [1, 0],
                          "groen": [0, 0], "oranje": [0, 0], "rood": [0, 0], "k": [4, 2], "n": [14, 14], "niet_gescoord": [0, 0]})
    totals = outcome_totals(tally)
    assert totals.to_dict() == {"ja": 6, "nee": 22, "nvt": 1, "onbekend": 1, "groen": 0, "oranje": 0, "rood": 0, "k": 6, "n": 28}


@pytest.mark.parametrize("indicator, theme, level, label, unit", [
    ("TT3", None, "dossier", "TT3", "dossiers"),
    ("BS1", None, "bezoek", "BS1", "bezoeken"),
    (None, "TT", "dossier", "thema TT", "oordelen"),
    (None, None, "dossier", "alle dossierindicatoren", "oordelen"),
    (None, None, "bezoek", "alle indicatoren", "oordelen"),
])
def test_what_a_count_is_about_and_its_unit(indicator, theme, level, label, unit):
    assert selection_label(indicator, theme, level) == label
    assert count_unit(indicator, level) == unit


def test_rate_sentence_uses_wilson_and_marks_small_numbers():
    assert rate_sentence(2, 14) == "2 van 14 (14,3%; 95%-interval 4,0%–39,9%)"
    low, high = wilson(3, 4)  # 30,1 – 95,4 by the formula
    assert rate_sentence(3, 4) == f"3 van 4 (75,0%; 95%-interval {low:.1f}%–{high:.1f}%) — klein aantal (n < 5)".replace(".", ",")
    assert rate_sentence(5, 5) == "5 van 5 (100,0%; 95%-interval 56,6%–100,0%)"
    assert rate_sentence(0, 0) == "geen oordeel (n = 0)"


def test_verdict_sentences_per_visit():
    low, high = wilson(2, 14)
    rows = pd.DataFrame({
        "soort": ["onderzoek", "hertoets", "hertoets"], "datum": pd.to_datetime(["2016-10-11", "2017-04-20", "2018-01-02"]),
        "oordeel": ["2 van 14", "3 van 4", "geen oordeel"], "k": [2, 3, 0], "n": [14, 4, 0],
        "klein_aantal": [False, True, True], "percentage": [100 * 2 / 14, 75.0, float("nan")],
        "ondergrens": [low, 30.06, float("nan")], "bovengrens": [high, 95.44, float("nan")],
        "benchmark": [63.16, 63.16, 63.16], "vergelijking": ["slechter", "vergelijkbaar", ""],
    })
    assert verdict_sentences(rows) == [
        "**onderzoek 11-10-2016**: 2 van 14 — 14,3% (95%-interval 4,0%–39,9%); benchmark 63,2%, slechter dan de benchmark.",
        "**hertoets 20-04-2017**: 3 van 4 (klein aantal) — 75,0% (95%-interval 30,1%–95,4%); benchmark 63,2%, "
        "vergelijkbaar met de benchmark.",
        "**hertoets 02-01-2018**: geen oordeel — – (95%-interval –); benchmark 63,2%.",
    ]


def test_change_counts_as_k_van_n():
    changes = pd.DataFrame({"van_k": [2], "van_n": [14], "naar_k": [8], "naar_n": [14]})
    out = change_counts(changes)
    assert out[["van", "naar"]].iloc[0].tolist() == ["2 van 14", "8 van 14"]
    assert "van" not in changes.columns  # the input is left alone


def test_finding_rates_add_the_interval_and_the_small_number_mark():
    found = pd.DataFrame({"tekst": ["a", "b", "c"], "k": [2, 3, 0], "n": [14, 4, 0]})
    rated = finding_rates(found)
    assert rated["klein_aantal"].tolist() == [False, True, True]
    assert rated["oordeel"].tolist() == ["2 van 14", "3 van 4", "geen oordeel"]
    low, high = wilson(2, 14)
    assert rated["ondergrens"].iloc[0] == pytest.approx(low) and rated["bovengrens"].iloc[0] == pytest.approx(high)
    assert rated["percentage"].iloc[1] == 75.0 and math.isnan(rated["percentage"].iloc[2])
    assert "klein_aantal" not in found.columns


@pytest.mark.parametrize("query, words", [("veiligheid", True), ("risico's", True), ("2017", True), ("!!! ...", False), ("", False), (None, False)])
def test_a_search_needs_letters_or_digits(query, words):
    assert has_search_words(query) is words
