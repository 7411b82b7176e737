"""Columns that no row fills are not printed.

A table of the templates has a column for every field the description may give (a QPV's
« Nom d'usage », the name of a member of the project team, the description of an annexed
document). When no row of a document has a value there, a reviewer sees an empty column and
asks what is missing: the column is removed, and the other columns share its width (the grid
is rebuilt from the cells by `docx_post.fit_tables`, which runs next).

Only plain tables are touched: a header row repeated on each page (`w:tblHeader`), at least
two rows under it, the same number of cells on every row, no merged cell.
"""

from __future__ import annotations

from docx.oxml.ns import qn

# what a cell may hold besides text and still be a value
_CONTENT = tuple(qn(t) for t in ("w:drawing", "w:pict", "w:object", "w:sym", "w:fldSimple"))


def _is_header(row) -> bool:
    return row.find(f"{qn('w:trPr')}/{qn('w:tblHeader')}") is not None


def _is_empty(cell) -> bool:
    if any((t.text or "").strip() for t in cell.iter(qn("w:t"))):
        return False
    return not any(node.tag in _CONTENT for node in cell.iter())


def _plain(rows) -> bool:
    counts = {len(row.findall(qn("w:tc"))) for row in rows}
    if len(counts) != 1:
        return False
    for row in rows:
        for cell in row.findall(qn("w:tc")):
            props = cell.find(qn("w:tcPr"))
            if props is not None and (
                props.find(qn("w:gridSpan")) is not None or props.find(qn("w:vMerge")) is not None
            ):
                return False
    return True


def drop_empty_columns(document) -> None:
    """Remove, from every plain table with a header row, the columns empty on every body row."""
    for table in list(document.element.body.iter(qn("w:tbl"))):
        rows = table.findall(qn("w:tr"))
        headers = 0
        while headers < len(rows) and _is_header(rows[headers]):
            headers += 1
        body = rows[headers:]
        # a single row: its blank cell is one value left out (the validation says so, and
        # the cell stays blank, as the warning promises), not a column the territory never uses
        if not headers or len(body) < 2 or not _plain(rows):
            continue
        count = len(rows[0].findall(qn("w:tc")))
        empty = [
            i for i in range(count) if all(_is_empty(row.findall(qn("w:tc"))[i]) for row in body)
        ]
        if not empty or len(empty) == count:
            continue
        for row in rows:
            cells = row.findall(qn("w:tc"))
            for i in empty:
                row.remove(cells[i])
