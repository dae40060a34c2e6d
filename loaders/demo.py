"""Deterministic demo data: workbooks written like an inspector would, imported through the loader.

Everything is fictitious except the figures the reports publish (DESIGN §9), which the demo
reproduces exactly: Goeree-Overflakkee kg-2017 TT3 2 van 14 and TT1 4 van 14; Nijmegen vt-2019
indicator 1 5 van 10.
"""

from __future__ import annotations

import datetime as dt
import math
import os
import random
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import duckdb

from store.database import connect, remove_demo_studies
from reference.frameworks import Framework, shipped_frameworks
from loaders.importer import ImportResult, import_file
from loaders.problems import ImportRejected
from loaders.template import build_template

SEED = 2016
DEMO_DIR_NAME = "demo-werkmappen"


@dataclass
class VisitPlan:
    study: str
    municipality: str
    date: dt.date
    kind: str = "onderzoek"
    dossiers: int = 12
    team: str = ""
    effect: float = 0.0  # logit shift of this visit's compliance
    fixed: dict[str, tuple[int, int]] = field(default_factory=dict)  # code → (ja, nee), exactly
    prefix: str = ""


# Published figures (seeds 002 and 004) — these are the only real numbers in the demo.
PUBLISHED = {
    ("kg-2017", "Goeree-Overflakkee", "onderzoek"): {"TT3": (2, 12), "TT1": (4, 10)},
    ("vt-2019", "Nijmegen", "onderzoek"): {"1": (5, 5)},
}

# Report titles and publication months from the seeds (Jaarbeeld 2016 "Producten 2016", and the reports' own
# title pages; Assen's own report says juli 2016 where the Jaarbeeld lists september). Visits not here have none.
REPORTS = {
    ("so-2016", "Assen", "onderzoek"): ("Signaleren van onveiligheid in Assen", dt.date(2016, 7, 1)),
    ("so-2016", "Emmen", "onderzoek"): ("Signaleren van onveiligheid in Emmen", dt.date(2016, 9, 1)),
    ("so-2016", "Barneveld", "onderzoek"): ("Signaleren van onveiligheid in Barneveld", dt.date(2016, 8, 1)),
    ("so-2016", "Ede", "onderzoek"): ("Signaleren van onveiligheid in Ede", dt.date(2016, 8, 1)),
    ("so-2016", "Houten", "onderzoek"): ("Signaleren van onveiligheid in Houten", dt.date(2016, 7, 1)),
    ("so-2016", "Nieuwegein", "onderzoek"): ("Signaleren van onveiligheid in Nieuwegein", dt.date(2016, 7, 1)),
    ("kg-2017", "Goeree-Overflakkee", "onderzoek"): (
        "Toezicht wijkteams: Zorg en Ondersteuning aan kwetsbare gezinnen in Goeree-Overflakkee", dt.date(2017, 3, 1)),
    ("vt-2019", "Nijmegen", "onderzoek"): ("Het lokale netwerk na Veilig Thuis Nijmegen", dt.date(2019, 8, 1)),
}

GRONINGEN_2016 = [
    "Appingedam", "Bedum", "Bellingwedde", "De Marne", "Delfzijl", "Eemsmond", "Groningen", "Grootegast",
    "Haren", "Hoogezand-Sappemeer", "Leek", "Loppersum", "Marum", "Menterwolde", "Oldambt", "Pekela",
    "Slochteren", "Stadskanaal", "Ten Boer", "Veendam", "Vlagtwedde", "Winsum", "Zuidhorn",
]


# The RIGG report on the teams' self-assessments, sent to the council on 24-02-2016 (seed 003).
REPORTS.update({("rigg-2016", name, "onderzoek"): ("Rapportage Toegang jeugdhulp Groninger gemeenten (RIGG)", dt.date(2016, 2, 1))
                for name in GRONINGEN_2016})


# The study's summarising report, as Jaarbeeld 2016 (seed 001) cites it.
SUMMARY_REPORTS = {"so-2016": "Samenvattend rapport Signaleren van onveiligheid"}


def visit_plans() -> list[VisitPlan]:
    d = dt.date
    plans = [
        # so-2016 — the six municipalities of the Stelseltoezicht study (seed 000).
        VisitPlan("so-2016", "Assen", d(2016, 3, 8), dossiers=12, effect=0.2, prefix="AS"),
        VisitPlan("so-2016", "Emmen", d(2016, 3, 22), dossiers=12, effect=-1.6, prefix="EM"),
        VisitPlan("so-2016", "Barneveld", d(2016, 4, 5), dossiers=12, effect=0.5, prefix="BV"),
        VisitPlan("so-2016", "Ede", d(2016, 4, 19), dossiers=12, effect=0.0, prefix="ED"),
        VisitPlan("so-2016", "Houten", d(2016, 5, 10), dossiers=12, effect=0.9, prefix="HT"),
        VisitPlan("so-2016", "Nieuwegein", d(2016, 5, 24), dossiers=12, effect=-0.3, prefix="NG"),
        VisitPlan("so-2016", "Assen", d(2017, 3, 14), kind="hertoets", dossiers=12, effect=0.9, prefix="AS"),
        # kg-2017 — Goeree-Overflakkee (seed 002: fieldwork October 2016, hertoets April 2017) and fictitious others.
        VisitPlan("kg-2017", "Goeree-Overflakkee", d(2016, 10, 11), dossiers=14, effect=-1.2, prefix="GO",
                  fixed=PUBLISHED[("kg-2017", "Goeree-Overflakkee", "onderzoek")]),
        VisitPlan("kg-2017", "Goeree-Overflakkee", d(2017, 4, 20), kind="hertoets", dossiers=14, effect=0.1,
                  prefix="GO", fixed={"TT3": (8, 6), "TT1": (7, 7)}),
        VisitPlan("kg-2017", "Hellevoetsluis", d(2017, 2, 7), dossiers=12, effect=0.3, prefix="HV"),
        VisitPlan("kg-2017", "Brielle", d(2017, 3, 7), dossiers=10, effect=0.6, prefix="BR"),
        VisitPlan("kg-2017", "Gorinchem", d(2017, 5, 16), dossiers=14, effect=-0.2, prefix="GC"),
        VisitPlan("kg-2017", "Westvoorne", d(2017, 6, 13), dossiers=10, effect=0.4, prefix="WV"),
        VisitPlan("kg-2017", "Nissewaard", d(2017, 9, 19), dossiers=14, effect=0.0, prefix="NW"),
        VisitPlan("kg-2017", "Hellevoetsluis", d(2018, 10, 2), kind="hertoets", dossiers=12, effect=0.8, prefix="HV"),
        # vt-2019 — Nijmegen (seed 004), Wijchen and Zaltbommel.
        VisitPlan("vt-2019", "Nijmegen", d(2019, 4, 8), dossiers=10, effect=-0.4, prefix="NM",
                  fixed=PUBLISHED[("vt-2019", "Nijmegen", "onderzoek")]),
        VisitPlan("vt-2019", "Wijchen", d(2019, 5, 13), dossiers=10, effect=0.3, prefix="WC"),
        VisitPlan("vt-2019", "Zaltbommel", d(2019, 6, 17), dossiers=10, effect=0.0, prefix="ZB"),
        VisitPlan("vt-2019", "Nijmegen", d(2020, 9, 21), kind="hertoets", dossiers=10, effect=0.5, prefix="NM"),
    ]
    # rigg-2016 — team self-assessments in the 23 Groningen municipalities (seed 003).
    for n, name in enumerate(GRONINGEN_2016):
        teams = ["Team Noord", "Team Zuid", "Team Oost"] if name == "Groningen" else ["Basisteam"]
        for team in teams:
            plans.append(VisitPlan("rigg-2016", name, dt.date(2016, 1, 11) + dt.timedelta(days=n), team=team,
                                   effect=(n % 7 - 3) * 0.35, dossiers=0))
    for name in ("Appingedam", "Delfzijl", "Loppersum", "Oldambt", "Veendam"):
        plans.append(VisitPlan("rigg-2016", name, dt.date(2017, 1, 16), kind="hertoets", team="Basisteam",
                               effect=0.6, dossiers=0))
    return plans


FINDINGS = {
    "vt-2019": [
        (0, "gaat goed", "Veilig Thuis draagt over met een afsluitbrief en telefonisch contact; het Jeugdoverleg zorgt voor korte lijnen."),
        (0, "kan beter", "Veiligheidsvoorwaarden worden niet altijd schriftelijk overgedragen; in een deel van de dossiers ontbreekt een veiligheidskaart."),
        (1, "gaat goed", "Waar een regievoerder betrokken is, houdt een multidisciplinair overleg zicht op de veiligheid van het hele gezin."),
        (1, "kan beter", "Het eigen netwerk van het gezin wordt nog weinig betrokken bij de hulp."),
        (2, "zorgpunt", "Risicotaxaties worden maar in een enkel geval gebruikt en vastgelegd, ook bij de evaluatie."),
    ],
    "kg-2017": [
        (0, "zorgpunt", "Bij het in kaart brengen van de hulpvraag wordt met de ouders gesproken, maar niet met de kinderen."),
        (0, "zorgpunt", "Veiligheidsrisico's worden niet systematisch ingeschat; risicotaxatie-instrumenten worden nauwelijks gebruikt."),
        (1, "kan beter", "Plannen bevatten weinig concrete, geprioriteerde doelen en worden niet systematisch geëvalueerd."),
        (2, "gaat goed", "Gezinsregisseurs en het jeugdondersteuningsteam weten elkaar te vinden en hebben korte lijnen met netwerkpartners."),
    ],
    "so-2016": [
        (0, "gaat goed", "Scholen en kinderopvang kennen de meldcode en weten waar zij met signalen van onveiligheid terecht kunnen."),
        (0, "kan beter", "Risico's worden niet systematisch ingeschat met een taxatie-instrument."),
        (1, "kan beter", "De overdracht van het wijkteam naar gespecialiseerde jeugdhulp is niet altijd een warme overdracht."),
        (1, "zorgpunt", "Bij hulp aan ouders wordt de veiligheid van de kinderen niet altijd meegewogen."),
    ],
    "rigg-2016": [
        (0, "gaat goed", "Het team bespreekt casuïstiek wekelijks met de gedragswetenschapper."),
        (1, "kan beter", "Het is niet altijd duidelijk wie de casusregie heeft als meerdere hulpverleners betrokken zijn."),
        (3, "kan beter", "Een veiligheidsplan wordt niet in alle casussen met onveiligheid opgesteld."),
    ],
}

RECOMMENDATIONS = {
    "vt-2019": [
        "Zorg voor een volledige overdracht vanuit Veilig Thuis: naast mondeling contact ook schriftelijk, inclusief veiligheidsvoorwaarden.",
        "Stel gezamenlijk een veiligheidsplan op, deel het met gezin en professionals en monitor de veiligheid met een gestandaardiseerde risicotaxatie.",
        "Bevorder de uitvoering van één gezin, één plan, één regisseur met een gezamenlijke probleemanalyse.",
        "Verhelder de taken en bevoegdheden van de regisseur en zorg voor scholing in regievoering.",
    ],
    "kg-2017": [
        "Spreek bij het in kaart brengen van de hulpvraag met alle gezinsleden, ook met de kinderen.",
        "Maak in elke casus tijdig een veiligheidsinschatting met een gestructureerd instrument en leg die vast.",
        "Stel met het gezin één plan op met concrete, geprioriteerde doelen en evalueer dat systematisch.",
    ],
    "so-2016": [
        "Zorg dat signalerende partijen signalen van onveiligheid tijdig delen met de duidende instanties.",
        "Zorg voor een systematische risicotaxatie in elk dossier met signalen van onveiligheid.",
        "Maak afspraken over warme overdracht naar gespecialiseerde jeugdhulp en het gedwongen kader.",
    ],
    "rigg-2016": [
        "Bespreek de rode items uit de checklist in het teamoverleg en leg per item een verbeteractie vast.",
        "Maak afspraken over casusregie wanneer meerdere hulpverleners betrokken zijn.",
    ],
}

REMARKS = {
    "nee": [
        "Geen veiligheidstaxatie in het dossier aangetroffen.",
        "Kinderen zijn niet gesproken; alleen de moeder is gehoord.",
        "Plan bevat geen concrete doelen.",
        "Evaluatie niet vastgelegd.",
        "Geen afspraken over de overdracht vastgelegd.",
    ],
    "ja": [
        "Risicotaxatie met LIRIK vastgelegd en besproken met het gezin.",
        "Plan samen met ouders en kinderen opgesteld.",
        "Warme overdracht: gezamenlijk huisbezoek.",
    ],
}


def _scores(rng: random.Random, plan: VisitPlan, fw: Framework) -> list[dict[str, str]]:
    """Per dossier: indicator code → score text (empty for unscored)."""
    rows: list[dict[str, str]] = [{} for _ in range(plan.dossiers)]
    for ind in fw.dossier_indicators:
        base = 0.2 + 0.5 * ((hash_code(ind.code) % 100) / 100)
        logit = math.log(base / (1 - base)) + plan.effect
        p = 1 / (1 + math.exp(-logit))
        if ind.code in plan.fixed:
            ja, nee = plan.fixed[ind.code]
            values = ["ja"] * ja + ["nee"] * nee + ["nvt"] * (plan.dossiers - ja - nee)
            rng.shuffle(values)
        else:
            values = []
            for _ in range(plan.dossiers):
                u = rng.random()
                values.append("nvt" if u < 0.05 else "onbekend" if u < 0.07 else "" if u < 0.08
                              else ("ja" if rng.random() < p else "nee"))
        for row, v in zip(rows, values):
            row[ind.code] = v
    return rows


def hash_code(code: str) -> int:
    """A stable small hash (Python's str hash is salted per process)."""
    return sum((i + 1) * ord(c) for i, c in enumerate(code)) * 37


def _rag(rng: random.Random, plan: VisitPlan, code: str) -> str:
    p_green = 1 / (1 + math.exp(-(0.2 + plan.effect + (hash_code(code) % 9 - 4) * 0.15)))
    u = rng.random()
    if u < p_green:
        return "groen"
    return "oranje" if rng.random() < 0.6 else "rood"


def write_workbook(plan: VisitPlan, fw: Framework, path: Path, rng: random.Random) -> None:
    wb = build_template(fw)
    meta = wb["Onderzoek"]
    meta["B1"], meta["B2"], meta["B3"] = plan.study, fw.id, plan.municipality
    meta["B4"] = dt.datetime.combine(plan.date, dt.time())
    meta["B5"] = plan.kind
    meta["B7"] = plan.team or None
    title, published = REPORTS.get((plan.study, plan.municipality, plan.kind), (None, None))
    meta["A8"], meta["B8"] = "Rapport", title
    meta["A9"], meta["B9"] = "Publicatiedatum", dt.datetime.combine(published, dt.time()) if published else None
    meta["B9"].number_format = "DD-MM-YYYY"
    if plan.study in SUMMARY_REPORTS:
        meta["A10"], meta["B10"] = "Samenvattend rapport", SUMMARY_REPORTS[plan.study]
    dossier_ids = [f"{plan.prefix}-{plan.date:%y}{'H' if plan.kind == 'hertoets' else ''}-{n:02d}" for n in range(1, plan.dossiers + 1)]
    if fw.dossier_indicators:
        ws = wb["Dossiers"]
        scores = _scores(rng, plan, fw)
        remarks = []
        for r, (did, row) in enumerate(zip(dossier_ids, scores), 3):
            ws.cell(row=r, column=1, value=did)
            ws.cell(row=r, column=2, value="Jeugdteam" if r % 3 else "Gezinsregie")
            for j, ind in enumerate(fw.dossier_indicators, 3):
                ws.cell(row=r, column=j, value=row[ind.code] or None)
                if row[ind.code] in REMARKS and rng.random() < 0.08:
                    remarks.append((did, ind.code, rng.choice(REMARKS[row[ind.code]])))
        tl = wb["Toelichting"]
        for r, (did, code, text) in enumerate(remarks, 2):
            tl.cell(row=r, column=1, value=did)
            tl.cell(row=r, column=2, value=code)
            tl.cell(row=r, column=3, value=text)
    net = wb["Netwerk"]
    for r, ind in enumerate(fw.visit_indicators, 2):
        if fw.scale == "rag":
            net.cell(row=r, column=2, value=_rag(rng, plan, ind.code))
        else:
            p = 1 / (1 + math.exp(-(plan.effect + 0.3)))
            net.cell(row=r, column=2, value="ja" if rng.random() < p else "nee")
            net.cell(row=r, column=3, value="Oordeel op basis van interviews met netwerkpartners.")
    findings = wb["Bevindingen"]
    picks = [f for f in FINDINGS[fw.id] if rng.random() < 0.8] or FINDINGS[fw.id][:1]
    for r, (theme_index, kind, text) in enumerate(picks, 2):
        findings.cell(row=r, column=1, value=fw.themes[min(theme_index, len(fw.themes) - 1)].name)
        findings.cell(row=r, column=3, value=kind)
        findings.cell(row=r, column=4, value=text)
    recs = wb["Aanbevelingen"]
    for n, text in enumerate(RECOMMENDATIONS[fw.id], 1):
        recs.cell(row=n + 1, column=1, value=n)
        recs.cell(row=n + 1, column=2, value=text)
        status = "afgerond" if plan.kind == "hertoets" and n == 1 else rng.choice(["open", "open", "in uitvoering"])
        recs.cell(row=n + 1, column=3, value=status)
    wb.save(path)


def write_demo_workbooks(folder: Path) -> list[Path]:
    """Write every demo workbook into `folder`; same files on every run."""
    folder.mkdir(parents=True, exist_ok=True)
    rng = random.Random(SEED)
    frameworks = shipped_frameworks()
    paths = []
    for plan in visit_plans():
        fw = frameworks[plan.study]
        team = f"-{plan.team.replace(' ', '')}" if plan.team else ""
        path = folder / f"{plan.study}_{plan.municipality.replace(' ', '')}_{plan.kind}_{plan.date:%Y%m%d}{team}.xlsx"
        write_workbook(plan, fw, path, rng)
        paths.append(path)
    return paths


def remove_demo(con: duckdb.DuckDBPyConnection) -> int:
    """Drop the demo studies and everything under them; real imports stay. Returns the number of demo visits removed."""
    return remove_demo_studies(con)


def build_demo(db_path: Path, progress: Callable[[int, int, str], None] | None = None) -> list[ImportResult]:
    """(Re)build the demo studies in the database at `db_path` through the normal import path.

    A study id that already holds real data is left alone (its demo workbooks are refused, never mixed in)."""
    db_path = Path(db_path)
    folder = db_path.parent / DEMO_DIR_NAME
    paths = write_demo_workbooks(folder)
    con = connect(db_path)
    try:
        remove_demo_studies(con)
        results = []
        for n, path in enumerate(paths, 1):
            try:
                results.append(import_file(con, path, demo=True))
                message = f"{path.name}: {results[-1].status}"
            except ImportRejected as exc:
                message = f"{path.name}: overgeslagen — " + "; ".join(p.message for p in exc.problems if p.severity == "fout")
            if progress:
                progress(n, len(paths), message)
        con.execute("UPDATE study SET name = (SELECT f.name FROM framework f WHERE f.framework_id = study.framework_id) || ' (demo)' WHERE is_demo")
        con.execute("CHECKPOINT")  # everything in the database file itself, no write-ahead log left behind
    finally:
        con.close()
    return results


def build_first_database(db_path: Path, progress: Callable[[int, int, str], None] | None = None) -> list[ImportResult]:
    """First start: build the demo under another name and move it into place, so an interrupted build is redone."""
    db_path = Path(db_path)
    partial = db_path.with_name(db_path.name + ".bouw")
    for stale in (partial, partial.with_name(partial.name + ".wal")):
        stale.unlink(missing_ok=True)
    results = build_demo(partial, progress=progress)
    os.replace(partial, db_path)
    return results
