"""Follow-up speed: `cdv bilan 2025 --jobs 2` on N territories (copies of the example with a
follow-up, contracts/creil-sud-oise) against `cdv produire --jobs 2` of the same territories, in
the same process; also the time of a no-op rerun. Prints figures, asserts nothing.

Usage: python bench/bench_bilan.py [--copies 200] [--jobs 2]
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

YEAR = 2025


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--copies", type=int, default=200)
    parser.add_argument("--jobs", type=int, default=2)
    args = parser.parse_args()
    from generator.documents.build import build_many
    from generator.documents.templates import load_template_set
    from generator.followup.build import build_followup_many

    templates = load_template_set()
    source = ROOT / "contracts" / "creil-sud-oise"
    with tempfile.TemporaryDirectory() as folder:
        base = Path(folder)
        roots = []
        for i in range(args.copies):
            roots.append(base / "contracts" / f"creil-sud-oise-{i:03d}")
            shutil.copytree(source, roots[-1])
        start = time.perf_counter()
        built = build_many(roots, base / "build", templates, jobs=args.jobs)
        build_seconds = time.perf_counter() - start
        start = time.perf_counter()
        done = build_followup_many(roots, YEAR, base / "bilan", templates, jobs=args.jobs)
        bilan_seconds = time.perf_counter() - start
        start = time.perf_counter()
        build_followup_many(roots, YEAR, base / "bilan", templates, jobs=args.jobs)
        noop_seconds = time.perf_counter() - start
    documents = sum(len(r.documents) for r in done)
    print(f"territoires : {args.copies}, processus : {args.jobs}")
    print(
        f"cdv produire          : {build_seconds:7.1f} s ({sum(len(r.documents) for r in built)} documents)"
    )
    print(
        f"cdv bilan {YEAR}     : {bilan_seconds:7.1f} s ({documents} fichiers, graphiques et classeur compris)"
    )
    print(f"rapport bilan/build : {bilan_seconds / build_seconds:5.2f} (objectif : au plus 1,5)")
    print(f"cdv bilan à refaire à l'identique : {noop_seconds:5.2f} s")
    failed = [r for r in done if r.status != "construit"]
    if failed:
        first = failed[0]
        why = first.message or "; ".join(p.message for p in first.problems if p.is_error)
        print(f"non produits : {len(failed)} ({first.territory} : {first.status}, {why})")


if __name__ == "__main__":
    main()
