"""Tables as OpenDocument (.ods) where XLSX is offered: LibreOffice converts the escaped XLSX, and an independent
reader (python-calamine) finds the same cells, formulas still inert text."""

from __future__ import annotations

import io

import pandas as pd
from python_calamine import CalamineWorkbook

from exports import ods_bytes


def test_an_ods_download_holds_the_table_with_formula_cells_as_text():
    frame = pd.DataFrame({"gemeente": ["Goeree-Overflakkee", "Súdwest-Fryslân", "=HYPERLINK(\"http://x\")"],
                          "k": [2, 4, 5], "percentage": [14.3, 28.6, 50.0], "opmerking": ["-5 dossiers", "@lijst", "+1"]})
    data = ods_bytes({"Naleving": frame})
    assert data[:2] == b"PK" and b"application/vnd.oasis.opendocument.spreadsheet" in data[:200]
    book = CalamineWorkbook.from_filelike(io.BytesIO(data))
    assert book.sheet_names == ["Naleving"]
    rows = book.get_sheet_by_name("Naleving").to_python()
    assert rows[0] == ["gemeente", "k", "percentage", "opmerking"]
    assert rows[1] == ["Goeree-Overflakkee", 2, 14.3, "'-5 dossiers"]
    assert rows[2] == ["Súdwest-Fryslân", 4, 28.6, "'@lijst"]
    assert rows[3] == ["'=HYPERLINK(\"http://x\")", 5, 50.0, "'+1"]
    assert b"table:formula" not in _content(data)  # no cell became a formula


def _content(data: bytes) -> bytes:
    import zipfile

    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        return zf.read("content.xml")
