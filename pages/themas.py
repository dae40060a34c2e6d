"""Thema's: one theme (of the chosen study's framework), one Jaarbeeld-thema (across frameworks) or one indicator,
across municipalities and years."""

from __future__ import annotations

import streamlit as st

from charts import describe_years, interval_texts, percent_texts, theme_years
from metrics import compliance_by_indicator, ranked_municipalities, rounded_rates, theme_compliance, theme_options
from pages.common import (
    base_scope,
    cached,
    chosen_study,
    demo_banner,
    download_buttons,
    follow_requested_view,
    plotly_described,
    showing_demo,
    studies,
)
from reference.vocab import SMALL_N, SMALL_N_NOTE, VISIT_KINDS, YEARBOOK_THEMES


def indicator_rows(scope):
    """The study's indicators with scores (for the indicator list)."""
    return cached(compliance_by_indicator, scope, pooled=True)[["thema", "niveau", "indicator", "label"]]


def compliance(scope, theme, framework, yearbook_theme, indicator, pooled):
    return cached(theme_compliance, scope, theme=theme, framework=framework, yearbook_theme=yearbook_theme,
                  indicator=indicator, pooled=pooled)


follow_requested_view()
st.title("Thema's")
demo_banner()
demo = showing_demo()
study = chosen_study()
known = studies(demo).set_index("onderzoek")
framework = known.loc[study, "kader"] if study in known.index else None
themes = cached(theme_options, demo)
own = themes[themes["kader"] == framework]
choices = {row.thema: f"{row.thema} — {row.naam} ({framework})" for row in own.itertuples()}
choices |= {t: f"Jaarbeeld: {YEARBOOK_THEMES.get(t, t)} (alle kaders)" for t in themes.loc[themes["kader"] == "", "thema"]}
if not choices:
    st.info("Geen thema's met scores. Importeer scores op de pagina Importeren.")
    st.stop()
left, middle, right = st.columns([3, 2, 1])
theme = left.selectbox("Thema", list(choices), key="thema", bind="query-params",
                       help="De thema's van het kader van het gekozen onderzoek, en de Jaarbeeld-thema's over alle kaders.")
left.caption(choices.get(theme, ""))
yearbook = theme not in set(own["thema"])
indicator = None
if not yearbook:
    codes = indicator_rows(base_scope(study=study))
    codes = codes[(codes["thema"] == theme) & (codes["niveau"] == "dossier")]
    labels = dict(zip(codes["indicator"], codes["label"]))
    indicator = middle.selectbox("Indicator (optioneel)", list(labels), index=None, key="indicator", bind="query-params",
                                 placeholder="Heel het thema")
    if indicator:
        middle.caption(labels.get(indicator, ""))
kind = right.radio("Soort bezoek", list(VISIT_KINDS), key="soort", bind="query-params")
scope = base_scope(kind=kind)
args = dict(theme=None if yearbook else theme, framework=None if yearbook else framework,
            yearbook_theme=theme if yearbook else None, indicator=indicator)
pooled = compliance(scope, pooled=True, **args)
per_municipality = compliance(scope, pooled=False, **args)
what = (f"indicator {indicator}" if indicator else choices[theme])
if pooled.empty:
    st.info(f"Geen {kind}-scores voor {what}.")
    st.stop()
years = ", ".join(str(y) for y in pooled["jaar"])
st.caption(f"{what}: jaren {years}. Alle gemeenten samen (Σk / Σn over de indicatoren op dossierniveau) met 95%-Wilson-interval; "
           "de grijze punten laten de spreiding tussen gemeenten zien.")
plotly_described(theme_years(pooled, per_municipality, f"Naleving per jaar — {what}", f"{kind}; grijs: per gemeente, open = {SMALL_N_NOTE}"),
                 describe_years(pooled, f"Naleving per jaar — {what}"), key="jaren", config={"displaylogo": False})
st.dataframe(
    pooled.assign(naleving=percent_texts(pooled["percentage"]), interval=interval_texts(pooled["ondergrens"], pooled["bovengrens"]))[
        ["jaar", "oordeel", "naleving", "interval", "gemeenten", "onderzoeken", "nvt", "onbekend"]],
    hide_index=True, width="stretch",
)

st.subheader("Zwakste en sterkste gemeenten")
st.caption(f"Alleen gemeenten met ten minste {SMALL_N} beoordeelde dossiers; per jaar van het veldwerk.")
weakest, strongest = ranked_municipalities(per_municipality)
columns = ["jaar", "gemeente", "oordeel", "naleving", "interval"]
left, right = st.columns(2)
for place, frame, label in ((left, weakest, "Zwakste"), (right, strongest, "Sterkste")):
    place.markdown(f"**{label}**")
    place.dataframe(frame.assign(naleving=percent_texts(frame["percentage"]),
                                 interval=interval_texts(frame["ondergrens"], frame["bovengrens"]))[columns],
                    hide_index=True, width="stretch")
table = rounded_rates(per_municipality, ("percentage", "ondergrens", "bovengrens"))
download_buttons(table, f"thema-{theme}{'-' + indicator if indicator else ''}-{kind}", "Download per gemeente en jaar")
