"""The follow-up workbook (.xlsx): the follow-up's tables handed to the shared workbook writer
(`generator.sheets.workbook`: one sheet per table, real numbers with French formats, frozen
header rows, byte-identical from run to run)."""

from __future__ import annotations

import datetime as dt

from generator.followup.tables import DATE, EUROS, NUMBER, PERCENT, Table

_KINDS = {EUROS: "euro", NUMBER: "number", PERCENT: "percent", DATE: "date"}


def _value(value, kind):
    if kind == DATE and isinstance(value, str):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            return value
    return value


def workbook_bytes(tables: list[Table], *, title: str) -> bytes:
    """The workbook of `tables`."""
    from generator.sheets.workbook import Column, SheetTable
    from generator.sheets.workbook import workbook_bytes as write

    sheets = [
        SheetTable(
            table.sheet,
            [Column(c.title, _KINDS.get(c.kind, "text")) for c in table.columns],
            [
                [_value(v, c.kind) for v, c in zip(row, table.columns, strict=True)]
                for row in table.rows
            ],
        )
        for table in tables
    ]
    return write(sheets, title=title)
