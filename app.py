"""Toezicht Dashboard — entry point: builds the demo database on first start, then navigates the pages."""

from __future__ import annotations

import os

import streamlit as st

from store.database import default_db_path

st.set_page_config(page_title="Toezicht Dashboard", page_icon="📊", layout="wide")


def ensure_database() -> None:
    """First start: build the demo database through the normal loader, with progress."""
    path = default_db_path()
    if path.exists():
        return
    from loaders.demo import build_demo

    with st.status("Eerste start: demodatabase wordt opgebouwd…", expanded=True) as status:
        bar = st.progress(0.0)

        def progress(done: int, total: int, message: str) -> None:
            bar.progress(done / total, text=f"{done} van {total} werkmappen — {message}")

        # Built under another name and moved into place, so an interrupted first start is redone next time.
        partial = path.with_name(path.name + ".bouw")
        for stale in (partial, partial.with_name(partial.name + ".wal")):
            stale.unlink(missing_ok=True)
        build_demo(partial, progress=progress)
        os.replace(partial, path)
        status.update(label="Demodatabase klaar.", state="complete", expanded=False)


ensure_database()

from pages.common import follow_requested_view, source_selector, study_selector  # noqa: E402  (after the database exists)

pages = [
    st.Page("pages/overzicht.py", title="Overzicht", icon=":material/home:", default=True),
    st.Page("pages/importeren.py", title="Importeren", icon=":material/upload_file:"),
    st.Page("pages/methode.py", title="Methode", icon=":material/functions:"),
    st.Page("pages/vergelijken.py", title="Vergelijken", icon=":material/compare_arrows:"),
    st.Page("pages/gemeente.py", title="Gemeente", icon=":material/location_city:"),
    st.Page("pages/themas.py", title="Thema's", icon=":material/stacked_line_chart:"),
]
navigation = st.navigation(pages)
follow_requested_view()  # a chart click asked for another page: switch before any widget is drawn
# Shared filters are bound here, before the page runs, so they survive page switches.
with st.sidebar:
    source_selector()
    study_selector()
    st.caption(f"Database: `{default_db_path()}`")
navigation.run()
