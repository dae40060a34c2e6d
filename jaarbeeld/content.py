"""What a Jaarbeeld holds for one year: per Jaarbeeld-thema the figures (print style) with their numbers and a
generated Dutch caption, the findings grouped as risks and what goes well with their sources, the framework items;
and the year's visits and reports. Built from metrics DataFrames only (never SQL), in the order of Jaarbeeld 2016.
"""

from __future__ import annotations

import re

from dataclasses import dataclass, field, replace

import pandas as pd
import plotly.graph_objects as go

from charts.print import (
    PRESETS,
    PrintPreset,
    compliance_bars,
    rounded_interval_text,
    source_line,
    subtitle_text,
    theme_colour,
    themes_chart,
    trend_chart,
)
from charts.style import YEARBOOK_NAMES, dutch_number, dutch_percent
from metrics.jaarbeeld import (
    jaarbeeld_findings,
    jaarbeeld_framework_items,
    jaarbeeld_municipalities,
    jaarbeeld_studies,
    jaarbeeld_theme_studies,
    jaarbeeld_themes,
    jaarbeeld_trend,
    jaarbeeld_visits,
    jaarbeeld_weakest,
)
from metrics.overview import default_demo
from metrics.stats import newcombe_difference
from reference.access import LOCAL_VIEWER, Viewer
from reference.dutch import month_year, period_text
from reference.vocab import FINDING_SEVERITY, SMALL_N, SMALL_N_MARK

THEMES = list(YEARBOOK_NAMES)  # the order of Jaarbeeld 2016: Vroegsignalering en preventie, Eigen kracht, Veiligheid
FINDING_HEADINGS = {"risico": "Risico's en knelpunten in de praktijk", "gaat goed": "Wat goed gaat"}


@dataclass
class FigureSpec:
    """One publication figure: its number, file stem, texts, the numbers behind it and the plotly figure (a Figure, or
    its `to_dict()` in a yearbook from `with_plain_figures`)."""

    number: int
    stem: str
    theme: str | None
    title: str
    subtitle: str
    caption: str
    source: str
    data: pd.DataFrame
    figure: go.Figure | dict
    preset: str = "twee-kolommen"

    @property
    def label(self) -> str:
        return f"Figuur {self.number}. {self.title}"

    def plotly_figure(self) -> go.Figure:
        """The figure as a plotly Figure. A plain dict came from a validated Figure's to_dict(), so it is not
        validated again (that costs as much as building the figure)."""
        return go.Figure(self.figure, _validate=False) if isinstance(self.figure, dict) else self.figure


@dataclass
class ThemeSection:
    theme: str
    name: str
    colour: str
    totals: dict | None
    figures: list[FigureSpec] = field(default_factory=list)
    risks: pd.DataFrame = field(default_factory=pd.DataFrame)
    goes_well: pd.DataFrame = field(default_factory=pd.DataFrame)
    framework_items: pd.DataFrame = field(default_factory=pd.DataFrame)


@dataclass
class Yearbook:
    year: int
    demo: bool
    studies: pd.DataFrame
    overview: FigureSpec | None
    sections: list[ThemeSection]
    findings: pd.DataFrame
    framework_items: pd.DataFrame
    visits: pd.DataFrame

    @property
    def figures(self) -> list[FigureSpec]:
        return ([self.overview] if self.overview else []) + [f for s in self.sections for f in s.figures]

    @property
    def reports(self) -> pd.DataFrame:
        """The year's products: one row per report published in the year (by title), with its municipalities."""
        return reports_of(self.visits)

    def with_plain_figures(self) -> "Yearbook":
        """The same yearbook with every figure as its plain dict: what a result cache pickles and unpickles in
        milliseconds, where unpickling a plotly Figure validates every property again (tens of ms a figure)."""
        def plain(spec: FigureSpec | None) -> FigureSpec | None:
            if spec is None or isinstance(spec.figure, dict):
                return spec
            return replace(spec, figure=spec.figure.to_dict())

        sections = [replace(s, figures=[plain(f) for f in s.figures]) for s in self.sections]
        return replace(self, overview=plain(self.overview), sections=sections)


def pct(row) -> str:
    """'37% (95%-interval 34–41%)'."""
    return f"{dutch_percent(row['percentage'], 0)}; 95%-interval {rounded_interval_text(row['ondergrens'], row['bovengrens'])}"


def grouped_findings(frame: pd.DataFrame) -> pd.DataFrame:
    """Identical findings of one study (same theme, soort and text in several municipalities) as one row with all
    their sources: 'Zie: <study>: Assen (maart 2016), Emmen (maart 2016)' or the report titles joined."""
    if frame.empty:
        return frame.assign(bronnen=pd.Series(dtype=object), gemeenten=pd.Series(dtype=object))
    rows = []
    keys = ["jaarbeeld_thema", "groep", "soort", "onderzoek", "tekst"]
    for key, part in frame.groupby(keys, sort=False):
        part = part.drop_duplicates(["bezoek"])
        if part["rapport"].isna().all():
            # One study without report titles: 'Zie: <study>, Assen, Emmen en Ede (maart – mei 2016)'.
            places = list(dict.fromkeys(part["gemeente"]))
            listed = places[0] if len(places) == 1 else ", ".join(places[:-1]) + " en " + places[-1]
            if len(places) > 6:  # the full list is in the XLSX, one row per visit
                listed = f"{len(places)} gemeenten"
            when = period_text(part["bezoekdatum"].min(), part["bezoekdatum"].max())
            sources = f"Zie: {part['onderzoeksnaam'].iloc[0]}, {listed}" + (f" ({when})" if when else "")
        else:
            # One entry per report series ("… (RIGG), 23 gemeenten, februari 2016"), as Jaarbeeld 2016 cites one
            # title; a series is a report title with its municipality left out. The full list stays in the XLSX.
            entries = []
            titles = part["rapport"].where(part["rapport"].notna(), part["onderzoeksnaam"])
            series = [re.sub(rf"(\s+in)?\s+{re.escape(place)}$", "", str(title)) for title, place in zip(titles, part["gemeente"])]
            for name, group in part.groupby(series, sort=False):
                places = list(dict.fromkeys(group["gemeente"]))
                summary = group["samenvattend_rapport"].dropna().unique() if "samenvattend_rapport" in group else []
                if len(summary) == 1 and group["samenvattend_rapport"].notna().all():
                    entries.append(str(summary[0]))  # "Samenvattend rapport Signaleren van onveiligheid"
                elif len(places) > 1:
                    dated = group["publicatiedatum"].where(group["publicatiedatum"].notna(), group["bezoekdatum"])
                    when = period_text(dated.min(), dated.max())
                    entries.append(f"{name}, {len(places)} gemeenten" + (f", {when}" if when else ""))
                else:
                    entries += [b.removeprefix("Zie: ") for b in group["bron"].drop_duplicates()]
            sources = "Zie: " + "; ".join(entries)
        rows.append(dict(zip(keys, key)) | {
            "onderzoeksnaam": part["onderzoeksnaam"].iloc[0], "koppeling": part["koppeling"].iloc[0],
            "gemeenten": ", ".join(part["gemeente"]), "bronnen": sources})
    out = pd.DataFrame(rows)
    return out.sort_values(["soort", "onderzoek"], key=lambda s: s.map(FINDING_SEVERITY) if s.name == "soort" else s,
                           kind="stable").reset_index(drop=True)


def reports_of(visits: pd.DataFrame) -> pd.DataFrame:
    """The year's products: one row per report title published in the year (month year, municipalities, study)."""
    published = visits[visits["rapport_dit_jaar"] & visits["rapport"].notna()]
    if published.empty:
        return pd.DataFrame(columns=["rapport", "publicatie", "onderzoek", "gemeenten"])
    out = published.groupby(["rapport", "onderzoek"], as_index=False).agg(
        publicatiedatum=("publicatiedatum", "min"), gemeenten=("gemeente", lambda s: ", ".join(sorted(set(s)))))
    out["publicatie"] = out["publicatiedatum"].map(month_year)
    out = out.sort_values(["publicatiedatum", "rapport"]).reset_index(drop=True)
    return out[["rapport", "publicatie", "onderzoek", "gemeenten"]]


def _studies_label(names: list[str]) -> list[str]:
    return [n.removesuffix(" (demo)") for n in names]


@dataclass
class _Inputs:
    """The metrics frames of one year and what every figure step shares (the running figure number)."""

    year: int
    preset: PrintPreset
    studies: pd.DataFrame
    themes: pd.DataFrame
    weakest: pd.DataFrame
    per_study: pd.DataFrame
    per_municipality: pd.DataFrame
    trend: pd.DataFrame
    names: dict
    number: int = 0

    def next_number(self) -> int:
        self.number += 1
        return self.number

    def context(self, study_ids) -> tuple[str, list[str]]:
        """The subtitle (study names and fieldwork period) and the study names of `study_ids`, in the year's order."""
        ids = [s for s in self.studies["onderzoek"] if s in set(study_ids)]
        part = self.studies[self.studies["onderzoek"].isin(ids)]
        labels = [self.names[s] for s in ids]
        return subtitle_text(labels, part["eerste_bezoek"].min(), part["laatste_bezoek"].max()), labels

    def dossiers_of(self, study_ids) -> int:
        return int(self.studies.loc[self.studies["onderzoek"].isin(set(study_ids)), "dossiers"].sum())


def _overview_figure(inp: _Inputs) -> FigureSpec | None:
    """Figure 1: the year's compliance per Jaarbeeld-thema."""
    themes, year = inp.themes, inp.year
    if themes.empty:
        return None
    number = inp.next_number()
    ids = inp.per_study["onderzoek"].unique().tolist()
    subtitle, labels = inp.context(ids)
    source = source_line(labels, year, int(themes["n"].sum()), inp.dossiers_of(ids))
    parts = [f"bij {YEARBOOK_NAMES[r.jaarbeeld_thema]} {r.oordeel} beoordelingen ({pct(r._asdict())})"
             for r in themes.itertuples()]
    listed = parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " en " + parts[-1]
    caption = (f"In {year} voldeed {listed} aan de indicatoren van het thema, in "
               f"{dutch_number(inp.dossiers_of(ids), 0)} dossiers uit {len(inp.per_municipality['gemeentecode'].unique())} gemeenten.")
    data = themes[["jaar", "jaarbeeld_thema", "themanaam", "k", "n", "nvt", "onbekend", "percentage", "ondergrens",
                   "bovengrens", "oordeel", "onderzoeken", "gemeenten", "dossiers", "indicatoren"]]
    title = f"Naleving per Jaarbeeld-thema, {year}"
    return FigureSpec(number, f"figuur{number:02d}_themas", None, title, subtitle, caption, source, data,
                      themes_chart(themes, number, title, subtitle, source, inp.preset), inp.preset.key)


def _studies_figure(inp: _Inputs, section: ThemeSection, total: pd.DataFrame, t_studies: pd.DataFrame) -> FigureSpec:
    """A theme's pooled compliance per study and over all studies."""
    theme, name, tot, year = section.theme, section.name, section.totals, inp.year
    number = inp.next_number()
    subtitle, labels = inp.context(t_studies["onderzoek"].tolist())
    dossiers = int(tot["dossiers"])
    rows = pd.concat([t_studies.assign(naam=[inp.names[s] for s in t_studies["onderzoek"]]),
                      total.assign(naam="Alle onderzoeken", onderzoek="")], ignore_index=True)
    per = "; ".join(f"{inp.names[r.onderzoek]} {r.oordeel} ({dutch_percent(r.percentage, 0)})" for r in t_studies.itertuples())
    caption = (f"In {year} voldeed bij {name} {tot['oordeel']} beoordelingen ({pct(tot)}) aan de "
               f"indicatoren van dit thema, in {dutch_number(dossiers, 0)} dossiers uit "
               f"{int(tot['gemeenten'])} gemeenten. Per onderzoek: {per}.")
    title = f"{name}: naleving per onderzoek, {year}"
    source = source_line(labels, year, int(tot["n"]), dossiers)
    data = rows[["jaar", "jaarbeeld_thema", "onderzoek", "naam", "k", "n", "nvt", "onbekend", "percentage",
                 "ondergrens", "bovengrens", "oordeel", "gemeenten"]]
    return FigureSpec(number, f"figuur{number:02d}_{theme}_naleving", theme, title, subtitle, caption, source, data,
                      compliance_bars(rows, "naam", number, title, subtitle, source, inp.preset,
                                      [section.colour] * len(t_studies) + ["#555555"]), inp.preset.key)


def _weakest_figure(inp: _Inputs, section: ThemeSection) -> FigureSpec | None:
    """A theme's weakest indicators, against the theme's pooled rate."""
    theme, name, tot, year = section.theme, section.name, section.totals, inp.year
    weak = inp.weakest[inp.weakest["jaarbeeld_thema"] == theme].copy()
    if weak.empty:
        return None
    number = inp.next_number()
    weak["naam"] = [f"{i} {lab} ({o})" for i, lab, o in zip(weak["indicator"], weak["label"], weak["onderzoek"])]
    first = weak.iloc[0]
    rest = "; ".join(f"{r.indicator} {r.oordeel} ({dutch_percent(r.percentage, 0)})" for r in weak.iloc[1:].itertuples())
    caption = (f"Zwakste indicator bij {name} in {year}: {first['indicator']} '{first['label']}' "
               f"({inp.names.get(first['onderzoek'], first['onderzoek'])}): in {int(first['k'])} van de "
               f"{int(first['n'])} beoordeelde dossiers ({pct(first)}) voldeed het dossier hieraan."
               + (f" Daarna: {rest}." if rest else ""))
    title = f"{name}: zwakste indicatoren, {year}"
    subtitle, labels = inp.context(weak["onderzoek"].unique())
    source = source_line(labels, year, int(weak["n"].sum()))
    data = weak[["jaar", "jaarbeeld_thema", "onderzoek", "indicator", "label", "k", "n", "percentage",
                 "ondergrens", "bovengrens", "oordeel", "gemeenten"]]
    return FigureSpec(number, f"figuur{number:02d}_{theme}_zwakste", theme, title, subtitle, caption, source, data,
                      compliance_bars(weak, "naam", number, title, subtitle, source, inp.preset, section.colour,
                                      reference=tot["percentage"], reference_label="thema"), inp.preset.key)


def _municipalities_figure(inp: _Inputs, section: ThemeSection, t_studies: pd.DataFrame) -> FigureSpec | None:
    """A theme's compliance per municipality (only when at least two municipalities have a judgement)."""
    theme, name, tot, year = section.theme, section.name, section.totals, inp.year
    munis = inp.per_municipality[inp.per_municipality["jaarbeeld_thema"] == theme].copy()
    judged = munis[munis["n"] > 0]
    if len(judged) <= 1:
        return None
    number = inp.next_number()
    subtitle, labels = inp.context(t_studies["onderzoek"].tolist())
    lo, hi = judged.loc[judged["percentage"].idxmin()], judged.loc[judged["percentage"].idxmax()]
    small = int(judged["klein_aantal"].sum())
    caption = (f"Bij {name} liep de naleving in {year} per gemeente uiteen van "
               f"{dutch_percent(lo['percentage'], 0)} in {lo['gemeente']} ({lo['oordeel']}) tot "
               f"{dutch_percent(hi['percentage'], 0)} in {hi['gemeente']} ({hi['oordeel']}); "
               f"over alle {len(judged)} gemeenten {tot['oordeel']} ({dutch_percent(tot['percentage'], 0)})."
               + (f" {small} gemeente(n) met minder dan {SMALL_N} beoordelingen ({SMALL_N_MARK})." if small else ""))
    title = f"{name}: naleving per gemeente, {year}"
    source = source_line(labels, year, int(tot["n"]), int(tot["dossiers"]))
    data = munis[["jaar", "jaarbeeld_thema", "gemeentecode", "gemeente", "onderzoeken", "k", "n", "nvt",
                  "onbekend", "percentage", "ondergrens", "bovengrens", "oordeel"]]
    return FigureSpec(number, f"figuur{number:02d}_{theme}_gemeenten", theme, title, subtitle, caption, source, data,
                      compliance_bars(munis, "gemeente", number, title, subtitle, source, inp.preset, section.colour,
                                      reference=tot["percentage"], reference_label="alle gemeenten"), inp.preset.key)


def _trend_figure(inp: _Inputs, section: ThemeSection) -> FigureSpec | None:
    """A theme's compliance per fieldwork year, with Newcombe's interval for the last change (two years or more)."""
    theme, name, year = section.theme, section.name, inp.year
    years = inp.trend[(inp.trend["jaarbeeld_thema"] == theme) & (inp.trend["n"] > 0)]
    if len(years) <= 1:
        return None
    number = inp.next_number()
    prev, cur = years.iloc[-2], years.iloc[-1]
    d, dlo, dhi = newcombe_difference(prev["k"], prev["n"], cur["k"], cur["n"])
    d, dlo, dhi = float(d) * 100, float(dlo) * 100, float(dhi) * 100
    change = "hoger" if d > 0 else "lager"
    signif = "een verschil buiten toeval" if dlo > 0 or dhi < 0 else "een verschil dat binnen de toevalsmarge valt"
    caption = (f"Bij {name} voldeed in {int(prev['jaar'])} {prev['oordeel']} beoordelingen "
               f"({dutch_percent(prev['percentage'], 0)}), in {int(cur['jaar'])} {cur['oordeel']} "
               f"({dutch_percent(cur['percentage'], 0)}): {dutch_number(abs(d), 0)} procentpunt {change} "
               f"(95%-interval {dutch_number(dlo, 0)} tot {dutch_number(dhi, 0)} procentpunt), {signif}. "
               "Elk jaar telt de onderzoeken met veldwerk in dat jaar; dat zijn niet steeds dezelfde gemeenten.")
    title = f"{name}: naleving per jaar"
    subtitle = f"Alle onderzoeken met veldwerk in {int(years['jaar'].min())}–{year}"
    source = (f"Bron: Toezicht Sociaal Domein, dossieronderzoek {int(years['jaar'].min())}–{year}; "
              f"n = {dutch_number(int(years['n'].sum()), 0)} beoordelingen")
    data = years[["jaar", "jaarbeeld_thema", "k", "n", "nvt", "onbekend", "percentage", "ondergrens",
                  "bovengrens", "oordeel", "onderzoeken", "gemeenten"]]
    return FigureSpec(number, f"figuur{number:02d}_{theme}_trend", theme, title, subtitle, caption, source, data,
                      trend_chart(years, number, title, subtitle, source, inp.preset, section.colour), inp.preset.key)


def _theme_section(inp: _Inputs, theme: str, findings: pd.DataFrame, items: pd.DataFrame) -> ThemeSection:
    """One Jaarbeeld-thema: its figures (when it has counts), findings as risks and what goes well, framework items."""
    total = inp.themes[inp.themes["jaarbeeld_thema"] == theme]
    section = ThemeSection(theme, YEARBOOK_NAMES[theme], theme_colour(theme),
                           total.iloc[0].to_dict() if not total.empty else None)
    if section.totals:
        t_studies = inp.per_study[inp.per_study["jaarbeeld_thema"] == theme]
        section.figures.append(_studies_figure(inp, section, total, t_studies))
        for figure in (_weakest_figure(inp, section), _municipalities_figure(inp, section, t_studies),
                       _trend_figure(inp, section)):
            if figure is not None:
                section.figures.append(figure)
    theme_findings = grouped_findings(findings[findings["jaarbeeld_thema"] == theme])
    if not theme_findings.empty:
        section.risks = theme_findings[theme_findings["groep"] == "risico"].reset_index(drop=True)
        section.goes_well = theme_findings[theme_findings["groep"] == "gaat goed"].reset_index(drop=True)
    section.framework_items = items[items["jaarbeeld_thema"] == theme].reset_index(drop=True)
    return section


def build_yearbook(con, year: int, demo: bool | None = None, studies: list[str] | None = None,
                   preset: str = "twee-kolommen", viewer: Viewer = LOCAL_VIEWER) -> Yearbook:
    """Everything the Jaarbeeld of `year` shows, for one data source (demo or real, never both) and what `viewer` may
    see (the pack and document are built from this, so they obey it too); figures sized for `preset` (een-kolom:
    82 mm, twee-kolommen: 170 mm), numbered in the order they appear."""
    demo = default_demo(con) if demo is None else bool(demo)
    studies = list(studies) if studies else None
    study_frame = jaarbeeld_studies(con, year, demo, studies, viewer=viewer)
    inp = _Inputs(
        year=year, preset=PRESETS[preset], studies=study_frame,
        themes=jaarbeeld_themes(con, year, demo, studies, viewer=viewer),
        weakest=jaarbeeld_weakest(con, year, per_theme=5, demo=demo, studies=studies, viewer=viewer),
        per_study=jaarbeeld_theme_studies(con, year, demo, studies, viewer=viewer),
        per_municipality=jaarbeeld_municipalities(con, year, demo, studies, viewer=viewer),
        trend=jaarbeeld_trend(con, year, demo, studies, viewer=viewer),
        names=dict(zip(study_frame["onderzoek"], _studies_label(study_frame["onderzoeksnaam"].tolist()))),
    )
    findings = jaarbeeld_findings(con, year, demo, studies, viewer=viewer)
    items = jaarbeeld_framework_items(con, year, demo, studies, viewer=viewer)
    visits = jaarbeeld_visits(con, year, demo, studies, viewer=viewer)
    overview = _overview_figure(inp)
    sections = [_theme_section(inp, theme, findings, items) for theme in THEMES]
    return Yearbook(int(year), demo, study_frame, overview, sections, findings, items, visits)
