"""Issue 17: what the YAML parser and the template sandbox say in English reaches the pilot in
French (where, what, how to fix), for the hostile inputs of tests/cas/."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from conftest import CAS, ROOT, write_territory
from docx import Document

# words of the parsers' English messages that must never reach a pilot
ENGLISH = re.compile(
    r"while scanning|while parsing|could not find|did not find|found character|expected|"
    r"cannot start|token|unsafe|access to attribute|object is|mapping|scalar|anchor|unknown|"
    r"occurrence|document start|node content",
    re.IGNORECASE,
)

YAML_CASES = [
    pytest.param("yaml-cle-simple.yaml", 5, ["deux-points attendu", "clé: valeur"], id="cle"),
    pytest.param("yaml-bloc-litteral.yaml", 4, ["« | » ou « > »", "ligne suivante"], id="bloc"),
    pytest.param("yaml-directive.yaml", 2, ["« % »", "entre guillemets"], id="directive"),
    pytest.param("yaml-etiquette.yaml", 4, ["« ! »", "entre guillemets"], id="etiquette"),
    pytest.param("yaml-ancre-double.yaml", 6, ["même nom", "nom différent"], id="ancre"),
    pytest.param("yaml-apres-fin.yaml", 7, ["« ... »", "supprimez"], id="apres-fin"),
    pytest.param("yaml-crochet-fermant.yaml", 4, ["« ] »", "entre guillemets"], id="crochet"),
    pytest.param("yaml-caractere-initial.yaml", 4, ["« % »", "entre guillemets"], id="initial"),
]


@pytest.mark.parametrize(("name", "line", "fragments"), YAML_CASES)
def test_yaml_parser_errors_are_french_and_located(run, tmp_path, name, line, fragments):
    root = write_territory(tmp_path / "t", split=True)
    target = root / "gouvernance.yaml"
    target.write_bytes((CAS / name).read_bytes())
    result = run("validate", root)
    assert result.exit_code == 1, result.output
    errors = [out for out in result.output.splitlines() if ": erreur : " in out]
    assert len(errors) == 1, result.output
    assert errors[0].startswith(f"{target}:{line}:"), errors[0]
    assert "syntaxe YAML" in errors[0] and all(f in errors[0] for f in fragments), errors[0]
    assert not ENGLISH.search(errors[0]), errors[0]
    assert "invalide (" not in errors[0]  # the parser's words are no longer quoted


def test_an_unexplained_parser_error_gives_french_advice_without_english():
    import yaml

    from generator.description.yaml_reader import _Loader, _syntax_problem

    text = "a: !<x\n"  # any marked error: the fallback is tested by removing its entry
    with pytest.raises(yaml.MarkedYAMLError) as error:
        yaml.compose(text, Loader=_Loader)
    error.value.context = "while frobnicating a widget"
    error.value.problem = "found something nobody expected"
    problem = _syntax_problem("f.yaml", error.value, text)
    assert problem.message.startswith("syntaxe YAML : syntaxe YAML invalide à cet endroit")
    assert "indentation" in problem.message and not ENGLISH.search(problem.message)


def _template_set(tmp_path: Path) -> Path:
    folder = tmp_path / "jeu"
    shutil.copytree(ROOT / "templates" / "engagements-quartiers-2030", folder)
    return folder


def test_a_broken_template_manifest_is_explained_in_french(run, tmp_path):
    folder = _template_set(tmp_path)
    (folder / "manifest.yaml").write_bytes((CAS / "jeu-manifeste-casse.yaml").read_bytes())
    root = write_territory(tmp_path / "t")
    result = run("build", root, "--sortie", tmp_path / "out", "--modeles", folder)
    assert result.exit_code != 0
    assert "manifeste de modèles illisible" in result.output, result.output
    assert re.search(r"ligne \d+, colonne \d+ : syntaxe YAML : liste entre crochets", result.output)
    assert not ENGLISH.search(result.output.split("manifeste de modèles illisible")[1])
    assert "Traceback" not in result.output


def test_a_broken_glossary_is_explained_in_french(run, tmp_path):
    folder = _template_set(tmp_path)
    (folder / "glossaire.yaml").write_bytes((CAS / "jeu-glossaire-casse.yaml").read_bytes())
    root = write_territory(tmp_path / "t")
    result = run("build", root, "--sortie", tmp_path / "out", "--modeles", folder)
    assert result.exit_code != 0, result.output
    assert "glossaire du jeu de modèles illisible" in result.output, result.output
    assert "ligne 3, colonne" in result.output and "deux-points inattendu" in result.output
    assert "Traceback" not in result.output and not ENGLISH.search(result.output)


def _forbidden_tags() -> list[str]:
    lines = (CAS / "balises-interdites.txt").read_text("utf-8").splitlines()
    return [line for line in lines if line.strip() and not line.startswith("#")]


@pytest.mark.parametrize("tag", _forbidden_tags())
def test_a_tag_the_sandbox_refuses_is_explained_in_french(run, tmp_path, tag):
    root = write_territory(tmp_path / "t")
    document = Document()
    document.add_paragraph(tag)
    part = root / "modeles" / "parties" / "preambule.docx"
    part.parent.mkdir(parents=True)
    document.save(str(part))
    result = run("build", root, "--sortie", tmp_path / "out")
    assert result.exit_code != 0, result.output
    line = next(out for out in result.output.splitlines() if "bac à sable" in out)
    assert "modèle contrat.docx" in line and "supprimez ou corrigez cette balise" in line
    assert "docs/variables.md" in line
    assert not ENGLISH.search(line), line
    assert "illisible ou cassé" not in result.output and "Traceback" not in result.output


def test_what_ruamel_refuses_in_cdv_migrer_is_french_and_changes_nothing(
    run, tmp_path, monkeypatch
):
    """A tab before a comment: the reader of cdv valider accepts it, ruamel.yaml (which
    cdv migrer uses to keep the comments when the quick way on the text is not sure) refuses
    it — that used to be a traceback."""
    from generator.ledger import migrate_text

    monkeypatch.setattr(migrate_text, "rewrite", lambda *args: None)  # the careful way only
    root = tmp_path / "minimal"
    shutil.copytree(CAS / "format-1" / "minimal", root)
    (root / "contrat.yaml").write_bytes((CAS / "migrer-tabulation-commentaire.yaml").read_bytes())
    before = {p: p.read_bytes() for p in root.rglob("*") if p.is_file()}
    assert run("validate", root).exit_code == 0
    result = run("migrer", root)
    assert result.exit_code == 1, result.output
    assert f"{root / 'contrat.yaml'}:10:17: syntaxe YAML : tabulation" in result.output
    assert "rien n'a été modifié" in result.output
    assert "Traceback" not in result.output and not ENGLISH.search(result.output)
    assert {p: p.read_bytes() for p in root.rglob("*") if p.is_file()} == before


def test_the_quick_way_of_cdv_migrer_reads_what_cdv_validate_reads(run, tmp_path):
    """The same tab before a comment: the edit made on the text itself keeps the line as the
    pilot wrote it, tab and comment."""
    root = tmp_path / "minimal"
    shutil.copytree(CAS / "format-1" / "minimal", root)
    (root / "contrat.yaml").write_bytes((CAS / "migrer-tabulation-commentaire.yaml").read_bytes())
    result = run("migrer", root)
    assert result.exit_code == 0, result.output
    text = (root / "contrat.yaml").read_text(encoding="utf-8")
    assert 'version: "0.1"\t# version du projet' in text and "\nformat: 2\n" in text
    assert run("validate", root).exit_code == 0
