"""The cost of `cdv migrer` (issue 10: 200 format-1 territories in under 10 s).

Copies of the four format-1 examples (tests/cas/format-1) are migrated with the command as it
is (each file's changes made on its text, ruamel.yaml only where that way is not sure) and, as
the reference in the same run, with the careful way only (ruamel.yaml's round trip for every
file, as before). Each side runs `--repetitions` times, alternated, on fresh copies; the best
time counts. The two results are then read back and compared, territory by territory. Also
printed: how many files each way rewrote for the four examples.

Prints the figures and the ratio; asserts nothing.

Usage: python bench/bench_migrer.py [--copies 200] [--repetitions 2] [--parallele N]
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench_ledger import FORMAT_1, ROOT, make_copies, territories

sys.path.insert(0, str(ROOT))
CAREFUL = (
    "import sys; from generator.ledger import migrate_text; "
    "migrate_text.rewrite = lambda *args: None; "
    "from generator.cli.main import main; sys.argv[0] = 'cdv'; main()"
)


def copies(target: Path, count: int) -> Path:
    return make_copies(territories(FORMAT_1), target, count)


def migrate(folder: Path, careful: bool, jobs: list[str]) -> tuple[float, int, int]:
    start = time.perf_counter()
    head = ["-c", CAREFUL] if careful else ["-m", "generator"]
    result = subprocess.run([sys.executable, *head, "migrer", str(folder), *jobs],
                            capture_output=True, text=True, cwd=ROOT)  # fmt: skip
    return (
        time.perf_counter() - start,
        result.stdout.count("converti au format 2"),
        result.returncode,
    )


def ways() -> tuple[int, int]:
    """(files rewritten, of which through ruamel.yaml) for the four examples."""
    from generator.ledger.migrate import migrate_territory

    with tempfile.TemporaryDirectory() as tmp:
        reports = [migrate_territory(root) for root in sorted(copies(Path(tmp) / "c", 4).iterdir())]
    return sum(len(r.files) for r in reports), sum(len(r.careful) for r in reports)


def same(one: Path, other: Path) -> tuple[int, int]:
    """(territories compared, territories whose description differs)."""
    from generator.description.load import load_territory

    names = sorted(p.name for p in one.iterdir())
    differ = sum(
        load_territory(one / n, convert=False).data != load_territory(other / n, convert=False).data
        for n in names
    )
    return len(names), differ


def validate(folder: Path) -> float:
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "generator", "valider", str(folder)],
                   capture_output=True, cwd=ROOT)  # fmt: skip
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--copies", type=int, default=200)
    parser.add_argument("--repetitions", type=int, default=2)
    parser.add_argument("--parallele", type=int, default=None)
    args = parser.parse_args()
    jobs = ["--parallele", str(args.parallele)] if args.parallele else []
    runs: dict[str, list] = {"rapide": [], "prudent": []}
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        for repetition in range(args.repetitions):
            for key in runs:
                folder = copies(tmp / f"{key}-{repetition}", args.copies)
                runs[key].append((*migrate(folder, key == "prudent", jobs), folder))
        best = {key: min(values, key=lambda r: r[0]) for key, values in runs.items()}
        compared, differ = same(best["rapide"][3], best["prudent"][3])
        check = min(validate(best["rapide"][3]) for _ in range(3))
    n = args.copies
    print(f"cdv migrer, {n} territoires au format 1 (copies de tests/cas/format-1), "
          f"meilleur de {args.repetitions} :")  # fmt: skip
    for key, label in (("prudent", "ruamel.yaml pour chaque fichier (référence)"),
                       ("rapide", "changements écrits dans le texte (la commande)")):  # fmt: skip
        elapsed, migrated, code = best[key][:3]
        print(f"  {label:48}: {elapsed:6.2f} s, {migrated} convertis (code {code})")
    ratio = best["rapide"][0] / best["prudent"][0]
    print(f"  rapport rapide / référence : {ratio:.2f} (objectif : moins de 10 s)")
    print(f"  descriptions relues et comparées : {compared}, différentes : {differ}")
    # the machine's speed: the figures (1.46 s validate, < 10 s migrer) came from a
    # machine where validating 200 territories took 1.46 s; the same ratio holds here
    print(f"  cdv valider des {n} territoires migrés (meilleur de 3) : {check:.2f} s ; "
          f"cdv migrer en vaut {best['rapide'][0] / check:.1f} fois (objectif du ticket : "
          f"10 s / 1,46 s = {10 / 1.46:.1f} fois)")  # fmt: skip
    files, careful = ways()
    print(f"  fichiers réécrits pour les quatre exemples : {files}, dont {careful} par "
          "ruamel.yaml")  # fmt: skip


if __name__ == "__main__":
    main()
