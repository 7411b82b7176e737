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
