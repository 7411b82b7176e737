"""Which description fields feed which context values, found by perturbing each field of the
synthetic description in turn and comparing the rebuilt context."""

from __future__ import annotations

import copy
import datetime as dt
import re
from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache

from generator.description.schema import load_schema, resolve
from generator.maintenance.variables_paths import ITEM, CtxPath, norm_key
from generator.maintenance.variables_sample import (
    _context_of,
    sample_context,
    synthetic_description,
)
from generator.maintenance.variables_schema import _ref_name, schema_fields


def _concrete(path: CtxPath) -> list:
    return [0 if part == ITEM else part for part in path]


def _get(data, path: list):
    for part in path:
        data = data[part]
    return data


def _perturbed(value, raw_node: dict):
    node = resolve(raw_node)
    if "enum" in node:
        values = node["enum"]
        return values[(values.index(value) + 1) % len(values)] if value in values else values[0]
    if isinstance(value, bool):
        return not value
    if isinstance(value, int):
        return value + 1
    if isinstance(value, float):
        return value + 1.25
    if isinstance(value, str):
        if _ref_name(raw_node) == "date" or re.match(r"^\d{4}-\d{2}-\d{2}$", value):
            return (dt.date.fromisoformat(value) + dt.timedelta(days=40)).isoformat()
        return value + " (modifié)"
    if isinstance(value, list):
        return value[:1] * 2 if value else ["(ajouté)"]
    if isinstance(value, dict):
        return {k: (v + 1 if isinstance(v, int | float) else v) for k, v in value.items()}
    return value


def _raw_node(path: CtxPath) -> dict:
    node = load_schema()
    for part in path:
        resolved = resolve(node)
        node = resolved["items"] if part == ITEM else resolved["properties"][part]
    return node


def diff_paths(old, new, path: CtxPath = (), _stack: frozenset = frozenset()) -> set[CtxPath]:
    """Context paths (normalised) whose values differ between two contexts.

    The context has cycles (a signatory knows its commitment sheet, which knows its
    signatory): an object already on the way down is not entered again.
    """
    out: set[CtxPath] = set()
    if isinstance(old, dict | list):
        if id(old) in _stack:
            return out
        _stack = _stack | {id(old)}
    if isinstance(old, dict) and isinstance(new, dict):
        for key in old.keys() | new.keys():
            sub = path + (norm_key(key),)
            if key not in old or key not in new:
                out.add(sub)
            else:
                out |= diff_paths(old[key], new[key], sub, _stack)
    elif isinstance(old, list) and isinstance(new, list):
        if len(old) != len(new):
            out.add(path)
        for a, b in zip(old, new, strict=False):
            out |= diff_paths(a, b, path + (ITEM,), _stack)
    elif not _same(old, new):
        out.add(path)
    return out


def _copies(old, new, before, after, path: CtxPath = (), _stack: frozenset = frozenset()):
    """Context paths whose value went from `before` to `after` (a copy of the field)."""
    out: set[CtxPath] = set()
    if isinstance(old, dict | list):
        if id(old) in _stack:
            return out
        _stack = _stack | {id(old)}
    if isinstance(old, dict) and isinstance(new, dict):
        for key in old.keys() & new.keys():
            out |= _copies(old[key], new[key], before, after, path + (norm_key(key),), _stack)
    elif isinstance(old, list) and isinstance(new, list):
        for a, b in zip(old, new, strict=False):
            out |= _copies(a, b, before, after, path + (ITEM,), _stack)
    elif _same(old, before) and _same(new, after):
        out.add(path)
    return out


def _same(a, b) -> bool:
    if isinstance(a, bool) or isinstance(b, bool):
        return a is b
    if isinstance(a, Decimal | int | float) and isinstance(b, Decimal | int | float):
        return Decimal(str(a)) == Decimal(str(b))
    return type(a) is type(b) and a == b


@dataclass
class Dependencies:
    """For each schema leaf field: the context paths that change with it, and its copies."""

    changed: dict[CtxPath, set[CtxPath]] = field(default_factory=dict)
    copies: dict[CtxPath, set[CtxPath]] = field(default_factory=dict)
    failed: set[CtxPath] = field(default_factory=set)


@lru_cache(maxsize=1)
def dependencies() -> Dependencies:
    base_data = synthetic_description()
    base = sample_context()
    deps = Dependencies()
    for info in schema_fields():
        if not info.leaf or info.const:
            continue
        data = copy.deepcopy(base_data)
        concrete = _concrete(info.path)
        parent = _get(data, concrete[:-1])
        before = parent[concrete[-1]]
        raw = _raw_node(info.path)
        after = _perturbed(before, raw)
        parent[concrete[-1]] = after
        try:
            context = _context_of(data)
        except Exception:  # noqa: BLE001 - a perturbation the context cannot take
            deps.failed.add(info.path)
            continue
        deps.changed[info.path] = diff_paths(base, context)
        if not isinstance(before, list | dict):
            deps.copies[info.path] = _copies(base, context, before, after)
    return deps
