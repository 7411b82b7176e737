"""`synthese-regionale.xlsx`: the tables of the synthesis as real numbers, one sheet each, and
the flat ledger of every territory for pivot tables (written by `region.xlsx`)."""

from __future__ import annotations

from generator.region.tables import PROPERTIES, Euros, Table


def _width(table: Table, index: int) -> int:
    sample = [len(str(table.columns[index]))]
    sample += [len(str(_plain(row[index]))) for row in table.rows[:200]]
    return min(60, max(sample) + 2)


def _plain(value):
    return value.value if isinstance(value, Euros) else value


def workbook_bytes(tables: list[Table], date: str) -> bytes:
    from generator.documents.write import deterministic_docx
    from generator.region.xlsx import Workbook

    book = Workbook(money_type=Euros)
    used: set[str] = set()
    for table in tables:
        name = table.sheet[:31]
        n = 2
        while name in used:
            name = f"{table.sheet[:28]} {n}"
            n += 1
        used.add(name)
        widths = [_width(table, i) for i in range(len(table.columns))]
        sheet = book.add_sheet(name, table.columns, widths)
        sheet.rows = table.rows
    return deterministic_docx(
        book.save(),
        date=date,
        **PROPERTIES,
        compresslevel=1,  # the flat ledger of 450 territories: tens of MB of XML
    )
