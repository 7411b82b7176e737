"""Writing a territory's documents without ever losing a hand edit.

A document whose bytes differ from what the manifest recorded was edited by hand: it is never
overwritten; the new version is written beside it (`….nouveau.docx`), or, with `force`, the
edited file is kept as `….sauvegarde-N.docx` before the new one takes its place. A draft (a
description with errors, `--brouillon`) is written under its own name (`….brouillon.docx`),
beside the real documents, which it never touches.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from pathlib import Path

from generator.documents.write import atomic_write

# Statuses of a document
WRITTEN, UNCHANGED, PROTECTED, REPLACED, REMOVED, KEPT = (
    "écrit",
    "inchangé",
    "protégé",
    "remplacé",
    "supprimé",
    "conservé",
)


@dataclass
class DocumentOutcome:
    name: str
    status: str
    note: str = ""


DRAFT_TAG = "brouillon"


def draft_name(name: str) -> str:
    """`contrat-de-ville.docx` -> `contrat-de-ville.brouillon.docx`: a draft never takes the
    name of the real document."""
    path = Path(name)
    return f"{path.stem}.{DRAFT_TAG}{path.suffix}"


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _file_sha(path: Path) -> str:
    return _sha(path.read_bytes())


def _free_name(folder: Path, stem: str, suffix: str, tag: str) -> Path:
    n = 1
    while (folder / f"{stem}.{tag}-{n}{suffix}").exists():
        n += 1
    return folder / f"{stem}.{tag}-{n}{suffix}"


def write_outputs(
    folder: Path,
    outputs: dict[str, tuple[bytes, str]],
    previous: dict,
    force: bool,
    on_progress=None,
) -> tuple[list[DocumentOutcome], dict]:
    """Write documents without losing hand edits; return outcomes and the manifest entries.

    A document is taken for a hand edit when its bytes differ from what the manifest recorded,
    when the manifest does not know it, or when it was already protected. `on_progress(entries)`
    is called after each write, so that an interrupted build leaves a manifest that knows every
    document already written.
    """
    outcomes: list[DocumentOutcome] = []
    recorded_docs: dict = previous.get("documents", {})
    entries: dict = {}

    def done(name: str, entry: dict, outcome: DocumentOutcome) -> None:
        entries[name] = entry
        outcomes.append(outcome)
        if on_progress is not None:
            on_progress(entries)

    for name, (data, template) in sorted(outputs.items()):
        target = folder / name
        stem, suffix = target.stem, target.suffix
        beside = folder / f"{stem}.nouveau{suffix}"
        new_sha = _sha(data)
        entry = {"sha256": new_sha, "modele": template}
        before = recorded_docs.get(name, {})
        ours = {before.get("sha256"), before.get("en_cours")} - {None}
        if target.exists():
            current = _file_sha(target)
            if current == new_sha:
                _remove_ours(beside, before.get("nouveau"))
                done(name, entry, DocumentOutcome(name, UNCHANGED))
                continue
            if current not in ours or before.get("protege"):
                if force:
                    backup = _free_name(folder, stem, suffix, "sauvegarde")
                    if on_progress is not None:
                        on_progress({**entries, name: {**before, "en_cours": new_sha}})
                    os.replace(target, backup)
                    atomic_write(target, data)
                    _remove_ours(beside, before.get("nouveau"))
                    note = f"modifié à la main ; sauvegardé dans {backup.name}"
                    done(name, entry, DocumentOutcome(name, REPLACED, note))
                else:
                    if not beside.exists() or _file_sha(beside) != new_sha:
                        atomic_write(beside, data)
                    note = waiting_note(beside.name)
                    protected = {
                        "sha256": before.get("sha256"),
                        "modele": template,
                        "protege": True,
                        "nouveau": new_sha,
                    }
                    done(name, protected, DocumentOutcome(name, PROTECTED, note))
                continue
        if on_progress is not None:  # the manifest knows these bytes before they land
            on_progress({**entries, name: {**before, "en_cours": new_sha}})
        atomic_write(target, data)
        _remove_ours(beside, before.get("nouveau"))
        done(name, entry, DocumentOutcome(name, WRITTEN))
    for name, info in sorted(recorded_docs.items()):
        if name in outputs:
            continue
        stale = folder / name
        if stale.exists() and _file_sha(stale) == info.get("sha256") and not info.get("protege"):
            stale.unlink()
            outcomes.append(DocumentOutcome(name, REMOVED, "n'est plus produit"))
        elif stale.exists():
            note = "n'est plus produit mais a été modifié à la main : conservé"
            outcomes.append(DocumentOutcome(name, KEPT, note))
    return outcomes, entries


def waiting_note(beside: str) -> str:
    return (
        "modifié à la main depuis sa production : non écrasé ; la nouvelle version attend dans "
        f"{beside} (--remplacer pour le remplacer, avec sauvegarde)"
    )


def remove_drafts(folder: Path, drafts: dict) -> list[DocumentOutcome]:
    """After a build without errors, the drafts of an earlier build are removed (they still
    listed errors now corrected), unless edited by hand since."""
    outcomes = []
    for name, info in sorted(drafts.items()):
        path = folder / name
        if not path.exists():
            continue
        if _file_sha(path) == info.get("sha256") and not info.get("protege"):
            path.unlink()
            outcomes.append(DocumentOutcome(name, REMOVED, "brouillon remplacé par le document"))
        else:
            note = "brouillon modifié à la main : conservé (le document est écrit à côté)"
            outcomes.append(DocumentOutcome(name, KEPT, note))
    return outcomes


def _remove_ours(path: Path, sha: str | None) -> None:
    """Remove a `.nouveau` file this tool wrote, if nobody changed it since."""
    if sha and path.exists() and _file_sha(path) == sha:
        path.unlink()
