"""Traffic-light (rag) checklists: share groen / oranje / rood per item, section, team and municipality."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd

from metrics.compliance import Scope
from metrics.stats import rate_percent

GROUPINGS = {
    "item": ["study_id", "theme_code", "indicator_code", "label", "indicator_position"],
    "section": ["study_id", "theme_code", "theme_name", "theme_position"],
    "team": ["study_id", "municipality_name", "team"],
    "municipality": ["study_id", "municipality_code", "municipality_name"],
}
RENAME = {"study_id": "onderzoek", "theme_code": "sectie", "theme_name": "sectienaam", "indicator_code": "item",
          "municipality_name": "gemeente", "municipality_code": "gemeentecode"}


def rag_shares(con, by: str = "item", scope: Scope = Scope(scale="rag")) -> pd.DataFrame:
    """Counts and shares (percent of groen+oranje+rood; nvt/onbekend apart) at the grain `by`."""
    keys = GROUPINGS[by]
    where, params = replace(scope, scale="rag").where()
    cols = ", ".join(keys)
    frame = con.execute(
        f"""
        WITH scoped AS (SELECT * FROM v_count c WHERE {where}),
        final AS (
            SELECT {cols}, sum(groen)::BIGINT AS groen, sum(oranje)::BIGINT AS oranje, sum(rood)::BIGINT AS rood,
                   sum(nvt)::BIGINT AS nvt, sum(onbekend)::BIGINT AS onbekend, count(DISTINCT visit_id) AS bezoeken
            FROM scoped GROUP BY ALL
        )
        SELECT * FROM final ORDER BY ALL
        """,
        params,
    ).df()
    n = (frame["groen"] + frame["oranje"] + frame["rood"]).to_numpy(dtype=float)
    frame["n"] = n.astype(int)
    for colour in ("groen", "oranje", "rood"):
        frame[f"aandeel_{colour}"] = rate_percent(frame[colour], n)
    order = [c for c in ("study_id", "theme_position", "indicator_position", "municipality_name", "team") if c in frame.columns]
    frame = frame.sort_values(order).drop(columns=[c for c in ("theme_position", "indicator_position") if c in frame.columns])
    return frame.rename(columns=RENAME).reset_index(drop=True)
