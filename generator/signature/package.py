"""The signature package: the contract and its annexes in one PDF, assembled with pypdf.

Order of the package: the contract, an index page « Annexes », then the annexes produced by
the tool in the order of the template manifest (the financial annex, then one TFPB convention
per bailleur), then the external PDF annexes of the description (`annexes[].fichier`).

- bookmarks: one per document (top level), with the document's own headings below it (exported
  by LibreOffice; rebuilt from the Word headings if a PDF has none);
- page labels, shown by PDF viewers in place of the bare page number: the contract is numbered
  1, 2, 3… like its printed pages; the index page is « Annexes »; each annex is numbered after
  its code: A3-1, A3-2… for annex 3, A2.1-1… for the first TFPB convention, A6.1-1… for the
  first external document (annex 6: « documents associés »);
- the index page lists each annex with the number of its first page in the file (and its
  label), every line a link; documents declared without a file are listed as « non joint »;
- a diagonal « PROJET » watermark on every page while the contract is not final;
- metadata: title, author (the EPCI), subject, keywords, language;
- reproducible: creation and modification dates come from the description's date, the file
  identifier (/ID) is a hash of the inputs, and nothing of LibreOffice's own variable output
  (its dates and identifiers) is copied: two runs give the same bytes.

The index page and the watermark are drawn directly as PDF content streams in Helvetica (one of
the 14 standard fonts, WinAnsi encoding, which has all French letters and « »): one page of
text does not justify a dependency on a PDF drawing library.
"""

from __future__ import annotations

import hashlib
import io
import math
import re
from dataclasses import dataclass, field
from pathlib import Path

from generator import __version__

PACKAGE_NAME = "contrat-de-ville-signature.pdf"
PACKAGE_FORMAT = 1
# Number of the annex « documents associés », under which external documents are numbered.
EXTERNAL_SERIES = "6"
WATERMARK = "PROJET"
INDEX_LABEL = "Annexes"
# Key of the document information dictionary that records the hash of the inputs.
DIGEST_KEY = "/CdvEmpreinte"


class PackageError(Exception):
    """A document that cannot go into the package (French message)."""


# --- text in the standard Helvetica fonts --------------------------------------------------------

# Advance widths (1/1000 em) of the WinAnsi characters 32 to 255, from Adobe's Core 14 AFM
# metrics (Helvetica.afm, Helvetica-Bold.afm, Copyright (c) 1985-1997 Adobe Systems Incorporated).
_WIDTHS = {
    False: [
        278, 278, 355, 556, 556, 889, 667, 191, 333, 333, 389, 584, 278, 333, 278, 278, 556, 556,
        556, 556, 556, 556, 556, 556, 556, 556, 278, 278, 584, 584, 584, 556, 1015, 667, 667, 722,
        722, 667, 611, 778, 722, 278, 500, 667, 556, 833, 722, 778, 667, 778, 722, 667, 611, 722,
        667, 944, 667, 667, 611, 278, 278, 278, 469, 556, 333, 556, 556, 500, 556, 556, 278, 556,
        556, 222, 222, 500, 222, 833, 556, 556, 556, 556, 333, 500, 278, 556, 500, 722, 500, 500,
        500, 334, 260, 334, 584, 556, 556, 0, 222, 556, 333, 1000, 556, 556, 333, 1000, 667, 333,
        1000, 0, 611, 0, 0, 222, 222, 333, 333, 350, 556, 1000, 333, 1000, 500, 333, 944, 0, 500,
        667, 278, 333, 556, 556, 556, 556, 260, 556, 333, 737, 370, 556, 584, 333, 737, 333, 400,
        584, 333, 333, 333, 556, 537, 278, 333, 333, 365, 556, 834, 834, 834, 611, 667, 667, 667,
        667, 667, 667, 1000, 722, 667, 667, 667, 667, 278, 278, 278, 278, 722, 722, 778, 778, 778,
        778, 778, 584, 778, 722, 722, 722, 722, 667, 667, 611, 556, 556, 556, 556, 556, 556, 889,
        500, 556, 556, 556, 556, 278, 278, 278, 278, 556, 556, 556, 556, 556, 556, 556, 584, 611,
        556, 556, 556, 556, 500, 556, 500,
    ],
    True: [
        278, 333, 474, 556, 556, 889, 722, 238, 333, 333, 389, 584, 278, 333, 278, 278, 556, 556,
        556, 556, 556, 556, 556, 556, 556, 556, 333, 333, 584, 584, 584, 611, 975, 722, 722, 722,
        722, 667, 611, 778, 722, 278, 556, 722, 611, 833, 722, 778, 667, 778, 722, 667, 611, 722,
        667, 944, 667, 667, 611, 333, 278, 333, 584, 556, 333, 556, 611, 556, 611, 556, 333, 611,
        611, 278, 278, 556, 278, 889, 611, 611, 611, 611, 389, 556, 333, 611, 556, 778, 556, 556,
        500, 389, 280, 389, 584, 556, 556, 0, 278, 556, 500, 1000, 556, 556, 333, 1000, 667, 333,
        1000, 0, 611, 0, 0, 278, 278, 500, 500, 350, 556, 1000, 333, 1000, 556, 333, 944, 0, 500,
        667, 278, 333, 556, 556, 556, 556, 280, 556, 333, 737, 370, 556, 584, 333, 737, 333, 400,
        584, 333, 333, 333, 611, 556, 278, 333, 333, 365, 556, 834, 834, 834, 611, 722, 722, 722,
        722, 722, 722, 1000, 722, 667, 667, 667, 667, 278, 278, 278, 278, 722, 722, 778, 778, 778,
        778, 778, 584, 778, 722, 722, 722, 722, 667, 667, 611, 556, 556, 556, 556, 556, 556, 889,
        556, 556, 556, 556, 556, 278, 278, 278, 278, 611, 611, 611, 611, 611, 611, 611, 584, 611,
        611, 611, 611, 611, 556, 611, 556,
    ],
}  # fmt: skip
# Characters outside WinAnsi that French text commonly holds, and what stands for them.
_SUBSTITUTES = {
    "\u202f": "\u00a0",  # narrow no-break space (amounts) -> no-break space
    "\u2009": " ",
    "\u2212": "-",  # minus sign
    "\u2010": "-",
    "\u2011": "-",
    "\u2032": "'",
    "\u0152": "Œ",
}


def winansi(text: str) -> bytes:
    """The text in WinAnsi encoding (what the standard fonts read); unknown characters -> ?."""
    text = "".join(_SUBSTITUTES.get(ch, ch) for ch in text)
    text = "".join(" " if ch in "\r\n\t" else ch for ch in text)
    return text.encode("cp1252", errors="replace")


def text_width(text: str, size: float, bold: bool = False) -> float:
    widths = _WIDTHS[bold]
    return sum(widths[b - 32] if b >= 32 else 0 for b in winansi(text)) * size / 1000


def _literal(text: str) -> bytes:
    """A PDF literal string for `text`, escaped."""
    data = winansi(text)
    data = data.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)")
    return b"(" + data + b")"


def wrap(text: str, width: float, size: float, bold: bool = False) -> list[str]:
    """Split `text` into lines no wider than `width` (a word longer than a line is cut)."""
    lines: list[str] = []
    current = ""
    for word in text.split():
        candidate = f"{current} {word}" if current else word
        if text_width(candidate, size, bold) <= width:
            current = candidate
            continue
        if current:
            lines.append(current)
        while text_width(word, size, bold) > width and len(word) > 1:
            cut = len(word)
            while cut > 1 and text_width(word[:cut], size, bold) > width:
                cut -= 1
            lines.append(word[:cut])
            word = word[cut:]
        current = word
    if current:
        lines.append(current)
    return lines or [""]


def _number(value: float) -> str:
    text = f"{value:.3f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


# --- reading PDFs --------------------------------------------------------------------------------


def open_pdf(data: bytes, label: str):
    """A PdfReader for `data`, or PackageError saying, in French, what is wrong with the file."""
    from pypdf import PdfReader
    from pypdf.errors import DependencyError, PdfReadError, PyPdfError

    head = data[:1024]
    if b"%PDF-" not in head:
        if not data:
            kind = "le fichier est vide"
        elif data.startswith(b"PK"):
            kind = (
                "c'est un document Word, OpenDocument ou une archive ZIP : ouvrez-le et "
                "enregistrez-le au format PDF (Fichier › Exporter au format PDF)"
            )
        elif data.startswith((b"\x89PNG", b"\xff\xd8\xff", b"GIF8", b"II*\x00", b"MM\x00*")):
            kind = "c'est une image : enregistrez-la au format PDF (Imprimer › PDF)"
        elif data.startswith(b"\xd0\xcf\x11\xe0"):
            kind = "c'est un ancien document Word ou Excel : enregistrez-le au format PDF"
        else:
            kind = "le fichier ne commence pas par l'en-tête « %PDF- »"
        raise PackageError(f"{label} : ce n'est pas un PDF ({kind})")
    tail = data[-2048:].rstrip(b"\x00\r\n\t ")
    if b"%%EOF" not in tail and b"startxref" not in data[-4096:]:
        raise PackageError(
            f"{label} : PDF incomplet (le fichier s'arrête avant sa fin : copie ou "
            "téléchargement interrompu ?) ; récupérez de nouveau le fichier"
        )
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted:
            try:
                opened = reader.decrypt("")
            except (DependencyError, NotImplementedError) as exc:
                raise PackageError(
                    f"{label} : PDF chiffré d'une manière que l'outil ne sait pas lire "
                    f"({exc}) ; demandez à son auteur une version sans protection"
                ) from exc
            if not opened:
                raise PackageError(
                    f"{label} : PDF protégé par un mot de passe, qui ne peut pas être joint au "
                    "dossier ; demandez à son auteur une version sans mot de passe"
                )
        count = len(reader.pages)
        if count == 0:
            raise PackageError(f"{label} : PDF sans aucune page")
        for page in reader.pages:  # read everything now: a broken page fails here, not later
            page.get_contents()
            page.mediabox  # noqa: B018
    except PackageError:
        raise
    except (PyPdfError, PdfReadError, ValueError, KeyError, TypeError, AttributeError) as exc:
        raise PackageError(
            f"{label} : PDF abîmé, illisible ({type(exc).__name__} : {exc}) ; "
            "ouvrez-le dans un lecteur de PDF et enregistrez-en une nouvelle copie"
        ) from exc
    except Exception as exc:  # pypdf raises many kinds of errors on broken files
        raise PackageError(
            f"{label} : PDF abîmé, illisible ({type(exc).__name__}) ; ouvrez-le dans un "
            "lecteur de PDF et enregistrez-en une nouvelle copie"
        ) from exc
    return reader


def read_external(path: Path, label: str) -> bytes:
    """The bytes of an external annex, checked: it exists and is a readable PDF."""
    if not path.exists():
        raise PackageError(f"{label} : fichier introuvable ({path})")
    if not path.is_file():
        raise PackageError(f"{label} : {path} n'est pas un fichier")
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise PackageError(f"{label} : fichier illisible ({exc.strerror or exc})") from exc
    open_pdf(data, label)
    return data


# --- parts and metadata --------------------------------------------------------------------------


@dataclass
class Part:
    """One document of the package."""

    code: str  # "" for the contract, "3", "2.1", "6.1" for annexes
    title: str  # its bookmark and index line
    pdf: bytes | None = None  # None: declared but not attached
    source: str = ""  # file it comes from (for messages)
    headings: list[tuple[int, str]] = field(default_factory=list)  # fallback bookmarks
    docx: Path | None = None  # its Word source, read for headings when the PDF has no bookmarks

    @property
    def label_prefix(self) -> str:
        return f"A{self.code}-" if self.code else ""

    @property
    def bookmark(self) -> str:
        return f"Annexe {self.code} — {self.title}" if self.code else self.title


@dataclass
class PackageInfo:
    title: str
    author: str
    subject: str
    keywords: str
    date: str  # YYYY-MM-DD
    watermark: bool
    heading: str = ""  # under the title of the index page
    mention: str = ""  # version and status, under the heading
    language: str = "fr-FR"


def pdf_date(date: str) -> str:
    digits = re.sub(r"\D", "", date or "")[:8]
    return f"D:{digits if len(digits) == 8 else '20240101'}000000Z"


# --- drawing -------------------------------------------------------------------------------------


def _stream(writer, data: bytes, extra: dict | None = None):
    """Add a (compressed) stream to the writer; returns its indirect reference."""
    from pypdf.generic import DecodedStreamObject

    stream = DecodedStreamObject()
    stream.set_data(data)
    if extra:
        stream.update(extra)
    try:
        stream = stream.flate_encode()
    except Exception:  # pragma: no cover - flate is always available
        pass
    return writer._add_object(stream)


def _font(writer, bold: bool):
    from pypdf.generic import DictionaryObject, NameObject

    return writer._add_object(
        DictionaryObject(
            {
                NameObject("/Type"): NameObject("/Font"),
                NameObject("/Subtype"): NameObject("/Type1"),
                NameObject("/BaseFont"): NameObject("/Helvetica-Bold" if bold else "/Helvetica"),
                NameObject("/Encoding"): NameObject("/WinAnsiEncoding"),
            }
        )
    )


class _Watermark:
    """« PROJET » across each page, drawn through one shared form XObject."""

    NAME = "/CdvFiligraneProjet"

    def __init__(self, writer, bold_font):
        from pypdf.generic import ArrayObject, DictionaryObject, FloatObject, NameObject

        self.writer = writer
        size_one = text_width(WATERMARK, 1, bold=True)
        self.width = size_one
        content = (
            b"q 0.6 0.6 0.6 rg /G gs BT /F 1 Tf "
            + f"{_number(-size_one / 2)} -0.36 Td ".encode()
            + _literal(WATERMARK)
            + b" Tj ET Q"
        )
        resources = DictionaryObject(
            {
                NameObject("/Font"): DictionaryObject({NameObject("/F"): bold_font}),
                NameObject("/ExtGState"): DictionaryObject(
                    {
                        NameObject("/G"): DictionaryObject(
                            {
                                NameObject("/Type"): NameObject("/ExtGState"),
                                NameObject("/ca"): FloatObject(0.3),
                                NameObject("/CA"): FloatObject(0.3),
                            }
                        )
                    }
                ),
            }
        )
        self.form = _stream(
            writer,
            content,
            {
                NameObject("/Type"): NameObject("/XObject"),
                NameObject("/Subtype"): NameObject("/Form"),
                NameObject("/BBox"): ArrayObject(
                    [FloatObject(v) for v in (-size_one / 2 - 0.1, -0.6, size_one / 2 + 0.1, 1)]
                ),
                NameObject("/Resources"): resources,
            },
        )
        self.open = _stream(writer, b"q\n")
        self.stamps: dict[tuple, object] = {}

    def _stamp(self, box: tuple[float, float, float, float], rotate: int):
        key = (*box, rotate)
        if key not in self.stamps:
            x0, y0, x1, y1 = box
            width, height = x1 - x0, y1 - y0
            if rotate in (90, 270):
                width, height = height, width
            # across the page as it is shown, from bottom left to top right
            angle = math.atan2(height, width) + math.radians(rotate)
            scale = 0.72 * math.hypot(width, height) / self.width
            scale = min(scale, 0.5 * min(width, height))
            cos, sin = scale * math.cos(angle), scale * math.sin(angle)
            matrix = " ".join(
                _number(v) for v in (cos, sin, -sin, cos, (x0 + x1) / 2, (y0 + y1) / 2)
            )
            self.stamps[key] = _stream(
                self.writer, f"\nQ q {matrix} cm {self.NAME} Do Q\n".encode()
            )
        return self.stamps[key]

    def apply(self, page) -> None:
        from pypdf.generic import ArrayObject, DictionaryObject, NameObject

        box = page.cropbox
        rect = tuple(float(v) for v in (box.left, box.bottom, box.right, box.top))
        rotate = int(page.get("/Rotate", 0) or 0) % 360
        resources = page.get("/Resources")
        if resources is None:
            resources = DictionaryObject()
            page[NameObject("/Resources")] = resources
        resources = resources.get_object()
        xobjects = resources.get("/XObject")
        if xobjects is None:
            xobjects = DictionaryObject()
            resources[NameObject("/XObject")] = xobjects
        xobjects.get_object()[NameObject(self.NAME)] = self.form
        contents = page.get("/Contents")
        if contents is None:
            existing = []
        else:
            resolved = contents.get_object()
            existing = list(resolved) if isinstance(resolved, ArrayObject) else [contents]
        page[NameObject("/Contents")] = ArrayObject(
            [self.open, *existing, self._stamp(rect, rotate)]
        )


@dataclass
class _IndexLine:
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


class _IndexLayout:
    """The index page(s): title, heading, one line (or more) per annex, a note."""

    SIZE = 10.5
    LEAD = 14.0
    MARGIN = 62.0
    CODE_WIDTH = 78.0
    PAGE_WIDTH = 92.0

    def __init__(self, info: PackageInfo, lines: list[_IndexLine], width: float, height: float):
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

    def _paginate(self) -> list[list[tuple[_IndexLine, list[str]]]]:
        pages: list[list[tuple[_IndexLine, list[str]]]] = [[]]
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

    def _height(self, line: _IndexLine, wrapped: list[str]) -> float:
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
                f"BT {_number(gray)} g /{'FB' if bold else 'F'} {_number(size)} Tf "
                f"{_number(x)} {_number(y)} Td ".encode()
                + _literal(value)
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
            f"0.6 G 0.5 w {_number(left)} {_number(y - 5)} m {_number(right)} "
            f"{_number(y - 5)} l S\n".encode()
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
                value = "non joint"
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


# --- assembly ------------------------------------------------------------------------------------


def _normal(text: str) -> str:
    return re.sub(r"\s+", " ", text.replace("\u00ad", "")).strip().casefold()


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


def _contract_annexes(reader) -> list[tuple[str, str, int]]:
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


def _append(writer, reader, part: Part) -> int:
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


def _finish(writer, info: PackageInfo, digest: str, sources: list) -> bytes:
    """Watermark, metadata, catalog entries and pinned identifiers; the file's bytes."""
    from pypdf.generic import (
        ArrayObject,
        BooleanObject,
        ByteStringObject,
        DictionaryObject,
        NameObject,
        TextStringObject,
    )

    if info.watermark:
        mark = _Watermark(writer, _font(writer, bold=True))
        for page in writer.pages:
            mark.apply(page)
    date = pdf_date(info.date)
    writer.add_metadata(
        {
            "/Title": info.title,
            "/Author": info.author,
            "/Subject": info.subject,
            "/Keywords": info.keywords,
            "/Creator": f"cdv {__version__} (contrats de ville Engagements Quartiers 2030)",
            "/Producer": "cdv avec LibreOffice et pypdf",
            "/CreationDate": date,
            "/ModDate": date,
            DIGEST_KEY: digest,
        }
    )
    root = writer._root_object
    root[NameObject("/Lang")] = TextStringObject(info.language)
    root[NameObject("/PageMode")] = NameObject("/UseOutlines")
    root[NameObject("/ViewerPreferences")] = DictionaryObject(
        {NameObject("/DisplayDocTitle"): BooleanObject(True)}
    )
    identifier = ByteStringObject(hashlib.sha256(digest.encode()).digest()[:16])
    writer._ID = ArrayObject([identifier, identifier])
    versions = [reader.pdf_header for reader in sources if getattr(reader, "pdf_header", None)]
    try:
        writer.pdf_header = max(["%PDF-1.7", *versions])
    except (AttributeError, ValueError):  # pragma: no cover - older pypdf
        pass
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def assemble(contract: Part, annexes: list[Part], info: PackageInfo, digest: str) -> bytes:
    """The signature package: contract, index page, annexes (attached ones), as PDF bytes."""
    from pypdf import PdfWriter
    from pypdf.generic import ArrayObject, DictionaryObject, FloatObject, NameObject, NumberObject

    writer = PdfWriter()
    contract_reader = open_pdf(contract.pdf or b"", contract.source or contract.title)
    readers = {id(contract): contract_reader}
    for part in annexes:  # check everything before assembling anything
        if part.pdf is not None:
            readers[id(part)] = open_pdf(part.pdf, part.source or part.bookmark)
    _append(writer, contract_reader, contract)
    contract_pages = len(writer.pages)
    box = contract_reader.pages[0].mediabox
    width, height = float(box.width), float(box.height)
    if width > height:  # a landscape first page: the index stays portrait
        width, height = height, width
    attached = [p for p in annexes if p.pdf is not None]
    # annexes printed inside the contract (« Annexe 1 – Liste des QPV »…) are listed too
    taken = {p.code.split(".")[0] for p in annexes}
    inner = [
        _IndexLine(code, title, page, "dans le contrat")
        for code, title, page in _contract_annexes(contract_reader)
        if code not in taken
    ]
    # first pass: the layout only depends on titles, so the number of index pages is known
    placeholder = inner + [_IndexLine(p.code, p.title, 0 if p.pdf else None, "") for p in annexes]
    placeholder.sort(key=lambda line: line.order)
    index_count = len(_IndexLayout(info, placeholder, width, height).pages) if annexes else 0
    for _ in range(index_count):
        writer.add_blank_page(width, height)
    if index_count:
        writer.add_outline_item(title=INDEX_LABEL, page_number=contract_pages)
    starts: dict[int, tuple[int, int]] = {}
    for part in attached:
        first = _append(writer, readers[id(part)], part)
        starts[id(part)] = (first, len(writer.pages) - first)
    writer.set_page_label(0, contract_pages - 1, style="/D", start=1)
    if index_count == 1:
        writer.set_page_label(contract_pages, contract_pages, prefix=INDEX_LABEL)
    elif index_count:
        writer.set_page_label(
            contract_pages, contract_pages + index_count - 1, style="/D", prefix=f"{INDEX_LABEL}-"
        )
    for part in attached:
        first, count = starts[id(part)]
        writer.set_page_label(first, first + count - 1, style="/D", prefix=part.label_prefix)
    if index_count:
        lines = inner + [
            _IndexLine(
                p.code,
                p.title,
                starts[id(p)][0] if p.pdf is not None else None,
                f"{p.label_prefix}1",
            )
            for p in annexes
        ]
        lines.sort(key=lambda line: line.order)
        layout = _IndexLayout(info, lines, width, height)
        regular, bold = _font(writer, False), _font(writer, True)
        for number in range(index_count):
            page = writer.pages[contract_pages + number]
            content, links = layout.draw(number) if number < len(layout.pages) else (b"", [])
            page[NameObject("/Contents")] = _stream(writer, content)
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
    return _finish(writer, info, digest, list(readers.values()))


def single_document(part: Part, info: PackageInfo, digest: str) -> bytes:
    """One document (a TFPB convention) as its own PDF, with the same finish as the package."""
    from pypdf import PdfWriter

    reader = open_pdf(part.pdf or b"", part.source or part.bookmark)
    writer = PdfWriter()
    _append(writer, reader, part)
    return _finish(writer, info, digest, [reader])


def recorded_digest(path: Path) -> str | None:
    """The input hash recorded in a PDF written by this module (None if none or unreadable)."""
    from pypdf import PdfReader

    try:
        with path.open("rb") as stream:
            metadata = PdfReader(stream, strict=False).metadata or {}
            value = metadata.get(DIGEST_KEY)
    except Exception:
        return None
    return str(value) if value else None


# --- a territory's package: what goes in, from the build and the description ---------------------


@dataclass
class Planned:
    """A document of the package and where it comes from."""

    part: Part
    docx: Path | None = None  # converted by LibreOffice; None for an external PDF
    standalone: str | None = None  # name of its own PDF (a TFPB convention)


@dataclass
class TerritoryPlan:
    territory: str
    root: Path
    folder: Path
    info: PackageInfo
    contract: Planned
    annexes: list[Planned]
    digest: str = ""
    notes: list[str] = field(default_factory=list)

    @property
    def documents(self) -> list[Path]:
        return [p.docx for p in [self.contract, *self.annexes] if p.docx is not None]

    def outputs(self) -> dict[str, str]:
        """File name -> the input hash recorded in it."""
        names = {PACKAGE_NAME: self.digest}
        for planned in self.annexes:
            if planned.standalone:
                names[planned.standalone] = f"{self.digest}:{planned.standalone}"
        return names


def _annex_number(output_name: str) -> str | None:
    match = re.match(r"annexe-(\d+)", output_name)
    return match.group(1) if match else None


def _annex_title(title: str) -> str:
    """A manifest title without its own « Annexe 3 – » (the package numbers annexes itself)."""
    return re.sub(r"^\s*annexe\s+[0-9A-Za-z.]+\s*[–—:-]\s*", "", title, flags=re.I) or title


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


def plan_territory(root: Path, folder: Path, templates, *, draft: bool = False) -> TerritoryPlan:
    """What goes into a territory's package, read from its description and its built documents.

    Raises PackageError for a document that cannot go in (built document missing, external
    annex missing, not a PDF, damaged or protected by a password).
    """
    from generator.documents.build import _slug
    from generator.documents.context import build_context
    from generator.description.load import load_territory

    desc = load_territory(root)
    context = build_context(desc.data)
    doc = context["doc"]
    epci = doc["epci"] or root.name
    heading = f"{doc['titre']} — {epci}"
    watermark = doc["statut"] != "final" or draft
    codes = "; ".join(q["code"] for q in context["territoire"]["qpv"] if q.get("code"))
    info = PackageInfo(
        title=heading,
        author=epci,
        subject=(
            f"{doc['titre']} ({doc['periode']}), ses annexes et les conventions d'utilisation de "
            f"l'abattement de TFPB — {doc['mention']}"
        ),
        keywords="; ".join(
            k
            for k in ("contrat de ville", "politique de la ville", "Quartiers 2030", epci, codes)
            if k
        ),
        date=str(doc["date"] or ""),
        watermark=watermark,
        heading=heading,
        mention=doc["mention"]
        + (" — document de travail (description incomplète)" if draft else ""),
    )

    def built(name: str) -> Path:
        path = folder / name
        if not path.is_file():
            raise PackageError(
                f"{name} introuvable dans {folder} : le document n'a pas été produit "
                "(relancez cdv build pour voir pourquoi)"
            )
        return path

    documents = templates.documents
    main = next((d for d in documents if d.id == "contrat"), None)
    main = main or next(d for d in documents if not d.for_each)
    contract = Planned(Part("", doc["titre"], source=main.output), built(main.output))
    annexes: list[Planned] = []
    for document in documents:
        if document is main:
            continue
        if document.for_each == "tfpb":
            conventions = context["tfpb"]
            for i, convention in enumerate(conventions):
                name = document.output.format(bailleur=_slug(convention["bailleur"] or str(i)))
                number = _annex_number(name) or document.id
                code = f"{number}.{i + 1}" if len(conventions) > 1 else number
                title = f"{_annex_title(document.title)} — {convention['bailleur_info'].get('nom')}"
                annexes.append(
                    Planned(Part(code, title, source=name), built(name), Path(name).stem + ".pdf")
                )
        else:
            code = _annex_number(document.output) or document.id
            part = Part(code, _annex_title(document.title), source=document.output)
            annexes.append(Planned(part, built(document.output)))
    for i, annex in enumerate(context["annexes"]):
        code = f"{EXTERNAL_SERIES}.{i + 1}"
        title = annex.get("titre") or f"Annexe {code}"
        part = Part(code, title)
        name = annex.get("fichier")
        if name:
            loc = desc.where(("annexes", i, "fichier"))
            where = f"{loc.file}:{loc.line}" if loc.line else loc.file
            label = f"l'annexe « {title} » (annexes[{i + 1}].fichier, {where})"
            part.pdf = read_external(root / name, label)
            part.source = label
        annexes.append(Planned(part))
    plan = TerritoryPlan(root.name, root, folder, info, contract, annexes)
    digest = hashlib.sha256(f"cdv {__version__}\0{PACKAGE_FORMAT}\0".encode())
    for value in (info.title, info.author, info.subject, info.keywords, info.date, info.mention):
        digest.update(value.encode() + b"\0")
    digest.update(b"filigrane\0" if watermark else b"\0")
    for planned in [contract, *annexes]:
        part = planned.part
        data = planned.docx.read_bytes() if planned.docx else part.pdf
        content = hashlib.sha256(data).hexdigest() if data is not None else "-"
        digest.update(f"{part.code}\0{part.title}\0{planned.standalone}\0{content}\0".encode())
    plan.digest = digest.hexdigest()
    return plan


def is_up_to_date(plan: TerritoryPlan) -> bool:
    """True when every PDF of the plan exists and was made from exactly these inputs."""
    return all(recorded_digest(plan.folder / n) == d for n, d in plan.outputs().items())


def assemble_territory(plan: TerritoryPlan, pdfs: dict[Path, bytes]) -> dict[str, bytes]:
    """The bytes of every PDF of a territory: its package and each TFPB convention."""
    for planned in [plan.contract, *plan.annexes]:
        if planned.docx is not None:
            planned.part.pdf = pdfs[planned.docx]
            planned.part.docx = planned.docx
    outputs = plan.outputs()
    files = {
        PACKAGE_NAME: assemble(
            plan.contract.part, [p.part for p in plan.annexes], plan.info, plan.digest
        )
    }
    for planned in plan.annexes:
        if planned.standalone:
            info = PackageInfo(
                title=f"{planned.part.bookmark} — {plan.info.author}",
                author=plan.info.author,
                subject=f"Annexe au {plan.info.heading} — {plan.info.mention}",
                keywords=plan.info.keywords,
                date=plan.info.date,
                watermark=plan.info.watermark,
            )
            files[planned.standalone] = single_document(
                planned.part, info, outputs[planned.standalone]
            )
    return files
