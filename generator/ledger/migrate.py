"""`cdv migrer`: rewrite a format-1 territory folder as format 2, in place, losing nothing.

The conversion is `convert.convert_format_1`, the one used in memory when a format-1 description
is read. Here its result is written back into the pilot's own files with ruamel.yaml's
round-trip mode: comments, the split into files, the order of keys and the indentation stay;
only what the conversion changed is touched (`lignes` → `operations`, `plan_financement` →
`operations`, `montant_annuel` → `operations`, `etp`/`places` → `quantites`, `format: 2`,
`partenaires`).

Safety: every file is rendered in memory first; a copy of the folder's description files goes
to `.sauvegarde-format-1/` before anything is written; each file is then replaced atomically,
and any failure or interruption puts back every file already replaced. The migrated folder is
read again and its ledger compared with the conversion's before the migration is reported done.
"""

from __future__ import annotations

import difflib
import io
import itertools
import shutil
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from generator.ledger.build import build_ledger
from generator.ledger.convert import FORMAT_VERSION, convert_format_1
from generator.ledger.migrate_errors import ruamel_message

BACKUP = ".sauvegarde-format-1"
PARTNERS_COMMENT = (
    "\nFinanceurs qui ne signent pas le contrat, ajoutés par « cdv migrer » à partir des plans\n"
    "de financement : vérifiez leur nom et leur catégorie (type)."
)
OPERATIONS_COMMENT = (
    "Registre des opérations (format 2) : une opération par action ou dispositif, avec ses\n"
    "financeurs et leurs montants par année ; les projets d'investissement et les fiches\n"
    "d'engagement y renvoient par son identifiant. Converti par « cdv migrer » : vérifiez les\n"
    "répartitions entre QPV et les modes d'attribution."
)


class MigrationError(Exception):
    """A migration that could not be done; nothing is left half-written."""


@dataclass
class MigrationReport:
    root: Path
    already: bool = False  # already in format 2: nothing done
    files: list[Path] = field(default_factory=list)  # rewritten
    notes: list[str] = field(default_factory=list)  # what the conversion did, in French
    checks: list[str] = field(default_factory=list)  # what the pilot should look at
    backup: Path | None = None


def migrate_territory(root: Path, *, _write=None) -> MigrationReport:
    """Migrate one territory folder; raises MigrationError (nothing changed) if it cannot."""
    from generator.description.load import load_territory

    report = MigrationReport(root)
    desc = load_territory(root, convert=False)
    if desc.unreadable or not desc.files:
        errors = [p.format() for p in desc.problems if p.is_error][:10]
        raise MigrationError(
            f"{root} ne peut pas être migré : des fichiers ne se lisent pas ; corrigez-les "
            "d'abord (cdv validate) :\n" + "\n".join(errors or desc.unreadable)
        )
    version = desc.data.get("format")
    if version == FORMAT_VERSION:
        report.already = True
        return report
    if version != 1:
        raise MigrationError(
            f"{root} : « format: {version} » inconnu ; cdv migrer convertit le format 1 en "
            f"format {FORMAT_VERSION}"
        )
    conv = convert_format_1(desc.data)
    report.notes = list(conv.notes)
    report.checks = _declared_total_checks(conv)
    rendered = _render_files(desc, conv.data)
    backup = _write_backup(root, desc.files)
    report.backup = backup
    written: list[Path] = []
    write = _write or _atomic_write
    try:
        for path, text in rendered.items():
            write(path, text.encode("utf-8"))
            written.append(path)
        _verify(root, conv.data)
    except BaseException as exc:
        _restore(root, backup, written)
        if isinstance(exc, MigrationError):
            raise
        raise MigrationError(
            f"migration de {root} interrompue ({type(exc).__name__}) : les fichiers déjà "
            f"réécrits ont été remis dans leur état d'origine (copie dans {backup})"
        ) from exc
    report.files = written
    return report


def restore_territory(root: Path) -> list[Path]:
    """Put back the files saved by the last migration of `root` (`cdv migrer --restaurer`)."""
    backups = _backups(root)
    if not backups:
        raise MigrationError(f"{root} : aucune sauvegarde {BACKUP}/ à restaurer")
    backup = backups[-1]
    restored = []
    for saved in sorted(p for p in backup.rglob("*") if p.is_file()):
        target = root / saved.relative_to(backup)
        _atomic_write(target, saved.read_bytes())
        restored.append(target)
    return restored


# --------------------------------------------------------------------------- rendering


def _render_files(desc, new_data: dict) -> dict[Path, str]:
    """The new text of every file the conversion changes (others are left alone)."""
    from generator.description.load import ITEM_FOLDERS

    old_data = _without_imported(desc, desc.data)
    new_data = _without_imported(desc, new_data)
    out: dict[Path, str] = {}
    files_of: dict[str, list[str]] = {}  # file -> its top-level sections
    for section, file in desc.section_files.items():
        if section not in ITEM_FOLDERS.values() or Path(file).parent == desc.root:
            files_of.setdefault(file, []).append(section)
    item_files: dict[str, tuple[str, int]] = {}  # file -> (section, index in the merged list)
    for key in ITEM_FOLDERS.values():
        folder_items = [f for f in desc.files if Path(f).parent == desc.root / key]
        first = len(old_data.get(key) or []) - len(folder_items)
        for offset, file in enumerate(folder_items):
            item_files[file] = (key, first + offset)
    new_keys = [k for k in new_data if k not in old_data]
    home = desc.section_files.get("signataires") or desc.section_files.get("format")
    for file in desc.files:
        if file in item_files:
            key, index = item_files[file]
            old, new = old_data[key][index], new_data[key][index]
            if old != new:
                out[Path(file)] = _rewrite(Path(file), lambda doc, o=old, n=new: _apply(doc, o, n))
            continue
        sections = files_of.get(file, [])
        adds = [k for k in new_keys if file == home]

        def change(doc, sections=sections, adds=adds):
            for section in sections:
                old, new = old_data.get(section), new_data.get(section)
                if section in ITEM_FOLDERS.values() and isinstance(old, list):
                    # the part of an item list written in this section file
                    old, new = old, new[: len(doc[section])] if isinstance(new, list) else new
                    old = old[: len(doc[section])]
                if old != new:
                    _apply_key(doc, section, old, new)
            for key in adds:
                after = "signataires" if "signataires" in doc else None
                _insert_after(doc, after, key, _ruamel(new_data[key]))
                if key == "partenaires":
                    doc.yaml_set_comment_before_after_key(key, before=PARTNERS_COMMENT)
            _comment_operations(doc)

        if any(_differs(old_data, new_data, s) for s in sections) or adds:
            out[Path(file)] = _rewrite(Path(file), change)
    return out


def _without_imported(desc, data: dict) -> dict:
    """`data` without the items that files of `financements/` or `diagnostic/` add (written by
    `cdv importer`, already format 2): they stay in their own files, untouched."""
    from generator.description.load import LIST_FOLDERS

    out = dict(data)
    for folder, (section, key) in LIST_FOLDERS.items():
        holder = data.get(section)
        items = holder.get(key) if isinstance(holder, dict) else None
        if not isinstance(items, list):
            continue
        imported = {
            index
            for index in range(len(items))
            if (loc := desc.locations.get((section, key, index))) is not None
            and Path(loc.file).parent == desc.root / folder
        }
        if not imported:
            continue
        # the conversion keeps existing operations first, in order: the same indexes hold
        kept = [item for index, item in enumerate(items) if index not in imported]
        out[section] = dict(holder, **{key: kept})
        if not kept and key not in _section_keys(desc, section):
            del out[section][key]
    return out


def _section_keys(desc, section: str) -> set:
    return {p[1] for p in desc.key_locations if len(p) == 2 and p[0] == section}


def _differs(old: dict, new: dict, key: str) -> bool:
    return old.get(key) != new.get(key)


def _yaml(mapping: int, sequence: int, offset: int):
    from ruamel.yaml import YAML

    yaml = YAML()
    yaml.preserve_quotes = True
    yaml.width = 4096  # never fold the pilot's long lines
    yaml.indent(mapping=mapping, sequence=sequence, offset=offset)
    return yaml


def _dump(yaml, doc) -> str:
    out = io.StringIO()
    yaml.dump(doc, out)
    return out.getvalue()


def _guess_indent(text: str) -> tuple[int | None, int | None]:
    """(sequence indent, dash offset) as ruamel.yaml.util.load_yaml_guess_indent guesses them,
    from the text alone (that function also loads the whole file, which costs as much as the
    migration's own load: the file is loaded once, below)."""
    map_indent = indent = offset = None
    previous_key = None
    key_indent = 0
    for line in text.splitlines():
        rline = line.rstrip()
        lline = rline.lstrip()
        if lline.startswith("- "):
            spaces = len(line) - len(line.lstrip(" "))
            offset = spaces - key_indent
            idx = spaces + 1
            while line[idx] == " ":
                idx += 1
            if line[idx] == "#":
                continue
            indent = idx - key_indent
            break
        if map_indent is None and previous_key is not None and rline:
            idx = 0
            while line[idx] in " -":
                idx += 1
            if idx > previous_key:
                map_indent = idx - previous_key
        if rline.endswith(":"):
            key_indent = len(line) - len(line.lstrip(" "))
            previous_key = key_indent
            continue
        previous_key = None
    if indent is None and map_indent is not None:
        indent = map_indent
    return indent, offset


def _load(text: str):
    """The file's round-trip tree and the ruamel settings that give it back unchanged (or with
    the fewest changes). Indentation only matters when dumping: the text is loaded once and
    dumped with each candidate until one gives the text back."""
    sequence, offset = _guess_indent(text)
    candidates = [(2, sequence or 4, offset or 0), (2, 4, 2), (2, 2, 0)]
    candidates += [c for c in itertools.product((2, 4), (2, 4, 6), (0, 2, 4)) if c[2] < c[1]]
    doc = _yaml(2, 4, 2).load(text)
    best = None
    for candidate in dict.fromkeys(candidates):
        yaml = _yaml(*candidate)
        try:
            again = _dump(yaml, doc)
        except Exception:
            continue
        if again == text:
            return yaml, doc
        changed = sum(
            1 for line in difflib.ndiff(text.splitlines(), again.splitlines()) if line[:1] in "+-"
        )
        if best is None or changed < best[0]:
            best = (changed, candidate)
    return _yaml(*(best[1] if best else (2, 4, 2))), doc


def _rewrite(path: Path, change) -> str:
    text = path.read_text(encoding="utf-8-sig")
    try:
        yaml, doc = _load(text)
    except Exception as exc:  # ruamel.yaml is stricter than the reader of cdv validate
        raise MigrationError(ruamel_message(path, exc, text)) from None
    change(doc)
    return _dump(yaml, doc)


def _apply_key(node, key, old, new) -> None:
    if new is None and key in node:
        del node[key]
    elif isinstance(old, dict) and isinstance(new, dict) and isinstance(node.get(key), dict):
        _apply(node[key], old, new)
    elif isinstance(old, list) and isinstance(new, list) and isinstance(node.get(key), list):
        _apply(node[key], old, new)
    else:
        node[key] = _ruamel(new)


def _apply(node, old, new) -> None:
    """Change the ruamel tree `node` (which reads as `old`) into `new`, touching only what
    differs: comments and formatting of everything else stay."""
    if isinstance(new, dict):
        for key in [k for k in node if k not in new]:
            _delete(node, key)
        previous = None
        for key, value in new.items():
            if key not in node:
                _insert_after(node, previous, key, _ruamel(value))
            elif old.get(key) != value:
                _apply_key(node, key, old.get(key), value)
            previous = key
        return
    if isinstance(new, list):
        for index, value in enumerate(new):
            if index >= len(node):
                node.append(_ruamel(value))
            elif old[index] != value:
                if isinstance(value, dict | list) and type(old[index]) is type(value):
                    _apply(node[index], old[index], value)
                else:
                    node[index] = _ruamel(value)
        del node[len(new) :]


def _delete(node, key) -> None:
    """Remove a key, and the comment lines written just above it (they described it; the blank
    line before them stays)."""
    comments = getattr(node, "ca", None)
    keys = list(node)
    if comments is not None:
        comments.items.pop(key, None)
        position = keys.index(key)
        if position > 0:
            slots = comments.items.get(keys[position - 1])
            token = slots[2] if slots and len(slots) > 2 else None
            if token is not None and "#" in token.value:
                blank = token.value[: token.value.index("#")]
                blank = blank[: blank.rfind("\n") + 1]
                if blank:
                    token.value = blank
                else:
                    slots[2] = None
    del node[key]


def _insert_after(node, previous, key, value) -> None:
    keys = list(node)
    position = keys.index(previous) + 1 if previous in keys else len(keys)
    node.insert(position, key, value)


def _ruamel(value):
    """A plain value as ruamel nodes: small mappings of scalars on one line (`{annee: 2024,
    montant: 300000}`), lists of identifiers on one line, the rest in block style."""
    from ruamel.yaml.comments import CommentedMap, CommentedSeq

    if isinstance(value, dict):
        node = CommentedMap((k, _ruamel(v)) for k, v in value.items())
        if value and all(not isinstance(v, dict | list) for v in value.values()):
            if len(value) <= 5 and all(len(str(v)) < 40 for v in value.values()):
                node.fa.set_flow_style()
        return node
    if isinstance(value, list):
        node = CommentedSeq(_ruamel(v) for v in value)
        if value and all(isinstance(v, str) and len(v) < 40 for v in value):
            node.fa.set_flow_style()
        return node
    return value


def _comment_operations(doc) -> None:
    financing = doc.get("financements") if hasattr(doc, "get") else None
    if not hasattr(financing, "yaml_set_comment_before_after_key"):
        return
    if "operations" in financing and "Registre des opérations" not in _comment_text(financing):
        financing.yaml_set_comment_before_after_key(
            "operations", before=OPERATIONS_COMMENT, indent=2
        )


def _comment_text(node) -> str:
    return str(getattr(node, "ca", ""))


# --------------------------------------------------------------------------- safety


def _atomic_write(path: Path, data: bytes) -> None:
    from generator.documents.write import atomic_write

    atomic_write(path, data)


def _backups(root: Path) -> list[Path]:
    found = [p for p in root.glob(BACKUP + "*") if p.is_dir() and not p.name.endswith(".tmp")]
    return sorted(found, key=lambda p: (len(p.name), p.name))


def _write_backup(root: Path, files: list[str]) -> Path:
    """A copy of every description file, under `.sauvegarde-format-1/` (then -2, -3…)."""
    target = root / BACKUP
    n = 2
    while target.exists():
        target = root / f"{BACKUP}-{n}"
        n += 1
    staging = root / f"{target.name}.tmp"
    try:
        if staging.exists():
            shutil.rmtree(staging)
        for file in files:
            relative = Path(file).relative_to(root)
            (staging / relative).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(file, staging / relative)
        staging.rename(target)
    except OSError as exc:
        shutil.rmtree(staging, ignore_errors=True)
        raise MigrationError(
            f"{root} : impossible d'y écrire la sauvegarde ({exc.strerror or exc}) ; le dossier "
            "est-il en lecture seule ? Rien n'a été modifié. Donnez-vous le droit d'écrire "
            "dans ce dossier (ou copiez-le ailleurs), puis relancez cdv migrer."
        ) from exc
    return target


def _restore(root: Path, backup: Path, written: list[Path]) -> None:
    for path in written:
        saved = backup / path.relative_to(root)
        try:
            _atomic_write(path, saved.read_bytes())
        except OSError:  # the backup stays: `cdv migrer --restaurer` finishes the job
            pass


def _verify(root: Path, expected: dict) -> None:
    """The migrated folder reads back as the conversion said, to the euro."""
    from generator.description.load import load_territory

    again = load_territory(root, convert=False)
    if again.unreadable or again.data.get("format") != FORMAT_VERSION:
        raise MigrationError(f"{root} : la description migrée ne se relit pas ; rien n'est changé")
    if _operations(again.data) != _operations(expected) or _refs(again.data) != _refs(expected):
        raise MigrationError(
            f"{root} : la description migrée ne donne pas les mêmes montants que l'originale "
            "(défaut de l'outil, à signaler) ; rien n'est changé"
        )


def _operations(data: dict) -> list:
    """The ledger's operations in a stable order (imported ones are read after the others)."""
    return sorted(build_ledger(data).operations, key=repr)


def _refs(data: dict) -> list:
    """What references the ledger: the projects' and the sheets' operations."""
    projects = [
        p.get("operations") for p in data.get("investissements") or [] if isinstance(p, dict)
    ]
    sheets = [
        (o.get("moyens") or {}).get("operations")
        for s in data.get("engagements") or []
        if isinstance(s, dict)
        for o in s.get("objectifs") or []
        if isinstance(o, dict)
    ]
    return [projects, sheets]


def _declared_total_checks(conv) -> list[str]:
    """Declared totals that format 1 checked against `lignes` only: the ledger now also holds
    the investment plans and the commitment sheets, so their figure may no longer be met."""
    from generator.description.rules_common import _euros
    from generator.ledger.build import declared_total_sum

    ledger = build_ledger(conv.data)
    out = []
    for total in (conv.data.get("financements") or {}).get("totaux") or []:
        if not isinstance(total, dict) or not isinstance(total.get("montant"), int | float):
            continue
        declared = Decimal(str(total["montant"]))
        before = declared_total_sum(ledger, total, conv.line_operations)
        after = declared_total_sum(ledger, total)
        if before != after:
            label = total.get("libelle") or "sans libellé"
            out.append(
                f"total annoncé « {label} » ({_euros(declared)}) : les lignes du format 1 "
                f"faisaient {_euros(before)} ; le registre, qui compte aussi les plans "
                f"d'investissement et les fiches d'engagement, fait {_euros(after)} : vérifiez "
                "ce total (ou restreignez-le avec nature:, financeur:, annee:)"
            )
    return out
