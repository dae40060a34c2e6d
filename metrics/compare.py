"""What the comparison pages (Vergelijken, Gemeente, Thema's) need beyond the compliance frames:
a municipality's visits, findings and recommendations, and one theme or indicator across years."""

from __future__ import annotations

import pandas as pd

from metrics.counting import count_sql, with_rates
from metrics.findings import severity_order
from metrics.scope import Scope
from reference.vocab import SMALL_N


def municipality_visits(con, scope: Scope) -> pd.DataFrame:
    """Every visit in `scope` (set kind=None for onderzoek and hertoets) with its dossier count, oldest first."""
    where, params = scope.where("v")
    return con.execute(
        f"""
        WITH visits AS (SELECT * FROM v_visit v WHERE {where}),
        dossiers AS (
            SELECT visit_id, count(*) AS dossiers FROM dossier WHERE visit_id IN (SELECT visit_id FROM visits) GROUP BY visit_id
        ),
        final AS (
            SELECT v.visit_id, v.study_id AS onderzoek, v.framework_id AS kader, v.municipality_code AS gemeentecode,
                   v.municipality_name AS gemeente, v.kind AS soort, v.visit_date AS datum, v.team,
                   coalesce(d.dossiers, 0) AS dossiers
            FROM visits v LEFT JOIN dossiers d USING (visit_id)
        )
        SELECT * FROM final ORDER BY datum, onderzoek, team
        """,
        params,
    ).df()


def municipality_findings(con, scope: Scope) -> pd.DataFrame:
    """Qualitative findings of the visits in `scope`, with the visit's study, soort and date and the theme's name."""
    where, params = scope.where("v")
    severity, severity_params = severity_order("bevinding")
    return con.execute(
        f"""
        WITH visits AS (SELECT * FROM v_visit v WHERE {where}),
        final AS (
            SELECT v.study_id AS onderzoek, v.kind AS soort, v.visit_date AS datum,
                   coalesce(f.theme_code, i.theme_code) AS thema, t.name AS themanaam, f.indicator_code AS indicator,
                   f.kind AS bevinding, f.text AS tekst
            FROM finding f JOIN visits v USING (visit_id)
            LEFT JOIN indicator i ON i.framework_id = v.framework_id AND i.indicator_code = f.indicator_code
            LEFT JOIN theme t ON t.framework_id = v.framework_id AND t.theme_code = coalesce(f.theme_code, i.theme_code)
        )
        SELECT * FROM final
        ORDER BY datum, onderzoek, {severity}, thema, indicator
        """,
        params + severity_params,
    ).df()


def municipality_recommendations(con, scope: Scope) -> pd.DataFrame:
    """Recommendations of the visits in `scope` with their follow-up status."""
    where, params = scope.where("v")
    return con.execute(
        f"""
        WITH visits AS (SELECT * FROM v_visit v WHERE {where}),
        final AS (
            SELECT v.study_id AS onderzoek, v.kind AS soort, v.visit_date AS datum, r.number AS nr, r.text AS tekst, r.status
            FROM recommendation r JOIN visits v USING (visit_id)
        )
        SELECT * FROM final ORDER BY datum, onderzoek, nr
        """,
        params,
    ).df()


def theme_options(con, demo: bool | None) -> pd.DataFrame:
    """Themes (with dossier-level indicators) of the frameworks with visits, plus the Jaarbeeld-themes (kader ''):
    what Thema's can show."""
    return con.execute(
        """
        WITH frameworks AS (  -- binary frameworks of studies with at least one visit (not every score: too slow)
            SELECT DISTINCT s.framework_id FROM study s JOIN framework f USING (framework_id)
            WHERE f.scale = 'binair' AND ($demo IS NULL OR s.is_demo = $demo)
              AND EXISTS (SELECT 1 FROM visit v WHERE v.study_id = s.study_id)
        ),
        used AS (
            SELECT DISTINCT i.framework_id, i.theme_code, t.name AS theme_name, t.position AS theme_position, i.yearbook_theme
            FROM indicator i JOIN theme t USING (framework_id, theme_code)
            WHERE i.level = 'dossier' AND i.framework_id IN (SELECT framework_id FROM frameworks)
        ),
        final AS (
            SELECT DISTINCT framework_id AS kader, theme_code AS thema, theme_name AS naam, theme_position AS positie FROM used
            UNION ALL
            SELECT DISTINCT '' AS kader, yearbook_theme AS thema, NULL AS naam, 0 AS positie FROM used WHERE yearbook_theme IS NOT NULL
        )
        SELECT * FROM final ORDER BY kader, positie, thema
        """,
        {"demo": demo},
    ).df()


def theme_compliance(con, scope: Scope, theme: str | None = None, framework: str | None = None,
                     yearbook_theme: str | None = None, indicator: str | None = None, pooled: bool = False) -> pd.DataFrame:
    """One theme (of `framework`), one Jaarbeeld-thema (across frameworks) or one indicator (of `framework`) per
    fieldwork year × municipality (pooled=True: per year over all municipalities): Σk / Σn over the dossier-level
    indicators, with Wilson interval, small-number flag and, per row, the number of studies."""
    where, params = scope.where("c")
    clauses = ["c.level = 'dossier'"]
    if framework:
        clauses.append("c.framework_id = ?")
        params.append(framework)
    if theme:
        clauses.append("c.theme_code = ?")
        params.append(theme)
    if yearbook_theme:
        clauses.append("c.yearbook_theme = ?")
        params.append(yearbook_theme)
    if indicator:
        clauses.append("c.indicator_code = ?")
        params.append(indicator)
    keys = "c.year" if pooled else "c.year, c.municipality_code, c.municipality_name"
    frame = con.execute(
        f"""
        WITH scoped AS (SELECT * FROM v_count c WHERE {where} AND {" AND ".join(clauses)}),
        final AS (
            SELECT {keys.replace("c.", "")}, {count_sql("c", reported=True)},
                   count(DISTINCT study_id) AS onderzoeken, count(DISTINCT municipality_code) AS gemeenten
            FROM scoped c GROUP BY ALL
        )
        SELECT * FROM final ORDER BY ALL
        """,
        params,
    ).df()
    frame = with_rates(frame).rename(columns={"year": "jaar", "municipality_code": "gemeentecode", "municipality_name": "gemeente"})
    return frame


def ranked_municipalities(frame: pd.DataFrame, count: int = 5, min_n: int = SMALL_N) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The weakest and the strongest rows of a per-municipality frame with n ≥ min_n (by rate, larger n first on ties)."""
    enough = frame[frame["n"] >= min_n]
    weakest = enough.sort_values(["percentage", "n"], ascending=[True, False], kind="stable").head(count)
    strongest = enough.sort_values(["percentage", "n"], ascending=[False, False], kind="stable").head(count)
    return weakest.reset_index(drop=True), strongest.reset_index(drop=True)
