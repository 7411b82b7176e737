"""Missing data in the diagnostic: a value that does not exist is written with a marker (nd,
secret, so) and printed with its label (« n.d. », « secret statistique »), never as a blank
cell; a value left out stays blank and is reported as a warning.
"""

from __future__ import annotations

import json

import pytest
from conftest import CAS, Cli, line_of, minimal, write_territory
from test_documents import CONTRACT, norm, read_docx

from generator.description.missing import MISSING
from generator.description.schema import load_schema
from generator.documents.render import valeur

INDICATOR = "Taux de pauvreté"


@pytest.fixture
def cli():
    return Cli()


def _with_diagnostic(epci, qpv: dict | None) -> dict:
    data = minimal()
    indicator = {"libelle": INDICATOR, "unite": "%", "source": "INSEE", "annee": 2021}
    if epci is not None:
        indicator["epci"] = epci
    if qpv is not None:
        indicator["qpv"] = qpv
    data["diagnostic"] = {"indicateurs": [indicator]}
    return data


def _diagnostic_row(path) -> list[str]:
    for table in read_docx(path).tables:
        for row in table:
            if row and norm(row[0]).startswith(INDICATOR):
                return [norm(cell) for cell in row]
    raise AssertionError("pas de ligne « Taux de pauvreté » dans le tableau du diagnostic")


def test_the_schema_markers_are_the_ones_the_documents_print():
    marker = load_schema()["$defs"]["valeur_observee"]
    assert marker["anyOf"][1]["enum"] == list(MISSING)
    assert [valeur(code, "%") for code in MISSING] == ["n.d.", "secret statistique", "s.o."]
    assert norm(valeur(34.2, "%")) == "34,2%"


def test_missing_data_is_printed_with_its_label_never_a_blank_cell(tmp_path, cli):
    root = write_territory(
        tmp_path / "contracts" / "t", _with_diagnostic("nd", {"QN06001M": "secret"})
    )
    validated = cli("validate", root)
    assert validated.exit_code == 0, validated.text
    assert "avertissement" not in validated.text  # written on purpose: nothing to report
    out = tmp_path / "out"
    assert cli("build", root, "--sortie", out).exit_code == 0
    row = _diagnostic_row(out / "t" / CONTRACT)
    assert row[1:] == ["n.d.", "secret statistique"]


def test_a_value_left_out_stays_blank_and_is_reported(tmp_path, cli):
    root = write_territory(tmp_path / "contracts" / "t", _with_diagnostic(15.8, {}))
    result = cli("validate", root)
    assert result.exit_code == 0, result.text
    file = root / "contrat.yaml"
    assert (
        f"{file}:{line_of(file, 'qpv: {}')}:" in result.text
        and "avertissement : diagnostic.indicateurs[1].qpv — « Taux de pauvreté » : pas de "
        "valeur pour QN06001M (la case restera vide) : écrivez la valeur, ou nd (donnée non "
        "disponible), secret (donnée couverte par le secret statistique), so (sans objet)"
    ) in result.text
    out = tmp_path / "out"
    build = cli("build", root, "--sortie", out)
    assert build.exit_code == 0 and "pas de valeur pour QN06001M" in build.text
    row = _diagnostic_row(out / "t" / CONTRACT)
    assert row[1:] == ["15,8%", ""]  # a forgotten entry is not taken for missing data


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("n.d.", "Valeur pour l'EPCI : écrivez nd (imprimé « n.d. »), pas « n.d. »"),
        ("ND", "Valeur pour l'EPCI : écrivez nd (imprimé « n.d. »), pas « ND »"),
        (
            "Secret statistique",
            "Valeur pour l'EPCI : écrivez secret (imprimé « secret statistique »), pas "
            "« Secret statistique »",
        ),
        (
            "15,8",
            "Valeur pour l'EPCI : un nombre est attendu, pas le texte « 15,8 » ; écrivez 15.8 (en "
            "chiffres, sans espace, un point pour la virgule)",
        ),
        (
            "beaucoup",
            "Valeur pour l'EPCI : un nombre est attendu, pas le texte « beaucoup » ; si la donnée "
            "manque, écrivez nd (imprimé « n.d. » : donnée non disponible), secret (imprimé "
            "« secret statistique » : donnée couverte par le secret statistique), so (imprimé "
            "« s.o. » : sans objet)",
        ),
    ],
)
def test_a_marker_written_another_way_gets_the_spelling_to_use(tmp_path, cli, written, expected):
    root = write_territory(tmp_path / "t", _with_diagnostic(written, {"QN06001M": 31.5}))
    before = (root / "contrat.yaml").read_bytes()
    result = cli("validate", root, "--format", "json")
    assert result.exit_code == 1
    problems = json.loads(result.output)[0]["problemes"]
    assert [p["message"] for p in problems] == [expected]
    assert problems[0]["champ"] == "diagnostic.indicateurs[1].epci"
    assert (root / "contrat.yaml").read_bytes() == before


def test_the_static_case_of_markers_written_as_printed(cli, tmp_path):
    root = write_territory(tmp_path / "t", split=True)
    (root / "diagnostic.yaml").write_bytes((CAS / "diagnostic-donnee-manquante.yaml").read_bytes())
    result = cli("validate", root)
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    file = root / "diagnostic.yaml"
    assert f"{file}:7:13: erreur : diagnostic.indicateurs[1].epci — " in result.output
    assert "écrivez nd (imprimé « n.d. »), pas « n.d. »" in result.output
    assert f"{file}:9:19: erreur : diagnostic.indicateurs[1].qpv.QN06001M — " in result.output
    assert "écrivez secret (imprimé « secret statistique »)" in result.output
