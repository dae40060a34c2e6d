"""OpenDocument workbooks (.ods) import like .xlsx, with the same defences (DESIGN §5, §6)."""

from __future__ import annotations

import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest

from conftest import do_import, kg_dossiers, kg_meta, make_workbook, problem_at, rejected, scores_of
from loaders.read import read_workbook


def to_ods(xlsx: Path) -> Path:
    """LibreOffice Calc saves the test-written .xlsx as .ods, as a LibreOffice user would."""
    profile = xlsx.parent / "lo-profiel"
    done = subprocess.run(["soffice", f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", "ods",
                           "--outdir", str(xlsx.parent), str(xlsx)], capture_output=True, timeout=180, check=False)
    out = xlsx.with_suffix(".ods")
    assert done.returncode == 0 and out.exists(), done.stderr
    return out


def test_ods_imports_the_same_rows_as_xlsx(tmp_path, db, empty_db_file):
    xlsx = make_workbook(tmp_path / "go.xlsx", kg_meta(), kg_dossiers(8),
                         extra_sheets={"Bevindingen": [["Thema", "Soort", "Tekst"], ["TT", "kan beter", "Praat met kinderen."]]})
    ods = to_ods(xlsx)
    assert ods.read_bytes()[:2] == b"PK"
    rows_x = {k: s.rows for k, s in read_workbook(xlsx, xlsx.read_bytes()).sheets.items()}
    rows_o = {k: s.rows for k, s in read_workbook(ods, ods.read_bytes()).sheets.items()}
    assert rows_o["dossiers"] == rows_x["dossiers"]
    assert rows_o["bevindingen"] == rows_x["bevindingen"]
    result = do_import(db, ods)
    from_ods = scores_of(db)
    assert len(from_ods) == 8 * 3
    other = tmp_path / "x.duckdb"
    shutil.copyfile(empty_db_file, other)
    from store.database import connect

    con = connect(other)
    try:
        do_import(con, xlsx)
        assert scores_of(con) == from_ods
    finally:
        con.close()
    assert result is not None


def test_ods_errors_name_the_cell(tmp_path, db):
    rows = kg_dossiers(6)
    rows[3][2] = "misschien"  # Dossiers!C4
    ods = to_ods(make_workbook(tmp_path / "fout.xlsx", kg_meta(), rows))
    exc = rejected(db, ods)
    assert "misschien" in problem_at(exc, "Dossiers!C4").message


def refusal(db, path: Path) -> str:
    return " ".join(str(p) for p in rejected(db, path).problems)


def _ods(path: Path, content: bytes, mimetype: bytes = b"application/vnd.oasis.opendocument.spreadsheet") -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr(zipfile.ZipInfo("mimetype"), mimetype)
        zf.writestr("content.xml", content)
    return path


HEAD = (b'<?xml version="1.0"?><office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        b'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
        b'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"><office:body><office:spreadsheet>')
TAIL = b"</office:spreadsheet></office:body></office:document-content>"


def test_bad_ods_refused_in_dutch(tmp_path, db):
    # A value repeated over 300,000 rows: tiny on disk, 300,000 rows for the reader.
    many = _ods(tmp_path / "veel.ods", HEAD + b'<table:table table:name="Dossiers"><table:table-row '
                b'table:number-rows-repeated="300000"><table:table-cell office:value-type="string"><text:p>ja</text:p>'
                b"</table:table-cell></table:table-row></table:table>" + TAIL)
    assert "blad Dossiers heeft 300.000 rijen; de grens is 200.000 rijen" in refusal(db, many)
    # Empty repeated rows (what LibreOffice writes below a table) cost nothing and are not refused by the scan.
    from loaders.ods_check import check_ods

    empty = HEAD + (b'<table:table table:name="Blad1"><table:table-row><table:table-cell office:value-type="string">'
                    b'<text:p>x</text:p></table:table-cell></table:table-row><table:table-row table:number-rows-repeated='
                    b'"1048575"><table:table-cell table:number-columns-repeated="1024"/></table:table-row></table:table>') + TAIL
    assert check_ods("leeg.ods", _ods(tmp_path / "leeg.ods", empty).read_bytes())["Blad1"].rows == 1
    # A zip bomb: a part that expands far beyond what it takes packed.
    bomb = _ods(tmp_path / "bom.ods", HEAD + b" " * (20 * 1024 * 1024) + TAIL)
    assert "zip-bom" in refusal(db, bomb)
    corrupt = tmp_path / "kapot.ods"
    corrupt.write_bytes(many.read_bytes()[:200])
    assert "beschadigd" in refusal(db, corrupt)
    text = tmp_path / "tekst.ods"
    _ods(text, HEAD + TAIL, mimetype=b"application/vnd.oasis.opendocument.text")
    assert "geen OpenDocument-werkblad" in refusal(db, text)
    for path in (many, bomb, corrupt, text):
        assert "Traceback" not in refusal(db, path)


@pytest.mark.parametrize("suffix", [".ods"])
def test_ods_not_a_zip(tmp_path, db, suffix):
    path = tmp_path / f"nep{suffix}"
    path.write_bytes(b"Dossier;TT1\n")
    assert "geen echt OpenDocument-werkblad" in refusal(db, path)


def test_formatted_empty_area_saved_by_libreoffice_imports(tmp_path, db):
    """LibreOffice writes a formatted column down to row 1,048,576 as repeated empty rows: no data, no refusal."""
    import openpyxl
    from openpyxl.styles import PatternFill

    xlsx = make_workbook(tmp_path / "opmaak.xlsx", kg_meta(), kg_dossiers(6))
    wb = openpyxl.load_workbook(xlsx)
    fill = PatternFill("solid", fgColor="FFFF00")
    wb["Dossiers"].column_dimensions["B"].fill = fill
    for row in range(1, 100_001, 1000):
        wb["Dossiers"].cell(row=row, column=5).fill = fill
    wb["Dossiers"].cell(row=1_048_576, column=3).fill = fill
    wb.save(xlsx)
    ods = to_ods(xlsx)
    with zipfile.ZipFile(ods) as zf:
        assert b'number-rows-repeated="9' in zf.read("content.xml")  # the empty area is there, as repeats
    do_import(db, ods)
    assert len(scores_of(db)) == 6 * 3
