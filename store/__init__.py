"""The DuckDB store: paths, connections, the schema, transactions. Reads reference data, never loaders."""

from store.database import (
    TABLES_BY_VISIT,
    DatabaseBusy,
    LeasedConnection,
    StoreError,
    connect,
    default_db_path,
    delete_visits,
    describe_error,
    quote_ident,
    remove_demo_studies,
    table_snapshot,
    transaction,
)

__all__ = [
    "TABLES_BY_VISIT",
    "DatabaseBusy",
    "LeasedConnection",
    "StoreError",
    "connect",
    "default_db_path",
    "delete_visits",
    "describe_error",
    "quote_ident",
    "remove_demo_studies",
    "table_snapshot",
    "transaction",
]
