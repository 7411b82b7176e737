"""Validation of a territory: schema, then business rules. Returns problems, never raises."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from generator.description.load import (
    ITEM_FOLDERS,
    MAIN_FILE,
    Description,
    description_files,
    is_territory,
    load_territory,
)
from generator.description.problems import Problem, sort_key


class UsageError(Exception):
    """A command-line argument that names nothing usable (exit status 2)."""


@dataclass(frozen=True)
class Target:
    """What to validate: a territory folder, optionally narrowed to one of its files."""

    root: Path
    only_file: Path | None = None
    single_file: bool = False

    @property
    def label(self) -> str:
        return str(self.only_file or self.root)


@dataclass
class Result:
    target: Target
    description: Description | None
    problems: list[Problem] = field(default_factory=list)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.is_error]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if not p.is_error]

    @property
    def valid(self) -> bool:
        return not self.errors


def discover(paths: list[Path]) -> list[Target]:
    """Turn command-line paths into territories; a folder of territories gives each of them."""
    targets: list[Target] = []
    for path in paths:
        if not path.exists():
            raise UsageError(f"chemin introuvable : {path}")
        if path.name in ("", ".", ".."):  # `cdv produire .` inside a territory: its real name
            path = path.resolve()
        if path.is_dir():
            territory = _enclosing_territory(path)
            if territory is not None:
                raise UsageError(
                    f"le dossier {path} est une partie du territoire {territory} : désignez le "
                    f"territoire entier (« {territory} »), ou un seul fichier de ce dossier"
                )
            if is_territory(path):
                targets.append(Target(path))
                continue
            children = [c for c in sorted(path.iterdir()) if c.is_dir() and is_territory(c)]
            targets.extend(Target(c) for c in children or [path])
            continue
        parent = path.parent
        if parent.name in ITEM_FOLDERS and is_territory(parent.parent):
            targets.append(Target(parent.parent, only_file=path))
        elif path.name != MAIN_FILE and (parent / MAIN_FILE).is_file():
            targets.append(Target(parent, only_file=path))
        elif path.name == MAIN_FILE and _has_other_files(parent):
            targets.append(Target(parent, only_file=path))
        else:
            targets.append(Target(parent, only_file=path, single_file=True))
    return targets


def _enclosing_territory(folder: Path) -> Path | None:
    """The territory a folder belongs to (`contracts/x` for `contracts/x/quartiers`), if any."""
    parent = folder.resolve().parent
    if folder.resolve().name in (*ITEM_FOLDERS, "modeles") and (parent / MAIN_FILE).is_file():
        return folder.parent if folder.name not in ("", ".", "..") else parent
    return None


def _has_other_files(folder: Path) -> bool:
    """True if the territory has description files besides contrat.yaml (sections or items)."""
    sections, items = description_files(folder)
    return len(sections) > 1 or bool(items)


def validate_description(desc: Description) -> list[Problem]:
    """Schema and business-rule problems of a loaded description.

    A mistake is reported once, where it is: business rules do not run on values the schema or
    the loader refused (`desc.invalid_paths`), and a section whose key is misspelt is not also
    reported as missing by the rules.
    """
    from generator.description.rules import rule_problems
    from generator.description.schema import misspelt_sections, schema_problems
    from generator.description.written_forms import amount_form_problems

    if not desc.files:
        return []
    found = schema_problems(desc) + amount_form_problems(desc)
    if desc.unreadable:
        # Business rules on an incomplete description would report as missing what sits in
        # the unreadable file (« l'État doit signer »…): the pilot first fixes that file. For
        # the same reason, a section missing at the top may be the one that file holds.
        return [
            p for p in found if not (p.path == () and p.message.startswith("champ obligatoire"))
        ]
    desc.invalid_paths = {p.path for p in found + desc.problems if p.path and p.is_error}
    misspelt = misspelt_sections(desc)
    rules = [p for p in rule_problems(desc) if not (p.path and p.path[0] in misspelt)]
    return found + rules


def validate_target(target: Target, strict: bool = False) -> Result:
    if target.single_file:
        desc = load_territory(target.root, files=[target.only_file])
    else:
        desc = load_territory(target.root)
    problems = desc.problems + validate_description(desc)
    if target.only_file is not None and not target.single_file:
        wanted = str(target.only_file)
        problems = [p for p in problems if p.file == wanted]
    if strict:
        problems = [p.as_strict() for p in problems]
    unique = sorted(set(problems), key=sort_key)
    return Result(target, desc, unique)


def _validate_light(args: tuple[Target, bool]) -> Result:
    target, strict = args
    result = validate_target(target, strict=strict)
    return Result(result.target, None, result.problems)


def validate_many(
    targets: list[Target], strict: bool = False, jobs: int | None = None
) -> list[Result]:
    """Validate several territories; many of them are spread over the machine's cores.

    Results of parallel runs carry no description (only the problems), to keep them light.
    """
    import os

    jobs = jobs or min(os.cpu_count() or 1, 8)
    if jobs <= 1 or len(targets) < 8:
        return [validate_target(t, strict=strict) for t in targets]
    from concurrent.futures import ProcessPoolExecutor

    chunk = max(1, len(targets) // (jobs * 4))
    pool = ProcessPoolExecutor(max_workers=jobs, initializer=_ignore_interrupts)
    try:
        return list(pool.map(_validate_light, [(t, strict) for t in targets], chunksize=chunk))
    except KeyboardInterrupt:  # Ctrl-C: the command says « Interrompu. », no worker traceback
        pool.shutdown(wait=True, cancel_futures=True)
        raise
    finally:
        pool.shutdown(wait=True)


def _ignore_interrupts() -> None:
    """In a worker: Ctrl-C is the parent's to handle."""
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)
