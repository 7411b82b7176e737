"""`synthese-regionale.docx`: a page of regional figures, a page per territory in the same frame,
then the cross-cutting tables and the warnings. Built with python-docx (the frame is data, not a
template IREV edits), written deterministically."""

from __future__ import annotations

import io

from generator.documents.formatting import montant, nombre
from generator.region.checks import CrossCheck
from generator.region.figures import Region
from generator.region.tables import (
    Euros,
    Table,
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


def _cell_text(value) -> str:
    if isinstance(value, Euros):
        return montant(value.value)
    if isinstance(value, int) and not isinstance(value, bool) and value >= 1000:
        return nombre(value)
    return str(value)


def _add_table(document, table: Table, level: int = 2) -> None:
    document.add_heading(table.title, level=level)
    if not table.rows:
        document.add_paragraph("Aucune donnée.")
        return
    grid = document.add_table(rows=1, cols=len(table.columns))
    grid.style = "Table Grid"
    for cell, text in zip(grid.rows[0].cells, table.columns, strict=True):
        cell.text = text
        for run in cell.paragraphs[0].runs:
            run.bold = True
    for row in table.rows:
        cells = grid.add_row().cells
        for cell, value in zip(cells, row, strict=True):
            cell.text = _cell_text(value)


def synthesis_docx(region: Region, checks: list[CrossCheck], date: str) -> bytes:
    from docx import Document
    from docx.enum.text import WD_BREAK

    from generator.documents.write import deterministic_docx

    document = Document()
    document.add_heading("Synthèse régionale des contrats de ville", level=0)
    document.add_paragraph(
        "Contrats « Engagements Quartiers 2030 » (2024-2030) : chiffres de l'ensemble des "
        f"territoires réunis ({len(region.territories)} contrats). Les montants sont ceux des "
        "descriptions des territoires ; un QPV déclaré par deux contrats n'est compté qu'une fois."
    )
    _add_table(document, key_figures(region))
    for table in frame("région", region):
        _add_table(document, table)
    _add_table(document, tfpb_table(region))
    document.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
    _add_table(document, territories_table(region), level=1)
    for t in region.territories:
        document.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
        _add_table(document, territory_key_figures(t), level=1)
        for table in frame(t.name, t.totals):
            _add_table(document, table)
        _add_table(document, tfpb_table(region, only=t.name))
        _add_table(document, actors_table(region, only=t.name))
    document.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
    document.add_heading("Tableaux croisés", level=1)
    _add_table(document, themes_tables(region)[0])
    _add_table(document, signatories_tables(region)[0])
    _add_table(document, shared_actors_table(region))
    document.add_heading("Avertissements", level=1)
    if not checks:
        document.add_paragraph("Aucune incohérence relevée entre les territoires.")
    for check in checks:
        document.add_paragraph(check.message, style="List Bullet")
    out = io.BytesIO()
    document.save(out)
    return deterministic_docx(
        out.getvalue(),
        date=date,
        core={
            "title": "Synthèse régionale des contrats de ville",
            "author": "cdv",
            "language": "fr-FR",
        },
        custom={"outil": "cdv synthese"},
    )
