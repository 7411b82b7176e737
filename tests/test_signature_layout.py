"""The signature package of a real example, converted by LibreOffice, read as a préfecture
reviewer does: the index lists the annexes in order and each points to a document whose own
title is the index's; every signature page holds « Fait à » and its blocks; no word of the
annex tables is broken; the « PROJET » watermark is not part of the text.

Needs LibreOffice and pdftotext; skipped only where LibreOffice is missing outside CI (in CI it
is installed by .ci/run and a missing tool is a failure). One `cdv pdf` for the module.
"""

from __future__ import annotations

import io
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from conftest import ROOT, Cli
from pypdf import PdfReader

pytestmark = pytest.mark.skipif(
    shutil.which("soffice") is None and not os.environ.get("CI"),
    reason="LibreOffice (soffice) absent de ce poste",
)
EXAMPLE = "arras"  # 14 signatories, two TFPB conventions, a long financial annex
PACKAGE = "contrat-de-ville-signature.pdf"
INDEX_LINE = re.compile(
    r"^Annexe (?P<code>\d+(?:\.\d+)?) (?P<title>.+?)(?: \.{3,} page (?P<page>\d+)| non jointe)$"
)


@pytest.fixture(scope="module")
def package(tmp_path_factory) -> tuple[Path, PdfReader, list[str]]:
    for tool in ("soffice", "pdftotext"):
        if shutil.which(tool) is None:
            pytest.fail(f"{tool} absent : apt-get install libreoffice-writer-nogui poppler-utils")
    output = tmp_path_factory.mktemp("signature")
    result = Cli()("pdf", ROOT / "contracts" / EXAMPLE, "--output", output)
    assert result.exit_code == 0, result.text
    folder = output / EXAMPLE
    path = folder / PACKAGE
    text = subprocess.run(
        ["pdftotext", "-layout", "-enc", "UTF-8", str(path), "-"],
        check=True,
        capture_output=True,
        timeout=120,
    ).stdout.decode("utf-8")
    return folder, PdfReader(io.BytesIO(path.read_bytes())), text.split("\f")


def flat(text: str) -> str:
    return re.sub(r"\s+", " ", text.replace("\u00a0", " ").replace("\u202f", " ")).strip()


def index_entries(reader: PdfReader) -> list[tuple[str, str, int | None]]:
    page = reader.pages[reader.page_labels.index("Annexes")].extract_text()
    # an entry may wrap: join the lines of one entry before reading it
    joined = re.sub(r"\n(?!Annexe |\(|Les numéros)", " ", page)
    entries = []
    for line in joined.splitlines():
        match = INDEX_LINE.match(flat(line))
        if match:
            number = match.group("page")
            entries.append((match.group("code"), match.group("title"), number and int(number)))
    return entries


def test_the_index_lists_a1_to_a7_in_order_and_each_title_matches(package):
    _, reader, _ = package
    entries = index_entries(reader)
    codes = [code for code, _, _ in entries]
    assert [c.split(".")[0] for c in codes] == sorted((c.split(".")[0] for c in codes), key=int), (
        codes
    )
    assert {c.split(".")[0] for c in codes} >= {"1", "2", "3", "4", "5", "6", "7"}
    assert codes == sorted(codes, key=lambda c: tuple(map(int, c.split("."))))
    attached = [(code, title, page) for code, title, page in entries if page]
    assert len(attached) >= 7
    for code, title, page in attached:
        own = flat(reader.pages[page - 1].extract_text())
        # the document found at that page names itself as the index does
        assert f"Annexe {code} " in own, (code, page, own[:300])
        name = title.split(" — ")[-1]
        assert name.split()[0] in own, (code, title, own[:300])
    # documents of the package follow the numbers of their annexes: A2.1, A2.2, then A3
    pages = {code: page for code, _, page in attached}
    assert pages["2.1"] < pages["2.2"] < pages["3"]


def test_every_signature_page_holds_fait_a_and_all_its_blocks(package):
    folder, reader, _ = package
    documents = [reader] + [
        PdfReader(io.BytesIO(p.read_bytes())) for p in sorted(folder.glob("annexe-2-*.pdf"))
    ]
    for doc in documents:
        texts = [page.extract_text() for page in doc.pages]
        signing = [i for i, t in enumerate(texts) if "Fait à" in t]
        assert signing, "pas de page de signature"
        for i in signing:
            assert re.search(r"^Pour .+,$", texts[i], re.M), f"page {i + 1} : « Fait à » seul"
        after = signing[-1] + 1
        if after < len(texts):  # no block cut from « Fait à » on the next page
            assert not re.search(r"^Pour (la|le|l'|les) .+,$", texts[after], re.M), after + 1
    conventions = documents[1:]
    assert conventions and all(
        sum("Fait à" in p.extract_text() for p in c.pages) == 1 for c in conventions
    )


def test_no_word_is_broken_in_the_tables_of_the_financial_annex(package):
    _, reader, pages = package
    labels = reader.page_labels
    annex = "\n".join(pages[i] for i, label in enumerate(labels) if label.startswith("A3-"))
    assert "Prévisionnel" in annex or "Notifié" in annex
    for stem, end in (("Prévisionn", "el"), ("Investissemen", "t"), ("Notifi", "é")):
        broken = re.findall(rf"{stem}(?!{end})\S*", annex)
        assert broken == [], (stem, broken[:5])


def test_the_watermark_is_not_in_the_text(package):
    _, reader, pages = package
    assert reader.pages[5].get("/Resources") is not None
    for number, page in enumerate(pages, start=1):
        body = page.replace("PROJET — version", "")
        assert "PROJET" not in body, number
        assert not re.search(r"(^|\s)(PR|OJ|ET)(\s|$)", body), number


def test_the_word_contract_beside_the_package_has_the_pages_of_the_pdf(package):
    import zipfile

    folder, reader, pages = package
    beside = folder / "contrat-de-ville-signature.docx"
    with zipfile.ZipFile(beside) as docx:
        xml = docx.read("word/document.xml").decode()
        settings = docx.read("word/settings.xml").decode()
    numbers = re.findall(r"PAGEREF _Toc\d+ \\h </w:instrText>.*?<w:t[^>]*>([^<]*)</w:t>", xml)
    assert numbers and all(n.isdigit() for n in numbers), numbers[:5]
    # the contents page of the PDF, as LibreOffice laid it out
    first_heading = int(numbers[0])
    printed = [
        int(m.group(1))
        for page in pages[: first_heading - 1]
        for m in re.finditer(r"\.{3,}\s*(\d+)\s*$", page, re.M)
    ]
    assert [int(n) for n in numbers] == printed
    # every cached value is right: Word is no longer asked to update the fields
    assert "updateFields" not in settings
    with zipfile.ZipFile(folder / "contrat-de-ville.docx") as built:
        assert "updateFields" in built.read("word/settings.xml").decode()


def _fonts(path: Path) -> list[tuple[str, str]]:
    """(name, emb) of each font `pdffonts` lists."""
    out = subprocess.run(
        ["pdffonts", str(path)], check=True, capture_output=True, text=True, timeout=60
    ).stdout.splitlines()
    header = out[0]
    emb = header.index("emb")
    return [(line.split()[0], line[emb : emb + 3].strip()) for line in out[2:] if line.strip()]


def test_every_font_of_every_pdf_of_the_package_is_embedded(package):
    """Issue 11: the index page was drawn in Helvetica, not embedded (pdffonts: emb no)."""
    folder, reader, pages = package
    pdfs = sorted(folder.glob("*.pdf"))
    assert len(pdfs) >= 3 and any(p.name == PACKAGE for p in pdfs)
    for path in pdfs:
        fonts = _fonts(path)
        assert fonts, path.name
        assert all(emb == "yes" for _, emb in fonts), (path.name, fonts)
    index = reader.pages[reader.page_labels.index("Annexes")]
    names = {str(f["/BaseFont"]) for f in index["/Resources"]["/Font"].values()}
    assert len(names) == 2 and all("+" in name for name in names), names  # embedded subsets
    assert "Annexe 3" in pages[reader.page_labels.index("Annexes")]  # still readable text
