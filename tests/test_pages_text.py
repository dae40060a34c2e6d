"""pages.text.md_escape: workbook text (remarks, findings) is shown literally, never as markdown, HTML, LaTeX or a
Streamlit directive. Expected strings are written out by hand."""

import math
import re

import pytest

from pages.text import md_escape

CASES = [
    ("gewoon tekst", "gewoon tekst"),
    ("![x](http://evil.example/p.png)", r"\!\[x\]\(http\://evil\.example/p\.png\)"),
    ("**vet** en _schuin_", r"\*\*vet\*\* en \_schuin\_"),
    ("# kop", r"\# kop"),
    ("<img src=x onerror=alert(1)>", r"\<img src=x onerror=alert\(1\)\>"),
    ("<b>vet</b>", r"\<b\>vet\</b\>"),
    ("$x^2$ en $$\\frac{1}{2}$$", r"\$x^2\$ en \$\$\\frac\{1\}\{2\}\$\$"),
    (":red[rood] :material/home:", r"\:red\[rood\] \:material\/home\:"),
    ("`code` ~~weg~~ | tabel |", r"\`code\` \~\~weg\~\~ \| tabel \|"),
    ("- lijst\n+ punt", "\\- lijst  \n\\+ punt"),
    ("1. eerste", r"1\. eerste"),
]


@pytest.mark.parametrize("payload, expected", CASES)
def test_payloads_come_out_escaped(payload, expected):
    assert md_escape(payload) == expected


@pytest.mark.parametrize("payload", [c[0] for c in CASES])
def test_every_special_character_is_escaped_and_nothing_is_lost(payload):
    escaped = md_escape(payload)
    # remove the escapes: the original text, line breaks aside
    assert re.sub(r"\\(.)", r"\1", escaped).replace("  \n", "\n") == payload
    # no markdown, HTML, LaTeX or directive character is left without its backslash
    bare = re.sub(r"\\.", "", escaped)
    assert not set(bare) & set("\\`*_{}[]()#+-.!|<>:~$")


@pytest.mark.parametrize("empty", [None, float("nan"), math.nan])
def test_missing_text_is_empty(empty):
    assert md_escape(empty) == ""


def test_numbers_are_text():
    assert md_escape(12.5) == r"12\.5"
