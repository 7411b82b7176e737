"""The JSON Schema of a follow-up file (schemas/suivi.schema.json) and its French messages."""

from __future__ import annotations

import json
from functools import lru_cache

from generator.description.problems import Path_, Problem
from generator.description.schema import SCHEMA_DIR, translate_error

SCHEMA_FILE = "suivi.schema.json"


@lru_cache(maxsize=1)
def load_schema() -> dict:
    with open(SCHEMA_DIR / SCHEMA_FILE, encoding="utf-8") as handle:
        return json.load(handle)


@lru_cache(maxsize=1)
def validator():
    from jsonschema import Draft202012Validator, FormatChecker

    return Draft202012Validator(load_schema(), format_checker=FormatChecker())


def _resolve(node: dict) -> dict:
    while isinstance(node, dict) and "$ref" in node:
        target = load_schema()["$defs"][node["$ref"].rsplit("/", 1)[1]]
        node = {**target, **{k: v for k, v in node.items() if k != "$ref"}}
    return node


def title(path: Path_) -> str:
    node = _resolve(load_schema())
    for part in path:
        if isinstance(part, int):
            node = _resolve(node.get("items", {}))
        else:
            node = _resolve(node.get("properties", {}).get(part, {}))
        if not node:
            return ""
    return node.get("title", "")


def labels(*path: str) -> dict[str, str]:
    """The French labels of an enumeration of the follow-up schema."""
    node = _resolve(load_schema())
    for part in path:
        node = _resolve(node.get("items", node) if part == "[]" else node["properties"][part])
    return dict(node.get("x-libelles", {}))


def schema_problems(records) -> list[Problem]:
    refused = {p.path for p in records.problems if p.path}
    problems: list[Problem] = []
    for error in validator().iter_errors(records.data):
        path = tuple(error.absolute_path)
        if any(path[: len(r)] == r for r in refused):
            continue
        problems.extend(translate_error(records, error, path, title_of=title))
    return problems
