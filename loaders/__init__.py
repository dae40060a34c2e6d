"""Scoring workbooks and CSV files in, DuckDB out: read → normalise → validate → write.

The public API: pages and the command line import these names only, never a loader submodule, and write to the
database only through them.
"""

from loaders.access import AccessError, log_access, remove_user, set_publication, set_user
from loaders.demo import DEMO_DIR_NAME, build_demo, build_first_database, remove_demo
from loaders.importer import ImportResult, Preview, commit, import_bytes, import_file, preview
from loaders.problems import ImportRejected, LoaderError, Problem
from loaders.template import build_template, write_template
from loaders.validate import Options

__all__ = [
    "AccessError",
    "log_access",
    "remove_user",
    "set_publication",
    "set_user",
    "DEMO_DIR_NAME",
    "ImportRejected",
    "ImportResult",
    "LoaderError",
    "Options",
    "Preview",
    "Problem",
    "build_demo",
    "build_first_database",
    "build_template",
    "commit",
    "import_bytes",
    "import_file",
    "preview",
    "remove_demo",
    "write_template",
]
