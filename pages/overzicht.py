"""Overzicht: what is loaded and the weakest indicators."""

import streamlit as st

from metrics.compliance import Scope, compliance_by_indicator
from metrics.overview import loaded_summary, studies_overview
from pages.common import csv_download, cursor, demo_banner, percent


@st.cache_data(ttl=60)
def _summary():
    return loaded_summary(cursor())


@st.cache_data(ttl=60)
def _studies():
    return studies_overview(cursor())


@st.cache_data(ttl=60)
def _indicators():
    return compliance_by_indicator(cursor(), Scope(), pooled=True)


st.title("Overzicht")
summary = _summary()
demo_banner(summary)
cols = st.columns(5)
for col, (label, key) in zip(cols, [("Onderzoeken", "onderzoeken"), ("Gemeenten", "gemeenten"), ("Bezoeken", "bezoeken"), ("Dossiers", "dossiers"), ("Scores", "scores")]):
    col.metric(label, f"{summary[key]:,}".replace(",", "."))
if summary["laatste_import"] is not None:
    st.caption(f"Laatste import: {summary['laatste_import']:%d-%m-%Y %H:%M}")

st.subheader("Onderzoeken")
studies = _studies()
st.dataframe(
    studies,
    hide_index=True,
    width="stretch",
    column_config={
        "eerste_bezoek": st.column_config.DateColumn("eerste bezoek", format="DD-MM-YYYY"),
        "laatste_bezoek": st.column_config.DateColumn("laatste bezoek", format="DD-MM-YYYY"),
    },
)
csv_download(studies, "onderzoeken.csv")

st.subheader("Zwakste indicatoren")
st.caption("Naleving per indicator over alle gemeenten van een onderzoek (alleen eerste onderzoek, geen hertoets); k van n met 95%-Wilson-interval. Minder dan 5 beoordeelde dossiers geldt als klein aantal.")
ind = _indicators()
weak = ind[(ind["n"] >= 5) & (ind["niveau"] == "dossier")].nsmallest(10, "percentage").copy()
weak["naleving"] = weak["percentage"].map(percent)
weak["95%-interval"] = weak["ondergrens"].map(percent) + " – " + weak["bovengrens"].map(percent)
st.dataframe(weak[["onderzoek", "indicator", "label", "oordeel", "naleving", "95%-interval"]], hide_index=True, width="stretch")
csv_download(weak, "zwakste-indicatoren.csv")
