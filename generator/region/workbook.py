"""`synthese-regionale.xlsx`: the tables of the synthesis as real numbers, one sheet each, and
the flat ledger of every territory for pivot tables."""

from __future__ import annotations

import io

from generator.region.tables import Euros, Table

EURO_FORMAT = '#,##0 "€";-#,##0 "€"'


def workbook_bytes(tables: list[Table], date: str) -> bytes:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    from generator.documents.write import deterministic_docx

    book = Workbook(write_only=True)  # rows streamed: fast on 450 territories
    bold = Font(bold=True)
    used: set[str] = set()
    for table in tables:
        name = table.sheet[:31]
        n = 2
        while name in used:
            name = f"{table.sheet[:28]} {n}"
            n += 1
        used.add(name)
        sheet = book.create_sheet(name)
        for index, column in enumerate(table.columns, start=1):
            width = max([len(str(column))] + [len(str(r[index - 1])) for r in table.rows[:200]])
            sheet.column_dimensions[get_column_letter(index)].width = min(60, width + 2)
        sheet.freeze_panes = "B2"
        header = []
        for column in table.columns:
            cell = WriteOnlyCell(sheet, value=column)
            cell.font = bold
            header.append(cell)
        sheet.append(header)
        for row in table.rows:
            values = []
            for value in row:
                if isinstance(value, Euros):
                    cell = WriteOnlyCell(sheet, value=value.value)
                    cell.number_format = EURO_FORMAT
                    values.append(cell)
                else:
                    values.append(value)
            sheet.append(values)
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
