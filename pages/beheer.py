"""Beheer (beheerder only): users and roles, the publication status of visits, and the access log (DESIGN §12)."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from loaders import AccessError, remove_user, set_publication, set_user
from metrics import access_log, users, visits_with_status
from pages.auth import current_viewer, require, who
from pages.common import cursor, date_field, download_buttons, writing
from reference.dutch import dutch_date, dutch_timestamp
from reference.access import MUNICIPALITY_ROLE, PUBLICATION_STATUSES, PUBLISHED_STATUS, ROLES
from reference.municipalities import LAST_YEAR, names_in_year
from reference.vocab import parse_date, safe_echo

viewer = current_viewer()
require(viewer is not None and viewer.may_manage_users)

MESSAGE_KEY = "_beheer_melding"
ALL = "(alle)"
LOG_ACTIONS = {"dossier": "dossier geopend", "download": "download", "import": "import", "publicatie": "publicatie",
               "gebruiker": "gebruiker"}


def attempt(change) -> None:
    """Run `change(con)` from a button callback; its Dutch result (or refusal) is shown above the page on the rerun."""
    try:
        with writing() as con:
            st.session_state[MESSAGE_KEY] = ("success", change(con) + ".")
    except AccessError as exc:
        st.session_state[MESSAGE_KEY] = ("error", f"Niet gelukt: {exc}")


def save_user() -> None:
    state = st.session_state
    role = state["beheer_rol"]
    attempt(lambda con: set_user(con, state["beheer_email"], role,
                                 state["beheer_gemeenten"] if role == MUNICIPALITY_ROLE else [], who()))


def delete_user() -> None:
    attempt(lambda con: remove_user(con, st.session_state["beheer_verwijder"], who()))


def save_status() -> None:
    state = st.session_state
    municipality = state["beheer_gemeente"]
    visit_date = state["beheer_datum"]
    status = state["beheer_status"]
    typed = (state.get("beheer_publicatiedatum") or "").strip()
    publication_date = parse_date(typed) if typed else None
    if typed and publication_date is None:
        st.session_state[MESSAGE_KEY] = ("error", f"Niet gelukt: '{safe_echo(typed)}' is geen datum; schrijf dd-mm-jjjj.")
        return
    attempt(lambda con: set_publication(
        con, state["beheer_onderzoek"], status, who(),
        municipality=None if municipality == ALL else municipality,
        visit_date=None if visit_date == ALL else visit_date,
        publication_date=publication_date if status == PUBLISHED_STATUS else None))


st.title("Beheer")
message = st.session_state.pop(MESSAGE_KEY, None)
if message:
    (st.success if message[0] == "success" else st.error)(message[1])

st.header("Gebruikers en rollen")
st.markdown("Wie zich aanmeldt zonder rol ziet alleen *geen toegang*. Een e-mailadres dat al bestaat krijgt de "
            "nieuwe rol (en gemeenten).")
st.dataframe(users(cursor()), hide_index=True, width="stretch", column_config={
    "gewijzigd": st.column_config.DatetimeColumn("gewijzigd", format="DD-MM-YYYY HH:mm")})
st.markdown("\n".join(f"- **{role}**: {rights.label}" for role, rights in ROLES.items()))
with st.form("beheer_gebruiker", clear_on_submit=False):
    st.text_input("E-mailadres", key="beheer_email", placeholder="naam@domein.nl")
    st.selectbox("Rol", list(ROLES), key="beheer_rol")
    st.multiselect("Gemeenten (alleen bij rol gemeente)", names_in_year(LAST_YEAR), key="beheer_gemeenten",
                   placeholder="Kies gemeenten")
    st.form_submit_button("Gebruiker opslaan", on_click=save_user, icon=":material/person_add:")
emails = users(cursor())["email"].tolist()
if emails:
    left, right = st.columns([3, 1], vertical_alignment="bottom")
    left.selectbox("Gebruiker verwijderen", emails, key="beheer_verwijder")
    right.button("Verwijderen", on_click=delete_user, icon=":material/person_remove:")

st.header("Publicatiestatus van bezoeken")
st.markdown("Een bezoek is *concept* na de import, dan *vastgesteld*, dan *gepubliceerd*. De rollen lezer en gemeente "
            "zien alleen gepubliceerde bezoeken (ook in hun benchmark). Demobezoeken tellen altijd als gepubliceerd. "
            "Zonder publicatiedatum geldt de Publicatiedatum uit de werkmap, anders vandaag.")
visits = visits_with_status(cursor())
if visits.empty:
    st.info("Nog geen eigen bezoeken geïmporteerd (demobezoeken tellen altijd als gepubliceerd).")
else:
    study = st.selectbox("Onderzoek", sorted(visits["onderzoek"].unique()), key="beheer_onderzoek")
    of_study = visits[visits["onderzoek"] == study]
    cols = st.columns(4)
    cols[0].selectbox("Gemeente", [ALL, *sorted(of_study["gemeente"].unique())], key="beheer_gemeente")
    chosen = st.session_state.get("beheer_gemeente", ALL)
    dates = of_study if chosen == ALL else of_study[of_study["gemeente"] == chosen]
    cols[1].selectbox("Bezoekdatum", [ALL, *sorted({pd.Timestamp(d).date() for d in dates["datum"]})], key="beheer_datum",
                      format_func=lambda d: d if d == ALL else dutch_date(d))
    cols[2].selectbox("Status", PUBLICATION_STATUSES, key="beheer_status")
    date_field(cols[3], "Publicatiedatum", "beheer_publicatiedatum", None, help="Alleen bij gepubliceerd.")
    st.button("Status zetten", on_click=save_status, icon=":material/publish:")
    shown = of_study.copy()
    for column in ("datum", "gepubliceerd_op", "rapport_publicatiedatum"):
        shown[column] = shown[column].map(dutch_date, na_action="ignore").fillna("")
    st.dataframe(shown, hide_index=True, width="stretch", column_config={
        "gepubliceerd_op": st.column_config.TextColumn("gepubliceerd op", help="vrijgegeven in het dashboard"),
        "rapport_publicatiedatum": st.column_config.TextColumn("publicatiedatum rapport", help="uit de werkmap"),
    })

st.header("Toegangslog")
st.markdown("Geopende dossiers, downloads, imports, publicatie- en gebruikerswijzigingen: wie, wanneer, wat. "
            "Nooit de tekst van toelichtingen.")
action = st.selectbox("Handeling", [ALL, *LOG_ACTIONS], key="beheer_handeling",
                      format_func=lambda a: LOG_ACTIONS.get(a, a))
log = access_log(cursor(), None if action == ALL else action)
shown_log = log.assign(tijdstip=log["tijdstip"].map(dutch_timestamp))
st.dataframe(shown_log.head(500), hide_index=True, width="stretch")
if len(log) > 500:
    st.caption(f"De nieuwste 500 van {len(log)} regels; de download bevat alles.")
download_buttons(shown_log, "toegangslog", "Download toegangslog")
