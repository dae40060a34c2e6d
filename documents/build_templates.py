"""Writes the default templates in data/sjablonen/ (run: python -m documents.build_templates).

The shipped .docx files are the result; an organisation edits a copy in Word or LibreOffice Writer (house style,
logo, colophon, fixed texts) and keeps the placeholders between {{ }} and the {% %} lines. This script only exists
to make the default reproducible; nothing reads it at run time.
"""

from __future__ import annotations


from docx import Document
from docx.enum.text import WD_BREAK
from docx.oxml import OxmlElement
from docx.shared import Cm, Pt, RGBColor

from reference.paths import DATA_DIR

TEMPLATE_DIR = DATA_DIR / "sjablonen"
GREY = RGBColor(0x55, 0x55, 0x55)
ACCENT = RGBColor(0x1F, 0x4E, 0x79)


def _base() -> Document:
    doc = Document()
    for section in doc.sections:
        section.page_width, section.page_height = Cm(21), Cm(29.7)
        section.left_margin = section.right_margin = Cm(2.2)
        section.top_margin, section.bottom_margin = Cm(2.2), Cm(2)
    normal = doc.styles["Normal"]
    normal.font.name, normal.font.size = "Arial", Pt(10)
    normal.paragraph_format.space_after = Pt(6)
    for name, size in (("Title", 24), ("Heading 1", 16), ("Heading 2", 13), ("Heading 3", 11)):
        style = doc.styles[name]
        style.font.name, style.font.size, style.font.color.rgb = "Arial", Pt(size), ACCENT
    return doc


def _p(doc, text: str, style: str | None = None, size: float | None = None, bold: bool = False,
       italic: bool = False, colour: RGBColor | None = None):
    p = doc.add_paragraph(style=style)
    run = p.add_run(text)
    run.bold, run.italic = bold, italic
    if size:
        run.font.size = Pt(size)
    if colour is not None:
        run.font.color.rgb = colour
    return p


def _page_break(doc) -> None:
    doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)


def _status_header(doc, text: str) -> None:
    for section in doc.sections:
        header = section.header.paragraphs[0]
        run = header.add_run(text)
        run.font.size, run.font.color.rgb, run.bold = Pt(8), GREY, True
        footer = section.footer.paragraphs[0]
        run = footer.add_run("{{ voettekst }}")
        run.font.size, run.font.color.rgb = Pt(8), GREY


def _row_flags(row, header: bool = False) -> None:
    """Rows never split over two pages; the header row repeats on every page the table spans."""
    properties = row._tr.get_or_add_trPr()
    properties.append(OxmlElement("w:cantSplit"))
    if header:
        properties.append(OxmlElement("w:tblHeader"))


def _table(doc, headers: list[str], cells: list[str], loop: str, widths_cm: list[float]) -> None:
    """A table with a header row and one template row repeated by {%tr for … %}."""
    table = doc.add_table(rows=4, cols=len(headers))
    table.style = "Table Grid"
    table.autofit = False
    for column, width in zip(table.columns, widths_cm):
        column.width = Cm(width)  # the grid: what LibreOffice and Word lay out by
    _row_flags(table.rows[0], header=True)
    _row_flags(table.rows[2])
    for cell, text in zip(table.rows[0].cells, headers):
        cell.text = ""
        run = cell.paragraphs[0].add_run(text)
        run.bold, run.font.size = True, Pt(8.5)
    table.rows[1].cells[0].text = f"{{%tr for r in {loop} %}}"
    for cell, text in zip(table.rows[2].cells, cells):
        cell.text = ""
        cell.paragraphs[0].add_run(text).font.size = Pt(8.5)
    table.rows[3].cells[0].text = "{%tr endfor %}"
    for row in table.rows:
        for cell, width in zip(row.cells, widths_cm):
            cell.width = Cm(width)


def report_template() -> Document:
    doc = _base()
    _status_header(doc, "{{ status }} — {{ titel }}")
    # Title page
    _p(doc, "{{ organisatie }}", size=11, colour=GREY)
    doc.add_paragraph()
    _p(doc, "{{ titel }}", style="Title")
    _p(doc, "{{ ondertitel }}", size=13)
    doc.add_paragraph()
    _p(doc, "{{ status }}", size=20, bold=True, colour=RGBColor(0xB0, 0x1E, 0x1E))
    _p(doc, "{{ status_toelichting }}", italic=True, colour=GREY)
    _p(doc, "{{ herkomst }}", italic=True, size=9, colour=GREY)
    _page_break(doc)
    doc.add_heading("1 Inleiding", level=1)
    _p(doc, "{%p for alinea in inleiding %}")
    _p(doc, "{{ alinea }}")
    _p(doc, "{%p endfor %}")
    doc.add_heading("2 Resultaten", level=1)
    _p(doc, "{%p for thema in themas %}")
    doc.add_heading("2.{{ loop.index }} {{ thema.naam }}", level=2)
    _p(doc, "{%p if thema.gaat_goed %}")
    doc.add_heading("Wat gaat goed", level=3)
    _p(doc, "{%p for tekst in thema.gaat_goed %}")
    _p(doc, "{{ tekst }}", style="List Bullet")
    _p(doc, "{%p endfor %}")
    _p(doc, "{%p endif %}")
    _p(doc, "{%p if thema.kan_beter %}")
    doc.add_heading("Wat kan beter", level=3)
    _p(doc, "{%p for tekst in thema.kan_beter %}")
    _p(doc, "{{ tekst }}", style="List Bullet")
    _p(doc, "{%p endfor %}")
    _p(doc, "{%p endif %}")
    doc.add_heading("In cijfers", level=3)
    _p(doc, "{%p for zin in thema.zinnen %}")
    _p(doc, "{{ zin }}")
    _p(doc, "{%p endfor %}")
    _p(doc, "{{ thema.samenvatting }}", italic=True)
    _p(doc, "{%p if thema.figuur %}")
    _p(doc, "{{ thema.figuur }}")
    _p(doc, "{{ thema.bijschrift }}", style="Caption")
    _p(doc, "{%p endif %}")
    _p(doc, "{%p endfor %}")
    doc.add_heading("3 Conclusie", level=1)
    _p(doc, "{{ conclusie }}", italic=True, colour=RGBColor(0xB0, 0x1E, 0x1E))
    doc.add_heading("4 Aanbevelingen", level=1)
    _p(doc, "{%p if aanbevelingen %}")
    _p(doc, "{%p for a in aanbevelingen %}")
    _p(doc, "{{ a.nr }}. {{ a.tekst }}")
    _p(doc, "{%p endfor %}")
    _p(doc, "{%p else %}")
    _p(doc, "[Geen aanbevelingen in de werkmap (blad Aanbevelingen).]", italic=True, colour=GREY)
    _p(doc, "{%p endif %}")
    doc.add_heading("5 Vervolg", level=1)
    _p(doc, "{{ vervolg_tekst }}")
    _p(doc, "{%p if vervolg_rijen %}")
    _table(doc, ["Indicator", "Eerst", "Daarna", "Verschil (pp)", "95%-interval (pp)", "Uitspraak"],
           ["{{ r.indicator }} {{ r.label }}", "{{ r.van }}", "{{ r.naar }}", "{{ r.verschil }}", "{{ r.interval }}",
            "{{ r.uitspraak }}"], "vervolg_rijen", [5.4, 1.8, 1.8, 1.8, 2.6, 3.2])
    _p(doc, "{%p endif %}")
    _page_break(doc)
    doc.add_heading("Bijlage 1 Toezichtkader", level=1)
    _p(doc, "{{ kader_bron }}", italic=True, size=9, colour=GREY)
    _p(doc, "{%p for item in kader %}")
    _p(doc, "{%p if item.nieuw_thema %}")
    doc.add_heading("{{ item.thema }}", level=2)
    _p(doc, "{%p endif %}")
    _p(doc, "{{ item.code }} {{ item.tekst }}", bold=True)
    _p(doc, "Operationalisering: {{ item.operationalisering }}{% if item.operationalisering_herkomst %} ({{ item.operationalisering_herkomst }}){% endif %}", size=9)
    _p(doc, "Beslisregel: {{ item.beslisregel }}{% if item.beslisregel_herkomst %} ({{ item.beslisregel_herkomst }}){% endif %}", size=9)
    _p(doc, "{%p endfor %}")
    _page_break(doc)
    doc.add_heading("Bijlage 2 Cijfers per indicator", level=1)
    _p(doc, "{{ tabel_toelichting }}", italic=True, size=9, colour=GREY)
    _table(doc, ["Indicator", "k van n", "%", "95%-interval", "nvt", "onbekend", "Onderzoek", "Vergelijking"],
           ["{% if r.gemeente %}{{ r.gemeente }}: {% endif %}{{ r.indicator }} {{ r.label }}", "{{ r.oordeel }}",
            "{{ r.percentage }}", "{{ r.interval }}", "{{ r.nvt }}", "{{ r.onbekend }}", "{{ r.benchmark }}",
            "{{ r.vergelijking }}{% if r.klein %}, {{ r.klein }}{% endif %}"],
           "tabel", [4.2, 1.6, 1.3, 2.3, 0.9, 1.9, 2.0, 2.4])
    return doc


def _bullet_with_label(doc, label: str, text: str) -> None:
    p = doc.add_paragraph(style="List Bullet")
    p.add_run(label).bold = True
    p.add_run(text)


def _findings_block(doc, items: str, empty: str) -> None:
    _p(doc, f"{{%p for b in {items} %}}")
    _bullet_with_label(doc, "{{ b.soort }}: ", "{{ b.tekst }}")
    _p(doc, "{{ b.bron }}", italic=True, size=9, colour=GREY)
    _p(doc, "{%p endfor %}")
    _p(doc, f"{{%p if not {items} %}}")
    _p(doc, "{{ " + empty + " }}", italic=True, size=9, colour=GREY)
    _p(doc, "{%p endif %}")


def _figure_block(doc, figure: str) -> None:
    _p(doc, f"{{%p if {figure}.afbeelding %}}")
    _p(doc, f"{{{{ {figure}.afbeelding }}}}")
    _p(doc, "{%p else %}")
    _p(doc, f"{{{{ {figure}.ontbreekt }}}}", italic=True, size=9, colour=GREY)
    _p(doc, "{%p endif %}")
    caption = doc.add_paragraph(style="Caption")
    caption.add_run(f"{{{{ {figure}.kop }}}}").bold = True
    _p(doc, f"{{{{ {figure}.bijschrift }}}}")
    _p(doc, f"{{{{ {figure}.bron }}}}", italic=True, size=9, colour=GREY)


def jaarbeeld_template() -> Document:
    doc = _base()
    doc.sections[0].left_margin = doc.sections[0].right_margin = Cm(2)  # 17 cm text width: two-column figures fit
    _status_header(doc, "{{ titel }} — concept")
    _p(doc, "{{ titel }}", style="Title")
    _p(doc, "{{ toelichting }}", italic=True, colour=GREY)
    doc.add_heading("Toezicht in {{ jaar }}", level=1)
    _p(doc, "{%p for o in onderzoeken %}")
    _p(doc, "{{ o }}", style="List Bullet")
    _p(doc, "{%p endfor %}")
    _p(doc, "{%p if not onderzoeken %}")
    _p(doc, "Geen onderzoeken met veldwerk in {{ jaar }}.")
    _p(doc, "{%p endif %}")
    _p(doc, "{{ methode }}")
    _p(doc, "{%p if overzicht %}")
    _figure_block(doc, "overzicht")
    _p(doc, "{%p endif %}")
    _p(doc, "{%p for s in secties %}")
    _page_break(doc)
    doc.add_heading("{{r s.kop }}", level=1)
    doc.add_heading("Risico's en knelpunten in de praktijk — bevindingen uit het toezicht", level=2)
    _findings_block(doc, "s.risicos", "s.risicos_leeg")
    doc.add_heading("In cijfers", level=2)
    _p(doc, "{%p if not s.figuren %}")
    _p(doc, "{{ s.figuren_leeg }}", italic=True, size=9, colour=GREY)
    _p(doc, "{%p endif %}")
    _p(doc, "{%p for f in s.figuren %}")
    _figure_block(doc, "f")
    _p(doc, "{%p endfor %}")
    doc.add_heading("Toezichtkader", level=2)
    _p(doc, "{%p if not s.kader %}")
    _p(doc, "{{ s.kader_leeg }}", italic=True, size=9, colour=GREY)
    _p(doc, "{%p endif %}")
    _p(doc, "{%p for k in s.kader %}")
    _p(doc, "{{ k.kadernaam }}", style="Heading 3")
    _p(doc, "{%p for i in k.indicatoren %}")
    _bullet_with_label(doc, "{{ i.code }} ", "{{ i.tekst }}")
    _p(doc, "{%p endfor %}")
    _p(doc, "{%p endfor %}")
    doc.add_heading("Kansen: hoe kan het anders?", level=2)
    _p(doc, "[Door de auteur te schrijven. Aanknopingspunten uit wat goed gaat in het toezicht van dit jaar:]",
       italic=True, size=9, colour=GREY)
    _findings_block(doc, "s.goed", "s.goed_leeg")
    _p(doc, "{%p endfor %}")
    _page_break(doc)
    doc.add_heading("Producten {{ jaar }}", level=1)
    _p(doc, "{%p for r in producten %}")
    _p(doc, "{{ r }}", style="List Number")
    _p(doc, "{%p endfor %}")
    _p(doc, "{%p if not producten %}")
    _p(doc, "{{ producten_leeg }}", italic=True, size=9, colour=GREY)
    _p(doc, "{%p endif %}")
    doc.add_heading("Bezoeken {{ jaar }}", level=2)
    _table(doc, ["Onderzoek", "Gemeente", "Soort", "Datum", "Rapport"],
           ["{{ r.onderzoek }}", "{{ r.gemeente }}", "{{ r.soort }}", "{{ r.datum }}", "{{ r.rapport }}"],
           "bezoeken", [4.5, 3.5, 2.0, 2.2, 4.8])
    return doc


def main() -> None:
    TEMPLATE_DIR.mkdir(parents=True, exist_ok=True)
    report_template().save(TEMPLATE_DIR / "rapport.docx")
    jaarbeeld_template().save(TEMPLATE_DIR / "jaarbeeld.docx")
    print(TEMPLATE_DIR / "rapport.docx", TEMPLATE_DIR / "jaarbeeld.docx")


if __name__ == "__main__":
    main()
