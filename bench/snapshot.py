"""Before/after snapshot of everything a user sees: CLI exports, the Jaarbeeld pack and every page under AppTest.

    .venv/bin/python bench/snapshot.py --code DIR --out OUT            # demo database, built fresh from DIR
    .venv/bin/python bench/snapshot.py --code DIR --out OUT --bench    # national-scale database (bench/run.py)
    .venv/bin/python bench/snapshot.py --code DIR --out OUT --bench --bench-db PATH   # reuse that database
    .venv/bin/python bench/snapshot.py --compare OUT_A OUT_B           # per-file summary, exit 1 when anything differs

The code in DIR is only reached through its stable interfaces, as subprocesses with cwd=DIR and DIR/.venv/bin/python:
`python -m loaders demo`, `python -m metrics …`, `bench/run.py --generate-only`, and app.py under
streamlit.testing.v1.AppTest (a small runner script written to a temporary file). So the same snapshot runs on
code whose internal modules differ. OUT/_meta.json (commit, times, what was normalised) is never compared.

What is normalised (and why) is listed in NORMALISED below and written to OUT/_meta.json.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import csv
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

NORMALISED = [
    "the database path and its folder (temporary) -> <DB>, <DBDIR>; the Jaarbeeld output folder -> <OUT>",
    "today's date (ISO, dd-mm-jjjj, jjjj/mm/dd, Dutch long form) in page dumps and Jaarbeeld texts -> <VANDAAG>, "
    "and in page dumps a time after it -> <VANDAAG> <tijd> (Overzicht's 'Laatste import': when the demo was built) "
    "(Opvolging's Peildatum defaults to today; the concept .docx says 'gegenereerd op')",
    "the Jaarbeeld command's own run time ('in 21,2 s') -> 'in <S> s'",
    "Importeren's import history: the columns tijdstip (when the demo was built) and import id -> <…>",
    "element ids and widget ids are not dumped (they are Streamlit's hashes, not what a user sees)",
    "download buttons: label, help and the rest of the element, but not the media url (a hash of the file's bytes; "
    "the XLSX templates carry the time they were written, so the hash changes on every run); a download built on "
    "click keeps 'deferredFileId' but its value (a random id per run) -> <deferred>",
    "PNG/SVG files of the Jaarbeeld pack: only their presence and name (renderer output, SVG ids vary)",
    "the .docx: only paragraph and table texts and the number of pictures (the zip carries timestamps)",
]

# ----------------------------------------------------------------------------------------------------------------
# The AppTest runner: executed by DIR's python with cwd=DIR, so it imports DIR's app and nothing of this file.
RUNNER = r'''
import datetime as dt, json, os, re, sys, traceback
from pathlib import Path
from google.protobuf.json_format import MessageToDict
from streamlit.testing.v1 import AppTest

sys.path.insert(0, os.getcwd())
APP = str(Path.cwd() / "app.py")
spec = json.loads(Path(sys.argv[1]).read_text())
out = Path(sys.argv[2])
db = spec["db"]
os.environ["TOEZICHT_DB"] = db
today = dt.date.today()
MONTHS = ["januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september", "oktober",
          "november", "december"]
REPLACE = [(db, "<DB>"), (str(Path(db).parent), "<DBDIR>")]
TODAY = [today.isoformat(), today.strftime("%d-%m-%Y"), today.strftime("%Y/%m/%d"),
         f"{today.day} {MONTHS[today.month - 1]} {today.year}"]
TODAY_TIME = r"<VANDAAG>([ T])\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?"
DROP = {"id", "formId", "data", "spec", "fragmentId", "deltaPath"}
VOLATILE_COLUMNS = {"tijdstip", "import_id", "import", "id"}


def norm(text):
    for old, new in REPLACE:
        text = text.replace(old, new)
    for day in TODAY:
        text = text.replace(day, "<VANDAAG>")
    return re.sub(TODAY_TIME, r"<VANDAAG>\1<tijd>", text)


def clean(obj):
    if isinstance(obj, dict):
        return {k: clean(v) for k, v in obj.items() if k not in DROP}
    if isinstance(obj, list):
        return [clean(v) for v in obj]
    return obj


def proto_dict(proto):
    try:
        return clean(MessageToDict(proto, preserving_proto_field_name=False))
    except Exception as exc:
        return {"unreadable": type(exc).__name__}


def frame_csv(frame, page):
    frame = frame.copy()
    if page.endswith("importeren.py"):
        for column in frame.columns:
            if str(column) in VOLATILE_COLUMNS:
                frame[column] = "<" + str(column) + ">"
    return frame.to_csv(index=False, lineterminator="\n")


def dump(at, run, folder):
    folder.mkdir(parents=True, exist_ok=True)
    elements = []
    counter = [0]

    def visit(node, path):
        counter[0] += 1
        n = counter[0]
        node_type = getattr(node, "type", type(node).__name__)
        children = getattr(node, "children", None)
        rec = {"path": path, "type": node_type}
        proto = getattr(node, "proto", None)
        if proto is not None:
            rec["proto"] = proto_dict(proto)
            if node_type == "download_button":  # a hash of the bytes; XLSX bytes carry the time they were written
                rec["proto"].pop("url", None)
                if rec["proto"].get("deferredFileId"):  # a random id per run; that the file is built on click stays
                    rec["proto"]["deferredFileId"] = "<deferred>"
        if isinstance(children, dict):  # a block: keep its label (expander, tab, …) and walk its children in order
            elements.append(rec)
            for key in sorted(children):
                visit(children[key], f"{path}/{key}")
            return
        if node_type in ("arrow_data_frame", "dataframe", "table") or (proto is not None and hasattr(proto, "data") and hasattr(proto, "columns") and node_type != "plotly_chart"):
            try:
                name = f"{n:03d}-{node_type}.csv"
                (folder / name).write_text(norm(frame_csv(node.value, run["page"])))
                rec["csv"] = name
            except Exception as exc:
                rec["value_error"] = type(exc).__name__
            if proto is not None and getattr(proto, "columns", ""):
                try:
                    rec["column_config"] = json.loads(proto.columns)
                except Exception:
                    rec["column_config"] = proto.columns
        elif node_type == "plotly_chart":
            name = f"{n:03d}-plotly.json"
            figure = json.loads(proto.spec) if proto.spec else None
            (folder / name).write_text(norm(json.dumps(figure, ensure_ascii=False, indent=1, sort_keys=True)))
            rec["figure"] = name
            try:
                rec["config"] = json.loads(proto.config) if proto.config else None
            except Exception:
                rec["config"] = proto.config
        else:
            for attr in ("label", "value", "options"):
                try:
                    value = getattr(node, attr)
                except Exception:
                    continue
                if callable(value):
                    continue
                if isinstance(value, (list, tuple)):
                    value = [str(v) for v in value]
                elif not isinstance(value, (str, int, float, bool, type(None))):
                    value = str(value)
                rec[attr] = value
        elements.append(rec)

    visit(at._tree, "")
    query = {k: at.query_params.get_all(k) if hasattr(at.query_params, "get_all") else at.query_params[k]
             for k in sorted(at.query_params)}
    body = {"page": run["page"], "params": run["params"], "actions": run.get("actions", []),
            "query_params_after": query, "exceptions": [str(e.value) for e in at.exception], "elements": elements}
    (folder / "elements.json").write_text(norm(json.dumps(body, ensure_ascii=False, indent=1, default=str)))


for run in spec["runs"]:
    folder = out / run["name"]
    try:
        at = AppTest.from_file(APP, default_timeout=spec["timeout"])
        for key, value in run["params"].items():
            at.query_params[key] = value
        at.run()
        if run["page"] != "app.py":  # app.py itself (sidebar, first page) is dumped as the run "app…"
            at.switch_page(run["page"])
            at.run()
        for action in run.get("actions", []):
            kind, key, *value = action
            widget = at.get(kind)
            target = next(w for w in widget if getattr(w, "key", None) == key)
            if kind == "button":
                target.click()
            elif kind == "date_input":
                target.set_value(dt.date.fromisoformat(value[0]))
            else:
                target.set_value(value[0])
            at.run()
        dump(at, run, folder)
        print(f"page {run['name']}: {len(at.exception)} exception(s)", flush=True)
    except Exception:
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "runner-error.txt").write_text(norm(traceback.format_exc().splitlines()[-1]))
        print(f"page {run['name']}: RUNNER ERROR {traceback.format_exc()}", flush=True)
'''


# ----------------------------------------------------------------------------------------------------------------
DUTCH_MONTHS = ["januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september", "oktober",
                "november", "december"]


def without_today(text: str) -> str:
    """The Jaarbeeld concept says when it was generated; any spelling of today's date -> <VANDAAG>."""
    today = dt.date.today()
    for day in (today.isoformat(), today.strftime("%d-%m-%Y"), today.strftime("%Y/%m/%d"),
                f"{today.day} {DUTCH_MONTHS[today.month - 1]} {today.year}"):
        text = text.replace(day, "<VANDAAG>")
    return text


TODAY_TIME = r"<VANDAAG>([ T])\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?"  # the same rule as in RUNNER


def renormalise(out: Path) -> int:
    """Apply the time-of-today rule to the page dumps of a snapshot taken before the rule existed (idempotent)."""
    changed = 0
    for path in sorted((out / "pages").rglob("*")):
        if path.is_file():
            text = path.read_text()
            new = re.sub(TODAY_TIME, r"<VANDAAG>\1<tijd>", text)
            if new != text:
                path.write_text(new)
                changed += 1
    return changed


def python_of(code: Path) -> str:
    exe = code / ".venv" / "bin" / "python"
    return str(exe if exe.exists() else sys.executable)


def run(code: Path, args: list[str], env: dict | None = None, timeout: int = 600) -> subprocess.CompletedProcess:
    full_env = dict(os.environ)
    full_env.pop("TOEZICHT_DB", None)
    full_env["PYTHONDONTWRITEBYTECODE"] = "1"  # leave the checkout under test as it was
    full_env.update(env or {})
    return subprocess.run([python_of(code), *args], cwd=code, capture_output=True, text=True, timeout=timeout, env=full_env)


def slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "-", text).strip("-") or "x"


def query(db: Path, sql: str, params: list | None = None) -> list[tuple]:
    import duckdb

    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(sql, params or []).fetchall()
    finally:
        con.close()


def db_fingerprint(db: Path, out: Path) -> None:
    """Row counts per table: shows at once when both snapshots did not start from the same data."""
    tables = [r[0] for r in query(db, "SELECT table_name FROM information_schema.tables WHERE table_type = 'BASE TABLE' ORDER BY 1")]
    counts = {t: query(db, f'SELECT count(*) FROM "{t}"')[0][0] for t in tables}
    (out / "db-rowcounts.json").write_text(json.dumps(counts, indent=1, sort_keys=True) + "\n")


def write_cli(code: Path, out: Path, name: str, args: list[str], db: Path, timeout: int = 600) -> None:
    done = run(code, ["-m", "metrics", *args], timeout=timeout)
    path = out / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(done.stdout.replace(str(db), "<DB>"))
    if done.returncode or done.stderr.strip():
        path.with_name(path.name + ".err").write_text(f"rc={done.returncode}\n" + done.stderr.replace(str(db), "<DB>"))


def compliance_calls(code: Path, db: Path, out: Path, studies: list[str], gemeenten: dict[str, list[str]],
                     kinds=("onderzoek", "hertoets"), formats=("csv", "json"), bys=("indicator", "theme", "municipality")) -> int:
    count = 0
    base = ["compliance", "--db", str(db)]
    for study in studies:
        for by in bys:
            for kind in kinds:
                for fmt in formats:
                    write_cli(code, out, f"cli/compliance/{study}_{by}_{kind}.{fmt}",
                              base + ["--onderzoek", study, "--by", by, "--soort", kind, "--format", fmt], db)
                    count += 1
            for municipality in gemeenten.get(study, []):
                write_cli(code, out, f"cli/compliance/{study}_{by}_onderzoek_gm-{slug(municipality)}.csv",
                          base + ["--onderzoek", study, "--by", by, "--gemeente", municipality, "--format", "csv"], db)
                count += 1
    return count


def demo_cli(code: Path, db: Path, out: Path, studies: list[str], scales: dict[str, str], gemeenten: dict[str, list[str]]) -> int:
    count = compliance_calls(code, db, out, studies, gemeenten)
    for by in ("indicator", "theme", "municipality"):  # every study at once
        write_cli(code, out, f"cli/compliance/_all_{by}.csv", ["compliance", "--db", str(db), "--by", by, "--format", "csv"], db)
        count += 1
    for study in studies:
        if scales.get(study) == "rag":
            for by in ("item", "section", "team", "municipality"):
                write_cli(code, out, f"cli/rag/{study}_{by}.csv", ["rag", "--db", str(db), "--onderzoek", study, "--by", by], db)
                count += 1
            continue
        for kind in ("onderzoek", "hertoets"):
            write_cli(code, out, f"cli/funnel/{study}_{kind}.csv", ["funnel", "--db", str(db), "--onderzoek", study, "--soort", kind], db)
            count += 1
        write_cli(code, out, f"cli/funnel/{study}_curve.csv", ["funnel", "--db", str(db), "--onderzoek", study, "--curve"], db)
        write_cli(code, out, f"cli/trend/{study}.csv", ["trend", "--db", str(db), "--onderzoek", study], db)
        count += 2
        for municipality in gemeenten.get(study, [])[:1]:
            write_cli(code, out, f"cli/trend/{study}_gm-{slug(municipality)}.csv",
                      ["trend", "--db", str(db), "--onderzoek", study, "--gemeente", municipality], db)
            count += 1
    return count


def xlsx_rows(path: Path) -> dict[str, str]:
    import openpyxl

    book = openpyxl.load_workbook(path, data_only=False)
    sheets = {}
    for sheet in book.worksheets:
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        for row in sheet.iter_rows(values_only=True):
            writer.writerow(["" if v is None else v for v in row])
        images = len(getattr(sheet, "_images", []))
        sheets[sheet.title] = buffer.getvalue() + (f"# pictures: {images}\n" if images else "")
    return sheets


def docx_text(path: Path) -> str:
    try:
        import docx
    except ImportError:
        return "python-docx not installed: contents not compared\n"
    document = docx.Document(str(path))
    lines = []
    for block in document.element.body.iterchildren():
        tag = block.tag.rsplit("}", 1)[-1]
        if tag == "p":
            text = "".join(node.text or "" for node in block.iter() if node.tag.endswith("}t"))
            style = block.find(".//{*}pStyle")
            prefix = f"[{style.get(style.keys()[0])}] " if style is not None and style.keys() else ""
            pictures = len(block.findall(".//{*}drawing"))
            lines.append(prefix + text + (f"  [picture x{pictures}]" if pictures else ""))
        elif tag == "tbl":
            for row in block.findall(".//{*}tr"):
                cells = ["".join(t.text or "" for t in cell.iter() if t.tag.endswith("}t")) for cell in row.findall("{*}tc")]
                lines.append("| " + " | ".join(cells) + " |")
    lines.append(f"# inline pictures: {len(document.inline_shapes)}")
    return "\n".join(lines) + "\n"


def jaarbeeld(code: Path, db: Path, out: Path, years: list[int]) -> int:
    count = 0
    for year in years:
        target = out / "jaarbeeld" / str(year)
        target.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory(prefix="snapshot-jb-") as tmp:
            pack = Path(tmp) / "pack"
            done = run(code, ["-m", "metrics", "jaarbeeld", "--db", str(db), "--year", str(year), "--out", str(pack)], timeout=900)
            text = done.stdout.replace(str(pack), "<OUT>").replace(str(db), "<DB>")
            text = re.sub(r" in \d+(,\d+)? s\.", " in <S> s.", text)
            (target / "stdout.txt").write_text(text + f"rc={done.returncode}\n")
            (target / "stderr.txt").write_text(done.stderr.replace(str(pack), "<OUT>").replace(str(db), "<DB>"))
            count += 1
            if not pack.exists():
                continue
            listing = []
            for path in sorted(p for p in pack.rglob("*") if p.is_file()):
                rel = path.relative_to(pack).as_posix()
                listing.append(rel)
                suffix = path.suffix.lower()
                if suffix in (".csv", ".txt", ".md"):
                    dest = target / "files" / rel
                    dest.parent.mkdir(parents=True, exist_ok=True)
                    dest.write_text(without_today(path.read_text(encoding="utf-8-sig").replace(str(pack), "<OUT>")))
                elif suffix == ".xlsx":
                    for sheet, rows in xlsx_rows(path).items():
                        dest = target / "files" / (rel + f".{slug(sheet)}.csv")
                        dest.parent.mkdir(parents=True, exist_ok=True)
                        dest.write_text(without_today(rows))
                elif suffix == ".docx":
                    dest = target / "files" / (rel + ".txt")
                    dest.parent.mkdir(parents=True, exist_ok=True)
                    dest.write_text(without_today(docx_text(path)))
            (target / "files.txt").write_text("\n".join(listing) + "\n")
    return count


def run_pages(code: Path, db: Path, out: Path, runs: list[dict], timeout: int) -> tuple[int, list[str]]:
    with tempfile.TemporaryDirectory(prefix="snapshot-pages-") as tmp:
        runner = Path(tmp) / "runner.py"
        runner.write_text(RUNNER)
        spec = Path(tmp) / "spec.json"
        spec.write_text(json.dumps({"db": str(db), "timeout": timeout, "runs": runs}))
        done = run(code, [str(runner), str(spec), str(out / "pages")], env={"TOEZICHT_DB": str(db)},
                   timeout=max(1200, timeout * len(runs)))
    log = done.stdout.splitlines()
    if done.returncode:
        log.append(f"runner rc={done.returncode}: {done.stderr[-2000:]}")
    return len(runs), log


def demo_page_runs(db: Path, studies: list[str]) -> list[dict]:
    go = "Goeree-Overflakkee"
    go_hertoets = query(db, """SELECT strftime(visit_date, '%d-%m-%Y') FROM visit
                               WHERE study_id = 'kg-2017' AND municipality_name = ? AND kind = 'hertoets' ORDER BY visit_date""", [go])
    runs: list[tuple[str, dict, list]] = [("app", {}, [])] + [("app", {"onderzoek": s}, []) for s in studies] + [
        ("overzicht", {}, []),
        ("overzicht", {"onderzoek": "kg-2017"}, []),
    ]
    runs += [("vergelijken", {"onderzoek": s}, []) for s in studies]
    runs += [
        ("vergelijken", {"onderzoek": "kg-2017", "indicator": "TT3"}, []),
        ("vergelijken", {"onderzoek": "kg-2017", "soort": "hertoets"}, []),
        ("vergelijken", {"onderzoek": "so-2016", "indicator": "JB7"}, []),
        ("gemeente", {"onderzoek": "kg-2017", "gemeente": go, "indicator": "TT3"}, []),
        ("gemeente", {"onderzoek": "kg-2017", "gemeente": go}, []),
        ("gemeente", {"onderzoek": "so-2016", "gemeente": "Emmen", "indicator": "JB7"}, []),
        ("gemeente", {"onderzoek": "vt-2019", "gemeente": "Nijmegen"}, []),
        ("gemeente", {"onderzoek": "rigg-2016", "gemeente": "Groningen"}, []),
        ("themas", {}, []),
        ("themas", {"thema": "veiligheid"}, []),
        ("themas", {"thema": "veiligheid", "soort": "hertoets"}, []),
        ("themas", {"thema": "eigen-kracht"}, []),
        ("themas", {"thema": "vroegsignalering"}, []),
        ("dossiers", {"onderzoek": "kg-2017", "gemeente": go, "indicator": "TT3", "uitkomst": "nee"}, []),
        ("dossiers", {"onderzoek": "kg-2017", "gemeente": go, "indicator": "TT3", "dossier": "GO-16-11"}, []),
        ("dossiers", {"onderzoek": "kg-2017", "gemeente": go, "thema": "TT"}, []),
        ("dossiers", {"onderzoek": "kg-2017"}, []),
        ("dossiers", {"onderzoek": "so-2016", "gemeente": "Emmen", "indicator": "JB7", "uitkomst": "ja"}, []),
        ("dossiers", {"onderzoek": "vt-2019", "gemeente": "Nijmegen"}, []),
        ("dossiers", {"onderzoek": "rigg-2016", "gemeente": "Groningen"}, []),
        ("bevindingen", {}, []),
        ("bevindingen", {"zoek": "veiligheid"}, []),
        ("bevindingen", {"zoek": "geevalueerd"}, []),
        ("bevindingen", {"onderzoek": "kg-2017", "gemeente": go, "thema": "TT"}, []),
        ("bevindingen", {"soort": "zorgpunt"}, []),
        ("bevindingen", {"jaar": "2016"}, []),
        ("bevindingen", {"onderzoek": "so-2016", "alleen_onderzoek": "true"}, []),
        ("opvolging", {}, []),
        ("opvolging", {"onderzoek": "kg-2017", "alleen_onderzoek": "true"}, []),
        ("opvolging", {"onderzoek": "kg-2017", "alleen_onderzoek": "true", "gemeente": go}, []),
        ("opvolging", {"peildatum": "30-06-2019"}, []),
        ("importeren", {}, []),
        ("kaders", {"kader": "kg-2017"}, []),
        ("kaders", {"kader": "kg-2017", "indicator": "TT3"}, []),
        ("kaders", {"kader": "kg-2017", "indicator": "TT3"}, [["button", "naar-kg-2017"]]),
        ("kaders", {"kader": "so-2016", "zoek": "veiligheid"}, []),
        ("kaders", {"kader": "rigg-2016"}, []),
        ("methode", {}, []),
    ]
    if go_hertoets:
        runs.insert(runs.index(("dossiers", {"onderzoek": "kg-2017"}, [])),
                    ("dossiers", {"onderzoek": "kg-2017", "gemeente": go, "soort": "hertoets", "datum": go_hertoets[0][0], "indicator": "TT3"}, []))
    years = [r[0] for r in query(db, "SELECT DISTINCT year(visit_date) FROM visit ORDER BY 1")]
    runs += [("jaarbeeld", {"jaar": str(y)}, []) for y in years]
    return [page_run(page, params, actions) for page, params, actions in runs]


def page_run(page: str, params: dict, actions: list) -> dict:
    """One AppTest run: app.py with `params` in the URL, then (unless page is "app") a switch to pages/<page>.py.

    Under AppTest a switched-to page runs without app.py (Streamlit's legacy pages/ folder), so the sidebar
    that app.py draws is only in the "app" runs."""
    name = page + "".join(f"_{k}-{v}" for k, v in params.items()) + "".join("_" + "-".join(a) for a in actions)
    return {"name": slug(name), "page": "app.py" if page == "app" else f"pages/{page}.py", "params": params, "actions": actions}


def commit_of(code: Path) -> str:
    done = subprocess.run(["git", "-C", str(code), "rev-parse", "HEAD"], capture_output=True, text=True)
    dirty = subprocess.run(["git", "-C", str(code), "status", "--porcelain", "--untracked-files=no"], capture_output=True, text=True)
    if done.returncode:
        return "(not a git checkout, e.g. a `git archive` export)"
    return done.stdout.strip() + (" (with uncommitted changes)" if dirty.stdout.strip() else "")


def snapshot_demo(code: Path, out: Path, skip_jaarbeeld: bool) -> dict:
    facts = {}
    with tempfile.TemporaryDirectory(prefix="snapshot-demo-") as tmp:
        db = Path(tmp) / "toezicht.duckdb"
        t = time.perf_counter()
        done = run(code, ["-m", "loaders", "demo", "--db", str(db)], timeout=900)
        if done.returncode:
            raise SystemExit(f"demo build failed: {done.stdout[-2000:]}{done.stderr[-2000:]}")
        facts["demo_build_s"] = round(time.perf_counter() - t, 1)
        db_fingerprint(db, out)
        rows = query(db, "SELECT s.study_id, f.scale FROM study s JOIN framework f USING (framework_id) ORDER BY 1")
        studies = [r[0] for r in rows]
        scales = dict(rows)
        gemeenten = {}
        for study in studies:  # the first municipality with a hertoets, and the first without
            visits = query(db, """SELECT municipality_name, bool_or(kind = 'hertoets') FROM visit WHERE study_id = ?
                                  GROUP BY 1 ORDER BY 1""", [study])
            picks = [next((m for m, h in visits if h), None), next((m for m, h in visits if not h), None)]
            gemeenten[study] = [m for m in dict.fromkeys(picks) if m]
        t = time.perf_counter()
        facts["cli_calls"] = demo_cli(code, db, out, studies, scales, gemeenten)
        facts["cli_s"] = round(time.perf_counter() - t, 1)
        years = [r[0] for r in query(db, "SELECT DISTINCT year(visit_date) FROM visit ORDER BY 1")]
        if not skip_jaarbeeld:
            t = time.perf_counter()
            facts["jaarbeeld_years"] = years
            jaarbeeld(code, db, out, years)
            facts["jaarbeeld_s"] = round(time.perf_counter() - t, 1)
        runs = demo_page_runs(db, studies)
        t = time.perf_counter()
        facts["page_runs"], facts["page_log"] = run_pages(code, db, out, runs, timeout=120)
        facts["pages_s"] = round(time.perf_counter() - t, 1)
    return facts


def snapshot_bench(code: Path, out: Path, bench_db: Path | None) -> dict:
    facts = {}
    with tempfile.TemporaryDirectory(prefix="snapshot-bench-") as tmp:
        db = Path(tmp) / "bench.duckdb"
        if bench_db:  # a copy: the code under test opens it for writing and may add what its schema lacks
            shutil.copyfile(bench_db, db)
            wal = bench_db.with_name(bench_db.name + ".wal")
            if wal.exists():
                shutil.copyfile(wal, db.with_name(db.name + ".wal"))
        else:
            t = time.perf_counter()
            done = run(code, ["bench/run.py", "--generate-only", str(db)], timeout=3600)
            if done.returncode:
                raise SystemExit(f"bench generation failed: {done.stdout[-2000:]}{done.stderr[-2000:]}")
            facts["generate_s"] = round(time.perf_counter() - t, 1)
        facts["bench_db"] = str(bench_db) if bench_db else "(generated by DIR/bench/run.py, temporary)"
        db_fingerprint(db, out)
        studies = ["bench-3", "bench-8", "bench-10"]
        with_retest = query(db, """SELECT municipality_name FROM visit WHERE study_id = 'bench-3' AND kind = 'hertoets'
                                   ORDER BY municipality_name LIMIT 1""")[0][0]
        gemeenten = {"bench-3": [with_retest]}
        t = time.perf_counter()
        facts["cli_calls"] = compliance_calls(code, db, out, studies, gemeenten, kinds=("onderzoek",), formats=("csv",))
        facts["cli_calls"] += compliance_calls(code, db, out, ["bench-3"], {}, kinds=("hertoets",), formats=("csv",))
        extra = [
            ("cli/funnel/bench-3_onderzoek.csv", ["funnel", "--onderzoek", "bench-3"]),
            ("cli/trend/bench-3_gm.csv", ["trend", "--onderzoek", "bench-3", "--gemeente", with_retest]),
            ("cli/rag/bench-rag_municipality.csv", ["rag", "--onderzoek", "bench-rag", "--by", "municipality"]),
            ("cli/rag/bench-rag_item.csv", ["rag", "--onderzoek", "bench-rag", "--by", "item"]),
            ("cli/jaarbeeld-data/2023.csv", ["jaarbeeld-data", "--year", "2023"]),
            ("cli/jaarbeeld-data/2023_zwakste.csv", ["jaarbeeld-data", "--year", "2023", "--zwakste"]),
        ]
        for name, args in extra:
            write_cli(code, out, name, [args[0], "--db", str(db), *args[1:]], db)
            facts["cli_calls"] += 1
        facts["cli_s"] = round(time.perf_counter() - t, 1)
        runs = [
            page_run("vergelijken", {"onderzoek": "bench-3"}, []),
            page_run("vergelijken", {"onderzoek": "bench-3", "indicator": "B03"}, []),
            page_run("gemeente", {"onderzoek": "bench-3", "gemeente": with_retest}, []),
            page_run("dossiers", {"onderzoek": "bench-3", "gemeente": with_retest, "indicator": "B03", "uitkomst": "nee"}, []),
            page_run("dossiers", {"onderzoek": "bench-3", "indicator": "B03", "uitkomst": "nee"}, []),
            page_run("gemeente", {"onderzoek": "bench-3", "gemeente": with_retest, "indicator": "B03"}, []),
            page_run("dossiers", {"onderzoek": "bench-3", "gemeente": with_retest, "soort": "hertoets", "indicator": "B03"}, []),
            page_run("app", {"onderzoek": "bench-3"}, []),
            page_run("overzicht", {}, []),
            page_run("themas", {"onderzoek": "bench-3"}, []),
            page_run("bevindingen", {"onderzoek": "bench-3"}, []),
            page_run("opvolging", {"onderzoek": "bench-3"}, []),
            page_run("jaarbeeld", {"jaar": "2023"}, []),
            page_run("kaders", {"kader": "bench-3"}, []),
        ]
        t = time.perf_counter()
        facts["page_runs"], facts["page_log"] = run_pages(code, db, out, runs, timeout=600)
        facts["pages_s"] = round(time.perf_counter() - t, 1)
    return facts


# ----------------------------------------------------------------------------------------------------------------
def files_of(root: Path) -> dict[str, Path]:
    return {p.relative_to(root).as_posix(): p for p in sorted(root.rglob("*")) if p.is_file() and p != root / "_meta.json"}


def first_json_difference(a, b, path: str = "$") -> str | None:
    if type(a) is not type(b):
        return f"{path}: {type(a).__name__} {short(a)} != {type(b).__name__} {short(b)}"
    if isinstance(a, dict):
        for key in list(dict.fromkeys([*a, *b])):
            if key not in a or key not in b:
                return f"{path}.{key}: only in {'B' if key not in a else 'A'}"
            found = first_json_difference(a[key], b[key], f"{path}.{key}")
            if found:
                return found
        if list(a) != list(b):
            return f"{path}: key order {list(a)[:8]} != {list(b)[:8]}"
        return None
    if isinstance(a, list):
        for i, (x, y) in enumerate(zip(a, b)):
            found = first_json_difference(x, y, f"{path}[{i}]")
            if found:
                return found
        if len(a) != len(b):
            return f"{path}: length {len(a)} != {len(b)}"
        return None
    return None if a == b else f"{path}: {short(a)} != {short(b)}"


def short(value, limit: int = 160) -> str:
    text = json.dumps(value, ensure_ascii=False) if not isinstance(value, str) else repr(value)
    return text if len(text) <= limit else text[:limit] + "…"


def numbers_only(a: str, b: str) -> bool:
    """True when the texts differ only in numbers that agree to 1e-9 (float noise)."""
    pattern = re.compile(r"-?\d+\.\d+(?:e[-+]?\d+)?")
    if pattern.sub("#", a) != pattern.sub("#", b):
        return False
    xs, ys = pattern.findall(a), pattern.findall(b)
    return len(xs) == len(ys) and all(abs(float(x) - float(y)) <= 1e-9 * max(1.0, abs(float(x))) for x, y in zip(xs, ys))


def compare(a_root: Path, b_root: Path, lines: int = 3) -> int:
    """Print identical/differs per file (first differing lines; for JSON the first differing path); 1 if any differ."""
    a_files, b_files = files_of(a_root), files_of(b_root)
    differs = 0
    same = 0
    areas: dict[str, list[int]] = {}
    for rel in sorted(set(a_files) | set(b_files)):
        area = areas.setdefault("/".join(rel.split("/")[:2]) if "/" in rel else rel, [0, 0])
        area[1] += 1
        if rel not in b_files or rel not in a_files:
            area[0] += 1
            print(f"ONLY IN {'A' if rel in a_files else 'B'}  {rel}")
            differs += 1
            continue
        a_bytes, b_bytes = a_files[rel].read_bytes(), b_files[rel].read_bytes()
        if a_bytes == b_bytes:
            same += 1
            continue
        differs += 1
        area[0] += 1
        a_text, b_text = a_bytes.decode("utf-8", "replace"), b_bytes.decode("utf-8", "replace")
        note = " (numbers within 1e-9 only)" if numbers_only(a_text, b_text) else ""
        print(f"DIFFERS  {rel}{note}")
        if rel.endswith(".json"):
            try:
                a_json, b_json = json.loads(a_text), json.loads(b_text)
            except ValueError:
                a_json = b_json = None
            if a_json is not None:
                where = first_json_difference(a_json, b_json)
                print(f"    first differing path: {where}")
                element = re.match(r"\$\.elements\[(\d+)\]", where or "")
                if element and isinstance(a_json, dict) and int(element.group(1)) < len(a_json.get("elements", [])):
                    shown_element = a_json["elements"][int(element.group(1))]
                    print(f"    (in A that element is a {shown_element.get('type')} at tree path {shown_element.get('path')})")
        a_lines, b_lines = a_text.splitlines(), b_text.splitlines()
        shown = 0
        for i in range(max(len(a_lines), len(b_lines))):
            x = a_lines[i] if i < len(a_lines) else "<end>"
            y = b_lines[i] if i < len(b_lines) else "<end>"
            if x != y:
                print(f"    line {i + 1}:\n      A: {x[:300]}\n      B: {y[:300]}")
                shown += 1
                if shown >= lines:
                    break
        if len(a_lines) != len(b_lines):
            print(f"    lines: {len(a_lines)} != {len(b_lines)}")
    if differs:
        print("per area (differing / files):")
        for name, (bad, total) in sorted(areas.items()):
            if bad:
                print(f"    {name}: {bad} / {total}")
    print(f"{same} identical, {differs} differ ({len(a_files)} files in A, {len(b_files)} in B)")
    return 1 if differs else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--code", type=Path, help="checkout to snapshot (uses DIR/.venv/bin/python)")
    parser.add_argument("--out", type=Path, help="folder for the snapshot (emptied first)")
    parser.add_argument("--bench", action="store_true", help="the national-scale database instead of the demo")
    parser.add_argument("--bench-db", type=Path, help="reuse this national-scale database (generated by bench/run.py --generate-only)")
    parser.add_argument("--skip-jaarbeeld", action="store_true", help="demo: leave out the Jaarbeeld packs (about 20 s a year)")
    parser.add_argument("--compare", nargs=2, type=Path, metavar=("OUT_A", "OUT_B"))
    parser.add_argument("--renormalise", type=Path, metavar="OUT", help="apply the time-of-today rule to an older snapshot")
    args = parser.parse_args(argv)
    if args.compare:
        return compare(*args.compare)
    if args.renormalise:
        print(f"{renormalise(args.renormalise)} files renormalised in {args.renormalise}")
        return 0
    if not args.code or not args.out:
        parser.error("--code and --out are needed (or --compare A B)")
    code = args.code.resolve()
    out = args.out.resolve()
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    started = time.perf_counter()
    facts = snapshot_bench(code, out, args.bench_db.resolve() if args.bench_db else None) if args.bench \
        else snapshot_demo(code, out, args.skip_jaarbeeld)
    meta = {"code": str(code), "commit": commit_of(code), "kind": "bench" if args.bench else "demo",
            "taken": dt.datetime.now().isoformat(timespec="seconds"), "total_s": round(time.perf_counter() - started, 1),
            "normalised": NORMALISED, **facts}
    (out / "_meta.json").write_text(json.dumps(meta, ensure_ascii=False, indent=1) + "\n")
    errors = [line for line in facts.get("page_log", []) if "RUNNER ERROR" in line or "runner rc" in line or not line.endswith(" 0 exception(s)")]
    print(f"snapshot {meta['kind']} of {meta['commit']} in {out}: {facts.get('cli_calls', 0)} CLI calls, "
          f"{facts.get('page_runs', 0)} page runs, {meta['total_s']} s" + (f"; {len(errors)} page problems, see _meta.json" if errors else ""))
    for line in errors[:20]:
        print("  " + line[:500])
    return 0


if __name__ == "__main__":
    sys.exit(main())
