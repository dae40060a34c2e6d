"""A corpus of bad and odd input: every file is generated here, large ones in tmp_path at test time.

Each refused kind states the Dutch message it must get (written out by hand, never taken from the
loader) and proves the database is unchanged: in process (import_file), through the command line
(`python -m loaders import …`: exit 1, no traceback) and, for a representative subset, through the
Importeren page under AppTest. Odd but valid input (UTF-16 with BOM, Windows-1252, mixed line
endings, formulas with a cached value, exactly 200,000 rows) must import, with the text decoded right.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import os
import re
import shutil
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import openpyxl
import pytest
from conftest import (
    VALID_BSN,
    do_import,
    errors,
    kg_dossiers,
    kg_meta,
    make_encrypted_xlsx,
    make_random_xlsx,
    make_truncated_xlsx,
    make_workbook,
    make_xls,
    rejected,
    run_cli,
    write_csv,
)

from loaders.csv_text import read_csv
from loaders.problems import ImportRejected
from html_tables import whole_tables
from store.database import connect, table_snapshot

CSV_HEADER = ["onderzoek", "kader", "datum", "gemeente", "dossier", "indicator", "score", "toelichting"]


def csv_row(dossier="GO-01", indicator="TT1", score="ja", note="", datum="11-10-2016", study="kg-2017") -> list:
    return [study, "kg-2017", datum, "Goeree-Overflakkee", dossier, indicator, score, note]


def good_csv_rows(n: int = 6) -> list[list]:
    """n dossiers × TT1..TT3, all judged: a file that imports cleanly."""
    rows = [CSV_HEADER]
    for i in range(1, n + 1):
        for k, code in enumerate(("TT1", "TT2", "TT3")):
            rows.append(csv_row(f"GO-{i:02d}", code, "ja" if (i + k) % 2 else "nee"))
    return rows


def csv_text(rows: list[list], sep: str = ";") -> str:
    buf = io.StringIO()
    csv.writer(buf, delimiter=sep, lineterminator="\r\n").writerows(rows)
    return buf.getvalue()


# --- xlsx surgery: rewrite members of a real workbook ---------------------------------------------


def rewrite_zip(src: Path, dst: Path, replace: dict[str, bytes] | None = None, extra: dict[str, bytes] | None = None,
                drop: tuple[str, ...] = ()) -> Path:
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            if info.filename in drop:
                continue
            data = (replace or {}).get(info.filename, zin.read(info))
            zout.writestr(info.filename, data)
        for name, data in (extra or {}).items():
            zout.writestr(name, data)
    return dst


def base_workbook(tmp: Path, **extra_sheets) -> Path:
    return make_workbook(tmp / "basis.xlsx", kg_meta(), kg_dossiers(), extra_sheets=extra_sheets or None)


def sheet_member(path: Path, title: str) -> str:
    """The zip member of a sheet as openpyxl numbers them (sheet1.xml is the first sheet)."""
    names = openpyxl.load_workbook(path, read_only=True).sheetnames
    return f"xl/worksheets/sheet{names.index(title) + 1}.xml"


def with_sheet_xml(tmp: Path, name: str, title: str, transform: Callable[[bytes], bytes]) -> Path:
    src = base_workbook(tmp, Toelichting=[["Dossier", "Indicator", "Toelichting"]])
    member = sheet_member(src, title)
    with zipfile.ZipFile(src) as z:
        xml = z.read(member)
    return rewrite_zip(src, tmp / name, replace={member: transform(xml)})


def stray_cell(tmp: Path, name: str, ref: str) -> Path:
    wb = openpyxl.load_workbook(base_workbook(tmp))
    ws = wb.create_sheet("Toelichting")
    ws.append(["Dossier", "Indicator", "Toelichting"])
    ws[ref] = "x"
    wb.save(tmp / name)
    return tmp / name


def rows_sheet(tmp: Path, name: str, rows: int, dimension: str | None = None, empty_cells: bool = True) -> Path:
    """Dossiers replaced by a sheet with `rows` rows that each hold one empty cell (a million-row paste of nothing)."""
    def transform(xml: bytes) -> bytes:
        body = b"".join(b'<row r="%d"><c r="A%d"/></row>' % (i, i) for i in range(2, rows + 1)) if empty_cells else b""
        head, rest = xml.split(b"<sheetData>", 1)
        data, tail = rest.split(b"</sheetData>", 1)
        if dimension:
            head = re.sub(rb'<dimension ref="[^"]*"/>', b'<dimension ref="%s"/>' % dimension.encode(), head)
        return head + b"<sheetData>" + data + body + b"</sheetData>" + tail
    return with_sheet_xml(tmp, name, "Dossiers", transform)


def last_cell_row(tmp: Path, name: str, row: int) -> Path:
    def transform(xml: bytes) -> bytes:
        extra = b'<row r="%d"><c r="A%d" t="inlineStr"><is><t>GO-99</t></is></c></row>' % (row, row)
        return xml.replace(b"</sheetData>", extra + b"</sheetData>")
    return with_sheet_xml(tmp, name, "Dossiers", transform)


def formulas_without_value(tmp: Path, name: str, cached: bool) -> Path:
    """Dossiers!B2:D3 as formulas, the way a script writes them (no cached value) or Excel does (with one)."""
    def transform(xml: bytes) -> bytes:
        for ref in ("B2", "C2", "D2", "B3", "C3", "D3"):
            value = b"<v>ja</v>" if cached else b""
            xml = re.sub(rb'<c r="%s"[^>]*>.*?</c>' % ref.encode(),
                         b'<c r="%s" t="str"><f>IF(1=1,"ja","nee")</f>%s</c>' % (ref.encode(), value), xml, flags=re.S)
        return xml
    return with_sheet_xml(tmp, name, "Dossiers", transform)


def truncated_sheet(tmp: Path, name: str) -> Path:
    return with_sheet_xml(tmp, name, "Dossiers", lambda xml: xml[: len(xml) // 2])


def shared_strings_bomb(tmp: Path, name: str) -> Path:
    src = base_workbook(tmp)
    text = b"<sst xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\">" + b"<si><t>" + b"a" * (60 * 1024 * 1024) + b"</t></si></sst>"
    return rewrite_zip(src, tmp / name, replace={}, extra={"xl/sharedStrings.xml": text})


def entity_bomb(tmp: Path, name: str) -> Path:
    """'Billion laughs': nested XML entities in the Dossiers sheet that would expand to 30 GB of text."""
    decl = b'<!DOCTYPE w [<!ENTITY a0 "lollollollollollollollollollol">' + b"".join(
        b'<!ENTITY a%d "%s">' % (i, b"&a%d;" % (i - 1) * 10) for i in range(1, 10)) + b"]>"

    def transform(xml: bytes) -> bytes:
        xml = re.sub(rb"^<\?xml[^>]*\?>", b"", xml)
        return b'<?xml version="1.0"?>' + decl + xml.replace(b">GO-01<", b">&a9;<", 1)
    return with_sheet_xml(tmp, name, "Dossiers", transform)


def path_traversal(tmp: Path, name: str) -> Path:
    return rewrite_zip(base_workbook(tmp), tmp / name, extra={"../../etc/evil.txt": b"x"})


def empty_zip(tmp: Path, name: str) -> Path:
    with zipfile.ZipFile(tmp / name, "w"):
        pass
    return tmp / name


def zip_without_workbook(tmp: Path, name: str) -> Path:
    with zipfile.ZipFile(tmp / name, "w") as z:
        z.writestr("word/document.xml", "<document/>")
    return tmp / name


def zip_encrypted_flag(tmp: Path, name: str) -> Path:
    """A workbook whose members are marked as zip-encrypted (flag bit 0), as old zip tools write them."""
    data = bytearray(base_workbook(tmp).read_bytes())
    for sig, offset in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
        for m in re.finditer(re.escape(sig), bytes(data)):
            data[m.start() + offset] |= 0x01
    (tmp / name).write_bytes(bytes(data))
    return tmp / name


def too_big(tmp: Path, name: str) -> Path:
    """A workbook carrying 26 MB of random bytes (an embedded picture, say): deflate cannot shrink them."""
    return rewrite_zip(base_workbook(tmp), tmp / name, extra={"xl/media/image1.bin": os.urandom(26 * 1024 * 1024)})


def workbook(tmp: Path, name: str, meta: dict | None = None, dossiers: list[list] | None = None, **sheets) -> Path:
    return make_workbook(tmp / name, kg_meta() if meta is None else meta, kg_dossiers() if dossiers is None else dossiers,
                         extra_sheets=sheets or None)


def text_cell(path: Path, sheet: str, ref: str, text: str) -> Path:
    """Put text that openpyxl would otherwise write as a formula (it starts with '=') into a cell as text."""
    wb = openpyxl.load_workbook(path)
    wb[sheet][ref] = text
    wb[sheet][ref].data_type = "s"
    wb.save(path)
    return path


def dossiers_with(cell_row: int, cell_col: int, value) -> list[list]:
    rows = kg_dossiers()
    rows[cell_row][cell_col] = value
    return rows


def csv_file(tmp: Path, name: str, rows: list[list] | None = None, *, text: str | None = None, encoding: str = "utf-8",
             raw: bytes | None = None) -> Path:
    if raw is None:
        raw = (csv_text(rows) if text is None else text).encode(encoding)
    (tmp / name).write_bytes(raw)
    return tmp / name


def long_field_csv(tmp: Path, name: str) -> Path:
    rows = good_csv_rows(1)
    rows[1][-1] = "x" * 140_000
    return csv_file(tmp, name, rows)


def many_rows_csv(tmp: Path, name: str, n: int) -> Path:
    head = ";".join(CSV_HEADER) + "\r\n"
    body = "".join(f"kg-2017;kg-2017;11-10-2016;Goeree-Overflakkee;GO-{i};TT1;ja;\r\n" for i in range(n))
    return csv_file(tmp, name, raw=(head + body).encode())


# --- the corpus of refused files --------------------------------------------------------------


@dataclass(frozen=True)
class Case:
    file: str
    make: Callable[[Path, str], Path]
    expect: tuple[str, ...]  # substrings of one error message, written out by hand


GOOD_CSV = csv_text(good_csv_rows())  # line 1 header; GO-01 TT1..TT3 on lines 2-4, GO-02 on 5-7, …


def edited(old: str, new: str, text: str = GOOD_CSV) -> str:
    """GOOD_CSV with one edit that must apply (a typo in `old` would silently test a good file)."""
    assert old in text, old
    return text.replace(old, new, 1)
CASES = [
    # the reader killed by a stray cell, zip bombs, row counts
    Case("xfd150000.xlsx", lambda t, n: stray_cell(t, n, "XFD150000"),
         ("blad Toelichting loopt tot cel XFD150000", "2.457.600.000 cellen vanaf A1", "de grens is 6.000.000 cellen")),
    Case("xfd3000.xlsx", lambda t, n: stray_cell(t, n, "XFD3000"), ("blad Toelichting loopt tot cel XFD3000", "49.152.000 cellen")),
    Case("gedeelde_teksten_bom.xlsx", shared_strings_bomb, ("onderdeel xl/sharedStrings.xml", "mogelijk een zip-bom")),
    Case("miljoen_lege_rijen.xlsx", lambda t, n: rows_sheet(t, n, 1_048_576), ("blad Dossiers heeft", "de grens is 200.000 rijen")),
    Case("twintig_miljoen.xlsx", lambda t, n: last_cell_row(t, n, 20_000_000), ("blad Dossiers heeft 20.000.000 rijen",)),
    Case("dimensie_1048576.xlsx", lambda t, n: rows_sheet(t, n, 7, dimension="A1:D1048576", empty_cells=False),
         ("blad Dossiers heeft 1.048.576 rijen", "de grens is 200.000 rijen")),
    Case("rij_200001.xlsx", lambda t, n: last_cell_row(t, n, 200_001), ("blad Dossiers heeft 200.001 rijen",)),
    # silent loss
    Case("formules.xlsx", lambda t, n: formulas_without_value(t, n, cached=False),
         ("formule zonder opgeslagen waarde", "blad Dossiers: B2, C2, D2, B3, C3, D3 (6 cel(len))",
          "open het bestand in Excel en sla het op")),
    Case("puntkomma_in_tekst.csv", lambda t, n: csv_file(t, n, text=edited(
        "GO-03;TT1;ja;", "GO-03;TT1;ja;kind niet gesproken; ouders wel")),
         ("rij 8 heeft 9 velden, de kopregel 8; staat er een ';' in een tekst zonder aanhalingstekens?",)),
    # tracebacks
    Case("utf16_zonder_bom.csv", lambda t, n: csv_file(t, n, raw=GOOD_CSV.encode("utf-16-le")), ("UTF-16 of UTF-32 zonder BOM",)),
    Case("lang_veld.csv", long_field_csv, ("rij 2 heeft een veld van 140.000 tekens; de grens is 32.767",)),
    # limits and checks
    Case("rijen_200001.csv", lambda t, n: many_rows_csv(t, n, 200_001),
         ("meer dan 200.000 gegevensrijen (regel 200002 is de 200.001e)", "de grens is 200.000 rijen")),
    Case("datum_2031.xlsx", lambda t, n: workbook(t, n, kg_meta(Datum=dt.datetime(2031, 5, 1))),
         ("datum 01-05-2031 ligt in de toekomst",)),
    Case("datum_1999.csv", lambda t, n: csv_file(t, n, [CSV_HEADER, csv_row(datum="12-11-1999")]), ("datum 12-11-1999 ligt vóór 2000",)),
    Case("gemengd.csv", lambda t, n: csv_file(t, n, text=edited(
        "kg-2017;kg-2017;11-10-2016;Goeree-Overflakkee;GO-02;TT1;nee;", "kg-2017,kg-2017,11-10-2016,Goeree-Overflakkee,GO-02,TT1,nee,")),
         ("het bestand mengt scheidingstekens: de kopregel gebruikt ';', 1 rij(en) gebruiken ','",)),
    Case("kopregel_gemengd.csv", lambda t, n: csv_file(t, n, text=edited(
        "onderzoek;kader;datum;gemeente", "onderzoek,kader,datum,gemeente")), ("mengt ';' en ',' als scheidingsteken",)),
    # privacy and formula injection
    Case("bsn_in_kader.xlsx", lambda t, n: workbook(t, n, kg_meta(Onderzoek="nieuw-1", Kader=VALID_BSN)),
         ("op een BSN lijkt", "het nummer wordt hier niet getoond")),
    Case(f"scores {VALID_BSN}.xlsx", lambda t, n: workbook(t, n, dossiers=dossiers_with(2, 3, "misschien")),
         ("'misschien' is geen geldige score voor indicator TT3",)),
    Case("hyperlink.xlsx", lambda t, n: text_cell(workbook(t, n), "Onderzoek", "B1", '=HYPERLINK("http://x","klik")'),
         ("onderzoekscode", "is geen geldige code: alleen letters, cijfers, '-', '_', '.' en spaties, hoogstens 60 tekens")),
    Case("hyperlink_formule.xlsx", lambda t, n: workbook(t, n, kg_meta(Onderzoek='=HYPERLINK("http://x","klik")')),
         ("formule zonder opgeslagen waarde (blad Onderzoek: B1 (1 cel(len)))",)),
    Case("hyperlink.csv", lambda t, n: csv_file(t, n, [CSV_HEADER, csv_row(study="@SUM(1+1)")]), ("is geen geldige code",)),
    Case("lange_code.xlsx", lambda t, n: workbook(t, n, kg_meta(Onderzoek="o" * 61)), ("hoogstens 60 tekens",)),
    Case("team_code.xlsx", lambda t, n: workbook(t, n, kg_meta(Team="wijk<team>")), ("team 'wijk<team>' is geen geldige code",)),
    # unreadable files
    Case("oud.xls", lambda t, n: make_xls(t / n), ("oud Excel-bestand (.xls)",)),
    Case("willekeurig.xlsx", lambda t, n: make_random_xlsx(t / n), ("beschadigd of geen echte Excel-werkmap",)),
    Case("half.xlsx", lambda t, n: make_truncated_xlsx(t / n), ("bestand is beschadigd en kan niet worden gelezen",)),
    Case("wachtwoord.xlsx", lambda t, n: make_encrypted_xlsx(t / n), ("met een wachtwoord beveiligd",)),
    Case("zip_versleuteld.xlsx", zip_encrypted_flag, ("met een wachtwoord beveiligd",)),
    Case("te_groot.xlsx", too_big, ("de grens is 25 MB",)),
    Case("leeg.xlsx", lambda t, n: csv_file(t, n, raw=b""), ("bestand is leeg",)),
    Case("rapport.pdf", lambda t, n: csv_file(t, n, raw=b"%PDF-1.7\n"), ("onbekend bestandstype '.pdf'",)),
    # more unreadable and malformed files
    Case("pad_uit_zip.xlsx", path_traversal, ("onderdeel met een ongeldige naam",)),
    Case("lege_zip.xlsx", empty_zip, ("het zip-bestand is leeg",)),
    Case("geen_werkmap.xlsx", zip_without_workbook, ("xl/workbook.xml ontbreekt",)),
    Case("blad_afgekapt.xlsx", truncated_sheet, ("blad Dossiers is beschadigd",)),
    Case("entiteiten_bom.xlsx", entity_bomb, ("blad Dossiers is beschadigd",)),
    Case("nul_tekens.csv", lambda t, n: csv_file(t, n, text=edited("GO-02;TT1", "GO-\x0002;TT1")),
         ("regel 5 bevat een NUL-teken",)),
    Case("alleen_kop.csv", lambda t, n: csv_file(t, n, [CSV_HEADER]), ("geen gegevens onder de kopregel",)),
    Case("dubbele_kop.csv", lambda t, n: csv_file(t, n, [CSV_HEADER + ["score"], csv_row() + ["ja"]]), ("kolom 'score' staat er twee keer",)),
    Case("bom_midden.csv", lambda t, n: csv_file(t, n, text=GOOD_CSV + "\ufeff" + GOOD_CSV.split("\r\n", 1)[1]),
         ("BOM-teken (U+FEFF) midden in het bestand",)),
    Case("te_weinig_velden.csv", lambda t, n: csv_file(t, n, text=edited(";GO-04;TT1;nee;", ";GO-04;TT1;")),
         ("rij 11 heeft 7 velden, de kopregel 8; ontbreken er velden",)),
    Case("tabs.csv", lambda t, n: csv_file(t, n, text=GOOD_CSV.replace(";", "\t")), ("gescheiden door tabs",)),
    Case("geen_codering.csv", lambda t, n: csv_file(t, n, raw=GOOD_CSV.encode() + b"\x81\x8d"),
         ("geen UTF-8 en geen Windows-1252",)),
    Case("alleen_lege_regels.csv", lambda t, n: csv_file(t, n, raw=b"\r\n\r\n;;;\r\n"), ("geen kopregel gevonden",)),
    Case("open_aanhalingsteken.csv", lambda t, n: csv_file(t, n, text=edited(";GO-05;TT1;ja;", ';GO-05;TT1;ja;"begint')),
         ("rij 14: een aanhalingsteken (\") wordt niet gesloten",)),
    Case("aanhalingsteken_midden.csv", lambda t, n: csv_file(t, n, text=edited(";GO-05;TT2;nee;", ';GO-05;TT2;nee;"zo"n')),
         ("rij 15: na een afsluitend aanhalingsteken",)),
    Case("lang_dossier.xlsx", lambda t, n: workbook(t, n, dossiers=dossiers_with(3, 0, "D" * 61)), ("langer dan 60 tekens",)),
    Case("dossier_regeleinde.xlsx", lambda t, n: workbook(t, n, dossiers=dossiers_with(3, 0, "GO\n03")), ("bevat een regeleinde",)),
    Case("aanbeveling_nr.xlsx", lambda t, n: workbook(t, n, Aanbevelingen=[["Nr", "Tekst"], [1e30, "Doe iets"]]),
         ("ligt niet tussen 1 en 9999",)),
    Case("datum_als_score.xlsx", lambda t, n: workbook(t, n, dossiers=dossiers_with(1, 1, dt.datetime(2016, 1, 1))),
         ("geen geldige score voor indicator TT1",)),
    Case("utf16_kapot.csv", lambda t, n: csv_file(t, n, raw=codecs.BOM_UTF16_LE + GOOD_CSV.encode("utf-16-le")[:-1]),
         ("zegt UTF-16 te zijn",)),
]


def _messages(exc: ImportRejected) -> list[str]:
    return [p.message for p in errors(exc)]


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> dict[str, Path]:
    """Every case's file, generated once for the in-process, CLI and page tests."""
    folder = tmp_path_factory.mktemp("corpus")
    files = {}
    for case in CASES:
        work = folder / f"werk-{len(files)}"
        work.mkdir()
        files[case.file] = case.make(work, case.file)
        assert files[case.file].name == case.file
    return files


# Where each refusal is reported, decided by hand from what the file is, independently of CASES: "bestand" when
# reading stops and the file as a whole is refused (no sheet or cell: it cannot be read, it is over a limit before
# any cell is looked at, or the CSV cannot be parsed past a line: a NUL byte, a quote that does not close or is
# followed by text), "plek" when reading goes on and the problem has a sheet cell or a CSV line (a row with the
# wrong number of fields or the other separator, a stray BOM, a bad value).
REFUSED_AS = {
    "xfd150000.xlsx": "bestand", "xfd3000.xlsx": "bestand", "gedeelde_teksten_bom.xlsx": "bestand",
    "miljoen_lege_rijen.xlsx": "bestand", "twintig_miljoen.xlsx": "bestand", "dimensie_1048576.xlsx": "bestand",
    "rij_200001.xlsx": "bestand", "formules.xlsx": "bestand", "puntkomma_in_tekst.csv": "plek",
    "utf16_zonder_bom.csv": "bestand", "lang_veld.csv": "plek", "rijen_200001.csv": "bestand",
    "datum_2031.xlsx": "plek", "datum_1999.csv": "plek", "gemengd.csv": "plek", "kopregel_gemengd.csv": "bestand",
    "bsn_in_kader.xlsx": "plek", f"scores {VALID_BSN}.xlsx": "plek", "hyperlink.xlsx": "plek",
    "hyperlink_formule.xlsx": "bestand", "hyperlink.csv": "plek", "lange_code.xlsx": "plek", "team_code.xlsx": "plek",
    "oud.xls": "bestand", "willekeurig.xlsx": "bestand", "half.xlsx": "bestand", "wachtwoord.xlsx": "bestand",
    "zip_versleuteld.xlsx": "bestand", "te_groot.xlsx": "bestand", "leeg.xlsx": "bestand", "rapport.pdf": "bestand",
    "pad_uit_zip.xlsx": "bestand", "lege_zip.xlsx": "bestand", "geen_werkmap.xlsx": "bestand",
    "blad_afgekapt.xlsx": "bestand", "entiteiten_bom.xlsx": "bestand", "nul_tekens.csv": "bestand",
    "alleen_kop.csv": "plek", "dubbele_kop.csv": "plek", "bom_midden.csv": "plek", "te_weinig_velden.csv": "plek",
    "tabs.csv": "bestand", "geen_codering.csv": "bestand", "alleen_lege_regels.csv": "plek",
    "open_aanhalingsteken.csv": "bestand", "aanhalingsteken_midden.csv": "bestand", "lang_dossier.xlsx": "plek",
    "dossier_regeleinde.xlsx": "plek", "aanbeveling_nr.xlsx": "plek", "datum_als_score.xlsx": "plek",
    "utf16_kapot.csv": "bestand",
}


def test_the_corpus_is_the_hand_written_list():
    assert sorted(c.file for c in CASES) == sorted(REFUSED_AS)
    assert len(REFUSED_AS) == 51  # counted by hand in the table above


@pytest.mark.parametrize("case", CASES, ids=[c.file for c in CASES])
def test_refused_in_process_with_dutch_message_and_nothing_written(db, corpus, case):
    exc = rejected(db, corpus[case.file])  # asserts the snapshot before == after
    matching = [p for p in errors(exc) if all(e in p.message for e in case.expect)]
    assert matching, _messages(exc)
    assert {"plek" if p.sheet or p.cell else "bestand" for p in matching} == {REFUSED_AS[case.file]}, matching
    shown = " ".join(str(p) for p in exc.problems) + str(exc)
    assert VALID_BSN not in shown and "Traceback" not in shown


def test_every_case_through_the_command_line(corpus, db_path, empty_db_file):
    shutil.copyfile(empty_db_file, db_path)
    con = connect(db_path)
    before = table_snapshot(con)
    con.close()
    proc = run_cli("import", *corpus.values(), "--db", db_path)
    assert proc.returncode == 1
    assert "Traceback" not in proc.stdout + proc.stderr
    assert VALID_BSN not in proc.stdout + proc.stderr
    lines = proc.stdout.splitlines()
    assert len([line for line in lines if ": geweigerd, " in line]) == len(REFUSED_AS)
    for case in CASES:
        shown = case.file.replace(VALID_BSN, "•••••••••")
        assert any(line.startswith(f"{shown}: geweigerd") for line in lines), (case.file, proc.stdout[-2000:])
        details = [line for line in lines if line.startswith(f"  FOUT {shown}")]
        assert any(all(e in d for e in case.expect) for d in details), (case.file, details)
    con = connect(db_path)
    assert table_snapshot(con) == before
    con.close()


def test_bsn_in_the_file_name_is_masked_and_the_number_never_shown(db, corpus):
    exc = rejected(db, corpus[f"scores {VALID_BSN}.xlsx"])
    assert exc.file == "scores •••••••••.xlsx"
    assert all(p.file == "scores •••••••••.xlsx" for p in exc.problems)


def test_bsn_in_kader_names_the_cell_not_the_number(db, corpus):
    exc = rejected(db, corpus["bsn_in_kader.xlsx"])
    cells = {f"{p.sheet}!{p.cell}" for p in errors(exc)}
    assert "Onderzoek!B2" in cells  # Kader is the second key of kg_meta
    assert all(VALID_BSN not in p.message for p in exc.problems)


# --- odd but valid: must import, with the text decoded as written --------------------------------

REMARK = "Één ouder gesproken; café-overleg “warm”"


def remark_rows() -> list[list]:
    rows = good_csv_rows()
    rows[1][-1] = REMARK
    return rows


VALID = [
    ("utf16_bom.csv", lambda t, n: csv_file(t, n, raw=codecs.BOM_UTF16_LE + csv_text(remark_rows()).encode("utf-16-le"))),
    ("utf16_be_bom.csv", lambda t, n: csv_file(t, n, raw=codecs.BOM_UTF16_BE + csv_text(remark_rows()).encode("utf-16-be"))),
    ("utf8_bom.csv", lambda t, n: csv_file(t, n, raw=codecs.BOM_UTF8 + csv_text(remark_rows()).encode())),
    ("cp1252.csv", lambda t, n: csv_file(t, n, raw=csv_text(remark_rows()).encode("cp1252"))),
    ("komma.csv", lambda t, n: csv_file(t, n, text=csv_text(remark_rows(), sep=","))),
    ("regeleinden.csv", lambda t, n: csv_file(t, n, text="\n".join(
        line if i % 3 else line + "\r" for i, line in enumerate(csv_text(remark_rows()).split("\r\n"))))),
    ("sep_regel.csv", lambda t, n: csv_file(t, n, text="sep=;\r\n" + csv_text(remark_rows()))),
    ("puntkomma_gequote.csv", lambda t, n: write_csv(t / n, remark_rows(), sep=";", encoding="utf-8")),
]


@pytest.mark.parametrize("name, make", VALID, ids=[v[0] for v in VALID])
def test_odd_but_valid_csv_imports_with_text_intact(db, tmp_path, name, make):
    result = do_import(db, make(tmp_path, name))
    assert (result.dossiers, result.scores, result.remarks) == (6, 18, 1)
    [(text,)] = db.execute("SELECT text FROM remark").fetchall()
    assert text == REMARK


def test_formulas_with_a_cached_value_import(db, tmp_path):
    result = do_import(db, formulas_without_value(tmp_path, "formules_met_waarde.xlsx", cached=True))
    # B2:D3 hold formulas whose cached value is 'ja': 6 of the 18 judgements come from them.
    assert result.scores == 18
    rows = db.execute("SELECT dossier_id, indicator_code, value FROM score WHERE dossier_id IN ('GO-01', 'GO-02') "
                      "ORDER BY 1, 2").fetchall()
    assert rows == [(d, c, "ja") for d in ("GO-01", "GO-02") for c in ("TT1", "TT2", "TT3")]


def test_exactly_200000_csv_rows_are_read_and_200001_refused(tmp_path):
    required = ("gemeente", "dossier", "indicator", "score")
    table = read_csv("ok.csv", many_rows_csv(tmp_path, "ok.csv", 200_000).read_bytes(), required)
    assert len(table.rows) == 200_001 and table.problems == []
    with pytest.raises(Exception) as info:
        read_csv("te.csv", many_rows_csv(tmp_path, "te.csv", 200_001).read_bytes(), required)
    assert "de grens is 200.000 rijen" in str(info.value)


# --- the Importeren page (AppTest) -------------------------------------------------------------

PAGE_SUBSET = ["xfd150000.xlsx", "formules.xlsx", "puntkomma_in_tekst.csv", "utf16_zonder_bom.csv", "hyperlink.xlsx",
               f"scores {VALID_BSN}.xlsx", "blad_afgekapt.xlsx", "gemengd.csv"]


def test_representative_cases_through_the_importeren_page(corpus, tmp_path, empty_db_file, monkeypatch):
    from streamlit.testing.v1 import AppTest

    from conftest import REPO

    db_file = tmp_path / "pagina.duckdb"
    shutil.copyfile(empty_db_file, db_file)
    monkeypatch.setenv("TOEZICHT_DB", str(db_file))
    from pages.common import connection

    connection.clear()
    try:
        at = AppTest.from_file(str(REPO / "app.py"), default_timeout=120).run()
        at.switch_page("pages/importeren.py").run()
        before = table_snapshot(connection().cursor())
        for name in PAGE_SUBSET:
            case = next(c for c in CASES if c.file == name)
            at.file_uploader[0].set_value([(name, corpus[name].read_bytes(), "application/octet-stream")])
            at.run()
            assert not at.exception, name
            shown = [str(e.value) for e in at.error] + [str(m.value) for m in at.markdown]
            for frame in at.dataframe:
                shown += [str(v) for v in frame.value.astype(str).to_numpy().ravel()]
            for frame in whole_tables(at):  # the problem report: whole texts, read as the user sees them
                shown += [str(v) for v in frame.astype(str).to_numpy().ravel()]
            text = "\n".join(shown)
            assert any(all(e in line for e in case.expect) for line in shown), (name, text[:1500])
            assert "Traceback" not in text and VALID_BSN not in text
        assert table_snapshot(connection().cursor()) == before
    finally:
        connection().close()
        connection.clear()


# --- the reading child: a blow-up or an endless parse is a Dutch message, and this process lives on ---


def long_sheet(tmp: Path, name: str, rows: int) -> Path:
    """Dossiers with `rows` filled rows, written as XML directly (openpyxl would take seconds)."""
    def transform(xml: bytes) -> bytes:
        body = b"".join(b'<row r="%d"><c r="A%d" t="inlineStr"><is><t>D-%d</t></is></c><c r="B%d" t="inlineStr"><is><t>ja</t></is></c></row>'
                        % (i, i, i, i) for i in range(8, rows + 1))
        return xml.replace(b"</sheetData>", body + b"</sheetData>")
    return with_sheet_xml(tmp, name, "Dossiers", transform)


def test_reader_over_its_memory_limit_answers_in_dutch(tmp_path):
    from loaders.problems import LoaderError
    from loaders.read import read_workbook

    path = long_sheet(tmp_path, "veel.xlsx", 150_000)
    data = path.read_bytes()
    assert len(read_workbook(path, data).sheet("Dossiers").rows) == 150_000  # within the normal limit it reads
    # Python and the reader library take about 20 MB; 150,000 rows of cells do not fit in 48 MB.
    with pytest.raises(LoaderError) as info:
        read_workbook(path, data, memory_bytes=48 * 1024 * 1024)
    assert "kon niet veilig worden gelezen (meer dan 48 MB geheugen nodig" in str(info.value)


def test_reader_over_its_cpu_limit_answers_in_dutch(tmp_path):
    from loaders.problems import LoaderError
    from loaders.read import read_workbook

    path = make_workbook(tmp_path / "traag.xlsx", kg_meta(), kg_dossiers(3000))
    with pytest.raises(LoaderError) as info:
        read_workbook(path, path.read_bytes(), cpu_seconds=0)
    assert "het lezen kostte meer dan 0 seconden rekentijd en is afgebroken" in str(info.value)
