"""Frameworks (toezichtkaders) shipped as TOML files in data/kaders/."""

from __future__ import annotations

import functools
import os
import tomllib
from dataclasses import dataclass
from pathlib import Path

from reference.errors import FrameworkFileError
from reference.paths import DATA_DIR
from reference.vocab import YEARBOOK_THEMES

KADER_DIR = DATA_DIR / "kaders"
# Extra framework folders (os.pathsep-separated), e.g. an inspectorate's own frameworks or the benchmark's.
EXTRA_KADER_DIRS_ENV = "TOEZICHT_KADERS"
LEVELS = ("dossier", "bezoek", "team")
SCALES = ("binair", "rag")
# Where an operationalisation or decision rule comes from: the published framework's own words, or written for
# this product (then the file gives the reason). Older or local framework files may leave it out (None).
ORIGINS = ("kader", "afgeleid")
FRAMEWORK_NOTE = "uit het kader"
DERIVED_NOTE = "afgeleid — niet uit het gepubliceerde kader"


def origin_note(origin: str | None, reason: str = "") -> str:
    """How the UI, the template and the report label a text of this origin ("" when the file does not say)."""
    if origin == "afgeleid":
        return f"{DERIVED_NOTE}: {reason}" if reason else DERIVED_NOTE
    return FRAMEWORK_NOTE if origin == "kader" else ""


@dataclass(frozen=True)
class Theme:
    code: str
    name: str
    position: int


@dataclass(frozen=True)
class Indicator:
    code: str
    theme: str
    criterion: str
    label: str
    text: str
    operationalisation: str
    decision_rule: str
    level: str
    yearbook_theme: str | None
    norm: float | None
    position: int
    operationalisation_origin: str | None = None
    operationalisation_reason: str = ""
    decision_rule_origin: str | None = None
    decision_rule_reason: str = ""
    reading: str = ""  # how an ambiguous table in the source was read
    level_reason: str = ""

    @property
    def operationalisation_note(self) -> str:
        return origin_note(self.operationalisation_origin, self.operationalisation_reason)

    @property
    def decision_rule_note(self) -> str:
        return origin_note(self.decision_rule_origin, self.decision_rule_reason)

    @property
    def per_dossier(self) -> bool:
        return self.level == "dossier"


@dataclass(frozen=True)
class Framework:
    id: str
    name: str
    version: str
    scale: str
    source: str
    description: str
    themes: tuple[Theme, ...]
    indicators: tuple[Indicator, ...]

    @property
    def dossier_indicators(self) -> tuple[Indicator, ...]:
        return tuple(i for i in self.indicators if i.per_dossier)

    @property
    def visit_indicators(self) -> tuple[Indicator, ...]:
        return tuple(i for i in self.indicators if not i.per_dossier)


def _origins(item: dict, code: str, where: str) -> dict[str, tuple[str | None, str]]:
    """Where the operationalisation and the decision rule come from: ("kader" | "afgeleid" | None, reason)."""
    origins = {}
    for field in ("operationalisatie", "beslisregel"):
        origin = item.get(f"{field}_herkomst") or None
        if origin is not None and origin not in ORIGINS:
            raise FrameworkFileError(
                f"{where}: indicator {code} heeft {field}_herkomst '{origin}'; kies uit {', '.join(ORIGINS)}.")
        reason = str(item.get(f"{field}_reden", "")).strip()
        if origin == "afgeleid" and not reason:
            raise FrameworkFileError(f"{where}: indicator {code} heeft een afgeleide {field} zonder {field}_reden.")
        origins[field] = (origin, reason)
    return origins


def _indicator(item: dict, position: int, theme_codes: set[str], where: str) -> Indicator:
    """One `[[indicatoren]]` entry, checked; errors name the file and the indicator."""
    code = str(item.get("code", "")).strip()
    if item.get("thema") not in theme_codes:
        raise FrameworkFileError(f"{where}: indicator {code} verwijst naar onbekend thema '{item.get('thema')}'.")
    if item.get("niveau") not in LEVELS:
        raise FrameworkFileError(f"{where}: indicator {code} heeft niveau '{item.get('niveau')}'; kies uit {', '.join(LEVELS)}.")
    yb = item.get("jaarbeeld") or None
    if yb is not None and yb not in YEARBOOK_THEMES:
        raise FrameworkFileError(f"{where}: indicator {code} heeft onbekend Jaarbeeld-thema '{yb}'.")
    origins = _origins(item, code, where)
    return Indicator(
        code=code,
        theme=item["thema"],
        criterion=item.get("criterium", ""),
        label=item.get("label") or code,
        text=item.get("tekst", ""),
        operationalisation=item.get("operationalisatie", ""),
        decision_rule=item.get("beslisregel", ""),
        level=item["niveau"],
        yearbook_theme=yb,
        norm=float(item["norm"]) if item.get("norm") is not None else None,
        position=position,
        operationalisation_origin=origins["operationalisatie"][0],
        operationalisation_reason=origins["operationalisatie"][1],
        decision_rule_origin=origins["beslisregel"][0],
        decision_rule_reason=origins["beslisregel"][1],
        reading=str(item.get("lezing", "")).strip(),
        level_reason=str(item.get("niveau_reden", "")).strip(),
    )


def read_framework(path: Path) -> Framework:
    """Parse and check one framework file; errors name the file and the indicator."""
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise FrameworkFileError(f"Kaderbestand {path.name} is geen geldige TOML: {exc}") from exc
    where = f"Kaderbestand {path.name}"
    for key in ("id", "naam", "schaal"):
        if not raw.get(key):
            raise FrameworkFileError(f"{where}: sleutel '{key}' ontbreekt.")
    if raw["schaal"] not in SCALES:
        raise FrameworkFileError(f"{where}: schaal moet binair of rag zijn, niet '{raw['schaal']}'.")
    themes = tuple(
        Theme(code=t["code"], name=t["naam"], position=n) for n, t in enumerate(raw.get("themas", []), 1)
    )
    theme_codes = {t.code for t in themes}
    indicators = []
    seen = set()
    for n, item in enumerate(raw.get("indicatoren", []), 1):
        code = str(item.get("code", "")).strip()
        if not code or code in seen:
            raise FrameworkFileError(f"{where}: indicator {n} heeft een lege of dubbele code '{code}'.")
        seen.add(code)
        indicators.append(_indicator(item, n, theme_codes, where))
    return Framework(
        id=raw["id"],
        name=raw["naam"],
        version=str(raw.get("versie", "")),
        scale=raw["schaal"],
        source=raw.get("bron", ""),
        description=raw.get("omschrijving", ""),
        themes=themes,
        indicators=tuple(indicators),
    )


@functools.cache
def shipped_frameworks() -> dict[str, Framework]:
    """All frameworks in data/kaders/, by id."""
    frameworks = {}
    folders = [KADER_DIR] + [Path(p) for p in os.environ.get(EXTRA_KADER_DIRS_ENV, "").split(os.pathsep) if p]
    for path in [p for folder in folders for p in sorted(folder.glob("*.toml"))]:
        fw = read_framework(path)
        frameworks[fw.id] = fw
    return frameworks
