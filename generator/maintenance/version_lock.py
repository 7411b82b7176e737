"""The version lock of a template set (`versions.lock`): the templates' fingerprints, and a
template changed without a new version of the set's manifest."""

from __future__ import annotations

import hashlib
import io
import re
import zipfile
from pathlib import Path

import yaml

from generator.description.problems import AVERTISSEMENT, ERREUR
from generator.maintenance.locate import TemplateProblem

LOCK_FILE = "versions.lock"


# --------------------------------------------------------------------------- versions


def file_fingerprint(path: Path) -> str:
    """Hash of a template's content: its parts, without the document properties Word rewrites."""
    digest = hashlib.sha256()
    try:
        with zipfile.ZipFile(io.BytesIO(path.read_bytes())) as package:
            for name in sorted(package.namelist()):
                if name.startswith("docProps/"):
                    continue
                digest.update(name.encode() + b"\0" + package.read(name) + b"\0")
    except zipfile.BadZipFile:
        digest.update(path.read_bytes())
    return digest.hexdigest()


def _version_key(version: str) -> tuple:
    return tuple(int(p) if p.isdigit() else p for p in re.split(r"[.\-]", version))


def read_lock(folder: Path) -> dict | None:
    try:
        data = yaml.safe_load((folder / LOCK_FILE).read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError, UnicodeDecodeError):
        return None
    return data if isinstance(data, dict) else None


def lock_problems(template_set, display) -> tuple[list[TemplateProblem], bool]:
    """Problems of the set's version against its lock file; True when the lock may be rewritten."""
    folder = template_set.folder
    lock_name = display(folder / LOCK_FILE)
    current = {
        d.template.name: file_fingerprint(d.template)
        for d in template_set.documents + template_set.followup + template_set.later_documents
    }
    lock = read_lock(folder)
    if lock is None:
        message = (
            f"pas de fichier {LOCK_FILE} : les changements de modèle sans nouvelle version ne "
            "peuvent pas être repérés ; lancez « cdv modeles verifier --mettre-a-jour » pour "
            "l'écrire"
        )
        return [TemplateProblem(AVERTISSEMENT, lock_name, message)], True
    locked_version = str(lock.get("version", ""))
    files = lock.get("fichiers") or {}
    version = template_set.version
    changed = sorted(n for n in current.keys() | files.keys() if current.get(n) != files.get(n))
    if version == locked_version:
        if not changed:
            return [], True
        problems = []
        for name in changed:
            what = "ajouté" if name not in files else "retiré" if name not in current else "modifié"
            problems.append(
                TemplateProblem(
                    ERREUR,
                    display(folder / name),
                    f"modèle {what} sans nouvelle version : passez la version du manifeste de "
                    f"{version} à {_next_version(version)}, puis lancez « cdv modeles verifier "
                    "--mettre-a-jour »",
                )
            )
        return problems, False
    try:
        older = _version_key(version) < _version_key(locked_version)
    except TypeError:
        older = False
    if older:
        message = (
            f"la version du manifeste ({version}) est plus ancienne que celle de {LOCK_FILE} "
            f"({locked_version}) : une version ne redescend pas"
        )
        return [TemplateProblem(ERREUR, display(folder / "manifest.yaml"), message)], False
    message = (
        f"nouvelle version {version} (le fichier {LOCK_FILE} enregistre {locked_version}) : lancez "
        "« cdv modeles verifier --mettre-a-jour » pour l'enregistrer"
    )
    return [TemplateProblem(AVERTISSEMENT, lock_name, message)], True


def _next_version(version: str) -> str:
    parts = version.split(".")
    if parts and parts[-1].isdigit():
        parts[-1] = str(int(parts[-1]) + 1)
        return ".".join(parts)
    return version + ".1"


def write_lock(template_set) -> Path:
    from generator.documents.write import atomic_write

    lines = [
        "# Empreintes des modèles de cette version du jeu. Écrit par « cdv modeles verifier",
        "# --mettre-a-jour » ; ne pas modifier à la main. Un modèle changé sans nouvelle version",
        "# du manifeste est signalé comme une erreur par « cdv modeles verifier ».",
        f'version: "{template_set.version}"',
        "fichiers:",
    ]
    for doc in sorted(
        template_set.documents + template_set.followup + template_set.later_documents,
        key=lambda d: d.template.name,
    ):
        lines.append(f'  "{doc.template.name}": {file_fingerprint(doc.template)}')
    target = template_set.folder / LOCK_FILE
    atomic_write(target, ("\n".join(lines) + "\n").encode("utf-8"))
    return target
