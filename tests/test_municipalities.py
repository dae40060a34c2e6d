"""reference.municipalities against known CBS facts: how many municipalities each year had, which existed when,
the mergers of 2016 and 2019, the alias and suffix rules and the hints for an unknown name."""

from __future__ import annotations

import csv

import pytest

from reference.municipalities import REFERENCE_CSV, names_in_year, reference_rows, resolve, suggest

# Municipalities on 1 January, as CBS publishes them.
CBS_COUNTS = {2015: 393, 2016: 390, 2017: 388, 2018: 380, 2019: 355, 2020: 355, 2021: 352, 2022: 345, 2023: 342,
              2024: 342}


@pytest.mark.parametrize(("year", "count"), CBS_COUNTS.items())
def test_the_number_of_municipalities_per_year(year, count):
    assert len(names_in_year(year)) == count


def test_the_rows_are_the_shipped_csv():
    with REFERENCE_CSV.open(encoding="utf-8", newline="") as fh:
        shipped = {(int(r["jaar"]), r["statcode"], r["gemeentenaam"], r["provincienaam"]) for r in csv.DictReader(fh)}
    assert set(reference_rows()) == shipped and len(reference_rows()) == sum(CBS_COUNTS.values())


@pytest.mark.parametrize(
    ("name", "year", "code"),
    [
        ("Haren", 2018, "GM0017"),  # merged into Groningen on 1 January 2019
        ("Haren", 2019, None),
        ("Groningen", 2018, "GM0014"),
        ("Groningen", 2019, "GM0014"),
        ("Het Hogeland", 2018, None),  # new on 1 January 2019
        ("Het Hogeland", 2019, "GM1966"),
        ("Groesbeek", 2015, "GM0241"),  # Berg en Dal since 1 January 2016
        ("Groesbeek", 2016, None),
        ("Berg en Dal", 2016, "GM1945"),
        ("Goeree-Overflakkee", 2016, "GM1924"),
        ("Haren", 2012, "GM0017"),  # before 2015 the 2015 list applies
        ("Goeree-Overflakkee", 2031, "GM1924"),  # after 2024 the 2024 list applies
    ],
)
def test_validity_per_year(name, year, code):
    found = resolve(name, year)
    assert (found.code if found else None) == code


@pytest.mark.parametrize(
    ("typed", "code", "name"),
    [
        ("Den Haag", "GM0518", "'s-Gravenhage"),
        ("den bosch", "GM0796", "'s-Hertogenbosch"),
        ("SUDWEST-FRYSLAN", "GM1900", "Súdwest-Fryslân"),  # case and accents do not matter
        ("  goeree-overflakkee ", "GM1924", "Goeree-Overflakkee"),
        ("Nuenen, Gerwen en Nederwetten", "GM0820", "Nuenen, Gerwen en Nederwetten"),
        ("Bergen (L.)", "GM0893", "Bergen (L.)"),
        ("Bergen op Zoom", "GM0748", "Bergen op Zoom"),
    ],
)
def test_aliases_and_spellings(typed, code, name):
    found = resolve(typed, 2020)
    assert (found.code, found.name) == (code, name)


def test_an_ambiguous_name_without_its_suffix_is_not_guessed():
    assert resolve("Bergen", 2020) is None
    assert suggest("Bergen", 2020) == "bedoelt u 'Bergen (L.)' of 'Bergen (NH.)'?"


@pytest.mark.parametrize(
    ("name", "year", "hint"),
    [
        ("Haren", 2019, "'Haren' is per 1 januari 2019 opgegaan in Groningen; gebruik de naam van toen."),
        ("Haren", 2023, "'Haren' is per 1 januari 2019 opgegaan in Groningen; gebruik de naam van toen."),
        ("Winsum", 2019, "'Winsum' is per 1 januari 2019 verdeeld over Het Hogeland / Westerkwartier; gebruik de naam van toen."),
        ("Groesbeek", 2016, "'Groesbeek' is per 1 januari 2016 opgegaan in Berg en Dal; gebruik de naam van toen."),
        ("Het Hogeland", 2018,
         "'Het Hogeland' bestaat pas sinds 2019; in 2018 heette het gebied Bedum / De Marne / Eemsmond / Winsum."),
        ("Berg en Dal", 2015, "'Berg en Dal' bestaat pas sinds 2016; in 2015 heette het gebied Groesbeek."),
        ("Nijmegn", 2019, "bedoelt u 'Nijmegen'?"),
        ("Xqzwv", 2019, None),
    ],
)
def test_suggestions_for_an_unknown_name(name, year, hint):
    assert suggest(name, year) == hint
