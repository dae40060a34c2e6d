"""`python -m loaders template` for every shipped framework: inspect it, fill it, import it."""

from __future__ import annotations

import datetime as dt
import itertools

import openpyxl
import pytest
from openpyxl.utils import get_column_letter, range_boundaries

from conftest import REPO, count, do_import, errors, rejected, run_cli
from reference.frameworks import read_framework
from loaders.validate import match_indicator
from reference.vocab import SCALE_VOCAB

KADER_FILES = sorted((REPO / "data" / "kaders").glob("*.toml"))
FRAMEWORKS = [read_framework(p) for p in KADER_FILES]

# A municipality and fieldwork date valid for each framework's study year.
VISITS = {
    "vt-2019": ("Nijmegen", dt.datetime(2019, 4, 8)),
    "kg-2017": ("Goeree-Overflakkee", dt.datetime(2016, 10, 11)),
    "so-2016": ("Assen", dt.datetime(2016, 3, 8)),
    "rigg-2016": ("Groningen", dt.datetime(2016, 11, 1)),
}
N_DOSSIERS = 7


def test_all_four_frameworks_are_shipped():
    assert {fw.id for fw in FRAMEWORKS} == {"vt-2019", "kg-2017", "so-2016", "rigg-2016"}


@pytest.fixture(scope="module", params=FRAMEWORKS, ids=lambda fw: fw.id)
def template(request, tmp_path_factory):
    fw = request.param
    out = tmp_path_factory.mktemp("sjabloon") / f"sjabloon-{fw.id}.xlsx"
    proc = run_cli("template", "--kader", fw.id, "--out", out)
    assert proc.returncode == 0, proc.stderr
    assert out.is_file()
    return fw, out


def _keys(ws) -> dict[str, int]:
    return {str(ws.cell(row=r, column=1).value).strip().lower(): r for r in range(1, ws.max_row + 1)
            if ws.cell(row=r, column=1).value}


def _header_row(ws) -> int:
    for r in range(1, 11):
        first = next((c.value for c in ws[r] if c.value not in (None, "")), None)
        if first == "Dossier":
            return r
    raise AssertionError("geen kopregel 'Dossier' in de eerste 10 rijen")


def _validations(ws):
    return [(dv.formula1 or "", dv.sqref) for dv in ws.data_validations.dataValidation if dv.type == "list"]


def _covered(sqref, cell: str) -> bool:
    col = openpyxl.utils.cell.column_index_from_string("".join(ch for ch in cell if ch.isalpha()))
    row = int("".join(ch for ch in cell if ch.isdigit()))
    for rng in str(sqref).split():
        c1, r1, c2, r2 = range_boundaries(rng)
        if c1 <= col <= c2 and r1 <= row <= r2:
            return True
    return False


def test_onderzoek_sheet_has_the_keys(template):
    fw, path = template
    ws = openpyxl.load_workbook(path)["Onderzoek"]
    keys = _keys(ws)
    for key in ("onderzoek", "kader", "gemeente", "datum", "soort"):
        assert key in keys
    assert ws.cell(row=keys["onderzoek"], column=2).value == fw.id
    assert ws.cell(row=keys["kader"], column=2).value == fw.id
    assert ws.cell(row=keys["soort"], column=2).value == "onderzoek"


def test_dossiers_sheet_layout(template):
    fw, path = template
    wb = openpyxl.load_workbook(path)
    if not fw.dossier_indicators:
        assert "Dossiers" not in wb.sheetnames
        return
    ws = wb["Dossiers"]
    h = _header_row(ws)
    assert h >= 2, "geen themarij boven de kopregel"

    # Theme row: every theme with dossier-level indicators, merged over its indicator columns.
    themes_with_inds = [t for t in fw.themes if any(i.theme == t.code for i in fw.dossier_indicators)]
    theme_cells = {c.value: c.column for c in ws[h - 1] if c.value}
    assert list(theme_cells) == [t.name for t in themes_with_inds]
    merged = [range_boundaries(str(r)) for r in ws.merged_cells.ranges]
    for t in themes_with_inds:
        n = sum(1 for i in fw.dossier_indicators if i.theme == t.code)
        if n > 1:
            assert (theme_cells[t.name], h - 1, theme_cells[t.name] + n - 1, h - 1) in merged

    # One column per dossier-level indicator, in framework order.
    headers = [(c.column, c.value) for c in ws[h] if c.value]
    ind_headers = [(col, v) for col, v in headers if v not in ("Dossier", "Team")]
    matched = [match_indicator(v, fw) for _, v in ind_headers]
    assert [i.code if i else None for i in matched] == [i.code for i in fw.dossier_indicators]
    # Every header carries the indicator's decision rule as a comment; under the theme it belongs to.
    for (col, _), ind in zip(ind_headers, fw.dossier_indicators):
        comment = ws.cell(row=h, column=col).comment
        assert comment is not None
        assert "Beslisregel" in comment.text and ind.decision_rule.strip()[:60] in comment.text
        theme_col = max(c for c in theme_cells.values() if c <= col)
        assert [t.code for t in themes_with_inds if theme_cells[t.name] == theme_col] == [ind.theme]

    # A drop-down list with the scale's canonical values on every indicator cell.
    lists = [(f, s) for f, s in _validations(ws) if all(v in f for v in ("ja", "nee", "nvt", "onbekend"))]
    assert lists, "geen keuzelijst ja,nee,nvt,onbekend"
    formula, sqref = lists[0]
    assert formula.strip('"').split(",") == list(SCALE_VOCAB[fw.scale])
    for col, _ in ind_headers:
        letter = get_column_letter(col)
        for row in (h + 1, h + 100):
            assert _covered(sqref, f"{letter}{row}"), f"{letter}{row} valt buiten de keuzelijst"
    assert not _covered(sqref, f"A{h + 1}")  # the Dossier column is free text


def test_netwerk_sheet_prefilled_with_visit_level_indicators(template):
    fw, path = template
    ws = openpyxl.load_workbook(path)["Netwerk"]
    assert [c.value for c in ws[1]][:3] == ["Indicator", "Score", "Toelichting"]
    labels = [ws.cell(row=r, column=1).value for r in range(2, ws.max_row + 1) if ws.cell(row=r, column=1).value]
    assert [match_indicator(v, fw).code for v in labels] == [i.code for i in fw.visit_indicators]
    for r, ind in enumerate(fw.visit_indicators, 2):
        assert "Beslisregel" in ws.cell(row=r, column=1).comment.text
    if fw.visit_indicators:
        [(formula, sqref)] = [(f, s) for f, s in _validations(ws)]
        assert formula.strip('"').split(",") == list(SCALE_VOCAB[fw.scale])
        assert _covered(sqref, "B2") and _covered(sqref, f"B{len(fw.visit_indicators) + 1}")


def _fill(fw, src, dst):
    """Fill the template like an inspector: visit data, N_DOSSIERS dossiers, every Netwerk row."""
    wb = openpyxl.load_workbook(src)
    meta = wb["Onderzoek"]
    keys = _keys(meta)
    gemeente, datum = VISITS.get(fw.id, ("Utrecht", dt.datetime(2017, 5, 1)))
    meta.cell(row=keys["gemeente"], column=2, value=gemeente)
    meta.cell(row=keys["datum"], column=2, value=datum)
    meta.cell(row=keys["team"], column=2, value="Team Noord")
    values = list(SCALE_VOCAB[fw.scale])
    expected: dict[str, dict[str, int]] = {}
    if fw.dossier_indicators:
        ws = wb["Dossiers"]
        h = _header_row(ws)
        ind_cols = [c.column for c in ws[h] if c.value and c.value not in ("Dossier", "Team")]
        cycle = itertools.cycle(values[:3] + ["ja", "nee"])
        for d in range(N_DOSSIERS):
            ws.cell(row=h + 1 + d, column=1, value=f"TPL-{d + 1:02d}")
            for col, ind in zip(ind_cols, fw.dossier_indicators):
                v = next(cycle)
                ws.cell(row=h + 1 + d, column=col, value=v)
                expected.setdefault(ind.code, {}).setdefault(v, 0)
                expected[ind.code][v] += 1
    net = wb["Netwerk"]
    cycle = itertools.cycle(values)
    for r, ind in enumerate(fw.visit_indicators, 2):
        v = next(cycle)
        net.cell(row=r, column=2, value=v)
        expected[ind.code] = {v: 1}
    wb.save(dst)
    return expected


def test_filled_template_imports(template, db, tmp_path):
    fw, path = template
    filled = tmp_path / f"ingevuld-{fw.id}.xlsx"
    expected = _fill(fw, path, filled)

    result = do_import(db, filled)

    n_scores = N_DOSSIERS * len(fw.dossier_indicators) + len(fw.visit_indicators)
    n_dossiers = N_DOSSIERS if fw.dossier_indicators else 0
    assert result.status == "geimporteerd"
    assert (result.visits, result.dossiers, result.scores) == (1, n_dossiers, n_scores)
    assert count(db, "visit") == 1
    assert count(db, "dossier") == n_dossiers
    assert count(db, "score") == n_scores
    assert db.execute("SELECT count(*) FROM score WHERE dossier_id IS NULL").fetchall()[0][0] == len(fw.visit_indicators)
    assert db.execute("SELECT study_id, framework_id FROM study").fetchall() == [(fw.id, fw.id)]
    gemeente, datum = VISITS.get(fw.id, ("Utrecht", dt.datetime(2017, 5, 1)))
    assert db.execute("SELECT municipality_name, visit_date, kind, team FROM visit").fetchall() == [
        (gemeente, datum.date(), "onderzoek", "Team Noord")
    ]
    stored: dict[str, dict[str, int]] = {}
    for code, value, n in db.execute("SELECT indicator_code, value, count(*) FROM score GROUP BY ALL").fetchall():
        stored.setdefault(code, {})[value] = n
    assert stored == expected
    # The blank rows with drop-down lists and the empty Toelichting/Bevindingen/Aanbevelingen sheets add nothing.
    assert (count(db, "remark"), count(db, "finding"), count(db, "recommendation")) == (0, 0, 0)


def test_blank_template_is_refused_for_missing_date(template, db):
    fw, path = template
    exc = rejected(db, path)
    assert any(p.sheet == "Onderzoek" and "Datum" in p.message for p in errors(exc))


def test_unknown_kader_is_a_usage_error(tmp_path):
    proc = run_cli("template", "--kader", "xx-1999", "--out", tmp_path / "x.xlsx")
    assert proc.returncode == 2
    assert "onbekend kader" in proc.stderr and "kg-2017" in proc.stderr
    assert "Traceback" not in proc.stderr + proc.stdout
    assert not (tmp_path / "x.xlsx").exists()
