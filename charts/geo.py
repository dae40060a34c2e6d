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
    """The FeatureCollection for boundary year `year` (feature id = GM-code), its rings wound as the map draws them."""
    collection = json.loads((MAP_DIR / f"gemeenten_{year}.geojson").read_text(encoding="utf-8"))
    for feature in collection["features"]:
        geometry = feature["geometry"]
        polygons = [geometry["coordinates"]] if geometry["type"] == "Polygon" else geometry["coordinates"]
        for polygon in polygons:
            polygon[:] = spherical_winding(polygon)
    return collection


def boundaries(year: int, limited_to: tuple[str, ...] | None = None) -> dict:
    """The FeatureCollection for boundary year `year` (feature id = GM-code). With `limited_to` (a viewer's
    `Viewer.limited_to`) only those municipalities: the map of a viewer limited to their own municipalities draws
    and names no other (not even as "niet in dit onderzoek", which would also be untrue for a concept visit)."""
    full = _all_boundaries(year)
    if limited_to is None:
        return full
    wanted = set(limited_to)
    return {**full, "features": [f for f in full["features"] if f["id"] in wanted]}


def _signed_area(ring: list) -> float:
    return sum(x0 * y1 - x1 * y0 for (x0, y0), (x1, y1) in zip(ring, ring[1:] + ring[:1])) / 2


def spherical_winding(polygon: list) -> list:
    """The polygon's rings in the order d3-geo (plotly's geo maps) reads them: the outer ring clockwise, holes
    counter-clockwise. GeoJSON (RFC 7946) prescribes the opposite and the shipped files mix both; a ring the wrong
    way round is read as the whole globe minus the municipality and paints over the map."""
    return [ring if _signed_area(ring) == 0 or (_signed_area(ring) < 0) == (i == 0) else ring[::-1]
            for i, ring in enumerate(polygon)]
