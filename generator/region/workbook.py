"""`synthese-regionale.xlsx`: the tables of the synthesis as real numbers, one sheet each, and
the flat ledger of every territory for pivot tables."""

from __future__ import annotations

import io

from generator.region.tables import Euros, Table

EURO_FORMAT = '#,##0 "€";-#,##0 "€"'


def workbook_bytes(tables: list[Table], date: str) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    from generator.documents.write import deterministic_docx

    book = Workbook()
    book.remove(book.active)
    used: set[str] = set()
    for table in tables:
        name = table.sheet[:31]
        n = 2
        while name in used:
            name = f"{table.sheet[:28]} {n}"
            n += 1
        used.add(name)
        sheet = book.create_sheet(name)
        sheet.append(table.columns)
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for row in table.rows:
            sheet.append([c.value if isinstance(c, Euros) else c for c in row])
            for cell, value in zip(sheet[sheet.max_row], row, strict=True):
                if isinstance(value, Euros):
                    cell.number_format = EURO_FORMAT
        sheet.freeze_panes = "B2"
        for index, column in enumerate(table.columns, start=1):
            width = max([len(str(column))] + [len(str(r[index - 1])) for r in table.rows[:200]])
            sheet.column_dimensions[sheet.cell(1, index).column_letter].width = min(60, width + 2)
    out = io.BytesIO()
    book.save(out)
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
