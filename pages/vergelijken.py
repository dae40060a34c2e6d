"""Vergelijken: one study, chosen municipalities — heatmap, bars, funnel plot, map, table and downloads."""

from __future__ import annotations

from urllib.parse import urlencode

import pandas as pd
import streamlit as st

from charts import (boundaries, comparison_heatmap, compliance_map, describe_heatmap, describe_municipalities, frozen,
                    funnel_plot, map_year, municipality_bars)
from metrics import (
    HEATMAP_MAX_ROWS,
    bar_rows,
    comparison_numbers,
    comparison_table,
    framework_items,
    funnel_curves,
    funnel_points,
    heatmap_cells,
    heatmap_rows,
    municipality_visits,
    rag_shares,
    rounded_rates,
)
from pages.benchmark import benchmark_notes, benchmark_text, choose_benchmark, group_problem, with_benchmark
from pages.common import (
    base_scope,
    cached,
    study_or_stop,
    demo_banner,
    download_buttons,
    follow_requested_view,
    plotly_described,
    request_view,
    selected_point,
    showing_demo,
    studies,
    view_link,
    view_requested,
)
from pages.links import dossiers_open
from reference.vocab import SMALL_N_NOTE, VISIT_KINDS

BOUND_HERE = ("soort", "gemeenten", "indicator", "benchmark", "groep")


def indicator_labels(con, scope) -> dict[str, str]:
    """Indicator code → label, in the framework's order (one pass over the study's 17,000 rows, not one per rerun)."""
    firsts = cached(funnel_points, scope, shared=True).drop_duplicates("indicator")
    return dict(zip(firsts["indicator"].tolist(), firsts["label"].tolist()))


def theme_names(framework: str) -> dict[str, str]:
    """Theme code → name of a framework."""
    items = cached(framework_items, framework, long=True)
    return dict(zip(items["thema"], items["themanaam"]))


def chosen_rows(con, scope, chosen: tuple[str, ...]) -> dict:
    """The chosen municipalities' rows and the heatmap's: they do not depend on the indicator, so changing it
    does not select them again (shared, read-only)."""
    rows = cached(funnel_points, scope, shared=True)
    shown = rows[rows["gemeente"].isin(chosen)] if chosen else rows
    return {"shown": shown, "heat": heatmap_rows(shown)}


def benchmark_params() -> dict:
    """The chosen benchmark as view parameters, so the Gemeente page a click or link opens compares alike."""
    kind = st.session_state.get("benchmark") or "onderzoek"
    if kind == "onderzoek":
        return {}
    return {"benchmark": kind, **({"groep": list(st.session_state.get("groep") or [])} if kind == "groep" else {})}


def links(study: str, municipalities: pd.Series, indicators: pd.Series, extra: dict | None = None) -> list[str]:
    """view_link('gemeente', onderzoek=…, gemeente=…, indicator=…) per row, encoding each distinct value once."""
    head = view_link("gemeente", onderzoek=study, **(extra or {}))
    names = {g: urlencode({"gemeente": g}) for g in municipalities.unique()}
    codes = {i: urlencode({"indicator": i}) for i in indicators.unique()}
    return [f"{head}&{names[g]}&{codes[i]}" if g and i else view_link("gemeente", onderzoek=study, gemeente=g, indicator=i, **(extra or {}))
            for g, i in zip(municipalities.tolist(), indicators.tolist())]


def selection(con, scope, chosen: tuple[str, ...], indicator: str) -> dict:
    """What the charts and the table show, computed once per choice (shared, read-only: pages only .assign on it)."""
    rows = cached(chosen_rows, scope, chosen, shared=True)
    shown, heat = rows["shown"], rows["heat"]
    one = shown[shown["indicator"] == indicator]
    themes = one["thema"] if len(one) else shown.loc[shown["indicator"] == indicator, "thema"]
    theme = themes.iloc[0] if len(themes) else None
    cells = heatmap_cells(heat, theme)
    bars = bar_rows(one)  # the lowest; the rest are in funnel and map
    everyone = cached(funnel_points, scope, shared=True)  # the limits are the study's, whichever municipalities are chosen
    limits = funnel_curves(con, scope, points=one if not chosen else everyone[everyone["indicator"] == indicator])  # only the curve drawn
    in_charts = shown.index.isin(one.index)
    charted = shown[shown.index.isin(heat.index) | in_charts]  # the download: the heatmap's municipalities, every indicator
    numbers = rounded_rates(comparison_numbers(charted, scope.study, scope.kind))
    view = comparison_table(shown[shown.index.isin(cells.index) | in_charts], scope.study, scope.kind)
    extra = {"benchmark": scope.benchmark_kind, "groep": list(scope.group) or None} if scope.benchmark_kind != "onderzoek" else {}
    view["gemeentepagina"] = links(scope.study, view["gemeente"], view["indicator"], extra)
    return {"shown": shown, "one": one, "heat": heat, "cells": cells, "theme": theme, "bars": bars, "limits": limits,
            "view": view, "numbers": numbers}


def heatmap_figure(con, scope, chosen: tuple[str, ...], theme: str | None, title: str, subtitle: str | None) -> tuple:
    """The heatmap and its text alternative, made once per choice of municipalities and theme (not per indicator)."""
    cells = heatmap_cells(cached(chosen_rows, scope, chosen, shared=True)["heat"], theme)
    return frozen(comparison_heatmap(cells, title, subtitle)), describe_heatmap(cells, title)


def figure(con, name: str, scope, chosen: tuple[str, ...], indicator: str, title: str, subtitle: str | None) -> tuple:
    """A chart of the chosen indicator and its text alternative, made once per choice: building plotly figures is
    most of a render at national scale, and a frozen figure is not copied again on every rerun."""
    view = cached(selection, scope, chosen, indicator, shared=True)
    one = view["one"]
    if name == "staven":
        return (frozen(municipality_bars(view["bars"], title, subtitle)),
                describe_municipalities(view["bars"], f"{indicator}: naleving per gemeente (staafdiagram)"))
    if name == "trechter":
        return (frozen(funnel_plot(one, view["limits"], title, subtitle)),
                describe_municipalities(one[one["n"] > 0], f"{indicator}: trechterdiagram, naleving tegen aantal dossiers"))
    return (frozen(compliance_map(one, boundaries(map_year(int(name.split("-")[1])), scope.viewer.limited_to), title, subtitle)),
            describe_municipalities(one, f"{indicator}: kaart, vergelijking met de benchmark per gemeente"))


def cell_view(study: str, municipality: str, indicator: str) -> tuple[str, dict[str, str]]:
    """Where a heatmap cell leads: the dossiers behind its 'k van n' (same study, municipality, indicator, soort);
    Gemeente with that indicator for a viewer who may not open dossiers."""
    if not dossiers_open():
        return "pages/gemeente.py", {"onderzoek": study, "gemeente": municipality, "indicator": indicator, **benchmark_params()}
    return "pages/dossiers.py", {"onderzoek": study, "gemeente": municipality, "indicator": indicator,
                                 "soort": st.session_state.get("soort") or "onderzoek"}


def open_clicked(chart_key: str, study: str, cell: bool = False) -> None:
    """on_select callback: a clicked municipality opens Gemeente (a heatmap cell: cell_view)."""
    data = selected_point(chart_key)
    if not data:
        return
    municipality, indicator = data[0], data[1] if len(data) > 1 else ""
    if cell:
        page, params = cell_view(study, municipality, indicator)
    else:
        page, params = "pages/gemeente.py", {"onderzoek": study, "gemeente": municipality, "indicator": indicator or None,
                                             **benchmark_params()}
    request_view(page, params, BOUND_HERE)


follow_requested_view()
st.title("Vergelijken")
demo_banner()
study = study_or_stop()
info = studies(showing_demo()).set_index("onderzoek").loc[study]
st.caption(f"**{study}** — {info['kadernaam']}. Kies het onderzoek in de zijbalk.")

if info["schaal"] == "rag":
    st.info("Dit onderzoek is een zelfevaluatie met groen/oranje/rood; daar is geen naleving met benchmark. "
            "Hieronder de aandelen per gemeente.")
    table = cached(rag_shares, "municipality", base_scope(study=study, kind=None, scale="rag"))
    st.dataframe(table, hide_index=True, width="stretch")
    download_buttons(table, f"rag-{study}", "Download tabel")
    st.stop()

left, middle, right = st.columns([1.6, 2.6, 2])  # narrower, the radio labels broke mid-word at 1024 px
kind = left.radio("Soort bezoek", list(VISIT_KINDS), key="soort", bind="query-params", horizontal=True,
                  help="De benchmark telt altijd de eerste onderzoeken (ook wanneer u hertoetsen bekijkt).")
every = cached(municipality_visits, base_scope(study=study, kind=None))
benchmark_kind, group = choose_benchmark(sorted(every["gemeente"].unique()), left)
problem = group_problem(benchmark_kind, group)
if problem:
    st.warning(problem)
    st.stop()
scope = with_benchmark(base_scope(study=study, kind=kind), benchmark_kind, group)
rows = cached(funnel_points, scope, shared=True)
if rows.empty:
    st.warning(f"Geen {kind}-bezoeken met scores in {study}.")
    st.stop()
municipalities = sorted(rows["gemeente"].unique())
chosen = middle.multiselect("Gemeenten (leeg = alle)", municipalities, key="gemeenten", bind="query-params",
                            placeholder="Alle gemeenten")
labels = cached(indicator_labels, scope, shared=True)
indicators = list(labels)
# No format_func on bound widgets: the URL would carry the label instead of the code.
indicator = right.selectbox("Indicator voor staafdiagram, trechter en kaart", indicators, key="indicator", bind="query-params")
right.caption(labels.get(indicator, ""))
picked = cached(selection, scope, tuple(chosen), indicator, shared=True)
shown, one, heat_rows, cells, lowest = picked["shown"], picked["one"], picked["heat"], picked["cells"], picked["bars"]
soort_text = f"{kind}, {len(one)} gemeente(n)"
compared = benchmark_text(one)  # what the verdicts are against, and over how many municipalities
# The default benchmark is named in the captions; another one also in every chart's subtitle (and so in its export).
in_chart = f"; {compared}" if benchmark_kind != "onderzoek" else ""
in_half = f"<br>{compared}" if in_chart else ""  # the half-width charts: on a line of its own, not cut off
st.info(f"**Vergelijking** — {compared}. Beter/slechter: het 95%-interval van de gemeente ligt boven/onder de benchmark; "
        "duidelijk beter/slechter: dat geldt ook voor het 99,8%-interval (zie Methode).")
for note in benchmark_notes(shown):
    st.warning(note)

st.subheader("Overzicht per gemeente en indicator")
if len(heat_rows) < len(shown):
    st.caption(f"{shown['gemeente'].nunique()} gemeenten: de heatmap toont de {HEATMAP_MAX_ROWS} met de meeste indicatoren "
               "'slechter'. Kies gemeenten hierboven om andere te zien; de gekozen indicator staat voor alle gemeenten in "
               "staafdiagram, trechter, kaart en tabel.")
heat_title = f"Naleving per gemeente en indicator — {study}"
if len(cells) < len(heat_rows):
    theme_name = theme_names(one["kader"].iloc[0] if len(one) else shown["kader"].iloc[0]).get(picked["theme"], "")
    heat_title += f", thema {picked['theme']}" + (f" {theme_name}" if theme_name else "")
    st.caption(f"De heatmap toont de {cells['indicator'].nunique()} indicatoren van thema {picked['theme']}"
               f"{f' ({theme_name})' if theme_name else ''}, het thema van de gekozen indicator: alle "
               f"{heat_rows['indicator'].nunique()} naast elkaar laten geen cel ruimte voor haar k van n. Kies een indicator "
               "van een ander thema om dat thema te zien; de download onder de tabel bevat alle indicatoren van deze gemeenten.")
plotly_described(
    *cached(heatmap_figure, scope, tuple(chosen), picked["theme"] if len(cells) < len(heat_rows) else None, heat_title,
            f"cel: k van n; * = {SMALL_N_NOTE}; kleur: t.o.v. {benchmark_text(cells)}, donker = ook bij 99,8%" if in_chart else None,
            shared=True),
    key="heatmap", on_select=lambda: open_clicked("heatmap", study, cell=True), selection_mode="points",
    config={"displaylogo": False},
)
st.caption("Klik op een cel om de gemeente en die indicator te openen.")

st.subheader(f"{indicator} — {labels.get(indicator, '')}")
bars, funnel = st.container(), st.container()  # one under the other: side by side they are cut off below ~1400 px
with bars:
    plotly_described(*cached(figure, "staven", scope, tuple(chosen), indicator,
                             f"{indicator}: naleving per gemeente" + (f" (de {len(lowest)} laagste)" if len(lowest) < len(one) else ""),
                             f"{study}, {soort_text}; gestreept = {SMALL_N_NOTE}{in_half}", shared=True),
                     key="staven", on_select=lambda: open_clicked("staven", study), selection_mode="points",
                    config={"displaylogo": False})
with funnel:
    plotly_described(*cached(figure, "trechter", scope, tuple(chosen), indicator, f"{indicator}: trechterdiagram",
                             f"{study}, {soort_text}; open cirkel = {SMALL_N_NOTE}{in_half}", shared=True),
                     key="trechter", on_select=lambda: open_clicked("trechter", study), selection_mode="points",
                    config={"displaylogo": False})
if picked["limits"].empty and one["n"].gt(0).any():
    st.caption("Geen trechtergrenzen: " + ("de gemeenten hebben elk de benchmark van hun eigen provincie; kies gemeenten van "
               "één provincie om de grenzen te zien." if benchmark_kind == "provincie" else "er is geen benchmark voor deze indicator."))
st.caption(f"Klik op een gemeente in een grafiek om haar pagina te openen. Vergeleken met {compared.removeprefix('benchmark: ')}.")


@st.fragment
def map_view(scope, chosen: tuple[str, ...], indicator: str, year: int, subtitle: str) -> None:
    """The map in a fragment: its GeoJSON is heavy and is not resent when the rest of the page reruns."""
    frame = cached(selection, scope, chosen, indicator, shared=True)["one"]
    geo = boundaries(map_year(year), scope.viewer.limited_to)
    plotly_described(*cached(figure, f"kaart-{map_year(year)}", scope, chosen, indicator,
                             f"{indicator}: vergelijking met de benchmark per gemeente", subtitle, shared=True),
                     key="kaart", on_select=lambda: open_clicked("kaart", study), selection_mode="points",
                    config={"displaylogo": False, "scrollZoom": False})
    if view_requested():  # a click on the map: this fragment's rerun does not reach app.py's switch
        st.rerun(scope="app")
    codes = {f["id"] for f in geo["features"]}
    missing = sorted({g for g, code in zip(frame["gemeente"].tolist(), frame["gemeentecode"].tolist()) if code not in codes})
    if missing:
        st.caption("Niet op de kaart (gemeentegrenzen van een ander jaar): " + ", ".join(missing))


st.subheader("Kaart")
year = int(info["eerste_bezoek"].year) if info["eerste_bezoek"] is not None else None
map_view(scope, tuple(chosen), indicator, year, f"{study}, {soort_text}; grijs = niet in dit onderzoek{in_chart}")

st.subheader("Tabel")
st.caption("Precies wat de grafieken tonen (de heatmap, en de gekozen indicator in staafdiagram, trechter en kaart): per "
           "gemeente en indicator k van n, percentage met 95%-Wilson-interval, de benchmark en waarover die gepoold is "
           f"({compared.removeprefix('benchmark: ')}), de vergelijking bij 95% en bij 99,8%, en de uitkomst van de trechter."
           + (" De download bevat daarnaast de andere indicatoren van de gemeenten in de heatmap." if len(cells) < len(heat_rows) else ""))
view = picked["view"]
st.dataframe(
    view[["gemeente", "indicator", "label", "oordeel", "naleving", "interval", "benchmark_nl", "benchmark_gebied", "benchmark_gemeenten",
          "vergelijking", "vergelijking_998", "trechter", "klein_aantal", "benchmark_opmerking", "gemeentepagina"]],
    hide_index=True, width="stretch",
    column_config={
        "benchmark_nl": st.column_config.TextColumn("benchmark"),
        "benchmark_gebied": st.column_config.TextColumn("benchmark over"),
        "benchmark_gemeenten": st.column_config.NumberColumn("gemeenten in benchmark"),
        "vergelijking": st.column_config.TextColumn("vergelijking (95%)"),
        "vergelijking_998": st.column_config.TextColumn("bij 99,8%"),
        "benchmark_opmerking": st.column_config.TextColumn("opmerking"),
        "klein_aantal": st.column_config.CheckboxColumn(SMALL_N_NOTE),
        "gemeentepagina": st.column_config.LinkColumn("open", display_text="Gemeente →"),
    },
)
download_buttons(picked["numbers"], f"vergelijken-{study}-{kind}" + ("" if benchmark_kind == "onderzoek" else f"-{benchmark_kind}"),
                 "Download tabel")
