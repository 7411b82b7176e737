"""Word's view of a template: its XML parts, their paragraphs and runs, the tags as typed in
Word; and docxtpl's view (the Jinja source it renders), aligned tag by tag with Word's."""

from __future__ import annotations

import difflib
import html
import re
from dataclasses import dataclass
from pathlib import Path

from generator.maintenance.locate import Where

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
HEADER_URI = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/header"
FOOTER_URI = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/footer"
FOOTNOTES_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml"


def _w(tag: str) -> str:
    return f"{{{W_NS}}}{tag}"


# --------------------------------------------------------------------------- Word's view

_TAG_RE = re.compile(r"\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}", re.S)
_PREFIX_RE = re.compile(r"^(\{\{|\{%|\{#)(p|tr|tc|r)([ \u00a0])")
_DOCXTPL_ONLY = {"vm", "hm", "colspan", "cellbg"}
_IGNORED_RPR = {"lang", "noProof", "rtl", "cs", "specVanish", "webHidden"}


@dataclass
class Para:
    """A paragraph (w:p) of a part, in document order."""

    index: int
    element: object
    text: str
    run_of_char: list[int]
    runs: list
    where: Where
    row_key: object = None  # identity of its table row (None outside tables)
    cell_key: object = None
    table_key: object = None


@dataclass
class WordTag:
    """A tag as the maintainer sees it in Word."""

    para: Para
    start: int
    raw: str
    delim: str  # {{ {% {#
    prefix: str  # "", p, tr, tc, r
    body: str  # without delimiters, prefix and whitespace control
    keyword: str  # first word of a {% %} tag

    @property
    def where(self) -> Where:
        return self.para.where


def _style_info(styles_root) -> dict[str, tuple[str, bool]]:
    """Style id -> (name, is a heading): a heading has an outline level or a heading name."""
    if styles_root is None:
        return {}
    by_id = {s.get(_w("styleId")): s for s in styles_root.iter(_w("style"))}
    info = {}
    for sid, style in by_id.items():
        name_el = style.find(_w("name"))
        name = name_el.get(_w("val")) if name_el is not None else sid
        heading, seen, node = False, set(), style
        while node is not None and node.get(_w("styleId")) not in seen:
            seen.add(node.get(_w("styleId")))
            if node.find(f"{_w('pPr')}/{_w('outlineLvl')}") is not None:
                level = node.find(f"{_w('pPr')}/{_w('outlineLvl')}").get(_w("val"))
                heading = level is not None and level.isdigit() and int(level) < 9
                break
            based = node.find(_w("basedOn"))
            node = by_id.get(based.get(_w("val"))) if based is not None else None
        lowered = (name or "").lower()
        heading = heading or lowered.startswith(("heading", "titre", "title"))
        info[sid] = (name, heading)
    return info


def _owner(element, tag: str):
    node = element.getparent()
    while node is not None and node.tag != tag:
        node = node.getparent()
    return node


def _paragraph_runs(p) -> tuple[str, list[int], list]:
    """Text of a paragraph (w:t only: what docxtpl sees in tags) and run of each character."""
    text, owners, runs = [], [], []
    for t in p.iter(_w("t")):
        if _owner(t, _w("p")) is not p:
            continue  # a text box inside the paragraph has its own paragraphs
        run = t.getparent()
        if not runs or runs[-1] is not run:
            runs.append(run)
        value = t.text or ""
        text.append(value)
        owners.extend([len(runs) - 1] * len(value))
    return "".join(text), owners, runs


def read_paragraphs(root, part: str, styles: dict[str, tuple[str, bool]]) -> list[Para]:
    """Every paragraph of a part with its place: heading above it, paragraph or table cell."""
    paras: list[Para] = []
    tables: dict[int, int] = {}
    heading = ""
    number = 0
    for index, p in enumerate(root.iter(_w("p"))):
        text, owners, runs = _paragraph_runs(p)
        cell = _owner(p, _w("tc"))
        style_el = p.find(f"{_w('pPr')}/{_w('pStyle')}")
        style = style_el.get(_w("val")) if style_el is not None else ""
        outline = p.find(f"{_w('pPr')}/{_w('outlineLvl')}")
        if cell is None:
            number += 1
            where = Where(part=part, heading=heading, paragraph=number, text=text)
            para = Para(index, p, text, owners, runs, where)
            is_heading = styles.get(style, ("", False))[1] or outline is not None
            if is_heading and text.strip():
                heading = text.strip()
        else:
            row = cell.getparent()
            table = row.getparent()
            if id(table) not in tables:
                tables[id(table)] = len(tables) + 1
            rows = [r for r in table if r.tag == _w("tr")]
            cells = [c for c in row if c.tag == _w("tc")]
            where = Where(
                part=part,
                heading=heading,
                table=tables[id(table)],
                row=rows.index(row) + 1,
                cell=cells.index(cell) + 1,
                text=text,
            )
            para = Para(index, p, text, owners, runs, where, row, cell, table)
        paras.append(para)
    return paras


def _rpr_signature(run) -> str:
    from lxml import etree

    rpr = run.find(_w("rPr"))
    if rpr is None:
        return ""
    kept = [
        etree.tostring(child, method="c14n").decode()
        for child in rpr
        if etree.QName(child).localname not in _IGNORED_RPR
    ]
    return "".join(sorted(kept))


def word_tags(paras: list[Para]) -> tuple[list[WordTag], list[tuple[Para, str]]]:
    """The tags of each paragraph, and the paragraphs' leftover delimiters (broken tags)."""
    tags: list[WordTag] = []
    leftovers: list[tuple[Para, str]] = []
    for para in paras:
        text = para.text
        if not any(c in text for c in "{}"):
            continue
        rest = text
        for match in _TAG_RE.finditer(text):
            raw = match.group(0)
            delim = raw[:2]
            prefix = ""
            pm = _PREFIX_RE.match(raw)
            inner = raw[2:-2]
            if pm:
                prefix = pm.group(2)
                inner = raw[len(pm.group(0)) : -2]
            body = inner.strip().strip("-+").strip()
            keyword = body.split(None, 1)[0] if delim == "{%" and body else ""
            tags.append(WordTag(para, match.start(), raw, delim, prefix, body, keyword))
            rest = rest.replace(raw, " " * len(raw), 1)
        if any(d in rest for d in ("{{", "{%", "{#", "}}", "%}", "#}", "{", "}")):
            leftovers.append((para, rest))
    return tags, leftovers


@dataclass
class PartSource:
    """One XML part of a .docx (body, header, footer, footnotes) ready to check."""

    label: str
    xml: str
    root: object


def _parts(path: Path) -> tuple[list[PartSource], dict]:
    from docx import Document
    from lxml import etree

    document = Document(str(path))
    tostring = lambda el: etree.tostring(el, encoding="unicode", pretty_print=False)  # noqa: E731
    parts = [
        PartSource("corps du document", tostring(document.element.body), document.element.body)
    ]
    styles = _style_info(document.styles.element)
    counters = {"en-tête": 0, "pied de page": 0}
    for rel in sorted(document.part.rels.values(), key=lambda r: r.rId):
        kind = {HEADER_URI: "en-tête", FOOTER_URI: "pied de page"}.get(rel.reltype)
        if kind is None or rel.is_external or not rel.target_part.blob:
            continue
        counters[kind] += 1
        root = etree.fromstring(rel.target_part.blob)
        parts.append(PartSource(f"{kind} {counters[kind]}", tostring(root), root))
    for part in document.part.package.parts:
        if part.content_type == FOOTNOTES_TYPE:
            root = etree.fromstring(part.blob)
            parts.append(PartSource("notes de bas de page", tostring(root), root))
    return parts, styles


# --------------------------------------------------------------------------- docxtpl's view


def _patch(xml: str) -> str:
    from docxtpl import DocxTemplate

    return DocxTemplate.patch_xml(None, xml)  # patch_xml only uses its argument


def _norm(text: str) -> str:
    """A tag's content for alignment: no delimiters, prefix, spaces or typographic quotes."""
    text = html.unescape(text)
    pm = _PREFIX_RE.match(text)
    inner = text[len(pm.group(0)) :] if pm else text[2:]
    inner = inner[:-2]
    for a, b in (("“", '"'), ("”", '"'), ("‘", "'"), ("’", "'")):
        inner = inner.replace(a, b)
    return re.sub(r"[\s\u00a0+-]", "", inner)


@dataclass
class JTag:
    """A tag of the Jinja source docxtpl renders, tied to its Word tag when there is one."""

    raw: str
    word: WordTag | None
    where: Where | None


def _align(word: list[WordTag], patched: list[str]) -> list[WordTag | None]:
    a = [_norm(t.raw) for t in word]
    b = [_norm(t) for t in patched]
    out: list[WordTag | None] = [None] * len(patched)
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    for block in matcher.get_matching_blocks():
        for k in range(block.size):
            out[block.b + k] = word[block.a + k]
    return out


def _tag_at(jtags: list[JTag], lineno: int | None) -> JTag | None:
    if not lineno or lineno < 2 or lineno - 2 >= len(jtags):
        return None
    return jtags[lineno - 2]
