"""`cdv modeles verifier`: every defect of the corpus is found, located in Word terms, and the
shipped templates pass."""

from __future__ import annotations

import importlib.util
import json
import shutil
import sys
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from docx import Document

from generator.cli.main import cli
from generator.documents.templates import DEFAULT_SET, TEMPLATES_DIR
from generator.maintenance.check import check_file, check_set

CORPUS = Path(__file__).resolve().parent / "cas" / "modeles" / "corpus.py"


def _corpus():
    spec = importlib.util.spec_from_file_location("corpus_modeles", CORPUS)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


corpus = _corpus()


@pytest.mark.parametrize("case", corpus.CASES, ids=[c.name for c in corpus.CASES])
def test_each_broken_template_is_reported_with_its_place(case, tmp_path):
    path = corpus.build(case, tmp_path)
    problems = check_file(path, case.for_each)
    found = [p for p in problems if case.message in p.message]
    assert found, "\n".join(p.format() for p in problems)
    problem = found[0]
    assert problem.severity == case.severity
    assert problem.where is not None
    where = problem.where.describe()
    for fragment in case.where:
        assert fragment in where, problem.format()
    text = "\n".join(p.format() for p in problems)
    for fragment in case.others:
        assert fragment in text
    # one defect, one problem (the check does not bury the defect under consequences)
    errors = [p for p in problems if p.is_error]
    assert len(errors) <= (2 if case.name in ("blocs-croises", "tr-hors-tableau") else 1), text


def _template(tmp_path: Path, *paragraphs: str, name: str = "modele.docx") -> Path:
    document = Document()
    document.add_heading("Partie", level=1)
    for text in paragraphs:
        document.add_paragraph(text)
    path = tmp_path / name
    document.save(str(path))
    return path


def test_a_correct_template_has_no_problem(tmp_path):
    path = _template(
        tmp_path,
        "{{ doc.titre }} — {{ doc.mention }} — {{ doc.date|date_fr }}",
        "{% set n = territoire.qpv|length %}{{ n }} quartiers ; {{ population_qpv|nombre }}",
        "{%p for q in territoire.qpv %}",
        "{{ loop.index }}. {{ q.libelle }} ({{ q.code }}), {{ q.communes_noms }}",
        "{%p if q.projet %}",
        "{{ q.projet.portrait|texte }}",
        "{%p endif %}",
        "{%p endfor %}",
        "{%p for i in diagnostic.indicateurs %}",
        "{% for code, valeur in i.qpv.items() %}{{ code }} : {{ valeur|nombre }}{% endfor %}",
        "{% for q in territoire.qpv %}{{ i.qpv[q.code]|default('—') }}{% endfor %}",
        "{%p endfor %}",
        "{{ signataires|selectattr('type', 'equalto', 'commune')"
        "|map(attribute='nom')|join(', ') }}",
        "{% for s in signataires_signant %}{{ s.nom|majuscule }}"
        "{% if s.engagement %}{{ s.engagement.signataire_info.nom }}{% endif %}{% endfor %}",
        "{{ finances.lignes|sum(attribute='montant_dec')|montant }} {{ territoire.qpv[0].code }}",
        "{{ doc.epci.upper() }} {{ 'x'|upper }} {{ range(3)|list|length }}",
        "{% with t = finances.par_type %}{{ t.total|montant }}{% endwith %}",
        "{{ sommaire }}",
    )
    problems = check_file(path)
    assert problems == [], "\n".join(p.format() for p in problems)


def test_all_problems_are_reported_in_one_run(tmp_path):
    path = _template(
        tmp_path,
        "{{ territoire.nomm }}",
        "{{ finances.total|montnat }}",
        "{{ doc.titre ) }}",
        "{%p if doc.projet %}",
    )
    messages = [p.message for p in check_file(path)]
    assert any("territoire.nomm" in m for m in messages)
    assert any("montnat" in m for m in messages)
    assert any("erreur de syntaxe" in m for m in messages)
    assert any("jamais fermé" in m for m in messages)


def test_tfpb_documents_know_the_convention(tmp_path):
    path = _template(
        tmp_path, "{{ convention.bailleur_info.nom }} {{ convention.total_logements }}"
    )
    assert check_file(path, "tfpb") == []
    assert check_file(path, None)


# --------------------------------------------------------------------------- sets


def _small_set(tmp_path: Path, *paragraphs: str, extra: dict | None = None) -> Path:
    folder = tmp_path / "jeu"
    folder.mkdir(parents=True)
    _template(folder, *paragraphs, name="contrat.docx")
    manifest = {
        "nom": "essai",
        "version": "1.0.0",
        "documents": [{"id": "contrat", "modele": "contrat.docx", "sortie": "contrat.docx"}],
        **(extra or {}),
    }
    (folder / "manifest.yaml").write_text(yaml.safe_dump(manifest, allow_unicode=True), "utf-8")
    return folder


def test_fields_that_no_template_shows_are_warnings(tmp_path):
    folder = _small_set(tmp_path, "{{ territoire.epci.nom }}")
    result = check_set(folder)
    assert result.valid
    unused = [p.message for p in result.warnings if "montré par aucun modèle" in p.message]
    assert any("« territoire.epci.siren » (SIREN de l'EPCI)" in m for m in unused)
    assert not any("« territoire.epci.nom »" in m for m in unused)
    # a field read through a loop variable counts, and so does one read through a copy
    folder = _small_set(
        tmp_path / "b",
        "{%p for q in territoire.qpv %}",
        "{{ q.population }} {{ doc.epci }}",
        "{%p endfor %}",
        extra={"champs_non_affiches": ["territoire.epci.siren"]},
    )
    unused = " ".join(p.message for p in check_set(folder).warnings)
    assert "territoire.qpv[].population" not in unused
    assert "« territoire.epci.nom »" not in unused
    assert "territoire.epci.siren" not in unused
    assert "territoire.epci.sigle" in unused


def test_a_template_changed_without_a_new_version_is_caught(tmp_path):
    folder = _small_set(tmp_path, "{{ doc.titre }}")
    result = check_set(folder)
    assert any("pas de fichier versions.lock" in p.message for p in result.warnings)
    result = check_set(folder, update_lock=True)
    assert result.lock_written == folder / "versions.lock"
    assert check_set(folder).valid
    assert not any("versions.lock" in p.message for p in check_set(folder).problems)
    # the template is edited, the version is not
    _template(folder, "{{ doc.titre }} modifié", name="contrat.docx")
    result = check_set(folder)
    errors = [p for p in result.errors if "sans nouvelle version" in p.message]
    assert errors and "passez la version du manifeste de 1.0.0 à 1.0.1" in errors[0].message
    assert errors[0].file.endswith("contrat.docx")
    # --mettre-a-jour does not paper over it
    assert check_set(folder, update_lock=True).lock_written is None
    assert not check_set(folder).valid
    # a new version: a reminder, then the lock follows
    manifest = yaml.safe_load((folder / "manifest.yaml").read_text("utf-8"))
    manifest["version"] = "1.0.1"
    (folder / "manifest.yaml").write_text(yaml.safe_dump(manifest), "utf-8")
    result = check_set(folder)
    assert result.valid and any("nouvelle version 1.0.1" in p.message for p in result.warnings)
    assert check_set(folder, update_lock=True).lock_written is not None
    assert 'version: "1.0.1"' in (folder / "versions.lock").read_text("utf-8")
    assert check_set(folder).valid
    # a version that goes down is refused
    manifest["version"] = "0.9.0"
    (folder / "manifest.yaml").write_text(yaml.safe_dump(manifest), "utf-8")
    assert any("plus ancienne" in p.message for p in check_set(folder).errors)


def test_the_shipped_templates_pass():
    result = CliRunner().invoke(cli, ["modeles", "verifier"])
    assert result.exit_code == 0, result.output
    assert "✔" in result.output


def test_the_shipped_set_has_no_warning_at_all():
    """IREV reads every warning of its own set: 31 were printed for fields read only in format
    1 (converted, the ledger is what the documents show) or on purpose kept out of the
    documents; the format-1 fields are left out by their description, the others are listed
    in the manifest with the reason."""
    result = CliRunner().invoke(cli, ["modeles", "verifier", "--strict"])
    assert result.exit_code == 0, result.output
    assert "avertissement" not in result.output


def test_cli_exit_codes_and_json(tmp_path):
    broken = _template(tmp_path, "{{ territoire.nomm }}")
    result = CliRunner().invoke(cli, ["templates", "check", str(broken)])
    assert result.exit_code == 1
    assert "champ inconnu « territoire.nomm »" in result.output
    assert "paragraphe 2" in result.output
    result = CliRunner().invoke(cli, ["templates", "check", "--format", "json", str(broken)])
    payload = json.loads(result.output)
    assert payload[0]["erreurs"] == 1
    assert "paragraphe 2" in payload[0]["problemes"][0]["emplacement"]
    result = CliRunner().invoke(cli, ["templates", "check", str(tmp_path / "absent")])
    assert result.exit_code == 2
    folder = _small_set(tmp_path, "{{ doc.titre }}")
    result = CliRunner().invoke(cli, ["templates", "check", "--strict", str(folder)])
    assert result.exit_code == 1  # the warnings count
    result = CliRunner().invoke(cli, ["templates", "check", "--mettre-a-jour", str(folder)])
    assert result.exit_code == 0 and "versions.lock" in result.output


def test_the_shipped_set_is_checked_with_its_manifest(tmp_path):
    folder = tmp_path / DEFAULT_SET
    shutil.copytree(TEMPLATES_DIR / DEFAULT_SET, folder)
    (folder / "versions.lock").unlink(missing_ok=True)
    result = check_set(folder)
    assert result.valid, "\n".join(p.format() for p in result.errors)
    assert len(result.documents) >= 2
