"""Which visits a figure counts: `Scope`, a frozen dataclass that gives its WHERE clause as named clauses plus
parameters (as datasette's filters do), so a query can leave any clause out by name instead of cutting strings."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import NamedTuple

from reference.access import LOCAL_VIEWER, Viewer

CLAUSE_NAMES = ("scale", "demo", "study", "studies", "municipality", "municipalities", "kind", "year")
VIEWER_CLAUSE = "viewer"  # the viewer's rights: always applied, never omitted


class Clause(NamedTuple):
    """One condition of a scope: its name (one of CLAUSE_NAMES), SQL with `?` placeholders, and their values."""

    name: str
    sql: str
    params: tuple


@dataclass(frozen=True)
class Scope:
    """Which visits count, over v_visit/v_count. None means no restriction, except for `demo`: pages and the command
    line always set it, so demo and real visits are never pooled. `studies` narrows to several study ids at once.

    `viewer` is who looks (DESIGN §12): its clauses keep lezer and gemeente to published visits and gemeente to its
    own municipalities, in every query built from this scope. `benchmark()` keeps the published-only rule but pools
    every municipality (`viewer.pooled()`): the only place a gemeente viewer's figures include other municipalities,
    and only as one pooled number."""

    study: str | None = None
    municipality: str | None = None  # name as stored (CBS spelling of the visit's year) or GM-code
    kind: str | None = "onderzoek"
    year: int | None = None
    scale: str = "binair"
    demo: bool | None = None  # True: demo visits only; False: real visits only
    studies: tuple[str, ...] | None = None
    viewer: Viewer = LOCAL_VIEWER
    # What a verdict compares with: a key of reference.vocab.BENCHMARKS; `group` holds the municipalities of
    # "groep" (names or GM-codes). `municipalities` narrows to several municipalities (the group's own pool).
    benchmark_kind: str = "onderzoek"
    group: tuple[str, ...] = ()
    municipalities: tuple[str, ...] | None = None

    def __post_init__(self):
        # Two groups that differ by one municipality give that municipality's figure by subtraction: a viewer who
        # may not see other municipalities gets the study benchmark instead of an own group.
        if self.benchmark_kind == "groep" and not self.viewer.may_choose_groups:
            object.__setattr__(self, "benchmark_kind", "onderzoek")
            object.__setattr__(self, "group", ())

    def clauses(self, alias: str = "c", omit: tuple[str, ...] | list[str] = ()) -> list[Clause]:
        """The scope's conditions in a fixed order, without those named in `omit`; the viewer's clauses last, never
        omitted."""
        unknown = set(omit) - set(CLAUSE_NAMES)
        if unknown:
            raise ValueError(f"unknown scope clause: {sorted(unknown)}")
        a = alias
        out = [Clause("scale", f"{a}.scale = ?", (self.scale,))]
        if self.demo is not None:
            out.append(Clause("demo", f"{a}.is_demo = ?", (bool(self.demo),)))
        if self.study:
            out.append(Clause("study", f"{a}.study_id = ?", (self.study,)))
        if self.studies is not None:
            out.append(Clause("studies", f"{a}.study_id IN (SELECT unnest(?::VARCHAR[]))", ([str(s) for s in self.studies],)))
        if self.municipality:
            out.append(Clause("municipality", f"(lower({a}.municipality_name) = lower(?) OR {a}.municipality_code = upper(?))",
                              (self.municipality, self.municipality)))
        if self.municipalities is not None:
            names = [str(m).lower() for m in self.municipalities]
            out.append(Clause("municipalities", f"(lower({a}.municipality_name) IN (SELECT unnest(?::VARCHAR[])) "
                                                f"OR lower({a}.municipality_code) IN (SELECT unnest(?::VARCHAR[])))", (names, names)))
        if self.kind:
            out.append(Clause("kind", f"{a}.kind = ?", (self.kind,)))
        if self.year:
            out.append(Clause("year", f"{a}.year = ?", (int(self.year),)))
        out = [c for c in out if c.name not in omit]
        return out + [Clause(VIEWER_CLAUSE, sql, tuple(params)) for _, sql, params in self.viewer.visit_clauses(a)]

    def where(self, alias: str = "c", omit: tuple[str, ...] | list[str] = ()) -> tuple[str, list]:
        """The clauses joined with AND ('TRUE' when none is left) and their parameters in order."""
        chosen = self.clauses(alias, omit)
        return (" AND ".join(c.sql for c in chosen) or "TRUE"), [p for c in chosen for p in c.params]

    def benchmark(self) -> "Scope":
        """The visits a benchmark pools: the study's onderzoek visits in every municipality and year (of the
        comparison group only, for benchmark_kind "groep"; per province is a grouping, not a filter) that the
        viewer's role may count (published ones only for lezer and gemeente)."""
        pooled = tuple(self.group) if self.benchmark_kind == "groep" else self.municipalities
        return replace(self, municipality=None, kind="onderzoek", year=None, municipalities=pooled,
                       viewer=self.viewer.pooled())
