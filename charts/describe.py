"""Text alternatives for the comparison charts, built from the same frames: what a chart shows, its extremes and
the benchmark, in Dutch sentences a screen reader can read (and anyone can copy). Plain text, no markup."""

from __future__ import annotations

import pandas as pd

from reference.dutch import dutch_date, dutch_number, dutch_percent

VERDICT_WORDS = (("beter", "beter dan"), ("vergelijkbaar", "vergelijkbaar met"), ("slechter", "slechter dan"))


def _figure(row, name_column: str = "gemeente") -> str:
    """'Brielle (7 van 9, 77,8%)'."""
    return f"{row[name_column]} ({row['oordeel']}, {dutch_percent(row['percentage'], 1)})"


def _extremes(frame: pd.DataFrame, name_column: str, noun: str) -> str:
    judged = frame[frame["n"] > 0].sort_values(["percentage", "n"], ascending=[True, False], kind="stable")
    if judged.empty:
        return f"Geen {noun} met een oordeel (n = 0)."
    low, high = judged.iloc[0], judged.iloc[-1]
    if len(judged) == 1:
        return f"Eén {noun} met een oordeel: {_figure(low, name_column)}."
    return f"Laagste naleving: {_figure(low, name_column)}. Hoogste: {_figure(high, name_column)}."


def _verdict_counts(frame: pd.DataFrame, unit: str) -> str:
    if "vergelijking" not in frame:
        return ""
    verdicts = frame["vergelijking"].fillna("")
    parts = [f"{int((verdicts == key).sum())} {words}" for key, words in VERDICT_WORDS]
    none = int((verdicts == "").sum())
    tail = f"; {none} zonder oordeel" if none else ""
    return f"{unit.capitalize()}: {', '.join(parts)} de benchmark{tail}."


def _benchmark(frame: pd.DataFrame) -> str:
    values = frame["benchmark"].dropna().unique() if "benchmark" in frame else []
    if len(values) == 1:
        return f"Benchmark: {dutch_percent(values[0], 1)}."
    if len(values) > 1:
        return f"Benchmark per indicator: van {dutch_percent(min(values), 1)} tot {dutch_percent(max(values), 1)}."
    return ""


def describe_municipalities(frame: pd.DataFrame, what: str) -> str:
    """One indicator across municipalities (bars, funnel, map): count, lowest and highest, benchmark, verdicts."""
    count = frame["gemeente"].nunique()
    return " ".join(s for s in (
        f"{what}: {count} gemeente{'n' if count != 1 else ''}.",
        _extremes(frame, "gemeente", "gemeente"), _benchmark(frame), _verdict_counts(frame, "gemeenten"),
    ) if s)


def describe_heatmap(frame: pd.DataFrame, what: str) -> str:
    """Municipality × indicator: size, the weakest and strongest cell, verdict counts."""
    cells = frame.assign(cel=frame["gemeente"] + " op " + frame["indicator"])
    return " ".join(s for s in (
        f"{what}: {frame['gemeente'].nunique()} gemeenten × {frame['indicator'].nunique()} indicatoren, elke cel k van n.",
        _extremes(cells, "cel", "cel"), _benchmark(frame), _verdict_counts(frame, "cellen"),
    ) if s)


def describe_weakest(frame: pd.DataFrame, what: str) -> str:
    """Overzicht's weakest indicators."""
    named = frame.assign(naam=frame["onderzoek"] + " " + frame["indicator"] + " " + frame["label"])
    return " ".join((f"{what}: {len(frame)} indicatoren, de laagste naleving over alle gemeenten van een onderzoek.",
                     _extremes(named, "naam", "indicator")))


def describe_profile(frame: pd.DataFrame, what: str) -> str:
    """Gemeente: each visit per indicator of one theme against the benchmark."""
    named = frame.assign(naam=frame["indicator"] + " bij " + frame["soort"] + " " + frame["datum"].map(dutch_date))
    visits = frame.drop_duplicates(["soort", "datum"])
    visit_text = ", ".join(f"{k} {dutch_date(d)}" for k, d in zip(visits["soort"], visits["datum"]))
    return " ".join(s for s in (
        f"{what}: {frame['indicator'].nunique()} indicatoren, bezoeken: {visit_text}.",
        _extremes(named, "naam", "indicator"), _benchmark(frame), _verdict_counts(frame, "uitkomsten"),
    ) if s)


def describe_change(trend: pd.DataFrame, what: str) -> str:
    """Gemeente: the change between two visits per indicator."""
    if trend.empty:
        return f"{what}: geen verandering te tonen."
    up = int((trend["ondergrens_pp"] > 0).sum())
    down = int((trend["bovengrens_pp"] < 0).sum())
    ordered = trend.sort_values("verschil_pp", kind="stable")
    low, high = ordered.iloc[0], ordered.iloc[-1]

    def signed(x) -> str:
        return ("+" if x > 0 else "−" if x < 0 else "±") + dutch_number(abs(x), 1) + " procentpunt"
    return (f"{what}: {len(trend)} indicatoren; {up} significant verbeterd, {down} significant verslechterd, "
            f"{len(trend) - up - down} niet significant. Grootste daling: {low['indicator']} ({signed(low['verschil_pp'])}); "
            f"grootste stijging: {high['indicator']} ({signed(high['verschil_pp'])}).")


def describe_years(pooled: pd.DataFrame, what: str) -> str:
    """Thema's: the pooled compliance per year."""
    judged = pooled[pooled["n"] > 0]
    if judged.empty:
        return f"{what}: geen jaar met een oordeel."
    years = "; ".join(f"{int(r['jaar'])}: {r['oordeel']} ({dutch_percent(r['percentage'], 1)})" for _, r in judged.iterrows())
    return f"{what}, alle gemeenten samen per jaar: {years}. " + _extremes(judged.assign(jaartal=judged["jaar"].astype(str)), "jaartal", "jaar")
