"""Dossiers: the dossiers behind a number — filter by study, municipality, visit, theme, indicator and result;
open one dossier to read its full scoring with the decision rules and the inspector's remarks.

Driven by the URL (onderzoek, gemeente, soort, datum, jaar, thema, indicator, uitkomst, dossier), so other pages
link here with the filter set and a view can be shared. Nothing from this page is logged: remarks are sensitive.
"""

from __future__ import annotations

from dataclasses import replace

import pandas as pd
import streamlit as st

from metrics import (
    count_unit,
    dossier_detail,
    dossier_list,
    framework_items,
    outcome_counts,
    outcome_totals,
    rate_sentence,
    selection_label,
    selection_level,
    selection_visits,
    visit_level_scores,
)
from pages.auth import record_dossier_view
from pages.common import base_scope, cached, chosen_study, demo_banner, download_buttons, showing_demo, studies, whole_texts
from pages.text import md_escape
from reference.dutch import dutch_date
from reference.vocab import OUTCOMES, VISIT_KINDS

MAX_ROWS = 1000  # rows sent to the browser; the download has them all
OUTCOME_COLOURS = {"ja": "green", "nee": "red", "nvt": "gray", "onbekend": "orange", "groen": "green",
                   "oranje": "orange", "rood": "red", "": "gray"}


def listing(scope, codes: tuple[str, ...], outcome, visit_date) -> pd.DataFrame:
    return cached(dossier_list, scope, codes, outcome, visit_date, limit=MAX_ROWS + 1)


@st.cache_data(ttl=60)
def listing_shown(scope, codes: tuple[str, ...], outcome, visit_date) -> pd.DataFrame:
    """The listing as shown: its score columns hold a handful of values and go to the browser as categories (each
    value once: a 1,001-row list 399 → 144 KB). Cached, so a rerun does not convert again; downloads use `listing`."""
    frame = listing(scope, codes, outcome, visit_date)
    return frame.astype({code: "category" for code in codes if code in frame.columns})


def badge(value: str) -> str:
    """A coloured score label for markdown; '' (not scored) reads 'niet gescoord'."""
    return f":{OUTCOME_COLOURS.get(value, 'gray')}-badge[{value or 'niet gescoord'}]"


st.title("Dossiers")
demo_banner()
st.caption(
    "Kies een onderzoek en eventueel gemeente, bezoek, thema, indicator en uitkomst. De telling bovenaan is dezelfde als "
    "in de nalevingscijfers (k = ja, n = ja + nee; nvt en onbekend tellen niet mee). De filters staan in de URL: "
    "kopieer de adresbalk om deze weergave te delen."
)

demo = showing_demo()
study_table = studies(demo)
if study_table.empty:
    st.info("Er zijn nog geen onderzoeken geladen. Importeer gegevens op de pagina Importeren.")
    st.stop()

top = st.columns([2, 1.3, 1.5, 1])
study = chosen_study()  # the sidebar's study (bound to ?onderzoek= in app.py)
if study not in set(study_table["onderzoek"]):
    st.info("Kies links een onderzoek om de dossiers te zien.")
    st.stop()
study_row = study_table[study_table["onderzoek"] == study].iloc[0]
framework, scale = study_row["kader"], study_row["schaal"]
study_scope = base_scope(study=study, kind=None, scale=scale)
all_visits = cached(selection_visits, study_scope)
municipality = top[0].selectbox("Gemeente", sorted(all_visits["gemeente"].unique()), index=None, key="gemeente",
                                bind="query-params", placeholder="Alle gemeenten")
kind = top[1].selectbox("Soort bezoek", list(VISIT_KINDS), key="soort", bind="query-params",
                        help="Onderzoek (eerste meting) of hertoets. De nalevingscijfers gaan standaard over het onderzoek.")
kind_visits = all_visits[(all_visits["soort"] == kind) & ((all_visits["gemeente"] == municipality) if municipality else True)]
dates = sorted({dutch_date(d) for d in kind_visits["datum"]}, key=lambda s: s[6:] + s[3:5] + s[:2])
visit_date_text = top[2].selectbox("Datum bezoek", dates, index=None, key="datum", bind="query-params",
                                   placeholder="Alle bezoeken", help="Kies één bezoek als er meer bezoeken van deze soort zijn.")
years = sorted({int(pd.Timestamp(d).year) for d in kind_visits["datum"]})
year = top[3].selectbox("Jaar", years, index=None, key="jaar", bind="query-params", placeholder="Alle")
visit_date = pd.to_datetime(visit_date_text, format="%d-%m-%Y").date() if visit_date_text else None

scope = replace(study_scope, municipality=municipality, kind=kind, year=year)
chosen_visits = cached(selection_visits, scope, visit_date)

items = cached(framework_items, framework, long=True)
themes = items.drop_duplicates("thema")
middle = st.columns([2, 2, 3])
theme = middle[0].selectbox("Thema", themes["thema"].tolist(), index=None, key="thema", bind="query-params",
                            placeholder="Alle thema's", help="Met een thema: de telling is Σk van Σn over zijn dossierindicatoren.")
indicator_options = items[items["thema"] == theme] if theme else items
indicator = middle[1].selectbox("Indicator", indicator_options["indicator"].tolist(), index=None, key="indicator",
                                bind="query-params", placeholder="Alle indicatoren")
outcome = None
if scale == "binair":  # the fixed outcomes ja/nee/nvt/onbekend; a rag checklist is judged per team in colours
    outcome = middle[2].pills("Uitkomst op de gekozen indicator(en)", list(OUTCOMES), key="uitkomst", bind="query-params",
                              help="Alleen dossiers met deze uitkomst op (minstens één van) de gekozen indicatoren.")

names = dict(zip(themes["thema"], themes["themanaam"]))
if theme:
    st.caption(f"Thema **{theme}** — {md_escape(names.get(theme, ''))}")

if chosen_visits.empty:
    st.warning("Geen bezoeken bij deze keuze. Kies een andere gemeente, soort of datum.")
    st.stop()

if indicator:
    codes = [indicator]
    info = items[items["indicator"] == indicator].iloc[0]
    st.markdown(f"**{indicator} — {md_escape(info['label'])}**  \n{md_escape(info['tekst'] or '')}")
    st.caption(f"Beslisregel: {md_escape(info['beslisregel'] or '—')}")
else:
    # A theme or the whole framework: its dossier-level indicators, as compliance pools them; a framework judged
    # only per visit or team (a rag checklist) shows those judgements instead.
    scope_items = indicator_options[indicator_options["niveau"] == "dossier"]
    if scope_items.empty:
        scope_items = indicator_options
    codes = scope_items["indicator"].tolist()

where = ", ".join(
    f"{r.gemeente} ({r.soort} {dutch_date(r.datum)}{', ' + r.team if r.team else ''})" for r in chosen_visits.itertuples()
)
n_dossiers = int(chosen_visits["dossiers"].sum())
st.caption(f"{len(chosen_visits)} bezoek(en), {n_dossiers} dossiers: {md_escape(where) if len(chosen_visits) <= 6 else 'zie de tabel'}")

level = selection_level(items, codes)
tally = cached(outcome_counts, scope, tuple(codes), visit_date) if codes else pd.DataFrame()
if not tally.empty:
    totals = outcome_totals(tally)
    label = selection_label(indicator, theme, level)
    if scale == "rag":
        st.markdown(f"**{label}**: groen {totals['groen']} · oranje {totals['oranje']} · rood {totals['rood']} · "
                    f"nvt {totals['nvt']} · onbekend {totals['onbekend']}")
    else:
        k, n = int(totals["k"]), int(totals["n"])
        unit = count_unit(indicator, level)
        cols = st.columns([2.2, 1, 1, 1, 1, 1.3])
        cols[0].metric(f"Voldoet ({unit})", f"{k} van {n}", help="k = ja, n = ja + nee")
        cols[1].metric("ja", int(totals["ja"]))
        cols[2].metric("nee", int(totals["nee"]))
        cols[3].metric("nvt", int(totals["nvt"]))
        cols[4].metric("onbekend", int(totals["onbekend"]))
        if indicator and level == "dossier":
            cols[5].metric("niet gescoord", int(tally["niet_gescoord"].fillna(0).sum()))
        st.caption(f"Naleving {md_escape(label)}: {rate_sentence(k, n)}."
                   + ("" if indicator else f" Gepoold over {len(codes)} indicatoren: elk oordeel telt één keer."))

if level != "dossier":
    st.subheader("Oordelen op bezoekniveau")
    st.caption("Deze indicator wordt per bezoek of team beoordeeld, niet per dossier." if indicator else
               "Dit kader wordt per bezoek of team beoordeeld, niet per dossier.")
    table = cached(visit_level_scores, scope, tuple(codes), visit_date)
    if outcome:
        table = table[table["score"] == outcome]
    st.dataframe(table.drop(columns=["bezoek"]), hide_index=True, width="stretch",
                 column_config={"datum": st.column_config.DateColumn("datum", format="DD-MM-YYYY")})
    download_buttons(table.drop(columns=["bezoek"]), f"bezoekoordelen-{study}-{indicator or theme or 'alle'}", "Download oordelen")
    st.stop()

table = listing(scope, tuple(codes), outcome, visit_date)
count = f"Meer dan {MAX_ROWS}" if len(table) > MAX_ROWS else str(len(table))
heading = f"{count} dossiers" + (f" met uitkomst '{outcome}'" if outcome else "")
st.subheader(heading)
if n_dossiers == 0:
    st.info("Deze bezoeken hebben geen dossiers (alleen oordelen per bezoek of team). Kies een indicator om die te zien.")
    st.stop()
shown = listing_shown(scope, tuple(codes), outcome, visit_date).drop(columns=["bezoek", "onderzoek", "soort"])  # fixed above
if len(chosen_visits) == 1 or (shown["gemeente"].nunique() == 1 and shown["datum"].nunique() == 1):
    shown = shown.drop(columns=["gemeente", "datum"])
if not shown["team"].astype(bool).any():
    shown = shown.drop(columns=["team"])
config = {"datum": st.column_config.DateColumn("datum", format="DD-MM-YYYY"),
          "opmerkingen": st.column_config.NumberColumn("opmerkingen", help="Aantal toelichtingen in het dossier")}
if len(shown) > MAX_ROWS:
    st.caption(f"De eerste {MAX_ROWS} dossiers; kies een gemeente of een bezoek om de lijst te verkleinen.")
    shown, table = shown.head(MAX_ROWS), table.head(MAX_ROWS)
# The remarks are read whole in their own table below the list (a grid cell would cut them off).
remarks = shown[shown["toelichting"] != ""] if "toelichting" in shown.columns else shown.iloc[0:0]
shown = shown.drop(columns=["toelichting"], errors="ignore")
ids = shown["dossier"].tolist()


def open_selected() -> None:
    """A click on a row opens that dossier below (the bound chooser keeps it in the URL)."""
    rows = st.session_state["dossier_tabel"].selection.rows
    if rows:
        st.session_state["dossier"] = ids[rows[0]]


st.caption("Klik op een rij om het dossier hieronder te openen.")
st.dataframe(shown, hide_index=True, width="stretch", column_config=config, key="dossier_tabel", on_select=open_selected,
             selection_mode="single-row", height=min(35 * (len(shown) + 1) + 3, 600))
download_buttons(table.drop(columns=["bezoek"]), f"dossiers-{study}", "Download lijst")
if indicator:
    st.markdown(f"**Toelichtingen bij {md_escape(indicator)}**")
    if remarks.empty:
        st.caption(f"Geen van deze dossiers heeft een toelichting bij {md_escape(indicator)}.")
    else:
        st.caption(f"{len(remarks)} van {len(shown)} dossiers hebben een toelichting bij {md_escape(indicator)}; "
                   "elke toelichting staat er heel.")
        whole_texts(remarks[[c for c in ("dossier", "gemeente", "datum", "team", indicator, "toelichting") if c in remarks.columns]],
                    key="toelichtingen_pagina")

st.divider()
st.subheader("Dossier openen")
dossier = st.selectbox("Dossier", table["dossier"].drop_duplicates().tolist(), index=None, key="dossier", bind="query-params",
                       placeholder="Kies een dossier uit de lijst")
if dossier is None:
    st.caption("Kies een dossier om de volledige scoring met beslisregels en toelichtingen te lezen.")
    st.stop()

scoring = cached(dossier_detail, scope, dossier, visit_date)
record_dossier_view(study, dossier, scoring[["gemeente", "datum"]])
for (visit_id, gemeente, soort, datum), one in scoring.groupby(["bezoek", "gemeente", "soort", "datum"], sort=False):
    st.markdown(f"#### Dossier {md_escape(dossier)} — {md_escape(gemeente)}, {soort} {dutch_date(datum)}")
    general = one[one["indicator"] == ""]
    for text in general["toelichting"]:
        st.info(f"Toelichting bij het dossier: {md_escape(text)}", icon=":material/comment:")
    scored = one[one["indicator"] != ""]
    summary = scored["score"].replace("", "niet gescoord").value_counts()
    st.caption(" · ".join(f"{v}: {summary.get(v, 0)}" for v in (*OUTCOMES, "niet gescoord") if summary.get(v, 0)))
    for (theme_code, theme_name), group in scored.groupby(["thema", "themanaam"], sort=False):
        st.markdown(f"##### {md_escape(theme_code)} · {md_escape(theme_name)}")
        for row in group.itertuples():
            box = st.container(border=row.indicator == indicator)
            box.markdown(f"{badge(row.score)} **{md_escape(row.indicator)}** {md_escape(row.label)}")
            box.caption(f"Beslisregel: {md_escape(row.beslisregel or '—')}")
            if row.toelichting:
                box.markdown(f":material/comment: *Toelichting:* {md_escape(row.toelichting)}")
    download_buttons(one.drop(columns=["bezoek"]), f"dossier-{dossier}-{visit_id}", "Download dossier", key=f"dossier-{visit_id}")
