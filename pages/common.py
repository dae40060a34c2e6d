"""Shared by the pages: the cached connection, cached metrics calls, the data source (demo or real) and downloads.

Pages import only public names from here, from `metrics`, `charts`, `exports` and the loaders' public API.
"""

from __future__ import annotations

import datetime as dt
import html
import os
from dataclasses import replace
from typing import Any, Callable

import duckdb
import pandas as pd
import streamlit as st

from exports import csv_bytes, ods_bytes, soffice, xlsx_bytes
from pages.text import md_escape
from metrics import Scope, data_sources, data_version, default_demo, studies_overview
from reference.access import Viewer
from store.database import SHARED_ENV, DatabaseBusy, LeasedConnection, default_db_path

SOURCE_KEY = "bron"  # query parameter: demo | echt
SOURCE_LABELS = {"demo": "Demodata (fictief)", "echt": "Eigen gegevens"}
BUSY_WAIT_SECONDS = 120
NOBODY = Viewer("", "gemeente", ())  # limited to no municipality and published visits: sees no visit at all


@st.cache_resource
def connection() -> LeasedConnection:
    """One leased connection per server process: let go when idle, so the command line can import meanwhile. With
    several server processes on one file (deploy/serve_many.py) it reads read-only and opens for writing per write."""
    return LeasedConnection(default_db_path(), read_only=os.environ.get(SHARED_ENV) == "1")


def writing():
    """`with writing() as con:` a cursor that may write (an import, the access log, a user or publication change);
    waits while another process writes."""
    return connection().writing(wait=BUSY_WAIT_SECONDS)


def cursor() -> duckdb.DuckDBPyConnection:
    """A fresh plain DuckDB cursor per query, the one kind of handle metrics take (one cursor shared across threads
    has crashed DuckDB here)."""
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


@st.cache_data(ttl=600, max_entries=500)
def _call(key: str, version, args: tuple, kwargs: tuple, _fn: Callable) -> Any:
    return _fn(cursor(), *args, **dict(kwargs))


@st.cache_data(ttl=300)
def _call_long(key: str, version, args: tuple, kwargs: tuple, _fn: Callable) -> Any:
    return _fn(cursor(), *args, **dict(kwargs))


@st.cache_resource(ttl=600, max_entries=64)
def _call_shared(key: str, version, args: tuple, kwargs: tuple, _fn: Callable) -> Any:
    return _fn(cursor(), *args, **dict(kwargs))


def cached(fn: Callable, *args, long: bool = False, shared: bool = False, **kwargs) -> Any:
    """`fn(cursor(), *args, **kwargs)`, cached per function, arguments and data version for a minute (`long`: five
    minutes, for the frameworks); refresh_after_outside_imports and an import clear it. Arguments are hashed: pass
    scopes and codes, never a large frame. The result is shared between sessions: treat it as read-only.
    `shared`: every call gets the one stored object instead of a copy (a figure, a derived frame: copying them
    costs what a warm render may not); the data version in the key retires it when the data change."""
    key = f"{fn.__module__}.{fn.__qualname__}"
    code = getattr(fn, "__code__", None)
    if code is not None:  # page scripts all run as one module name: their file tells their functions apart
        key += f"@{code.co_filename}"
    call = _call_shared if shared else _call_long if long else _call
    # The database file is part of the key: a data version alone could coincide between two files (tests switch files).
    args = tuple(_by_rights(a) for a in args)
    kwargs = {name: _by_rights(value) for name, value in kwargs.items()}
    return call(key, (str(default_db_path()), _seen_version().get("version")), args, tuple(sorted(kwargs.items())), fn)


def _by_rights(value: Any) -> Any:
    """A scope or viewer keyed by what the viewer may see, not by who it is: metrics read the role and the
    municipalities, never the address, so twenty signed-in inspecteurs share one cached Vergelijken instead of
    computing it twenty times."""
    if isinstance(value, Scope):
        return replace(value, viewer=_by_rights(value.viewer))
    if isinstance(value, Viewer):
        return replace(value, email="")
    return value


def showing_demo() -> bool:
    """Whether the views show demo data: the sidebar's choice, else real data as soon as there is any."""
    choice = st.session_state.get(SOURCE_KEY)
    if choice in SOURCE_LABELS:
        return choice == "demo"
    return default_demo(cursor())


def viewer() -> Viewer:
    """Who looks at this session's pages. Outside the sign-in gate (a page run on its own) nobody: a viewer with a
    role that sees nothing, never the local user's rights by default."""
    from pages.auth import current_viewer

    return current_viewer() or NOBODY


def base_scope(**fields) -> Scope:
    """The scope every view starts from: the chosen data source (demo and real data never pool) and the viewer's
    rights (DESIGN §12: every metric limits its visits by them), plus `fields`."""
    return replace(Scope(demo=showing_demo(), viewer=viewer()), **fields)


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
        st.markdown("Eigen gegevens (geen demodata).")  # plain text: a caption's grey fails WCAG contrast on the sidebar


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
    """CSV (UTF-8 with BOM, for Dutch Excel) and XLSX side by side; text cells that look like formulas are escaped.

    The files are made when clicked (deferred data): an XLSX of a national-scale table takes openpyxl tens of
    seconds, which no page render can afford."""
    from pages.auth import record_download

    # One row that wraps, each button as wide as its label: three equal columns cut the labels off at 1024 px.
    left = middle = right = st.container(horizontal=True)
    left.download_button(f"{label} (CSV)", lambda: csv_bytes(frame), file_name=f"{stem}.csv", mime="text/csv",
                         key=f"{key or stem}-csv", icon=":material/download:", on_click=record_download, args=(f"{stem}.csv",))
    middle.download_button(
        f"{label} (XLSX)", lambda: xlsx_bytes(sheets or {"Gegevens": frame}), file_name=f"{stem}.xlsx",
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", key=f"{key or stem}-xlsx",
        icon=":material/download:", on_click=record_download, args=(f"{stem}.xlsx",),
    )
    if soffice() is not None:  # OpenDocument through LibreOffice, where the server has it
        right.download_button(
            f"{label} (ODS)", lambda: ods_bytes(sheets or {"Gegevens": frame}), file_name=f"{stem}.ods",
            mime="application/vnd.oasis.opendocument.spreadsheet", key=f"{key or stem}-ods",
            icon=":material/download:", on_click=record_download, args=(f"{stem}.ods",),
        )


def sidebar_navigation(sections: dict[str, list]) -> None:
    """The page menu as plain links under a section name. Streamlit's sectioned sidebar menu puts its section
    headers inside the <ul> and its items in <li>s outside any list, which axe reports as WCAG failures (1.3.1,
    12 items a page); links built with st.page_link carry no list markup, and the current page is highlighted."""
    for section, listed in sections.items():
        if not listed:
            continue
        st.markdown(f"**{section}**")
        for page in listed:
            st.page_link(page)


def dutch_widget_texts() -> None:
    """Streamlit's own English (the uploader, select lists, text inputs, the data grid's menus, the running
    indicator, plotly's mode bar) in Dutch: Streamlit has no locale setting, so a script in the page translates
    those texts and the attributes screen readers read (pages/dutch_ui.py), and sets the document's language to
    Dutch. Its element sits in the sidebar, hidden, away from the page's content; everything else stays as Streamlit
    draws it."""
    from pages.dutch_ui import translator_html

    st.html("<style>[data-testid=stElementContainer]:has(#nl-ui-vertaling){display:none}"
            # the uploader's Dutch hint is longer than the English: wrap it rather than cut it off
            "[data-testid=stFileUploaderDropzoneInstructions] span{white-space:normal;overflow:visible;text-overflow:clip}"
            "</style>")
    st.sidebar.html(translator_html(), unsafe_allow_javascript=True)


def date_field(container, label: str, key: str, default: dt.date | None, help: str, bind: bool = False) -> dt.date | None:
    """A date typed as dd-mm-jjjj, in place of st.date_input: Streamlit's calendar is American English (month and
    day names, weeks from Sunday, English labels for screen readers) and cannot be set to Dutch. With `bind` the
    text is the URL parameter `key`, so a shared link keeps the date. Returns the date, `default` when the field is
    empty, and `default` with a Dutch warning when the text is not a date."""
    from reference.dutch import dutch_date
    from reference.vocab import parse_date, safe_echo

    text = container.text_input(label, value=dutch_date(default) if default else "", key=key, placeholder="dd-mm-jjjj",
                                help=help + " Schrijf de datum als dd-mm-jjjj, bijvoorbeeld 01-07-2019.",
                                bind="query-params" if bind else None)
    if not text.strip():
        return default
    value = parse_date(text.strip())
    if value is None:
        fallback = f" Nu geldt {dutch_date(default)}." if default else " Er is nu geen datum gekozen."
        st.warning(f"{label}: '{safe_echo(text)}' is geen datum; schrijf dd-mm-jjjj, bijvoorbeeld 01-07-2019.{fallback}")
        return default
    return value


def plotly_described(figure, description: str, **kwargs):
    """st.plotly_chart with a text alternative: the first sentence as the chart's accessible name, the whole
    description (what it shows, the extremes, the benchmark) in an expander under it. Returns the chart's state."""
    state = st.plotly_chart(figure, alt=description.split(". ")[0], **kwargs)
    with st.expander("Grafiek in woorden"):
        st.markdown(md_escape(description))
    return state


WHOLE_PAGE_ROWS = 100  # rows of a whole-text table per page: the text of every row is sent to the browser


def _cell(value) -> str:
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return ""
    if isinstance(value, bool):
        return "ja" if value else "nee"
    if isinstance(value, (dt.date, pd.Timestamp)):
        from reference.dutch import dutch_date

        return dutch_date(value)
    return str(value)


def _link(value: str) -> str:
    """A cell of a link column: 'url#text' as made by pages/links.py, only our own relative URLs; else plain text."""
    url, _, text = value.rpartition("#")
    if not url.startswith(("./", "?")):
        return html.escape(value)
    return f'<a href="{html.escape(value, quote=True)}" target="_self">{html.escape(text)}</a>'


def whole_texts(frame: pd.DataFrame, key: str | None = None, links: tuple[str, ...] = (),
                page_rows: int = WHOLE_PAGE_ROWS) -> None:
    """A table of texts (findings, recommendations, remarks, import messages) with every cell whole: a plain HTML table
    wraps, where a data grid cuts a sentence at the column's edge. Every cell is HTML-escaped text: no markdown is
    read (st.table would read it, and its autolinker swallows an escaped bracket after a URL); only the columns in
    `links` (cells 'url#text' from pages/links.py) are links. Dates read dd-mm-jjjj, true/false ja/nee.

    More than `page_rows` rows are shown a page at a time (a choice above the table, `key` names it), with the count:
    no row is out of reach, and the page's download holds them all."""
    total = len(frame)
    if total > page_rows:
        starts = range(0, total, page_rows)
        start = st.selectbox(f"Rijen (van {total})", list(starts), key=key,
                             format_func=lambda a: f"{a + 1}–{min(a + page_rows, total)} van {total}",
                             help="De tabel toont de rijen per pagina; de download bevat alle rijen.")
        frame = frame.iloc[start:start + page_rows]
    head = "".join(f"<th scope='col'>{html.escape(str(c))}</th>" for c in frame.columns)
    linked = [c in links for c in frame.columns]
    def td(value, link: bool) -> str:
        text = _cell(value)
        short = " class='kort'" if len(text) <= 12 else ""  # a date or a code: never broken at its hyphen
        return f"<td{short}>{_link(text) if link else html.escape(text)}</td>"

    rows = "".join("<tr>" + "".join(td(v, link) for v, link in zip(row, linked)) + "</tr>"
                   for row in frame.itertuples(index=False))
    st.html(f"<table class='hele-teksten'><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>"
            "<style>.hele-teksten{border-collapse:collapse;width:100%;font-size:0.9rem}"
            ".hele-teksten th,.hele-teksten td{border-bottom:1px solid #ddd;padding:0.3rem 0.5rem;text-align:left;"
            "vertical-align:top;white-space:pre-wrap;overflow-wrap:break-word}"
            ".hele-teksten td.kort{white-space:nowrap}.hele-teksten a{color:#004488}</style>")


def today() -> dt.date:
    """The default reference date of the follow-up views."""
    return dt.date.today()


# --- Shared study filter and drill-down (Vergelijken, Gemeente, Thema's) -------------------------------------

STUDY_KEY = "onderzoek"  # query parameter (DESIGN §8), bound in app.py before the page runs
SHARED_BOUND_KEYS = (STUDY_KEY, SOURCE_KEY)  # bound in app.py on every run
PENDING_VIEW_KEY = "_open_view"  # (page, params, keys the current page binds)


def studies(demo: bool) -> pd.DataFrame:
    """The studies of the demo or the real data (cached: the sidebar and most pages need them on every run)."""
    return cached(studies_overview, demo, viewer=viewer())


def study_selector() -> str | None:
    """Sidebar: one study filter for every page, bound to the URL as `onderzoek`. Returns the chosen study id."""
    available = studies(showing_demo())
    if available.empty:
        st.caption("Nog geen onderzoeken geladen.")
        return None
    names = dict(zip(available["onderzoek"], available["kadernaam"]))
    # No format_func: a bound selectbox puts the shown label in the URL, and `onderzoek` must be the plain id.
    chosen = st.selectbox("Onderzoek", list(names), key=STUDY_KEY, bind="query-params",
                          help="Geldt voor Vergelijken, Gemeente en Thema's; staat in de URL, zodat een gekopieerde link dezelfde weergave opent.")
    st.markdown(names.get(chosen, ""))  # not a caption: the faded grey fails contrast on the sidebar's background
    return chosen


def chosen_study() -> str | None:
    """The study chosen in the sidebar; without the sidebar (a page run on its own, see follow_requested_view)
    the URL's `onderzoek`, else the first study."""
    chosen = st.session_state.get(STUDY_KEY) or st.query_params.get(STUDY_KEY)
    if chosen:
        return chosen
    ids = studies(showing_demo())["onderzoek"].tolist()
    return ids[0] if ids else None


def study_or_stop() -> str:
    """The chosen study; without any study loaded the page says so and stops."""
    study = chosen_study()
    if not study:
        st.info("Er zijn nog geen onderzoeken geladen. Importeer scores op de pagina Importeren.")
        st.stop()
    return study


def request_view(page: str, params: dict[str, str], bound_here: tuple[str, ...] = ()) -> None:
    """Ask app.py to open `page` with `params` preset at the start of the next run (call from a widget callback).

    Streamlit refuses a query parameter in st.switch_page for a key a widget is bound to, and refuses to
    change a widget's value once it is drawn in the run: so the switch happens in app.py before any widget,
    bound keys (the sidebar's and `bound_here`) are preset through session state, the others go in the URL."""
    st.session_state[PENDING_VIEW_KEY] = (page, dict(params), tuple(bound_here))


def view_requested() -> bool:
    """Whether a callback asked for another view: a fragment (whose reruns skip app.py and the page's top) then
    reruns the whole app so that follow_requested_view carries it out."""
    return PENDING_VIEW_KEY in st.session_state


def follow_requested_view() -> None:
    """Before any widget: carry out a request_view from this interaction's callback. app.py calls it; the pages
    that request views call it too, because while Streamlit treats the `pages/` folder as a legacy multipage
    folder (until st.navigation first ran in the process, and on every AppTest run) a page runs without app.py."""
    pending = st.session_state.pop(PENDING_VIEW_KEY, None)
    if not pending:
        return
    page, params, bound_here = pending
    bound = set(SHARED_BOUND_KEYS) | set(bound_here)
    for key, value in params.items():
        st.session_state[key] = value
    st.switch_page(page, query_params={k: v for k, v in params.items() if k not in bound and v is not None})


def selected_point(chart_key: str) -> list | None:
    """customdata of the first clicked point of the chart with `chart_key`, or None."""
    event = st.session_state.get(chart_key) or {}
    points = (event.get("selection") or {}).get("points") or []
    for point in points:
        data = point.get("customdata")
        if data:
            return list(data)
    return None


def view_link(page_path: str, **params) -> str:
    """A relative link to `page_path` (url path, e.g. 'gemeente') with the given query parameters."""
    from urllib.parse import urlencode

    query = urlencode({k: v for k, v in params.items() if v not in (None, "", [])}, doseq=True)
    return f"{page_path}?{query}" if query else page_path
