"""The Word contract as it stands in the signature package: the same document, with the page
number of every entry of its contents written in (read from the bookmarks LibreOffice exported
for its headings), so that Word shows the same numbers as the PDF without updating fields, and
no longer asks to update them at each opening.

Takes the contract's .docx bytes and its PDF; gives the .docx bytes written beside the package
(`contrat-de-ville-signature.docx`). When the headings of the PDF do not match the entries of the
contents one for one, the document is given unchanged (Word then updates the fields itself).
"""

from __future__ import annotations

import io
import re
import zipfile

from lxml import etree

from generator.documents.package_tidy import W_NS, tidy_settings

PAGINATED_NAME = "contrat-de-ville-signature.docx"
DIGEST_PROPERTY = "cdv_empreinte_dossier"
_W = f"{{{W_NS}}}"


def outline_pages(pdf: bytes) -> list[tuple[str, int]]:
    """(title, page number from 1) of every bookmark of a PDF, depth first."""
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(pdf))
    found: list[tuple[str, int]] = []

    def walk(items) -> None:
        for item in items:
            if isinstance(item, list):
                walk(item)
                continue
            try:
                found.append((item.title or "", reader.get_destination_page_number(item) + 1))
            except Exception:
                found.append((item.title or "", 0))

    try:
        walk(reader.outline)
    except Exception:
        return []
    return found


def _norm(text: str) -> str:
    return re.sub(r"\s+", " ", text.replace("\u00a0", " ").replace("\u202f", " ")).strip()


def _page_results(root) -> list[tuple[str, object]]:
    """(label, the w:t that holds the page number) of each entry of the contents."""
    entries = []
    for link in root.iter(f"{_W}hyperlink"):
        if not (link.get(f"{_W}anchor") or "").startswith("_Toc"):
            continue
        instruction = "".join(t.text or "" for t in link.iter(f"{_W}instrText"))
        if "PAGEREF" not in instruction:
            continue
        texts, label, result, state = [], "", None, "label"
        for node in link.iter(f"{_W}t", f"{_W}fldChar", f"{_W}tab"):
            if node.tag == f"{_W}tab" and state == "label":
                state = "field"
            elif node.tag == f"{_W}fldChar":
                if node.get(f"{_W}fldCharType") == "separate":
                    state = "result"
                elif node.get(f"{_W}fldCharType") == "end":
                    state = "done"
            elif node.tag == f"{_W}t":
                if state == "label":
                    texts.append(node.text or "")
                elif state == "result" and result is None:
                    result = node
        label = "".join(texts)
        if result is not None:
            entries.append((label, result))
    return entries


def with_page_numbers(docx: bytes, pdf: bytes, digest: str) -> bytes:
    """The contract's .docx with the page numbers of its contents, and `digest` recorded in
    its custom properties (see `recorded_digest`)."""
    with zipfile.ZipFile(io.BytesIO(docx)) as source:
        infos = source.infolist()
        parts = {info.filename: source.read(info.filename) for info in infos}
    root = etree.fromstring(parts["word/document.xml"])
    entries = _page_results(root)
    pages = outline_pages(pdf)
    matches = len(entries) == len(pages) and all(
        _norm(label) == _norm(title) and page > 0
        for (label, _), (title, page) in zip(entries, pages, strict=True)
    )
    if entries and matches:
        for (_, node), (_, page) in zip(entries, pages, strict=True):
            node.text = str(page)
        parts["word/document.xml"] = etree.tostring(
            root, xml_declaration=True, encoding="UTF-8", standalone=True
        )
        parts["word/settings.xml"] = tidy_settings(parts["word/settings.xml"], update_fields=False)
    parts["docProps/custom.xml"] = _with_property(parts["docProps/custom.xml"], digest)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in infos:
            target.writestr(info, parts[info.filename], compress_type=zipfile.ZIP_DEFLATED)
    return out.getvalue()


def _with_property(xml: bytes, digest: str) -> bytes:
    from xml.sax.saxutils import escape

    text = xml.decode("utf-8")
    text = re.sub(rf'<property [^>]*name="{DIGEST_PROPERTY}">.*?</property>', "", text)
    pid = max((int(n) for n in re.findall(r'pid="(\d+)"', text)), default=1) + 1
    prop = (
        f'<property fmtid="{{D5CDD505-2E9C-101B-9397-08002B2CF9AE}}" pid="{pid}" '
        f'name="{DIGEST_PROPERTY}"><vt:lpwstr>{escape(digest)}</vt:lpwstr></property>'
    )
    return text.replace("</Properties>", prop + "</Properties>").encode("utf-8")


def recorded_docx_digest(path) -> str | None:
    from generator.documents.write import read_custom_properties

    try:
        return read_custom_properties(path).get(DIGEST_PROPERTY)
    except Exception:
        return None
