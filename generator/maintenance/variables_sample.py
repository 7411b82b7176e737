"""The synthetic complete description built from the schema, and the context the templates
get from it (with or without the `convention` of the TFPB documents)."""

from __future__ import annotations

from functools import lru_cache

from generator.description.schema import load_schema, resolve
from generator.maintenance.variables_paths import ITEM, CtxPath
from generator.maintenance.variables_schema import _ref_name

# A real QPV and its commune, so that the joins with the official list work.
SAMPLE_QPV = "QN06001M"
SAMPLE_INSEE = "60175"
SAMPLE_COMMUNE = "Creil"

# Reference fields (by key) and the list their value must point into.
_SIGNATORY_REFS = {"signataire": "etat", "financeur": "etat", "bailleur": "bailleur"}


def _item_count(items: dict) -> int:
    """One element per value of the item's longest enumeration (so every kind appears)."""
    node = resolve(items)
    if node.get("type") != "object":
        return 1
    sizes = [len(resolve(p).get("enum", [])) for p in node.get("properties", {}).values()]
    return max([1, *sizes])


def _sample(raw: dict, path: CtxPath, index: int):
    node = resolve(raw)
    key = path[-1] if path else ""
    if key == ITEM and len(path) > 1:  # an item of a list of identifiers: name it by its list
        key = str(path[-2])
    name = _ref_name(raw)
    if "const" in node:
        return node["const"]
    if "oneOf" in node:  # the richest form (`repartition`: the list of QPV, not the keyword)
        return _sample(node["oneOf"][-1], path, index)
    if "enum" in node:
        return node["enum"][index % len(node["enum"])]
    if "anyOf" in node:  # a number or a marker of missing data: a number
        return _sample(node["anyOf"][0], path, index)
    kind = node.get("type")
    if kind == "object" and "properties" in node:
        obj = {k: _sample(sub, path + (k,), index) for k, sub in node["properties"].items()}
        if path and path[-1] == ITEM and "id" in obj:
            if path[:-1] == ("signataires",):
                obj["id"] = obj["type"].replace("_", "-")
            else:
                obj["id"] = f"{path[-2].replace('_', '-')}-{index + 1}"
        return obj
    if kind == "object":
        return {SAMPLE_QPV: 12.5}
    if kind == "array":
        items = node.get("items", {})
        return [_sample(items, path + (ITEM,), i) for i in range(_item_count(items))]
    if name in ("code_qpv",) or (key == "qpv" and kind == "string") or key == "code":
        return SAMPLE_QPV
    if name == "code_insee" or key == "insee":
        return SAMPLE_INSEE
    if key in _SIGNATORY_REFS:
        return _SIGNATORY_REFS[key]
    if key == "orientation" or path[-2:] == ("orientations_secondaires", ITEM):
        return "orientations-1"
    if path[-2:] == ("priorites_transversales", ITEM):
        return "priorites-transversales-1"
    if len(path) > 1 and path[-2] in ("acteurs_porteurs", "acteurs_partenaires"):
        return "acteurs-1"
    if key == "rna":
        return "W601000123"
    if name == "identifiant":
        return f"{key.replace('_', '-')}-1"
    if name == "annee":
        return 2025
    if name == "date":
        return "2024-03-15"
    if name == "siren":
        return "200067846"
    if name == "montant":
        return 1000
    if key == "rna":
        return "W601234567"
    if key == "courriel":
        return "contact@exemple.fr"
    if kind == "integer":  # within the schema's bounds (a millésime is at least 1900)
        return min(max(10, node.get("minimum", 10)), node.get("maximum", 10))
    if kind == "number":
        return 12.5
    if kind == "boolean":
        return True
    return node.get("title") or key or "texte"


def synthetic_description() -> dict:
    """A complete description built from the schema (every field present)."""
    data = _sample(load_schema(), (), 0)
    territoire = data["territoire"]
    territoire["communes"][0].update(nom=SAMPLE_COMMUNE, insee=SAMPLE_INSEE)
    # one operation funded by a partner that does not sign, one under a CPO: their names,
    # categories and the CPO share reach the tables as in a real contract
    operations = data["financements"]["operations"]
    operations[-1]["financeurs"][0]["financeur"] = data["partenaires"][0]["id"]
    operations[0]["mode"] = "cpo"
    return data


def _tool() -> dict:
    from generator import __version__

    return {"version": __version__, "modele": "modele", "modele_version": "1.0.0"}


def _context_of(data: dict) -> dict:
    from generator.documents.context import build_context, convention_context

    context = build_context(data, tool=_tool())
    return convention_context(context, 0) if context["tfpb"] else dict(context, convention=None)


@lru_cache(maxsize=1)
def sample_context() -> dict:
    """The context of a complete description, with `convention` (the TFPB documents' extra)."""
    return _context_of(synthetic_description())


CONVENTION_ONLY = ("convention",)


FOLLOWUP_KINDS = ("suivi", "suivi-bailleur")


@lru_cache(maxsize=1)
def followup_sample_contexts() -> dict[str, dict]:
    """The contexts of the follow-up documents (`documents_suivi` of the manifest) for the
    synthetic description and a complete follow-up of it."""
    from generator.followup.sample import sample_contexts

    return sample_contexts(synthetic_description())


def context_for(for_each: str | None) -> dict:
    """The context a document of the manifest gets (`pour_chaque: tfpb` adds `convention`;
    the follow-up documents get the follow-up's context)."""
    if for_each in FOLLOWUP_KINDS:
        return followup_sample_contexts()[for_each]
    context = sample_context()
    if for_each in ("avenant", "evaluation"):
        from generator.amendment.sample import sample_context as revoyure_context

        return revoyure_context(for_each, context)
    if for_each == "tfpb":
        return context
    return {k: v for k, v in context.items() if k != "convention"}
