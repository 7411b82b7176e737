"""Deterministic .docx bytes and atomic writes.

The same inputs give the same bytes on any machine and any day: zip entries in a fixed order
with a fixed timestamp, core properties dated from the description, custom properties that
record the template, its version, the toolkit version and the hash of the inputs.
"""

from __future__ import annotations

import io
import os
import re
import tempfile
import zipfile
from pathlib import Path
from xml.sax.saxutils import escape

from generator.description.characters import XML_ILLEGAL, xml_safe
from generator.documents.package_tidy import tidy_parts

FIXED_ZIP_TIME = (1980, 1, 1, 0, 0, 0)
CUSTOM_PROPS_PART = "docProps/custom.xml"
CUSTOM_PROPS_TYPE = "application/vnd.openxmlformats-officedocument.custom-properties+xml"
CUSTOM_PROPS_REL = (
    "http://schemas.openxmlformats.org/officeDocument/2006/relationships/custom-properties"
)
_FMTID = "{D5CDD505-2E9C-101B-9397-08002B2CF9AE}"

# The description a document was generated from travels inside it, as a Custom XML Data part
# (the kind of part Word and LibreOffice keep when they save a document): `cdv comparer` on two
# generated documents compares their descriptions too.
DESCRIPTION_NS = "urn:cdv-quartiers-2030:description"
DESCRIPTION_ITEM_ID = "{6F0C1A52-3D0B-5B8E-9C7A-2E4F6A1D8B30}"
CUSTOM_XML_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/customXml"
CUSTOM_XML_PROPS_REL = (
    "http://schemas.openxmlformats.org/officeDocument/2006/relationships/customXmlProps"
)
CUSTOM_XML_PROPS_TYPE = "application/vnd.openxmlformats-officedocument.customXmlProperties+xml"


def _xml_text(value: str, attribute: bool = False) -> str:
    """Text safe in an XML part: escaped, without the characters XML forbids; a carriage
    return, which an XML reader would turn into a line feed, is written as a reference."""
    text = escape(xml_safe(str(value))).replace("\r", "&#13;")
    return text.replace('"', "&quot;") if attribute else text


def _json_for_xml(text: str) -> str:
    """JSON text whose characters XML forbids (U+FFFE, lone surrogates...) are written as
    JSON escapes: the part stays well-formed and the description is read back unchanged."""
    return XML_ILLEGAL.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def _core_xml(props: dict[str, str], timestamp: str) -> bytes:
    def el(tag: str, key: str) -> str:
        value = props.get(key)
        return f"<{tag}>{_xml_text(value)}</{tag}>" if value else ""

    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" '
        'xmlns:dcmitype="http://purl.org/dc/dcmitype/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
        + el("dc:title", "title")
        + el("dc:subject", "subject")
        + el("dc:creator", "author")
        + el("cp:keywords", "keywords")
        + el("dc:description", "description")
        + "<cp:lastModifiedBy>cdv</cp:lastModifiedBy><cp:revision>1</cp:revision>"
        + f'<dcterms:created xsi:type="dcterms:W3CDTF">{timestamp}</dcterms:created>'
        + f'<dcterms:modified xsi:type="dcterms:W3CDTF">{timestamp}</dcterms:modified>'
        + el("dc:language", "language")
        + "</cp:coreProperties>"
    ).encode()


def _custom_xml(custom: dict[str, str]) -> bytes:
    items = "".join(
        f'<property fmtid="{_FMTID}" pid="{pid}" name="{_xml_text(name, attribute=True)}">'
        f"<vt:lpwstr>{_xml_text(value)}</vt:lpwstr></property>"
        for pid, (name, value) in enumerate(sorted(custom.items()), start=2)
    )
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/custom-properties" '
        'xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">'
        f"{items}</Properties>"
    ).encode()


def _add_override(content_types: bytes, part: str, content_type: str) -> bytes:
    text = content_types.decode("utf-8")
    if f'PartName="/{part}"' in text:
        return content_types
    override = f'<Override PartName="/{part}" ContentType="{content_type}"/>'
    return text.replace("</Types>", override + "</Types>").encode("utf-8")


def _add_relationship(rels: bytes, rel_type: str, target: str) -> bytes:
    text = rels.decode("utf-8")
    if f'Type="{rel_type}"' in text:
        return rels
    numbers = [int(n) for n in re.findall(r'Id="rId(\d+)"', text)]
    rel = (
        f'<Relationship Id="rId{max(numbers, default=0) + 1}" Type="{rel_type}" Target="{target}"/>'
    )
    return text.replace("</Relationships>", rel + "</Relationships>").encode("utf-8")


def _description_parts(parts: dict[str, bytes], description: dict) -> None:
    """Add the description as customXml/itemN.xml, with its properties and relationships."""
    import json

    text = json.dumps(description, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    text = _json_for_xml(text)
    found = (re.fullmatch(r"customXml/item(\d+)\.xml", name) for name in parts)
    numbers = [int(match.group(1)) for match in found if match]
    number = max(numbers, default=0) + 1
    for existing in numbers:  # a document written again keeps its one description part
        if DESCRIPTION_NS.encode() in parts[f"customXml/item{existing}.xml"][:300]:
            number = existing
    item, props = f"customXml/item{number}.xml", f"customXml/itemProps{number}.xml"
    parts[item] = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        f'<cdv:description xmlns:cdv="{DESCRIPTION_NS}" format="1">{escape(text)}</cdv:description>'
    ).encode()
    parts[props] = (
        '<?xml version="1.0" encoding="UTF-8" standalone="no"?>\n'
        f'<ds:datastoreItem ds:itemID="{DESCRIPTION_ITEM_ID}" '
        'xmlns:ds="http://schemas.openxmlformats.org/officeDocument/2006/customXml">'
        f'<ds:schemaRefs><ds:schemaRef ds:uri="{DESCRIPTION_NS}"/></ds:schemaRefs>'
        "</ds:datastoreItem>"
    ).encode()
    parts[f"customXml/_rels/item{number}.xml.rels"] = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        f'<Relationship Id="rId1" Type="{CUSTOM_XML_PROPS_REL}" Target="itemProps{number}.xml"/>'
        "</Relationships>"
    ).encode()
    types = parts["[Content_Types].xml"]
    types = _add_override(types, props, CUSTOM_XML_PROPS_TYPE)
    if b'Extension="xml"' not in types:
        types = _add_override(types, item, "application/xml")
    parts["[Content_Types].xml"] = types
    rels_name = "word/_rels/document.xml.rels"
    rels = parts[rels_name].decode("utf-8")
    if f'Target="../{item}"' not in rels:
        ids = [int(n) for n in re.findall(r'Id="rId(\d+)"', rels)]
        rel = (
            f'<Relationship Id="rId{max(ids, default=0) + 1}" Type="{CUSTOM_XML_REL}" '
            f'Target="../{item}"/>'
        )
        parts[rels_name] = rels.replace("</Relationships>", rel + "</Relationships>").encode()


def read_embedded_description(path_or_bytes) -> dict | None:
    """The description embedded in a generated document, or None (not generated, or damaged)."""
    import json

    source = io.BytesIO(path_or_bytes) if isinstance(path_or_bytes, bytes) else path_or_bytes
    try:
        with zipfile.ZipFile(source) as package:
            for name in sorted(package.namelist()):
                if not re.fullmatch(r"customXml/[^/]+\.xml", name):
                    continue
                xml = package.read(name)
                if DESCRIPTION_NS.encode() not in xml[:300]:
                    continue
                from lxml import etree

                parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True)
                root = etree.fromstring(xml, parser)
                if root.tag == f"{{{DESCRIPTION_NS}}}description":
                    data = json.loads(root.text or "")
                    return data if isinstance(data, dict) else None
    except (OSError, zipfile.BadZipFile, KeyError, ValueError, RuntimeError):
        return None
    except Exception as exc:  # lxml's XMLSyntaxError and the like: no usable description
        if exc.__class__.__module__.startswith("lxml"):
            return None
        raise
    return None


def _order(name: str) -> tuple[int, str]:
    if name == "[Content_Types].xml":
        return (0, name)
    if name.startswith("_rels/"):
        return (1, name)
    return (2, name)


def deterministic_docx(
    data: bytes,
    *,
    date: str,
    core: dict[str, str],
    custom: dict[str, str],
    extra_parts: dict[str, bytes] | None = None,
    description: dict | None = None,
    compresslevel: int = 6,
) -> bytes:
    """Rewrite a .docx package so its bytes depend only on its content.

    `date` (YYYY-MM-DD) dates the core properties; `custom` becomes docProps/custom.xml;
    `extra_parts` are added as they are (their content types and relationships must be
    handled by the caller through `custom` or known defaults); `description` (the merged
    description data) is embedded as canonical JSON, see `read_embedded_description`;
    `compresslevel` (zlib, 1-9): a large workbook is written faster at 1, a little bigger.
    """
    timestamp = f"{date}T00:00:00Z" if date else "2024-01-01T00:00:00Z"
    with zipfile.ZipFile(io.BytesIO(data)) as source:
        parts = {info.filename: source.read(info.filename) for info in source.infolist()}
    tidy_parts(parts)
    parts["docProps/core.xml"] = _core_xml(core, timestamp)
    parts[CUSTOM_PROPS_PART] = _custom_xml(custom)
    parts["[Content_Types].xml"] = _add_override(
        parts["[Content_Types].xml"], CUSTOM_PROPS_PART, CUSTOM_PROPS_TYPE
    )
    parts["[Content_Types].xml"] = _add_override(
        parts["[Content_Types].xml"],
        "docProps/core.xml",
        "application/vnd.openxmlformats-package.core-properties+xml",
    )
    parts["_rels/.rels"] = _add_relationship(
        parts["_rels/.rels"], CUSTOM_PROPS_REL, CUSTOM_PROPS_PART
    )
    for name, content in (extra_parts or {}).items():
        parts[name] = content
    if description is not None:
        _description_parts(parts, description)
    return zip_parts(parts, compresslevel)


def zip_parts(parts: dict[str, bytes], compresslevel: int = 6) -> bytes:
    """The package of `parts`, the same bytes every time: parts in a fixed order, a fixed date,
    no host system or permissions recorded."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for name in sorted(parts, key=_order):
            info = zipfile.ZipInfo(name, date_time=FIXED_ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 0
            info.external_attr = 0
            target.writestr(
                info, parts[name], compress_type=zipfile.ZIP_DEFLATED, compresslevel=compresslevel
            )
    return out.getvalue()


def read_custom_properties(path_or_bytes) -> dict[str, str]:
    """The custom properties of a .docx (used by tests and by `cdv comparer`)."""
    source = io.BytesIO(path_or_bytes) if isinstance(path_or_bytes, bytes) else path_or_bytes
    with zipfile.ZipFile(source) as package:
        try:
            xml = package.read(CUSTOM_PROPS_PART).decode("utf-8")
        except KeyError:
            return {}
    from xml.sax.saxutils import unescape

    return {
        unescape(name, {"&quot;": '"', "&#13;": "\r"}): unescape(value, {"&#13;": "\r"})
        for name, value in re.findall(r'name="([^"]*)"><vt:lpwstr>(.*?)</vt:lpwstr>', xml, re.S)
    }


def _current_umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


_UMASK = _current_umask()


def atomic_write(path: Path, data: bytes) -> None:
    """Write `data` to `path` through a temporary file in the same folder, then rename."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        os.chmod(temp, 0o666 & ~_UMASK)  # mkstemp makes 0600: give the usual permissions
        os.replace(temp, path)
    except BaseException:
        try:
            os.unlink(temp)
        except OSError:
            pass
        raise
