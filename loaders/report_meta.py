"""The optional report keys of the Onderzoek sheet (DESIGN §5): `Rapport`, `Publicatiedatum` and `Samenvattend rapport`.

Self-contained so the validator can call it on the key → value mapping it already builds from the sheet.
"""

from __future__ import annotations

import datetime as dt

from reference.vocab import cell_text, parse_date

MAX_TITLE = 300  # a report title, not a paragraph


def report_meta(values: dict[str, object]) -> tuple[str | None, dt.date | None]:
    """(report title, publication date) from the Onderzoek sheet's values by lower-case key; None where absent or unreadable.

    Keys are matched case-insensitively with a trailing ':' ignored, as the other Onderzoek keys are. Values may be
    the raw cell values or (value, cell) pairs as the stage builds them."""
    found: dict[str, object] = {}
    for key, value in values.items():
        name = cell_text(key).lower().rstrip(":").strip()
        if isinstance(value, tuple) and len(value) == 2:
            value = value[0]
        found.setdefault(name, value)
    title = " ".join(cell_text(found.get("rapport")).split())[:MAX_TITLE] or None
    raw_date = found.get("publicatiedatum")
    published = parse_date(raw_date) if raw_date is not None and cell_text(raw_date) else None
    return title, published


def summary_report_title(values: dict[str, object]) -> str | None:
    """`Samenvattend rapport`: the title of the study's summarising report, as the Jaarbeeld cites it (None if absent)."""
    for key, value in values.items():
        if cell_text(key).lower().rstrip(":").strip() == "samenvattend rapport":
            raw = value[0] if isinstance(value, tuple) and len(value) == 2 else value
            return " ".join(cell_text(raw).split())[:MAX_TITLE] or None
    return None


def publication_date_problem(values: dict[str, object]) -> str | None:
    """A Dutch message when `Publicatiedatum` is filled but unreadable (for the validator's report), else None."""
    for key, value in values.items():
        if cell_text(key).lower().rstrip(":").strip() != "publicatiedatum":
            continue
        raw = value[0] if isinstance(value, tuple) and len(value) == 2 else value
        if raw is not None and cell_text(raw) and parse_date(raw) is None:
            return f"publicatiedatum '{cell_text(raw)[:40]}' is onleesbaar; gebruik 12-11-2015 of 2015-11-12."
    return None
