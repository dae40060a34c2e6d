"""Every text a framework file presents as the framework's own words is in the seed report it cites.

Reads the TOML files with tomllib and the seed text files directly (not through reference/frameworks.py), so a
mistake in the reader cannot hide a text that was never in the report. The seeds live beside the repository in
../shared/seeds/, named by each file's `bronbestand`.

Matching ignores case, whitespace, punctuation, table-cell HTML, footnote markers and markdown emphasis. A text is
cut into sentences (and at a colon, so a heading "Kopje:" or a composing lead such as "Het basisteam:" is checked on
its own); every piece must occur in the seed as consecutive words. The one exception is a table cell that runs over
a page break: a piece may be split once where it ends one cell and goes on in the same column of the first row after
the repeated header row.
"""

from __future__ import annotations

import html
import re
import tomllib
import unicodedata
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
KADER_FILES = sorted((REPO / "data" / "kaders").glob("*.toml"))
HERKOMST = ("kader", "afgeleid")

# Which seed each framework cites (seeds/README.md), as the reviewer read it; the file must agree.
EXPECTED_SEED = {
    "so-2016": "000_7cda73b5febe7485.txt",
    "kg-2017": "002_df4dd2e6257ca2bf.txt",
    "rigg-2016": "003_3092f42a32176cd7.txt",
    "vt-2019": "004_985d83c9db5b9d4e.txt",
}


def normalise(text: str) -> str:
    text = html.unescape(re.sub(r"<[^>]*>", " ", text))
    text = re.sub(r"\^\[\d+\]", " ", text)  # footnote markers such as ^[2]
    text = unicodedata.normalize("NFC", text).casefold()
    text = "".join(c if c.isalnum() else " " for c in text)
    return " " + " ".join(text.split()) + " "


def pieces(text: str) -> list[str]:
    """Sentences, also cut after a colon or semicolon; each normalised, empty ones dropped."""
    parts = re.split(r"(?<=[.!?:;])\s+", text.strip())
    return [p for p in (normalise(part) for part in parts) if p.strip()]


class Seed:
    def __init__(self, path: Path):
        raw = path.read_text(encoding="utf-8")
        self.text = normalise(raw)
        self.lines = raw.splitlines()
        # Table header rows the conversion repeats after every page break (a tabbed line seen more than once).
        tabbed = [line.strip() for line in self.lines if "\t" in line and line.strip()]
        self.headers = {line for line in tabbed if tabbed.count(line) > 1}

    def contains(self, piece: str) -> bool:
        return piece in self.text or self._across_page_break(piece)

    def _across_page_break(self, piece: str) -> bool:
        """The piece ends one table cell and starts the cell in the same column of the first row after the next
        repeated header row: one cell that a page break cut in two."""
        words = piece.split()
        for cut in range(1, len(words)):
            head, tail = " " + " ".join(words[:cut]) + " ", " " + " ".join(words[cut:]) + " "
            for i, line in enumerate(self.lines):
                for column, cell in enumerate(line.split("\t")):
                    if "\t" in line and normalise(cell).endswith(head) and self._continues(i, column, tail):
                        return True
        return False

    def _continues(self, i: int, column: int, tail: str) -> bool:
        after = iter(self.lines[i + 1:])
        if not any(line.strip() in self.headers for line in after):
            return False
        following = next((line for line in after if line.strip()), "")
        cells = following.split("\t")
        return column < len(cells) and normalise(cells[column]).startswith(tail)

    def missing(self, text: str) -> list[str]:
        return [p.strip() for p in pieces(text) if not self.contains(p)]


def load(path: Path) -> dict:
    return tomllib.loads(path.read_text(encoding="utf-8"))


def seed_of(raw: dict) -> Seed:
    name = raw.get("bronbestand", "")
    assert name.startswith("../shared/seeds/"), f"{raw['id']}: bronbestand moet naar ../shared/seeds/ wijzen"
    path = (REPO / name).resolve()
    assert path.is_file(), f"{raw['id']}: bronbestand {name} bestaat niet (naast de repository: ../shared/seeds/)"
    return Seed(path)


def test_every_framework_names_its_seed():
    assert {load(p)["id"]: Path(load(p)["bronbestand"]).name for p in KADER_FILES} == EXPECTED_SEED


@pytest.mark.parametrize("path", KADER_FILES, ids=lambda p: p.stem)
def test_every_indicator_says_where_its_texts_come_from(path):
    for item in load(path)["indicatoren"]:
        for field in ("operationalisatie", "beslisregel"):
            origin = item.get(f"{field}_herkomst")
            assert origin in HERKOMST, f"{item['code']}: {field}_herkomst is {origin!r}"
            if origin == "afgeleid":
                reason = item.get(f"{field}_reden", "")
                assert len(reason.split()) >= 4, f"{item['code']}: afgeleide {field} zonder reden"
            assert item.get(field, "").strip(), f"{item['code']}: {field} is leeg"


@pytest.mark.parametrize("path", KADER_FILES, ids=lambda p: p.stem)
def test_framework_words_are_in_the_seed(path):
    raw = load(path)
    seed = seed_of(raw)
    wrong = []
    for item in raw["indicatoren"]:
        ours = [f for f in ("operationalisatie", "beslisregel") if item[f"{f}_herkomst"] == "kader"]
        fields = ["criterium", "tekst"] + ours
        for field in fields:
            wrong += [f"{item['code']} {field}: «{m}»" for m in seed.missing(item[field])]
    assert not wrong, "Niet in de bron:\n" + "\n".join(wrong)


def test_the_check_rejects_what_the_reports_do_not_say():
    """Texts that were once presented as the framework's but are ours: the check must not let them through."""
    so, kg, vt = (Seed((REPO / "../shared/seeds" / EXPECTED_SEED[k]).resolve())
                  for k in ("so-2016", "kg-2017", "vt-2019"))
    assert so.missing("Bij de signalering zijn de draagkracht en de risico's van alle gezinsleden en van het sociale "
                      "netwerk in kaart gebracht.")
    assert kg.missing("Positief als de zorg en ondersteuning pas zijn afgesloten na een adequate inschatting dat het "
                      "gezin zelfstandig verder kan, of als er een na-/vervolgtraject is geregeld.")
    # a footnote's words are in the seed, but not inside the operationalisation's cell
    assert vt.missing("Na onderzoek wordt het door Veilig Thuis opgestelde veiligheidsplan overgedragen aan het lokale "
                      "netwerk ontvangt schriftelijk.")
    # the page-break allowance joins only across a repeated table header, not two arbitrary places
    assert so.missing("Er is zicht op de doelgroep toegeleid.")
    assert not so.missing("Jeugdigen/gezinnen die zorg en ondersteuning nodig hebben, worden adequaat naar zorg en "
                          "ondersteuning toegeleid.")
