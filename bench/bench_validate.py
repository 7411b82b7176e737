"""Validation speed: `cdv valider` on 200 territories (copies of the examples), `cdv --help`.

Prints figures; asserts nothing. Usage: python bench/bench_validate.py [--copies 200]
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


def make_copies(target: Path, count: int) -> None:
    examples = sorted(p for p in (ROOT / "contracts").iterdir() if p.is_dir())
    for i in range(count):
        source = examples[i % len(examples)]
        shutil.copytree(source, target / f"{source.name}-{i:03d}")


def timed(command: list[str], repeat: int = 1) -> tuple[float, subprocess.CompletedProcess]:
    best = float("inf")
    result = None
    for _ in range(repeat):
        start = time.perf_counter()
        result = subprocess.run(command, capture_output=True, text=True, cwd=ROOT)
        best = min(best, time.perf_counter() - start)
    return best, result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--copies", type=int, default=200)
    args = parser.parse_args()
    cdv = [sys.executable, "-m", "generator"]
    help_time, _ = timed(cdv + ["--help"], repeat=5)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        make_copies(folder, args.copies)
        size = sum(f.stat().st_size for f in folder.rglob("*.yaml"))
        total, result = timed(cdv + ["validate", str(folder)], repeat=3)
    print(f"cdv --help                       : {help_time:.3f} s (meilleur de 5)")
    print(
        f"cdv valider, {args.copies} territoires : {total:.2f} s (meilleur de 3), "
        f"{size / 1e6:.1f} Mo de YAML, {args.copies / total:.0f} territoires/s, code {result.returncode}"
    )


if __name__ == "__main__":
    main()
