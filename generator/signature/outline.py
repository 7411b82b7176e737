"""Bookmarks of the package: each document under its own, with its headings below it (those
LibreOffice exported, or else its Word headings found again in the text of its pages).
"""

from __future__ import annotations

import re
from pathlib import Path

from generator.signature.parts import Part


def _normal(text: str) -> str:
    return re.sub(r"\s+", " ", text.replace("\u00ad", "")).strip().casefold()


def docx_headings(path: Path) -> list[tuple[int, str]]:
    """(level, text) of the headings of a .docx (levels 1 to 3), in order."""
    import docx

    from generator.documents.docx_post import _heading_info, _paragraph_style, _text

    document = docx.Document(str(path))
    info = _heading_info(document)
    found = []
    for paragraph in document.element.body.iter():
        if paragraph.tag.endswith("}p"):
            style = _paragraph_style(paragraph)
            if style in info and _text(paragraph).strip():
                found.append((info[style][0], _text(paragraph).strip()))
    return found


def heading_pages(reader, headings: list[tuple[int, str]]) -> list[tuple[int, str, int]]:
    """(level, title, page index) of each heading found in the text of the pages, in order."""
    found: list[tuple[int, str, int]] = []
    texts: dict[int, str] = {}
    page = 0
    for level, title in headings:
        needle = _normal(title)
        if not needle:
            continue
        for index in range(page, len(reader.pages)):
            if index not in texts:
                try:
                    texts[index] = _normal(reader.pages[index].extract_text() or "")
                except Exception:  # a page whose text cannot be read has no bookmark
                    texts[index] = ""
            if needle in texts[index]:
                found.append((level, title, index))
                page = index
                break
    return found


def _has_outline(reader) -> bool:
    try:
        return bool(reader.outline)
    except Exception:
        return False


def contract_annexes(reader) -> list[tuple[str, str, int]]:
    """(number, title, page index) of the top-level bookmarks « Annexe N – Titre » of a PDF."""
    found = []
    try:
        items = list(reader.outline)
    except Exception:
        return []
    for item in items:
        if isinstance(item, list):
            continue
        match = re.match(r"^\s*annexe\s+(\d+)\s*[–—:.-]\s*(.+)$", item.title or "", re.I)
        if match:
            try:
                page = reader.get_destination_page_number(item)
            except Exception:
                continue
            found.append((match.group(1), match.group(2).strip(), page))
    return found


def append_document(writer, reader, part: Part) -> int:
    """Append a document under a top-level bookmark; returns the index of its first page."""
    first = len(writer.pages)
    if not _has_outline(reader) and not part.headings and part.docx is not None:
        try:
            part.headings = docx_headings(part.docx)
        except Exception:  # no bookmarks below this document rather than no package
            part.headings = []
    if _has_outline(reader) or not part.headings:
        writer.append(reader, outline_item=part.bookmark, import_outline=True)
        return first
    writer.append(reader, outline_item=part.bookmark, import_outline=False)
    parent = writer.get_outline_root().get("/Last")
    stack = [(0, parent)]
    for level, title, index in heading_pages(reader, part.headings):
        while len(stack) > 1 and stack[-1][0] >= level:
            stack.pop()
        item = writer.add_outline_item(title=title, page_number=first + index, parent=stack[-1][1])
        stack.append((level, item))
    return first
