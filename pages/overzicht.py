"""Overzicht: what is loaded and the weakest indicators."""

import streamlit as st

from charts import describe_weakest, percent_texts, weakest_chart
from metrics import loaded_summary, weakest_indicators
from pages.common import (
    base_scope,
    cached,
    demo_banner,
    download_buttons,
    follow_requested_view,
    plotly_described,
    request_view,
    selected_point,
    showing_demo,
    studies,
    viewer,
)
from reference.dutch import dutch_int, dutch_timestamp
from reference.vocab import SMALL_N


def open_comparison(study: str, indicator: str | None = None) -> None:
    """Button/chart callback: Vergelijken for `study` (and `indicator`)."""
    request_view("pages/vergelijken.py", {"onderzoek": study, "indicator": indicator})


def open_clicked_indicator() -> None:
    data = selected_point("zwakste")
    if data:
        open_comparison(data[0], data[1])


follow_requested_view()
demo = showing_demo()
st.title("Overzicht")
demo_banner()
loaded = cached(loaded_summary, demo, viewer=viewer())
cols = st.columns(5)
for col, (label, key) in zip(cols, [("Onderzoeken", "onderzoeken"), ("Gemeenten", "gemeenten"), ("Bezoeken", "bezoeken"), ("Dossiers", "dossiers"), ("Scores", "scores")]):
    col.metric(label, dutch_int(loaded[key]))
if loaded["laatste_import"] is not None:
    st.caption(f"Laatste import: {dutch_timestamp(loaded['laatste_import'])}")

st.subheader("Onderzoeken")
study_table = studies(demo)
st.dataframe(
    study_table.drop(columns=["demo"]),  # the same for every row (demo and real data are never shown together): the banner says it
    hide_index=True,
    width="stretch",
    column_config={
        "eerste_bezoek": st.column_config.DateColumn("eerste bezoek", format="DD-MM-YYYY"),
        "laatste_bezoek": st.column_config.DateColumn("laatste bezoek", format="DD-MM-YYYY"),
    },
)
download_buttons(study_table, "onderzoeken", "Download onderzoeken")
st.caption("Vergelijk de gemeenten van een onderzoek:")
link_columns = st.columns(max(len(study_table), 1))
for place, row in zip(link_columns, study_table.itertuples(index=False)):
    place.button(row.onderzoek, key=f"vergelijk-{row.onderzoek}", on_click=open_comparison, args=(row.onderzoek,),  # never cut off
                 icon=":material/compare_arrows:", width="stretch", help=f"Vergelijken: {row.onderzoek}")

st.subheader("Zwakste indicatoren")
st.caption("Naleving per indicator over alle gemeenten van een onderzoek (alleen eerste onderzoek, geen hertoets); k van n met 95%-Wilson-interval. "
           f"Minder dan {SMALL_N} beoordeelde dossiers geldt als klein aantal.")
weak = cached(weakest_indicators, base_scope(), limit=10).copy()
if not weak.empty:
    plotly_described(weakest_chart(weak, "De 10 zwakste indicatoren", "k van n over alle gemeenten van het onderzoek, eerste onderzoek"),
                     describe_weakest(weak, "De 10 zwakste indicatoren"),
                     key="zwakste", on_select=open_clicked_indicator, selection_mode="points", config={"displaylogo": False})
    st.caption("Klik op een staaf om dat onderzoek en die indicator te vergelijken.")
weak["naleving"] = percent_texts(weak["percentage"])
weak["95%-interval"] = [a + " – " + b for a, b in zip(percent_texts(weak["ondergrens"]), percent_texts(weak["bovengrens"]))]
st.dataframe(weak[["onderzoek", "indicator", "label", "oordeel", "naleving", "95%-interval"]], hide_index=True, width="stretch")
download_buttons(weak, "zwakste-indicatoren", "Download zwakste indicatoren")
