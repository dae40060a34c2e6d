"""The one entry point: read a file, apply every rule, return what would be written or every problem."""

from __future__ import annotations

from pathlib import Path

from loaders.problems import ImportRejected, LoaderError
from loaders.read import check_file, read_csv_table, read_workbook
from loaders.validate.collector import Collector
from loaders.validate.long_csv import CSV_REQUIRED, stage_csv
from loaders.validate.model import Options, Staged
from loaders.validate.workbook import stage_workbook
from reference.vocab import mask_bsn


def stage_file(con, path: Path, data: bytes, options: Options) -> Staged:
    """Validate a file completely; return what would be written, or raise ImportRejected.

    Nothing here writes. The file name is masked (mask_bsn) before it appears anywhere.
    """
    name = mask_bsn(Path(path).name)
    safe = Path(name)
    out = Collector(name)
    try:
        check_file(safe, data)
        if safe.suffix.lower() in (".csv", ".txt"):
            staged = stage_csv(con, read_csv_table(safe, data, CSV_REQUIRED), options, out)
        else:
            staged = stage_workbook(con, read_workbook(safe, data), options, out)
    except LoaderError as exc:
        # File-level messages may quote a sheet name: mask BSN-like digits there too.
        raise ImportRejected.from_error(name, LoaderError(mask_bsn(str(exc)))) from exc
    if staged is None or out.has_errors:
        if not out.has_errors:
            out.error("", "", "bestand bevat geen gegevens om te importeren.")
        raise out.reject()
    existing = {r[0] for r in con.execute("SELECT study_id FROM study").fetchall()}
    staged.new_studies = set(staged.studies) - existing
    staged.warnings = out.warnings()
    return staged
