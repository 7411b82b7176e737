"""The fields of the description schema as a template author sees them: title, French kind,
description, examples and labels of enumerations."""

from __future__ import annotations

import re
from dataclasses import dataclass

from generator.description.schema import load_schema, resolve
from generator.maintenance.variables_paths import ITEM, CtxPath


@dataclass(frozen=True)
class SchemaField:
    """A field of the description schema, as a template author sees it."""

    path: CtxPath
    title: str
    description: str
    kind: str  # texte, texte libre, nombre, nombre entier, montant, date, oui/non, liste, …
    examples: tuple[str, ...] = ()
    labels: tuple[tuple[str, str], ...] = ()  # enumerations: (value, French label)
    leaf: bool = True
    const: bool = False


def _ref_name(node: dict) -> str:
    ref = node.get("$ref", "") if isinstance(node, dict) else ""
    return ref.rsplit("/", 1)[-1]


_KINDS = {
    "texte": "texte libre",
    "libelle": "texte",
    "identifiant": "identifiant",
    "code_qpv": "code QPV",
    "code_insee": "code INSEE",
    "siren": "SIREN",
    "annee": "année",
    "montant": "montant en euros",
    "date": "date (AAAA-MM-JJ)",
    "nombre": "nombre",
    "liste_qpv": "liste de codes QPV",
    "liste_textes": "liste de textes",
}
_TYPES = {
    "string": "texte",
    "integer": "nombre entier",
    "number": "nombre",
    "boolean": "oui/non",
    "array": "liste",
    "object": "objet",
}
_EXAMPLE_RE = re.compile(r"\(exemples? : ([^)]*)\)")


def _kind(raw: dict, node: dict) -> str:
    name = _ref_name(raw)
    if name in _KINDS:
        return _KINDS[name]
    if "enum" in node:
        return "valeur d'une liste"
    if node.get("type") == "object" and isinstance(node.get("additionalProperties"), dict):
        return "table par code QPV"
    return _TYPES.get(node.get("type"), "valeur")


def _examples(node: dict) -> tuple[str, ...]:
    if node.get("examples"):
        return tuple(str(e) for e in node["examples"])
    found = _EXAMPLE_RE.search(node.get("description", ""))
    return (found.group(1).strip(),) if found else ()


def schema_fields() -> list[SchemaField]:
    """Every field of the schema (objects and lists too), in the schema's order."""
    out: list[SchemaField] = []

    defs = load_schema()["$defs"]

    def walk(raw: dict, path: CtxPath) -> None:
        node = resolve(raw)
        kind = node.get("type")
        if path:
            leaf = not (kind == "object" and "properties" in node) and not (
                kind == "array" and resolve(node.get("items", {})).get("type") == "object"
            )
            generic = defs.get(_ref_name(raw), {})
            own = node.get("description", "")
            if generic and own == generic.get("description"):
                own = ""  # the generic text of a type (« Texte libre. … ») says nothing here
            out.append(
                SchemaField(
                    path=path,
                    title=node.get("title", ""),
                    description=own,
                    kind=_kind(raw, node),
                    examples=_examples(node)
                    if own or not generic
                    else tuple(generic.get("examples", ())),
                    labels=tuple((str(k), str(v)) for k, v in node.get("x-libelles", {}).items()),
                    leaf=leaf,
                    const="const" in node,
                )
            )
        if kind == "object" and "properties" in node:
            for key, sub in node["properties"].items():
                walk(sub, path + (key,))
        elif kind == "array":
            items = node.get("items", {})
            if resolve(items).get("type") == "object":
                walk(items, path + (ITEM,))

    walk(load_schema(), ())
    return out
