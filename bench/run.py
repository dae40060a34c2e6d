"""Benchmark at national scale (DESIGN §11): import, queries, pages, several users at once, memory.

    .venv/bin/python bench/run.py                    # DB in a temporary folder, removed at the end
    .venv/bin/python bench/run.py --keep DIR         # write (and keep) DIR/bench.duckdb, e.g. for profiling
    .venv/bin/python bench/run.py --generate-only DB # only write the national-scale database (tests/test_load.py)

Phases:
1. Generate (child process): a synthetic national-scale database written straight into the tables
   the loader fills (342 municipalities × 10 studies × 20 dossiers × 50 indicators ≈ 3.4 million
   onderzoek scores, ~10% hertoets visits on top, plus a rag checklist study), with
   `visit_indicator_count` derived by the loader's own GROUP BY.
2. Queries (this process): every public metrics function on realistic arguments, through a read-only
   connection and a cursor like the app; one warm-up, then the median of ≥ 7 runs.
3. Pages (this process, AppTest): every page of the navigation, the first render after the data changed (cached
   results dropped first), a warm render and the payload.
4. Import (child, bench/import_large.py): the 20,000-dossier × 25-indicator import and the bare reads of the
   same file by python-calamine and openpyxl, best of 3 each.
5. Several users (bench/wsload.py): 5 and 20 users (websocket clients that never draw, one real Chromium at nice 19)
   through Vergelijken, Gemeente and Dossiers, on 1 and on 2 server processes behind nginx, each while a
   command-line import runs; the served p50/p95 and the ratio of 1 process to 2.
6. Report: one visit's draft report (`python -m metrics rapport`), when that command exists.

Output: a line per measurement, then `total_s=<x>`, `page_max_warm_s=<x>` (the slowest warm render), and last
(DESIGN §11):
`import_20k_s= calamine_read_s= openpyxl_read_s= query_max_ms= page_max_s= page_max_kb= concurrent_p95_s= rss_mb=
served_p95_20_s= report_s=` (concurrent_p95_s and served_p95_20_s: served p95 with 5 and 20 users on one process;
rss_mb: the peak resident memory of this process or any child it ran; report_s=NA without the command).
See bench/README.md.
"""

from __future__ import annotations

import argparse
import gc
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

DB_NAME = "bench.duckdb"
N_STUDIES = 10
N_DOSSIERS = 20  # per visit
N_INDICATORS = 50  # per framework, all dossier-level
N_THEMES = 5  # of 10 indicators each
MUNICIPALITY_YEAR = 2023  # 342 municipalities
STUDY_YEARS = [2016, 2017, 2018, 2019, 2020, 2021, 2022, 2023, 2024, 2023]  # bench-1 … bench-10
HERTOETS_PER_MILLE = 100  # ~10% of municipalities get a hertoets per study
RAG_STUDY = "bench-rag"  # on the shipped 70-item rag framework rigg-2016
RAG_FRAMEWORK = "rigg-2016"
RAG_MUNICIPALITIES = 25
RAG_TEAMS = ["Noord", "Oost", "Zuid", "West"]  # 25 × 4 = 100 team visits
SEED = 42  # every random draw is hash(..., SEED): reproducible whatever the thread count

MIN_RUNS = 7
MAX_RUNS = 25
RUN_BUDGET_S = 0.5  # per call: more runs (up to MAX_RUNS) while they fit in this budget
JAARBEELD_YEAR = 2023
FOCUS_STUDY = "bench-3"
LOAD_SESSIONS = (5, 20)  # users at once (DESIGN §11)
LOAD_PROCESSES = (1, 2)  # server processes behind nginx
LOAD_ROUNDS = 1  # each walks Vergelijken → Gemeente → Dossiers once


# ---------------------------------------------------------------------------------------------
# Phase 1: generate
# ---------------------------------------------------------------------------------------------

def _u(*parts: str) -> str:
    """SQL for a uniform [0, 1) draw determined by `parts` (hash of the values and the seed)."""
    return f"((hash({', '.join(parts)}, {SEED}) % 1000003) / 1000003.0)"


def generate(db_path: Path) -> None:
    from store.database import connect
    from loaders.importer import VALUE_COUNTS_SQL

    t0 = time.perf_counter()
    con = connect(db_path)  # schema, shipped frameworks, municipality reference list
    con.execute("SELECT setseed(0.42)")  # random() is not used below: hash() draws are thread-independent
    con.execute("BEGIN TRANSACTION")

    # Frameworks bench-1 … bench-10: 5 themes × 10 dossier-level indicators, binary scale.
    con.execute(
        f"""
        INSERT INTO framework
        SELECT 'bench-' || f, 'Benchmarkkader ' || f, '1', 'binair', 'synthetisch (bench/run.py)',
               'Synthetisch kader voor de prestatietest; geen echte gegevens.'
        FROM range(1, {N_STUDIES + 1}) r(f)
        """
    )
    con.execute(
        f"""
        INSERT INTO theme
        SELECT 'bench-' || f, 'T' || t, 'Thema ' || t, t
        FROM range(1, {N_STUDIES + 1}) a(f), range(1, {N_THEMES + 1}) b(t)
        """
    )
    per_theme = N_INDICATORS // N_THEMES
    con.execute(
        f"""
        INSERT INTO indicator (framework_id, indicator_code, theme_code, criterion, label, text, operationalisation,
                               decision_rule, level, yearbook_theme, norm, position)
        SELECT 'bench-' || f, 'B' || lpad(i::VARCHAR, 2, '0'), 'T' || ((i - 1) // {per_theme} + 1),
               'Criterium ' || ((i - 1) // {per_theme} + 1), 'Indicator ' || i,
               'Tekst van indicator ' || i, 'Operationalisatie ' || i, 'Beslisregel ' || i, 'dossier',
               CASE (i - 1) % 4 WHEN 0 THEN 'vroegsignalering' WHEN 1 THEN 'eigen-kracht'
                                WHEN 2 THEN 'veiligheid' ELSE NULL END,
               CASE WHEN i % 10 = 0 THEN 100.0 ELSE NULL END, i
        FROM range(1, {N_STUDIES + 1}) a(f), range(1, {N_INDICATORS + 1}) b(i)
        """
    )
    years = ", ".join(f"({n}, {y})" for n, y in enumerate(STUDY_YEARS, 1))
    con.execute(f"CREATE TEMP TABLE b_study AS SELECT * FROM (VALUES {years}) v(s, year)")
    con.execute(
        f"""
        INSERT INTO study (study_id, framework_id, name, is_demo, created_at)
        SELECT 'bench-' || s, 'bench-' || s, 'Benchmarkonderzoek ' || s || ' (' || year || ')', false,
               make_timestamp(year + 1, 1, 10, 9, 0, 0)
        FROM b_study ORDER BY s
        """
    )
    con.execute(
        f"""
        CREATE TEMP TABLE b_muni AS
        SELECT (row_number() OVER (ORDER BY code) - 1)::INTEGER AS m, code, name
        FROM municipality_year WHERE year = {MUNICIPALITY_YEAR}
        """
    )
    n_muni = con.execute("SELECT count(*) FROM b_muni").fetchall()[0][0]

    # Visits: one onderzoek per municipality per study, a hertoets ~4 months later for ~10%.
    # import_id = study number (one import_log row per study).
    con.execute(
        f"""
        CREATE TEMP TABLE b_visit AS
        WITH base AS (
            SELECT s.s, s.year, mu.m, mu.code, mu.name,
                   make_date(s.year, 1, 15) + ((mu.m * 7 + s.s * 13) % 300)::INTEGER AS first_date,
                   hash(s.s, mu.code, 'hertoets', {SEED}) % 1000 < {HERTOETS_PER_MILLE} AS has_hertoets
            FROM b_study s, b_muni mu
        ),
        kinds AS (
            SELECT *, 'onderzoek' AS kind, first_date AS visit_date FROM base
            UNION ALL
            SELECT *, 'hertoets', first_date + 120 FROM base WHERE has_hertoets
        )
        SELECT (row_number() OVER (ORDER BY s, kind DESC, m))::INTEGER AS visit_id, s, year, m, code, name, kind, visit_date
        FROM kinds
        """
    )
    con.execute(
        """
        INSERT INTO visit (visit_id, study_id, municipality_code, municipality_name, kind, visit_date, team, region, import_id)
        SELECT visit_id, 'bench-' || s, code, name, kind, visit_date, '', NULL, s FROM b_visit ORDER BY visit_id
        """
    )
    con.execute(
        f"""
        INSERT INTO dossier
        SELECT v.visit_id, printf('B%02d-%s-%s%02d', v.s, substr(v.code, 3), upper(left(v.kind, 1)), d),
               CASE d % 3 WHEN 0 THEN 'Jeugdteam' WHEN 1 THEN 'Wijkteam' ELSE 'Gezinsregie' END
        FROM b_visit v, range(1, {N_DOSSIERS + 1}) r(d)
        ORDER BY v.visit_id, d
        """
    )

    # Scores. Plausible proportions: per indicator a base rate (35–95% ja) and an nvt share
    # (0–15%, zero for a third of them), per municipality × study an offset (±20 pp), hertoets +8 pp,
    # 2% onbekend. Row order = (visit, dossier, indicator), as the loader writes it.
    con.execute(
        f"""
        CREATE TEMP TABLE b_ind AS
        SELECT i.framework_id, i.indicator_code, i.position,
               0.35 + 0.60 * {_u('i.framework_id', 'i.indicator_code', "'ja'")} AS p_ja,
               CASE WHEN i.position % 3 = 0 THEN 0.0
                    ELSE 0.15 * {_u('i.framework_id', 'i.indicator_code', "'nvt'")} END AS p_nvt
        FROM indicator i WHERE i.framework_id LIKE 'bench-%'
        """
    )
    con.execute(
        f"""
        CREATE TEMP TABLE b_offset AS
        SELECT s.s, mu.code, -0.20 + 0.40 * {_u('s.s', 'mu.code', "'gemeente'")} AS offset_ja
        FROM b_study s, b_muni mu
        """
    )
    con.execute(
        f"""
        INSERT INTO score
        WITH cells AS (
            SELECT d.visit_id, d.dossier_id, i.indicator_code, i.position, i.p_nvt,
                   greatest(0.02, least(0.98, i.p_ja + o.offset_ja + CASE WHEN v.kind = 'hertoets' THEN 0.08 ELSE 0 END)) AS p_ja,
                   {_u('d.dossier_id', 'i.indicator_code', 'd.visit_id')} AS u1,
                   {_u('d.visit_id', 'i.indicator_code', 'd.dossier_id', "'x'")} AS u2
            FROM dossier d
            JOIN b_visit v USING (visit_id)
            JOIN b_offset o ON o.s = v.s AND o.code = v.code
            JOIN b_ind i ON i.framework_id = 'bench-' || v.s
        )
        SELECT visit_id, dossier_id, indicator_code,
               CASE WHEN u1 < p_nvt THEN 'nvt' WHEN u1 < p_nvt + 0.02 THEN 'onbekend'
                    WHEN u2 < p_ja THEN 'ja' ELSE 'nee' END
        FROM cells
        ORDER BY visit_id, dossier_id, position
        """
    )

    # The rag checklist study: 25 municipalities × 4 teams, 70 team-level items each, early 2021.
    rag_import = N_STUDIES + 1
    con.execute(
        f"INSERT INTO study (study_id, framework_id, name, is_demo, created_at) "
        f"VALUES ('{RAG_STUDY}', '{RAG_FRAMEWORK}', 'Benchmark zelfevaluatie (rag)', false, TIMESTAMP '2021-06-01 09:00:00')"
    )
    teams = ", ".join(f"({n}, '{t}')" for n, t in enumerate(RAG_TEAMS))
    start = con.execute("SELECT max(visit_id) FROM visit").fetchall()[0][0]
    con.execute(
        f"""
        CREATE TEMP TABLE b_rag_visit AS
        SELECT ({start} + row_number() OVER (ORDER BY mu.m, t.n))::INTEGER AS visit_id, mu.code, mu.name, t.team,
               make_date(2021, 2, 1) + (mu.m % 60)::INTEGER AS visit_date
        FROM (SELECT * FROM b_muni WHERE m % {n_muni // RAG_MUNICIPALITIES} = 0 LIMIT {RAG_MUNICIPALITIES}) mu,
             (SELECT * FROM (VALUES {teams}) v(n, team)) t
        """
    )
    con.execute(
        f"""
        INSERT INTO visit (visit_id, study_id, municipality_code, municipality_name, kind, visit_date, team, region, import_id)
        SELECT visit_id, '{RAG_STUDY}', code, name, 'onderzoek', visit_date, team, NULL, {rag_import}
        FROM b_rag_visit ORDER BY visit_id
        """
    )
    con.execute(
        f"""
        INSERT INTO score
        WITH cells AS (
            SELECT v.visit_id, i.indicator_code, i.position,
                   {_u('v.visit_id', 'i.indicator_code')} AS u1,
                   0.25 * {_u('i.indicator_code', "'item'")} + 0.15 * {_u('v.code', "'team'")} AS p_rood
            FROM b_rag_visit v, indicator i WHERE i.framework_id = '{RAG_FRAMEWORK}'
        )
        SELECT visit_id, NULL, indicator_code,
               CASE WHEN u1 < 0.05 THEN 'nvt' WHEN u1 < 0.07 THEN 'onbekend'
                    WHEN u1 < 0.07 + p_rood THEN 'rood' WHEN u1 < 0.07 + p_rood + 0.30 THEN 'oranje'
                    ELSE 'groen' END
        FROM cells ORDER BY visit_id, position
        """
    )

    # The loader's own derivation (loaders/importer.py, write_staged), over every generated visit.
    con.execute(
        f"INSERT INTO visit_indicator_count SELECT visit_id, indicator_code, {VALUE_COUNTS_SQL} "
        "FROM score GROUP BY visit_id, indicator_code ORDER BY visit_id, indicator_code"
    )

    # One import_log row per study, with the counts of what that "import" wrote.
    con.execute(
        """
        INSERT INTO import_log
        WITH per_study AS (
            SELECT v.import_id, v.study_id, count(*) AS visits,
                   (SELECT count(*) FROM dossier d JOIN visit w USING (visit_id) WHERE w.import_id = v.import_id) AS dossiers,
                   (SELECT count(*) FROM score c JOIN visit w USING (visit_id) WHERE w.import_id = v.import_id) AS scores,
                   max(v.visit_date) AS last_date
            FROM visit v GROUP BY v.import_id, v.study_id
        )
        SELECT import_id, study_id || '.xlsx', sha256(study_id || ':bench'), 'onderzoek=' || study_id || ';kader=',
               last_date + INTERVAL 30 DAY + INTERVAL 10 HOUR, 'bench', 'geïmporteerd', visits, dossiers, scores,
               0, 0, 0, 0, NULL
        FROM per_study ORDER BY import_id
        """
    )
    con.execute("COMMIT")

    # Keep the sequences ahead of the generated ids, so a later real import into a kept DB works.
    for seq, table, column in (("seq_visit_id", "visit", "visit_id"), ("seq_import_id", "import_log", "import_id")):
        top = con.execute(f"SELECT max({column}) FROM {table}").fetchall()[0][0]
        con.execute(f"SELECT max(nextval('{seq}')) FROM range(?)", [top])
    con.execute("CHECKPOINT")
    elapsed = time.perf_counter() - t0

    counts = {t: con.execute(f"SELECT count(*) FROM {t}").fetchall()[0][0]
              for t in ("study", "visit", "dossier", "score", "visit_indicator_count", "import_log")}
    vic_total = con.execute("SELECT sum(ja + nee + nvt + onbekend + groen + oranje + rood) FROM visit_indicator_count").fetchall()[0][0]
    if vic_total != counts["score"]:
        raise SystemExit(f"bench/run.py: visit_indicator_count totals {vic_total}, score has {counts['score']} rows")
    kinds = dict(con.execute("SELECT kind, count(*) FROM visit GROUP BY kind ORDER BY kind").fetchall())
    onderzoek_scores = con.execute(
        "SELECT count(*) FROM score JOIN visit USING (visit_id) WHERE kind = 'onderzoek' AND study_id <> ?", [RAG_STUDY]
    ).fetchall()[0][0]
    con.close()
    size_mb = db_path.stat().st_size / 2**20
    print(f"generate_s={elapsed:.1f} db_mb={size_mb:.0f} municipalities={n_muni}")
    print("rows " + " ".join(f"{t}={n}" for t, n in counts.items()) + " (check: Σ visit_indicator_count = score rows)")
    print(f"rows visits_onderzoek={kinds.get('onderzoek', 0)} visits_hertoets={kinds.get('hertoets', 0)} "
          f"scores_onderzoek_binair={onderzoek_scores}")
    print(f"rss_generate_mb={resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f}")
    sys.stdout.flush()


# ---------------------------------------------------------------------------------------------
# Phase 2: time
# ---------------------------------------------------------------------------------------------

def calls(con) -> list[tuple[str, callable]]:
    """(name, thunk) for every public metrics function except Scope, on realistic arguments."""
    import metrics
    from metrics import (
        Scope, compliance_by_indicator, compliance_by_municipality, compliance_by_study, compliance_by_theme,
        compliance_by_visit, compliance_by_year, funnel_curves, funnel_points, import_history, jaarbeeld_themes,
        jaarbeeld_weakest, loaded_summary, rag_shares, studies_overview, trend_by_indicator,
        municipality_findings, municipality_recommendations, municipality_visits, ranked_municipalities,
        theme_compliance, theme_options, data_sources, default_demo, weakest_indicators,
    )

    # A municipality with a hertoets in the focus study (so its Gemeente page has a trend), and
    # the one with the most hertoetsen overall.
    focus_muni = con.execute(
        "SELECT municipality_name FROM visit WHERE study_id = ? AND kind = 'hertoets' ORDER BY municipality_code LIMIT 1",
        [FOCUS_STUDY],
    ).fetchall()[0][0]
    trend_muni = con.execute(
        "SELECT municipality_name FROM visit WHERE kind = 'hertoets' GROUP BY ALL ORDER BY count(*) DESC, 1 LIMIT 1"
    ).fetchall()[0][0]
    s = FOCUS_STUDY
    rag = Scope(study=RAG_STUDY, scale="rag")
    theme = con.execute("SELECT min(theme_code) FROM theme WHERE framework_id = ?", [s]).fetchall()[0][0]
    items = [
        ("compliance_by_indicator[study]", lambda c: compliance_by_indicator(c, Scope(study=s))),
        ("compliance_by_indicator[study,pooled]", lambda c: compliance_by_indicator(c, Scope(study=s), pooled=True)),
        ("compliance_by_indicator[study,municipality]", lambda c: compliance_by_indicator(c, Scope(study=s, municipality=focus_muni))),
        ("compliance_by_indicator[all,pooled]", lambda c: compliance_by_indicator(c, Scope(), pooled=True)),
        ("compliance_by_theme[study]", lambda c: compliance_by_theme(c, Scope(study=s))),
        ("compliance_by_theme[study,pooled]", lambda c: compliance_by_theme(c, Scope(study=s), pooled=True)),
        ("compliance_by_municipality[study]", lambda c: compliance_by_municipality(c, Scope(study=s))),
        ("compliance_by_municipality[all]", lambda c: compliance_by_municipality(c, Scope())),
        ("compliance_by_visit[study,municipality]", lambda c: compliance_by_visit(c, Scope(study=s, municipality=focus_muni, kind=None))),
        ("compliance_by_visit[municipality]", lambda c: compliance_by_visit(c, Scope(municipality=trend_muni, kind=None))),
        ("compliance_by_study[all]", lambda c: compliance_by_study(c, Scope())),
        ("compliance_by_year[all]", lambda c: compliance_by_year(c, Scope())),
        ("funnel_curves[study]", lambda c: funnel_curves(c, Scope(study=s))),
        ("funnel_points[study]", lambda c: funnel_points(c, Scope(study=s))),
        ("trend_by_indicator[municipality]", lambda c: trend_by_indicator(c, Scope(municipality=trend_muni, kind=None))),
        ("trend_by_indicator[study]", lambda c: trend_by_indicator(c, Scope(study=s, kind=None))),
        ("rag_shares[item]", lambda c: rag_shares(c, "item", rag)),
        ("rag_shares[section]", lambda c: rag_shares(c, "section", rag)),
        ("rag_shares[team]", lambda c: rag_shares(c, "team", rag)),
        ("rag_shares[municipality]", lambda c: rag_shares(c, "municipality", rag)),
        ("jaarbeeld_themes[year]", lambda c: jaarbeeld_themes(c, JAARBEELD_YEAR)),
        ("jaarbeeld_weakest[year]", lambda c: jaarbeeld_weakest(c, JAARBEELD_YEAR)),
        ("loaded_summary", lambda c: loaded_summary(c, False)),
        ("studies_overview", lambda c: studies_overview(c)),
        ("import_history", lambda c: import_history(c)),
        ("municipality_visits[study,municipality]", lambda c: municipality_visits(c, Scope(study=s, municipality=focus_muni, kind=None))),
        ("municipality_findings[study,municipality]", lambda c: municipality_findings(c, Scope(study=s, municipality=focus_muni, kind=None))),
        ("municipality_recommendations[study,municipality]",
         lambda c: municipality_recommendations(c, Scope(study=s, municipality=focus_muni, kind=None))),
        ("theme_options", lambda c: theme_options(c, None)),
        ("data_sources", lambda c: data_sources(c)),
        ("default_demo", lambda c: default_demo(c)),
        ("weakest_indicators[all]", lambda c: weakest_indicators(c, Scope())),
        ("theme_compliance[theme]", lambda c: theme_compliance(c, Scope(), framework=s, theme=theme)),
        ("theme_compliance[theme,pooled]", lambda c: theme_compliance(c, Scope(), framework=s, theme=theme, pooled=True)),
        ("ranked_municipalities[theme]", lambda c: ranked_municipalities(theme_compliance(c, Scope(), framework=s, theme=theme))),
    ]
    items += drilldown_calls(con, s, focus_muni)
    items += jaarbeeld_calls()
    covered = {name.split("[")[0] for name, _ in items}
    missing = sorted(set(metrics.__all__) - {"Scope"} - covered)
    if missing:  # a new public function must get a line here; until then query_max_ms does not cover it
        print(f"query MISSING no benchmark call for {', '.join(missing)}")
    print(f"focus study={s} municipality={focus_muni} trend_municipality={trend_muni} jaarbeeld_year={JAARBEELD_YEAR}")
    return items


def jaarbeeld_calls() -> list[tuple[str, callable]]:
    """The Jaarbeeld page's functions for one year of real data, and the cache key every page run reads."""
    from metrics import (
        data_version, jaarbeeld_findings, jaarbeeld_framework_items, jaarbeeld_municipalities, jaarbeeld_studies,
        jaarbeeld_theme_studies, jaarbeeld_trend, jaarbeeld_visits, jaarbeeld_years,
    )

    y = JAARBEELD_YEAR
    return [
        ("data_version", lambda c: data_version(c)),
        ("jaarbeeld_years", lambda c: jaarbeeld_years(c, False)),
        ("jaarbeeld_theme_studies[year]", lambda c: jaarbeeld_theme_studies(c, y, False)),
        ("jaarbeeld_municipalities[year]", lambda c: jaarbeeld_municipalities(c, y, False)),
        ("jaarbeeld_trend[year]", lambda c: jaarbeeld_trend(c, y, False)),
        ("jaarbeeld_studies[year]", lambda c: jaarbeeld_studies(c, y, False)),
        ("jaarbeeld_findings[year]", lambda c: jaarbeeld_findings(c, y, False)),
        ("jaarbeeld_framework_items[year]", lambda c: jaarbeeld_framework_items(c, y, False)),
        ("jaarbeeld_visits[year]", lambda c: jaarbeeld_visits(c, y, False)),
    ]


def drilldown_calls(con, s: str, muni: str) -> list[tuple[str, callable]]:
    """The drill-down functions (Dossiers, Bevindingen, Opvolging, Kaders pages) on the focus study."""
    import datetime as dt

    from metrics import (
        Scope, dossier_detail, dossier_list, framework_items, framework_overview, framework_studies, hertoets_status,
        outcome_counts, overdue_visits, recommendation_followup, search_findings, search_recommendations,
        selection_visits, status_by_municipality, visit_level_scores,
    )

    framework = con.execute("SELECT framework_id FROM study WHERE study_id = ?", [s]).fetchall()[0][0]
    codes = [r[0] for r in con.execute(
        "SELECT indicator_code FROM indicator WHERE framework_id = ? AND level = 'dossier' ORDER BY position", [framework]).fetchall()]
    dossier = con.execute(
        "SELECT d.dossier_id FROM dossier d JOIN visit v USING (visit_id) WHERE v.study_id = ? AND v.municipality_name = ? "
        "AND v.kind = 'onderzoek' ORDER BY 1 LIMIT 1", [s, muni]).fetchall()[0][0]
    one, all_kinds, today = Scope(study=s, municipality=muni), Scope(kind=None), dt.date(2025, 1, 1)
    return [
        ("selection_visits[study]", lambda c: selection_visits(c, Scope(study=s, kind=None))),
        ("outcome_counts[study,all indicators]", lambda c: outcome_counts(c, Scope(study=s), codes)),
        ("dossier_list[study,indicator,nee]", lambda c: dossier_list(c, Scope(study=s), codes[:1], "nee")),
        ("dossier_list[study,municipality,all indicators]", lambda c: dossier_list(c, one, codes)),
        ("dossier_list[study,all indicators]", lambda c: dossier_list(c, Scope(study=s), codes)),
        ("visit_level_scores[study]", lambda c: visit_level_scores(c, Scope(study=s), codes[:1])),
        ("dossier_detail[study,municipality]", lambda c: dossier_detail(c, one, dossier)),
        ("search_findings[all,text]", lambda c: search_findings(c, all_kinds, "veiligheid")),
        ("search_recommendations[all,text]", lambda c: search_recommendations(c, all_kinds, "veiligheid")),
        ("recommendation_followup[all]", lambda c: recommendation_followup(c, all_kinds, today)),
        ("status_by_municipality[all]", lambda c: status_by_municipality(c, all_kinds)),
        ("overdue_visits[all]", lambda c: overdue_visits(c, all_kinds, today)),
        ("hertoets_status[all]", lambda c: hertoets_status(c, all_kinds)),
        ("framework_overview", lambda c: framework_overview(c)),
        ("framework_items[study framework,text]", lambda c: framework_items(c, framework, "veiligheid")),
        ("framework_studies[study framework]", lambda c: framework_studies(c, framework)),
    ]


def time_calls(db_path: Path) -> float:
    from store.database import connect

    con = connect(db_path, read_only=True)
    cur = con.cursor()
    slowest = 0.0
    for name, thunk in calls(cur):
        thunk(cur)  # warm-up
        times = []
        started = time.perf_counter()
        while len(times) < MIN_RUNS or (len(times) < MAX_RUNS and time.perf_counter() - started < RUN_BUDGET_S):
            t = time.perf_counter()
            thunk(cur)
            times.append((time.perf_counter() - t) * 1000)
        median = statistics.median(times)
        slowest = max(slowest, median)
        print(f"{name} median_ms={median:.1f} runs={len(times)}")
        sys.stdout.flush()
        gc.collect()
    cur.close()
    con.close()
    print(f"rss_max_mb={resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f}")
    return slowest


# Pages measured at national scale (AppTest, server side): name → (file, query parameters). Every page of app.py's
# navigation at least once (time_pages says which one is missing), the heavy ones in their variants.
PAGES = {
    "overzicht": ("pages/overzicht.py", {}),
    "vergelijken": ("pages/vergelijken.py", {"onderzoek": FOCUS_STUDY}),
    "vergelijken-indicator": ("pages/vergelijken.py", {"onderzoek": FOCUS_STUDY, "indicator": "B03"}),
    "vergelijken-provincie": ("pages/vergelijken.py", {"onderzoek": FOCUS_STUDY, "benchmark": "provincie"}),
    "gemeente": ("pages/gemeente.py", {"onderzoek": FOCUS_STUDY}),
    "themas": ("pages/themas.py", {"onderzoek": FOCUS_STUDY}),
    "dossiers": ("pages/dossiers.py", {"onderzoek": FOCUS_STUDY, "indicator": "B03", "uitkomst": "nee"}),
    "bevindingen": ("pages/bevindingen.py", {"onderzoek": FOCUS_STUDY}),
    "opvolging": ("pages/opvolging.py", {"onderzoek": FOCUS_STUDY}),
    "jaarbeeld": ("pages/jaarbeeld.py", {"jaar": str(JAARBEELD_YEAR)}),
    "rapport": ("pages/rapport.py", {"onderzoek": FOCUS_STUDY}),
    "rapport-gemeente": ("pages/rapport.py", {"onderzoek": FOCUS_STUDY, "gemeente": None}),  # None: the focus municipality
    "importeren": ("pages/importeren.py", {}),
    "kaders": ("pages/kaders.py", {"kader": FOCUS_STUDY}),
    "methode": ("pages/methode.py", {}),
    "beheer": ("pages/beheer.py", {}),
}


def navigation_pages() -> list[str]:
    """The page files app.py's navigation offers (`st.Page("pages/….py", …)`), in its order."""
    import re

    return re.findall(r'st\.Page\("([^"]+)"', (REPO / "app.py").read_text(encoding="utf-8"))


def payload_kb(at) -> float:
    """What a run sends to the browser, approximated by the size of every element's message (protobuf bytes)."""
    total = 0
    for node in at._tree:
        proto = getattr(node, "proto", None)
        if proto is not None and hasattr(proto, "ByteSize"):
            total += proto.ByteSize()
    return total / 1024


def time_pages(db_path: Path) -> tuple[float, float, float]:
    """Each page through AppTest against the national database: server-side seconds of the first run after the data
    changed (every st.cache_data result dropped first, as an import does, so no earlier page's results help), of a
    second (warm) run, and the payload; returns the slowest first run, the largest payload and the slowest warm run."""
    import os

    os.environ["TOEZICHT_DB"] = str(db_path)
    import streamlit as st
    from streamlit.testing.v1 import AppTest

    missing = sorted(set(navigation_pages()) - {page for page, _ in PAGES.values()})
    if missing:  # a new page must get a line in PAGES; until then page_max_s does not cover it
        print(f"page MISSING no benchmark run for {', '.join(missing)}")
    con = _read_only(db_path)
    focus_muni = con.execute(
        "SELECT municipality_name FROM visit WHERE study_id = ? AND kind = 'hertoets' ORDER BY municipality_code LIMIT 1",
        [FOCUS_STUDY],
    ).fetchall()[0][0]
    con.close()
    slowest, largest, slowest_warm = 0.0, 0.0, 0.0
    for name, (page, params) in PAGES.items():
        at = AppTest.from_file(str(REPO / "app.py"), default_timeout=120)
        at.run()  # the start page: the connection and the shared parts
        for key, value in params.items():
            at.query_params[key] = focus_muni if value is None else value
        at.switch_page(page)
        st.cache_data.clear()  # as after an import: this page's first run computes everything it shows
        t = time.perf_counter()
        at.run()
        seconds = time.perf_counter() - t
        t = time.perf_counter()
        at.run()
        warm = time.perf_counter() - t
        size = payload_kb(at)
        failed = [e.value for e in at.exception]
        print(f"page {name} cold_s={seconds:.2f} warm_s={warm:.2f} payload_kb={size:.0f}" + (f" EXCEPTION {failed}" if failed else ""))
        sys.stdout.flush()
        slowest, largest, slowest_warm = max(slowest, seconds), max(largest, size), max(slowest_warm, warm)
    return slowest, largest, slowest_warm


def time_import() -> tuple[float, float, float]:
    """bench/import_large.py in a child process (its framework folder must be known before the loader is imported):
    the 20,000-dossier × 25-indicator import and the bare calamine and openpyxl reads, best of 3 each."""
    done = subprocess.run([sys.executable, str(REPO / "bench" / "import_large.py"), "--no-demo"], cwd=REPO,
                          capture_output=True, text=True)
    sys.stdout.write(done.stdout)
    sys.stdout.flush()
    if done.returncode != 0:
        raise SystemExit(f"bench/import_large.py failed:\n{done.stderr[-3000:]}")
    last = dict(part.split("=") for part in done.stdout.strip().splitlines()[-1].split())
    return float(last["import_20k_s"]), float(last["calamine_read_s"]), float(last["openpyxl_read_s"])


def time_concurrent(db_path: Path, folder: Path) -> tuple[float, float]:
    """bench/wsload.py: 5 and 20 signed-in users through Vergelijken, Gemeente and Dossiers on 1 and on 2 server
    processes behind nginx over the national database, each run while `python -m loaders import` imports a small
    workbook into it. Returns the served p95 with 5 and with 20 users on one process."""
    from bench.load import page_paths
    from bench.wsload import load_matrix, matrix_lines

    con = _read_only(db_path)
    muni = con.execute(
        "SELECT min(municipality_name) FROM visit WHERE study_id = ? AND kind = 'hertoets'", [FOCUS_STUDY]
    ).fetchall()[0][0]
    con.close()
    runs = load_matrix(db_path, page_paths(FOCUS_STUDY, muni, "B03"), folder, sizes=LOAD_SESSIONS,
                       processes=LOAD_PROCESSES, rounds=LOAD_ROUNDS)
    print(f"load rounds={LOAD_ROUNDS} municipality={muni} sign-in=on (oidc-provider-mock, role inspecteur)")
    for line in matrix_lines(runs):
        print(line)
    for key, run in sorted(runs.items()):
        for error in run.errors:
            print(f"load ERROR {key}: {error}")
        if run.signed_out is None or run.signed_out.headings != ["Toezicht Dashboard"] or run.signed_out.texts[2:]:
            print(f"load ERROR {key}: a client without sign-in got more than the sign-in screen: "
                  f"{run.signed_out.texts[:5] if run.signed_out else None}")
        if run.outside_requests:
            print(f"load ERROR requests leaving the machine: {run.outside_requests[:5]}")
        if run.imported is None or run.imported.returncode != 0:
            print(f"load ERROR {key}: the import during the load failed: {run.imported.stdout[-1000:] if run.imported else ''}")
    sys.stdout.flush()
    return runs[(1, LOAD_SESSIONS[0])].served_p95, runs[(1, LOAD_SESSIONS[-1])].served_p95


def time_report(db_path: Path, folder: Path) -> str:
    """Seconds for one visit's draft report (.docx with its figures) by `python -m metrics rapport`, as a user runs it."""
    con = _read_only(db_path)
    muni = con.execute("SELECT min(municipality_name) FROM visit WHERE study_id = ?", [FOCUS_STUDY]).fetchall()[0][0]
    con.close()
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "metrics", "rapport", "--db", str(db_path), "--onderzoek", FOCUS_STUDY,
                           "--gemeente", muni, "--out", str(folder / "rapport.docx")], cwd=REPO, capture_output=True,
                          text=True, timeout=600)
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        print(f"report NA: python -m metrics rapport failed: {(done.stdout + done.stderr)[-500:]}")
        return "NA"
    return f"{seconds:.2f}"


def _read_only(db_path: Path):
    from store.database import connect

    return connect(db_path, read_only=True)


def peak_rss_mb() -> float:
    """Peak resident memory of the whole run: the largest of this process and every child it waited for."""
    return max(resource.getrusage(who).ru_maxrss for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)) / 1024


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--keep", type=Path, metavar="DIR", help=f"write the database to DIR/{DB_NAME} and keep it")
    parser.add_argument("--generate-only", type=Path, metavar="DB",
                        help="only write the national-scale database to the new file DB (used by the run itself, "
                             "in a child process, and by tests/test_load.py)")
    args = parser.parse_args(argv)
    if args.generate_only:
        generate(args.generate_only)
        return 0

    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="toezicht-bench-") as tmp:
        folder = args.keep or Path(tmp)
        folder.mkdir(parents=True, exist_ok=True)
        db_path = folder / DB_NAME
        for stale in (db_path, db_path.with_name(DB_NAME + ".wal")):
            stale.unlink(missing_ok=True)
        print(f"db={db_path}" + ("" if args.keep else " (temporary)"))
        sys.stdout.flush()
        subprocess.run([sys.executable, str(Path(__file__).resolve()), "--generate-only", str(db_path)], check=True)
        slowest = time_calls(db_path)
        page_s, page_kb, page_warm_s = time_pages(db_path)
        import_s, calamine_s, openpyxl_s = time_import()
        report = time_report(db_path, folder)
        p95, p95_20 = time_concurrent(db_path, folder)  # last: its imports add studies to the database
    print(f"total_s={time.perf_counter() - started:.1f}")
    print(f"page_max_warm_s={page_warm_s:.2f}")
    # the last line (DESIGN §11)
    print(f"import_20k_s={import_s:.2f} calamine_read_s={calamine_s:.2f} openpyxl_read_s={openpyxl_s:.2f} "
          f"query_max_ms={slowest:.1f} page_max_s={page_s:.2f} page_max_kb={page_kb:.0f} concurrent_p95_s={p95:.2f} "
          f"rss_mb={peak_rss_mb():.0f} served_p95_20_s={p95_20:.2f} report_s={report}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
