"""Tracked changes: the old document with revisions (w:ins / w:del) that lead to the new one.

The comparison is done by python-redlines with its Docxodus engine (a compiled .NET program
shipped in the `python-redlines-docxodus` wheel for Linux, Windows and macOS; it runs
offline). Its output keeps the old document's styles, numbering, headers and fields, marks
changes word by word inside paragraphs and table cells, and whole paragraphs and rows;
Word and LibreOffice show them as tracked changes. It takes about a second for a pair of
100-page contracts (bench/bench_diff.py), which a reviewer waits for once per version.

`accept_all` and `reject_all` apply the revisions of a document at the XML level; they are
how the tests (and `check_redline`) verify that accepting every change gives the new text
and rejecting every change gives the old one.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass
from pathlib import Path

from lxml import etree

from generator.compare.docx_text import (
    _HEADER_FOOTER,
    _PARSER,
    DocText,
    DocxError,
    P,
    _w,
    parts_of,
    read_package,
    read_text,
)

DEFAULT_AUTHOR = "cdv comparer"
INS, DEL, MOVE_FROM, MOVE_TO = _w("ins"), _w("del"), _w("moveFrom"), _w("moveTo")
DEL_TEXT, T, DEL_INSTR, INSTR = _w("delText"), _w("t"), _w("delInstrText"), _w("instrText")
CHANGE_TAGS = {
    _w(t)
    for t in (
        "rPrChange",
        "pPrChange",
        "sectPrChange",
        "tblPrChange",
        "tblGridChange",
        "tcPrChange",
        "trPrChange",
        "tblPrExChange",
        "numberingChange",
    )
}
RANGE_TAGS = {
    _w(t)
    for t in (
        "moveFromRangeStart",
        "moveFromRangeEnd",
        "moveToRangeStart",
        "moveToRangeEnd",
        "customXmlInsRangeStart",
        "customXmlInsRangeEnd",
        "customXmlDelRangeStart",
        "customXmlDelRangeEnd",
    )
}


class RedlineError(Exception):
    """The tracked-changes document could not be made (French message)."""


@dataclass
class Redline:
    data: bytes
    insertions: int
    deletions: int


def make_redline(
    old: Path, new: Path, *, author: str = DEFAULT_AUTHOR, date: str | None = None
) -> Redline:
    """The old document with the revisions that turn it into the new one.

    `date` (ISO 8601, e.g. 2025-03-01T00:00:00Z) dates the revisions; by default the day of
    the comparison (at midnight UTC, so that the same pair compared on the same day gives the
    same bytes): a reviewer reads when the changes were found, not the document's own date.
    Each deletion comes before the insertion that replaces it, as Word writes them.
    """
    read_package(old)  # clear French errors before the engine sees the files
    read_package(new)
    if date is None:
        from datetime import UTC, datetime

        date = datetime.now(UTC).strftime("%Y-%m-%dT00:00:00Z")
    try:
        from python_redlines.engines import DocxodusEngine, EngineNotInstalledError
    except ImportError as exc:  # pragma: no cover - a dependency of the package
        raise RedlineError(
            "le module python-redlines n'est pas installé : pip install "
            "'python-redlines[docxodus]' (ou réinstallez l'outil)"
        ) from exc
    try:
        engine = DocxodusEngine()
    except (EngineNotInstalledError, OSError) as exc:
        raise RedlineError(
            "le moteur de comparaison (python-redlines-docxodus) n'est pas disponible sur cette "
            f"machine : {exc}"
        ) from exc
    options = {"date_time": date} if date else {}
    try:
        data, _stdout, _stderr = engine.run_redline(author, str(old), str(new), **options)
    except Exception as exc:  # EngineExecutionError, OSError: the engine failed on these files
        detail = str(exc).strip().splitlines()[-1] if str(exc).strip() else type(exc).__name__
        raise RedlineError(
            f"le document avec suivi des modifications n'a pas pu être produit ({detail})"
        ) from exc
    from generator.documents.package_tidy import tidy_docx

    data = tidy_docx(_deletions_first(data))
    root = _document_root(data, "document de comparaison")
    return Redline(
        data=data,
        insertions=sum(1 for _ in root.iter(INS, MOVE_TO)),
        deletions=sum(1 for _ in root.iter(DEL, MOVE_FROM)),
    )


def _deletions_first(data: bytes) -> bytes:
    """Swap every insertion that directly precedes a deletion (« 135 000 €120 000 € » read as
    new then old): the old text comes first, then the new one."""
    with zipfile.ZipFile(io.BytesIO(data)) as source:
        infos = source.infolist()
        parts = {info.filename: source.read(info.filename) for info in infos}
    root = etree.fromstring(parts["word/document.xml"], _PARSER)
    swapped = False
    for insertion in list(root.iter(INS)):
        following = insertion.getnext()
        if following is not None and following.tag == DEL and len(insertion) and len(following):
            insertion.addprevious(following)
            swapped = True
    if not swapped:
        return data
    parts["word/document.xml"] = etree.tostring(
        root, xml_declaration=True, encoding="UTF-8", standalone=True
    )
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in infos:
            target.writestr(info, parts[info.filename], compress_type=zipfile.ZIP_DEFLATED)
    return out.getvalue()


# --------------------------------------------------------------------------- revisions


def _document_root(data: bytes, name: str):
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as package:
            xml = package.read("word/document.xml")
    except (zipfile.BadZipFile, KeyError) as exc:
        raise DocxError(f"{name} n'est pas un document Word lisible ({exc})") from None
    return etree.fromstring(xml, _PARSER)


def _unwrap(element) -> None:
    parent = element.getparent()
    index = parent.index(element)
    for offset, child in enumerate(list(element)):
        parent.insert(index + offset, child)
    _keep_tail(element)
    parent.remove(element)


def _drop(element) -> None:
    _keep_tail(element)
    element.getparent().remove(element)


def _keep_tail(element) -> None:
    if element.tail:
        previous = element.getprevious()
        parent = element.getparent()
        if previous is not None:
            previous.tail = (previous.tail or "") + element.tail
        else:
            parent.text = (parent.text or "") + element.tail


def _mark(paragraph, tag: str) -> bool:
    """Whether the paragraph mark itself carries a revision of this kind."""
    rpr = paragraph.find(f"{_w('pPr')}/{_w('rPr')}")
    return rpr is not None and rpr.find(tag) is not None


def _apply(root, keep: str) -> None:
    """Accept (keep=INS) or reject (keep=DEL) every revision of a document tree."""
    gone = DEL if keep == INS else INS
    gone_move, kept_move = (MOVE_FROM, MOVE_TO) if keep == INS else (MOVE_TO, MOVE_FROM)
    for element in list(root.iter(*CHANGE_TAGS, *RANGE_TAGS)):
        _drop(element)
    # rows inserted (rejecting) or deleted (accepting) go with their cells
    for row in list(root.iter(_w("tr"))):
        trpr = row.find(_w("trPr"))
        if trpr is not None and trpr.find(gone) is not None:
            _drop(row)
        elif trpr is not None:
            for mark in trpr.findall(keep):
                trpr.remove(mark)
    # paragraphs whose mark goes away join the next paragraph
    for paragraph in list(root.iter(P)):
        if _mark(paragraph, gone):
            following = paragraph.getnext()
            content = [c for c in paragraph if c.tag != _w("pPr")]
            if following is not None and following.tag == P:
                ppr = following.find(_w("pPr"))
                at = 1 if ppr is not None else 0
                for offset, child in enumerate(content):
                    following.insert(at + offset, child)
                _drop(paragraph)
            elif not any(c.tag not in (gone, gone_move) for c in content):
                _drop(paragraph)
    for element in list(root.iter(gone, gone_move)):
        _drop(element)
    for element in list(root.iter(keep, kept_move)):
        if element.getparent() is not None and element.getparent().tag == _w("rPr"):
            _drop(element)
        else:
            _unwrap(element)
    if keep == DEL:  # deleted text becomes ordinary text again
        for element in root.iter(DEL_TEXT):
            element.tag = T
        for element in root.iter(DEL_INSTR):
            element.tag = INSTR


def _applied(data: bytes, keep: str, name: str) -> DocText:
    parts = parts_of(data, name)
    for part in parts:
        if part == "word/document.xml" or _HEADER_FOOTER.fullmatch(part):
            root = etree.fromstring(parts[part], _PARSER)
            _apply(root, keep)
            parts[part] = etree.tostring(root)
    return read_text(parts, name)


def accept_all(data: bytes) -> DocText:
    """The text of a document once every revision is accepted."""
    return _applied(data, INS, "modifications acceptées")


def reject_all(data: bytes) -> DocText:
    """The text of a document once every revision is rejected."""
    return _applied(data, DEL, "modifications refusées")


def revisions(data: bytes) -> tuple[list[str], list[str]]:
    """(inserted texts, deleted texts) of a document, in reading order."""
    root = _document_root(data, "document")
    inserted = ["".join(t.text or "" for t in el.iter(T)) for el in root.iter(INS, MOVE_TO)]
    deleted = [
        "".join(t.text or "" for t in el.iter(DEL_TEXT, T)) for el in root.iter(DEL, MOVE_FROM)
    ]
    return [t for t in inserted if t], [t for t in deleted if t]


def check_redline(redline: bytes, old: DocText, new: DocText) -> list[str]:
    """Problems with a redline (empty when accepting gives `new` and rejecting gives `old`)."""
    problems = []
    if accept_all(redline).texts() != new.texts():
        problems.append("accepter toutes les modifications ne donne pas le nouveau texte")
    if reject_all(redline).texts() != old.texts():
        problems.append("refuser toutes les modifications ne redonne pas l'ancien texte")
    return problems
