"""Who may see and do what (DESIGN §12): the roles as data, the publication statuses, and the `Viewer`.

A `Viewer` is the signed-in person with the rights of their role. The pages never decide by role name: they ask
the viewer (`sees_dossiers`, `may_publish`, …), and the metrics limit the visits through `visit_clauses`."""

from __future__ import annotations

from dataclasses import dataclass, replace

PUBLICATION_STATUSES = ("concept", "vastgesteld", "gepubliceerd")  # the order a visit goes through
IMPORTED_STATUS = "concept"
PUBLISHED_STATUS = "gepubliceerd"


@dataclass(frozen=True)
class Rights:
    """What one role may do; `label` is the role's description on Beheer and in `gebruiker lijst`."""

    label: str
    sees_concept: bool  # concept and vastgesteld visits (else published and demo visits only)
    all_municipalities: bool  # else only the municipalities given to the user (pooled benchmarks excepted)
    sees_dossiers: bool
    sees_remarks: bool
    may_import: bool
    may_publish: bool
    may_manage_users: bool  # users and roles, the access log, removing the demo data


ROLES: dict[str, Rights] = {
    "beheerder": Rights("alles: importeren, publiceren, gebruikers, demodata verwijderen",
                        True, True, True, True, True, True, True),
    "inspecteur": Rights("alle onderzoeken, concept en gepubliceerd, dossiers en toelichtingen, importeren",
                         True, True, True, True, True, False, False),
    "programmaleider": Rights("alle cijfers, bevindingen en dossiers van alle onderzoeken; niet importeren of publiceren",
                              True, True, True, True, False, False, False),
    "lezer": Rights("gepubliceerde cijfers en bevindingen van alle gemeenten; geen dossiers of toelichtingen",
                    False, True, False, False, False, False, False),
    "gemeente": Rights("alleen de eigen gemeente(n): gepubliceerde cijfers tegen de gepubliceerde benchmark, "
                       "bevindingen, aanbevelingen en opvolging; geen dossiers of toelichtingen",
                       False, False, False, False, False, False, False),
}
MUNICIPALITY_ROLE = "gemeente"  # the one role that needs municipalities
LOCAL_EMAIL = "lokaal"  # the one local user when sign-in is not configured, and the command line


@dataclass(frozen=True)
class Viewer:
    """A person looking at the data: e-mail address (lower case), role, and for `gemeente` the CBS codes of the
    municipalities they may see."""

    email: str
    role: str
    municipalities: tuple[str, ...] = ()
    pool: bool = False  # a benchmark pool's view: published visits of every municipality (see `pooled`)

    def __post_init__(self) -> None:
        if self.role not in ROLES:
            raise ValueError(f"onbekende rol {self.role!r}")

    @property
    def rights(self) -> Rights:
        return ROLES[self.role]

    @property
    def sees_concept(self) -> bool:
        return self.rights.sees_concept

    @property
    def sees_dossiers(self) -> bool:
        return self.rights.sees_dossiers

    @property
    def sees_remarks(self) -> bool:
        return self.rights.sees_remarks

    @property
    def may_import(self) -> bool:
        return self.rights.may_import

    @property
    def may_publish(self) -> bool:
        return self.rights.may_publish

    @property
    def may_manage_users(self) -> bool:
        return self.rights.may_manage_users

    @property
    def limited_to(self) -> tuple[str, ...] | None:
        """The municipality codes this viewer is limited to, or None for every municipality. A `gemeente` user
        without municipalities is limited to none (sees nothing), never to all."""
        return None if self.rights.all_municipalities else tuple(self.municipalities)

    @property
    def may_choose_groups(self) -> bool:
        """Whether a benchmark may pool a chosen group of municipalities. Not for a viewer limited to municipalities:
        two groups that differ by one municipality would give that municipality's figure by subtraction."""
        return self.limited_to is None

    def pooled(self) -> "Viewer":
        """This viewer as a benchmark pool counts: the same visits by status, but every municipality. The same
        viewer when it sees every municipality already (so a scope and its benchmark stay equal where they are)."""
        return self if self.limited_to is None or self.pool else replace(self, pool=True)

    def visit_clauses(self, alias: str, pooled: bool = False) -> list[tuple[str, str, list]]:
        """(name, SQL condition, parameters) limiting the visits `alias` (a v_visit/v_count row with visit_id and
        municipality_code) to what this viewer may see. `pooled=True` is for a benchmark pool: it still holds only
        published visits, but the other municipalities count in it (never shown by name)."""
        clauses: list[tuple[str, str, list]] = []
        if not self.sees_concept:
            clauses.append(("gepubliceerd", f"{alias}.visit_id IN (SELECT visit_id FROM v_published_visit)", []))
        codes = self.limited_to
        if codes is not None and not (pooled or self.pool):
            clauses.append(("eigen gemeenten", f"{alias}.municipality_code IN (SELECT unnest(?::VARCHAR[]))", [list(codes)]))
        return clauses


LOCAL_VIEWER = Viewer(LOCAL_EMAIL, "beheerder")
