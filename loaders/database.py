"""The DuckDB file: where it lives, how it is created, and the one identifier-quoting helper."""

from __future__ import annotations

import os
from pathlib import Path

import duckdb

from loaders.problems import LoaderError

ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = ROOT / "data"
SCHEMA_FILE = DATA_DIR / "schema.sql"


def default_db_path() -> Path:
    return Path(os.environ.get("TOEZICHT_DB") or DATA_DIR / "toezicht.duckdb")


class DatabaseBusy(LoaderError):
    """The database file is locked by another process or cannot be opened."""


def quote_ident(name: str) -> str:
    """Quote an SQL identifier; values always travel as parameters instead."""
    return '"' + name.replace('"', '""') + '"'


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
        raise DatabaseBusy(f"database {path} kan niet worden geopend: {exc}") from exc
    return con


def ensure_schema(con: duckdb.DuckDBPyConnection) -> None:
    """Create missing tables/views and load the shipped reference data once."""
    con.execute(SCHEMA_FILE.read_text(encoding="utf-8"))
    from loaders.frameworks import install_frameworks
    from loaders.municipalities import install_municipalities

    if con.execute("SELECT count(*) FROM municipality_year").fetchone()[0] == 0:
        install_municipalities(con)
    install_frameworks(con)


def table_snapshot(con: duckdb.DuckDBPyConnection) -> dict[str, list[tuple]]:
    """Every base table's content, sorted: lets tests prove a refused file wrote nothing."""
    tables = [
        r[0]
        for r in con.execute(
            "SELECT table_name FROM information_schema.tables "
            "WHERE table_type = 'BASE TABLE' AND table_schema = 'main' ORDER BY 1"
        ).fetchall()
    ]
    snap = {}
    for t in tables:
        rows = con.execute(f"SELECT * FROM {quote_ident(t)}").fetchall()
        snap[t] = sorted(rows, key=repr)
    return snap
