"""Names and paths that must stay in their place: plain file names (of a manifest, of a git
tree), annex files inside the territory folder, output names made from identifiers.

Every check here is made on the name and on the file system's metadata (`lstat`, `resolve`):
nothing is opened, so that a path leading outside the territory is refused before it is read.
"""

from __future__ import annotations

import errno
import os
import re
import stat
from pathlib import Path, PurePosixPath

from generator.description.file_text import os_reason

# An external annex larger than this is refused without being read (a scanned convention of a
# hundred pages is a few tens of megabytes).
MAX_ANNEX_BYTES = 200 * 1024 * 1024

# Names Windows reserves for devices, whatever the extension (CON.pdf is the console).
_WINDOWS_DEVICES = re.compile(r"^(con|prn|aux|nul|com[0-9¹²³]|lpt[0-9¹²³])(\..*)?$", re.I)
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def name_problem(name: object) -> str | None:
    """Why `name` is not a plain file name (one path component, the same on every system).

    None when it is plain: not empty, not `.` or `..`, no `/` or `\\`, no drive letter or
    colon, no control character, not a Windows device name, no trailing dot or space.
    """
    if not isinstance(name, str) or not name:
        return "nom vide"
    if name in (".", ".."):
        return f"« {name} » désigne un dossier, pas un fichier"
    if "/" in name or "\\" in name:
        return "le nom contient une barre oblique (/ ou \\) : c'est un chemin, pas un nom"
    if ":" in name:
        return "le nom contient « : » (lettre de lecteur ou flux Windows)"
    if _CONTROL.search(name):
        return "le nom contient un caractère de contrôle"
    if _WINDOWS_DEVICES.match(name):
        return "le nom est réservé par Windows à un périphérique"
    if name[-1] in ". ":
        return "le nom se termine par un point ou une espace (Windows les retire)"
    return None


def relative_path_problem(path: object) -> str | None:
    """Why `path` is not a relative path made of plain names (separated by `/`), or None."""
    if not isinstance(path, str) or not path:
        return "chemin vide"
    if path.startswith(("/", "\\")) or re.match(r"^[A-Za-z]:", path):
        return "chemin absolu"
    if "\\" in path:
        return "le chemin contient « \\ » : séparez les dossiers par « / » (annexes/carte.pdf)"
    for part in path.split("/"):
        if part == "..":
            return "le chemin remonte hors du dossier (« .. »)"
        if part in ("", "."):
            continue
        problem = name_problem(part)
        if problem:
            return f"« {part} » : {problem}"
    return None


def annex_file(root: Path, name: str) -> tuple[Path | None, str | None]:
    """The annex file `name` of the territory `root`, checked without being opened.

    Returns (path, None) for a regular file inside the territory folder once symbolic links are
    resolved, (None, None) when there is no such file, and (None, reason) when the name or the
    file it leads to is refused (outside the folder, not a regular file, too large).
    """
    problem = relative_path_problem(name)
    if problem:
        return None, problem
    candidate = root / PurePosixPath(name)
    try:
        os.lstat(candidate)
    except OSError as exc:
        if exc.errno in (errno.ENOENT, errno.ENOTDIR, errno.ENAMETOOLONG):
            return None, None  # no such file (a name too long cannot exist either)
        return None, f"fichier inaccessible ({os_reason(exc)})"
    try:
        resolved = candidate.resolve(strict=True)
        inside = root.resolve(strict=True)
    except (OSError, RuntimeError):  # a dangling or looping symbolic link
        return None, "lien symbolique cassé ou en boucle"
    if not resolved.is_relative_to(inside):
        return None, (
            f"le fichier est hors du dossier du territoire (il mène à {resolved}) ; copiez-le "
            "dans le dossier du territoire, par exemple dans annexes/"
        )
    info = resolved.stat()
    if not stat.S_ISREG(info.st_mode):
        return None, "ce n'est pas un fichier ordinaire (dossier, tube, périphérique…)"
    if info.st_size > MAX_ANNEX_BYTES:
        return None, (
            f"fichier trop gros ({info.st_size // (1024 * 1024)} Mo, au plus "
            f"{MAX_ANNEX_BYTES // (1024 * 1024)} Mo) : réduisez-le (impression en PDF, "
            "images compressées)"
        )
    return resolved, None


def read_bounded(path: Path, limit: int = MAX_ANNEX_BYTES) -> bytes:
    """The bytes of a file checked by `annex_file`, reading at most `limit` bytes (OSError if
    the file grew beyond it in the meantime)."""
    with open(path, "rb") as stream:
        data = stream.read(limit + 1)
    if len(data) > limit:
        raise OSError(f"fichier trop gros (plus de {limit // (1024 * 1024)} Mo)")
    return data


def output_slug(value: str) -> str:
    """The part of an output file name made from an identifier (`opac_oise` → `opac-oise`)."""
    return re.sub(r"[^a-z0-9]+", "-", value.lower()).strip("-") or "document"
