"""Files a user downloads: CSV that Dutch Excel opens, XLSX and ODS, and formula-injection escaping for all.

A text cell that starts with '=', '+', '-' or '@' is a formula to Excel (OWASP "CSV injection"); exports put a
leading apostrophe before it so it stays text. Numbers are never touched.
"""

from __future__ import annotations

import io

import pandas as pd

from exports.office import ConversionError, soffice  # noqa: F401  (public: pages offer ODS where LibreOffice is)

FORMULA_STARTS = ("=", "+", "-", "@")


def escape_cell(value):
    """A text value that Excel would read as a formula, made inert; everything else unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def escaped(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of `frame` with every text cell escaped (column names too)."""
    out = frame.copy()
    for column in out.columns:
        if out[column].dtype == object or pd.api.types.is_string_dtype(out[column]):
            out[column] = out[column].map(escape_cell)
    out.columns = [escape_cell(str(c)) for c in out.columns]
    return out


def csv_bytes(frame: pd.DataFrame, bom: bool = True, sep: str = ",") -> bytes:
    """CSV as UTF-8; with a BOM (default) so Dutch Excel shows accents correctly."""
    text = escaped(frame).to_csv(index=False, sep=sep)
    return ("\ufeff" + text if bom else text).encode("utf-8")


def xlsx_bytes(sheets: dict[str, pd.DataFrame] | pd.DataFrame, sheet_name: str = "Gegevens") -> bytes:
    """One XLSX with a sheet per frame; text cells escaped and stored as text."""
    if isinstance(sheets, pd.DataFrame):
        sheets = {sheet_name: sheets}
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        for name, frame in sheets.items():
            safe = escaped(frame)
            for column in safe.columns:  # timezone-naive dates only; Excel has no time zones
                if isinstance(safe[column].dtype, pd.DatetimeTZDtype):
                    safe[column] = safe[column].dt.tz_localize(None)
            safe.to_excel(writer, sheet_name=name[:31], index=False)
            sheet = writer.sheets[name[:31]]
            for cells in sheet.iter_rows(min_row=2):
                for cell in cells:
                    if isinstance(cell.value, str):
                        cell.data_type = "s"  # never a formula, whatever the text
    return buffer.getvalue()


def ods_bytes(sheets: dict[str, pd.DataFrame] | pd.DataFrame, sheet_name: str = "Gegevens") -> bytes:
    """The same workbook as `xlsx_bytes` (text cells escaped and stored as text) as OpenDocument (.ods), through
    LibreOffice; exports.office.ConversionError (Dutch) when LibreOffice is missing."""
    from exports.office import convert_file

    return convert_file(xlsx_bytes(sheets, sheet_name), "xlsx", "ods")
