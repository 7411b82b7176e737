"""PDF speed: `cdv pdf` on the examples, against LibreOffice alone on the same .docx files.

Prints the best of --repeat runs (LibreOffice's time varies a lot on a loaded machine; the best
run is the one least disturbed), with the median in brackets:
- `cdv pdf` (Word documents already built: conversion, assembly, writing), end to end in a
  new process, with the in-process breakdown (planning, LibreOffice, assembly);
- LibreOffice alone converting the same .docx files in one process (fresh profile, as ours);
  the difference is what the package costs (the target is under 20 %);
- LibreOffice with one process per file (fresh profile each, as a tool without a batch would
  need to be safe while the user has LibreOffice open), and one process per file sharing one
  profile: what the single batch saves.
Each territory gets a 12-page external annex (a generated PDF) so that path is measured too.
Asserts nothing.

Usage: python bench/bench_pdf.py [--repeat 3] [--copies 1] [--modeles DOSSIER]
"""

from __future__ import annotations

import argparse
import io
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def external_pdf(pages: int) -> bytes:
    from pypdf import PdfWriter
    from pypdf.generic import DecodedStreamObject, DictionaryObject, NameObject

    writer = PdfWriter()
    font = writer._add_object(
        DictionaryObject(
            {
                NameObject("/Type"): NameObject("/Font"),
                NameObject("/Subtype"): NameObject("/Type1"),
                NameObject("/BaseFont"): NameObject("/Helvetica"),
            }
        )
    )
    for number in range(1, pages + 1):
        page = writer.add_blank_page(595, 842)
        stream = DecodedStreamObject()
        lines = b"".join(
            b"BT /F1 10 Tf 60 %d Td (Convention NPNRU, page %d, ligne %d) Tj ET\n"
            % (780 - 14 * i, number, i)
            for i in range(50)
        )
        stream.set_data(lines)
        page[NameObject("/Contents")] = writer._add_object(stream)
        page[NameObject("/Resources")] = DictionaryObject(
            {NameObject("/Font"): DictionaryObject({NameObject("/F1"): font})}
        )
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def make_copies(target: Path, copies: int) -> list[Path]:
    examples = sorted(p for p in (ROOT / "contracts").iterdir() if p.is_dir())
    annex = external_pdf(12)
    made = []
    for i in range(copies):
        for source in examples:
            root = target / (source.name if copies == 1 else f"{source.name}-{i:02d}")
            shutil.copytree(source, root)
            annexes = root / "annexes.yaml"
            if annexes.exists():
                text = annexes.read_text(encoding="utf-8")
                head, sep, rest = text.partition("  - titre: ")
                line, newline, tail = rest.partition("\n")
                text = f"{head}{sep}{line}\n    fichier: annexes/npnru.pdf\n{tail}"
                annexes.write_text(text, encoding="utf-8")
                (root / "annexes").mkdir(exist_ok=True)
                (root / "annexes" / "npnru.pdf").write_bytes(annex)
            made.append(root)
    return made


def soffice_alone(soffice: Path, files: list[Path], work: Path, per_file: bool, shared: bool):
    """Seconds for LibreOffice alone: one process for all files, or one per file."""
    outdir = work / "out"
    shutil.rmtree(outdir, ignore_errors=True)
    outdir.mkdir(parents=True)
    batches = [[f] for f in files] if per_file else [files]
    start = time.perf_counter()
    for n, batch in enumerate(batches):
        profile = work / ("profil" if shared else f"profil-{time.perf_counter_ns()}-{n}")
        # same names in several territories: one output folder per batch
        out = outdir / str(n)
        subprocess.run(
            [
                str(soffice),
                f"-env:UserInstallation={profile.as_uri()}",
                "--headless",
                "--nologo",
                "--nodefault",
                "--nolockcheck",
                "--norestore",
                "--convert-to",
                "pdf:writer_pdf_Export",
                "--outdir",
                str(out),
                *map(str, batch),
            ],
            capture_output=True,
            check=False,
        )
        if not shared:
            shutil.rmtree(profile, ignore_errors=True)
    seconds = time.perf_counter() - start
    converted = len(list(outdir.rglob("*.pdf")))
    return seconds, converted


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--copies", type=int, default=1, help="copies of each example")
    parser.add_argument("--modeles", type=Path, default=None, help="jeu de modèles")
    args = parser.parse_args()

    from generator.documents.build import build_many
    from generator.documents.templates import load_template_set
    from generator.signature.pdf import make_packages, require_soffice

    soffice = require_soffice()
    templates = load_template_set(args.modeles)
    cdv = [sys.executable, "-m", "generator"]
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        roots = make_copies(tmp / "contracts", args.copies)
        out = tmp / "build"
        build_many(roots, out, templates)
        docx = sorted(out.rglob("*.docx"))
        modeles = ["--modeles", str(args.modeles)] if args.modeles else []
        ours, inside, alone, each, each_shared = [], [], [], [], []
        pages = 0
        for _ in range(args.repeat):
            for pdf in out.rglob("*.pdf"):
                pdf.unlink()
            start = time.perf_counter()
            run = subprocess.run(
                cdv + ["pdf", str(tmp / "contracts"), "--sortie", str(out), *modeles],
                capture_output=True,
                text=True,
                cwd=ROOT,
            )
            ours.append(time.perf_counter() - start)
            if run.returncode != 0:
                print(run.stdout, run.stderr)
                raise SystemExit("cdv pdf a échoué")
            start = time.perf_counter()
            report = make_packages(roots, out, templates, force=True)
            total = time.perf_counter() - start
            inside.append(
                (total, report.build_seconds, report.conversion_seconds, report.assembly_seconds)
            )
            pages = sum(r.files.get("contrat-de-ville-signature.pdf", 0) for r in report.results)
            alone.append(soffice_alone(soffice, docx, tmp / "seul", False, False)[0])
        for _ in range(max(1, args.repeat // 2)):
            each.append(soffice_alone(soffice, docx, tmp / "chacun", True, False)[0])
            each_shared.append(soffice_alone(soffice, docx, tmp / "partage", True, True)[0])

    def show(values: list[float]) -> str:
        return f"{min(values):.2f} s (médiane {statistics.median(values):.2f} s)"

    best = min(inside)
    total, build, conversion, assembly = best
    print(f"{len(roots)} territoires, {len(docx)} documents Word, {pages} pages de dossiers")
    print(f"cdv pdf (nouveau processus, documents Word à jour) : {show(ours)}")
    print(
        f"  dans le processus : {total:.2f} s = documents Word (à jour) {build:.2f} s + plan "
        f"(descriptions, annexes externes) {total - build - conversion - assembly:.2f} s + "
        f"LibreOffice {conversion:.2f} s + assemblage et écriture {assembly:.2f} s"
    )
    print(f"LibreOffice seul, un processus pour tous les fichiers : {show(alone)}")
    print(
        f"surcoût de cdv pdf par rapport à LibreOffice seul : "
        f"{(min(ours) / min(alone) - 1) * 100:+.0f} % de bout en bout ; "
        f"assemblage et écriture seuls : {assembly / min(alone) * 100:.0f} %"
    )
    print(
        f"LibreOffice, un processus par fichier (profil neuf à chaque fois) : {show(each)}, "
        f"{min(each) / min(alone):.1f} fois le lot unique"
    )
    print(
        f"LibreOffice, un processus par fichier (profil partagé) : {show(each_shared)}, "
        f"{min(each_shared) / min(alone):.1f} fois le lot unique"
    )


if __name__ == "__main__":
    main()
