"""`cdv pdf --jobs N` on many territories: N LibreOffice processes, each with its own profile
and its share of the files, against one process converting the same files.

The examples are copied under new names until there are --territoires of them (40 by default,
the regional case), the packages are made once with --jobs 1 and once with --jobs N in the same
process, and the script prints the conversion time of each, the throughput ratio, the share of
the assembly in the total, and whether the packages are byte-identical. Asserts nothing.

Usage: python bench/bench_pdf_jobs.py [--territoires 40] [--jobs 2]
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


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--territoires", type=int, default=40)
    parser.add_argument("--jobs", type=int, default=2)
    args = parser.parse_args()

    from generator.documents.templates import load_template_set
    from generator.signature.pdf import make_packages

    examples = sorted(p for p in (ROOT / "contracts").iterdir() if (p / "contrat.yaml").is_file())
    with tempfile.TemporaryDirectory(prefix="cdv-bench-jobs-") as tmp:
        base = Path(tmp)
        roots = []
        for i in range(args.territoires):
            source = examples[i % len(examples)]
            target = base / "contracts" / f"{source.name}-{i:02d}"
            shutil.copytree(source, target)
            roots.append(target)
        templates = load_template_set()
        figures = {}
        for jobs in (1, args.jobs):
            output = base / f"build-{jobs}"
            start = time.perf_counter()
            report = make_packages(roots, output, templates, jobs=jobs)
            total = time.perf_counter() - start
            figures[jobs] = (report, total, output)
            print(
                f"--jobs {jobs} : {report.documents} documents, {report.processes} processus "
                f"LibreOffice, conversion {report.conversion_seconds:.1f} s, assemblage "
                f"{report.assembly_seconds:.1f} s, total {total:.1f} s "
                f"(assemblage {100 * report.assembly_seconds / total:.1f} % du total)"
            )
        one, many = figures[1][0], figures[args.jobs][0]
        ratio = one.conversion_seconds / many.conversion_seconds
        print(f"débit de la conversion avec --jobs {args.jobs} : × {ratio:.2f} (objectif ≥ 1,6)")
        names = sorted(
            p.relative_to(figures[1][2]) for p in figures[1][2].rglob("*") if p.suffix in (".pdf",)
        )
        same = all(
            (figures[1][2] / n).read_bytes() == (figures[args.jobs][2] / n).read_bytes()
            for n in names
        )
        print(
            f"{len(names)} PDF comparés : {'identiques' if same else 'DIFFÉRENTS'} à l'octet près"
        )


if __name__ == "__main__":
    main()
