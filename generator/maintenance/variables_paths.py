"""Paths in the context of a template: tuples of keys, `[]` for « every element of a list »,
`*` for « every key of a table keyed by codes » (QPV, INSEE), and how they read."""

from __future__ import annotations

import re

ITEM = "[]"
ANY_KEY = "*"
CtxPath = tuple[str, ...]

_QPV_RE = re.compile(r"^QN(0[0-9][0-9]|02[AB]|9[0-9]{2})[0-9]{2}[NMIC]$")
_INSEE_RE = re.compile(r"^([0-9]{5}|2[AB][0-9]{3})$")


def is_map(value) -> bool:
    """A dict keyed by codes (QPV, INSEE) rather than by field names."""
    return (
        isinstance(value, dict)
        and bool(value)
        and all(isinstance(k, str) and (_QPV_RE.match(k) or _INSEE_RE.match(k)) for k in value)
    )


def norm_key(key) -> str:
    if isinstance(key, str) and (_QPV_RE.match(key) or _INSEE_RE.match(key)):
        return ANY_KEY
    return str(key)


def path_text(path: CtxPath) -> str:
    """`territoire.qpv[].libelle`."""
    out = ""
    for part in path:
        if part == ITEM:
            out += "[]"
        elif part == ANY_KEY:
            out += "[code]"
        else:
            out += f".{part}" if out else part
    return out
