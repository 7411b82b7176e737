"""What `cdv migrer` changes in one file, said once for the two ways of writing it.

`migrate._render_files` lists the changes of each file (a `Change` of a value, an `Addition` of a
top-level key); `migrate_text` writes them into the text itself (fast, most files) and
`migrate_ruamel` through ruamel.yaml's round trip (every file the text way is not sure of).
"""

from __future__ import annotations

from dataclasses import dataclass

PARTNERS_COMMENT = (
    "\nFinanceurs qui ne signent pas le contrat, ajoutés par « cdv migrer » à partir des plans\n"
    "de financement : vérifiez leur nom et leur catégorie (type)."
)
OPERATIONS_MARK = "Registre des opérations"
OPERATIONS_COMMENT = (
    f"{OPERATIONS_MARK} (format 2) : une opération par action ou dispositif, avec ses\n"
    "financeurs et leurs montants par année ; les projets d'investissement et les fiches\n"
    "d'engagement y renvoient par son identifiant. Converti par « cdv migrer » : vérifiez les\n"
    "répartitions entre QPV et les modes d'attribution."
)


@dataclass(frozen=True)
class Change:
    """The value of top-level `key` (None: the whole file) reads `new` instead of `old`; only
    what differs is rewritten (a `new` of None removes the key)."""

    key: str | None
    old: object
    new: object


@dataclass(frozen=True)
class Addition:
    """A new top-level key, after `after` (or at the end), with a comment above it."""

    key: str
    value: object
    after: str | None = None
    comment: str | None = None


def expected_value(value: object, changes: list) -> object:
    """What a file that read `value` reads once `changes` are made."""
    for change in changes:
        if isinstance(change, Change) and change.key is None:
            value = change.new
            continue
        value = dict(value)  # type: ignore[arg-type]
        if isinstance(change, Addition):
            value[change.key] = change.value
        elif change.new is None:
            value.pop(change.key, None)
        else:
            value[change.key] = change.new
    return value


def guess_indent(text: str) -> tuple[int | None, int | None]:
    """(sequence indent, dash offset) as ruamel.yaml.util.load_yaml_guess_indent guesses them,
    from the text alone (that function also loads the whole file, which costs as much as the
    migration's own load)."""
    map_indent = indent = offset = None
    previous_key = None
    key_indent = 0
    for line in text.splitlines():
        rline = line.rstrip()
        lline = rline.lstrip()
        if lline.startswith("- "):
            spaces = len(line) - len(line.lstrip(" "))
            offset = spaces - key_indent
            idx = spaces + 1
            while line[idx] == " ":
                idx += 1
            if line[idx] == "#":
                continue
            indent = idx - key_indent
            break
        if map_indent is None and previous_key is not None and rline:
            idx = 0
            while line[idx] in " -":
                idx += 1
            if idx > previous_key:
                map_indent = idx - previous_key
        if rline.endswith(":"):
            key_indent = len(line) - len(line.lstrip(" "))
            previous_key = key_indent
            continue
        previous_key = None
    if indent is None and map_indent is not None:
        indent = map_indent
    return indent, offset
