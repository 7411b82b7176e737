"""Every command on every example touches only what it owns (issue 17, « Done when »).

A copy of the examples of contracts/ (the repository is never at risk), an output folder that
already holds the pilot's own files (a signed copy of the package saved under another name, an
archived copy, a PDF whose name looks like the tool's, a notes file), a folder of old versions, a
git copy and a file elsewhere: every file is hashed before and after each command — validate,
build, build --brouillon, pdf, diff of two folders, diff --depuis, templates check, templates vars
--sortie — and the only changes allowed are the command's own outputs.
"""

from __future__ import annotations

import hashlib
import io
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT, Cli
from pypdf import PdfWriter
from test_pdf import HAS_LIBREOFFICE, fake_soffice

from generator.documents.templates import DEFAULT_SET, TEMPLATES_DIR
from generator.signature.pdf import SOFFICE_ENV

TEMPLATES = TEMPLATES_DIR / DEFAULT_SET

EXAMPLES = sorted(p.name for p in (ROOT / "contracts").iterdir() if (p / "contrat.yaml").is_file())
# The pilot's files in a territory's output folder: never the tool's to change or delete.
FOREIGN = (
    "contrat-signe-prefet.pdf",
    "contrat-de-ville-signature-ARCHIVE.pdf",
    "annexe-2-convention-tfpb-ancien-bailleur.pdf",
    "notes.txt",
)


def fingerprinted_pdf(text: str) -> bytes:
    """A PDF carrying the tool's fingerprint, as a copy of a package the tool wrote does."""
    writer = PdfWriter()
    writer.add_blank_page(595, 842)
    writer.add_metadata({"/Title": text, "/CdvEmpreinte": "0" * 64})
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def digest_tree(folder: Path) -> dict[str, str]:
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and not p.is_symlink()
    }


def place_foreign_files(output: Path) -> None:
    for name in EXAMPLES:
        folder = output / name
        folder.mkdir(parents=True, exist_ok=True)
        for foreign in FOREIGN:
            data = b"mes notes de relecture\n" if foreign.endswith(".txt") else None
            (folder / foreign).write_bytes(data or fingerprinted_pdf(f"{name} {foreign}"))
    (output / "lisez-moi.txt").write_text("dossier partagé\n", encoding="utf-8")


def git(cwd: Path, *args: str) -> None:
    subprocess.run(
        ["git", "-c", "user.name=Test", "-c", "user.email=test@example.org", *args],
        cwd=cwd,
        check=True,
        capture_output=True,
    )


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    """base/: contracts (the examples), ancien (old versions), depot (a git copy), build (the
    output folder with the pilot's files), ailleurs (a file elsewhere)."""
    base = tmp_path_factory.mktemp("monde")
    shutil.copytree(ROOT / "contracts", base / "contracts")
    shutil.copytree(ROOT / "contracts", base / "ancien")
    for name in EXAMPLES:  # a local template, for `templates check <territoire>` and the build
        local = base / "contracts" / name / "modeles"
        local.mkdir()
        shutil.copyfile(TEMPLATES / "annexe-financiere.docx", local / "annexe-financiere.docx")
    (base / "ailleurs").mkdir()
    (base / "ailleurs" / "contrat.yaml").write_text("format: 1\n", encoding="utf-8")
    place_foreign_files(base / "build")
    if shutil.which("git"):
        shutil.copytree(ROOT / "contracts", base / "depot" / "contracts")
        git(base / "depot", "init", "-q")
        git(base / "depot", "add", ".")
        git(base / "depot", "commit", "-q", "-m", "exemples")
    repository = {
        part: digest_tree(ROOT / part) for part in ("contracts", "templates", "docs", "schemas")
    }
    yield base
    # the repository itself: never written by any of these commands
    assert {part: digest_tree(ROOT / part) for part in repository} == repository


def run_and_check(base: Path, args: list, owned, expected_codes=(0,)):
    """Run `cdv *args`; every file of `base` that changed must be `owned(path)`."""
    before = digest_tree(base)
    result = Cli()(*[str(a) for a in args])
    assert result.exit_code in expected_codes, (args, result.text)
    after = digest_tree(base)
    changed = sorted(p for p in before.keys() | after.keys() if before.get(p) != after.get(p))
    intruded = [p for p in changed if not owned(p)]
    assert intruded == [], (args, intruded)
    return result, changed


def nothing(_path: str) -> bool:
    return False


def outputs_of(example: str, output: str = "build"):
    """What a build or pdf of `example` owns: its output folder, except the pilot's files."""

    def owned(path: str) -> bool:
        parts = path.split("/")
        return parts[:2] == [output, example] and len(parts) == 3 and parts[2] not in FOREIGN

    return owned


@pytest.fixture
def fake_libreoffice(tmp_path, monkeypatch):
    if sys.platform == "win32":
        pytest.skip("le faux LibreOffice est un script #!")
    monkeypatch.setenv(SOFFICE_ENV, str(fake_soffice(tmp_path / "lo")))


@pytest.mark.parametrize("example", EXAMPLES)
def test_every_command_touches_only_what_it_owns(world, example, fake_libreoffice):
    base = world
    territory = base / "contracts" / example
    output = base / "build"
    run_and_check(base, ["validate", territory], nothing, (0, 1))
    run_and_check(base, ["validate", territory, "--format", "json"], nothing, (0, 1))
    _, drafted = run_and_check(
        base, ["build", territory, "--sortie", output, "--brouillon"], outputs_of(example)
    )
    assert f"build/{example}/contrat-de-ville.docx" in drafted
    run_and_check(base, ["build", territory, "--sortie", output], outputs_of(example))
    # the same again: nothing to do, nothing written
    _, again = run_and_check(base, ["build", territory, "--sortie", output], outputs_of(example))
    assert again == []
    _, packaged = run_and_check(base, ["pdf", territory, "--sortie", output], outputs_of(example))
    assert f"build/{example}/contrat-de-ville-signature.pdf" in packaged
    for foreign in FOREIGN:  # still there, unchanged (checked by hash above), never deleted
        assert (output / example / foreign).is_file()
    run_and_check(base, ["diff", base / "ancien" / example, territory], nothing, (0,))
    for file in sorted(territory.glob("*.yaml"))[:2]:
        run_and_check(base, ["diff", base / "ancien" / example / file.name, file], nothing)
    if (base / "depot").is_dir():
        copy = base / "depot" / "contracts" / example
        run_and_check(base, ["diff", copy, "--depuis", "HEAD"], nothing, (0,))
        run_and_check(base, ["diff", copy / "contrat.yaml", "--depuis", "HEAD"], nothing, (0,))
    run_and_check(base, ["templates", "check", territory], nothing, (0, 1))
    if example == EXAMPLES[0]:  # the shipped set: the same for every example
        run_and_check(base, ["templates", "check"], nothing, (0, 1))
    reference = base / "ailleurs" / f"variables-{example}.md"
    run_and_check(
        base,
        ["templates", "vars", "--sortie", reference],
        lambda path: path == f"ailleurs/variables-{example}.md",
    )
    assert reference.read_text(encoding="utf-8").startswith("#")


@pytest.mark.skipif(not HAS_LIBREOFFICE, reason="LibreOffice absent (il est installé en CI)")
def test_pdf_with_libreoffice_touches_only_what_it_owns(world):
    """The real conversion, on the smallest example (LibreOffice takes seconds per document)."""
    base = world
    example = "minimal" if "minimal" in EXAMPLES else EXAMPLES[0]
    place_foreign_files(base / "build-lo")
    result, packaged = run_and_check(
        base,
        ["pdf", base / "contracts" / example, "--sortie", base / "build-lo"],
        outputs_of(example, "build-lo"),
    )
    assert f"build-lo/{example}/contrat-de-ville-signature.pdf" in packaged, result.text
    for foreign in FOREIGN:
        assert (base / "build-lo" / example / foreign).is_file()
