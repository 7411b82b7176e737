"""The output folder holds the pilot's files too: `cdv pdf` deletes only the PDFs its manifest
lists by name and hash (point 2), a manifest naming anything but plain names of its folder is
refused and nothing is deleted (point 3), and two documents never share a file name (point 6)
(issue 17)."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest
from conftest import CAS, Cli, line_of, minimal, problems_of, write_territory
from test_cli_pdf import CONVENTION, PACKAGE, territory
from test_pdf import fake_soffice, make_templates

from generator.signature.pdf import SOFFICE_ENV

MANIFEST_NAME = "manifeste.json"


def hashes(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


# --------------------------------------------------------------------------- 2. cdv pdf


@pytest.fixture
def setup(tmp_path, monkeypatch):
    """`cdv pdf` with a stand-in for LibreOffice (one page per document): fast."""
    templates = make_templates(tmp_path / "modeles")
    output = tmp_path / "build"
    monkeypatch.setenv(SOFFICE_ENV, str(fake_soffice(tmp_path / "lo")))

    def run(*args):
        return Cli()("pdf", *args, "--sortie", output, "--modeles", templates)

    return tmp_path / "contracts", output, run


def test_renamed_and_changed_copies_of_a_pdf_are_never_deleted(setup):
    contracts, output, run = setup
    root = territory(contracts, "t")
    assert run(contracts).exit_code == 0
    folder = output / "t"
    package = (folder / PACKAGE).read_bytes()
    convention = (folder / CONVENTION).read_bytes()
    # the pilot keeps copies: they carry the tool's fingerprint, as the originals do
    (folder / "contrat-signe-prefet.pdf").write_bytes(package)
    (folder / "contrat-de-ville-signature-ARCHIVE.pdf").write_bytes(package)
    (folder / "annexe-2-convention-tfpb-oise-habitat-ARCHIVE.pdf").write_bytes(convention)
    data = minimal()
    data["tfpb"] = []  # the convention is no longer produced
    write_territory(root, data)
    result = run(contracts)
    assert result.exit_code == 0, result.text
    assert f"{CONVENTION} supprimé : ce document n'est plus produit" in result.text
    assert not (folder / CONVENTION).exists()  # listed by the manifest with these bytes
    assert (folder / "contrat-signe-prefet.pdf").read_bytes() == package
    assert (folder / "contrat-de-ville-signature-ARCHIVE.pdf").read_bytes() == package
    assert (folder / "annexe-2-convention-tfpb-oise-habitat-ARCHIVE.pdf").read_bytes() == (
        convention
    )
    assert "ARCHIVE.pdf supprimé" not in result.text and "prefet.pdf supprimé" not in result.text
    manifest = json.loads((folder / MANIFEST_NAME).read_text(encoding="utf-8"))
    # the package and the Word contract that goes with it (its contents paginated as the PDF)
    assert sorted(manifest["signature"]) == ["contrat-de-ville-signature.docx", PACKAGE]


def test_a_pdf_changed_after_it_was_written_is_kept(setup):
    contracts, output, run = setup
    root = territory(contracts, "t")
    assert run(contracts).exit_code == 0
    folder = output / "t"
    signed_convention = (folder / CONVENTION).read_bytes() + b"%signature du bailleur\n"
    (folder / CONVENTION).write_bytes(signed_convention)
    signed_package = (folder / PACKAGE).read_bytes() + b"%signature du prefet\n"
    (folder / PACKAGE).write_bytes(signed_package)
    data = minimal()
    data["tfpb"] = []
    data["contrat"]["version"] = "0.2"  # the package is rebuilt
    write_territory(root, data)
    result = run(contracts)
    assert result.exit_code == 0, result.text
    assert (folder / CONVENTION).read_bytes() == signed_convention
    assert f"{CONVENTION} n'est plus produit mais a été modifié depuis : conservé" in result.text
    assert (folder / "contrat-de-ville-signature.sauvegarde-1.pdf").read_bytes() == signed_package
    assert f"{PACKAGE} a été modifié depuis sa production" in result.text
    assert (folder / PACKAGE).read_bytes() != signed_package


def test_a_pdf_the_manifest_does_not_list_is_never_deleted(setup):
    """A PDF with the tool's fingerprint that the manifest does not list (the pilot copied an
    output folder, or an older version wrote it) is not the tool's to delete."""
    contracts, output, run = setup
    territory(contracts, "t")
    assert run(contracts).exit_code == 0
    folder = output / "t"
    stray = folder / "annexe-2-convention-tfpb-ancien-bailleur.pdf"
    stray.write_bytes((folder / CONVENTION).read_bytes())
    result = run(contracts, "--forcer")
    assert result.exit_code == 0, result.text
    assert stray.is_file() and "supprimé" not in result.text


# --------------------------------------------------------------------------- 3. manifest


@pytest.mark.parametrize("case", sorted((CAS / "manifestes").glob("*.json")), ids=lambda p: p.stem)
def test_a_manifest_naming_files_outside_its_folder_is_refused(tmp_path, case):
    root = write_territory(tmp_path / "contracts" / "t", minimal())
    output = tmp_path / "build"
    assert Cli()("build", root, "--sortie", output).exit_code == 0
    victim = write_territory(tmp_path / "contracts" / "victime", minimal()) / "contrat.yaml"
    text = case.read_text(encoding="utf-8").replace("@VICTIME@", str(victim).replace("\\", "/"))
    text = text.replace("@SHA@", hashlib.sha256(victim.read_bytes()).hexdigest())
    (output / "t" / MANIFEST_NAME).write_text(text, encoding="utf-8")
    (output / "t" / "notes.txt").write_text("mes notes\n", encoding="utf-8")
    before = hashes(tmp_path)
    for args in (("build",), ("build", "--remplacer"), ("build", "--brouillon")):
        result = Cli()(*args, root, "--sortie", output)
        assert result.exit_code == 1, result.text
        assert "manifeste refusé : " in result.text, result.text
        assert "aucun fichier n'a été supprimé ni écrit" in result.text
        assert hashes(tmp_path) == before  # the victim and everything else untouched


def test_manifest_cases_aim_at_real_files():
    """The fixtures say what they attack: a relative path, an absolute path, a drive…"""
    names = {p.stem for p in (CAS / "manifestes").glob("*.json")}
    assert {"remonte", "absolu", "lecteur-windows", "barre-inverse", "entree-non-objet"} <= names


# --------------------------------------------------------------------------- 6. output names


def test_two_bailleurs_giving_one_file_name_are_refused(tmp_path):
    data = minimal()
    data["signataires"] += [
        {"id": "opac-oise", "nom": "OPAC de l'Oise", "type": "bailleur"},
        {"id": "opac_oise", "nom": "OPAC Oise (siège)", "type": "bailleur"},
    ]
    base = data["tfpb"][0]
    data["tfpb"] = [base, {**base, "bailleur": "opac-oise"}, {**base, "bailleur": "opac_oise"}]
    data["engagements"] += [
        {"signataire": s, "objectifs": [{"libelle": "Entretien"}]}
        for s in ("opac-oise", "opac_oise")
    ]
    root = write_territory(tmp_path / "t", data, split=True)
    problems = [p for p in problems_of(root) if "même fichier" in p.message]
    assert len(problems) == 1, [p.format() for p in problems_of(root)]
    problem = problems[0]
    first, second = root / "tfpb" / "opac-oise.yaml", root / "tfpb" / "opac_oise.yaml"
    assert problem.is_error and problem.file == str(second)
    assert problem.line == line_of(second, "bailleur: opac_oise")
    assert problem.message.startswith(
        f"les bailleurs « opac-oise » ({first}, ligne {line_of(first, 'bailleur:')}) et "
        "« opac_oise » donneraient le même fichier de convention TFPB (…-opac-oise.docx)"
    )
    output = tmp_path / "build"
    refused = Cli()("build", root, "--sortie", output)
    assert refused.exit_code == 1 and "même fichier de convention TFPB" in refused.text
    # even as a working draft, one document never overwrites the other
    draft = Cli()("build", root, "--sortie", output, "--brouillon")
    assert draft.exit_code == 1, draft.text
    assert "deux documents auraient le même nom « annexe-2-convention-tfpb-opac-oise.docx »" in (
        draft.text
    )
    assert not list((output / "t").glob("annexe-2-*")) if (output / "t").exists() else True


@pytest.mark.parametrize(
    ("field", "value", "reason"),
    [
        ("sortie", "../../contracts/victime/contrat.yaml", "barre oblique"),
        ("sortie", "C:contrat.docx", "« : »"),
        ("modele", "../../../etc/passwd", "remonte hors du dossier"),
        ("modele", "/etc/passwd", "chemin absolu"),
    ],
)
def test_a_template_set_naming_files_outside_is_refused(tmp_path, field, value, reason):
    """The manifest of a template set (--modeles) names its templates and the output files."""
    templates = make_templates(tmp_path / "modeles")
    manifest = templates / "manifest.yaml"
    text = manifest.read_text(encoding="utf-8")
    old = "sortie: contrat-de-ville.docx" if field == "sortie" else "modele: contrat.docx"
    assert old in text
    manifest.write_text(text.replace(old, f"{field}: '{value}'"), encoding="utf-8")
    root = write_territory(tmp_path / "contracts" / "t", minimal())
    before = hashes(tmp_path)
    result = Cli()("build", root, "--sortie", tmp_path / "build", "--modeles", templates)
    assert result.exit_code != 0 and "Traceback" not in result.text
    assert f"manifeste de modèles refusé ({manifest}) : {field} « {value} »" in result.text
    assert reason in result.text
    assert hashes(tmp_path) == before
