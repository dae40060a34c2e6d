"""Links into the Dossiers page: every "k van n" leads to the dossiers behind it.

Other pages build the link from the same fields their figure was computed with (study, municipality, soort,
year, visit date, indicator or theme) so the Dossiers page shows exactly that k and n. Three forms:
`dossiers_query(...)` (for `st.switch_page` / `st.page_link`), `dossiers_url(...)` (a relative URL, e.g. for
`st.column_config.LinkColumn`) and `with_dossier_links(frame, ...)` (adds such a URL column to a metrics frame).
"""

from __future__ import annotations

import datetime as dt
import html
import json
from urllib.parse import urlencode

import pandas as pd
import streamlit as st

from metrics import data_sources
from pages.common import SOURCE_KEY, cursor, showing_demo, viewer
from pages.text import md_escape
from reference.dutch import dutch_date
from reference.vocab import OUTCOMES

DOSSIERS_PAGE = "pages/dossiers.py"
DOSSIERS_PATH = "dossiers"  # url path st.navigation derives from pages/dossiers.py
# The column display_text regex of a link made by dossiers_url(..., text=…): the text after '#'.
LINK_TEXT = r"#(.+)$"


def dossiers_open() -> bool:
    """Whether this viewer may open dossiers: without that right a "k van n" stays plain text, since its link
    would lead to a page the role does not have (the Dossiers metrics return nothing for it anyway)."""
    return viewer().sees_dossiers


def _source_param() -> dict[str, str]:
    """Keep the data source (demo / real) when both are loaded, so the link shows the same data."""
    sources = data_sources(cursor())
    if sources["demo"] and sources["echt"]:
        return {SOURCE_KEY: "demo" if showing_demo() else "echt"}
    return {}


def dossiers_query(
    onderzoek: str | None = None,
    gemeente: str | None = None,
    indicator: str | None = None,
    thema: str | None = None,
    soort: str | None = "onderzoek",
    jaar: int | None = None,
    uitkomst: str | None = None,
    datum: dt.date | str | None = None,
    dossier: str | None = None,
) -> dict[str, str]:
    """The URL parameters of a Dossiers view (DESIGN §8 names; `datum` picks one visit, dd-mm-jjjj).
    Give `indicator` for an indicator's k van n, `thema` (without indicator) for a theme's pooled k van n,
    neither for all dossier-level indicators; `soort` as the figure's Scope.kind (default onderzoek)."""
    if uitkomst is not None and uitkomst not in OUTCOMES:
        raise ValueError(f"uitkomst moet een van {OUTCOMES} zijn, niet {uitkomst!r}")
    if datum is not None and not isinstance(datum, str):
        datum = dutch_date(datum)
    fields = {"onderzoek": onderzoek, "gemeente": gemeente, "soort": soort, "datum": datum, "jaar": jaar,
              "thema": thema, "indicator": indicator, "uitkomst": uitkomst, "dossier": dossier}
    query = {k: str(v) for k, v in fields.items() if v not in (None, "") and not (isinstance(v, float) and pd.isna(v))}
    return query | _source_param()


def dossiers_url(text: str | None = None, **fields) -> str:
    """Relative URL of a Dossiers view (same arguments as dossiers_query); `text` (e.g. '2 van 14') is appended
    after '#' so a LinkColumn with display_text=LINK_TEXT shows it as the clickable cell."""
    url = f"./{DOSSIERS_PATH}?{urlencode(dossiers_query(**fields))}"
    return url + (f"#{text}" if text else "")


def with_dossier_links(
    frame: pd.DataFrame, column: str = "dossiers", soort: str | None = "onderzoek", jaar: int | None = None,
    text_column: str | None = "oordeel", kind_column: str = "soort",
) -> pd.DataFrame:
    """A copy of a metrics frame (compliance_by_indicator / _theme / _municipality / _visit …) with a URL column
    into the Dossiers page per row, built from its columns onderzoek, gemeente, indicator or thema, and — for
    compliance_by_visit rows — soort and datum (`kind_column` names the visit-kind column). Show it with
    `st.column_config.LinkColumn(display_text=LINK_TEXT)` so the 'k van n' text itself is the link."""
    out = frame.copy()
    if not dossiers_open():
        out[column] = out[text_column] if text_column else None
        return out
    source = _source_param()  # one query for all rows

    def url(row) -> str:
        fields = {
            "onderzoek": row.get("onderzoek"), "gemeente": row.get("gemeente") or None,
            "indicator": row.get("indicator"), "thema": None if row.get("indicator") else row.get("thema"),
            "soort": row.get(kind_column, soort), "jaar": jaar,
            "datum": dutch_date(row["datum"]) if "datum" in row and not pd.isna(row["datum"]) else None,
        }
        query = {k: str(v) for k, v in fields.items() if v not in (None, "") and not (isinstance(v, float) and pd.isna(v))}
        text = row.get(text_column) if text_column else None
        return f"./{DOSSIERS_PATH}?{urlencode(query | source)}" + (f"#{text}" if text else "")

    out[column] = [url(row) for row in out.to_dict("records")] if len(out) else pd.Series(dtype=object)
    return out


def dossiers_anchor(text: str, url: str) -> str:
    """HTML for a same-tab link that loads the Dossiers view afresh (see `show_dossiers_link`)."""
    return f'<a href="{html.escape(url, quote=True)}" target="_self">{html.escape(text)}</a>'


def show_dossiers_link(text: str, url: str | None = None, container=st, **fields) -> None:
    """The 'k van n' as a one-click link to its Dossiers view, in the same tab.

    Why not st.page_link / st.switch_page: on a page switch Streamlit 1.67 drops every query parameter that a
    widget on the *source* page was bound to (QueryParams.populate_from_query_string), and the pages share the
    names onderzoek, gemeente, indicator, thema, soort … — the Dossiers view would lose its filter. A plain link
    loads the URL as a fresh page, where every parameter seeds its widget."""
    if not dossiers_open():
        container.markdown(md_escape(text))
        return
    url = url or dossiers_url(**fields)
    container.markdown(f":material/folder_open: {dossiers_anchor(text, url)}", unsafe_allow_html=True)


def open_dossiers(**fields) -> None:
    """Go to a Dossiers view from code (a button, a chart click) — same arguments as dossiers_query — and stop.

    Not st.switch_page: in Streamlit 1.67 it raises StreamlitAPIException ("Cannot clear query parameters - …
    bound to widgets") whenever the calling page has a URL-bound widget with a value, and st.page_link drops
    those parameters on arrival. The browser loads the URL instead, in the same tab, as a fresh view."""
    url = dossiers_url(**fields)
    st.html(f"<script>window.location.assign({json.dumps(url)});</script>", unsafe_allow_javascript=True)
    st.caption(f"Naar de dossiers… {dossiers_anchor('open', url)}", unsafe_allow_html=True)
    st.stop()
