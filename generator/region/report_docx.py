"""`synthese-regionale.docx`: a page of regional figures, a page per territory in the same frame,
then the cross-cutting tables and the warnings. Built with python-docx (the frame is data, not a
template IREV edits), written deterministically."""

from __future__ import annotations

import io
from functools import lru_cache
from xml.sax.saxutils import escape

from generator.description.characters import xml_safe
from generator.documents.formatting import montant, nombre
from generator.region.checks import CrossCheck
from generator.region.figures import Region
from generator.region.tables import (
    PROPERTIES,
    Euros,
    Table,
    Year,
    actors_table,
    frame,
    key_figures,
    shared_actors_table,
    signatories_tables,
    territories_table,
    territory_key_figures,
    tfpb_table,
    themes_tables,
)


@lru_cache(maxsize=65536)
def _euros(value) -> str:
    """`montant` of an amount (the same few amounts recur on hundreds of pages)."""
    return montant(value)


@lru_cache(maxsize=65536)
def _number(value: int) -> str:
    return nombre(value)


def _cell_text(value) -> str:
    if isinstance(value, Year):
        return str(int(value))
    if isinstance(value, Euros):
        return _euros(value.value)
    if isinstance(value, int) and not isinstance(value, bool) and value >= 1000:
        return _number(value)
    return str(value)


_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


class _Writer:
    """Appends headings, paragraphs and tables as raw WordprocessingML: python-docx's own calls
    look each style up by name and grow slowly with the document (450 territories)."""

    def __init__(self, document):
        styles = document.styles
        self.body = document.element.body
        self.sect = self.body[-1] if self.body[-1].tag == f"{{{_W}}}sectPr" else None
        self.style_id = {
            name: styles[name].style_id
            for name in ("Heading 1", "Heading 2", "Title", "Table Grid", "List Bullet")
        }
        self.chunks: list[str] = []

    def _p(self, text: str, style: str | None = None, bold: bool = False, page: bool = False):
        ppr = f'<w:pPr><w:pStyle w:val="{self.style_id[style]}"/></w:pPr>' if style else ""
        rpr = "<w:rPr><w:b/></w:rPr>" if bold else ""
        run = '<w:r><w:br w:type="page"/></w:r>' if page else ""
        run += f'<w:r>{rpr}<w:t xml:space="preserve">{_xml(text)}</w:t></w:r>' if text else ""
        return f"<w:p>{ppr}{run}</w:p>"

    def heading(self, text: str, level: int) -> None:
        self.chunks.append(self._p(text, "Title" if level == 0 else f"Heading {level}"))

    def paragraph(self, text: str, style: str | None = None) -> None:
        self.chunks.append(self._p(text, style))

    def page_break(self) -> None:
        self.chunks.append(self._p("", page=True))

    def table(self, table: Table, level: int = 2) -> None:
        self.heading(table.title, level)
        if not table.rows:
            self.paragraph("Aucune donnée.")
            return
        width = len(table.columns)
        grid = "".join("<w:gridCol/>" for _ in range(width))
        rows = ["<w:tr>" + "".join(self._cell(c, True) for c in table.columns) + "</w:tr>"]
        for row in table.rows:
            rows.append("<w:tr>" + "".join(self._cell(_cell_text(v)) for v in row) + "</w:tr>")
        self.chunks.append(
            f'<w:tbl><w:tblPr><w:tblStyle w:val="{self.style_id["Table Grid"]}"/>'
            '<w:tblW w:w="5000" w:type="pct"/></w:tblPr>'
            f"<w:tblGrid>{grid}</w:tblGrid>{''.join(rows)}</w:tbl>"
        )
        self.chunks.append("<w:p/>")

    def _cell(self, text: str, bold: bool = False) -> str:
        return f"<w:tc>{self._p(text, bold=bold)}</w:tc>"

    def close(self) -> None:
        from lxml import etree

        wrapper = etree.fromstring(f'<w:body xmlns:w="{_W}">{"".join(self.chunks)}</w:body>')
        for element in list(wrapper):
            if self.sect is not None:
                self.sect.addprevious(element)
            else:
                self.body.append(element)


def _xml(text: str) -> str:
    return escape(xml_safe(text))


def synthesis_docx(region: Region, checks: list[CrossCheck], date: str) -> bytes:
    from docx import Document

    from generator.documents.write import deterministic_docx

    document = Document()
    w = _Writer(document)
    w.heading("Synthèse régionale des contrats de ville", 0)
    w.paragraph(
        "Contrats « Engagements Quartiers 2030 » (2024-2030) : chiffres de l'ensemble des "
        f"territoires réunis ({len(region.territories)} contrats). Les montants sont ceux des "
        "descriptions des territoires ; un QPV déclaré par deux contrats n'est compté qu'une fois."
    )
    w.table(key_figures(region))
    for table in frame("région", region):
        w.table(table)
    w.table(tfpb_table(region))
    w.page_break()
    w.table(territories_table(region), level=1)
    for t in region.territories:
        w.page_break()
        w.table(territory_key_figures(t), level=1)
        for table in frame(t.name, t.totals):
            w.table(table)
        w.table(tfpb_table(region, only=t.name))
        w.table(actors_table(region, only=t.name))
    w.page_break()
    w.heading("Tableaux croisés", 1)
    w.table(themes_tables(region)[0])
    w.table(signatories_tables(region)[0])
    w.table(shared_actors_table(region))
    w.heading("Avertissements", 1)
    if not checks:
        w.paragraph("Aucune incohérence relevée entre les territoires.")
    for check in checks:
        w.paragraph(check.message, "List Bullet")
    w.close()
    out = io.BytesIO()
    document.save(out)
    return deterministic_docx(
        out.getvalue(),
        date=date,
        **PROPERTIES,
    )
