"""Helpers shared by the business rules: defensive readers of the merged tree, amounts and
hints for messages. Private to the `rules*` modules of this package.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Iterator
from decimal import Decimal, localcontext

from generator.description.load import Description
from generator.description.problems import Path_, Problem

Rule = Callable[[Description], list[Problem]]


def _list(value) -> list:
    return value if isinstance(value, list) else []


def _dict(value) -> dict:
    return value if isinstance(value, dict) else {}


def _items(desc: Description, *keys: str) -> Iterator[tuple[Path_, dict]]:
    """(path, item) for each mapping in the list found at `keys`."""
    node = desc.data
    for key in keys[:-1]:
        node = _dict(node).get(key)
    for index, item in enumerate(_list(_dict(node).get(keys[-1]))):
        if isinstance(item, dict):
            yield tuple(keys) + (index,), item


def _str(value) -> str | None:
    return value if isinstance(value, str) and value else None


def _num(value) -> Decimal | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return Decimal(str(value))


def _euros(value: Decimal) -> str:
    """Amount for a message: `1 234 567 €` (plain formatting, no dependency)."""
    with localcontext() as ctx:  # enough digits for any amount YAML can hold (1e308)
        ctx.prec = max(ctx.prec, value.adjusted() + 4)
        value = value.quantize(Decimal("0.01"))
        whole, cents = divmod(abs(value), 1)
    text = f"{int(whole):,}".replace(",", "\u202f")
    if cents:
        text += "," + f"{cents:.2f}"[2:]
    return ("-" if value < 0 else "") + text + "\u00a0€"


def _hint(word: str, choices) -> str:
    found = difflib.get_close_matches(word, sorted(choices), n=1, cutoff=0.6)
    return f" ; vouliez-vous dire « {found[0]} » ?" if found else ""


def _is_final(desc: Description) -> bool:
    return _dict(desc.data.get("contrat")).get("statut") == "final"


def territory_qpv(desc: Description) -> dict[str, Path_]:
    codes: dict[str, Path_] = {}
    for path, item in _items(desc, "territoire", "qpv"):
        code = _str(item.get("code"))
        if code and code not in codes:
            codes[code] = path + ("code",)
    return codes


def territory_insee(desc: Description) -> set[str]:
    return {
        item["insee"]
        for _, item in _items(desc, "territoire", "communes")
        if _str(item.get("insee"))
    }


def ids(desc: Description, *keys: str, field: str = "id") -> dict[str, Path_]:
    found: dict[str, Path_] = {}
    for path, item in _items(desc, *keys):
        value = _str(item.get(field))
        if value and value not in found:
            found[value] = path + (field,)
    return found


def _walk(node) -> list[tuple[Path_, object]]:
    """Every (path, value) of the tree, parents before children (iterative: no recursion cost)."""
    out: list[tuple[Path_, object]] = []
    stack: list[tuple[Path_, object]] = [((), node)]
    while stack:
        path, value = stack.pop()
        out.append((path, value))
        if isinstance(value, dict):
            stack.extend((path + (k,), v) for k, v in reversed(list(value.items())))
        elif isinstance(value, list):
            stack.extend((path + (i,), v) for i, v in reversed(list(enumerate(value))))
    return out


def _all_values(desc: Description) -> list[tuple[Path_, object]]:
    cached = desc.__dict__.get("_all_values")
    if cached is None:
        cached = desc.__dict__["_all_values"] = _walk(desc.data)
    return cached
