"""The one BSN rule (reference.vocab): detect and mask, in cells, messages, file names and the import history.

Every expectation below was worked out by hand with the 11-proef (weights 9..2 and -1, sum divisible by 11):
  111222333: 9+8+7+12+10+8+9+6-3 = 66 = 6*11            → a BSN
  999999990: 9*(9+8+7+6+5+4+3+2) - 0 = 396 = 36*11       → a BSN
  123456789: 9+16+21+24+25+24+21+16-9 = 147 = 13*11 + 4  → not a BSN
  000000000: sum 0, but all zeros is never issued        → not a BSN
"""

from __future__ import annotations

import pytest

from conftest import kg_dossiers, kg_meta, make_workbook, run_cli
from reference.vocab import BSN_MASK, looks_like_bsn, mask_bsn, passes_elfproef, safe_echo
from store.database import connect, table_snapshot

M = "•••••••••"  # the mask, typed here rather than read from the module under test

# (text, looks like a BSN, masked text)
CASES = [
    ("111222333", True, M),
    ("111 222 333", True, M),
    ("111.222.333", True, M),
    ("999 999 990", True, M),
    ("dossier 111222333 van de cliënt", True, f"dossier {M} van de cliënt"),
    ("bsn: 111.222.333.", True, f"bsn: {M}."),
    ("111222333 en 999.999.990", True, f"{M} en {M}"),
    ("wijchen 111 222 333.xlsx", True, f"wijchen {M}.xlsx"),
    ("wijchen_111222333.xlsx", True, f"wijchen_{M}.xlsx"),
    ("scores-111.222.333-v2.csv", True, f"scores-{M}-v2.csv"),
    ("123456789", False, "123456789"),  # fails the 11-proef
    ("123 456 789", False, "123 456 789"),
    ("scores 123456789.xlsx", False, "scores 123456789.xlsx"),
    ("000000000", False, "000000000"),
    ("1112223330", False, "1112223330"),  # ten digits: part of a longer number
    ("0111222333", False, "0111222333"),
    ("111 222 3334", False, "111 222 3334"),
    ("111  222  333", False, "111  222  333"),  # groups are split by one space or dot only
    ("11122233", False, "11122233"),  # eight digits
    ("dossier GO-01 op 2019-04-08", False, "dossier GO-01 op 2019-04-08"),
]


@pytest.mark.parametrize(("text", "is_bsn", "masked"), CASES)
def test_bsn_rule_on_text(text, is_bsn, masked):
    assert looks_like_bsn(text) is is_bsn
    assert mask_bsn(text) == masked


@pytest.mark.parametrize(
    ("value", "is_bsn"),
    [(111222333, True), (111222333.0, True), (999999990, True), (123456789, False), (111222333.5, False),
     (None, False), (True, False), (0, False)],
)
def test_bsn_rule_on_numbers(value, is_bsn):
    assert looks_like_bsn(value) is is_bsn


@pytest.mark.parametrize(("digits", "passes"), [("111222333", True), ("999999990", True), ("123456789", False),
                                                 ("000000000", False), ("11122233", False), ("1112223330", False)])
def test_elfproef(digits, passes):
    assert passes_elfproef(digits) is passes


def test_mask_constant_and_safe_echo():
    assert BSN_MASK == M
    assert safe_echo("111 222 333") == M
    assert safe_echo(111222333) == M


FORBIDDEN = ("111222333", "111 222 333", "111.222.333")


def _assert_no_bsn(text: str) -> None:
    for digits in FORBIDDEN:
        assert digits not in text, f"BSN {digits} getoond in: {text!r}"


def test_cli_never_prints_or_stores_a_spaced_bsn_file_name(tmp_path, db_path):
    wb = make_workbook(tmp_path / "wijchen 111 222 333.xlsx", kg_meta(), kg_dossiers(6))

    proc = run_cli("import", wb, "--db", db_path)

    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert f"wijchen {M}.xlsx: geïmporteerd" in proc.stdout
    _assert_no_bsn(proc.stdout + proc.stderr)
    con = connect(db_path)
    try:
        assert con.execute("SELECT file_name FROM import_log").fetchall() == [(f"wijchen {M}.xlsx",)]
        _assert_no_bsn(repr(table_snapshot(con)))
    finally:
        con.close()


def test_cli_masks_a_dotted_bsn_in_refusals(tmp_path, db_path):
    refused = make_workbook(tmp_path / "wijchen 111.222.333.xlsx", kg_meta(Datum=None), kg_dossiers(6))
    missing = tmp_path / "nijmegen 111 222 333.xlsx"

    proc = run_cli("import", refused, "--db", db_path)
    gone = run_cli("import", missing, "--db", db_path)

    assert proc.returncode == 1 and gone.returncode == 2
    assert f"wijchen {M}.xlsx: geweigerd" in proc.stdout
    assert f"nijmegen {M}.xlsx bestaat niet" in gone.stderr
    for p in (proc, gone):
        _assert_no_bsn(p.stdout + p.stderr)
