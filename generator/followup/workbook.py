"""The follow-up workbook (.xlsx): one sheet per table, real numbers with French formats, frozen
header rows, and the same bytes from run to run (fixed document properties, zip entries in a
fixed order with a fixed time, as for the Word documents)."""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from decimal import Decimal

from generator.documents.write import FIXED_ZIP_TIME
from generator.followup.tables import DATE, EUROS, NUMBER, PERCENT, Table

FORMATS = {
    EUROS: '#,##0\\ "€";-#,##0\\ "€"',
    NUMBER: "#,##0.##;-#,##0.##",
    PERCENT: "0.0\\ %",
    DATE: "dd/mm/yyyy",
}


def _value(value, kind):
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if kind == DATE and isinstance(value, str):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            return value
    return value


def workbook_bytes(tables: list[Table], *, title: str, date: str) -> bytes:
    """The workbook of `tables`; `date` (AAAA-MM-JJ) dates its properties."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    book = Workbook()
    book.remove(book.active)
    header_font = Font(bold=True, color="FFFFFF")
    header_fill = PatternFill("solid", fgColor="1F5FA8")
    for table in tables:
        sheet = book.create_sheet(table.sheet[:31])
        sheet.append([c.title for c in table.columns])
        for cell in sheet[1]:
            cell.font = header_font
            cell.fill = header_fill
            cell.alignment = Alignment(wrap_text=True, vertical="top")
        for row in table.rows:
            sheet.append([_value(v, c.kind) for v, c in zip(row, table.columns, strict=True)])
        for index, column in enumerate(table.columns, start=1):
            letter = get_column_letter(index)
            fmt = FORMATS.get(column.kind)
            if fmt:
                for (cell,) in sheet.iter_rows(min_row=2, min_col=index, max_col=index):
                    cell.number_format = fmt
            width = max([len(column.title)] + [len(str(r[index - 1] or "")) for r in table.rows])
            sheet.column_dimensions[letter].width = min(max(10, width + 2), 60)
        sheet.freeze_panes = "A2"
    moment = dt.datetime.fromisoformat(f"{date}T00:00:00")
    book.properties.creator = "cdv"
    book.properties.lastModifiedBy = "cdv"
    book.properties.title = title
    book.properties.language = "fr-FR"
    book.properties.created = moment
    book.properties.modified = moment
    buffer = io.BytesIO()
    book.save(buffer)
    return _deterministic_zip(buffer.getvalue(), moment)


_STAMP = re.compile(rb"<dcterms:(created|modified)([^>]*)>[^<]*</dcterms:\1>")


def _deterministic_zip(data: bytes, moment: dt.datetime) -> bytes:
    stamp = moment.strftime("%Y-%m-%dT%H:%M:%SZ").encode()
    with zipfile.ZipFile(io.BytesIO(data)) as source:
        parts = {info.filename: source.read(info.filename) for info in source.infolist()}
    if "docProps/core.xml" in parts:  # openpyxl writes the current time as « modified »
        parts["docProps/core.xml"] = _STAMP.sub(
            lambda m: (
                b"<dcterms:"
                + m.group(1)
                + m.group(2)
                + b">"
                + stamp
                + b"</dcterms:"
                + m.group(1)
                + b">"
            ),
            parts["docProps/core.xml"],
        )
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        order = sorted(
            parts, key=lambda n: (n != "[Content_Types].xml", not n.startswith("_rels/"), n)
        )
        for name in order:
            info = zipfile.ZipInfo(name, date_time=FIXED_ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 0
            info.external_attr = 0
            target.writestr(info, parts[name], compress_type=zipfile.ZIP_DEFLATED, compresslevel=6)
    return out.getvalue()
