"""What is loaded: counts, studies and the import history, for the Overzicht page."""

from __future__ import annotations

import pandas as pd

from metrics.scope import Scope
from reference.access import LOCAL_VIEWER, Viewer


def visible_visits(viewer: Viewer, demo: bool | None = None) -> tuple[str, list]:
    """The `visits` CTE (v_visit rows of the data source) limited to what `viewer` may see, and its parameters."""
    where, params = Scope(kind=None, demo=demo, viewer=viewer).where("v", omit=("scale",))
    return f"visits AS (SELECT * FROM v_visit v WHERE {where})", params


def sees_everything(viewer: Viewer) -> bool:
    """Whether `viewer` sees every visit (then studies without visits are listed too)."""
    return viewer.sees_concept and viewer.limited_to is None


def data_sources(con) -> dict[str, int]:
    """How many demo and how many real studies the database holds: {'demo': …, 'echt': …}."""
    rows = dict(con.execute("SELECT is_demo, count(*) FROM study GROUP BY ALL").fetchall())
    return {"demo": int(rows.get(True, 0)), "echt": int(rows.get(False, 0))}


def data_version(con) -> tuple:
    """Changes whenever an import, a replacement, a removal or a publication change changed the data (a cheap cache
    key: what lezer and gemeente see depends on the publication status too)."""
    return tuple(con.execute(
        "SELECT (SELECT coalesce(max(import_id), 0) FROM import_log), (SELECT count(*) FROM visit), "
        "(SELECT coalesce(max(visit_id), 0) FROM visit), (SELECT count(*) FROM study), "
        "(SELECT coalesce(sum(hash(visit_id, publication_status, publication_date)), 0) FROM visit)"
    ).fetchall()[0])


def default_demo(con) -> bool:
    """Which data a view shows when the user has not chosen: real data as soon as there is any, else the demo."""
    return data_sources(con)["echt"] == 0


def loaded_summary(con, demo: bool, viewer: Viewer = LOCAL_VIEWER) -> dict:
    """Counts of studies, municipalities, visits, dossiers and scores of the demo or the real data that `viewer` may
    see, plus the last import."""
    visits, params = visible_visits(viewer, bool(demo))
    row = con.execute(
        f"""
        WITH {visits},
        studies AS (SELECT study_id FROM study WHERE is_demo = ? AND (? OR study_id IN (SELECT study_id FROM visits))),
        final AS (
            SELECT (SELECT count(*) FROM studies) AS onderzoeken,
                   (SELECT count(DISTINCT municipality_code) FROM visits) AS gemeenten,
                   (SELECT count(*) FROM visits) AS bezoeken,
                   (SELECT count(*) FROM dossier WHERE visit_id IN (SELECT visit_id FROM visits)) AS dossiers,
                   -- the loader's per visit × indicator counts add up to the score rows (3.8 million at national scale)
                   (SELECT coalesce(sum(ja + nee + nvt + onbekend + groen + oranje + rood), 0)::BIGINT FROM visit_indicator_count
                    WHERE visit_id IN (SELECT visit_id FROM visits)) AS scores,
                   (SELECT max(l.imported_at) FROM import_log l
                    WHERE l.import_id IN (SELECT import_id FROM visit WHERE visit_id IN (SELECT visit_id FROM visits))) AS laatste_import
        )
        SELECT * FROM final
        """,
        params + [bool(demo), sees_everything(viewer)],
    ).fetchall()[0]
    keys = ["onderzoeken", "gemeenten", "bezoeken", "dossiers", "scores", "laatste_import"]
    return dict(zip(keys, row)) | {"demo": bool(demo)}


def studies_overview(con, demo: bool | None = None, viewer: Viewer = LOCAL_VIEWER) -> pd.DataFrame:
    """One row per study (only demo or only real ones when `demo` is set): framework, scale, municipalities,
    visits, dossiers, fieldwork period, demo flag; counted over the visits `viewer` may see, and for a viewer who
    does not see every visit only the studies with such a visit."""
    seen, params = visible_visits(viewer, demo)
    return con.execute(
        f"""
        WITH {seen},
        per_study AS (
            SELECT study_id, count(*) AS bezoeken, count(DISTINCT municipality_code) AS gemeenten,
                   min(visit_date) AS eerste_bezoek, max(visit_date) AS laatste_bezoek
            FROM visits GROUP BY study_id
        ),
        dossiers AS (
            SELECT v.study_id, count(*) AS dossiers FROM dossier d JOIN visits v USING (visit_id) GROUP BY v.study_id
        ),
        final AS (
            SELECT s.study_id AS onderzoek, f.framework_id AS kader, f.name AS kadernaam, f.scale AS schaal,
                   coalesce(v.gemeenten, 0) AS gemeenten, coalesce(v.bezoeken, 0) AS bezoeken,
                   coalesce(d.dossiers, 0) AS dossiers, v.eerste_bezoek, v.laatste_bezoek, s.is_demo AS demo
            FROM study s JOIN framework f USING (framework_id)
            LEFT JOIN per_study v USING (study_id) LEFT JOIN dossiers d USING (study_id)
            WHERE (?::BOOLEAN IS NULL OR s.is_demo = ?) AND (? OR v.bezoeken IS NOT NULL)
        )
        SELECT * FROM final ORDER BY onderzoek
        """,
        params + [demo, demo, sees_everything(viewer)],
    ).df()


def import_history(con, viewer: Viewer = LOCAL_VIEWER) -> pd.DataFrame:
    """The import log, newest first; empty for a viewer who may not import (file names and who imported are the
    inspectorate's own, and a file name often names the municipality)."""
    return con.execute(
        """
        WITH final AS (
            SELECT import_id AS import, imported_at AS tijdstip, file_name AS bestand, status,
                   visits AS bezoeken, dossiers, scores, warnings AS waarschuwingen, changes AS wijzigingen,
                   imported_by AS door, sha256
            FROM import_log WHERE ?
        )
        SELECT * FROM final ORDER BY import DESC
        """,
        [viewer.may_import],
    ).df()
