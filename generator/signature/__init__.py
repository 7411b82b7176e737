"""The signature package: the built .docx in, PDF files (and the paginated Word contract) out.

`pdf` converts every document of a batch with LibreOffice (private profile, time limit) and
`package` with the modules beside it assembles each territory's package with pypdf: index of the
annexes with their pages, bookmarks, page labels per annex, the « PROJET » watermark; active
content is removed from every PDF that goes in (`active_content`), and `outputs` writes the PDFs
and deletes only those the manifest lists by name and hash.
"""

from generator._exports import lazy_exports

_NAMES = {
    "ConversionError": "pdf",
    "make_packages": "pdf",
    "PackageError": "package",
    "plan_territory": "package",
    "assemble_territory": "package",
    "with_page_numbers": "paginated_docx",
}
__all__ = sorted(_NAMES)
__getattr__, __dir__ = lazy_exports(__name__, _NAMES)
