"""Read a territory's YAML files into one tree, keeping where every value came from.

The section files at the top of the folder and the one-item files of its sub-folders are each read
by `yaml_reader`, then merged into one `Description`; a section defined twice is refused.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from generator.description.problems import AVERTISSEMENT, ERREUR, Location, Path_, Problem
from generator.description.yaml_reader import MAX_FILE_BYTES, parse_file, read_text

# The reading of one file lives in `yaml_reader`; its public names stay importable from here.
__all__ = [
    "ITEM_FOLDERS",
    "LIST_FOLDERS",
    "MAIN_FILE",
    "MAX_FILE_BYTES",
    "SUFFIXES",
    "Description",
    "copy_section_locations",
    "description_files",
    "is_territory",
    "load_territory",
    "location_stores",
    "parse_apart",
    "parse_file",
    "read_text",
    "refuse_not_a_mapping",
]

SUFFIXES = (".yaml", ".yml")
# Sub-folders where each file holds one item of a list: folder name -> section key.
ITEM_FOLDERS = {"engagements": "engagements", "tfpb": "tfpb", "quartiers": "quartiers"}
# Sub-folders whose files each add items to a list of a section (files written by `cdv importer`):
# folder name -> (section, list key); a file holds that list key, and an `import:` header.
LIST_FOLDERS = {
    "financements": ("financements", "operations"),
    "diagnostic": ("diagnostic", "indicateurs"),
}
MAIN_FILE = "contrat.yaml"


@dataclass
class Description:
    """A territory's description merged from its files, with the origin of every value."""

    root: Path
    data: dict = field(default_factory=dict)
    files: list[str] = field(default_factory=list)
    locations: dict[Path_, Location] = field(default_factory=dict)
    key_locations: dict[Path_, Location] = field(default_factory=dict)
    raw: dict[Path_, str] = field(default_factory=dict)
    section_files: dict[str, str] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    # Files whose content could not be read or merged: the description is incomplete.
    unreadable: list[str] = field(default_factory=list)
    # Paths of values already refused by the loader or the schema: rules that add values up
    # skip them rather than report a second, misleading problem.
    invalid_paths: set[Path_] = field(default_factory=set)
    # A format-1 description converted in memory to format 2 (generator.ledger.convert):
    # the format it was written in, and the format-1 path each converted value came from.
    original_format: int | None = None
    origins: dict[Path_, Path_] = field(default_factory=dict)
    # for a converted description: the operations made of its format-1 lines, the scope of its
    # declared totals (in format 1 a declared total added up the lines of `financements`)
    format1_line_operations: frozenset[str] | None = None
    # the merged data as written, before the conversion (None: not converted)
    source_data: dict | None = None

    @property
    def name(self) -> str:
        return self.root.name

    def source_path(self, path: Path_) -> Path_:
        """The path as the pilot wrote it (format 1 for a description converted in memory)."""
        if not self.origins:
            return tuple(path)
        from generator.ledger.convert import translate

        return translate(self.origins, tuple(path))

    def where(self, path: Path_, key: bool = False, as_written: bool = False) -> Location:
        """Location of a value, or of the closest enclosing value that has one (`as_written`:
        `path` is already a path of the files, not of the converted description)."""
        path = tuple(path) if as_written else self.source_path(path)
        if key and path in self.key_locations:
            return self.key_locations[path]
        for end in range(len(path), -1, -1):
            loc = self.locations.get(tuple(path[:end]))
            if loc is not None:
                return loc
            loc = self.key_locations.get(tuple(path[:end]))
            if loc is not None:
                return loc
        if path and isinstance(path[0], str) and path[0] in self.section_files:
            return Location(self.section_files[path[0]], 1, 1)
        return Location(self.files[0] if self.files else str(self.root), 1, 1)

    def is_invalid(self, path: Path_) -> bool:
        """True if the value at `path`, or a value inside it, was refused."""
        size = len(path)
        return any(p[:size] == tuple(path) for p in self.invalid_paths)

    def problem(
        self, severity: str, path: Path_, message: str, key: bool = False, as_written=False
    ) -> Problem:
        loc = self.where(path, key=key, as_written=as_written)
        path = tuple(path) if as_written else self.source_path(path)
        return Problem(severity, message, loc.file, loc.line, loc.column, path)


def description_files(root: Path) -> tuple[list[Path], dict[str, list[Path]]]:
    """Section files at the top of a territory folder, and item files per item folder."""
    sections = sorted(
        (p for p in root.iterdir() if p.suffix in SUFFIXES and p.is_file()),
        key=lambda p: (p.name != MAIN_FILE, p.name),
    )
    items: dict[str, list[Path]] = {}
    for folder, key in ITEM_FOLDERS.items():
        sub = root / folder
        if sub.is_dir():
            files = sorted(p for p in sub.iterdir() if p.suffix in SUFFIXES and p.is_file())
            if files:
                items[key] = files
    for folder in LIST_FOLDERS:
        sub = root / folder
        if sub.is_dir():
            files = sorted(p for p in sub.iterdir() if p.suffix in SUFFIXES and p.is_file())
            if files:
                items[f"{folder}/"] = files
    return sections, items


def is_territory(folder: Path) -> bool:
    sections, items = description_files(folder)
    return bool(sections or items)


def load_territory(
    root: Path, files: list[Path] | None = None, convert: bool = True
) -> Description:
    """Load a territory folder (or the given single file) into one Description.

    A description written in format 1 is converted in memory to format 2 (`convert`, with a
    warning naming `cdv migrer`): rules, documents and the ledger only ever see format 2. The
    data as written stays in `desc.source_data`; `convert=False` keeps it as `desc.data` (the
    comparison of two descriptions compares what the pilot wrote).
    """
    desc = Description(root=root)
    if files is not None:
        sections, items = files, {}
    else:
        sections, items = description_files(root)
    if not sections and not items:
        desc.problems.append(
            Problem(
                ERREUR,
                "aucun fichier de description (.yaml) dans ce dossier : créez-en un avec "
                "« cdv init » ou écrivez un contrat.yaml",
                str(root),
            )
        )
        return desc
    if files is None:
        desc.problems.extend(_misnamed_files(root))
    for path in sections:
        if _undecodable_name(desc, path):
            continue
        desc.files.append(str(path))
        _merge_section_file(desc, path)
    for key, paths in items.items():
        for path in paths:
            if _undecodable_name(desc, path):
                continue
            desc.files.append(str(path))
            if key.endswith("/"):
                _merge_list_file(desc, LIST_FOLDERS[key[:-1]], path)
            else:
                _merge_item_file(desc, key, path)
    from generator.description.written_forms import normalise_qpv_codes

    normalise_qpv_codes(desc)
    if convert:
        _convert_format_1(desc)
    return desc


def _undecodable_name(desc: Description, path: Path) -> bool:
    """A file name that is not text (bytes b'\\xff' on Linux, from an old archive or another
    machine): an error naming it, and the file is not read."""
    try:
        path.name.encode("utf-8")
    except UnicodeEncodeError:
        shown = os.fsencode(path.name).decode("utf-8", errors="replace")
        desc.problems.append(
            Problem(
                ERREUR,
                f"nom de fichier illisible « {shown} » : il contient des octets qui ne sont pas "
                "du texte (UTF-8) ; renommez le fichier avec des lettres, chiffres et tirets",
                str(path),
            )
        )
        desc.unreadable.append(str(path))
        return True
    return False


def _convert_format_1(desc: Description) -> None:
    from generator.ledger.convert import upgrade_description

    if upgrade_description(desc):
        desc.problems.append(
            desc.problem(
                AVERTISSEMENT,
                ("format",),
                "description au format 1 : elle est lue et convertie en mémoire au format 2 ; "
                "convertissez ses fichiers en lançant « cdv migrer » sur ce dossier (une "
                "sauvegarde est faite d'abord)",
            )
        )


def _misnamed_files(root: Path) -> list[Problem]:
    """`gouvernance.yaml.txt` (Notepad adds .txt) or `Gouvernance.YAML`: a file the pilot
    meant as a description file, which would otherwise be silently ignored."""
    out = []
    for folder in [root, *(root / name for name in ITEM_FOLDERS)]:
        if not folder.is_dir():
            continue
        for path in sorted(folder.iterdir()):
            name = path.name
            if not path.is_file() or path.suffix in SUFFIXES:
                continue
            lower = name.lower()
            stem = next(
                (lower[: -len(s)] for s in (".txt", ".yaml", ".yml") if lower.endswith(s)), ""
            )
            meant = lower.endswith(SUFFIXES) or stem.endswith(SUFFIXES)
            if not meant:
                continue
            right = name[: len(stem)] if stem.endswith(SUFFIXES) else name
            right = right[: right.lower().rfind(".y")] + (
                ".yml" if right.lower().endswith(".yml") else ".yaml"
            )
            out.append(
                Problem(
                    AVERTISSEMENT,
                    f"fichier ignoré : « {name} » ne se termine pas par .yaml ; renommez-le "
                    f"« {right} » (sous Windows, affichez les extensions des fichiers : "
                    "l'Explorateur les cache, et le Bloc-notes ajoute .txt)",
                    str(path),
                )
            )
    return out


def parse_apart(desc: Description, path: Path) -> tuple[bool, object, Description]:
    """Parse `path` into its own `Description` (its locations, to be merged into `desc`);
    its problems join `desc`'s, and an unreadable file is marked so."""
    staging = Description(root=desc.root)
    ok, value = parse_file(path, staging)
    desc.problems.extend(staging.problems)
    if not ok:
        desc.unreadable.append(str(path))
    return ok, value, staging


def refuse_not_a_mapping(desc: Description, staging: Description, path: Path, message: str):
    """A file that holds a list or a lone text where top-level keys were expected."""
    desc.unreadable.append(str(path))
    loc = staging.locations.get(())
    desc.problems.append(
        Problem(ERREUR, message, str(path), loc.line if loc else 1, loc.column if loc else 1)
    )


def location_stores(staging: Description, desc: Description) -> tuple:
    """(from, to) pairs of the three location stores, from a file parsed apart into `desc`."""
    return (
        (staging.locations, desc.locations),
        (staging.key_locations, desc.key_locations),
        (staging.raw, desc.raw),
    )


def copy_section_locations(staging: Description, desc: Description, keys: str | set) -> None:
    """Every location under the top-level `keys` (one or a set) of a file parsed apart, kept
    in `desc`, in one pass (a contrat.yaml holding every section has tens of thousands)."""
    keys = {keys} if isinstance(keys, str) else keys
    for store_from, store_to in location_stores(staging, desc):
        for p, loc in store_from.items():
            if p and p[0] in keys:
                store_to[p] = loc


def _merge_list_file(desc: Description, target: tuple[str, str], path: Path) -> None:
    """A file of `financements/` or `diagnostic/`: its list is added to the section's list."""
    section, key = target
    ok, value, staging = parse_apart(desc, path)
    if not ok:
        return
    extra = sorted(set(value) - {key, "import"}) if isinstance(value, dict) else None
    if extra is None or extra or not isinstance(value.get(key), list):
        desc.unreadable.append(str(path))
        desc.problems.append(
            Problem(
                ERREUR,
                f"un fichier du dossier {path.parent.name}/ contient une liste « {key}: » (et "
                "l'en-tête « import: » qu'écrit cdv importer), rien d'autre"
                + (f" : clé inattendue « {extra[0]} »" if extra else ""),
                str(path),
                1,
                1,
            )
        )
        return
    holder = desc.data.setdefault(section, {})
    desc.section_files.setdefault(section, str(path))
    if not isinstance(holder, dict) or not isinstance(holder.setdefault(key, []), list):
        desc.unreadable.append(str(path))
        desc.problems.append(
            Problem(
                ERREUR,
                f"« {section}.{key} » n'est pas une liste : {path.name} ne peut pas s'y ajouter",
                str(path),
                1,
                1,
            )
        )
        return
    items = holder[key]
    offset = len(items)
    items.extend(value[key])
    for store_from, store_to in location_stores(staging, desc):
        for p, loc in store_from.items():
            if len(p) >= 2 and p[0] == key and isinstance(p[1], int):
                store_to[(section, key, p[1] + offset, *p[2:])] = loc


def _merge_section_file(desc: Description, path: Path) -> None:
    ok, value, staging = parse_apart(desc, path)
    if not ok:
        return
    if not isinstance(value, dict):
        refuse_not_a_mapping(
            desc,
            staging,
            path,
            "ce fichier doit contenir des sections au premier niveau (« territoire: », "
            "« gouvernance: »…), pas une liste ni un texte seul",
        )
        return
    merged: set = set()
    for key, section in value.items():
        here = staging.key_locations[(key,)]
        if key in desc.data:
            first = desc.key_locations.get((key,))
            where = f"{first.file}, ligne {first.line}" if first else desc.section_files[key]
            desc.problems.append(
                Problem(
                    ERREUR,
                    f"la section « {key} » est définie dans deux fichiers : ici et dans {where} ; "
                    "une section s'écrit dans un seul fichier : regroupez-les",
                    here.file,
                    here.line,
                    here.column,
                    (key,),
                )
            )
            continue
        desc.data[key] = section
        desc.section_files[key] = str(path)
        merged.add(key)
    copy_section_locations(staging, desc, merged)


def _merge_item_file(desc: Description, key: str, path: Path) -> None:
    existing = desc.data.get(key)
    if existing is None:
        existing = desc.data[key] = []
        desc.section_files.setdefault(key, str(path))
    if not isinstance(existing, list):
        desc.unreadable.append(str(path))
        desc.problems.append(
            Problem(
                ERREUR,
                f"la section « {key} » n'est pas une liste dans "
                f"{desc.section_files.get(key, '?')} : le fichier {path.name} ne peut pas s'y ajouter",
                str(path),
                1,
                1,
            )
        )
        return
    index = len(existing)
    ok, value = parse_file(path, desc, prefix=(key, index))
    if not ok or not isinstance(value, dict) or list(value) == [key]:
        desc.unreadable.append(str(path))
    if not ok:
        return
    if isinstance(value, dict) and list(value) == [key]:
        loc = desc.key_locations[(key, index, key)]
        desc.problems.append(
            Problem(
                ERREUR,
                f"ce fichier contient une seule fiche : écrivez son contenu directement, sans la "
                f"ligne « {key}: » en tête ni de « - » devant la première clé",
                loc.file,
                loc.line,
                loc.column,
                (key, index),
            )
        )
        return
    if not isinstance(value, dict):
        loc = desc.locations[(key, index)]
        desc.problems.append(
            Problem(
                ERREUR,
                "ce fichier doit contenir une seule fiche, écrite comme un tableau "
                "« clé: valeur » (sans « - » devant la première clé)",
                loc.file,
                loc.line,
                loc.column,
                (key, index),
            )
        )
        return
    existing.append(value)
