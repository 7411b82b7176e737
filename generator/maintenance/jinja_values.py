"""Abstract values of the Jinja analysis: what an expression may be in the sample context, and
the analysis' state (scopes, problems, context paths read) with reading a field of a value."""

from __future__ import annotations

import difflib

from generator.maintenance.variables import ANY_KEY, ITEM, CtxPath, is_map, norm_key, path_text

# --------------------------------------------------------------------------- abstract values


class Val:
    """What an expression may be: the sample values it can take and its context path.

    `values` are real values of the sample context (several for the elements of a list);
    `path` is the normalised context path, or None for values that are not in the context
    (literals, results of most filters): those are not checked further.
    """

    __slots__ = ("values", "path", "chain", "label", "method")

    def __init__(self, values, path, chain=(), label="", method=None):
        self.values = tuple(values)
        self.path = path
        self.chain = chain  # ids of the objects met on the way, to cut the context's cycles
        self.label = label  # how the template wrote it: « q », « territoire.qpv »
        self.method = method  # (base Val, name) for dict methods

    @property
    def known(self) -> list:
        return [v for v in self.values if v is not None]


ANY = Val((), None)


def _kind_fr(values) -> str:
    from decimal import Decimal

    sample = values[0]
    if isinstance(sample, bool):
        return "une valeur oui/non"
    if isinstance(sample, str):
        return "un texte"
    if isinstance(sample, int | float | Decimal):
        return "un nombre"
    if isinstance(sample, list | tuple):
        return "une liste"
    return "une valeur"


_LOOP_ATTRS = {
    "index",
    "index0",
    "revindex",
    "revindex0",
    "first",
    "last",
    "length",
    "cycle",
    "depth",
    "depth0",
    "previtem",
    "nextitem",
    "changed",
}
_DICT_METHODS = {"get", "items", "keys", "values"}


class ContextReader:
    """The state of one analysis and the reading of values: names, fields, items, map values."""

    def __init__(self, env, context: dict, for_each: str | None):
        self.env = env
        self.context = context
        self.for_each = for_each
        self.problems: list[tuple[int, str]] = []
        self.accessed: set[CtxPath] = set()
        self.terminal: set[CtxPath] = set()
        self.scopes: list[dict[str, Val]] = [{}]
        self.quiet = 0  # inside `is defined`: an unknown name is what is being tested

    # -- helpers
    def problem(self, node, message: str) -> None:
        if not self.quiet:
            self.problems.append((getattr(node, "lineno", 0) or 0, message))

    def lookup(self, name: str) -> Val | None:
        for scope in reversed(self.scopes):
            if name in scope:
                return scope[name]
        if name in self.context:
            value = self.context[name]
            return self._val((value,), (name,), (), name)
        return None

    def _val(self, values, path, chain, label) -> Val:
        ids = frozenset(id(v) for v in values if isinstance(v, dict | list))
        return Val(values, path, chain + ((ids, path),) if ids else chain, label)

    def read(self, val: Val, terminal: bool = False) -> None:
        if val.path is not None:
            self.accessed.add(val.path)
            if terminal:
                self.terminal.add(val.path)

    def child(self, val: Val, key: str, label: str) -> Val:
        values = []
        for v in val.known:
            if isinstance(v, dict) and key in v:
                values.append(v[key])
        path = val.path + (norm_key(key),) if val.path is not None else None
        ids = frozenset(id(v) for v in values if isinstance(v, dict | list))
        if ids and path is not None:
            for seen, seen_path in val.chain:
                if ids <= seen:  # back to an object met on the way: same data, shorter path
                    path = seen_path
                    break
        out = self._val(values, path, val.chain, label)
        self.read(out)
        return out

    def items_of(self, val: Val, label: str) -> Val:
        values = [e for v in val.known if isinstance(v, list | tuple) for e in v]
        path = val.path + (ITEM,) if val.path is not None else None
        return self._val(values, path, val.chain, label)

    def map_value(self, val: Val, label: str) -> Val:
        values = [x for v in val.known if isinstance(v, dict) for x in v.values()]
        path = val.path + (ANY_KEY,) if val.path is not None else None
        out = self._val(values, path, val.chain, label)
        self.read(out)
        return out

    # -- attribute access
    def attribute(self, node, base: Val, key: str) -> Val:
        label = f"{base.label}.{key}" if base.label else key
        if base.label == "loop" and base.path is None and base.values == ("loop",):
            if key not in _LOOP_ATTRS:
                self.problem(
                    node,
                    f"« loop.{key} » n'existe pas ; possibles : " + ", ".join(sorted(_LOOP_ATTRS)),
                )
            if key in ("previtem", "nextitem") and base.method is not None:
                return base.method
            return ANY
        known = base.known
        if not known:
            return ANY
        dicts = [v for v in known if isinstance(v, dict)]
        if dicts and len(dicts) == len(known):
            if any(key in d for d in dicts):
                return self.child(base, key, label)
            if any(is_map(d) for d in dicts):
                return self.map_value(base, label)
            if key in _DICT_METHODS:
                return Val((), None, label=label, method=(base, key))
            fields = sorted({k for d in dicts for k in d if not k.startswith("_")})
            self.problem(node, self._unknown_field(base, key, fields))
            return ANY
        sample = known[0]
        if isinstance(sample, list | tuple):
            self.problem(
                node,
                f"« {label} » : « {base.label} » est une liste, pas un objet ; parcourez-la avec "
                f"{{% for x in {base.label} %}} puis écrivez x.{key}",
            )
            return ANY
        if hasattr(type(sample), key) and not key.startswith("_"):
            return Val((), None, label=label)  # a method of str, int…: allowed by the sandbox
        self.problem(
            node,
            f"« {label} » : « {base.label} » est {_kind_fr(known)}, il n'a pas de champ « {key} »",
        )
        return ANY

    def _unknown_field(self, base: Val, key: str, fields: list[str]) -> str:
        guess = difflib.get_close_matches(key, fields, n=1, cutoff=0.6)
        what = base.label
        if base.path is not None and base.path and base.path[-1] == ITEM:
            origin = path_text(base.path[:-1])
            if origin != base.label:
                what = f"{base.label} (un élément de {origin})"
        message = f"champ inconnu « {base.label}.{key} » : « {what} » n'a pas de champ « {key} »"
        if guess:
            return message + f" ; vouliez-vous dire « {base.label}.{guess[0]} » ?"
        return message + " ; champs possibles : " + ", ".join(fields[:25])
