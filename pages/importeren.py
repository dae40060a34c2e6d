"""Importeren: upload, see the full validation report, confirm; import history; blank templates."""

from __future__ import annotations

import io
import logging
from pathlib import Path

import pandas as pd
import streamlit as st

from reference.frameworks import shipped_frameworks
from loaders.importer import already_imported, fingerprint, import_bytes
from loaders.problems import ImportRejected, Problem
from loaders.validate import Options, stage_file
from loaders.template import build_template
from metrics.overview import import_history
from pages.common import cursor, download_buttons

LOG = logging.getLogger(__name__)


def problems_frame(problems: list[Problem]) -> pd.DataFrame:
    return pd.DataFrame(
        [{"soort": p.severity, "bestand": p.file, "blad": p.sheet, "cel": p.cell, "melding": p.message} for p in problems],
        columns=["soort", "bestand", "blad", "cel", "melding"],
    )


@st.cache_data(show_spinner=False, max_entries=20)
def template_bytes(framework_id: str) -> bytes:
    buffer = io.BytesIO()
    build_template(shipped_frameworks()[framework_id]).save(buffer)
    return buffer.getvalue()


st.title("Importeren")
st.caption(
    "Een bestand wordt eerst volledig gecontroleerd. Bij één fout wordt niets opgeslagen; het rapport noemt elk blad en "
    "elke cel. Hetzelfde bestand opnieuw importeren verandert niets; een nieuwe versie van een bezoek vervangt dat bezoek."
)

tab_upload, tab_history, tab_template = st.tabs(["Bestand importeren", "Importgeschiedenis", "Leeg sjabloon"])

with tab_upload:
    uploads = st.file_uploader("Scoringswerkmap (.xlsx) of CSV (lang formaat)", type=["xlsx", "csv"], accept_multiple_files=True,
                               help="Maximaal 25 MB en 200.000 rijen per bestand. Oude .xls-bestanden eerst opslaan als .xlsx.")
    with st.expander("Alleen voor CSV zonder kolommen onderzoek/kader"):
        col1, col2 = st.columns(2)
        study = col1.text_input("Onderzoek", value="", help="Onderzoekscode, bijv. kg-2017") or None
        framework = col2.selectbox("Kader", [""] + list(shipped_frameworks()), help="Nodig voor een nieuw onderzoek") or None
    options = Options(study_id=study, framework_id=framework)
    for upload in uploads or []:
        data = upload.getvalue()
        st.subheader(upload.name)
        cur = cursor()
        previous = already_imported(cur, fingerprint(data), options)
        if previous is not None:
            st.info(f"Dit bestand is al geïmporteerd (import #{previous}); opnieuw importeren verandert niets.")
            continue
        try:
            with st.spinner("Controleren…"):
                staged = stage_file(cur, Path(upload.name), data, options)
        except Exception as exc:
            if not isinstance(exc, ImportRejected):
                # A bug, not bad input: say so in Dutch; the type (never the values) goes to the log.
                LOG.error("onverwachte fout bij controle van een upload: %s", type(exc).__name__)
                st.error(f"Onverwachte fout bij het controleren van {upload.name}; er is niets opgeslagen. "
                         "Meld dit bij de beheerder, met het bestand.")
                continue
            errors = [p for p in exc.problems if p.severity == "fout"]
            st.error(f"Geweigerd: {len(errors)} fout(en). Er is niets opgeslagen. Herstel de cellen hieronder en upload opnieuw.")
            report = problems_frame(exc.problems)
            st.dataframe(report, hide_index=True, width="stretch")
            download_buttons(report, f"{Path(upload.name).stem}-fouten", "Download foutenrapport")
            continue
        visits = staged.visits.rename(columns={"study_id": "onderzoek", "municipality_name": "gemeente", "kind": "soort",
                                               "visit_date": "datum", "team": "team"})
        st.success(
            f"Geen fouten: {len(visits)} bezoek(en), {len(staged.dossiers)} dossiers, {len(staged.scores)} scores, "
            f"{len(staged.remarks)} toelichtingen, {len(staged.findings)} bevindingen, {len(staged.recommendations)} aanbevelingen."
        )
        st.dataframe(visits[["onderzoek", "gemeente", "soort", "datum", "team"]], hide_index=True, width="stretch")
        if staged.warnings:
            with st.expander(f"{len(staged.warnings)} waarschuwing(en) — blokkeren de import niet"):
                st.dataframe(problems_frame(staged.warnings), hide_index=True, width="stretch")
        if st.button("Importeren", key=f"import-{upload.file_id}", type="primary"):
            try:
                with st.spinner("Opslaan…"):
                    result = import_bytes(cursor(), upload.name, data, options, user="app")
            except ImportRejected as exc:  # the database changed since the check
                st.error(str(exc))
                st.dataframe(problems_frame(exc.problems), hide_index=True, width="stretch")
            else:
                st.cache_data.clear()  # other pages show the new data
                st.success(result.summary())

with tab_history:
    history = import_history(cursor())
    if history.empty:
        st.write("Nog geen imports.")
    else:
        st.dataframe(history, hide_index=True, width="stretch")
        download_buttons(history, "importgeschiedenis", "Download importgeschiedenis")

with tab_template:
    frameworks = shipped_frameworks()
    chosen = st.selectbox("Kader", list(frameworks), format_func=lambda f: f"{f} — {frameworks[f].name}")
    st.caption("Blad Onderzoek met de sleutels, blad Dossiers met de themarij en een kolom per indicator (keuzelijsten met de "
               "toegestane scores, de beslisregel als opmerking bij elke kolomkop), blad Netwerk met de indicatoren per bezoek.")
    st.download_button(
        "Download sjabloon (.xlsx)",
        template_bytes(chosen),
        file_name=f"sjabloon-{chosen}.xlsx",
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
