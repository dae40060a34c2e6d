"""Score vocabularies (DESIGN §3) and the small normalisers shared by every reader."""

from __future__ import annotations

import datetime as dt
import re

BINARY = {
    "ja": ("ja", "j", "yes", "y", "1", "waar", "true", "voldoet", "positief", "+"),
    "nee": ("nee", "n", "no", "0", "onwaar", "false", "voldoet niet", "negatief"),
    "nvt": ("nvt", "n.v.t.", "n.v.t", "niet van toepassing", "n/a", "na"),
    "onbekend": ("onbekend", "?", "niet te beoordelen", "ntb"),
}
RAG = {
    "groen": ("groen", "g", "green"),
    "oranje": ("oranje", "o", "amber", "orange"),
    "rood": ("rood", "r", "red"),
    "nvt": BINARY["nvt"],
    "onbekend": BINARY["onbekend"],
}
SCALE_VOCAB = {"binair": BINARY, "rag": RAG}
ALLOWED_TEXT = {
    "binair": "ja, nee, nvt of onbekend (ook j/n, 1/0, voldoet/voldoet niet, n.v.t., ?)",
    "rag": "groen, oranje, rood, nvt of onbekend (ook g/o/r)",
}
VISIT_KINDS = ("onderzoek", "hertoets")  # soort of a visit; the first is the default
KINDS = {"onderzoek": "onderzoek", "hertoets": "hertoets", "hertoetsing": "hertoets"}  # spelling → soort
FINDING_KINDS = ("gaat goed", "kan beter", "zorgpunt")  # as offered in drop-downs and filters
FINDING_SEVERITY = {"zorgpunt": 0, "kan beter": 1, "gaat goed": 2}  # listing order: most serious first
RECOMMENDATION_STATUSES = ("open", "in uitvoering", "afgerond")
OUTCOMES = ("ja", "nee", "nvt", "onbekend")  # binary scale, also the `uitkomst` URL parameter
RAG_VALUES = ("groen", "oranje", "rood")
SCORE_VALUES = OUTCOMES + RAG_VALUES  # every value a stored score may hold (schema CHECK)

# Thresholds and fixed words of the figures (DESIGN §7): every module reads them from here.
SMALL_N = 5  # groups with fewer judged dossiers (n = ja + nee) are marked as small numbers
SMALL_N_NOTE = f"klein aantal (n < {SMALL_N})"
SMALL_N_MARK = "klein aantal"
NO_JUDGEMENT = "geen oordeel"  # n = 0

# What a municipality is compared with (DESIGN §7, URL parameter `benchmark`), and how each is named in the UI.
BENCHMARKS = {
    "onderzoek": "het hele onderzoek",
    "provincie": "de gemeenten van dezelfde provincie",
    "groep": "een eigen vergelijkingsgroep",
    "norm": "de norm van het kader",
}
MIN_GROUP = 3  # a pooled benchmark over fewer municipalities is no comparison: no verdict, a message instead
STRICT_ALPHA = 0.002  # the second level: the verdict also holds for the 99,8%-interval ("duidelijk beter/slechter")
OVERDUE_MONTHS = 12  # a recommendation still open this long after its visit is overdue
EARLIEST_YEAR = 2000  # fieldwork before 1 January of this year is refused
EARLIEST_VISIT = dt.date(EARLIEST_YEAR, 1, 1)

# Jaarbeeld-thema code → name, in the Jaarbeeld's order (seed 001).
YEARBOOK_THEMES = {
    "vroegsignalering": "Vroegsignalering en preventie",
    "eigen-kracht": "Eigen kracht",
    "veiligheid": "Veiligheid",
}
DUTCH_MONTHS = ("januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september",
                "oktober", "november", "december")


def lookup(scale: str) -> dict[str, str]:
    """Spelling → canonical value for a scale."""
    return {spelling: canon for canon, spellings in SCALE_VOCAB[scale].items() for spelling in spellings}


def cell_text(value: object) -> str:
    """A cell's value as the text a person sees; numbers without a spurious '.0'."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        if value != value:  # NaN
            return ""
        if value.is_integer():
            return str(int(value))
        return repr(value)
    if isinstance(value, (dt.datetime, dt.date)):
        return value.isoformat()
    return str(value).strip()


def score_key(value: object) -> str:
    """The key a score cell is looked up by: trimmed, lower case, inner spaces collapsed."""
    if isinstance(value, (dt.datetime, dt.date, dt.time, dt.timedelta)):
        return "\x00datum"  # never a valid score
    return re.sub(r"\s+", " ", cell_text(value)).lower()


_DUTCH_DATE = re.compile(r"^(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})$")
_ISO_DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T].*)?$")
EXCEL_EPOCH = dt.date(1899, 12, 30)


def parse_date(value: object) -> dt.date | None:
    """Real Excel dates, ISO (2015-11-12) and Dutch (12-11-2015) dates; None when unreadable."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        # A date cell without date formatting arrives as its serial number.
        if 20000 <= value <= 80000:
            return EXCEL_EPOCH + dt.timedelta(days=int(value))
        return None
    text = cell_text(value)
    try:
        if m := _ISO_DATE.match(text):
            return dt.date(int(m[1]), int(m[2]), int(m[3]))
        if m := _DUTCH_DATE.match(text):
            return dt.date(int(m[3]), int(m[2]), int(m[1]))
    except ValueError:
        return None
    return None


# --- privacy: the one BSN rule ---------------------------------------------------------------
# A BSN is 9 digits, possibly written in groups with single spaces or dots ("111 222 333", "111.222.333"),
# not part of a longer number, that passes the 11-proef. Cells, messages, file names and the import history
# all detect and mask with these two functions.
BSN_CANDIDATE = re.compile(r"(?<![\d])\d(?:[ .]?\d){8}(?![\d])")
BSN_MASK = "•••••••••"


def passes_elfproef(digits: str) -> bool:
    """The BSN 11-proef: weights 9..2 and -1, sum divisible by 11 (and not all zeros)."""
    if len(digits) != 9 or not digits.isdigit() or digits == "000000000":
        return False
    total = sum(int(d) * w for d, w in zip(digits, (9, 8, 7, 6, 5, 4, 3, 2, -1)))
    return total % 11 == 0


def _is_bsn(match: re.Match) -> bool:
    return passes_elfproef(re.sub(r"\D", "", match.group(0)))


def looks_like_bsn(value: object) -> bool:
    """True when a value holds a BSN: a number, or a 9-digit run inside text, that passes the 11-proef."""
    if value is None or isinstance(value, (bool, dt.date, dt.datetime)):
        return False
    if isinstance(value, (int, float)):
        if isinstance(value, float) and not value.is_integer():
            return False
        return passes_elfproef(str(int(value)))
    return any(_is_bsn(m) for m in BSN_CANDIDATE.finditer(str(value)))


def mask_bsn(text: str) -> str:
    """`text` with every BSN (as `looks_like_bsn` finds it) replaced by dots; other digits kept."""
    return BSN_CANDIDATE.sub(lambda m: BSN_MASK if _is_bsn(m) else m.group(0), text)


def safe_echo(value: object, limit: int = 40) -> str:
    """A cell value fit to quote in a message: BSNs masked, cut at `limit` characters."""
    text = mask_bsn(cell_text(value))
    return text if len(text) <= limit else text[: limit - 1] + "…"
