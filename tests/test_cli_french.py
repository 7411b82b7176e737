"""The command line speaks French only, with one naming rule (issue 12, points 10 and 11):
click's own messages are translated, a close command is suggested, the former English option
names still work without being shown, and a path inside a territory is explained.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT, write_territory

ENGLISH = ("Error", "Usage:", "Options:", "[required]", "is not", "Missing", "No such", "Try ")


def cdv(*args, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run(
        [sys.executable, "-m", "generator", *map(str, args)],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["produre"], "erreur : commande inconnue « produre » ; vouliez-vous dire « produire » ?"),
        (
            ["modeles", "verifer"],
            "erreur : commande inconnue « verifer » ; vouliez-vous dire « verifier » ?",
        ),
        (
            ["build", "--parallele", "0"],
            "valeur refusée pour --parallele : 0 n'est pas entre 1 et 64",
        ),
        (["build", "--jobs", "0"], "valeur refusée pour --parallele : 0 n'est pas entre 1 et 64"),
        (
            ["validate", "--format", "xml"],
            "valeur refusée pour --format : « xml » n'est pas une valeur possible",
        ),
        (["init"], "erreur : argument obligatoire manquant : DOSSIER"),
        (["init", "x"], "erreur : option obligatoire manquante : --epci"),
        (["build", "--sortie"], "erreur : l'option --sortie attend une valeur"),
        (["build", "--outpt", "x"], "option inconnue « --outpt » ; vouliez-vous dire --sortie ?"),
    ],
)
def test_click_messages_are_french(args, expected):
    done = cdv(*args)
    assert done.returncode == 2, done.stderr
    assert expected in done.stderr, done.stderr
    assert "Aide : cdv" in done.stderr
    for word in ENGLISH:
        assert word not in done.stderr, done.stderr
    assert "Traceback" not in done.stderr


@pytest.mark.parametrize("command", [[], ["build"], ["pdf"], ["diff"], ["init"], ["validate"]])
def test_help_is_french_and_shows_only_the_french_names(command):
    done = cdv(*command, "--help")
    assert done.returncode == 0
    assert done.stdout.startswith("Utilisation : cdv")
    for word in ("Usage:", "Options:", "[required]", "<=x<=", "default:"):
        assert word not in done.stdout, done.stdout
    for former in ("--output", "--draft", "--force", "--since", "--redline", "--jobs"):
        assert not re.search(re.escape(former) + r"(?![\w-])", done.stdout), done.stdout


def test_build_help_names_the_french_options_and_says_what_replacing_means():
    out = cdv("build", "--help").stdout
    for name in ("--sortie", "--parallele", "--brouillon", "--remplacer"):
        assert name in out
    assert "[de 1 à 64]" in " ".join(out.split())
    assert "n'est jamais écrasé" in out
    pdf = cdv("pdf", "--help").stdout
    assert "--forcer" in pdf and "restent" in pdf and "protégés" in pdf  # not build's meaning
    assert "[obligatoire]" in cdv("init", "--help").stdout


def test_the_former_names_still_work(tmp_path):
    root = write_territory(tmp_path / "t")
    old = cdv("build", root, "--output", tmp_path / "a", "--jobs", "1", "--draft")
    new = cdv("build", root, "--sortie", tmp_path / "b", "--parallele", "1", "--brouillon")
    assert old.returncode == new.returncode == 0, old.stderr + new.stderr
    assert (tmp_path / "a" / "t" / "contrat-de-ville.docx").is_file()
    assert (tmp_path / "b" / "t" / "contrat-de-ville.docx").is_file()


def test_a_folder_inside_a_territory_is_explained(tmp_path):
    root = write_territory(tmp_path / "x", split=True)
    for command in ("build", "validate"):
        done = cdv(command, root / "quartiers", cwd=tmp_path)
        assert done.returncode == 2, done.stdout + done.stderr
        assert f"le dossier {root / 'quartiers'} est une partie du territoire {root}" in (
            done.stderr
        )
        assert done.stdout.count(": erreur") == 0


def test_a_file_saved_with_txt_by_notepad_is_not_silently_ignored(run, tmp_path):
    root = write_territory(tmp_path / "t", split=True)
    (root / "gouvernance.yaml").rename(root / "gouvernance.yaml.txt")
    result = run("validate", root)
    assert (
        f"{root / 'gouvernance.yaml.txt'}: avertissement : fichier ignoré : « gouvernance.yaml.txt »"
        in result.output
    )
    assert "renommez-le « gouvernance.yaml »" in result.output


def test_templates_check_on_a_territory_without_local_templates_checks_nothing(run, tmp_path):
    root = write_territory(tmp_path / "t")
    result = run("templates", "check", root)
    assert result.exit_code == 0, result.output
    assert "aucun modèle local (pas de dossier modeles/) : rien à vérifier" in result.output
    assert "modèles valables" not in result.output
