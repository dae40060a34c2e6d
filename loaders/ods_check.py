"""What an OpenDocument spreadsheet (.ods) declares, checked before the reader expands it.

An .ods is a zip with the sheets in content.xml. Its own bomb is the repeat attribute: one cell or row element may
say table:number-columns-repeated="16384" or table:number-rows-repeated="1048576". LibreOffice writes such repeats
for empty formatted areas, which cost nothing; a repeated cell that holds a value is as many real cells. So the
zip's declared sizes and ratios are checked first (the .xlsx limits), then content.xml is streamed (iterparse,
elements cleared as they end) and the furthest row and column holding a value decide, per sheet, like
loaders.xlsx_check. The child reader's memory limit stays the backstop.
"""

from __future__ import annotations

import io
import zipfile
from xml.etree.ElementTree import ParseError, iterparse

from loaders.problems import LoaderError
from loaders.xlsx_check import SheetScan, check_sheet, check_members

ODS_MIMETYPE = b"application/vnd.oasis.opendocument.spreadsheet"
TABLE = "urn:oasis:names:tc:opendocument:xmlns:table:1.0"
OFFICE = "urn:oasis:names:tc:opendocument:xmlns:office:1.0"
TEXT = "urn:oasis:names:tc:opendocument:xmlns:text:1.0"
_T_TABLE, _T_ROW, _T_CELL, _T_COVERED = (f"{{{TABLE}}}{x}" for x in ("table", "table-row", "table-cell", "covered-table-cell"))
_ROWS_REPEATED, _COLS_REPEATED, _NAME = (f"{{{TABLE}}}{x}" for x in ("number-rows-repeated", "number-columns-repeated", "name"))
_VALUE_TYPE = f"{{{OFFICE}}}value-type"
_P = f"{{{TEXT}}}p"
_DAMAGED = "bestand is beschadigd en kan niet worden gelezen als OpenDocument-werkblad (.ods)."


def _repeat(element, attribute: str) -> int:
    try:
        return max(int(element.get(attribute, "1")), 1)
    except ValueError:
        return 1


def scan_content(stream, name: str, stop_rows: int) -> dict[str, SheetScan]:
    """Per sheet the furthest row and column holding a value (repeats counted), from content.xml."""
    scans: dict[str, SheetScan] = {}
    sheet: SheetScan | None = None
    row_number = 0  # rows seen so far in this sheet, repeats counted
    column = 0  # cells seen so far in this row
    row_columns = 0  # furthest column with a value in this row
    for event, element in iterparse(stream, events=("start", "end")):
        tag = element.tag
        if event == "start":
            if tag == _T_TABLE:
                sheet = scans.setdefault(element.get(_NAME) or f"blad {len(scans) + 1}", SheetScan())
                row_number = 0
            elif tag == _T_ROW:
                column = row_columns = 0
            continue
        if tag in (_T_CELL, _T_COVERED):
            repeat = _repeat(element, _COLS_REPEATED)
            column += repeat
            if element.get(_VALUE_TYPE) is not None or element.find(_P) is not None:
                row_columns = column
            element.clear()
        elif tag == _T_ROW and sheet is not None:
            repeat = _repeat(element, _ROWS_REPEATED)
            row_number += repeat
            if row_columns:
                sheet.rows = row_number
                sheet.columns = max(sheet.columns, row_columns)
                if sheet.rows > stop_rows:
                    sheet.stopped = True
                    return scans
            element.clear()
        elif tag == _T_TABLE:
            element.clear()
            sheet = None
    return scans


def check_ods(name: str, data: bytes) -> dict[str, SheetScan]:
    """Refuse an .ods whose declarations exceed the limits (the .xlsx limits); return what each sheet holds."""
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
        names = set(zf.namelist())
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError, EOFError) as exc:
        raise LoaderError(f"{name}: {_DAMAGED}") from exc
    check_members(name, zf.infolist(), "OpenDocument-werkblad")
    try:
        if "mimetype" in names and zf.read("mimetype").strip() != ODS_MIMETYPE:
            raise LoaderError(f"{name}: dit is geen OpenDocument-werkblad (ander documenttype); sla het op als .ods.")
        if "META-INF/manifest.xml" in names and b"encryption-data" in zf.read("META-INF/manifest.xml"):
            raise LoaderError(f"{name}: bestand is met een wachtwoord beveiligd. Sla het in LibreOffice op zonder "
                              "wachtwoord en probeer opnieuw.")
        if "content.xml" not in names:
            raise LoaderError(f"{name}: {_DAMAGED} (content.xml ontbreekt)")
        from loaders.xlsx_check import MAX_ROWS

        with zf.open("content.xml") as stream:
            scans = scan_content(stream, name, MAX_ROWS)
    except LoaderError:
        raise
    except (ParseError, zipfile.BadZipFile, EOFError, OSError, ValueError, NotImplementedError) as exc:
        raise LoaderError(f"{name}: {_DAMAGED}") from exc
    except Exception as exc:
        if type(exc).__name__ == "error":  # zlib.error on corrupt deflate data
            raise LoaderError(f"{name}: {_DAMAGED}") from exc
        raise
    for sheet, scan in scans.items():
        check_sheet(name, sheet, scan)
    return scans
