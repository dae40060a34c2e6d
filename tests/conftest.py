"""Shared fixtures for the loader tests: real workbooks/CSV files in tmp_path, a real DuckDB file.

Nothing is mocked: every test writes a file with openpyxl (or CSV bytes in the encoding under
test) and imports it through `loaders.importer.import_file` or the command line.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import shutil
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:  # `.venv/bin/pytest` does not put the repository root on sys.path
    sys.path.insert(0, str(REPO))

from store.database import connect, table_snapshot  # noqa: E402
from loaders.importer import ImportResult, import_file  # noqa: E402
from loaders.problems import ImportRejected, Problem  # noqa: E402
from loaders.validate import Options  # noqa: E402

# 111222333: 9*1+8*1+7*1+6*2+5*2+4*2+3*3+2*3-1*3 = 66 = 6*11 → passes the 11-proef.
VALID_BSN = "111222333"
# 123456789: 9+16+21+24+25+24+21+16-9 = 147, 147 % 11 = 4 → fails the 11-proef.
INVALID_BSN = "123456789"


def elfproef(digits: str) -> bool:
    return sum(int(d) * w for d, w in zip(digits, (9, 8, 7, 6, 5, 4, 3, 2, -1))) % 11 == 0


assert elfproef(VALID_BSN) and not elfproef(INVALID_BSN)


def make_workbook(
    path: Path,
    onderzoek: dict | list | None,
    dossiers: list[list] | None = None,
    netwerk: list[list] | None = None,
    extra_sheets: dict[str, list[list]] | None = None,
    merges: dict[str, list[str]] | None = None,
) -> Path:
    """Write an .xlsx from plain lists: sheet 'Onderzoek' (key/value pairs), 'Dossiers', 'Netwerk', …

    Rows are written from A1; `None` leaves a cell empty. `merges` maps a sheet name to ranges
    like 'B2:D2' that are merged with openpyxl.
    """
    wb = openpyxl.Workbook()
    first = wb.active
    sheets: list[tuple[str, list[list]]] = []
    if onderzoek is not None:
        pairs = list(onderzoek.items()) if isinstance(onderzoek, dict) else list(onderzoek)
        sheets.append(("Onderzoek", [list(p) for p in pairs]))
    if dossiers is not None:
        sheets.append(("Dossiers", dossiers))
    if netwerk is not None:
        sheets.append(("Netwerk", netwerk))
    for name, rows in (extra_sheets or {}).items():
        sheets.append((name, rows))
    for n, (name, rows) in enumerate(sheets):
        ws = first if n == 0 else wb.create_sheet()
        ws.title = name
        for r, row in enumerate(rows, 1):
            for c, value in enumerate(row, 1):
                if value is not None:
                    ws.cell(row=r, column=c, value=value)
        for rng in (merges or {}).get(name, []):
            ws.merge_cells(rng)
    if not sheets:
        first.title = "Leeg"
    wb.save(path)
    return path


def kg_meta(**overrides) -> dict:
    """Onderzoek sheet for a kg-2017 visit to Goeree-Overflakkee; keyword None drops a key."""
    meta = {
        "Onderzoek": "kg-2017",
        "Kader": "kg-2017",
        "Gemeente": "Goeree-Overflakkee",
        "Datum": dt.datetime(2016, 10, 11),
        "Soort": "onderzoek",
    }
    for k, v in overrides.items():
        if v is None:
            meta.pop(k, None)
        else:
            meta[k] = v
    return meta


def vt_meta(**overrides) -> dict:
    meta = {"Onderzoek": "vt-2019", "Kader": "vt-2019", "Gemeente": "Nijmegen", "Datum": dt.datetime(2019, 4, 8)}
    for k, v in overrides.items():
        if v is None:
            meta.pop(k, None)
        else:
            meta[k] = v
    return meta


def kg_dossiers(n: int = 6, codes=("TT1", "TT2", "TT3"), prefix: str = "GO") -> list[list]:
    """A header row and n dossiers, every cell judged (alternating ja/nee), enough for n >= 5."""
    rows = [["Dossier", *codes]]
    for i in range(1, n + 1):
        rows.append([f"{prefix}-{i:02d}", *[("ja" if (i + k) % 2 else "nee") for k in range(len(codes))]])
    return rows


def errors(exc: ImportRejected) -> list[Problem]:
    return [p for p in exc.problems if p.severity == "fout"]


def refs(exc: ImportRejected) -> set[str]:
    """'Sheet!Cell' of every error (just the cell for CSV problems)."""
    return {f"{p.sheet}!{p.cell}" if p.sheet else p.cell for p in errors(exc)}


def problem_at(exc: ImportRejected, ref: str) -> Problem:
    found = [p for p in errors(exc) if (f"{p.sheet}!{p.cell}" if p.sheet else p.cell) == ref]
    assert found, f"geen fout op {ref}; wel: {[str(p) for p in exc.problems]}"
    return found[0]


def do_import(con, path: Path, **options) -> ImportResult:
    return import_file(con, path, options=Options(**options))


def rejected(con, path: Path, **options) -> ImportRejected:
    """Import a file that must be refused; prove nothing was written and return the refusal."""
    before = table_snapshot(con)
    with pytest.raises(ImportRejected) as info:
        import_file(con, path, options=Options(**options))
    assert table_snapshot(con) == before, "een geweigerd bestand heeft toch iets geschreven"
    return info.value


def run_cli(*args: str, cwd: Path = REPO, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "loaders", *map(str, args)],
        cwd=cwd,
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )


def scores_of(con, indicator: str | None = None) -> list[tuple]:
    sql = "SELECT dossier_id, indicator_code, value FROM score"
    params = []
    if indicator is not None:
        sql += " WHERE indicator_code = ?"
        params.append(indicator)
    return sorted(con.execute(sql, params).fetchall(), key=repr)


def count(con, table: str) -> int:
    return con.execute(f"SELECT count(*) FROM {table}").fetchall()[0][0]


@pytest.fixture(scope="session")
def empty_db_file(tmp_path_factory) -> Path:
    """A database freshly created by `connect` (schema, frameworks, municipalities), built once."""
    path = tmp_path_factory.mktemp("leeg") / "leeg.duckdb"
    connect(path).close()
    return path


@pytest.fixture
def db(tmp_path, empty_db_file):
    """A fresh database on tmp_path/'t.duckdb': a byte copy of a new one (creating it takes ~0.3 s)."""
    path = tmp_path / "t.duckdb"
    shutil.copyfile(empty_db_file, path)
    con = connect(path)
    yield con
    con.close()


@pytest.fixture
def db_path(tmp_path) -> Path:
    return tmp_path / "t.duckdb"


# --- files the loader must refuse, and CSV writing ----------------------------------------------

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def write_csv(
    path: Path,
    rows: list[list],
    sep: str = ";",
    encoding: str = "cp1252",
    bom: bool = False,
    title: str | None = None,
) -> Path:
    """A CSV written as bytes in the encoding under test (Dutch Excel: ';' and Windows-1252).

    Fields holding the separator or quotes are quoted, as Excel does.
    """
    buf = io.StringIO()
    if title is not None:
        buf.write(title + "\r\n")
    writer = csv.writer(buf, delimiter=sep, lineterminator="\r\n")
    for row in rows:
        writer.writerow(["" if v is None else str(v) for v in row])
    data = buf.getvalue().encode(encoding)
    if bom:
        data = b"\xef\xbb\xbf" + data
    path.write_bytes(data)
    return path


def make_xls(path: Path) -> Path:
    """The first bytes of an old BIFF .xls (an OLE compound file), padded to a plausible size."""
    path.write_bytes(OLE_MAGIC + b"\x00" * 504 + bytes(range(256)) * 16)
    return path


def make_random_xlsx(path: Path) -> Path:
    import random

    rnd = random.Random(7)
    path.write_bytes(bytes(rnd.randrange(256) for _ in range(4096)))
    return path


def make_truncated_xlsx(path: Path) -> Path:
    """A real workbook cut in half: starts like a zip, cannot be opened."""
    full = path.with_name("heel_" + path.name)
    make_workbook(full, kg_meta(), kg_dossiers())
    data = full.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    return path


def make_encrypted_xlsx(path: Path, password: str = "geheim") -> Path:
    """A real workbook written by openpyxl, encrypted with Excel's agile encryption (msoffcrypto)."""
    from msoffcrypto.format.ooxml import OOXMLFile

    plain = path.with_name("plain_" + path.name)
    make_workbook(plain, kg_meta(), kg_dossiers())
    with plain.open("rb") as fin, path.open("wb") as fout:
        OOXMLFile(fin).encrypt(password, fout)
    return path


def make_big_csv(path: Path, megabytes: float = 25.5) -> Path:
    """A valid-looking long CSV of more than 25 MB."""
    header = b"gemeente;dossier;indicator;score;toelichting\r\n"
    line = b"Goeree-Overflakkee;GO-01;TT1;ja;" + b"x" * 200 + b"\r\n"
    n = int(megabytes * 1024 * 1024 / len(line)) + 1
    path.write_bytes(header + line * n)
    return path


def make_many_rows_csv(path: Path, rows: int = 200_050) -> Path:
    """A small-in-bytes CSV with more than 200,000 data lines."""
    header = b"gemeente;dossier;indicator;score\r\n"
    body = b"".join(b"Goeree-Overflakkee;GO-%d;TT1;ja\r\n" % i for i in range(rows))
    path.write_bytes(header + body)
    return path
