"""Comparison figures (Vergelijken, Gemeente, Thema's, Overzicht), built from metrics DataFrames in the house style.

Every clickable trace carries `customdata` = [gemeente, indicator] (Overzicht: [onderzoek, indicator]) so a page
can read a click from `event["selection"]["points"][i]["customdata"]` whatever the chart.
"""

from __future__ import annotations

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
    k_of_n,
)

COMPARISONS = ("slechter", "vergelijkbaar", "beter")
COMPARISON_TEXT = {"slechter": "slechter dan benchmark", "vergelijkbaar": "vergelijkbaar met benchmark",
                   "beter": "beter dan benchmark", "": "geen oordeel"}
LIMIT_STYLE = {"95": dict(color="#555555", width=1, dash="dash"), "998": dict(color="#555555", width=1, dash="dot")}
KIND_SYMBOLS = {"onderzoek": "circle", "hertoets": "diamond"}


def interval_text(low, high) -> str:
    """'4,0%–39,9%' (Dutch decimals), '–' without data."""
    if pd.isna(low) or pd.isna(high):
        return "–"
    return f"{dutch_percent(low, 1)}–{dutch_percent(high, 1)}"


def oordeel(k, n) -> str:
    """'k van n', with the small-number mark when n < 5."""
    text = k_of_n(k, n)
    return text + " (klein aantal)" if 0 < int(n) < 5 else text


def hover_texts(frame: pd.DataFrame, names) -> list[str]:
    """hover_lines for every row of `frame` (column access, not iterrows: thousands of cells at national scale)."""
    columns = [c for c in ("k", "n", "percentage", "ondergrens", "bovengrens", "benchmark", "vergelijking", "norm") if c in frame]
    records = (dict(zip(columns, values)) for values in zip(*(frame[c].tolist() for c in columns)))
    return [hover_lines(row, name) for row, name in zip(records, list(names))]


def hover_lines(row, name: str) -> str:
    """The hover every compliance point shares: who, k van n, percentage, interval, benchmark, comparison."""
    lines = [f"<b>{name}</b>", f"{oordeel(row['k'], row['n'])} — {dutch_percent(row['percentage'], 1)}",
             f"95%-interval {interval_text(row['ondergrens'], row['bovengrens'])}"]
    if "benchmark" in row and not pd.isna(row.get("benchmark")):
        lines.append(f"benchmark {dutch_percent(row['benchmark'], 1)}: {COMPARISON_TEXT.get(row.get('vergelijking', ''), '')}")
    if "norm" in row and not pd.isna(row.get("norm")):
        lines.append(f"norm {dutch_percent(row['norm'], 0)}")
    return "<br>".join(lines)


def legend_below(fig: go.Figure, top: int = 90, bottom: int = 110) -> go.Figure:
    """The legend under the x-axis title, anchored to the figure's bottom edge so it never covers the tick labels."""
    fig.update_layout(legend=dict(orientation="h", yref="container", y=0, yanchor="bottom", x=0, xanchor="left"),
                      margin=dict(t=top, b=bottom))
    return fig


def _error(frame: pd.DataFrame) -> dict:
    return dict(type="data", symmetric=False, array=(frame["bovengrens"] - frame["percentage"]).to_numpy(),
                arrayminus=(frame["percentage"] - frame["ondergrens"]).to_numpy(), color="#444444", thickness=1.2, width=4)


def comparison_heatmap(frame: pd.DataFrame, title: str, subtitle: str = "") -> go.Figure:
    """Municipality × indicator: the cell colour is the comparison with the benchmark, the cell text 'k van n'.

    A heatmap cell gives no click event, so an invisible square-marker scatter on the same category axes
    carries the clicks (customdata [gemeente, indicator]) and the hover."""
    municipalities = list(dict.fromkeys(frame["gemeente"]))
    indicators = list(dict.fromkeys(frame["indicator"]))
    code = {c: i for i, c in enumerate(COMPARISONS)}
    z = np.full((len(municipalities), len(indicators)), np.nan)
    text = np.full(z.shape, "", dtype=object)
    row_of = {m: i for i, m in enumerate(municipalities)}
    col_of = {c: j for j, c in enumerate(indicators)}
    for row in frame.itertuples(index=False):
        i, j = row_of[row.gemeente], col_of[row.indicator]
        z[i, j] = code.get(row.vergelijking, np.nan)
        text[i, j] = (f"{int(row.k)}/{int(row.n)}" + ("*" if row.n < 5 else "")) if row.n > 0 else "–"
    colours = [COMPARISON_COLOURS[c] for c in COMPARISONS]
    scale = [[0, colours[0]], [1 / 3, colours[0]], [1 / 3, colours[1]], [2 / 3, colours[1]], [2 / 3, colours[2]], [1, colours[2]]]
    fig = go.Figure(go.Heatmap(
        x=indicators, y=municipalities, z=z, zmin=-0.5, zmax=2.5, colorscale=scale, showscale=False,
        text=text, texttemplate="%{text}", textfont=dict(size=11), hoverinfo="skip", xgap=2, ygap=2,
    ))
    fig.add_trace(go.Scatter(
        x=frame["indicator"], y=frame["gemeente"], mode="markers", showlegend=False, name="cellen",
        marker=dict(symbol="square", size=28, opacity=0, color="white"),
        customdata=frame[["gemeente", "indicator"]].to_numpy(),
        hovertext=hover_texts(frame, frame["gemeente"] + " — " + frame["indicator"] + " " + frame["label"]),
        hoverinfo="text",
    ))
    for name in COMPARISONS:  # legend entries for the cell colours
        fig.add_trace(go.Scatter(x=[None], y=[None], mode="markers", name=name,
                                 marker=dict(symbol="square", size=12, color=COMPARISON_COLOURS[name])))
    fig.update_xaxes(type="category", side="top", showgrid=False, categoryorder="array", categoryarray=indicators)
    fig.update_yaxes(type="category", autorange="reversed", showgrid=False, categoryorder="array", categoryarray=municipalities)
    height = 140 + 30 * len(municipalities)
    apply_house_style(fig, title, subtitle or f"cel: k van n; * = {SMALL_N_NOTE}; kleur: 95%-interval t.o.v. benchmark", height)
    legend_below(fig, top=110, bottom=40)
    return fig


def municipality_bars(frame: pd.DataFrame, title: str, subtitle: str = "") -> go.Figure:
    """One indicator: a bar per municipality with its Wilson interval, coloured by the comparison; the benchmark as a line."""
    frame = frame.sort_values(["percentage", "n"], ascending=[True, False], na_position="first")
    fig = go.Figure()
    for name in COMPARISONS + ("",):
        part = frame[frame["vergelijking"].fillna("") == name]
        if part.empty:
            continue
        small = part["n"] < 5
        fig.add_trace(go.Bar(
            x=part["percentage"].fillna(0), y=part["gemeente"], orientation="h", name=COMPARISON_TEXT[name],
            marker=dict(color=COMPARISON_COLOURS[name], line=dict(color="#444444", width=1),
                        pattern=dict(shape=np.where(small, "/", "").tolist())),
            error_x=_error(part), customdata=part[["gemeente", "indicator"]].to_numpy(),
            hovertext=hover_texts(part, part["gemeente"]), hoverinfo="text",
        ))
    fig.add_trace(go.Scatter(x=[103] * len(frame), y=frame["gemeente"], mode="text", showlegend=False, hoverinfo="skip",
                             text=[oordeel(k, n) for k, n in zip(frame["k"], frame["n"])], textposition="middle right",
                             cliponaxis=False))
    benchmark = frame["benchmark"].dropna()
    if not benchmark.empty:
        fig.add_vline(x=float(benchmark.iloc[0]), line=dict(color=BENCHMARK_COLOUR, width=2, dash="dash"),
                      annotation_text=f"benchmark {dutch_percent(benchmark.iloc[0], 1)}", annotation_position="top")
    fig.update_xaxes(range=[0, 135], tickvals=[0, 20, 40, 60, 80, 100], ticktext=[f"{v}%" for v in (0, 20, 40, 60, 80, 100)], title="naleving (95%-Wilson-interval)")
    fig.update_yaxes(type="category", categoryorder="array", categoryarray=frame["gemeente"].tolist())
    apply_house_style(fig, title, subtitle or f"gestreept = {SMALL_N_NOTE}", 230 + 28 * len(frame))
    fig.update_layout(barmode="overlay")
    legend_below(fig, top=90)
    return fig


def funnel_plot(points: pd.DataFrame, curves: pd.DataFrame, title: str, subtitle: str = "") -> go.Figure:
    """Compliance against n with 95% and 99,8% limits around the benchmark; each municipality a clickable point."""
    fig = go.Figure()
    if not curves.empty:
        n = curves["n"]
        for level, label in (("95", "95%-grenzen"), ("998", "99,8%-grenzen")):
            for side, show in (("onder", True), ("boven", False)):
                fig.add_trace(go.Scatter(x=n, y=curves[f"{side}grens_{level}"], mode="lines", line=LIMIT_STYLE[level],
                                         name=label, legendgroup=level, showlegend=show, hoverinfo="skip"))
        fig.add_trace(go.Scatter(x=[n.min(), n.max()], y=[curves["benchmark"].iloc[0]] * 2, mode="lines",
                                 line=dict(color=BENCHMARK_COLOUR, width=2), name=f"benchmark {dutch_percent(curves['benchmark'].iloc[0], 1)}",
                                 hoverinfo="skip"))
    points = points[points["n"] > 0]
    for name in COMPARISONS:
        part = points[points["vergelijking"] == name]
        if part.empty:
            continue
        small = (part["n"] < 5).to_numpy()
        fig.add_trace(go.Scatter(
            x=part["n"], y=part["percentage"], mode="markers+text" if len(points) <= 30 else "markers", name=COMPARISON_TEXT[name],
            text=part["gemeente"], textposition="top center", textfont=dict(size=10), cliponaxis=False,
            marker=dict(size=12, color=COMPARISON_COLOURS[name], line=dict(color="#333333", width=1),
                        symbol=np.where(small, SMALL_N_SYMBOL, "circle").tolist()),
            customdata=part[["gemeente", "indicator"]].to_numpy(),
            hovertext=[h + (f"<br>trechter: {f}" if f else "") for h, f in zip(hover_texts(part, part["gemeente"]),
                                                                                part["funnel"] if "funnel" in part else [""] * len(part))],
            hoverinfo="text",
        ))
    fig.update_xaxes(title="aantal beoordeelde dossiers (n)", range=[0, max(float(points["n"].max()) if len(points) else 1, 1) * 1.15])
    fig.update_yaxes(title="naleving", range=[-3, 103], ticksuffix="%")
    apply_house_style(fig, title, subtitle or f"open cirkel = {SMALL_N_NOTE}; buiten de 99,8%-grenzen = opvallend", 540)
    legend_below(fig, top=90)
    return fig


def compliance_map(frame: pd.DataFrame, geojson: dict, title: str, subtitle: str = "") -> go.Figure:
    """The chosen indicator per municipality, coloured by the comparison with the benchmark; the rest in grey.

    go.Choroplethmap with map_style 'white-bg' draws from the GeoJSON alone: no tile or CDN request."""
    codes = {f["id"] for f in geojson["features"]}
    names = {f["id"]: f["properties"].get("statnaam", f["id"]) for f in geojson["features"]}
    shown = frame[frame["gemeentecode"].isin(codes)]
    outside = sorted(codes - set(shown["gemeentecode"]))
    def only(codes) -> dict:  # each trace carries only its own polygons: the GeoJSON is the bulk of the page
        wanted = set(codes)
        return {"type": "FeatureCollection", "features": [f for f in geojson["features"] if f["id"] in wanted]}

    fig = go.Figure(go.Choroplethmap(
        geojson=only(outside), locations=outside, z=[0] * len(outside), colorscale=[[0, OUTSIDE_COLOUR], [1, OUTSIDE_COLOUR]],
        showscale=False, marker=dict(line=dict(color="white", width=0.5)), name="niet in dit onderzoek",
        hovertext=[f"{names[c]}: niet in dit onderzoek" for c in outside], hoverinfo="text",
    ))
    for name in COMPARISONS + ("",):
        part = shown[shown["vergelijking"].fillna("") == name]
        if part.empty:
            continue
        colour = COMPARISON_COLOURS[name] if name else "#FFFFFF"
        fig.add_trace(go.Choroplethmap(
            geojson=only(part["gemeentecode"]), locations=part["gemeentecode"], z=[1] * len(part), colorscale=[[0, colour], [1, colour]],
            showscale=False, marker=dict(line=dict(color="#222222", width=1.2)), name=COMPARISON_TEXT[name], showlegend=True,
            customdata=part[["gemeente", "indicator"]].to_numpy(),
            hovertext=hover_texts(part, part["gemeente"]), hoverinfo="text",
        ))
    lon, lat = _centre(geojson, shown["gemeentecode"])
    fig.update_layout(map=dict(style="white-bg", center=dict(lon=lon, lat=lat), zoom=6.2 if len(shown) > 40 else 7))
    apply_house_style(fig, title, subtitle or "grijs: gemeente niet in dit onderzoek", 560)
    legend_below(fig, top=80, bottom=40)
    return fig


def _centre(geojson: dict, codes) -> tuple[float, float]:
    """Mean of the chosen municipalities' first coordinates (the Netherlands' centre when none)."""
    wanted = set(codes)
    xs, ys = [], []
    for feature in geojson["features"]:
        if feature["id"] not in wanted:
            continue
        ring = feature["geometry"]["coordinates"][0]
        if feature["geometry"]["type"] == "MultiPolygon":
            ring = ring[0]
        xs += [p[0] for p in ring]
        ys += [p[1] for p in ring]
    if not xs:
        return 5.3, 52.2
    return (min(xs) + max(xs)) / 2, (min(ys) + max(ys)) / 2


def visit_profile(frame: pd.DataFrame, title: str, subtitle: str = "") -> go.Figure:
    """Gemeente: per indicator each visit's compliance with its interval (symbol = soort, colour = comparison)
    and the study benchmark as a black tick."""
    indicators = list(dict.fromkeys(frame["indicator"] + " " + frame["label"].str.slice(0, 45)))
    frame = frame.assign(as_label=frame["indicator"] + " " + frame["label"].str.slice(0, 45))
    fig = go.Figure()
    bench = frame.drop_duplicates("indicator")
    fig.add_trace(go.Scatter(x=bench["benchmark"], y=bench["as_label"], mode="markers", name="benchmark (onderzoek)",
                             marker=dict(symbol="line-ns", size=18, line=dict(color=BENCHMARK_COLOUR, width=3)),
                             hovertext=[f"benchmark {dutch_percent(b, 1)}" for b in bench["benchmark"]], hoverinfo="text"))
    if "norm" in frame and frame["norm"].notna().any():
        norm = bench[bench["norm"].notna()]
        fig.add_trace(go.Scatter(x=norm["norm"], y=norm["as_label"], mode="markers", name="norm",
                                 marker=dict(symbol="star-diamond", size=10, color="#EE7733"),
                                 hovertext=[f"norm {dutch_percent(v, 0)}" for v in norm["norm"]], hoverinfo="text"))
    visits = frame.drop_duplicates(["soort", "datum"])[["soort", "datum"]].itertuples(index=False)
    for offset, (kind, date) in zip((-0.15, 0.15, 0.0, 0.3), visits):
        part = frame[(frame["soort"] == kind) & (frame["datum"] == date) & (frame["n"] > 0)]
        colours = [COMPARISON_COLOURS.get(v or "", "#FFFFFF") for v in part["vergelijking"].fillna("")]
        fig.add_trace(go.Scatter(
            x=part["percentage"], y=part["as_label"], mode="markers", name=f"{kind} {dutch_date(date)}",
            marker=dict(symbol=KIND_SYMBOLS.get(kind, "circle") + np.where(part["n"] < 5, "-open", "").astype(object),
                        size=12, color=colours, line=dict(color="#222222", width=1)),
            error_x=_error(part), customdata=part[["gemeente", "indicator"]].to_numpy(),
            hovertext=hover_texts(part, part["indicator"] + " " + part["label"] + f" — {kind} {dutch_date(date)}"),
            hoverinfo="text",
        ))
    fig.update_xaxes(range=[-2, 102], ticksuffix="%", title="naleving (95%-Wilson-interval)")
    fig.update_yaxes(type="category", autorange="reversed", categoryorder="array", categoryarray=indicators)
    apply_house_style(fig, title, subtitle or f"kleur: t.o.v. benchmark; open symbool = {SMALL_N_NOTE}", 230 + 30 * len(indicators))
    legend_below(fig, top=90)
    return fig


def change_chart(trend: pd.DataFrame, title: str, subtitle: str = "") -> go.Figure:
    """Change between two visits in percentage points with Newcombe's 95% interval. Only a change whose
    interval excludes 0 is drawn in colour and filled; the rest is grey and hollow, labelled 'niet significant'."""
    trend = trend.assign(as_label=trend["indicator"] + " " + trend["label"].str.slice(0, 45))
    fig = go.Figure()
    groups = (("verbeterd (significant)", (trend["ondergrens_pp"] > 0), COMPARISON_COLOURS["beter"], "circle"),
              ("verslechterd (significant)", (trend["bovengrens_pp"] < 0), COMPARISON_COLOURS["slechter"], "circle"),
              ("niet significant", ~trend["significant"].astype(bool), "#777777", "circle-open"))
    for name, mask, colour, symbol in groups:
        part = trend[mask]
        if part.empty:
            continue
        fig.add_trace(go.Scatter(
            x=part["verschil_pp"], y=part["as_label"], mode="markers", name=name,
            marker=dict(symbol=symbol, size=12, color=colour, line=dict(color=colour, width=2)),
            error_x=dict(type="data", symmetric=False, array=(part["bovengrens_pp"] - part["verschil_pp"]).to_numpy(),
                         arrayminus=(part["verschil_pp"] - part["ondergrens_pp"]).to_numpy(), color=colour, thickness=1.2, width=4),
            customdata=part[["gemeente", "indicator"]].to_numpy(),
            hovertext=[change_hover(r) for _, r in part.iterrows()], hoverinfo="text",
        ))
    fig.add_vline(x=0, line=dict(color=BENCHMARK_COLOUR, width=1.5))
    fig.update_xaxes(range=[-102, 102], ticksuffix=" pp", title="verandering in procentpunten (95%-interval, Newcombe)")
    fig.update_yaxes(type="category", autorange="reversed", categoryorder="array", categoryarray=list(dict.fromkeys(trend["as_label"])))
    apply_house_style(fig, title, subtitle or "alleen gevulde punten zijn significant: hun interval sluit 0 uit", 230 + 30 * trend["as_label"].nunique())
    legend_below(fig, top=90)
    return fig


def change_text(row) -> str:
    """'+35,7 pp (95%-interval −2,1 tot +64,3; niet significant)'."""
    def signed(x):
        return ("+" if x > 0 else "−" if x < 0 else "±") + dutch_number(abs(x), 1)
    verdict = "significant" if row["significant"] else "niet significant"
    return f"{signed(row['verschil_pp'])} pp (95%-interval {signed(row['ondergrens_pp'])} tot {signed(row['bovengrens_pp'])}; {verdict})"


def change_hover(row) -> str:
    return "<br>".join([
        f"<b>{row['indicator']} {row['label']}</b>",
        f"{row['van_soort']} {dutch_date(row['van_datum'])}: {k_of_n(row['van_k'], row['van_n'])} ({dutch_percent(row['van_percentage'], 1)})",
        f"{row['naar_soort']} {dutch_date(row['naar_datum'])}: {k_of_n(row['naar_k'], row['naar_n'])} ({dutch_percent(row['naar_percentage'], 1)})",
        change_text(row),
    ])


def theme_years(pooled: pd.DataFrame, per_municipality: pd.DataFrame, title: str, subtitle: str = "") -> go.Figure:
    """Per year the pooled compliance with its Wilson interval, and each municipality as a small point (the spread)."""
    fig = go.Figure()
    spread = per_municipality[per_municipality["n"] > 0]
    if not spread.empty:
        small = (spread["n"] < 5).to_numpy()
        fig.add_trace(go.Scatter(
            x=spread["jaar"].astype(str), y=spread["percentage"], mode="markers", name="gemeenten",
            marker=dict(size=8, color="#999999", opacity=0.8, symbol=np.where(small, SMALL_N_SYMBOL, "circle").tolist()),
            customdata=spread[["gemeente"]].assign(indicator="").to_numpy(),
            hovertext=hover_texts(spread, spread["gemeente"] + " " + spread["jaar"].astype(str)), hoverinfo="text",
        ))
    pooled = pooled[pooled["n"] > 0]
    fig.add_trace(go.Scatter(
        x=pooled["jaar"].astype(str), y=pooled["percentage"], mode="markers+lines+text", name="alle gemeenten samen",
        marker=dict(size=14, color=NEUTRAL, symbol="diamond"), line=dict(color=NEUTRAL, width=2),
        error_y=dict(type="data", symmetric=False, array=(pooled["bovengrens"] - pooled["percentage"]).to_numpy(),
                     arrayminus=(pooled["percentage"] - pooled["ondergrens"]).to_numpy(), color=NEUTRAL, thickness=1.5, width=6),
        text=[k_of_n(k, n) for k, n in zip(pooled["k"], pooled["n"])], textposition="middle right",
        cliponaxis=False,
        hovertext=hover_texts(pooled, pooled["jaar"].astype(str) + ": " + pooled["gemeenten"].astype(int).astype(str) + " gemeenten"),
        hoverinfo="text",
    ))
    fig.update_xaxes(type="category", title="jaar van het veldwerk")
    fig.update_layout(margin=dict(r=90))
    fig.update_yaxes(range=[-3, 103], ticksuffix="%", title="naleving")
    apply_house_style(fig, title, subtitle or f"ruit: alle gemeenten samen (95%-Wilson-interval); grijs: per gemeente, open = {SMALL_N_NOTE}", 500)
    legend_below(fig, top=90)
    return fig


def weakest_chart(frame: pd.DataFrame, title: str, subtitle: str = "") -> go.Figure:
    """Overzicht: the weakest indicators as bars with intervals; customdata [onderzoek, indicator] for the link."""
    frame = frame.assign(as_label=frame["onderzoek"] + " · " + frame["indicator"] + " " + frame["label"].str.slice(0, 40))
    fig = go.Figure(go.Bar(
        x=frame["percentage"], y=frame["as_label"], orientation="h", marker=dict(color=NEUTRAL),
        error_x=_error(frame), customdata=frame[["onderzoek", "indicator"]].to_numpy(),
        hovertext=hover_texts(frame, frame["onderzoek"] + " — " + frame["indicator"] + " " + frame["label"]),
        hoverinfo="text", name="naleving",
    ))
    # 'k van n' in a column right of the bars, where no error bar can run through it
    fig.add_trace(go.Scatter(x=[103] * len(frame), y=frame["as_label"], mode="text", showlegend=False, hoverinfo="skip",
                             text=[oordeel(k, n) for k, n in zip(frame["k"], frame["n"])], textposition="middle right", cliponaxis=False))
    fig.update_xaxes(range=[0, 135], tickvals=[0, 20, 40, 60, 80, 100], ticktext=[f"{v}%" for v in (0, 20, 40, 60, 80, 100)],
                     title="naleving over alle gemeenten (95%-Wilson-interval)")
    fig.update_yaxes(type="category", autorange="reversed")
    apply_house_style(fig, title, subtitle, 130 + 32 * len(frame))
    return fig
