"""Read Word documents as text to compare: a text model by heading sections.

The model is read straight from the package's XML (lxml, no python-docx: it is several times
faster on a 100-page contract): the body's paragraphs and table cells in reading order, each
attached to the section opened by the last heading above it. Tracked changes already in a
document are read as accepted (inserted text counts, deleted text does not); the table of
contents is skipped (it repeats the headings).

The diff of two models is in `text_diff`; the reports are in `report_text` (for a terminal)
and `report_html`.
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree

from generator.description.file_text import os_reason
from generator.documents.kept_rows import is_holder

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
MC_NS = "http://schemas.openxmlformats.org/markup-compatibility/2006"


def _w(tag: str) -> str:
    return f"{{{W_NS}}}{tag}"


P, TBL, TR, TC, SDT, SDT_CONTENT = (_w(t) for t in ("p", "tbl", "tr", "tc", "sdt", "sdtContent"))
T, TAB, BR, CR, NB_HYPHEN = (_w(t) for t in ("t", "tab", "br", "cr", "noBreakHyphen"))
SKIPPED = {
    _w("del"),
    _w("moveFrom"),
    _w("pPr"),
    _w("rPr"),
    _w("instrText"),
    _w("delText"),
    f"{{{MC_NS}}}Fallback",
}
MAX_XML_BYTES = 200 * 1024 * 1024

# Kinds of blocks
HEADING, PARAGRAPH, CELL = "titre", "paragraphe", "cellule"
START_TITLE = "Début du document"


class DocxError(Exception):
    """A file that cannot be compared; the message is French and names the file."""


# --------------------------------------------------------------------------- reading


def read_package(path: Path) -> dict[str, bytes]:
    """The parts of a .docx needed here, or a DocxError that says what the file is instead."""
    name = str(path)
    try:
        if path.is_dir():
            raise DocxError(f"{name} est un dossier, pas un document Word (.docx)")
        data = path.read_bytes()
    except FileNotFoundError:
        raise DocxError(f"fichier introuvable : {name}") from None
    except OSError as exc:
        raise DocxError(f"fichier illisible : {name} ({os_reason(exc)})") from None
    return parts_of(data, name)


def parts_of(data: bytes, name: str) -> dict[str, bytes]:
    if not data:
        raise DocxError(f"{name} est vide (0 octet) : demandez-en une nouvelle copie")
    if data.startswith(b"%PDF"):
        raise DocxError(
            f"{name} est un PDF, pas un document Word : comparez les fichiers .docx dont les "
            "PDF sont issus"
        )
    if data.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        if "EncryptionInfo".encode("utf-16-le") in data or b"EncryptedPackage" in data:
            raise DocxError(
                f"{name} est un document protégé par mot de passe : ouvrez-le dans Word, "
                "retirez le mot de passe (Fichier › Informations › Protéger le document › "
                "Chiffrer avec mot de passe, effacer le mot de passe), enregistrez-le, puis "
                "recommencez"
            )
        raise DocxError(
            f"{name} est au format Word 97-2003 (.doc) : ouvrez-le dans Word ou LibreOffice et "
            "enregistrez-le au format Document Word (.docx)"
        )
    if data.startswith(b"{\\rtf"):
        raise DocxError(
            f"{name} est au format RTF : ouvrez-le dans Word ou LibreOffice et enregistrez-le "
            "au format Document Word (.docx)"
        )
    if not data.startswith(b"PK"):
        raise DocxError(f"{name} n'est pas un document Word (.docx)")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as package:
            names = set(package.namelist())
            if "word/document.xml" not in names:
                if "mimetype" in names and b"opendocument" in package.read("mimetype"):
                    raise DocxError(
                        f"{name} est au format OpenDocument (.odt) : ouvrez-le dans LibreOffice "
                        "et enregistrez-le au format Word (.docx)"
                    )
                raise DocxError(
                    f"{name} n'est pas un document Word (.docx) : l'archive ne contient pas de "
                    "texte de document (word/document.xml)"
                )
            parts = {}
            wanted = ["word/document.xml", "word/styles.xml", "docProps/core.xml"]
            wanted += sorted(n for n in names if _HEADER_FOOTER.fullmatch(n))
            for part in wanted:
                if part in names:
                    if package.getinfo(part).file_size > MAX_XML_BYTES:
                        raise DocxError(f"{name} : document trop volumineux pour être comparé")
                    parts[part] = package.read(part)
            return parts
    except DocxError:
        raise
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, OSError, ValueError) as exc:
        raise DocxError(
            f"{name} est abîmé : ce n'est pas une archive .docx lisible ({exc}) ; fichier tronqué "
            "lors d'un envoi ? Demandez-en une nouvelle copie"
        ) from None
    except (RuntimeError, NotImplementedError) as exc:  # encrypted zip entries, odd methods
        raise DocxError(f"{name} est illisible : {exc}") from None


_HEADER_FOOTER = re.compile(r"word/(header|footer)(\d*)\.xml")
HEADERS_TITLE = "En-têtes et pieds de page"


def _part_order(name: str) -> tuple[str, int]:
    match = _HEADER_FOOTER.fullmatch(name)
    return (match.group(1), int(match.group(2) or 0)) if match else (name, 0)


_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)


def parse_xml(data: bytes, name: str, part: str):
    try:
        return etree.fromstring(data, _PARSER)
    except etree.XMLSyntaxError as exc:
        raise DocxError(f"{name} est abîmé : la partie {part} est illisible ({exc})") from None


# --------------------------------------------------------------------------- text model


@dataclass(frozen=True, slots=True)
class Block:
    """One paragraph, heading or table cell, with where it is, for people to read."""

    kind: str
    text: str
    section: int
    label: str
    row: str = ""  # a cell's row, « tableau 2, ligne 3 », and how many cells it has
    row_cells: int = 0


@dataclass
class Section:
    title: str
    level: int
    path: tuple[str, ...]
    blocks: list[int] = field(default_factory=list)

    @property
    def display(self) -> str:
        return " › ".join(self.path) if self.path else START_TITLE


@dataclass
class DocText:
    name: str
    blocks: list[Block]
    sections: list[Section]
    modified: str = ""

    def texts(self) -> list[str]:
        return [b.text for b in self.blocks]


_HEADING_NAME = re.compile(r"^(?:heading|titre|überschrift|título|titolo)\s*(\d)$", re.I)
_TOC_NAME = re.compile(r"^(?:toc|table des matières|sommaire|inhaltsverzeichnis)\s*\d*$", re.I)


def _styles(root) -> dict[str, tuple[int | None, bool]]:
    """Paragraph style id -> (heading level or None, is a table-of-contents style)."""
    if root is None:
        return {}
    raw: dict[str, tuple[str, str | None, int | None]] = {}
    for style in root.iter(_w("style")):
        sid = style.get(_w("styleId"))
        if not sid:
            continue
        name_el = style.find(_w("name"))
        name = (name_el.get(_w("val")) if name_el is not None else "") or ""
        based = style.find(_w("basedOn"))
        outline = style.find(f"{_w('pPr')}/{_w('outlineLvl')}")
        level = None
        if outline is not None:
            try:
                level = int(outline.get(_w("val"), "9")) + 1
            except ValueError:
                level = None
        raw[sid] = (name, based.get(_w("val")) if based is not None else None, level)
    result: dict[str, tuple[int | None, bool]] = {}
    for sid, (name, _based, level) in raw.items():
        match = _HEADING_NAME.match(name.strip())
        if match:
            level = int(match.group(1))
        seen, parent = 0, raw[sid][1]
        while level is None and parent in raw and seen < 10:  # outline level inherited
            level = raw[parent][2]
            parent, seen = raw[parent][1], seen + 1
        if level is not None and level > 9:
            level = None
        result[sid] = (level, bool(_TOC_NAME.match(name.strip())) or sid.upper().startswith("TOC"))
    return result


def _text_of(element) -> str:
    parts: list[str] = []

    def walk(node) -> None:
        for child in node:
            tag = child.tag
            if not isinstance(tag, str) or tag in SKIPPED:
                continue
            if tag == T:
                parts.append(child.text or "")
            elif tag == TAB:
                parts.append("\t")
            elif tag in (BR, CR):
                parts.append("\n")
            elif tag == NB_HYPHEN:
                parts.append("\u2011")
            elif len(child):
                walk(child)

    walk(element)
    return "".join(parts)


def _paragraph_style(p) -> tuple[str | None, int | None]:
    ppr = p.find(_w("pPr"))
    if ppr is None:
        return None, None
    style = ppr.find(_w("pStyle"))
    outline = ppr.find(_w("outlineLvl"))
    level = None
    if outline is not None:
        try:
            level = int(outline.get(_w("val"), "9")) + 1
        except ValueError:
            level = None
    return (style.get(_w("val")) if style is not None else None), (
        level if level and level <= 9 else None
    )


def _content(container):
    """Paragraphs and tables of a body or cell, looking through content controls."""
    for child in container:
        if child.tag in (P, TBL):
            yield child
        elif child.tag == SDT:
            content = child.find(SDT_CONTENT)
            if content is not None:
                yield from _content(content)


def _children(parent, tag):
    """Children of `parent` with `tag`, including those wrapped in a content control."""
    for child in parent:
        if child.tag == tag:
            yield child
        elif child.tag == SDT:
            content = child.find(SDT_CONTENT)
            if content is not None:
                yield from (c for c in content if c.tag == tag)


def _rows(table):
    """The rows of a table; the last rows the build keeps together in a nested table
    (documents.kept_rows) are rows of the table, in their place."""
    for row in _children(table, TR):
        if is_holder(row):
            yield from _rows(row.find(TC).find(TBL))
        else:
            yield row


def _cells(row):
    return _children(row, TC)


def _row_deleted(row) -> bool:
    trpr = row.find(_w("trPr"))
    return trpr is not None and trpr.find(_w("del")) is not None


def _cell_text(cell) -> str:
    lines = []
    for item in _content(cell):
        if item.tag == P:
            lines.append(_text_of(item))
        else:
            for row in _rows(item):
                lines.append(" | ".join(_cell_text(c) for c in _cells(row)))
    return "\n".join(lines).strip()


def _short(text: str, size: int = 40) -> str:
    text = " ".join(text.split())
    return text if len(text) <= size else text[: size - 1].rstrip() + "…"


def read_text(path_or_parts, name: str | None = None) -> DocText:
    """The text model of a .docx (a path, or the parts returned by `read_package`)."""
    if isinstance(path_or_parts, dict):
        parts = path_or_parts
        name = name or "document"
    else:
        name = name or str(path_or_parts)
        parts = read_package(Path(path_or_parts))
    root = parse_xml(parts["word/document.xml"], name, "word/document.xml")
    styles_root = (
        parse_xml(parts["word/styles.xml"], name, "word/styles.xml")
        if "word/styles.xml" in parts
        else None
    )
    styles = _styles(styles_root)
    body = root.find(_w("body"))
    doc = DocText(name=name, blocks=[], sections=[Section(START_TITLE, 0, ())])
    if "docProps/core.xml" in parts:
        match = re.search(rb"<dcterms:modified[^>]*>([^<]+)<", parts["docProps/core.xml"])
        doc.modified = match.group(1).decode("utf-8", "replace").strip() if match else ""
    if body is None:
        return doc
    counters = {"p": 0, "t": 0, "untitled": 0}
    stack: list[tuple[int, str]] = []
    items = list(_content(body))
    captions = _captions(items)
    previous_caption: str | None = None

    def add(kind: str, text: str, label: str, row: str = "", row_cells: int = 0) -> None:
        index = len(doc.sections) - 1
        doc.sections[index].blocks.append(len(doc.blocks))
        doc.blocks.append(Block(kind, text, index, label, row, row_cells))

    for item in items:
        if item.tag == P:
            text = _text_of(item).strip()
            style, level = _paragraph_style(item)
            style_level, is_toc = styles.get(style, (None, False)) if style else (None, False)
            if is_toc or not text:
                continue
            match = _CAPTION.match(text)
            previous_caption = match.group(1) if match else None
            level = level if level is not None else style_level
            if level is not None:
                while stack and stack[-1][0] >= level:
                    stack.pop()
                stack.append((level, _short(text, 80)))
                doc.sections.append(Section(text, level, tuple(t for _, t in stack)))
                counters["p"] = 0
                add(HEADING, text, "titre")
                continue
            counters["p"] += 1
            add(PARAGRAPH, text, f"paragraphe {counters['p']}")
            continue
        counters["t"] += 1
        if previous_caption is not None:  # named as the document names it: « Tableau 20 »
            table_name = f"tableau {previous_caption}"
        elif captions:  # beside captioned tables, a number of its own would mislead
            counters["untitled"] += 1
            table_name = f"tableau sans légende n° {counters['untitled']}"
        else:  # numbered through the document, not per section
            table_name = f"tableau {counters['t']}"
        previous_caption = None
        rows = [r for r in _rows(item) if not _row_deleted(r)]
        header_rows, columns = _column_labels(rows)
        for r, row in enumerate(rows):
            cells = list(_cells(row))
            texts = [_cell_text(cell) for cell in cells]
            row_label = f"{table_name}, ligne {r + 1}"
            position = 0
            for c, text in enumerate(texts):
                label = f"{row_label}, colonne {c + 1}"
                name = columns.get(position, "") if r >= header_rows else ""
                if name and len(name) <= 40:
                    label += f" ({_short(name)})"
                add(CELL, text, label, row_label, len(texts))
                position += _grid_span(cells[c])
    _headers_footers(doc, parts, name, add)
    return doc


# a caption as the documents write it, « Tableau 20 – Financements par… »
_CAPTION = re.compile(r"^Tableau\s+(\d+)\b")


def _captions(items) -> bool:
    """Whether some table of the body follows a caption « Tableau N »."""
    previous = None
    for item in items:
        if item.tag == P:
            text = _text_of(item).strip()
            if text:
                previous = text
        elif previous is not None and _CAPTION.match(previous):
            return True
        else:
            previous = None
    return False


def _grid_span(cell) -> int:
    span = cell.find(f"{_w('tcPr')}/{_w('gridSpan')}")
    try:
        return max(1, int(span.get(_w("val"), "1"))) if span is not None else 1
    except ValueError:
        return 1


def _is_header_row(row) -> bool:
    trpr = row.find(_w("trPr"))
    return trpr is not None and trpr.find(_w("tblHeader")) is not None


def _column_labels(rows) -> tuple[int, dict[int, str]]:
    """How many rows head the table, and the label of each grid column as its header says it.

    The header is the rows marked to repeat on each page (`w:tblHeader`), as the document shows
    them; a table without such rows is headed by its first row. A cell spanning columns labels
    each of them; two header rows give « Année › Montant ». No other row names a column: a
    total row or a row of merged cells is never taken for a header.
    """
    marked = 0
    while marked < len(rows) and _is_header_row(rows[marked]):
        marked += 1
    count = marked or (1 if len(rows) > 1 else 0)
    labels: dict[int, list[str]] = {}
    for row in rows[:count]:
        position = 0
        for cell in _cells(row):
            span = _grid_span(cell)
            text = " ".join(_cell_text(cell).split())
            for column in range(position, position + span):
                if text and text not in labels.setdefault(column, []):
                    labels[column].append(text)
            position += span
    return count, {column: " › ".join(texts) for column, texts in labels.items() if texts}


def _headers_footers(doc: DocText, parts: dict[str, bytes], name: str, add) -> None:
    """Headers and footers, after the body, in a section of their own."""
    names = sorted((n for n in parts if _HEADER_FOOTER.fullmatch(n)), key=_part_order)
    seen: set[tuple[str, ...]] = set()
    numbers = {"header": 0, "footer": 0}
    for part in names:
        kind = _part_order(part)[0]
        root = parse_xml(parts[part], name, part)
        lines = []
        for item in _content(root):
            if item.tag == P:
                lines.append(_text_of(item).strip())
            else:
                lines.extend(" | ".join(_cell_text(c) for c in _cells(r)) for r in _rows(item))
        lines = tuple(line for line in lines if line)
        if not lines or lines in seen:  # first-page and even-page variants often repeat
            continue
        seen.add(lines)
        if len(doc.sections) == 1 or doc.sections[-1].title != HEADERS_TITLE:
            doc.sections.append(Section(HEADERS_TITLE, 1, (HEADERS_TITLE,)))
        numbers[kind] += 1
        word = "en-tête" if kind == "header" else "pied de page"
        for k, line in enumerate(lines, start=1):
            add(PARAGRAPH, line, f"{word} {numbers[kind]}, ligne {k}")
