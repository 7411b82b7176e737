"""How values are written: an amount is never silently reinterpreted, a QPV code in lower case
is read as the code it names.

YAML reads `150.000` (a French way to write 150 000) as 150 and `0150000` as an octal number;
the schema alone cannot see it, since it only sees the value. Every field the schema types as an
amount (`x-montant` in `$defs/montant`, wherever it is used) is checked here on the text the
pilot wrote, kept by the loader.
"""

from __future__ import annotations

import re

from generator.description.problems import ERREUR, Problem

_PLAIN_AMOUNT = re.compile(r"-?[0-9]+(\.[0-9]{1,2})?")
_THOUSANDS_WITH_DOTS = re.compile(r"[0-9]{1,3}(\.[0-9]{3})+")


def is_amount_field(path) -> bool:
    from generator.description.schema import subschema

    node = subschema(path)
    return bool(node and node.get("x-montant"))


def amount_form_problems(desc) -> list[Problem]:
    """Amounts whose written form YAML would misread (`150.000`, `150000.505`, `0150000`)."""
    out: list[Problem] = []
    for path, raw in desc.raw.items():
        text = raw.strip()
        if _PLAIN_AMOUNT.fullmatch(text) and not (
            len(text) > 1 and text[0] == "0" and "." not in text
        ):
            continue
        if not is_amount_field(path):
            continue
        out.append(desc.problem(ERREUR, path, amount_message(text)))
    return out


def amount_message(text: str) -> str:
    if _THOUSANDS_WITH_DOTS.fullmatch(text):
        whole = text.replace(".", "")
        return (
            f"montant « {text} » ambigu : YAML le lit {_spaced(text.split('.')[0])} € (le point "
            f"y sépare les centimes) ; pour "
            f"{_spaced(whole)} €, écrivez {whole}, sans point ni espace ; pour des centimes, "
            "deux chiffres au plus après le point (exemple : 1250.50)"
        )
    if re.fullmatch(r"[0-9]+\.[0-9]{3,}", text):
        whole, cents = text.split(".")
        return (
            f"montant « {text} » : plus de deux chiffres après le point ; un montant s'écrit au "
            f"centime près (exemple : {whole}.{cents[:2]}) : corrigez-le, il ne sera pas arrondi"
        )
    if re.fullmatch(r"0[0-9]+", text):
        return (
            f"montant « {text} » : un nombre qui commence par 0 serait lu en octal par YAML "
            f"({text} ne vaudrait pas {text.lstrip('0') or '0'}) ; écrivez {text.lstrip('0') or '0'}"
        )
    return (
        f"montant « {text} » : écrivez-le en chiffres, sans espace ni séparateur, avec un point "
        "et au plus deux chiffres pour les centimes (exemple : 150000.50)"
    )


def _spaced(digits: str) -> str:
    return f"{int(digits):,}".replace(",", "\u202f")


_LOOSE_QPV = re.compile(r"\s*qn[0-9a-z]{6}\s*", re.IGNORECASE)


def normalise_qpv_codes(desc) -> None:
    """`qn06009i` is read as QN06009I wherever the schema expects a QPV code (as `cdv init
    --qpv qn06009i` does), in values and in the keys of per-QPV tables."""
    from generator.description.schema import load_schema, subschema

    pattern = load_schema()["$defs"]["code_qpv"]["pattern"]

    def fixed(text: str) -> str | None:
        upper = text.strip().upper()
        return upper if upper != text and re.fullmatch(pattern, upper) else None

    stack: list[tuple[tuple, object]] = [((), desc.data)]
    while stack:
        path, node = stack.pop()
        if isinstance(node, dict):
            for key in list(node):
                value = node[key]
                if isinstance(key, str) and _LOOSE_QPV.fullmatch(key) and fixed(key):
                    parent = subschema(path) or {}
                    if "propertyNames" in parent and fixed(key) not in node:
                        node[fixed(key)] = node.pop(key)
                        _move(desc, path + (key,), path + (fixed(key),))
                        key = fixed(key)
                if isinstance(value, str):
                    _fix_value(desc, node, key, path + (key,), fixed, pattern)
                else:
                    stack.append((path + (key,), value))
        elif isinstance(node, list):
            for index, value in enumerate(node):
                if isinstance(value, str):
                    _fix_value(desc, node, index, path + (index,), fixed, pattern)
                else:
                    stack.append((path + (index,), value))


def _fix_value(desc, node, key, path, fixed, pattern) -> None:
    value = node[key]
    if not _LOOSE_QPV.fullmatch(value) or not fixed(value):
        return
    from generator.description.schema import subschema

    if (subschema(path) or {}).get("pattern") == pattern:
        node[key] = fixed(value)


def _move(desc, old, new) -> None:
    for store in (desc.locations, desc.key_locations, desc.raw):
        for path in [p for p in store if p[: len(old)] == old]:
            store[new + path[len(old) :]] = store.pop(path)
