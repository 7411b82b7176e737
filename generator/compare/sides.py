"""The two sides of a description comparison: a territory folder or one description file read
into its merged data, with French errors when it cannot be compared."""

from __future__ import annotations

import json
from pathlib import Path


class DescriptionError(Exception):
    """A description that cannot be read for a comparison (French message)."""


def item_section(path: Path) -> str | None:
    """For a file of engagements/, tfpb/ or quartiers/ in a territory: its list's key."""
    from generator.description.load import ITEM_FOLDERS, is_territory

    folder = path.parent.name
    if path.is_file() and folder in ITEM_FOLDERS and is_territory(path.parent.parent):
        return ITEM_FOLDERS[folder]
    return None


def territory_of(path: Path) -> Path | None:
    """The territory folder a description file belongs to, if any."""
    from generator.description.load import is_territory

    if not path.is_file():
        return None
    for folder in (path.parent, path.parent.parent):
        if is_territory(folder):
            return folder
    return None


def load_data(path: Path, section: str | None = None) -> dict:
    """The merged data of a territory folder or of one description file.

    `section` says that the file holds one item of that list (engagements, tfpb, quartiers);
    by default it is found from the file's folder (see `item_section`).
    """
    from generator.description.load import Description, is_territory, load_territory, parse_file

    if not path.exists():
        raise DescriptionError(f"chemin introuvable : {path}")
    if path.is_dir():
        if not is_territory(path):
            children = [c.name for c in sorted(path.iterdir()) if c.is_dir() and is_territory(c)]
            if children:
                raise DescriptionError(
                    f"{path} contient plusieurs territoires ({', '.join(children)}) : "
                    "comparez-les un par un, par exemple " + str(path / children[0])
                )
            raise DescriptionError(f"{path} ne contient aucun fichier de description (.yaml)")
        desc = load_territory(path, convert=False)
    else:
        if path.suffix.lower() not in (".yaml", ".yml"):
            raise DescriptionError(f"{path} n'est pas un fichier de description (.yaml)")
        section = section or item_section(path)
        if section:
            desc = Description(root=path.parent, files=[str(path)])
            ok, value = parse_file(path, desc)
            if ok:
                desc.data = {section: [value]}
            else:
                desc.unreadable.append(str(path))
        else:
            desc = load_territory(path.parent, files=[path], convert=False)
    if desc.unreadable:
        errors = [p.format() for p in desc.problems if p.is_error][:10]
        raise DescriptionError(
            "description illisible : la comparaison serait fausse. Corrigez d'abord :\n"
            + "\n".join(errors or desc.unreadable)
        )
    return desc.data


def canonical_json(data: dict) -> str:
    """The form in which a description is embedded in a generated document."""
    return json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
