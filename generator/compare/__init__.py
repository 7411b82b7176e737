"""Comparing two versions, for reviewers: two descriptions or two .docx in, changes out.

`sides` reads each side (a folder, a file), `revision` a description at a git revision (every
name of the old tree is checked before it is written, into a private scratch folder);
`description`, `matching` and `wording` compare two descriptions item by item and phrase the
changes in French; `docx_text` reads a document's text, `text_diff` compares it, `report_text`
and `report_html` print it; `redline` writes the old document with tracked changes.
"""

from generator._exports import lazy_exports

_NAMES = {
    "DescriptionError": "sides",
    "load_data": "sides",
    "territory_of": "sides",
    "RevisionError": "revision",
    "git_version": "revision",
    "compare": "description",
    "Comparison": "description",
    "DocxError": "docx_text",
    "read_package": "docx_text",
    "read_text": "docx_text",
    "diff_texts": "text_diff",
    "format_text": "report_text",
    "format_html": "report_html",
    "RedlineError": "redline",
    "make_redline": "redline",
}
__all__ = sorted(_NAMES)
__getattr__, __dir__ = lazy_exports(__name__, _NAMES)
