"""Importeren: upload → full validation report and what will happen → confirm; import history; blank templates;
removing the demo data."""

from __future__ import annotations

import io
import logging
from pathlib import Path

import pandas as pd
import streamlit as st

from loaders import Options, Preview, Problem, build_template, commit, preview, remove_demo
from metrics import data_sources, import_history
from pages.auth import require, viewer_may, who
from pages.common import cursor, download_buttons, viewer, whole_texts, writing
from reference.dutch import dutch_date, dutch_timestamp
from reference.frameworks import shipped_frameworks
from reference.municipalities import FIRST_YEAR, LAST_YEAR

LOG = logging.getLogger(__name__)


def problems_frame(problems: list[Problem]) -> pd.DataFrame:
    return pd.DataFrame(
        [{"soort": p.severity, "bestand": p.file, "blad": p.sheet, "cel": p.cell, "melding": p.message} for p in problems],
        columns=["soort", "bestand", "blad", "cel", "melding"],
    )


def show_problems(report: pd.DataFrame, key: str) -> None:
    """Every message whole (the end of a message says what to do next); workbook text in a message stays literal."""
    whole_texts(report.drop(columns="bestand"), key=key)


def current_user() -> str:
    """Who imports through the app: the signed-in e-mail address, or the local user without sign-in."""
    return who()


@st.cache_data(show_spinner=False, max_entries=40)
def template_bytes(framework_id: str, year: int) -> bytes:
    buffer = io.BytesIO()
    build_template(shipped_frameworks()[framework_id], year).save(buffer)
    return buffer.getvalue()


def show_preview(checked: Preview, upload_id: str) -> None:
    if checked.status == "ongewijzigd":
        st.info(f"Dit bestand is al geïmporteerd (import #{checked.unchanged_import}); opnieuw importeren verandert niets.")
        return
    if checked.status == "geweigerd":
        st.error(f"Geweigerd: {len(checked.errors)} fout(en). Er is niets opgeslagen. Herstel de cellen hieronder en upload opnieuw.")
        report = problems_frame(checked.problems)
        show_problems(report, key=f"fouten-{upload_id}")
        download_buttons(report, f"{Path(checked.file).stem}-fouten", "Download foutenrapport", key=f"rapport-{upload_id}")
        return
    staged = checked.staged
    st.success(
        f"Geen fouten: {len(checked.plan)} bezoek(en), {len(staged.dossiers)} dossiers, {len(staged.scores)} scores, "
        f"{len(staged.remarks)} toelichtingen, {len(staged.findings)} bevindingen, {len(staged.recommendations)} aanbevelingen."
    )
    plan = checked.plan.copy()
    plan["datum"] = plan["datum"].map(dutch_date)
    st.markdown("**Wat er gebeurt bij importeren**")
    st.dataframe(plan, hide_index=True, width="stretch", column_config={
        "actie": st.column_config.TextColumn("actie", help="nieuw bezoek, of vervangt het opgeslagen bezoek met dezelfde sleutel"),
        "vervangt_import": st.column_config.NumberColumn("vervangt import", format="#%d"),
        "vervangt_dossiers": st.column_config.NumberColumn("dossiers nu opgeslagen"),
    })
    if checked.warnings:
        with st.expander(f"{len(checked.warnings)} waarschuwing(en) — blokkeren de import niet"):
            show_problems(problems_frame(checked.warnings), key=f"waarschuwingen-{upload_id}")
    if st.button("Importeren", key=f"import-{upload_id}", type="primary"):
        try:
            with st.spinner("Opslaan…"):
                with writing() as con:
                    result = commit(con, checked, user=current_user())
        except Exception as exc:  # the database changed since the check, or a fault: say so, never a traceback
            LOG.error("import na controle mislukt: %s", type(exc).__name__)
            st.error("Opslaan is mislukt; er is niets opgeslagen. Upload het bestand opnieuw om het opnieuw te controleren.")
        else:
            st.cache_data.clear()  # other pages show the new data
            st.success(result.summary())


require(viewer_may("may_import"))  # it writes: also when run on its own, without app.py's navigation
st.title("Importeren")
st.caption(
    "Een bestand wordt eerst volledig gecontroleerd. Bij één fout wordt niets opgeslagen; het rapport noemt elk blad en "
    "elke cel. Hetzelfde bestand opnieuw importeren verandert niets; een nieuwe versie van een bezoek vervangt dat bezoek."
)

tab_upload, tab_history, tab_template, tab_demo = st.tabs(["Bestand importeren", "Importgeschiedenis", "Leeg sjabloon", "Demodata"])

with tab_upload:
    uploads = st.file_uploader("Scoringswerkmap (.xlsx of .ods) of CSV (lang formaat)", type=["xlsx", "ods", "csv"], accept_multiple_files=True,
                               help="Maximaal 25 MB en 200.000 rijen per bestand. Oude .xls-bestanden eerst opslaan als .xlsx.")
    with st.expander("Alleen voor CSV zonder kolommen onderzoek/kader"):
        col1, col2 = st.columns(2)
        study = col1.text_input("Onderzoek", value="", help="Onderzoekscode, bijv. kg-2017") or None
        framework = col2.selectbox("Kader", [""] + list(shipped_frameworks()), help="Nodig voor een nieuw onderzoek") or None
    options = Options(study_id=study, framework_id=framework)
    for upload in uploads or []:
        st.subheader(upload.name)
        try:
            with st.spinner("Controleren…"):
                checked = preview(cursor(), upload.name, upload.getvalue(), options)
        except Exception as exc:
            # A bug, not bad input: say so in Dutch; the type (never the values) goes to the log.
            LOG.error("onverwachte fout bij controle van een upload: %s", type(exc).__name__)
            st.error(f"Onverwachte fout bij het controleren van {upload.name}; er is niets opgeslagen. "
                     "Meld dit bij de beheerder, met het bestand.")
            continue
        show_preview(checked, upload.file_id)

with tab_history:
    history = import_history(cursor(), viewer())
    if history.empty:
        st.write("Nog geen imports.")
    else:
        shown = history.drop(columns="sha256").assign(tijdstip=history["tijdstip"].map(dutch_timestamp))
        whole_texts(shown, key="importgeschiedenis_pagina")
        download_buttons(history, "importgeschiedenis", "Download importgeschiedenis")

with tab_template:
    frameworks = shipped_frameworks()
    col1, col2 = st.columns([3, 1])
    chosen = col1.selectbox("Kader", list(frameworks), format_func=lambda f: f"{f} — {frameworks[f].name}")
    year = col2.number_input("Jaar van het veldwerk", min_value=FIRST_YEAR, max_value=LAST_YEAR + 5, value=LAST_YEAR, step=1,
                             help="Bepaalt de keuzelijst met gemeentenamen (zoals CBS ze dat jaar voerde).")
    st.caption("Blad Uitleg met de werkwijze; blad Onderzoek met de sleutels (keuzelijst gemeenten van het gekozen jaar, "
               "datumcontrole); blad Dossiers met de themarij en een kolom per indicator (keuzelijsten met de toegestane "
               "scores, de beslisregel als opmerking bij elke kolomkop); bladen Netwerk, Toelichting, Bevindingen en "
               "Aanbevelingen met keuzelijsten voor indicator, soort en status.")
    st.download_button(
        "Download sjabloon (.xlsx)",
        template_bytes(chosen, int(year)),
        file_name=f"sjabloon-{chosen}-{int(year)}.xlsx",
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )

with tab_demo:
    sources = data_sources(cursor())
    if sources["demo"]:
        st.write(f"Deze database bevat {sources['demo']} demo-onderzoeken (fictief, behalve de gepubliceerde cijfers). "
                 "Demodata en eigen gegevens worden nooit samen geteld. Een eigen bestand voor een demo-onderzoek "
                 "(zelfde onderzoekscode) wordt geweigerd zolang de demo er staat.")
        if st.button("Demodata verwijderen", type="secondary", help="Eigen gegevens blijven staan. Alleen voor een beheerder.",
                     disabled=not viewer_may("may_manage_users")):
            with writing() as con:
                removed = remove_demo(con)
            st.cache_data.clear()
            st.session_state.pop("bron", None)
            st.success(f"Demodata verwijderd ({removed} bezoeken). Eigen gegevens zijn gebleven.")
        st.caption("Op de opdrachtregel: `python -m loaders demo --verwijder`; terugzetten met `python -m loaders demo`.")
    else:
        st.write("Er staat geen demodata in deze database. Terugzetten kan met `python -m loaders demo`.")
