"""Reading files into plain rows of cell values, with every refusal a Dutch LoaderError.

.xlsx is read with python-calamine (Rust); openpyxl is only used to write templates.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from pathlib import Path

import python_calamine

from loaders.problems import LoaderError

MAX_BYTES = 25 * 1024 * 1024
MAX_ROWS = 200_000
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK\x03\x04"
# Password-protected .xlsx files are OLE containers holding an "EncryptedPackage" stream.
ENCRYPTED_MARK = "EncryptedPackage".encode("utf-16-le")


@dataclass
class Sheet:
    name: str
    rows: list[list[object]]  # from A1, so row/column indexes are cell coordinates


@dataclass
class Workbook:
    file: str
    sheets: dict[str, Sheet] = field(default_factory=dict)  # by lower-case name

    def sheet(self, name: str) -> Sheet | None:
        return self.sheets.get(name.lower())


def _dutch_int(n: int) -> str:
    """200000 → '200.000' (thousands separated the Dutch way)."""
    return f"{n:,}".replace(",", ".")


def check_size(name: str, size: int) -> None:
    """Refuse files over 25 MB; callers with a path check this before reading the bytes."""
    if size > MAX_BYTES:
        raise LoaderError(f"{name}: bestand is {size / 1024 / 1024:.1f} MB; de grens is 25 MB. Splits het bestand per gemeente.")


def check_file(path: Path, data: bytes) -> None:
    """Refuse files we cannot or may not read, before parsing."""
    name = path.name
    check_size(name, len(data))
    if not data:
        raise LoaderError(f"{name}: bestand is leeg.")
    suffix = path.suffix.lower()
    if data.startswith(OLE_MAGIC):
        if ENCRYPTED_MARK in data:
            raise LoaderError(
                f"{name}: bestand is met een wachtwoord beveiligd. Sla het in Excel op zonder wachtwoord "
                "(Bestand > Info > Werkmap beveiligen) en probeer opnieuw."
            )
        raise LoaderError(
            f"{name}: dit is een oud Excel-bestand (.xls). Open het in Excel en sla het op als "
            "Excel-werkmap (.xlsx)."
        )
    if suffix == ".xls":
        raise LoaderError(f"{name}: .xls wordt niet ondersteund; sla het bestand op als .xlsx.")
    if suffix in (".xlsx", ".xlsm") and not data.startswith(ZIP_MAGIC):
        raise LoaderError(f"{name}: bestand is beschadigd of geen echte Excel-werkmap (.xlsx).")
    if suffix not in (".xlsx", ".xlsm", ".csv", ".txt"):
        raise LoaderError(f"{name}: onbekend bestandstype '{suffix}'. Gebruik .xlsx of .csv.")


def read_workbook(path: Path, data: bytes) -> Workbook:
    """All sheets of an .xlsx as rows of values (None for empty cells)."""
    try:
        book = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
    except python_calamine.PasswordError as exc:
        raise LoaderError(f"{path.name}: bestand is met een wachtwoord beveiligd; sla het op zonder wachtwoord.") from exc
    except Exception as exc:  # calamine raises several types for a broken zip/xml
        raise LoaderError(f"{path.name}: bestand is beschadigd en kan niet worden gelezen als Excel-werkmap.") from exc
    wb = Workbook(file=path.name)
    for meta in book.sheets_metadata:
        try:
            sheet = book.get_sheet_by_name(meta.name)
            # calamine's total_height is the 0-based index of the last used row, not a count.
            n_rows = sheet.total_height + 1 if sheet.height else 0
            if n_rows > MAX_ROWS:
                raise LoaderError(
                    f"{path.name}: blad {meta.name} heeft {_dutch_int(n_rows)} rijen; de grens is {_dutch_int(MAX_ROWS)} rijen."
                )
            rows = sheet.to_python(skip_empty_area=False)
        except LoaderError:
            raise
        except Exception as exc:
            raise LoaderError(f"{path.name}: blad {meta.name} is beschadigd en kan niet worden gelezen.") from exc
        wb.sheets[meta.name.strip().lower()] = Sheet(meta.name, [[None if v == "" else v for v in r] for r in rows])
    return wb


def decode_text(path: Path, data: bytes) -> str:
    """UTF-8 (with or without BOM), else Windows-1252 — what Dutch Excel writes."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def read_csv_rows(path: Path, data: bytes) -> list[list[object]]:
    """A CSV as rows of strings (None for empty), separator ',' or ';' detected from the content."""
    text = decode_text(path, data)
    lines = text.splitlines()
    if len(lines) > MAX_ROWS + 10:
        raise LoaderError(f"{path.name}: {_dutch_int(len(lines))} regels; de grens is {_dutch_int(MAX_ROWS)} rijen.")
    head = "\n".join(lines[:12])
    sep = ";" if head.count(";") > head.count(",") else ","
    reader = csv.reader(io.StringIO(text), delimiter=sep)
    return [[(v.strip() or None) for v in row] for row in reader]
