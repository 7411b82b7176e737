"""Assembly of the package with pypdf: contract, index page, annexes; page labels, watermark,
metadata and pinned identifiers (two runs give the same bytes); one TFPB convention on its own.
"""

from __future__ import annotations

import hashlib
import io
import re
from pathlib import Path

from generator import __version__
from generator.signature.active_content import strip_active_content
from generator.signature.index_page import INDEX_LABEL, IndexLayout, IndexLine, draw_index
from generator.signature.outline import append_document, contract_annexes
from generator.signature.parts import PackageInfo, Part, open_pdf
from generator.signature.watermark import Watermark

# Key of the document information dictionary that records the hash of the inputs.
DIGEST_KEY = "/CdvEmpreinte"


def pdf_date(date: str) -> str:
    """A PDF date (creation, modification) from the description's date, at midnight UTC."""
    digits = re.sub(r"\D", "", date or "")[:8]
    return f"D:{digits if len(digits) == 8 else '20240101'}000000Z"


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

    strip_active_content(writer)  # once more on the result: nothing active gets through
    if info.watermark:
        mark = Watermark(writer)
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


def _open_clean(part: Part):
    """The checked reader of a part's PDF, its active content removed (and noted on the part)."""
    reader = open_pdf(part.pdf or b"", part.source or part.title)
    removed = strip_active_content(reader)
    part.removed = sorted(set(part.removed) | set(removed))
    return reader


def assemble(contract: Part, annexes: list[Part], info: PackageInfo, digest: str) -> bytes:
    """The signature package: contract, index page, annexes (attached ones), as PDF bytes."""
    from pypdf import PdfWriter

    writer = PdfWriter()
    contract_reader = _open_clean(contract)
    readers = {id(contract): contract_reader}
    for part in annexes:  # check everything before assembling anything
        if part.pdf is not None:
            readers[id(part)] = _open_clean(part)
    append_document(writer, contract_reader, contract)
    contract_pages = len(writer.pages)
    box = contract_reader.pages[0].mediabox
    width, height = float(box.width), float(box.height)
    if width > height:  # a landscape first page: the index stays portrait
        width, height = height, width
    attached = [p for p in annexes if p.pdf is not None]
    # annexes printed inside the contract (« Annexe 1 – Liste des QPV »…) are listed too
    taken = {p.code.split(".")[0] for p in annexes}
    inner = [
        IndexLine(code, title, page, "dans le contrat")
        for code, title, page in contract_annexes(contract_reader)
        if code not in taken
    ]
    # first pass: the layout only depends on titles, so the number of index pages is known
    placeholder = inner + [IndexLine(p.code, p.title, 0 if p.pdf else None, "") for p in annexes]
    placeholder.sort(key=lambda line: line.order)
    index_count = len(IndexLayout(info, placeholder, width, height).pages) if annexes else 0
    for _ in range(index_count):
        writer.add_blank_page(width, height)
    if index_count:
        writer.add_outline_item(title=INDEX_LABEL, page_number=contract_pages)
    starts: dict[int, tuple[int, int]] = {}
    for part in attached:
        first = append_document(writer, readers[id(part)], part)
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
            IndexLine(
                p.code,
                p.title,
                starts[id(p)][0] if p.pdf is not None else None,
                f"{p.label_prefix}1",
            )
            for p in annexes
        ]
        lines.sort(key=lambda line: line.order)
        layout = IndexLayout(info, lines, width, height)
        draw_index(writer, layout, contract_pages, index_count)
    return _finish(writer, info, digest, list(readers.values()))


def single_document(part: Part, info: PackageInfo, digest: str) -> bytes:
    """One document (a TFPB convention) as its own PDF, with the same finish as the package."""
    from pypdf import PdfWriter

    reader = _open_clean(part)
    writer = PdfWriter()
    append_document(writer, reader, part)
    return _finish(writer, info, digest, [reader])


def recorded_digest(path: Path) -> str | None:
    """The input hash recorded in a PDF written by `_finish` (None if none or unreadable)."""
    from pypdf import PdfReader

    if path.suffix == ".docx":
        from generator.signature.paginated_docx import recorded_docx_digest

        return recorded_docx_digest(path)
    try:
        with path.open("rb") as stream:
            metadata = PdfReader(stream, strict=False).metadata or {}
            value = metadata.get(DIGEST_KEY)
    except Exception:
        return None
    return str(value) if value else None
