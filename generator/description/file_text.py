"""Read a description file as text: only a regular file, boundedly, in UTF-8.

A device (`/dev/zero`) or a named pipe is refused before it is opened; the read stops past the
size bound even if the file grows; UTF-16 and UTF-32 are named; the system's reasons for a
refusal are given in French.
"""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

from generator.description.problems import ERREUR, Problem

MAX_FILE_BYTES = 5 * 1024 * 1024


def read_text(path: Path) -> tuple[str | None, Problem | None]:
    """Read a description file as text, or explain why it cannot be read."""
    file = str(path)

    def fail(message: str, line: int = 0, column: int = 0) -> tuple[None, Problem]:
        return None, Problem(ERREUR, message, file, line, column)

    try:
        info = os.stat(path)
    except PermissionError:
        return fail("fichier illisible : accès refusé (droits de lecture insuffisants)")
    except OSError as exc:
        return fail(f"fichier illisible : {os_reason(exc)}")
    if not stat.S_ISREG(info.st_mode):
        # a device (/dev/zero) never ends, a named pipe waits forever for a writer
        return fail(
            "ce n'est pas un fichier ordinaire (périphérique, tube nommé ou dossier spécial) : "
            "une description est un fichier texte .yaml ; vérifiez le chemin"
        )
    if info.st_size > MAX_FILE_BYTES:
        return fail(_too_big(info.st_size))
    try:
        with open(path, "rb") as stream:  # bounded: the file may grow while being read
            data = stream.read(MAX_FILE_BYTES + 1)
    except PermissionError:
        return fail("fichier illisible : accès refusé (droits de lecture insuffisants)")
    except OSError as exc:
        return fail(f"fichier illisible : {os_reason(exc)}")
    if len(data) > MAX_FILE_BYTES:
        return fail(_too_big(len(data)))
    encoding = _wide_encoding(data)
    if encoding:
        return fail(
            f"fichier encodé en {encoding} : enregistrez-le en UTF-8 (dans Notepad++ : Encodage › "
            "Convertir en UTF-8 ; dans VS Code : cliquez sur l'encodage en bas à droite › "
            "Enregistrer avec l'encodage › UTF-8)",
            1,
            1,
        )
    nul = data.find(b"\x00")
    if nul >= 0:
        line, column = _position(data, nul)
        return fail(
            "caractère nul (octet 0x00) : ce n'est pas un fichier texte (fichier binaire, "
            "document Word ou fichier abîmé ?) ; une description s'écrit en texte brut, en UTF-8",
            line,
            column,
        )
    try:
        return data.decode("utf-8-sig"), None
    except UnicodeDecodeError as exc:
        line, column = _position(data, exc.start)
        byte = data[exc.start]
        guess = bytes([byte]).decode("cp1252", errors="replace")
        return fail(
            f"le fichier n'est pas encodé en UTF-8 : l'octet 0x{byte:02X} (« {guess} » en "
            "Windows-1252 ?) n'est pas valide. Enregistrez le fichier en UTF-8 : dans "
            "Notepad++, Encodage › Convertir en UTF-8 ; dans VS Code, cliquez sur l'encodage en "
            "bas à droite › Enregistrer avec l'encodage › UTF-8",
            line,
            column,
        )


def _too_big(size: int) -> str:
    return (
        f"fichier trop volumineux ({size / 1024 / 1024:.1f} Mo ; au plus "
        f"{MAX_FILE_BYTES // 1024 // 1024} Mo) : une description tient en quelques centaines "
        "de kilo-octets ; vérifiez qu'il s'agit du bon fichier"
    )


def _wide_encoding(data: bytes) -> str | None:
    """UTF-32 or UTF-16 (with or without its byte order mark), or None."""
    if data.startswith((b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff")):
        return "UTF-32"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "UTF-16"
    head = data[:64]
    if len(head) >= 8 and head[1::4].count(0) == head[2::4].count(0) == len(head) // 4:
        return "UTF-32"
    if len(head) >= 4 and (
        head[1::2].count(0) == len(head) // 2 or head[0::2].count(0) == len(head) // 2
    ):
        return "UTF-16"
    return None


def os_reason(exc: OSError) -> str:
    """Why the system refused, in French (the system's own words are English on many machines)."""
    return _OS_REASONS.get(exc.errno, exc.strerror or str(exc))


_OS_REASONS = {
    errno.ENOENT: "fichier ou dossier introuvable",
    errno.EACCES: "accès refusé (droits insuffisants)",
    errno.EPERM: "opération non permise",
    errno.EISDIR: "c'est un dossier, pas un fichier",
    errno.ENOTDIR: "un élément du chemin n'est pas un dossier",
    errno.ENOSPC: "plus de place sur le disque",
    errno.EROFS: "support en lecture seule",
    errno.EEXIST: "un fichier de ce nom existe déjà",
    errno.ENAMETOOLONG: "nom trop long",
    errno.ELOOP: "trop de liens symboliques",
    errno.EIO: "erreur d'entrée-sortie du disque",
    errno.EDQUOT: "quota de disque dépassé",
}


def _position(data: bytes, offset: int) -> tuple[int, int]:
    line = data.count(b"\n", 0, offset) + 1
    start = data.rfind(b"\n", 0, offset) + 1
    column = len(data[start:offset].decode("utf-8", errors="replace")) + 1
    return line, column
