"""Post-processing of a rendered document, at the XML level (the only module besides the
writer that touches WordprocessingML directly).

- paragraphs marked as list items by the `texte`/`puces` filters get the bulleted style;
- paragraphs that hold nothing but an empty text marker are removed;
- headings get stable bookmarks, and the table of contents is written where the template put
  `{{ sommaire }}`: one entry per heading, with its number as Word will show it, a link and a
  PAGEREF field for the page. Word (which is asked to update fields on open) and LibreOffice
  (which computes PAGEREF fields when it lays the document out) both show the page numbers;
- a draft built despite validation errors gets a framed warning at the top.
"""

from __future__ import annotations

import re

from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn

from generator.documents.kept_rows import keep_last_rows
from generator.documents.marks import BULLET_MARK, EMPTY_MARK, TOC_MARK
from generator.documents.table_columns import drop_empty_columns

W = nsdecls("w")
BULLET_STYLE_NAMES = ("List Bullet", "Liste à puces")
# bullets inside a table cell take this style when the template has it (smaller type)
TABLE_BULLET_STYLE_NAMES = ("Puce tableau",)
TOC_STYLE_NAMES = {1: "toc 1", 2: "toc 2", 3: "toc 3"}


def _text(paragraph) -> str:
    return "".join(t.text or "" for t in paragraph.iter(qn("w:t")))


def _style_id(document, names) -> str | None:
    for style in document.styles:
        if style.name in names:
            return style.style_id
    return None


def _set_style(paragraph, style_id: str) -> None:
    ppr = paragraph.find(qn("w:pPr"))
    if ppr is None:
        ppr = parse_xml(f"<w:pPr {W}/>")
        paragraph.insert(0, ppr)
    pstyle = ppr.find(qn("w:pStyle"))
    if pstyle is None:
        pstyle = parse_xml(f"<w:pStyle {W}/>")
        ppr.insert(0, pstyle)
    pstyle.set(qn("w:val"), style_id)
    # a list item should not keep the first-line indent or numbering of its source paragraph
    for tag in ("w:numPr", "w:ind"):
        node = ppr.find(qn(tag))
        if node is not None:
            ppr.remove(node)


def _strip_mark(paragraph, mark: str) -> None:
    for t in paragraph.iter(qn("w:t")):
        if t.text and mark in t.text:
            t.text = t.text.replace(mark, "")


def _body_paragraphs(document) -> list:
    return list(document.element.body.iter(qn("w:p")))


def apply_marks(document) -> None:
    bullet = _style_id(document, BULLET_STYLE_NAMES)
    table_bullet = _style_id(document, TABLE_BULLET_STYLE_NAMES) or bullet
    for paragraph in _body_paragraphs(document):
        text = _text(paragraph)
        if EMPTY_MARK in text:
            if text.replace(EMPTY_MARK, "").strip() == "" and _removable(paragraph):
                paragraph.getparent().remove(paragraph)
                continue
            _strip_mark(paragraph, EMPTY_MARK)
        if BULLET_MARK in text:
            _strip_mark(paragraph, BULLET_MARK)
            if bullet and text.startswith(BULLET_MARK):
                in_cell = paragraph.getparent().tag == qn("w:tc")
                _set_style(paragraph, table_bullet if in_cell else bullet)


def _removable(paragraph) -> bool:
    """A paragraph can go unless it is the last one of a table cell (Word needs one there)."""
    parent = paragraph.getparent()
    if parent.tag == qn("w:tc"):
        return len(parent.findall(qn("w:p"))) > 1
    return paragraph.find(f".//{qn('w:sectPr')}") is None


# --- headings and table of contents ------------------------------------------------------------


def _style_chain(styles_el, style_id: str):
    seen = set()
    while style_id and style_id not in seen:
        seen.add(style_id)
        style = styles_el.find(f"{qn('w:style')}[@{qn('w:styleId')}='{style_id}']")
        if style is None:
            return
        yield style
        based = style.find(qn("w:basedOn"))
        style_id = based.get(qn("w:val")) if based is not None else None


def _heading_info(document) -> dict[str, tuple[int, str | None]]:
    """style id -> (outline level 1-3, numId or None) for styles that appear in the contents."""
    styles_el = document.styles.element
    info: dict[str, tuple[int, str | None]] = {}
    for style in styles_el.findall(qn("w:style")):
        sid = style.get(qn("w:styleId"))
        level = num_id = None
        for node in _style_chain(styles_el, sid):
            ppr = node.find(qn("w:pPr"))
            if ppr is None:
                continue
            if level is None and ppr.find(qn("w:outlineLvl")) is not None:
                level = int(ppr.find(qn("w:outlineLvl")).get(qn("w:val"))) + 1
            num = ppr.find(f"{qn('w:numPr')}/{qn('w:numId')}")
            if num_id is None and num is not None:
                num_id = num.get(qn("w:val"))
        if level is not None and level <= 3:
            info[sid] = (level, num_id if num_id not in (None, "0") else None)
    return info


def _level_texts(document, num_id: str) -> dict[int, str]:
    """Level (1-based) -> lvlText (`%1.%2.`) of a numbering definition."""
    try:
        numbering = document.part.numbering_part.element
    except (KeyError, NotImplementedError, AttributeError):
        return {}
    num = numbering.find(f"{qn('w:num')}[@{qn('w:numId')}='{num_id}']")
    if num is None:
        return {}
    abstract_id = num.find(qn("w:abstractNumId")).get(qn("w:val"))
    abstract = numbering.find(f"{qn('w:abstractNum')}[@{qn('w:abstractNumId')}='{abstract_id}']")
    texts = {}
    for lvl in abstract.findall(qn("w:lvl")) if abstract is not None else []:
        text = lvl.find(qn("w:lvlText"))
        fmt = lvl.find(qn("w:numFmt"))
        if text is not None and (fmt is None or fmt.get(qn("w:val")) == "decimal"):
            texts[int(lvl.get(qn("w:ilvl"))) + 1] = text.get(qn("w:val"))
    return texts


def _paragraph_style(paragraph) -> str | None:
    node = paragraph.find(f"{qn('w:pPr')}/{qn('w:pStyle')}")
    return node.get(qn("w:val")) if node is not None else None


class HeadingNumbers:
    """The number Word shows before each heading (« 3.2 », « Article 4 »), counted as Word
    counts them: give it the paragraphs in document order."""

    def __init__(self, document):
        self.document = document
        self.info = _heading_info(document)
        self.counters: dict[str, list[int]] = {}
        self.texts: dict[str, dict[int, str]] = {}

    def next(self, paragraph) -> tuple[int, str] | None:
        """(level, number as Word prints it, "" if unnumbered) if `paragraph` is a heading
        with text, else None."""
        style = _paragraph_style(paragraph)
        if style not in self.info or not _text(paragraph).strip():
            return None
        level, num_id = self.info[style]
        if not num_id:
            return level, ""
        counts = self.counters.setdefault(num_id, [0, 0, 0])
        counts[level - 1] += 1
        for deeper in range(level, 3):
            counts[deeper] = 0
        texts = self.texts.setdefault(num_id, _level_texts(self.document, num_id))
        pattern = texts.get(level, "")
        for i in range(3):
            pattern = pattern.replace(f"%{i + 1}", str(counts[i]))
        return level, pattern


def build_toc(document) -> None:
    """Bookmark the headings and write the contents in place of the `sommaire` marker."""
    body = document.element.body
    marker = next((p for p in body.iter(qn("w:p")) if TOC_MARK in _text(p)), None)
    numbers = HeadingNumbers(document)
    entries = []
    for paragraph in body.iter(qn("w:p")):
        heading = numbers.next(paragraph)
        if heading is None:
            continue
        level, number = heading
        name = f"_Toc{len(entries) + 1:06d}"
        bookmark_id = str(900000 + len(entries))
        paragraph.append(parse_xml(f'<w:bookmarkStart {W} w:id="{bookmark_id}" w:name="{name}"/>'))
        paragraph.append(parse_xml(f'<w:bookmarkEnd {W} w:id="{bookmark_id}"/>'))
        entries.append((level, number, _text(paragraph).strip(), name))
    if marker is None:
        return
    toc_styles = {
        level: _style_id(document, (name, name.title(), name.replace("toc", "TOC")))
        for level, name in TOC_STYLE_NAMES.items()
    }
    width = _text_width(document)
    parent = marker.getparent()
    index = parent.index(marker)
    parent.remove(marker)
    for offset, (level, number, text, name) in enumerate(entries):
        parent.insert(
            index + offset, _toc_entry(level, number, text, name, toc_styles.get(level), width)
        )


def _toc_entry(level: int, number: str, text: str, bookmark: str, style: str | None, width: int):
    from xml.sax.saxutils import escape

    label = escape(f"{number} {text}".strip() if number else text)
    style_xml = f'<w:pStyle w:val="{style}"/>' if style else ""
    indent = "" if style else f'<w:ind w:left="{(level - 1) * 340}"/>'
    return parse_xml(
        f'<w:p {W}><w:pPr>{style_xml}<w:tabs><w:tab w:val="right" w:leader="dot" '
        f'w:pos="{width}"/></w:tabs>{indent}</w:pPr>'
        f'<w:hyperlink w:anchor="{bookmark}" w:history="1">'
        f'<w:r><w:t xml:space="preserve">{label}</w:t></w:r><w:r><w:tab/></w:r>'
        '<w:r><w:fldChar w:fldCharType="begin"/></w:r>'
        f'<w:r><w:instrText xml:space="preserve"> PAGEREF {bookmark} \\h </w:instrText></w:r>'
        '<w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:t>…</w:t></w:r>'
        '<w:r><w:fldChar w:fldCharType="end"/></w:r></w:hyperlink></w:p>'
    )


def _text_width(document) -> int:
    """Width of the text area of the first section, in twentieths of a point."""
    section = document.sections[0]
    try:
        return int((section.page_width - section.left_margin - section.right_margin) / 635)
    except TypeError:
        return 9638


def number_captions(document) -> None:
    """Write the number of every SEQ field (« Tableau 1 », « Tableau 2 »…) as Word would count
    it, so that the document shows the right numbers without a field update (Protected View,
    or a reader who declines the update)."""

    counters: dict[str, int] = {}

    def count(instruction: str) -> str | None:
        match = re.match(r"\s*SEQ\s+(\S+)(.*)", instruction or "")
        if match is None:
            return None
        name, switches = match.group(1), match.group(2)
        restart = re.search(r"\\r\s*(\d+)", switches)
        if restart:
            counters[name] = int(restart.group(1))
        elif not re.search(r"\\c\b", switches):
            counters[name] = counters.get(name, 0) + 1
        return str(counters.get(name, 0))

    body = document.element.body
    pending: list = []  # complex fields: [instruction, result runs seen, in result]
    for node in body.iter(qn("w:fldSimple"), qn("w:fldChar"), qn("w:instrText"), qn("w:t")):
        if node.tag == qn("w:fldSimple"):
            number = count(node.get(qn("w:instr")))
            texts = list(node.iter(qn("w:t")))
            if number is not None and texts:
                texts[0].text = number
                for extra in texts[1:]:
                    extra.text = ""
        elif node.tag == qn("w:fldChar"):
            kind = node.get(qn("w:fldCharType"))
            if kind == "begin":
                pending.append(["", None])
            elif kind == "separate" and pending:
                pending[-1][1] = count(pending[-1][0]) or False
            elif kind == "end" and pending:
                pending.pop()
        elif node.tag == qn("w:instrText") and pending:
            pending[-1][0] += node.text or ""
        elif pending and pending[-1][1]:
            node.text = pending[-1][1]
            pending[-1][1] = ""  # the following runs of the same result are emptied


_MONTHS = "janvier|février|mars|avril|mai|juin|juillet|août|septembre|octobre|novembre|décembre"
_TIES = [
    # a typed amount « 15 000 » takes the thin no-break space of the tool's amounts
    (
        re.compile(r"(?<![\d.,])\d{1,3}(?:[ \u00a0]\d{3})+(?![\d])"),
        lambda m: m.group(0).replace(" ", "\u202f").replace("\u00a0", "\u202f"),
    ),
    # « 50 % », « 200 € »: a no-break space before the sign
    (re.compile(r"(?<=\d) +(?=[%€])"), lambda m: "\u00a0"),
    # « 30 avril 2024 », « 1er mai »: the day stays with its month
    (re.compile(rf"\b(1er|\d{{1,2}}) (?=(?:{_MONTHS})\b)"), lambda m: m.group(1) + "\u00a0"),
]


def tie_numbers(document) -> None:
    """No line break inside an amount, before « % » or « € », or between a day and its month,
    in the template's text as in the pilot's (headers and footers included)."""
    roots = [document.element.body]
    for section in document.sections:
        for part in (section.header, section.footer):
            if part.is_linked_to_previous:
                continue
            roots.append(part._element)
    for root in roots:
        for node in root.iter(qn("w:t")):
            text = node.text
            if not text or not any(ch.isdigit() for ch in text):
                continue
            for pattern, replace in _TIES:
                text = pattern.sub(replace, text)
            if text != node.text:
                node.text = text


def ask_to_update_fields(document) -> None:
    """Word refreshes fields (page numbers of the contents) when the document is opened."""
    settings = document.settings.element
    if settings.find(qn("w:updateFields")) is None:
        settings.append(parse_xml(f'<w:updateFields {W} w:val="true"/>'))
    # its place in the schema order of the settings is set by the writer (package_tidy)


def keep_cells_valid(document) -> None:
    """A table cell whose paragraphs were all removed by a loop or a condition gets an empty
    one back: Word refuses to open a cell without a paragraph."""
    for cell in document.element.body.iter(qn("w:tc")):
        if cell.find(qn("w:p")) is None:
            cell.append(parse_xml(f"<w:p {W}/>"))


# --- tables with repeated columns ------------------------------------------------------------


def _dxa_width(cell) -> int | None:
    width = cell.find(f"{qn('w:tcPr')}/{qn('w:tcW')}")
    if width is None or width.get(qn("w:type"), "dxa") != "dxa":
        return None
    try:
        return int(width.get(qn("w:w")))
    except (TypeError, ValueError):
        return None


def _span(cell) -> int:
    span = cell.find(f"{qn('w:tcPr')}/{qn('w:gridSpan')}")
    return int(span.get(qn("w:val"))) if span is not None else 1


def fit_tables(document) -> None:
    """Give tables whose columns were repeated (`{%tc for %}`) a grid that matches their cells.

    docxtpl spreads the width evenly over the columns it adds or removes; here the grid is
    rebuilt from the widths of the cells of the template (a wide label column stays wide) and
    scaled to the width of the text.
    """
    width = _text_width(document)
    for table in document.element.body.iter(qn("w:tbl")):
        grid = table.find(qn("w:tblGrid"))
        if grid is None:
            continue
        rows = table.findall(qn("w:tr"))
        widths: list[int] | None = None
        for row in rows:
            cells = row.findall(qn("w:tc"))
            values = [_dxa_width(c) for c in cells]
            if cells and None not in values and all(_span(c) == 1 for c in cells):
                if widths is None or len(values) > len(widths):
                    widths = values
        columns = [int(c.get(qn("w:w"), "0")) for c in grid.findall(qn("w:gridCol"))]
        if not widths or columns == widths or sum(widths) <= 0:
            continue
        scale = width / sum(widths)
        widths = [int(w * scale) for w in widths]
        for column in grid.findall(qn("w:gridCol")):
            grid.remove(column)
        for value in widths:
            grid.append(parse_xml(f'<w:gridCol {W} w:w="{value}"/>'))
        for row in rows:
            position = 0
            for cell in row.findall(qn("w:tc")):
                span = _span(cell)
                node = cell.find(f"{qn('w:tcPr')}/{qn('w:tcW')}")
                if node is not None:
                    node.set(qn("w:w"), str(sum(widths[position : position + span])))
                    node.set(qn("w:type"), "dxa")
                position += span


# --- draft warning -----------------------------------------------------------------------------


def add_draft_warning(document, warnings: list[str]) -> None:
    body = document.element.body
    lines = "".join(
        f'<w:r><w:br/><w:t xml:space="preserve">• {_xml(w)}</w:t></w:r>' for w in warnings[:30]
    )
    if len(warnings) > 30:
        lines += (
            f'<w:r><w:br/><w:t xml:space="preserve">… et {len(warnings) - 30} autres.</w:t></w:r>'
        )
    frame = parse_xml(
        f"<w:p {W}><w:pPr><w:pBdr>"
        + "".join(
            f'<w:{side} w:val="single" w:sz="18" w:space="4" w:color="C00000"/>'
            for side in ("top", "left", "bottom", "right")
        )
        + '</w:pBdr><w:spacing w:after="240"/></w:pPr>'
        '<w:r><w:rPr><w:b/><w:color w:val="C00000"/></w:rPr><w:t xml:space="preserve">'
        "DOCUMENT DE TRAVAIL — la description de ce territoire comporte des erreurs ; ce document "
        "a été produit malgré elles (option --brouillon) et ne peut pas être diffusé en l'état :"
        f"</w:t></w:r>{lines}</w:p>"
    )
    body.insert(0, frame)


def _xml(text: str) -> str:
    from xml.sax.saxutils import escape

    from generator.description.characters import xml_safe

    return escape(xml_safe(text))


def post_process(document, warnings: list[str]) -> None:
    apply_marks(document)
    keep_cells_valid(document)
    drop_empty_columns(document)
    fit_tables(document)
    keep_last_rows(document)
    build_toc(document)
    number_captions(document)
    tie_numbers(document)
    ask_to_update_fields(document)
    if warnings:
        add_draft_warning(document, warnings)
