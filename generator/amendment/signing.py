"""`cdv signer`: record the version of a territory's description that was signed.

The description is loaded and validated once (a description with errors is not signed), or
recovered from a generated .docx that embeds it (contracts signed before the toolkit was used
to record them). The snapshot (see `snapshot`) is written atomically and read-only.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from generator.amendment.snapshot import Snapshot, SnapshotError, make_snapshot, record_snapshot


@dataclass
class SignResult:
    snapshot: Snapshot
    path: Path
    warnings: int = 0


def sign_territory(
    root: Path, date: str, templates, *, from_docx: Path | None = None
) -> SignResult:
    """Record the signed version of `root` (its current description, or the one of `from_docx`)."""
    from generator import __version__

    if from_docx is not None:
        description, template_set, template_version, tool = _from_document(from_docx)
        source = f"document {from_docx.name}"
        warnings = 0
    else:
        from generator.description.validate import Target, validate_target
        from generator.documents.templates import resolve_for_territory

        result = validate_target(Target(root))
        if result.errors:
            shown = "\n".join(p.format(base=root) for p in result.errors[:10])
            raise SnapshotError(
                f"la description de {root} comporte {len(result.errors)} erreur(s) : une version "
                f"qui ne se valide pas ne peut pas être enregistrée comme signée. Corrigez :\n{shown}"
            )
        description = result.description.data
        resolved = resolve_for_territory(templates, root)
        template_set, template_version, tool = resolved.name, resolved.version, __version__
        source, warnings = "description", len(result.warnings)
    snapshot = make_snapshot(
        root,
        description,
        date,
        template_set=template_set,
        template_version=template_version,
        tool_version=tool,
        source=source,
    )
    return SignResult(snapshot, record_snapshot(root, snapshot), warnings)


def _from_document(path: Path) -> tuple[dict, str, str, str]:
    from generator.documents.write import read_custom_properties, read_embedded_description

    if not path.is_file():
        raise SnapshotError(f"document introuvable : {path}")
    description = read_embedded_description(path)
    if description is None:
        raise SnapshotError(
            f"{path} ne contient pas de description (document qui n'a pas été produit par "
            "cdv, ou enregistré par un logiciel qui l'a retirée) : enregistrez plutôt la "
            "description actuelle, remise dans l'état signé, avec cdv signer CHEMIN --date …"
        )
    try:
        props = read_custom_properties(path)
    except Exception:  # a damaged package: the description was readable, the rest is optional
        props = {}
    return (
        description,
        props.get("cdv_modele", ""),
        props.get("cdv_modele_version", ""),
        props.get("cdv_outil_version", ""),
    )
