"""The consolidated contract: a plain build of the amended description, marked « version
consolidée » (one paragraph at the top of the body and one custom property), nothing else."""

from __future__ import annotations

import io
import re
import zipfile

from generator.documents.write import zip_parts

MARK_ID = "cdv-version-consolidee"
_BODY = re.compile(rb"<w:body>")


def mark_paragraph(text: str) -> bytes:
    from xml.sax.saxutils import escape

    return (
        f'<w:p><w:pPr><w:pStyle w:val="CouvertureTexte"/><w:jc w:val="center"/></w:pPr>'
        f'<w:bookmarkStart w:id="990000" w:name="{MARK_ID}"/><w:r><w:rPr><w:b/></w:rPr>'
        f'<w:t xml:space="preserve">{escape(text)}</w:t></w:r><w:bookmarkEnd w:id="990000"/></w:p>'
    ).encode()


def consolidate(data: bytes, text: str) -> bytes:
    """`data` (a generated .docx) with the « version consolidée » marks added."""
    parts = _parts(data)
    document = parts["word/document.xml"]
    parts["word/document.xml"] = _BODY.sub(lambda m: m.group(0) + mark_paragraph(text), document, 1)
    parts["docProps/custom.xml"] = parts["docProps/custom.xml"].replace(
        b"</Properties>",
        b'<property fmtid="{D5CDD505-2E9C-101B-9397-08002B2CF9AE}" pid="99" '
        b'name="cdv_version_consolidee"><vt:lpwstr>' + _esc(text) + b"</vt:lpwstr></property>"
        b"</Properties>",
    )
    return _zip(parts)


def strip_marks(data: bytes) -> bytes:
    """The inverse of `consolidate` (used to prove that nothing else differs)."""
    parts = _parts(data)
    parts["word/document.xml"] = re.sub(
        rb'<w:p><w:pPr><w:pStyle w:val="CouvertureTexte"/><w:jc w:val="center"/></w:pPr>'
        rb'<w:bookmarkStart w:id="990000" w:name="' + MARK_ID.encode() + rb'"/>.*?</w:p>',
        b"",
        parts["word/document.xml"],
        count=1,
    )
    parts["docProps/custom.xml"] = re.sub(
        rb'<property [^>]*name="cdv_version_consolidee">.*?</property>',
        b"",
        parts["docProps/custom.xml"],
    )
    return _zip(parts)


def _esc(text: str) -> bytes:
    from xml.sax.saxutils import escape

    return escape(text).encode("utf-8")


def _parts(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as source:
        return {i.filename: source.read(i.filename) for i in source.infolist()}


def _zip(parts: dict[str, bytes]) -> bytes:
    return zip_parts(parts)
