"""A long-format CSV as rows of text: decoded, separator found from the header, every row's width checked.

File-level refusals (encoding, NUL characters, a header mixing separators, too many rows) raise a
Dutch LoaderError; row-level findings (a row wider or narrower than the header, a field longer than
Excel allows) come back as (line, message) pairs for the validator to report with the other errors.
"""

from __future__ import annotations

import codecs
import csv
import io
from dataclasses import dataclass, field

from loaders.problems import LoaderError
from loaders.xlsx_check import MAX_ROWS
from reference.dutch import dutch_int

SEPARATORS = (";", ",")
HEADER_SEARCH_LINES = 10
MAX_FIELD_CHARS = 32_767  # Excel's own limit for a cell
MAX_MIXED_LISTED = 5

# The csv module refuses fields over 131,072 characters with an exception; the file size limit
# already bounds them, and over-long fields are reported below in Dutch instead.
csv.field_size_limit(64 * 1024 * 1024)


@dataclass
class CsvTable:
    rows: list[list[str | None]]  # non-blank records, header included
    lines: list[int]  # 1-based line number where each record starts
    header: int | None  # index in rows of the header, when one was recognised
    separator: str
    problems: list[tuple[int, str]] = field(default_factory=list)  # (line, Dutch message)


def decode_text(name: str, data: bytes) -> str:
    """UTF-8 (with or without BOM), UTF-16 with BOM, else Windows-1252 — what Dutch Excel writes."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) and not data.startswith(codecs.BOM_UTF32_LE):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise LoaderError(f"{name}: het bestand zegt UTF-16 te zijn maar is dat niet overal; sla het op als CSV UTF-8.") from exc
    if data.startswith(codecs.BOM_UTF8):
        try:
            return data[3:].decode("utf-8")
        except UnicodeDecodeError as exc:
            raise LoaderError(
                f"{name}: het bestand begint als UTF-8 maar bevat tekens die geen UTF-8 zijn (rond byte {exc.start + 3}); "
                "sla het op als CSV UTF-8."
            ) from exc
    head = data[:4096]
    if head.count(b"\x00") > len(head) // 4:
        raise LoaderError(
            f"{name}: dit lijkt UTF-16 of UTF-32 zonder BOM (bijna elke tweede byte is nul); "
            "sla het op als 'CSV UTF-8 (door komma's gescheiden)'."
        )
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError as exc:
        raise LoaderError(
            f"{name}: tekens die geen UTF-8 en geen Windows-1252 zijn (byte {exc.start}); "
            "sla het bestand op als 'CSV UTF-8 (door komma's gescheiden)'."
        ) from exc


def _line_of(text: str, index: int) -> int:
    return text.count("\n", 0, index) + 1


def _split(line: str, sep: str) -> list[str]:
    return next(csv.reader([line], delimiter=sep), [])


def detect_separator(name: str, text: str, required: tuple[str, ...]) -> str:
    """The separator that splits the header (one of the first lines) into the required columns."""
    lines = [ln for ln in text.splitlines()[: HEADER_SEARCH_LINES * 3] if ln.strip()][:HEADER_SEARCH_LINES]
    for line in lines:
        fitting = [sep for sep in SEPARATORS if set(required) <= {v.strip().lower() for v in _split(line, sep)}]
        if len(fitting) == 1:
            return fitting[0]
        if set(required) <= {v.strip().lower() for v in _split(line, "\t")}:
            raise LoaderError(f"{name}: de kolommen zijn gescheiden door tabs; gebruik ';' of ','.")
        names = {r for r in required if r in line.lower()}
        if names == set(required) and all(s in line for s in SEPARATORS):
            raise LoaderError(
                f"{name}: de kopregel (regel {text.splitlines().index(line) + 1}) mengt ';' en ',' als scheidingsteken; "
                "gebruik in het hele bestand één scheidingsteken."
            )
    head = "\n".join(lines)
    return ";" if head.count(";") > head.count(",") else ","


def read_csv(name: str, data: bytes, required: tuple[str, ...]) -> CsvTable:
    """Decode, split and width-check a CSV; refuse the file as a whole only where no row can be trusted."""
    text = decode_text(name, data)
    nul = text.find("\x00")
    if nul >= 0:
        raise LoaderError(f"{name}: regel {_line_of(text, nul)} bevat een NUL-teken; dit is geen gewoon tekstbestand (CSV).")
    sep = detect_separator(name, text, required)
    other = "," if sep == ";" else ";"
    table = CsvTable(rows=[], lines=[], header=None, separator=sep)
    # strict: a quote that is never closed would otherwise swallow the rest of the file into one field
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=sep, strict=True)
    width = None
    data_rows = 0
    mixed: list[int] = []
    start = 1
    try:
        for record in reader:
            line, start = start, reader.line_num + 1
            if not any(v.strip() for v in record):
                continue
            values = [v.strip() or None for v in record]
            if table.header is None and set(required) <= {(v or "").lower() for v in values}:
                table.header, width = len(table.rows), len(values)
            elif width is not None:
                data_rows += 1
                if data_rows > MAX_ROWS:
                    raise LoaderError(
                        f"{name}: meer dan {dutch_int(MAX_ROWS)} gegevensrijen (regel {line} is de {dutch_int(data_rows)}e); "
                        f"de grens is {dutch_int(MAX_ROWS)} rijen. Splits het bestand."
                    )
                _check_width(table, record, values, line, width, sep, other, mixed)
            for v in values:
                if v is not None and len(v) > MAX_FIELD_CHARS:
                    hint = " Staat er een aanhalingsteken (\") dat niet wordt gesloten?" if "\n" in v else ""
                    table.problems.append((line, f"rij {line} heeft een veld van {dutch_int(len(v))} tekens; "
                                                 f"de grens is {dutch_int(MAX_FIELD_CHARS)} (zoals in Excel).{hint}"))
                if v is not None and "\ufeff" in v:
                    table.problems.append((line, f"rij {line} bevat een BOM-teken (U+FEFF) midden in het bestand; "
                                                 "zijn er twee bestanden aan elkaar geplakt?"))
            table.rows.append(values)
            table.lines.append(line)
    except csv.Error as exc:
        if "unexpected end of data" in str(exc):
            raise LoaderError(f"{name}: rij {start}: een aanhalingsteken (\") wordt niet gesloten; de rest van het bestand "
                              "zou in één tekst belanden. Sluit de tekst af met een \" of verwijder het teken.") from exc
        if "expected after" in str(exc):
            raise LoaderError(f"{name}: rij {start}: na een afsluitend aanhalingsteken (\") moet '{sep}' of het einde van "
                              "de regel volgen; zet aanhalingstekens binnen een tekst dubbel (\"\").") from exc
        raise LoaderError(f"{name}: rij {start} kan niet als CSV worden gelezen.") from exc
    if mixed:
        listed = ", ".join(str(n) for n in mixed[:MAX_MIXED_LISTED]) + (" …" if len(mixed) > MAX_MIXED_LISTED else "")
        table.problems.append((mixed[0], f"het bestand mengt scheidingstekens: de kopregel gebruikt '{sep}', "
                                         f"{len(mixed)} rij(en) gebruiken '{other}' (rij {listed}). Gebruik één scheidingsteken."))
    return table


def _check_width(table: CsvTable, record: list[str], values: list, line: int, width: int, sep: str, other: str,
                 mixed: list[int]) -> None:
    n = len(record)
    if n > width and all(v is None for v in values[width:]):
        del values[width:]  # trailing separators without content
        return
    if n == width:
        return
    if n < width and other in "".join(record) and len(_split(sep.join(record), other)) == width:
        mixed.append(line)
        return
    if n > width:
        cause = f"staat er een '{sep}' in een tekst zonder aanhalingstekens?"
    else:
        cause = "ontbreken er velden, of staat er een regeleinde in een tekst?"
    table.problems.append((line, f"rij {line} heeft {n} veld{'en' if n != 1 else ''}, de kopregel {width}; {cause}"))
