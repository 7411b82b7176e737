"""The cost of the ledger (issue 10, format 2): `cdv valider` and `cdv produire --parallele 2` of
200 territories with the current code and with the code before the ledger, in the same run,
and `cdv migrer` of 200 format-1 territories.

The reference is commit c5540c6 (the last one before the ledger), checked out in a git
worktree (made if missing: `git worktree add --detach /tmp/ref-c5540c6 c5540c6`) and run in a
subprocess whose current folder is that worktree, so that its own `generator` is imported.
Both sides describe the same four examples: the reference its format-1 files (its
contracts/), the current code their format-2 versions (contracts/ of this tree, the new
examples left out) — the same territories, the same money, each in the format its code
reads. The current code is also timed on all its examples, on the format-1 copies
(tests/cas/format-1, converted in memory) and on the migration of those copies.

Prints the figures and the ratios; asserts nothing.

Usage: python bench/bench_ledger.py [--copies 200] [--repetitions 2] [--reference DOSSIER]
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
REFERENCE_COMMIT = "c5540c6"
FORMAT_1 = ROOT / "tests" / "cas" / "format-1"


def reference_tree(path: Path) -> Path:
    """The worktree of the code before the ledger, made if missing."""
    if not (path / "generator").is_dir():
        subprocess.run(
            ["git", "-C", str(ROOT), "worktree", "add", "--detach", str(path), REFERENCE_COMMIT],
            check=True,
            capture_output=True,
        )
    return path


def territories(folder: Path) -> list[Path]:
    return sorted(p for p in folder.iterdir() if (p / "contrat.yaml").is_file())


def make_copies(sources: list[Path], target: Path, count: int) -> Path:
    """`count` copies of `sources`, in turn, in `target` (the description files only: the
    follow-up files of suivi/ and the spreadsheets of sources/ are not part of this bench)."""
    target.mkdir(parents=True)
    ignore = shutil.ignore_patterns("suivi", "sources", ".sauvegarde-*")
    for i in range(count):
        source = sources[i % len(sources)]
        shutil.copytree(source, target / f"{source.name}-{i:03d}", ignore=ignore)
    return target


def timed(command: list[str], cwd: Path) -> tuple[float, subprocess.CompletedProcess]:
    start = time.perf_counter()
    result = subprocess.run(command, capture_output=True, text=True, cwd=cwd)
    return time.perf_counter() - start, result


def cdv(code: Path, *args: str) -> tuple[list[str], Path]:
    return [sys.executable, "-m", "generator", *args], code


def best(runs: list[tuple[float, subprocess.CompletedProcess]]):
    return min(runs, key=lambda r: r[0])


def validate(code: Path, folder: Path, repetitions: int):
    return best([timed(*cdv(code, "validate", str(folder))) for _ in range(repetitions + 1)])


def build(code: Path, folder: Path, out: Path) -> tuple[float, subprocess.CompletedProcess, int]:
    shutil.rmtree(out, ignore_errors=True)
    elapsed, result = timed(*cdv(code, "build", str(folder), "--sortie", str(out),
                                 "--parallele", "2"))  # fmt: skip
    return elapsed, result, len(list(out.rglob("*.docx")))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--copies", type=int, default=200)
    parser.add_argument("--repetitions", type=int, default=2, help="builds of each side")
    parser.add_argument("--reference", type=Path, default=Path("/tmp/ref-c5540c6"))
    args = parser.parse_args()
    ref = reference_tree(args.reference)
    ref_examples = territories(ref / "contracts")
    names = {p.name for p in ref_examples}
    ours_same = [p for p in territories(ROOT / "contracts") if p.name in names]
    ours_all = territories(ROOT / "contracts")
    n = args.copies
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        sets = {
            "ref": make_copies(ref_examples, tmp / "ref", n),
            "ours": make_copies(ours_same, tmp / "ours", n),
            "all": make_copies(ours_all, tmp / "all", n),
            "f1": make_copies(territories(FORMAT_1), tmp / "f1", n),
        }
        checks = {"ref": ref, "ours": ROOT, "all": ROOT, "f1": ROOT}
        v = {key: validate(checks[key], folder, 2) for key, folder in sets.items()}
        builds: dict[str, list] = {"ref": [], "ours": []}
        for _ in range(args.repetitions):  # alternated, so that a busy machine hits both
            for key in ("ref", "ours"):
                builds[key].append(build(checks[key], sets[key], tmp / f"build-{key}"))
        b = {key: min(runs, key=lambda r: r[0]) for key, runs in builds.items()}
        b["all"] = build(ROOT, sets["all"], tmp / "build-all")
        migrate = make_copies(territories(FORMAT_1), tmp / "migrer", n)
        m_time, m_result = timed(*cdv(ROOT, "migrer", str(migrate)))
        after, _ = validate(ROOT, migrate, 0)
        migrated = m_result.stdout.count("converti au format 2")

    same = ", ".join(sorted(names))
    print(f"{n} territoires, copies de : {same} ; référence : {REFERENCE_COMMIT} ({ref})")
    print("cdv valider (meilleur de 3) :")
    print(f"  avant le registre (format 1)           : {v['ref'][0]:6.2f} s (code "
          f"{v['ref'][1].returncode})")  # fmt: skip
    print(f"  registre, mêmes exemples au format 2   : {v['ours'][0]:6.2f} s (code "
          f"{v['ours'][1].returncode}), rapport {v['ours'][0] / v['ref'][0]:.2f}")  # fmt: skip
    print(f"  registre, copies au format 1 converties: {v['f1'][0]:6.2f} s (code "
          f"{v['f1'][1].returncode}), rapport {v['f1'][0] / v['ref'][0]:.2f}")  # fmt: skip
    print(f"  registre, tous les exemples ({len(ours_all)})       : {v['all'][0]:6.2f} s (code "
          f"{v['all'][1].returncode})")  # fmt: skip
    print(f"cdv produire --parallele 2 (meilleur de {args.repetitions}) :")
    for key, label in (("ref", "avant le registre (format 1)         "),
                       ("ours", "registre, mêmes exemples au format 2 ")):  # fmt: skip
        elapsed, result, docs = b[key]
        print(f"  {label}  : {elapsed:6.1f} s, {docs} documents, {docs / elapsed:.1f} documents/s "
              f"(code {result.returncode})")  # fmt: skip
    print(f"  rapport registre / avant : {b['ours'][0] / b['ref'][0]:.2f} (en temps), "
          f"{(b['ours'][0] / b['ours'][2]) / (b['ref'][0] / b['ref'][2]):.2f} (par document)")  # fmt: skip
    elapsed, result, docs = b["all"]
    print(f"  registre, tous les exemples ({len(ours_all)})          : {elapsed:6.1f} s, {docs} "
          f"documents (code {result.returncode})")  # fmt: skip
    print(f"cdv migrer, {n} territoires au format 1 : {m_time:.2f} s, {migrated} convertis "
          f"(code {m_result.returncode}, objectif < 10 s) ; validation ensuite : {after:.2f} s")  # fmt: skip


if __name__ == "__main__":
    main()
