"""Gemeente: one municipality in the chosen study — its visits, every indicator against the benchmark,
the change between visits, and its findings and recommendations."""

from __future__ import annotations

import streamlit as st

from charts import (change_chart, change_text, describe_change, describe_profile, frozen, interval_texts, percent_texts,
                    visit_profile)
from metrics import (
    change_counts,
    compliance_by_visit,
    framework_items,
    municipality_findings,
    municipality_recommendations,
    municipality_visits,
    rounded_rates,
    trend_by_indicator,
    verdict_sentences,
)
from pages.benchmark import benchmark_notes, benchmark_text, choose_benchmark, group_problem, with_benchmark
from pages.common import (
    base_scope,
    cached,
    study_or_stop,
    demo_banner,
    download_buttons,
    follow_requested_view,
    plotly_described,
    view_link,
    whole_texts,
)
from reference.dutch import dutch_date
from reference.vocab import SMALL_N_NOTE


def profile_figure(con, scope, theme: str, title: str, subtitle: str) -> tuple:
    """One theme's chart and its text alternative, made once per municipality and data version (plotly figures are
    most of a render at national scale; frozen, it is not copied again on every rerun)."""
    rows = cached(compliance_by_visit, scope, shared=True)
    part = rows[rows["thema"] == theme]
    return frozen(visit_profile(part, title, subtitle)), describe_profile(part, title)


def change_figure(con, scope, title: str) -> tuple:
    """The change chart and its text alternative, made once per municipality and data version."""
    changes = cached(trend_by_indicator, scope, shared=True)
    return frozen(change_chart(changes, title, None)), describe_change(changes, title)


def change_view(con, scope):
    """The change table as shown."""
    changes = cached(trend_by_indicator, scope, shared=True)
    return change_counts(changes).assign(verandering=[change_text(r) for _, r in changes.iterrows()])


def compliance_view(con, scope) -> dict:
    """The compliance table as shown and as downloaded, made once per municipality and data version."""
    rows = cached(compliance_by_visit, scope, shared=True)
    table = rows[["onderzoek", "soort", "datum", "thema", "indicator", "label", "niveau", "k", "n", "nvt", "onbekend", "percentage",
                  "ondergrens", "bovengrens", "benchmark", "vergelijking", "vergelijking_998", "norm", "voldoet_norm", "klein_aantal",
                  "benchmark_soort", "benchmark_gebied", "benchmark_gemeenten", "benchmark_opmerking"]]
    shown = table.assign(datum=table["datum"].map(dutch_date), oordeel=rows["oordeel"], naleving=percent_texts(table["percentage"]),
                         interval=interval_texts(table["ondergrens"], table["bovengrens"]),
                         benchmark=percent_texts(table["benchmark"]))[
        ["soort", "datum", "thema", "indicator", "label", "oordeel", "naleving", "interval", "benchmark", "benchmark_gebied",
         "benchmark_gemeenten", "vergelijking", "vergelijking_998", "norm", "voldoet_norm", "benchmark_opmerking"]]
    return {"shown": shown, "numbers": rounded_rates(table)}


follow_requested_view()
st.title("Gemeente")
demo_banner()
study = study_or_stop()
all_visits = cached(municipality_visits, base_scope(study=study, kind=None))  # every municipality, for the choice list
if all_visits.empty:
    st.info(f"{study} heeft geen bezoeken met scores; kies een ander onderzoek in de zijbalk.")
    st.stop()
left, right = st.columns(2)
municipality = left.selectbox("Gemeente", sorted(all_visits["gemeente"].unique()), key="gemeente", bind="query-params",
                              help=f"Gemeenten met een bezoek in {study}.")
benchmark_kind, group = choose_benchmark(sorted(all_visits["gemeente"].unique()), left)
problem = group_problem(benchmark_kind, group)
if problem:
    st.warning(problem)
    st.stop()
scope = with_benchmark(base_scope(study=study, municipality=municipality, kind=None), benchmark_kind, group)
rows = cached(compliance_by_visit, scope, shared=True)
labels = dict(zip(rows["indicator"], rows["label"]))
indicator = right.selectbox("Indicator in beeld (optioneel)", list(dict.fromkeys(rows["indicator"])), index=None, key="indicator",
                            bind="query-params", placeholder="Alle indicatoren")
if indicator:
    right.caption(labels.get(indicator, ""))
shared = dict(benchmark=benchmark_kind if benchmark_kind != "onderzoek" else None, groep=list(group) or None)
st.markdown(f"**{municipality}** in **{study}**. Deelbare link: [{municipality}]"
           f"({view_link('gemeente', onderzoek=study, gemeente=municipality, indicator=indicator, **shared)})")
compared = benchmark_text(rows)
st.info(f"**Vergelijking** — {compared}. Beter/slechter: het 95%-interval ligt boven/onder de benchmark; duidelijk "
        "beter/slechter: ook het 99,8%-interval (zie Methode).")
for note in benchmark_notes(rows):
    st.warning(note)

st.subheader("Bezoeken")
visits = cached(municipality_visits, scope)
st.dataframe(visits.assign(datum=visits["datum"].map(dutch_date))[["onderzoek", "soort", "datum", "team", "dossiers"]],
             hide_index=True, width="stretch")

changes = cached(trend_by_indicator, scope, shared=True)
if indicator:
    st.subheader(f"{indicator} — {labels.get(indicator, '')}")
    for sentence in verdict_sentences(rows[rows["indicator"] == indicator]):
        st.markdown(f"- {sentence}")
    for _, r in changes[changes["indicator"] == indicator].iterrows():
        st.markdown(f"- **Verandering {r['van_soort']} → {r['naar_soort']}**: {change_text(r)}.")

st.subheader("Naleving per indicator")
st.caption("Per bezoek k van n met 95%-Wilson-interval; de zwarte streep is de benchmark (het gepoolde eerste onderzoek; "
           f"{compared}). Kleur: beter / vergelijkbaar / slechter dan de benchmark, donker = ook bij 99,8%.")
in_chart = f"; {compared}" if benchmark_kind != "onderzoek" else ""
theme_names = {}
for framework in rows["kader"].dropna().unique():
    items = cached(framework_items, framework, long=True)
    theme_names.update(zip(items["thema"], items["themanaam"]))
for theme in rows["thema"].unique():
    name = theme_names.get(theme) or f"thema {theme}"
    plotly_described(*cached(profile_figure, scope, theme, f"{municipality}: {name}",
                             f"{study}, thema {theme}; open symbool = {SMALL_N_NOTE}{in_chart}", shared=True),
                     key=f"profiel-{theme}", config={"displaylogo": False})
table = cached(compliance_view, scope, shared=True)
st.dataframe(
    table["shown"],
    hide_index=True, width="stretch",
    column_config={
        "benchmark_gebied": st.column_config.TextColumn("benchmark over"),
        "benchmark_gemeenten": st.column_config.NumberColumn("gemeenten in benchmark"),
        "vergelijking": st.column_config.TextColumn("vergelijking (95%)"),
        "vergelijking_998": st.column_config.TextColumn("bij 99,8%"),
        "benchmark_opmerking": st.column_config.TextColumn("opmerking"),
    },
)
download_buttons(table["numbers"],
                 f"gemeente-{municipality}-{study}" + ("" if benchmark_kind == "onderzoek" else f"-{benchmark_kind}"), "Download naleving")

st.subheader("Verandering tussen bezoeken")
if changes.empty:
    st.info(f"{municipality} heeft in {study} maar één bezoek: er is geen verandering te tonen.")
else:
    first, last = changes.iloc[0], changes.iloc[-1]
    change_title = (f"{municipality}: verandering {first['van_soort']} {dutch_date(first['van_datum'])} → "
                    f"{last['naar_soort']} {dutch_date(last['naar_datum'])}")
    plotly_described(*cached(change_figure, scope, change_title, shared=True),
                     key="verandering", config={"displaylogo": False})
    trend_view = cached(change_view, scope, shared=True)
    st.dataframe(trend_view[["indicator", "label", "van_soort", "van", "naar_soort", "naar", "verandering"]], hide_index=True, width="stretch")
    download_buttons(rounded_rates(changes, ("verschil_pp", "ondergrens_pp", "bovengrens_pp", "van_percentage", "naar_percentage")),
                     f"verandering-{municipality}-{study}", "Download verandering")

st.subheader("Bevindingen en aanbevelingen")
found = cached(municipality_findings, scope)
if found.empty:
    st.caption("Geen bevindingen vastgelegd.")
else:
    st.markdown("**Bevindingen**")
    whole_texts(found.assign(datum=found["datum"].map(dutch_date), indicator=found["indicator"].fillna(""))[
                    ["soort", "datum", "thema", "themanaam", "indicator", "bevinding", "tekst"]], key="gemeente_bevindingen")
    download_buttons(found, f"bevindingen-{municipality}-{study}", "Download bevindingen")
advice = cached(municipality_recommendations, scope)
if advice.empty:
    st.caption("Geen aanbevelingen vastgelegd.")
else:
    st.markdown("**Aanbevelingen** (met de stand van de opvolging)")
    whole_texts(advice.assign(datum=advice["datum"].map(dutch_date))[["soort", "datum", "nr", "tekst", "status"]],
                key="gemeente_aanbevelingen")
    download_buttons(advice, f"aanbevelingen-{municipality}-{study}", "Download aanbevelingen")
