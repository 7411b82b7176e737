"""`cdv produire`: protection of documents edited by hand, incremental rebuilds (description and
templates), atomic writes, `--draft`, template errors reported in French.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import shutil
import zipfile
from pathlib import Path

import docx
import pytest
from click.testing import CliRunner
from conftest import Cli, minimal, write_territory
from test_documents import CONTRACT, norm, read_docx

import generator.documents.write
from generator.cli.main import cli as cdv
from generator.documents.build import BUILT, build_territory
from generator.documents.templates import DEFAULT_SET, TEMPLATES_DIR, load_template_set
from generator.documents.write import atomic_write, read_custom_properties

ANNEX = "annexe-3-financiere.docx"
CONVENTION = "annexe-2-convention-tfpb-oise-habitat.docx"
OLD = 1_000_000_000_000_000_000  # a fixed mtime (ns) given to every output before a rebuild


def snapshot(folder: Path) -> dict[str, tuple[bytes, int]]:
    """Bytes and mtime of every file under `folder` (hidden ones included)."""
    return {
        p.relative_to(folder).as_posix(): (p.read_bytes(), p.stat().st_mtime_ns)
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def age(folder: Path) -> None:
    for p in folder.rglob("*"):
        if p.is_file():
            os.utime(p, ns=(OLD, OLD))


def edit_by_hand(
    path: Path, text: str = "Paragraphe ajouté à la main par le chef de projet."
) -> bytes:
    document = docx.Document(str(path))
    document.add_paragraph(text)
    document.save(str(path))
    return path.read_bytes()


def with_version(version: str, **changes) -> dict:
    data = minimal()
    data["contrat"]["version"] = version
    data.update(changes)
    return data


def mention(path: Path) -> str:
    return norm(read_docx(path).text)


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.rglob("*") if p.name.startswith(".") or ".tmp" in p.name)


@pytest.fixture
def cli():
    return Cli()


# --- hand edits ----------------------------------------------------------------------------------


def test_a_document_edited_by_hand_is_never_overwritten(tmp_path, cli):
    root = write_territory(tmp_path / "contracts" / "t")
    out = tmp_path / "out"
    assert cli("build", root, "-o", out).exit_code == 0
    folder = out / "t"
    edited = edit_by_hand(folder / CONTRACT)

    write_territory(root, with_version("0.2"))
    result = cli("build", root, "-o", out)
    assert result.exit_code == 0, result.text
    assert (folder / CONTRACT).read_bytes() == edited
    beside = folder / "contrat-de-ville.nouveau.docx"
    assert "version 0.2" in mention(beside)
    assert "Paragraphe ajouté à la main" not in mention(beside)
    assert "t/contrat-de-ville.docx : protégé" in result.text
    assert "contrat-de-ville.nouveau.docx" in result.text and "--remplacer" in result.text
    assert "version 0.2" in mention(folder / ANNEX)  # the others are reproduced
    assert not (folder / "annexe-3-financiere.nouveau.docx").exists()

    result = cli("build", root, "-o", out)  # nothing changed since: the new version waits
    assert result.exit_code == 0, result.text
    assert "Rien à reproduire" not in result.text
    assert "t/contrat-de-ville.docx : protégé" in result.text
    assert result.text.splitlines()[-1] == (
        "Description inchangée depuis la dernière production, mais un document modifié à la "
        "main attend votre décision : sa nouvelle version est dans contrat-de-ville.nouveau.docx "
        "(--remplacer pour la prendre, avec sauvegarde)."
    )
    assert (folder / CONTRACT).read_bytes() == edited

    write_territory(root, with_version("0.3"))  # still protected, the new version beside
    result = cli("build", root, "-o", out)
    assert (folder / CONTRACT).read_bytes() == edited
    assert "version 0.3" in mention(beside)
    assert "protégé" in result.text


def test_force_keeps_the_edited_document_as_a_backup_and_replaces_it(tmp_path, cli):
    root = write_territory(tmp_path / "contracts" / "t")
    out = tmp_path / "out"
    cli("build", root, "-o", out)
    folder = out / "t"
    edited = edit_by_hand(folder / CONTRACT)
    write_territory(root, with_version("0.2"))
    cli("build", root, "-o", out)
    assert (folder / "contrat-de-ville.nouveau.docx").exists()

    result = cli("build", root, "-o", out, "--force")
    assert result.exit_code == 0, result.text
    backup = folder / "contrat-de-ville.sauvegarde-1.docx"
    assert backup.read_bytes() == edited
    assert "version 0.2" in mention(folder / CONTRACT)
    assert "Paragraphe ajouté à la main" not in mention(folder / CONTRACT)
    assert not (folder / "contrat-de-ville.nouveau.docx").exists()
    assert "contrat-de-ville.docx : remplacé" in result.text
    assert "sauvegardé dans contrat-de-ville.sauvegarde-1.docx" in result.text

    second = edit_by_hand(folder / CONTRACT, "Deuxième retouche.")  # a second backup
    write_territory(root, with_version("0.3"))
    cli("build", root, "-o", out, "--force")
    assert backup.read_bytes() == edited
    assert (folder / "contrat-de-ville.sauvegarde-2.docx").read_bytes() == second
    assert "version 0.3" in mention(folder / CONTRACT)

    result = cli("build", root, "-o", out)  # the replaced document is no longer « edited »
    assert "Rien à reproduire" in result.text
    write_territory(root, with_version("0.4"))
    result = cli("build", root, "-o", out)
    assert "protégé" not in result.text
    assert "version 0.4" in mention(folder / CONTRACT)


def test_a_protected_document_stays_protected_when_the_manifest_was_lost(tmp_path, cli):
    root = write_territory(tmp_path / "contracts" / "t")
    out = tmp_path / "out"
    cli("build", root, "-o", out)
    folder = out / "t"
    edited = edit_by_hand(folder / CONTRACT)
    (folder / "manifeste.json").unlink()
    write_territory(root, with_version("0.2"))
    assert "protégé" in cli("build", root, "-o", out).text
    assert (folder / CONTRACT).read_bytes() == edited
    write_territory(root, with_version("0.3"))
    cli("build", root, "-o", out)
    assert (folder / CONTRACT).read_bytes() == edited, "modifications manuelles perdues"


def test_a_document_no_longer_produced_is_removed_unless_edited(tmp_path, cli):
    root = write_territory(tmp_path / "contracts" / "t")
    out = tmp_path / "out"
    cli("build", root, "-o", out)
    folder = out / "t"
    assert (folder / CONVENTION).exists()
    result = cli("build", root, "-o", out)
    write_territory(root, with_version("0.2", tfpb=[]))
    result = cli("build", root, "-o", out)
    assert not (folder / CONVENTION).exists()
    assert f"{CONVENTION} : supprimé" in result.text

    write_territory(root, minimal())  # back, then edited, then no longer produced: kept
    cli("build", root, "-o", out)
    edited = edit_by_hand(folder / CONVENTION)
    write_territory(root, with_version("0.2", tfpb=[]))
    result = cli("build", root, "-o", out)
    assert (folder / CONVENTION).read_bytes() == edited
    assert "conservé" in result.text


# --- incremental builds --------------------------------------------------------------------------


def test_a_second_build_with_nothing_changed_writes_nothing(tmp_path, cli):
    contracts = tmp_path / "contracts"
    write_territory(contracts / "a", split=True)
    write_territory(contracts / "b")
    out = tmp_path / "out"
    assert cli("build", contracts, "-o", out).exit_code == 0
    age(out)
    before = snapshot(out)
    result = cli("build", contracts, "-o", out)
    assert result.exit_code == 0
    assert "Rien à reproduire : tout est à jour." in result.text
    assert "a : à jour" in result.text and "b : à jour" in result.text
    assert snapshot(out) == before


def test_changing_one_file_rebuilds_that_territory_alone(tmp_path, cli):
    contracts = tmp_path / "contracts"
    a = write_territory(contracts / "a", split=True)
    write_territory(contracts / "b", split=True)
    out = tmp_path / "out"
    cli("build", contracts, "-o", out)
    age(out)
    before = snapshot(out)

    data = minimal()
    data["orientations"][0]["titre"] = "Favoriser l'accès à l'emploi des jeunes"
    (a / "orientations.yaml").write_text(
        (a / "orientations.yaml")
        .read_text(encoding="utf-8")
        .replace("Favoriser l'accès à l'emploi", data["orientations"][0]["titre"]),
        encoding="utf-8",
    )
    result = cli("build", contracts, "-o", out)
    assert result.exit_code == 0
    assert "a : construit" in result.text and "b : à jour" in result.text
    after = snapshot(out)
    assert {k: v for k, v in after.items() if k.startswith("b/")} == {
        k: v for k, v in before.items() if k.startswith("b/")
    }
    for name in (CONTRACT, ANNEX, "manifeste.json"):
        assert after[f"a/{name}"][1] != OLD, name
    assert "Favoriser l'accès à l'emploi des jeunes" in read_docx(out / "a" / CONTRACT).text


def test_changing_a_template_rebuilds_what_uses_it(tmp_path, cli):
    templates = tmp_path / "modeles"
    shutil.copytree(TEMPLATES_DIR / DEFAULT_SET, templates)
    contracts = tmp_path / "contracts"
    write_territory(contracts / "a")
    write_territory(contracts / "b")
    out = tmp_path / "out"
    assert cli("build", contracts, "-o", out, "--modeles", templates).exit_code == 0
    assert "Rien à reproduire" in cli("build", contracts, "-o", out, "--modeles", templates).text
    age(out)
    before = snapshot(out)

    template = docx.Document(str(templates / "annexe-financiere.docx"))
    template.add_paragraph("Paragraphe ajouté au modèle de l'annexe financière.")
    template.save(str(templates / "annexe-financiere.docx"))
    result = cli("build", contracts, "-o", out, "--modeles", templates)
    assert result.exit_code == 0, result.text
    assert "a : construit" in result.text and "b : construit" in result.text
    for name in ("a", "b"):
        folder = out / name
        assert "Paragraphe ajouté au modèle" in read_docx(folder / ANNEX).text
        assert snapshot(folder)[ANNEX][1] != OLD
        # the contract's template did not change: neither did its content
        with zipfile.ZipFile(folder / CONTRACT) as package:
            body = package.read("word/document.xml")
        with zipfile.ZipFile(io.BytesIO(before[f"{name}/{CONTRACT}"][0])) as package:
            assert body == package.read("word/document.xml")
    assert "Rien à reproduire" in cli("build", contracts, "-o", out, "--modeles", templates).text


def test_the_manifest_records_inputs_and_documents(tmp_path, cli):
    root = write_territory(tmp_path / "contracts" / "t")
    out = tmp_path / "out"
    cli("build", root, "-o", out)
    manifest = json.loads((out / "t" / "manifeste.json").read_text(encoding="utf-8"))
    assert manifest["modele"] == "engagements-quartiers-2030"
    assert manifest["brouillon"] is False
    assert sorted(manifest["documents"]) == sorted([ANNEX, CONTRACT, CONVENTION])
    for name, entry in manifest["documents"].items():
        assert entry["sha256"] == hashlib.sha256((out / "t" / name).read_bytes()).hexdigest()
    properties = read_custom_properties(out / "t" / CONTRACT)
    assert properties["cdv_empreinte_entrees"] == manifest["empreinte"]


# --- atomic writes -------------------------------------------------------------------------------


def test_an_interrupted_build_never_leaves_a_truncated_document(tmp_path, monkeypatch):
    root = write_territory(tmp_path / "contracts" / "t")
    out = tmp_path / "out"
    templates = load_template_set()
    assert build_territory(root, out, templates).status == BUILT
    folder = out / "t"
    before = snapshot(folder)

    write_territory(root, with_version("0.2"))
    calls = []

    def interrupted(source, target):
        calls.append(Path(target).name)
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(generator.documents.write.os, "replace", interrupted)
    failed = build_territory(root, out, templates)
    monkeypatch.undo()
    assert failed.status == "échec" and "impossible d'écrire" in failed.message
    assert calls, "the write went through os.replace"
    assert snapshot(folder) == before
    assert leftovers(folder) == []

    assert build_territory(root, out, templates).status == BUILT
    assert "version 0.2" in mention(folder / CONTRACT)
    assert leftovers(folder) == []


@pytest.mark.parametrize("failing", ["write", "fsync", "replace"])
def test_atomic_write_keeps_the_old_bytes_when_it_fails(tmp_path, monkeypatch, failing):
    target = tmp_path / "document.docx"
    target.write_bytes(b"ancien contenu")

    def boom(*args, **kwargs):
        raise KeyboardInterrupt

    if failing == "write":
        real = generator.documents.write.os.fdopen

        class Stream:
            def __init__(self, *args, **kwargs):
                self.stream = real(*args, **kwargs)

            def __enter__(self):
                return self

            def __exit__(self, *exc):
                self.stream.close()

            def write(self, data):
                self.stream.write(data[:3])
                raise KeyboardInterrupt

        monkeypatch.setattr(generator.documents.write.os, "fdopen", Stream)
    else:
        monkeypatch.setattr(generator.documents.write.os, failing, boom)
    with pytest.raises(KeyboardInterrupt):
        atomic_write(target, b"nouveau contenu, beaucoup plus long")
    monkeypatch.undo()
    assert target.read_bytes() == b"ancien contenu"
    assert [p.name for p in tmp_path.iterdir()] == ["document.docx"]


def test_after_an_interrupted_build_no_document_is_taken_for_a_hand_edit(tmp_path, monkeypatch):
    root = write_territory(tmp_path / "contracts" / "t")
    out = tmp_path / "out"
    templates = load_template_set()
    build_territory(root, out, templates)
    write_territory(root, with_version("0.2"))
    real = generator.documents.write.os.replace
    calls = []

    def second_fails(source, target):
        calls.append(target)
        if len(calls) == 2:
            raise KeyboardInterrupt
        return real(source, target)

    monkeypatch.setattr(generator.documents.write.os, "replace", second_fails)
    with pytest.raises(KeyboardInterrupt):
        build_territory(root, out, templates)
    monkeypatch.undo()
    write_territory(root, with_version("0.3"))
    result = build_territory(root, out, templates)
    assert [d.name for d in result.documents if d.status == "protégé"] == []
    for name in (CONTRACT, ANNEX, CONVENTION):
        assert "version 0.3" in mention(out / "t" / name)


def test_a_document_that_cannot_be_written_is_reported_in_french(tmp_path, monkeypatch):
    contracts = tmp_path / "contracts"
    write_territory(contracts / "a")
    write_territory(contracts / "b")
    out = tmp_path / "out"
    real = generator.documents.write.os.replace

    def locked(source, target):
        if Path(target) == out / "a" / CONTRACT:
            raise PermissionError(13, "Permission denied", str(target))
        return real(source, target)

    monkeypatch.setattr(generator.documents.write.os, "replace", locked)
    result = CliRunner().invoke(cdv, ["build", str(contracts), "-o", str(out)])
    assert isinstance(result.exception, SystemExit | None), repr(result.exception)
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    assert "contrat-de-ville.docx" in result.output
    assert (out / "b" / CONTRACT).exists()


# --- drafts --------------------------------------------------------------------------------------


def _invalid() -> dict:
    data = minimal()
    data["financements"]["operations"][0]["orientation"] = "orientation-inconnue"
    return data


def test_a_territory_with_errors_is_not_built_without_draft(tmp_path, cli):
    root = write_territory(tmp_path / "contracts" / "t", _invalid())
    out = tmp_path / "out"
    result = cli("build", root, "-o", out)
    assert result.exit_code == 1
    assert "contrat.yaml:" in result.text and "erreur" in result.text
    assert "orientation-inconnue" in result.text
    assert "non construit" in result.text and "--brouillon" in result.text
    assert not (out / "t").exists() or not list((out / "t").glob("*.docx"))


def test_draft_builds_with_a_visible_warning_at_the_top(tmp_path, cli):
    root = write_territory(tmp_path / "contracts" / "t", _invalid())
    out = tmp_path / "out"
    result = cli("build", root, "-o", out, "--draft")
    assert result.exit_code == 0, result.text
    assert "t (brouillon)" in result.text
    folder = out / "t"
    for name in (CONTRACT, ANNEX, CONVENTION):
        draft = folder / name.replace(".docx", ".brouillon.docx")
        first = read_docx(draft).paragraphs[0].text
        assert first.startswith("DOCUMENT DE TRAVAIL"), name
        assert "orientation-inconnue" in first and "--brouillon" in first
        assert read_custom_properties(draft)["cdv_statut"].endswith("(brouillon)")
    manifest = json.loads((folder / "manifeste.json").read_text(encoding="utf-8"))
    assert manifest["brouillon"] is True

    write_territory(root, minimal())  # corrected: a normal build replaces the draft
    result = cli("build", root, "-o", out)
    assert result.exit_code == 0 and "t : construit" in result.text
    for name in (CONTRACT, ANNEX, CONVENTION):
        assert "DOCUMENT DE TRAVAIL" not in read_docx(folder / name).text
        assert "brouillon" not in read_custom_properties(folder / name)["cdv_statut"]
    assert not list(folder.glob("*.brouillon.docx"))  # the drafts of the errors are gone
    assert "contrat-de-ville.brouillon.docx : supprimé — brouillon remplacé" in result.text


def test_a_draft_is_written_beside_the_document_and_never_overwrites_it(tmp_path, cli):
    root = write_territory(tmp_path / "contracts" / "t")
    out = tmp_path / "out"
    assert cli("build", root, "--sortie", out).exit_code == 0
    folder = out / "t"
    real = {name: (folder / name).read_bytes() for name in (CONTRACT, ANNEX, CONVENTION)}

    write_territory(root, _invalid())
    result = cli("build", root, "--sortie", out, "--brouillon")
    assert result.exit_code == 0, result.text
    assert "Traceback" not in result.text
    assert {name: (folder / name).read_bytes() for name in real} == real  # untouched
    assert (folder / "contrat-de-ville.brouillon.docx").is_file()
    assert (folder / "annexe-3-financiere.brouillon.docx").is_file()
    # the errors are listed, with their place, and the summary says where the draft is
    assert f"{root / 'contrat.yaml'}:" in result.text
    assert "l'orientation « orientation-inconnue » inconnue : déclarez-la" in result.text
    assert (
        "  ! t : brouillon, avec 1 erreur listée ci-dessus et en tête de chaque document : "
        "annexe-2-convention-tfpb-oise-habitat.brouillon.docx, annexe-3-financiere.brouillon.docx, "
        "contrat-de-ville.brouillon.docx ; les documents définitifs ne sont pas touchés"
    ) in result.text

    again = cli("build", root, "--sortie", out, "--brouillon")  # up to date: errors shown again
    assert "t : à jour" in again.text and "orientation-inconnue" in again.text
    assert {name: (folder / name).read_bytes() for name in real} == real


def test_a_valid_territory_built_with_draft_has_no_warning(tmp_path, cli):
    root = write_territory(tmp_path / "contracts" / "t")
    out = tmp_path / "out"
    assert cli("build", root, "-o", out, "--draft").exit_code == 0
    assert "DOCUMENT DE TRAVAIL" not in read_docx(out / "t" / CONTRACT).text


# --- template errors through the build -----------------------------------------------------------


def test_a_template_error_names_the_template_and_the_variable(tmp_path, cli):
    templates = tmp_path / "modeles"
    shutil.copytree(TEMPLATES_DIR / DEFAULT_SET, templates)
    template = docx.Document(str(templates / "contrat.docx"))
    template.add_paragraph("Territoire : {{ territoire.nomm }}")
    template.save(str(templates / "contrat.docx"))
    root = write_territory(tmp_path / "contracts" / "t")
    out = tmp_path / "out"
    result = cli("build", root, "-o", out, "--modeles", templates)
    assert result.exit_code == 1
    assert "modèle contrat.docx" in result.text
    assert "variable ou champ inconnu « nomm »" in result.text
    assert "t : échec" in result.text
    assert not (out / "t").exists() or not list((out / "t").glob("*.docx"))
