"""charts.print, the Jaarbeeld's print style, on small hand-made frames: figure number, title block, source line,
small-number marking from the frame's klein_aantal, Dutch texts and the A4 presets."""

from __future__ import annotations

import pandas as pd
import pytest

from charts.print import (
    PRESETS,
    SMALL_N_OPACITY,
    compliance_bars,
    rounded_interval_text,
    source_line,
    subtitle_text,
    themes_chart,
    trend_chart,
    wrap_label,
)
from charts.style import YEARBOOK_COLOURS

TWO = PRESETS["twee-kolommen"]


def frame(rows) -> pd.DataFrame:
    """(naam, k, n, ondergrens, bovengrens, klein_aantal, oordeel) → what metrics.with_rates gives, written out by hand."""
    out = pd.DataFrame(rows, columns=["naam", "k", "n", "ondergrens", "bovengrens", "klein_aantal", "oordeel"])
    out["percentage"] = [100 * k / n if n else float("nan") for k, n in zip(out["k"], out["n"])]
    return out


SAMPLE = frame([
    ("Goeree-Overflakkee", 2, 14, 4.0, 39.9, False, "2 van 14"),
    ("Westvoorne", 3, 4, 30.1, 95.4, True, "3 van 4"),
    ("Brielle", 0, 0, float("nan"), float("nan"), True, "geen oordeel"),
])


def annotation_texts(fig) -> list[str]:
    return [a.text for a in fig.layout.annotations]


def test_presets_are_a4_column_widths_at_300_dpi():
    assert TWO.width_px == round(170 / 25.4 * 96) == 643
    assert PRESETS["een-kolom"].width_px == round(82 / 25.4 * 96) == 310
    assert TWO.png_scale == pytest.approx(300 / 96)


def test_texts_of_the_title_block_and_source_line():
    assert subtitle_text(["Signaleren van onveiligheid", "Toezicht wijkteams"], pd.Timestamp("2016-03-01"),
                         pd.Timestamp("2016-10-20")) == "Signaleren van onveiligheid, Toezicht wijkteams; veldwerk maart\u00a0–\u00a0oktober 2016"
    assert subtitle_text(["X"], None, None) == "X"
    assert source_line(["Toezicht wijkteams"], 2016, 1234, 86) == (
        "Bron: Toezicht Sociaal Domein, dossieronderzoek Toezicht wijkteams (2016); n = 1.234 beoordelingen in 86 dossiers")
    assert source_line(["A", "B"], 2017, 9) == "Bron: Toezicht Sociaal Domein, dossieronderzoek A, B (2017); n = 9 beoordelingen"
    assert rounded_interval_text(4.04, 39.9) == "4–40%"
    assert wrap_label("Veiligheid kinderen bewaakt bij hulp aan ouders", 20) == "Veiligheid kinderen<br>bewaakt bij hulp aan<br>ouders"


def test_compliance_bars_number_the_figure_and_mark_small_numbers_from_klein_aantal():
    fig = compliance_bars(SAMPLE, "naam", 3, "Veiligheid: naleving per gemeente, 2016", "Toezicht wijkteams", "Bron: X; n = 18",
                          TWO, "#AA3377")
    bar, labels = fig.data
    assert list(labels.text) == ["14% (2 van 14)", "75% (3 van 4, klein aantal)", "geen oordeel"]
    assert list(bar.marker.opacity) == [1, SMALL_N_OPACITY, SMALL_N_OPACITY]
    texts = annotation_texts(fig)
    assert texts[0] == "<b>Figuur 3. Veiligheid: naleving per gemeente, 2016</b>"
    assert texts[1] == "Toezicht wijkteams"
    assert texts[2] == "Bron: X; n\u00a0=\u00a018 · lichte balk: klein aantal (n < 5)"
    assert fig.layout.width == TWO.width_px and fig.layout.separators == ",."


def test_no_small_number_note_when_no_row_is_marked():
    fig = compliance_bars(SAMPLE.iloc[:1], "naam", 1, "T", "S", "Bron: X", TWO, "#AA3377", reference=30.0, reference_label="thema")
    assert annotation_texts(fig)[-1] == "Bron: X"
    assert "thema 30%" in annotation_texts(fig)
    assert fig.layout.shapes[0].x0 == 30.0


def test_trend_chart_prints_percentage_and_the_frames_oordeel_per_year():
    years = frame([(2016, 14, 40, 22.0, 50.8, False, "14 van 40"), (2017, 3, 4, 30.1, 95.4, True, "3 van 4")])
    years = years.rename(columns={"naam": "jaar"})
    fig = trend_chart(years, 5, "Veiligheid: naleving per jaar", "Alle onderzoeken", "Bron: Y", TWO, "#AA3377")
    assert list(fig.data[1].text) == ["35%<br>(14 van 40)", "75%<br>(3 van 4)"]
    assert list(fig.data[0].x) == ["2016", "2017"]
    assert annotation_texts(fig)[0] == "<b>Figuur 5. Veiligheid: naleving per jaar</b>"


def test_themes_chart_gives_each_jaarbeeld_theme_its_fixed_colour():
    themes = frame([("x", 10, 20, 29.9, 70.1, False, "10 van 20"), ("y", 5, 10, 23.7, 76.3, False, "5 van 10")])
    themes["jaarbeeld_thema"] = ["eigen-kracht", "veiligheid"]
    fig = themes_chart(themes, 1, "Naleving per Jaarbeeld-thema, 2016", "S", "Bron: Z", TWO)
    assert list(fig.data[0].marker.color) == [YEARBOOK_COLOURS["eigen-kracht"], YEARBOOK_COLOURS["veiligheid"]]
    assert list(fig.data[0].y) == ["Eigen kracht", "Veiligheid"]
    assert list(fig.data[1].text) == ["50% (10 van 20)", "50% (5 van 10)"]
