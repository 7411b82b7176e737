"""Numbers are bounded by the schema (issue 17, item 10): `10**27` is a located validation
error, never a build failure blamed on the template nor a traceback in `cdv comparer`."""

from __future__ import annotations

import pytest
from conftest import line_of, minimal, write_territory
from test_bad_input import expect

HUGE = 10**27


def huge(where: str) -> dict:
    data = minimal()
    if where == "population":
        data["territoire"]["qpv"][0]["population"] = HUGE
    elif where == "montant":
        data["financements"]["operations"][0]["financeurs"][0]["annees"][0]["montant"] = HUGE
    elif where == "logements":
        data["tfpb"][0]["patrimoine"][0]["logements"] = HUGE
    else:
        data["tfpb"][0]["actions"][0]["couts"][0]["annee"] = HUGE
    return data


@pytest.mark.parametrize(
    ("where", "needle"),
    [
        ("population", "population: 1000000000000000000000000000"),
        ("montant", "montant: 1000000000000000000000000000"),
        ("logements", "logements: 1000000000000000000000000000"),
        ("annee", "annee: 1000000000000000000000000000"),
    ],
)
def test_a_huge_number_is_a_located_validation_error(run, tmp_path, where, needle):
    root = write_territory(tmp_path / "t", huge(where))
    line = line_of(root / "contrat.yaml", needle)
    result = run("validate", root)
    expect(result, root / "contrat.yaml", line, "est trop grand (au plus", "nombre de chiffres")


def test_a_huge_number_never_fails_the_build_nor_the_diff(run, tmp_path):
    root = write_territory(tmp_path / "t", huge("montant"))
    data = huge("population")
    data["financements"]["operations"][0]["financeurs"][0]["annees"][0]["montant"] = HUGE
    write_territory(root, data)
    result = run("build", root, "-o", tmp_path / "out")
    assert result.exit_code == 1
    assert "est trop grand" in result.output and "modèle" not in result.output, result.output
    drafted = run("build", root, "-o", tmp_path / "brouillon", "--draft")
    assert drafted.exit_code == 0, drafted.output
    old = write_territory(tmp_path / "ancien")
    compared = run("diff", old, root)
    assert compared.exit_code == 1, compared.output
    assert "1\u202f000\u202f000\u202f000\u202f000\u202f000" in compared.output


def test_ordinary_large_numbers_stay_valid(run, tmp_path):
    data = minimal()
    data["territoire"]["qpv"][0]["population"] = 250_000
    data["financements"]["operations"][0]["financeurs"][0]["annees"][0]["montant"] = 1_500_000_000
    result = run("validate", write_territory(tmp_path / "t", data))
    assert "trop grand" not in result.output, result.output
