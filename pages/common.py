"""Shared by the pages: the cached connection, the data source (demo or real), downloads and Dutch formatting.

Pages import only public names from here, from `metrics`, `charts`, `exports` and the loaders' public API.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pandas as pd
import streamlit as st

from charts.style import dutch_date, dutch_percent
from exports import csv_bytes, xlsx_bytes
from metrics import Scope, data_sources, data_version, default_demo
from store.database import DatabaseBusy, LeasedConnection, default_db_path

SOURCE_KEY = "bron"  # query parameter: demo | echt
SOURCE_LABELS = {"demo": "Demodata (fictief)", "echt": "Eigen gegevens"}
BUSY_WAIT_SECONDS = 120


@st.cache_resource
def connection() -> LeasedConnection:
    """One leased connection per server process: let go when idle, so the command line can import meanwhile."""
    return LeasedConnection(default_db_path())


def cursor():
    """A fresh cursor per query (one cursor shared across threads has crashed DuckDB here)."""
    try:
        return connection().cursor()
    except DatabaseBusy:
        with st.spinner("De database is even bezet (er loopt een import); de pagina wacht tot hij vrij is…"):
            return connection().cursor(wait=BUSY_WAIT_SECONDS)


def refresh_after_outside_imports() -> None:
    """An import from the command line shows without a restart: cached results are dropped when the data changed."""
    seen = _seen_version()
    version = data_version(cursor())
    if seen.get("version") not in (None, version):
        st.cache_data.clear()
    seen["version"] = version


@st.cache_resource
def _seen_version() -> dict:
    return {}


def showing_demo() -> bool:
    """Whether the views show demo data: the sidebar's choice, else real data as soon as there is any."""
    choice = st.session_state.get(SOURCE_KEY)
    if choice in SOURCE_LABELS:
        return choice == "demo"
    return default_demo(cursor())


def base_scope(**fields) -> Scope:
    """The scope every view starts from: the chosen data source (demo and real data never pool), plus `fields`."""
    return replace(Scope(demo=showing_demo()), **fields)


def source_selector() -> None:
    """Sidebar: which data is shown. Only offered when both demo and real data are loaded."""
    sources = data_sources(cursor())
    available = [s for s in ("echt", "demo") if sources[s]]
    if len(available) > 1:
        st.radio("Gegevens", available, key=SOURCE_KEY, format_func=SOURCE_LABELS.get, bind="query-params",
                 help="Demodata en eigen gegevens worden nooit samen geteld.")
    elif available:
        st.session_state[SOURCE_KEY] = available[0]
    if showing_demo():
        st.warning("**Demodata** — fictief, behalve de cijfers die de rapporten publiceren.", icon=":material/science:")
    else:
        st.caption("Eigen gegevens (geen demodata).")


def demo_banner() -> None:
    """Above a page's figures: say plainly when they are demo data."""
    if showing_demo():
        st.info(
            "**Demodata.** Deze cijfers zijn fictief, behalve de cijfers die de rapporten publiceren "
            "(Goeree-Overflakkee kg-2017: TT3 2 van 14, TT1 4 van 14; Nijmegen vt-2019: indicator 1 5 van 10). "
            "Zie de pagina Methode.",
            icon="ℹ️",
        )


def download_buttons(frame: pd.DataFrame, stem: str, label: str = "Download", sheets: dict[str, pd.DataFrame] | None = None,
                     key: str | None = None) -> None:
    """CSV (UTF-8 with BOM, for Dutch Excel) and XLSX side by side; text cells that look like formulas are escaped."""
    left, right = st.columns(2)
    left.download_button(f"{label} (CSV)", csv_bytes(frame), file_name=f"{stem}.csv", mime="text/csv",
                         key=f"{key or stem}-csv", icon=":material/download:")
    right.download_button(
        f"{label} (XLSX)", xlsx_bytes(sheets or {"Gegevens": frame}), file_name=f"{stem}.xlsx",
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", key=f"{key or stem}-xlsx",
        icon=":material/download:",
    )


def percent(x) -> str:
    """Dutch number formatting belongs to the UI: 14,3%."""
    return dutch_percent(x, 1)


def date_nl(value) -> str:
    """dd-mm-jjjj, as every date in the UI."""
    return dutch_date(value)


def timestamp_nl(value) -> str:
    """dd-mm-jjjj uu:mm."""
    if value is None or pd.isna(value):
        return ""
    return pd.Timestamp(value).strftime("%d-%m-%Y %H:%M")


def today() -> dt.date:
    return dt.date.today()
