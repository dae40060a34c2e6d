"""store.database: the transaction helper when COMMIT itself fails, and the leased connection's explicit close."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from store.database import LeasedConnection, transaction


def test_failed_commit_rolls_back_and_the_original_error_surfaces(tmp_path):
    con = duckdb.connect(str(tmp_path / "t.duckdb"))
    con.execute("CREATE TABLE t (k INTEGER PRIMARY KEY, v INTEGER)")
    con.execute("INSERT INTO t VALUES (1, 1)")
    other, ours = con.cursor(), con.cursor()
    other.execute("BEGIN TRANSACTION")
    other.execute("INSERT INTO t VALUES (2, 1)")

    # Both inserts of key 2 succeed on their own; DuckDB only sees the clash when the second one commits.
    with pytest.raises(duckdb.TransactionException, match="duplicate key"):
        with transaction(ours):
            ours.execute("INSERT INTO t VALUES (2, 2)")
            ours.execute("INSERT INTO t VALUES (3, 3)")
            ours.execute("UPDATE t SET v = 99 WHERE k = 1")
            other.execute("COMMIT")

    assert con.execute("SELECT * FROM t ORDER BY k").fetchall() == [(1, 1), (2, 1)]
    # No transaction is left open on the cursor: a new one starts and commits normally.
    with transaction(ours):
        ours.execute("INSERT INTO t VALUES (4, 4)")
    assert con.execute("SELECT k FROM t ORDER BY k").fetchall() == [(1,), (2,), (4,)]
    con.close()


def test_error_in_the_body_rolls_back_and_is_raised_unchanged(tmp_path):
    con = duckdb.connect(str(tmp_path / "t.duckdb"))
    con.execute("CREATE TABLE t (k INTEGER)")
    with pytest.raises(KeyError, match="weg"):
        with transaction(con):
            con.execute("INSERT INTO t VALUES (1)")
            raise KeyError("weg")
    assert con.execute("SELECT count(*) FROM t").fetchall() == [(0,)]
    con.close()


def _other_process_can_write(path) -> bool:
    code = f"import duckdb; duckdb.connect({str(path)!r}).execute('CREATE TABLE IF NOT EXISTS o (x INT)')"
    return subprocess.run([sys.executable, "-c", code], capture_output=True, timeout=60).returncode == 0


def test_leased_connection_close_frees_the_file_and_is_idempotent(tmp_path):
    path = tmp_path / "lease.duckdb"
    lease = LeasedConnection(path, idle=3600)
    cur = lease.cursor()
    assert cur.execute("SELECT count(*) FROM framework").fetchall()[0][0] > 0
    assert not _other_process_can_write(path)  # the lease holds the file

    lease.close()
    lease.close()

    with pytest.raises(duckdb.ConnectionException):
        cur.execute("SELECT 1")  # the cursors went with it
    assert _other_process_can_write(path)
    again = lease.cursor()  # a later query opens the file again
    assert again.execute("SELECT count(*) FROM o").fetchall() == [(0,)]
    lease.close()
    assert _other_process_can_write(path)


def test_a_waiting_writer_gets_past_read_only_leases_that_never_go_idle(tmp_path):
    """Several server processes read through read-only leases; a CLI import waiting to write makes them let go.
    The lease's idle time is an hour, so without the writer's mark the file would never come free."""
    import threading
    import time

    from store.database import connect

    path = tmp_path / "gedeeld.duckdb"
    connect(path).close()
    lease = LeasedConnection(path, idle=3600, read_only=True)
    stop = threading.Event()
    reads, failures = [], []

    def reader():
        for _ in range(20_000):  # bounded; stopped by the test long before
            if stop.is_set():
                return
            try:
                reads.append(lease.cursor(wait=60).execute("SELECT count(*) FROM framework").fetchall()[0][0])
            except Exception as exc:  # noqa: BLE001 (any failure of a reader fails the test below)
                failures.append(exc)
                return

    threads = [threading.Thread(target=reader) for _ in range(3)]
    for t in threads:
        t.start()
    try:
        code = (f"from store.database import connect; c = connect({str(path)!r}, wait=30); "
                "c.execute('CREATE TABLE w (x INT)'); c.execute('INSERT INTO w VALUES (1)'); c.close()")
        writer = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=90,
                                cwd=Path(__file__).resolve().parent.parent)
        assert writer.returncode == 0, writer.stderr[-1000:]
        with lease.writing(wait=30) as con:  # this process's own write, past its own readers
            con.execute("INSERT INTO w VALUES (2)")
        assert lease.cursor(wait=30).execute("SELECT sum(x) FROM w").fetchall() == [(3,)]
    finally:
        stop.set()
        for t in threads:
            t.join(timeout=60)
        lease.close()
    assert failures == []
    assert len(reads) > 0 and set(reads) == {reads[0]}
    assert not list(tmp_path.glob("gedeeld.duckdb.schrijver-*"))  # the writer's mark is gone
