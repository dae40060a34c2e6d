"""Jaarbeeld aggregates: per year and Jaarbeeld-thema, across all studies with fieldwork that year.

Every function takes `demo` (True: demo visits only, False: real visits only; None: what `default_demo` says),
so demo and real data never pool, optionally `studies` (study ids) to narrow the year to some studies, and `viewer`
(DESIGN §12): a Jaarbeeld counts only the visits its viewer may see.
The year of a figure is the fieldwork year (visit date); the year of a report is its publication year.
"""

from __future__ import annotations

import pandas as pd

from metrics.counting import count_sql, with_rates
from metrics.overview import default_demo
from metrics.scope import Scope
from reference.access import LOCAL_VIEWER, Viewer
from reference.dutch import month_year
from reference.vocab import SMALL_N, YEARBOOK_THEMES

# How a finding's soort groups in the Jaarbeeld: risks ("Risico's en knelpunten") or what goes well.
FINDING_GROUPS = {"zorgpunt": "risico", "kan beter": "risico", "gaat goed": "gaat goed"}


def _demo(con, demo: bool | None) -> bool:
    return default_demo(con) if demo is None else bool(demo)


def _year_scope(con, year: int | None, demo: bool | None, studies, viewer: Viewer) -> Scope:
    """The visits of one data source with fieldwork in `year` (every year when None), optionally only `studies`."""
    return Scope(kind=None, scale="binair", year=year, demo=_demo(con, demo),
                 studies=tuple(str(s) for s in studies) if studies else None, viewer=viewer)


def _scoped_counts(con, year: int | None, demo, studies, viewer: Viewer) -> tuple[str, list]:
    """The CTEs every Jaarbeeld figure pools, over the visits `_year_scope` gives: `visits` (their v_visit rows),
    `tagged` (their dossier-level binary counts per visit × indicator tagged to a Jaarbeeld-thema, with the indicator's
    label and theme) and `per_visit` (those counts summed per visit × Jaarbeeld-thema, with the visit's columns); and
    their parameters.

    `tagged` is materialised: left to itself the optimizer joins every visit with every indicator of its framework
    first and probes visit_indicator_count against that (a hash table as large as the result), where joining the
    counts with the few thousand visits and then with the few hundred indicators builds two small tables."""
    where, params = _year_scope(con, year, demo, studies, viewer).where("v")
    return f"""visits AS (SELECT * FROM v_visit v WHERE {where}),
        themed AS (
            SELECT framework_id, indicator_code, label, yearbook_theme FROM indicator
            WHERE level = 'dossier' AND yearbook_theme IS NOT NULL
        ),
        tagged AS MATERIALIZED (
            SELECT c.visit_id, v.framework_id, c.indicator_code, t.label, t.yearbook_theme, c.ja, c.nee, c.nvt, c.onbekend
            FROM visit_indicator_count c JOIN visits v USING (visit_id)
            JOIN themed t ON t.framework_id = v.framework_id AND t.indicator_code = c.indicator_code
        ),
        per_visit AS (
            SELECT v.*, p.yearbook_theme, p.ja, p.nee, p.nvt, p.onbekend
            FROM (SELECT visit_id, yearbook_theme, sum(ja) AS ja, sum(nee) AS nee, sum(nvt) AS nvt, sum(onbekend) AS onbekend
                  FROM tagged GROUP BY visit_id, yearbook_theme) p
            JOIN visits v USING (visit_id)
        )""", params


def _theme_order(frame: pd.DataFrame, *more: str) -> pd.DataFrame:
    order = {k: i for i, k in enumerate(YEARBOOK_THEMES)}
    frame = frame.assign(_o=frame["jaarbeeld_thema"].map(order))
    return frame.sort_values(["_o", *more], kind="stable").drop(columns="_o").reset_index(drop=True)


def jaarbeeld_themes(con, year: int, demo: bool | None = None, studies: list[str] | None = None,
        viewer: Viewer = LOCAL_VIEWER) -> pd.DataFrame:
    """Per Jaarbeeld-thema: pooled k/n over dossier-level indicators of every study with fieldwork in `year`,
    with the number of studies, municipalities and dossiers."""
    scoped, params = _scoped_counts(con, year, demo, studies, viewer)
    frame = con.execute(
        f"""
        WITH {scoped},
        pooled AS (
            SELECT yearbook_theme, {count_sql("c", reported=True)},
                   count(DISTINCT study_id) AS onderzoeken, count(DISTINCT municipality_code) AS gemeenten
            FROM per_visit c GROUP BY yearbook_theme
        ),
        indicators AS (
            SELECT yearbook_theme, count(*) AS indicatoren
            FROM (SELECT DISTINCT yearbook_theme, framework_id, indicator_code FROM tagged) GROUP BY yearbook_theme
        ),
        dossiers AS (
            SELECT pv.yearbook_theme, count(*) AS dossiers
            FROM per_visit pv JOIN dossier d USING (visit_id)
            GROUP BY pv.yearbook_theme
        ),
        final AS (
            SELECT p.yearbook_theme AS jaarbeeld_thema, p.k, p.n, p.nvt, p.onbekend, p.onderzoeken, p.gemeenten,
                   coalesce(d.dossiers, 0) AS dossiers, i.indicatoren
            FROM pooled p JOIN indicators i USING (yearbook_theme) LEFT JOIN dossiers d USING (yearbook_theme)
        )
        SELECT * FROM final
        """,
        params,
    ).df()
    frame = with_rates(frame)
    frame.insert(0, "jaar", int(year))
    frame.insert(2, "themanaam", frame["jaarbeeld_thema"].map(YEARBOOK_THEMES))
    return _theme_order(frame)


def jaarbeeld_weakest(con, year: int, per_theme: int = 3, min_n: int = SMALL_N, demo: bool | None = None,
                      studies: list[str] | None = None,
        viewer: Viewer = LOCAL_VIEWER) -> pd.DataFrame:
    """Per Jaarbeeld-thema the weakest indicators of `year` (pooled per study, n ≥ min_n) with k / n."""
    scoped, params = _scoped_counts(con, year, demo, studies, viewer)
    frame = con.execute(
        f"""
        WITH {scoped},
        final AS (
            SELECT c.yearbook_theme AS jaarbeeld_thema, v.study_id AS onderzoek, c.indicator_code AS indicator, c.label,
                   {count_sql("c")}, count(DISTINCT v.municipality_code) AS gemeenten
            FROM tagged c JOIN visits v USING (visit_id) GROUP BY ALL
        )
        SELECT * FROM final
        """,
        params,
    ).df()
    frame = with_rates(frame[frame["n"] >= min_n].copy())
    frame = frame.sort_values(
        ["jaarbeeld_thema", "percentage", "n", "onderzoek", "indicator"], ascending=[True, True, False, True, True], kind="stable"
    )
    frame = frame.groupby("jaarbeeld_thema", sort=False).head(per_theme)
    frame.insert(0, "jaar", int(year))
    return _theme_order(frame)


def _pooled(con, year: int | None, demo, studies, keys: list[str], select: str, viewer: Viewer) -> pd.DataFrame:
    """k/n (with rates) per Jaarbeeld-thema and `keys` (visit columns: `per_visit` has one row per visit and theme, so
    count(*) counts visits) over the dossier-level binary counts in scope."""
    scoped, params = _scoped_counts(con, year, demo, studies, viewer)
    frame = con.execute(
        f"""
        WITH {scoped},
        final AS (
            SELECT yearbook_theme AS jaarbeeld_thema, {select},
                   {count_sql("c", reported=True)}, count(*) AS bezoeken
            FROM per_visit c GROUP BY ALL
        )
        SELECT * FROM final ORDER BY ALL
        """,
        params,
    ).df()
    return with_rates(frame)


def jaarbeeld_theme_studies(con, year: int, demo: bool | None = None, studies: list[str] | None = None,
        viewer: Viewer = LOCAL_VIEWER) -> pd.DataFrame:
    """Per Jaarbeeld-thema and study with fieldwork in `year`: pooled k/n over its tagged dossier-level indicators."""
    frame = _pooled(con, year, demo, studies, ["onderzoek"],
                    "study_id AS onderzoek, count(DISTINCT municipality_code) AS gemeenten", viewer)
    names = dict(con.execute("SELECT study_id, coalesce(name, study_id) FROM study").fetchall())
    frame.insert(2, "onderzoeksnaam", frame["onderzoek"].map(names))
    frame.insert(0, "jaar", int(year))
    return _theme_order(frame, "onderzoek")


def jaarbeeld_municipalities(con, year: int, demo: bool | None = None, studies: list[str] | None = None,
        viewer: Viewer = LOCAL_VIEWER) -> pd.DataFrame:
    """Per Jaarbeeld-thema and municipality: pooled k/n over every study with fieldwork there in `year`."""
    frame = _pooled(con, year, demo, studies, ["gemeente"],
                    "municipality_code AS gemeentecode, municipality_name AS gemeente, "
                    "string_agg(DISTINCT study_id, ', ' ORDER BY study_id) AS onderzoeken", viewer)
    frame.insert(0, "jaar", int(year))
    return _theme_order(frame, "gemeente")


def jaarbeeld_trend(con, year: int, demo: bool | None = None, studies: list[str] | None = None,
        viewer: Viewer = LOCAL_VIEWER) -> pd.DataFrame:
    """Per Jaarbeeld-thema and fieldwork year up to `year`: pooled k/n, the number of studies and municipalities."""
    frame = _pooled(con, None, demo, studies, ["jaar"],
                    "year AS jaar, count(DISTINCT study_id) AS onderzoeken, count(DISTINCT municipality_code) AS gemeenten", viewer)
    frame = frame[frame["jaar"] <= int(year)]
    return _theme_order(frame, "jaar")


def jaarbeeld_studies(con, year: int, demo: bool | None = None, studies: list[str] | None = None,
        viewer: Viewer = LOCAL_VIEWER) -> pd.DataFrame:
    """The studies with fieldwork in `year`: name, framework, municipalities, visits, dossiers and fieldwork period."""
    where, params = _year_scope(con, year, demo, studies, viewer).where("v", omit=("scale",))
    return con.execute(
        f"""
        WITH visits AS (SELECT * FROM v_visit v WHERE {where}),
        dossiers AS (SELECT visit_id, count(*) AS dossiers FROM dossier GROUP BY visit_id),
        final AS (
            SELECT v.study_id AS onderzoek, coalesce(s.name, v.study_id) AS onderzoeksnaam, v.framework_id AS kader,
                   f.name AS kadernaam, v.scale AS schaal, count(DISTINCT v.municipality_code) AS gemeenten,
                   count(*) AS bezoeken, coalesce(sum(d.dossiers), 0)::BIGINT AS dossiers,
                   min(v.visit_date) AS eerste_bezoek, max(v.visit_date) AS laatste_bezoek
            FROM visits v JOIN study s USING (study_id) JOIN framework f ON f.framework_id = v.framework_id
            LEFT JOIN dossiers d USING (visit_id)
            GROUP BY ALL
        )
        SELECT * FROM final ORDER BY onderzoek
        """,
        params,
    ).df()


def jaarbeeld_years(con, demo: bool | None = None, viewer: Viewer = LOCAL_VIEWER) -> list[int]:
    """Fieldwork years with visits of the data source (that `viewer` may see), newest first."""
    where, params = _year_scope(con, None, demo, None, viewer).where("v", omit=("scale",))
    rows = con.execute(f"SELECT DISTINCT year FROM v_visit v WHERE {where} ORDER BY 1 DESC", params).fetchall()
    return [int(r[0]) for r in rows]


def finding_reference(report_title, study_name: str, municipality: str, published_on, visit_date) -> str:
    """'Zie: <report or study>, <municipality> (<month year>)': the month of publication, else of the fieldwork;
    the municipality is left out when the report title already names it."""
    title = report_title if isinstance(report_title, str) and report_title.strip() else study_name
    where = "" if municipality and municipality.lower() in title.lower() else f", {municipality}"
    when = month_year(published_on) or month_year(visit_date)
    return f"Zie: {title}{where}" + (f" ({when})" if when else "")


def jaarbeeld_findings(con, year: int, demo: bool | None = None, studies: list[str] | None = None,
        viewer: Viewer = LOCAL_VIEWER) -> pd.DataFrame:
    """The findings of visits with fieldwork in `year`, one row per finding and Jaarbeeld-thema it is tagged to:
    through its indicator's tag, or (linked to a framework theme) every tag among that theme's indicators."""
    where, params = _year_scope(con, year, demo, studies, viewer).where("v", omit=("scale",))
    frame = con.execute(
        f"""
        WITH visits AS (SELECT * FROM v_visit v WHERE {where}),
        theme_tags AS (
            SELECT DISTINCT framework_id, theme_code, yearbook_theme FROM indicator WHERE yearbook_theme IS NOT NULL
        ),
        tagged AS (
            SELECT f.*, v.framework_id, i.yearbook_theme, 'indicator ' || f.indicator_code || ' ' || i.label AS koppeling
            FROM finding f JOIN visits v USING (visit_id)
            JOIN indicator i ON i.framework_id = v.framework_id AND i.indicator_code = f.indicator_code
            WHERE i.yearbook_theme IS NOT NULL
            UNION ALL BY NAME
            SELECT f.*, v.framework_id, tt.yearbook_theme, 'thema ' || t.name AS koppeling
            FROM finding f JOIN visits v USING (visit_id)
            JOIN theme_tags tt ON tt.framework_id = v.framework_id AND tt.theme_code = f.theme_code
            JOIN theme t ON t.framework_id = v.framework_id AND t.theme_code = f.theme_code
            WHERE f.indicator_code IS NULL
        ),
        final AS (
            SELECT t.yearbook_theme AS jaarbeeld_thema, t.kind AS soort, t.text AS tekst, t.koppeling,
                   v.study_id AS onderzoek, coalesce(s.name, v.study_id) AS onderzoeksnaam,
                   v.municipality_name AS gemeente, v.kind AS bezoeksoort, v.visit_date AS bezoekdatum,
                   vr.report_title AS rapport, vr.published_on AS publicatiedatum, t.visit_id AS bezoek,
                   vr.summary_title AS samenvattend_rapport
            FROM tagged t JOIN visits v USING (visit_id) JOIN study s USING (study_id)
            JOIN visit vr ON vr.visit_id = t.visit_id
        )
        SELECT * FROM final ORDER BY onderzoek, bezoekdatum, gemeente, soort, tekst
        """,
        params,
    ).df()
    frame.insert(2, "groep", frame["soort"].map(FINDING_GROUPS))
    frame["bron"] = [
        finding_reference(r, s, m, p, d)
        for r, s, m, p, d in zip(frame["rapport"], frame["onderzoeksnaam"], frame["gemeente"],
                                 frame["publicatiedatum"], frame["bezoekdatum"])
    ]
    frame.insert(0, "jaar", int(year))
    return _theme_order(frame, "groep")


def jaarbeeld_framework_items(con, year: int, demo: bool | None = None, studies: list[str] | None = None,
        viewer: Viewer = LOCAL_VIEWER) -> pd.DataFrame:
    """Per Jaarbeeld-thema the framework items (indicators) tagged to it, of the frameworks used in `year`."""
    where, params = _year_scope(con, year, demo, studies, viewer).where("v", omit=("scale",))
    frame = con.execute(
        f"""
        WITH frameworks AS (SELECT DISTINCT framework_id FROM v_visit v WHERE {where}),
        final AS (
            SELECT i.yearbook_theme AS jaarbeeld_thema, i.framework_id AS kader, f.name AS kadernaam,
                   i.indicator_code AS indicator, i.label, i.text AS tekst, i.criterion AS criterium,
                   i.level AS niveau, t.position AS theme_position, i.position AS indicator_position
            FROM indicator i JOIN frameworks USING (framework_id)
            JOIN framework f ON f.framework_id = i.framework_id
            JOIN theme t ON t.framework_id = i.framework_id AND t.theme_code = i.theme_code
            WHERE i.yearbook_theme IS NOT NULL
        )
        SELECT * FROM final ORDER BY kader, theme_position, indicator_position
        """,
        params,
    ).df()
    frame = frame.drop(columns=["theme_position", "indicator_position"])
    frame.insert(0, "jaar", int(year))
    return _theme_order(frame)


def jaarbeeld_visits(con, year: int, demo: bool | None = None, studies: list[str] | None = None,
        viewer: Viewer = LOCAL_VIEWER) -> pd.DataFrame:
    """The year's visits and reports: every visit with fieldwork in `year` or a report published in `year`,
    with its report title (the study name where none is recorded) and publication date."""
    where, params = _year_scope(con, None, demo, studies, viewer).where("v", omit=("scale",))
    return con.execute(
        f"""
        WITH visits AS (SELECT * FROM v_visit v WHERE {where}),
        final AS (
            SELECT v.study_id AS onderzoek, coalesce(s.name, v.study_id) AS onderzoeksnaam, v.municipality_name AS gemeente,
                   v.kind AS soort, v.team, v.visit_date AS datum, vr.report_title AS rapport,
                   coalesce(vr.report_title, coalesce(s.name, v.study_id) || ', ' || v.municipality_name) AS titel,
                   vr.published_on AS publicatiedatum,
                   v.year = ? AS veldwerk_dit_jaar, coalesce(year(vr.published_on) = ?, false) AS rapport_dit_jaar
            FROM visits v JOIN study s USING (study_id) JOIN visit vr ON vr.visit_id = v.visit_id
            WHERE v.year = ? OR year(vr.published_on) = ?
        )
        SELECT * FROM final ORDER BY onderzoek, datum, gemeente, team
        """,
        params + [int(year)] * 4,
    ).df()
