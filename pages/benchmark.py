"""The benchmark choice every page with a verdict shares: `?benchmark=` (onderzoek | provincie | groep | norm) and
`?groep=` (the comparison group's municipalities), bound to the URL so a shared link opens the same comparison."""

from __future__ import annotations

from dataclasses import replace

import pandas as pd
import streamlit as st

from metrics import Scope
from pages.common import viewer
from reference.vocab import BENCHMARKS, MIN_GROUP

BENCHMARK_KEY = "benchmark"
GROUP_KEY = "groep"
BENCHMARK_HELP = ("Waarmee elke gemeente wordt vergeleken. onderzoek: alle gemeenten van het onderzoek samen (standaard). "
                  "provincie: de gemeenten van dezelfde provincie. groep: een eigen vergelijkingsgroep (minstens "
                  f"{MIN_GROUP} gemeenten). norm: de norm die het kader bij een indicator stelt.")


def choose_benchmark(municipalities: list[str], where=None) -> tuple[str, tuple[str, ...]]:
    """The benchmark widgets (in `where`, a container; default the page): the kind and, for 'groep', the municipalities."""
    where = where or st
    # An own group is not offered to a viewer limited to municipalities (Scope falls back to the study for them too).
    offered = [k for k in BENCHMARKS if k != "groep" or viewer().may_choose_groups]
    if st.session_state.get(BENCHMARK_KEY) not in offered:
        st.session_state.pop(BENCHMARK_KEY, None)  # an unknown value in a shared URL: the default, not an error
    # No format_func: the URL carries the option itself (the codes are Dutch words already).
    kind = where.radio("Benchmark", offered, key=BENCHMARK_KEY, bind="query-params", horizontal=True,
                       help=BENCHMARK_HELP)
    group: tuple[str, ...] = ()
    if kind == "groep":
        known = [m for m in st.session_state.get(GROUP_KEY) or [] if m in municipalities]
        if known != list(st.session_state.get(GROUP_KEY) or []):
            st.session_state[GROUP_KEY] = known  # names from a link that are not in this study: left out
        group = tuple(where.multiselect(f"Vergelijkingsgroep (minstens {MIN_GROUP} gemeenten)", municipalities, key=GROUP_KEY,
                                        bind="query-params", placeholder="Kies gemeenten"))
    return kind, group


def with_benchmark(scope: Scope, kind: str, group: tuple[str, ...]) -> Scope:
    """`scope` comparing with the chosen benchmark."""
    return replace(scope, benchmark_kind=kind, group=tuple(group) if kind == "groep" else ())


def group_problem(kind: str, group: tuple[str, ...]) -> str | None:
    """The Dutch message when the chosen comparison group cannot be compared with (too few municipalities)."""
    if kind != "groep" or len(group) >= MIN_GROUP:
        return None
    chosen = f" (gekozen: {', '.join(group)})" if group else ""
    return (f"Een vergelijkingsgroep heeft minstens {MIN_GROUP} gemeenten nodig{chosen}. Kies meer gemeenten bij "
            "'Vergelijkingsgroep', of kies een andere benchmark.")


def benchmark_text(rows: pd.DataFrame) -> str:
    """What the rows are compared with, for captions and subtitles: 'benchmark: alle gemeenten van het onderzoek (6 gemeenten)',
    per province when the rows have several."""
    if rows.empty or "benchmark_soort" not in rows:
        return "benchmark: geen"
    kind = rows["benchmark_soort"].iloc[0]
    if kind == "norm":
        return "benchmark: de norm van het kader (waar die gesteld is)"
    parts = []
    for area, part in rows.groupby("benchmark_gebied", sort=True):
        counts = part["benchmark_gemeenten"].dropna()
        size = int(counts.max()) if len(counts) else 0
        parts.append(f"{area} ({size} gemeente{'n' if size != 1 else ''})")
    return "benchmark: " + "; ".join(parts)


def benchmark_notes(rows: pd.DataFrame) -> list[str]:
    """The distinct reasons why rows have no verdict against the chosen benchmark (with the areas they concern)."""
    if "benchmark_opmerking" not in rows:
        return []
    noted = rows[rows["benchmark_opmerking"].astype(str) != ""]
    out = []
    for note, part in noted.groupby("benchmark_opmerking", sort=True):
        areas = sorted(set(part["benchmark_gebied"].astype(str)) - {""})
        out.append(f"{note[:1].upper()}{note[1:]}" + (f" ({', '.join(areas)})" if areas and rows["benchmark_soort"].iloc[0] == "provincie" else "") + ".")
    return out
