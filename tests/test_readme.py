"""The README walkthrough works exactly as written."""

from __future__ import annotations

import re
import shlex
import shutil
from pathlib import Path

from click.testing import CliRunner

from generator.cli.main import cli

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")


def _command(prefix: str) -> list[str]:
    line = next(line.strip() for line in README.splitlines() if line.strip().startswith(prefix))
    return shlex.split(line)[1:]


def test_walkthrough_init_validate_and_typo_message(tmp_path, monkeypatch):
    shutil.copytree(ROOT / "schemas", tmp_path / "schemas")
    (tmp_path / "contracts").mkdir()
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()

    init = runner.invoke(cli, _command("cdv init"))
    assert init.exit_code == 0, init.output
    folder = tmp_path / "contracts" / "mon-agglo"
    assert (folder / "quartiers" / "QN06011M.yaml").is_file()

    validate_args = _command("cdv valider contracts/mon-agglo")
    assert runner.invoke(cli, validate_args).exit_code == 0

    expected = re.search(r"^\s*(contracts/mon-agglo/gouvernance\.yaml:\d+:\d+: .+)$", README, re.M)
    assert expected, "the README shows the message of a mistyped key"
    path = folder / "gouvernance.yaml"
    path.write_text(
        path.read_text(encoding="utf-8").replace("gouvernance:", "gouvernace:", 1), encoding="utf-8"
    )
    result = runner.invoke(cli, validate_args)
    assert result.exit_code == 1
    assert expected.group(1) in result.output


def test_every_shipped_yaml_file_names_its_schema():
    files = sorted((ROOT / "contracts").rglob("*.yaml"))
    assert files
    for path in files:
        first = path.read_text(encoding="utf-8").splitlines()[0]
        assert first.startswith("# yaml-language-server: $schema="), path
        target = (path.parent / first.split("$schema=", 1)[1]).resolve()
        assert target.is_file(), f"{path}: {target}"
