"""Bevindingen: search the qualitative findings and the recommendations of every visit, each finding next to the
compliance of its theme or indicator in that visit (one click to the dossiers behind that figure)."""

from __future__ import annotations

from dataclasses import replace

import pandas as pd
import streamlit as st

from metrics import finding_rates, framework_items, has_search_words, search_findings, search_recommendations, selection_visits
from pages.common import base_scope, cached, chosen_study, demo_banner, download_buttons, showing_demo, studies, whole_texts
from pages.links import dossiers_open, show_dossiers_link, with_dossier_links
from pages.text import md_escape
from reference.dutch import dutch_date, dutch_percent
from reference.vocab import FINDING_KINDS, RECOMMENDATION_STATUSES, SMALL_N_MARK, VISIT_KINDS

CARDS = 50  # findings shown as cards; the table and the downloads hold all
KIND_BADGES = {"gaat goed": ":green-badge[gaat goed]", "kan beter": ":orange-badge[kan beter]", "zorgpunt": ":red-badge[zorgpunt]"}
SEARCH_RULE = (
    "Zoeken negeert hoofdletters, accenten en apostrofs (\u201cgeevalueerd\u201d vindt \u201cgeëvalueerd\u201d, "
    "\u201crisicos\u201d vindt \u201crisico's\u201d). Elk woord moet ergens in de tekst voorkomen, ook binnen een langer "
    "woord: \u201cveiligheid\u201d vindt ook \u201cveiligheidsplan\u201d en \u201connveiligheid\u201d. Van woorden van zes of meer "
    "letters valt eerst één uitgang -s, -en of -e weg (\u201cplannen\u201d vindt \u201cplan\u201d)."
)


st.title("Bevindingen")
demo_banner()

demo = showing_demo()
study_table = studies(demo)
query = st.text_input("Zoeken in bevindingen en aanbevelingen", key="zoek", bind="query-params",
                      placeholder="bijvoorbeeld: veiligheid, risicotaxatie, overdracht", help=SEARCH_RULE)
st.caption(SEARCH_RULE)
if query and not has_search_words(query):
    st.warning("De zoektekst bevat geen woorden (alleen letters en cijfers tellen); er wordt niet op tekst gefilterd.")

# The toggle and the pills on lines of their own: in narrow columns their labels were cut off at 1024 px.
only_chosen = st.toggle(f"Alleen onderzoek {chosen_study()}", key="alleen_onderzoek", bind="query-params",
                        help="Uit: zoeken in alle onderzoeken. Aan: alleen in het onderzoek dat links gekozen is.")
study = chosen_study() if only_chosen else None
scope = base_scope(study=study, kind=None)
all_visits = cached(selection_visits, scope)
row1 = st.columns([2, 2, 1.3])
municipality = row1[0].selectbox("Gemeente", sorted(all_visits["gemeente"].unique()), index=None, key="gemeente",
                                 bind="query-params", placeholder="Alle gemeenten")
visit_kind = row1[1].selectbox("Bezoek", list(VISIT_KINDS), index=None, placeholder="Onderzoek en hertoets",
                               key="bezoek", help="Bevindingen van het eerste onderzoek, van de hertoets of van beide.")
years = sorted({int(pd.Timestamp(d).year) for d in all_visits["datum"]})
year = row1[2].selectbox("Jaar", years, index=None, key="jaar", bind="query-params", placeholder="Alle jaren")

row2 = st.columns(2)
frameworks = study_table[study_table["onderzoek"] == study]["kader"].tolist() if study else sorted(set(study_table["kader"]))
catalogue = pd.concat([cached(framework_items, f, long=True) for f in frameworks], ignore_index=True) if frameworks else pd.DataFrame(columns=["thema", "indicator"])
theme_names = dict(zip(catalogue["thema"], catalogue["themanaam"])) if not catalogue.empty else {}
theme = row2[0].selectbox("Thema", list(dict.fromkeys(catalogue["thema"])), index=None, key="thema", bind="query-params",
                          placeholder="Alle thema's", help="Ook bevindingen bij een indicator van dit thema.")
indicator_choices = catalogue[catalogue["thema"] == theme] if theme else catalogue
if study:
    indicator = row2[1].selectbox("Indicator", list(dict.fromkeys(indicator_choices["indicator"])), index=None,
                                  key="indicator", bind="query-params", placeholder="Alle indicatoren")
else:  # a disabled widget's label is drawn faded below WCAG contrast: say in text why there is no choice
    indicator = None
    row2[1].markdown("**Indicator**  \nKies eerst één onderzoek (zet *Alleen onderzoek* aan): indicatorcodes verschillen per kader.")
kind = st.pills("Soort bevinding", list(FINDING_KINDS), key="soort", bind="query-params")

scope = replace(scope, municipality=municipality, kind=visit_kind, year=year)
tab_findings, tab_recommendations = st.tabs(["Bevindingen", "Aanbevelingen"])

with tab_findings:
    found = cached(search_findings, scope, query or None, theme, indicator, kind)
    st.subheader(f"{len(found)} bevindingen")
    st.caption(
        "Naast elke bevinding de naleving van haar thema (Σk van Σn over de dossierindicatoren van het thema) of "
        "indicator bij dát bezoek, met 95%-Wilson-interval."
        + (" Klik op \u201ck van n\u201d voor de dossiers achter het thema of de indicator." if dossiers_open() else "")
    )
    if found.empty:
        st.info("Geen bevindingen gevonden. Maak de zoektekst korter of verwijder een filter.")
    else:
        shown = with_dossier_links(finding_rates(found), column="naleving", kind_column="bezoeksoort")
        for row in shown.head(CARDS).itertuples():
            box = st.container(border=True)
            left, right = box.columns([3.2, 1.3])
            where = f"{row.gemeente} · {row.bezoeksoort} {dutch_date(row.datum)} · {row.onderzoek}"
            about = f"thema {row.thema} {theme_names.get(row.thema, '')}" + (f" · indicator {row.indicator}" if row.indicator else "")
            left.markdown(f"{KIND_BADGES[row.soort]} {md_escape(about)}")
            left.markdown(md_escape(row.tekst))
            left.caption(md_escape(where))
            figure = "indicator" if row.indicator else "thema"
            if row.n > 0:
                show_dossiers_link(row.oordeel, row.naleving.split("#")[0], container=right)
                small = f" · {SMALL_N_MARK}" if row.klein_aantal else ""
                right.caption(f"Naleving {figure} bij dit bezoek: {dutch_percent(row.percentage, 1)} "
                              f"(95%-interval {dutch_percent(row.ondergrens, 1)}–{dutch_percent(row.bovengrens, 1)}){small}")
            else:
                right.caption(f"Geen oordeel over dit {figure} bij dit bezoek.")
        if len(shown) > CARDS:
            st.caption(f"De eerste {CARDS} van {len(shown)} bevindingen; de tabel hieronder en de download bevatten alle.")
        with st.expander(f"Als tabel ({len(shown)} rijen)", expanded=False):
            table = shown.copy()
            table["percentage"] = table["percentage"].map(lambda x: dutch_percent(x, 1))
            table["95%-interval"] = [
                f"{dutch_percent(lo, 1)} – {dutch_percent(hi, 1)}" if n > 0 else "" for lo, hi, n in zip(table["ondergrens"], table["bovengrens"], table["n"])
            ]
            columns = ["naleving", "percentage", "95%-interval", "soort", "tekst", "thema", "indicator", "gemeente",
                       "bezoeksoort", "datum", "onderzoek"]
            if dossiers_open():
                st.caption("Klik op \u201ck van n\u201d voor de dossiers achter dat getal.")
            whole_texts(table[columns].rename(columns={"naleving": "k van n", "tekst": "bevinding"}), key="bevindingen_pagina",
                        links=("k van n",) if dossiers_open() else ())
        download_buttons(found.drop(columns=["bezoek"]), "bevindingen", "Download bevindingen")

with tab_recommendations:
    status = st.pills("Status", list(RECOMMENDATION_STATUSES), key="status_aanbeveling")
    recs = cached(search_recommendations, scope, query or None, status)
    st.subheader(f"{len(recs)} aanbevelingen")
    st.caption("Aanbevelingen hebben geen thema of indicator; de filters thema, indicator en soort bevinding gelden hier niet. "
               "Opvolging en leeftijd staan op de pagina Opvolging.")
    if recs.empty:
        st.info("Geen aanbevelingen gevonden.")
    else:
        whole_texts(recs.drop(columns=["bezoek"]).rename(columns={"tekst": "aanbeveling"}), key="aanbevelingen_pagina")
        download_buttons(recs.drop(columns=["bezoek"]), "aanbevelingen", "Download aanbevelingen")
