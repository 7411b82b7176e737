"""The same description gives the same bytes: in another process, another output folder,
another copy of the contracts, another time zone, locale and hash seed, with several workers.
Core properties are dated from the description; custom properties record the template set,
its version, the toolkit version and the hash of the inputs.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import shutil
import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path

import docx
import pytest
import yaml
from test_documents import CONTRACTS, EXAMPLES, ROOT, built_examples, read_description

import generator
from generator.documents.templates import DEFAULT_SET, TEMPLATES_DIR
from generator.documents.write import FIXED_ZIP_TIME, read_custom_properties


def files(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


@pytest.fixture(scope="session")
def examples(tmp_path_factory) -> Path:
    return built_examples(tmp_path_factory)


def cdv(*args, cwd: Path, env: dict) -> subprocess.CompletedProcess:
    environment = {**os.environ, **env, "PYTHONPATH": str(ROOT)}
    result = subprocess.run(
        [sys.executable, "-m", "generator", *map(str, args)],
        cwd=cwd,
        env=environment,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result


@pytest.fixture(scope="module")
def two_builds(tmp_path_factory) -> tuple[Path, Path]:
    """The examples built by two processes that share nothing but the description."""
    base = tmp_path_factory.mktemp("determinisme")
    copy = base / "ailleurs" / "contracts"
    shutil.copytree(CONTRACTS, copy)
    first = base / "A"
    second = base / "B"
    cdv(
        "build",
        "contracts",
        "-o",
        first,
        cwd=ROOT,
        env={"TZ": "Europe/Paris", "LC_ALL": "C.UTF-8", "PYTHONHASHSEED": "1"},
    )
    cdv(
        "build",
        copy,
        "-o",
        second,
        "--jobs",
        "2",
        cwd=base,
        env={"TZ": "Pacific/Kiritimati", "LC_ALL": "C", "LANG": "C", "PYTHONHASHSEED": "4242"},
    )
    return first, second


def test_two_builds_are_byte_identical(two_builds):
    first, second = two_builds
    a, b = files(first), files(second)
    assert sorted(a) == sorted(b)
    expected = sum(2 + len(read_description(CONTRACTS / n).get("tfpb", [])) for n in EXAMPLES)
    assert len([n for n in a if n.endswith(".docx")]) == expected
    for name in a:
        assert a[name] == b[name], name


def test_an_in_process_build_gives_the_same_bytes(two_builds, examples):
    first, _ = two_builds
    assert files(first) == files(examples)


def test_zip_entries_carry_no_clock_time(examples):
    for path in sorted(examples.rglob("*.docx")):
        with zipfile.ZipFile(path) as package:
            infos = package.infolist()
        assert {i.date_time for i in infos} == {FIXED_ZIP_TIME}, path.name
        assert infos[0].filename == "[Content_Types].xml"


@pytest.mark.parametrize("name", EXAMPLES)
def test_core_properties_are_dated_from_the_description(examples, name):
    desc = read_description(CONTRACTS / name)
    date = desc["contrat"]["date"]
    date = date if isinstance(date, dt.date) else dt.date.fromisoformat(date)
    expected = dt.datetime(date.year, date.month, date.day)
    epci = desc["territoire"]["epci"]["nom"]
    for path in sorted((examples / name).glob("*.docx")):
        properties = docx.Document(str(path)).core_properties
        assert properties.created.replace(tzinfo=None) == expected, path.name
        assert properties.modified.replace(tzinfo=None) == expected, path.name
        assert properties.author == epci
        assert epci in properties.title
        assert properties.language == "fr-FR"
        assert properties.last_modified_by == "cdv" and properties.revision == 1


@pytest.mark.parametrize("name", EXAMPLES)
def test_custom_properties_record_template_toolkit_and_inputs(examples, name):
    manifest = yaml.safe_load((TEMPLATES_DIR / DEFAULT_SET / "manifest.yaml").read_text("utf-8"))
    version = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["project"]["version"]
    assert generator.__version__ == version
    build_manifest = json.loads((examples / name / "manifeste.json").read_text("utf-8"))
    templates = {d["sortie"].split("{")[0]: d["modele"] for d in manifest["documents"]}
    for path in sorted((examples / name).glob("*.docx")):
        properties = read_custom_properties(path)
        assert properties["cdv_modele"] == manifest["nom"] == "engagements-quartiers-2030"
        assert properties["cdv_modele_version"] == manifest["version"]
        assert properties["cdv_outil_version"] == version
        assert re.fullmatch(r"[0-9a-f]{64}", properties["cdv_empreinte_entrees"])
        assert properties["cdv_empreinte_entrees"] == build_manifest["empreinte"]
        template = next(t for prefix, t in templates.items() if path.name.startswith(prefix))
        assert properties["cdv_modele_fichier"] == template
        assert properties["cdv_modele_origine"] == "jeu IREV"
        assert properties["cdv_statut"] == read_description(CONTRACTS / name)["contrat"]["statut"]


def test_every_territory_has_its_own_input_hash(examples):
    hashes = {
        name: json.loads((examples / name / "manifeste.json").read_text("utf-8"))["empreinte"]
        for name in EXAMPLES
    }
    assert len(set(hashes.values())) == len(EXAMPLES)


def test_the_input_hash_follows_the_description_not_the_place(tmp_path):
    from conftest import minimal, write_territory

    from generator.documents.build import build_territory
    from generator.documents.templates import load_template_set

    templates = load_template_set()
    one = write_territory(tmp_path / "un" / "t")
    two = write_territory(tmp_path / "deux" / "t")
    build_territory(one, tmp_path / "out1", templates)
    build_territory(two, tmp_path / "out2", templates)
    assert files(tmp_path / "out1") == files(tmp_path / "out2")
    data = minimal()
    data["contrat"]["version"] = "0.2"
    write_territory(two, data)
    build_territory(two, tmp_path / "out2", templates)
    first = read_custom_properties(tmp_path / "out1" / "t" / "contrat-de-ville.docx")
    second = read_custom_properties(tmp_path / "out2" / "t" / "contrat-de-ville.docx")
    assert first["cdv_empreinte_entrees"] != second["cdv_empreinte_entrees"]
