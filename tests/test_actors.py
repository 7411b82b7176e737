"""Actors (`acteurs`): schema, SIREN check digit, RNA format, QPV of the territory, themes of
the shared list, unique identifiers, references from actions and commitments."""

from __future__ import annotations

from conftest import line_of, minimal, problems_of, write_territory

from generator.description.problems import ERREUR
from generator.description.rules_actors import siren_is_valid


def actor(**extra):
    base = {
        "id": "centre-social",
        "nom": "Centre social Brassens",
        "type": "association",
        "siren": "812345676",
        "qpv": ["QN06001M"],
        "themes": ["lien_social"],
    }
    base.update(extra)
    return base


def with_actors(*actors):
    data = minimal()
    data["acteurs"] = list(actors)
    return data


def errors(tmp_path, data):
    root = write_territory(tmp_path / "t", data, split=True)
    return root, [p for p in problems_of(root) if p.severity == ERREUR]


def test_siren_check_digit():
    assert siren_is_valid("200068047")  # Agglomération Creil Sud Oise
    assert siren_is_valid("812345676")
    assert not siren_is_valid("812345677")
    assert not siren_is_valid("81234567")


def test_valid_actor_gives_no_problem(tmp_path):
    _, found = errors(tmp_path, with_actors(actor()))
    assert found == []


def test_wrong_siren_check_digit_is_located(tmp_path):
    root, found = errors(tmp_path, with_actors(actor(siren="812345677")))
    assert len(found) == 1, found
    problem = found[0]
    assert "SIREN « 812345677 » n'est pas valide" in problem.message
    assert "clé de contrôle" in problem.message
    assert problem.file == str(root / "acteurs.yaml")
    assert problem.line == line_of(root / "acteurs.yaml", "812345677")


def test_rna_format(tmp_path):
    _, found = errors(tmp_path, with_actors(actor(rna="W60123")))
    assert len(found) == 1 and found[0].path[-1] == "rna", found


def test_actor_qpv_must_be_of_the_territory(tmp_path):
    _, found = errors(tmp_path, with_actors(actor(qpv=["QN00201M"])))
    assert any("QN00201M" in p.message and p.path[0] == "acteurs" for p in found), found


def test_theme_outside_the_shared_list(tmp_path):
    _, found = errors(tmp_path, with_actors(actor(themes=["jardinage"])))
    assert len(found) == 1 and "jardinage" in found[0].message, found


def test_duplicate_actor_id(tmp_path):
    root, found = errors(tmp_path, with_actors(actor(), actor(nom="Autre")))
    assert len(found) == 1, found
    assert "déclaré deux fois" in found[0].message
    lines = (root / "acteurs.yaml").read_text(encoding="utf-8").splitlines()
    second = [n for n, line in enumerate(lines, 1) if "id: centre-social" in line][1]
    assert found[0].line == second
    assert "la première à la ligne 2" in found[0].message


def test_references_from_actions_and_commitments_resolve(tmp_path):
    data = with_actors(actor())
    data["quartiers"][0]["actions"] = [
        {"libelle": "Ateliers", "acteurs_porteurs": ["centre-social"]},
        {"libelle": "Fête", "acteurs_partenaires": ["centre-sociale"]},
    ]
    root, found = errors(tmp_path, data)
    assert len(found) == 1, found
    assert "l'acteur « centre-sociale » est inconnu" in found[0].message
    assert "vouliez-vous dire « centre-social »" in found[0].message
    assert found[0].file.endswith("QN06001M.yaml")


def test_examples_use_actors():
    from conftest import ROOT

    from generator.description.load import load_territory

    desc = load_territory(ROOT / "contracts" / "creil-sud-oise")
    assert {a["id"] for a in desc.data["acteurs"]} >= {"centre-social-rouher", "unis-cite-hdf"}
    assert problems_of(ROOT / "contracts" / "creil-sud-oise") == []


def test_beneficiary_of_a_ledger_operation_names_a_declared_actor(tmp_path):
    data = with_actors(actor())
    operations = data["financements"]["operations"]
    assert operations, "the minimal description has ledger operations"
    operations[0]["beneficiaire"] = {"nom": "Centre social Brassens", "acteur": "centre-social"}
    _, found = errors(tmp_path / "bon", data)
    assert found == []
    operations[0]["beneficiaire"]["acteur"] = "centre-socia"
    root, found = errors(tmp_path / "faux", data)
    assert len(found) == 1, found
    assert "l'acteur « centre-socia » est inconnu" in found[0].message
    assert "vouliez-vous dire « centre-social »" in found[0].message
    assert found[0].file == str(root / "financements.yaml")
    assert found[0].line == line_of(root / "financements.yaml", "acteur: centre-socia")
