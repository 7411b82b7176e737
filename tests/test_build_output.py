"""What `cdv produire` tells a pilot: every error and warning with its place, the same on an
incremental run, an honest status after `--remplacer`, and the new version of a hand-edited
document that waits beside it.
"""

from __future__ import annotations

import docx
import pytest
from conftest import Cli, minimal, write_territory

CONTRACT = "contrat-de-ville.docx"


@pytest.fixture
def cli():
    return Cli()


def _two_warnings_one_error() -> dict:
    data = minimal()
    # two warnings: signing communes outside the territory
    for insee in ("60414", "60463"):
        data["signataires"].append(
            {"id": f"commune-{insee}", "nom": f"Commune {insee}", "type": "commune", "insee": insee}
        )
        data["engagements"].append(
            {"signataire": f"commune-{insee}", "objectifs": [{"libelle": "Droit commun"}]}
        )
    return data


def _lines(text: str, severity: str) -> list[str]:
    return [line for line in text.splitlines() if f": {severity} : " in line]


def test_cdv_build_lists_every_error_and_warning(tmp_path, cli):
    data = _two_warnings_one_error()
    data["financements"]["operations"][0]["orientation"] = "sante"  # one error
    root = write_territory(tmp_path / "contracts" / "t", data)
    out = tmp_path / "out"

    result = cli("build", root, "--sortie", out)
    assert result.exit_code == 1
    assert "Traceback" not in result.text
    warnings = _lines(result.text, "avertissement")
    errors = _lines(result.text, "erreur")
    assert len(warnings) == 2 and len(errors) == 1, result.text
    assert all(line.startswith(f"{root / 'contrat.yaml'}:") for line in warnings + errors)
    assert (
        "la commune 60414 signe le contrat mais n'est pas dans territoire.communes" in (warnings[0])
    )
    assert "la commune 60463 signe le contrat" in warnings[1]
    assert "l'orientation « sante » inconnue : déclarez-la dans orientations" in errors[0]
    row = next(line for line in result.text.splitlines() if line.startswith("t "))
    assert row.split() == ["t", "non", "construit", "0", "0", "1", "2"]
    assert not list((out / "t").glob("*.docx")) if (out / "t").exists() else True


def test_an_incremental_run_shows_the_warnings_of_the_description(tmp_path, cli):
    root = write_territory(tmp_path / "contracts" / "t", _two_warnings_one_error())
    out = tmp_path / "out"
    first = cli("build", root, "--sortie", out)
    assert first.exit_code == 0, first.text
    second = cli("build", root, "--sortie", out)  # nothing changed: nothing is rebuilt
    assert second.exit_code == 0
    assert "[1/1] t : à jour" in second.text
    assert _lines(second.text, "avertissement") == _lines(first.text, "avertissement")
    assert len(_lines(second.text, "avertissement")) == 2
    row = next(line for line in second.text.splitlines() if line.startswith("t "))
    assert row.split() == ["t", "à", "jour", "0", "3", "0", "2"]
    assert "Rien à reproduire : tout est à jour." in second.text


def test_replacing_when_nothing_changed_does_not_claim_a_build(tmp_path, cli):
    root = write_territory(tmp_path / "contracts" / "t")
    out = tmp_path / "out"
    assert cli("build", root, "--sortie", out).exit_code == 0
    before = {p.name: p.read_bytes() for p in (out / "t").iterdir()}

    for option in ("--remplacer", "--force"):
        result = cli("build", root, "--sortie", out, option)
        assert result.exit_code == 0, result.text
        assert "construit" not in result.text
        row = next(line for line in result.text.splitlines() if line.startswith("t "))
        assert row.split() == ["t", "à", "jour", "0", "3", "0", "0"]
        assert result.text.splitlines()[-1] == (
            "Tout a été reproduit : les documents étaient déjà à jour, aucun n'a changé."
        )
    assert {p.name: p.read_bytes() for p in (out / "t").iterdir()} == before

    data = minimal()
    data["contrat"]["version"] = "0.2"
    write_territory(root, data)
    result = cli("build", root, "--sortie", out, "--remplacer")
    row = next(line for line in result.text.splitlines() if line.startswith("t "))
    assert row.split() == ["t", "construit", "3", "0", "0", "0"]


def test_after_a_protected_hand_edit_the_waiting_version_is_said(tmp_path, cli):
    root = write_territory(tmp_path / "contracts" / "t")
    out = tmp_path / "out"
    cli("build", root, "--sortie", out)
    contract = out / "t" / CONTRACT
    edited = docx.Document(str(contract))
    edited.add_paragraph("Retouche du chef de projet.")
    edited.save(str(contract))
    hand_edit = contract.read_bytes()
    data = minimal()
    data["contrat"]["version"] = "0.2"
    write_territory(root, data)
    assert "protégé" in cli("build", root, "--sortie", out).text

    for _ in range(2):  # and again: the new version still waits, it is still said
        result = cli("build", root, "--sortie", out)
        assert result.exit_code == 0
        assert "Rien à reproduire" not in result.text
        assert (
            "  ! t/contrat-de-ville.docx : protégé — modifié à la main depuis sa production : "
            "non écrasé ; la nouvelle version attend dans contrat-de-ville.nouveau.docx"
        ) in result.text
        assert "attend votre décision" in result.text.splitlines()[-1]
        assert contract.read_bytes() == hand_edit
