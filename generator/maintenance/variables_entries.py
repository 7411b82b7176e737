"""The lines of the reference: every path of the context, depth first, an object met again
being a pointer (« voir … ») to where it was first met."""

from __future__ import annotations

from dataclasses import dataclass

from generator.maintenance.variables_paths import ANY_KEY, ITEM, CtxPath, is_map, norm_key


def canonical_paths(context: dict) -> dict[int, CtxPath]:
    """id of each dict or list of the context -> the shortest path that reaches it."""
    seen: dict[int, CtxPath] = {}
    queue: list[tuple[object, CtxPath]] = [(context, ())]
    while queue:
        following = []
        for value, path in queue:
            if isinstance(value, dict | list):
                if id(value) in seen:
                    continue
                seen[id(value)] = path
            if isinstance(value, dict):
                following.extend((v, path + (norm_key(k),)) for k, v in value.items())
            elif isinstance(value, list):
                following.extend((v, path + (ITEM,)) for v in value)
        queue = following
    return seen


@dataclass
class Entry:
    """One line of the reference: a context path and what it holds."""

    path: CtxPath
    values: list
    alias_of: CtxPath | None = None


# Objects the reference shows as « voir … » rather than field by field.
ALIASES: dict[CtxPath, CtxPath] = {("territoire", "qpv", ITEM, "projet"): ("quartiers", ITEM)}


def entries(context: dict) -> list[Entry]:
    """Every path of the context, depth first; an object met again is a pointer to the first."""
    canon = canonical_paths(context)
    out: list[Entry] = []

    def visit(values: list, path: CtxPath) -> None:
        known = [v for v in values if v is not None]
        if path in ALIASES:
            out.append(Entry(path, known, alias_of=ALIASES[path]))
            return
        containers = [v for v in known if isinstance(v, dict | list)]
        if containers and path:
            first = canon.get(id(containers[0]))
            if first is not None and first != path:
                out.append(Entry(path, known, alias_of=first))
                return
        if path:
            out.append(Entry(path, known))
        dicts = [v for v in known if isinstance(v, dict)]
        lists = [v for v in known if isinstance(v, list)]
        if dicts and any(is_map(d) for d in dicts):
            visit([x for d in dicts for x in d.values()], path + (ANY_KEY,))
        elif dicts:
            keys = list(dict.fromkeys(k for d in dicts for k in d if not str(k).startswith("_")))
            for key in keys:
                visit([d[key] for d in dicts if key in d], path + (key,))
        elif lists:
            items = [x for v in lists for x in v]
            if any(isinstance(x, dict | list) for x in items):
                visit(items, path + (ITEM,))

    visit([context], ())
    return out
