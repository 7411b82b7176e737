"""What ruamel.yaml refuses when `cdv migrer` reads a file again to rewrite it in place.

ruamel.yaml (which keeps the pilot's comments) is stricter than the reader of `cdv valider`:
a tab before a comment, a `!!` tag whose value does not parse, a repeated key. The message is
the description reader's French one, located, and says that nothing was changed.
"""

from __future__ import annotations

from pathlib import Path


class MigrationError(Exception):
    """A migration that could not be done; nothing is left half-written."""


def ruamel_message(path: Path, exc: Exception, text: str) -> str:
    """French, located: what ruamel.yaml (which keeps the comments) refuses in a file that
    `cdv valider` reads; nothing has been written yet."""
    from generator.description.yaml_reader import syntax_problem

    advice = (
        " ; cdv migrer relit chaque fichier en gardant ses commentaires, et cette lecture "
        "refuse ce passage : corrigez-le (rien n'a été modifié), puis relancez"
    )
    if getattr(exc, "problem_mark", None) is not None or getattr(exc, "context_mark", None):
        problem = syntax_problem(str(path), exc, text)
        return f"{path}:{problem.line}:{problem.column}: {problem.message}{advice}"
    return (
        f"{path} : une valeur ne se relit pas (étiquette « !! » ou clé en double ?) : "
        "supprimez l'étiquette ou la clé répétée" + advice
    )
