"""`cdv comparer --depuis` on a commit whose tree was forged (`git mktree`): names such as `..`
must never make it write outside its private scratch folder (issue 17, point 1)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
import yaml
from conftest import minimal, write_territory

PWNED = b"format: 1\ncontrat: {version: '6.6.6', statut: projet, date: '2024-01-01'}\n"


def git(cwd: Path, *args: str, stdin: bytes | None = None) -> str:
    done = subprocess.run(
        ["git", "-c", "user.name=Test", "-c", "user.email=test@example.org", *args],
        cwd=cwd,
        input=stdin,
        check=True,
        capture_output=True,
    )
    return done.stdout.decode().strip()


def mktree(repo: Path, entries: list[tuple[str, str, str]]) -> str:
    """A tree object from (mode, object id, name) entries, names unchecked (as an attacker)."""
    listing = "".join(
        f"{mode} {'tree' if mode == '040000' else 'blob'} {oid}\t{name}\n"
        for mode, oid, name in entries
    )
    return git(repo, "mktree", stdin=listing.encode())


def mktree_of(repo: Path, files: list[Path], blob: str) -> str:
    """The tree of the file system root holding `blob` at each absolute path of `files`."""
    nested: dict = {}
    for path in files:
        node = nested
        for part in path.parts[1:-1]:
            node = node.setdefault(part, {})
        node[path.name] = blob

    def build(node: dict) -> str:
        return mktree(
            repo,
            [
                ("100644", v, k) if isinstance(v, str) else ("040000", build(v), k)
                for k, v in sorted(node.items())
            ],
        )

    return build(nested)


def tree_entries(repo: Path, treeish: str) -> list[tuple[str, str, str]]:
    lines = git(repo, "ls-tree", treeish).splitlines()
    return [
        (head.split()[0], head.split()[2], name) for head, name in (x.split("\t") for x in lines)
    ]


def replace(entries, name: str, mode: str, oid: str):
    return [e for e in entries if e[2] != name] + [(mode, oid, name)]


@pytest.fixture
def hostile(tmp_path):
    """A repository with contracts/t and contracts/victime, and a commit `piege` whose
    contracts/t holds `..` entries leading to contracts/victime/contrat.yaml, to a file outside
    the repository, and (through enough `..` to reach /) to that same file by its absolute path."""
    if shutil.which("git") is None:
        pytest.skip("git absent")
    repo = tmp_path / "depot"
    root = write_territory(repo / "contracts" / "t", minimal(), split=True)
    victim = write_territory(repo / "contracts" / "victime", minimal())
    outside = tmp_path / "ailleurs" / "contrat.yaml"
    outside.parent.mkdir()
    outside.write_text("format: 1\n", encoding="utf-8")
    git(repo, "init", "-q")
    git(repo, "add", ".")
    git(repo, "commit", "-q", "-m", "version 0.1")
    blob = git(repo, "hash-object", "-w", "--stdin", stdin=PWNED)
    leaf = mktree(repo, [("100644", blob, "contrat.yaml")])
    # t/../../../…/<absolute paths of both files>: enough `..` to reach / from any scratch folder
    absolute = mktree_of(repo, [victim / "contrat.yaml", outside], blob)
    for _ in range(40):
        absolute = mktree(repo, [("040000", absolute, "..")])
    # and t/../victime/contrat.yaml, the other territory's place next to the scratch copy
    up = mktree(repo, [("040000", leaf, "victime"), ("040000", absolute, "..")])
    t_tree = replace(tree_entries(repo, "HEAD:contracts/t"), "..", "040000", up)
    contracts = replace(tree_entries(repo, "HEAD:contracts"), "t", "040000", mktree(repo, t_tree))
    top = replace(tree_entries(repo, "HEAD"), "contracts", "040000", mktree(repo, contracts))
    commit = git(repo, "commit-tree", mktree(repo, top), "-p", "HEAD", "-m", "piège")
    git(repo, "tag", "piege", commit)
    listed = git(repo, "ls-tree", "-r", "--name-only", "piege", "--", "contracts/t")
    assert "contracts/t/../victime/contrat.yaml" in listed.splitlines()  # the forged names
    return repo, root, victim / "contrat.yaml", outside


def snapshot(*folders: Path) -> dict[Path, bytes]:
    return {p: p.read_bytes() for folder in folders for p in folder.rglob("*") if p.is_file()}


def test_a_forged_tree_with_dot_dot_writes_nothing_outside(run, hostile, tmp_path):
    repo, root, victim, outside = hostile
    before = snapshot(tmp_path)
    result = run("diff", root, "--depuis", "piege")
    assert result.exit_code == 2, result.output
    assert "erreur : la révision piege contient un nom de fichier refusé" in result.output
    assert "« contracts/t/../" in result.output and "aucun fichier n'a été écrit" in result.output
    assert "Aucun changement" not in result.output
    assert victim.read_bytes() != PWNED and outside.read_text(encoding="utf-8") == "format: 1\n"
    assert snapshot(tmp_path) == before  # nothing else changed either
    assert yaml.safe_load(victim.read_text(encoding="utf-8"))["contrat"]["version"] == "0.1"


def test_a_forged_file_name_in_a_file_diff(run, hostile):
    """One file compared at a forged revision: only that exact path is read, never `..`."""
    _repo, root, victim, _outside = hostile
    result = run("diff", root / "contrat.yaml", "--depuis", "piege")
    assert result.exit_code == 0, result.output  # contracts/t/contrat.yaml itself is unchanged
    assert "Aucun changement dans la description." in result.output
    assert victim.read_bytes() != PWNED


def test_the_ordinary_revision_still_compares(run, hostile):
    repo, root, _victim, _outside = hostile
    result = run("diff", root, "--depuis", "HEAD")
    assert result.exit_code == 0, result.output
    assert "Aucun changement dans la description." in result.output


@pytest.mark.parametrize(
    "name",
    ["a\\..\\b.yaml", "C:x.yaml", "nul.yaml", "a\x1bb.yaml"],
)
def test_other_names_that_are_not_plain_are_refused(run, tmp_path, name):
    if shutil.which("git") is None:
        pytest.skip("git absent")
    repo = tmp_path / "depot"
    root = write_territory(repo / "t", minimal())
    git(repo, "init", "-q")
    git(repo, "add", ".")
    git(repo, "commit", "-q", "-m", "un")
    blob = git(repo, "hash-object", "-w", "--stdin", stdin=PWNED)
    entries = replace(tree_entries(repo, "HEAD:t"), name, "100644", blob)
    top = replace(tree_entries(repo, "HEAD"), "t", "040000", mktree(repo, entries))
    git(repo, "tag", "piege", git(repo, "commit-tree", mktree(repo, top), "-m", "piège"))
    result = run("diff", root, "--depuis", "piege")
    assert result.exit_code == 2, result.output
    assert "contient un nom de fichier refusé" in result.output
    assert "\x1b" not in result.output
