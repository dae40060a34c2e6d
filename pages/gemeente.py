"""Gemeente: one municipality in the chosen study — its visits, every indicator against the benchmark,
the change between visits, and its findings and recommendations."""

from __future__ import annotations

import streamlit as st

from charts.compare import change_chart, change_text, interval_text, visit_profile
from metrics import (
    compliance_by_visit,
    funnel_points,
    municipality_findings,
    municipality_recommendations,
    municipality_visits,
    trend_by_indicator,
)
from pages.common import base_scope, chosen_study, cursor, date_nl, demo_banner, download_buttons, follow_requested_view, percent, showing_demo, studies, view_link


@st.cache_data(ttl=60)
def study_rows(scope):
    """The study's visits of every municipality (for the choice list)."""
    return municipality_visits(cursor(), scope)


@st.cache_data(ttl=60)
def by_visit(scope):
    return compliance_by_visit(cursor(), scope)


@st.cache_data(ttl=60)
def trend(scope):
    return trend_by_indicator(cursor(), scope)


@st.cache_data(ttl=60)
def findings(scope):
    return municipality_findings(cursor(), scope)


@st.cache_data(ttl=60)
def recommendations(scope):
    return municipality_recommendations(cursor(), scope)


@st.cache_resource(ttl=60, max_entries=64)
def profile_figure(scope, theme: str, title: str, subtitle: str):
    """One theme's chart, built once per municipality (plotly figures are most of a render at national scale)."""
    rows = by_visit(scope)
    return visit_profile(rows[rows["thema"] == theme], title, subtitle)


@st.cache_resource(ttl=60, max_entries=32)
def change_figure(scope, title: str):
    return change_chart(trend(scope), title, None)


follow_requested_view()
st.title("Gemeente")
demo_banner()
study = chosen_study()
if not study:
    st.info("Er zijn nog geen onderzoeken geladen. Importeer scores op de pagina Importeren.")
    st.stop()
all_visits = study_rows(base_scope(study=study, kind=None))
if all_visits.empty:
    st.info(f"{study} heeft geen bezoeken met scores; kies een ander onderzoek in de zijbalk.")
    st.stop()
left, right = st.columns(2)
municipality = left.selectbox("Gemeente", sorted(all_visits["gemeente"].unique()), key="gemeente", bind="query-params",
                              help=f"Gemeenten met een bezoek in {study}.")
scope = base_scope(study=study, municipality=municipality, kind=None)
rows = by_visit(scope)
labels = dict(zip(rows["indicator"], rows["label"]))
indicator = right.selectbox("Indicator in beeld (optioneel)", list(dict.fromkeys(rows["indicator"])), index=None, key="indicator",
                            bind="query-params", placeholder="Alle indicatoren")
if indicator:
    right.caption(labels.get(indicator, ""))
st.markdown(f"**{municipality}** in **{study}**. Deelbare link: [{municipality}]"
           f"({view_link('gemeente', onderzoek=study, gemeente=municipality, indicator=indicator)})")

st.subheader("Bezoeken")
visits = study_rows(scope)
st.dataframe(visits.assign(datum=visits["datum"].map(date_nl))[["onderzoek", "soort", "datum", "team", "dossiers"]],
             hide_index=True, width="stretch")

changes = trend(scope)
if indicator:
    st.subheader(f"{indicator} — {labels.get(indicator, '')}")
    focus = rows[rows["indicator"] == indicator]
    for r in focus.itertuples(index=False):
        small = " (klein aantal)" if 0 < r.n < 5 else ""
        verdict = f", {r.vergelijking} dan de benchmark" if r.vergelijking in ("beter", "slechter") else (
            ", vergelijkbaar met de benchmark" if r.vergelijking == "vergelijkbaar" else "")
        st.markdown(f"- **{r.soort} {date_nl(r.datum)}**: {r.oordeel}{small} — {percent(r.percentage)} "
                    f"(95%-interval {interval_text(r.ondergrens, r.bovengrens)}); benchmark {percent(r.benchmark)}{verdict}.")
    for _, r in changes[changes["indicator"] == indicator].iterrows():
        st.markdown(f"- **Verandering {r['van_soort']} → {r['naar_soort']}**: {change_text(r)}.")

st.subheader("Naleving per indicator")
st.caption("Per bezoek k van n met 95%-Wilson-interval; de zwarte streep is de benchmark (het gepoolde eerste onderzoek "
           "van alle gemeenten in dit onderzoek). Kleur: beter / vergelijkbaar / slechter dan de benchmark.")
for theme in rows["thema"].unique():
    st.plotly_chart(profile_figure(scope, theme, f"{municipality}: thema {theme}", f"{study}; open symbool = klein aantal (n < 5)"),
                    key=f"profiel-{theme}", config={"displaylogo": False})
table = rows[["onderzoek", "soort", "datum", "thema", "indicator", "label", "niveau", "k", "n", "nvt", "onbekend", "percentage",
              "ondergrens", "bovengrens", "benchmark", "vergelijking", "norm", "voldoet_norm", "klein_aantal"]]
st.dataframe(
    table.assign(datum=table["datum"].map(date_nl), oordeel=rows["oordeel"], naleving=table["percentage"].map(percent),
                 interval=[interval_text(a, b) for a, b in zip(table["ondergrens"], table["bovengrens"])],
                 benchmark=table["benchmark"].map(percent))[
        ["soort", "datum", "thema", "indicator", "label", "oordeel", "naleving", "interval", "benchmark", "vergelijking", "norm", "voldoet_norm"]],
    hide_index=True, width="stretch",
)
download_buttons(table.round({"percentage": 1, "ondergrens": 1, "bovengrens": 1, "benchmark": 1}),
                 f"gemeente-{municipality}-{study}", "Download naleving")

st.subheader("Verandering tussen bezoeken")
if changes.empty:
    st.info(f"{municipality} heeft in {study} maar één bezoek: er is geen verandering te tonen.")
else:
    first, last = changes.iloc[0], changes.iloc[-1]
    st.plotly_chart(change_figure(scope, f"{municipality}: verandering {first['van_soort']} {date_nl(first['van_datum'])} → "
                                  f"{last['naar_soort']} {date_nl(last['naar_datum'])}"),
                    key="verandering", config={"displaylogo": False})
    trend_view = changes.assign(
        van=[f"{k} van {n}" for k, n in zip(changes["van_k"], changes["van_n"])],
        naar=[f"{k} van {n}" for k, n in zip(changes["naar_k"], changes["naar_n"])],
        verandering=[change_text(r) for _, r in changes.iterrows()],
    )
    st.dataframe(trend_view[["indicator", "label", "van_soort", "van", "naar_soort", "naar", "verandering"]], hide_index=True, width="stretch")
    download_buttons(changes.round({"verschil_pp": 1, "ondergrens_pp": 1, "bovengrens_pp": 1, "van_percentage": 1, "naar_percentage": 1}),
                     f"verandering-{municipality}-{study}", "Download verandering")

st.subheader("Bevindingen en aanbevelingen")
found = findings(scope)
if found.empty:
    st.caption("Geen bevindingen vastgelegd.")
else:
    st.markdown("**Bevindingen**")
    st.dataframe(found.assign(datum=found["datum"].map(date_nl), indicator=found["indicator"].fillna(""))[
                     ["soort", "datum", "thema", "themanaam", "indicator", "bevinding", "tekst"]],
                 hide_index=True, width="stretch")
    download_buttons(found, f"bevindingen-{municipality}-{study}", "Download bevindingen")
advice = recommendations(scope)
if advice.empty:
    st.caption("Geen aanbevelingen vastgelegd.")
else:
    st.markdown("**Aanbevelingen** (met de stand van de opvolging)")
    st.dataframe(advice.assign(datum=advice["datum"].map(date_nl))[["soort", "datum", "nr", "tekst", "status"]], hide_index=True, width="stretch")
    download_buttons(advice, f"aanbevelingen-{municipality}-{study}", "Download aanbevelingen")
