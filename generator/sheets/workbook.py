"""Tables -> an .xlsx workbook, byte-identical from run to run.

A `SheetTable` is plain data (a sheet name, typed columns, rows, whether to add a totals row);
`workbook_bytes` writes one sheet per table with openpyxl: bold frozen header, autofilter over
the data, real numbers with a French euro format, widths that fit the content, and a totals row
whose cells are SUM formulas. The package is then rewritten with fixed core properties and fixed
zip entry times (as `documents.write` does for .docx), so equal tables give equal bytes.
"""

from __future__ import annotations

import datetime as _dt
import io
import re
import zipfile
from dataclasses import dataclass, field
from decimal import Decimal

__all__ = ["Column", "SheetTable", "workbook_bytes", "EURO", "EURO_CENTS"]

EURO = '#,##0 "€"'
EURO_CENTS = '#,##0.00 "€"'
# other kinds of column (the follow-up's tables): a number with up to two decimals, a share
# stored as a fraction (0.665) and shown as « 66,5 % », a date (a `datetime.date` value)
FORMATS = {"number": "#,##0", "percent": "0.0 %", "date": "dd/mm/yyyy"}
NUMBER_DECIMAL = "#,##0.0"  # a number column where some value has decimals
FIXED_DATE = _dt.datetime(2024, 1, 1)
_FIXED_ZIP_TIME = (1980, 1, 1, 0, 0, 0)


@dataclass(frozen=True)
class Column:
    title: str
    kind: str = "text"  # "text", "euro", "integer", or a kind of FORMATS
    total: bool = False  # summed in the totals row


@dataclass
class SheetTable:
    name: str
    columns: list[Column]
    rows: list[list] = field(default_factory=list)
    total_label: str | None = None  # a totals row when set

    def total_row_number(self) -> int | None:
        """Row of the totals in the sheet (1-based), if any."""
        return len(self.rows) + 2 if self.total_label else None


def _width(value) -> int:
    if value is None:
        return 0
    if isinstance(value, Decimal | int | float):
        return len(f"{value:,.0f}") + 3
    return max((len(line) for line in str(value).splitlines()), default=0)


def workbook_bytes(tables: list[SheetTable], title: str = "") -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    book = Workbook()
    book.remove(book.active)
    bold = Font(bold=True)
    fill = PatternFill("solid", fgColor="DDE4EE")
    for table in tables:
        ws = book.create_sheet(_sheet_name(table.name))
        ws.append([c.title for c in table.columns])
        for cell in ws[1]:
            cell.font = bold
            cell.fill = fill
            cell.alignment = Alignment(wrap_text=True, vertical="top")
        cents = [
            any(isinstance(r[i], Decimal) and r[i] != r[i].to_integral_value() for r in table.rows)
            for i in range(len(table.columns))
        ]
        for row in table.rows:
            ws.append([float(v) if isinstance(v, Decimal) else v for v in row])
        last = len(table.rows) + 1
        for index, column in enumerate(table.columns, start=1):
            if column.kind == "euro" or column.kind in FORMATS:
                fmt = FORMATS.get(column.kind) or (EURO_CENTS if cents[index - 1] else EURO)
                if column.kind == "number" and _has_decimals(table.rows, index - 1):
                    fmt = NUMBER_DECIMAL
                for (cell,) in ws.iter_rows(min_row=2, min_col=index, max_col=index):
                    cell.number_format = fmt
        if table.total_label:
            total_row = last + 1
            ws.cell(total_row, 1, table.total_label).font = bold
            for index, column in enumerate(table.columns, start=1):
                if column.total:
                    letter = get_column_letter(index)
                    cell = ws.cell(total_row, index, f"=SUM({letter}2:{letter}{last})")
                    cell.font = bold
                    cell.number_format = EURO_CENTS if cents[index - 1] else EURO
        ws.freeze_panes = "A2"
        if table.columns:
            ws.auto_filter.ref = f"A1:{get_column_letter(len(table.columns))}{max(last, 2)}"
        for index, column in enumerate(table.columns, start=1):
            widest = max(
                [_width(column.title) // 2 + 2, *(_width(r[index - 1]) for r in table.rows)]
            )
            ws.column_dimensions[get_column_letter(index)].width = min(max(widest + 2, 8), 60)
    book.properties.creator = "cdv"
    book.properties.lastModifiedBy = "cdv"
    book.properties.title = title
    book.properties.created = FIXED_DATE
    book.properties.modified = FIXED_DATE
    out = io.BytesIO()
    book.save(out)
    return _deterministic(out.getvalue())


def _has_decimals(rows: list[list], index: int) -> bool:
    return any(isinstance(r[index], float | Decimal) and r[index] != int(r[index]) for r in rows)


def _sheet_name(name: str) -> str:
    return re.sub(r"[\[\]:*?/\\]", "-", name)[:31]


def _deterministic(data: bytes) -> bytes:
    with zipfile.ZipFile(io.BytesIO(data)) as source:
        parts = {info.filename: source.read(info.filename) for info in source.infolist()}
    stamp = FIXED_DATE.strftime("%Y-%m-%dT%H:%M:%SZ")
    core = parts.get("docProps/core.xml", b"").decode("utf-8")
    core = re.sub(
        r"(<dcterms:(created|modified)[^>]*>)[^<]*(</dcterms:\2>)", rf"\g<1>{stamp}\g<3>", core
    )
    parts["docProps/core.xml"] = core.encode("utf-8")
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for name in sorted(parts, key=lambda n: (n != "[Content_Types].xml", n)):
            info = zipfile.ZipInfo(name, date_time=_FIXED_ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 0
            info.external_attr = 0
            target.writestr(info, parts[name], compress_type=zipfile.ZIP_DEFLATED, compresslevel=6)
    return out.getvalue()
