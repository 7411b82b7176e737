"""Spreadsheets in and out: rows of an .xlsx or .csv <-> operations of a territory's ledger.

Takes a spreadsheet and a named column mapping (`reading`, `mapping`, `convert`, `amounts`) and
gives the import file of the territory (`importing`); takes a loaded description and gives the
workbook of its ledger and financial tables, byte-identical from run to run (`export`, `workbook`).
"""

from generator._exports import lazy_exports

_NAMES = {
    "AmountError": "amounts",
    "parse_amount": "amounts",
    "SheetError": "reading",
    "Table": "reading",
    "read_table": "reading",
    "Mapping": "mapping",
    "MappingError": "mapping",
    "load_mapping": "mapping",
    "shipped_mappings": "mapping",
    "Resolver": "resolve",
    "Conversion": "convert",
    "RowProblem": "convert",
    "rows_to_operations": "convert",
    "ImportPlan": "importing",
    "plan_import": "importing",
    "write_import": "importing",
    "SheetTable": "workbook",
    "workbook_bytes": "workbook",
    "export_tables": "export",
    "export_workbook": "export",
}
__all__ = sorted(_NAMES)
__getattr__, __dir__ = lazy_exports(__name__, _NAMES)
