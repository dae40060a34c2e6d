"""Every validation rule, once: both the workbook and the CSV reader apply these.

A rule either returns a Dutch message (None when the value is fine) or records its problem in the
Collector it is given; the readers only decide where (sheet, cell) a value came from.
"""

from __future__ import annotations

import datetime as dt
import re
from itertools import chain

import numpy as np
import pandas as pd

from loaders.problems import cell_ref
from loaders.validate.collector import Collector
from reference.frameworks import Framework, Indicator
from reference.dutch import or_list
from reference.vocab import ALLOWED_TEXT, BSN_CANDIDATE, EARLIEST_VISIT, KINDS, SCALE_VOCAB, VISIT_KINDS, cell_text, looks_like_bsn, lookup, safe_echo, score_key

ID_PATTERN = re.compile(r"[\w\-. ]{1,60}")  # \w: letters (also accented), digits and '_'
MAX_DOSSIER_ID = 60
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
BSN_MESSAGE = ("cel bevat een nummer dat op een BSN lijkt (9 cijfers die de 11-proef halen). "
               "Gebruik alleen pseudoniemen; het nummer wordt hier niet getoond.")


# --- ids -------------------------------------------------------------------------------------


def id_problem(text: str, what: str) -> str | None:
    """Study, framework and team ids are plain text: letters, digits, '-', '_', '.', spaces; ≤ 60 characters."""
    if ID_PATTERN.fullmatch(text):
        return None
    return (f"{what} '{safe_echo(text)}' is geen geldige code: alleen letters, cijfers, '-', '_', '.' en spaties, "
            "hoogstens 60 tekens.")


def dossier_id_problem(text: str) -> str | None:
    """A dossier id is a pseudonym of at most 60 characters on one line."""
    if len(text) <= MAX_DOSSIER_ID and not _CONTROL.search(text):
        return None
    if len(text) > MAX_DOSSIER_ID:
        return f"dossiernummer '{safe_echo(text)}' is langer dan {MAX_DOSSIER_ID} tekens."
    return f"dossiernummer '{safe_echo(text)}' bevat een regeleinde, tab of ander onzichtbaar teken."


# --- indicators and scores -------------------------------------------------------------------


def match_indicator(text: str, framework: Framework) -> Indicator | None:
    """Header/cell text → indicator: equal to the code, or the code followed by ' ', '.', ':' or '-'.

    The longest matching code wins, so '10 Evaluatie' is 10 and never 1.
    """
    t = text.strip().lower()
    best = None
    for ind in framework.indicators:
        c = ind.code.lower()
        if t == c or (t.startswith(c) and t[len(c)] in " .:-"):
            if best is None or len(c) > len(best.code):
                best = ind
    return best


def codes_hint(indicators: tuple[Indicator, ...]) -> str:
    codes = [i.code for i in indicators]
    return ", ".join(codes) if len(codes) <= 16 else ", ".join(codes[:12]) + ", …"


def unknown_indicator(text: str, fw: Framework, expected: tuple[Indicator, ...] | None = None) -> str:
    hint = f"; verwacht {codes_hint(expected)}" if expected else ""
    return f"onbekende indicator '{safe_echo(text)}' voor kader {fw.id}{hint}."


def level_problem(ind: Indicator, per_dossier: bool, layout: str) -> str | None:
    """An indicator scored at the wrong level; `layout` is 'werkmap' (fix: other sheet) or 'csv' (fix: dossier column)."""
    if ind.per_dossier == per_dossier:
        return None
    if ind.per_dossier:
        fix = "zet hem op blad Dossiers" if layout == "werkmap" else "vul het dossiernummer in"
        return f"indicator {ind.code} wordt per dossier beoordeeld; {fix}."
    fix = "zet hem op blad Netwerk" if layout == "werkmap" else "laat dossier leeg"
    return f"indicator {ind.code} wordt per bezoek beoordeeld, niet per dossier; {fix}."


def judge_codes(values: np.ndarray, scale: str) -> tuple[np.ndarray, tuple[str, ...]]:
    """Raw cell values → small integer codes into ('', canonical scores …); -1 marks an invalid cell.

    Each distinct value is looked up once, so a sheet of half a million cells costs a few dozen lookups.
    """
    categories = ("",) + tuple(SCALE_VOCAB[scale])
    index = {c: i for i, c in enumerate(categories)}
    table = lookup(scale)
    codes, uniques = pd.factorize(pd.Series(values, dtype=object), use_na_sentinel=True)
    mapped = [0 if (key := score_key(u)) == "" else index.get(table.get(key), -1) for u in uniques]
    mapped.append(0)  # the NA sentinel (-1) indexes the last element: empty
    return np.array(mapped, dtype=np.int8)[codes], categories


def judge_scores(values: np.ndarray, scale: str) -> tuple[np.ndarray, np.ndarray]:
    """Raw cell values → canonical scores ('' for empty) and a mask of invalid cells."""
    codes, categories = judge_codes(values, scale)
    invalid = codes < 0
    return np.array(categories + (None,), dtype=object)[codes], invalid


def judge_score(value: object, scale: str) -> str | None:
    """One raw value → canonical score ('' for empty), None when invalid."""
    result, invalid = judge_scores(np.array([value], dtype=object), scale)
    return None if invalid[0] else result[0]


def invalid_score(value: object, code: str, fw: Framework) -> str:
    return f"'{safe_echo(value)}' is geen geldige score voor indicator {code}; toegestaan: {ALLOWED_TEXT[fw.scale]}, of leeg."


# --- visits ----------------------------------------------------------------------------------


def visit_date_problem(raw: object, parsed: dt.date | None, today: dt.date | None = None) -> str | None:
    """A fieldwork date must be present, readable, not in the future and not before EARLIEST_VISIT."""
    today = today or dt.date.today()
    if raw is None or cell_text(raw) == "":
        return "'Datum' (datum van het veldwerk) ontbreekt of is leeg."
    if parsed is None:
        return f"datum '{safe_echo(raw)}' is onleesbaar; gebruik 12-11-2015 of 2015-11-12."
    if parsed > today:
        return f"datum {parsed:%d-%m-%Y} ligt in de toekomst; vul de datum van het veldwerk in."
    if parsed < EARLIEST_VISIT:
        return f"datum {parsed:%d-%m-%Y} ligt vóór {EARLIEST_VISIT.year}; dat kan geen veldwerk van dit toezicht zijn."
    return None


def kind_of(text: str) -> str | None:
    """'onderzoek' (also when empty) or 'hertoets'; None when not allowed."""
    return KINDS.get(text.strip().lower()) if text.strip() else "onderzoek"


def kind_problem(text: str) -> str:
    return f"soort '{safe_echo(text)}' is niet toegestaan; kies {or_list(VISIT_KINDS)}."


# --- privacy ---------------------------------------------------------------------------------


def scan_bsn(sheets: list[tuple[str, list[list[object]], list[int] | None]], out: Collector) -> None:
    """Refuse any cell holding something that looks like a BSN; name the cell, never the number.

    Each entry is (sheet name, rows, 1-based line number per row or None when rows start at row 1).
    The distinct values are judged first; cells are located only when one of them is suspicious.
    """
    for sheet_name, rows, lines in sheets:
        distinct = set(chain.from_iterable(rows))
        texts = [v for v in distinct if isinstance(v, str)]
        # One regex pass over all distinct texts; the 11-proef only for texts that hold a 9-digit run.
        if not BSN_CANDIDATE.search("\n".join(texts)):
            texts = []
        suspicious = {v for v in texts if looks_like_bsn(v)}
        suspicious |= {v for v in distinct if not isinstance(v, str) and looks_like_bsn(v)}
        if not suspicious:
            continue
        for r, row in enumerate(rows):
            for c, v in enumerate(row):
                if v is not None and v in suspicious and looks_like_bsn(v):
                    out.error(sheet_name, cell_ref(r if lines is None else lines[r] - 1, c), BSN_MESSAGE)
