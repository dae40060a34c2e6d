"""The DuckDB file: where it lives, how it is opened and created, one transaction helper and one
identifier-quoting helper. Reference data (frameworks, municipalities) is installed from `reference`."""

from __future__ import annotations

import contextlib
import os
from pathlib import Path
from typing import Iterator

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


def connect(path: str | Path | None = None, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    """Open (and on first use create) the database with schema, frameworks and municipalities."""
    path = Path(path) if path else default_db_path()
    try:
        if read_only and path.exists():
            return duckdb.connect(str(path), read_only=True)
        path.parent.mkdir(parents=True, exist_ok=True)
        con = duckdb.connect(str(path))
        ensure_schema(con)  # may also meet the lock, on the write-ahead log
    except duckdb.IOException as exc:
        if "lock" in str(exc).lower():
            raise DatabaseBusy(
                f"database {path} is in gebruik door een ander programma (bijvoorbeeld de draaiende app). "
                "Importeer via de pagina Importeren, of stop de app en probeer opnieuw."
            ) from exc
        raise StoreError(f"database {path} kan niet worden geopend: {exc}") from exc
    return con


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
    """Insert shipped frameworks the database does not have yet, each in its own transaction."""
    present = {r[0] for r in con.execute("SELECT framework_id FROM framework").fetchall()}
    for fw in reference_frameworks.shipped_frameworks().values():
        if fw.id in present:
            continue
        with transaction(con):
            con.execute(
                "INSERT INTO framework VALUES (?, ?, ?, ?, ?, ?)",
                [fw.id, fw.name, fw.version, fw.scale, fw.source, fw.description],
            )
            con.executemany(
                "INSERT INTO theme VALUES (?, ?, ?, ?)", [[fw.id, t.code, t.name, t.position] for t in fw.themes]
            )
            con.executemany(
                "INSERT INTO indicator VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    [fw.id, i.code, i.theme, i.criterion, i.label, i.text, i.operationalisation,
                     i.decision_rule, i.level, i.yearbook_theme, i.norm, i.position]
                    for i in fw.indicators
                ],
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
