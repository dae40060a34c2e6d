"""Print house style for publication figures (Jaarbeeld): figure number, title, subtitle with studies and fieldwork
period, a source line, Dutch decimal comma, the fixed colour per Jaarbeeld-thema, and A4 column presets.

Built on charts.style. Sizes are in CSS pixels (96 per inch), so a PNG exported with `png_scale` has 300 dpi at the
preset's print width. Plotly SVG does not embed fonts: the stack names fonts every viewer has (Arial/Helvetica,
or their metric twin Liberation Sans), so a designer opening the SVG sees the same line breaks.
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass

import pandas as pd
import plotly.graph_objects as go

from charts.style import (
    GRID_COLOUR,
    NEUTRAL,
    SMALL_N_NOTE,
    TEXT_COLOUR,
    YEARBOOK_COLOURS,
    YEARBOOK_NAMES,
    dutch_number,
    dutch_percent,
)
from reference.dutch import period_text
from reference.vocab import NO_JUDGEMENT, SMALL_N_MARK

__all__ = ["period_text"]  # re-exported (reference.dutch) for the Jaarbeeld document

PRINT_FONT_FAMILY = "Arial, Helvetica, 'Liberation Sans', 'DejaVu Sans', sans-serif"
CSS_DPI = 96
PRINT_DPI = 300
MM_PER_INCH = 25.4
SOURCE_COLOUR = "#555555"
SMALL_N_OPACITY = 0.45


@dataclass(frozen=True)
class PrintPreset:
    """A figure size for an A4 page (text width 170 mm in two columns of 82 mm)."""

    key: str
    label: str
    width_mm: float
    font_pt: float
    wrap: int  # characters per category label line

    @property
    def width_px(self) -> int:
        return round(self.width_mm / MM_PER_INCH * CSS_DPI)

    @property
    def png_scale(self) -> float:
        """Scale factor for a PNG of PRINT_DPI at the print width."""
        return PRINT_DPI / CSS_DPI

    @property
    def font_px(self) -> float:
        return self.font_pt / 72 * CSS_DPI


PRESETS = {
    "een-kolom": PrintPreset("een-kolom", "één kolom (82 mm)", 82, 7.5, 26),
    "twee-kolommen": PrintPreset("twee-kolommen", "twee kolommen (170 mm)", 170, 9, 48),
}


def wrap_label(text: str, width: int) -> str:
    """A category label broken into lines of at most `width` characters (plotly breaks on <br>)."""
    return "<br>".join(textwrap.wrap(str(text), width=width, break_long_words=False, break_on_hyphens=False)) or str(text)


def subtitle_text(studies: list[str], first, last) -> str:
    """'Signaleren van onveiligheid, Toezicht wijkteams; veldwerk maart – oktober 2016'."""
    period = period_text(first, last)
    return ", ".join(studies) + (f"; veldwerk {period}" if period else "")


def source_line(studies: list[str], year: int, n: int, dossiers: int | None = None) -> str:
    """The source line under a figure: 'Bron: Toezicht Sociaal Domein, dossieronderzoek …; n = …'."""
    count = f"n = {dutch_number(n, 0)} beoordelingen" + (f" in {dutch_number(dossiers, 0)} dossiers" if dossiers else "")
    return f"Bron: Toezicht Sociaal Domein, dossieronderzoek {', '.join(studies)} ({year}); {count}"


def theme_colour(theme: str | None) -> str:
    """The fixed colour of a Jaarbeeld-thema (neutral for anything else)."""
    return YEARBOOK_COLOURS.get(theme or "", NEUTRAL)


def rounded_interval_text(low, high) -> str:
    """'34–41%': a 95% interval in whole percents, as captions print it."""
    return f"{dutch_number(low, 0)}–{dutch_percent(high, 0)}"


def label_width_px(labels: list[str], preset: PrintPreset) -> int:
    """Room for the longest category label line (Arial averages about half an em per character)."""
    longest = max((len(line) for lab in labels for line in str(lab).split("<br>")), default=0)
    return round(longest * preset.font_px * 0.9 * 0.52) + 10


def apply_print_style(fig: go.Figure, number: int, title: str, subtitle: str, source: str, preset: PrintPreset,
                      plot_rows: float, left: int = 40) -> go.Figure:
    """Figure number and title, subtitle, source line, fonts and size for print; `plot_rows` sets the plot height
    in text lines, `left` the room for the axis labels. Returns fig."""
    size = preset.font_px
    line = size * 1.3  # plotly's line height for multi-line text
    title_html = wrap_label(f"Figuur {number}. {title}", round(preset.wrap * 1.45))
    subtitle_html = wrap_label(subtitle, round(preset.wrap * 1.75))
    source_html = wrap_label(source.replace("n = ", "n\u00a0=\u00a0"), round(preset.wrap * 2.0))  # keep "n = 64" together
    # The title block is made of annotations anchored on the plot area, sized from their line counts: plotly.js
    # versions (kaleido's, Streamlit's) place `layout.title` and its subtitle differently, annotations the same.
    gap = size * 1.7  # room for a reference label ("thema 52%") just above the plot
    subtitle_height = (subtitle_html.count("<br>") + 1) * line * 0.92
    title_height = (title_html.count("<br>") + 1) * line * 1.15
    top = round(gap + subtitle_height + size * 0.5 + title_height + size * 0.9)
    bottom = round(size * 2.6 + line * 0.85 * (source_html.count("<br>") + 1) + size * 0.6)
    right = 12
    height = round(top + bottom + plot_rows * line)
    plot_width = preset.width_px - left - right
    x_left = -(left - 4) / plot_width
    block = dict(x=x_left, xref="paper", xanchor="left", y=1, yref="paper", yanchor="bottom", showarrow=False, align="left")
    fig.update_layout(
        width=preset.width_px,
        height=height,
        font=dict(family=PRINT_FONT_FAMILY, size=size, color=TEXT_COLOUR),
        title=None,
        paper_bgcolor="white",
        plot_bgcolor="white",
        separators=",.",
        showlegend=False,
        margin=dict(l=left, r=right, t=top, b=bottom, autoexpand=False),
        annotations=list(fig.layout.annotations or []) + [
            block | dict(text=f"<b>{title_html}</b>", yshift=round(gap + subtitle_height + size * 0.5),
                         font=dict(size=size * 1.15, color=TEXT_COLOUR)),
            block | dict(text=subtitle_html, yshift=round(gap), font=dict(size=size * 0.92, color=SOURCE_COLOUR)),
            dict(text=source_html, x=x_left, xref="paper", xanchor="left", y=0, yref="paper",
                 yshift=-round(size * 2.4), yanchor="top", showarrow=False, align="left",
                 font=dict(size=size * 0.85, color=SOURCE_COLOUR)),
        ],
    )
    fig.update_xaxes(gridcolor=GRID_COLOUR, zerolinecolor=GRID_COLOUR, linecolor="#888888", tickfont=dict(size=size * 0.9))
    fig.update_yaxes(gridcolor=GRID_COLOUR, zerolinecolor=GRID_COLOUR, tickfont=dict(size=size * 0.9), automargin=False)
    return fig


PERCENT_TICKS = dict(tickvals=[0, 25, 50, 75, 100], ticktext=["0%", "25%", "50%", "75%", "100%"])


def compliance_bars(frame: pd.DataFrame, label_column: str, number: int, title: str, subtitle: str, source: str,
                    preset: PrintPreset, colour: str | list[str], reference: float | None = None,
                    reference_label: str = "totaal") -> go.Figure:
    """Horizontal bars of compliance (percentage) per row of `frame` with the 95% Wilson interval and 'k van n'
    beside it (the frame's `oordeel`); rows marked `klein_aantal` lighter and marked; an optional dashed reference
    line (e.g. the pooled rate)."""
    frame = frame.reset_index(drop=True)
    labels = [wrap_label(x, preset.wrap) for x in frame[label_column]]
    colours = colour if isinstance(colour, list) else [colour] * len(frame)
    small = frame["klein_aantal"].astype(bool).tolist()
    texts = [
        f"{dutch_percent(p, 0)} ({o}{', ' + SMALL_N_MARK if s else ''})" if n > 0 else NO_JUDGEMENT
        for p, o, n, s in zip(frame["percentage"], frame["oordeel"], frame["n"], small)
    ]
    upper = frame["bovengrens"].fillna(0)
    fig = go.Figure([
        go.Bar(
            x=frame["percentage"].fillna(0), y=labels, orientation="h",
            marker=dict(color=colours, opacity=[SMALL_N_OPACITY if s else 1 for s in small], line=dict(width=0)),
            error_x=dict(type="data", symmetric=False, array=(upper - frame["percentage"]).fillna(0),
                         arrayminus=(frame["percentage"] - frame["ondergrens"]).fillna(0), color="#333333",
                         thickness=1, width=3),
            customdata=texts, hovertemplate="%{y}: %{customdata}<extra></extra>",
        ),
        go.Scatter(x=upper + 1.5, y=labels, mode="text", text=texts, textposition="middle right", cliponaxis=False,
                   textfont=dict(size=preset.font_px * 0.85), hoverinfo="skip"),
    ])
    if reference is not None and not pd.isna(reference):
        fig.add_vline(x=reference, line=dict(color=TEXT_COLOUR, width=1, dash="dash"), layer="below")
        fig.add_annotation(x=reference, y=1, yref="paper", yanchor="bottom", showarrow=False,
                           text=f"{reference_label} {dutch_percent(reference, 0)}", font=dict(size=preset.font_px * 0.8))
    fig.update_yaxes(autorange="reversed", showgrid=False, type="category")
    fig.update_xaxes(range=[0, 142], title=None, **PERCENT_TICKS)
    rows = sum(lab.count("<br>") + 1 for lab in labels) + len(labels) * 0.9 + (1 if reference is not None else 0)
    return apply_print_style(fig, number, title, subtitle,
                             source + (f" · lichte balk: {SMALL_N_NOTE}" if any(small) else ""), preset,
                             rows, left=label_width_px(labels, preset))


def trend_chart(frame: pd.DataFrame, number: int, title: str, subtitle: str, source: str, preset: PrintPreset,
                colour: str) -> go.Figure:
    """Compliance per fieldwork year (column `jaar`) with the 95% interval and 'k van n' above each point."""
    frame = frame.reset_index(drop=True)
    years = frame["jaar"].astype(str)
    texts = [f"{dutch_percent(p, 0)}<br>({o})" for p, o in zip(frame["percentage"], frame["oordeel"])]
    fig = go.Figure([
        go.Scatter(
            x=years, y=frame["percentage"], mode="lines+markers",
            line=dict(color=colour, width=2), marker=dict(color=colour, size=preset.font_px * 0.8),
            error_y=dict(type="data", symmetric=False, array=frame["bovengrens"] - frame["percentage"],
                         arrayminus=frame["percentage"] - frame["ondergrens"], color=colour, thickness=1, width=4),
            customdata=texts, hovertemplate="%{x}: %{customdata}<extra></extra>",
        ),
        go.Scatter(x=years, y=frame["bovengrens"] + 2, mode="text", text=texts, textposition="top center",
                   cliponaxis=False, textfont=dict(size=preset.font_px * 0.85), hoverinfo="skip"),
    ])
    fig.update_yaxes(range=[0, 118], **PERCENT_TICKS)
    fig.update_xaxes(type="category", showgrid=False)
    return apply_print_style(fig, number, title, subtitle, source, preset, 9,
                             left=label_width_px(["100%"], preset) + 6)


def themes_chart(frame: pd.DataFrame, number: int, title: str, subtitle: str, source: str,
                 preset: PrintPreset) -> go.Figure:
    """The year's compliance per Jaarbeeld-thema, each bar in its fixed colour."""
    frame = frame.assign(_naam=frame["jaarbeeld_thema"].map(YEARBOOK_NAMES))
    return compliance_bars(frame, "_naam", number, title, subtitle, source, preset,
                           [theme_colour(t) for t in frame["jaarbeeld_thema"]])
