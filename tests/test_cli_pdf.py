"""`cdv pdf`: the signature packages of real conversions (LibreOffice, once for the module),
reruns, and every bad input: LibreOffice missing, an external annex that cannot go in, a
conversion that fails or hangs. Never a partial package.
"""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from conftest import Cli, minimal, write_territory
from pypdf import PdfReader
from test_pdf import (
    CONTRACT_PARTS,
    HAS_LIBREOFFICE,
    encrypted_pdf,
    fake_soffice,
    make_templates,
    text_pdf,
)

from generator.signature.pdf import SOFFICE_ENV
from generator.signature.watermark import has_watermark

PACKAGE = "contrat-de-ville-signature.pdf"
CONVENTION = "annexe-2-convention-tfpb-oise-habitat.pdf"
EPCI = "Communauté d'agglomération Creil Sud Oise"


def territory(contracts: Path, name: str, statut: str = "projet", annexes=None, files=None):
    data = minimal()
    data["contrat"]["statut"] = statut
    if annexes is not None:
        data["annexes"] = annexes
    root = write_territory(contracts / name, data)
    for file, content in (files or {}).items():
        (root / file).parent.mkdir(parents=True, exist_ok=True)
        (root / file).write_bytes(content)
    return root


def leftovers(folder: Path) -> list[str]:
    """Temporary files of an interrupted write."""
    return [p.name for p in folder.rglob(".*")] if folder.exists() else []


def pdfs(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.rglob("*.pdf")) if folder.exists() else []


def test_help_is_in_french():
    result = Cli()("pdf", "-h")
    assert result.exit_code == 0
    assert "Utilisation : " in result.text and "pdf [OPTIONS] [CHEMIN]..." in result.text
    assert "dossier de signature" in result.text and "--delai" in result.text
    assert "pdf" in Cli()("--help").text


# --- with LibreOffice ----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def packaged(tmp_path_factory):
    """Two territories, a draft with an external annex and a final one, in one `cdv pdf`."""
    if not HAS_LIBREOFFICE:
        pytest.skip("LibreOffice absent")
    base = tmp_path_factory.mktemp("cli-pdf")
    templates = make_templates(base / "modeles")
    contracts = base / "contracts"
    map_pdf = text_pdf(["Carte des QPV, planche 1", "Carte des QPV, planche 2"], (842, 595))
    territory(
        contracts,
        "projet",
        annexes=[
            {"titre": "Carte des quartiers prioritaires", "fichier": "annexes/carte.pdf"},
            {"titre": "Charte des conseils citoyens"},
        ],
        files={"annexes/carte.pdf": map_pdf},
    )
    territory(contracts, "final", statut="final")
    output = base / "build"
    args = ("pdf", contracts, "--output", output, "--modeles", templates)
    result = Cli()(*args)
    return base, output, args, result


def read(path: Path) -> PdfReader:
    return PdfReader(io.BytesIO(path.read_bytes()))


def top_titles(reader: PdfReader) -> list[str]:
    return [item.title for item in reader.outline if not isinstance(item, list)]


def test_packages_are_written(packaged):
    _, output, _, result = packaged
    assert result.exit_code == 0, result.text
    assert "Conversion en PDF de 6 document(s) Word avec LibreOffice (2 territoire(s))" in (
        result.text
    )
    for name in ("projet", "final"):
        assert pdfs(output / name) == [CONVENTION, PACKAGE]
        assert leftovers(output / name) == []
    assert "Dossiers de signature dans :" in result.text


def test_bookmarks_pages_and_external_annex(packaged):
    _, output, _, _ = packaged
    reader = read(output / "projet" / PACKAGE)
    # contract 3 pages, index, financial annex 1, convention 2, external map 2
    assert len(reader.pages) == 3 + 1 + 1 + 2 + 2
    assert top_titles(reader) == [
        "Contrat de ville Engagements Quartiers 2030",
        "Annexes",
        "Annexe 2 — Convention TFPB — Oise Habitat",
        "Annexe 3 — Annexe financière",
        "Annexe 6.1 — Carte des quartiers prioritaires",
    ]
    contract_parts = [item.title for item in reader.outline[1] if not isinstance(item, list)]
    assert contract_parts == CONTRACT_PARTS  # from LibreOffice's export of the headings
    assert reader.page_labels == [
        "1",
        "2",
        "3",
        "Annexes",
        "A2-1",
        "A2-2",
        "A3-1",
        "A6.1-1",
        "A6.1-2",
    ]
    assert "Carte des QPV, planche 1" in reader.pages[7].extract_text()
    assert "Carte des QPV, planche 2" in reader.pages[8].extract_text()
    index = reader.pages[3].extract_text()
    assert "Carte des quartiers prioritaires" in index and "page 8" in index
    assert "Charte des conseils citoyens" in index and "non jointe" in index
    # the table of contents has its page numbers (PAGEREF fields computed by LibreOffice)
    first = reader.pages[0].extract_text()
    assert "Orientations stratégiques" in first and "Gouvernance et pilotage" in first
    assert "…" not in first.split("Cadre du contrat")[1].split("\n")[0]


def test_watermark_on_every_page_of_a_draft_and_none_of_a_final(packaged):
    _, output, _, _ = packaged
    for name in (PACKAGE, CONVENTION):
        draft = read(output / "projet" / name)
        assert all(has_watermark(page) for page in draft.pages), name
        final = read(output / "final" / name)
        assert not any(has_watermark(page) for page in final.pages), name


def test_metadata(packaged):
    _, output, _, _ = packaged
    meta = read(output / "projet" / PACKAGE).metadata
    assert meta["/Title"] == f"Contrat de ville Engagements Quartiers 2030 — {EPCI}"
    assert meta["/Author"] == EPCI
    assert "PROJET — version 0.1 du 15 mars 2024" in meta["/Subject"]
    assert "contrat de ville" in meta["/Keywords"] and "QN06001M" in meta["/Keywords"]
    assert meta["/CreationDate"] == meta["/ModDate"] == "D:20240315000000Z"
    convention = read(output / "projet" / CONVENTION)
    assert convention.metadata["/Title"].startswith("Annexe 2 — Convention TFPB — Oise Habitat")
    assert top_titles(convention) == ["Annexe 2 — Convention TFPB — Oise Habitat"]


def test_rerun_is_up_to_date_and_forced_rerun_gives_the_same_bytes(packaged):
    _, output, args, _ = packaged
    before = {p: p.read_bytes() for p in sorted(output.rglob("*.pdf"))}
    again = Cli()(*args)
    assert again.exit_code == 0 and "Rien à reconvertir" in again.text
    assert "LibreOffice" not in again.text  # nothing was converted
    forced = Cli()(*args, "--force")
    assert forced.exit_code == 0, forced.text
    assert "Conversion en PDF" in forced.text  # LibreOffice ran again…
    after = {p: p.read_bytes() for p in sorted(output.rglob("*.pdf"))}
    assert after == before  # …and its dates and identifiers did not leak


# --- bad input (a fake LibreOffice: fast, and the same on every machine) -------------------------


@pytest.fixture
def setup(tmp_path, monkeypatch):
    templates = make_templates(tmp_path / "modeles")
    output = tmp_path / "build"

    def run(*args: str, soffice: str = "convert"):
        if soffice == "absent":
            monkeypatch.setenv(SOFFICE_ENV, str(tmp_path / "sans-libreoffice" / "soffice"))
        else:
            monkeypatch.setenv(SOFFICE_ENV, str(fake_soffice(tmp_path / "lo", soffice)))
        return Cli()("pdf", *args, "--output", output, "--modeles", templates)

    return tmp_path / "contracts", output, run


def test_libreoffice_missing(setup):
    contracts, output, run = setup
    territory(contracts, "t")
    result = run(contracts, soffice="absent")
    assert result.exit_code == 1
    assert "apt-get install libreoffice-writer-nogui" in result.text
    assert "fr.libreoffice.org" in result.text
    assert "Aucun PDF n'a été écrit" in result.text
    assert pdfs(output) == []
    assert (output / "t" / "contrat-de-ville.docx").exists()  # the Word documents are there


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (None, "fichier introuvable"),
        (b"PK\x03\x04" + b"\x00" * 100, "ce n'est pas un PDF (c'est un document Word"),
        (b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog", "PDF incomplet"),
        ("chiffre", "protégé par un mot de passe"),
    ],
    ids=["absente", "word", "tronquee", "chiffree"],
)
def test_external_annex_that_cannot_go_in(setup, content, expected):
    contracts, output, run = setup
    files = {}
    if content == "chiffre":
        files["annexes/npnru.pdf"] = encrypted_pdf("secret")
    elif content is not None:
        files["annexes/npnru.pdf"] = content
    territory(
        contracts,
        "mauvais",
        annexes=[{"titre": "Convention NPNRU", "fichier": "annexes/npnru.pdf"}],
        files=files,
    )
    territory(contracts, "bon")
    result = run(contracts)
    assert result.exit_code == 1
    assert "✘ mauvais : l'annexe « Convention NPNRU » (annexes[1].fichier, " in result.text
    assert "contrat.yaml:" in result.text and expected in result.text
    assert pdfs(output / "mauvais") == [] and leftovers(output / "mauvais") == []
    assert pdfs(output / "bon") == [CONVENTION, PACKAGE]  # the other territory is done


def test_a_conversion_that_hangs_is_stopped_and_nothing_is_written(setup):
    contracts, output, run = setup
    territory(contracts, "t")
    result = run(contracts, "--delai", "1", soffice="hang")
    assert result.exit_code == 1
    assert "LibreOffice n'a pas terminé la conversion en 1 s" in result.text
    assert "Aucun PDF n'a été écrit" in result.text
    assert pdfs(output) == [] and leftovers(output) == []


def test_a_conversion_that_fails(setup):
    contracts, output, run = setup
    territory(contracts, "t")
    result = run(contracts, soffice="nothing")
    assert result.exit_code == 1
    assert "conversion de contrat-de-ville.docx impossible" in result.text
    assert pdfs(output) == []


def test_a_description_with_errors_is_not_packaged(setup):
    contracts, output, run = setup
    root = territory(contracts, "t")
    text = (root / "contrat.yaml").read_text(encoding="utf-8")
    (root / "contrat.yaml").write_text(text.replace("statut: projet", "statut: brouillon"))
    result = run(contracts)
    assert result.exit_code == 1
    assert "non construit" in result.text and "contrat.yaml:" in result.text
    assert pdfs(output) == []
    drafted = run(contracts, "--draft")
    assert drafted.exit_code == 0, drafted.text
    assert pdfs(output) == [
        "annexe-2-convention-tfpb-oise-habitat.brouillon.pdf",
        "contrat-de-ville-signature.brouillon.pdf",
    ]
    reader = read(output / "t" / "contrat-de-ville-signature.brouillon.pdf")
    assert all(has_watermark(page) for page in reader.pages)


def test_a_draft_package_never_replaces_the_real_one(setup):
    contracts, output, run = setup
    root = territory(contracts, "t")
    assert run(contracts).exit_code == 0
    real = {name: (output / "t" / name).read_bytes() for name in (PACKAGE, CONVENTION)}
    text = (root / "contrat.yaml").read_text(encoding="utf-8")
    (root / "contrat.yaml").write_text(text.replace("statut: projet", "statut: brouillon"))
    drafted = run(contracts, "--brouillon")
    assert drafted.exit_code == 0, drafted.text
    assert {name: (output / "t" / name).read_bytes() for name in real} == real
    assert (output / "t" / "contrat-de-ville-signature.brouillon.pdf").is_file()
    assert (output / "t" / "contrat-de-ville.brouillon.docx").is_file()


def _edit_by_hand(path: Path) -> bytes:
    import docx

    document = docx.Document(str(path))
    document.add_paragraph("Retouche du chef de projet avant la signature.")
    document.save(str(path))
    return path.read_bytes()


def _set_version(root: Path, version: str) -> None:
    data = minimal()
    data["contrat"]["version"] = version
    write_territory(root, data)


def test_a_package_never_mixes_a_hand_edit_with_a_newer_description(setup):
    contracts, output, run = setup
    root = territory(contracts, "t")
    _set_version(root, "0.5")
    assert run(contracts).exit_code == 0
    folder = output / "t"
    hand_edit = _edit_by_hand(folder / "contrat-de-ville.docx")
    package = (folder / PACKAGE).read_bytes()

    _set_version(root, "0.6")
    result = run(contracts)
    assert result.exit_code == 1
    assert "Traceback" not in result.text
    assert (
        "✘ t : contrat-de-ville.docx a été modifié à la main, mais il vient de la version 0.5 de "
        "la description, qui est maintenant en version 0.6 : le dossier mêlerait les deux "
        "(« Version 0.5 » dans les pages, « 0.6 » dans les propriétés du PDF). Aucun PDF n'est "
        "écrit pour ce territoire. Au choix : repartez de la description avec « cdv produire "
        "--remplacer »"
    ) in result.text
    assert "remettez la description dans l'état d'où il vient (version : \"0.5\")" in (result.text)
    assert (folder / "contrat-de-ville.docx").read_bytes() == hand_edit
    assert (folder / PACKAGE).read_bytes() == package  # the 0.5 package is left as it was
    again = run(contracts)  # nothing changed: still refused, never « à jour »
    assert again.exit_code == 1 and "mêlerait les deux" in again.text

    _set_version(root, "0.5")  # keep the hand edit: the description it comes from
    kept = run(contracts)
    assert kept.exit_code == 0, kept.text
    assert "contrat-de-ville.docx a été modifié à la main : c'est cette version" in kept.text
    assert (folder / "contrat-de-ville.docx").read_bytes() == hand_edit

    _set_version(root, "0.6")  # or start again from the description
    assert Cli()("build", root, "--sortie", output, "--remplacer").exit_code == 0
    rebuilt = run(contracts)
    assert rebuilt.exit_code == 0, rebuilt.text
    assert "0.6" in read(folder / PACKAGE).metadata.get("/Subject", "") + str(
        read(folder / PACKAGE).metadata
    )


def test_a_convention_no_longer_produced_is_removed(setup):
    contracts, output, run = setup
    root = territory(contracts, "t")
    assert run(contracts).exit_code == 0
    assert pdfs(output / "t") == [CONVENTION, PACKAGE]
    data = minimal()
    data["tfpb"] = []
    write_territory(root, data)
    result = run(contracts)
    assert result.exit_code == 0, result.text
    assert pdfs(output / "t") == [PACKAGE]
    assert f"{CONVENTION} supprimé" in result.text
