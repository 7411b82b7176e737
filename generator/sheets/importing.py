"""Plan and write the import of a spreadsheet into a territory: `financements/import-<source>.yaml`.

`plan_import` reads the spreadsheet, converts its rows with the mapping and decides what the
import file becomes: nothing to do (same content), created, or updated (with the semantic diff of
its operations); it refuses to overwrite a file the pilot wrote or edited by hand, and operation
identifiers already used elsewhere in the description. `write_import` writes the planned file
atomically. Nothing is written while rows could not be placed, unless `partial` is set.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

import yaml

from generator.sheets.convert import RowProblem, rows_to_operations, slug
from generator.sheets.mapping import Mapping
from generator.sheets.reading import Table, read_table
from generator.sheets.resolve import Resolver

__all__ = ["ImportError_", "ImportPlan", "import_path", "plan_import", "write_import"]

HEADER = (
    "# Fichier écrit par « cdv importer » à partir d'un tableur : ne le modifiez pas à la main.\n"
    "# Pour changer ces opérations, corrigez le tableur et réimportez-le ; une opération à\n"
    "# compléter se recopie dans financements.yaml (avec un autre identifiant).\n"
)
MARKER = "# Fichier écrit par « cdv importer »"


class ImportError_(Exception):
    """An import that cannot go ahead (French message)."""


@dataclass
class ImportPlan:
    target: Path
    text: str
    status: str  # "inchange", "cree", "modifie"
    how: str
    operations: list[dict] = field(default_factory=list)
    problems: list[RowProblem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    changes: list[str] = field(default_factory=list)
    rows_read: int = 0
    rows_imported: int = 0
    source_label: str = ""

    @property
    def blocked(self) -> bool:
        return bool(self.problems)


def import_path(root: Path, source: str, target: str = "operations") -> Path:
    folder = "financements" if target == "operations" else "diagnostic"
    return root / folder / f"import-{slug(source)}.yaml"


def _plain(value):
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def fingerprint(items: list, plain: bool = False) -> str:
    canonical = json.dumps(
        items if plain else _plain(items), sort_keys=True, ensure_ascii=False, default=str
    )
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()[:16]


_STR, _INT, _NULL = "tag:yaml.org,2002:str", "tag:yaml.org,2002:int", "tag:yaml.org,2002:null"
_SCALARS = yaml.representer.SafeRepresenter()


def _node(value) -> yaml.Node:
    """The YAML node `yaml.dump(..., Dumper=SafeDumper, default_flow_style=False)` would make
    of plain data, built directly: the generic representer (type dispatch, alias bookkeeping
    per value) took most of the import time of a 10,000-row extract."""
    if isinstance(value, str):
        return yaml.ScalarNode(_STR, value)
    if isinstance(value, dict):
        pairs = [(yaml.ScalarNode(_STR, k), _node(v)) for k, v in value.items()]
        return yaml.MappingNode("tag:yaml.org,2002:map", pairs, flow_style=False)
    if isinstance(value, list):
        items = [_node(v) for v in value]
        return yaml.SequenceNode("tag:yaml.org,2002:seq", items, flow_style=False)
    if isinstance(value, int) and not isinstance(value, bool):
        return yaml.ScalarNode(_INT, str(value))
    if value is None:
        return yaml.ScalarNode(_NULL, "null")
    return _SCALARS.represent_data(value)  # floats, booleans, dates: the representer's own


def render_import(items: list[dict], key: str, meta: dict) -> str:
    plain = _plain(items)
    body = {"import": {**meta, "empreinte": fingerprint(plain, plain=True)}, key: plain}
    dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)  # libyaml: 20 times faster
    text = yaml.serialize(_node(body), Dumper=dumper, allow_unicode=True, width=100)
    return HEADER + "\n" + text


def _source_label(path: Path, root: Path) -> str:
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return path.name


def plan_import(
    data: dict,
    root: Path,
    spreadsheet: Path,
    mapping: Mapping,
    source: str | None = None,
    reference: dict | None = None,
) -> ImportPlan:
    """What importing `spreadsheet` into the territory at `root` (merged `data`) would do."""
    table = read_table(spreadsheet, sheet=mapping.sheet, header_row=mapping.header_row)
    label = _source_label(spreadsheet, root)
    resolver = Resolver(data, reference)
    key = "operations" if mapping.target == "operations" else "indicateurs"
    target = import_path(root, source or mapping.name, mapping.target)
    if mapping.target == "operations":
        period = _period(data)
        try:
            conversion = rows_to_operations(table, mapping, resolver, label, period)
        except ValueError as exc:
            raise ImportError_(str(exc)) from None
        items, problems, notes = conversion.operations, conversion.problems, conversion.notes
        read, imported = conversion.rows_read, conversion.rows_imported
    else:
        from generator.sheets.indicators import rows_to_indicators

        try:
            items, problems, notes, read, imported = rows_to_indicators(table, mapping, resolver)
        except ValueError as exc:
            raise ImportError_(str(exc)) from None
    old_items = _existing(target, key)
    if mapping.target == "operations":
        problems = problems + _collisions(data, items, old_items or [], table)
    meta = {"fichier": label, "modele": mapping.name}
    text = render_import(items, key, meta)
    plan = ImportPlan(
        target=target,
        text=text,
        status="cree",
        how=table.how,
        operations=items,
        problems=problems,
        notes=notes,
        rows_read=read,
        rows_imported=imported,
        source_label=label,
    )
    if old_items is not None:
        current = target.read_text(encoding="utf-8")
        if current == text:
            plan.status = "inchange"
        else:
            plan.status = "modifie"
            plan.changes = _changes(old_items, _plain(items), key)
            if not plan.changes:
                plan.status = "inchange" if _same_items(old_items, items) else "modifie"
    return plan


def _same_items(old: list, new: list) -> bool:
    return fingerprint(old) == fingerprint(new)


def _period(data: dict) -> tuple[int, int]:
    contrat = data.get("contrat") if isinstance(data.get("contrat"), dict) else {}
    periode = contrat.get("periode") if isinstance(contrat.get("periode"), dict) else {}
    start, end = periode.get("debut", 2024), periode.get("fin", 2030)
    return (start if isinstance(start, int) else 2024, end if isinstance(end, int) else 2030)


def _existing(target: Path, key: str) -> list | None:
    """The items of an existing import file; refuses a file the pilot wrote or edited."""
    if not target.exists():
        return None
    text = target.read_text(encoding="utf-8", errors="replace")
    if not text.startswith(MARKER):
        raise ImportError_(
            f"{target} existe et n'a pas été écrit par « cdv importer » : l'outil ne remplace pas "
            "un fichier écrit à la main ; renommez-le, ou choisissez un autre nom avec --source"
        )
    try:
        content = yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
        items = content[key]
        recorded = content["import"]["empreinte"]
    except Exception:
        raise ImportError_(
            f"{target} a été modifié à la main et n'est plus lisible comme un fichier d'import : "
            "mettez de côté vos modifications (copiez-les dans financements.yaml), supprimez ce "
            "fichier, puis réimportez"
        ) from None
    if fingerprint(items) != recorded:
        raise ImportError_(
            f"{target} a été modifié à la main depuis le dernier import : l'outil ne l'écrase "
            "pas. Reportez ces modifications dans le tableur (ou recopiez les opérations "
            "concernées dans financements.yaml), supprimez le fichier, puis réimportez"
        )
    return items


def _collisions(data: dict, items: list[dict], previous: list, table: Table) -> list[RowProblem]:
    """Operation ids of the import already used by operations written elsewhere."""
    financements = data.get("financements") if isinstance(data.get("financements"), dict) else {}
    own = [op.get("id") for op in previous if isinstance(op, dict)]
    taken = [
        op["id"]
        for op in financements.get("operations") or []
        if isinstance(op, dict) and isinstance(op.get("id"), str)
    ]
    for op_id in own:  # the previous version of this very file is in the description too
        if op_id in taken:
            taken.remove(op_id)
    out = []
    for op in items:
        if op["id"] in taken:
            out.append(
                RowProblem(
                    table.sheet.name,
                    op["source"]["lignes"][0],
                    "",
                    "",
                    f"l'identifiant « {op['id']} » est déjà celui d'une opération de la "
                    "description : renommez l'une des deux (ou changez « prefixe_id » du modèle)",
                )
            )
    return out


def _changes(old: list, new: list, key: str) -> list[str]:
    from generator.compare.description import diff_data

    section = "financements" if key == "operations" else "diagnostic"
    changes = diff_data({section: {key: old}}, {section: {key: new}})
    return [c.format() for c in changes]


def write_import(plan: ImportPlan) -> None:
    from generator.documents.write import atomic_write

    atomic_write(plan.target, plan.text.encode("utf-8"))
