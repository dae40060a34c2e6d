"""One demo database per test session, built through `python -m loaders demo` like a user would."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
_built: dict[str, Path] = {}


def demo_database(tmp_path_factory) -> Path:
    """Path of a demo database, built on first use in this session."""
    if "path" not in _built:
        path = tmp_path_factory.mktemp("demo") / "toezicht.duckdb"
        done = subprocess.run(
            [sys.executable, "-m", "loaders", "demo", "--db", str(path)], cwd=REPO, capture_output=True, text=True, timeout=300
        )
        assert done.returncode == 0, done.stdout + done.stderr
        _built["path"] = path
    return _built["path"]
