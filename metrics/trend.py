"""Trends: change between consecutive visits of one municipality on one framework."""

from __future__ import annotations

import pandas as pd

from dataclasses import replace

from metrics.compliance import Scope, grouped_compliance
from metrics.counting import judgement_texts
from metrics.stats import newcombe_difference


def trend_by_indicator(con, scope: Scope = Scope(kind=None)) -> pd.DataFrame:
    """Per municipality × framework × indicator, each visit against the previous one (onderzoek → hertoets,
    or a later study): change in percentage points with Newcombe's 95% interval for the difference."""
    # compliance_by_visit, without its benchmark (unused here) and only for municipalities (and teams)
    # with more than one visit on a framework: a single visit has nothing to compare with.
    visits = grouped_compliance(con, "visit", replace(scope, kind=None), benchmark=False, repeated_only=True)
    needed = ["kader", "gemeentecode", "gemeente", "team", "indicator", "label", "onderzoek", "soort", "datum", "k", "n", "percentage"]
    visits = visits.loc[visits["n"] > 0, needed] if not visits.empty else visits  # only the columns used below
    columns = ["kader", "gemeentecode", "gemeente", "team", "indicator", "label", "van_onderzoek", "van_soort", "van_datum",
               "van_k", "van_n", "van_percentage", "naar_onderzoek", "naar_soort", "naar_datum", "naar_k", "naar_n",
               "naar_percentage", "verschil_pp", "ondergrens_pp", "bovengrens_pp", "significant", "van_oordeel", "naar_oordeel"]
    if visits.empty:
        return pd.DataFrame(columns=columns)
    visits = visits.sort_values(["kader", "gemeentecode", "team", "indicator", "datum"], kind="stable")
    keys = ["kader", "gemeentecode", "team", "indicator"]
    prev = visits.groupby(keys, sort=False).shift(1)
    has_prev = prev["k"].notna()
    cur, prev = visits[has_prev], prev[has_prev]
    d, low, high = newcombe_difference(prev["k"], prev["n"], cur["k"], cur["n"])
    out = pd.DataFrame(
        {
            "kader": cur["kader"], "gemeentecode": cur["gemeentecode"], "gemeente": cur["gemeente"], "team": cur["team"],
            "indicator": cur["indicator"], "label": cur["label"],
            "van_onderzoek": prev["onderzoek"], "van_soort": prev["soort"], "van_datum": prev["datum"],
            "van_k": prev["k"].astype(int), "van_n": prev["n"].astype(int), "van_percentage": prev["percentage"],
            "naar_onderzoek": cur["onderzoek"], "naar_soort": cur["soort"], "naar_datum": cur["datum"],
            "naar_k": cur["k"], "naar_n": cur["n"], "naar_percentage": cur["percentage"],
            "verschil_pp": d * 100, "ondergrens_pp": low * 100, "bovengrens_pp": high * 100,
        }
    )
    out["significant"] = (out["ondergrens_pp"] > 0) | (out["bovengrens_pp"] < 0)
    out["van_oordeel"] = judgement_texts(out["van_k"], out["van_n"])
    out["naar_oordeel"] = judgement_texts(out["naar_k"], out["naar_n"])
    if scope.kind:
        out = out[out["naar_soort"] == scope.kind]
    return out[columns].reset_index(drop=True)

