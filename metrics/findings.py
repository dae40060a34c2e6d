"""Qualitative findings and recommendations: search, the figures that go with each finding, and follow-up.

Search rule (shown on the Bevindingen page): text and query are compared in lower case without accents and
without apostrophes; every word of the query must occur somewhere in the text (also inside a longer word, so
"veiligheid" finds "veiligheidsplan" and "onveiligheid"); a query word of six letters or more is first cut
back to its stem by dropping one ending -s, -en or -e and undoubling a final double consonant, so "plannen"
finds "plan" and "risicotaxaties" finds "risicotaxatie".
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
import re
import unicodedata

import pandas as pd

from metrics.counting import count_sql, with_rates
from metrics.scope import Scope
from reference.vocab import FINDING_KINDS, FINDING_SEVERITY, OVERDUE_MONTHS, RECOMMENDATION_STATUSES, VISIT_KINDS

STATUSES = RECOMMENDATION_STATUSES  # the name pages use
OPEN, IN_PROGRESS, DONE = RECOMMENDATION_STATUSES
FIRST_VISIT, RETEST = VISIT_KINDS
__all__ = ["FINDING_KINDS", "OVERDUE_MONTHS", "STATUSES"]  # re-exported vocabulary (reference.vocab) for pages
_APOSTROPHES = "'’‘`´"
# The same normalisation in SQL as `normalise` does in Python: lower case, no accents, no apostrophes.
_NORMALISED_SQL = "translate(strip_accents(lower({col})), '" + _APOSTROPHES.replace("'", "''") + "', '')"


def severity_order(column: str) -> tuple[str, list]:
    """SQL sorting findings most serious first (reference.vocab.FINDING_SEVERITY), and its one parameter."""
    kinds = sorted(FINDING_SEVERITY, key=FINDING_SEVERITY.get)
    return f"coalesce(list_position(?::VARCHAR[], {column}), {len(kinds) + 1})", [kinds]


def normalise(text: str) -> str:
    """Lower case, accents and apostrophes removed: 'Risico’s geëvalueerd' → 'risicos geevalueerd'."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return plain.translate({ord(c): None for c in _APOSTROPHES})


def stem(word: str) -> str:
    """A light Dutch stem for matching word forms: one ending -s, -en or -e off words of 6+ letters, then a final
    double consonant undoubled. Only ever shortens a word, so the word itself is still found."""
    if len(word) < 6:
        return word
    for ending in ("en", "s", "e"):
        if word.endswith(ending) and len(word) - len(ending) >= 4:
            word = word[: -len(ending)]
            break
    if len(word) >= 2 and word[-1] == word[-2] and word[-1] not in "aeiou":
        word = word[:-1]
    return word


def search_terms(query: str | None) -> list[str]:
    """The terms a query searches for: normalised words, stemmed, empty when the query has no words."""
    if not query:
        return []
    return [stem(w) for w in re.findall(r"[0-9a-z]+", normalise(query))]


def text_filter(column: str, terms: list[str]) -> tuple[str, list]:
    """SQL requiring every term in the normalised `column` (values as parameters)."""
    norm = _NORMALISED_SQL.format(col=column)
    return "".join(f" AND contains({norm}, ?)" for _ in terms), list(terms)


def _visit_filter(scope: Scope) -> tuple[str, list]:
    """Scope over v_visit without its scale clause: findings and recommendations exist for every scale."""
    return scope.where("v", omit=("scale",))


def search_findings(
    con, scope: Scope, query: str | None = None, theme: str | None = None, indicator: str | None = None,
    kind: str | None = None,
) -> pd.DataFrame:
    """Findings in scope that match the query (see the module docstring) and filters, each with the compliance of
    its theme (Σk/Σn over the theme's dossier-level indicators) or indicator in that visit: k, n, percentage and
    Wilson bounds. `theme` also matches findings on an indicator of that theme."""
    where, params = _visit_filter(scope)
    terms = search_terms(query)
    text_sql, text_params = text_filter("f.text", terms)
    sql = f"""
        WITH visits AS (SELECT * FROM v_visit v WHERE {where}),
        findings AS (
            SELECT f.visit_id, f.theme_code, f.indicator_code, f.kind, f.text,
                   coalesce(f.theme_code, i.theme_code) AS theme_of
            FROM finding f JOIN visits v USING (visit_id)
            LEFT JOIN indicator i ON i.framework_id = v.framework_id AND i.indicator_code = f.indicator_code
            WHERE (?::VARCHAR IS NULL OR f.kind = ?) {text_sql}
        ),
        picked AS (
            SELECT * FROM findings
            WHERE (?::VARCHAR IS NULL OR theme_of = ?) AND (?::VARCHAR IS NULL OR indicator_code = ?)
        ),
        theme_counts AS (
            SELECT c.visit_id, i.theme_code, {count_sql("c")}
            FROM visit_indicator_count c JOIN visits v USING (visit_id)
            JOIN indicator i ON i.framework_id = v.framework_id AND i.indicator_code = c.indicator_code
            WHERE i.level = 'dossier' AND c.visit_id IN (SELECT visit_id FROM picked)
            GROUP BY ALL
        ),
        indicator_counts AS (
            -- one row per visit × indicator: the sums add up a single row
            SELECT c.visit_id, c.indicator_code, {count_sql("c")}
            FROM visit_indicator_count c WHERE c.visit_id IN (SELECT visit_id FROM picked)
            GROUP BY ALL
        ),
        final AS (
            SELECT v.visit_id AS bezoek, v.study_id AS onderzoek, v.municipality_name AS gemeente, v.kind AS bezoeksoort,
                   v.visit_date AS datum, v.year AS jaar, p.theme_of AS thema, t.name AS themanaam,
                   coalesce(p.indicator_code, '') AS indicator, p.kind AS soort, p.text AS tekst,
                   CASE WHEN p.indicator_code IS NOT NULL THEN ic.k ELSE tc.k END AS k,
                   CASE WHEN p.indicator_code IS NOT NULL THEN ic.n ELSE tc.n END AS n
            FROM picked p JOIN visits v USING (visit_id)
            LEFT JOIN theme t ON t.framework_id = v.framework_id AND t.theme_code = p.theme_of
            LEFT JOIN theme_counts tc ON tc.visit_id = p.visit_id AND tc.theme_code = p.theme_of
            LEFT JOIN indicator_counts ic ON ic.visit_id = p.visit_id AND ic.indicator_code = p.indicator_code
        )
        SELECT * FROM final ORDER BY datum DESC, onderzoek, gemeente, thema, indicator, soort, tekst
    """
    frame = con.execute(sql, params + [kind, kind] + text_params + [theme, theme, indicator, indicator]).df()
    frame["k"] = frame["k"].fillna(0).astype("int64")
    frame["n"] = frame["n"].fillna(0).astype("int64")
    return with_rates(frame)


def search_recommendations(con, scope: Scope, query: str | None = None, status: str | None = None) -> pd.DataFrame:
    """Recommendations in scope matching the query (same rule as findings) and status, newest visit first."""
    where, params = _visit_filter(scope)
    text_sql, text_params = text_filter("r.text", search_terms(query))
    return con.execute(
        f"""
        WITH visits AS (SELECT * FROM v_visit v WHERE {where}),
        final AS (
            SELECT v.visit_id AS bezoek, v.study_id AS onderzoek, v.municipality_name AS gemeente, v.kind AS bezoeksoort,
                   v.visit_date AS datum, v.year AS jaar, r.number AS nr, r.text AS tekst, r.status
            FROM recommendation r JOIN visits v USING (visit_id)
            WHERE (?::VARCHAR IS NULL OR r.status = ?) {text_sql}
        )
        SELECT * FROM final ORDER BY datum DESC, onderzoek, gemeente, nr
        """,
        params + [status, status] + text_params,
    ).df()


def months_between(start, end) -> int:
    """Whole months from `start` to `end` (a visit on 15-03 is 12 months old on 15-03 a year later)."""
    start, end = pd.Timestamp(start), pd.Timestamp(end)
    return (end.year - start.year) * 12 + end.month - start.month - (1 if end.day < start.day else 0)


def recommendation_followup(con, scope: Scope, today: dt.date) -> pd.DataFrame:
    """Every recommendation in scope with its status and age in whole months on `today`; 'te_lang_open' when it is
    not afgerond more than OVERDUE_MONTHS months after the visit."""
    frame = search_recommendations(con, scope)
    frame["leeftijd_maanden"] = [months_between(d, today) for d in frame["datum"]] if len(frame) else pd.Series(dtype="int64")
    frame["te_lang_open"] = (frame["status"] != DONE) & (frame["leeftijd_maanden"] > OVERDUE_MONTHS)
    return frame


def status_by_municipality(con, scope: Scope) -> pd.DataFrame:
    """Per study × municipality: number of recommendations open, in uitvoering and afgerond."""
    where, params = _visit_filter(scope)
    return con.execute(
        f"""
        WITH visits AS (SELECT * FROM v_visit v WHERE {where}),
        final AS (
            SELECT v.study_id AS onderzoek, v.municipality_name AS gemeente,
                   count(*) FILTER (r.status = ?) AS open, count(*) FILTER (r.status = ?) AS in_uitvoering,
                   count(*) FILTER (r.status = ?) AS afgerond, count(*) AS totaal
            FROM recommendation r JOIN visits v USING (visit_id)
            GROUP BY ALL
        )
        SELECT * FROM final ORDER BY onderzoek, gemeente
        """,
        params + [OPEN, IN_PROGRESS, DONE],
    ).df()


def overdue_visits(con, scope: Scope, today: dt.date, months: int = OVERDUE_MONTHS) -> pd.DataFrame:
    """Visits with recommendations not yet afgerond more than `months` months after the visit, oldest first."""
    frame = recommendation_followup(con, scope, today)
    late = frame[(frame["status"] != DONE) & (frame["leeftijd_maanden"] > months)]
    columns = ["bezoek", "onderzoek", "gemeente", "bezoeksoort", "datum", "leeftijd_maanden", "open", "in_uitvoering"]
    if late.empty:
        return pd.DataFrame(columns=columns)
    grouped = late.groupby(["bezoek", "onderzoek", "gemeente", "bezoeksoort", "datum", "leeftijd_maanden"], as_index=False).agg(
        open=("status", lambda s: int((s == OPEN).sum())), in_uitvoering=("status", lambda s: int((s == IN_PROGRESS).sum()))
    )
    return grouped.sort_values(["datum", "onderzoek", "gemeente"], kind="stable", ignore_index=True)[columns]


def hertoets_status(con, scope: Scope) -> pd.DataFrame:
    """Per onderzoek visit in scope (its kind is ignored): whether the same study, municipality and team had a later
    hertoets, with the first hertoets's date and the months in between."""
    where, params = _visit_filter(replace(scope, kind=None))
    frame = con.execute(
        f"""
        WITH visits AS (SELECT * FROM v_visit v WHERE {where}),
        firsts AS (SELECT * FROM visits WHERE kind = ?),
        retests AS (SELECT * FROM visits WHERE kind = ?),
        final AS (
            SELECT f.visit_id AS bezoek, f.study_id AS onderzoek, f.municipality_name AS gemeente, f.team,
                   f.visit_date AS datum, min(r.visit_date) AS hertoets_datum
            FROM firsts f LEFT JOIN retests r
              ON r.study_id = f.study_id AND r.municipality_code = f.municipality_code AND r.team = f.team
             AND r.visit_date > f.visit_date
            GROUP BY ALL
        )
        SELECT * FROM final ORDER BY onderzoek, gemeente, team, datum
        """,
        params + [FIRST_VISIT, RETEST],
    ).df()
    frame["hertoets"] = frame["hertoets_datum"].notna()
    # months_between over whole columns (a Timestamp per row costs more than the query at national scale)
    start, end = pd.DatetimeIndex(frame["datum"]), pd.DatetimeIndex(frame["hertoets_datum"])
    months = ((end.year - start.year) * 12 + end.month - start.month - (end.day < start.day)).to_numpy()
    frame["maanden_tot_hertoets"] = [int(m) if known else pd.NA for m, known in zip(months, frame["hertoets"])]
    return frame
