"""Several Streamlit processes behind nginx, on one DuckDB file: `make serve`, or

    .venv/bin/python deploy/serve_many.py [--processen 2] [--poort 8501] [--db PAD]

One Streamlit process runs every session's Python under one interpreter lock; several processes let the machine's
cores serve several users at once. Each process (serve.py, as `make run` starts it) listens on 127.0.0.1 on its own
port and reads the database read-only (TOEZICHT_GEDEELD=1), opening it for writing only for a write (an upload, the
access log); a command-line import waits for the file as before and every process shows it on its next view.
nginx (Debian package `nginx`) is started without root, from deploy/nginx.conf.template, in a directory of its own.
Sign-in: every process reads the same `[auth]` (.streamlit/secrets.toml; `redirect_uri` on nginx's address), so the
auth cookie, signed with its `cookie_secret`, holds on every process. Ctrl-C stops everything.
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import socket
import string
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
TEMPLATE = Path(__file__).resolve().parent / "nginx.conf.template"
NGINX = "/usr/sbin/nginx"
ADDRESS = "127.0.0.1"
START_TIMEOUT_S = 120.0
SHARED_ENV = "TOEZICHT_GEDEELD"  # store.database.SHARED_ENV (not imported: this script starts before the app's packages)


def free_port() -> int:
    with socket.socket() as s:
        s.bind((ADDRESS, 0))
        return s.getsockname()[1]


def wait_for_port(port: int, proc: subprocess.Popen, log: Path, what: str) -> None:
    """Until `proc` listens on 127.0.0.1:`port`; its log's tail in the error when it stopped instead."""
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        try:
            socket.create_connection((ADDRESS, port), timeout=1).close()
            return
        except OSError:
            if proc.poll() is not None:
                raise RuntimeError(f"{what} stopte bij het starten:\n{log.read_text(errors='replace')[-2000:]}")
            time.sleep(0.3)
    raise RuntimeError(f"{what} luistert na {START_TIMEOUT_S:.0f} s nog niet op poort {port}")


def start_backend(db: Path, port: int, log: Path, extra_args: tuple[str, ...] = (),
                  shared: bool = True) -> subprocess.Popen:
    """One server process as `make run` starts it (serve.py), on 127.0.0.1:`port`, on database `db`, its output in
    `log`; `shared`: one of several processes on the file (reads read-only). Does not wait for it to listen."""
    env = dict(os.environ, TOEZICHT_DB=str(db))
    if shared:
        env[SHARED_ENV] = "1"
    with log.open("wb") as out:
        return subprocess.Popen(
            [sys.executable, "serve.py", "--server.headless", "true", "--server.port", str(port),
             "--server.address", ADDRESS, "--browser.gatherUsageStats", "false", *extra_args],
            cwd=REPO, env=env, stdout=out, stderr=subprocess.STDOUT,
        )


def nginx_config(prefix: Path, port: int, backends: list[int]) -> str:
    """deploy/nginx.conf.template with its directory, its port and the server processes filled in."""
    servers = "\n".join(f"        server {ADDRESS}:{p};" for p in backends)
    return string.Template(TEMPLATE.read_text(encoding="utf-8")).safe_substitute(
        prefix=str(prefix), port=str(port), servers=servers)


def stop_process(proc: subprocess.Popen) -> None:
    """Terminate, then kill after 30 s."""
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=30)


@dataclass
class Cluster:
    """Running server processes and the proxy in front of them."""

    base: str  # the proxy's URL
    prefix: Path  # nginx's directory: configuration, logs, temporary files
    backends: list[tuple[int, subprocess.Popen]] = field(default_factory=list)  # (port, process)
    nginx: subprocess.Popen | None = None
    _own_prefix: bool = False

    def stop(self) -> None:
        if self.nginx is not None:
            stop_process(self.nginx)
        for _, proc in self.backends:
            stop_process(proc)
        if self._own_prefix:
            shutil.rmtree(self.prefix, ignore_errors=True)

    def __enter__(self) -> Cluster:
        return self

    def __exit__(self, *exc) -> None:
        self.stop()


def start(db: Path, processes: int = 2, port: int | None = None, prefix: Path | None = None,
          extra_args: tuple[str, ...] = ()) -> Cluster:
    """Start `processes` server processes on `db` and nginx in front of them on 127.0.0.1:`port` (free if None).
    `prefix`: nginx's directory (a new temporary one if None, removed by stop())."""
    if not Path(NGINX).exists():
        raise RuntimeError(f"{NGINX} ontbreekt: installeer nginx (make nginx, of apt-get install nginx)")
    own = prefix is None
    prefix = Path(tempfile.mkdtemp(prefix="toezicht-nginx-")) if prefix is None else prefix
    prefix.mkdir(parents=True, exist_ok=True)
    cluster = Cluster(base="", prefix=prefix, _own_prefix=own)
    try:
        for n in range(processes):
            backend = free_port()
            log = prefix / f"streamlit-{n + 1}.log"
            cluster.backends.append((backend, start_backend(db, backend, log, extra_args)))
        for n, (backend, proc) in enumerate(cluster.backends):
            wait_for_port(backend, proc, prefix / f"streamlit-{n + 1}.log", f"serverproces {n + 1}")
        port = port or free_port()
        conf = prefix / "nginx.conf"
        conf.write_text(nginx_config(prefix, port, [p for p, _ in cluster.backends]), encoding="utf-8")
        log = prefix / "nginx.out"
        with log.open("wb") as out:
            cluster.nginx = subprocess.Popen(
                [NGINX, "-p", str(prefix), "-e", str(prefix / "error.log"), "-c", str(conf), "-g", "daemon off;"],
                stdout=out, stderr=subprocess.STDOUT,
            )
        wait_for_port(port, cluster.nginx, log, "nginx")
        cluster.base = f"http://{ADDRESS}:{port}"
        return cluster
    except BaseException:
        cluster.stop()
        raise


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description="Meerdere serverprocessen achter nginx, op één database.")
    parser.add_argument("--processen", type=int, default=2, help="aantal Streamlit-processen (standaard 2)")
    parser.add_argument("--poort", type=int, default=8501, help="poort van nginx op 127.0.0.1 (standaard 8501)")
    parser.add_argument("--db", type=Path, default=None, help="de database (standaard TOEZICHT_DB of data/toezicht.duckdb)")
    args = parser.parse_args(argv)
    if args.processen < 1:
        parser.error("--processen moet minstens 1 zijn")
    db = args.db or Path(os.environ.get("TOEZICHT_DB") or REPO / "data" / "toezicht.duckdb")
    if not db.exists():
        print(f"database {db} bestaat niet: maak hem eerst (make demo, of python -m loaders import --db {db} …)")
        return 1
    prefix = Path(tempfile.mkdtemp(prefix="toezicht-nginx-"))
    stopping = []
    signal.signal(signal.SIGTERM, lambda *_: stopping.append(True))
    try:
        cluster = start(db, args.processen, args.poort, prefix)
    except RuntimeError as exc:
        print(exc)
        shutil.rmtree(prefix, ignore_errors=True)
        return 1
    ports = ", ".join(str(p) for p, _ in cluster.backends)
    print(f"{args.processen} serverprocessen (poorten {ports}) achter nginx: {cluster.base}  — logs in {prefix}; "
          "stoppen met Ctrl-C", flush=True)
    try:
        while not stopping:
            if cluster.nginx.poll() is not None or any(p.poll() is not None for _, p in cluster.backends):
                print(f"een proces is gestopt; zie de logs in {prefix}")
                return 1
            time.sleep(1)
    except KeyboardInterrupt:
        pass
    finally:
        cluster.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
