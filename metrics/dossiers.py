"""Drill-down to the dossiers behind a number: which visits and dossiers a selection covers, their scores on
chosen indicators, the counts that add up to "k van n", and one dossier's full scoring with remarks.

A selection is a metrics Scope (study, municipality, soort, year, demo) plus optionally one visit date and
the indicators looked at. The counts use the same rule as compliance (k = ja, n = ja + nee) over the same
visits, so a drill-down from a compliance figure lands on exactly its k and n.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import numpy as np
import pandas as pd

from metrics.counting import count_sql, with_rates
from metrics.scope import Scope
from reference.vocab import SCORE_VALUES



def _visits_cte(scope: Scope, visit_date: dt.date | None, dossiers: bool = True) -> tuple[str, list]:
    """SQL for the visits of a selection (scale is not a filter here: a study fixes its scale). With `dossiers` (what
    is read is dossier scores or remarks), and a viewer who does not see dossiers and remarks (DESIGN §12), the
    selection holds no visit at all."""
    where, params = scope.where("v", omit=("scale",))
    if dossiers and not (scope.viewer.sees_dossiers and scope.viewer.sees_remarks):
        where += " AND FALSE"
    if visit_date is not None:
        where += " AND v.visit_date = ?"
        params.append(pd.Timestamp(visit_date).date())
    return f"visits AS (SELECT * FROM v_visit v WHERE {where})", params


def selection_visits(con, scope: Scope, visit_date: dt.date | None = None) -> pd.DataFrame:
    """The visits of a selection: bezoek, onderzoek, kader, schaal, gemeente, soort, datum, team and their number of
    dossiers (a count, also for viewers who do not see dossiers)."""
    visits, params = _visits_cte(scope, visit_date, dossiers=False)
    return con.execute(
        f"""
        WITH {visits},
        counted AS (SELECT visit_id, count(*) AS dossiers FROM dossier WHERE visit_id IN (SELECT visit_id FROM visits) GROUP BY ALL),
        final AS (
            SELECT v.visit_id AS bezoek, v.study_id AS onderzoek, v.framework_id AS kader, v.scale AS schaal,
                   v.municipality_name AS gemeente, v.kind AS soort, v.visit_date AS datum, v.team,
                   coalesce(c.dossiers, 0) AS dossiers
            FROM visits v LEFT JOIN counted c USING (visit_id)
        )
        SELECT * FROM final ORDER BY onderzoek, gemeente, datum, soort, team
        """,
        params,
    ).df()


def outcome_counts(con, scope: Scope, indicators: Sequence[str], visit_date: dt.date | None = None) -> pd.DataFrame:
    """Per chosen indicator over the selection: ja, nee, nvt, onbekend, k (= ja), n (= ja + nee), and — for
    dossier-level indicators — how many dossiers were not scored on it; with the rate columns of `with_rates`.
    Same counting as compliance."""
    visits, params = _visits_cte(scope, visit_date)
    return with_rates(con.execute(
        f"""
        WITH {visits},
        chosen AS (SELECT unnest(?::VARCHAR[]) AS indicator_code),
        counted AS (
            -- the loader's per visit × indicator counts: the same numbers as counting `score`, far fewer rows
            SELECT c.indicator_code, {count_sql("c")}, sum(c.ja) AS ja, sum(c.nee) AS nee, sum(c.nvt) AS nvt, sum(c.onbekend) AS onbekend,
                   sum(c.groen) AS groen, sum(c.oranje) AS oranje, sum(c.rood) AS rood,
                   sum(c.ja + c.nee + c.nvt + c.onbekend + c.groen + c.oranje + c.rood) AS gescoord
            FROM visit_indicator_count c
            WHERE c.visit_id IN (SELECT visit_id FROM visits) AND c.indicator_code IN (SELECT indicator_code FROM chosen)
            GROUP BY ALL
        ),
        dossiers AS (SELECT count(*) AS dossiers FROM dossier WHERE visit_id IN (SELECT visit_id FROM visits)),
        levels AS (
            SELECT i.indicator_code, any_value(i.level) AS level FROM indicator i
            WHERE i.framework_id IN (SELECT framework_id FROM visits) GROUP BY ALL
        ),
        final AS (
            SELECT c.indicator_code AS indicator, l.level AS niveau,
                   coalesce(n.ja, 0)::BIGINT AS ja, coalesce(n.nee, 0)::BIGINT AS nee, coalesce(n.nvt, 0)::BIGINT AS nvt,
                   coalesce(n.onbekend, 0)::BIGINT AS onbekend, coalesce(n.groen, 0)::BIGINT AS groen,
                   coalesce(n.oranje, 0)::BIGINT AS oranje, coalesce(n.rood, 0)::BIGINT AS rood,
                   coalesce(n.k, 0)::BIGINT AS k, coalesce(n.n, 0)::BIGINT AS n,
                   CASE WHEN l.level = 'dossier' THEN (SELECT dossiers FROM dossiers) - coalesce(n.gescoord, 0) END::BIGINT
                       AS niet_gescoord
            FROM chosen c LEFT JOIN counted n USING (indicator_code) LEFT JOIN levels l USING (indicator_code)
        )
        SELECT * FROM final
        """,
        params + [list(indicators)],
    ).df())


def dossier_list(
    con, scope: Scope, indicators: Sequence[str], outcome: str | None = None, visit_date: dt.date | None = None,
    limit: int | None = None,
) -> pd.DataFrame:
    """One row per dossier in the selection: bezoek, onderzoek, gemeente, soort, datum, dossier, team, one column
    per chosen (dossier-level) indicator with its score ('' when not scored), 'toelichting' (the remark on the
    chosen indicator, when exactly one is chosen) and 'opmerkingen' (number of remarks in the dossier).
    With `outcome` only dossiers that have that score on at least one chosen indicator; with `limit` the first
    `limit` dossiers in the list's order (by municipality, date, soort, dossier)."""
    visits, params = _visits_cte(scope, visit_date)
    codes = list(dict.fromkeys(indicators))
    picked = f"""
        WITH {visits},
        chosen AS (SELECT unnest(?::VARCHAR[]) AS indicator_code),
        scores AS (
            SELECT s.visit_id, s.dossier_id, s.indicator_code, s.value FROM score s
            WHERE s.visit_id IN (SELECT visit_id FROM visits) AND s.dossier_id IS NOT NULL
              AND s.indicator_code IN (SELECT indicator_code FROM chosen)
        ),
        picked AS (
            SELECT d.visit_id, d.dossier_id, coalesce(d.team, v.team, '') AS team, v.study_id, v.municipality_name,
                   v.kind, v.visit_date,
                   -- the row's place in the list (visit_id breaks ties between visits that share the rest)
                   row_number() OVER (ORDER BY v.study_id, v.municipality_name, v.visit_date, v.kind, d.dossier_id, d.visit_id) - 1 AS r
            FROM dossier d JOIN visits v USING (visit_id)
            WHERE ?::VARCHAR IS NULL
               OR EXISTS (SELECT 1 FROM scores s WHERE s.visit_id = d.visit_id AND s.dossier_id = d.dossier_id AND s.value = ?)
            ORDER BY r
            LIMIT ?
        )"""
    pick_params = params + [codes, outcome, outcome, limit]
    frame = con.execute(
        picked + """,
        remarks AS (
            SELECT r.visit_id, r.dossier_id, count(*) AS opmerkingen,
                   string_agg(r.text, ' | ' ORDER BY r.text) FILTER (r.indicator_code = ?) AS toelichting
            FROM remark r WHERE r.visit_id IN (SELECT visit_id FROM picked) AND r.dossier_id IS NOT NULL
            GROUP BY ALL
        ),
        final AS (
            SELECT p.visit_id AS bezoek, p.study_id AS onderzoek, p.municipality_name AS gemeente, p.kind AS soort,
                   p.visit_date AS datum, p.dossier_id AS dossier, p.team,
                   coalesce(r.toelichting, '') AS toelichting, coalesce(r.opmerkingen, 0)::BIGINT AS opmerkingen, p.r
            FROM picked p LEFT JOIN remarks r USING (visit_id, dossier_id)
        )
        SELECT * EXCLUDE (r) FROM final ORDER BY r
        """,
        pick_params + [codes[0] if len(codes) == 1 else None],
    ).df()
    frame = _spread_scores(con, frame, picked, pick_params, codes)
    columns = ["bezoek", "onderzoek", "gemeente", "soort", "datum", "dossier", "team"] + codes
    columns += (["toelichting"] if len(codes) == 1 else []) + ["opmerkingen"]
    return frame[columns]


def _spread_scores(con, frame: pd.DataFrame, picked: str, pick_params: list, codes: list[str]) -> pd.DataFrame:
    """`frame` (the picked dossiers, in list order) with one column per code added, each dossier's score ('' when
    not scored). The scores come long, as (row, column, value) numbers, and are spread into a grid with numpy: per
    cell far cheaper than one aggregate per indicator in SQL, and than a pandas pivot of 340,000 text rows (a whole
    study); the grid's columns join the frame in one step (inserting 50 columns one by one costs more than the
    spreading)."""
    long = con.execute(
        picked + """,
        final AS (
            -- straight from `score`, not the `scores` CTE: with a limit only the picked visits' scores are read
            SELECT p.r, list_position(?::VARCHAR[], s.indicator_code) - 1 AS c, list_position(?::VARCHAR[], s.value) AS v
            FROM score s JOIN picked p ON p.visit_id = s.visit_id AND p.dossier_id = s.dossier_id
            WHERE s.indicator_code IN (SELECT indicator_code FROM chosen)
        )
        SELECT * FROM final
        """,
        pick_params + [codes, list(SCORE_VALUES)],
    ).fetchnumpy()
    grid = np.zeros((len(frame), len(codes)), dtype=np.int64)  # 0 = not scored
    grid[np.asarray(long["r"], dtype=np.int64), np.asarray(long["c"], dtype=np.int64)] = np.asarray(long["v"], dtype=np.int64)
    texts = np.array([""] + list(SCORE_VALUES), dtype=object)
    spread = pd.DataFrame(texts[grid], index=frame.index, columns=codes, dtype=object)
    return pd.concat([frame.drop(columns=[c for c in codes if c in frame.columns]), spread], axis=1)


def visit_level_scores(con, scope: Scope, indicators: Sequence[str], visit_date: dt.date | None = None) -> pd.DataFrame:
    """The judgements of visit-level (bezoek/team) indicators in the selection, with the remark on each."""
    visits, params = _visits_cte(scope, visit_date)
    return con.execute(
        f"""
        WITH {visits},
        chosen AS (SELECT unnest(?::VARCHAR[]) AS indicator_code),
        remarks AS (
            SELECT visit_id, indicator_code, string_agg(text, ' | ' ORDER BY text) AS toelichting FROM remark
            WHERE visit_id IN (SELECT visit_id FROM visits) AND dossier_id IS NULL GROUP BY ALL
        ),
        final AS (
            SELECT v.visit_id AS bezoek, v.study_id AS onderzoek, v.municipality_name AS gemeente, v.kind AS soort,
                   v.visit_date AS datum, v.team, s.indicator_code AS indicator, s.value AS score,
                   coalesce(r.toelichting, '') AS toelichting, i.position AS indicator_position
            FROM score s JOIN visits v USING (visit_id)
            JOIN indicator i ON i.framework_id = v.framework_id AND i.indicator_code = s.indicator_code
            LEFT JOIN remarks r ON r.visit_id = s.visit_id AND r.indicator_code = s.indicator_code
            WHERE s.dossier_id IS NULL AND s.indicator_code IN (SELECT indicator_code FROM chosen)
        )
        SELECT * EXCLUDE (indicator_position) FROM final ORDER BY onderzoek, gemeente, datum, team, indicator_position
        """,
        params + [list(indicators)],
    ).df()


def dossier_detail(con, scope: Scope, dossier_id: str, visit_date: dt.date | None = None) -> pd.DataFrame:
    """One dossier's full scoring: per visit holding that dossier id, every dossier-level indicator of the framework
    in order, grouped by theme, with its text, decision rule, score ('' when not scored) and the inspector's remark.
    Remarks on the dossier as a whole come as rows with an empty indicator."""
    visits, params = _visits_cte(scope, visit_date)
    return con.execute(
        f"""
        WITH {visits},
        holding AS (
            SELECT v.* FROM visits v WHERE EXISTS (SELECT 1 FROM dossier d WHERE d.visit_id = v.visit_id AND d.dossier_id = ?)
        ),
        items AS (
            SELECT h.visit_id, i.indicator_code, i.label, i.theme_code, t.name AS theme_name, i.text, i.decision_rule,
                   t.position AS theme_position, i.position AS indicator_position
            FROM holding h JOIN indicator i ON i.framework_id = h.framework_id AND i.level = 'dossier'
            JOIN theme t ON t.framework_id = i.framework_id AND t.theme_code = i.theme_code
        ),
        scores AS (SELECT visit_id, indicator_code, value FROM score WHERE dossier_id = ? AND visit_id IN (SELECT visit_id FROM holding)),
        remarks AS (
            SELECT visit_id, indicator_code, string_agg(text, ' | ' ORDER BY text) AS toelichting FROM remark
            WHERE dossier_id = ? AND visit_id IN (SELECT visit_id FROM holding) GROUP BY ALL
        ),
        scored AS (
            SELECT it.visit_id, it.theme_position, it.indicator_position, it.theme_code, it.theme_name, it.indicator_code,
                   it.label, it.text, it.decision_rule, coalesce(s.value, '') AS score, coalesce(r.toelichting, '') AS toelichting
            FROM items it LEFT JOIN scores s USING (visit_id, indicator_code)
            LEFT JOIN remarks r ON r.visit_id = it.visit_id AND r.indicator_code = it.indicator_code
        ),
        general AS (
            SELECT visit_id, -1 AS theme_position, -1 AS indicator_position, '' AS theme_code, 'Dossier als geheel' AS theme_name,
                   '' AS indicator_code, '' AS label, '' AS text, '' AS decision_rule, '' AS score, toelichting
            FROM remarks WHERE indicator_code IS NULL
        ),
        final AS (
            SELECT h.visit_id AS bezoek, h.study_id AS onderzoek, h.municipality_name AS gemeente, h.kind AS soort,
                   h.visit_date AS datum, x.theme_code AS thema, x.theme_name AS themanaam, x.indicator_code AS indicator,
                   x.label, x.text AS tekst, x.decision_rule AS beslisregel, x.score, x.toelichting,
                   x.theme_position, x.indicator_position
            FROM (SELECT * FROM scored UNION ALL SELECT * FROM general) x JOIN holding h USING (visit_id)
        )
        SELECT * EXCLUDE (theme_position, indicator_position) FROM final
        ORDER BY datum, bezoek, theme_position, indicator_position
        """,
        params + [dossier_id, dossier_id, dossier_id],
    ).df()
