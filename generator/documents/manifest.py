"""The manifest of an output folder (`manifeste.json`): what the tool wrote there, by name and
hash, so that it reproduces only what changed and removes only what it wrote.

Every name it holds is a plain file name of its folder (`documents`: the Word documents of
`cdv produire`; `signature`: the PDFs of `cdv pdf`). A manifest holding anything else (`../x`, an
absolute path, a drive letter) was not written by the tool: it is refused, with a French
message, before anything is deleted or written.
"""

from __future__ import annotations

import json
from pathlib import Path

from generator.description.paths import name_problem
from generator.documents.write import atomic_write

MANIFEST_NAME = "manifeste.json"
MANIFEST_FORMAT = 1


class ManifestError(Exception):
    """A manifest whose entries are not plain names inside its folder (French message)."""


# The lists of a manifest: output name -> what was written (the .docx, the signature PDFs, and
# the drafts of each, written beside them under their own names).
MANIFEST_LISTS = ("documents", "signature", "brouillons", "signature_brouillons")


def read_manifest(folder: Path) -> dict:
    """The manifest of an output folder ({} when there is none, or an unreadable one).

    Raises ManifestError when an entry is not a plain file name of the folder (`../x`, an
    absolute path, a drive letter, a backslash…) or not a record: such a manifest was not
    written by the tool, and nothing it names may be touched.
    """
    try:
        data = json.loads((folder / MANIFEST_NAME).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(data, dict) or data.get("format") != MANIFEST_FORMAT:
        return {}
    for key in MANIFEST_LISTS:
        entries = data.get(key, {})
        if not isinstance(entries, dict):
            raise ManifestError(_manifest_message(folder, f"« {key} » n'est pas une liste de noms"))
        for name, info in entries.items():
            problem = name_problem(name)
            if problem is None and not isinstance(info, dict):
                problem = "l'entrée n'est pas un enregistrement (empreinte, modèle)"
            if problem is not None:
                shown = "".join(c if c.isprintable() else "?" for c in name)
                detail = f"entrée « {shown} » de « {key} » : {problem}"
                raise ManifestError(_manifest_message(folder, detail))
    return data


def _manifest_message(folder: Path, detail: str) -> str:
    return (
        f"manifeste refusé : {folder / MANIFEST_NAME} ({detail}) ; un manifeste ne nomme que "
        "des fichiers de son dossier : celui-ci n'a pas été écrit par cdv, et aucun fichier "
        "n'a été supprimé ni écrit. Supprimez ce manifeste (les documents présents seront "
        "alors tenus pour modifiés à la main et conservés), puis relancez"
    )


def write_manifest(folder: Path, manifest: dict) -> None:
    text = json.dumps(manifest, ensure_ascii=False, indent=2, sort_keys=True) + "\n"
    # a file name that is not UTF-8 (kept by Python as a lone surrogate) is written as its
    # JSON escape « \\udcff », which reads back as the same name
    atomic_write(folder / MANIFEST_NAME, text.encode("utf-8", "backslashreplace"))
