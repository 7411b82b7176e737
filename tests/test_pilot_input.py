"""Day-one mistakes of a pilot writing a territory by hand (issue 12, points 1 to 4): each one
is reported once, where it is, with the spelling to use; nothing is silently reinterpreted.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import CAS, line_of, minimal, write_territory


def errors(result) -> list[str]:
    return [line for line in result.output.splitlines() if ": erreur : " in line]


def _with_raw_amount(root: Path, raw: str) -> Path:
    data = minimal()
    data["financements"]["operations"][0]["financeurs"][0]["annees"][0]["montant"] = "@@"
    write_territory(root, data, split=True)
    target = root / "financements.yaml"
    target.write_text(target.read_text(encoding="utf-8").replace("'@@'", raw), encoding="utf-8")
    return target


@pytest.mark.parametrize(
    ("raw", "fragments"),
    [
        ("150.000", ["montant « 150.000 » ambigu", "YAML le lit 150 €", "écrivez 150000"]),
        ("150000.505", ["plus de deux chiffres après le point", "150000.50", "pas arrondi"]),
        ("0150000", ["lu en octal", "écrivez 150000"]),
        ("1.5e+5", ["écrivez-le en chiffres", "150000.50"]),
    ],
)
def test_an_amount_is_never_silently_reinterpreted(run, tmp_path, raw, fragments):
    target = _with_raw_amount(tmp_path / "t", raw)
    result = run("validate", tmp_path / "t")
    assert result.exit_code == 1, result.output
    found = errors(result)
    # one problem, at the amount itself: no misleading « total annoncé » after it
    assert len(found) == 1, result.output
    line = line_of(target, raw)
    assert found[0].startswith(f"{target}:{line}:"), found
    assert "financements.operations[1].financeurs[1].annees[1].montant" in found[0]
    for fragment in fragments:
        assert fragment in found[0], found[0]


def test_the_amount_check_follows_the_schema_not_one_section(run, tmp_path):
    # the TFPB abatement is a `montant` of the schema too: the same check applies there
    data = minimal()
    data["tfpb"][0]["abattement_estime"][0]["montant"] = "@@"
    write_territory(tmp_path / "t", data, split=True)
    target = tmp_path / "t" / "tfpb" / "oise-habitat.yaml"
    target.write_text(target.read_text(encoding="utf-8").replace("'@@'", "300.000"), "utf-8")
    result = run("validate", tmp_path / "t")
    assert result.exit_code == 1
    assert len(errors(result)) == 1, result.output
    assert "tfpb[1].abattement_estime[1].montant — montant « 300.000 » ambigu" in result.output


def test_plain_amounts_stay_valid(run, tmp_path):
    target = _with_raw_amount(tmp_path / "t", "100000.00")
    assert run("validate", tmp_path / "t").exit_code == 0
    target.write_text(target.read_text(encoding="utf-8").replace("100000.00", "100000.0"), "utf-8")
    assert run("validate", tmp_path / "t").exit_code == 0


def test_the_static_case_of_a_french_thousands_dot(run, tmp_path):
    root = write_territory(tmp_path / "t", split=True)
    (root / "financements.yaml").write_bytes((CAS / "montant-point-milliers.yaml").read_bytes())
    result = run("validate", root)
    assert result.exit_code == 1
    assert f"{root / 'financements.yaml'}:8:16: erreur : " in result.output
    assert "écrivez 150000" in result.output


def test_a_french_number_written_as_text_gets_the_spelling_to_use(run, tmp_path):
    data = minimal()
    data["financements"]["operations"][0]["financeurs"][0]["annees"][0]["montant"] = "150 000,50"
    write_territory(tmp_path / "t", data)
    result = run("validate", tmp_path / "t")
    found = errors(result)
    assert len(found) == 1, result.output  # no cascade on the declared totals
    assert "pas le texte « 150 000,50 » ; écrivez 150000.50" in found[0]


def test_a_syntax_error_in_contrat_yaml_is_the_only_error(run, tmp_path):
    root = write_territory(tmp_path / "t", split=True)
    contrat = root / "contrat.yaml"
    text = contrat.read_text(encoding="utf-8").replace("statut: projet", "statut: 'projet")
    contrat.write_text(text, encoding="utf-8")
    result = run("validate", root)
    found = errors(result)
    # the real cause, where it is (the line of the opening quote), and no false
    # « champ obligatoire « contrat » manquant » at 1:1 before it
    assert len(found) == 1, result.output
    assert found[0].startswith(f"{contrat}:{line_of(contrat, 'statut:')}:"), found
    assert "guillemet non refermé" in found[0]
    assert "manquant" not in result.output


def test_a_misspelt_section_key_is_not_also_a_missing_section(run, tmp_path):
    data = minimal()
    data["gouvernace"] = data.pop("gouvernance")
    write_territory(tmp_path / "t", data, split=True)
    result = run("validate", tmp_path / "t")
    found = errors(result)
    assert len(found) == 1, result.output
    assert "clé inconnue « gouvernace » : vouliez-vous dire « gouvernance » ?" in found[0]
    assert "aucune instance de pilotage" not in result.output


def test_a_bad_credit_type_does_not_make_a_total_look_wrong(run, tmp_path):
    data = minimal()
    data["financements"]["operations"][0]["nature"] = "specifik"
    data["financements"]["totaux"].append(
        {"annee": 2024, "nature": "specifique", "montant": 150000}
    )
    write_territory(tmp_path / "t", data)
    result = run("validate", tmp_path / "t")
    found = errors(result)
    assert len(found) == 1, result.output
    assert "vouliez-vous dire « specifique » ?" in found[0]
    assert "total annoncé" not in result.output


def test_a_date_in_french_order_is_one_error_about_its_form(run, tmp_path):
    data = minimal()
    data["contrat"]["date"] = "12/03/2024"
    write_territory(tmp_path / "t", data)
    result = run("validate", tmp_path / "t")
    found = errors(result)
    assert len(found) == 1, result.output
    assert "n'est pas une date au format AAAA-MM-JJ" in found[0]
    assert "date impossible" not in result.output


def test_a_qpv_code_in_lower_case_is_read_as_the_code(run, tmp_path):
    # as `cdv init --qpv qn06001m` does: no error, no suggestion of another QPV, no file name
    # in lower case that does not match quartiers/QN06001M.yaml
    data = minimal()
    data["territoire"]["qpv"][0]["code"] = "qn06001m"
    data["participation"]["conseils_citoyens"][0]["qpv"] = ["Qn06001M"]
    write_territory(tmp_path / "t", data, split=True)
    result = run("validate", tmp_path / "t")
    assert result.exit_code == 0, result.output
    assert "inconnu" not in result.output
    assert "n'a pas de projet de quartier" not in result.output


def test_a_malformed_qpv_code_in_lower_case_says_how_to_write_it(run, tmp_path):
    data = minimal()
    data["diagnostic"] = {
        "indicateurs": [{"libelle": "Taux de pauvreté", "qpv": {"QN06001M": 40, "qn 06001m": 41}}]
    }
    write_territory(tmp_path / "t", data)
    result = run("validate", tmp_path / "t")
    assert result.exit_code == 1
    assert "« qn 06001m » n'est pas un code QPV" in result.output
