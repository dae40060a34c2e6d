"""How the draft report words an indicator's figure: per indicator a clause in the past tense, verb first, so that it
follows "In 2 van de 14 onderzochte dossiers …" as the published reports write it.

The clauses restate the framework's own indicator text (data/kaders/*.toml, `tekst`) in that sentence position; a
framework file may carry its own clause as `zin` on an indicator, which wins. An indicator without either gets a
sentence that quotes its text literally, so a new framework reports correctly before anyone words it.
"""

from __future__ import annotations

import functools
import os
import tomllib
from pathlib import Path

from reference.frameworks import EXTRA_KADER_DIRS_ENV, KADER_DIR

# framework id → indicator code → clause ("waren de veiligheidsrisico's … ingeschat")
CLAUSES: dict[str, dict[str, str]] = {
    "kg-2017": {
        "TT1": "was de hulpvraag in dialoog met het gezin geformuleerd",
        "TT2": "was bij het bepalen van de hulpvraag gekeken naar achterliggende hulpvragen op alle leefgebieden",
        "TT3": "waren de veiligheidsrisico's voor de kinderen aantoonbaar en tijdig ingeschat",
        "TT4": "was de mate van zelfredzaamheid ingeschat en sloot de inzet van zorg en ondersteuning daarbij aan",
        "TT5": "waren de zorg en de ondersteuning aan het gezin passend",
        "TT6": "werkten de professionals met een plan dat door of in overleg met kinderen en ouders was opgesteld",
        "IZ1": "waren de zorg en ondersteuning afgestemd op de problematiek van het hele gezin (1 gezin, 1 plan, 1 regisseur)",
        "IZ2": "waren de doelen van de zorg en ondersteuning geprioriteerd, concreet en gericht op effecten",
        "IZ3": "werd systematisch geëvalueerd of de gestelde doelen waren behaald",
        "IZ4": "was bij de evaluatie vastgesteld of de veiligheidsrisico's voor kinderen en ouders waren verminderd",
        "IZ5": "waren passende maatregelen ingezet toen vrijwillige hulp niet tot stand kwam of niet toereikend bleek",
        "IZ6": "kreeg het gezin aangepaste zorg en ondersteuning toen de ondersteuningsbehoefte veranderde",
        "IZ7": "werden de zorg en ondersteuning afgesloten toen het gezin zelfstandig verder kon of een vervolg was geregeld",
    },
    "vt-2019": {
        "1": "was de benodigde informatie vanuit Veilig Thuis aan de professional overgedragen",
        "2": "hield de professional zicht op het herstel van de veiligheid",
        "3": "was een veiligheidsplan opgesteld dat voldoet aan de eisen in het handelingsprotocol",
        "4": "stelde de professional doelen gericht op herstel van de veiligheid",
        "5": "waren de zorg en de ondersteuning vanuit de professional passend",
        "6": "voerde de professional regie, zodat er samenhang was in de aangeboden hulp",
        "7": "deelde de professional waar nodig informatie met instanties in het kader van veiligheid en passende zorg",
        "8": "signaleerde de professional tijdens het hele hulpverleningsproces of de zorg en ondersteuning moesten worden aangepast",
        "9": "werd op casusniveau systematisch geëvalueerd of de gestelde doelen waren behaald",
        "10": "was bij de evaluatie vastgesteld of de veiligheidsrisico's waren verminderd en de directe veiligheid nog steeds gerealiseerd was",
    },
    "so-2016": {
        "JB3": "werd gekeken naar de draagkracht en de risico's in het hele gezin en het sociale netwerk",
        "JB4": "werd de zorg- en ondersteuningsbehoefte in interactie met de jeugdige of het gezin bepaald",
        "JB5": "was de inzet van zorg en ondersteuning gebaseerd op de problematiek van het hele gezin",
        "JB6": "werden stagnaties in de toeleiding gesignaleerd en waar mogelijk verholpen",
        "JB7": "werden risico's en signalen over de veiligheid systematisch ingeschat",
        "JB8": "werden signalen in het belang van de veiligheid gedeeld",
        "JB9": "kwamen signalen van zorgmijding zo snel mogelijk in beeld",
        "JB10": "was duidelijk wie tijdens de toeleiding betrokken bleef bij de jeugdige of het gezin",
        "JZ1": "werd informatie gedeeld toen de veiligheid dat vereiste",
        "JZ2": "vond een warme overdracht plaats toen de veiligheid dat vereiste",
        "JZ3": "was duidelijk wanneer de overstap naar gedwongen zorg moest worden overwogen, en werd die tijdig ingezet",
        "JZ4": "werd tijdens de zorg en ondersteuning aan ouders de veiligheid van de jeugdigen in het oog gehouden",
        "JZ5": "werden maatregelen genomen om de veiligheid van onveilige jeugdigen te herstellen",
    },
}


@functools.cache
def _raw_framework_files() -> dict[str, dict]:
    """Framework id → the TOML as written, for the optional fields reference.frameworks does not keep."""
    folders = [KADER_DIR] + [Path(p) for p in os.environ.get(EXTRA_KADER_DIRS_ENV, "").split(os.pathsep) if p]
    raw: dict[str, dict] = {}
    for path in [p for folder in folders for p in sorted(folder.glob("*.toml"))]:
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except (OSError, tomllib.TOMLDecodeError):
            continue  # reference.frameworks reports a broken file; the report only loses optional fields
        if data.get("id"):
            raw[str(data["id"])] = data
    return raw


def indicator_fields(framework_id: str, code: str) -> dict:
    """The indicator's entry in its framework file as written ({} when unknown)."""
    for item in _raw_framework_files().get(framework_id, {}).get("indicatoren", []):
        if str(item.get("code", "")).strip() == code:
            return item
    return {}


def framework_field(framework_id: str, key: str) -> str:
    """A top-level field of a framework file ('' when absent)."""
    value = _raw_framework_files().get(framework_id, {}).get(key, "")
    return value if isinstance(value, str) else ""


def clause(framework_id: str, code: str) -> str | None:
    """The verb-first clause for the indicator, or None when nobody has worded it yet."""
    own = indicator_fields(framework_id, code).get("zin")
    if isinstance(own, str) and own.strip():
        return own.strip().rstrip(".")
    return CLAUSES.get(framework_id, {}).get(code)


PROVENANCE_DERIVED = "afgeleid — niet uit het gepubliceerde kader"


def provenance_note(framework_id: str, code: str, field: str) -> str:
    """'afgeleid — niet uit het gepubliceerde kader' when the framework file marks the field (operationalisatie,
    beslisregel) as derived; '' when it comes from the published framework or the file does not say."""
    value = indicator_fields(framework_id, code).get(f"{field}_herkomst")
    return PROVENANCE_DERIVED if isinstance(value, str) and value.strip().lower() == "afgeleid" else ""
