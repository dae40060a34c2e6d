"""The municipality reference list (CBS, 2015–2024) and name matching with suggestions."""

from __future__ import annotations

import csv
import difflib
import functools
import re
import unicodedata
from dataclasses import dataclass

from reference.paths import DATA_DIR

REFERENCE_CSV = DATA_DIR / "gemeenten" / "gemeenten_2015_2024_long.csv"
FIRST_YEAR, LAST_YEAR = 2015, 2024
ALIASES = {"den haag": "'s-Gravenhage", "den bosch": "'s-Hertogenbosch"}


@dataclass(frozen=True)
class Municipality:
    code: str
    name: str
    province: str


def reference_year(year: int) -> int:
    """The list year that applies: outside 2015–2024 the nearest list is used."""
    return min(max(year, FIRST_YEAR), LAST_YEAR)


@functools.cache
def reference_rows() -> tuple[tuple[int, str, str, str], ...]:
    """(year, CBS code, name, province) for every municipality on 1 January of 2015–2024."""
    with REFERENCE_CSV.open(encoding="utf-8", newline="") as fh:
        return tuple(
            (int(r["jaar"]), r["statcode"], r["gemeentenaam"], r["provincienaam"]) for r in csv.DictReader(fh)
        )


def _key(name: str) -> str:
    text = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9()'.]+", " ", text.lower()).strip()


@functools.cache
def _index(year: int) -> tuple[dict[str, Municipality], dict[str, str]]:
    """Per list year: normalised name/alias → municipality, and normalised → display name."""
    year = reference_year(year)
    exact: dict[str, Municipality] = {}
    for y, code, name, province in reference_rows():
        if y == year:
            exact[_key(name)] = Municipality(code, name, province)
    by_key = dict(exact)
    # Names typed without the "(L.)"/"(NH.)" suffix, only where that is unambiguous this year.
    stripped: dict[str, list[Municipality]] = {}
    for m in exact.values():
        short = _key(re.sub(r"\s*\([^)]*\)\s*$", "", m.name))
        if short != _key(m.name):
            stripped.setdefault(short, []).append(m)
    for short, ms in stripped.items():
        if len(ms) == 1 and short not in by_key:
            by_key[short] = ms[0]
    for alias, target in ALIASES.items():
        if _key(target) in exact:
            by_key[alias] = exact[_key(target)]
    return by_key, {k: m.name for k, m in exact.items()}


def resolve(name: str, year: int) -> Municipality | None:
    """The municipality called `name` in `year`, or None."""
    return _index(year)[0].get(_key(name))


MERGERS_CSV = DATA_DIR / "gemeenten" / "herindelingen_2015_2024.csv"


@functools.cache
def _mergers() -> tuple[tuple[int, str, str], ...]:
    """(year it took effect, old name, new name) for mergers and splits, not boundary corrections."""
    with MERGERS_CSV.open(encoding="utf-8", newline="") as fh:
        return tuple(
            (int(r["naar_jaar"]), r["oude_naam"], r["nieuwe_naam"])
            for r in csv.DictReader(fh)
            if not r["type"].startswith("grenscorrectie")
        )


def _years_of(name: str) -> list[int]:
    key = _key(name)
    return sorted({y for y, _, n, _ in reference_rows() if _key(n) == key})


def suggest(name: str, year: int) -> str | None:
    """A Dutch hint (a whole clause, punctuated) for an unknown name in `year`: the successor after a
    merger, the names used before a merger, the suffixed variants of an ambiguous name, or the closest name."""
    by_key, display = _index(year)
    key = _key(name)
    valid = set(display.values())
    years = _years_of(name)
    if years and years[-1] < reference_year(year):
        successors = sorted({new for y, old, new in _mergers() if _key(old) == key and y <= reference_year(year)} & valid)
        if successors:
            how = "opgegaan in" if len(successors) == 1 else "verdeeld over"
            return f"'{name}' is per 1 januari {years[-1] + 1} {how} " + " / ".join(successors) + "; gebruik de naam van toen."
    if years and years[0] > reference_year(year):
        predecessors = sorted({old for y, old, new in _mergers() if _key(new) == key} & valid)
        if predecessors:
            return f"'{name}' bestaat pas sinds {years[0]}; in {year} heette het gebied " + " / ".join(predecessors) + "."
    variants = sorted(n for k, n in display.items() if k.startswith(key + " ("))
    if variants:
        return "bedoelt u " + " of ".join(f"'{v}'" for v in variants) + "?"
    candidates = difflib.get_close_matches(key, list(display), n=1, cutoff=0.5)
    if candidates:
        return f"bedoelt u '{display[candidates[0]]}'?"
    return None


def names_in_year(year: int) -> list[str]:
    """The municipality names valid in `year` (the template's drop-down)."""
    return sorted(_index(year)[1].values())
