"""Bad input, as a pilot would produce it: `cdv valider` explains it in French, at the right
file and line, exits with status 1, and never shows a traceback.

Byte-level cases are static files in tests/cas/; the others mutate the minimal territory.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import CAS, ROOT, dump, line_of, minimal_format_1, write_territory


def problem_lines(result, severity: str = "erreur") -> list[str]:
    return [line for line in result.output.splitlines() if f": {severity} : " in line]


def expect(result, file: Path, line: int | None, *fragments: str, column: int | None = None):
    """The run failed (status 1) and reported, at file:line[:column], a message with all
    the fragments. line=None: any line; line=0: a message about the whole file or folder,
    without a line. Returns that output line."""
    assert result.exit_code == 1, result.output
    assert "erreur interne" not in result.output, result.output
    prefix = {None: f"{file}:", 0: f"{file}: "}.get(line, f"{file}:{line}:")
    if column is not None:
        prefix += f"{column}:"
    found = [
        out
        for out in result.output.splitlines()
        if out.startswith(prefix) and all(fragment in out for fragment in fragments)
    ]
    assert found, f"{prefix} {fragments} not in:\n{result.output}"
    return found[0]


# --------------------------------------------------------------------------- static files

STATIC = [
    pytest.param(
        "yaml-malforme.yaml",
        7,
        None,
        ["syntaxe YAML", "liste entre crochets mal fermée", "« [ » ouvert ligne 6"],
        id="yaml-malforme",
    ),
    pytest.param(
        "deux-points.yaml",
        4,
        None,
        ["deux-points inattendu", "mettez-la entre guillemets"],
        id="deux-points",
    ),
    pytest.param(
        "guillemet-non-ferme.yaml",
        4,
        12,
        ["guillemet non refermé"],
        id="guillemet-non-ferme",
    ),
    pytest.param(
        "tabulation.yaml",
        5,
        1,
        ["tabulation dans l'indentation", "YAML n'accepte que des espaces"],
        id="tabulation",
    ),
    pytest.param(
        "windows-1252.yaml",
        4,
        17,
        ["n'est pas encodé en UTF-8", "0xE9", "« é » en Windows-1252", "Convertir en UTF-8"],
        id="windows-1252",
    ),
    pytest.param(
        "octet-nul.yaml",
        4,
        17,
        ["caractère nul (octet 0x00)", "texte brut, en UTF-8"],
        id="octet-nul",
    ),
    pytest.param(
        "apostrophe-entre-apostrophes.yaml",
        6,
        50,
        ["apostrophe dans un texte entre apostrophes", "« l' »", "doublez l'apostrophe (l''EPCI)"],
        id="apostrophe-entre-apostrophes",
    ),
    pytest.param(
        "apostrophe-non-fermee.yaml",
        6,
        19,
        ["guillemet non refermé", "ajoutez-le à la fin du texte"],
        id="apostrophe-non-fermee",
    ),
    pytest.param("utf-16.yaml", 1, 1, ["encodé en UTF-16", "en UTF-8"], id="utf-16"),
    # UTF-32 used to be called UTF-16
    pytest.param("utf-32.yaml", 1, 1, ["encodé en UTF-32", "en UTF-8"], id="utf-32"),
    # a non-character written as a YAML escape used to reach customXml/item2.xml raw
    pytest.param("non-caractere.yaml", 4, 12, ["non-caractère Unicode U+FFFF"], id="non-caractere"),
    pytest.param(
        "non-caractere-brut.yaml", 4, 27, ["non-caractère Unicode U+FFFE"], id="non-caractere-brut"
    ),
    pytest.param("bidi.yaml", 4, 19, ["sens d'écriture U+202E", "supprimez-le"], id="bidi"),
    pytest.param(
        "controle-terminal.yaml",
        4,
        12,
        ["caractère de contrôle invisible U+001B"],
        id="controle-terminal",
    ),
    pytest.param(
        "alias-bombe.yaml",
        2,
        None,
        ["structure trop grande ou trop profonde", "alias"],
        id="alias-bombe",
    ),
    pytest.param(
        "alias-recursif.yaml",
        2,
        None,
        ["structure trop grande ou trop profonde"],
        id="alias-recursif",
    ),
]


@pytest.mark.parametrize(("name", "line", "column", "fragments"), STATIC)
def test_static_bad_file_in_a_territory(run, tmp_path, name, line, column, fragments):
    root = write_territory(tmp_path / "t", split=True)
    target = root / "gouvernance.yaml"
    target.write_bytes((CAS / name).read_bytes())
    start = time.monotonic()
    result = run("validate", root)
    assert time.monotonic() - start < 30  # the alias bomb is not expanded
    expect(result, target, line, *fragments, column=column)
    # Only that error: the business rules do not report as missing what the unreadable file
    # holds (bug fixed: « aucune instance de pilotage » and friends used to follow).
    assert len(problem_lines(result)) == 1, result.output
    assert "aucune instance de pilotage" not in result.output


@pytest.mark.parametrize("name", [p.values[0] for p in STATIC])
def test_static_bad_file_validated_alone(run, name):
    result = run("validate", CAS / name)
    assert result.exit_code == 1
    assert f"{CAS / name}:" in result.output or f"tests/cas/{name}:" in result.output


def test_utf8_bom_file_loads_fine(run, tmp_path):
    root = write_territory(tmp_path / "t", split=True)
    (root / "gouvernance.yaml").write_bytes((CAS / "bom-utf8.yaml").read_bytes())
    result = run("validate", root)
    assert result.exit_code == 0, result.output
    assert problem_lines(result) == [] and problem_lines(result, "avertissement") == []


# --------------------------------------------------------------------------- generated cases


def test_duplicate_key(run, tmp_path):
    root = write_territory(tmp_path / "t", split=True)
    gouvernance = root / "gouvernance.yaml"
    gouvernance.write_text(
        "gouvernance:\n  instances:\n  - nom: Comité de pilotage\n    type: pilotage\n"
        "    conseils_citoyens: true\n    type: technique\n",
        encoding="utf-8",
    )
    expect(
        run("validate", root),
        gouvernance,
        6,
        "clé « type » en double",
        "déjà écrite ligne 4",
        "fusionnez",
        column=5,
    )


def test_unknown_top_level_key_suggests_the_right_one(run, tmp_path):
    data = minimal_format_1()
    data["gouvernace"] = data.pop("gouvernance")
    root = write_territory(tmp_path / "t", data, split=True)
    expect(
        run("validate", root),
        root / "gouvernace.yaml",
        1,
        "gouvernace — clé inconnue « gouvernace » : vouliez-vous dire « gouvernance » ?",
        column=1,
    )


@pytest.mark.parametrize(
    ("section", "path", "typo", "right"),
    [
        ("gouvernance", ("instances", 0), "conseil_citoyens", "conseils_citoyens"),
        ("contrat", (), "verison", "version"),
        ("territoire", ("qpv", 0), "populaton", "population"),
        ("tfpb", (0, "actions", 1), "libele", "libelle"),
    ],
)
def test_unknown_nested_key_suggests_the_right_one(run, tmp_path, section, path, typo, right):
    data = minimal_format_1()
    node = data[section]
    for part in path:
        node = node[part]
    node[typo] = node.pop(right)
    root = write_territory(tmp_path / "t", data, split=True)
    result = run("validate", root)
    files = {
        "gouvernance": root / "gouvernance.yaml",
        "tfpb": root / "tfpb" / "oise-habitat.yaml",
    }
    file = files.get(section, root / "contrat.yaml")
    after = {"contrat": "contrat:", "territoire": "qpv:", "tfpb": "axe: tranquillite"}.get(section)
    line = line_of(file, f"{typo}:", after=after)
    expect(result, file, line, f"clé inconnue « {typo} » : vouliez-vous dire « {right} » ?")


def test_wrong_type(run, tmp_path):
    data = minimal_format_1()
    data["territoire"]["qpv"][0]["population"] = "beaucoup"
    root = write_territory(tmp_path / "t", data, split=True)
    contrat = root / "contrat.yaml"
    expect(
        run("validate", root),
        contrat,
        line_of(contrat, "population: beaucoup"),
        "territoire.qpv[1].population — Population du QPV : un nombre entier est attendu, "
        "pas le texte « beaucoup »",
    )


@pytest.mark.parametrize(
    "bad",
    [["etat"], {"a": 1}, None, 3, True],
    ids=["liste", "tableau", "vide", "nombre", "booleen"],
)
def test_wrong_type_of_an_enumeration_gives_no_internal_error(run, tmp_path, bad):
    # Bug fixed: a list or mapping as a signatory's type crashed rule_signatories
    # (unhashable value) and showed « erreur interne » to the pilot.
    data = minimal_format_1()
    data["signataires"][0]["type"] = bad
    root = write_territory(tmp_path / "t", data)
    result = run("validate", root)
    contrat = root / "contrat.yaml"
    line = line_of(contrat, "type:")
    if bad is None:
        expect(result, contrat, line, "signataires[1].type — Catégorie vide ; valeurs possibles :")
    else:  # a block list or mapping starts on the next line; no Python repr for the pilot
        line += isinstance(bad, list | dict)
        shown = {
            list: "une liste",
            dict: "un tableau de clés",
            int: "« 3 »",
            bool: "la valeur true",
        }
        expect(
            result,
            contrat,
            line,
            f"{shown[type(bad)]} n'est pas une valeur possible pour Catégorie",
        )


def test_value_outside_an_enumeration_suggests_the_closest(run, tmp_path):
    data = minimal_format_1()
    data["gouvernance"]["instances"][0]["type"] = "pilotge"
    root = write_territory(tmp_path / "t", data, split=True)
    gouvernance = root / "gouvernance.yaml"
    expect(
        run("validate", root),
        gouvernance,
        line_of(gouvernance, "type: pilotge"),
        "« pilotge » n'est pas une valeur possible pour Type d'instance ; "
        "vouliez-vous dire « pilotage » ? valeurs possibles : pilotage, technique,",
    )


def test_bad_qpv_code_as_a_key_points_at_that_key(run, tmp_path):
    # Bug fixed: a key refused by `propertyNames` was reported at the first line of the
    # mapping, not at the wrong key.
    data = minimal_format_1()
    data["diagnostic"] = {
        "indicateurs": [{"libelle": "Chômage", "qpv": {"QN06001M": 31.5, "Rouher": 28}}]
    }
    root = write_territory(tmp_path / "t", data, split=True)
    diagnostic = root / "diagnostic.yaml"
    expect(
        run("validate", root),
        diagnostic,
        line_of(diagnostic, "Rouher: 28"),
        "diagnostic.indicateurs[1].qpv.Rouher — « Rouher » n'est pas un code QPV",
        column=7,
    )


def test_negative_amount(run, tmp_path):
    data = minimal_format_1()
    data["financements"]["lignes"][1]["montant"] = -5
    root = write_territory(tmp_path / "t", data, split=True)
    financements = root / "financements.yaml"
    expect(
        run("validate", root),
        financements,
        line_of(financements, "montant: -5"),
        "financements.lignes[2].montant — Montant en euros : montant négatif (-5) ; "
        "un montant est positif ou nul",
        column=14,
    )


def test_year_2019(run, tmp_path):
    data = minimal_format_1()
    data["financements"]["lignes"][1]["annee"] = 2019
    data["financements"]["totaux"] = []
    root = write_territory(tmp_path / "t", data, split=True)
    financements = root / "financements.yaml"
    expect(
        run("validate", root),
        financements,
        line_of(financements, "annee: 2019"),
        "l'année 2019 est hors de la période du contrat (2024-2030)",
    )


def test_qpv_code_that_does_not_exist(run, tmp_path):
    data = minimal_format_1()
    data["territoire"]["qpv"].append({"code": "QN06099M", "population": 10})
    root = write_territory(tmp_path / "t", data, split=True)
    contrat = root / "contrat.yaml"
    expect(
        run("validate", root),
        contrat,
        line_of(contrat, "code: QN06099M"),
        "le code QPV « QN06099M » n'existe pas dans la liste officielle",
        "décret n° 2023-1314",
    )


def test_qpv_code_with_a_wrong_format(run, tmp_path):
    data = minimal_format_1()
    data["territoire"]["qpv"].append({"code": "QPV-Rouher", "population": 10})
    root = write_territory(tmp_path / "t", data, split=True)
    contrat = root / "contrat.yaml"
    expect(
        run("validate", root),
        contrat,
        line_of(contrat, "code: QPV-Rouher"),
        "« QPV-Rouher » n'est pas un code QPV : il s'écrit QN, le département",
    )


def test_real_qpv_of_another_departement(run, tmp_path):
    data = minimal_format_1()  # an Oise territory (Creil)
    data["territoire"]["qpv"].append({"code": "QN08001M", "population": 10})
    root = write_territory(tmp_path / "t", data, split=True)
    contrat = root / "contrat.yaml"
    expect(
        run("validate", root),
        contrat,
        line_of(contrat, "code: QN08001M"),
        "le QPV QN08001M « Etouvie » est à Amiens (80021, département 80)",
        "aucune de ces communes n'est dans territoire.communes",
    )


def test_unquoted_insee_code_loses_its_leading_zero(run, tmp_path):
    data = minimal_format_1()
    data["territoire"]["communes"].append({"nom": "Bourg-en-Bresse", "insee": "INSEE"})
    root = tmp_path / "t"
    root.mkdir()
    contrat = root / "contrat.yaml"
    contrat.write_text(dump(data).replace("insee: INSEE", "insee: 01053"), encoding="utf-8")
    line = expect(
        run("validate", root),
        contrat,
        line_of(contrat, "insee: 01053"),
        "territoire.communes[2].insee",
        'écrivez-le entre guillemets, "01053"',
        "YAML l'a lu comme le nombre 555",
        "le zéro initial est perdu",
        column=12,
    )
    assert "erreur" in line


def test_empty_file(run, tmp_path):
    root = write_territory(tmp_path / "t", split=True)
    (root / "participation.yaml").write_text("# à compléter\n\n", encoding="utf-8")
    result = run("validate", root)
    expect(result, root / "participation.yaml", 1, "fichier vide", "complétez-le ou supprimez-le")
    assert len(problem_lines(result)) == 1, result.output


def test_list_where_a_mapping_is_expected(run, tmp_path):
    data = minimal_format_1()
    data["gouvernance"] = [{"nom": "Comité de pilotage", "type": "pilotage"}]
    root = write_territory(tmp_path / "t", data, split=True)
    expect(
        run("validate", root),
        root / "gouvernance.yaml",
        2,
        "gouvernance — Gouvernance et pilotage : un tableau de clés (« clé: valeur », une par "
        "ligne) est attendu, pas une liste",
    )


def test_section_file_that_is_a_list(run, tmp_path):
    root = write_territory(tmp_path / "t", split=True)
    (root / "gouvernance.yaml").write_text("- Comité de pilotage\n- Comité technique\n")
    result = run("validate", root)
    expect(
        result,
        root / "gouvernance.yaml",
        1,
        "ce fichier doit contenir des sections au premier niveau",
    )
    assert len(problem_lines(result)) == 1, result.output


def test_file_of_50_mb(run, tmp_path):
    root = write_territory(tmp_path / "t", split=True)
    big = root / "diagnostic.yaml"
    line = b"  " + b"x" * 97 + b"\n"
    with open(big, "wb") as handle:
        handle.write(b"diagnostic:\n  synthese: |\n")
        handle.write(line * (50 * 1024 * 1024 // len(line)))
    assert big.stat().st_size >= 50 * 1024 * 1024 - 100
    start = time.monotonic()
    result = run("validate", root)
    assert time.monotonic() - start < 10
    # Not a matter of one line: the message is about the whole file (no line number).
    expect(result, big, 0, "fichier trop volumineux (50.0 Mo ; au plus 5 Mo)")
    assert len(problem_lines(result)) == 1, result.output


@pytest.mark.parametrize(
    "template",
    [
        'notes: !!python/object/apply:os.system ["touch {marker}"]\n',
        '!!python/object/apply:os.system ["touch {marker}"]\n',
        "gouvernance:\n"
        '  instances: !!python/object/apply:subprocess.call [["touch", "{marker}"]]\n',
        'format: !!python/object/new:os.system ["touch {marker}"]\n',
    ],
)
def test_python_tag_is_never_executed(run, tmp_path, template):
    marker = tmp_path / "execute"
    root = write_territory(tmp_path / "t", split=True)
    target = root / "gouvernance.yaml"
    target.write_text(template.format(marker=marker), encoding="utf-8")
    result = run("validate", root)
    assert not marker.exists()
    expect(
        result,
        target,
        line_of(target, "!!python"),
        "étiquette YAML « !!python/object/",
        "refusée",
        "rien n'y est exécuté",
    )


def test_reference_to_an_unknown_signatory(run, tmp_path):
    data = minimal_format_1()
    data["engagements"][0]["signataire"] = "etta"
    root = write_territory(tmp_path / "t", data, split=True)
    sheet = root / "engagements" / "etta.yaml"
    expect(
        run("validate", root),
        sheet,
        line_of(sheet, "signataire: etta"),
        "le signataire « etta » inconnu : déclarez-le dans signataires ; "
        "vouliez-vous dire « etat » ?",
        column=13,
    )


def test_section_defined_in_two_files(run, tmp_path):
    root = write_territory(tmp_path / "t", split=True)
    second = root / "instances.yaml"
    second.write_text("gouvernance:\n  instances: []\n", encoding="utf-8")
    line = expect(
        run("validate", root),
        second,
        1,
        "la section « gouvernance » est définie dans deux fichiers",
        "regroupez-les",
        column=1,
    )
    # Both files are named on the line the pilot reads.
    assert str(second) in line and f"{root / 'gouvernance.yaml'}, ligne 1" in line


def test_item_file_wrapped_in_its_section_gets_the_dedicated_message(run, tmp_path):
    root = write_territory(tmp_path / "t", split=True)
    sheet = root / "engagements" / "etat.yaml"
    sheet.write_text(
        "engagements:\n  - signataire: etat\n    objectifs:\n      - libelle: Emplois francs\n",
        encoding="utf-8",
    )
    result = run("validate", root)
    expect(
        result,
        sheet,
        1,
        "ce fichier contient une seule fiche : écrivez son contenu directement, sans la ligne "
        "« engagements: » en tête",
    )
    # Not followed by « le signataire « etat » n'a pas de fiche d'engagements ».
    assert len(problem_lines(result) + problem_lines(result, "avertissement")) == 1, result.output


def test_folder_with_no_description(run, tmp_path):
    (tmp_path / "vide" / "quartiers").mkdir(parents=True)
    result = run("validate", tmp_path / "vide")
    expect(result, tmp_path / "vide", 0, "aucun fichier de description (.yaml)", "cdv init")


def test_path_that_does_not_exist(run, tmp_path):
    result = run("validate", tmp_path / "nulle-part")
    assert result.exit_code == 2
    assert "chemin introuvable" in result.output and "nulle-part" in result.output


# --------------------------------------------------------------------------- end to end


def cdv(*args, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run(
        [sys.executable, "-m", "generator", *map(str, args)],
        capture_output=True,
        text=True,
        encoding="utf-8",
        cwd=cwd,
        env=env,
        timeout=120,
    )


def test_end_to_end_path_that_does_not_exist(tmp_path):
    done = cdv("validate", tmp_path / "nulle-part")
    assert done.returncode == 2
    assert "Traceback" not in done.stdout + done.stderr
    assert f"erreur : chemin introuvable : {tmp_path / 'nulle-part'}" in done.stderr


def test_end_to_end_python_tag_and_broken_files(tmp_path):
    marker = tmp_path / "execute"
    root = write_territory(tmp_path / "t", split=True)
    (root / "gouvernance.yaml").write_text(
        f'gouvernance: !!python/object/apply:os.system ["touch {marker}"]\n', encoding="utf-8"
    )
    (root / "participation.yaml").write_bytes((CAS / "windows-1252.yaml").read_bytes())
    done = cdv("validate", root)
    assert done.returncode == 1
    assert "Traceback" not in done.stdout + done.stderr
    assert not marker.exists()
    assert f"{root / 'gouvernance.yaml'}:1:14: erreur : gouvernance — étiquette YAML" in done.stdout
    assert (
        f"{root / 'participation.yaml'}:4:17: erreur : le fichier n'est pas encodé" in done.stdout
    )
