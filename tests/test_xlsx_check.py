"""loaders.xlsx_check on zips written by hand: what a workbook declares is refused before anything expands it.

The zips here are built byte by byte with zipfile (and, for declared sizes, by editing the central directory), so
each limit is met exactly; every expected message is typed out in full, numbers worked out by hand.
"""

from __future__ import annotations

import io
import struct
import zipfile

import pytest

from loaders.problems import LoaderError
from loaders.xlsx_check import check_xlsx

WORKBOOK = (b'<?xml version="1.0"?><workbook xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
            b'<sheets><sheet name="Blad1" sheetId="1" r:id="rId1"/></sheets></workbook>')
RELS = b'<Relationships><Relationship Id="rId1" Target="worksheets/sheet1.xml"/></Relationships>'
MiB = 1024 * 1024


def sheet_xml(rows: str, dimension: str | None = None) -> bytes:
    dim = f'<dimension ref="{dimension}"/>' if dimension else ""
    return f'<?xml version="1.0"?><worksheet>{dim}<sheetData>{rows}</sheetData></worksheet>'.encode()


def xlsx(sheet: bytes, extra: dict[str, bytes] | None = None) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("xl/workbook.xml", WORKBOOK)
        zf.writestr("xl/_rels/workbook.xml.rels", RELS)
        zf.writestr("xl/worksheets/sheet1.xml", sheet)
        for member, data in (extra or {}).items():
            zf.writestr(member, data)
    return buf.getvalue()


def declare_sizes(data: bytes, member: str, compressed: int, expanded: int) -> bytes:
    """Rewrite one member's sizes in the central directory (what the check reads), leaving its bytes alone."""
    out = bytearray(data)
    pos = out.find(b"PK\x01\x02")
    while pos >= 0:
        name_len = struct.unpack_from("<H", out, pos + 28)[0]
        if out[pos + 46: pos + 46 + name_len].decode() == member:
            struct.pack_into("<II", out, pos + 20, compressed, expanded)
            return bytes(out)
        pos = out.find(b"PK\x01\x02", pos + 46)
    raise AssertionError(member)


def refusal(data: bytes) -> str:
    with pytest.raises(LoaderError) as info:
        check_xlsx("w.xlsx", data)
    return str(info.value)


GOOD_ROWS = '<row r="1"><c r="A1" t="inlineStr"><is><t>Dossier</t></is></c><c r="B1"><v>1</v></c></row>'


def test_a_plain_workbook_passes_and_its_extent_is_read():
    scans = check_xlsx("w.xlsx", xlsx(sheet_xml(GOOD_ROWS + '<row r="7"><c r="C7"><v>2</v></c></row>')))
    assert list(scans) == ["Blad1"]
    assert scans["Blad1"].rows == 7
    assert scans["Blad1"].formulas_without_value == []


def test_a_member_declared_over_300_mb_is_refused():
    # 320 MiB expanded from 310 MiB: a ratio near 1, so only the size limit applies.
    data = declare_sizes(xlsx(sheet_xml(GOOD_ROWS), {"xl/media/film.bin": b"x" * 100}),
                         "xl/media/film.bin", 310 * MiB, 320 * MiB)
    assert refusal(data) == ("w.xlsx: onderdeel xl/media/film.bin wordt uitgepakt 320 MB; de grens is 300 MB per "
                             "onderdeel. Splits het bestand per gemeente.")


def test_a_member_that_expands_over_100_times_is_refused():
    # 10 MiB from 51,200 bytes: 10,485,760 / 51,200 = 204.8 → "205 keer".
    data = declare_sizes(xlsx(sheet_xml(GOOD_ROWS), {"xl/media/bom.bin": b"x" * 100}),
                         "xl/media/bom.bin", 51_200, 10 * MiB)
    assert refusal(data) == ("w.xlsx: onderdeel xl/media/bom.bin wordt uitgepakt 10 MB, 205 keer zo groot als ingepakt; "
                             "dat is geen gewone werkmap (mogelijk een zip-bom). Kopieer de gegevens naar een nieuw sjabloon.")


def test_a_small_member_may_compress_well():
    # 1 MiB of zeros compresses about 1000×, but a part of at most 1 MiB is never a bomb.
    assert "Blad1" in check_xlsx("w.xlsx", xlsx(sheet_xml(GOOD_ROWS), {"xl/media/nul.bin": bytes(MiB)}))


def test_all_members_together_over_400_mb_are_refused():
    data = xlsx(sheet_xml(GOOD_ROWS), {"xl/media/a.bin": b"a" * 100, "xl/media/b.bin": b"b" * 100})
    data = declare_sizes(data, "xl/media/a.bin", 250 * MiB, 250 * MiB)
    data = declare_sizes(data, "xl/media/b.bin", 200 * MiB, 200 * MiB)
    # 450 MiB plus the three small XML parts (well under half a MiB): "450 MB".
    assert refusal(data) == "w.xlsx: uitgepakt 450 MB; de grens is 400 MB. Splits het bestand per gemeente."


@pytest.mark.parametrize("member", ["../buiten.xml", "/xl/absoluut.xml", "xl\\..\\..\\buiten.xml", "C:xl.xml"])
def test_a_member_with_a_path_outside_the_zip_is_refused(member):
    assert refusal(xlsx(sheet_xml(GOOD_ROWS), {member: b"<x/>"})) == (
        f"w.xlsx: bevat een onderdeel met een ongeldige naam ({member!r}); dit is geen gewone Excel-werkmap.")


def test_a_declared_dimension_over_the_row_limit_is_refused():
    data = xlsx(sheet_xml(GOOD_ROWS, dimension="A1:D250000"))
    assert refusal(data) == ("w.xlsx: blad Blad1 heeft 250.000 rijen; de grens is 200.000 rijen. "
                             "Verwijder lege rijen onder de tabel of splits het bestand.")


def test_the_furthest_cell_counts_the_cells_from_a1():
    # AE is column 31 (26 + 5); 31 × 200,000 = 6,200,000 cells, over 6,000,000.
    data = xlsx(sheet_xml(GOOD_ROWS + '<row r="200000"><c r="AE200000"><v>1</v></c></row>'))
    assert refusal(data) == (
        "w.xlsx: blad Blad1 loopt tot cel AE200000 (6.200.000 cellen vanaf A1); de grens is 6.000.000 cellen per blad. "
        "Verwijder cellen ver buiten de tabel (selecteer de lege kolommen en rijen en kies Verwijderen) en sla opnieuw op.")


def test_the_same_cell_one_column_nearer_passes():
    # AD is column 30: 30 × 200,000 = 6,000,000, exactly the limit.
    assert check_xlsx("w.xlsx", xlsx(sheet_xml(GOOD_ROWS + '<row r="200000"><c r="AD200000"><v>1</v></c></row>')))


def test_formulas_without_a_cached_value_are_named():
    rows = ('<row r="2"><c r="B2"><f>1+1</f></c><c r="C2"><f>2+2</f><v>4</v></c><c r="D2"><f>A1</f><v></v></c>'
            '<c r="E2" t="str"><f>""</f><v></v></c></row>')
    # B2 has no <v>, D2 an empty number; C2 holds 4 and E2 a cached empty text: those two are fine.
    assert refusal(xlsx(sheet_xml(GOOD_ROWS + rows))) == (
        "w.xlsx: formule zonder opgeslagen waarde (blad Blad1: B2, D2 (2 cel(len))): open het bestand in Excel en sla het op.")


def test_more_than_ten_formulas_are_cut_short():
    cells = "".join(f'<c r="{col}3"><f>1</f></c>' for col in "ABCDEFGHIJKL")  # 12 cells, A3..L3
    assert refusal(xlsx(sheet_xml(GOOD_ROWS + f'<row r="3">{cells}</row>'))) == (
        "w.xlsx: formule zonder opgeslagen waarde (blad Blad1: A3, B3, C3, D3, E3, F3, G3, H3, I3, J3 … (12 cel(len))): "
        "open het bestand in Excel en sla het op.")


def test_an_empty_zip_and_a_zip_without_workbook_are_refused():
    buf = io.BytesIO()
    zipfile.ZipFile(buf, "w").close()
    assert refusal(buf.getvalue()) == "w.xlsx: het zip-bestand is leeg; dit is geen Excel-werkmap."
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("word/document.xml", b"<w/>")
    assert refusal(buf.getvalue()) == ("w.xlsx: geen Excel-werkmap (xl/workbook.xml ontbreekt); "
                                       "sla het bestand op als .xlsx.")


def test_bytes_that_are_no_zip_are_refused():
    assert refusal(b"PK\x03\x04 maar verder niets") == (
        "w.xlsx: bestand is beschadigd en kan niet worden gelezen als Excel-werkmap.")
