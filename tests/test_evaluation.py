"""cdv evaluation 2027: the mid-term evaluation report skeleton, its figures from the data."""

from __future__ import annotations

import io
import shutil
from decimal import Decimal

import pytest
import yaml
from conftest import ROOT, load, table_rows
from docx import Document
from revoyure import evaluation_2027, sub

EXAMPLE = ROOT / "contracts" / "creil-sud-oise"


def _text(data: bytes) -> str:
    document = Document(io.BytesIO(data))
    cells = [c.text for t in document.tables for row in table_rows(t) for c in row.cells]
    text = "\n".join([p.text for p in document.paragraphs] + cells)
    return text.replace("\u202f", " ").replace("\xa0", " ")


def _rows(data: bytes) -> list[list[str]]:
    document = Document(io.BytesIO(data))
    return [
        [c.text.replace("\u202f", " ").replace("\xa0", " ") for c in row.cells]
        for t in document.tables
        for row in table_rows(t)
    ]


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    from click.testing import CliRunner

    from generator.cli.main import cli

    root = tmp_path_factory.mktemp("eval") / "creil-sud-oise"
    shutil.copytree(EXAMPLE, root)
    evaluation_2027(root)
    out = root.parent / "sortie"
    result = CliRunner().invoke(cli, ["evaluation", "2027", str(root), "--sortie", str(out)])
    assert result.exit_code == 0, result.output
    assert "3 questions, 5 indicateurs" in result.output
    path = out / "creil-sud-oise" / "evaluation-mi-parcours-2027.docx"
    return root, path.read_bytes()


def _fr(value, unit: str) -> str:
    text = f"{value:g}".replace(".", ",")
    return f"{text} %" if unit == "%" else f"{text} {unit}"


def test_each_indicator_shows_baseline_observed_2026_and_target_2027(report):
    """The three figures read straight from the YAML files (not through the tool's code)."""
    root, data = report
    evaluation = yaml.safe_load((root / "evaluation.yaml").read_text(encoding="utf-8"))
    dashboard = {i["id"]: i for i in evaluation["evaluation"]["indicateurs"]}
    orientations = yaml.safe_load((root / "orientations.yaml").read_text(encoding="utf-8"))
    for orientation in orientations["orientations"]:
        for objective in orientation.get("objectifs") or []:
            if (objective.get("indicateur") or {}).get("id"):
                dashboard.setdefault(objective["indicateur"]["id"], objective["indicateur"])
    observed = {}
    for year in (2025, 2026):  # the latest year wins
        suivi = yaml.safe_load((root / "suivi" / f"{year}.yaml").read_text(encoding="utf-8"))
        for row in suivi["indicateurs"]:
            observed[row["id"]] = (row["valeur"], year)
    rows = {r[0]: r for r in _rows(data)}
    cited = [i for q in evaluation["evaluation"]["cadre"] for i in q["indicateurs"]]
    assert len(cited) == 5
    for ident in cited:
        indicator = dashboard[ident]
        row = rows[indicator["libelle"]]
        unit = indicator["unite"]
        value, year = observed[ident]
        assert (
            row[1] == f"{_fr(indicator['valeur_reference'], unit)} ({indicator['annee_reference']})"
        )
        assert row[2] == _fr(value, unit) + ("" if year == 2026 else f" ({year})")
        assert row[3] == _fr(indicator["cible_2027"], unit)


def test_an_indicator_not_observed_in_2026_shows_its_last_value_with_its_year(report):
    _, data = report
    rows = {r[0]: r for r in _rows(data)}
    assert rows["Taux de pauvreté des habitants des QPV"][2] == "44,1 % (2025)"
    # from the 21 % baseline (2023) to 26 % in 2025, for a 30 % target: 56 % of the way
    assert rows["Part des demandeurs d'emploi des QPV en accompagnement renforcé"][4] == "56 %"


def test_planned_and_paid_money_since_2024(report):
    root, data = report
    financing = yaml.safe_load((root / "financements.yaml").read_text(encoding="utf-8"))
    planned = {2024: Decimal(0), 2025: Decimal(0), 2026: Decimal(0)}
    for op in financing["financements"]["operations"]:
        for funder in op["financeurs"]:
            if funder["forme"] == "pret":
                continue
            for year in funder["annees"]:
                if year["annee"] in planned:
                    planned[year["annee"]] += Decimal(str(year["montant"]))
    rows = {r[0]: r for r in _rows(data)}
    for year, amount in planned.items():
        assert rows[str(year)][1] == f"{int(amount):,} €".replace(",", " "), year
    assert rows["2026"][2] == "855 000 €"  # 450 000 + 405 000 paid in suivi/2026.yaml
    assert rows["2026"][4] == "suivi 2026"
    assert "Montants programmés au contrat" in _text(data)


def test_commitments_carried_out_and_the_pilot_fields(report):
    _, data = report
    text = _text(data)
    assert "au suivi 2026 : 1 réalisé(s) sur 3 (1 réalisé, 1 en cours, 1 reporté)" in text
    assert "Ludothèque ouverte en 2027." in text
    assert "Les évaluations de sixième progressent" in text  # the analysis the pilot wrote
    assert text.count("[À compléter par le pilote]") == 5  # 2 questions + 3 parts


def test_the_report_is_the_same_bytes_each_run(report, tmp_path):
    from generator.amendment.evaluation import make_evaluation
    from generator.description.load import load_territory
    from generator.documents.templates import load_template_set

    root, data = report
    _, again, _ = make_evaluation(root, load_territory(root), load_template_set(), 2027)
    assert again == data


def test_no_framework_says_what_to_write_and_writes_nothing(territory, run, tmp_path):
    root = territory()
    result = run("evaluation", "2027", root, "--sortie", tmp_path / "out")
    assert result.exit_code == 1
    assert "pas de cadre d'évaluation" in result.text and "evaluation.cadre" in result.text
    assert not (tmp_path / "out").exists()


def test_an_unknown_indicator_of_the_framework_is_located(tmp_path, run):
    root = tmp_path / "creil-sud-oise"
    shutil.copytree(EXAMPLE, root)
    evaluation_2027(root)
    sub(root / "evaluation.yaml", "[credits-cpo, taux-pauvrete]", "[credits-cpo, taux-pauvret]")
    result = run("validate", root)
    assert result.exit_code == 1
    assert "evaluation.yaml:" in result.text
    assert "l'indicateur « taux-pauvret » du cadre d'évaluation n'existe pas" in result.text
    assert "vouliez-vous dire « taux-pauvrete »" in result.text
    result = run("evaluation", "2027", root, "--sortie", tmp_path / "out")
    assert result.exit_code == 1 and not (tmp_path / "out").exists()
    # the error itself, located, then what to do
    assert "evaluation.yaml:" in result.text and "« taux-pauvret »" in result.text
    assert result.text.rstrip().endswith(
        "erreur : la description comporte des erreurs : corrigez-les avant d'écrire le rapport"
    )


def test_the_report_is_valid_ooxml(report, tmp_path):
    openxml_audit = pytest.importorskip("openxml_audit", reason="pip install -e '.[test]'")
    path = tmp_path / "evaluation.docx"
    path.write_bytes(report[1])
    assert openxml_audit.OpenXmlValidator().validate(str(path)).errors == []


def test_paid_money_is_counted_operation_by_operation_as_the_annual_review_does():
    """The follow-up file's amount for an operation wins over the ledger's `verse`; an operation
    the follow-up does not give keeps the ledger's; the evaluation adds them the same way."""
    from generator.amendment.evaluation import money
    from generator.description.load import load_territory
    from generator.documents import formatting
    from generator.followup import money as followup_money

    data = load_territory(ROOT / "contracts" / "creil-sud-oise").data
    ops = [
        op
        for op in data["financements"]["operations"]
        if any(y["annee"] == 2025 for f in op["financeurs"] for y in f["annees"])
        and op["financeurs"][0]["forme"] != "pret"
    ]
    first, second = ops[0], ops[1]
    year = next(y for y in first["financeurs"][0]["annees"] if y["annee"] == 2025)
    year["verse"] = 111
    only_second = {2025: {"operations": [{"id": second["id"], "verse": 222}]}}
    both = {
        2025: {
            "operations": [{"id": second["id"], "verse": 222}, {"id": first["id"], "verse": 333}]
        }
    }

    planned = followup_money.operations(data, 2025)
    assert followup_money.paid_of(planned[first["id"]], None) == Decimal(111)
    assert followup_money.paid_of(planned[first["id"]], {"id": first["id"], "verse": 333}) == 333

    rows = {r["annee"]: r for r in money(data, only_second, 2026)["lignes"]}
    assert rows["2025"]["verse"] == formatting.montant(Decimal(111 + 222))
    assert rows["2025"]["source"] == "suivi 2025 et registre des opérations"
    rows = {r["annee"]: r for r in money(data, both, 2026)["lignes"]}
    assert rows["2025"]["verse"] == formatting.montant(Decimal(333 + 222))
    assert rows["2025"]["source"] == "suivi 2025"
    rows = {r["annee"]: r for r in money(data, {}, 2026)["lignes"]}
    assert rows["2025"]["verse"] == formatting.montant(Decimal(111))
    assert rows["2025"]["source"] == "registre des opérations"
    assert rows["2024"]["verse"] == "non renseigné"


def test_the_template_check_and_the_reference_know_every_field_the_report_gets(report):
    """`cdv modeles verifier` and docs/variables.md read `sample_evaluation()`: it has every
    field of a real report."""
    from generator.amendment.evaluation import make_evaluation, sample_evaluation
    from generator.documents.templates import load_template_set
    from generator.maintenance.variables_entries import entries
    from generator.maintenance.variables_paths import path_text

    root, _ = report
    _, _, real = make_evaluation(root, load(root), load_template_set(), 2027)
    sample = sample_evaluation()
    assert sorted(real) == sorted(sample)

    def paths(value) -> set[str]:
        return {path_text(e.path) for e in entries({"evaluation_mi_parcours": value})}

    assert "evaluation_mi_parcours.financements.lignes[].valeurs.verse" in paths(real)
    assert paths(real) - paths(sample) == set()
