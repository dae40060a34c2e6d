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


# Scope.clauses: input, alias, omit → exact (name, SQL, params) list; where() joins what is left ('TRUE' when nothing).
CLAUSE_CASES = [
    (Scope(kind=None), "c", (), [("scale", "c.scale = ?", ("binair",))]),
    (Scope(kind=None), "v", ("scale",), []),
    (Scope(study="kg-2017", demo=True), "v", ("scale",),
     [("demo", "v.is_demo = ?", (True,)), ("study", "v.study_id = ?", ("kg-2017",)), ("kind", "v.kind = ?", ("onderzoek",))]),
    (Scope(study="kg-2017", demo=False, year=2017), "c", ("scale", "kind"),
     [("demo", "c.is_demo = ?", (False,)), ("study", "c.study_id = ?", ("kg-2017",)), ("year", "c.year = ?", (2017,))]),
    (Scope(municipality="GM1924", kind="hertoets"), "v", ("scale", "kind"),
     [("municipality", "(lower(v.municipality_name) = lower(?) OR v.municipality_code = upper(?))", ("GM1924", "GM1924"))]),
    (Scope(studies=("so-2016", "kg-2017"), kind=None, demo=True), "c", ("demo",),
     [("scale", "c.scale = ?", ("binair",)),
      ("studies", "c.study_id IN (SELECT unnest(?::VARCHAR[]))", (["so-2016", "kg-2017"],))]),
]


@pytest.mark.parametrize("scope, alias, omit, expected", CLAUSE_CASES)
def test_clauses_can_leave_any_clause_out_by_name(scope, alias, omit, expected):
    assert [tuple(c) for c in scope.clauses(alias, omit=omit)] == expected
    sql, params = scope.where(alias, omit=omit)
    assert sql == (" AND ".join(c[1] for c in expected) or "TRUE")
    assert params == [p for c in expected for p in c[2]]


def test_omitting_the_scale_does_not_depend_on_clause_order():
    # The drill-down and findings leave the scale out; the old string cut dropped whatever clause came first.
    assert Scope(kind="hertoets", demo=True).where("v", omit=("scale",)) == ("v.is_demo = ? AND v.kind = ?", [True, "hertoets"])
    assert Scope(kind=None).where("v", omit=("scale",)) == ("TRUE", [])


def test_an_unknown_clause_name_is_refused():
    with pytest.raises(ValueError):
        Scope().clauses(omit=("gemeente",))


def test_a_viewer_limited_to_municipalities_gets_no_own_comparison_group():
    # Two groups that differ by one municipality would reveal that municipality's figure by subtraction.
    from reference.access import Viewer

    group = ("Nijmegen", "Beuningen", "Druten")
    wijchen = Viewer("w@wijchen.nl", "gemeente", ("GM0296",))
    limited = Scope(benchmark_kind="groep", group=group, viewer=wijchen)
    assert (limited.benchmark_kind, limited.group) == ("onderzoek", ())
    assert limited.benchmark().municipalities is None
    reader = Scope(benchmark_kind="groep", group=group, viewer=Viewer("l@x.nl", "lezer"))
    assert (reader.benchmark_kind, reader.benchmark().municipalities) == ("groep", group)
