"""Command line: python -m metrics compliance|funnel|trend|jaarbeeld-data|rag|jaarbeeld|rapport (DESIGN §10)."""

from __future__ import annotations

import argparse
import contextlib
import difflib
import json
import sys
import time
from pathlib import Path

import pandas as pd

from store.database import connect
from exports import escaped
from metrics.overview import default_demo
from reference.errors import ToezichtError
from reference.vocab import BENCHMARKS, MIN_GROUP, VISIT_KINDS
from metrics.compliance import Scope, compliance_by_indicator, compliance_by_municipality, compliance_by_theme
from metrics.funnel import funnel_curves, funnel_points
from metrics.jaarbeeld import jaarbeeld_themes, jaarbeeld_weakest
from metrics.rag import rag_shares
from metrics.trend import trend_by_indicator

LEAD_COLUMNS = ["onderzoek", "gemeente", "indicator", "k", "n", "percentage", "ondergrens", "bovengrens", "benchmark", "vergelijking", "vergelijking_998"]
BENCHMARK_COLUMNS = ["benchmark_soort", "benchmark_gebied", "benchmark_gemeenten", "benchmark_opmerking"]
ROUNDED = ["percentage", "ondergrens", "bovengrens", "benchmark", "laagste_indicator", "hoogste_indicator"]


BRON_HELP = "demodata of eigen gegevens (nooit samen geteld); standaard: die van het onderzoek, anders eigen gegevens zodra die er zijn"


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m metrics", description="Nalevingscijfers uit de Toezicht-database.")
    sub = p.add_subparsers(dest="command", required=True)
    c = sub.add_parser("compliance", help="naleving: k van n, percentage, Wilson-interval, benchmark")
    c.add_argument("--db", type=Path, default=None)
    c.add_argument("--onderzoek", default=None)
    c.add_argument("--bron", choices=["demo", "echt"], default=None, help=BRON_HELP)
    c.add_argument("--gemeente", default=None)
    c.add_argument("--soort", choices=list(VISIT_KINDS), default=VISIT_KINDS[0])
    c.add_argument("--by", choices=["indicator", "theme", "municipality"], default="indicator")
    c.add_argument("--format", choices=["table", "csv", "json"], default="table")
    c.add_argument("--benchmark", choices=[k for k in BENCHMARKS if k != "groep"], default=None,
                   help="waarmee vergeleken wordt: het hele onderzoek (standaard), dezelfde provincie, of de norm van het kader")
    c.add_argument("--groep", default=None, help="een eigen vergelijkingsgroep: gemeenten gescheiden door komma's "
                   f"(minstens {MIN_GROUP})")
    f = sub.add_parser("funnel", help="funnelplot: controlegrenzen en positie per gemeente (CSV)")
    f.add_argument("--db", type=Path, default=None)
    f.add_argument("--onderzoek", default=None)
    f.add_argument("--bron", choices=["demo", "echt"], default=None, help=BRON_HELP)
    f.add_argument("--indicator", default=None)
    f.add_argument("--soort", choices=list(VISIT_KINDS), default=VISIT_KINDS[0])
    f.add_argument("--curve", action="store_true", help="de grenzen voor n = 1 … max in plaats van de gemeenten")
    t = sub.add_parser("trend", help="verandering tussen opeenvolgende bezoeken met Newcombe-interval (CSV)")
    t.add_argument("--db", type=Path, default=None)
    t.add_argument("--onderzoek", default=None)
    t.add_argument("--bron", choices=["demo", "echt"], default=None, help=BRON_HELP)
    t.add_argument("--gemeente", default=None)
    j = sub.add_parser("jaarbeeld-data", help="Jaarbeeld-cijfers per thema voor een jaar (CSV)")
    j.add_argument("--db", type=Path, default=None)
    j.add_argument("--year", "--jaar", dest="year", type=int, required=True)
    j.add_argument("--zwakste", action="store_true", help="de zwakste indicatoren per thema in plaats van de thematotalen")
    r = sub.add_parser("rag", help="aandeel groen/oranje/rood van checklists (CSV)")
    r.add_argument("--db", type=Path, default=None)
    r.add_argument("--onderzoek", default=None)
    r.add_argument("--bron", choices=["demo", "echt"], default=None, help=BRON_HELP)
    r.add_argument("--by", choices=["item", "section", "team", "municipality"], default="item")
    jb = sub.add_parser("jaarbeeld", help="het Jaarbeeld-pakket van een jaar: PNG en SVG per figuur, XLSX, CSV, README, concept-docx")
    jb.add_argument("--year", "--jaar", dest="year", type=int, required=True)
    jb.add_argument("--out", type=Path, required=True, help="map waarin het pakket wordt geschreven")
    jb.add_argument("--db", type=Path, default=None)
    jb.add_argument("--onderzoek", action="append", default=None, help="alleen dit onderzoek (herhaalbaar)")
    jb.add_argument("--bron", choices=["demo", "echt"], default=None,
                    help="demodata of eigen gegevens (standaard: eigen gegevens zodra die er zijn)")
    jb.add_argument("--breedte", choices=["twee-kolommen", "een-kolom"], default="twee-kolommen",
                    help="figuurbreedte: twee A4-kolommen (170 mm) of één kolom (82 mm)")
    jb.add_argument("--zonder-afbeeldingen", action="store_true", help="geen PNG/SVG (geen Chromium nodig)")
    rp = sub.add_parser("rapport", help="conceptrapport van een bezoek, of zonder --gemeente het samenvattend rapport")
    rp.add_argument("--onderzoek", required=True)
    rp.add_argument("--gemeente", default=None)
    rp.add_argument("--datum", default=None, help="veldwerkdatum dd-mm-jjjj (standaard: het onderzoek)")
    rp.add_argument("--soort", choices=["onderzoek", "hertoets"], default=None)
    rp.add_argument("--out", type=Path, required=True, help="FILE.docx, FILE.odt of FILE.pdf (via LibreOffice)")
    rp.add_argument("--sjabloon", type=Path, default=None,
                    help="eigen .docx-sjabloon (standaard: TOEZICHT_SJABLOON_RAPPORT of het meegeleverde)")
    rp.add_argument("--db", type=Path, default=None)
    rp.add_argument("--bron", choices=["demo", "echt"], default=None, help=BRON_HELP)
    rp.add_argument("--zonder-afbeeldingen", action="store_true", help="geen figuren (geen Chromium nodig)")
    return p


def jaarbeeld_pack(con, args) -> int:
    """`python -m metrics jaarbeeld`: write the pack; 0 written, 1 nothing to write."""
    # The pack sits above charts (jaarbeeld/ uses charts.print); imported here only, so metrics stays below charts.
    from jaarbeeld.content import build_yearbook
    from jaarbeeld.pack import build_pack, image_server
    from metrics.jaarbeeld import jaarbeeld_years
    from metrics.overview import default_demo

    started = time.perf_counter()
    demo = default_demo(con) if args.bron is None else args.bron == "demo"
    label = "demodata" if demo else "eigen gegevens"
    for study in args.onderzoek or []:
        problem = _check_scope(con, study, None)
        if problem:
            print(f"FOUT: {problem}", file=sys.stderr)
            return 2
    years = jaarbeeld_years(con, demo)
    if args.year not in years:
        print(f"FOUT: geen bezoeken met veldwerk in {args.year} ({label}); jaren met gegevens: "
              f"{', '.join(map(str, sorted(years))) or 'geen'}.", file=sys.stderr)
        return 1

    def progress(share: float, text: str) -> None:
        print(f"[{share * 100:3.0f}%] {text}", file=sys.stderr)

    with image_server() if not args.zonder_afbeeldingen else contextlib.nullcontext():
        # The browser starts in the background while the year's numbers are gathered.
        yearbook = build_yearbook(con, args.year, demo, args.onderzoek, preset=args.breedte)
        pack = build_pack(yearbook, progress=progress, images=not args.zonder_afbeeldingen)
    written = pack.write(args.out)
    if pack.message:
        print(f"LET OP: {pack.message}", file=sys.stderr)
    seconds = f"{time.perf_counter() - started:.1f}".replace(".", ",")  # gathering, images, files: all of it
    print(f"Jaarbeeld {args.year} ({label}): {len(yearbook.figures)} figuren, {len(written)} bestanden geschreven "
          f"naar {args.out} in {seconds} s.")
    return 0


def compliance_table(con, onderzoek=None, gemeente=None, soort="onderzoek", by="indicator", demo: bool | None = None,
                     benchmark: str = "onderzoek", groep: tuple[str, ...] = ()) -> pd.DataFrame:
    """The CSV/table of `python -m metrics compliance`: the study-wide rows first (gemeente empty) unless one municipality is asked for."""
    scope = Scope(study=onderzoek, municipality=gemeente, kind=soort, demo=demo, benchmark_kind=benchmark, group=tuple(groep))
    fn = {"indicator": compliance_by_indicator, "theme": compliance_by_theme, "municipality": compliance_by_municipality}[by]
    parts = [] if gemeente else [fn(con, scope, pooled=True)]
    parts.append(fn(con, scope))
    frame = pd.concat([p for p in parts if not p.empty] or parts, ignore_index=True)
    lead = list(LEAD_COLUMNS)
    if by == "theme":
        lead[lead.index("indicator")] = "thema"
    elif by == "municipality":
        frame["indicator"] = ""
    described = [c for c in BENCHMARK_COLUMNS if c in frame.columns]  # last, so the older columns keep their places
    rest = [c for c in frame.columns if c not in lead and c not in ("gemeentecode",) and c not in described]
    frame = frame[lead + ["gemeentecode"] + rest + described]
    frame.insert(len(lead) + 1 + len(rest), "soort", soort)
    frame[[c for c in ROUNDED if c in frame.columns]] = frame[[c for c in ROUNDED if c in frame.columns]].round(1)
    return frame


def group_names(text: str | None) -> tuple[str, ...]:
    """The municipalities of `--groep NAAM,NAAM,…`, stripped, each once, in the given order."""
    return tuple(dict.fromkeys(part.strip() for part in (text or "").split(",") if part.strip()))


def check_group(con, names: tuple[str, ...]) -> str | None:
    """A Dutch message when the comparison group is too small or names a municipality that is not in the database."""
    for name in names:
        problem = _check_scope(con, None, name)
        if problem:
            return f"vergelijkingsgroep: {problem}"
    if len(names) < MIN_GROUP:
        return (f"een vergelijkingsgroep heeft minstens {MIN_GROUP} gemeenten nodig om mee te vergelijken; gegeven: "
                f"{', '.join(names) or 'geen'}.")
    return None


def _check_scope(con, onderzoek: str | None, gemeente: str | None) -> str | None:
    """A Dutch message when the study or municipality is not in the database, with a suggestion."""
    if onderzoek:
        studies = [r[0] for r in con.execute("SELECT study_id FROM study ORDER BY 1").fetchall()]
        if onderzoek not in studies:
            return f"onderzoek '{onderzoek}' staat niet in de database; beschikbaar: {', '.join(studies) or 'geen'}."
    if gemeente:
        names = [r[0] for r in con.execute("SELECT DISTINCT municipality_name FROM visit ORDER BY 1").fetchall()]
        codes = [r[0] for r in con.execute("SELECT DISTINCT municipality_code FROM visit").fetchall()]
        if gemeente.lower() not in {n.lower() for n in names} and gemeente.upper() not in codes:
            close = difflib.get_close_matches(gemeente, names, n=1, cutoff=0.5)
            return f"gemeente '{gemeente}' komt niet voor in de database" + (f"; bedoelt u '{close[0]}'?" if close else ".")
    return None


def data_source(con, bron: str | None, onderzoek: str | None) -> bool:
    """Demo (True) or real data (False): as asked, else the study's own kind, else real data when there is any."""
    if bron:
        return bron == "demo"
    if isinstance(onderzoek, list):  # `jaarbeeld --onderzoek A B`: the first study decides
        onderzoek = onderzoek[0] if onderzoek else None
    if onderzoek:
        rows = con.execute("SELECT is_demo FROM study WHERE study_id = ?", [onderzoek]).fetchall()
        if rows:
            return bool(rows[0][0])
    return default_demo(con)


def emit(frame: pd.DataFrame, fmt: str) -> None:
    frame = escaped(frame)  # a text cell starting with = + - @ must never become a formula in Excel
    if fmt == "csv":
        frame.to_csv(sys.stdout, index=False, float_format="%.1f", lineterminator="\n")
    elif fmt == "json":
        print(json.dumps(json.loads(frame.to_json(orient="records", force_ascii=False)), ensure_ascii=False, indent=1))
    else:
        with pd.option_context("display.max_rows", None, "display.max_columns", None, "display.width", 200):
            print(frame.to_string(index=False, float_format=lambda x: f"{x:.1f}"))


def main(argv: list[str] | None = None) -> int:
    try:
        args = _parser().parse_args(argv)
    except SystemExit as exc:
        return 0 if exc.code == 0 else 2
    try:
        con = connect(args.db, wait=120, on_wait=lambda message: print(message, file=sys.stderr, flush=True))
    except ToezichtError as exc:
        print(f"FOUT: {exc}", file=sys.stderr)
        return 1
    try:
        study = getattr(args, "onderzoek", None)
        problem = _check_scope(con, study if isinstance(study, str) else None, getattr(args, "gemeente", None))
        if problem:
            print(f"FOUT: {problem}", file=sys.stderr)
            return 2
        demo = data_source(con, getattr(args, "bron", None), getattr(args, "onderzoek", None))
        if args.command == "compliance":
            names = group_names(args.groep)
            if args.groep is not None and args.benchmark not in (None, "groep"):
                print(f"FOUT: --groep hoort bij een eigen vergelijkingsgroep; laat --benchmark {args.benchmark} weg.", file=sys.stderr)
                return 2
            problem = check_group(con, names) if args.groep is not None else None
            if problem:
                print(f"FOUT: {problem}", file=sys.stderr)
                return 2
            kind = "groep" if args.groep is not None else (args.benchmark or "onderzoek")
            emit(compliance_table(con, args.onderzoek, args.gemeente, args.soort, args.by, demo, kind, names), args.format)
        elif args.command == "funnel":
            scope = Scope(study=args.onderzoek, kind=args.soort, demo=demo)
            frame = funnel_curves(con, scope) if args.curve else funnel_points(con, scope)
            if args.indicator:
                frame = frame[frame["indicator"] == args.indicator]
            emit(frame, "csv")
        elif args.command == "trend":
            trend = trend_by_indicator(con, Scope(study=args.onderzoek, municipality=args.gemeente, kind=None, demo=demo))
            # The CSV keeps its numeric columns; the 'k van n' texts are for people (and equal van_k/van_n).
            emit(trend.drop(columns=["van_oordeel", "naar_oordeel"]), "csv")
        elif args.command == "jaarbeeld-data":
            emit((jaarbeeld_weakest if args.zwakste else jaarbeeld_themes)(con, args.year, demo=demo), "csv")
        elif args.command == "jaarbeeld":
            return jaarbeeld_pack(con, args)
        elif args.command == "rapport":
            from documents.cli import run as report_command  # documents sits above charts, as jaarbeeld does

            return report_command(con, args, demo)
        elif args.command == "rag":
            emit(rag_shares(con, args.by, Scope(study=args.onderzoek, scale="rag", demo=demo)), "csv")
        return 0
    finally:
        con.close()


if __name__ == "__main__":
    try:
        sys.exit(main())
    except BrokenPipeError:  # output piped into head/less that closed early
        sys.stderr.close()
        sys.exit(0)
