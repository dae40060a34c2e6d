"""The loader's small family of exceptions and the problem records the UI shows."""

from __future__ import annotations

from dataclasses import dataclass

from reference.errors import ToezichtError


@dataclass(frozen=True)
class Problem:
    """One validation finding, located as precisely as the input allows."""

    file: str
    sheet: str  # '' for a CSV or for the file as a whole
    cell: str  # like 'D7', a row like '12', or '' for the whole sheet/file
    message: str  # Dutch: what is wrong and what is allowed
    severity: str = "fout"  # 'fout' blocks the import, 'waarschuwing' does not

    @property
    def location(self) -> str:
        where = self.file
        if self.sheet and self.cell:
            where += f", {self.sheet}!{self.cell}"
        elif self.sheet:
            where += f", blad {self.sheet}"
        elif self.cell:
            where += f", cel {self.cell}" if self.cell[0].isalpha() else f", regel {self.cell}"
        return where

    def __str__(self) -> str:
        return f"{self.severity.upper()} {self.location}: {self.message}"


class LoaderError(ToezichtError):
    """Base of everything the loader raises on purpose; the message is Dutch and names the culprit."""


class ImportRejected(LoaderError):
    """A file failed validation; nothing was written. Carries every problem found."""

    def __init__(self, file: str, problems: list[Problem]):
        self.file = file
        self.problems = problems
        errors = [p for p in problems if p.severity == "fout"]
        super().__init__(f"{file}: geweigerd, {len(errors)} fout(en); er is niets opgeslagen.")

    @classmethod
    def from_error(cls, file: str, error: LoaderError) -> "ImportRejected":
        """A file-level refusal (xls, size, corrupt, …) as a report with one problem."""
        return cls(file, [Problem(file, "", "", str(error).split(": ", 1)[-1])])


def col_letter(index: int) -> str:
    """0-based column index → Excel column letters (0 → A, 26 → AA)."""
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def cell_ref(row: int, col: int) -> str:
    """0-based row/column → 'D7'."""
    return f"{col_letter(col)}{row + 1}"
