"""Signed versions of a description: immutable snapshots kept inside the territory's folder.

`versions-signees/contrat.json` is the description as the contract was signed;
`versions-signees/avenant-<n>.json` the description as amended by avenant n, once signed. Each
holds the canonical JSON of the loaded description, its SHA-256, the signature date, the
template set and tool versions. The loader reads only `.yaml` files at the top of the folder
and in its item folders, so these files are never taken for description files.

A snapshot is never rewritten: recording the same description twice is refused, and a snapshot
whose content no longer matches its hash (edited by hand) is refused with how to proceed.
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import json
import os
import re
from dataclasses import dataclass
from pathlib import Path

SNAPSHOT_FOLDER = "versions-signees"
SNAPSHOT_FORMAT = 1
CONTRACT_FILE = "contrat.json"
_AMENDMENT = re.compile(r"^avenant-(\d+)\.json$")


class SnapshotError(Exception):
    """A snapshot that cannot be recorded or used (French message, says how to proceed)."""


def canonical(data: dict) -> str:
    """The canonical JSON of a description (the form embedded in generated documents)."""
    return json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def description_hash(data: dict) -> str:
    return hashlib.sha256(canonical(data).encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Snapshot:
    """One signed version: the contract (number 0) or an avenant (number ≥ 1)."""

    number: int
    date: str  # AAAA-MM-JJ
    description: dict
    hash: str
    template_set: str
    template_version: str
    tool_version: str
    source: str  # « description » or the .docx it was recovered from
    file: Path | None = None

    @property
    def is_contract(self) -> bool:
        return self.number == 0

    @property
    def file_name(self) -> str:
        return CONTRACT_FILE if self.is_contract else f"avenant-{self.number}.json"

    def payload(self) -> dict:
        return {
            "format_instantane": SNAPSHOT_FORMAT,
            "nature": "contrat" if self.is_contract else "avenant",
            "numero": self.number,
            "date_signature": self.date,
            "modele": self.template_set,
            "modele_version": self.template_version,
            "outil_version": self.tool_version,
            "origine": self.source,
            "empreinte": self.hash,
            "description": self.description,
        }


def parse_date(text: str) -> str:
    """A signature date written AAAA-MM-JJ, checked; French error otherwise."""
    try:
        return _dt.date.fromisoformat(str(text).strip()).isoformat()
    except ValueError:
        raise SnapshotError(
            f"date de signature « {text} » illisible : écrivez-la AAAA-MM-JJ, "
            "par exemple --date 2024-06-12"
        ) from None


def read_snapshots(root: Path) -> list[Snapshot]:
    """The territory's signed versions, contract first, each checked against its hash."""
    folder = root / SNAPSHOT_FOLDER
    if not folder.is_dir():
        return []
    files = []
    for path in sorted(folder.iterdir()):
        if path.name == CONTRACT_FILE:
            files.append((0, path))
        elif (match := _AMENDMENT.match(path.name)) is not None:
            files.append((int(match.group(1)), path))
    snapshots = [_read(path, number) for number, path in sorted(files)]
    if snapshots and not snapshots[0].is_contract:
        raise SnapshotError(
            f"{folder} contient un avenant signé mais pas le contrat signé ({CONTRACT_FILE}) : "
            "restaurez-le (git checkout) ou enregistrez-le avec cdv signer … --depuis "
            "<contrat signé>.docx"
        )
    for expected, snap in enumerate(snapshots):
        if snap.number != expected:
            raise SnapshotError(
                f"{folder} : l'avenant n° {expected} manque avant avenant-{snap.number}.json ; "
                "restaurez-le (git checkout) avant de continuer"
            )
    return snapshots


def read_snapshot_file(path: Path) -> Snapshot:
    """One signed version read on its own (`cdv comparer versions-signees/contrat.json …`),
    checked against its hash like the others."""
    match = _AMENDMENT.match(path.name)
    return _read(path, int(match.group(1)) if match else 0)


def _read(path: Path, number: int) -> Snapshot:
    how = (
        "un instantané signé ne se modifie pas : restaurez-le depuis git (git checkout -- "
        f"{path.as_posix()}) ; si la version signée était vraiment autre, supprimez ce fichier "
        "et enregistrez-la de nouveau avec cdv signer … --date … (--depuis <document signé>.docx "
        "pour la reprendre du document signé)"
    )
    try:
        payload = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise SnapshotError(f"{path} : instantané signé illisible ({exc}) ; {how}") from None
    if not isinstance(payload, dict) or not isinstance(payload.get("description"), dict):
        raise SnapshotError(f"{path} : instantané signé mal formé ; {how}")
    if payload.get("format_instantane") != SNAPSHOT_FORMAT:
        raise SnapshotError(
            f"{path} : format d'instantané {payload.get('format_instantane')!r} inconnu de cette "
            f"version de l'outil (attendu : {SNAPSHOT_FORMAT}) ; mettez l'outil à jour"
        )
    description = payload["description"]
    actual = description_hash(description)
    if actual != payload.get("empreinte"):
        raise SnapshotError(
            f"{path} : la description enregistrée ne correspond plus à son empreinte "
            f"(attendue {str(payload.get('empreinte'))[:12]}…, trouvée {actual[:12]}…) : le "
            f"fichier a été modifié à la main ; {how}"
        )
    return Snapshot(
        number=number,
        date=parse_date(payload.get("date_signature", "")),
        description=description,
        hash=actual,
        template_set=str(payload.get("modele", "")),
        template_version=str(payload.get("modele_version", "")),
        tool_version=str(payload.get("outil_version", "")),
        source=str(payload.get("origine", "")),
        file=path,
    )


def make_snapshot(
    root: Path,
    description: dict,
    date: str,
    *,
    template_set: str,
    template_version: str,
    tool_version: str,
    source: str = "description",
) -> Snapshot:
    """The next signed version of `root` for `description`, refused if already recorded."""
    date = parse_date(date)
    existing = read_snapshots(root)
    digest = description_hash(description)
    for snap in existing:
        if snap.hash == digest:
            what = "le contrat" if snap.is_contract else f"l'avenant n° {snap.number}"
            raise SnapshotError(
                f"cette version de la description est déjà enregistrée comme signée ({what}, "
                f"signé le {snap.date}, {snap.file.name}) : rien n'est écrit. Un avenant se "
                "signe après une modification de la description (cdv avenant)"
            )
    if existing and date < existing[-1].date:
        raise SnapshotError(
            f"date de signature {date} antérieure à celle de la dernière version signée "
            f"({existing[-1].date}) : vérifiez la date"
        )
    return Snapshot(
        number=len(existing),
        date=date,
        description=description,
        hash=digest,
        template_set=template_set,
        template_version=template_version,
        tool_version=tool_version,
        source=source,
    )


def snapshot_bytes(snapshot: Snapshot) -> bytes:
    return (
        json.dumps(snapshot.payload(), ensure_ascii=False, indent=1, sort_keys=True) + "\n"
    ).encode("utf-8")


def record_snapshot(root: Path, snapshot: Snapshot) -> Path:
    """Write the snapshot atomically, read-only; never over an existing file."""
    from generator.documents.write import atomic_write

    target = root / SNAPSHOT_FOLDER / snapshot.file_name
    if target.exists():
        raise SnapshotError(f"{target} existe déjà : un instantané signé n'est jamais remplacé")
    atomic_write(target, snapshot_bytes(snapshot))
    os.chmod(target, 0o444)
    return target
