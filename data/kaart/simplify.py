"""One-off: simplify the shared municipal boundaries for the Vergelijken map (kept for provenance).

    python data/kaart/simplify.py ../shared/data/gemeenten data/kaart

Douglas–Peucker per ring (tolerance in degrees, ~0.004° ≈ 300–450 m), coordinates rounded to 3 decimals
(~100 m), properties cut to statcode and statnaam. Rings are simplified independently, so neighbouring
borders can show hairline gaps at full zoom: fine for a choropleth, not for geometry work.
No GIS library is installed on purpose; this is enough for drawing.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

TOLERANCE = 0.004
DECIMALS = 3
YEARS = (2017, 2024)


def _distance(p, a, b) -> float:
    """Perpendicular distance of p to segment a–b (planar; fine at this scale)."""
    (x, y), (x1, y1), (x2, y2) = p, a, b
    dx, dy = x2 - x1, y2 - y1
    if dx == dy == 0:
        return ((x - x1) ** 2 + (y - y1) ** 2) ** 0.5
    t = max(0.0, min(1.0, ((x - x1) * dx + (y - y1) * dy) / (dx * dx + dy * dy)))
    return ((x - x1 - t * dx) ** 2 + (y - y1 - t * dy) ** 2) ** 0.5


def douglas_peucker(points: list, tolerance: float) -> list:
    """Iterative Douglas–Peucker (no recursion limit on long rings)."""
    if len(points) < 3:
        return points
    keep = [False] * len(points)
    keep[0] = keep[-1] = True
    stack = [(0, len(points) - 1)]
    while stack:
        start, end = stack.pop()
        best, index = 0.0, None
        for i in range(start + 1, end):
            d = _distance(points[i], points[start], points[end])
            if d > best:
                best, index = d, i
        if index is not None and best > tolerance:
            keep[index] = True
            stack += [(start, index), (index, end)]
    return [p for p, k in zip(points, keep) if k]


def simplify_ring(ring: list) -> list | None:
    out = douglas_peucker(ring, TOLERANCE)
    out = [[round(x, DECIMALS), round(y, DECIMALS)] for x, y in out]
    deduped = [p for i, p in enumerate(out) if i == 0 or p != out[i - 1]]
    if len(deduped) < 4:  # a closed ring needs 3 distinct points + closure
        return None
    deduped[-1] = deduped[0]
    return deduped


def simplify_polygon(polygon: list) -> list | None:
    rings = [simplify_ring(r) for r in polygon]
    if rings[0] is None:  # outer ring vanished: keep it unsimplified but rounded
        rings[0] = [[round(x, DECIMALS), round(y, DECIMALS)] for x, y in polygon[0]]
    return [rings[0]] + [r for r in rings[1:] if r is not None]


def simplify(feature: dict) -> dict:
    geometry = feature["geometry"]
    if geometry["type"] == "Polygon":
        coordinates = simplify_polygon(geometry["coordinates"])
    else:
        polygons = [simplify_polygon(p) for p in geometry["coordinates"]]
        # Drop islets that collapsed to a sliver, but never the largest part.
        coordinates = [p for p in polygons if len(p[0]) >= 4] or polygons[:1]
    props = feature["properties"]
    return {"type": "Feature", "id": props["statcode"], "properties": {"statcode": props["statcode"], "statnaam": props["statnaam"]},
            "geometry": {"type": geometry["type"], "coordinates": coordinates}}


def main(source: Path, target: Path) -> None:
    for year in YEARS:
        data = json.loads((source / f"gemeenten_{year}_wgs84_slim.geojson").read_text(encoding="utf-8"))
        out = {"type": "FeatureCollection", "features": [simplify(f) for f in data["features"]]}
        path = target / f"gemeenten_{year}.geojson"
        path.write_text(json.dumps(out, separators=(",", ":"), ensure_ascii=False), encoding="utf-8")
        print(path, len(out["features"]), "features", path.stat().st_size // 1024, "KB")


if __name__ == "__main__":
    main(Path(sys.argv[1]), Path(sys.argv[2]))
