"""Kaders: browse each framework — themes, criteria, indicators with full text, operationalisation, decision rule,
level, Jaarbeeld-thema and norm — which studies use it, and downloads of the framework and its blank template.
Every operationalisation and decision rule says whether it is the published framework's text or derived for this
product (with the reason), and where a table in the source had to be read, how it was read."""

from __future__ import annotations

import io

import pandas as pd
import streamlit as st

from loaders import build_template
from metrics import framework_items, framework_overview, framework_provenance, framework_studies
from pages.common import cached, download_buttons, showing_demo, viewer
from pages.links import dossiers_open, open_dossiers
from pages.text import md_escape
from reference.frameworks import DERIVED_NOTE, FRAMEWORK_NOTE, shipped_frameworks

LEVELS = {"dossier": "per dossier", "bezoek": "per bezoek", "team": "per team"}


@st.cache_data(ttl=300)
def template_bytes(framework_id: str) -> bytes | None:
    framework = shipped_frameworks().get(framework_id)
    if framework is None:
        return None
    buffer = io.BytesIO()
    build_template(framework).save(buffer)
    return buffer.getvalue()


def origin_summary(counts: pd.DataFrame, framework: str, kind: str, plural: str) -> str:
    """"Operationaliseringen: 12 uit het kader, 3 afgeleid" for one framework."""
    if (framework, kind) not in counts.index:
        return ""
    c = counts.loc[(framework, kind)]
    parts = [f"{c['uit_kader']} uit het kader", f"{c['afgeleid']} afgeleid"] + (
        [f"{c['onbekend']} zonder herkomst"] if c["onbekend"] else [])
    return f"{plural}: " + ", ".join(parts)


def show_text(title: str, text: str, origin: str, reason: str) -> None:
    """One operationalisation or decision rule, marked with where it comes from."""
    if origin == "afgeleid":
        st.markdown(f"**{title}** · *{md_escape(DERIVED_NOTE)}*  \n{md_escape(text or '—')}")
        if reason:
            st.caption(f"Waarom afgeleid: {md_escape(reason)}")
    elif origin == "kader":
        st.markdown(f"**{title}** · *{md_escape(FRAMEWORK_NOTE)}*  \n{md_escape(text or '—')}")
    else:
        st.markdown(f"**{title}.** {md_escape(text or '—')}")


st.title("Kaders")
frameworks = cached(framework_overview, long=True)
if frameworks.empty:
    st.info("Er zijn geen toezichtkaders geladen.")
    st.stop()
names = dict(zip(frameworks["kader"], frameworks["naam"]))
cols = st.columns([2, 2, 2])
framework = cols[0].selectbox("Kader", frameworks["kader"].tolist(), key="kader", bind="query-params",
                              help="Het kader-id; de naam staat eronder.")
row = frameworks[frameworks["kader"] == framework].iloc[0]
query = cols[1].text_input("Zoeken in het kader", key="zoek", bind="query-params",
                           help="Zelfde regel als op Bevindingen: hoofdletters en accenten tellen niet, woorddelen wel.")
all_items = cached(framework_items, framework, long=True)
indicator = cols[2].selectbox("Indicator", all_items["indicator"].tolist(), index=None, key="indicator", bind="query-params",
                              placeholder="Alle indicatoren")

st.subheader(f"{framework} — {row['naam']}")
st.caption(f"Versie {row['versie'] or '—'} · schaal {row['schaal']} · {row['themas']} thema's · {row['indicatoren']} indicatoren")
if row["bron"]:
    st.caption(f"Bron: {md_escape(row['bron'])}")
if row["beschrijving"]:
    st.markdown(md_escape(row["beschrijving"]))
counts = cached(framework_provenance, long=True).set_index(["kader", "tekst"])
summary = " · ".join(t for t in (origin_summary(counts, framework, "operationalisering", "Operationaliseringen"),
                                  origin_summary(counts, framework, "beslisregel", "Beslisregels")) if t)
if summary:
    st.caption(f"{summary}. Afgeleide tekst is voor dit product geschreven en staat niet in het gepubliceerde kader; "
               "bij elke indicator staat waarom.")

shown = cached(framework_items, framework, query or None, long=True) if query else all_items
if indicator:
    shown = shown[shown["indicator"] == indicator]
if shown.empty:
    st.info("Geen indicatoren gevonden bij deze zoektekst.")
for (theme_code, theme_name), group in shown.groupby(["thema", "themanaam"], sort=False):
    st.markdown(f"### {md_escape(theme_code)} · {md_escape(theme_name)}")
    for criterion, per_criterion in group.groupby("criterium", sort=False, dropna=False):
        if isinstance(criterion, str) and criterion:
            st.markdown(f"*Criterium: {md_escape(criterion)}*")
        for item in per_criterion.itertuples():
            with st.expander(f"{item.indicator} — {item.label}", expanded=bool(indicator) or len(shown) <= 3):
                st.markdown(f"**Indicator.** {md_escape(item.tekst or '—')}")
                show_text("Operationalisering", item.operationalisering, item.operationalisering_herkomst,
                          item.operationalisering_reden)
                show_text("Beslisregel", item.beslisregel, item.beslisregel_herkomst, item.beslisregel_reden)
                if item.lezing:
                    st.caption(f"Lezing van de bron: {md_escape(item.lezing)}")
                norm = "" if pd.isna(item.norm) else f" · norm {item.norm:g}%".replace(".", ",")
                st.caption(f"Niveau: {LEVELS.get(item.niveau, item.niveau)} · Jaarbeeld-thema: "
                           f"{item.jaarbeeld_thema or 'geen'}{norm}")
                if item.niveau_reden:
                    st.caption(f"Waarom dit niveau: {md_escape(item.niveau_reden)}")

st.subheader("Onderzoeken met dit kader")
used = cached(framework_studies, framework, showing_demo(), viewer=viewer())
if used.empty:
    st.caption("Nog geen onderzoek gebruikt dit kader.")
else:
    st.dataframe(used, hide_index=True, width="stretch",
                 column_config={"eerste_bezoek": st.column_config.DateColumn("eerste bezoek", format="DD-MM-YYYY"),
                                "laatste_bezoek": st.column_config.DateColumn("laatste bezoek", format="DD-MM-YYYY")})
    if indicator and dossiers_open() and all_items.set_index("indicator").loc[indicator, "niveau"] == "dossier":
        buttons = st.columns(min(len(used), 4))
        for slot, study_id in zip(buttons * (len(used) // len(buttons) + 1), used["onderzoek"]):
            if slot.button(f"Dossiers: {indicator} in {study_id}", key=f"naar-{study_id}", icon=":material/folder_open:",
                           help="Alle dossiers van dit onderzoek met hun oordeel op deze indicator"):
                open_dossiers(onderzoek=study_id, indicator=indicator)

st.subheader("Downloads")
download_buttons(all_items, f"kader-{framework}", "Download kader")
template = template_bytes(framework)
if template is not None:
    st.download_button("Download leeg scoringssjabloon (.xlsx)", template, file_name=f"sjabloon-{framework}.xlsx",
                       mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", icon=":material/download:")
