"""Overzicht: what is loaded and the weakest indicators."""

import streamlit as st

from metrics import loaded_summary, studies_overview, weakest_indicators
from pages.common import base_scope, cursor, demo_banner, download_buttons, percent, showing_demo, timestamp_nl


@st.cache_data(ttl=60)
def summary(demo: bool):
    return loaded_summary(cursor(), demo)


@st.cache_data(ttl=60)
def studies(demo: bool):
    return studies_overview(cursor(), demo)


@st.cache_data(ttl=60)
def weakest(scope):
    return weakest_indicators(cursor(), scope, limit=10)


demo = showing_demo()
st.title("Overzicht")
demo_banner()
loaded = summary(demo)
cols = st.columns(5)
for col, (label, key) in zip(cols, [("Onderzoeken", "onderzoeken"), ("Gemeenten", "gemeenten"), ("Bezoeken", "bezoeken"), ("Dossiers", "dossiers"), ("Scores", "scores")]):
    col.metric(label, f"{loaded[key]:,}".replace(",", "."))
if loaded["laatste_import"] is not None:
    st.caption(f"Laatste import: {timestamp_nl(loaded['laatste_import'])}")

st.subheader("Onderzoeken")
study_table = studies(demo)
st.dataframe(
    study_table,
    hide_index=True,
    width="stretch",
    column_config={
        "eerste_bezoek": st.column_config.DateColumn("eerste bezoek", format="DD-MM-YYYY"),
        "laatste_bezoek": st.column_config.DateColumn("laatste bezoek", format="DD-MM-YYYY"),
    },
)
download_buttons(study_table, "onderzoeken", "Download onderzoeken")

st.subheader("Zwakste indicatoren")
st.caption("Naleving per indicator over alle gemeenten van een onderzoek (alleen eerste onderzoek, geen hertoets); k van n met 95%-Wilson-interval. Minder dan 5 beoordeelde dossiers geldt als klein aantal.")
weak = weakest(base_scope()).copy()
weak["naleving"] = weak["percentage"].map(percent)
weak["95%-interval"] = weak["ondergrens"].map(percent) + " – " + weak["bovengrens"].map(percent)
st.dataframe(weak[["onderzoek", "indicator", "label", "oordeel", "naleving", "95%-interval"]], hide_index=True, width="stretch")
download_buttons(weak, "zwakste-indicatoren", "Download zwakste indicatoren")
