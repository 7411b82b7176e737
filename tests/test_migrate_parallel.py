"""`cdv migrer` on a folder of territories shares them among processes (`--parallele`): the
files it writes and what it says are the same as one territory after the other, and a
territory that cannot be migrated is left as it was while the others are converted."""

from __future__ import annotations

import shutil
from pathlib import Path

from conftest import CAS

FORMAT_1 = CAS / "format-1"


def contracts(where: Path) -> Path:
    folder = where / "contracts"
    for name in ("arras", "minimal", "saint-quentinois"):
        shutil.copytree(FORMAT_1 / name, folder / name)
    shutil.copytree(FORMAT_1 / "minimal", folder / "minimal-bis")
    return folder


def snapshot(root: Path) -> dict[Path, bytes]:
    return {p.relative_to(root): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def test_parallel_migration_writes_and_says_what_one_by_one_does(run, tmp_path):
    one = contracts(tmp_path / "un")
    two = contracts(tmp_path / "deux")
    alone = run("migrer", one, "--parallele", "1")
    shared = run("migrer", two, "--parallele", "2")
    assert alone.exit_code == shared.exit_code == 0
    assert shared.text.count("converti au format 2") == 4
    assert shared.text.replace(str(two), "<>") == alone.text.replace(str(one), "<>")
    assert snapshot(two) == snapshot(one)
    assert snapshot(two) != snapshot(contracts(tmp_path / "avant"))  # something was converted


def test_a_territory_that_cannot_be_migrated_stays_as_it_was_and_the_others_are(run, tmp_path):
    folder = contracts(tmp_path)
    broken = folder / "arras" / "gouvernance.yaml"
    broken.write_text(broken.read_text(encoding="utf-8") + "  - : [\n", encoding="utf-8")
    before = snapshot(folder / "arras")
    result = run("migrer", folder, "--parallele", "2")
    assert result.exit_code == 1
    assert f"✘ {folder / 'arras'} : " in result.text
    assert "ne peut pas être migré" in result.text
    assert result.text.count("converti au format 2") == 3
    assert snapshot(folder / "arras") == before
    again = run("migrer", folder)  # default: as many processes as processors
    assert again.exit_code == 1
    assert again.text.count("déjà au format 2, rien n'a changé") == 3
