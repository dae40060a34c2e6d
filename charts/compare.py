"""Comparison figures (Vergelijken, Gemeente, Thema's, Overzicht), built from metrics DataFrames in the house style.

Every clickable trace carries `customdata` = [gemeente, indicator] (Overzicht: [onderzoek, indicator]) so a page
can read a click from `event["selection"]["points"][i]["customdata"]` whatever the chart.
"""

from __future__ import annotations

import re
import textwrap
from functools import lru_cache

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from charts.style import (
    BENCHMARK_COLOUR,
    COMPARISON_COLOURS,
    NEUTRAL,
    OUTSIDE_COLOUR,
    SMALL_N_NOTE,
    SMALL_N_SYMBOL,
    apply_house_style,
    dutch_date,
    dutch_number,
    dutch_percent,
    plain,
)
from reference.vocab import NO_JUDGEMENT, SMALL_N_MARK, VISIT_KINDS

COMPARISONS = ("slechter", "vergelijkbaar", "beter")
STRONG = ("duidelijk slechter", "duidelijk beter")  # the 95% verdict that also holds at 99,8%
LEVELS = ("duidelijk slechter", "slechter", "vergelijkbaar", "beter", "duidelijk beter")
COMPARISON_TEXT = {"slechter": "slechter dan benchmark", "vergelijkbaar": "vergelijkbaar met benchmark",
                   "beter": "beter dan benchmark", "": NO_JUDGEMENT,
                   "duidelijk slechter": "duidelijk slechter dan benchmark (ook bij 99,8%)",
                   "duidelijk beter": "duidelijk beter dan benchmark (ook bij 99,8%)"}


def verdict_levels(frame: pd.DataFrame) -> pd.Series:
    """The frame's verdict on two levels: 'duidelijk …' where vergelijking_998 agrees with vergelijking, else vergelijking."""
    v95 = frame["vergelijking"].fillna("").astype(object) if "vergelijking" in frame else pd.Series("", index=frame.index, dtype=object)
    if "vergelijking_998" not in frame:
        return v95
    strong = (frame["vergelijking_998"].fillna("").astype(object) == v95) & v95.isin(("beter", "slechter"))
    return v95.where(~strong, "duidelijk " + v95)
LIMIT_STYLE = {"95": dict(color="#555555", width=1, dash="dash"), "998": dict(color="#555555", width=1, dash="dot")}
KIND_SYMBOLS = dict(zip(VISIT_KINDS, ("circle", "diamond")))  # onderzoek, hertoets


def interval_text(low, high) -> str:
    """'4,0%–39,9%' (Dutch decimals), '–' without data."""
    if pd.isna(low) or pd.isna(high):
        return "–"
    return f"{dutch_percent(low, 1)}–{dutch_percent(high, 1)}"


def percent_texts(values, decimals: int = 1) -> list[str]:
    """dutch_percent for a whole column: the same strings, without its per-value checks (thousands of cells)."""
    series = values if isinstance(values, pd.Series) else pd.Series(values)
    if series.dtype.kind != "f":
        series = pd.to_numeric(series.astype(object), errors="coerce")
    numbers = series.to_numpy(dtype=float, na_value=np.nan)
    fmt = f"%.{decimals}f%%"
    return [dutch_percent(x, decimals) if not -1000 < x < 1000 else (fmt % x).replace(".", ",") for x in numbers.tolist()]


def interval_texts(low, high) -> list[str]:
    """interval_text for whole columns."""
    return [a + "–" + b if a != "–" and b != "–" else "–" for a, b in zip(percent_texts(low), percent_texts(high))]


def judgement_labels(frame: pd.DataFrame) -> list[str]:
    """The frame's 'oordeel' ('k van n' / 'geen oordeel'), with the small-number mark where it has `klein_aantal`."""
    return [o + f" ({SMALL_N_MARK})" if small and n > 0 else o
            for o, small, n in zip(frame["oordeel"].tolist(), frame["klein_aantal"].tolist(), frame["n"].tolist())]


def hover_texts(frame: pd.DataFrame, names) -> list[str]:
    """The hover every compliance point shares (who, k van n, percentage, interval, benchmark, comparison, norm) for
    every row of `frame`, built column by column (thousands of cells at national scale)."""
    rows = len(frame)
    first = [f"<b>{plain(name)}</b><br>" for name in list(names)]
    lines = [o + " — " + p for o, p in zip(judgement_labels(frame), percent_texts(frame["percentage"]))]
    text = [a + b + "<br>95%-interval " + c for a, b, c in zip(first, lines, interval_texts(frame["ondergrens"], frame["bovengrens"]))]
    if "benchmark" in frame:
        verdicts = verdict_levels(frame).tolist() if "vergelijking" in frame else [""] * rows
        known = frame["benchmark"].notna().tolist()
        text = [t + f"<br>benchmark {b}: {COMPARISON_TEXT.get(v, '') if isinstance(v, str) else ''}" if ok else t
                for t, b, v, ok in zip(text, percent_texts(frame["benchmark"]), verdicts, known)]
        if "benchmark_soort" in frame and (frame["benchmark_soort"] != "onderzoek").any():
            text = [t + f"<br>benchmark: {gebied}" + (f", {int(m)} gemeenten" if pd.notna(m) else "") + (f"<br>{note}" if note else "")
                    for t, gebied, m, note in zip(text, frame["benchmark_gebied"].tolist(), frame["benchmark_gemeenten"].tolist(),
                                                  frame["benchmark_opmerking"].tolist())]
    if "norm" in frame:
        known = frame["norm"].notna().tolist()
        text = [t + f"<br>norm {v}" if ok else t for t, v, ok in zip(text, percent_texts(frame["norm"], 0), known)]
    return text


def _legend_below(top: int = 90, bottom: int = 110) -> dict:
    return dict(legend=dict(orientation="h", yref="container", y=0, yanchor="bottom", x=0, xanchor="left"),
                margin=dict(t=top, b=bottom))


# Figures are built in one go from plain dicts: go.Figure validates them once. Building them step by step
# (add_trace, update_layout, update_xaxes, add_vline) validates the whole figure again at every step, which took
# most of a page's render at national scale (a heatmap of 2,000 cells: ~0.5 s, five small profiles: ~1.5 s).

@lru_cache(maxsize=1)
def _house_base() -> dict:
    """The layout apply_house_style gives an empty figure without title or height (its template left to plotly)."""
    layout = apply_house_style(go.Figure()).layout.to_plotly_json()
    layout.pop("template", None)
    return layout


def _merged(base: dict, extra: dict) -> dict:
    """`base` updated with `extra` as update_layout does: nested dicts merge, everything else replaces."""
    out = dict(base)
    for key, value in extra.items():
        out[key] = _merged(out[key], value) if isinstance(value, dict) and isinstance(out.get(key), dict) else value
    return out


def _figure(traces: list[dict], title: str | None, subtitle: str | None, height: int | None, *updates: dict) -> go.Figure:
    """go.Figure(traces) in the house style (as apply_house_style(fig, title, subtitle, height)), then `updates` in order.

    Axis settings in `updates` go under 'xaxis'/'yaxis' (each figure here has one pair of axes)."""
    layout = _house_base()
    text, extra = None, 0
    if title:
        # plotly never wraps a title: break it and the subtitle into lines that fit a half-width chart at 1024 px
        lines = wrapped([title], width=60, lines=3)[0]
        # each given line wrapped on its own; "(n < 5)" and "n = 64" never broken across lines
        sub = "<br>".join(wrapped([re.sub(r"(\S) ([<>=]) (\S)", "\\1\u00a0\\2\u00a0\\3", part)], width=70, lines=3)[0]
                          for part in str(subtitle).split("<br>")) if subtitle else ""
        text = f"<b>{lines}</b>" + (f"<br><span style='font-size:0.8em'>{sub}</span>" if sub else "")
        extra = 18 * (text.count("<br>") - (1 if sub else 0))
        # Anchored at the top: plotly's default centres the title's first line in the top margin, so the lines below
        # it ran into the axis labels of a heatmap whose indicators sit on top.
        layout = _merged(layout, dict(title=dict(text=text, x=0, xanchor="left", yref="container", yanchor="top"),
                                      margin=dict(t=70)))
    if height:
        layout = _merged(layout, dict(height=height))
    for update in updates:
        layout = _merged(layout, update)
    if extra:  # room for the title's extra lines, whatever top margin the figure asked for
        layout = _merged(layout, dict(margin=dict(t=layout["margin"]["t"] + extra)))
    if text:  # 12 px below the top edge (plotly's title padding is not applied to a container-anchored title)
        layout = _merged(layout, dict(title=dict(y=1 - 24 / (layout.get("height") or 450))))
    return go.Figure(data=traces, layout=layout)


class _Frozen(go.Figure):
    """A finished figure that hands out one plotly dict, made once: Streamlit asks every rerun for `to_dict()`,
    which deep-copies every trace (most of a warm render at national scale). The dict is the same."""

    def to_dict(self) -> dict:
        return self._frozen_dict


def frozen(figure: go.Figure) -> go.Figure:
    """`figure`, finished: its dict is made now and shared by every later to_dict() (so Streamlit's copy per rerun
    is gone). For a figure kept in a cache and drawn many times; never change it afterwards (`figure` itself is
    taken over, not copied)."""
    out = _Frozen.__new__(_Frozen)
    out.__dict__.update(figure.__dict__)
    out._frozen_dict = figure.to_dict()
    return out


def _error(frame: pd.DataFrame) -> dict:
    return dict(type="data", symmetric=False, array=(frame["bovengrens"] - frame["percentage"]).to_numpy(),
                arrayminus=(frame["percentage"] - frame["ondergrens"]).to_numpy(), color="#444444", thickness=1.2, width=4)


def _pairs(frame: pd.DataFrame, columns: list[str]) -> np.ndarray:
    """customdata: the given (text) columns as a string array (plotly copies it in one go, not string by string)."""
    return np.array([frame[c].tolist() for c in columns], dtype=str).T.reshape(len(frame), len(columns))


def _strings(texts: list[str]) -> np.ndarray | list[str]:
    """Per-point texts as a string array, which plotly validates and copies in one go (the JSON is the same list)."""
    return np.array(texts, dtype=str) if texts else texts


def _hover(texts: list[str], customdata: np.ndarray, tails: list[str] | None = None) -> dict:
    """A trace's hover and click data. The lines that end every point's text alike (one indicator's benchmark and
    verdict) are written once, in a hovertemplate after the point's own lines (hovertext); `tails` (a last line per
    point, '' for none) then follow in customdata after [gemeente, indicator]. plotly draws the same hover as from
    whole texts per point, which repeated those lines hundreds of times in the page."""
    tails = tails or [""] * len(texts)
    lines = [t.split("<br>") for t in texts]
    shared: list[str] = []
    while len(texts) > 1 and all(len(parts) > len(shared) + 1 for parts in lines):
        line = lines[0][-len(shared) - 1]
        if any(parts[-len(shared) - 1] != line for parts in lines) or "%{" in line:
            break
        shared.insert(0, line)
    if not shared:
        return dict(customdata=customdata, hovertext=_strings([t + tail for t, tail in zip(texts, tails)]), hoverinfo="text")
    heads = ["<br>".join(parts[:-len(shared)]) for parts in lines]
    template = "%{hovertext}<br>" + "<br>".join(shared) + ("%{customdata[2]}" if any(tails) else "") + "<extra></extra>"
    data = np.column_stack([customdata, np.array(tails, dtype=str)]) if any(tails) else customdata
    return dict(customdata=data, hovertext=_strings(heads), hovertemplate=template)


LABEL_WIDTH = 34  # characters per line of a category label; longer labels wrap (the whole text is in the hover)


def wrapped(texts, width: int = LABEL_WIDTH, lines: int = 2) -> list[str]:
    """Category labels broken into at most `lines` lines of `width` characters (plotly breaks on <br>); a label
    that still does not fit ends in '…' (its hover has the whole text). Never cut mid-word."""
    out = []
    for text in texts:
        parts = textwrap.wrap(str(text), width=width, break_long_words=False, break_on_hyphens=False) or [str(text)]
        if len(parts) > lines:
            parts = parts[:lines]
            parts[-1] = parts[-1] + " …"
        out.append("<br>".join(parts))
    return out


def _judgement_texts(frame: pd.DataFrame, y: list) -> dict:
    """'k van n' just right of each bar's interval (not in a far column): a text trace at the upper bound."""
    x = frame["bovengrens"].fillna(frame["percentage"]).fillna(0).to_numpy(dtype=float) + 1.5
    return dict(type="scatter", x=x, y=y, mode="text", showlegend=False, hoverinfo="skip",
                text=judgement_labels(frame), textposition="middle right", cliponaxis=False)


def comparison_heatmap(frame: pd.DataFrame, title: str, subtitle: str = "") -> go.Figure:
    """Municipality × indicator: the cell colour is the comparison with the benchmark, the cell text 'k van n'.

    A heatmap cell gives no click event, so an invisible square-marker scatter on the same category axes
    carries the clicks (customdata [gemeente, indicator]) and the hover."""
    gemeente, indicator = frame["gemeente"].tolist(), frame["indicator"].tolist()
    municipalities = list(dict.fromkeys(gemeente))
    indicators = list(dict.fromkeys(indicator))
    levels = verdict_levels(frame)
    strong = bool(levels.isin(STRONG).any())
    shades = LEVELS if strong else COMPARISONS  # the plain three-colour scale when no verdict holds at 99,8%
    code = {c: i for i, c in enumerate(shades)}
    z = np.full((len(municipalities), len(indicators)), np.nan)
    text = np.full(z.shape, "", dtype=object)  # made a string array below
    row_of = {m: i for i, m in enumerate(municipalities)}
    col_of = {c: j for j, c in enumerate(indicators)}
    for g, ind, verdict, k, n, small in zip(gemeente, indicator, levels.tolist(), frame["k"].tolist(),
                                            frame["n"].tolist(), frame["klein_aantal"].tolist()):
        i, j = row_of[g], col_of[ind]
        z[i, j] = code.get(verdict, np.nan)
        text[i, j] = (f"{int(k)}/{int(n)}" + ("*" if small else "")) if n > 0 else "–"
    colours = [COMPARISON_COLOURS[c] for c in shades]
    if strong:
        steps = len(shades)
        scale = [[edge, colour] for i, colour in enumerate(colours) for edge in (i / steps, (i + 1) / steps)]
    else:
        scale = [[0, colours[0]], [1 / 3, colours[0]], [1 / 3, colours[1]], [2 / 3, colours[1]], [2 / 3, colours[2]], [1, colours[2]]]
    names = [f"{g} — {i} {label}" for g, i, label in zip(gemeente, indicator, frame["label"].tolist())]
    traces = [
        dict(type="heatmap", x=indicators, y=municipalities, z=z, zmin=-0.5, zmax=len(shades) - 0.5, colorscale=scale, showscale=False,
             text=text.astype(str), texttemplate="%{text}", textfont=dict(size=11), hoverinfo="skip", xgap=2, ygap=2),
        dict(type="scatter", x=indicator, y=gemeente, mode="markers", showlegend=False, name="cellen",
             marker=dict(symbol="square", size=28, opacity=0, color="white"),
             customdata=_pairs(frame, ["gemeente", "indicator"]), hovertext=_strings(hover_texts(frame, names)), hoverinfo="text"),
    ]
    traces += [dict(type="scatter", x=[None], y=[None], mode="markers", name=name,  # legend entries for the cell colours
                    marker=dict(symbol="square", size=12, color=COMPARISON_COLOURS[name])) for name in shades]
    axes = dict(xaxis=dict(type="category", side="top", showgrid=False, categoryorder="array", categoryarray=indicators),
                yaxis=dict(type="category", autorange="reversed", showgrid=False, categoryorder="array", categoryarray=municipalities))
    height = 140 + 30 * len(municipalities)
    colour_rule = "kleur: 95%-interval t.o.v. benchmark" + ("; donker = ook bij 99,8%" if strong else "")
    return _figure(traces, title, subtitle or f"cel: k van n; * = {SMALL_N_NOTE}; {colour_rule}", height,
                   axes, _legend_below(top=110, bottom=40))


def _benchmark_line(x: float) -> dict:
    """What fig.add_vline(x, annotation_text='benchmark …', annotation_position='top') adds, as a layout update."""
    return dict(shapes=[dict(type="line", x0=x, x1=x, xref="x", y0=0, y1=1, yref="y domain",
                             line=dict(color=BENCHMARK_COLOUR, width=2, dash="dash"))],
                annotations=[dict(text=f"benchmark {dutch_percent(x, 1)}", x=x, xref="x", y=1, yref="y domain",
                                  showarrow=False, xanchor="center", yanchor="bottom")])


def municipality_bars(frame: pd.DataFrame, title: str, subtitle: str = "") -> go.Figure:
    """One indicator: a bar per municipality with its Wilson interval, coloured by the comparison; the benchmark as a line."""
    frame = frame.sort_values(["percentage", "n"], ascending=[True, False], na_position="first")
    traces = []
    verdicts = verdict_levels(frame)
    for name in ("duidelijk slechter",) + COMPARISONS + ("duidelijk beter", ""):
        part = frame[verdicts == name]
        if part.empty:
            continue
        small = part["klein_aantal"].to_numpy(dtype=bool)
        traces.append(dict(
            type="bar", x=part["percentage"].fillna(0).to_numpy(), y=part["gemeente"].tolist(), orientation="h", name=COMPARISON_TEXT[name],
            marker=dict(color=COMPARISON_COLOURS[name], line=dict(color="#444444", width=1),
                        pattern=dict(shape=np.where(small, "/", "").tolist())),
            error_x=_error(part), **_hover(hover_texts(part, part["gemeente"]), _pairs(part, ["gemeente", "indicator"])),
        ))
    traces.append(_judgement_texts(frame, frame["gemeente"].tolist()))
    updates = []
    benchmark = frame["benchmark"].dropna()
    if not benchmark.empty:
        updates.append(_benchmark_line(float(benchmark.iloc[0])))
    updates.append(dict(
        xaxis=dict(range=[0, 122], tickvals=[0, 20, 40, 60, 80, 100], ticktext=[f"{v}%" for v in (0, 20, 40, 60, 80, 100)],
                   title=dict(text="naleving (95%-Wilson-interval)")),
        yaxis=dict(type="category", categoryorder="array", categoryarray=frame["gemeente"].tolist())))
    return _figure(traces, title, subtitle or f"gestreept = {SMALL_N_NOTE}", 230 + 28 * len(frame), *updates,
                   dict(barmode="overlay"), _legend_below(top=90))


def funnel_plot(points: pd.DataFrame, curves: pd.DataFrame, title: str, subtitle: str = "") -> go.Figure:
    """Compliance against n with 95% and 99,8% limits around the benchmark; each municipality a clickable point."""
    traces = []
    if not curves.empty:
        n = curves["n"].to_numpy()
        for level, label in (("95", "95%-grenzen"), ("998", "99,8%-grenzen")):
            for side, show in (("onder", True), ("boven", False)):
                traces.append(dict(type="scatter", x=n, y=curves[f"{side}grens_{level}"].to_numpy(), mode="lines", line=LIMIT_STYLE[level],
                                   name=label, legendgroup=level, showlegend=show, hoverinfo="skip"))
        traces.append(dict(type="scatter", x=[n.min(), n.max()], y=[curves["benchmark"].iloc[0]] * 2, mode="lines",
                           line=dict(color=BENCHMARK_COLOUR, width=2), name=f"benchmark {dutch_percent(curves['benchmark'].iloc[0], 1)}",
                           hoverinfo="skip"))
    points = points[points["n"] > 0]
    positions = _label_positions(points)
    verdicts = verdict_levels(points)
    for name in ("duidelijk slechter",) + COMPARISONS + ("duidelijk beter",):
        part = points[verdicts == name]
        if part.empty:
            continue
        small = part["klein_aantal"].to_numpy(dtype=bool)
        funnel = part["funnel"].tolist() if "funnel" in part else [""] * len(part)
        where = [positions.get(i) for i in part.index]
        traces.append(dict(
            type="scatter", x=part["n"].to_numpy(), y=part["percentage"].to_numpy(), mode="markers+text",
            name=COMPARISON_TEXT[name], text=_strings([g if w else "" for g, w in zip(part["gemeente"].tolist(), where)]),
            textposition=_strings([w or "top center" for w in where]), textfont=dict(size=11), cliponaxis=False,
            marker=dict(size=12, color=COMPARISON_COLOURS[name], line=dict(color="#333333", width=1),
                        symbol=np.where(small, SMALL_N_SYMBOL, "circle")),
            **_hover(hover_texts(part, part["gemeente"]), _pairs(part, ["gemeente", "indicator"]),
                     [f"<br>trechter: {f}" if f else "" for f in funnel]),
        ))
    axes = dict(xaxis=dict(title=dict(text="aantal beoordeelde dossiers (n)"),
                           range=[0, max(float(points["n"].max()) if len(points) else 1, 1) * 1.15]),
                yaxis=dict(title=dict(text="naleving"), range=[-3, 103], ticksuffix="%"))
    return _figure(traces, title, subtitle or f"open cirkel = {SMALL_N_NOTE}; buiten de 99,8%-grenzen = opvallend", 540,
                   axes, _legend_below(top=90))


FUNNEL_LABELS = 12  # beyond this only the municipalities outside the 95% limits get a name on the funnel


def _label_positions(points: pd.DataFrame) -> dict:
    """Where each labelled funnel point's name goes (index → plotly textposition); unlabelled points are absent.

    All names when there are few points, else only those outside the 95% limits (the hover names every point). A
    name goes above its point unless that box meets a name already placed; then below, right or left; a name that
    fits nowhere is left off (hover). Boxes are estimated in axis units from the plot's usual size (~600×400 px)."""
    if points.empty:
        return {}
    chosen = points if len(points) <= FUNNEL_LABELS else points[points["vergelijking"].isin(["beter", "slechter"])]
    x_span = max(float(points["n"].max()), 1) * 1.15
    px_x, px_y = x_span / 560, 106 / 330  # axis units per pixel
    placed: list[tuple[float, float, float, float]] = []
    xs, ys = points["n"].to_numpy(dtype=float), points["percentage"].to_numpy(dtype=float, na_value=np.nan)
    out = {}
    for index, n, rate, name in zip(chosen.index, chosen["n"].astype(float), chosen["percentage"].astype(float), chosen["gemeente"]):
        width, height = 6.5 * len(str(name)) * px_x, 14 * px_y
        gap = 9 * px_y
        options = {
            "top center": (n - width / 2, rate + gap, n + width / 2, rate + gap + height),
            "bottom center": (n - width / 2, rate - gap - height, n + width / 2, rate - gap),
            "middle right": (n + 9 * px_x, rate - height / 2, n + 9 * px_x + width, rate + height / 2),
            "middle left": (n - 9 * px_x - width, rate - height / 2, n - 9 * px_x, rate + height / 2),
        }
        for where, box in options.items():
            meets_name = any(box[0] < b[2] and b[0] < box[2] and box[1] < b[3] and b[1] < box[3] for b in placed)
            meets_point = bool(((box[0] < xs) & (xs < box[2]) & (box[1] < ys) & (ys < box[3])).any())
            if not meets_name and not meets_point:
                placed.append(box)
                out[index] = where
                break
    return out


class _SharedFeature(dict):
    """A boundary feature that deepcopy leaves alone: plotly deep-copies a trace's GeoJSON when the figure is built
    and again each time Streamlit serialises it (tens of thousands of small lists: ~0.1 s a map). Nothing mutates
    them; the JSON is the same."""

    def __deepcopy__(self, memo):
        return self


_SHARED_GEO: dict[int, tuple[dict, list[dict]]] = {}


def _shared_features(geojson: dict) -> list[dict]:
    """The features of `geojson` as _SharedFeatures, made once per boundary set (charts.geo caches those), with only
    what the map reads: the id (featureidkey) and the geometry. The names stay server-side (hover texts); sending
    every feature's properties again made the page heavier, not the map richer."""
    held = _SHARED_GEO.get(id(geojson))
    if held is None or held[0] is not geojson:
        features = [_SharedFeature(type="Feature", id=f["id"], geometry=f["geometry"]) for f in geojson["features"]]
        if len(_SHARED_GEO) > 8:
            _SHARED_GEO.clear()
        held = _SHARED_GEO[id(geojson)] = (geojson, features)
    return held[1]


def compliance_map(frame: pd.DataFrame, geojson: dict, title: str, subtitle: str = "") -> go.Figure:
    """The chosen indicator per municipality, coloured by the comparison with the benchmark; neighbours in grey.

    go.Choropleth on a `geo` subplot is drawn as SVG paths from the GeoJSON alone (no WebGL, which locked-down and
    remote desktops often lack, no tiles, no base map): the view frames the chosen municipalities with the grey
    municipalities around them (all of the Netherlands when none is chosen)."""
    shared = _shared_features(geojson)
    names = {f["id"]: f["properties"].get("statnaam", f["id"]) for f in geojson["features"]}
    shown = frame[np.array([code in names for code in frame["gemeentecode"].tolist()], dtype=bool)]  # isin on Arrow text is slow
    west, south, east, north = _view(geojson, shown["gemeentecode"])
    around = {c for c, (w, s, e, n) in _feature_boxes(geojson).items() if w <= east and e >= west and s <= north and n >= south}
    outside = sorted(around - set(shown["gemeentecode"]))

    def only(codes) -> dict:  # each trace carries only its own polygons: the GeoJSON is the bulk of the page
        wanted = set(codes)
        return {"type": "FeatureCollection", "features": [f for f in shared if f["id"] in wanted]}

    common = dict(type="choropleth", featureidkey="id", showscale=False)
    # plotly.js fetches a world topojson from its CDN when the first trace on a geo subplot has a `locationmode`
    # (a choropleth has 'geojson-id'), although the invisible base map never uses it. A first, empty-looking
    # scattergeo (lon/lat, no locationmode) keeps the map free of outside requests, in the browser and in kaleido.
    traces = [dict(type="scattergeo", lon=[(west + east) / 2], lat=[(south + north) / 2], mode="markers", marker=dict(size=1, opacity=0),
                   hoverinfo="skip", showlegend=False, name="")]
    traces += [dict(
        common, geojson=only(outside), locations=outside, z=[0] * len(outside),
        colorscale=[[0, OUTSIDE_COLOUR], [1, OUTSIDE_COLOUR]], marker=dict(line=dict(color="white", width=0.5)),
        name="niet in dit onderzoek", hovertext=[f"{names[c]}: niet in dit onderzoek" for c in outside], hoverinfo="text",
    )]
    verdicts = verdict_levels(shown)
    for name in ("duidelijk slechter",) + COMPARISONS + ("duidelijk beter", ""):
        part = shown[verdicts == name]
        if part.empty:
            continue
        colour = COMPARISON_COLOURS[name] if name else "#FFFFFF"
        codes = part["gemeentecode"].tolist()
        traces.append(dict(
            common, geojson=only(codes), locations=codes, z=[1] * len(part), colorscale=[[0, colour], [1, colour]],
            marker=dict(line=dict(color="#222222", width=1.2)), name=COMPARISON_TEXT[name], showlegend=True,
            **_hover(hover_texts(part, part["gemeente"]), _pairs(part, ["gemeente", "indicator"])),
        ))
    geo = dict(visible=False, scope="europe", projection=dict(type="mercator"), lonaxis=dict(range=[west, east]),
               lataxis=dict(range=[south, north]), bgcolor="white")
    return _figure(traces, title, subtitle or "grijs: gemeente niet in dit onderzoek", 560,
                   dict(geo=geo), _legend_below(top=80, bottom=40))


def _bounds(feature: dict) -> tuple[float, float, float, float]:
    """(west, south, east, north) of a Polygon or MultiPolygon feature."""
    polygons = feature["geometry"]["coordinates"]
    if feature["geometry"]["type"] == "Polygon":
        polygons = [polygons]
    xs = [p[0] for polygon in polygons for ring in polygon for p in ring]
    ys = [p[1] for polygon in polygons for ring in polygon for p in ring]
    return min(xs), min(ys), max(xs), max(ys)


_BOXES: dict[int, tuple[dict, dict[str, tuple]]] = {}


def _feature_boxes(geojson: dict) -> dict[str, tuple[float, float, float, float]]:
    """GM-code → box, made once per boundary set (charts.geo caches those)."""
    held = _BOXES.get(id(geojson))
    if held is None or held[0] is not geojson:
        if len(_BOXES) > 8:
            _BOXES.clear()
        held = _BOXES[id(geojson)] = (geojson, {f["id"]: _bounds(f) for f in geojson["features"]})
    return held[1]


def _box(boxes: list[tuple[float, float, float, float]]) -> tuple[float, float, float, float]:
    """The box around `boxes` (the Netherlands' when empty)."""
    if not boxes:
        return 3.3, 50.7, 7.3, 53.6
    return min(b[0] for b in boxes), min(b[1] for b in boxes), max(b[2] for b in boxes), max(b[3] for b in boxes)


def _view(geojson: dict, codes, margin: float = 0.25) -> tuple[float, float, float, float]:
    """The map's (west, south, east, north): the chosen municipalities' box widened by `margin` of its size (~15 to
    ~25 km) and made square on the (Mercator) screen, the shape of plotly's geo frame, so the region fills
    it; the whole country when nothing is chosen. The grey neighbours inside it give orientation."""
    boxes = _feature_boxes(geojson)
    chosen = [boxes[c] for c in set(codes) if c in boxes]
    west, south, east, north = _box(chosen or list(boxes.values()))
    dx, dy = min(max((east - west) * margin, 0.2), 0.3), min(max((north - south) * margin, 0.13), 0.2)
    west, east, south, north = west - dx, east + dx, south - dy, north + dy
    stretch = 1 / np.cos(np.radians((south + north) / 2))  # screen height of a degree of latitude, in degrees of longitude
    width = max(east - west, (north - south) * stretch)
    centre_x, centre_y = (west + east) / 2, (south + north) / 2
    return centre_x - width / 2, centre_y - width / stretch / 2, centre_x + width / 2, centre_y + width / stretch / 2


def visit_profile(frame: pd.DataFrame, title: str, subtitle: str = "") -> go.Figure:
    """Gemeente: per indicator each visit's compliance with its interval (symbol = soort, colour = comparison)
    and the study benchmark as a black tick. The visits of one indicator sit one above the other (dodged), each
    with its own interval, so an onderzoek and its hertoets never hide each other."""
    used = ("gemeente", "indicator", "label", "soort", "datum", "k", "n", "percentage", "ondergrens", "bovengrens", "benchmark",
            "vergelijking", "vergelijking_998", "norm", "oordeel", "klein_aantal", "benchmark_soort", "benchmark_gebied",
            "benchmark_gemeenten", "benchmark_opmerking")
    frame = frame[[c for c in used if c in frame.columns]]  # every row filter below copies every column: only these
    codes = list(dict.fromkeys(frame["indicator"].tolist()))
    row_of = {c: i for i, c in enumerate(codes)}
    firsts = frame.drop_duplicates("indicator")
    labels = wrapped((firsts["indicator"] + " " + firsts["label"]).tolist())
    visits = list(frame.drop_duplicates(["soort", "datum"])[["soort", "datum"]].itertuples(index=False))
    step = 0.5 / max(len(visits) - 1, 1) if len(visits) > 1 else 0.0
    step = min(step, 0.3)
    traces = []
    bench = firsts
    rows_at = bench["indicator"].map(row_of).to_numpy(dtype=float)
    traces.append(dict(type="scatter", x=bench["benchmark"].to_numpy(), y=rows_at, mode="markers",
                       name="benchmark (onderzoek)", marker=dict(symbol="line-ns", size=min(14 + 14 * max(len(visits) - 1, 0), 44),
                                                                  line=dict(color=BENCHMARK_COLOUR, width=3)),
                       hovertext=["benchmark " + b for b in percent_texts(bench["benchmark"])], hoverinfo="text"))
    if "norm" in frame and frame["norm"].notna().any():
        norm = bench[bench["norm"].notna()]
        traces.append(dict(type="scatter", x=norm["norm"].to_numpy(), y=norm["indicator"].map(row_of).to_numpy(dtype=float), mode="markers",
                           name="norm", marker=dict(symbol="star-diamond", size=10, color="#EE7733"),
                           hovertext=["norm " + v for v in percent_texts(norm["norm"], 0)], hoverinfo="text"))
    for number, (kind, date) in enumerate(visits):
        offset = (number - (len(visits) - 1) / 2) * step
        part = frame[(frame["soort"] == kind) & (frame["datum"] == date) & (frame["n"] > 0)]
        colours = [COMPARISON_COLOURS.get(v or "", "#FFFFFF") for v in verdict_levels(part)]
        names = [f"{label} — {kind} {dutch_date(date)}" for label in (part["indicator"] + " " + part["label"]).tolist()]
        traces.append(dict(
            type="scatter", x=part["percentage"].to_numpy(), y=part["indicator"].map(row_of).to_numpy(dtype=float) + offset,
            mode="markers", name=f"{kind} {dutch_date(date)}",
            marker=dict(symbol=(KIND_SYMBOLS.get(kind, "circle") + np.where(part["klein_aantal"].to_numpy(dtype=bool), "-open", "").astype(object)).tolist(),
                        size=11, color=colours, line=dict(color="#222222", width=1)),
            error_x=_error(part), customdata=_pairs(part, ["gemeente", "indicator"]),
            hovertext=_strings(hover_texts(part, names)), hoverinfo="text",
        ))
    axes = dict(xaxis=dict(range=[-2, 102], ticksuffix="%", title=dict(text="naleving (95%-Wilson-interval)")),
                yaxis=dict(tickmode="array", tickvals=list(range(len(codes))), ticktext=labels, range=[len(codes) - 0.5, -0.5],
                           showgrid=False, zeroline=False))
    row_height = max(40, 16 * len(visits) + 14)
    return _figure(traces, title, subtitle or f"kleur: t.o.v. benchmark; open symbool = {SMALL_N_NOTE}", 230 + row_height * len(codes),
                   axes, _legend_below(top=90))


def change_chart(trend: pd.DataFrame, title: str, subtitle: str = "") -> go.Figure:
    """Change between two visits in percentage points with Newcombe's 95% interval. Only a change whose
    interval excludes 0 is drawn in colour and filled; the rest is grey and hollow, labelled 'niet significant'."""
    trend = trend.assign(as_label=wrapped((trend["indicator"] + " " + trend["label"]).tolist()))
    traces = []
    groups = (("verbeterd (significant)", (trend["ondergrens_pp"] > 0), COMPARISON_COLOURS["beter"], "circle"),
              ("verslechterd (significant)", (trend["bovengrens_pp"] < 0), COMPARISON_COLOURS["slechter"], "circle"),
              ("niet significant", ~trend["significant"].astype(bool), "#777777", "circle-open"))
    for name, mask, colour, symbol in groups:
        part = trend[mask]
        if part.empty:
            continue
        traces.append(dict(
            type="scatter", x=part["verschil_pp"].to_numpy(), y=part["as_label"].tolist(), mode="markers", name=name,
            marker=dict(symbol=symbol, size=12, color=colour, line=dict(color=colour, width=2)),
            error_x=dict(type="data", symmetric=False, array=(part["bovengrens_pp"] - part["verschil_pp"]).to_numpy(),
                         arrayminus=(part["verschil_pp"] - part["ondergrens_pp"]).to_numpy(), color=colour, thickness=1.2, width=4),
            customdata=_pairs(part, ["gemeente", "indicator"]),
            hovertext=[change_hover(r) for r in part.to_dict("records")], hoverinfo="text",
        ))
    updates = (
        dict(shapes=[dict(type="line", x0=0, x1=0, xref="x", y0=0, y1=1, yref="y domain", line=dict(color=BENCHMARK_COLOUR, width=1.5))]),
        dict(xaxis=dict(range=[-102, 102], ticksuffix=" pp", title=dict(text="verandering in procentpunten (95%-interval, Newcombe)")),
             yaxis=dict(type="category", autorange="reversed", categoryorder="array", categoryarray=list(dict.fromkeys(trend["as_label"].tolist())))),
    )
    return _figure(traces, title, subtitle or "alleen gevulde punten zijn significant: hun interval sluit 0 uit",
                   230 + 40 * trend["as_label"].nunique(), *updates, _legend_below(top=90))


def change_text(row) -> str:
    """'+35,7 pp (95%-interval −2,1 tot +64,3; niet significant)'."""
    def signed(x):
        return ("+" if x > 0 else "−" if x < 0 else "±") + dutch_number(abs(x), 1)
    verdict = "significant" if row["significant"] else "niet significant"
    return f"{signed(row['verschil_pp'])} pp (95%-interval {signed(row['ondergrens_pp'])} tot {signed(row['bovengrens_pp'])}; {verdict})"


def change_hover(row) -> str:
    return "<br>".join([
        f"<b>{row['indicator']} {row['label']}</b>",
        f"{row['van_soort']} {dutch_date(row['van_datum'])}: {row['van_oordeel']} ({dutch_percent(row['van_percentage'], 1)})",
        f"{row['naar_soort']} {dutch_date(row['naar_datum'])}: {row['naar_oordeel']} ({dutch_percent(row['naar_percentage'], 1)})",
        change_text(row),
    ])


def theme_years(pooled: pd.DataFrame, per_municipality: pd.DataFrame, title: str, subtitle: str = "") -> go.Figure:
    """Per year the pooled compliance with its Wilson interval, and each municipality as a small point (the spread)."""
    traces = []
    spread = per_municipality[per_municipality["n"] > 0]
    if not spread.empty:
        small = spread["klein_aantal"].to_numpy(dtype=bool)
        years = spread["jaar"].astype(str)
        traces.append(dict(
            type="scatter", x=years.tolist(), y=spread["percentage"].to_numpy(), mode="markers", name="gemeenten",
            marker=dict(size=8, color="#999999", opacity=0.8, symbol=np.where(small, SMALL_N_SYMBOL, "circle").tolist()),
            customdata=_pairs(spread.assign(indicator=""), ["gemeente", "indicator"]),
            hovertext=_strings(hover_texts(spread, (spread["gemeente"] + " " + years).tolist())), hoverinfo="text",
        ))
    pooled = pooled[pooled["n"] > 0]
    traces.append(dict(
        type="scatter", x=pooled["jaar"].astype(str).tolist(), y=pooled["percentage"].to_numpy(), mode="markers+lines+text",
        name="alle gemeenten samen", marker=dict(size=14, color=NEUTRAL, symbol="diamond"), line=dict(color=NEUTRAL, width=2),
        error_y=dict(type="data", symmetric=False, array=(pooled["bovengrens"] - pooled["percentage"]).to_numpy(),
                     arrayminus=(pooled["percentage"] - pooled["ondergrens"]).to_numpy(), color=NEUTRAL, thickness=1.5, width=6),
        text=pooled["oordeel"].tolist(), textposition="middle right",
        cliponaxis=False,
        hovertext=hover_texts(pooled, pooled["jaar"].astype(str) + ": " + pooled["gemeenten"].astype(int).astype(str) + " gemeenten"),
        hoverinfo="text",
    ))
    updates = (dict(xaxis=dict(type="category", title=dict(text="jaar van het veldwerk"))),
               dict(yaxis=dict(range=[-3, 103], ticksuffix="%", title=dict(text="naleving"))))
    return _figure(traces, title, subtitle or f"ruit: alle gemeenten samen (95%-Wilson-interval); grijs: per gemeente, open = {SMALL_N_NOTE}",
                   500, *updates, _legend_below(top=90))


def weakest_chart(frame: pd.DataFrame, title: str, subtitle: str = "") -> go.Figure:
    """Overzicht: the weakest indicators as bars with intervals; customdata [onderzoek, indicator] for the link.
    Labels wrap over two lines (the hover has the whole label); 'k van n' sits right of each interval."""
    full = (frame["onderzoek"] + " · " + frame["indicator"] + " " + frame["label"]).tolist()
    labels = wrapped(full, width=44)
    traces = [
        dict(type="bar", x=frame["percentage"].to_numpy(), y=labels, orientation="h", marker=dict(color=NEUTRAL),
             error_x=_error(frame), customdata=_pairs(frame, ["onderzoek", "indicator"]),
             hovertext=hover_texts(frame, frame["onderzoek"] + " — " + frame["indicator"] + " " + frame["label"]),
             hoverinfo="text", name="naleving", showlegend=False),
        _judgement_texts(frame, labels),
    ]
    axes = dict(xaxis=dict(range=[0, 122], tickvals=[0, 20, 40, 60, 80, 100], ticktext=[f"{v}%" for v in (0, 20, 40, 60, 80, 100)],
                           title=dict(text="naleving over alle gemeenten (95%-Wilson-interval)")),
                yaxis=dict(type="category", autorange="reversed", categoryorder="array", categoryarray=labels))
    return _figure(traces, title, subtitle, 150 + 44 * len(frame), axes, dict(showlegend=False))
