"""`cdv migrer`: rewrite a format-1 territory folder as format 2, in place, losing nothing.

The conversion is `convert.convert_format_1`, the one used in memory when a format-1 description
is read. Here its result is written back into the pilot's own files: comments, the split into
files, the order of keys and the indentation stay; only what the conversion changed is touched
(`lignes` → `operations`, `plan_financement` → `operations`, `montant_annuel` → `operations`,
`etp`/`places` → `quantites`, `format: 2`, `partenaires`). Each file's changes are listed once
(`migrate_edits`) and made on the text itself (`migrate_text`, checked by reading the new text
again), or through ruamel.yaml's round trip where the text way is not sure (`migrate_ruamel`).

Safety: every file is rendered in memory first; a copy of the folder's description files goes
to `.sauvegarde-format-1/` before anything is written; each file is then replaced atomically,
and any failure or interruption puts back every file already replaced. The migrated folder is
read again and its ledger compared with the conversion's before the migration is reported done.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from generator.ledger.build import build_ledger
from generator.ledger.convert import FORMAT_VERSION, convert_format_1
from generator.ledger.migrate_edits import PARTNERS_COMMENT, Addition, Change
from generator.ledger.migrate_errors import MigrationError

__all__ = ["BACKUP", "MigrationError", "MigrationReport", "migrate_territory", "restore_territory"]

BACKUP = ".sauvegarde-format-1"


@dataclass
class MigrationReport:
    root: Path
    already: bool = False  # already in format 2: nothing done
    files: list[Path] = field(default_factory=list)  # rewritten
    notes: list[str] = field(default_factory=list)  # what the conversion did, in French
    checks: list[str] = field(default_factory=list)  # what the pilot should look at
    backup: Path | None = None
    careful: list[Path] = field(default_factory=list)  # rewritten through ruamel.yaml


def migrate_territory(root: Path, *, _write=None) -> MigrationReport:
    """Migrate one territory folder; raises MigrationError (nothing changed) if it cannot."""
    from generator.description.load import load_territory

    report = MigrationReport(root)
    desc = load_territory(root, convert=False)
    if desc.unreadable or not desc.files:
        errors = [p.format() for p in desc.problems if p.is_error][:10]
        raise MigrationError(
            f"{root} ne peut pas être migré : des fichiers ne se lisent pas ; corrigez-les "
            "d'abord (cdv valider) :\n" + "\n".join(errors or desc.unreadable)
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
    rendered = _render_files(desc, conv.data, report.careful)
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


def _render_files(desc, new_data: dict, careful: list[Path]) -> dict[Path, str]:
    """The new text of every file the conversion changes (others are left alone); those the
    text way was not sure of are added to `careful`."""
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
        path = Path(file)
        if file in item_files:
            key, index = item_files[file]
            old, new = old_data[key][index], new_data[key][index]
            if old != new:
                out[path] = _rewrite(path, lambda v, o=old, n=new: [Change(None, o, n)], careful)
            continue
        sections = files_of.get(file, [])
        adds = [k for k in new_keys if file == home]
        if not (any(_differs(old_data, new_data, s) for s in sections) or adds):
            continue

        def changes(value, sections=sections, adds=adds) -> list:
            out = []
            for section in sections:
                old, new = old_data.get(section), new_data.get(section)
                if section in ITEM_FOLDERS.values() and isinstance(old, list):
                    # the part of an item list written in this section file
                    count = len(value.get(section) or [])
                    old, new = old[:count], new[:count] if isinstance(new, list) else new
                if old != new:
                    out.append(Change(section, old, new))
            for key in adds:
                comment = PARTNERS_COMMENT if key == "partenaires" else None
                out.append(Addition(key, new_data[key], "signataires", comment))
            return out

        out[path] = _rewrite(path, changes, careful)
    return out


def _rewrite(path: Path, changes_of, careful: list[Path]) -> str:
    """The new text of `path`: `changes_of(the file's value)` made on the text itself when
    that is sure (migrate_text), through ruamel.yaml otherwise (migrate_ruamel)."""
    from generator.description.yaml_reader import compose_text, node_value
    from generator.ledger import migrate_ruamel, migrate_text

    raw = path.read_bytes()
    text = raw.decode("utf-8-sig").replace("\r\n", "\n").replace("\r", "\n")
    root = compose_text(text)  # the file has just been read by load_territory: it parses
    value = node_value(root, text) if root is not None else {}
    changes = changes_of(value)
    new = migrate_text.rewrite(text, changes, root, value)
    if new is None:
        new = migrate_ruamel.rewrite(path, text, changes)
        careful.append(path)
    # a file written on Windows keeps its line breaks (and its byte order mark): the lines
    # that do not change stay the same, byte for byte
    if b"\r\n" in raw:
        new = new.replace("\n", "\r\n")
    return ("\ufeff" if raw.startswith(b"\xef\xbb\xbf") else "") + new


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
