"""The rows the build keeps together at the end of a table (documents.kept_rows), read in the
Word XML: which rows, how they are held, and that the table reads and looks the same. The page
layout itself is checked with LibreOffice in test_table_breaks.py."""

from __future__ import annotations

import io

from conftest import table_rows
from docx import Document
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn

from generator.documents.docx_post import post_process
from generator.documents.kept_rows import is_holder, rows_of


def _table(cells: list[list[str]], styles: dict[int, str] | None = None, header: bool = True):
    document = Document()
    table = document.add_table(rows=len(cells), cols=len(cells[0]), style="Table Grid")
    for row, values in zip(table.rows, cells, strict=True):
        for cell, value in zip(row.cells, values, strict=True):
            cell.text = value
    for index, style in (styles or {}).items():
        for cell in table.rows[index]._tr.findall(qn("w:tc")):
            cell.find(qn("w:p")).insert(
                0, parse_xml(f'<w:pPr {nsdecls("w")}><w:pStyle w:val="{style}"/></w:pPr>')
            )
    if header:
        tr_pr = table.rows[0]._tr.get_or_add_trPr()
        tr_pr.append(tr_pr.makeelement(qn("w:tblHeader"), {}))
    return document, table


def _texts(table) -> list[list[str]]:
    return [[c.text for c in row.cells] for row in table_rows(table)]


def _heading(table, index: int) -> None:
    """Row `index` becomes a group heading: one cell across, kept with the next row."""
    row = table.rows[index]
    row.cells[0].merge(row.cells[-1])
    for p in row._tr.iter(qn("w:p")):
        p.insert(0, parse_xml(f"<w:pPr {nsdecls('w')}><w:keepNext/></w:pPr>"))


def test_the_last_two_rows_are_held_in_one_row_that_cannot_split():
    cells = [["Financeur", "2024"], ["État", "10"], ["Région", "20"], ["Ville", "5"]]
    cells.append(["Total", "35"])
    document, table = _table(cells, styles={4: "TotalTableau"})
    post_process(document, [])
    rows = table._tbl.findall(qn("w:tr"))
    assert len(rows) == 4 and is_holder(rows[-1]) and not any(map(is_holder, rows[:-1]))
    assert rows[-1].find(f"{qn('w:trPr')}/{qn('w:cantSplit')}") is not None
    # read through the holder, the table has its rows and cells as written
    assert _texts(table) == cells
    nested = rows[-1].find(qn("w:tc")).find(qn("w:tbl"))
    assert [c.text for c in table_rows(table)[-1].cells] == ["Total", "35"]
    # same grid, same style; its rows are body rows; the frame is the outer table's
    grid = [c.get(qn("w:w")) for c in table._tbl.find(qn("w:tblGrid"))]
    assert [c.get(qn("w:w")) for c in nested.find(qn("w:tblGrid"))] == grid
    outer_style = table._tbl.find(f"{qn('w:tblPr')}/{qn('w:tblStyle')}")
    inner_style = nested.find(f"{qn('w:tblPr')}/{qn('w:tblStyle')}")
    assert outer_style is not None and inner_style.get(qn("w:val")) == outer_style.get(qn("w:val"))
    look = nested.find(f"{qn('w:tblPr')}/{qn('w:tblLook')}")
    assert look.get(qn("w:firstRow")) == "0"
    borders = nested.find(f"{qn('w:tblPr')}/{qn('w:tblBorders')}")
    assert {b.get(qn("w:val")) for b in borders if "inside" not in b.tag} == {"nil"}
    margins = rows[-1].find(f"{qn('w:tc')}/{qn('w:tcPr')}/{qn('w:tcMar')}")
    assert {m.get(qn("w:w")) for m in margins} == {"0"}
    # the document saves and reads back the same
    saved = io.BytesIO()
    document.save(saved)
    again = Document(io.BytesIO(saved.getvalue()))
    assert _texts(again.tables[0]) == cells


def test_a_subtotal_keeps_the_row_before_it_and_a_group_heading_its_row():
    cells = [
        ["Année", "Montant"],
        ["2024", "10"],
        ["2024", "20"],
        ["Total 2024", "30"],
        ["2025", "5"],
        ["2025", "6"],
        ["Orientation 5", ""],
        ["2025", "7"],
    ]
    document, table = _table(cells, styles={3: "TotalTableau"})
    _heading(table, 6)
    before = _texts(table)
    post_process(document, [])
    rows = table._tbl.findall(qn("w:tr"))
    held = [[len(rows_of(r.find(qn("w:tc")).find(qn("w:tbl"))))] for r in rows if is_holder(r)]
    # « 2024, Total 2024 » held; « 2025 (6), Orientation 5, 2025 (7) » held
    assert held == [[2], [3]]
    assert [is_holder(r) for r in rows] == [False, False, True, False, True]
    assert _texts(table) == before
    # a second pass changes nothing
    xml = table._tbl.xml
    post_process(document, [])
    assert table._tbl.xml == xml


def test_tables_without_header_or_with_merged_rows_are_left_as_they_are():
    document, table = _table([["a", "b"], ["c", "d"], ["e", "f"]], header=False)
    post_process(document, [])
    assert not any(is_holder(r) for r in table._tbl.findall(qn("w:tr")))
    document, table = _table([["Code", "Quartier"], ["1", "x"], ["2", "y"], ["3", "z"]])
    table.cell(2, 0).merge(table.cell(3, 0))  # a cell merged over the last two rows
    post_process(document, [])
    assert not any(is_holder(r) for r in table._tbl.findall(qn("w:tr")))
    # one row under the header: nothing to keep it with
    document, table = _table([["Code", "Quartier"], ["1", "x"]])
    post_process(document, [])
    assert not any(is_holder(r) for r in table._tbl.findall(qn("w:tr")))
