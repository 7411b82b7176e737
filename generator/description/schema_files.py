"""One JSON Schema per section file, generated from the whole-contract schema.

An editor (VS Code with the « YAML » extension) checks each file against the schema its first
line names: `gouvernance.yaml` cannot be checked against the whole-contract schema, whose top
level requires `format`, `contrat` and `territoire`. The schemas under `schemas/sections/` only
refer to the single source (`contrat-de-ville.schema.json`), so they never drift from it;
regenerate them with `python -m generator.description.schema_files` after changing its sections.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from generator.description.schema import MAIN_SCHEMA, SCHEMA_DIR, load_schema

SECTIONS_DIR = "sections"
# contrat.yaml holds the document itself: it is checked against the whole-contract schema
WHOLE_CONTRACT_FILE = "contrat.yaml"


def section_schema_name(section: str) -> str:
    """`sections/gouvernance.schema.json`, relative to schemas/."""
    return f"{SECTIONS_DIR}/{section}.schema.json"


def schema_for_file(name: str) -> str:
    """The schema (relative to schemas/) that a top-level file named `name` should name."""
    stem = Path(name).stem
    if name == WHOLE_CONTRACT_FILE or stem not in load_schema()["properties"]:
        return MAIN_SCHEMA
    return section_schema_name(stem)


def section_schemas() -> dict[str, dict]:
    """Relative path under schemas/ -> schema, for every section of the description."""
    main = load_schema()
    base = main["$id"].rsplit("/", 1)[0]
    out: dict[str, dict] = {}
    for section, node in main["properties"].items():
        if section == "format":
            continue
        label = node.get("title") or main["$defs"].get(section, {}).get("title", section)
        out[section_schema_name(section)] = {
            "$schema": main["$schema"],
            "$id": f"{base}/{section_schema_name(section)}",
            "title": f"{label} (fichier {section}.yaml)",
            "description": (
                f"Un fichier de section d'un territoire, qui contient « {section}: » ; il peut "
                "contenir d'autres sections (une section s'écrit dans un seul fichier). Schéma "
                f"produit à partir de {MAIN_SCHEMA}, la référence de tous les champs."
            ),
            "type": "object",
            "minProperties": 1,
            "additionalProperties": False,
            "properties": {
                key: {"$ref": f"../{MAIN_SCHEMA}#/properties/{key}"} for key in main["properties"]
            },
        }
    return out


def render(schema: dict) -> str:
    return json.dumps(schema, ensure_ascii=False, indent=2) + "\n"


def stale_section_schemas(folder: Path = SCHEMA_DIR) -> list[str]:
    """Files under schemas/sections/ that are missing, outdated or no longer produced."""
    wanted = section_schemas()
    stale = [
        name
        for name, schema in wanted.items()
        if not (folder / name).is_file()
        or (folder / name).read_text(encoding="utf-8") != render(schema)
    ]
    present = folder / SECTIONS_DIR
    if present.is_dir():
        stale += sorted(
            f"{SECTIONS_DIR}/{p.name}"
            for p in present.glob("*.json")
            if f"{SECTIONS_DIR}/{p.name}" not in wanted
        )
    return stale


def write_section_schemas(folder: Path = SCHEMA_DIR) -> list[Path]:
    """(Re)write schemas/sections/; returns the files written."""
    written = []
    (folder / SECTIONS_DIR).mkdir(exist_ok=True)
    for name, schema in section_schemas().items():
        target = folder / name
        text = render(schema)
        if not target.is_file() or target.read_text(encoding="utf-8") != text:
            temp = target.with_name(f".{target.name}.tmp")
            temp.write_text(text, encoding="utf-8")
            os.replace(temp, target)
            written.append(target)
    return written


if __name__ == "__main__":  # pragma: no cover - maintainers' command
    for path in write_section_schemas():
        print(f"écrit : {path}")
