"""Honest numbers from the DuckDB store: pure functions (connection in, DataFrame out)."""

from metrics.counting import count_sql, with_rates
from metrics.scope import Clause
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
from metrics.dossiers import (
    dossier_detail,
    dossier_list,
    outcome_counts,
    selection_visits,
    visit_level_scores,
)
from metrics.findings import (
    hertoets_status,
    overdue_visits,
    recommendation_followup,
    search_findings,
    search_recommendations,
    status_by_municipality,
)
from metrics.frameworks import framework_items, framework_overview, framework_provenance, framework_studies
from metrics.funnel import funnel_curves, funnel_points
from metrics.jaarbeeld import jaarbeeld_themes, jaarbeeld_weakest
from metrics.overview import data_sources, data_version, default_demo, import_history, loaded_summary, studies_overview
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
    "data_version",
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
    "dossier_detail",
    "dossier_list",
    "outcome_counts",
    "selection_visits",
    "visit_level_scores",
    "search_findings",
    "search_recommendations",
    "recommendation_followup",
    "status_by_municipality",
    "overdue_visits",
    "hertoets_status",
    "framework_overview",
    "framework_items",
    "framework_provenance",
    "framework_studies",
    "jaarbeeld_findings",
    "jaarbeeld_framework_items",
    "jaarbeeld_municipalities",
    "jaarbeeld_studies",
    "jaarbeeld_theme_studies",
    "jaarbeeld_trend",
    "jaarbeeld_visits",
    "jaarbeeld_years",
    "municipality_findings",
    "municipality_recommendations",
    "municipality_visits",
    "ranked_municipalities",
    "theme_compliance",
    "theme_options",
    "Clause",
    "count_sql",
    "with_rates",
]
from metrics.jaarbeeld import (  # noqa: E402
    jaarbeeld_findings,
    jaarbeeld_framework_items,
    jaarbeeld_municipalities,
    jaarbeeld_studies,
    jaarbeeld_theme_studies,
    jaarbeeld_trend,
    jaarbeeld_visits,
    jaarbeeld_years,
)
from metrics.views import (  # noqa: E402
    HEATMAP_MAX_CELLS,
    HEATMAP_MAX_ROWS,
    bar_rows,
    change_counts,
    comparison_numbers,
    comparison_table,
    count_unit,
    finding_rates,
    has_search_words,
    heatmap_cells,
    heatmap_rows,
    outcome_totals,
    rate_sentence,
    rounded_rates,
    selection_label,
    selection_level,
    verdict_sentences,
)

__all__ += [
    "HEATMAP_MAX_CELLS",
    "HEATMAP_MAX_ROWS",
    "bar_rows",
    "change_counts",
    "comparison_numbers",
    "comparison_table",
    "count_unit",
    "finding_rates",
    "has_search_words",
    "heatmap_cells",
    "heatmap_rows",
    "outcome_totals",
    "rate_sentence",
    "rounded_rates",
    "selection_label",
    "selection_level",
    "verdict_sentences",
]

from metrics.access import access_log, users, viewer_for, visits_with_status

__all__ += ["access_log", "users", "viewer_for", "visits_with_status"]

from metrics.report import ReportChoiceError, study_report, visit_report

__all__ += ["ReportChoiceError", "study_report", "visit_report"]
