"""cdv avenant: articles one to one with the diff, TFPB avenant, consolidated version."""

from __future__ import annotations

import shutil

import pytest
from conftest import ROOT, load, minimal, table_rows
from docx import Document
from revoyure import signed_and_revised, sub

from generator.amendment.build_avenant import AvenantError, make_avenant
from generator.amendment.consolidated import strip_marks
from generator.amendment.snapshot import read_snapshots
from generator.compare.description import CHANGED, REMOVED, compare
from generator.documents.build import inputs_hash, render_documents
from generator.documents.templates import load_template_set


@pytest.fixture(scope="module")
def revised(tmp_path_factory):
    """Creil Sud Oise signed in 2024, then revised for 2027 (tests/revoyure.py)."""
    root = signed_and_revised(tmp_path_factory.mktemp("rev") / "creil-sud-oise")
    desc = load(root)
    templates = load_template_set()
    result = make_avenant(root, desc, read_snapshots(root), templates)
    return root, desc, templates, result


def _text(data: bytes) -> str:
    import io

    document = Document(io.BytesIO(data))
    cells = [c.text for t in document.tables for row in table_rows(t) for c in row.cells]
    text = "\n".join([p.text for p in document.paragraphs] + cells)
    return text.replace("\u202f", " ").replace("\xa0", " ")


def test_articles_cover_every_change_of_the_diff_once(revised):
    root, desc, _, result = revised
    diff = compare(read_snapshots(root)[0].description, desc.data)
    covered = [c for a in result.articles for c in a.changes]
    assert sorted(covered, key=repr) == sorted(diff.changes, key=repr)
    assert len(covered) == len(set(map(repr, covered)))
    assert all(a.changes for a in result.articles)
    # the Ville de Montataire's form swap is one change of its form, not a removal + an addition
    money = [c for c in diff.changes if c.path[0] == "financements"]
    assert REMOVED not in {c.kind for c in money}
    assert any(c.path[-1] == "forme" and c.kind == CHANGED for c in money)
    titles = [a.titre for a in result.articles]
    assert titles == [
        "Parties au contrat",
        "Emploi, insertion, formation et développement économique",
        "Les Martinets",
        "Moyens financiers",
        "Convention TFPB de Clésence",
    ]


def test_the_avenant_reads_in_legal_form(revised):
    _, _, _, result = revised
    text = _text(result.documents["avenant-1.docx"])
    assert "Bpifrance devient signataire du contrat." in text
    assert (
        "L'article 3.2 du contrat (« Emploi, insertion et développement économique ») est "
        "remplacé par les dispositions suivantes :" in text
    )
    assert (
        "Le tableau de l'article 7.2 du contrat" in text
        and "remplacé par le tableau ci-après" in text
    )
    assert (
        "le contrat de ville Contrat de ville Engagements Quartiers 2030 signé le 12 juin 2024"
        in text
    )
    assert "Depuis 2024, la place a été rénovée." in text  # the new text, quoted in full
    assert "Pour Bpifrance" in text


def test_the_tfpb_convention_gets_its_own_avenant_signed_by_its_parties(revised):
    _, _, _, result = revised
    text = _text(result.documents["avenant-1-tfpb-clesence.docx"])
    assert "Avenant n° 1 à la convention d'utilisation de l'abattement de TFPB" in text
    assert "Deux permanences hebdomadaires" in text
    assert "L'article 5 de la convention (« Programme d'actions ») est remplacé" in text
    assert "Pour Clésence" in text and "Pour Bpifrance" not in text


def _paths(name: str, value) -> set[str]:
    from generator.maintenance.variables_entries import entries
    from generator.maintenance.variables_paths import path_text

    return {path_text(e.path) for e in entries({name: value})}


def test_the_template_check_and_the_reference_know_every_field_the_avenants_get(revised):
    """`cdv modeles verifier` and docs/variables.md read AVENANT_SAMPLE: it has every field."""
    from generator.amendment.sample import AVENANT_SAMPLE

    _, _, _, result = revised
    assert sorted(result.variables) == ["avenant-1-tfpb-clesence.docx", "avenant-1.docx"]
    sample = _paths("avenant", AVENANT_SAMPLE)
    for name, variables in result.variables.items():
        assert list(variables) == list(AVENANT_SAMPLE), name
        assert _paths("avenant", variables) - sample == set(), name
    assert result.variables["avenant-1-tfpb-clesence.docx"]["annexes"] == []


def test_the_consolidated_contract_is_a_plain_build_apart_from_its_marks(revised):
    root, desc, templates, result = revised
    plain = render_documents(desc, templates, [], inputs_hash(root, templates, False))
    consolidated = result.documents["avenant-1-contrat-consolide.docx"]
    assert "Version consolidée intégrant l'avenant n° 1" in _text(consolidated)
    assert consolidated != plain["contrat-de-ville.docx"][0]
    assert strip_marks(consolidated) == plain["contrat-de-ville.docx"][0]


def test_no_change_no_avenant(territory, run, tmp_path):
    root = territory()
    assert run("signer", root, "--date", "2024-06-12").exit_code == 0
    result = run("avenant", root, "--sortie", tmp_path / "out")
    assert result.exit_code == 1 and "aucun avenant à écrire, rien n'est écrit" in result.text
    assert not (tmp_path / "out").exists()


def test_no_signed_version_says_how_to_record_it(territory, run, tmp_path):
    root = territory()
    result = run("avenant", root, "--sortie", tmp_path / "out")
    assert result.exit_code == 1 and "cdv signer" in result.text
    with pytest.raises(AvenantError):
        make_avenant(root, load(root), [], load_template_set())


def test_a_withdrawing_signatory_who_funds_is_noted(territory, run, tmp_path):
    data = minimal()
    data["signataires"].append({"id": "caf", "nom": "la CAF de l'Oise", "type": "caf"})
    data["engagements"].append({"signataire": "caf", "objectifs": [{"libelle": "Parentalité"}]})
    data["financements"]["operations"].append(
        {
            "id": "parentalite",
            "intitule": "Parentalité",
            "nature": "droit_commun",
            "orientation": "emploi",
            "repartition": "intercommunale",
            "financeurs": [
                {
                    "financeur": "caf",
                    "forme": "subvention",
                    "annees": [{"annee": 2026, "montant": 20000, "statut": "programme"}],
                }
            ],
        }
    )
    root = territory(data)
    assert run("signer", root, "--date", "2024-06-12").exit_code == 0
    territory(minimal())
    result = make_avenant(root, load(root), read_snapshots(root), load_template_set())
    text = _text(result.documents["avenant-1.docx"])
    assert "La CAF de l'Oise cesse d'être signataire du contrat." in text
    assert "se retire du contrat" in text
    # it funded an operation: the avenant says what becomes of it (from the ledger's funders)
    assert "les opérations qu'il finançait sont reprises ou réduites" in text


def test_a_snapshot_in_format_1_is_migrated_before_the_comparison(tmp_path):
    """Signed with a format-1 description, compared in 2027 with the same text read in format 2:
    the migration alone is no change; a real change still is one article."""
    from generator.amendment.snapshot import make_snapshot, record_snapshot
    from generator.description.load import load_territory

    root = tmp_path / "creil-sud-oise"
    shutil.copytree(ROOT / "tests" / "cas" / "format-1" / "creil-sud-oise", root)
    desc = load_territory(root)
    assert desc.source_data["format"] == 1 and desc.data["format"] == 2
    snapshot = make_snapshot(
        root,
        desc.source_data,
        "2024-06-12",
        template_set="engagements-quartiers-2030",
        template_version="1.0.0",
        tool_version="0.1.0",
    )
    record_snapshot(root, snapshot)
    templates = load_template_set()
    with pytest.raises(AvenantError, match="identique à la version signée le 12 juin 2024"):
        make_avenant(root, desc, read_snapshots(root), templates)
    sub(root / "orientations.yaml", "titre: Emploi, insertion et", "titre: Emploi et")
    result = make_avenant(root, load_territory(root), read_snapshots(root), templates)
    assert [a.titre for a in result.articles] == ["Emploi et développement économique"]


def test_a_removed_qpv_repeals_its_project_and_amends_the_geography(territory):
    """Signed with two QPV, revised with one: the geography is replaced, the project repealed."""
    import copy

    from generator.amendment.snapshot import make_snapshot, record_snapshot

    root = territory()
    signed = copy.deepcopy(load(root).data)
    signed["territoire"]["qpv"].append({"code": "QN06002M", "population": 4320})
    project = copy.deepcopy(signed["quartiers"][0])
    project["qpv"] = "QN06002M"
    signed["quartiers"].append(project)
    record_snapshot(
        root,
        make_snapshot(
            root,
            signed,
            "2024-06-12",
            template_set="engagements-quartiers-2030",
            template_version="1.2.0",
            tool_version="0.1.0",
        ),
    )
    result = make_avenant(root, load(root), read_snapshots(root), load_template_set())
    diff = compare(signed, load(root).data)
    covered = [c for a in result.articles for c in a.changes]
    assert sorted(covered, key=repr) == sorted(diff.changes, key=repr)
    text = _text(result.documents["avenant-1.docx"])
    assert "(« La géographie prioritaire ») est remplacé par les dispositions suivantes" in text
    assert "Les Martinets" in text and "est abrogé." in text


def test_the_avenant_documents_are_valid_ooxml(revised, tmp_path):
    openxml_audit = pytest.importorskip("openxml_audit", reason="pip install -e '.[test]'")
    _, _, _, result = revised
    errors = []
    for name, data in sorted(result.documents.items()):
        path = tmp_path / name
        path.write_bytes(data)
        found = openxml_audit.OpenXmlValidator().validate(str(path)).errors
        errors += [f"{name}: {e.part_uri} {e.description}" for e in found]
    assert errors == []
    assert len(result.documents) == 5
