"""What the pages show, computed from metrics frames: row selections, totals, table assembly and sentences.

Pure functions (frames in, frames or text out), so a page keeps only its widgets, calls and layout."""

from __future__ import annotations

import pandas as pd

from metrics.compliance import with_rates
from metrics.findings import search_terms
from reference.dutch import dutch_date, dutch_percent, k_of_n
from reference.vocab import SMALL_N_MARK, SMALL_N_NOTE

HEATMAP_MAX_ROWS = 40  # beyond this a heatmap (and a bar chart) is unreadable and heavy: the weakest first
HEATMAP_MAX_CELLS = 1000  # beyond this a heatmap shows one theme's indicators at a time
COMPARISON_COLUMNS = ["gemeente", "gemeentecode", "indicator", "label", "k", "n", "nvt", "onbekend", "percentage", "ondergrens",
                      "bovengrens", "benchmark", "vergelijking", "vergelijking_998", "funnel", "klein_aantal", "benchmark_soort",
                      "benchmark_gebied", "benchmark_gemeenten", "benchmark_opmerking"]
# Repeated texts go to the browser as categories (each distinct value once): the table is most of Vergelijken's bytes.
CATEGORY_COLUMNS = ["gemeente", "indicator", "label", "oordeel", "benchmark_nl", "vergelijking", "vergelijking_998", "trechter",
                    "benchmark_soort", "benchmark_gebied", "benchmark_opmerking"]
COUNT_COLUMNS = ["ja", "nee", "nvt", "onbekend", "groen", "oranje", "rood", "k", "n"]


def heatmap_rows(rows: pd.DataFrame, max_municipalities: int = HEATMAP_MAX_ROWS) -> pd.DataFrame:
    """The rows of at most `max_municipalities` municipalities: those with the most indicators 'slechter' first."""
    if rows["gemeente"].nunique() <= max_municipalities:
        return rows
    worse = (rows["vergelijking"] == "slechter").rename("s")  # not rows.assign: that copies all 17,000 rows first
    worst = (worse.groupby(rows["gemeente"]).sum()
             .sort_values(ascending=False, kind="stable").head(max_municipalities).index)
    return rows[rows["gemeente"].isin(worst)]


def heatmap_cells(heat: pd.DataFrame, theme: str | None, max_cells: int = HEATMAP_MAX_CELLS) -> pd.DataFrame:
    """The cells a heatmap draws: all rows of heatmap_rows, or, when they are more than `max_cells`, only the
    indicators of `theme` (fifty indicators side by side leave a cell no room for its 'k van n', and every cell
    costs the page its hover text)."""
    if len(heat) <= max_cells or theme is None:
        return heat
    return heat[heat["thema"] == theme]


def bar_rows(one: pd.DataFrame, max_rows: int = HEATMAP_MAX_ROWS) -> pd.DataFrame:
    """One indicator's rows for a bar chart: all, or the `max_rows` lowest rates (larger n first on ties)."""
    if len(one) <= max_rows:
        return one
    return one.sort_values(["percentage", "n"], ascending=[True, False]).head(max_rows)


def _interval_text(low, high) -> str:
    """'4,0%–39,9%' (Dutch decimals), '–' without data."""
    if pd.isna(low) or pd.isna(high):
        return "–"
    return f"{dutch_percent(low, 1)}–{dutch_percent(high, 1)}"


def _percent_column(values: pd.Series) -> list[str]:
    """dutch_percent(x, 1) for a whole column, without its per-value checks (thousands of cells at national scale)."""
    numbers = pd.to_numeric(values.astype(object), errors="coerce").to_numpy(dtype=float, na_value=float("nan"))
    return [dutch_percent(x, 1) if not -1000 < x < 1000 else ("%.1f%%" % x).replace(".", ",") for x in numbers.tolist()]


def comparison_numbers(charted: pd.DataFrame, study: str, kind: str) -> pd.DataFrame:
    """The comparison table's figures per municipality and indicator (the download), bounds unrounded."""
    table = charted[[c for c in COMPARISON_COLUMNS if c in charted.columns]].rename(columns={"funnel": "trechter"})
    table.insert(0, "soort", kind)
    table.insert(0, "onderzoek", study)
    return table


def comparison_table(charted: pd.DataFrame, study: str, kind: str) -> pd.DataFrame:
    """The comparison table as shown: the figures plus their Dutch texts ('k van n', rate, interval, benchmark)."""
    table = comparison_numbers(charted, study, kind)
    view = table.assign(
        oordeel=charted["oordeel"] if "oordeel" in charted else [k_of_n(k, n) for k, n in zip(table["k"], table["n"])],
        naleving=_percent_column(table["percentage"]),
        interval=[a + " – " + b for a, b in zip(_percent_column(table["ondergrens"]), _percent_column(table["bovengrens"]))],
        benchmark_nl=_percent_column(table["benchmark"]),
    )
    return view.astype({c: "category" for c in CATEGORY_COLUMNS if c in view.columns})


def rounded_rates(frame: pd.DataFrame, columns=("percentage", "ondergrens", "bovengrens", "benchmark")) -> pd.DataFrame:
    """`frame` with its rate columns rounded to one decimal, as in every download."""
    return frame.round({c: 1 for c in columns})


def selection_level(items: pd.DataFrame, codes) -> str:
    """'dossier' when any of `codes` is scored per dossier in the framework `items`, else 'bezoek'."""
    levels = items.set_index("indicator")["niveau"]
    return "dossier" if any(levels.get(c) == "dossier" for c in codes) else "bezoek"


def outcome_totals(tally: pd.DataFrame) -> pd.Series:
    """The outcome counts and k, n of an outcome_counts frame summed over its indicators."""
    return tally[COUNT_COLUMNS].sum()


def selection_label(indicator: str | None, theme: str | None, level: str) -> str:
    """What a Dossiers count is about: the indicator, the theme, or all (dossier) indicators."""
    if indicator:
        return f"{indicator}"
    if theme:
        return f"thema {theme}"
    return "alle dossierindicatoren" if level == "dossier" else "alle indicatoren"


def count_unit(indicator: str | None, level: str) -> str:
    """What one judgement in a Dossiers count is: a dossier, a visit, or (pooled over indicators) a judgement."""
    if indicator:
        return "dossiers" if level == "dossier" else "bezoeken"
    return "oordelen"


def rate_sentence(k: int, n: int) -> str:
    """'2 van 14 (14,3%; 95%-interval 4,0%–39,9%)', with the small-number mark; 'geen oordeel (n = 0)'."""
    if n == 0:
        return f"{k_of_n(k, n)} (n = 0)"
    row = with_rates(pd.DataFrame({"k": [int(k)], "n": [int(n)]})).iloc[0]
    small = f" — {SMALL_N_NOTE}" if row["klein_aantal"] else ""
    return (f"{row['oordeel']} ({dutch_percent(row['percentage'], 1)}; 95%-interval {dutch_percent(row['ondergrens'], 1)}–"
            f"{dutch_percent(row['bovengrens'], 1)}){small}")


def benchmark_label(area, municipalities) -> str:
    """' (provincie Zuid-Holland, 6 gemeenten)': what a benchmark pools, for sentences; '' when unknown."""
    if not isinstance(area, str) or not area:
        return ""
    return f" ({area}" + (f", {int(municipalities)} gemeente{'n' if int(municipalities) != 1 else ''})" if pd.notna(municipalities) else ")")


def verdict_sentences(rows: pd.DataFrame) -> list[str]:
    """Per visit of a compliance_by_visit frame (one indicator): its figure against the benchmark, as a sentence; with
    vergelijking_998, 'duidelijk' where the verdict also holds at 99,8%; with the benchmark columns, what it pools."""
    lines = []
    for r in rows.to_dict("records"):
        small = f" ({SMALL_N_MARK})" if r["n"] > 0 and r["klein_aantal"] else ""
        v = r["vergelijking"]
        strong = v in ("beter", "slechter") and r.get("vergelijking_998") == v
        verdict = (f", duidelijk {v} dan de benchmark (ook bij 99,8%)" if strong else f", {v} dan de benchmark") if v in ("beter", "slechter") else (
            ", vergelijkbaar met de benchmark" if v == "vergelijkbaar" else "")
        pooled = benchmark_label(r.get("benchmark_gebied"), r.get("benchmark_gemeenten"))
        if pd.isna(r["benchmark"]) and r.get("benchmark_opmerking"):
            compared = f"geen benchmark{pooled}: {r['benchmark_opmerking']}"
        else:
            compared = f"benchmark {dutch_percent(r['benchmark'], 1)}{pooled}{verdict}"
        lines.append(f"**{r['soort']} {dutch_date(r['datum'])}**: {r['oordeel']}{small} — "
                     f"{dutch_percent(r['percentage'], 1)} (95%-interval {_interval_text(r['ondergrens'], r['bovengrens'])}); "
                     f"{compared}.")
    return lines


def change_counts(changes: pd.DataFrame) -> pd.DataFrame:
    """A trend_by_indicator frame with its two figures as 'k van n' texts (columns van, naar)."""
    return changes.assign(
        van=[k_of_n(k, n) for k, n in zip(changes["van_k"], changes["van_n"])],
        naar=[k_of_n(k, n) for k, n in zip(changes["naar_k"], changes["naar_n"])],
    )


def finding_rates(found: pd.DataFrame) -> pd.DataFrame:
    """A copy of a search_findings frame with each figure's rate, interval, 'k van n' and klein_aantal (with_rates)."""
    return with_rates(found.copy())


def has_search_words(query: str | None) -> bool:
    """Whether a search text holds any word the finding search matches on (letters and digits)."""
    return bool(search_terms(query or ""))
