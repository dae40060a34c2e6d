"""The problems found in one file: errors block the import, warnings do not; long lists are capped."""

from __future__ import annotations

import re

from loaders.problems import ImportRejected, Problem

_CONTROL = re.compile(r"[\x00-\x1f\x7f]+")  # an echoed cell value must not break the report's lines

MAX_LISTED_CELL_ERRORS = 500  # per file; the rest is summarised in one line


class Collector:
    """Gathers problems for one file; counts cell errors beyond the listing cap."""

    def __init__(self, file: str):
        self.file = file
        self.problems: list[Problem] = []
        self.errors = 0
        self.suppressed = 0

    def error(self, sheet: str, cell: str, message: str) -> None:
        if self.errors >= MAX_LISTED_CELL_ERRORS:
            self.suppressed += 1
            return
        self.errors += 1
        self.problems.append(Problem(self.file, sheet, cell, _CONTROL.sub(" ", message)))

    def warn(self, sheet: str, cell: str, message: str) -> None:
        self.problems.append(Problem(self.file, sheet, cell, _CONTROL.sub(" ", message), "waarschuwing"))

    @property
    def has_errors(self) -> bool:
        return self.errors > 0 or self.suppressed > 0

    def reject(self) -> ImportRejected:
        problems = list(self.problems)
        if self.suppressed:
            problems.append(Problem(self.file, "", "", f"… en nog {self.suppressed} fouten van dezelfde soort."))
        return ImportRejected(self.file, problems)

    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "waarschuwing"]
