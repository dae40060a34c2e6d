"""The DuckDB file: where it lives, how it is opened and created, one transaction helper and one
identifier-quoting helper. Reference data (frameworks, municipalities) is installed from `reference`."""

from __future__ import annotations

import contextlib
import os
import threading
import time
from pathlib import Path
from typing import Callable, Iterator

import duckdb
import pandas as pd

from reference import frameworks as reference_frameworks
from reference import municipalities as reference_municipalities
from reference.errors import ToezichtError
from reference.paths import DATA_DIR

SCHEMA_FILE = DATA_DIR / "schema.sql"
DB_ENV = "TOEZICHT_DB"
# Every table that hangs off a visit, children first: deleting a visit deletes these rows.
TABLES_BY_VISIT = ("score", "visit_indicator_count", "remark", "finding", "recommendation", "dossier", "visit")


class StoreError(ToezichtError):
    """The database cannot be opened, read or written; the message says why in Dutch."""


class DatabaseBusy(StoreError):
    """The database file is locked by another process."""


def default_db_path() -> Path:
    return Path(os.environ.get(DB_ENV) or DATA_DIR / "toezicht.duckdb")


def quote_ident(name: str) -> str:
    """Quote an SQL identifier; values always travel as parameters instead."""
    return '"' + name.replace('"', '""') + '"'


@contextlib.contextmanager
def transaction(con: duckdb.DuckDBPyConnection) -> Iterator[duckdb.DuckDBPyConnection]:
    """BEGIN … COMMIT, or ROLLBACK on any error (the original error is what the caller sees)."""
    con.execute("BEGIN TRANSACTION")
    try:
        yield con
    except BaseException:
        with contextlib.suppress(duckdb.Error):  # a failed COMMIT may already have ended the transaction
            con.execute("ROLLBACK")
        raise
    else:
        try:
            con.execute("COMMIT")
        except duckdb.Error:
            with contextlib.suppress(duckdb.Error):
                con.execute("ROLLBACK")
            raise


SQLITE_MAGIC = b"SQLite format 3\x00"
# Never fetch extensions at run time: a foreign file must be refused, not trigger a download.
DUCKDB_CONFIG = {"autoload_known_extensions": False, "autoinstall_known_extensions": False}
RETRY_SECONDS = 0.2


def describe_error(exc: BaseException, path: Path) -> StoreError:
    """A DuckDB or OS error as a Dutch StoreError that names the database file and the cause."""
    text = str(exc)
    low = text.lower()
    if "could not set lock" in low or "conflicting lock" in low or "different configuration" in low:
        return DatabaseBusy(
            f"database {path} is in gebruik door een ander programma (de app of een andere import) "
            "en kwam niet op tijd vrij. Probeer het zo opnieuw."
        )
    if "not a valid duckdb database" in low or "magic" in low or "corrupt" in low or "checksum" in low:
        return StoreError(f"database {path} is beschadigd of geen DuckDB-database. Zet een reservekopie terug, "
                          "of verwijder het bestand: de app maakt dan een nieuwe database met de demodata.")
    if "no space left" in low or "disk is full" in low or "enospc" in low:
        return StoreError(f"de schijf is vol: database {path} kan niet worden bijgewerkt; er is niets opgeslagen. "
                          "Maak ruimte vrij en probeer opnieuw.")
    if "permission denied" in low or "read-only file system" in low or isinstance(exc, PermissionError):
        return StoreError(f"database {path} kan niet worden geschreven (geen schrijfrechten of alleen-lezen schijf).")
    first_line = text.strip().splitlines()[0] if text.strip() else type(exc).__name__
    return StoreError(f"database {path} kan niet worden geopend of geschreven: {first_line}")


def _open(path: Path, read_only: bool) -> duckdb.DuckDBPyConnection:
    if path.exists() and path.stat().st_size >= len(SQLITE_MAGIC):
        with path.open("rb") as fh:
            if fh.read(len(SQLITE_MAGIC)) == SQLITE_MAGIC:
                raise StoreError(f"{path} is een SQLite-bestand, geen DuckDB-database van Toezicht Dashboard. "
                                 "Kies een ander bestand (--db of TOEZICHT_DB).")
    if read_only and path.exists():
        return duckdb.connect(str(path), read_only=True, config=DUCKDB_CONFIG)
    path.parent.mkdir(parents=True, exist_ok=True)
    return duckdb.connect(str(path), config=DUCKDB_CONFIG)


def connect(
    path: str | Path | None = None,
    read_only: bool = False,
    wait: float = 0.0,
    on_wait: Callable[[str], None] | None = None,
    schema: bool = True,
) -> duckdb.DuckDBPyConnection:
    """Open (and on first use create) the database with schema, frameworks and municipalities.

    DuckDB lets one process at a time open a file for writing. With `wait` > 0 a busy file is retried for that
    many seconds (after telling `on_wait` once), so a command-line import waits for the app or another import."""
    path = Path(path) if path else default_db_path()
    deadline = time.monotonic() + wait
    told = False
    intent: Path | None = None
    try:
        while True:
            try:
                con = _open(path, read_only)
                if schema and not read_only:
                    try:
                        ensure_schema(con)  # may also meet the lock, on the write-ahead log
                    except BaseException:
                        con.close()
                        raise
                return con
            except (duckdb.Error, OSError) as exc:
                error = describe_error(exc, path)
                if not isinstance(error, DatabaseBusy) or time.monotonic() >= deadline:
                    raise error from exc
                if not read_only and intent is None:
                    intent = _announce_writer(path)  # readers of other server processes let go of the file
                if on_wait and not told:
                    on_wait(f"database {path} is in gebruik (de app of een andere import); wachten tot hij vrij is…")
                    told = True
                time.sleep(RETRY_SECONDS)
    finally:
        if intent is not None:
            intent.unlink(missing_ok=True)


# A writer that waits for the file leaves a small file beside it: `<db>.schrijver-<pid>`. Every lease checks for one
# before each query and lets go of the file until it is gone, so a stream of readers in several server processes
# cannot keep an import out. Once the writer has the file, readers meet the lock and wait as before.
WRITER_MARK = ".schrijver-"


def _announce_writer(path: Path) -> Path | None:
    mark = path.with_name(f"{path.name}{WRITER_MARK}{os.getpid()}")
    try:
        mark.touch()
    except OSError:
        return None  # a read-only directory: the writer waits without announcing itself, as before
    return mark


def writer_waiting(path: Path) -> bool:
    """Whether another process waits to write `path` (a mark of a process that died is removed and ignored)."""
    prefix = f"{path.name}{WRITER_MARK}"
    try:
        names = [n for n in os.listdir(path.parent) if n.startswith(prefix)]
    except OSError:
        return False
    for name in names:
        pid = name[len(prefix):]
        if not pid.isdigit() or int(pid) == os.getpid():
            continue
        try:
            os.kill(int(pid), 0)
        except ProcessLookupError:
            (path.parent / name).unlink(missing_ok=True)
            continue
        except OSError:
            pass  # alive, owned by another user
        return True
    return False


SHARED_ENV = "TOEZICHT_GEDEELD"  # "1": several server processes share the file (deploy/serve_many.py)


class LeasedConnection:
    """The owner of the server process's one connection: opened on demand and let go after `idle` seconds without
    use, or at once when another process waits to write, so the command line can open the file in between. Callers
    take a plain DuckDB cursor per query; a cursor stays valid after the lease is let go (DuckDB keeps the database
    open until its last cursor is gone). `close()` ends it at once, cursors included, and frees the file; a later
    `cursor()` opens it again.

    With `read_only` (several server processes on one file: DuckDB allows many read-only processes or one writer)
    the lease reads through a read-only connection and `writing()` opens the file for writing only for the write."""

    def __init__(self, path: str | Path | None = None, idle: float = 1.5, read_only: bool = False):
        self.path = Path(path) if path else default_db_path()
        self.idle = idle
        self.read_only = read_only
        self._lock = threading.Lock()
        self._con: duckdb.DuckDBPyConnection | None = None
        self._last_use = 0.0
        self._timer: threading.Timer | None = None
        self._schema_checked = False

    def cursor(self, wait: float = 0.0) -> duckdb.DuckDBPyConnection:
        with self._lock:
            if writer_waiting(self.path):
                self._drop()
                self._await_writer(wait)
            if self._con is None:
                if self.read_only and not self._schema_checked:
                    connect(self.path, wait=wait).close()  # create or update the schema once, then only read
                self._con = connect(self.path, read_only=self.read_only, wait=wait,
                                    schema=not self._schema_checked)
                self._schema_checked = True
            self._last_use = time.monotonic()
            if self._timer is None:
                self._schedule(self.idle)
            return self._con.cursor()

    @contextlib.contextmanager
    def writing(self, wait: float = 0.0) -> Iterator[duckdb.DuckDBPyConnection]:
        """A cursor that may write. Read-only: this process's reads wait while the file is open for writing, and
        the file is let go right after (the other server processes' leases read it again on their next query)."""
        if not self.read_only:
            yield self.cursor(wait)
            return
        with self._lock:
            self._drop()
            con = connect(self.path, wait=wait, schema=False)
            try:
                yield con
            finally:
                con.close()

    def _await_writer(self, wait: float) -> None:
        deadline = time.monotonic() + wait
        while writer_waiting(self.path):
            if time.monotonic() >= deadline:
                raise DatabaseBusy(f"database {self.path} wordt bijgewerkt (er loopt een import); "
                                   "de pagina wacht tot hij vrij is.")
            time.sleep(RETRY_SECONDS)

    def release(self) -> None:
        """Let go of the connection now (it closes once the last cursor is gone)."""
        with self._lock:
            self._drop()

    def close(self) -> None:
        """Close the connection and every cursor taken from it, freeing the file now. Safe to call twice."""
        with self._lock:
            con = self._drop()
            if con is not None:
                con.close()

    def _drop(self) -> duckdb.DuckDBPyConnection | None:
        con, self._con = self._con, None
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        return con

    def _schedule(self, delay: float) -> None:
        self._timer = threading.Timer(delay, self._expire)
        self._timer.daemon = True
        self._timer.start()

    def _expire(self) -> None:
        with self._lock:
            left = self.idle - (time.monotonic() - self._last_use)
            if left > 0:
                self._schedule(left)
                return
            # Dropped, never closed: close() would also close cursors another thread may still be reading from.
            self._con = None
            self._timer = None


def ensure_schema(con: duckdb.DuckDBPyConnection) -> None:
    """Create missing tables/views and load the shipped reference data once."""
    con.execute(SCHEMA_FILE.read_text(encoding="utf-8"))
    # Read every result to the end: duckdb 2 blocks register() on a connection with an unfinished result.
    if con.execute("SELECT count(*) FROM municipality_year").fetchall()[0][0] == 0:
        install_municipalities(con)
    install_frameworks(con)


def install_municipalities(con: duckdb.DuckDBPyConnection) -> None:
    """Load the CBS reference list into municipality_year."""
    frame = pd.DataFrame(list(reference_municipalities.reference_rows()), columns=["year", "code", "name", "province"])
    with transaction(con):
        con.register("municipality_rows", frame)
        try:
            con.execute("INSERT INTO municipality_year SELECT year, code, name, province FROM municipality_rows")
        finally:
            con.unregister("municipality_rows")


def install_frameworks(con: duckdb.DuckDBPyConnection) -> None:
    """Insert shipped frameworks the database does not have yet, each in its own transaction. For those it has, bring
    the texts and their provenance up to date; codes, themes, levels and positions stay as stored (scores hang on
    them)."""
    texts = ["criterion", "label", "text", "operationalisation", "decision_rule", "operationalisation_origin",
             "operationalisation_reason", "decision_rule_origin", "decision_rule_reason", "reading", "level_reason"]

    def text_values(i: reference_frameworks.Indicator) -> list:
        return [i.criterion, i.label, i.text, i.operationalisation, i.decision_rule, i.operationalisation_origin,
                i.operationalisation_reason, i.decision_rule_origin, i.decision_rule_reason, i.reading, i.level_reason]

    present = {r[0] for r in con.execute("SELECT framework_id FROM framework").fetchall()}
    stored = {
        (r[0], r[1]): list(r[2:])
        for r in con.execute(f"SELECT framework_id, indicator_code, {', '.join(texts)} FROM indicator").fetchall()
    }
    for fw in reference_frameworks.shipped_frameworks().values():
        if fw.id in present:
            changed = [text_values(i) + [fw.id, i.code] for i in fw.indicators
                       if (fw.id, i.code) in stored and stored[(fw.id, i.code)] != text_values(i)]
            if changed:
                with transaction(con):
                    con.executemany(
                        f"UPDATE indicator SET {', '.join(f'{quote_ident(c)} = ?' for c in texts)} "
                        "WHERE framework_id = ? AND indicator_code = ?",
                        changed,
                    )
            continue
        with transaction(con):
            con.execute(
                "INSERT INTO framework VALUES (?, ?, ?, ?, ?, ?)",
                [fw.id, fw.name, fw.version, fw.scale, fw.source, fw.description],
            )
            con.executemany(
                "INSERT INTO theme VALUES (?, ?, ?, ?)", [[fw.id, t.code, t.name, t.position] for t in fw.themes]
            )
            columns = ["framework_id", "indicator_code", "theme_code", "level", "yearbook_theme", "norm", "position"] + texts
            con.executemany(
                f"INSERT INTO indicator ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})",
                [[fw.id, i.code, i.theme, i.level, i.yearbook_theme, i.norm, i.position] + text_values(i)
                 for i in fw.indicators],
            )


def delete_visits(con: duckdb.DuckDBPyConnection, visit_ids: list[int]) -> None:
    """Remove visits and every row under them; call inside a transaction."""
    if not visit_ids:
        return
    for table in TABLES_BY_VISIT:
        con.execute(f"DELETE FROM {quote_ident(table)} WHERE visit_id IN (SELECT unnest(?::INTEGER[]))", [visit_ids])


def remove_demo_studies(con: duckdb.DuckDBPyConnection) -> int:
    """Drop the demo studies and everything under them; real imports stay. Returns the number of demo visits removed."""
    with transaction(con):
        ids = [r[0] for r in con.execute(
            "SELECT visit_id FROM visit WHERE study_id IN (SELECT study_id FROM study WHERE is_demo)"
        ).fetchall()]
        delete_visits(con, ids)
        con.execute("DELETE FROM study WHERE is_demo")
    return len(ids)


def table_snapshot(con: duckdb.DuckDBPyConnection) -> dict[str, list[tuple]]:
    """Every base table's content, sorted: lets tests prove a refused file wrote nothing."""
    tables = [
        r[0]
        for r in con.execute(
            "SELECT table_name FROM information_schema.tables "
            "WHERE table_type = 'BASE TABLE' AND table_schema = 'main' ORDER BY 1"
        ).fetchall()
    ]
    return {t: sorted(con.execute(f"SELECT * FROM {quote_ident(t)}").fetchall(), key=repr) for t in tables}
