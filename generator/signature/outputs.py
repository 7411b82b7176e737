"""Writing a territory's PDFs into its output folder, and the record of them in the manifest.

`cdv pdf` owns exactly the files it wrote: the manifest's `signature` list records each one by
name and hash. A PDF it no longer produces is deleted only if the manifest lists that exact name
with those exact bytes; a file the pilot renamed (`contrat-signe-prefet.pdf`), changed or copied
is never deleted, whatever it contains. A PDF the tool is about to replace but which was changed
since it was written (signed, annotated) is first kept as `….sauvegarde-N.pdf`. The PDFs of a
draft package (`….brouillon.pdf`) have their own list, `signature_brouillons`: writing a draft
never removes the real package, nor the real one a draft.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from generator.documents.folder_lock import folder_lock
from generator.documents.manifest import read_manifest, write_manifest
from generator.documents.write import atomic_write


def _sha(path: Path) -> str | None:
    try:
        with open(path, "rb") as stream:
            return hashlib.file_digest(stream, "sha256").hexdigest()
    except OSError:
        return None


def _free_name(folder: Path, name: str) -> Path:
    stem, suffix = Path(name).stem, Path(name).suffix
    n = 1
    while (folder / f"{stem}.sauvegarde-{n}{suffix}").exists():
        n += 1
    return folder / f"{stem}.sauvegarde-{n}{suffix}"


def _changed_since_written(path: Path, record: dict | None) -> bool:
    """True when `path` holds something else than what the tool recorded writing there."""
    from generator.signature.assembly import recorded_digest

    if not path.is_file():
        return False
    if record is not None:
        return _sha(path) != record.get("sha256")
    # written before the manifest recorded PDFs: ours if it carries the tool's fingerprint
    return recorded_digest(path) is None


def write_signature_files(
    folder: Path, files: dict[str, bytes], key: str = "signature"
) -> list[str]:
    """Write the PDFs of one territory (each complete already) and record them; returns French
    notes (kept copies, removed files). Raises ManifestError for a manifest that names anything
    but plain names of its folder: then nothing is written or deleted; OSError on a failed write.
    """
    with folder_lock(folder):  # a build or another `cdv pdf` into this folder waits
        return _write_locked(folder, files, key)


def _write_locked(folder: Path, files: dict[str, bytes], key: str) -> list[str]:
    manifest = read_manifest(folder)
    recorded: dict = manifest.get(key, {})  # a draft package has its own list
    notes: list[str] = []
    for name in files:
        target = folder / name
        if _changed_since_written(target, recorded.get(name)):
            backup = _free_name(folder, name)
            os.replace(target, backup)
            notes.append(
                f"{name} a été modifié depuis sa production (signé, annoté ?) : conservé sous "
                f"{backup.name}"
            )
    written = {}
    for name, data in files.items():
        atomic_write(folder / name, data)
        written[name] = {"sha256": hashlib.sha256(data).hexdigest()}
    for name, record in sorted(recorded.items()):
        if name in files:
            continue
        stale = folder / name
        if not stale.exists():
            continue
        if stale.is_file() and _sha(stale) == record.get("sha256"):
            stale.unlink()
            notes.append(f"{name} supprimé : ce document n'est plus produit")
        else:
            notes.append(f"{name} n'est plus produit mais a été modifié depuis : conservé")
    write_manifest(folder, {**read_manifest(folder), key: written})
    return notes
