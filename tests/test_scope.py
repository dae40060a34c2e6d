"""Scope → SQL and parameters, table-driven (like datasette's filter tests): input → exact WHERE clause and params."""

from dataclasses import replace

import pytest

from metrics import Scope

CASES = [
    (Scope(kind=None), "c.scale = ?", ["binair"]),
    (Scope(), "c.scale = ? AND c.kind = ?", ["binair", "onderzoek"]),
    (Scope(study="kg-2017"), "c.scale = ? AND c.study_id = ? AND c.kind = ?", ["binair", "kg-2017", "onderzoek"]),
    (
        Scope(study="kg-2017", municipality="Goeree-Overflakkee", kind="hertoets"),
        "c.scale = ? AND c.study_id = ? AND (lower(c.municipality_name) = lower(?) OR c.municipality_code = upper(?)) AND c.kind = ?",
        ["binair", "kg-2017", "Goeree-Overflakkee", "Goeree-Overflakkee", "hertoets"],
    ),
    (Scope(year=2016, kind=None), "c.scale = ? AND c.year = ?", ["binair", 2016]),
    (Scope(scale="rag", kind=None, demo=True), "c.scale = ? AND c.is_demo = ?", ["rag", True]),
    (Scope(demo=False, kind=None), "c.scale = ? AND c.is_demo = ?", ["binair", False]),
    # A value that looks like SQL travels as a parameter, never into the text.
    (Scope(study="x' OR 1=1 --", kind=None), "c.scale = ? AND c.study_id = ?", ["binair", "x' OR 1=1 --"]),
]


@pytest.mark.parametrize("scope, sql, params", CASES)
def test_scope_where_gives_exact_sql_and_parameters(scope, sql, params):
    assert scope.where() == (sql, params)


def test_alias_is_applied_to_every_column():
    sql, _ = Scope(study="s", municipality="m", year=2017, demo=True).where("v")
    assert sql.count("v.") == 7 and "c." not in sql


@pytest.mark.parametrize(
    "scope, expected",
    [
        (Scope(study="kg-2017", municipality="Emmen", kind="hertoets", year=2017, demo=True),
         Scope(study="kg-2017", municipality=None, kind="onderzoek", year=None, demo=True)),
        (Scope(scale="rag", demo=False), Scope(scale="rag", kind="onderzoek", demo=False)),
    ],
)
def test_benchmark_scope_keeps_study_scale_and_data_source(scope, expected):
    assert scope.benchmark() == expected


def test_scopes_are_derived_with_replace_and_stay_hashable_for_caching():
    base = Scope(demo=True)
    derived = replace(base, study="vt-2019")
    assert derived.demo is True and {base: 1, derived: 2}[derived] == 2
