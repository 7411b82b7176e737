"""Build speed: `cdv produire --parallele 2` on 200 territories (copies of the examples).

Prints: documents per second from scratch; the ratio against a plain docxtpl loop (load
template, render, save) over the same templates and contexts, also on 2 processes; the time
of a no-op rebuild; the peak memory of a build process. Asserts nothing.

Usage: python bench/bench_build.py [--copies 200]
"""

from __future__ import annotations

import argparse
import io
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def make_copies(target: Path, count: int) -> list[Path]:
    examples = sorted(p for p in (ROOT / "contracts").iterdir() if p.is_dir())
    made = []
    for i in range(count):
        source = examples[i % len(examples)]
        made.append(target / f"{source.name}-{i:03d}")
        shutil.copytree(source, made[-1])
    return made


def _contexts(roots: list[Path]):
    """The same contexts our build gives the templates (computed outside the timed loop)."""
    from generator.description.load import load_territory
    from generator.description.validate import Target, validate_target
    from generator.documents.context import build_context, convention_context
    from generator.documents.templates import load_template_set

    templates = load_template_set()
    jobs = []
    for root in roots:
        result = validate_target(Target(root))
        if result.errors:
            continue
        context = build_context(load_territory(root).data)
        for doc in templates.documents:
            if doc.for_each == "tfpb":
                jobs += [
                    (doc.template, convention_context(context, i))
                    for i in range(len(context["tfpb"]))
                ]
            else:
                jobs.append((doc.template, context))
    return jobs


def _plain_docxtpl(roots: list[Path]) -> tuple[int, float]:
    """Plain docxtpl: load template, render, save, for every document; returns (docs, seconds)."""
    from docxtpl import DocxTemplate
    from jinja2 import Environment

    from generator.documents.render import make_environment

    # a plain Jinja environment with the filters the templates call, nothing else
    env = Environment(autoescape=True)
    env.filters.update(make_environment().filters)
    jobs = _contexts(roots)
    start = time.perf_counter()
    for template, context in jobs:
        tpl = DocxTemplate(str(template))
        tpl.render(context, jinja_env=env, autoescape=True)
        tpl.save(io.BytesIO())
    return len(jobs), time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--copies", type=int, default=200)
    args = parser.parse_args()
    cdv = [sys.executable, "-m", "generator"]
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        roots = make_copies(tmp / "contracts", args.copies)
        out = tmp / "build"
        start = time.perf_counter()
        first = subprocess.run(
            cdv + ["build", str(tmp / "contracts"), "--sortie", str(out), "--parallele", "2"],
            capture_output=True,
            text=True,
            cwd=ROOT,
        )
        ours = time.perf_counter() - start
        peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        docs = len(list(out.rglob("*.docx")))
        start = time.perf_counter()
        second = subprocess.run(
            cdv + ["build", str(tmp / "contracts"), "--sortie", str(out), "--parallele", "2"],
            capture_output=True,
            text=True,
            cwd=ROOT,
        )
        noop = time.perf_counter() - start
        halves = [roots[0::2], roots[1::2]]
        with ProcessPoolExecutor(max_workers=2) as pool:
            plain = list(pool.map(_plain_docxtpl, halves))
        plain_docs = sum(n for n, _ in plain)
        plain_time = max(t for _, t in plain)
    print(
        f"cdv produire --parallele 2, {args.copies} territoires : {ours:.1f} s, {docs} documents, "
        f"{docs / ours:.1f} documents/s (code {first.returncode})"
    )
    print(
        f"docxtpl seul (chargement, rendu, enregistrement), 2 processus : {plain_time:.1f} s, "
        f"{plain_docs} documents, {plain_docs / plain_time:.1f} documents/s"
    )
    print(
        f"surcoût de cdv (validation, contexte, échappement, déterminisme, manifeste) : "
        f"{(ours / plain_time - 1) * 100:+.0f} %"
    )
    print(
        "  (cdv compile chaque modèle une fois par processus ; docxtpl seul le recompile pour "
        "chaque document)"
    )
    print(f"reconstruction sans changement : {noop:.2f} s (code {second.returncode})")
    print(f"mémoire maximale d'un processus : {peak_mb:.0f} Mo")


if __name__ == "__main__":
    main()
