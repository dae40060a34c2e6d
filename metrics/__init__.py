"""Honest numbers from the DuckDB store: pure functions (connection in, DataFrame out)."""

from metrics.compliance import (
    Scope,
    compliance_by_indicator,
    compliance_by_municipality,
    compliance_by_study,
    compliance_by_theme,
    compliance_by_visit,
    compliance_by_year,
    weakest_indicators,
)
from metrics.funnel import funnel_curves, funnel_points
from metrics.jaarbeeld import jaarbeeld_themes, jaarbeeld_weakest
from metrics.overview import data_sources, default_demo, import_history, loaded_summary, studies_overview
from metrics.rag import rag_shares
from metrics.trend import trend_by_indicator
from metrics.compare import (
    municipality_findings,
    municipality_recommendations,
    municipality_visits,
    ranked_municipalities,
    theme_compliance,
    theme_options,
)

__all__ = [
    "Scope",
    "compliance_by_indicator",
    "compliance_by_municipality",
    "compliance_by_study",
    "compliance_by_theme",
    "compliance_by_visit",
    "compliance_by_year",
    "data_sources",
    "default_demo",
    "funnel_curves",
    "funnel_points",
    "import_history",
    "jaarbeeld_themes",
    "jaarbeeld_weakest",
    "loaded_summary",
    "rag_shares",
    "studies_overview",
    "trend_by_indicator",
    "weakest_indicators",
    "municipality_findings",
    "municipality_recommendations",
    "municipality_visits",
    "ranked_municipalities",
    "theme_compliance",
    "theme_options",
]
