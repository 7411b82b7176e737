"""How the items of a description's lists are recognised from one version to the other: the
identity of each list's items (identifier, or a tuple of fields) and how an item is named."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from generator.compare.wording import Names, _no_article, _Node, _node, _short, format_value

# --------------------------------------------------------------------------- list identities


@dataclass(frozen=True)
class ListSpec:
    """How the items of one list are recognised and named."""

    fields: tuple[str, ...]  # the identity of an item
    label: Callable[[dict, Names], str]
    strict: bool = True  # an identifier: leftovers are never paired by likeness
    value: str | None = None  # yearly amounts and the like: the one field beside the identity
    key_function: Callable[[dict], tuple] | None = None

    def key(self, item: dict) -> tuple:
        if self.key_function is not None:
            return self.key_function(item)
        return tuple(_hashable(item.get(n)) for n in self.fields)


def _hashable(value):
    if isinstance(value, dict | list):
        return json.dumps(value, sort_keys=True, ensure_ascii=False)
    return value


def _text(*names: str) -> Callable[[dict, Names], str]:
    def label(item: dict, _names: Names) -> str:
        for n in names:
            if isinstance(item.get(n), str | int) and str(item[n]).strip():
                return _short(str(item[n]))
        return ""

    return label


def _line_label(item: dict, names: Names) -> str:
    funder = names.signatory(item.get("financeur"))
    if item.get("programme"):
        funder += f" ({item['programme']})"
    parts = [str(item.get("annee", "")), funder, str(item.get("dispositif") or "")]
    if item.get("qpv"):
        parts.append(names.quartier(item["qpv"]))
    if item.get("type") and item.get("type") != "specifique":
        parts.append(
            (_node(("financements", "lignes", "*", "type")) or _Node({}, frozenset()))
            .schema.get("x-libelles", {})
            .get(item["type"], str(item["type"]))
        )
    return " · ".join(p for p in parts if p)


def _total_label(item: dict, names: Names) -> str:
    if item.get("libelle"):
        return _short(item["libelle"])
    types = (_node(("financements", "lignes", "*", "type")) or _Node({}, frozenset())).schema
    parts = [
        str(item["annee"]) if item.get("annee") else "",
        names.signatory(item.get("financeur")) if item.get("financeur") else "",
        types.get("x-libelles", {}).get(item.get("type"), ""),
    ]
    return "Total " + " · ".join(p for p in parts if p)


def _tfpb_action_label(item: dict, names: Names) -> str:
    axes = (_node(("tfpb", "*", "actions", "*", "axe")) or _Node({}, frozenset())).schema.get(
        "x-libelles", {}
    )
    axe = axes.get(item.get("axe"), str(item.get("axe") or ""))
    return " · ".join(p for p in (axe, _short(item.get("libelle") or "")) if p)


def _first_key(item: dict) -> tuple:
    for n in ("id", "code", "nom", "titre", "libelle", "intitule"):
        if isinstance(item.get(n), str | int):
            return (n, item[n])
    return ("#", hashlib.sha256(json.dumps(item, sort_keys=True).encode()).hexdigest())


def _indicator_key(item: dict) -> tuple:
    return ("id", item["id"]) if item.get("id") else ("libelle", item.get("libelle"))


_DEFAULT_LABEL = _text("nom", "titre", "intitule", "libelle", "code", "id")

SPECS: dict[tuple[str, ...], ListSpec] = {
    ("signataires",): ListSpec(
        ("id",), lambda i, n: _no_article(i.get("nom") or "") or str(i.get("id"))
    ),
    ("orientations",): ListSpec(("id",), _text("titre", "id")),
    ("priorites_transversales",): ListSpec(("id",), _text("titre", "id")),
    ("investissements",): ListSpec(("id",), _text("intitule", "id")),
    ("territoire", "qpv"): ListSpec(("code",), lambda i, n: n.quartier(i.get("code"))),
    ("territoire", "communes"): ListSpec(("insee",), _text("nom", "insee")),
    ("territoire", "territoires_vigilance"): ListSpec(("nom",), _text("nom"), False),
    ("territoire", "strategies"): ListSpec(("nom",), _text("nom"), False),
    ("diagnostic", "indicateurs"): ListSpec(("libelle",), _text("libelle"), False),
    ("concertation", "formats"): ListSpec(
        ("type", "date"),
        lambda i, n: " · ".join(
            p
            for p in (
                str(i.get("type") or ""),
                format_value(i.get("date"), ("concertation", "formats", "*", "date"), n),
            )
            if p
        ),
        False,
    ),
    ("orientations", "*", "objectifs"): ListSpec(("libelle",), _text("libelle"), False),
    ("quartiers",): ListSpec(("qpv",), lambda i, n: n.quartier(i.get("qpv"))),
    ("quartiers", "*", "actions"): ListSpec(("libelle",), _text("libelle"), False),
    ("investissements", "*", "plan_financement"): ListSpec(
        ("financeur", "dispositif"),
        lambda i, n: " · ".join(
            p for p in (n.signatory(i.get("financeur")), str(i.get("dispositif") or "")) if p
        ),
    ),
    ("engagements",): ListSpec(("signataire",), lambda i, n: n.signatory(i.get("signataire"))),
    ("engagements", "*", "objectifs"): ListSpec(("libelle",), _text("libelle"), False),
    ("financements", "lignes"): ListSpec(
        ("annee", "financeur", "dispositif", "programme", "type", "orientation", "qpv"),
        _line_label,
    ),
    ("partenaires",): ListSpec(
        ("id",), lambda i, n: _no_article(i.get("nom") or "") or str(i.get("id"))
    ),
    ("financements", "operations"): ListSpec(("id",), _text("intitule", "id")),
    # a funder is recognised by who funds and through which scheme, not by the form: a line that
    # only swaps its form (subvention → valorisation) is one change, not a removal and an addition
    ("financements", "operations", "*", "financeurs"): ListSpec(
        ("financeur", "dispositif"),
        lambda i, n: " · ".join(
            p for p in (n.signatory(i.get("financeur")), str(i.get("dispositif") or "")) if p
        ),
    ),
    ("financements", "operations", "*", "financeurs", "*", "annees"): ListSpec(
        ("annee",), _text("annee")
    ),
    ("financements", "operations", "*", "repartition"): ListSpec(
        ("qpv",),
        lambda i, n: n.quartier(i["qpv"]) if i.get("qpv") else "intercommunal",
        value="part",
    ),
    ("financements", "operations", "*", "quantites"): ListSpec(
        ("unite",), _text("unite"), value="valeur"
    ),
    ("financements", "totaux"): ListSpec(
        ("libelle", "annee", "financeur", "type"),
        _total_label,
        False,
    ),
    ("gouvernance", "instances"): ListSpec(("nom",), _text("nom"), False),
    ("gouvernance", "equipe_projet"): ListSpec(
        ("fonction", "nom"),
        lambda i, n: " · ".join(str(i[k]) for k in ("fonction", "nom") if i.get(k)),
        False,
    ),
    ("participation", "conseils_citoyens"): ListSpec(
        ("nom",),
        lambda i, n: i.get("nom") or ", ".join(n.quartier(q) for q in i.get("qpv") or []),
        False,
    ),
    ("participation", "autres_formats"): ListSpec(("nom",), _text("nom"), False),
    ("evaluation", "indicateurs"): ListSpec(
        ("id", "libelle"), _text("libelle", "id"), False, key_function=_indicator_key
    ),
    ("tfpb",): ListSpec(("bailleur",), lambda i, n: n.signatory(i.get("bailleur"))),
    ("tfpb", "*", "patrimoine"): ListSpec(
        ("qpv",), lambda i, n: n.quartier(i.get("qpv")), value="logements"
    ),
    ("tfpb", "*", "abattement_estime"): ListSpec(("annee",), _text("annee"), value="montant"),
    ("tfpb", "*", "actions"): ListSpec(
        ("axe", "libelle"),
        _tfpb_action_label,
        False,
    ),
    ("tfpb", "*", "actions", "*", "couts"): ListSpec(("annee",), _text("annee"), value="montant"),
    ("annexes",): ListSpec(("titre",), _text("titre"), False),
}
DEFAULT_SPEC = ListSpec((), _DEFAULT_LABEL, False, key_function=_first_key)


def _keyed(items: list, spec: ListSpec) -> list[tuple[tuple, Any]]:
    """(identity, item) for each item; repeated identities get their occurrence number."""
    seen: dict[tuple, int] = {}
    out = []
    for item in items:
        base = spec.key(item) if isinstance(item, dict) else ("=", _hashable(item))
        seen[base] = seen.get(base, 0) + 1
        out.append((base + (seen[base],), item))
    return out


def _id(key: tuple) -> str:
    """An item's identity as a path element: « 2025/etat/Cité éducative », « caf »."""
    parts = [str(p) for p in key[:-1] if p is not None and p != ""]
    text = "/".join(parts) or "?"
    return text if key[-1] == 1 else f"{text}#{key[-1]}"


def _canonical(value) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False)
