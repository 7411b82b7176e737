"""The index page(s) « Annexes » of the package: one line per annex, with the number of its
first page, its label and a link to it; documents declared without a file are « non jointe » (the annex is not attached).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from generator.signature.parts import PackageInfo
from generator.signature.pdf_text import (
    add_stream,
    page_font,
    pdf_number,
    pdf_string,
    text_width,
    wrap,
)

INDEX_LABEL = "Annexes"


@dataclass
class IndexLine:
    code: str
    title: str
    target: int | None  # page index in the package; None: not attached
    label: str  # under the page number: the page label, or « dans le contrat »

    @property
    def order(self) -> tuple:
        """Annexes in the order of their numbers: 1, 2.1, 2.2, 3… (others last)."""
        if re.fullmatch(r"\d+(\.\d+)*", self.code):
            return (0, *map(int, self.code.split(".")))
        return (1, self.code)


class IndexLayout:
    """The index page(s): title, heading, one line (or more) per annex, a note."""

    SIZE = 10.5
    LEAD = 14.0
    MARGIN = 62.0
    CODE_WIDTH = 78.0
    PAGE_WIDTH = 92.0

    def __init__(self, info: PackageInfo, lines: list[IndexLine], width: float, height: float):
        self.info = info
        self.lines = lines
        self.width = width
        self.height = height
        self.title_width = width - 2 * self.MARGIN - self.CODE_WIDTH - self.PAGE_WIDTH
        self.pages = self._paginate()

    def _head_lines(self, first: bool) -> list[tuple[str, float, bool]]:
        head = [(INDEX_LABEL if first else f"{INDEX_LABEL} (suite)", 20.0, True)]
        if first:
            for text in (self.info.heading, self.info.mention):
                head += [
                    (line, 11.0, False) for line in wrap(text, self.width - 2 * self.MARGIN, 11)
                ]
        return head

    def _paginate(self) -> list[list[tuple[IndexLine, list[str]]]]:
        pages: list[list[tuple[IndexLine, list[str]]]] = [[]]
        top = self.height - 72 - self._head_height(True) - 2 * self.LEAD
        y = top
        for line in self.lines:
            wrapped = wrap(line.title, self.title_width, self.SIZE)
            need = self._height(line, wrapped)
            if y - need < 120 and pages[-1]:
                pages.append([])
                y = self.height - 72 - self._head_height(False) - 2 * self.LEAD
            pages[-1].append((line, wrapped))
            y -= need
        return pages

    def _height(self, line: IndexLine, wrapped: list[str]) -> float:
        return len(wrapped) * self.LEAD + (12 if line.target is not None else 6)

    def _head_height(self, first: bool) -> float:
        return sum(size * 1.45 for _, size, _ in self._head_lines(first))

    def draw(self, number: int) -> tuple[bytes, list[tuple[tuple[float, ...], int]]]:
        """Content stream of index page `number` and its links (rectangle, target page)."""
        out: list[bytes] = []
        links: list[tuple[tuple[float, ...], int]] = []
        left = self.MARGIN
        right = self.width - self.MARGIN
        y = self.height - 72

        def text(x: float, y: float, value: str, size: float, bold: bool = False, gray=0.0):
            out.append(
                f"BT {pdf_number(gray)} g /{'FB' if bold else 'F'} {pdf_number(size)} Tf "
                f"{pdf_number(x)} {pdf_number(y)} Td ".encode()
                + pdf_string(value)
                + b" Tj ET\n"
            )

        for i, (value, size, bold) in enumerate(self._head_lines(number == 0)):
            y -= size * 1.45 if i else size
            text(left, y, value, size, bold, 0.0 if i == 0 else 0.25)
        y -= 1.6 * self.LEAD
        text(left, y, "Annexe", 9, True, 0.35)
        text(left + self.CODE_WIDTH, y, "Titre", 9, True, 0.35)
        label = "Page"
        text(right - text_width(label, 9, True), y, label, 9, True, 0.35)
        out.append(
            f"0.6 G 0.5 w {pdf_number(left)} {pdf_number(y - 5)} m {pdf_number(right)} "
            f"{pdf_number(y - 5)} l S\n".encode()
        )
        y -= 0.4 * self.LEAD
        for line, wrapped in self.pages[number]:
            top = y
            for i, part in enumerate(wrapped):
                y -= self.LEAD
                if i == 0:
                    code = f"Annexe {line.code}" if line.code else ""
                    text(left, y, code, self.SIZE, True)
                text(left + self.CODE_WIDTH, y, part, self.SIZE)
            if line.target is None:
                value = "non jointe"
                text(right - text_width(value, 9.5), y, value, 9.5, False, 0.4)
            else:
                value = f"page {line.target + 1}"
                end = left + self.CODE_WIDTH + text_width(wrapped[-1], self.SIZE) + 4
                start = right - text_width(value, self.SIZE) - 4
                if start - end > 8:
                    dots = "." * int((start - end) / text_width(".", self.SIZE))
                    text(start - text_width(dots, self.SIZE), y, dots, self.SIZE, False, 0.55)
                text(right - text_width(value, self.SIZE), y, value, self.SIZE)
                small = f"({line.label})"
                text(right - text_width(small, 8), y - 10, small, 8, False, 0.45)
                links.append(((left - 2, y - 12, right + 2, top - 2), line.target))
            y = top - self._height(line, wrapped)
        if number == len(self.pages) - 1:
            note = (
                "Les numéros de page sont ceux du présent fichier PDF ; chaque annexe garde sa "
                "propre pagination. Dans la visionneuse, les pages des annexes sont numérotées "
                "d'après leur code (A3-1, A3-2…). Chaque ligne renvoie à son annexe."
            )
            y = 72 + self.LEAD * 3
            for part in wrap(note, right - left, 8.5):
                text(left, y, part, 8.5, False, 0.4)
                y -= 11
        return b"".join(out), links


def draw_index(writer, layout: IndexLayout, first: int, count: int) -> None:
    """Draw the index on the `count` blank pages of the writer from page index `first`.

    Each line of an attached annex gets a link annotation to its first page.
    """
    from pypdf.generic import ArrayObject, DictionaryObject, FloatObject, NameObject, NumberObject

    regular, bold = page_font(writer, False), page_font(writer, True)
    for number in range(count):
        page = writer.pages[first + number]
        content, links = layout.draw(number) if number < len(layout.pages) else (b"", [])
        page[NameObject("/Contents")] = add_stream(writer, content)
        page[NameObject("/Resources")] = DictionaryObject(
            {
                NameObject("/Font"): DictionaryObject(
                    {NameObject("/F"): regular, NameObject("/FB"): bold}
                )
            }
        )
        annotations = ArrayObject()
        for rect, target in links:
            annotations.append(
                writer._add_object(
                    DictionaryObject(
                        {
                            NameObject("/Type"): NameObject("/Annot"),
                            NameObject("/Subtype"): NameObject("/Link"),
                            NameObject("/Rect"): ArrayObject(FloatObject(v) for v in rect),
                            NameObject("/Border"): ArrayObject([NumberObject(0)] * 3),
                            NameObject("/Dest"): ArrayObject(
                                [writer.pages[target].indirect_reference, NameObject("/Fit")]
                            ),
                        }
                    )
                )
            )
        if annotations:
            page[NameObject("/Annots")] = annotations
