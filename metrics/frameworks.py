"""Frameworks (toezichtkaders) as stored: their themes, criteria and indicators, and which studies use them."""

from __future__ import annotations

import pandas as pd

from metrics.overview import sees_everything, visible_visits
from reference.access import LOCAL_VIEWER, Viewer

from metrics.findings import search_terms, text_filter


def framework_overview(con) -> pd.DataFrame:
    """One row per framework: kader, naam, versie, schaal, bron, beschrijving, thema's, indicatoren."""
    return con.execute(
        """
        WITH counted AS (
            SELECT framework_id, count(DISTINCT theme_code) AS themas, count(*) AS indicatoren FROM indicator GROUP BY ALL
        ),
        final AS (
            SELECT f.framework_id AS kader, f.name AS naam, f.version AS versie, f.scale AS schaal, f.source AS bron,
                   f.description AS beschrijving, coalesce(c.themas, 0) AS themas, coalesce(c.indicatoren, 0) AS indicatoren
            FROM framework f LEFT JOIN counted c USING (framework_id)
        )
        SELECT * FROM final ORDER BY kader
        """
    ).df()


def framework_items(con, framework_id: str, query: str | None = None) -> pd.DataFrame:
    """Every indicator of a framework in the framework's order, with its theme and all its texts; with `query` only
    those whose code, label, criterion, text, operationalisation or decision rule match (the Bevindingen search rule).

    With each text's provenance: `operationalisering_herkomst` and `beslisregel_herkomst` ('kader' for the published
    framework's words, 'afgeleid' for text written for this product, '' when the file does not say), the reasons for
    derived text, `lezing` (how an ambiguous table in the source was read) and `niveau_reden`."""
    text_sql, text_params = text_filter(
        "concat_ws(' ', i.indicator_code, i.label, i.criterion, i.text, i.operationalisation, i.decision_rule, t.name)",
        search_terms(query),
    )
    return con.execute(
        f"""
        WITH final AS (
            SELECT t.theme_code AS thema, t.name AS themanaam, i.criterion AS criterium, i.indicator_code AS indicator,
                   i.label, i.text AS tekst, i.operationalisation AS operationalisering, i.decision_rule AS beslisregel,
                   i.level AS niveau, coalesce(i.yearbook_theme, '') AS jaarbeeld_thema, i.norm,
                   coalesce(i.operationalisation_origin, '') AS operationalisering_herkomst,
                   coalesce(i.operationalisation_reason, '') AS operationalisering_reden,
                   coalesce(i.decision_rule_origin, '') AS beslisregel_herkomst,
                   coalesce(i.decision_rule_reason, '') AS beslisregel_reden,
                   coalesce(i.reading, '') AS lezing, coalesce(i.level_reason, '') AS niveau_reden,
                   t.position AS theme_position, i.position AS indicator_position
            FROM indicator i JOIN theme t ON t.framework_id = i.framework_id AND t.theme_code = i.theme_code
            WHERE i.framework_id = ? {text_sql}
        )
        SELECT * EXCLUDE (theme_position, indicator_position) FROM final ORDER BY theme_position, indicator_position
        """,
        [framework_id] + text_params,
    ).df()


def framework_provenance(con) -> pd.DataFrame:
    """Per framework how many operationalisations and decision rules are the published framework's words ('kader'),
    how many were written for this product ('afgeleid') and how many files do not say ('onbekend')."""
    return con.execute(
        """
        WITH texts AS (
            SELECT framework_id, 'operationalisering' AS tekst, operationalisation_origin AS herkomst FROM indicator
            UNION ALL
            SELECT framework_id, 'beslisregel' AS tekst, decision_rule_origin AS herkomst FROM indicator
        ),
        final AS (
            SELECT framework_id AS kader, tekst,
                   count(*) FILTER (herkomst = 'kader') AS uit_kader,
                   count(*) FILTER (herkomst = 'afgeleid') AS afgeleid,
                   count(*) FILTER (herkomst IS NULL) AS onbekend
            FROM texts GROUP BY ALL
        )
        SELECT * FROM final ORDER BY kader, tekst DESC
        """
    ).df()


def framework_studies(con, framework_id: str, demo: bool | None = None, viewer: Viewer = LOCAL_VIEWER) -> pd.DataFrame:
    """The studies that use a framework (only demo or only real ones when `demo` is set), with their reach over the
    visits `viewer` may see (for a viewer who does not see every visit, only studies with such a visit)."""
    seen, params = visible_visits(viewer, demo)
    return con.execute(
        f"""
        WITH {seen},
        per_study AS (
            SELECT study_id, count(*) AS bezoeken, count(DISTINCT municipality_code) AS gemeenten,
                   min(visit_date) AS eerste_bezoek, max(visit_date) AS laatste_bezoek
            FROM visits GROUP BY ALL
        ),
        final AS (
            SELECT s.study_id AS onderzoek, s.name AS naam, coalesce(v.gemeenten, 0) AS gemeenten,
                   coalesce(v.bezoeken, 0) AS bezoeken, v.eerste_bezoek, v.laatste_bezoek, s.is_demo AS demo
            FROM study s LEFT JOIN per_study v USING (study_id)
            WHERE s.framework_id = ? AND (?::BOOLEAN IS NULL OR s.is_demo = ?) AND (? OR v.bezoeken IS NOT NULL)
        )
        SELECT * FROM final ORDER BY onderzoek
        """,
        params + [framework_id, demo, demo, sees_everything(viewer)],
    ).df()
