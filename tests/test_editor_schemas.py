"""Every file the tool writes or ships validates, as an editor would check it, against the
schema its first line names (issue 12, point 5): VS Code must not mark a correct file as wrong.
"""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import unquote, urlparse

import pytest
from conftest import ROOT
from jsonschema import Draft202012Validator
from referencing import Registry, Resource

from generator.description.load import Description
from generator.description.schema import SCHEMA_DIR
from generator.description.schema_files import section_schemas, stale_section_schemas
from generator.description.starter import write_starter
from generator.description.yaml_reader import parse_file

PREFIX = "# yaml-language-server: $schema="


def _registry() -> Registry:
    resources = []
    for path in sorted(SCHEMA_DIR.rglob("*.schema.json")):
        schema = json.loads(path.read_text(encoding="utf-8"))
        resources.append((schema["$id"], Resource.from_contents(schema)))
    return Registry().with_resources(resources)


REGISTRY = _registry()


def named_schema(file: Path) -> Path:
    first = file.read_text(encoding="utf-8").splitlines()[0]
    assert first.startswith(PREFIX), f"{file}: first line {first!r}"
    ref = first.removeprefix(PREFIX).strip()
    if ref.startswith("file://"):
        return Path(unquote(urlparse(ref).path))
    return (file.parent / ref).resolve()


def editor_errors(file: Path) -> list[str]:
    schema_path = named_schema(file)
    assert schema_path.is_file(), f"{file} names {schema_path}, which does not exist"
    schema = json.loads(schema_path.read_text(encoding="utf-8"))
    sink = Description(root=file.parent)
    ok, value = parse_file(file, sink)
    assert ok, sink.problems
    validator = Draft202012Validator(schema, registry=REGISTRY)
    return [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(value)]


SHIPPED = sorted((ROOT / "contracts").rglob("*.yaml"))


def test_the_section_schemas_are_up_to_date():
    # regenerate with: python -m generator.description.schema_files
    assert stale_section_schemas() == []
    assert "sections/gouvernance.schema.json" in section_schemas()


@pytest.mark.parametrize("file", SHIPPED, ids=[str(p.relative_to(ROOT)) for p in SHIPPED])
def test_every_shipped_example_file_validates_in_the_editor(file):
    assert editor_errors(file) == []


def test_a_section_file_does_not_name_the_whole_contract_schema():
    gouvernance = ROOT / "contracts" / "arras" / "gouvernance.yaml"
    assert named_schema(gouvernance) == SCHEMA_DIR / "sections" / "gouvernance.schema.json"


@pytest.mark.parametrize("inside_project", [True, False])
def test_every_file_cdv_init_writes_validates_in_the_editor(tmp_path, inside_project):
    if inside_project:  # relative `$schema=` lines, as in a clone of the repository
        project = tmp_path / "projet"
        (project / "schemas").mkdir(parents=True)
        for path in SCHEMA_DIR.rglob("*.json"):
            target = project / "schemas" / path.relative_to(SCHEMA_DIR)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(path.read_bytes())
        folder = project / "contracts" / "t"
    else:  # outside a project: absolute file:// URIs to the installed schemas
        folder = tmp_path / "t"
    written = write_starter(folder, "CA du Beauvaisis", ["QN06009I", "QN06010I"])
    assert len(written) == 7
    for file in written:
        assert editor_errors(file) == [], file
    if inside_project:
        assert named_schema(folder / "gouvernance.yaml") == (
            project / "schemas" / "sections" / "gouvernance.schema.json"
        )


def test_a_mistake_is_still_marked_by_the_section_schema(tmp_path):
    folder = tmp_path / "t"
    write_starter(folder, "CA du Beauvaisis", ["QN06009I"])
    gouvernance = folder / "gouvernance.yaml"
    text = gouvernance.read_text(encoding="utf-8").replace("type: pilotage", "type: pilotag")
    gouvernance.write_text(text, encoding="utf-8")
    assert any("pilotag" in e for e in editor_errors(gouvernance))
