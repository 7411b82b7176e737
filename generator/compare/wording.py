"""The French wording of description changes: labels of sections and fields from the schema,
names of signatories, orientations, QPV and communes, values formatted the French way."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from generator.compare.text_diff import ADDED, CHANGED, REMOVED
from generator.description.schema import load_schema
from generator.documents import formatting

KIND_WORDS = {ADDED: "ajout", REMOVED: "suppression", CHANGED: "modification"}
EMPTY = "(vide)"

# Short names of the top-level sections, as reviewers say them.
SECTION_LABELS = {
    "format": "Version du format",
    "contrat": "Contrat",
    "territoire": "Territoire",
    "diagnostic": "Diagnostic",
    "concertation": "Concertation",
    "orientations": "Orientations",
    "priorites_transversales": "Priorités transversales",
    "quartiers": "Projets de quartier",
    "investissements": "Investissements",
    "signataires": "Signataires",
    "engagements": "Engagements",
    "financements": "Financements",
    "gouvernance": "Gouvernance",
    "participation": "Participation",
    "evaluation": "Évaluation",
    "tfpb": "Conventions TFPB",
    "annexes": "Annexes",
}
# Field titles that the schema gives at the level of a shared definition: shorter here.
FIELD_LABELS = {"Montant en euros": "Montant", "Code INSEE de la commune": "Code INSEE"}
# Fields whose value is the identifier of a signatory or an orientation.
SIGNATORY_FIELDS = {"financeur", "signataire", "bailleur"}
ORIENTATION_FIELDS = {"orientation"}
YEAR_FIELDS = {"annee", "debut", "fin", "annee_reference"}
# Fields summed up beside an added or removed item, in this order of preference.
SUMMARY_FIELDS = ("montant", "cout_total", "montant_annuel", "logements", "population")


# --------------------------------------------------------------------------- schema


@dataclass(frozen=True)
class _Node:
    schema: dict
    refs: frozenset[str]

    @property
    def title(self) -> str:
        return self.schema.get("title", "")


def _resolve(node: dict) -> _Node:
    refs: set[str] = set()
    seen = 0
    while isinstance(node, dict) and "$ref" in node and seen < 20:
        ref = node["$ref"]
        refs.add(ref.rsplit("/", 1)[-1])
        target = load_schema()
        for part in ref.split("#/", 1)[1].split("/"):
            target = target[part]
        merged = dict(target)
        merged.update({k: v for k, v in node.items() if k != "$ref"})
        node = merged
        seen += 1
    return _Node(node if isinstance(node, dict) else {}, frozenset(refs))


_NODE_CACHE: dict[tuple[str, ...], _Node | None] = {}


def _node(pattern: tuple[str, ...]) -> _Node | None:
    """Schema node at a path where list indices are written '*'."""
    if pattern in _NODE_CACHE:
        return _NODE_CACHE[pattern]
    if not pattern:
        result: _Node | None = _resolve(load_schema())
    else:
        parent = _node(pattern[:-1])
        result = None
        if parent is not None:
            part = pattern[-1]
            if part == "*":
                items = parent.schema.get("items")
                result = _resolve(items) if isinstance(items, dict) else None
            elif part in parent.schema.get("properties", {}):
                result = _resolve(parent.schema["properties"][part])
            elif isinstance(parent.schema.get("additionalProperties"), dict):
                result = _resolve(parent.schema["additionalProperties"])
    _NODE_CACHE[pattern] = result
    return result


def _field_label(pattern: tuple[str, ...], key: str) -> str:
    if len(pattern) == 1:
        return SECTION_LABELS.get(key) or (_node(pattern) or _Node({}, frozenset())).title or key
    node = _node(pattern)
    title = node.title if node else ""
    return FIELD_LABELS.get(title, title) or key


def _key_order(pattern: tuple[str, ...], keys) -> list[str]:
    node = _node(pattern)
    order = list(node.schema.get("properties", {})) if node else []
    rank = {k: i for i, k in enumerate(order)}
    return sorted(keys, key=lambda k: (rank.get(k, len(rank)), k))


# --------------------------------------------------------------------------- names


_ARTICLE = re.compile(r"^(?:l['’]|la |le |les )", re.I)


def _no_article(name: str) -> str:
    """« l'État » → « État », « la Ville de Creil » → « Ville de Creil »."""
    stripped = _ARTICLE.sub("", name.strip(), count=1)
    return stripped[:1].upper() + stripped[1:] if stripped else name


def _short(text: str, size: int = 60) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= size else text[: size - 1].rstrip() + "…"


class Names:
    """How to name signatories, orientations and QPV, from both versions (the new one wins)."""

    def __init__(self, *versions: dict):
        self.signatories: dict[str, str] = {}
        self.orientations: dict[str, str] = {}
        self.qpv: dict[str, str] = {}
        self.communes: dict[str, str] = {}
        for data in versions:
            if not isinstance(data, dict):
                continue
            for item in _dicts(data.get("signataires")):
                if isinstance(item.get("id"), str) and isinstance(item.get("nom"), str):
                    self.signatories[item["id"]] = _no_article(item["nom"])
            for item in _dicts(data.get("orientations")):
                if isinstance(item.get("id"), str) and isinstance(item.get("titre"), str):
                    self.orientations[item["id"]] = item["titre"]
            territory = data.get("territoire") if isinstance(data.get("territoire"), dict) else {}
            for item in _dicts(territory.get("qpv")):
                if isinstance(item.get("code"), str) and isinstance(item.get("nom"), str):
                    self.qpv[item["code"]] = item["nom"]
            for item in _dicts(territory.get("communes")):
                if isinstance(item.get("insee"), str) and isinstance(item.get("nom"), str):
                    self.communes[item["insee"]] = item["nom"]

    def signatory(self, sid) -> str:
        return self.signatories.get(sid, str(sid)) if sid is not None else ""

    def orientation(self, oid) -> str:
        return _short(self.orientations.get(oid, str(oid)), 50) if oid is not None else ""

    def quartier(self, code) -> str:
        if not isinstance(code, str):
            return str(code)
        name = self.qpv.get(code)
        if name is None:
            from generator.description.reference import qpv_reference

            ref = qpv_reference().get(code)
            name = ref.nom if ref else None
        return f"{name} ({code})" if name else code

    def commune(self, insee) -> str:
        name = self.communes.get(insee)
        return f"{name} ({insee})" if name else str(insee)


def _dicts(value) -> list[dict]:
    return [v for v in value if isinstance(v, dict)] if isinstance(value, list) else []


# --------------------------------------------------------------------------- values


def _number(value) -> Decimal | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    try:
        return Decimal(str(value))
    except InvalidOperation:  # pragma: no cover - the loader refuses nan and inf
        return None


def _is_amount(node: _Node | None, key: str) -> bool:
    return bool(node and ("montant" in node.refs or key in ("montant", "montant_annuel")))


def format_value(value, pattern: tuple[str, ...], names: Names, quote: bool = True) -> str:
    """A value as a French reader expects it: amounts, dates, labels of codes, names."""
    node = _node(pattern)
    key = pattern[-1] if pattern else ""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "oui" if value else "non"
    if isinstance(value, int | float):
        if key in YEAR_FIELDS or (node and "annee" in node.refs):
            return str(value)
        if _is_amount(node, key):
            return formatting.montant(value)
        return formatting.nombre(value)
    if isinstance(value, str):
        if node and "date" in node.refs:
            try:
                return formatting.date_fr(value)
            except ValueError:
                return value
        labels = node.schema.get("x-libelles", {}) if node else {}
        if value in labels:
            return labels[value]
        if key in SIGNATORY_FIELDS:
            return names.signatory(value)
        if key in ORIENTATION_FIELDS:
            return names.orientation(value)
        if node and "code_qpv" in node.refs:
            return names.quartier(value)
        if node and "code_insee" in node.refs:
            return names.commune(value)
        if node and node.refs & {"identifiant", "siren"}:
            return value
        return f"« {_short(value, 200)} »" if quote else value
    if isinstance(value, list):
        return ", ".join(format_value(v, pattern + ("*",), names, quote) for v in value)
    if isinstance(value, dict):
        return _summary(value, pattern, names)
    return str(value)


def _delta(old, new, pattern: tuple[str, ...]) -> str:
    a, b = _number(old), _number(new)
    key = pattern[-1] if pattern else ""
    if a is None or b is None or key in YEAR_FIELDS:
        return ""
    diff = b - a
    sign = "+" if diff > 0 else ""
    if _is_amount(_node(pattern), key):
        return sign + formatting.montant(diff)
    return sign + formatting.nombre(diff)


def _summary(item: dict, pattern: tuple[str, ...], names: Names) -> str:
    for key in SUMMARY_FIELDS:
        if key in item and _number(item[key]) is not None:
            return format_value(item[key], pattern + (key,), names)
    if isinstance(item.get("moyens"), dict) and "montant_annuel" in item["moyens"]:
        return format_value(
            item["moyens"]["montant_annuel"], pattern + ("moyens", "montant_annuel"), names
        )
    return ""
