"""The content of the draft report (DESIGN §13): what the data knows, in the structure of the published visit
reports (Inleiding; Resultaten per thema with "Wat gaat goed" / "Wat kan beter" and one sentence per indicator;
Conclusie; Aanbevelingen; Vervolg; Bijlage with the framework and the k-van-n table), for one visit or, as the
study's "Samenvattend rapport", for all municipalities of a study.

Pure functions: connection and choice in, plain dataclasses out. Every figure comes from the public compliance and
trend frames, so a sentence says exactly what the Vergelijken and Gemeente pages show.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace

import pandas as pd

from metrics.compare import municipality_findings, municipality_recommendations, municipality_visits
from metrics.compliance import Scope, compliance_by_indicator, compliance_by_theme, compliance_by_visit
from metrics.frameworks import framework_items
from metrics.report_wording import clause, framework_field, provenance_note
from metrics.trend import trend_by_indicator
from reference.access import LOCAL_VIEWER, PUBLICATION_STATUSES, Viewer
from reference.dutch import dutch_date, dutch_number, dutch_percent, k_of_n, month_year
from reference.errors import ToezichtError
from reference.vocab import NO_JUDGEMENT, SMALL_N, SMALL_N_MARK

CONCEPT = "Concept"
CONCLUSION_PLACEHOLDER = ("[Conclusie: door de inspecteur te schrijven. De bevindingen en cijfers hierboven zijn het "
                          "vertrekpunt; het rapport is pas af als deze alinea er staat.]")
VERGELIJKING_TEXT = {"slechter": "lager dan in de andere gemeenten van dit onderzoek",
                     "beter": "hoger dan in de andere gemeenten van dit onderzoek"}


class ReportChoiceError(ToezichtError):
    """The chosen study, municipality or visit does not exist (a Dutch message naming what is missing)."""


@dataclass
class IndicatorResult:
    code: str
    label: str
    text: str
    level: str  # dossier | bezoek | …
    k: int
    n: int
    nvt: int
    onbekend: int
    oordeel: str  # "2 van 14" or "geen oordeel"
    percentage: str  # "14%" or "–"
    interval: str  # "4%–40%" or ""
    benchmark: str  # the study's pooled rate, "63%" or "–"
    vergelijking: str  # beter | vergelijkbaar | slechter | ''
    small: bool
    sentence: str


@dataclass
class ThemeResult:
    code: str
    name: str
    gaat_goed: list[str]
    kan_beter: list[str]
    zorgpunten: list[str]
    indicators: list[IndicatorResult]
    summary: str  # the theme's pooled figure in one sentence ('' without dossier-level indicators)
    figure_rows: pd.DataFrame = field(repr=False, default_factory=pd.DataFrame)  # for the chart: indicator rows


@dataclass
class Recommendation:
    nr: int
    text: str
    status: str


@dataclass
class FollowUp:
    """Vervolg: the other visit of this municipality (a hertoets after an onderzoek, or the onderzoek before a hertoets)."""

    text: str
    rows: list[dict]  # per indicator: code, label, van, naar, verschil, interval, uitspraak


@dataclass
class FrameworkItem:
    theme: str
    code: str
    label: str
    criterion: str
    text: str
    operationalisation: str
    operationalisation_note: str
    decision_rule: str
    decision_rule_note: str
    level: str


@dataclass
class Report:
    kind: str  # "bezoek" | "samenvattend"
    study: str
    study_name: str
    framework: str
    framework_name: str
    municipality: str  # '' for the summarising report
    visit_kind: str  # onderzoek | hertoets ('' for the summarising report)
    visit_date: dt.date | None
    status: str  # Concept | Gepubliceerd
    status_note: str
    demo: bool
    title: str
    subtitle: str
    question: str
    introduction: list[str]
    themes: list[ThemeResult]
    conclusion: str
    recommendations: list[Recommendation]
    follow_up: FollowUp | None
    framework_items: list[FrameworkItem]
    table: list[dict]  # the k-van-n table of the appendix
    municipalities: list[str] = field(default_factory=list)

    @property
    def is_concept(self) -> bool:
        return self.status == CONCEPT


def _interval(low, high) -> str:
    if pd.isna(low) or pd.isna(high):
        return ""
    return f"{dutch_number(low, 0)}%–{dutch_number(high, 0)}%"


def _count_words(n: int, what: str) -> str:
    return f"{n} dossier{'s' if n != 1 else ''} {what}"


def indicator_sentence(framework_id: str, code: str, text: str, k: int, n: int, nvt: int, onbekend: int,
                       vergelijking: str, where: str = "dossiers") -> str:
    """One Dutch sentence with the figure, in the framework's words (DESIGN §13).

    "In 2 van de 14 onderzochte dossiers waren de veiligheidsrisico's … ingeschat." Where nvt or onbekend occur, the
    judged dossiers are "beoordeeld" and the others are counted in words; "lager/hoger dan in de andere gemeenten van
    dit onderzoek" only where the Wilson interval lies below/above the benchmark; fewer than SMALL_N judged dossiers
    are said to be a small number."""
    k, n, nvt, onbekend = int(k), int(n), int(nvt), int(onbekend)
    adjective = "onderzochte" if nvt + onbekend == 0 else "beoordeelde"
    words = clause(framework_id, code)
    if n == 0:
        sentence = (f"Over indicator {code} is geen oordeel mogelijk: in geen van de {where} kon dit worden beoordeeld.")
    else:
        if k == 0:
            lead = f"In geen van de {n} {adjective} {where}"
        elif k == n and n > 1:
            lead = f"In alle {n} {adjective} {where}"
        else:
            lead = f"In {k} van de {n} {adjective} {where}"
        if words:
            sentence = f"{lead} {words}."
        else:
            quoted = text.strip().rstrip(".") or code
            sentence = f"{lead} werd voldaan aan indicator {code} (‘{quoted}’)."
        if vergelijking in VERGELIJKING_TEXT:
            sentence += f" Dat is {VERGELIJKING_TEXT[vergelijking]}."
        if n < SMALL_N:
            sentence += (f" Dit is een klein aantal (minder dan {SMALL_N} beoordeelde {where}): het percentage "
                         "zegt weinig.")
    others = []
    if nvt:
        others.append(f"{_count_words(nvt, 'niet van toepassing')}")
    if onbekend:
        others.append(f"{_count_words(onbekend, 'onbekend (niet te beoordelen)')}")
    if others:
        sentence += f" Niet meegeteld: {' en '.join(others)}."
    return sentence


def _visit_level_sentence(code: str, text: str, k: int, n: int) -> str:
    quoted = text.strip().rstrip(".") or code
    if int(n) == 0:
        return f"Indicator {code} (‘{quoted}’): {NO_JUDGEMENT}."
    verdict = "voldoet" if int(k) == int(n) else ("voldoet niet" if int(k) == 0 else f"voldoet in {k_of_n(k, n)} oordelen")
    return f"Indicator {code} (‘{quoted}’) is op het niveau van het bezoek beoordeeld: {verdict}."


def _visit_status(con, visit_id: int) -> tuple[str, str]:
    """(Concept | Gepubliceerd, a note): a visit is Concept until it is published (demo visits count as published)."""
    published = con.execute("SELECT count(*) FROM v_published_visit WHERE visit_id = ?", [visit_id]).fetchall()[0][0]
    if published:
        return "Gepubliceerd", ""
    status = con.execute("SELECT publication_status FROM visit WHERE visit_id = ?", [visit_id]).fetchall()
    shown = status[0][0] if status else PUBLICATION_STATUSES[0]
    return CONCEPT, f"Het bezoek heeft de status '{shown}'; tot publicatie is dit een concept."


def _study_row(con, study: str):
    row = con.execute(
        "SELECT s.study_id, coalesce(s.name, f.name), s.framework_id, f.name, f.description, s.is_demo "
        "FROM study s JOIN framework f USING (framework_id) WHERE s.study_id = ?", [study]
    ).fetchone()
    if row is None:
        raise ReportChoiceError(f"Onderzoek '{study}' bestaat niet in deze database.")
    return row


def _summary_title(con, study: str) -> str | None:
    """The study's `Samenvattend rapport` title from its workbooks, when they give one (and the column exists)."""
    has = con.execute("SELECT count(*) FROM information_schema.columns WHERE table_name = 'visit' "
                      "AND column_name = 'summary_title'").fetchone()[0]
    if not has:
        return None
    row = con.execute("SELECT min(summary_title) FROM visit WHERE study_id = ? AND summary_title IS NOT NULL",
                      [study]).fetchone()
    return row[0] if row and row[0] else None


def _question(framework_id: str, description: str) -> str:
    return framework_field(framework_id, "onderzoeksvraag") or framework_field(framework_id, "vraag") or (description or "")


def _framework_appendix(con, framework_id: str) -> list[FrameworkItem]:
    items = framework_items(con, framework_id)
    out = []
    for row in items.itertuples():
        out.append(FrameworkItem(
            theme=row.themanaam, code=row.indicator, label=row.label, criterion=row.criterium or "",
            text=row.tekst or "", operationalisation=row.operationalisering or "",
            operationalisation_note=provenance_note(framework_id, row.indicator, "operationalisatie"),
            decision_rule=row.beslisregel or "",
            decision_rule_note=provenance_note(framework_id, row.indicator, "beslisregel"),
            level=row.niveau,
        ))
    return out


def _findings_by_theme(frame: pd.DataFrame, count_visits: bool = False) -> dict[str, dict[str, list[str]]]:
    """Theme → kind → texts. With count_visits (the summarising report) the same text from several visits is listed
    once, followed by the number of visits it was found in."""
    counts: dict[str, dict[str, dict[str, int]]] = {}
    for row in frame.itertuples():
        theme = row.thema if isinstance(row.thema, str) else ""
        texts = counts.setdefault(theme, {}).setdefault(row.bevinding, {})
        texts[str(row.tekst)] = texts.get(str(row.tekst), 0) + 1
    return {theme: {kind: [t + (f" (bij {n} bezoeken)" if count_visits and n > 1 else "") for t, n in texts.items()]
                    if count_visits else [t for t, n in texts.items() for _ in range(n)]
                    for kind, texts in kinds.items()}
            for theme, kinds in counts.items()}


def _indicator_result(framework_id: str, row, texts: dict[str, str], where: str = "dossiers") -> IndicatorResult:
    k, n, nvt, onb = int(row.k), int(row.n), int(row.nvt), int(row.onbekend)
    vergelijking = row.vergelijking if isinstance(getattr(row, "vergelijking", ""), str) else ""
    text = texts.get(row.indicator, "")
    if row.niveau == "dossier":
        sentence = indicator_sentence(framework_id, row.indicator, text, k, n, nvt, onb, vergelijking, where)
    else:
        sentence = _visit_level_sentence(row.indicator, text, k, n)
    benchmark = getattr(row, "benchmark", float("nan"))
    return IndicatorResult(
        code=row.indicator, label=row.label, text=text, level=row.niveau, k=k, n=n, nvt=nvt, onbekend=onb,
        oordeel=k_of_n(k, n), percentage=dutch_percent(row.percentage) if n else "–",
        interval=_interval(row.ondergrens, row.bovengrens) if n else "",
        benchmark=dutch_percent(benchmark) if not pd.isna(benchmark) else "–",
        vergelijking=vergelijking, small=0 < n < SMALL_N, sentence=sentence,
    )


def _theme_summary(row, municipality: str) -> str:
    if row is None or int(row.n) == 0:
        return ""
    where = f"in {municipality}" if municipality else "in alle gemeenten samen"
    text = (f"Over alle dossierindicatoren van dit thema samen waren {where} {int(row.k)} van de {int(row.n)} oordelen positief "
            f"({dutch_percent(row.percentage)}; 95%-interval {_interval(row.ondergrens, row.bovengrens)}).")
    if isinstance(getattr(row, "vergelijking", ""), str) and row.vergelijking in VERGELIJKING_TEXT and municipality:
        text += f" Dat is {VERGELIJKING_TEXT[row.vergelijking]}."
    return text


def _table_row(r: IndicatorResult, municipality: str = "") -> dict:
    return {"gemeente": municipality, "indicator": r.code, "label": r.label, "oordeel": r.oordeel,
            "percentage": r.percentage, "interval": r.interval, "nvt": r.nvt, "onbekend": r.onbekend,
            "benchmark": r.benchmark, "vergelijking": r.vergelijking or ("" if r.n else NO_JUDGEMENT),
            "klein": SMALL_N_MARK if r.small else ""}


def _table_rows(rows: pd.DataFrame) -> list[dict]:
    """`_table_row(_indicator_result(…), gemeente)` for every row of a compliance frame, in order: without the sentence
    (the table does not show it) and formatting each distinct figure once, because the summarising report's table
    has a row per municipality × indicator (17,000 at national scale)."""
    def memo(fn):
        known: dict = {}
        return lambda *key: known[key] if key in known else known.setdefault(key, fn(*key))

    percent, interval = memo(dutch_percent), memo(_interval)
    missing = [float("nan")] * len(rows)
    columns = [rows[c].tolist() for c in ("gemeente", "indicator", "label", "k", "n", "nvt", "onbekend", "percentage",
                                          "ondergrens", "bovengrens")]
    benchmarks = rows["benchmark"].tolist() if "benchmark" in rows.columns else missing
    comparisons = rows["vergelijking"].tolist() if "vergelijking" in rows.columns else [""] * len(rows)
    out = []
    for place, code, label, k, n, nvt, onb, pct, low, high, benchmark, comparison in zip(*columns, benchmarks, comparisons):
        k, n = int(k), int(n)
        comparison = comparison if isinstance(comparison, str) else ""
        out.append({"gemeente": place, "indicator": code, "label": label, "oordeel": k_of_n(k, n),
                    "percentage": percent(pct) if n else "–", "interval": interval(low, high) if n else "",
                    "nvt": int(nvt), "onbekend": int(onb),
                    "benchmark": percent(benchmark) if not pd.isna(benchmark) else "–",
                    "vergelijking": comparison or ("" if n else NO_JUDGEMENT), "klein": SMALL_N_MARK if 0 < n < SMALL_N else ""})
    return out


def _signed(x: float) -> str:
    """+21, −13, 0: a change in percentage points as a reader expects it."""
    value = round(float(x))
    return ("+" if value > 0 else "−" if value < 0 else "") + dutch_number(abs(value), 0)


def _follow_up(con, scope: Scope, visit_kind: str, visit_date: dt.date, team: str, order: list[str]) -> FollowUp | None:
    """The change per dossier-level indicator (visit-level judgements are one ja or nee: no interval to speak of)."""
    trend = trend_by_indicator(con, replace(scope, kind=None))
    if trend.empty:
        return None
    trend = trend[trend["indicator"].isin(order)]
    trend = trend[trend["team"].fillna("") == team]
    date = pd.Timestamp(visit_date)
    if visit_kind == "hertoets":
        pairs = trend[pd.to_datetime(trend["naar_datum"]) == date]
    else:
        later = trend[pd.to_datetime(trend["van_datum"]) == date]
        pairs = later[later["naar_soort"] == "hertoets"]
    if pairs.empty:
        return None
    first = pairs.iloc[0]
    van, naar = dutch_date(first["van_datum"]), dutch_date(first["naar_datum"])
    rows = []
    pairs = pairs.assign(_order=pairs["indicator"].map({c: i for i, c in enumerate(order)})).sort_values("_order")
    for r in pairs.itertuples():
        if r.van_n == 0 or r.naar_n == 0:
            statement = "niet te vergelijken (geen oordeel bij een van beide bezoeken)"
        elif r.ondergrens_pp > 0:
            statement = "verbeterd"
        elif r.bovengrens_pp < 0:
            statement = "verslechterd"
        else:
            statement = "geen aantoonbare verandering"
        rows.append({"indicator": r.indicator, "label": r.label, "van": k_of_n(r.van_k, r.van_n),
                     "naar": k_of_n(r.naar_k, r.naar_n),
                     "verschil": _signed(r.verschil_pp) if r.van_n and r.naar_n else "",
                     "interval": (f"{_signed(r.ondergrens_pp)} tot {_signed(r.bovengrens_pp)}"
                                  if r.van_n and r.naar_n else ""),
                     "uitspraak": statement})
    better = sum(r["uitspraak"] == "verbeterd" for r in rows)
    worse = sum(r["uitspraak"] == "verslechterd" for r in rows)
    if visit_kind == "hertoets":
        lead = f"Dit is de hertoets na het onderzoek van {van}."
    else:
        lead = f"Op {naar} is een hertoets uitgevoerd."
    text = (f"{lead} Per indicator staat hieronder de verandering van {van} naar {naar} in procentpunten (pp), met een "
            f"95%-interval voor het verschil (Newcombe). Aantoonbaar verbeterd: {better} indicator(en); aantoonbaar "
            f"verslechterd: {worse}; bij de overige is een verschil niet aan te tonen.")
    return FollowUp(text=text, rows=rows)


def visit_report(con, study: str, municipality: str, visit_date: dt.date | None = None, visit_kind: str | None = None,
                 demo: bool | None = None, viewer: Viewer = LOCAL_VIEWER) -> Report:
    """The draft report of one visit. Without a date: the latest visit of that kind (onderzoek first when no kind)."""
    study_id, study_name, framework_id, framework_name, description, is_demo = _study_row(con, study)
    demo = bool(is_demo) if demo is None else demo
    scope = Scope(study=study_id, municipality=municipality, kind=None, demo=demo, viewer=viewer)
    visits = municipality_visits(con, scope)
    if visits.empty:
        raise ReportChoiceError(f"Onderzoek '{study_id}' heeft geen bezoek in gemeente '{municipality}'.")
    chosen = visits
    if visit_date is not None:
        chosen = chosen[pd.to_datetime(chosen["datum"]) == pd.Timestamp(visit_date)]
    if visit_kind:
        chosen = chosen[chosen["soort"] == visit_kind]
    if chosen.empty:
        when = f" op {dutch_date(visit_date)}" if visit_date else ""
        kind = f" ({visit_kind})" if visit_kind else ""
        known = "; ".join(f"{dutch_date(v.datum)} ({v.soort})" for v in visits.itertuples())
        raise ReportChoiceError(f"Geen bezoek{kind} van onderzoek '{study_id}' in {municipality}{when}. "
                                f"Bezoeken: {known}.")
    if visit_date is None and not visit_kind and (chosen["soort"] == "onderzoek").any():
        chosen = chosen[chosen["soort"] == "onderzoek"]
    visit = chosen.iloc[-1]
    visit_id, kind, date, team = int(visit["visit_id"]), visit["soort"], pd.Timestamp(visit["datum"]).date(), visit["team"] or ""
    place = visit["gemeente"]
    status, status_note = _visit_status(con, visit_id)

    figures = compliance_by_visit(con, scope)
    figures = figures[figures["visit_id"] == visit_id]
    items = framework_items(con, framework_id)
    texts = dict(zip(items["indicator"], items["tekst"].fillna("")))
    theme_frame = compliance_by_theme(con, replace(scope, kind=kind))
    if len(visits[visits["soort"] == kind]) != 1:  # the theme frame pools a municipality's visits of one kind
        theme_frame = theme_frame.iloc[0:0]
    findings = municipality_findings(con, scope)
    findings = findings[pd.to_datetime(findings["datum"]) == pd.Timestamp(date)]
    findings = findings[findings["soort"] == kind]
    by_theme = _findings_by_theme(findings)
    themes = []
    for (code, name), rows in items.groupby(["thema", "themanaam"], sort=False):
        results = [_indicator_result(framework_id, r, texts) for r in figures[figures["thema"] == code].itertuples()]
        summary_rows = theme_frame[theme_frame["thema"] == code]
        found = by_theme.get(code, {})
        themes.append(ThemeResult(
            code=code, name=name, gaat_goed=found.get("gaat goed", []), kan_beter=found.get("kan beter", []),
            zorgpunten=found.get("zorgpunt", []), indicators=results,
            summary=_theme_summary(next(summary_rows.itertuples(), None), place),
            figure_rows=figures[(figures["thema"] == code) & (figures["niveau"] == "dossier")],
        ))
    unthemed = by_theme.get("", {})
    if unthemed and themes:
        for key, target in (("gaat goed", "gaat_goed"), ("kan beter", "kan_beter"), ("zorgpunt", "zorgpunten")):
            getattr(themes[0], target).extend(unthemed.get(key, []))

    recs = municipality_recommendations(con, scope)
    recs = recs[(pd.to_datetime(recs["datum"]) == pd.Timestamp(date)) & (recs["soort"] == kind)]
    recommendations = [Recommendation(int(r.nr), str(r.tekst), str(r.status)) for r in recs.itertuples()]
    dossiers = int(visit["dossiers"])
    all_dates = "; ".join(f"{dutch_date(v.datum)} ({v.soort})" for v in visits.itertuples())
    question = _question(framework_id, description)
    intro = [
        (f"Dit rapport beschrijft de uitkomsten van de hertoets van het onderzoek '{study_name}' in de gemeente {place}."
         if kind == "hertoets" else f"Dit rapport beschrijft de uitkomsten van het onderzoek '{study_name}' in de gemeente {place}."),
        f"Het toezicht gebruikt het toezichtkader '{framework_name}'." + (f" {question}" if question else ""),
        f"De inspecties hebben op {dutch_date(date)} {dossiers} dossier{'s' if dossiers != 1 else ''} onderzocht"
        + (f" (team {team})" if team else "") + ". Per indicator is per dossier beoordeeld of eraan is voldaan; "
        "'niet van toepassing' en 'onbekend' tellen niet mee in het aantal beoordeelde dossiers. De uitkomst is "
        "vergeleken met alle gemeenten van dit onderzoek samen (95%-betrouwbaarheidsinterval volgens Wilson).",
        f"Bezoeken van dit onderzoek in {place}: {all_dates}.",
    ]
    table = [_table_row(r) for t in themes for r in t.indicators]
    title_kind = "Hertoets" if kind == "hertoets" else "Onderzoek"
    return Report(
        kind="bezoek", study=study_id, study_name=study_name, framework=framework_id, framework_name=framework_name,
        municipality=place, visit_kind=kind, visit_date=date, status=status, status_note=status_note, demo=demo,
        title=f"{study_name} in {place}", subtitle=f"{title_kind}, veldwerk {month_year(date)} ({dutch_date(date)})",
        question=question, introduction=intro, themes=themes, conclusion=CONCLUSION_PLACEHOLDER,
        recommendations=recommendations, follow_up=_follow_up(con, scope, kind, date, team, items.loc[items["niveau"] == "dossier", "indicator"].tolist()),
        framework_items=_framework_appendix(con, framework_id), table=table, municipalities=[place],
    )


def study_report(con, study: str, demo: bool | None = None, viewer: Viewer = LOCAL_VIEWER) -> Report:
    """The study's summarising report ("Samenvattend rapport"): every indicator pooled over the municipalities'
    onderzoek visits, with per indicator the municipalities whose interval lies below or above the study's rate."""
    study_id, study_name, framework_id, framework_name, description, is_demo = _study_row(con, study)
    demo = bool(is_demo) if demo is None else demo
    scope = Scope(study=study_id, kind="onderzoek", demo=demo, viewer=viewer)
    visits = municipality_visits(con, scope)
    if visits.empty:
        raise ReportChoiceError(f"Onderzoek '{study_id}' heeft geen bezoeken (soort onderzoek) in deze gegevens.")
    pooled = compliance_by_indicator(con, scope, pooled=True)
    per_place = compliance_by_indicator(con, scope)
    themes_pooled = compliance_by_theme(con, scope, pooled=True)
    items = framework_items(con, framework_id)
    texts = dict(zip(items["indicator"], items["tekst"].fillna("")))
    findings = municipality_findings(con, scope)
    by_theme = _findings_by_theme(findings, count_visits=True)
    places = sorted(visits["gemeente"].unique().tolist())
    themes, table = [], []
    per_indicator = {code: rows for code, rows in per_place.groupby("indicator", sort=False)}
    empty = per_place.iloc[:0]
    for (code, name), _ in items.groupby(["thema", "themanaam"], sort=False):
        results = []
        for r in pooled[pooled["thema"] == code].itertuples():
            result = _indicator_result(framework_id, r, texts)
            result.vergelijking = ""
            if r.niveau == "dossier":
                result.sentence = indicator_sentence(framework_id, r.indicator, result.text, r.k, r.n, r.nvt,
                                                     r.onbekend, "", "dossiers van alle gemeenten samen")
            rows = per_indicator.get(r.indicator, empty)
            lower = rows.loc[rows["vergelijking"] == "slechter", "gemeente"].tolist()
            higher = rows.loc[rows["vergelijking"] == "beter", "gemeente"].tolist()
            if lower:
                result.sentence += f" Lager dan in de andere gemeenten van dit onderzoek: {', '.join(lower)}."
            if higher:
                result.sentence += f" Hoger dan in de andere gemeenten van dit onderzoek: {', '.join(higher)}."
            results.append(result)
            table += _table_rows(rows)
        found = by_theme.get(code, {})
        summary = next(themes_pooled[themes_pooled["thema"] == code].itertuples(), None)
        themes.append(ThemeResult(
            code=code, name=name, gaat_goed=found.get("gaat goed", []), kan_beter=found.get("kan beter", []),
            zorgpunten=found.get("zorgpunt", []), indicators=results, summary=_theme_summary(summary, ""),
            figure_rows=per_place[(per_place["thema"] == code) & (per_place["niveau"] == "dossier")],
        ))
    first, last = pd.Timestamp(visits["datum"].min()).date(), pd.Timestamp(visits["datum"].max()).date()
    question = _question(framework_id, description)
    intro = [
        f"Dit samenvattend rapport beschrijft de uitkomsten van het onderzoek '{study_name}' in {len(places)} "
        f"gemeenten: {', '.join(places)}.",
        f"Het toezicht gebruikt het toezichtkader '{framework_name}'." + (f" {question}" if question else ""),
        f"Tussen {dutch_date(first)} en {dutch_date(last)} zijn {int(visits['dossiers'].sum())} dossiers onderzocht. "
        "Per indicator staat het aandeel voor alle gemeenten samen; gemeenten waarvan het 95%-interval (Wilson) "
        "onder of boven dat aandeel ligt, zijn genoemd.",
    ]
    return Report(
        kind="samenvattend", study=study_id, study_name=study_name, framework=framework_id,
        framework_name=framework_name, municipality="", visit_kind="", visit_date=None, status=CONCEPT,
        status_note="Een samenvattend rapport is een concept tot de inspecteur het vaststelt.", demo=demo,
        title=_summary_title(con, study_id) or f"Samenvattend rapport {study_name}",
        subtitle=f"{len(places)} gemeenten, veldwerk {month_year(first)} – {month_year(last)}",
        question=question, introduction=intro, themes=themes, conclusion=CONCLUSION_PLACEHOLDER,
        recommendations=[], follow_up=None, framework_items=_framework_appendix(con, framework_id), table=table,
        municipalities=places,
    )
