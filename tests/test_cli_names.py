"""The commands have French names (« Everything a user reads is in French »); the four first
named in English (validate, build, diff, templates check/vars) are still understood, for
the scripts written before, and shown nowhere."""

from __future__ import annotations

import re

from conftest import ROOT

CONTRACTS = ROOT / "contracts"

FRENCH = ["valider", "produire", "comparer", "modeles"]
FORMER = {"validate": "valider", "build": "produire", "diff": "comparer", "templates": "modeles"}


def test_the_help_lists_the_french_names_only(run):
    listed = run("--help").text.split("Commandes :")[1]
    names = re.findall(r"^  (\S+)", listed, re.M)
    assert set(FRENCH) <= set(names)
    assert not set(FORMER) & set(names), names
    sub = run("modeles", "--help").text.split("Commandes :")[1]
    assert re.findall(r"^  (\S+)", sub, re.M) == ["variables", "verifier"]


def test_a_former_english_name_still_runs_its_command(run):
    for former, french in (("validate", "valider"), ("templates", "modeles")):
        args = [str(CONTRACTS / "minimal")] if french == "valider" else ["verifier"]
        old, new = run(former, *args), run(french, *args)
        assert old.exit_code == new.exit_code == 0, old.text
        assert old.text == new.text
    assert run("templates", "check").exit_code == 0


def test_a_mistyped_command_suggests_a_french_name():
    from test_cli_french import cdv

    done = cdv("valide", CONTRACTS / "minimal")
    assert done.returncode == 2
    assert "vouliez-vous dire « valider » ?" in done.stderr
    assert "validate" not in done.stderr and "templates" not in done.stderr
