"""Municipal boundaries for the map: simplified GeoJSON shipped in data/kaart/ (see its README)."""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

MAP_DIR = Path(__file__).resolve().parent.parent / "data" / "kaart"
MAP_YEARS = (2017, 2024)


def map_year(year: int | None) -> int:
    """The boundary year whose municipality codes fit fieldwork in `year`: 2017 up to 2018, 2024 after
    (the codes of the mergers of 2018–2023)."""
    if year is None:
        return MAP_YEARS[-1]
    return MAP_YEARS[0] if int(year) <= 2018 else MAP_YEARS[-1]


@lru_cache(maxsize=len(MAP_YEARS))
def _all_boundaries(year: int) -> dict:
    return json.loads((MAP_DIR / f"gemeenten_{year}.geojson").read_text(encoding="utf-8"))


def boundaries(year: int, limited_to: tuple[str, ...] | None = None) -> dict:
    """The FeatureCollection for boundary year `year` (feature id = GM-code). With `limited_to` (a viewer's
    `Viewer.limited_to`) only those municipalities: the map of a viewer limited to their own municipalities draws
    and names no other (not even as "niet in dit onderzoek", which would also be untrue for a concept visit)."""
    full = _all_boundaries(year)
    if limited_to is None:
        return full
    wanted = set(limited_to)
    return {**full, "features": [f for f in full["features"] if f["id"] in wanted]}
