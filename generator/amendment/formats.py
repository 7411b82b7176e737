"""The one adapter between this stage and the description format (and, later, the ledger).

A signed snapshot may be in an older description format than the current files: both sides
are brought to the current shape before they are compared. Until the ledger (format 2) lands,
format 1 is the only shape; this is the function to switch to `generator.ledger.migrate` then.
"""

from __future__ import annotations

CURRENT_FORMAT = 1


class FormatError(Exception):
    """Two versions that cannot be brought to one format (French message)."""


def to_current(data: dict, what: str) -> dict:
    version = data.get("format", 1)
    if version == CURRENT_FORMAT:
        return data
    raise FormatError(
        f"{what} est au format {version}, que cette version de l'outil ne sait pas lire "
        f"(format actuel : {CURRENT_FORMAT}) : mettez l'outil à jour"
    )
