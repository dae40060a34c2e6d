"""The municipality reference list (CBS, 2015–2024) and name matching with suggestions."""

from __future__ import annotations

import csv
import difflib
import functools
import re
import unicodedata
from dataclasses import dataclass

import duckdb

from loaders.database import DATA_DIR

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
def _rows() -> tuple[tuple[int, str, str, str], ...]:
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
    for y, code, name, province in _rows():
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


def suggest(name: str, year: int) -> str | None:
    """The closest valid name in `year`, for the error message."""
    by_key, display = _index(year)
    key = _key(name)
    candidates = difflib.get_close_matches(key, list(display), n=1, cutoff=0.5)
    if candidates:
        return display[candidates[0]]
    # Ambiguous short names like "Bergen": offer the suffixed variants.
    variants = [n for k, n in display.items() if k.startswith(key + " (")]
    return " of ".join(sorted(variants)) or None


def install_municipalities(con: duckdb.DuckDBPyConnection) -> None:
    """Load the reference list into municipality_year."""
    import pandas as pd

    frame = pd.DataFrame(list(_rows()), columns=["year", "code", "name", "province"])
    con.register("municipality_rows", frame)
    try:
        con.execute("INSERT INTO municipality_year SELECT year, code, name, province FROM municipality_rows")
    finally:
        con.unregister("municipality_rows")


def names_in_year(year: int) -> list[str]:
    return sorted(_index(year)[1].values())
