"""Local templates: a territory's `modeles/<nom>.docx` replaces that template of the set."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from click.testing import CliRunner
from docx import Document

from generator.cli.main import cli
from generator.documents.build import BUILT, UP_TO_DATE, build_territory
from generator.documents.templates import load_template_set, resolve_for_territory
from generator.documents.write import read_custom_properties

ROOT = Path(__file__).resolve().parent.parent
MINIMAL = ROOT / "contracts" / "minimal"


def _territory(tmp_path: Path) -> Path:
    root = tmp_path / "contracts" / "mon-agglo"
    shutil.copytree(MINIMAL, root)
    return root


def _local_template(root: Path, text: str, name: str = "contrat.docx") -> Path:
    document = Document()
    document.add_heading("Contrat de ville", level=1)
    document.add_paragraph(text)
    path = root / "modeles" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    document.save(str(path))
    return path


def _text(path: Path) -> str:
    return "\n".join(p.text for p in Document(str(path)).paragraphs)


def test_resolve_replaces_only_the_templates_it_names(tmp_path):
    templates = load_template_set()
    root = _territory(tmp_path)
    assert resolve_for_territory(templates, root) is templates  # no modeles/ folder
    local = _local_template(root, "Contrat local de {{ doc.epci }}")
    _local_template(root, "rien", name="contrat-ville.docx")
    (root / "modeles" / "~$contrat.docx").write_bytes(b"verrou de Word")
    resolved = resolve_for_territory(templates, root)
    by_id = {d.id: d for d in resolved.documents}
    assert by_id["contrat"].template == local
    assert resolved.overrides == {"contrat": "modeles/contrat.docx"}
    assert resolved.ignored_overrides == ["modeles/contrat-ville.docx"]
    assert resolved.origin(by_id["contrat"]) == "surcharge locale : modeles/contrat.docx"
    other = next(d for d in resolved.documents if d.id != "contrat")
    assert other.template.parent == templates.folder
    assert resolved.origin(other) == "jeu IREV"
    assert resolved.fingerprint != templates.fingerprint
    # resolving twice changes nothing
    assert resolve_for_territory(resolved, root).overrides == resolved.overrides


def test_the_build_uses_and_records_the_local_template(tmp_path):
    root = _territory(tmp_path)
    _local_template(root, "Contrat local de {{ doc.epci }}")
    output = tmp_path / "build"
    result = build_territory(root, output, load_template_set())
    assert result.status == BUILT, result.message
    contract = output / root.name / "contrat-de-ville.docx"
    assert "Contrat local de" in _text(contract)
    props = read_custom_properties(contract)
    assert props["cdv_modele_origine"] == "surcharge locale : modeles/contrat.docx"
    assert props["cdv_modele_fichier"] == "contrat.docx"
    assert props["cdv_modele_version"] == load_template_set().version
    annex = output / root.name / "annexe-3-financiere.docx"
    assert read_custom_properties(annex)["cdv_modele_origine"] == "jeu IREV"
    notes = {d.name: d.note for d in result.documents}
    assert "modèle : surcharge locale : modeles/contrat.docx" in notes["contrat-de-ville.docx"]
    assert "surcharge" not in notes["annexe-3-financiere.docx"]
    manifest = json.loads((output / root.name / "manifeste.json").read_text("utf-8"))
    assert manifest["modeles_locaux"] == {"contrat": "modeles/contrat.docx"}


def test_a_changed_or_removed_local_template_rebuilds(tmp_path):
    root = _territory(tmp_path)
    local = _local_template(root, "Première version")
    output = tmp_path / "build"
    templates = load_template_set()
    assert build_territory(root, output, templates).status == BUILT
    assert build_territory(root, output, templates).status == UP_TO_DATE
    _local_template(root, "Seconde version")
    assert build_territory(root, output, templates).status == BUILT
    assert "Seconde version" in _text(output / root.name / "contrat-de-ville.docx")
    local.unlink()
    assert build_territory(root, output, templates).status == BUILT
    contract = output / root.name / "contrat-de-ville.docx"
    assert "Seconde version" not in _text(contract)
    assert read_custom_properties(contract)["cdv_modele_origine"] == "jeu IREV"


def test_the_summary_of_cdv_build_names_the_local_template(tmp_path):
    root = _territory(tmp_path)
    _local_template(root, "Contrat local de {{ doc.epci }}")
    result = CliRunner().invoke(cli, ["build", str(root), "--output", str(tmp_path / "build")])
    assert result.exit_code == 0, result.output
    assert "modeles/contrat.docx" in result.output


def test_check_a_territory_checks_its_local_templates(tmp_path):
    root = _territory(tmp_path)
    _local_template(root, "Contrat local de {{ doc.epcii }}")
    _local_template(root, "rien", name="preambule.docx")
    result = CliRunner().invoke(cli, ["templates", "check", str(root)])
    assert result.exit_code == 1, result.output
    assert "champ inconnu « doc.epcii »" in result.output
    assert "modeles/contrat.docx" in result.output
    assert "preambule.docx" in result.output and "ne remplace aucun modèle" in result.output


# --------------------------------------------------------------------------- local parts


def _set_with_part(tmp_path: Path) -> Path:
    import yaml

    folder = tmp_path / "jeu"
    folder.mkdir()
    document = Document()
    document.add_heading("Préambule", level=1)
    document.add_paragraph("{#p partie : preambule #}")
    document.add_paragraph("Préambule commun à tous les territoires.")
    document.add_paragraph("{#p fin partie : preambule #}")
    document.add_paragraph("Suite du contrat de {{ doc.epci }}.")
    document.save(str(folder / "contrat.docx"))
    manifest = {
        "nom": "essai",
        "version": "1.0.0",
        "documents": [{"id": "contrat", "modele": "contrat.docx", "sortie": "contrat.docx"}],
    }
    (folder / "manifest.yaml").write_text(yaml.safe_dump(manifest), "utf-8")
    return folder


def _part(root: Path, *paragraphs: str, name: str = "preambule", link: bool = False) -> Path:
    document = Document()
    for text in paragraphs:
        document.add_paragraph(text)
    if link:
        from docx.opc.constants import RELATIONSHIP_TYPE
        from docx.oxml import parse_xml
        from docx.oxml.ns import nsdecls

        rid = document.part.relate_to("https://irev.fr", RELATIONSHIP_TYPE.HYPERLINK, True)
        paragraph = document.add_paragraph()
        paragraph._p.append(
            parse_xml(
                f'<w:hyperlink {nsdecls("w", "r")} r:id="{rid}"><w:r><w:t>IREV</w:t></w:r>'
                "</w:hyperlink>"
            )
        )
    path = root / "modeles" / "parties" / f"{name}.docx"
    path.parent.mkdir(parents=True, exist_ok=True)
    document.save(str(path))
    return path


def test_a_local_part_replaces_the_part_of_the_template(tmp_path):
    templates = load_template_set(_set_with_part(tmp_path))
    root = _territory(tmp_path)
    output = tmp_path / "build"
    assert build_territory(root, output, templates).status == BUILT
    text = _text(output / root.name / "contrat.docx")
    assert "Préambule commun" in text and "Suite du contrat" in text and "{#" not in text
    _part(root, "Notre préambule, propre à {{ doc.epci }}.", "Second paragraphe.")
    result = build_territory(root, output, templates)
    assert result.status == BUILT, result.message
    contract = output / root.name / "contrat.docx"
    text = _text(contract)
    assert "Notre préambule, propre à" in text and "Second paragraphe." in text
    assert "Préambule commun" not in text and "Suite du contrat" in text
    origin = read_custom_properties(contract)["cdv_modele_origine"]
    assert origin == "jeu de modèles essai ; parties locales : modeles/parties/preambule.docx"
    assert (
        "modeles/parties/preambule.docx"
        in {d.name: d.note for d in result.documents}["contrat.docx"]
    )
    manifest = json.loads((output / root.name / "manifeste.json").read_text("utf-8"))
    assert manifest["modeles_locaux"] == {"partie preambule": "modeles/parties/preambule.docx"}


def test_a_part_with_a_link_is_refused(tmp_path):
    templates = load_template_set(_set_with_part(tmp_path))
    root = _territory(tmp_path)
    _part(root, "Préambule.", link=True)
    result = build_territory(root, tmp_path / "build", templates)
    assert result.status == "échec"
    assert "ne peut apporter que du texte et des tableaux" in result.message


def test_check_a_territory_checks_its_parts(tmp_path):
    folder = _set_with_part(tmp_path)
    root = _territory(tmp_path)
    _part(root, "Préambule de {{ doc.epcii }}.")
    _part(root, "Rien.", name="conclusion")
    result = CliRunner().invoke(cli, ["templates", "check", "--modeles", str(folder), str(root)])
    assert result.exit_code == 1, result.output
    assert "modeles/parties/preambule.docx: erreur : champ inconnu « doc.epcii »" in result.output
    assert "aucun modèle n'a de partie « conclusion »" in result.output
    assert "parties possibles : preambule" in result.output


def test_broken_part_markers_are_errors(tmp_path):
    from generator.maintenance.check import check_set

    folder = _set_with_part(tmp_path)
    document = Document(str(folder / "contrat.docx"))
    document.add_paragraph("{#p partie : conclusion #}")
    document.save(str(folder / "contrat.docx"))
    result = check_set(folder)
    assert any("partie « conclusion » sans sa fin" in p.message for p in result.errors)


def test_the_shipped_contract_lets_a_territory_bring_its_own_preamble(tmp_path):
    templates = load_template_set()
    root = _territory(tmp_path)
    output = tmp_path / "build"
    assert build_territory(root, output, templates).status == BUILT
    contract = output / root.name / "contrat-de-ville.docx"
    shipped = _text(contract)
    assert "La loi n°\u00a02014" in shipped and "{#" not in shipped
    _part(root, "Le Pays de Laon s'engage, avec ses habitants, pour {{ doc.epci }}.")
    assert build_territory(root, output, templates).status == BUILT
    text = _text(contract)
    assert "Le Pays de Laon s'engage, avec ses habitants, pour" in text
    assert "La loi n°\u00a02014" not in text.split("Visas")[0].split("Préambule")[-1]
    assert "Visas" in text and "{#" not in text


def test_builds_with_a_local_part_reuse_one_cached_copy(tmp_path, monkeypatch):
    """Issue 17: every build with a local part used to leave a new ~45 KB copy of the template
    in $TMPDIR/cdv-modeles; the same template and parts now give one copy, reused."""
    import tempfile
    import time

    scratch = tmp_path / "tmp"
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    templates = load_template_set()
    root = _territory(tmp_path)
    _part(root, "Le Pays de Laon s'engage, avec ses habitants, pour {{ doc.epci }}.")
    output = tmp_path / "build"
    cache = scratch / "cdv-modeles"

    def copies() -> dict[Path, tuple[int, int]]:
        return {p: (p.stat().st_ino, p.stat().st_mtime_ns) for p in cache.rglob("*.docx")}

    assert build_territory(root, output, templates).status == BUILT
    first = copies()
    assert [p.name for p in first] == ["contrat.docx"]  # only the template the part changes
    assert first[next(iter(first))][0] and next(iter(first)).stat().st_size > 10_000
    contrat = root / "contrat.yaml"
    time.sleep(2.1)  # a zip entry dated by the clock (2 s steps) would change the copy's bytes
    for version in ("0.2", "0.3"):  # new inputs: the documents are rendered again
        contrat.write_text(
            contrat.read_text("utf-8").replace("version: ", f"version: '{version}' #", 1),
            "utf-8",
        )
        assert build_territory(root, output, templates, force=True).status == BUILT
        assert copies() == first  # the same file, neither rewritten nor copied again
    assert "Le Pays de Laon s'engage" in _text(output / root.name / "contrat-de-ville.docx")
    assert not list(cache.rglob("*.tmp"))
