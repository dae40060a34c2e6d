"""Read the whole-text tables (pages.common.whole_texts: HTML in st.html) of an AppTest run back as data frames."""

from __future__ import annotations

from html.parser import HTMLParser

import pandas as pd


class _Tables(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tables: list[dict] = []
        self.cell: list[str] | None = None
        self.href: str | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "table" and "hele-teksten" in (attrs.get("class") or ""):
            self.tables.append({"head": [], "rows": [], "hrefs": []})
        elif not self.tables:
            return
        elif tag == "tr":
            self.tables[-1]["rows"].append([])
            self.tables[-1]["hrefs"].append([])
        elif tag in ("td", "th"):
            self.cell, self.href = [], None
        elif tag == "a" and self.cell is not None:
            self.href = attrs.get("href")

    def handle_data(self, data):
        if self.cell is not None:
            self.cell.append(data)

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self.cell is not None and self.tables:
            table = self.tables[-1]
            text = "".join(self.cell)
            if tag == "th":
                table["head"].append(text)
            else:
                table["rows"][-1].append(text)
                table["hrefs"][-1].append(self.href)
            self.cell = None


def whole_tables(at, hrefs: bool = False) -> list[pd.DataFrame]:
    """Every whole-text table of the run, in page order; with `hrefs`, a link cell holds its href instead of its text."""
    frames = []
    for element in at.get("html"):
        parser = _Tables()
        parser.feed(element.proto.body)
        for table in parser.tables:
            rows = [r for r in table["rows"] if r]
            links = [h for h, r in zip(table["hrefs"], table["rows"]) if r]
            if hrefs:
                rows = [[h or v for v, h in zip(r, hs)] for r, hs in zip(rows, links)]
            frames.append(pd.DataFrame(rows, columns=table["head"]))
    return frames
