"""Showing text from workbooks (remarks, findings) safely in Streamlit markdown."""

from __future__ import annotations

import re

# Markdown and Streamlit directive characters: escaped so a remark like "![x](http://…)" or ":red[…]" stays plain
# text (no external image request, no styling) — remarks are the inspector's words, shown verbatim.
_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>:~$])")


# Streamlit rewrites ":material/" in the markdown source before parsing (an escaped colon does not stop it), so the
# slash after "material" is escaped too: the source no longer holds ":material/", and the reader still sees it.
_MATERIAL = re.compile(r"(?i)(?<=material)/")


def md_escape(text) -> str:
    """`text` as literal markdown text; None and NaN become ''."""
    if text is None or (isinstance(text, float) and text != text):
        return ""
    return _MATERIAL.sub(r"\\/", _SPECIAL.sub(r"\\\1", str(text))).replace("\n", "  \n")
