"""Which visits a figure counts: `Scope`, a frozen dataclass that gives its WHERE clause as named clauses plus
parameters (as datasette's filters do), so a query can leave any clause out by name instead of cutting strings."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import NamedTuple

CLAUSE_NAMES = ("scale", "demo", "study", "studies", "municipality", "municipalities", "kind", "year")


class Clause(NamedTuple):
    """One condition of a scope: its name (one of CLAUSE_NAMES), SQL with `?` placeholders, and their values."""

    name: str
    sql: str
    params: tuple


@dataclass(frozen=True)
class Scope:
    """Which visits count, over v_visit/v_count. None means no restriction, except for `demo`: pages and the command
    line always set it, so demo and real visits are never pooled. `studies` narrows to several study ids at once."""

    study: str | None = None
    municipality: str | None = None  # name as stored (CBS spelling of the visit's year) or GM-code
    kind: str | None = "onderzoek"
    year: int | None = None
    scale: str = "binair"
    demo: bool | None = None  # True: demo visits only; False: real visits only
    studies: tuple[str, ...] | None = None
    # What a verdict compares with: a key of reference.vocab.BENCHMARKS; `group` holds the municipalities of
    # "groep" (names or GM-codes). `municipalities` narrows to several municipalities (the group's own pool).
    benchmark_kind: str = "onderzoek"
    group: tuple[str, ...] = ()
    municipalities: tuple[str, ...] | None = None

    def clauses(self, alias: str = "c", omit: tuple[str, ...] | list[str] = ()) -> list[Clause]:
        """The scope's conditions in a fixed order, without those named in `omit`."""
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
        return [c for c in out if c.name not in omit]

    def where(self, alias: str = "c", omit: tuple[str, ...] | list[str] = ()) -> tuple[str, list]:
        """The clauses joined with AND ('TRUE' when none is left) and their parameters in order."""
        chosen = self.clauses(alias, omit)
        return (" AND ".join(c.sql for c in chosen) or "TRUE"), [p for c in chosen for p in c.params]

    def benchmark(self) -> "Scope":
        """The visits a benchmark pools: the study's onderzoek visits in every municipality and year (of the
        comparison group only, for benchmark_kind "groep"; per province is a grouping, not a filter)."""
        pooled = tuple(self.group) if self.benchmark_kind == "groep" else self.municipalities
        return replace(self, municipality=None, kind="onderzoek", year=None, municipalities=pooled)
