"""Rapport: the draft report of one visit (study, municipality, date) or, without a municipality, the study's
summarising report — its text on the page and as .docx / .odt from the organisation's template (DESIGN §13)."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from documents import (PLACEHOLDERS, REQUIRED, TEMPLATE_ENV, ConversionError, TemplateError, check_template, convert,
                       report_docx, soffice, template_bytes)
from metrics import ReportChoiceError, municipality_visits, study_report, visit_report
from pages.common import base_scope, cached, study_or_stop, demo_banner, follow_requested_view, showing_demo, viewer
from pages.text import md_escape
from reference.dutch import dutch_date
from reference.vocab import parse_date

DOCX_MIME = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
ODT_MIME = "application/vnd.oasis.opendocument.text"
ALL = "Alle gemeenten (samenvattend rapport)"


def chosen_report(study: str, municipality: str | None, date):
    if municipality:
        return cached(visit_report, study, municipality, date, demo=showing_demo(), viewer=viewer())
    return cached(study_report, study, demo=showing_demo(), viewer=viewer())


@st.cache_data(ttl=60)
def appendix_table(study: str, municipality: str | None, date, demo: bool, who) -> pd.DataFrame:
    """Bijlage 2 as shown: its text columns go to the browser as categories, each value once (a summarising report
    has a row per municipality × indicator: 17,100 rows are 2.5 MB as text, 0.5 MB as categories). Cached, so a
    rerun does not convert again."""
    frame = pd.DataFrame(chosen_report(study, municipality, date).table)
    return frame.astype({c: "category" for c in frame.columns if not pd.api.types.is_numeric_dtype(frame[c])})


def bullets(items: list[str]) -> None:
    if items:
        st.markdown("\n".join(f"- {md_escape(t)}" for t in items))


follow_requested_view()
st.title("Rapport")
demo_banner()
study = study_or_stop()
all_visits = cached(municipality_visits, base_scope(study=study, kind=None))
if all_visits.empty:
    st.info(f"{study} heeft geen bezoeken met scores; kies een ander onderzoek in de zijbalk.")
    st.stop()
left, right = st.columns(2)
municipality = left.selectbox("Gemeente", sorted(all_visits["gemeente"].unique()), index=None, key="gemeente",
                              bind="query-params", placeholder=ALL,
                              help="Zonder gemeente: het samenvattend rapport over alle gemeenten van het onderzoek.")
date = None
if municipality:
    own = all_visits[all_visits["gemeente"] == municipality]
    labels = {dutch_date(v.datum): f"{dutch_date(v.datum)} ({v.soort})" for v in own.itertuples()}
    # No format_func: a bound selectbox writes the formatted text into the URL, and `datum` is dd-mm-jjjj.
    chosen = right.selectbox("Bezoek (datum)", list(labels), index=None, key="datum", bind="query-params",
                             placeholder="Het onderzoek (eerste bezoek)", help="Bezoeken: " + "; ".join(labels.values()))
    date = parse_date(chosen) if chosen else None
try:
    with st.spinner("Rapport wordt samengesteld…"):
        report = chosen_report(study, municipality, date)
except ReportChoiceError as exc:
    st.warning(str(exc))
    st.stop()

st.header(report.title, anchor=False)
st.caption(md_escape(report.subtitle))
if report.is_concept:
    st.warning(f"**{report.status}** — {report.status_note}", icon=":material/draft:")
else:
    st.caption(f"Status: {report.status}")

uploaded = st.file_uploader("Eigen sjabloon (.docx, optioneel)", type=["docx"], key="sjabloon",
                            help="Een Word-document met plaatshouders zoals {{ titel }} en {{ status }}; zonder upload "
                                 f"wordt het meegeleverde sjabloon gebruikt (of {TEMPLATE_ENV}).")
with st.expander("Plaatshouders van het sjabloon"):
    st.dataframe(pd.DataFrame({"plaatshouder": [f"{{{{ {k} }}}}" for k in PLACEHOLDERS],
                               "inhoud": list(PLACEHOLDERS.values()),
                               "verplicht": ["ja" if k in REQUIRED else "" for k in PLACEHOLDERS]}),
                 hide_index=True, width="stretch")
try:
    if uploaded is not None:
        template, template_name = uploaded.getvalue(), uploaded.name
        check_template(template, set(PLACEHOLDERS), REQUIRED, template_name)
        st.success(f"Sjabloon {template_name} is bruikbaar.")
    else:
        template, template_name = template_bytes()
except TemplateError as exc:
    st.error(str(exc))
    st.stop()

stem = f"rapport-{study}-{municipality or 'alle-gemeenten'}" + (f"-{dutch_date(report.visit_date)}" if report.visit_date else "")
if st.button("Maak document (.docx en .odt)", type="primary"):
    try:
        with st.spinner("Document wordt gemaakt (figuren, sjabloon)…"):
            docx = report_docx(report, template, template_name)
        st.session_state["rapport-docx"] = (stem, docx)
    except TemplateError as exc:
        st.error(str(exc))
made = st.session_state.get("rapport-docx")
if made and made[0] == stem:
    cols = st.columns(2)
    cols[0].download_button("Download .docx", made[1], file_name=f"{stem}.docx", mime=DOCX_MIME)
    if soffice() is None:
        cols[1].caption("Geen .odt: LibreOffice is niet geïnstalleerd op de server.")
    elif cols[1].button("Maak ook .odt"):
        try:
            with st.spinner("LibreOffice zet het document om…"):
                st.session_state["rapport-odt"] = (stem, convert(made[1], "odt"))
        except ConversionError as exc:
            st.error(str(exc))
    odt = st.session_state.get("rapport-odt")
    if odt and odt[0] == stem:
        cols[1].download_button("Download .odt", odt[1], file_name=f"{stem}.odt", mime=ODT_MIME)

st.subheader("1 Inleiding", anchor=False)
for paragraph in report.introduction:
    st.markdown(md_escape(paragraph))
st.subheader("2 Resultaten", anchor=False)
for n, theme in enumerate(report.themes, 1):
    st.markdown(f"#### 2.{n} {md_escape(theme.name)}")
    if theme.gaat_goed:
        st.markdown("**Wat gaat goed**")
        bullets(theme.gaat_goed)
    if theme.zorgpunten or theme.kan_beter:
        st.markdown("**Wat kan beter**")
        bullets(theme.zorgpunten + theme.kan_beter)
    st.markdown("**In cijfers**")
    for indicator in theme.indicators:
        st.markdown(md_escape(indicator.sentence))
    if theme.summary:
        st.caption(md_escape(theme.summary))
st.subheader("3 Conclusie", anchor=False)
st.markdown(f"_{md_escape(report.conclusion)}_")
st.subheader("4 Aanbevelingen", anchor=False)
if report.recommendations:
    st.markdown("\n".join(f"{r.nr}\\. {md_escape(r.text)} ({md_escape(r.status)})" for r in report.recommendations))
else:
    st.caption("Geen aanbevelingen in de werkmap (blad Aanbevelingen).")
st.subheader("5 Vervolg", anchor=False)
if report.follow_up:
    st.markdown(md_escape(report.follow_up.text))
    st.dataframe(pd.DataFrame(report.follow_up.rows), hide_index=True, width="stretch")
else:
    st.caption("Geen hertoets vastgelegd." if report.kind == "bezoek" else "Het vervolg staat in de rapporten per gemeente.")
with st.expander("Bijlage 1 Toezichtkader"):
    st.dataframe(pd.DataFrame([vars(i) for i in report.framework_items]), hide_index=True, width="stretch")
with st.expander("Bijlage 2 Cijfers per indicator"):
    st.dataframe(appendix_table(study, municipality, date, showing_demo(), viewer()), hide_index=True, width="stretch")
