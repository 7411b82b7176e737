"""The documents of a package (Part), its metadata (PackageInfo), and the checked reading of
their PDFs: PackageError says, in French, what is wrong with a file.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from pathlib import Path

from generator.description.file_text import os_reason


class PackageError(Exception):
    """A document that cannot go into the package (French message)."""


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
    removed: list[str] = field(default_factory=list)  # active content taken out (French)

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


def read_external(root: Path, name: str, label: str) -> bytes:
    """The bytes of the external annex `name` of the territory `root`, checked: a regular file
    inside the territory folder (symbolic links resolved, checked before it is opened), of a
    bounded size, and a readable PDF."""
    from generator.description.paths import annex_file, read_bounded

    path, refused = annex_file(root, name)
    if refused:
        raise PackageError(f"{label} : fichier refusé ({refused})")
    if path is None:
        raise PackageError(f"{label} : fichier introuvable ({root / name})")
    try:
        data = read_bounded(path)
    except OSError as exc:
        raise PackageError(f"{label} : fichier illisible ({os_reason(exc)})") from exc
    open_pdf(data, label)
    return data
