"""Reading files into plain rows of cell values, with every refusal a Dutch LoaderError.

.xlsx and .ods are read with python-calamine (Rust) in a child process (loaders/read_worker.py) after their
declarations passed loaders/xlsx_check.py or loaders/ods_check.py; CSV is decoded and split by loaders/csv_text.py.
openpyxl is only used to write templates.
"""

from __future__ import annotations

import contextlib
import io
import pickle
import signal
import subprocess
import sys
import threading
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from loaders.csv_text import CsvTable, read_csv
from loaders.ods_check import check_ods
from loaders.problems import LoaderError
from loaders.xlsx_check import MAX_ROWS, check_members, check_xlsx  # noqa: F401  (MAX_ROWS: the one row limit, re-exported)

MAX_BYTES = 25 * 1024 * 1024
READ_MEMORY_BYTES = 1024 * 1024 * 1024  # address space of the reading child
READ_CPU_SECONDS = 20  # CPU time of the reading child: a 200,000-row sheet needs about 10 s here
READ_WALL_SECONDS = 60  # the machine may be busy; CPU time is the real bound
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06")  # a member first, or an empty archive
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
    if suffix == ".ods" and not data.startswith(ZIP_MAGIC):
        raise LoaderError(f"{name}: bestand is beschadigd of geen echt OpenDocument-werkblad (.ods).")
    if suffix not in (".xlsx", ".xlsm", ".ods", ".csv", ".txt"):
        raise LoaderError(f"{name}: onbekend bestandstype '{suffix}'. Gebruik .xlsx, .ods of .csv.")


class _CellUnpickler(pickle.Unpickler):
    """Only what cell values are made of: even a subverted child cannot make us build anything else."""

    ALLOWED = {("datetime", "datetime"), ("datetime", "date"), ("datetime", "time"), ("datetime", "timedelta")}

    def find_class(self, module: str, name: str):
        if (module, name) in self.ALLOWED:
            return super().find_class(module, name)
        raise pickle.UnpicklingError(f"{module}.{name} is geen celwaarde")


def _directory_fits(data: bytes, kind: str) -> bool:
    """The zip's directory alone (names, declared sizes and ratios; nothing expanded) within the limits."""
    try:
        check_members("", zipfile.ZipFile(io.BytesIO(data)).infolist(), kind)
    except Exception:
        return False
    return True


class _Reader:
    """The reading child (loaders/read_worker.py), fed and drained by a thread so the caller can work meanwhile."""

    def __init__(self, name: str, data: bytes, memory_bytes: int, cpu_seconds: int):
        self.name = name
        self.outcome: subprocess.CompletedProcess | BaseException | None = None
        worker = Path(__file__).with_name("read_worker.py")
        try:
            self.proc = subprocess.Popen(
                [sys.executable, "-I", str(worker), str(memory_bytes), str(cpu_seconds)],
                stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
            )
        except OSError as exc:
            self.proc = None
            self.outcome = exc
            return
        self.thread = threading.Thread(target=self._talk, args=(data,), daemon=True)
        self.thread.start()

    def _talk(self, data: bytes) -> None:
        try:
            out, err = self.proc.communicate(data, timeout=READ_WALL_SECONDS)
            self.outcome = subprocess.CompletedProcess(self.proc.args, self.proc.returncode, out, err)
        except BaseException as exc:  # the wall-clock bound
            with contextlib.suppress(Exception):
                self.proc.kill()
                self.proc.communicate()
            self.outcome = exc

    def stop(self) -> None:
        """End the child now (the checks refused the file); its outcome no longer matters."""
        if self.proc is not None:
            self.proc.kill()
            self.thread.join()

    def result(self) -> subprocess.CompletedProcess:
        """The child's exit and output once it is done; a Dutch LoaderError when it could not run to the end."""
        if self.proc is not None:
            self.thread.join()
        outcome = self.outcome
        if isinstance(outcome, subprocess.TimeoutExpired):
            raise LoaderError(f"{self.name}: het lezen duurde langer dan {READ_WALL_SECONDS} seconden en is afgebroken; "
                              "splits het bestand of verwijder lege rijen en kolommen.") from outcome
        if isinstance(outcome, OSError) and self.proc is None:
            raise LoaderError(f"{self.name}: de lezer kon niet worden gestart ({outcome.strerror}); probeer het opnieuw.") from outcome
        if isinstance(outcome, BaseException):
            raise outcome
        return outcome


def read_workbook(path: Path, data: bytes, memory_bytes: int = READ_MEMORY_BYTES, cpu_seconds: int = READ_CPU_SECONDS) -> Workbook:
    """All sheets of an .xlsx as rows of values (None for empty cells), parsed where a crash cannot reach us.

    What the file declares is checked first (loaders.xlsx_check); the parse itself runs in a child
    process with a memory and CPU limit, so a native abort or a memory blow-up costs a Dutch message,
    never the app server. The zip's directory is judged before the child starts; the streamed scan of the
    sheets runs while the child parses (two cores, one file's wait), and its refusal wins over anything the
    child says.
    """
    name = path.name
    ods = path.suffix.lower() == ".ods"
    check = check_ods if ods else check_xlsx
    if not _directory_fits(data, "OpenDocument-werkblad" if ods else "Excel-werkmap"):
        check(name, data)  # refuses it with the message for what is wrong
    reader = _Reader(name, data, memory_bytes, cpu_seconds)
    try:
        check(name, data)
    except BaseException:
        reader.stop()
        raise
    proc = reader.result()
    try:
        result = _CellUnpickler(io.BytesIO(proc.stdout)).load() if proc.returncode == 0 else None
    except Exception:
        result = None
    if result is None:
        if proc.returncode in (-signal.SIGXCPU, -signal.SIGKILL):
            raise LoaderError(f"{name}: het lezen kostte meer dan {cpu_seconds} seconden rekentijd en is afgebroken; "
                              "splits het bestand of verwijder lege rijen en kolommen.")
        raise LoaderError(f"{name}: het bestand kon niet veilig worden gelezen (meer dan "
                          f"{memory_bytes // 1024 // 1024} MB geheugen nodig, of beschadigd); "
                          "open het in Excel, controleer het en sla het opnieuw op.")
    if result[0] != "ok":
        _, kind, sheet = result
        where = f"blad {sheet}" if sheet else "bestand"
        if kind == "wachtwoord":
            raise LoaderError(f"{name}: bestand is met een wachtwoord beveiligd; sla het op zonder wachtwoord.")
        if kind == "geheugen":
            raise LoaderError(f"{name}: {where} is te groot om te lezen binnen {memory_bytes // 1024 // 1024} MB "
                              "geheugen; splits het bestand.")
        if sheet:
            raise LoaderError(f"{name}: blad {sheet} is beschadigd en kan niet worden gelezen.")
        kind = "OpenDocument-werkblad (.ods)" if path.suffix.lower() == ".ods" else "Excel-werkmap"
        raise LoaderError(f"{name}: bestand is beschadigd en kan niet worden gelezen als {kind}.")
    wb = Workbook(file=name)
    for sheet_name, rows in result[1]:
        wb.sheets[sheet_name.strip().lower()] = Sheet(sheet_name, rows)
    return wb


def read_csv_table(path: Path, data: bytes, required: tuple[str, ...]) -> CsvTable:
    """A long-format CSV as checked rows (see loaders.csv_text)."""
    return read_csv(path.name, data, required)
