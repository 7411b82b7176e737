"""Assembly of the signature package (generator/package.py), without LibreOffice: the parts are
PDFs made with pypdf. Order, bookmarks, page labels, index page, watermark, metadata,
reproducibility, and the external annexes that cannot go in.
"""

from __future__ import annotations

import io
import shutil
from pathlib import Path

import pytest
from conftest import ROOT, minimal, write_territory
from pypdf import PdfReader, PdfWriter
from test_pdf import encrypted_pdf, fake_soffice, make_templates, text_pdf

from generator.documents.build import build_territory
from generator.documents.templates import load_template_set
from generator.signature.assembly import DIGEST_KEY, assemble, single_document
from generator.signature.outline import docx_headings, heading_pages
from generator.signature.package import plan_territory
from generator.signature.parts import PackageError, PackageInfo, Part, open_pdf
from generator.signature.pdf_text import text_width, winansi, wrap
from generator.signature.watermark import has_watermark

EPCI = "Communauté d'agglomération Creil Sud Oise"


def info(watermark: bool = True) -> PackageInfo:
    return PackageInfo(
        title=f"Contrat de ville Engagements Quartiers 2030 — {EPCI}",
        author=EPCI,
        subject="Contrat de ville (2024-2030), ses annexes",
        keywords="contrat de ville; politique de la ville",
        date="2024-03-15",
        watermark=watermark,
        heading=f"Contrat de ville Engagements Quartiers 2030 — {EPCI}",
        mention="PROJET — version 0.1 du 15 mars 2024" if watermark else "Version 1.0",
    )


def with_outline(data: bytes, titles: list[tuple[str, int]]) -> bytes:
    """The same PDF with top-level bookmarks (title, page index), as LibreOffice exports them."""
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(data)))
    for title, page in titles:
        writer.add_outline_item(title=title, page_number=page)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def parts(final: bool = False):
    contract = Part(
        "",
        "Contrat de ville Engagements Quartiers 2030",
        with_outline(
            text_pdf(["Cadre du contrat", "Orientations", "Gouvernance"]),
            [("1. Cadre du contrat", 0), ("3. Orientations", 1), ("8. Gouvernance", 2)],
        ),
    )
    annexes = [
        Part("3", "Annexe financière", text_pdf(["Tableaux 2024", "Tableaux 2025"], (842, 595))),
        Part("2.1", "Convention TFPB — Oise Habitat", text_pdf(["Convention Oise Habitat"])),
        Part("2.2", "Convention TFPB — Clésence", text_pdf(["Convention Clésence"])),
        Part("6.1", "Carte des quartiers prioritaires", text_pdf(["Carte p1", "Carte p2"])),
        Part("6.2", "Charte des conseils citoyens", None),
    ]
    return contract, annexes


def outline_tree(reader: PdfReader):
    """[(title, page index, [children…])] of a PDF's bookmarks."""

    def walk(items):
        tree = []
        for item in items:
            if isinstance(item, list):
                tree[-1][2].extend(walk(item))
            else:
                tree.append((item.title, reader.get_destination_page_number(item), []))
        return tree

    return walk(reader.outline)


@pytest.fixture(scope="module")
def draft():
    contract, annexes = parts()
    data = assemble(contract, annexes, info(True), "empreinte-projet")
    return data, PdfReader(io.BytesIO(data))


@pytest.fixture(scope="module")
def final():
    contract, annexes = parts()
    data = assemble(contract, annexes, info(False), "empreinte-finale")
    return data, PdfReader(io.BytesIO(data))


# --- order, bookmarks, labels, index -------------------------------------------------------------


def test_order_and_page_count(draft):
    _, reader = draft
    # contract 3 + index 1 + financial annex 2 + two conventions + map 2
    assert len(reader.pages) == 3 + 1 + 2 + 1 + 1 + 2
    texts = [page.extract_text() for page in reader.pages]
    assert "Cadre du contrat" in texts[0]
    assert "Annexes" in texts[3]
    assert "Tableaux 2024" in texts[4] and "Tableaux 2025" in texts[5]
    assert "Convention Oise Habitat" in texts[6] and "Convention Clésence" in texts[7]
    assert "Carte p1" in texts[8] and "Carte p2" in texts[9]  # the external annex's pages


def test_a_bookmark_per_document_with_the_parts_of_the_contract_below(draft):
    _, reader = draft
    tree = outline_tree(reader)
    assert [(title, page) for title, page, _ in tree] == [
        ("Contrat de ville Engagements Quartiers 2030", 0),
        ("Annexes", 3),
        ("Annexe 3 — Annexe financière", 4),
        ("Annexe 2.1 — Convention TFPB — Oise Habitat", 6),
        ("Annexe 2.2 — Convention TFPB — Clésence", 7),
        ("Annexe 6.1 — Carte des quartiers prioritaires", 8),
    ]
    assert [(t, p) for t, p, _ in tree[0][2]] == [
        ("1. Cadre du contrat", 0),
        ("3. Orientations", 1),
        ("8. Gouvernance", 2),
    ]


def test_page_labels(draft):
    _, reader = draft
    assert reader.page_labels == [
        "1",
        "2",
        "3",
        "Annexes",
        "A3-1",
        "A3-2",
        "A2.1-1",
        "A2.2-1",
        "A6.1-1",
        "A6.1-2",
    ]


def test_index_page_lists_each_annex_with_its_first_page_and_links_to_it(draft):
    _, reader = draft
    index = reader.pages[3]
    text = index.extract_text()
    lines = [
        line for line in text.splitlines() if line.startswith("Annexe ") and "Titre" not in line
    ]
    # in the order of the annex numbers, whatever their order in the file
    assert "Annexe 2.1 Convention TFPB — Oise Habitat" in lines[0] and "page 7" in lines[0]
    assert "Annexe 2.2 Convention TFPB — Clésence" in lines[1] and "page 8" in lines[1]
    assert lines[2].startswith("Annexe 3 Annexe financière") and "page 5" in lines[2]
    assert "Carte des quartiers prioritaires" in lines[3] and "page 9" in lines[3]
    assert "Charte des conseils citoyens" in lines[4] and "non jointe" in lines[4]
    assert "(A3-1)" in text and "(A6.1-1)" in text
    assert f"Contrat de ville Engagements Quartiers 2030 — {EPCI}" in text
    targets = [
        reader.get_page_number(annot.get_object()["/Dest"][0].get_object())
        for annot in index["/Annots"]
    ]
    assert targets == [6, 7, 4, 8]
    # portrait like the contract, though the financial annex is landscape
    assert (float(index.mediabox.width), float(index.mediabox.height)) == (595, 842)


def test_annexes_printed_in_the_contract_are_in_the_index():
    contract = Part(
        "",
        "Contrat",
        with_outline(
            text_pdf(["Contrat", "Liste des QPV", "Renvoi à l'annexe financière", "Glossaire"]),
            [
                ("1. Cadre", 0),
                ("Annexe 1 – Liste des quartiers prioritaires", 1),
                ("Annexe 3 – Annexe financière", 2),  # a separate document: not listed twice
                ("Annexe 7 – Glossaire", 3),
            ],
        ),
    )
    annexes = [Part("3", "Annexe financière", text_pdf(["Tableaux"]))]
    reader = PdfReader(io.BytesIO(assemble(contract, annexes, info(), "x")))
    text = reader.pages[4].extract_text()
    lines = [
        line for line in text.splitlines() if line.startswith("Annexe ") and "Titre" not in line
    ]
    assert [line.split(" .")[0] for line in lines] == [
        "Annexe 1 Liste des quartiers prioritaires",
        "Annexe 3 Annexe financière",
        "Annexe 7 Glossaire",
    ]
    assert "page 2" in lines[0] and "page 6" in lines[1] and "page 4" in lines[2]
    assert text.count("(dans le contrat)") == 2


def test_a_long_list_of_annexes_continues_on_more_index_pages():
    contract, _ = parts()
    annexes = [
        Part(f"6.{i}", f"Document associé numéro {i} " + "avec un long titre " * 4, text_pdf(["x"]))
        for i in range(1, 41)
    ]
    reader = PdfReader(io.BytesIO(assemble(contract, annexes, info(), "long")))
    labels = reader.page_labels
    count = sum(1 for label in labels if label.startswith("Annexes"))
    assert count >= 2
    assert labels[3:5] == ["Annexes-1", "Annexes-2"]
    text = "".join(reader.pages[3 + i].extract_text() for i in range(count))
    assert "Annexes (suite)" in text
    assert all(f"Annexe 6.{i} " in text for i in range(1, 41))
    # the first annex begins right after the index pages
    assert labels[3 + count] == "A6.1-1"


# --- watermark -----------------------------------------------------------------------------------


def test_draft_has_the_watermark_on_every_page(draft):
    _, reader = draft
    for number, page in enumerate(reader.pages):
        assert has_watermark(page), f"page {number + 1} sans filigrane"
        # drawn, not written: copying the text of the page gives the page's text alone
        text = page.extract_text().replace("PROJET — version", "")
        assert "PROJET" not in text and "OJ" not in text, f"page {number + 1}"


def test_final_has_no_watermark(final):
    _, reader = final
    assert not any(has_watermark(page) for page in reader.pages)


def test_watermark_follows_rotated_pages():
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(text_pdf(["Tournée"]))))
    writer.pages[0].rotate(90)
    out = io.BytesIO()
    writer.write(out)
    contract = Part("", "Contrat", out.getvalue())
    reader = PdfReader(io.BytesIO(assemble(contract, [], info(), "rot")))
    assert len(reader.pages) == 1  # no annex: no index page
    assert has_watermark(reader.pages[0])
    assert reader.pages[0].extract_text().strip() == "Tournée"


# --- metadata and reproducibility ----------------------------------------------------------------


def test_metadata(draft):
    _, reader = draft
    meta = reader.metadata
    assert meta["/Title"] == f"Contrat de ville Engagements Quartiers 2030 — {EPCI}"
    assert meta["/Author"] == EPCI
    assert meta["/Subject"] == "Contrat de ville (2024-2030), ses annexes"
    assert meta["/Keywords"] == "contrat de ville; politique de la ville"
    assert meta["/CreationDate"] == meta["/ModDate"] == "D:20240315000000Z"
    assert meta[DIGEST_KEY] == "empreinte-projet"
    root = reader.trailer["/Root"]
    assert root["/Lang"] == "fr-FR" and root["/PageMode"] == "/UseOutlines"


def test_same_inputs_same_bytes_and_a_pinned_identifier(draft):
    data, reader = draft
    contract, annexes = parts()
    again = assemble(contract, annexes, info(True), "empreinte-projet")
    assert again == data
    first, second = reader.trailer["/ID"]
    assert first == second and len(first) == 16
    other = PdfReader(io.BytesIO(assemble(contract, annexes, info(True), "autre")))
    assert other.trailer["/ID"][0] != first


def test_variable_parts_of_the_sources_do_not_leak():
    """Two conversions differ by their dates and identifiers: the packages do not."""

    def converted(stamp: str) -> bytes:
        writer = PdfWriter(clone_from=PdfReader(io.BytesIO(text_pdf(["Contrat"]))))
        writer.add_metadata({"/CreationDate": stamp, "/Producer": "LibreOffice 7.4"})
        writer._ID = None
        writer.generate_file_identifiers()
        out = io.BytesIO()
        writer.write(out)
        return out.getvalue()

    one, two = converted("D:20250101101010Z'"), converted("D:20260606060606Z'")
    assert one != two
    package = [assemble(Part("", "Contrat", data), [], info(), "x") for data in (one, two)]
    assert package[0] == package[1]
    assert b"2025" not in package[0] and b"LibreOffice 7.4" not in package[0]


def test_a_tfpb_convention_on_its_own():
    part = Part("2.1", "Convention TFPB — Oise Habitat", text_pdf(["Convention", "Suite"]))
    data = single_document(part, info(True), "conv")
    reader = PdfReader(io.BytesIO(data))
    assert len(reader.pages) == 2
    assert [t for t, _, _ in outline_tree(reader)] == [
        "Annexe 2.1 — Convention TFPB — Oise Habitat"
    ]
    assert all(has_watermark(page) for page in reader.pages)
    assert single_document(part, info(True), "conv") == data


# --- bookmarks rebuilt from the headings ---------------------------------------------------------


def test_bookmarks_are_rebuilt_from_the_headings_when_the_pdf_has_none():
    contract = Part(
        "",
        "Contrat",
        text_pdf(["Préambule", "1. Cadre du contrat", "Suite du cadre", "2. Gouvernance"]),
        headings=[(1, "1. Cadre du contrat"), (2, "Suite du cadre"), (1, "2. Gouvernance")],
    )
    reader = PdfReader(io.BytesIO(assemble(contract, [], info(False), "t")))
    tree = outline_tree(reader)
    assert tree == [
        (
            "Contrat",
            0,
            [("1. Cadre du contrat", 1, [("Suite du cadre", 2, [])]), ("2. Gouvernance", 3, [])],
        )
    ]


def test_headings_of_the_word_document_when_libreoffice_exported_no_bookmarks(tmp_path):
    templates = make_templates(tmp_path / "modeles")
    headings = docx_headings(templates / "contrat.docx")
    assert headings[:2] == [(1, "Cadre du contrat"), (2, "Cadre du contrat : détail")]
    assert len(headings) == 6
    pages = [f"{title}" for _, title in headings[::2]]  # one part per page, as in the contract
    contract = Part("", "Contrat", text_pdf(pages), docx=templates / "contrat.docx")
    reader = PdfReader(io.BytesIO(assemble(contract, [], info(False), "t")))
    (top,) = outline_tree(reader)
    assert [(title, page) for title, page, _ in top[2]] == [
        ("Cadre du contrat", 0),
        ("Orientations stratégiques", 1),
        ("Gouvernance et pilotage", 2),
    ]


def test_heading_pages_skips_what_it_cannot_find():
    reader = PdfReader(io.BytesIO(text_pdf(["Alpha", "Bêta"])))
    assert heading_pages(reader, [(1, "Alpha"), (1, "Absent"), (1, "BÊTA")]) == [
        (1, "Alpha", 0),
        (1, "BÊTA", 1),
    ]


# --- documents that cannot go in -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b"", "ce n'est pas un PDF (le fichier est vide)"),
        (b"PK\x03\x04 word", "document Word"),
        (b"\x89PNG\r\n\x1a\n", "c'est une image"),
        (b"Bonjour", "ce n'est pas un PDF"),
    ],
)
def test_not_a_pdf(data, expected):
    with pytest.raises(PackageError) as error:
        open_pdf(data, "l'annexe « Carte »")
    assert expected in str(error.value) and "l'annexe « Carte »" in str(error.value)


def test_truncated_pdf():
    data = text_pdf(["Une page", "Deux pages"])
    with pytest.raises(PackageError) as error:
        open_pdf(data[: len(data) // 2], "carte.pdf")
    assert "carte.pdf : PDF incomplet" in str(error.value)


def test_damaged_pdf():
    data = bytearray(text_pdf(["Une page"]))
    start = data.index(b"/Type /Pages") if b"/Type /Pages" in data else data.index(b"/Pages")
    data[start : start + 40] = b"\x00" * 40  # the page tree is gone
    with pytest.raises(PackageError) as error:
        open_pdf(bytes(data), "carte.pdf")
    assert "carte.pdf" in str(error.value)
    assert "abîmé" in str(error.value) or "sans aucune page" in str(error.value)


def test_pdf_protected_by_a_password():
    with pytest.raises(PackageError) as error:
        open_pdf(encrypted_pdf("secret"), "convention.pdf")
    assert "protégé par un mot de passe" in str(error.value)


def test_pdf_with_only_an_owner_password_is_accepted():
    reader = open_pdf(encrypted_pdf(""), "convention.pdf")
    assert "Document protégé" in reader.pages[0].extract_text()
    package = assemble(
        Part("", "Contrat", text_pdf(["c"])),
        [Part("6.1", "Convention", encrypted_pdf(""))],
        info(False),
        "e",
    )
    reader = PdfReader(io.BytesIO(package))
    assert not reader.is_encrypted
    assert "Document protégé" in reader.pages[2].extract_text()


# --- text helpers --------------------------------------------------------------------------------


def test_french_text_in_winansi():
    assert winansi("é è à ç « » œ €") == "é è à ç « » œ €".encode("cp1252")
    assert winansi("1\u202f234\u00a0€") == b"1\xa0234\xa0\x80"
    assert winansi("日本") == b"??"
    assert text_width("PROJET", 10, bold=True) == pytest.approx(40.01)


def test_wrap_keeps_lines_within_the_width():
    text = "Convention intercommunale d'attribution de la Communauté urbaine d'Arras " * 3
    lines = wrap(text, 200, 10)
    assert len(lines) > 1 and all(text_width(line, 10) <= 200 for line in lines)
    assert " ".join(lines) == " ".join(text.split())


# --- what goes in, from a territory --------------------------------------------------------------


@pytest.fixture
def built(tmp_path):
    """A territory built with the small test templates, with two external annexes."""
    templates = load_template_set(make_templates(tmp_path / "modeles"))

    def make(annexes: list[dict], files: dict[str, bytes] | None = None, **contrat):
        data = minimal()
        data["contrat"].update(contrat)
        data["annexes"] = annexes
        root = write_territory(tmp_path / "contracts" / "creil", data)
        for name, content in (files or {}).items():
            (root / name).parent.mkdir(parents=True, exist_ok=True)
            (root / name).write_bytes(content)
        build_territory(root, tmp_path / "build", templates)
        return root, tmp_path / "build" / "creil", templates

    return make


def test_plan_order_titles_and_codes(built):
    root, folder, templates = built(
        [{"titre": "Carte des QPV", "fichier": "annexes/carte.pdf"}, {"titre": "Charte"}],
        {"annexes/carte.pdf": text_pdf(["Carte"])},
    )
    plan = plan_territory(root, folder, templates)
    assert plan.contract.docx == folder / "contrat-de-ville.docx"
    assert [(p.part.code, p.part.title, p.docx and p.docx.name) for p in plan.annexes] == [
        ("2", "Convention TFPB — Oise Habitat", "annexe-2-convention-tfpb-oise-habitat.docx"),
        ("3", "Annexe financière", "annexe-3-financiere.docx"),
        ("6.1", "Carte des QPV", None),
        ("6.2", "Charte", None),
    ]
    assert plan.annexes[0].standalone == "annexe-2-convention-tfpb-oise-habitat.pdf"
    assert plan.annexes[2].part.pdf.startswith(b"%PDF-") and plan.annexes[3].part.pdf is None
    assert plan.info.author == EPCI and plan.info.watermark and plan.info.date == "2024-03-15"
    assert "QN06001M" in plan.info.keywords
    assert plan_territory(root, folder, templates).digest == plan.digest


def test_final_status_has_no_watermark_and_changes_the_digest(built):
    root, folder, templates = built([])
    draft_plan = plan_territory(root, folder, templates)
    root, folder, templates = built([], statut="final")
    plan = plan_territory(root, folder, templates)
    assert not plan.info.watermark and draft_plan.info.watermark
    assert plan.digest != draft_plan.digest
    for docx_file in sorted(folder.glob("*.docx")):  # as a draft build names its documents
        shutil.copyfile(docx_file, docx_file.with_suffix(".brouillon.docx"))
    draft = plan_territory(root, folder, templates, draft=True)
    assert draft.info.watermark
    assert draft.contract.docx == folder / "contrat-de-ville.brouillon.docx"
    # annexes in the order of their numbers: the convention (2) before the financial annex (3)
    assert draft.annexes[0].standalone == "annexe-2-convention-tfpb-oise-habitat.brouillon.pdf"
    assert set(draft.outputs()) == {
        "contrat-de-ville-signature.brouillon.pdf",
        "contrat-de-ville-signature.brouillon.docx",  # the Word contract of the package
        "annexe-2-convention-tfpb-oise-habitat.brouillon.pdf",
    }


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (None, "fichier introuvable"),
        (b"PK\x03\x04", "ce n'est pas un PDF"),
        (b"%PDF-1.4\n1 0 obj", "PDF incomplet"),
        ("chiffre", "protégé par un mot de passe"),
    ],
)
def test_external_annex_that_cannot_go_in_names_its_line(built, content, expected):
    files = {}
    if content == "chiffre":
        files["annexes/npnru.pdf"] = encrypted_pdf("secret")
    elif content is not None:
        files["annexes/npnru.pdf"] = content
    root, folder, templates = built(
        [{"titre": "Charte"}, {"titre": "Convention NPNRU", "fichier": "annexes/npnru.pdf"}], files
    )
    with pytest.raises(PackageError) as error:
        plan_territory(root, folder, templates)
    message = str(error.value)
    assert expected in message
    assert "« Convention NPNRU » (annexes[2].fichier" in message
    assert "contrat.yaml:" in message


def test_missing_built_document(built):
    root, folder, templates = built([])
    (folder / "annexe-3-financiere.docx").unlink()
    with pytest.raises(PackageError) as error:
        plan_territory(root, folder, templates)
    assert "annexe-3-financiere.docx introuvable" in str(error.value)


def test_assembly_reads_nothing_it_was_not_given(tmp_path):
    """The package only depends on its parts: a path elsewhere does not matter."""
    contract, annexes = parts()
    assert isinstance(assemble(contract, annexes, info(), "x"), bytes)
    assert not any(Path(tmp_path).iterdir())


# --- one load of each territory per command ------------------------------------------------------


@pytest.mark.parametrize("jobs", [1, 2])
def test_cdv_pdf_loads_each_territory_once(tmp_path, monkeypatch, jobs):
    """The build of `cdv pdf` loads and validates a territory; its package is planned from that
    same description (sent back by the workers with --jobs), not from a second load."""
    import os

    from generator.description import load, validate
    from generator.signature.pdf import SOFFICE_ENV, UP_TO_DATE, WRITTEN, make_packages

    loads: list[tuple[str, int]] = []  # (territory, process): counted in this process only
    original = load.load_territory

    def counted(root, *args, **kwargs):
        loads.append((Path(root).name, os.getpid()))
        return original(root, *args, **kwargs)

    # the build loads through validate_target, the plan through generator.description.load
    monkeypatch.setattr(validate, "load_territory", counted)
    monkeypatch.setattr(load, "load_territory", counted)
    monkeypatch.setenv(SOFFICE_ENV, str(fake_soffice(tmp_path / "lo")))
    names = ["creil-sud-oise"] if jobs == 1 else ["creil-sud-oise", "minimal"]
    roots = [ROOT / "contracts" / name for name in names]
    templates = load_template_set()
    output = tmp_path / "build"

    report = make_packages(roots, output, templates, jobs=jobs)
    assert [r.status for r in report.results] == [WRITTEN] * len(names)
    if jobs == 1:
        assert loads == [("creil-sud-oise", os.getpid())]
    else:  # loaded in the workers, once each: none in this process
        assert loads == []
    # Word documents up to date: the build loads nothing, the plan loads once; the PDFs planned
    # from the build's description are up to date for a plan from a fresh load
    loads.clear()
    report = make_packages(roots, output, templates, jobs=jobs)
    assert [r.status for r in report.results] == [UP_TO_DATE] * len(names)
    assert sorted(loads) == sorted((name, os.getpid()) for name in names)
