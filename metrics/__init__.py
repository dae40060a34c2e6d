"""Honest numbers from the DuckDB store: pure functions (connection in, DataFrame out)."""

from metrics.compliance import (
    compliance_by_indicator,
    compliance_by_municipality,
    compliance_by_study,
    compliance_by_theme,
    compliance_by_visit,
    compliance_by_year,
)

__all__ = [
    "compliance_by_indicator",
    "compliance_by_municipality",
    "compliance_by_study",
    "compliance_by_theme",
    "compliance_by_visit",
    "compliance_by_year",
]
