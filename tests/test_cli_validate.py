"""`cdv valider`: exit status, text and JSON output, --strict, what a path designates."""

from __future__ import annotations

import json

import pytest
from conftest import ROOT, line_of, minimal, write_territory

from generator.description.load import is_territory

CONTRACTS = ROOT / "contracts"
EXAMPLES = sorted(p for p in CONTRACTS.iterdir() if p.is_dir() and is_territory(p))


def warnings_only():
    """A description with exactly one warning (a QPV without population)."""
    data = minimal()
    del data["territoire"]["qpv"][0]["population"]
    return data


# --------------------------------------------------------------------------- the examples


def test_examples_validate_with_zero_errors(run, monkeypatch):
    assert EXAMPLES, "no example territory in contracts/"
    monkeypatch.chdir(ROOT)
    result = run("validate", "contracts/")
    assert result.exit_code == 0, result.output
    assert ": erreur : " not in result.output
    for example in EXAMPLES:
        assert f"✔ contracts/{example.name} : valide" in result.output


def test_examples_in_json(run, monkeypatch):
    monkeypatch.chdir(ROOT)
    result, payload = run.json("validate", "contracts")
    assert result.exit_code == 0
    assert {entry["territoire"] for entry in payload} == {f"contracts/{p.name}" for p in EXAMPLES}
    for entry in payload:
        assert entry["valide"] is True and entry["erreurs"] == 0, entry["territoire"]
        assert all(p["gravite"] == "avertissement" for p in entry["problemes"])


def test_default_path_is_contracts(run, monkeypatch):
    monkeypatch.chdir(ROOT)
    result = run("validate")
    assert result.exit_code == 0, result.output
    assert EXAMPLES
    for example in EXAMPLES:
        assert f"✔ contracts/{example.name} : valide" in result.output


def test_one_file_of_an_example_shows_only_its_problems(run, monkeypatch):
    monkeypatch.chdir(ROOT)
    example = EXAMPLES[0]
    sheets = sorted((example / "engagements").glob("*.yaml")) if example.is_dir() else []
    if not sheets:
        pytest.skip("the first example has no engagements/ sheet")
    sheet = sheets[0].relative_to(ROOT)
    whole = run("validate", example.relative_to(ROOT))
    alone = run("validate", sheet)
    assert alone.exit_code == 0
    others = [
        line for line in whole.output.splitlines() if ": " in line and not line.startswith("✔")
    ]
    shown = [line for line in alone.output.splitlines() if not line.startswith("✔")]
    assert all(line.startswith(f"{sheet}:") for line in shown), alone.output
    assert set(shown) <= set(others)
    assert f"✔ {sheet} : valide" in alone.output


# --------------------------------------------------------------------------- exit status, text


def test_valid_territory(run, territory):
    root = territory()
    result = run("validate", root)
    assert result.exit_code == 0
    assert result.output == f"✔ {root} : valide\n"


def test_warnings_only_is_valid_and_strict_makes_it_fail(run, territory):
    root = territory(warnings_only())
    contrat = root / "contrat.yaml"
    line = line_of(contrat, "code: QN06001M")
    expected = (
        f"{contrat}:{line}:11: avertissement : territoire.qpv[1].code — population du QPV "
        "QN06001M non renseignée (territoire.qpv › population)"
    )
    result = run("validate", root)
    assert result.exit_code == 0
    assert result.output.splitlines() == [expected, f"✔ {root} : valide (1 avertissement)"]
    strict = run("validate", "--strict", root)
    assert strict.exit_code == 1
    assert strict.output.splitlines() == [
        expected.replace(": avertissement : ", ": erreur : "),
        f"✘ {root} : 1 erreur",
    ]


def test_errors_and_warnings_are_counted(run, territory):
    data = warnings_only()
    data["financements"]["operations"][0]["financeurs"][0]["annees"][0]["montant"] = -1
    data["financements"]["totaux"] = []
    root = territory(data)
    result = run("validate", root)
    assert result.exit_code == 1
    assert result.output.splitlines()[-1] == f"✘ {root} : 1 erreur, 1 avertissement"
    data["territoire"]["qpv"].append({"code": "QN06099M"})
    result = run("validate", territory(data, name="t2"))
    assert result.output.splitlines()[-1].endswith(" : 2 erreurs, 4 avertissements")


def test_problems_are_sorted_by_file_and_line(run, territory):
    data = minimal()
    data["financements"]["operations"][1]["financeurs"][0]["annees"][0]["montant"] = -1
    data["financements"]["totaux"] = []
    data["gouvernance"]["instances"][0]["conseils_citoyens"] = False
    data["territoire"]["qpv"][0]["population"] = "beaucoup"
    root = territory(data, split=True)
    result = run("validate", root)
    located = [line.split(": ")[0] for line in result.output.splitlines()[:-1]]
    keys = [(name, int(line), int(col)) for name, line, col in (x.split(":") for x in located)]
    assert keys == sorted(keys) and len(keys) == 3
    assert [k[0] for k in keys] == [
        str(root / "contrat.yaml"),
        str(root / "financements.yaml"),
        str(root / "gouvernance.yaml"),
    ]


def test_paths_are_shown_relative_to_the_current_folder(run, territory, tmp_path, monkeypatch):
    territory(warnings_only())
    monkeypatch.chdir(tmp_path)
    result = run("validate", "t")
    assert result.output.startswith("t/contrat.yaml:13:11: avertissement : ")
    assert result.output.endswith("✔ t : valide (1 avertissement)\n")


def test_several_paths_and_a_folder_of_territories(run, tmp_path):
    write_territory(tmp_path / "tous" / "a")
    data = minimal()
    data["signataires"][0]["type"] = "prefecture"
    write_territory(tmp_path / "tous" / "b", data)
    (tmp_path / "tous" / "notes").mkdir()  # not a territory: ignored
    write_territory(tmp_path / "seul")
    result = run("validate", tmp_path / "tous", tmp_path / "seul")
    assert result.exit_code == 1
    summaries = [line for line in result.output.splitlines() if line[0] in "✔✘"]
    assert summaries == [
        f"✔ {tmp_path / 'tous' / 'a'} : valide",
        f"✘ {tmp_path / 'tous' / 'b'} : 2 erreurs",
        f"✔ {tmp_path / 'seul'} : valide",
    ]


def test_all_valid_paths_give_status_0(run, tmp_path):
    write_territory(tmp_path / "a")
    write_territory(tmp_path / "b", split=True)
    assert run("validate", tmp_path / "a", tmp_path / "b").exit_code == 0


# --------------------------------------------------------------------------- JSON


def test_json_output(run, territory):
    data = warnings_only()
    data["financements"]["operations"][1]["financeurs"][0]["annees"][0]["montant"] = -5
    data["financements"]["totaux"] = []
    root = territory(data, split=True)
    result, payload = run.json("validate", root)
    assert result.exit_code == 1
    [entry] = payload
    assert entry == {
        "territoire": str(root),
        "chemin": str(root),
        "valide": False,
        "erreurs": 1,
        "avertissements": 1,
        "problemes": entry["problemes"],
    }
    financements = root / "financements.yaml"
    contrat = root / "contrat.yaml"
    assert entry["problemes"] == [
        {
            "fichier": str(contrat),
            "ligne": line_of(contrat, "code: QN06001M"),
            "colonne": 11,
            "gravite": "avertissement",
            "champ": "territoire.qpv[1].code",
            "message": "population du QPV QN06001M non renseignée (territoire.qpv › population)",
        },
        {
            "fichier": str(financements),
            "ligne": line_of(financements, "montant: -5"),
            "colonne": 18,
            "gravite": "erreur",
            "champ": "financements.operations[2].financeurs[1].annees[1].montant",
            "message": "Montant en euros : montant négatif (-5) ; un montant est positif ou nul",
        },
    ]


def test_json_output_is_pure_json_even_for_broken_files(run, territory, tmp_path, monkeypatch):
    root = territory(split=True)
    (root / "gouvernance.yaml").write_bytes(b"gouvernance:\n\tinstances: []\n")
    (root / "vide").mkdir()
    monkeypatch.chdir(tmp_path)
    result, payload = run.json("validate", "t", "t/vide")
    assert result.exit_code == 1
    first, second = payload
    assert first["problemes"][0] == {
        "fichier": "t/gouvernance.yaml",
        "ligne": 2,
        "colonne": 1,
        "gravite": "erreur",
        "champ": "",
        "message": first["problemes"][0]["message"],
    }
    assert "tabulation" in first["problemes"][0]["message"]
    assert second["territoire"] == "t/vide" and second["valide"] is False
    assert "aucun fichier de description" in second["problemes"][0]["message"]


def test_json_strict(run, territory):
    result, payload = run.json("validate", "--strict", territory(warnings_only()))
    assert result.exit_code == 1
    assert payload[0]["valide"] is False
    assert payload[0]["erreurs"] == 1 and payload[0]["avertissements"] == 0
    assert payload[0]["problemes"][0]["gravite"] == "erreur"


def test_json_text_is_not_escaped(run, territory):
    result = run("validate", "--format", "json", territory(warnings_only()))
    assert "non renseignée" in result.stdout  # real accents, not \u00e9
    assert json.loads(result.stdout)[0]["avertissements"] == 1


# --------------------------------------------------------------------------- one file


def _two_problems(tmp_path):
    """A split territory with a problem in contrat.yaml and one in engagements/etat.yaml."""
    data = warnings_only()  # warning in contrat.yaml
    data["engagements"][0]["objectifs"][0]["orientation"] = "emplois"  # error in etat.yaml
    return write_territory(tmp_path / "t", data, split=True)


def test_one_item_file_shows_only_its_problems(run, tmp_path):
    root = _two_problems(tmp_path)
    sheet = root / "engagements" / "etat.yaml"
    result = run("validate", sheet)
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert len(lines) == 2
    assert lines[0].startswith(f"{sheet}:{line_of(sheet, 'orientation: emplois')}:")
    assert "l'orientation « emplois » inconnue : déclarez-la" in lines[0]
    assert lines[1] == f"✘ {sheet} : 1 erreur"


def test_one_section_file_shows_only_its_problems(run, tmp_path):
    root = _two_problems(tmp_path)
    result = run("validate", root / "contrat.yaml")
    assert result.exit_code == 0
    lines = result.output.splitlines()
    assert len(lines) == 2 and "population du QPV" in lines[0]
    # References into the other files are resolved: orientation « emploi » of financements.yaml.
    result = run("validate", root / "financements.yaml")
    assert result.output == f"✔ {root / 'financements.yaml'} : valide\n"


def test_contrat_yaml_of_a_territory_with_item_folders_only(run, tmp_path):
    # Bug fixed: contrat.yaml was validated alone when it was the only section file, so the
    # sheets of engagements/, tfpb/ and quartiers/ were ignored and reported as missing.
    data = minimal()
    items = {key: data.pop(key) for key in ("engagements", "tfpb", "quartiers")}
    root = write_territory(tmp_path / "t", data)
    for key, values in items.items():
        write_territory(tmp_path / "x", {key: values}, split=True)
        (tmp_path / "x" / key).rename(root / key)
    data["contrat"]["statut"] = "final"  # a missing projet de quartier would be an error
    (root / "contrat.yaml").write_text(
        (root / "contrat.yaml").read_text().replace("statut: projet", "statut: final")
    )
    result = run("validate", root / "contrat.yaml")
    assert result.output == f"✔ {root / 'contrat.yaml'} : valide\n"
    assert result.exit_code == 0


def test_a_file_outside_any_territory_is_validated_alone(run, tmp_path):
    path = tmp_path / "brouillon.yaml"
    path.write_text("gouvernance:\n  instances: []\n", encoding="utf-8")
    result = run("validate", path)
    assert result.exit_code == 1
    assert "aucune instance de pilotage" in result.output
    assert f"✘ {path} : " in result.output


def test_unknown_format_option(run, territory):
    result = run("validate", "--format", "xml", territory())
    assert result.exit_code == 2


# --------------------------------------------------------------------------- many territories


def test_many_territories_in_parallel_give_the_same_report(run, tmp_path):
    from generator.description.validate import discover, validate_many

    for index in range(9):
        data = minimal()
        if index == 4:
            data["financements"]["operations"][0]["financeurs"][0]["annees"][0]["annee"] = 2019
        write_territory(tmp_path / "tous" / f"t{index}", data, split=index % 2 == 1)
    targets = discover([tmp_path / "tous"])
    assert len(targets) == 9
    alone = validate_many(targets, jobs=1)
    parallel = validate_many(targets, jobs=2)
    assert [r.problems for r in parallel] == [r.problems for r in alone]
    assert [r.valid for r in parallel] == [i != 4 for i in range(9)]
    result = run("validate", tmp_path / "tous")
    assert result.exit_code == 1
    assert "l'année 2019 est hors de la période du contrat" in result.output
    assert result.output.count("✔ ") == 8 and f"✘ {tmp_path / 'tous' / 't4'} : " in result.output
