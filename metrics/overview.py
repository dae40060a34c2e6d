"""What is loaded: counts, studies and the import history, for the Overzicht page."""

from __future__ import annotations

import pandas as pd


def data_sources(con) -> dict[str, int]:
    """How many demo and how many real studies the database holds: {'demo': …, 'echt': …}."""
    rows = dict(con.execute("SELECT is_demo, count(*) FROM study GROUP BY ALL").fetchall())
    return {"demo": int(rows.get(True, 0)), "echt": int(rows.get(False, 0))}


def data_version(con) -> tuple:
    """Changes whenever an import, a replacement or a removal changed the data (a cheap cache key)."""
    return tuple(con.execute(
        "SELECT (SELECT coalesce(max(import_id), 0) FROM import_log), (SELECT count(*) FROM visit), "
        "(SELECT coalesce(max(visit_id), 0) FROM visit), (SELECT count(*) FROM study)"
    ).fetchall()[0])


def default_demo(con) -> bool:
    """Which data a view shows when the user has not chosen: real data as soon as there is any, else the demo."""
    return data_sources(con)["echt"] == 0


def loaded_summary(con, demo: bool) -> dict:
    """Counts of studies, municipalities, visits, dossiers and scores of the demo or the real data, plus the last import."""
    row = con.execute(
        """
        WITH studies AS (SELECT study_id FROM study WHERE is_demo = $demo),
        visits AS (SELECT * FROM visit WHERE study_id IN (SELECT study_id FROM studies)),
        final AS (
            SELECT (SELECT count(*) FROM studies) AS onderzoeken,
                   (SELECT count(DISTINCT municipality_code) FROM visits) AS gemeenten,
                   (SELECT count(*) FROM visits) AS bezoeken,
                   (SELECT count(*) FROM dossier WHERE visit_id IN (SELECT visit_id FROM visits)) AS dossiers,
                   -- the loader's per visit × indicator counts add up to the score rows (3.8 million at national scale)
                   (SELECT coalesce(sum(ja + nee + nvt + onbekend + groen + oranje + rood), 0)::BIGINT FROM visit_indicator_count
                    WHERE visit_id IN (SELECT visit_id FROM visits)) AS scores,
                   (SELECT max(l.imported_at) FROM import_log l WHERE l.import_id IN (SELECT import_id FROM visits)) AS laatste_import
        )
        SELECT * FROM final
        """,
        {"demo": bool(demo)},
    ).fetchall()[0]
    keys = ["onderzoeken", "gemeenten", "bezoeken", "dossiers", "scores", "laatste_import"]
    return dict(zip(keys, row)) | {"demo": bool(demo)}


def studies_overview(con, demo: bool | None = None) -> pd.DataFrame:
    """One row per study (only demo or only real ones when `demo` is set): framework, scale, municipalities,
    visits, dossiers, fieldwork period, demo flag."""
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
            WHERE $demo IS NULL OR s.is_demo = $demo
        )
        SELECT * FROM final ORDER BY onderzoek
        """,
        {"demo": demo},
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
