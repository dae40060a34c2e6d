"""Command line: python -m loaders import|template|demo|gebruiker|publiceer (DESIGN §10)."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import duckdb

from store.database import connect, default_db_path, describe_error
from loaders.problems import ImportRejected, LoaderError
from reference.errors import ToezichtError
from reference.vocab import mask_bsn
from loaders.validate import Options


IMPORT_WAIT_SECONDS = 300  # an import waits this long for the app or another import to let go of the database


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m loaders", description="Scoringswerkmappen importeren in de Toezicht-database.")
    sub = p.add_subparsers(dest="command", required=True)
    imp = sub.add_parser("import", help="bestanden valideren en importeren")
    imp.add_argument("files", nargs="+", type=Path, metavar="FILE")
    imp.add_argument("--db", type=Path, default=None)
    imp.add_argument("--onderzoek", default=None, help="onderzoekscode (voor CSV zonder kolom onderzoek)")
    imp.add_argument("--kader", default=None, help="kader-id (voor een nieuw onderzoek)")
    imp.add_argument("--quiet", action="store_true", help="alleen fouten tonen")
    tpl = sub.add_parser("template", help="lege scoringswerkmap voor een kader")
    tpl.add_argument("--kader", required=True)
    tpl.add_argument("--out", required=True, type=Path)
    tpl.add_argument("--jaar", type=int, default=None, help="jaar van het veldwerk: bepaalt de keuzelijst met gemeenten")
    demo = sub.add_parser("demo", help="de demodata (opnieuw) opbouwen, of verwijderen")
    demo.add_argument("--db", type=Path, default=None)
    demo.add_argument("--verwijder", action="store_true", help="de demodata verwijderen; eigen gegevens blijven")
    demo.add_argument("--als-nieuw", dest="if_missing", action="store_true",
                      help="alleen opbouwen als de database nog niet bestaat (eerste start van de app)")
    from loaders.access_cli import add_parsers

    add_parsers(sub)
    return p


def main(argv: list[str] | None = None) -> int:
    try:
        args = _parser().parse_args(argv)
    except SystemExit as exc:
        return 0 if exc.code == 0 else 2
    try:
        return _run(args)
    except ToezichtError as exc:  # e.g. the database is locked by the running app
        print(f"FOUT: {mask_bsn(str(exc))}", file=sys.stderr)
        return 1


def _run(args) -> int:
    if args.command == "import":
        return _import(args)
    if args.command == "template":
        from loaders.template import write_template

        try:
            write_template(args.kader, args.out, *( [args.jaar] if args.jaar else []))
        except LoaderError as exc:
            print(f"FOUT: {exc}", file=sys.stderr)
            return 2
        print(f"Sjabloon voor kader {args.kader} geschreven naar {args.out}")
        return 0
    if args.command == "demo":
        from loaders.demo import build_demo, remove_demo

        db = args.db or default_db_path()
        if args.verwijder:
            con = connect(db, wait=IMPORT_WAIT_SECONDS, on_wait=lambda message: print(message, flush=True))
            try:
                removed = remove_demo(con)
                con.execute("CHECKPOINT")
            finally:
                con.close()
            print(f"Demodata verwijderd uit {db}: {removed} bezoeken; eigen gegevens zijn gebleven.")
            return 0
        if args.if_missing and db.exists():
            print(f"Database {db} bestaat al; demo niet opnieuw opgebouwd.")
            return 0
        if args.if_missing:
            return _build_first_database(db)
        started = time.perf_counter()
        results = build_demo(db, progress=lambda done, total, msg: print(f"[{done}/{total}] {msg}", flush=True))
        print(f"Demodatabase {db}: {len(results)} werkmappen geïmporteerd in {time.perf_counter() - started:.1f} s.")
        return 0
    if args.command in ("gebruiker", "publiceer"):
        from loaders.access_cli import run

        return run(args)
    return 2


def _build_first_database(db: Path) -> int:
    from loaders.demo import build_first_database

    started = time.perf_counter()
    results = build_first_database(db, progress=lambda done, total, msg: print(f"[{done}/{total}] {msg}", flush=True))
    print(f"Demodatabase {db}: {len(results)} werkmappen geïmporteerd in {time.perf_counter() - started:.1f} s.")
    return 0


def _import(args) -> int:
    from loaders.importer import import_file

    missing = [f for f in args.files if not f.is_file()]
    for f in missing:
        print(f"FOUT: bestand {mask_bsn(str(f))} bestaat niet.", file=sys.stderr)
    if missing:
        return 2
    con = connect(args.db, wait=IMPORT_WAIT_SECONDS, on_wait=lambda message: print(message, flush=True))
    options = Options(study_id=args.onderzoek, framework_id=args.kader)
    rejected = 0
    for f in args.files:
        try:
            result = import_file(con, f, options=options)
        except duckdb.Error as exc:  # e.g. a full disk at COMMIT: rolled back, nothing written
            rejected += 1
            print(f"FOUT {mask_bsn(f.name)}: {describe_error(exc, Path(args.db or default_db_path()))}")
            continue
        except ImportRejected as exc:
            rejected += 1
            print(str(exc))
            for p in exc.problems:
                print(f"  {p}")
            continue
        print(result.summary())
        if not args.quiet:
            for w in result.warnings:
                print(f"  {w}")
    con.close()
    return 1 if rejected else 0


if __name__ == "__main__":
    sys.exit(main())
