"""Leftovers of the template's history removed from a .docx package, so that validators (and
Word) find nothing to repair and the properties describe the generated document.

- `word/stylesWithEffects.xml` (a Word 2010 part that Word 2013 and later no longer write): a
  stale copy of the styles of another document, which references numbering definitions that
  do not exist; Word rebuilds it when it needs it;
- `docProps/thumbnail.jpeg` (a blank preview) and the `savePreviewPicture` setting;
- `docProps/app.xml` claiming « Microsoft Macintosh Word » and one page: replaced by a pinned
  one that names the tool and no counts (Word and LibreOffice recount when they save);
- Word 2010 compatibility mode: raised to the current mode (15);
- `w:updateFields` put at its place in the schema order of the settings.
"""

from __future__ import annotations

import re

from lxml import etree

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
STALE_PARTS = ("word/stylesWithEffects.xml", "docProps/thumbnail.jpeg")
APP_XML = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    b'<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties" '
    b'xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">'
    b"<Application>cdv</Application><DocSecurity>0</DocSecurity><LinksUpToDate>false"
    b"</LinksUpToDate><SharedDoc>false</SharedDoc><HyperlinksChanged>false</HyperlinksChanged>"
    b"</Properties>"
)
# elements of w:settings that come after w:updateFields in the schema (CT_Settings)
_AFTER_UPDATE_FIELDS = (
    "hdrShapeDefaults footnotePr endnotePr compat docVars rsids mathPr attachedSchema "
    "themeFontLang clrSchemeMapping doNotIncludeSubdocsInStats doNotAutoCompressPictures "
    "forceUpgrade captions readModeInkLockDown smartTagType schemaLibrary shapeDefaults "
    "doNotEmbedSmartTags decimalSymbol listSeparator"
).split()
COMPATIBILITY_MODE = "15"


def _w(tag: str) -> str:
    return f"{{{W_NS}}}{tag}"


def _drop_references(parts: dict[str, bytes], name: str) -> None:
    """Remove the content type override and the relationships that point to `name`."""
    base = name.rsplit("/", 1)[-1]
    types = parts["[Content_Types].xml"].decode("utf-8")
    types = re.sub(rf'<Override[^>]*PartName="/{re.escape(name)}"[^>]*/>', "", types)
    parts["[Content_Types].xml"] = types.encode("utf-8")
    for rels_name in [n for n in parts if n.endswith(".rels")]:
        rels = parts[rels_name].decode("utf-8")
        cleaned = re.sub(
            rf'<Relationship[^>]*Target="(?:/|\.\./)?(?:[^"]*/)?{re.escape(base)}"[^>]*/>', "", rels
        )
        if cleaned != rels:
            parts[rels_name] = cleaned.encode("utf-8")


def tidy_settings(xml: bytes, *, update_fields: bool | None = None) -> bytes:
    """Settings without preview picture, in the current compatibility mode, with
    `updateFields` at its schema place (added when `update_fields` is True, removed when False,
    kept as it is when None)."""
    root = etree.fromstring(xml)
    for node in root.findall(_w("savePreviewPicture")):
        root.remove(node)
    for setting in root.iter(_w("compatSetting")):
        if setting.get(_w("name")) == "compatibilityMode":
            setting.set(_w("val"), COMPATIBILITY_MODE)
    existing = root.findall(_w("updateFields"))
    wanted = bool(existing) if update_fields is None else update_fields
    for node in existing:
        root.remove(node)
    if wanted:
        node = etree.Element(_w("updateFields"))
        node.set(_w("val"), "true")
        after = next(
            (child for child in root if etree.QName(child).localname in _AFTER_UPDATE_FIELDS),
            None,
        )
        if after is None:
            root.append(node)
        else:
            after.addprevious(node)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def tidy_parts(parts: dict[str, bytes]) -> None:
    """Tidy the parts of a package in place (see the module's docstring)."""
    for name in STALE_PARTS:
        if name in parts:
            del parts[name]
            _drop_references(parts, name)
    if "docProps/app.xml" in parts:
        parts["docProps/app.xml"] = APP_XML
    if "word/settings.xml" in parts:
        parts["word/settings.xml"] = tidy_settings(parts["word/settings.xml"])


def tidy_docx(data: bytes) -> bytes:
    """The bytes of a .docx package, tidied (entries kept in their order)."""
    import io
    import zipfile

    with zipfile.ZipFile(io.BytesIO(data)) as source:
        infos = source.infolist()
        parts = {info.filename: source.read(info.filename) for info in infos}
    tidy_parts(parts)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in infos:
            if info.filename in parts:
                target.writestr(info, parts[info.filename], compress_type=zipfile.ZIP_DEFLATED)
    return out.getvalue()
