"""The set-up routes of the README (issue 12, points 11 and 12): the Windows route runs the
commands `make demo` runs, and `make demo` reports a broken territory but builds the others.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys

import pytest
from conftest import ROOT, minimal, write_territory

README = (ROOT / "README.md").read_text(encoding="utf-8")
MAKEFILE = (ROOT / "Makefile").read_text(encoding="utf-8")


def _windows_block() -> list[str]:
    section = README.split("### Sous Windows", 1)[1]
    block = re.search(r"```bat\n(.*?)```", section, re.S).group(1)
    return [line.strip() for line in block.splitlines() if line.strip()]


def test_the_windows_route_needs_only_python_and_matches_the_makefile():
    lines = _windows_block()
    assert lines[0] == "py -m venv .venv"
    assert lines[1] == r".venv\Scripts\pip install -e ."
    # the POSIX equivalents are what the Makefile runs
    assert "-m venv $(VENV)" in MAKEFILE and "VENV := .venv" in MAKEFILE
    assert "-m pip install --quiet -e ." in MAKEFILE
    for line in lines[2:]:
        assert line.startswith(".venv\\Scripts\\cdv "), line
        command = line.removeprefix(".venv\\Scripts\\cdv ").split()[0]
        assert f"$(BIN)/cdv {command} $(CONTRACTS)/" in MAKEFILE, command
    assert "make" not in " ".join(lines)


def test_the_windows_route_commands_run_here(tmp_path):
    # `.venv\Scripts\cdv valider contracts` on this machine: the installed entry point is
    # `generator.cli:main`; `python -m generator` runs the same function
    shutil.copytree(ROOT / "contracts", tmp_path / "contracts")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    for line in _windows_block()[2:]:
        args = line.removeprefix(".venv\\Scripts\\cdv ").split()
        done = subprocess.run(
            [
                sys.executable,
                "-m",
                "generator",
                *args,
                *(["--parallele", "2"] if "build" in args else []),
            ],
            cwd=tmp_path,
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert done.returncode == 0, done.stdout + done.stderr
    assert (tmp_path / "build" / "arras" / "contrat-de-ville.docx").is_file()


@pytest.mark.skipif(shutil.which("make") is None, reason="make absent")
def test_make_demo_reports_a_broken_territory_and_builds_the_others(tmp_path):
    contracts = tmp_path / "contracts"
    write_territory(contracts / "bon")
    broken = minimal()
    broken["gouvernance"]["instances"][0]["type"] = "pilotag"
    write_territory(contracts / "casse", broken)
    venv = tmp_path / "venv"
    (venv / "bin").mkdir(parents=True)
    (venv / "bin" / "python").symlink_to(sys.executable)
    cdv = venv / "bin" / "cdv"
    cdv.write_text(f'#!/bin/sh\nPYTHONPATH="{ROOT}" exec "{sys.executable}" -m generator "$@"\n')
    cdv.chmod(0o755)
    (venv / ".installe").touch()  # installed already: make runs only the demo itself
    done = subprocess.run(
        [
            "make",
            "-s",
            "-C",
            str(ROOT),
            "demo",
            f"VENV={venv}",
            f"CONTRACTS={contracts}",
            f"BUILD={tmp_path / 'out'}",
        ],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=300,
    )
    output = done.stdout + done.stderr
    assert "Error 1" not in output, output
    assert done.returncode == 0, output
    assert "✘" in output and "casse" in output and "pilotag" in output
    assert (tmp_path / "out" / "bon" / "contrat-de-ville.docx").is_file()
    assert not (tmp_path / "out" / "casse" / "contrat-de-ville.docx").exists()
