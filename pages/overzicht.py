"""Overzicht: what is loaded and the weakest indicators."""

import streamlit as st

from charts.compare import weakest_chart
from metrics import loaded_summary, weakest_indicators
from pages.common import (
    studies,
    base_scope,
    cursor,
    demo_banner,
    download_buttons,
    follow_requested_view,
    percent,
    request_view,
    selected_point,
    showing_demo,
    timestamp_nl,
)


def open_comparison(study: str, indicator: str | None = None) -> None:
    """Button/chart callback: Vergelijken for `study` (and `indicator`)."""
    request_view("pages/vergelijken.py", {"onderzoek": study, "indicator": indicator})


def open_clicked_indicator() -> None:
    data = selected_point("zwakste")
    if data:
        open_comparison(data[0], data[1])


@st.cache_data(ttl=60)
def summary(demo: bool):
    return loaded_summary(cursor(), demo)


@st.cache_data(ttl=60)
def weakest(scope):
    return weakest_indicators(cursor(), scope, limit=10)


follow_requested_view()
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
st.caption("Vergelijk de gemeenten van een onderzoek:")
link_columns = st.columns(max(len(study_table), 1))
for place, row in zip(link_columns, study_table.itertuples(index=False)):
    place.button(f"Vergelijken: {row.onderzoek}", key=f"vergelijk-{row.onderzoek}", on_click=open_comparison, args=(row.onderzoek,),
                 icon=":material/compare_arrows:", width="stretch")

st.subheader("Zwakste indicatoren")
st.caption("Naleving per indicator over alle gemeenten van een onderzoek (alleen eerste onderzoek, geen hertoets); k van n met 95%-Wilson-interval. Minder dan 5 beoordeelde dossiers geldt als klein aantal.")
weak = weakest(base_scope()).copy()
if not weak.empty:
    st.plotly_chart(weakest_chart(weak, "De 10 zwakste indicatoren", "k van n over alle gemeenten van het onderzoek, eerste onderzoek; klik op een staaf om te vergelijken"),
                    key="zwakste", on_select=open_clicked_indicator, selection_mode="points", config={"displaylogo": False})
weak["naleving"] = weak["percentage"].map(percent)
weak["95%-interval"] = weak["ondergrens"].map(percent) + " – " + weak["bovengrens"].map(percent)
st.dataframe(weak[["onderzoek", "indicator", "label", "oordeel", "naleving", "95%-interval"]], hide_index=True, width="stretch")
download_buttons(weak, "zwakste-indicatoren", "Download zwakste indicatoren")
