"""Scoring workbooks and CSV files in, DuckDB out: read → normalise → validate → write."""

from loaders.problems import ImportRejected, LoaderError, Problem
from loaders.importer import ImportResult, import_file

__all__ = [
    "ImportRejected",
    "ImportResult",
    "LoaderError",
    "Problem",
    "import_file",
]
