"""`cdv comparer` as a reviewer runs it: two folders, two files, a folder at a git revision, two
generated documents; outputs (terminal, HTML, tracked changes); exit status as diff(1);
bad input as a clear French error with status 2."""

from __future__ import annotations

import shutil
import subprocess
import zipfile
from pathlib import Path

import docx
import pytest
import yaml
from conftest import CAS, ROOT, minimal_format_1, write_territory
from test_diff_docx import NEW, OLD, make_docx, pair

from generator.compare.docx_text import read_text
from generator.compare.redline import check_redline
from generator.documents.templates import DEFAULT_SET, TEMPLATES_DIR, load_template_set
from generator.documents.write import read_embedded_description

NNBSP, NBSP = "\u202f", "\u00a0"


def plain(text: str) -> str:
    return text.replace(NNBSP, " ").replace(NBSP, " ")


def edited() -> dict:
    data = minimal_format_1()
    data["contrat"]["version"] = "0.2"
    data["financements"]["lignes"][0]["montant"] = 115000
    data["financements"]["totaux"][0]["montant"] = 165000
    data["financements"]["totaux"][1]["montant"] = 115000
    data["signataires"].reverse()
    return data


EXPECTED_LINES = [
    "  ~ Contrat › Version : « 0.1 » → « 0.2 »",
    "  ~ Financements › Lignes de financement › 2024 · État · Appel à projets · Les Hauts de "
    "Creil (QN06001M) › Montant : 100 000 € → 115 000 € (+15 000 €)",
    "  ~ Financements › Totaux annoncés › Crédits spécifiques 2024 › Total annoncé : "
    "150 000 € → 165 000 € (+15 000 €)",
    "  ~ Financements › Totaux annoncés › Total 2024 · État › Total annoncé : "
    "100 000 € → 115 000 € (+15 000 €)",
]


def test_two_folders(run, tmp_path):
    old = write_territory(tmp_path / "v01", minimal_format_1())
    new = write_territory(tmp_path / "v02", edited(), split=True)
    result = run("diff", old, new)
    assert result.exit_code == 1, result.output
    text = plain(result.output)
    for line in EXPECTED_LINES:
        assert line in text.splitlines(), text
    assert "4 changements" in text
    assert "Totaux qui ont changé :" in text
    assert "  Financements, total : 650 000 € → 665 000 € (+15 000 €)" in text  # the ledger
    assert "\x1b[" not in result.output  # not a terminal: no colours


def test_identical_and_reordered_descriptions_exit_0(run, tmp_path):
    old = write_territory(tmp_path / "a", minimal_format_1())
    data = minimal_format_1()
    data["signataires"].reverse()
    data["financements"]["lignes"].reverse()
    new = write_territory(tmp_path / "b", data, split=True)
    result = run("diff", old, new)
    assert result.exit_code == 0, result.output
    assert "Aucun changement dans la description." in result.output


def test_two_files(run, tmp_path):
    old = write_territory(tmp_path / "a", minimal_format_1()) / "contrat.yaml"
    new = write_territory(tmp_path / "b", edited()) / "contrat.yaml"
    result = run("diff", old, new)
    assert result.exit_code == 1
    assert EXPECTED_LINES[0] in result.output.splitlines()


def test_colour_on_request(run, tmp_path):
    old = write_territory(tmp_path / "a", minimal_format_1())
    new = write_territory(tmp_path / "b", edited())
    result = run("diff", old, new, "--couleur")
    assert "\x1b[" in result.output


# --------------------------------------------------------------------------- git


def _git(cwd: Path, *args: str) -> None:
    subprocess.run(
        ["git", "-c", "user.name=Test", "-c", "user.email=test@example.org", *args],
        cwd=cwd,
        check=True,
        capture_output=True,
    )


@pytest.fixture
def repository(tmp_path):
    if shutil.which("git") is None:
        pytest.skip("git absent")
    repo = tmp_path / "depot"
    root = write_territory(repo / "contracts" / "creil", minimal_format_1(), split=True)
    _git(repo, "init", "-q")
    _git(repo, "add", ".")
    _git(repo, "commit", "-q", "-m", "version 0.1")
    _git(repo, "tag", "v0.1")
    write_territory(root, edited(), split=True)
    return repo, root


def test_since_a_git_revision(run, repository):
    _repo, root = repository
    result = run("diff", root, "--since", "v0.1")
    assert result.exit_code == 1, result.output
    text = plain(result.output)
    for line in EXPECTED_LINES:
        assert line in text.splitlines(), text
    assert "(révision v0.1)" in text


def test_since_on_one_file(run, repository):
    _repo, root = repository
    result = run("diff", root / "financements.yaml", "--since", "v0.1")
    assert result.exit_code == 1, result.output
    assert EXPECTED_LINES[1] in plain(result.output).splitlines()
    same = run("diff", root / "engagements" / "etat.yaml", "--since", "v0.1")
    assert same.exit_code == 0, same.output


def test_since_errors(run, repository, tmp_path):
    repo, root = repository
    unknown = run("diff", root, "--since", "v9.9")
    assert unknown.exit_code == 2
    assert "erreur : révision git inconnue : « v9.9 »" in unknown.output
    (root / "gouvernance-bis.yaml").write_text("gouvernance: {}\n", encoding="utf-8")
    _git(repo, "add", ".")
    _git(repo, "commit", "-q", "-m", "nouveau fichier")
    missing = run("diff", root / "gouvernance-bis.yaml", "--since", "v0.1")
    assert missing.exit_code == 2
    assert "n'existait pas à la révision v0.1" in missing.output
    outside = write_territory(tmp_path / "hors-depot", minimal_format_1())
    not_git = run("diff", outside, "--since", "v0.1")
    assert not_git.exit_code == 2
    assert "n'est pas dans un dépôt git" in not_git.output


def test_since_on_a_tracked_document(run, repository):
    repo, _root = repository
    document = make_docx(repo / "contrat-de-ville.docx", OLD)
    _git(repo, "add", ".")
    _git(repo, "commit", "-q", "-m", "document")
    _git(repo, "tag", "v0.2")
    make_docx(document, NEW)
    result = run("diff", document, "--since", "v0.2")
    assert result.exit_code == 1, result.output
    assert "  ~ paragraphe 2 : Il couvre [-trois-]{+quatre+} quartiers prioritaires." in (
        result.output
    )


# --------------------------------------------------------------------------- documents


def test_two_documents_with_html_and_redline(run, tmp_path):
    old, new = pair(tmp_path)
    html = tmp_path / "rapport.html"
    redline = tmp_path / "modifications.docx"
    result = run("diff", old, new, "--html", html, "--redline", redline)
    assert result.exit_code == 1, result.output
    assert "  ~ paragraphe 2 : Il couvre [-trois-]{+quatre+} quartiers prioritaires." in (
        result.output
    )
    assert "Modifications suivies : " in result.output
    page = html.read_text(encoding="utf-8")
    assert "<del>trois</del><ins>quatre</ins>" in page and "https://" not in page
    assert check_redline(redline.read_bytes(), read_text(old), read_text(new)) == []


def test_identical_documents_exit_0(run, tmp_path):
    old = make_docx(tmp_path / "a.docx", NEW)
    new = make_docx(tmp_path / "b.docx", NEW)
    result = run("diff", old, new)
    assert result.exit_code == 0, result.output


def _template_set(tmp_path: Path):
    """The shipped template set, or a small one made here if it is not there yet."""
    if (TEMPLATES_DIR / DEFAULT_SET / "manifest.yaml").is_file():
        return load_template_set()
    folder = tmp_path / "modeles"
    folder.mkdir()
    document = docx.Document()
    document.add_heading("Le contrat", 1)
    document.add_paragraph("{{ doc.epci }}, version {{ doc.version }}")
    document.save(folder / "contrat.docx")
    manifest = {
        "nom": "essai",
        "version": "0.1",
        "documents": [
            {"id": "contrat", "modele": "contrat.docx", "sortie": "contrat-de-ville.docx"}
        ],
    }
    (folder / "manifest.yaml").write_text(yaml.safe_dump(manifest), encoding="utf-8")
    return load_template_set(folder)


def test_generated_documents_carry_their_description(run, tmp_path):
    from generator.documents.build import build_territory

    templates = _template_set(tmp_path)
    old_root = write_territory(tmp_path / "v01" / "creil", minimal_format_1())
    new_root = write_territory(tmp_path / "v02" / "creil", edited())
    for root, out in ((old_root, tmp_path / "build01"), (new_root, tmp_path / "build02")):
        result = build_territory(root, out, templates)
        assert result.status == "construit", (result.message, result.problems)
    old_doc = tmp_path / "build01" / "creil" / "contrat-de-ville.docx"
    new_doc = tmp_path / "build02" / "creil" / "contrat-de-ville.docx"
    assert read_embedded_description(old_doc) == minimal_format_1()
    result = run("diff", old_doc, new_doc)
    assert result.exit_code == 1, result.output
    text = plain(result.output)
    assert text.startswith("Description : ")
    for line in EXPECTED_LINES:
        assert line in text.splitlines(), text
    assert "Texte : " in text and "[-0.1-]{+0.2+}" in text


def test_one_generated_document_and_one_other(run, tmp_path):
    from generator.documents.write import deterministic_docx

    plain_doc = make_docx(tmp_path / "a.docx", OLD)
    embedded = tmp_path / "b.docx"
    embedded.write_bytes(
        deterministic_docx(
            plain_doc.read_bytes(),
            date="2024-03-15",
            core={},
            custom={},
            description=minimal_format_1(),
        )
    )
    result = run("diff", plain_doc, embedded)
    assert result.exit_code == 0, result.output
    assert "un seul des deux documents contient la description" in result.output


# --------------------------------------------------------------------------- bad input


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("contrat.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 504, "Word 97-2003 (.doc)"),
        ("contrat.pdf", b"%PDF-1.7\n", "est un PDF"),
        ("contrat.docx", b"PK\x03\x04 tronque", "est abîmé"),
        ("notes.txt", b"du texte", "n'est pas un document Word"),
    ],
)
def test_bad_documents_exit_2_in_french(run, tmp_path, name, content, message):
    bad = tmp_path / name
    bad.write_bytes(content)
    good = make_docx(tmp_path / "bon.docx", OLD)
    for args in ((bad, good), (good, bad)):
        result = run("diff", *args)
        assert result.exit_code == 2, result.output
        assert f"erreur : {bad}" in result.output and message in result.output


def test_password_protected_document_exits_2(run, tmp_path):
    good = make_docx(tmp_path / "bon.docx", OLD)
    result = run("diff", good, CAS / "diff" / "protege.docx")
    assert result.exit_code == 2
    assert "document protégé par mot de passe" in result.output


def test_missing_paths_and_mixed_kinds(run, tmp_path):
    good = make_docx(tmp_path / "bon.docx", OLD)
    missing = run("diff", good, tmp_path / "absent.docx")
    assert missing.exit_code == 2
    assert "erreur : fichier introuvable" in missing.output
    folder = write_territory(tmp_path / "t", minimal_format_1())
    mixed = run("diff", folder, good)
    assert mixed.exit_code == 2
    assert "pas l'un avec l'autre" in mixed.output
    alone = run("diff", good)
    assert alone.exit_code == 2
    assert "deux chemins à comparer" in alone.output


def test_redline_needs_documents_and_a_docx_name(run, tmp_path):
    a = write_territory(tmp_path / "a", minimal_format_1())
    b = write_territory(tmp_path / "b", edited())
    result = run("diff", a, b, "--redline", tmp_path / "r.docx")
    assert result.exit_code == 2
    assert "--suivi compare deux documents Word" in result.output
    old, new = pair(tmp_path)
    wrong = run("diff", old, new, "--redline", tmp_path / "r.pdf")
    assert wrong.exit_code == 2 and "nom de fichier en .docx" in wrong.output
    overwrite = run("diff", old, new, "--redline", new)
    assert overwrite.exit_code == 2 and "écraserait" in overwrite.output


def test_unreadable_description_exits_2(run, tmp_path):
    good = write_territory(tmp_path / "a", minimal_format_1())
    bad = write_territory(tmp_path / "b", minimal_format_1())
    (bad / "contrat.yaml").write_text("contrat: [version\n", encoding="utf-8")
    result = run("diff", good, bad)
    assert result.exit_code == 2
    assert "description illisible" in result.output


def test_help_is_french(run):
    result = run("diff", "--help")
    assert result.exit_code == 0
    assert "Utilisation : " in result.output and "diff [OPTIONS] ANCIEN [NOUVEAU]" in result.output
    assert "Code de sortie : 0 si les versions sont identiques" in result.output
    assert "Afficher cette aide et quitter." in result.output


def test_html_report_for_descriptions(run, tmp_path):
    a = write_territory(tmp_path / "a", minimal_format_1())
    b = write_territory(tmp_path / "b", edited())
    html = tmp_path / "rapport.html"
    result = run("diff", a, b, "--html", html)
    assert result.exit_code == 1
    page = html.read_text(encoding="utf-8")
    assert '<section id="description">' in page
    assert "Totaux qui ont changé" in page


def test_docx_package_is_still_valid_for_word(tmp_path):
    """The embedded description is declared like Word's own custom XML parts."""
    from generator.documents.write import deterministic_docx

    data = deterministic_docx(
        make_docx(tmp_path / "a.docx", OLD).read_bytes(),
        date="2024-03-15",
        core={},
        custom={},
        description=minimal_format_1(),
    )
    path = tmp_path / "b.docx"
    path.write_bytes(data)
    with zipfile.ZipFile(path) as package:
        names = package.namelist()
        rels = package.read("word/_rels/document.xml.rels").decode()
        types = package.read("[Content_Types].xml").decode()
    items = [n for n in names if n.startswith("customXml/item") and "Props" not in n]
    ours = [n for n in items if b"urn:cdv-quartiers-2030" in zipfile.ZipFile(path).read(n)]
    assert len(ours) == 1
    number = ours[0].removeprefix("customXml/item").removesuffix(".xml")
    assert f'Target="../customXml/item{number}.xml"' in rels
    assert f"customXml/_rels/item{number}.xml.rels" in names
    assert f'PartName="/customXml/itemProps{number}.xml"' in types
    docx.Document(path)  # python-docx opens it


def test_the_signed_version_compares_with_the_current_description(run, tmp_path):
    """What changed since signature: the snapshot cdv signer wrote is one side of cdv comparer;
    a snapshot edited by hand is refused, as cdv avenant refuses it."""
    import json

    root = tmp_path / "arras"
    shutil.copytree(ROOT / "contracts" / "arras", root)
    assert run("signer", root, "--date", "2024-06-12").exit_code == 0
    signed = root / "versions-signees" / "contrat.json"
    same = run("comparer", signed, root)
    assert same.exit_code == 0, same.text
    assert "Aucun changement dans la description." in same.text
    financing = root / "financements.yaml"
    text = financing.read_text(encoding="utf-8")
    financing.write_text(text.replace("montant: 150000", "montant: 160000", 1), encoding="utf-8")
    changed = run("comparer", signed, root)
    assert changed.exit_code == 1, changed.text
    assert "150\u202f000\xa0€ → 160\u202f000\xa0€ (+10\u202f000\xa0€)" in changed.text
    payload = json.loads(signed.read_text(encoding="utf-8"))
    payload["description"]["contrat"]["version"] = "9.9"
    signed.chmod(0o644)
    signed.write_text(json.dumps(payload), encoding="utf-8")
    tampered = run("comparer", signed, root)
    assert tampered.exit_code == 2
    assert "modifié à la main" in tampered.text
