"""Chart functions on small hand-made frames: their traces, labels and hover text."""

from __future__ import annotations

import io
import json
import re

import numpy as np
import pandas as pd
import pytest
from PIL import Image

from charts.compare import (
    change_chart,
    change_text,
    comparison_heatmap,
    compliance_map,
    funnel_plot,
    municipality_bars,
    theme_years,
    visit_profile,
    weakest_chart,
)
from charts.geo import MAP_YEARS, boundaries, map_year, spherical_winding
from charts.style import COMPARISON_COLOURS, FONT_FAMILY, OUTSIDE_COLOUR


def judged(frame: pd.DataFrame, prefix: str = "") -> pd.DataFrame:
    """The columns metrics.with_rates gives every k/n frame, written out by the rule (DESIGN §7): 'k van n' or
    'geen oordeel' when n = 0, and klein_aantal when n < 5. Charts read these columns, never recompute them."""
    k, n = frame[prefix + "k"].tolist(), frame[prefix + "n"].tolist()
    frame[prefix + "oordeel"] = [f"{a} van {b}" if b > 0 else "geen oordeel" for a, b in zip(k, n)]
    if not prefix:
        frame["klein_aantal"] = [b < 5 for b in n]
    return frame


def drawn_hover(trace, i: int) -> str:
    """The hover plotly draws for point i: its hovertext, or its hovertemplate filled in (%{hovertext}, %{customdata[k]})
    the way plotly.js does, without the <extra> box (hidden)."""
    if not trace.hovertemplate:
        return trace.hovertext[i]
    filled = trace.hovertemplate.replace("%{hovertext}", trace.hovertext[i]).replace("<extra></extra>", "")
    return re.sub(r"%\{customdata\[(\d+)\]\}", lambda m: str(trace.customdata[i][int(m.group(1))]), filled)


def rows(*items) -> pd.DataFrame:
    """(gemeente, code, indicator, k, n, low, high, benchmark, vergelijking) → a compliance-like frame."""
    frame = pd.DataFrame(items, columns=["gemeente", "gemeentecode", "indicator", "k", "n", "ondergrens", "bovengrens", "benchmark", "vergelijking"])
    frame["percentage"] = np.where(frame["n"] > 0, frame["k"] / frame["n"].where(frame["n"] > 0, 1) * 100, np.nan)
    frame["label"] = "Veiligheid ingeschat"
    frame["funnel"] = "binnen"
    return judged(frame)


SAMPLE = rows(
    ("Goeree-Overflakkee", "GM1924", "TT3", 2, 14, 4.0, 39.9, 63.2, "slechter"),
    ("Brielle", "GM0501", "TT3", 7, 9, 45.3, 93.7, 63.2, "vergelijkbaar"),
    ("Westvoorne", "GM0614", "TT3", 3, 4, 30.1, 95.4, 63.2, "vergelijkbaar"),
    ("Nissewaard", "GM1930", "TT3", 12, 12, 75.8, 100.0, 63.2, "beter"),
)


def test_heatmap_cells_show_k_of_n_colour_the_comparison_and_carry_the_click_data():
    frame = pd.concat([SAMPLE, rows(("Brielle", "GM0501", "IZ1", 0, 0, np.nan, np.nan, 22.5, ""))], ignore_index=True)
    fig = comparison_heatmap(frame, "Naleving — kg-2017")
    heat = fig.data[0]
    assert heat.type == "heatmap" and list(heat.x) == ["TT3", "IZ1"]
    assert list(heat.y) == ["Goeree-Overflakkee", "Brielle", "Westvoorne", "Nissewaard"]
    text = np.array(heat.text)
    assert text[0, 0] == "2/14" and text[2, 0] == "3/4*" and text[1, 1] == "–"
    z = np.array(heat.z, dtype=float)
    # codes 0/1/2 = slechter/vergelijkbaar/beter, mapped on the scale to their fixed colours
    assert z[0, 0] == 0 and z[1, 0] == 1 and z[3, 0] == 2 and np.isnan(z[1, 1])
    scale = [c for _, c in heat.colorscale]
    assert scale[0] == COMPARISON_COLOURS["slechter"] and scale[-1] == COMPARISON_COLOURS["beter"]
    clicks = fig.data[1]
    assert clicks.type == "scatter" and clicks.marker.opacity == 0 and clicks.marker.symbol == "square"
    assert [list(c) for c in clicks.customdata][0] == ["Goeree-Overflakkee", "TT3"]
    assert "2 van 14 — 14,3%" in clicks.hovertext[0] and "4,0%–39,9%" in clicks.hovertext[0]
    assert "slechter dan benchmark" in clicks.hovertext[0] and "benchmark 63,2%" in clicks.hovertext[0]
    assert "3 van 4 (klein aantal)" in clicks.hovertext[2]
    assert fig.layout.xaxis.type == "category" and fig.layout.font.family == FONT_FAMILY
    assert fig.layout.separators == ",."
    assert "kg-2017" in fig.layout.title.text


def test_bars_have_wilson_error_bars_benchmark_line_and_marked_small_numbers():
    fig = municipality_bars(SAMPLE, "TT3: naleving per gemeente", "kg-2017, onderzoek")
    bars = [t for t in fig.data if t.type == "bar"]
    assert {t.name for t in bars} == {"slechter dan benchmark", "vergelijkbaar met benchmark", "beter dan benchmark"}
    worse = next(t for t in bars if t.name.startswith("slechter"))
    assert list(worse.y) == ["Goeree-Overflakkee"] and worse.marker.color == COMPARISON_COLOURS["slechter"]
    assert worse.error_x.array[0] == pytest.approx(39.9 - 200 / 14) and worse.error_x.arrayminus[0] == pytest.approx(200 / 14 - 4.0)
    similar = next(t for t in bars if t.name.startswith("vergelijkbaar"))
    shapes = dict(zip(similar.y, similar.marker.pattern.shape))
    assert shapes == {"Brielle": "", "Westvoorne": "/"}  # n = 4 < 5: hatched
    labels = next(t for t in fig.data if t.type == "scatter" and t.mode == "text")
    assert dict(zip(labels.y, labels.text))["Westvoorne"] == "3 van 4 (klein aantal)"
    assert dict(zip(labels.y, labels.text))["Goeree-Overflakkee"] == "2 van 14"
    line = fig.layout.shapes[0]
    assert line.x0 == line.x1 == 63.2
    assert fig.layout.annotations[0].text == "benchmark 63,2%"
    assert list(worse.customdata[0]) == ["Goeree-Overflakkee", "TT3"]


def test_funnel_draws_both_limits_the_benchmark_and_clickable_points():
    curves = pd.DataFrame({"n": [1, 2, 3], "benchmark": [50.0] * 3, "ondergrens_95": [0, 1, 2], "bovengrens_95": [100, 99, 98],
                           "ondergrens_998": [0, 0, 1], "bovengrens_998": [100, 100, 99]})
    fig = funnel_plot(SAMPLE, curves, "TT3: trechterdiagram")
    lines = [t for t in fig.data if t.mode == "lines"]
    assert sorted({t.name for t in lines}) == ["95%-grenzen", "99,8%-grenzen", "benchmark 50,0%"]
    assert len(lines) == 5  # lower and upper for both levels, plus the benchmark
    assert list(lines[0].y) == [0, 1, 2]
    points = {t.name: t for t in fig.data if t.mode and "markers" in t.mode}
    similar = points["vergelijkbaar met benchmark"]
    assert list(similar.x) == [9, 4]
    assert list(similar.marker.symbol) == ["circle", "circle-open"]  # n = 4 hollow
    assert [list(c)[:2] for c in similar.customdata] == [["Brielle", "TT3"], ["Westvoorne", "TT3"]]  # what a click reads
    assert drawn_hover(similar, 0).startswith("<b>Brielle</b>") and "trechter: binnen" in drawn_hover(similar, 0)
    assert "benchmark 63,2%: vergelijkbaar met benchmark" in drawn_hover(similar, 1)


def square(x: float, y: float, clockwise: bool) -> list:
    ring = [[x, y], [x, y + 0.1], [x + 0.1, y + 0.1], [x + 0.1, y], [x, y]]
    return ring if clockwise else ring[::-1]


def test_funnel_names_do_not_overlap():
    """Ten municipalities close together (as Westvoorne and Brielle were): no two name boxes overlap on the plot."""
    close = rows(*[(f"Gemeente{i}", f"GM{i:04d}", "TT3", 5 + (i % 3), 10 + (i % 2), 20.0, 80.0, 55.0, "vergelijkbaar") for i in range(10)])
    fig = funnel_plot(close, pd.DataFrame(), "Trechter")
    shown = [(x, y, t, p) for trace in fig.data if trace.text is not None
             for x, y, t, p in zip(trace.x, trace.y, trace.text, trace.textposition) if t]
    assert 0 < len(shown) < 10  # some names, not all ten on top of each other
    boxes = []
    px_x, px_y = 11 * 1.15 / 560, 106 / 330  # a ~560×330 px plot: axis units per pixel (x up to n = 11)
    for x, y, text, where in shown:  # an 11 px name is ~6.5 px a character wide, 14 px high, 9 px from its point
        w, h = 6.5 * len(text) * px_x, 14 * px_y
        cx = x + {"middle right": 9 * px_x + w / 2, "middle left": -9 * px_x - w / 2}.get(where, 0)
        cy = y + {"top center": 9 * px_y + h / 2, "bottom center": -9 * px_y - h / 2}.get(where, 0)
        boxes.append((cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2))
    for i, a in enumerate(boxes):
        for b in boxes[i + 1:]:
            assert not (a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3])


def test_map_draws_svg_paths_greys_the_neighbours_and_needs_no_tiles_or_webgl():
    far = {"type": "Feature", "id": "GM0014", "properties": {"statnaam": "Groningen"},
           "geometry": {"type": "Polygon", "coordinates": [square(6.5, 53.2, True)]}}
    geo = {"type": "FeatureCollection", "features": [
        {"type": "Feature", "id": code, "properties": {"statnaam": name},
         "geometry": {"type": "Polygon", "coordinates": [square(4 + 0.1 * i, 51.8, True)]}}
        for i, (code, name) in enumerate([("GM1924", "Goeree-Overflakkee"), ("GM0501", "Brielle"), ("GM0363", "Amsterdam")])] + [far]}
    fig = compliance_map(SAMPLE, geo, "TT3 per gemeente")
    # SVG: a geo subplot (d3 paths), not the WebGL map (choroplethmap/maplibre)
    assert {t.type for t in fig.data} == {"scattergeo", "choropleth"}
    assert fig.data[0].type == "scattergeo" and fig.data[0].locationmode is None  # keeps plotly.js from its CDN topojson
    assert fig.layout.geo.visible is False
    west, east = fig.layout.geo.lonaxis.range
    assert west < 4.0 and east > 4.3 and east < 6.5  # the chosen squares with a margin, not Groningen
    outside = fig.data[1]
    # the neighbour is drawn in grey, Groningen (far outside the chosen municipalities' box) is not drawn at all
    assert list(outside.locations) == ["GM0363"]
    assert outside.colorscale[0][1] == OUTSIDE_COLOUR and "niet in dit onderzoek" in outside.hovertext[0]
    worse = next(t for t in fig.data if t.name == "slechter dan benchmark")
    assert list(worse.locations) == ["GM1924"] and worse.colorscale[0][1] == COMPARISON_COLOURS["slechter"]
    assert list(worse.customdata[0]) == ["Goeree-Overflakkee", "TT3"] and "2 van 14" in worse.hovertext[0]
    assert [f["id"] for f in worse.geojson["features"]] == ["GM1924"]
    # Westvoorne and Nissewaard have no polygon here: not drawn, not invented
    drawn = {c for t in fig.data[1:] for c in t.locations}
    assert drawn == {"GM1924", "GM0501", "GM0363"}
    serialised = json.dumps(fig.to_plotly_json(), default=str)
    assert "http" not in serialised  # no tile server or CDN in the figure
    # nothing chosen on the map: the whole country in grey
    everything = compliance_map(SAMPLE.iloc[:0], geo, "leeg")
    assert sorted(everything.data[1].locations) == ["GM0014", "GM0363", "GM0501", "GM1924"]


def test_rings_are_wound_as_d3_reads_them():
    """d3-geo (plotly's geo maps) takes a counter-clockwise outer ring for the whole globe minus the polygon."""
    outer_ccw = square(4, 52, False)
    hole_cw = [[4.02, 52.02], [4.02, 52.05], [4.05, 52.05], [4.02, 52.02]]  # up, right, back: clockwise
    fixed = spherical_winding([outer_ccw, hole_cw])
    assert fixed[0] == outer_ccw[::-1]  # outer ring now clockwise
    assert fixed[1] == hole_cw[::-1]  # hole now counter-clockwise
    assert spherical_winding(fixed) == fixed
    for year in MAP_YEARS:  # every shipped ring
        for feature in boundaries(year)["features"]:
            geometry = feature["geometry"]
            for polygon in [geometry["coordinates"]] if geometry["type"] == "Polygon" else geometry["coordinates"]:
                assert spherical_winding(polygon) == polygon


def test_the_map_exports_to_png_and_svg_without_outside_requests():
    """kaleido (headless Chromium) renders the figure: it fails when plotly.js tries to fetch its CDN topojson."""
    fig = compliance_map(SAMPLE, boundaries(2017), "TT3 per gemeente")
    svg = fig.to_image(format="svg", width=700, height=560).decode()
    fills = re.findall(r'class="choroplethlocation" fill="([^"]*)"', svg)
    # drawn as SVG paths: 1 'slechter', 1 'beter', 2 'vergelijkbaar' and the grey neighbours
    assert fills.count("rgb(204, 51, 17)") == 1 and fills.count("rgb(0, 153, 136)") == 1
    assert fills.count("rgb(187, 187, 187)") == 2 and fills.count("rgb(221, 221, 221)") > 20
    png = fig.to_image(format="png", width=700, height=560)
    image = Image.open(io.BytesIO(png)).convert("RGB")
    counts = colour_pixels(image, [(204, 51, 17), (0, 153, 136)])
    assert counts[(204, 51, 17)] > 500 and counts[(0, 153, 136)] > 100


def colour_pixels(image, colours, tolerance: int = 12) -> dict:
    """How many pixels of `image` lie within `tolerance` (per channel) of each colour."""
    pixels = np.asarray(image.convert("RGB"), dtype=int)
    return {c: int((np.abs(pixels - np.array(c)).max(axis=2) <= tolerance).sum()) for c in colours}


def test_shipped_boundaries_are_small_and_keyed_by_gm_code():
    assert map_year(2016) == 2017 and map_year(2019) == 2024
    geo = boundaries(2017)
    ids = {f["id"] for f in geo["features"]}
    assert len(ids) == 388 and "GM1924" in ids  # CBS: 388 municipalities on 1 January 2017
    assert len(boundaries(2024)["features"]) == 342


def test_change_chart_does_not_draw_a_non_significant_improvement_as_one():
    trend = pd.DataFrame({
        "gemeente": ["G", "G"], "indicator": ["TT3", "TT1"], "label": ["Veiligheid", "Hulpvraag"],
        "van_soort": ["onderzoek"] * 2, "van_datum": pd.to_datetime(["2016-10-11"] * 2), "van_k": [2, 4], "van_n": [14, 14],
        "van_percentage": [200 / 14, 400 / 14], "naar_soort": ["hertoets"] * 2, "naar_datum": pd.to_datetime(["2017-04-20"] * 2),
        "naar_k": [8, 6], "naar_n": [14, 14], "naar_percentage": [800 / 14, 600 / 14],
        "verschil_pp": [42.857, 14.286], "ondergrens_pp": [7.3, -20.1], "bovengrens_pp": [66.7, 44.0], "significant": [True, False],
    })
    trend = judged(judged(trend, "van_"), "naar_")
    fig = change_chart(trend, "Verandering")
    by_name = {t.name: t for t in fig.data}
    assert set(by_name) == {"verbeterd (significant)", "niet significant"}
    better, unsure = by_name["verbeterd (significant)"], by_name["niet significant"]
    assert list(better.y) == ["TT3 Veiligheid"] and better.marker.symbol == "circle" and better.marker.color == COMPARISON_COLOURS["beter"]
    assert list(unsure.y) == ["TT1 Hulpvraag"] and unsure.marker.symbol == "circle-open" and unsure.marker.color != COMPARISON_COLOURS["beter"]
    assert better.error_x.arrayminus[0] == pytest.approx(42.857 - 7.3)
    assert "onderzoek 11-10-2016: 2 van 14 (14,3%)" in better.hovertext[0]
    assert "hertoets 20-04-2017: 8 van 14 (57,1%)" in better.hovertext[0]
    assert change_text(trend.iloc[0]) == "+42,9 pp (95%-interval +7,3 tot +66,7; significant)"
    assert change_text(trend.iloc[1]) == "+14,3 pp (95%-interval −20,1 tot +44,0; niet significant)"
    assert fig.layout.shapes[0].x0 == 0  # the zero line


def test_visit_profile_marks_visits_by_soort_and_the_benchmark():
    frame = SAMPLE.iloc[:2].copy()
    frame["gemeente"] = "Goeree-Overflakkee"
    frame["soort"] = ["onderzoek", "hertoets"]
    frame["datum"] = pd.to_datetime(["2016-10-11", "2017-04-20"])
    frame["norm"] = [100.0, 100.0]
    fig = visit_profile(frame, "Goeree-Overflakkee: thema TT")
    names = [t.name for t in fig.data]
    assert names == ["benchmark (onderzoek)", "norm", "onderzoek 11-10-2016", "hertoets 20-04-2017"]
    first = fig.data[2]
    assert list(first.marker.symbol) == ["circle"] and first.marker.color[0] == COMPARISON_COLOURS["slechter"]
    assert "2 van 14" in first.hovertext[0] and "norm 100%" in first.hovertext[0]
    # onderzoek and hertoets of one indicator are dodged: one above the other, each with its own interval
    second = fig.data[3]
    assert first.y[0] != second.y[0] and abs(first.y[0] - second.y[0]) >= 0.3
    assert -0.5 < first.y[0] < 0.5 and -0.5 < second.y[0] < 0.5 and fig.data[0].y[0] == 0  # benchmark in the middle
    assert first.error_x.array[0] == pytest.approx(39.9 - 200 / 14) and second.error_x.arrayminus[0] == pytest.approx(700 / 9 - 45.3)
    assert list(fig.layout.yaxis.ticktext) == ["TT3 Veiligheid ingeschat"]


def test_theme_years_pool_per_year_with_intervals_and_show_the_spread():
    pooled = pd.DataFrame({"jaar": [2016, 2017], "k": [30, 45], "n": [100, 90], "percentage": [30.0, 50.0],
                           "ondergrens": [22.0, 40.0], "bovengrens": [39.5, 60.0], "gemeenten": [3, 2]}).pipe(judged)
    spread = pd.DataFrame({"jaar": [2016, 2016, 2017], "gemeente": ["A", "B", "C"], "k": [1, 20, 3], "n": [4, 50, 6],
                           "percentage": [25.0, 40.0, 50.0], "ondergrens": [4.6, 27.6, 18.8], "bovengrens": [69.9, 53.5, 81.2]}).pipe(judged)
    fig = theme_years(pooled, spread, "Naleving per jaar — Veiligheid")
    dots, line = fig.data
    assert list(line.x) == ["2016", "2017"] and list(line.text) == ["30 van 100", "45 van 90"]
    assert line.error_y.array[0] == pytest.approx(9.5) and line.error_y.arrayminus[1] == pytest.approx(10.0)
    assert list(dots.marker.symbol) == ["circle-open", "circle", "circle"]
    assert "1 van 4 (klein aantal)" in dots.hovertext[0]


def test_weakest_chart_links_bars_to_study_and_indicator():
    frame = pd.DataFrame({"onderzoek": ["kg-2017"], "indicator": ["TT3"], "label": ["Veiligheid"], "k": [2], "n": [14],
                          "percentage": [200 / 14], "ondergrens": [4.0], "bovengrens": [39.9]}).pipe(judged)
    fig = weakest_chart(frame, "Zwakste")
    bar = fig.data[0]
    assert list(bar.customdata[0]) == ["kg-2017", "TT3"] and list(fig.data[1].text) == ["2 van 14"]
    assert 39.9 < fig.data[1].x[0] < 39.9 + 5  # next to its bar, just right of the interval's end (39,9%)
    assert list(bar.y) == ["kg-2017 · TT3 Veiligheid"]
    assert fig.layout.showlegend is False  # one series: no legend to sit on the subtitle


def test_long_labels_wrap_instead_of_being_cut():
    text = "so-2016 · JB5 Prioritering op problematiek van het hele gezin"
    frame = pd.DataFrame({"onderzoek": ["so-2016"], "indicator": ["JB5"], "label": ["Prioritering op problematiek van het hele gezin"],
                          "k": [14], "n": [64], "percentage": [1400 / 64], "ondergrens": [13.5], "bovengrens": [33.4]}).pipe(judged)
    label = weakest_chart(frame, "Zwakste").data[0].y[0]
    assert label.replace("<br>", " ") == text  # every word, none cut
    assert all(len(line) <= 44 for line in label.split("<br>"))


def test_charts_mark_small_numbers_from_the_frames_klein_aantal_column():
    # A frame whose rule says otherwise than n < 5 (as a future SMALL_N would): the charts follow the column.
    frame = SAMPLE.copy()
    frame["klein_aantal"] = [False, True, False, False]  # Brielle (n = 9) marked, Westvoorne (n = 4) not
    heat = np.array(comparison_heatmap(frame, "t").data[0].text)
    assert list(heat[:, 0]) == ["2/14", "7/9*", "3/4", "12/12"]
    bars = municipality_bars(frame, "t")
    labels = dict(zip(bars.data[-1].y, bars.data[-1].text))
    assert labels["Brielle"] == "7 van 9 (klein aantal)" and labels["Westvoorne"] == "3 van 4"


def test_a_long_subtitle_stays_above_the_heatmap_and_keeps_n_less_than_5_together():
    """The title block is anchored at the top (not centred in the margin, where its last lines ran into the
    indicator labels on top), and a wrapped subtitle never breaks '(n < 5)'."""
    subtitle = "kg-2017, onderzoek, 6 gemeente(n); gestreept = klein aantal (n < 5)<br>benchmark: provincie Zuid-Holland"
    fig = municipality_bars(SAMPLE, "TT3: naleving per gemeente", subtitle)
    text = fig.layout.title.text
    assert fig.layout.title.yanchor == "top" and fig.layout.title.yref == "container"
    assert "(n\u00a0<\u00a05)" in text and "(n <" not in text.replace("\u00a0", " ").split("<br>")[0][-4:]
    lines = text.count("<br>") + 1
    assert fig.layout.margin.t >= 18 * lines  # every line of the block has room above the plot
