"""Shared by the pages: the cached connection, cached queries and the demo banner."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from loaders.database import connect, default_db_path


@st.cache_resource
def connection():
    """One connection per server process; pages take a cursor per query."""
    return connect(default_db_path())


def cursor():
    return connection().cursor()


def demo_banner(summary: dict) -> None:
    if summary.get("demo_onderzoeken"):
        st.info(
            "**Demodata.** De onderzoeken in deze omgeving zijn fictief, behalve de cijfers die de rapporten "
            "publiceren (Goeree-Overflakkee kg-2017: TT3 2 van 14, TT1 4 van 14; Nijmegen vt-2019: indicator 1 "
            "5 van 10). Zie de pagina Methode.",
            icon="ℹ️",
        )


def csv_download(frame: pd.DataFrame, file_name: str, label: str = "Download CSV") -> None:
    st.download_button(label, frame.to_csv(index=False).encode("utf-8"), file_name=file_name, mime="text/csv")


def percent(x) -> str:
    """Dutch number formatting belongs to the UI: 14,3%."""
    return "–" if pd.isna(x) else f"{x:.1f}%".replace(".", ",")
