"""Showing text from workbooks (remarks, findings) safely in Streamlit markdown."""

from __future__ import annotations

import re

# Markdown and Streamlit directive characters: escaped so a remark like "![x](http://…)" or ":red[…]" stays plain
# text (no external image request, no styling) — remarks are the inspector's words, shown verbatim.
_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>:~$])")


def md_escape(text) -> str:
    """`text` as literal markdown text; None and NaN become ''."""
    if text is None or (isinstance(text, float) and text != text):
        return ""
    return _SPECIAL.sub(r"\\\1", str(text)).replace("\n", "  \n")
