"""Import one file in two steps: `preview` (fingerprint → unchanged? → validate everything → what would happen)
and `commit` (write it all in one transaction). `import_bytes`/`import_file` do both, for the command line."""

from __future__ import annotations

import datetime as dt
import getpass
import hashlib
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pandas as pd
import pyarrow as pa

from loaders.access import record
from loaders.problems import ImportRejected, LoaderError, Problem
from loaders.read import check_size
from loaders.validate import Options, Staged, stage_file
from reference.vocab import SCORE_VALUES, mask_bsn
from store.database import delete_visits, quote_ident, transaction

DEMO_REMOVAL_HINT = (
    "Verwijder eerst de demodata: knop 'Demodata verwijderen' op de pagina Importeren, "
    "of `python -m loaders demo --verwijder`."
)
PLAN_COLUMNS = ["onderzoek", "gemeente", "soort", "datum", "team", "dossiers", "actie", "vervangt_import", "vervangt_dossiers"]


@dataclass
class ImportResult:
    file: str
    status: str  # geïmporteerd | vervangen | ongewijzigd
    import_id: int | None
    visits: int = 0
    dossiers: int = 0
    scores: int = 0
    remarks: int = 0
    findings: int = 0
    recommendations: int = 0
    warnings: list[Problem] = field(default_factory=list)
    changes: str = ""

    def summary(self) -> str:
        if self.status == "ongewijzigd":
            return f"{self.file}: ongewijzigd — dit bestand is al geïmporteerd (import #{self.import_id}); niets veranderd."
        text = (
            f"{self.file}: {self.status} als import #{self.import_id} — {self.visits} bezoek(en), "
            f"{self.dossiers} dossiers, {self.scores} scores, {self.remarks} toelichtingen, "
            f"{self.findings} bevindingen, {self.recommendations} aanbevelingen; {len(self.warnings)} waarschuwing(en)."
        )
        return text + (f"\n  {self.changes}" if self.changes else "")


@dataclass
class Preview:
    """Everything a user needs before confirming: every problem and warning, and what the import would do."""

    file: str
    sha256: str
    options: Options
    demo: bool
    problems: list[Problem]  # errors and warnings, in the order found
    staged: Staged | None  # None when refused or unchanged
    plan: pd.DataFrame  # one row per visit: PLAN_COLUMNS; actie = 'nieuw' or 'vervangt'
    unchanged_import: int | None = None  # set when exactly these bytes are already imported and still live

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "fout"]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity != "fout"]

    @property
    def status(self) -> str:
        """'geweigerd', 'ongewijzigd' or 'klaar' (can be committed)."""
        if self.unchanged_import is not None:
            return "ongewijzigd"
        return "geweigerd" if self.errors or self.staged is None else "klaar"

    def rejection(self) -> ImportRejected:
        return ImportRejected(self.file, self.problems)


def fingerprint(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def already_imported(con: duckdb.DuckDBPyConnection, sha: str, options: Options) -> int | None:
    """The import that produced exactly the current data of these bytes, if it is still live."""
    rows = con.execute(
        """
        SELECT l.import_id, l.visits, (SELECT count(*) FROM visit v WHERE v.import_id = l.import_id)
        FROM import_log l WHERE l.sha256 = ? AND l.options = ?
        ORDER BY l.import_id DESC LIMIT 1
        """,
        [sha, options.fingerprint()],
    ).fetchall()
    if rows and rows[0][1] > 0 and rows[0][1] == rows[0][2]:
        return rows[0][0]
    return None


def preview(
    con: duckdb.DuckDBPyConnection, file_name: str, data: bytes, options: Options | None = None, demo: bool = False
) -> Preview:
    """Validate a file completely and say what importing it would do; writes nothing."""
    options = options or Options()
    shown_name = mask_bsn(file_name)  # a BSN typed into a file name is never echoed or stored
    sha = fingerprint(data)
    empty_plan = pd.DataFrame(columns=PLAN_COLUMNS)
    previous = already_imported(con, sha, options)
    if previous is not None:
        return Preview(shown_name, sha, options, demo, [], None, empty_plan, unchanged_import=previous)
    try:
        staged = stage_file(con, Path(file_name), data, options)
    except ImportRejected as exc:
        problems = [_renamed(p, file_name, shown_name) for p in exc.problems]
        return Preview(shown_name, sha, options, demo, problems, None, empty_plan)
    staged.file = shown_name
    warnings = [_renamed(p, file_name, shown_name) for p in staged.warnings]
    staged.warnings = warnings
    mixing = _demo_mixing(con, staged, demo, shown_name)
    if mixing:
        return Preview(shown_name, sha, options, demo, mixing + warnings, None, empty_plan)
    return Preview(shown_name, sha, options, demo, warnings, staged, _plan(con, staged))


def commit(con: duckdb.DuckDBPyConnection, checked: Preview, user: str | None = None) -> ImportResult:
    """Write a previewed file in one transaction. Raises ImportRejected when the preview was refused."""
    if checked.status == "ongewijzigd":
        return ImportResult(checked.file, "ongewijzigd", checked.unchanged_import)
    if checked.status != "klaar":
        raise checked.rejection()
    return write_staged(con, checked.staged, checked.sha256, checked.options, user or default_user(), checked.demo)


def import_bytes(
    con: duckdb.DuckDBPyConnection,
    file_name: str,
    data: bytes,
    options: Options | None = None,
    user: str | None = None,
    demo: bool = False,
) -> ImportResult:
    """Validate and store one file's content. Raises ImportRejected (nothing written) on any error."""
    return commit(con, preview(con, file_name, data, options, demo), user)


def import_file(con: duckdb.DuckDBPyConnection, path: str | Path, **kwargs) -> ImportResult:
    path = Path(path)
    try:
        check_size(path.name, path.stat().st_size)  # before reading a huge file into memory
    except LoaderError as exc:
        raise ImportRejected.from_error(mask_bsn(path.name), exc) from exc
    return import_bytes(con, path.name, path.read_bytes(), **kwargs)


def default_user() -> str:
    """Who runs the command line: the login name, marked as such in the import history."""
    try:
        return f"{getpass.getuser()} (opdrachtregel)"
    except Exception:
        return "onbekend (opdrachtregel)"


def _renamed(problem: Problem, raw: str, shown: str) -> Problem:
    if problem.file == raw or problem.file == Path(raw).name:
        return Problem(shown, problem.sheet, problem.cell, problem.message, problem.severity)
    return problem


def _demo_mixing(con, staged: Staged, demo: bool, file: str) -> list[Problem]:
    """Demo and real visits never share a study: refuse, naming the demo and how to remove it."""
    if not staged.studies:
        return []
    rows = con.execute(
        "SELECT study_id, is_demo FROM study WHERE study_id IN (SELECT unnest(?::VARCHAR[]))", [sorted(staged.studies)]
    ).fetchall()
    problems = []
    for study_id, is_demo in rows:
        if is_demo and not demo:
            problems.append(Problem(file, "Onderzoek", "", (
                f"onderzoek '{study_id}' bevat de demodata (fictieve bezoeken); echte bezoeken worden daar nooit "
                f"bij geteld. {DEMO_REMOVAL_HINT} Of geef het onderzoek een eigen code (sleutel 'Onderzoek')."
            )))
        elif demo and not is_demo:
            problems.append(Problem(file, "Onderzoek", "", (
                f"onderzoek '{study_id}' bevat echte gegevens; de demo wordt daar niet aan toegevoegd."
            )))
    return problems


def _plan(con, staged: Staged) -> pd.DataFrame:
    """Per staged visit: new, or which stored visit (import, dossiers) it replaces."""
    visits = staged.visits
    if visits.empty:
        return pd.DataFrame(columns=PLAN_COLUMNS)
    keys = visits[["vkey", "study_id", "municipality_code", "kind", "visit_date", "team"]].copy()
    keys["visit_date"] = pd.to_datetime(keys["visit_date"]).dt.date
    con.register("plan_keys", keys)
    try:
        existing = con.execute(
            """
            WITH final AS (
                SELECT k.vkey, v.import_id, (SELECT count(*) FROM dossier d WHERE d.visit_id = v.visit_id) AS dossiers
                FROM plan_keys k JOIN visit v
                  ON v.study_id = k.study_id AND v.municipality_code = k.municipality_code
                 AND v.kind = k.kind AND v.visit_date = k.visit_date AND v.team = k.team
            )
            SELECT * FROM final
            """
        ).df()
    finally:
        con.unregister("plan_keys")
    new_dossiers = staged.dossiers.groupby("vkey").size()
    old = existing.set_index("vkey")
    plan = pd.DataFrame({
        "onderzoek": visits["study_id"],
        "gemeente": visits["municipality_name"],
        "soort": visits["kind"],
        "datum": pd.to_datetime(visits["visit_date"]).dt.date,
        "team": visits["team"],
        "dossiers": visits["vkey"].map(new_dossiers).fillna(0).astype(int),
        "actie": ["vervangt" if v in old.index else "nieuw" for v in visits["vkey"]],
        "vervangt_import": visits["vkey"].map(old["import_id"]) if not old.empty else None,
        "vervangt_dossiers": visits["vkey"].map(old["dossiers"]) if not old.empty else None,
    })
    return plan.reset_index(drop=True)[PLAN_COLUMNS]


# The columns of visit_indicator_count after (visit_id, indicator_code), as aggregates over `value`.
VALUE_COUNTS_SQL = ", ".join(
    f"count(*) FILTER (WHERE value = '{v}')" for v in SCORE_VALUES
)

STAGED_TABLES = {  # table → (registered name, Staged attribute, columns besides visit_id)
    "dossier": ("staged_dossiers", "dossiers", "dossier_id, team"),
    "score": ("staged_scores", "scores", "dossier_id, indicator_code, value"),
    "remark": ("staged_remarks", "remarks", "dossier_id, indicator_code, text"),
    "finding": ("staged_findings", "findings", "theme_code, indicator_code, kind, text"),
    "recommendation": ("staged_recs", "recommendations", "number, text, status"),
}


def write_staged(
    con: duckdb.DuckDBPyConnection, staged: Staged, sha: str, options: Options, user: str, demo: bool
) -> ImportResult:
    """Replace the file's visits and insert everything in one transaction, with the history row."""
    visits = staged.visits.copy()
    registered = {view: _arrow(getattr(staged, attr)) for view, attr, _ in STAGED_TABLES.values()}
    try:
        with transaction(con):
            # nextval inside the transaction: in autocommit mode DuckDB has failed on it here.
            visits["visit_id"] = [r[0] for r in con.execute("SELECT nextval('seq_visit_id') FROM range(?)", [len(visits)]).fetchall()]
            registered["staged_visits"] = visits
            for view, frame in registered.items():
                con.register(view, frame)
            for study_id in sorted(staged.new_studies):
                con.execute(
                    "INSERT INTO study (study_id, framework_id, name, is_demo) VALUES (?, ?, ?, ?)",
                    [study_id, staged.studies[study_id], study_id, demo],
                )
            import_id = con.execute("SELECT nextval('seq_import_id')").fetchall()[0][0]
            old_ids, changes = _replace_visits(con, staged, visits)
            _insert_staged(con, staged, import_id)
            result = ImportResult(
                file=staged.file,
                status="vervangen" if old_ids else "geïmporteerd",
                import_id=import_id,
                visits=len(visits),
                dossiers=len(staged.dossiers),
                scores=len(staged.scores),
                remarks=len(staged.remarks),
                findings=len(staged.findings),
                recommendations=len(staged.recommendations),
                warnings=staged.warnings,
                changes="; ".join(changes),
            )
            con.execute(
                "INSERT INTO import_log VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [import_id, staged.file, sha, options.fingerprint(), dt.datetime.now(), user, result.status,
                 result.visits, result.dossiers, result.scores, result.remarks, result.findings,
                 result.recommendations, len(staged.warnings), result.changes or None],
            )
            record(con, user, "import", f"import #{import_id}: {staged.file} ({result.status}, {result.visits} bezoek(en))")
    finally:
        for view in registered:
            try:
                con.unregister(view)
            except Exception:  # never registered because the transaction failed first
                pass
    return result


def _replace_visits(con: duckdb.DuckDBPyConnection, staged: Staged, visits: pd.DataFrame) -> tuple[list[int], list[str]]:
    """Delete the stored visits the file replaces; return their ids and, per visit, what changes (in Dutch)."""
    replaced = con.execute(
        """
        SELECT s.vkey, v.visit_id, v.municipality_name, v.kind, v.visit_date, v.team
        FROM staged_visits s JOIN visit v
          ON v.study_id = s.study_id AND v.municipality_code = s.municipality_code
         AND v.kind = s.kind AND v.visit_date = s.visit_date AND v.team = s.team
        ORDER BY s.vkey
        """
    ).fetchall()
    changes = [_describe_change(con, vkey, old_id, name, kind, date, team) for vkey, old_id, name, kind, date, team in replaced]
    replaced_keys = {r[0] for r in replaced}
    new_dossiers = staged.dossiers.groupby("vkey").size()
    changes += [
        f"nieuw bezoek {_visit_label(v.municipality_name, v.kind, v.visit_date, v.team)} ({int(new_dossiers.get(v.vkey, 0))} dossiers)"
        for v in visits.itertuples() if v.vkey not in replaced_keys
    ]
    old_ids = [r[1] for r in replaced]
    delete_visits(con, old_ids)
    return old_ids, changes


def _insert_staged(con: duckdb.DuckDBPyConnection, staged: Staged, import_id: int) -> None:
    """Insert the registered staged views: visits, the tables under them and the per-indicator counts."""
    con.execute(
        """
        INSERT INTO visit (visit_id, study_id, municipality_code, municipality_name, kind, visit_date, team, region, import_id,
                           report_title, published_on, summary_title)
        SELECT visit_id, study_id, municipality_code, municipality_name, kind, visit_date::DATE, team, region, ?,
               report_title, published_on::DATE, summary_title
        FROM staged_visits
        """,
        [import_id],
    )
    for table, (view, attr, columns) in STAGED_TABLES.items():
        if getattr(staged, attr).empty:
            continue
        select = ", ".join(f"s.{c}" for c in columns.split(", "))
        con.execute(
            f"INSERT INTO {quote_ident(table)} (visit_id, {columns}) "
            f"SELECT v.visit_id, {select} FROM {quote_ident(view)} s JOIN staged_visits v USING (vkey)"
        )
    # Counted from the staged Arrow data: scanning the just-inserted rows inside the
    # transaction is several times slower.
    con.execute(
        f"INSERT INTO visit_indicator_count SELECT v.visit_id, s.indicator_code, {VALUE_COUNTS_SQL} "
        "FROM staged_scores s JOIN staged_visits v USING (vkey) GROUP BY v.visit_id, s.indicator_code"
    )


INTEGER_COLUMNS = ("vkey", "number")


def _arrow(frame: pd.DataFrame) -> pa.Table:
    """Staged frame → Arrow with explicit types: all-None text columns stay text, and DuckDB reads
    Arrow strings far faster than Python str objects (a 20,000-dossier file has ~500,000 scores)."""
    columns = {}
    for c in frame.columns:
        if c in INTEGER_COLUMNS:
            columns[c] = pa.array(frame[c].to_numpy(dtype="int64"))
        elif isinstance(frame[c].dtype, pd.CategoricalDtype):  # the score sheet's texts: indices into a few texts
            values = frame[c].array
            columns[c] = pa.DictionaryArray.from_arrays(
                pa.array(values.codes, mask=values.codes < 0), pa.array(values.categories.to_numpy(dtype=object), type=pa.string()))
        else:
            columns[c] = pa.array(frame[c].to_numpy(dtype=object), type=pa.string(), from_pandas=True)
    return pa.table(columns)


def _describe_change(con, vkey: int, old_id: int, name: str, kind: str, date, team: str) -> str:
    """One Dutch line: what a new version of a visit changes compared with the stored one."""
    old_d, old_s = con.execute(
        "SELECT (SELECT count(*) FROM dossier WHERE visit_id = ?), (SELECT count(*) FROM score WHERE visit_id = ?)",
        [old_id, old_id],
    ).fetchall()[0]
    new_s, changed = con.execute(
        """
        WITH old AS (SELECT dossier_id, indicator_code, value FROM score WHERE visit_id = ?),
             new AS (SELECT dossier_id::VARCHAR AS dossier_id, indicator_code::VARCHAR AS indicator_code, value::VARCHAR AS value
                     FROM staged_scores WHERE vkey = ?)
        SELECT (SELECT count(*) FROM new),
               count(*) FILTER (WHERE old.value IS DISTINCT FROM new.value)
        FROM old FULL OUTER JOIN new
          ON old.dossier_id IS NOT DISTINCT FROM new.dossier_id AND old.indicator_code = new.indicator_code
        """,
        [old_id, vkey],
    ).fetchall()[0]
    label = _visit_label(name, kind, date, team)
    return f"vervangt bezoek {label}: {old_s} → {new_s} scores, {changed} oordeel/oordelen gewijzigd ({old_d} dossiers eerder)"


def _visit_label(name: str, kind: str, date, team: str) -> str:
    return f"{name} {kind} {pd.Timestamp(date):%d-%m-%Y}" + (f" team {team}" if team else "")
