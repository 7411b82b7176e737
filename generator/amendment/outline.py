"""The outline of a rendered contract: its headings with the numbers Word shows, and the body
elements under each, so that an avenant cites the signed numbering and quotes the new text."""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass, field

from docx.oxml.ns import qn

from generator.documents.docx_post import (
    HeadingNumbers,
    _heading_info,
    _paragraph_style,
    _text,
)


@dataclass
class Heading:
    level: int
    number: str  # « 3.2 », or « » for an unnumbered heading
    title: str
    style: str
    index: int  # position of the heading among the body's children
    end: int = 0  # position of the next heading of the same or a higher level
    parent: Heading | None = field(default=None, repr=False)

    @property
    def cited(self) -> str:
        """How the avenant names it: « l'article 3.2 du contrat (« Titre ») »."""
        if self.number:
            return f"l'article {self.number} du contrat (« {self.title} »)"
        return f"la partie « {self.title} » du contrat"


def outline(document) -> list[Heading]:
    """The headings of `document` (python-docx Document), in order, with their blocks."""
    body = document.element.body
    numbers = HeadingNumbers(document)
    headings: list[Heading] = []
    children = list(body)
    for index, element in enumerate(children):
        if element.tag != qn("w:p"):
            continue
        heading = numbers.next(element)
        if heading is None:
            continue
        level, pattern = heading
        number = re.sub(r"^(article|partie)\s+", "", pattern.strip(), flags=re.I)
        number = number.rstrip(" .–-")
        title = _text(element).strip()
        headings.append(Heading(level, number, title, _paragraph_style(element), index))
    stack: list[Heading] = []
    for position, heading in enumerate(headings):
        while stack and stack[-1].level >= heading.level:
            stack.pop()
        heading.parent = stack[-1] if stack else None
        stack.append(heading)
        following = (h for h in headings[position + 1 :] if h.level <= heading.level)
        nxt = next(following, None)
        heading.end = nxt.index if nxt is not None else len(children) - 1  # before sectPr
    return headings


def find(headings: list[Heading], title: str, under: str | None = None) -> Heading | None:
    """The heading with this title (under the heading titled `under`, if given)."""
    wanted = _norm(title)
    for heading in headings:
        if _norm(heading.title) != wanted:
            continue
        if under is None or (heading.parent and _norm(heading.parent.title) == _norm(under)):
            return heading
    return None


def _norm(text: str) -> str:
    return " ".join(str(text).replace("\u202f", " ").replace("\xa0", " ").split()).casefold()


def block(document, heading: Heading) -> list:
    """Copies of the elements under `heading` (its sub-headings turned into plain intertitles
    carrying their number, so that the avenant's own numbering does not restart)."""
    children = list(document.element.body)
    info = _heading_info(document)
    out = []
    for element in children[heading.index + 1 : heading.end]:
        if element.tag == qn("w:sectPr"):
            continue
        item = copy.deepcopy(element)
        if item.tag == qn("w:p") and _paragraph_style(item) in info:
            _as_intertitle(item, document, heading, element, children)
        for bookmark in list(item.iter(qn("w:bookmarkStart"), qn("w:bookmarkEnd"))):
            bookmark.getparent().remove(bookmark)
        out.append(item)
    return out


def _as_intertitle(item, document, heading: Heading, original, children) -> None:
    from docx.oxml import parse_xml
    from docx.oxml.ns import nsdecls

    sub = next((h for h in outline_cache(document) if h.index == children.index(original)), None)
    ppr = item.find(qn("w:pPr"))
    style = ppr.find(qn("w:pStyle"))
    style.set(qn("w:val"), "Intertitre")
    if sub is not None and sub.number:
        run = parse_xml(f'<w:r {nsdecls("w")}><w:t xml:space="preserve">{sub.number} </w:t></w:r>')
        ppr.addnext(run)


_CACHE: dict[int, list[Heading]] = {}


def outline_cache(document) -> list[Heading]:
    key = id(document)
    if key not in _CACHE:
        _CACHE.clear()
        _CACHE[key] = outline(document)
    return _CACHE[key]
