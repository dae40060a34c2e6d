"""What is loaded: counts, studies and the import history, for the Overzicht page."""

from __future__ import annotations

import pandas as pd


def loaded_summary(con) -> dict:
    """Counts of studies, municipalities, visits, dossiers and scores, plus the last import and demo status."""
    row = con.execute(
        """
        WITH final AS (
            SELECT (SELECT count(*) FROM study) AS onderzoeken,
                   (SELECT count(DISTINCT municipality_code) FROM visit) AS gemeenten,
                   (SELECT count(*) FROM visit) AS bezoeken,
                   (SELECT count(*) FROM dossier) AS dossiers,
                   (SELECT count(*) FROM score) AS scores,
                   (SELECT max(imported_at) FROM import_log) AS laatste_import,
                   (SELECT count(*) FROM study WHERE is_demo) AS demo_onderzoeken
        )
        SELECT * FROM final
        """
    ).fetchone()
    keys = ["onderzoeken", "gemeenten", "bezoeken", "dossiers", "scores", "laatste_import", "demo_onderzoeken"]
    return dict(zip(keys, row))


def studies_overview(con) -> pd.DataFrame:
    """One row per study: framework, scale, municipalities, visits, dossiers, fieldwork period, demo flag."""
    return con.execute(
        """
        WITH visits AS (
            SELECT study_id, count(*) AS bezoeken, count(DISTINCT municipality_code) AS gemeenten,
                   min(visit_date) AS eerste_bezoek, max(visit_date) AS laatste_bezoek
            FROM visit GROUP BY study_id
        ),
        dossiers AS (
            SELECT v.study_id, count(*) AS dossiers FROM dossier d JOIN visit v USING (visit_id) GROUP BY v.study_id
        ),
        final AS (
            SELECT s.study_id AS onderzoek, f.framework_id AS kader, f.name AS kadernaam, f.scale AS schaal,
                   coalesce(v.gemeenten, 0) AS gemeenten, coalesce(v.bezoeken, 0) AS bezoeken,
                   coalesce(d.dossiers, 0) AS dossiers, v.eerste_bezoek, v.laatste_bezoek, s.is_demo AS demo
            FROM study s JOIN framework f USING (framework_id)
            LEFT JOIN visits v USING (study_id) LEFT JOIN dossiers d USING (study_id)
        )
        SELECT * FROM final ORDER BY onderzoek
        """
    ).df()


def import_history(con) -> pd.DataFrame:
    """The import log, newest first."""
    return con.execute(
        """
        WITH final AS (
            SELECT import_id AS import, imported_at AS tijdstip, file_name AS bestand, status,
                   visits AS bezoeken, dossiers, scores, warnings AS waarschuwingen, changes AS wijzigingen,
                   imported_by AS door, sha256
            FROM import_log
        )
        SELECT * FROM final ORDER BY import DESC
        """
    ).df()
