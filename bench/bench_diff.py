"""`cdv comparer` speed on two versions of a contract of 100 pages and more.

Two versions of the Creil Sud Oise description (the second with 20 edits: amounts, texts,
lines and items added and removed; two lists reordered) are built with the shipped templates;
each contract (50 pages) is then doubled, body and tables, to make two contracts of about
100 pages. Prints the time of: the semantic diff of the descriptions (loading included);
the text diff of the documents (reading included) and its terminal and HTML outputs; the
whole command `cdv comparer a.docx b.docx --html` in a new process; the tracked-changes document
(python-redlines, Docxodus engine), beside the semantic diff. Asserts nothing.

Usage: python bench/bench_diff.py [--repeat 3] [--pages] (--pages counts the pages with
LibreOffice)
"""

from __future__ import annotations

import argparse
import copy
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
TERRITORY = ROOT / "contracts" / "creil-sud-oise"


def _fix_totals(data: dict) -> None:
    """Announced totals follow the edited lines, so the edited version still validates."""
    lines = data["financements"]["lignes"]
    for total in data["financements"].get("totaux", []):
        total["montant"] = sum(
            Decimal(str(line["montant"]))
            for line in lines
            if all(total.get(k) in (None, line.get(k)) for k in ("annee", "financeur", "type"))
        )
        total["montant"] = int(total["montant"])


def edit(data: dict) -> dict:
    """Twenty edits a draft goes through between two versions (and two lists reordered)."""
    data = copy.deepcopy(data)
    data["contrat"]["version"] = "0.4"
    data["contrat"]["date"] = "2025-02-03"
    data["contrat"]["preambule"] = data["contrat"]["preambule"].replace("sept", "huit", 1)
    lines = data["financements"]["lignes"]
    lines[12]["montant"] += 15000
    lines[20]["montant"] -= 5000
    lines[30]["statut"] = "notifie"
    removed = lines.pop(5)
    lines.append(dict(removed, annee=2030, montant=42000))
    lines.reverse()
    _fix_totals(data)
    data["financements"]["totaux"].reverse()  # reordered: not a change
    data["signataires"][0]["representant"] = "la sous-préfète de Senlis"
    data["territoire"]["qpv"][1]["population"] += 120
    data["orientations"][0]["objectifs"][0]["libelle"] += " d'ici 2030"
    data["orientations"][1]["enjeu"] = (data["orientations"][1].get("enjeu") or "") + (
        " Les habitants l'ont rappelé lors de la concertation."
    )
    data["quartiers"][0].setdefault("priorites_habitants", []).append("Des bancs et de l'ombre")
    data["quartiers"][1]["portrait"] = data["quartiers"][1]["portrait"].replace(" le ", " ce ", 1)
    data["gouvernance"]["instances"][0]["frequence"] = "trois fois par an"
    data["tfpb"][0]["actions"][0]["couts"][0]["montant"] += 1000
    data["tfpb"][0]["abattement_estime"][0]["montant"] += 1000
    data["investissements"][0]["cout_total"] += 25000
    data["investissements"][0]["plan_financement"][0]["montant"] += 25000
    data["engagements"][0]["objectifs"][0]["libelle"] += " (renforcé)"
    return data


def write_description(folder: Path, data: dict) -> Path:
    folder.mkdir(parents=True)
    (folder / "contrat.yaml").write_text(
        yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=1000), encoding="utf-8"
    )
    return folder


def double(path: Path) -> None:
    """Append a copy of the whole body: a contract twice as long, with the same content."""
    import docx

    document = docx.Document(path)
    body = document.element.body
    items = [el for el in body if not el.tag.endswith("}sectPr")]
    anchor = items[-1]
    for element in items:
        anchor.addnext(copy.deepcopy(element))
        anchor = anchor.getnext()
    document.save(path)


def pages(path: Path, scratch: Path) -> int:
    import pypdf

    subprocess.run(
        ["soffice", "--headless", "--convert-to", "pdf", "--outdir", str(scratch), str(path)],
        check=True,
        capture_output=True,
        timeout=600,
    )
    return len(pypdf.PdfReader(scratch / f"{path.stem}.pdf").pages)


def timed(function, repeat: int) -> tuple[float, object]:
    times, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = function()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--pages", action="store_true", help="compter les pages (LibreOffice)")
    args = parser.parse_args()

    from generator.compare.description import compare
    from generator.compare.docx_text import read_text
    from generator.compare.redline import check_redline, make_redline
    from generator.compare.report_html import format_html
    from generator.compare.report_text import format_text
    from generator.compare.sides import load_data
    from generator.compare.text_diff import diff_texts
    from generator.description.load import load_territory
    from generator.documents.build import build_territory
    from generator.documents.templates import load_template_set

    with tempfile.TemporaryDirectory(prefix="bench-diff-") as scratch_name:
        scratch = Path(scratch_name)
        old_root = scratch / "v03" / "creil"
        shutil.copytree(TERRITORY, old_root)
        new_root = write_description(scratch / "v04" / "creil", edit(load_territory(old_root).data))
        templates = load_template_set()
        docs = []
        for root, out in ((old_root, scratch / "b03"), (new_root, scratch / "b04")):
            result = build_territory(root, out, templates)
            if result.status != "construit":
                sys.exit(f"production impossible : {result.message} {result.problems[:3]}")
            path = out / "creil" / "contrat-de-ville.docx"
            double(path)
            docs.append(path)
        old_doc, new_doc = docs

        semantic_s, comparison = timed(
            lambda: compare(load_data(old_root), load_data(new_root)), args.repeat
        )
        text_s, diff = timed(
            lambda: diff_texts(read_text(old_doc), read_text(new_doc)), args.repeat
        )
        output_s, _ = timed(lambda: (format_text(diff), format_html(diff)), args.repeat)
        html = scratch / "rapport.html"
        command = [sys.executable, "-m", "generator", "diff", str(old_doc), str(new_doc)]
        process_s, _ = timed(
            lambda: subprocess.run(
                command + ["--html", str(html)], cwd=ROOT, capture_output=True, check=False
            ),
            args.repeat,
        )
        redline_s, redline = timed(lambda: make_redline(old_doc, new_doc), args.repeat)
        problems = check_redline(redline.data, read_text(old_doc), read_text(new_doc))

        blocks = len(read_text(new_doc).blocks)
        size = f"{pages(new_doc, scratch)} pages" if args.pages else "environ 100 pages"
        print(f"Contrat de {size} ({blocks} paragraphes, titres et cellules), 2 versions")
        print(f"  changements de la description : {len(comparison.changes)}, ", end="")
        print(f"totaux qui ont changé : {len(comparison.totals)}")
        print(f"  changements du texte : {len(diff.changes)} dans {len(diff.sections)} sections")
        print(f"  médiane sur {args.repeat} essais :")
        print(f"  diff sémantique (lecture des YAML comprise)   {semantic_s:6.3f} s")
        print(f"  diff du texte (lecture des .docx comprise)    {text_s:6.3f} s")
        print(f"  sortie terminal + rapport HTML                {output_s:6.3f} s")
        print(f"  texte + HTML : total                          {text_s + output_s:6.3f} s")
        print(f"  cdv comparer a.docx b.docx --html (processus)     {process_s:6.3f} s")
        print(
            f"  modifications suivies (python-redlines)       {redline_s:6.3f} s "
            f"({redline.insertions} insertions, {redline.deletions} suppressions ; "
            f"{'vérifiées' if not problems else 'PROBLÈME : ' + '; '.join(problems)}) "
            f"— diff sémantique : {semantic_s:.3f} s"
        )


if __name__ == "__main__":
    main()
