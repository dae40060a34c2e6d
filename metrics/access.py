"""Reads for access (DESIGN §12): the viewer behind an e-mail address, the users, the access log, and the
publication status of visits. Column names are the Dutch ones the Beheer page shows and exports."""

from __future__ import annotations

import duckdb
import pandas as pd

from reference.access import ROLES, Viewer


def viewer_for(con: duckdb.DuckDBPyConnection, email: str | None) -> Viewer | None:
    """The signed-in person's Viewer, or None when they have no role (or no e-mail address)."""
    if not email:
        return None
    rows = con.execute("SELECT role, municipalities FROM app_user WHERE email = ?", [email.strip().lower()]).fetchall()
    if not rows or rows[0][0] not in ROLES:
        return None
    role, codes = rows[0]
    return Viewer(email.strip().lower(), role, tuple(codes or ()))


def users(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Every user with role and municipality names (the newest name of each code), by e-mail address."""
    return con.execute(
        """
        WITH codes AS (SELECT email, unnest(municipalities) AS code FROM app_user),
        names AS (
            SELECT c.email, string_agg(m.name, ', ' ORDER BY m.name) AS gemeenten
            FROM codes c
            JOIN (SELECT code, arg_max(name, year) AS name FROM municipality_year GROUP BY code) m USING (code)
            GROUP BY c.email
        ),
        final AS (
            SELECT u.email, u.role AS rol, coalesce(n.gemeenten, '') AS gemeenten,
                   u.changed_at AS gewijzigd, u.changed_by AS door
            FROM app_user u LEFT JOIN names n USING (email)
        )
        SELECT * FROM final ORDER BY email
        """
    ).df()


def access_log(con: duckdb.DuckDBPyConnection, action: str | None = None, limit: int | None = None) -> pd.DataFrame:
    """The access log, newest first (optionally one action)."""
    return con.execute(
        """
        WITH final AS (
            SELECT logged_at AS tijdstip, who AS wie, action AS handeling, what AS wat, access_id
            FROM access_log
            WHERE ?::VARCHAR IS NULL OR action = ?
        )
        SELECT tijdstip, wie, handeling, wat FROM final ORDER BY tijdstip DESC, access_id DESC
        LIMIT coalesce(?::BIGINT, 9223372036854775807)
        """,
        [action, action, limit],
    ).df()


def visits_with_status(con: duckdb.DuckDBPyConnection, study_id: str | None = None, demo: bool = False) -> pd.DataFrame:
    """Each visit of the real (or demo) studies with its publication status; demo visits count as published."""
    return con.execute(
        """
        WITH final AS (
            SELECT v.study_id AS onderzoek, v.municipality_name AS gemeente, v.kind AS soort, v.visit_date AS datum,
                   v.team,
                   CASE WHEN s.is_demo THEN 'gepubliceerd (demo)' ELSE coalesce(v.publication_status, 'concept') END AS status,
                   v.publication_date AS gepubliceerd_op, v.published_on AS rapport_publicatiedatum
            FROM visit v JOIN study s USING (study_id)
            WHERE s.is_demo = ? AND (?::VARCHAR IS NULL OR v.study_id = ?)
        )
        SELECT * FROM final ORDER BY onderzoek, gemeente, datum, soort, team
        """,
        [demo, study_id, study_id],
    ).df()
