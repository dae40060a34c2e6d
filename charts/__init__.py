"""Plotly figures in one house style, built from metrics DataFrames (never from SQL).

The public list: pages import these names from `charts`, never a submodule.
"""

from charts.compare import (
    change_chart,
    change_text,
    comparison_heatmap,
    compliance_map,
    frozen,
    funnel_plot,
    interval_texts,
    municipality_bars,
    percent_texts,
    theme_years,
    visit_profile,
    weakest_chart,
)
from charts.describe import (
    describe_change,
    describe_heatmap,
    describe_municipalities,
    describe_profile,
    describe_weakest,
    describe_years,
)
from charts.geo import boundaries, map_year
from charts.print import PRESETS

__all__ = [
    "PRESETS",
    "boundaries",
    "change_chart",
    "change_text",
    "comparison_heatmap",
    "compliance_map",
    "describe_change",
    "describe_heatmap",
    "describe_municipalities",
    "describe_profile",
    "describe_weakest",
    "describe_years",
    "frozen",
    "funnel_plot",
    "interval_texts",
    "map_year",
    "municipality_bars",
    "percent_texts",
    "theme_years",
    "visit_profile",
    "weakest_chart",
]
