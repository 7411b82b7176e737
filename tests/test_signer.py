"""cdv signer: the signed version recorded inside the territory, immutable, recoverable."""

from __future__ import annotations

import json
import os
import stat

from conftest import load, minimal, problems_of

from generator.amendment.snapshot import description_hash, read_snapshots
from generator.description.load import description_files


def test_sign_records_an_immutable_snapshot_of_the_loaded_description(territory, run):
    root = territory(split=True)
    result = run("signer", root, "--date", "2024-06-12")
    assert result.exit_code == 0, result.text
    assert "Contrat signé le 2024-06-12 enregistré" in result.text
    path = root / "versions-signees" / "contrat.json"
    payload = json.loads(path.read_text(encoding="utf-8"))
    assert payload["description"] == load(root).data
    assert payload["empreinte"] == description_hash(load(root).data)
    assert payload["date_signature"] == "2024-06-12"
    assert payload["modele"] == "engagements-quartiers-2030" and payload["modele_version"]
    assert payload["outil_version"]
    assert not os.stat(path).st_mode & stat.S_IWUSR  # read-only


def test_the_loader_ignores_the_snapshot_folder(territory, run):
    root = territory(split=True)
    before = load(root).data
    assert run("signer", root, "--date", "2024-06-12").exit_code == 0
    sections, items = description_files(root)
    assert not any("versions-signees" in str(p) for p in sections + sum(items.values(), []))
    assert load(root).data == before
    assert problems_of(root) == []
    assert run("validate", root).exit_code == 0


def test_a_second_run_for_the_same_version_is_refused_and_writes_nothing(territory, run):
    root = territory()
    assert run("signer", root, "--date", "2024-06-12").exit_code == 0
    before = (root / "versions-signees" / "contrat.json").read_bytes()
    again = run("signer", root, "--date", "2024-07-01")
    assert again.exit_code == 1
    assert "déjà enregistrée comme signée (le contrat, signé le 2024-06-12" in again.text
    assert sorted(p.name for p in (root / "versions-signees").iterdir()) == ["contrat.json"]
    assert (root / "versions-signees" / "contrat.json").read_bytes() == before


def test_after_a_change_the_next_signature_is_an_avenant(territory, run):
    root = territory()
    assert run("signer", root, "--date", "2024-06-12").exit_code == 0
    data = minimal()
    data["orientations"][0]["titre"] = "Favoriser l'accès à l'emploi durable"
    territory(data)
    result = run("signer", root, "--date", "2027-11-20")
    assert result.exit_code == 0, result.text
    assert "Avenant n° 1 signé le 2027-11-20" in result.text
    snaps = read_snapshots(root)
    assert [s.number for s in snaps] == [0, 1]
    assert snaps[1].description["orientations"][0]["titre"].endswith("durable")


def test_a_hand_edited_snapshot_is_refused_with_how_to_proceed(territory, run):
    root = territory()
    assert run("signer", root, "--date", "2024-06-12").exit_code == 0
    path = root / "versions-signees" / "contrat.json"
    os.chmod(path, 0o644)
    payload = json.loads(path.read_text(encoding="utf-8"))
    payload["description"]["contrat"]["version"] = "9.9"
    path.write_text(json.dumps(payload), encoding="utf-8")
    data = minimal()
    data["contrat"]["version"] = "1.1"
    territory(data)
    result = run("signer", root, "--date", "2027-11-20")
    assert result.exit_code == 1
    assert "modifié à la main" in result.text
    assert "git checkout -- " in result.text and "--depuis" in result.text
    assert sorted(p.name for p in path.parent.iterdir()) == ["contrat.json"]


def test_a_bad_date_or_an_invalid_description_is_refused(territory, run):
    root = territory()
    result = run("signer", root, "--date", "12/06/2024")
    assert result.exit_code == 1 and "AAAA-MM-JJ" in result.text
    data = minimal()
    data["signataires"][0]["type"] = "roi"
    bad = territory(data, name="bad")
    result = run("signer", bad, "--date", "2024-06-12")
    assert result.exit_code == 1 and "ne peut pas être enregistrée comme signée" in result.text
    assert not (bad / "versions-signees").exists() and not (root / "versions-signees").exists()


def test_the_signed_version_is_recovered_from_a_generated_document(territory, run, tmp_path):
    root = territory()
    assert run("build", root, "--sortie", tmp_path / "out").exit_code == 0
    signed = tmp_path / "out" / "t" / "contrat-de-ville.docx"
    data = minimal()
    data["orientations"][0]["titre"] = "Un autre titre, écrit après la signature"
    territory(data)
    result = run("signer", root, "--date", "2024-06-12", "--depuis", signed)
    assert result.exit_code == 0, result.text
    snap = read_snapshots(root)[0]
    assert snap.description["orientations"][0]["titre"] == "Favoriser l'accès à l'emploi"
    assert snap.source == "document contrat-de-ville.docx"
    assert snap.template_set == "engagements-quartiers-2030"


def test_a_document_without_description_cannot_give_the_signed_version(territory, run, tmp_path):
    root = territory()
    other = tmp_path / "autre.docx"
    other.write_bytes(b"PK not a docx")
    result = run("signer", root, "--date", "2024-06-12", "--depuis", other)
    assert result.exit_code == 1 and "ne contient pas de description" in result.text
    assert not (root / "versions-signees").exists()
