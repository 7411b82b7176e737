"""The last rows of a table never start a page alone under the repeated header.

A table that runs over a page repeats its header row (`w:tblHeader`) on the next one. When
only its last row, or its total row, is left for that page, a reviewer sees a header over one
line and asks where the rest of the table is. Word would honour `w:keepNext` on the paragraphs
of the rows before; LibreOffice 7.4, which makes the PDF, ignores keep-with-next inside table
cells, but it honours a row that may not split (`w:cantSplit`), as Word does.

So the last two rows of the body, and each total row with the row before it (a group heading
goes with the row it heads), are moved into one row of the table that may not split: its single cell,
without margins, spans the grid and holds a nested table with the same grid, style, cell
margins and inner borders; the outer table draws the frame around it. The table looks the
same; its rows can only be read through `rows_of`, which gives the nested rows in place of
the row that holds them (the text report of a comparison reads them so, and the tests).
"""

from __future__ import annotations

import copy

from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn

TBL, TR, TC, P, T = (qn(f"w:{t}") for t in ("tbl", "tr", "tc", "p", "t"))
# the rows that stay together at the end of a table, not counting the rows they carry along
KEPT = 2
# the paragraph styles of a total row (« Total », « Total 2025 ») in the templates
TOTAL_STYLE = "TotalTableau"
# what the nested table takes from the table that holds it, in the schema order of w:tblPr
_TAKEN = ("tblStyle", "bidiVisual", "tblStyleRowBandSize", "tblStyleColBandSize")
_AFTER_BORDERS = ("shd", "tblLayout", "tblCellMar")
_ZERO_MARGINS = "".join(
    f'<w:{side} w:w="0" w:type="dxa"/>' for side in ("top", "left", "bottom", "right")
)


def _w(tag: str) -> str:
    return qn(f"w:{tag}")


def _element(xml: str):
    """An element of python-docx's classes (a nested `w:tbl` reads as a python-docx table)."""
    root = parse_xml(f"<w:root {nsdecls('w')}>{xml}</w:root>")
    element = root[0]
    root.remove(element)
    return element


def is_holder(row) -> bool:
    """A row written by `keep_last_rows`: one cell holding a nested table and an empty
    paragraph, nothing else."""
    cells = row.findall(TC)
    if len(cells) != 1:
        return False
    content = [c for c in cells[0] if c.tag != _w("tcPr")]
    return (
        len(content) == 2
        and content[0].tag == TBL
        and content[1].tag == P
        and not any((t.text or "") for t in content[1].iter(T))
    )


def rows_of(table) -> list:
    """The rows of a `w:tbl` as a reader sees them: those of a row holding the last rows of
    the table (see the module) are given in its place."""
    rows = []
    for row in table.findall(TR):
        if is_holder(row):
            rows.extend(rows_of(row.find(TC).find(TBL)))
        else:
            rows.append(row)
    return rows


def _keep_next_styles(document) -> set[str]:
    """Paragraph styles whose paragraphs are kept with the next one (through `basedOn`)."""
    styles = {}
    for style in document.styles.element.findall(_w("style")):
        based = style.find(_w("basedOn"))
        keep = style.find(f"{_w('pPr')}/{_w('keepNext')}")
        styles[style.get(_w("styleId"))] = (
            based.get(_w("val")) if based is not None else None,
            None if keep is None else keep.get(_w("val"), "true") not in ("0", "false", "off"),
        )
    kept = set()
    for name in styles:
        seen, current = set(), name
        while current in styles and current not in seen:
            seen.add(current)
            based, keep = styles[current]
            if keep is not None:
                if keep:
                    kept.add(name)
                break
            current = based
    return kept


def _keeps_next(paragraph, styles: set[str]) -> bool:
    ppr = paragraph.find(_w("pPr"))
    keep = ppr.find(_w("keepNext")) if ppr is not None else None
    if keep is not None:
        return keep.get(_w("val"), "true") not in ("0", "false", "off")
    style = ppr.find(_w("pStyle")) if ppr is not None else None
    return style is not None and style.get(_w("val")) in styles


def _heads_a_group(row, styles: set[str]) -> bool:
    """A group heading over the rows that follow: one cell across the row, kept with the
    next row (« Orientation 5 – … » in the dashboard of the indicators)."""
    cells = row.findall(TC)
    paragraphs = list(row.iter(P))
    return len(cells) == 1 and bool(paragraphs) and all(_keeps_next(p, styles) for p in paragraphs)


def _is_total(row) -> bool:
    """A total or subtotal row: every paragraph in a total style of the templates."""
    paragraphs = list(row.iter(P))
    styles = [p.find(f"{_w('pPr')}/{_w('pStyle')}") for p in paragraphs]
    return bool(paragraphs) and all(
        s is not None and s.get(_w("val"), "").startswith(TOTAL_STYLE) for s in styles
    )


def _is_header(row) -> bool:
    return row.find(f"{_w('trPr')}/{_w('tblHeader')}") is not None


def _movable(row) -> bool:
    """A plain row: no cell merged with the rows above or below, no grid offset."""
    trpr = row.find(_w("trPr"))
    if trpr is not None and (
        trpr.find(_w("gridBefore")) is not None or trpr.find(_w("gridAfter")) is not None
    ):
        return False
    if row.find(_w("tblPrEx")) is not None:
        return False
    return all(cell.find(f"{_w('tcPr')}/{_w('vMerge')}") is None for cell in row.findall(TC))


def _spans(body: list, styles: set[str]) -> list[tuple[int, int]]:
    """The runs of rows (start, end) of the body that must stay together: the last two rows,
    and each total row with the row before it, with the group headings over them."""
    heads = [_heads_a_group(row, styles) for row in body]
    data = [i for i, head in enumerate(heads) if not head]
    if len(data) < KEPT:
        return []
    wanted = [(data[-KEPT], len(body))]
    for before, index in zip(data, data[1:], strict=False):
        if _is_total(body[index]):
            wanted.append((before, index + 1))
    spans: list[list[int]] = []
    for start, end in sorted(wanted):
        while start > 0 and heads[start - 1]:
            start -= 1
        if spans and start < spans[-1][1]:
            spans[-1][1] = max(spans[-1][1], end)
        else:
            spans.append([start, end])
    return [(start, end) for start, end in spans]


def _style_borders(document, table) -> dict[str, object]:
    """The inner borders of the table: its own, else those of its style chain."""
    found: dict[str, object] = {}
    own = table.find(f"{_w('tblPr')}/{_w('tblBorders')}")
    chain = [own] if own is not None else []
    style = table.find(f"{_w('tblPr')}/{_w('tblStyle')}")
    styles = {s.get(_w("styleId")): s for s in document.styles.element.findall(_w("style"))}
    name, seen = (style.get(_w("val")) if style is not None else None), set()
    while name in styles and name not in seen:
        seen.add(name)
        borders = styles[name].find(f"{_w('tblPr')}/{_w('tblBorders')}")
        if borders is not None:
            chain.append(borders)
        based = styles[name].find(_w("basedOn"))
        name = based.get(_w("val")) if based is not None else None
    for borders in chain:
        for side in ("insideH", "insideV"):
            node = borders.find(_w(side))
            if side not in found and node is not None:
                found[side] = node
    return found


def _nested_properties(document, table, width: int):
    source = table.find(_w("tblPr"))
    props = _element("<w:tblPr/>")

    def take(names):
        for name in names:
            node = source.find(_w(name)) if source is not None else None
            if node is not None:
                props.append(copy.deepcopy(node))

    take(_TAKEN)
    props.append(_element(f'<w:tblW w:w="{width}" w:type="dxa"/>'))
    props.append(_element('<w:tblInd w:w="0" w:type="dxa"/>'))
    borders = _element(
        "<w:tblBorders>"
        + "".join(f'<w:{side} w:val="nil"/>' for side in ("top", "left", "bottom", "right"))
        + "</w:tblBorders>"
    )
    for node in _style_borders(document, table).values():
        borders.append(copy.deepcopy(node))
    props.append(borders)
    take(_AFTER_BORDERS)
    look = source.find(_w("tblLook")) if source is not None else None
    if look is not None:
        # the nested rows are body rows: none of them is the table's first row
        look = copy.deepcopy(look)
        look.set(_w("firstRow"), "0")
        value = look.get(_w("val"))
        if value:
            look.set(_w("val"), f"{int(value, 16) & ~0x0020:04X}")
        props.append(look)
    return props


def _hold(document, table, tail: list) -> None:
    grid = table.find(_w("tblGrid"))
    columns = [int(c.get(_w("w"), "0")) for c in grid.findall(_w("gridCol"))]
    width = sum(columns)
    nested = _element("<w:tbl/>")
    nested.append(_nested_properties(document, table, width))
    nested.append(copy.deepcopy(grid))
    holder = _element(
        "<w:tr><w:trPr><w:cantSplit/></w:trPr><w:tc><w:tcPr>"
        f'<w:tcW w:w="{width}" w:type="dxa"/><w:gridSpan w:val="{len(columns)}"/>'
        # no shading of its own (a first-column style would paint the whole row)
        '<w:shd w:val="clear" w:color="auto" w:fill="auto"/>'
        f"<w:tcMar>{_ZERO_MARGINS}</w:tcMar></w:tcPr></w:tc></w:tr>"
    )
    tail[0].addprevious(holder)
    for row in tail:
        nested.append(row)  # moves it
    cell = holder.find(TC)
    cell.append(nested)
    # a cell ends with a paragraph: this one takes no visible height
    cell.append(
        _element(
            '<w:p><w:pPr><w:spacing w:before="0" w:after="0" w:line="20" w:lineRule="exact"/>'
            '<w:rPr><w:sz w:val="2"/><w:szCs w:val="2"/></w:rPr></w:pPr></w:p>'
        )
    )


def keep_last_rows(document) -> None:
    """In every table with a repeated header row, keep the last rows of its body together
    (see the module). Runs after the grid of each table is final (`docx_post.fit_tables`)."""
    styles = _keep_next_styles(document)
    for table in list(document.element.body.iter(TBL)):
        children = [c for c in table if c.tag not in (_w("tblPr"), _w("tblGrid"))]
        rows = table.findall(TR)
        if len(children) != len(rows) or table.find(_w("tblGrid")) is None:
            continue  # rows inside content controls or custom markup: left as they are
        headers = 0
        while headers < len(rows) and _is_header(rows[headers]):
            headers += 1
        body = rows[headers:]
        if not headers or not body or is_holder(body[-1]):
            continue
        for start, end in _spans(body, styles):
            run = body[start:end]
            if all(_movable(row) for row in run):
                _hold(document, table, run)
