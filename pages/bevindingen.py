"""Bevindingen: search the qualitative findings and the recommendations of every visit, each finding next to the
compliance of its theme or indicator in that visit (one click to the dossiers behind that figure)."""

from __future__ import annotations

from dataclasses import replace

import pandas as pd
import streamlit as st

from metrics import framework_items, search_findings, search_recommendations, selection_visits, studies_overview
from metrics.findings import FINDING_KINDS, STATUSES, search_terms
from pages.common import base_scope, cursor, demo_banner, download_buttons, percent, showing_demo
from pages.links import LINK_TEXT, with_dossier_links

SEARCH_RULE = (
    "Zoeken negeert hoofdletters, accenten en apostrofs (\u201cgeevalueerd\u201d vindt \u201cgeëvalueerd\u201d, "
    "\u201crisicos\u201d vindt \u201crisico's\u201d). Elk woord moet ergens in de tekst voorkomen, ook binnen een langer "
    "woord: \u201cveiligheid\u201d vindt ook \u201cveiligheidsplan\u201d en \u201connveiligheid\u201d. Van woorden van zes of meer "
    "letters valt eerst één uitgang -s, -en of -e weg (\u201cplannen\u201d vindt \u201cplan\u201d)."
)


@st.cache_data(ttl=60)
def studies(demo: bool) -> pd.DataFrame:
    return studies_overview(cursor(), demo)


@st.cache_data(ttl=60)
def visits(scope) -> pd.DataFrame:
    return selection_visits(cursor(), scope)


@st.cache_data(ttl=300)
def items(framework_id: str) -> pd.DataFrame:
    return framework_items(cursor(), framework_id)


@st.cache_data(ttl=60)
def findings(scope, query, theme, indicator, kind) -> pd.DataFrame:
    return search_findings(cursor(), scope, query, theme, indicator, kind)


@st.cache_data(ttl=60)
def recommendations(scope, query, status) -> pd.DataFrame:
    return search_recommendations(cursor(), scope, query, status)


st.title("Bevindingen")
demo_banner()

demo = showing_demo()
study_table = studies(demo)
query = st.text_input("Zoeken in bevindingen en aanbevelingen", key="zoek", bind="query-params",
                      placeholder="bijvoorbeeld: veiligheid, risicotaxatie, overdracht", help=SEARCH_RULE)
st.caption(SEARCH_RULE)
if query and not search_terms(query):
    st.warning("De zoektekst bevat geen woorden (alleen letters en cijfers tellen); er wordt niet op tekst gefilterd.")

row1 = st.columns([2, 2, 1.5, 1])
study = row1[0].selectbox("Onderzoek", study_table["onderzoek"].tolist(), index=None, key="onderzoek", bind="query-params",
                          placeholder="Alle onderzoeken")
scope = base_scope(study=study, kind=None)
all_visits = visits(scope)
municipality = row1[1].selectbox("Gemeente", sorted(all_visits["gemeente"].unique()), index=None, key="gemeente",
                                 bind="query-params", placeholder="Alle gemeenten")
visit_kind = row1[2].selectbox("Bezoek", ["onderzoek", "hertoets"], index=None, placeholder="Onderzoek en hertoets",
                               key="bezoek", help="Bevindingen van het eerste onderzoek, van de hertoets of van beide.")
years = sorted({int(pd.Timestamp(d).year) for d in all_visits["datum"]})
year = row1[3].selectbox("Jaar", years, index=None, key="jaar", bind="query-params", placeholder="Alle jaren")

row2 = st.columns([2, 2, 3])
frameworks = study_table[study_table["onderzoek"] == study]["kader"].tolist() if study else sorted(set(study_table["kader"]))
catalogue = pd.concat([items(f) for f in frameworks], ignore_index=True) if frameworks else pd.DataFrame(columns=["thema", "indicator"])
theme_names = dict(zip(catalogue["thema"], catalogue["themanaam"])) if not catalogue.empty else {}
theme = row2[0].selectbox("Thema", list(dict.fromkeys(catalogue["thema"])), index=None, key="thema", bind="query-params",
                          placeholder="Alle thema's", help="Ook bevindingen bij een indicator van dit thema.")
indicator_choices = catalogue[catalogue["thema"] == theme] if theme else catalogue
indicator = row2[1].selectbox("Indicator", list(dict.fromkeys(indicator_choices["indicator"])) if study else [], index=None,
                              key="indicator", bind="query-params",
                              placeholder="Alle indicatoren" if study else "Kies eerst een onderzoek", disabled=not study)
kind = row2[2].pills("Soort bevinding", list(FINDING_KINDS), key="soort", bind="query-params")

scope = replace(scope, municipality=municipality, kind=visit_kind, year=year)
tab_findings, tab_recommendations = st.tabs(["Bevindingen", "Aanbevelingen"])

with tab_findings:
    found = findings(scope, query or None, theme, indicator, kind)
    st.subheader(f"{len(found)} bevindingen")
    st.caption(
        "Naast elke bevinding de naleving van haar thema (Σk van Σn over de dossierindicatoren van het thema) of "
        "indicator bij dát bezoek, met 95%-Wilson-interval. Klik op \u201ck van n\u201d voor de dossiers erachter "
        "(opent in een nieuw tabblad)."
    )
    if found.empty:
        st.info("Geen bevindingen gevonden. Maak de zoektekst korter of verwijder een filter.")
    else:
        shown = with_dossier_links(found, column="naleving", kind_column="bezoeksoort")
        shown["percentage"] = shown["percentage"].map(percent)
        shown["95%-interval"] = [
            f"{percent(lo)} – {percent(hi)}" if n > 0 else "" for lo, hi, n in zip(shown["ondergrens"], shown["bovengrens"], shown["n"])
        ]
        shown["klein aantal"] = (shown["n"] > 0) & (shown["n"] < 5)
        columns = ["datum", "onderzoek", "gemeente", "bezoeksoort", "thema", "indicator", "soort", "tekst", "naleving",
                   "percentage", "95%-interval", "klein aantal"]
        st.dataframe(
            shown[columns], hide_index=True, width="stretch",
            column_config={
                "datum": st.column_config.DateColumn("datum", format="DD-MM-YYYY"),
                "tekst": st.column_config.TextColumn("bevinding", width="large"),
                "naleving": st.column_config.LinkColumn("k van n", display_text=LINK_TEXT,
                                                        help="Klik voor de dossiers achter dit getal"),
                "klein aantal": st.column_config.CheckboxColumn("n < 5"),
            },
        )
        export = found.drop(columns=["bezoek"])
        download_buttons(export, "bevindingen", "Download bevindingen")
        if theme:
            st.caption(f"Thema {theme}: {theme_names.get(theme, '')}")

with tab_recommendations:
    status = st.pills("Status", list(STATUSES), key="status_aanbeveling")
    recs = recommendations(scope, query or None, status)
    st.subheader(f"{len(recs)} aanbevelingen")
    st.caption("Aanbevelingen hebben geen thema of indicator; de filters thema, indicator en soort bevinding gelden hier niet. "
               "Opvolging en leeftijd staan op de pagina Opvolging.")
    if recs.empty:
        st.info("Geen aanbevelingen gevonden.")
    else:
        st.dataframe(recs.drop(columns=["bezoek"]), hide_index=True, width="stretch",
                     column_config={"datum": st.column_config.DateColumn("datum", format="DD-MM-YYYY"),
                                    "tekst": st.column_config.TextColumn("aanbeveling", width="large")})
        download_buttons(recs.drop(columns=["bezoek"]), "aanbevelingen", "Download aanbevelingen")
