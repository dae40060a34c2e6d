"""A visit's draft report, timed (DESIGN §11: ≤ 5 s): content from the database, figures through kaleido, the
template filled, as .docx — what `python -m metrics rapport` and the Rapport page do for one visit.

    .venv/bin/python bench/report_time.py [--db PATH] [--onderzoek ID --gemeente NAAM]

Without --db the demo database is built in a temporary folder (Goeree-Overflakkee, kg-2017). bench/run.py can call
report_seconds(db_path, study, municipality) on its national-scale database and print `report_s=`.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))


def report_seconds(db_path: Path, study: str, municipality: str, runs: int = 3) -> float:
    """Best of `runs` wall-clock seconds for one visit's report with figures, from a fresh read-only connection."""
    from documents.report import image_server, report_docx
    from metrics.report import visit_report
    from store.database import connect

    best = float("inf")
    for _ in range(runs):
        started = time.perf_counter()
        con = connect(db_path, read_only=True)
        try:
            with image_server():
                docx = report_docx(visit_report(con, study, municipality))
        finally:
            con.close()
        best = min(best, time.perf_counter() - started)
        assert docx[:2] == b"PK"
    return best


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, default=None)
    parser.add_argument("--onderzoek", default="kg-2017")
    parser.add_argument("--gemeente", default="Goeree-Overflakkee")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-rapport-") as tmp:
        db = args.db
        if db is None:
            db = Path(tmp) / "demo.duckdb"
            subprocess.run([sys.executable, "-m", "loaders", "demo", "--db", str(db)], cwd=REPO, check=True,
                           capture_output=True)
        print(f"report_s={report_seconds(db, args.onderzoek, args.gemeente):.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
