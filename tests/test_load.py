"""The loader: merged tree, locations of values and keys, raw text, limits, refused content."""

from __future__ import annotations

import pytest
from conftest import CAS, dump, line_of, minimal, minimal_format_1, write_territory

from generator.description.load import (
    MAX_FILE_BYTES,
    Description,
    description_files,
    load_territory,
    parse_file,
    read_text,
)


def test_single_file_loads_into_the_same_tree_as_split_files(tmp_path):
    single = load_territory(write_territory(tmp_path / "un", minimal()))
    split = load_territory(write_territory(tmp_path / "plusieurs", minimal(), split=True))
    assert single.problems == [] and split.problems == []
    assert single.data == minimal()
    # Item files are appended in file-name order: same items, maybe another order.
    for key, value in minimal().items():
        if isinstance(value, list):
            assert sorted(map(repr, split.data[key])) == sorted(map(repr, value)), key
        else:
            assert split.data[key] == value, key


def test_contrat_yaml_is_read_first_then_sections_then_item_folders(tmp_path):
    root = write_territory(tmp_path / "t", split=True)
    sections, items = description_files(root)
    assert sections[0].name == "contrat.yaml"
    assert [p.name for p in sections[1:]] == sorted(p.name for p in sections[1:])
    assert set(items) == {"engagements", "tfpb", "quartiers"}
    assert [p.name for p in items["engagements"]] == [
        "commune-creil.yaml",
        "departement-oise.yaml",
        "epci.yaml",
        "etat.yaml",
        "oise-habitat.yaml",
        "region-hdf.yaml",
    ]
    desc = load_territory(root)
    assert desc.files[0].endswith("contrat.yaml")
    assert [e["signataire"] for e in desc.data["engagements"]] == [
        "commune-creil",
        "departement-oise",
        "epci",
        "etat",
        "oise-habitat",
        "region-hdf",
    ]


def test_values_and_keys_keep_file_line_and_column(tmp_path):
    root = write_territory(tmp_path / "t", minimal_format_1(), split=True)
    desc = load_territory(root)
    financements = root / "financements.yaml"
    loc = desc.where(("financements", "lignes", 1, "montant"))
    assert loc.file == str(financements)
    assert loc.line == line_of(financements, "montant: 50000")
    assert loc.column == len("    montant: ") + 1
    key = desc.where(("financements", "lignes", 1, "montant"), key=True)
    assert (key.line, key.column) == (loc.line, len("    ") + 1)
    # An item file: the path is rooted in its section, the location in its own file.
    etat = root / "engagements" / "etat.yaml"
    index = next(i for i, e in enumerate(desc.data["engagements"]) if e["signataire"] == "etat")
    loc = desc.where(("engagements", index, "signataire"))
    assert (loc.file, loc.line) == (str(etat), line_of(etat, "signataire: etat"))


def test_where_falls_back_to_the_closest_located_parent(tmp_path):
    desc = load_territory(write_territory(tmp_path / "t"))
    parent = desc.where(("gouvernance", "instances", 0))
    missing = desc.where(("gouvernance", "instances", 0, "presidence"))
    assert missing == parent


def test_raw_text_of_unquoted_scalars_is_kept(tmp_path):
    text = dump(minimal_format_1()).replace("insee: '60175'", "insee: 01053", 1)
    root = tmp_path / "t"
    root.mkdir()
    (root / "contrat.yaml").write_text(text, encoding="utf-8")
    desc = load_territory(root)
    path = ("territoire", "communes", 0, "insee")
    assert desc.data["territoire"]["communes"][0]["insee"] == 0o1053  # YAML 1.1 octal: 555
    assert desc.raw[path] == "01053"


def test_dates_stay_text_and_booleans_are_booleans(tmp_path):
    root = tmp_path / "t"
    root.mkdir()
    (root / "contrat.yaml").write_text(
        "contrat:\n  date: 2024-03-15\ngouvernance:\n  instances:\n"
        "    - {nom: Copil, type: pilotage, conseils_citoyens: yes}\n",
        encoding="utf-8",
    )
    desc = load_territory(root)
    assert desc.data["contrat"]["date"] == "2024-03-15"
    assert desc.data["gouvernance"]["instances"][0]["conseils_citoyens"] is True


def test_utf8_with_bom_loads_like_plain_utf8(tmp_path):
    path = CAS / "bom-utf8.yaml"
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")
    text, problem = read_text(path)
    assert problem is None and not text.startswith("\ufeff")
    desc = Description(root=tmp_path)
    ok, value = parse_file(path, desc)
    assert ok and desc.problems == []
    assert value["gouvernance"]["instances"][0]["nom"] == "Comité de pilotage"
    assert desc.locations[("gouvernance", "instances", 0, "nom")].line == 4


def test_duplicate_key_keeps_the_first_value_and_names_both_lines(tmp_path):
    root = tmp_path / "t"
    root.mkdir()
    (root / "gouvernance.yaml").write_text(
        "gouvernance:\n  instances: []\n  equipe_projet: []\n  instances:\n    - nom: x\n",
        encoding="utf-8",
    )
    desc = load_territory(root)
    assert desc.data["gouvernance"]["instances"] == []
    [problem] = desc.problems
    assert problem.severity == "erreur"
    assert (problem.line, problem.column) == (4, 3)
    assert "clé « instances » en double" in problem.message
    assert "déjà écrite ligne 2" in problem.message


@pytest.mark.parametrize(
    "text",
    [
        "format: !!python/object/apply:os.system ['echo non']\n",
        "!!python/object/new:os.system ['echo non']\n",
        "format: !!binary aGVsbG8=\n",
        "format: !monetiquette 1\n",
        "gouvernance: !!set {a, b}\n",
        "gouvernance: !!omap [a: 1]\n",
    ],
)
def test_tags_are_refused_never_constructed(tmp_path, text):
    path = tmp_path / "contrat.yaml"
    path.write_text(text, encoding="utf-8")
    desc = Description(root=tmp_path)
    parse_file(path, desc)
    assert any("étiquette YAML" in p.message and "refusée" in p.message for p in desc.problems)
    assert all(p.line == 1 for p in desc.problems)


def test_small_aliases_are_expanded(tmp_path):
    root = tmp_path / "t"
    root.mkdir()
    (root / "contrat.yaml").write_text(
        "gouvernance:\n  instances:\n    - &copil {nom: Copil, type: pilotage}\n    - *copil\n",
        encoding="utf-8",
    )
    desc = load_territory(root)
    assert desc.problems == []
    first, second = desc.data["gouvernance"]["instances"]
    assert first == second == {"nom": "Copil", "type": "pilotage"}


@pytest.mark.parametrize("name", ["alias-bombe.yaml", "alias-recursif.yaml"])
def test_alias_expansion_is_bounded(tmp_path, name):
    desc = Description(root=tmp_path)
    ok, value = parse_file(CAS / name, desc)
    assert not ok and value is None
    [problem] = desc.problems
    assert "structure trop grande ou trop profonde" in problem.message
    assert problem.line == 2


def test_file_too_big_is_not_read(tmp_path):
    path = tmp_path / "contrat.yaml"
    with open(path, "wb") as handle:
        handle.truncate(MAX_FILE_BYTES + 1)
    text, problem = read_text(path)
    assert text is None
    assert "fichier trop volumineux" in problem.message and "au plus 5 Mo" in problem.message


def test_integer_with_too_many_digits_is_a_problem_not_a_crash(tmp_path):
    # Bug fixed: Python refuses to convert integers of more than 4,300 digits (ValueError),
    # which escaped the loader as a traceback.
    root = tmp_path / "t"
    root.mkdir()
    (root / "contrat.yaml").write_text(
        "territoire:\n  qpv:\n    - code: QN06001M\n      population: " + "1" * 5000 + "\n",
        encoding="utf-8",
    )
    desc = load_territory(root)
    [problem] = desc.problems
    assert "nombre trop long (5000 chiffres)" in problem.message
    assert (problem.line, problem.column) == (4, 19)


@pytest.mark.parametrize("value", [".nan", ".inf", "-.Inf"])
def test_non_finite_numbers_are_refused(tmp_path, value):
    root = tmp_path / "t"
    root.mkdir()
    (root / "contrat.yaml").write_text(f"financements:\n  totaux:\n    - montant: {value}\n")
    [problem] = load_territory(root).problems
    assert f"« {value} » n'est pas un nombre utilisable" in problem.message
    assert problem.line == 3


def test_files_that_could_not_be_read_are_recorded(tmp_path):
    # Bug fixed: the description was treated as complete even when a file was unreadable, so
    # the business rules reported as missing what that file held (see test_bad_input).
    root = write_territory(tmp_path / "t", split=True)
    (root / "gouvernance.yaml").write_text("", encoding="utf-8")
    (root / "engagements" / "etat.yaml").write_text("- signataire: etat\n", encoding="utf-8")
    desc = load_territory(root)
    assert sorted(desc.unreadable) == sorted(
        [str(root / "gouvernance.yaml"), str(root / "engagements" / "etat.yaml")]
    )
    assert load_territory(write_territory(tmp_path / "ok", split=True)).unreadable == []


def test_item_file_wrapped_in_its_section_name(tmp_path):
    root = write_territory(tmp_path / "t", split=True)
    etat = root / "engagements" / "etat.yaml"
    etat.write_text(dump({"engagements": [{"signataire": "etat", "objectifs": []}]}))
    desc = load_territory(root)
    [problem] = desc.problems
    assert problem.file == str(etat) and problem.line == 1
    assert (
        "une seule fiche" in problem.message and "sans la ligne « engagements: »" in problem.message
    )
    assert "etat" not in [e.get("signataire") for e in desc.data["engagements"]]


def test_item_file_written_as_a_list(tmp_path):
    root = write_territory(tmp_path / "t", split=True)
    quartier = root / "quartiers" / "QN06001M.yaml"
    quartier.write_text("- qpv: QN06001M\n  portrait: x\n", encoding="utf-8")
    [problem] = load_territory(root).problems
    assert problem.file == str(quartier) and problem.line == 1
    assert "une seule fiche" in problem.message and "sans « - »" in problem.message


def test_item_folder_added_to_a_section_that_is_not_a_list(tmp_path):
    data = minimal_format_1()
    engagements = data.pop("engagements")
    data["engagements"] = {"etat": "x"}
    root = write_territory(tmp_path / "t", data)
    (root / "engagements").mkdir()
    (root / "engagements" / "epci.yaml").write_text(dump(engagements[1]))
    problems = load_territory(root).problems
    assert any(
        "la section « engagements » n'est pas une liste" in p.message
        and p.file == str(root / "engagements" / "epci.yaml")
        for p in problems
    )


def test_section_defined_in_two_files_names_both(tmp_path):
    root = write_territory(tmp_path / "t", split=True)
    autre = root / "pilotage.yaml"
    autre.write_text("# doublon\ngouvernance:\n  instances: []\n", encoding="utf-8")
    desc = load_territory(root)
    [problem] = desc.problems
    # Files are read in name order: gouvernance.yaml first, then pilotage.yaml.
    assert problem.file == str(autre) and (problem.line, problem.column) == (2, 1)
    assert "la section « gouvernance » est définie dans deux fichiers" in problem.message
    assert f"{root / 'gouvernance.yaml'}, ligne 1" in problem.message
    assert desc.data["gouvernance"] == minimal_format_1()["gouvernance"]  # the first one is kept


def test_items_from_a_section_file_and_an_item_folder_are_merged(tmp_path):
    data = minimal()
    engagements = data["engagements"]
    data["engagements"] = engagements[:2]
    root = write_territory(tmp_path / "t", data)
    (root / "engagements").mkdir()
    for item in engagements[2:]:
        (root / "engagements" / f"{item['signataire']}.yaml").write_text(dump(item))
    desc = load_territory(root)
    assert desc.problems == []
    assert [e["signataire"] for e in desc.data["engagements"]] == [
        "etat",
        "epci",
        "commune-creil",
        "departement-oise",
        "oise-habitat",
        "region-hdf",
    ]
    loc = desc.where(("engagements", 2, "signataire"))
    assert loc.file == str(root / "engagements" / "commune-creil.yaml") and loc.line == 1


def test_folder_without_description(tmp_path):
    (tmp_path / "vide" / "engagements").mkdir(parents=True)
    desc = load_territory(tmp_path / "vide")
    [problem] = desc.problems
    assert "aucun fichier de description (.yaml)" in problem.message
    assert desc.files == []


def test_a_format_1_description_is_converted_unless_asked_otherwise(tmp_path):
    root = write_territory(tmp_path / "t", minimal_format_1())
    desc = load_territory(root)
    assert desc.data["format"] == 2 and "operations" in desc.data["financements"]
    assert desc.source_data == minimal_format_1() and desc.original_format == 1
    [warning] = desc.problems
    assert warning.severity == "avertissement" and "cdv migrer" in warning.message
    as_written = load_territory(root, convert=False)
    assert as_written.data == minimal_format_1() and as_written.problems == []


def test_yml_suffix_is_read_and_other_files_are_ignored(tmp_path):
    root = tmp_path / "t"
    root.mkdir()
    (root / "contrat.yml").write_text("format: 2\n", encoding="utf-8")
    (root / "notes.txt").write_text("pas du YAML : [", encoding="utf-8")
    (root / "carte.pdf").write_bytes(b"%PDF-1.4\x00")
    desc = load_territory(root)
    assert desc.problems == [] and desc.data == {"format": 2}
