"""A description as it was at a git revision, written into a private scratch folder.

The old tree is listed with its object ids and read with one `git cat-file --batch`; every name
of the tree is checked before anything is written: a name that is not a plain path component
(`..`, `.`, a drive letter, a backslash, a control character…) makes the whole revision refused,
so that nothing is ever written outside the scratch folder, whatever the commit holds.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

from generator.description.paths import name_problem
from generator.description.yaml_reader import MAX_FILE_BYTES

DESCRIPTION_SUFFIXES = (".yaml", ".yml")
# Regular files of a tree (a symbolic link, mode 120000, or a submodule is not a description).
_FILE_MODES = ("100644", "100755")


class RevisionError(Exception):
    """The old version cannot be read from git (French message)."""


def _git(args: list[str], cwd: Path, stdin: bytes | None = None) -> subprocess.CompletedProcess:
    try:
        return subprocess.run(
            ["git", "--literal-pathspecs", *args],
            cwd=cwd,
            input=stdin,
            capture_output=True,
            check=False,
            timeout=120,
        )
    except FileNotFoundError:
        raise RevisionError("git est introuvable : installez git pour utiliser --depuis") from None
    except subprocess.TimeoutExpired:
        raise RevisionError("git ne répond pas (plus de deux minutes)") from None


def _repository(where: Path, revision: str) -> Path:
    top = _git(["rev-parse", "--show-toplevel"], where)
    if top.returncode != 0:
        raise RevisionError(
            f"{where} n'est pas dans un dépôt git : --depuis lit l'ancienne version dans "
            "l'historique git ; sans dépôt, comparez deux dossiers ou deux fichiers"
        )
    root = Path(top.stdout.decode().strip()).resolve()
    if revision.startswith("-") or (
        _git(["rev-parse", "--verify", "--quiet", f"{revision}^{{commit}}"], root).returncode != 0
    ):
        raise RevisionError(
            f"révision git inconnue : « {revision} » (une étiquette comme v0.3, un numéro de "
            "commit, HEAD~1… ; la liste des étiquettes : git tag)"
        )
    return root


def _tree_files(root: Path, revision: str, shown: str) -> list[tuple[str, str, str]]:
    """(mode, object id, path) of every blob under `shown` at `revision`."""
    listed = _git(["ls-tree", "-r", "-z", "--full-tree", revision, "--", shown], root)
    if listed.returncode != 0:
        detail = listed.stderr.decode("utf-8", "replace").strip()
        raise RevisionError(f"git n'a pas pu lister {shown} à la révision {revision} : {detail}")
    entries = []
    for record in listed.stdout.split(b"\0"):
        if not record:
            continue
        head, _, name = record.partition(b"\t")
        mode, kind, oid = head.decode("ascii", "replace").split(" ")
        if kind == "blob":
            entries.append((mode, oid, name.decode("utf-8", "surrogateescape")))
    return entries


def _refuse(revision: str, name: str, problem: str) -> RevisionError:
    shown = name.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
    shown = "".join(c if c.isprintable() else "?" for c in shown)
    return RevisionError(
        f"la révision {revision} contient un nom de fichier refusé : « {shown} » ({problem}). "
        "Ce commit n'a pas pu être fait par un usage ordinaire de git : aucun fichier n'a été "
        "écrit ; comparez avec une autre révision"
    )


def _read_blobs(root: Path, oids: list[str], revision: str) -> list[bytes]:
    """The contents of blobs, in one `git cat-file --batch` (sizes checked first)."""
    if not oids:
        return []
    request = "".join(f"{oid}\n" for oid in oids).encode()
    checked = _git(["cat-file", "--batch-check"], root, request)
    for line in checked.stdout.decode("ascii", "replace").splitlines():
        parts = line.split()
        if len(parts) == 3 and parts[2].isdigit() and int(parts[2]) > MAX_FILE_BYTES:
            raise RevisionError(
                f"un fichier de la révision {revision} dépasse {MAX_FILE_BYTES // 1024 // 1024} Mo :"
                " ce n'est pas une description"
            )
    batch = _git(["cat-file", "--batch"], root, request)
    out, data, position = [], batch.stdout, 0
    for oid in oids:
        end = data.find(b"\n", position)
        header = data[position:end].decode("ascii", "replace").split()
        if end < 0 or len(header) != 3 or header[1] != "blob":
            raise RevisionError(f"git n'a pas pu lire l'objet {oid} de la révision {revision}")
        size = int(header[2])
        out.append(data[end + 1 : end + 1 + size])
        position = end + 1 + size + 1
    return out


def _write_inside(scratch: Path, target: Path, data: bytes) -> None:
    """Write `data` at `target`, which must lie inside `scratch` (checked once more)."""
    resolved = target.resolve()
    if not resolved.is_relative_to(scratch.resolve()):  # pragma: no cover - names are checked
        raise RevisionError(f"écriture refusée hors du dossier temporaire : {target}")
    resolved.parent.mkdir(parents=True, exist_ok=True)
    with open(resolved, "xb") as stream:  # never through an existing file or link
        stream.write(data)


def git_version(path: Path, revision: str, into: Path) -> Path:
    """Write the version of `path` (a folder or a file) at `revision` under `into`, a private
    scratch folder; return the path of the old version there.

    Raises RevisionError outside a repository, for an unknown revision, or for a tree holding
    a name that is not a plain path component (then nothing at all is written).
    """
    path = path.resolve()
    where = path if path.is_dir() else path.parent
    if not where.exists():
        raise RevisionError(f"chemin introuvable : {path}")
    root = _repository(where, revision)
    relative = path.relative_to(root).as_posix() if path != root else ""
    shown = relative or "."
    prefix = f"{relative}/" if relative else ""
    if path.is_dir():
        files: list[tuple[str, str]] = []  # (path below `path`, object id)
        seen: dict[str, str] = {}
        for mode, oid, name in _tree_files(root, revision, shown):
            if not name.startswith(prefix):
                continue
            below = name[len(prefix) :]
            if mode not in _FILE_MODES or not below.lower().endswith(DESCRIPTION_SUFFIXES):
                continue  # never written: its name does not matter
            for part in below.split("/"):
                problem = name_problem(part)
                if problem:
                    raise _refuse(revision, name, problem)
            folded = below.casefold()  # two names one file on Windows and macOS
            if folded in seen:
                raise _refuse(revision, name, f"même nom que « {seen[folded]} » à la casse près")
            seen[folded] = below
            files.append((below, oid))
        if not files:
            raise RevisionError(
                f"{shown} ne contenait aucun fichier de description à la révision {revision}"
            )
        target = into / (path.name or "territoire")
        target.mkdir(parents=True, exist_ok=False)
        for (below, _), data in zip(
            files, _read_blobs(root, [oid for _, oid in files], revision), strict=True
        ):
            _write_inside(into, target.joinpath(*below.split("/")), data)
        return target
    entries = [e for e in _tree_files(root, revision, relative) if e[2] == relative]
    if not entries or entries[0][0] not in _FILE_MODES:
        raise RevisionError(f"{shown} n'existait pas à la révision {revision}")
    target = into / path.name
    _write_inside(into, target, _read_blobs(root, [entries[0][1]], revision)[0])
    return target
