"""Finding the header and the data rows of a workbook sheet."""

from __future__ import annotations

from typing import Iterator

from loaders.read import Sheet
from reference.vocab import cell_text

HEADER_SEARCH_ROWS = 10


def find_header(sheet: Sheet, first: str) -> int | None:
    """The first row (within the first 10) whose first non-empty cell equals `first`."""
    for r, row in enumerate(sheet.rows[:HEADER_SEARCH_ROWS]):
        for v in row:
            if v is not None and cell_text(v) != "":
                if cell_text(v).lower() == first:
                    return r
                break
    return None


def header_columns(sheet: Sheet, header_row: int) -> dict[str, int]:
    """Lower-case header text → column index, for the simple sheets."""
    cols = {}
    for j, v in enumerate(sheet.rows[header_row]):
        t = cell_text(v).lower()
        if t and t not in cols:
            cols[t] = j
    return cols


def _blank(v: object) -> bool:
    return v is None or (isinstance(v, str) and not v.strip()) or (isinstance(v, float) and v != v)


def is_blank_row(row: list) -> bool:
    return all(map(_blank, row))


def data_rows(sheet: Sheet, header_row: int) -> Iterator[tuple[int, list]]:
    """(row index, row) for the non-empty rows below the header."""
    rows = sheet.rows
    for r in range(header_row + 1, len(rows)):
        row = rows[r]
        if not is_blank_row(row):
            yield r, row


def get(row: list, j: int | None) -> object:
    return row[j] if j is not None and j < len(row) else None
