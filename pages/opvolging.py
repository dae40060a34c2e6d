"""Opvolging: recommendations by status and age, visits whose recommendations stay open too long, and which
onderzoek visits have had a hertoets."""

from __future__ import annotations

import streamlit as st

from metrics import hertoets_status, overdue_visits, recommendation_followup, selection_visits, status_by_municipality
from pages.common import (base_scope, cached, chosen_study, date_field, demo_banner, download_buttons, showing_demo, studies,
                          today, whole_texts)
from reference.dutch import dutch_date
from reference.vocab import OVERDUE_MONTHS


def followup(scope, on):
    return (cached(recommendation_followup, scope, on), cached(status_by_municipality, scope), cached(overdue_visits, scope, on),
            cached(hertoets_status, scope))


DATE = st.column_config.DateColumn(format="DD-MM-YYYY")

st.title("Opvolging")
demo_banner()
demo = showing_demo()
study_table = studies(demo)
# The toggle on its own line: its label names the study and was cut off in a narrow column.
only_chosen = st.toggle(f"Alleen onderzoek {chosen_study()}", key="alleen_onderzoek", bind="query-params",
                        help="Uit: alle onderzoeken. Aan: alleen het onderzoek dat links gekozen is.")
study = chosen_study() if only_chosen else None
scope = base_scope(study=study, kind=None)
cols = st.columns([2, 1.5, 1.5])
municipality = cols[0].selectbox("Gemeente", sorted(cached(selection_visits, scope)["gemeente"].unique()), index=None, key="gemeente",
                                 bind="query-params", placeholder="Alle gemeenten")
on = date_field(cols[1], "Peildatum", "peildatum", today(), bind=True,
                help="De leeftijd van een aanbeveling is het aantal hele maanden tussen bezoek en peildatum.")
scope = base_scope(study=study, municipality=municipality, kind=None)
recs, per_municipality, late, retests = followup(scope, on)

st.subheader("Status per gemeente")
st.caption("Aantal aanbevelingen per status, over alle bezoeken (onderzoek en hertoets).")
if per_municipality.empty:
    st.info("Geen aanbevelingen bij deze keuze.")
else:
    st.dataframe(per_municipality.rename(columns={"in_uitvoering": "in uitvoering"}), hide_index=True, width="stretch")
    download_buttons(per_municipality, "aanbevelingen-status", "Download status", key="status")

st.subheader(f"Langer dan {OVERDUE_MONTHS} maanden niet afgerond")
st.caption(f"Bezoeken met aanbevelingen die op {dutch_date(on)} meer dan {OVERDUE_MONTHS} maanden na het bezoek nog "
           "open of in uitvoering zijn.")
if late.empty:
    st.success("Geen bezoeken met aanbevelingen die te lang openstaan.")
else:
    st.dataframe(late.drop(columns=["bezoek"]).rename(columns={"bezoeksoort": "soort", "leeftijd_maanden": "maanden na bezoek",
                                                               "in_uitvoering": "in uitvoering"}),
                 hide_index=True, width="stretch", column_config={"datum": DATE})
    download_buttons(late.drop(columns=["bezoek"]), "te-lang-open", "Download lijst", key="late")

st.subheader("Aanbevelingen met leeftijd")
if not recs.empty:
    order = ["gemeente", "bezoeksoort", "datum", "nr", "status", "leeftijd_maanden", "te_lang_open", "tekst", "onderzoek"]
    shown = recs[order].rename(columns={"bezoeksoort": "soort", "leeftijd_maanden": "maanden",
                                        "te_lang_open": f"> {OVERDUE_MONTHS} mnd open", "tekst": "aanbeveling"})
    whole_texts(shown, key="aanbevelingen_pagina")
    download_buttons(recs.drop(columns=["bezoek"]), "aanbevelingen-opvolging", "Download aanbevelingen", key="recs")

st.subheader("Hertoets")
if retests.empty:
    st.info("Geen onderzoeksbezoeken bij deze keuze.")
else:
    done = int(retests["hertoets"].sum())
    st.caption(f"{done} van {len(retests)} onderzoeksbezoeken hebben een latere hertoets (zelfde onderzoek, gemeente en team).")
    with_retest, without = st.tabs([f"Met hertoets ({done})", f"Zonder hertoets ({len(retests) - done})"])
    view = retests.drop(columns=["bezoek"] + ([] if retests["team"].astype(bool).any() else ["team"])).rename(columns={"hertoets_datum": "hertoets op", "maanden_tot_hertoets": "maanden"})
    with_retest.dataframe(view[view["hertoets"]].drop(columns=["hertoets"]), hide_index=True, width="stretch",
                          column_config={"datum": DATE, "hertoets op": DATE})
    without.dataframe(view[~view["hertoets"]].drop(columns=["hertoets", "hertoets op", "maanden"]), hide_index=True,
                      width="stretch", column_config={"datum": DATE})
    download_buttons(retests.drop(columns=["bezoek"]), "hertoetsen", "Download hertoetsen", key="retests")
