"""The house style every figure shares: palette, fonts, Dutch number and date formatting.

Colours are from Paul Tol's colour-blind-safe palettes (https://personal.sron.nl/~pault/): one fixed
colour per benchmark comparison and per Jaarbeeld-thema, so a colour means the same on every page and in print.
"""

from __future__ import annotations

from reference.dutch import dutch_date, dutch_number, dutch_percent, k_of_n  # noqa: F401  (the house style formats with these)
from reference.vocab import SMALL_N_NOTE, YEARBOOK_THEMES  # noqa: F401

def plain(text) -> str:
    """Workbook text (a team, a study id) as literal text inside a plotly label or hover: plotly reads a subset of
    HTML there (<a href>, <b>, <br>, …), so `&`, `<` and `>` are written as entities and show as typed."""
    return str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


FONT_FAMILY = "Arial, 'Liberation Sans', 'DejaVu Sans', sans-serif"
FONT_SIZE = 13
TEXT_COLOUR = "#222222"
GRID_COLOUR = "#E5E5E5"

# Benchmark comparison (DESIGN §7): Tol "bright"/"vibrant" picks that stay apart for every colour-vision type.
COMPARISON_COLOURS = {
    "beter": "#009988",  # teal
    "vergelijkbaar": "#BBBBBB",  # grey
    "slechter": "#CC3311",  # red
    "": "#FFFFFF",  # geen oordeel
    # The second level (also at 99,8%): a darker shade of the same hue, so the side stays readable without colour
    # vision and the strength reads as darkness. Both take white text (contrast 7,6:1 and 9,2:1).
    "duidelijk beter": "#005F56",  # dark teal
    "duidelijk slechter": "#882211",  # dark red
}
YEARBOOK_COLOURS = {
    "vroegsignalering": "#0077BB",  # blue
    "eigen-kracht": "#EE7733",  # orange
    "veiligheid": "#AA3377",  # purple
}
YEARBOOK_NAMES = YEARBOOK_THEMES
NEUTRAL = "#4477AA"  # a single series without meaning attached
BENCHMARK_COLOUR = "#222222"
OUTSIDE_COLOUR = "#DDDDDD"  # municipalities outside the study on a map
SMALL_N_SYMBOL = "circle-open"  # klein_aantal: hollow marker, and '(klein aantal)' in the label


def apply_house_style(fig, title: str | None = None, subtitle: str | None = None, height: int | None = None):
    """Fonts, colours, white background, Dutch separators (decimal comma, thousands dot); returns fig."""
    text = None
    if title:
        text = f"<b>{title}</b>" + (f"<br><span style='font-size:0.8em'>{subtitle}</span>" if subtitle else "")
    fig.update_layout(
        font=dict(family=FONT_FAMILY, size=FONT_SIZE, color=TEXT_COLOUR),
        title=dict(text=text, x=0, xanchor="left") if text else None,
        paper_bgcolor="white",
        plot_bgcolor="white",
        separators=",.",
        margin=dict(l=10, r=10, t=70 if text else 20, b=10),
        hoverlabel=dict(font=dict(family=FONT_FAMILY)),
        legend=dict(orientation="h", yanchor="bottom", y=1.0, xanchor="left", x=0),
    )
    if height:
        fig.update_layout(height=height)
    fig.update_xaxes(gridcolor=GRID_COLOUR, zerolinecolor=GRID_COLOUR)
    fig.update_yaxes(gridcolor=GRID_COLOUR, zerolinecolor=GRID_COLOUR)
    return fig
