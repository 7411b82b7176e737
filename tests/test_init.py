"""`cdv init`: a starter description that validates, from the official QPV list; never
overwrites anything."""

from __future__ import annotations

import datetime as dt
import os

import pytest
import yaml

from generator.description.load import load_territory
from generator.description.starter import StarterError, write_starter


def snapshot(folder):
    """Every file and folder below `folder`, with contents and modification times."""
    out = {}
    for dirpath, dirnames, filenames in os.walk(folder):
        for name in dirnames + filenames:
            path = os.path.join(dirpath, name)
            stat = os.stat(path)
            content = open(path, "rb").read() if name in filenames else None
            out[os.path.relpath(path, folder)] = (stat.st_mtime_ns, content)
    return out


def test_init_creates_a_territory_that_validates_with_warnings_only(run, tmp_path):
    folder = tmp_path / "creil"
    result = run(
        "init", folder, "--epci", "Communauté d'agglomération Creil Sud Oise", "--qpv", "QN06001M"
    )
    assert result.exit_code == 0, result.output
    assert f"Description de départ créée dans {folder}" in result.output
    assert f"cdv valider {folder}" in result.output
    assert sorted(str(p.relative_to(folder)) for p in folder.rglob("*.yaml")) == [
        "contrat.yaml",
        "financements.yaml",
        "gouvernance.yaml",
        "orientations.yaml",
        "participation.yaml",
        "quartiers/QN06001M.yaml",
    ]
    check = run("validate", folder)
    assert check.exit_code == 0, check.output
    assert ": erreur : " not in check.output
    assert ": avertissement : " in check.output  # what remains to fill in
    assert check.output.splitlines()[-1].startswith(f"✔ {folder} : valide (")


def test_qpv_names_and_communes_come_from_the_reference_list(run, tmp_path):
    folder = tmp_path / "creil"
    result = run(
        "init",
        folder,
        "--epci",
        "ACSO",
        "--qpv",
        "QN06019N",
        "--qpv",
        "qn06002m",  # lower case
    )
    assert result.exit_code == 0, result.output
    contrat = (folder / "contrat.yaml").read_text(encoding="utf-8")
    # Jaurès - Gournay spans Creil and Montataire; Les Martinets is in Montataire.
    assert "- code: QN06019N  # Jaurès - Gournay (Creil, Montataire)" in contrat
    assert "- code: QN06002M  # Les Martinets (Montataire)" in contrat
    assert "le préfet de l'Oise" in contrat
    data = load_territory(folder).data
    assert data["territoire"]["communes"] == [
        {"nom": "Creil", "insee": "60175"},
        {"nom": "Montataire", "insee": "60414"},
    ]
    assert [q["code"] for q in data["territoire"]["qpv"]] == ["QN06019N", "QN06002M"]
    assert {s["id"]: s["type"] for s in data["signataires"]} == {
        "etat": "etat",
        "epci": "epci",
        "commune-creil": "commune",
        "commune-montataire": "commune",
    }
    assert data["territoire"]["epci"]["nom"] == "ACSO"
    assert [c["qpv"] for c in data["participation"]["conseils_citoyens"]] == [
        ["QN06019N"],
        ["QN06002M"],
    ]
    projet = (folder / "quartiers" / "QN06019N.yaml").read_text(encoding="utf-8")
    assert "# Projet de quartier : Jaurès - Gournay (Creil, Montataire)" in projet
    assert yaml.safe_load(projet)["qpv"] == "QN06019N"
    assert run("validate", folder).exit_code == 0


def test_insee_codes_with_a_leading_zero_stay_text(run, tmp_path):
    folder = tmp_path / "bourg"
    result = run("init", folder, "--epci", "CA du Bassin de Bourg-en-Bresse", "--qpv", "QN00101M")
    assert result.exit_code == 0
    assert 'insee: "01053"' in (folder / "contrat.yaml").read_text(encoding="utf-8")
    assert load_territory(folder).data["territoire"]["communes"][0]["insee"] == "01053"
    check = run("validate", folder)
    assert check.exit_code == 0 and ": erreur : " not in check.output


def test_epci_name_with_quotes_and_colons(run, tmp_path):
    folder = tmp_path / "t"
    epci = 'Communauté d\'agglomération « Cœur : "Sud" » #1'
    assert run("init", folder, "--epci", epci, "--qpv", "QN06001M").exit_code == 0
    data = load_territory(folder).data
    assert data["territoire"]["epci"]["nom"] == epci
    assert run("validate", folder).exit_code == 0


def test_init_refuses_an_existing_folder(run, tmp_path):
    folder = tmp_path / "creil"
    folder.mkdir()
    (folder / "contrat.yaml").write_text("# mon travail\n", encoding="utf-8")
    before = snapshot(tmp_path)
    result = run("init", folder, "--epci", "ACSO", "--qpv", "QN06001M")
    assert result.exit_code == 1
    assert f"erreur : le dossier {folder} existe déjà : rien n'a été écrit" in result.output
    assert snapshot(tmp_path) == before


def test_init_refuses_an_existing_empty_folder(run, tmp_path):
    folder = tmp_path / "vide"
    folder.mkdir()
    result = run("init", folder, "--epci", "ACSO", "--qpv", "QN06001M")
    assert result.exit_code == 1
    assert list(folder.iterdir()) == []


def test_unknown_qpv_code_writes_nothing(run, tmp_path):
    folder = tmp_path / "creil"
    result = run("init", folder, "--epci", "ACSO", "--qpv", "QN06001M", "--qpv", "QN06099M")
    assert result.exit_code == 1
    assert "erreur : code(s) QPV absent(s) de la liste officielle de 2024 : QN06099M" in (
        result.output
    )
    assert "QN06001M" not in result.output.split("2024 :")[1].split("(")[0]
    assert not folder.exists()
    assert list(tmp_path.iterdir()) == []  # no half-written staging folder either


def test_empty_epci_name_writes_nothing(run, tmp_path):
    result = run("init", tmp_path / "t", "--epci", "  ", "--qpv", "QN06001M")
    assert result.exit_code == 1
    assert "le nom de l'EPCI est vide" in result.output
    assert list(tmp_path.iterdir()) == []


def test_epci_option_is_required(run, tmp_path):
    result = run("init", tmp_path / "t")
    assert result.exit_code == 2
    assert not (tmp_path / "t").exists()


def test_write_failure_leaves_nothing_behind(tmp_path, monkeypatch):
    def refuse(src, dst):
        raise PermissionError(13, "Permission non accordée")

    monkeypatch.setattr(os, "rename", refuse)
    with pytest.raises(StarterError, match="impossible d'écrire"):
        write_starter(tmp_path / "t", "ACSO", ["QN06001M"])
    assert list(tmp_path.iterdir()) == []


def test_schema_line_points_to_the_project_schemas(tmp_path):
    project = tmp_path / "projet"
    (project / "schemas").mkdir(parents=True)
    (project / "schemas" / "contrat-de-ville.schema.json").write_text("{}")
    folder = project / "contracts" / "creil"
    written = write_starter(folder, "ACSO", ["QN06001M"], today=dt.date(2024, 5, 1))
    assert folder / "contrat.yaml" in written
    contrat = (folder / "contrat.yaml").read_text(encoding="utf-8")
    assert contrat.startswith(
        "# yaml-language-server: $schema=../../schemas/contrat-de-ville.schema.json\n"
    )
    assert "date: 2024-05-01" in contrat
    projet = (folder / "quartiers" / "QN06001M.yaml").read_text(encoding="utf-8")
    assert projet.startswith(
        "# yaml-language-server: $schema=../../../schemas/projet-quartier.schema.json\n"
    )


def test_schema_line_outside_a_project_is_an_absolute_uri(tmp_path):
    write_starter(tmp_path / "t", "ACSO", ["QN06001M"])
    first = (tmp_path / "t" / "contrat.yaml").read_text(encoding="utf-8").splitlines()[0]
    assert first.startswith("# yaml-language-server: $schema=file:///")
    assert first.endswith("/schemas/contrat-de-ville.schema.json")


def test_the_untouched_starter_says_what_is_left_to_write(run, tmp_path):
    # issue 12, point 6: « ✔ valide » while every portrait said « À compléter : … »
    folder = tmp_path / "t"
    assert run("init", folder, "--epci", "CA du Beauvaisis", "--qpv", "QN06009I").exit_code == 0
    quartier = folder / "quartiers" / "QN06009I.yaml"
    result = run("validate", folder)
    assert result.exit_code == 0, result.output
    line = next(
        f"{quartier}:{n}:"
        for n, text in enumerate(quartier.read_text().splitlines(), 1)
        if text.startswith("portrait:")
    )
    warned = [out for out in result.output.splitlines() if out.startswith(line)]
    assert (
        warned
        and ": avertissement : quartiers[1].portrait — texte de départ laissé tel quel"
        in (warned[0])
    )
    assert run("validate", folder, "--strict").exit_code == 1
    contrat = folder / "contrat.yaml"
    contrat.write_text(contrat.read_text().replace("statut: projet", "statut: final"), "utf-8")
    final = run("validate", folder)
    assert final.exit_code == 1
    assert "quartiers[1].portrait — texte de départ laissé tel quel" in final.output
    assert "(obligatoire dans la version finale)" in final.output
    quartier.write_text(
        quartier.read_text().replace("À compléter : qui vit", "Les habitants : qui vit"), "utf-8"
    )
    assert "texte de départ" not in run("validate", folder).output


def test_the_starter_is_format_2_and_its_commented_operation_validates(run, tmp_path):
    folder = tmp_path / "t"
    assert run("init", folder, "--epci", "ACSO", "--qpv", "QN06019N").exit_code == 0
    desc = load_territory(folder)
    assert desc.data["format"] == 2 and desc.source_data is None  # nothing to convert
    assert desc.data["financements"] == {"operations": []}
    assert not [p for p in desc.problems if "format 1" in p.message]
    # the example in the comments is a valid operation once uncommented (its QPV replaced by
    # the territory's)
    path = folder / "financements.yaml"
    text = path.read_text(encoding="utf-8")
    block = text[text.index("  # operations:") :]
    uncommented = "\n".join(line.replace("  # ", "  ", 1) for line in block.splitlines())
    uncommented = (
        uncommented.replace("QN06001M", "QN06019N")
        .replace("        - {qpv: QN06002M, part: 40}\n", "")
        .replace("part: 60", "part: 100")
    )
    path.write_text(text[: text.index("  operations: []")] + uncommented + "\n", encoding="utf-8")
    result = run("validate", folder)
    assert "erreur" not in result.text, result.text
    assert load_territory(folder).data["financements"]["operations"][0]["id"] == "cite-educative"
