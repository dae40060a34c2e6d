"""What an .xlsx declares, checked before anything expands it.

A workbook is a zip of XML parts. Everything here reads only the zip's central directory and streams
the sheet XML through fixed-size chunks, so a zip bomb, a stray cell at XFD150000 or a sheet of a
million rows is refused with a Dutch message before python-calamine (in its child process) would
allocate for it. The child's memory limit stays the backstop for whatever slips past these checks.
"""

from __future__ import annotations

import html
import io
import re
import zipfile
from dataclasses import dataclass, field

from loaders.problems import LoaderError, col_letter
from reference.dutch import dutch_int

MB = 1024 * 1024
MAX_ROWS = 200_000
MAX_CELLS = 6_000_000  # per sheet, from A1 to the furthest cell: 200,000 rows × 30 columns
MAX_PART_BYTES = 300 * 1024 * 1024  # one expanded part (a 200,000 × 30 sheet is ~280 MB of XML)
MAX_TOTAL_BYTES = 400 * 1024 * 1024  # all parts together, expanded
MAX_SHARED_STRINGS_BYTES = 100 * 1024 * 1024  # read into memory whole by the reader
MAX_RATIO = 100  # expanded / compressed; real sheets compress 10–20×
RATIO_FLOOR = 1024 * 1024  # tiny parts may compress better than that without harm
MAX_MEMBERS = 10_000
MAX_LISTED_FORMULAS = 10
CHUNK = 1 << 20
HEAD_BYTES = 1 << 16

_WIDE_CELL = re.compile(rb' r="([A-Z]{2,3})\d')  # ' r=' first: a literal prefix keeps the scan fast
_DIMENSION = re.compile(rb'<(?:\w+:)?dimension\s+ref="([A-Z]+\d+:)?([A-Z]+)(\d+)"')
_PREFIX = re.compile(rb"<(\w+:)?sheetData\b")
_CELL_REF = re.compile(rb'\br="([A-Z]+\d+)"')
_SHEET = re.compile(rb"<(?:\w+:)?sheet\b([^>]*)/?>")
_ATTR = re.compile(rb'([\w:]+)="([^"]*)"')
_RELATION = re.compile(rb"<(?:\w+:)?Relationship\b([^>]*)/?>")


def column_number(letters: bytes | str) -> int:
    """'A' → 1, 'XFD' → 16384."""
    n = 0
    for ch in letters if isinstance(letters, str) else letters.decode():
        n = n * 26 + ord(ch) - 64
    return n


@dataclass
class SheetScan:
    """What one sheet's XML references: the furthest row and column holding a cell, formulas without a value."""

    rows: int = 0
    columns: int = 0
    dimension: tuple[int, int] | None = None  # (rows, columns) the <dimension> element declares
    formulas_without_value: list[str] = field(default_factory=list)
    formula_count: int = 0
    stopped: bool = False  # scanning stopped early: there are at least `rows` rows


def _no_cached_value(attrs: bytes, body: bytes) -> bool:
    """A formula cell without a <v>, or with an empty one that is not a cached empty text result."""
    m = re.search(rb"<(?:\w+:)?v(?:/>|>([^<]*)<)", body)
    if m is None:
        return True
    return not m.group(1) and b't="str"' not in attrs


def _attrs(raw: bytes) -> dict[str, str]:
    return {k.decode().split(":")[-1]: html.unescape(v.decode("utf-8", "replace")) for k, v in _ATTR.findall(raw)}


def sheet_parts(zf: zipfile.ZipFile, name: str) -> dict[str, str]:
    """Sheet name → zip member of its XML, from workbook.xml and its relationships."""
    members = {i.filename.lstrip("/"): i for i in zf.infolist()}
    wb_info, rels_info = members.get("xl/workbook.xml"), members.get("xl/_rels/workbook.xml.rels")
    if wb_info is None:
        raise LoaderError(f"{name}: geen Excel-werkmap (xl/workbook.xml ontbreekt); sla het bestand op als .xlsx.")
    for info in (wb_info, rels_info):
        if info is not None and info.file_size > 10 * 1024 * 1024:
            raise LoaderError(f"{name}: de werkmapbeschrijving ({info.filename}) is onwaarschijnlijk groot; het bestand is beschadigd.")
    targets = {}
    if rels_info is not None:
        for raw in _RELATION.findall(zf.read(rels_info)):
            a = _attrs(raw)
            target = a.get("Target", "")
            target = target.lstrip("/") if target.startswith("/") else "xl/" + target
            targets[a.get("Id", "")] = re.sub(r"[^/]+/\.\./", "", target)
    parts = {}
    for raw in _SHEET.findall(zf.read(wb_info)):
        a = _attrs(raw)
        if "name" in a and a.get("id") in targets:
            parts[a["name"]] = targets[a["id"]]
    return parts


def scan_sheet(stream: io.BufferedIOBase, stop_rows: int) -> SheetScan:
    """Stream one sheet's XML in chunks; stop early once the sheet is certainly over the row limit."""
    scan = SheetScan()
    row_re = formula_re = None
    needles: list[bytes] = []
    formula_tag = b"<f"
    tail = b""
    first = True
    row_elements = 0
    while True:
        chunk = stream.read(CHUNK)
        buf = tail + chunk
        if not buf:
            break
        if first:
            head = buf[:HEAD_BYTES]  # <dimension> and <sheetData> come before the rows
            m = _DIMENSION.search(head)
            if m:
                scan.dimension = (int(m.group(3)), column_number(m.group(2)))
            m = _PREFIX.search(head) or _PREFIX.search(buf)
            p = re.escape(m.group(1) or b"") if m else rb"(?:\w+:)?"
            # Rows that hold at least one cell; empty, formatted-only rows do not make a sheet longer.
            row_re = re.compile(rb"<" + p + rb"row\b(?:[^>]*?\sr=\"(\d+)\")?[^>]*>\s*<" + p + rb"c\b")
            formula_re = re.compile(rb"<" + p + rb"c\s([^>]*?)(?<!/)>((?:(?!</" + p + rb"c>).)*?<" + p + rb"f\b.*?)</" + p + rb"c>", re.S)
            first = False
            bare = m.group(1) if m and m.group(1) else b""
            formula_tag = b"<" + bare + b"f"
            # A formula without a cached value ends its cell right after the formula, or has an empty <v>.
            needles = [b"</" + bare + b"f></" + bare + b"c>", b"/></" + bare + b"c>", b"<" + bare + b"v></", b"<" + bare + b"v/>"]
        # Matches never straddle two chunks: the part after the last row boundary waits for the next one.
        cut = max(buf.rfind(b"</row>"), buf.rfind(b"<row "), buf.rfind(b":row ")) if chunk else -1
        done, tail = (buf[:cut], buf[cut:]) if cut > 0 else (buf, b"")
        numbers = row_re.findall(done)
        if numbers:
            row_elements += len(numbers)
            # rows without r="" count by position
            scan.rows = max(scan.rows, row_elements, max(int(n) if n else 0 for n in numbers))
        wide = set(_WIDE_CELL.findall(done))
        if wide:
            scan.columns = max(scan.columns, max(map(column_number, wide)))
        if formula_tag in done and any(needle in done for needle in needles):
            for attrs, body in formula_re.findall(done):
                if not re.search(rb"<(?:\w+:)?f\b", body):
                    continue
                scan.formula_count += 1
                if _no_cached_value(attrs, body):
                    ref = _CELL_REF.search(attrs)
                    scan.formulas_without_value.append(ref.group(1).decode() if ref else "?")
        if scan.rows > stop_rows:
            scan.stopped = True
            return scan
        if not chunk:
            break
    if scan.rows and not scan.columns:
        scan.columns = 26  # no cell beyond column Z was seen
    return scan


def check_xlsx(name: str, data: bytes) -> dict[str, SheetScan]:
    """Refuse a workbook whose declarations exceed the limits; return what each sheet references."""
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
        infos = zf.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError, EOFError) as exc:
        raise LoaderError(f"{name}: bestand is beschadigd en kan niet worden gelezen als Excel-werkmap.") from exc
    if not infos:
        raise LoaderError(f"{name}: het zip-bestand is leeg; dit is geen Excel-werkmap.")
    check_members(name, infos)
    scans, formulas = _scan_sheets(name, zf)
    if formulas:
        where = "; ".join(
            f"blad {sheet}: {', '.join(cells[:MAX_LISTED_FORMULAS])}{' …' if n > MAX_LISTED_FORMULAS else ''} ({n} cel(len))"
            for sheet, cells, n in formulas
        )
        raise LoaderError(f"{name}: formule zonder opgeslagen waarde ({where}): open het bestand in Excel en sla het op.")
    return scans


def check_members(name: str, infos: list[zipfile.ZipInfo], kind: str = "Excel-werkmap") -> None:
    """The number of zip members, each one's name, encryption flag, declared size and compression ratio, then the
    total size: what an .xlsx and an .ods (`kind` names it in the messages) declare before anything is expanded."""
    if len(infos) > MAX_MEMBERS:
        raise LoaderError(f"{name}: bevat {dutch_int(len(infos))} onderdelen; dit is geen gewone {kind}.")
    total = 0
    for info in infos:
        member = info.filename
        if member.startswith(("/", "\\")) or ".." in re.split(r"[/\\]", member) or ":" in member:
            raise LoaderError(f"{name}: bevat een onderdeel met een ongeldige naam ({member[:60]!r}); dit is geen gewone {kind}.")
        if info.flag_bits & 0x1:
            raise LoaderError(f"{name}: bestand is met een wachtwoord beveiligd; sla het op zonder wachtwoord.")
        total += info.file_size
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size > RATIO_FLOOR and ratio > MAX_RATIO:
            raise LoaderError(
                f"{name}: onderdeel {member} wordt uitgepakt {dutch_int(round(info.file_size / MB))} MB, {dutch_int(round(ratio))} keer zo groot "
                "als ingepakt; dat is geen gewone werkmap (mogelijk een zip-bom). Kopieer de gegevens naar een nieuw sjabloon."
            )
        if info.file_size > MAX_PART_BYTES:
            raise LoaderError(
                f"{name}: onderdeel {member} wordt uitgepakt {dutch_int(round(info.file_size / MB))} MB; de grens is "
                f"{dutch_int(MAX_PART_BYTES // MB)} MB per onderdeel. Splits het bestand per gemeente."
            )
        if member.lower() == "xl/sharedstrings.xml" and info.file_size > MAX_SHARED_STRINGS_BYTES:
            raise LoaderError(
                f"{name}: de gedeelde teksten van de werkmap zijn {dutch_int(round(info.file_size / MB))} MB; "
                f"de grens is {dutch_int(MAX_SHARED_STRINGS_BYTES // MB)} MB."
            )
    if total > MAX_TOTAL_BYTES:
        raise LoaderError(
            f"{name}: uitgepakt {dutch_int(round(total / MB))} MB; de grens is {dutch_int(MAX_TOTAL_BYTES // MB)} MB. "
            "Splits het bestand per gemeente."
        )


def _scan_sheets(name: str, zf: zipfile.ZipFile) -> tuple[dict[str, SheetScan], list[tuple[str, list[str], int]]]:
    """Stream every sheet part: its extent (refused when too large) and its formulas without a cached value."""
    scans: dict[str, SheetScan] = {}
    formulas: list[tuple[str, list[str], int]] = []
    try:
        parts = sheet_parts(zf, name)
        for sheet, member in parts.items():
            try:
                info = zf.getinfo(member)
            except KeyError:
                continue  # the reader reports a missing part as a damaged file
            with zf.open(info) as stream:
                scan = scan_sheet(stream, MAX_ROWS)
            scans[sheet] = scan
            check_sheet(name, sheet, scan)
            if scan.formulas_without_value:
                formulas.append((sheet, scan.formulas_without_value, len(scan.formulas_without_value)))
    except (zipfile.BadZipFile, EOFError, OSError, ValueError, NotImplementedError) as exc:
        # zlib.error is an Exception subclass raised for corrupt deflate data
        raise LoaderError(f"{name}: bestand is beschadigd en kan niet worden gelezen als Excel-werkmap.") from exc
    except Exception as exc:
        if type(exc).__name__ == "error":  # zlib.error
            raise LoaderError(f"{name}: bestand is beschadigd en kan niet worden gelezen als Excel-werkmap.") from exc
        raise
    return scans, formulas


def check_sheet(name: str, sheet: str, scan: SheetScan) -> None:
    rows, columns = scan.rows, scan.columns
    if scan.dimension is not None:  # what the sheet declares counts too: the reader may reserve room for it
        rows, columns = max(rows, scan.dimension[0]), max(columns, scan.dimension[1])
    if rows > MAX_ROWS:
        shown = dutch_int(rows)  # when the scan stopped early: the furthest row seen so far
        raise LoaderError(
            f"{name}: blad {sheet} heeft {shown} rijen; de grens is {dutch_int(MAX_ROWS)} rijen. "
            "Verwijder lege rijen onder de tabel of splits het bestand."
        )
    cells = rows * columns
    if cells > MAX_CELLS:
        raise LoaderError(
            f"{name}: blad {sheet} loopt tot cel {col_letter(columns - 1)}{rows} "
            f"({dutch_int(cells)} cellen vanaf A1); de grens is {dutch_int(MAX_CELLS)} cellen per blad. "
            "Verwijder cellen ver buiten de tabel (selecteer de lege kolommen en rijen en kies Verwijderen) en sla opnieuw op."
        )
