"""What validation takes (Options) and hands to the writer (Staged): plain frames keyed by a visit number."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from loaders.problems import Problem

VISIT_COLS = ["vkey", "study_id", "municipality_code", "municipality_name", "kind", "visit_date", "team", "region",
              "report_title", "published_on", "summary_title"]
DOSSIER_COLS = ["vkey", "dossier_id", "team"]
SCORE_COLS = ["vkey", "dossier_id", "indicator_code", "value"]
REMARK_COLS = ["vkey", "dossier_id", "indicator_code", "text"]
FINDING_COLS = ["vkey", "theme_code", "indicator_code", "kind", "text"]
RECOMMENDATION_COLS = ["vkey", "number", "text", "status"]


@dataclass(frozen=True)
class VisitKey:
    study_id: str
    municipality_code: str
    kind: str
    visit_date: dt.date
    team: str


@dataclass
class Options:
    study_id: str | None = None
    framework_id: str | None = None

    def fingerprint(self) -> str:
        return f"onderzoek={self.study_id or ''};kader={self.framework_id or ''}"


@dataclass
class Staged:
    file: str
    studies: dict[str, str]  # study id → framework id, for every study the file touches
    new_studies: set[str]
    visits: pd.DataFrame  # vkey, study_id, municipality_code, municipality_name, kind, visit_date, team, region
    dossiers: pd.DataFrame  # vkey, dossier_id, team
    scores: pd.DataFrame  # vkey, dossier_id, indicator_code, value
    remarks: pd.DataFrame  # vkey, dossier_id, indicator_code, text
    findings: pd.DataFrame  # vkey, theme_code, indicator_code, kind, text
    recommendations: pd.DataFrame  # vkey, number, text, status
    warnings: list[Problem] = field(default_factory=list)


def frame(rows: list[tuple] | dict, columns: list[str]) -> pd.DataFrame:
    """A staged frame with object columns: pandas would otherwise convert text to Arrow strings and back."""
    if isinstance(rows, dict):
        if not rows:
            return pd.DataFrame({c: pd.Series([], dtype=object) for c in columns})
        return pd.DataFrame({c: _column(rows[c]) for c in columns})
    return pd.DataFrame(rows, columns=columns, dtype=object)


def _column(values) -> pd.Series:
    if isinstance(values, np.ndarray) and values.dtype.kind in "iu" or isinstance(values, pd.Categorical):
        return pd.Series(values)
    return pd.Series(values, dtype=object)
