"""Dutch formatting of numbers, dates and counts: the one place the UI, documents and messages take them from.

CSV for machines keeps plain numbers with a decimal point (DESIGN §10); these are for people.
"""

from __future__ import annotations

import datetime as dt
import math

import pandas as pd

from reference.vocab import DUTCH_MONTHS, NO_JUDGEMENT


def _missing(x) -> bool:
    if x is None:
        return True
    if isinstance(x, float) and math.isnan(x):
        return True
    try:
        return bool(pd.isna(x))
    except (TypeError, ValueError):
        return False


def dutch_number(x: float | None, decimals: int = 1) -> str:
    """14.25 → '14,3'; 20000 → '20.000,0'; None/NaN → '–'."""
    if _missing(x):
        return "–"
    text = f"{x:,.{decimals}f}"
    return text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")


def dutch_int(n: int) -> str:
    """200000 → '200.000'."""
    return dutch_number(n, 0)


def dutch_percent(x: float | None, decimals: int = 0) -> str:
    """14.29 → '14%'; with decimals=1 → '14,3%'; None/NaN → '–'."""
    text = dutch_number(x, decimals)
    return text if text == "–" else text + "%"


def dutch_date(value) -> str:
    """A date as dd-mm-jjjj ('' when missing)."""
    if value is None or (not isinstance(value, (dt.date, dt.datetime)) and _missing(value)):
        return ""
    return pd.Timestamp(value).strftime("%d-%m-%Y")


def dutch_timestamp(value) -> str:
    """A moment as dd-mm-jjjj uu:mm ('' when missing)."""
    if value is None or (not isinstance(value, (dt.date, dt.datetime)) and _missing(value)):
        return ""
    return pd.Timestamp(value).strftime("%d-%m-%Y %H:%M")


def month_year(value) -> str:
    """A date as 'juli 2016' ('' when missing)."""
    if _missing(value):
        return ""
    stamp = pd.Timestamp(value)
    return f"{DUTCH_MONTHS[stamp.month - 1]} {stamp.year}"


def period_text(first, last) -> str:
    """Fieldwork period in words: 'maart – oktober 2016', 'december 2015 – maart 2016' or 'maart 2016'."""
    if _missing(first):
        return ""
    a, b = pd.Timestamp(first), pd.Timestamp(first if _missing(last) else last)
    if (a.year, a.month) == (b.year, b.month):
        return month_year(a)
    if a.year == b.year:
        return f"{DUTCH_MONTHS[a.month - 1]}\u00a0–\u00a0{DUTCH_MONTHS[b.month - 1]} {a.year}"
    return f"{month_year(a)}\u00a0–\u00a0{month_year(b)}"


def or_list(words) -> str:
    """('a', 'b', 'c') → 'a, b of c': the choices a message or drop-down offers."""
    words = list(words)
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " of " + words[-1]


def k_of_n(k, n) -> str:
    """'2 van 14', or 'geen oordeel' when n = 0: the words of the counting rule (DESIGN §7)."""
    return f"{int(k)} van {int(n)}" if not _missing(n) and int(n) > 0 else NO_JUDGEMENT
