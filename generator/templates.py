"""Template sets: a folder of Word templates and its manifest (name, version, documents)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import yaml

TEMPLATES_DIR = Path(__file__).resolve().parent.parent / "templates"
DEFAULT_SET = "engagements-quartiers-2030"
MANIFEST = "manifest.yaml"


class TemplateError(Exception):
    """A template set that cannot be used (French message)."""


@dataclass(frozen=True)
class TemplateDocument:
    id: str
    template: Path
    output: str
    title: str
    for_each: str | None = None


@dataclass
class TemplateSet:
    folder: Path
    name: str
    title: str
    version: str
    format: int
    documents: list[TemplateDocument] = field(default_factory=list)

    @cached_property
    def fingerprint(self) -> str:
        """Hash of the manifest and every template file: a change rebuilds what uses them."""
        digest = hashlib.sha256()
        for path in [self.folder / MANIFEST] + [d.template for d in self.documents]:
            digest.update(path.name.encode() + b"\0" + path.read_bytes())
        return digest.hexdigest()


def load_template_set(folder: Path | None = None) -> TemplateSet:
    folder = folder or TEMPLATES_DIR / DEFAULT_SET
    manifest = folder / MANIFEST
    if not manifest.is_file():
        raise TemplateError(f"manifeste de modèles introuvable : {manifest}")
    try:
        data = yaml.safe_load(manifest.read_text(encoding="utf-8"))
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        raise TemplateError(f"manifeste de modèles illisible ({manifest}) : {exc}") from exc
    if not isinstance(data, dict):
        raise TemplateError(f"manifeste de modèles vide ou mal formé : {manifest}")
    try:
        documents = [
            TemplateDocument(
                id=str(doc["id"]),
                template=folder / doc["modele"],
                output=str(doc["sortie"]),
                title=str(doc.get("titre") or doc["id"]),
                for_each=doc.get("pour_chaque"),
            )
            for doc in data["documents"]
        ]
        result = TemplateSet(
            folder=folder,
            name=str(data["nom"]),
            title=str(data.get("titre") or data["nom"]),
            version=str(data["version"]),
            format=int(data.get("format_description", 1)),
            documents=documents,
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise TemplateError(f"manifeste de modèles incomplet ({manifest}) : champ {exc} manquant ou invalide") from exc
    for doc in documents:
        if not doc.template.is_file():
            raise TemplateError(f"modèle introuvable : {doc.template} (déclaré dans {manifest})")
    return result
