"""The contract converts to PDF with LibreOffice, with its table of contents filled: every
part is listed with a page number, and that number is the page where the heading is.

Needs `soffice` (LibreOffice) and `pdftotext` (poppler-utils). Skipped only when LibreOffice
is missing on a workstation; in CI (variable CI set) a missing tool is a failure. One
conversion for the module.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess

import pytest
from test_documents import (
    ANNEXES,
    CONTRACT,
    CONTRACTS,
    OUTLINE,
    PARTS,
    built_examples,
    majuscule,
    qpv_name,
    read_description,
)

EXAMPLE = "creil-sud-oise"
TOOLS = {
    "soffice": "LibreOffice (apt-get install libreoffice-writer)",
    "pdftotext": "poppler-utils (apt-get install poppler-utils)",
}

# Skipped only where LibreOffice is missing outside CI; in CI a missing tool is a failure.
pytestmark = pytest.mark.skipif(
    shutil.which("soffice") is None and not os.environ.get("CI"),
    reason="LibreOffice (soffice) absent de ce poste",
)
TOC_LINE = re.compile(r"^(?P<title>.*?)\s*\.{2,}\s*(?P<page>\d+)$")


def collapse(text: str) -> str:
    return re.sub(r"\s+", " ", text.replace("\u00a0", " ").replace("\u202f", " ")).strip()


@pytest.fixture(scope="module")
def pages(tmp_path_factory) -> list[list[str]]:
    """The lines of every page of the PDF of the example's contract."""
    missing = [hint for tool, hint in TOOLS.items() if shutil.which(tool) is None]
    if missing:
        pytest.fail(f"outil(s) absent(s) : {' ; '.join(missing)}")
    source = built_examples(tmp_path_factory) / EXAMPLE / CONTRACT
    work = tmp_path_factory.mktemp("libreoffice")
    subprocess.run(
        [
            "soffice",
            "--headless",
            "--norestore",
            f"-env:UserInstallation={(work / 'profil').as_uri()}",
            "--convert-to",
            "pdf",
            "--outdir",
            str(work),
            str(source),
        ],
        check=True,
        capture_output=True,
        timeout=240,
    )
    pdf = work / "contrat-de-ville.pdf"
    assert pdf.is_file() and pdf.stat().st_size > 10_000
    text = subprocess.run(
        ["pdftotext", "-layout", "-enc", "UTF-8", str(pdf), "-"],
        check=True,
        capture_output=True,
        timeout=60,
    ).stdout.decode("utf-8")
    found = text.split("\f")
    if found and not found[-1].strip():
        found = found[:-1]
    return [[collapse(line) for line in page.splitlines() if line.strip()] for page in found]


@pytest.fixture(scope="module")
def contents(pages) -> tuple[list[tuple[str, int]], set[int]]:
    """The entries of the « Sommaire » (title, page) and the pages it spans."""
    start = next(i for i, lines in enumerate(pages) if "Sommaire" in lines)
    entries: list[tuple[str, int]] = []
    spanned = set()
    pending = ""
    for number in range(start, len(pages)):
        lines = pages[number]
        if number > start and not any(TOC_LINE.match(line) for line in lines):
            break
        spanned.add(number + 1)
        for line in lines[lines.index("Sommaire") + 1 :] if number == start else lines:
            match = TOC_LINE.match(f"{pending} {line}".strip())
            if match:
                entries.append((match["title"].strip(), int(match["page"])))
                pending = ""
            elif re.match(r"^(Préambule|Visas|\d+\.|Annexe \d)", line) or pending:
                pending = f"{pending} {line}".strip()  # an entry wrapped over two lines
    return entries, spanned


def heading_on(lines: list[str], title: str) -> bool:
    """A line of the page is the heading (or the start of a heading wrapped over lines)."""
    return any(line == title or (len(line) >= 15 and title.startswith(line)) for line in lines)


def test_the_contents_list_every_part_with_a_page_number(contents, pages):
    entries, spanned = contents
    titles = [title for title, _ in entries]
    for title in OUTLINE:
        assert title in titles, title
    desc = read_description(CONTRACTS / EXAMPLE)
    for n, orientation in enumerate(desc["orientations"], 1):
        assert f"3.{n}. {collapse(orientation['titre'])}" in titles
    for n, qpv in enumerate(desc["territoire"]["qpv"], 1):
        assert f"4.{n}. {collapse(qpv_name(qpv))}" in titles
    numbers = [page for _, page in entries]
    assert numbers == sorted(numbers), "pages croissantes"
    assert all(max(spanned) < page <= len(pages) for page in numbers)
    assert not any("…" in line for n in spanned for line in pages[n - 1] if TOC_LINE.match(line))


def test_the_page_numbers_are_those_of_the_headings(contents, pages):
    entries, spanned = contents
    desc = read_description(CONTRACTS / EXAMPLE)
    checked = [*OUTLINE]
    checked += [f"3.{n}. {collapse(o['titre'])}" for n, o in enumerate(desc["orientations"], 1)]
    checked += [
        f"4.{n}. {collapse(qpv_name(q))}" for n, q in enumerate(desc["territoire"]["qpv"], 1)
    ]
    names = {s["id"]: s["nom"] for s in desc["signataires"]}
    checked += [collapse(majuscule(names[e["signataire"]])) for e in desc["engagements"]]
    listed = dict(entries)
    start = max(spanned) + 1  # the first page after the contents
    for title in sorted(checked, key=[t for t, _ in entries].index):
        page = listed[title]
        assert heading_on(pages[page - 1], title), f"« {title} » absent de la page {page}"
        # and not earlier: the first page, since the previous heading, that shows it
        first = next(n for n in range(start, len(pages) + 1) if heading_on(pages[n - 1], title))
        assert first == page, f"« {title} » est page {first}, le sommaire dit {page}"
        start = page


def test_the_parts_follow_each_other_in_the_pdf(contents):
    entries, _ = contents
    listed = dict(entries)
    parts = [f"{n}. {title}" for n, title in enumerate(PARTS, 1)]
    pages_of_parts = [listed[title] for title in ["Préambule", *parts, *ANNEXES]]
    assert pages_of_parts == sorted(pages_of_parts)
    assert listed["Annexe 1 – Liste des quartiers prioritaires"] > listed["11.4. Signatures"]


def test_fields_are_computed_page_numbers_and_table_numbers(pages):
    total = len(pages)
    for number, lines in enumerate(pages[1:], 2):
        assert any(line.endswith(f"Page {number} sur {total}") for line in lines), number
    text = "\n".join(line for lines in pages for line in lines)
    captions = [int(n) for n in re.findall(r"^Tableau (\d+) – ", text, re.M)]
    assert captions[:3] == [1, 2, 3]
    assert captions == sorted(captions)
