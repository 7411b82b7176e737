"""A streaming SpreadsheetML writer for the synthesis workbook: sheets of text, integers and
euros, a bold frozen header, an autofilter and column widths — written as XML directly.

openpyxl spends about 20 µs per cell; the flat ledger of 450 territories has hundreds of
thousands of cells, so the synthesis writes its parts itself (shared strings, one style per
kind of cell). The package is then made deterministic by `documents.write.deterministic_docx`.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterable, Sequence
from decimal import Decimal
from xml.sax.saxutils import escape

from generator.description.characters import xml_safe
from generator.sheets.reading import column_letter

EURO_FORMAT = '#,##0 "€";-#,##0 "€"'
_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
_SHEET_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"
# cell styles (cellXfs): 0 ordinary, 1 bold header, 2 euros
_HEADER, _EURO = 1, 2


def _attr(text: str) -> str:
    return escape(xml_safe(text), {'"': "&quot;"})


class Sheet:
    """One worksheet: a header and rows of cells (see `Workbook`)."""

    def __init__(self, name: str, columns: Sequence[str], widths: Sequence[int]):
        self.name = name
        self.columns = list(columns)
        self.widths = list(widths)
        self.rows: list[Sequence] = []


class Workbook:
    """Sheets of cells: str (shared strings), int, Decimal, float, bool (« oui »/« non »), None
    (empty), and instances of `money_type` (their `.value` in the euro format)."""

    def __init__(self, money_type: type | None = None) -> None:
        self.sheets: list[Sheet] = []
        self._strings: dict[str, int] = {}
        self.money_type = money_type

    def add_sheet(self, name: str, columns: Sequence[str], widths: Sequence[int]) -> Sheet:
        sheet = Sheet(name, columns, widths)
        self.sheets.append(sheet)
        return sheet

    def _string(self, text: str) -> int:
        index = self._strings.get(text)
        if index is None:
            index = self._strings[text] = len(self._strings)
        return index

    def _cells(self, row_number: int, values: Iterable, letters: list[str], style=0) -> str:
        out = [f'<row r="{row_number}">']
        append, strings, money = out.append, self._strings, self.money_type
        s = f' s="{style}"' if style else ""
        for letter, value in zip(letters, values, strict=False):
            kind = type(value)
            if kind is str:
                if not value:
                    continue
                index = strings.get(value)
                if index is None:
                    index = strings[value] = len(strings)
                append(f'<c r="{letter}{row_number}"{s} t="s"><v>{index}</v></c>')
            elif kind is int:
                append(f'<c r="{letter}{row_number}"{s}><v>{value}</v></c>')
            elif money is not None and kind is money:
                number = format(value.value, "f")
                append(f'<c r="{letter}{row_number}" s="{_EURO}"><v>{number}</v></c>')
            elif kind is Decimal:
                append(f'<c r="{letter}{row_number}"{s}><v>{format(value, "f")}</v></c>')
            elif kind is float:
                append(f'<c r="{letter}{row_number}"{s}><v>{value!r}</v></c>')
            elif kind is bool:
                index = self._string("oui" if value else "non")
                append(f'<c r="{letter}{row_number}"{s} t="s"><v>{index}</v></c>')
            elif isinstance(value, int):  # a subclass (a year…): still a number
                append(f'<c r="{letter}{row_number}"{s}><v>{int(value)}</v></c>')
            elif value is not None:
                index = self._string(str(value))
                append(f'<c r="{letter}{row_number}"{s} t="s"><v>{index}</v></c>')
        append("</row>")
        return "".join(out)

    def _sheet_xml(self, sheet: Sheet) -> bytes:
        letters = [column_letter(i) for i in range(1, len(sheet.columns) + 1)]
        last = f"{letters[-1]}{len(sheet.rows) + 1}" if letters else "A1"
        cols = "".join(
            f'<col min="{i}" max="{i}" width="{w}" customWidth="1"/>'
            for i, w in enumerate(sheet.widths, start=1)
        )
        parts = [
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n',
            f'<worksheet xmlns="{_MAIN}" xmlns:r="{_REL}">',
            f'<dimension ref="A1:{last}"/>',
            '<sheetViews><sheetView workbookViewId="0">'
            '<pane xSplit="1" ySplit="1" topLeftCell="B2" activePane="bottomRight" '
            'state="frozen"/><selection pane="bottomRight"/></sheetView></sheetViews>',
            '<sheetFormatPr defaultRowHeight="15"/>',
            f"<cols>{cols}</cols>" if cols else "",
            "<sheetData>",
            self._cells(1, sheet.columns, letters, _HEADER),
        ]
        for number, row in enumerate(sheet.rows, start=2):
            parts.append(self._cells(number, row, letters))
        parts.append("</sheetData>")
        if sheet.rows and letters:
            parts.append(f'<autoFilter ref="A1:{last}"/>')
        parts.append("</worksheet>")
        return "".join(parts).encode("utf-8")

    def _shared_strings(self) -> bytes:
        items = "".join(
            f'<si><t xml:space="preserve">{escape(xml_safe(text))}</t></si>'
            for text in self._strings
        )
        n = len(self._strings)
        return (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            f'<sst xmlns="{_MAIN}" count="{n}" uniqueCount="{n}">{items}</sst>'
        ).encode()

    def save(self) -> bytes:
        sheets = [self._sheet_xml(sheet) for sheet in self.sheets]  # fills the shared strings
        parts: dict[str, bytes] = {}
        overrides = "".join(
            f'<Override PartName="/xl/worksheets/sheet{i}.xml" ContentType="{_SHEET_TYPE}"/>'
            for i in range(1, len(sheets) + 1)
        )
        parts["[Content_Types].xml"] = (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" '
            'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
            '<Override PartName="/xl/styles.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
            '<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
            '<Override PartName="/docProps/app.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.extended-properties+xml"/>'
            f"{overrides}</Types>"
        ).encode()
        parts["_rels/.rels"] = (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            f'<Relationships xmlns="{_PKG_REL}">'
            f'<Relationship Id="rId1" Type="{_REL}/officeDocument" Target="xl/workbook.xml"/>'
            f'<Relationship Id="rId2" Type="{_REL}/extended-properties" '
            'Target="docProps/app.xml"/></Relationships>'
        ).encode()
        parts["docProps/app.xml"] = (
            b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            b'<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/'
            b'extended-properties"><Application>cdv</Application></Properties>'
        )
        entries = "".join(
            f'<sheet name="{_attr(sheet.name)}" sheetId="{i}" r:id="rId{i}"/>'
            for i, sheet in enumerate(self.sheets, start=1)
        )
        names = "".join(
            f'<definedName name="_xlnm._FilterDatabase" localSheetId="{i}" hidden="1">'
            f"'{escape(sheet.name).replace(chr(39), chr(39) * 2)}'!$A$1:"
            f"${column_letter(len(sheet.columns))}${len(sheet.rows) + 1}</definedName>"
            for i, sheet in enumerate(self.sheets)
            if sheet.rows and sheet.columns
        )
        parts["xl/workbook.xml"] = (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            f'<workbook xmlns="{_MAIN}" xmlns:r="{_REL}"><bookViews><workbookView/></bookViews>'
            f"<sheets>{entries}</sheets>"
            + (f"<definedNames>{names}</definedNames>" if names else "")
            + "</workbook>"
        ).encode("utf-8")
        n = len(self.sheets)
        rels = "".join(
            f'<Relationship Id="rId{i}" Type="{_REL}/worksheet" Target="worksheets/sheet{i}.xml"/>'
            for i in range(1, n + 1)
        )
        parts["xl/_rels/workbook.xml.rels"] = (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            f'<Relationships xmlns="{_PKG_REL}">{rels}'
            f'<Relationship Id="rId{n + 1}" Type="{_REL}/styles" Target="styles.xml"/>'
            f'<Relationship Id="rId{n + 2}" Type="{_REL}/sharedStrings" '
            'Target="sharedStrings.xml"/></Relationships>'
        ).encode()
        parts["xl/styles.xml"] = (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            f'<styleSheet xmlns="{_MAIN}">'
            f'<numFmts count="1"><numFmt numFmtId="164" formatCode="{_attr(EURO_FORMAT)}"/>'
            "</numFmts>"
            '<fonts count="2"><font><sz val="11"/><name val="Calibri"/></font>'
            '<font><b/><sz val="11"/><name val="Calibri"/></font></fonts>'
            '<fills count="2"><fill><patternFill patternType="none"/></fill>'
            '<fill><patternFill patternType="gray125"/></fill></fills>'
            '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border>'
            "</borders>"
            '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/>'
            "</cellStyleXfs>"
            '<cellXfs count="3"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
            '<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/>'
            '<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" '
            'applyNumberFormat="1"/></cellXfs>'
            '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/>'
            "</cellStyles></styleSheet>"
        ).encode()
        for i, data in enumerate(sheets, start=1):
            parts[f"xl/worksheets/sheet{i}.xml"] = data
        parts["xl/sharedStrings.xml"] = self._shared_strings()
        out = io.BytesIO()
        # stored: `deterministic_docx` compresses every part once when it rewrites the package
        with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as archive:
            for name, data in parts.items():
                archive.writestr(name, data)
        return out.getvalue()
