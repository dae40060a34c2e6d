"""Toezicht Dashboard — entry point: builds the demo database on first start, then navigates the pages."""

from __future__ import annotations

import streamlit as st

from store.database import default_db_path

st.set_page_config(page_title="Toezicht Dashboard", page_icon="📊", layout="wide")


def ensure_database() -> None:
    """Fallback for a server started without `make run` (which builds the demo before the server starts)."""
    path = default_db_path()
    if path.exists():
        return
    from loaders import build_first_database

    with st.status("Eerste start: demodatabase wordt opgebouwd…", expanded=True) as status:
        bar = st.progress(0.0)

        def progress(done: int, total: int, message: str) -> None:
            bar.progress(done / total, text=f"{done} van {total} werkmappen — {message}")

        build_first_database(path, progress=progress)
        status.update(label="Demodatabase klaar.", state="complete", expanded=False)


ensure_database()

from pages.auth import gate  # noqa: E402
from pages.common import (  # noqa: E402
    follow_requested_view,
    refresh_after_outside_imports,
    dutch_widget_texts,
    sidebar_navigation,
    source_selector,
    study_selector,
)

viewer = gate()  # no page, and no sidebar filter, shows data before this

refresh_after_outside_imports()

pages = {
    "Analyse": [
        st.Page("pages/overzicht.py", title="Overzicht", icon=":material/home:", default=True),
        st.Page("pages/vergelijken.py", title="Vergelijken", icon=":material/compare_arrows:"),
        st.Page("pages/gemeente.py", title="Gemeente", icon=":material/location_city:"),
        st.Page("pages/themas.py", title="Thema's", icon=":material/stacked_line_chart:"),
    ],
    "Verdieping": [
        st.Page("pages/dossiers.py", title="Dossiers", icon=":material/folder_open:"),
        st.Page("pages/bevindingen.py", title="Bevindingen", icon=":material/search:"),
        st.Page("pages/opvolging.py", title="Opvolging", icon=":material/pending_actions:"),
    ],
    "Publiceren": [
        st.Page("pages/jaarbeeld.py", title="Jaarbeeld", icon=":material/auto_stories:"),
        st.Page("pages/rapport.py", title="Rapport", icon=":material/description:"),
    ],
    "Beheer": [
        st.Page("pages/importeren.py", title="Importeren", icon=":material/upload_file:"),
        st.Page("pages/kaders.py", title="Kaders", icon=":material/menu_book:"),
        st.Page("pages/methode.py", title="Methode", icon=":material/functions:"),
        st.Page("pages/beheer.py", title="Beheer", icon=":material/admin_panel_settings:"),
    ],
}
hidden = {"dossiers": not viewer.sees_dossiers, "importeren": not viewer.may_import, "beheer": not viewer.may_manage_users}
pages = {section: [p for p in listed if not hidden.get(p.url_path)] for section, listed in pages.items()}
navigation = st.navigation(pages, position="hidden")  # drawn by sidebar_navigation: Streamlit's own fails WCAG
follow_requested_view()  # a chart click asked for another page: switch before any widget is drawn
# Shared filters are bound here, before the page runs, so they survive page switches.
dutch_widget_texts()
with st.sidebar:
    sidebar_navigation(pages)
    source_selector()
    study_selector()
    st.markdown(f"Database: {default_db_path()}")  # plain text: the default caption grey fails WCAG contrast
navigation.run()
