"""Jaarbeeld aggregates: per year and Jaarbeeld-thema, across all studies with fieldwork that year."""

from __future__ import annotations

import pandas as pd

from metrics.compliance import with_rates

THEME_NAMES = {
    "vroegsignalering": "Vroegsignalering en preventie",
    "eigen-kracht": "Eigen kracht",
    "veiligheid": "Veiligheid",
}


def jaarbeeld_themes(con, year: int) -> pd.DataFrame:
    """Per Jaarbeeld-thema: pooled k/n over dossier-level indicators of every study with fieldwork in `year`,
    with the number of studies, municipalities and dossiers."""
    frame = con.execute(
        """
        WITH scoped AS (
            SELECT * FROM v_count
            WHERE scale = 'binair' AND level = 'dossier' AND year = ? AND yearbook_theme IS NOT NULL
        ),
        pooled AS (
            SELECT yearbook_theme, sum(ja)::BIGINT AS k, sum(ja + nee)::BIGINT AS n,
                   sum(nvt)::BIGINT AS nvt, sum(onbekend)::BIGINT AS onbekend,
                   count(DISTINCT study_id) AS onderzoeken, count(DISTINCT municipality_code) AS gemeenten,
                   count(DISTINCT indicator_code || '@' || framework_id) AS indicatoren
            FROM scoped GROUP BY yearbook_theme
        ),
        theme_visits AS (SELECT DISTINCT yearbook_theme, visit_id FROM scoped),
        dossiers AS (
            SELECT tv.yearbook_theme, count(*) AS dossiers
            FROM theme_visits tv JOIN dossier d USING (visit_id)
            GROUP BY tv.yearbook_theme
        ),
        final AS (
            SELECT p.yearbook_theme AS jaarbeeld_thema, p.k, p.n, p.nvt, p.onbekend, p.onderzoeken, p.gemeenten,
                   coalesce(d.dossiers, 0) AS dossiers, p.indicatoren
            FROM pooled p LEFT JOIN dossiers d USING (yearbook_theme)
        )
        SELECT * FROM final
        """,
        [int(year)],
    ).df()
    frame = with_rates(frame)
    frame.insert(0, "jaar", int(year))
    frame.insert(2, "themanaam", frame["jaarbeeld_thema"].map(THEME_NAMES))
    order = {k: i for i, k in enumerate(THEME_NAMES)}
    return frame.sort_values("jaarbeeld_thema", key=lambda s: s.map(order)).reset_index(drop=True)


def jaarbeeld_weakest(con, year: int, per_theme: int = 3, min_n: int = 5) -> pd.DataFrame:
    """Per Jaarbeeld-thema the weakest indicators of `year` (pooled per study, n ≥ min_n) with k / n."""
    frame = con.execute(
        """
        WITH scoped AS (
            SELECT * FROM v_count
            WHERE scale = 'binair' AND level = 'dossier' AND year = ? AND yearbook_theme IS NOT NULL
        ),
        final AS (
            SELECT yearbook_theme AS jaarbeeld_thema, study_id AS onderzoek, indicator_code AS indicator, label,
                   sum(ja)::BIGINT AS k, sum(ja + nee)::BIGINT AS n, count(DISTINCT municipality_code) AS gemeenten
            FROM scoped GROUP BY ALL
        )
        SELECT * FROM final
        """,
        [int(year)],
    ).df()
    frame = with_rates(frame[frame["n"] >= min_n].copy())
    frame = frame.sort_values(
        ["jaarbeeld_thema", "percentage", "n", "onderzoek", "indicator"], ascending=[True, True, False, True, True], kind="stable"
    )
    frame = frame.groupby("jaarbeeld_thema", sort=False).head(per_theme)
    frame.insert(0, "jaar", int(year))
    return frame.reset_index(drop=True)
