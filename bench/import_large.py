"""Import speed: a generated 20,000-dossier × 25-indicator workbook, and the demo build (DESIGN §11).

Prints `import_20000_s=<seconds>` (validate + store, one process, after the file is written) and
`demo_build_s=<seconds>`. The 25-indicator framework is written to a temporary folder and made known
to the loader through TOEZICHT_KADERS, like an inspectorate's own framework would be.
"""

from __future__ import annotations

import datetime as dt
import os
import random
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

DOSSIERS, INDICATORS = 20_000, 25


def write_framework(folder: Path) -> None:
    lines = ['id = "bench-25"', 'naam = "Benchmarkkader 25 indicatoren"', 'schaal = "binair"',
             '[[themas]]', 'code = "A"', 'naam = "Thema A"']
    for i in range(1, INDICATORS + 1):
        lines += ["[[indicatoren]]", f'code = "B{i}"', 'thema = "A"', f'label = "Indicator {i}"', 'niveau = "dossier"']
    (folder / "bench-25.toml").write_text("\n".join(lines) + "\n", encoding="utf-8")


def write_workbook(path: Path) -> None:
    from openpyxl import Workbook

    rng = random.Random(20000)
    wb = Workbook(write_only=True)
    meta = wb.create_sheet("Onderzoek")
    for row in (["Onderzoek", "bench-25"], ["Kader", "bench-25"], ["Gemeente", "Utrecht"], ["Datum", dt.datetime(2023, 5, 1)]):
        meta.append(row)
    ws = wb.create_sheet("Dossiers")
    ws.append(["Dossier", "Team", *[f"B{i} Indicator {i}" for i in range(1, INDICATORS + 1)]])
    values = ["ja", "nee", "ja", "nvt", "Ja", "j", "n", "onbekend", None]
    for d in range(DOSSIERS):
        ws.append([f"U-{d:05d}", "Wijkteam", *[rng.choice(values) for _ in range(INDICATORS)]])
    wb.save(path)


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        os.environ["TOEZICHT_KADERS"] = str(tmp)
        write_framework(tmp)
        from store.database import connect
        from loaders.demo import build_demo
        from loaders.importer import import_file

        started = time.perf_counter()
        write_workbook(tmp / "groot.xlsx")
        print(f"write_workbook_s={time.perf_counter() - started:.1f} size_mb={(tmp / 'groot.xlsx').stat().st_size / 1e6:.1f}")
        con = connect(tmp / "groot.duckdb")
        started = time.perf_counter()
        result = import_file(con, tmp / "groot.xlsx")
        elapsed = time.perf_counter() - started
        print(f"import_20000_s={elapsed:.2f} dossiers={result.dossiers} scores={result.scores} warnings={len(result.warnings)}")
        con.close()
        started = time.perf_counter()
        build_demo(tmp / "demo.duckdb")
        print(f"demo_build_s={time.perf_counter() - started:.2f}")


if __name__ == "__main__":
    main()
