"""`python -m metrics rapport …` (DESIGN §10): the draft report of one visit, or without --gemeente the study's
summarising report, as .docx, .odt or .pdf."""

from __future__ import annotations

import sys
import time
from contextlib import contextmanager
from pathlib import Path

from reference.errors import ToezichtError
from reference.vocab import parse_date


@contextmanager
def _nothing():
    yield


def run(con, args, demo: bool) -> int:
    """Write the report; 0 written, 1 refused (a Dutch message on stderr), 2 usage error."""
    from documents.render import write_document
    from documents.report import image_server, report_docx, template_bytes
    from metrics.report import study_report, visit_report

    started = time.perf_counter()
    date = None
    if args.datum:
        date = parse_date(args.datum)
        if date is None:
            print(f"FOUT: --datum '{args.datum}' is geen datum; gebruik dd-mm-jjjj.", file=sys.stderr)
            return 2
    out = Path(args.out)
    if out.suffix.lower() not in (".docx", ".odt", ".pdf"):
        print(f"FOUT: --out {out.name}: gebruik een naam op .docx, .odt of .pdf.", file=sys.stderr)
        return 2
    try:
        template, name = template_bytes(args.sjabloon)
        with image_server() if not args.zonder_afbeeldingen else _nothing():  # the browser warms up meanwhile
            if args.gemeente:
                report = visit_report(con, args.onderzoek, args.gemeente, date, args.soort, demo=demo)
            else:
                report = study_report(con, args.onderzoek, demo=demo)
            docx = report_docx(report, template, name, images=not args.zonder_afbeeldingen)
        write_document(docx, out)
    except ToezichtError as exc:
        print(f"FOUT: {exc}", file=sys.stderr)
        return 1
    print(f"{report.status}: {report.title} — geschreven naar {out} ({time.perf_counter() - started:.1f} s)")
    return 0
