"""The one adapter between this stage and the description format.

A signed snapshot may be in an older description format than the current files (a contract
signed in 2024 in format 1, revised in 2027 in format 2): both sides are brought to the current
shape with the ledger's conversion (`generator.ledger.convert`, the same as `cdv migrer`) before
they are compared, so that a migration alone is never reported as a change of the contract.
"""

from __future__ import annotations

from generator.ledger.convert import FORMAT_VERSION, convert_format_1

CURRENT_FORMAT = FORMAT_VERSION


class FormatError(Exception):
    """Two versions that cannot be brought to one format (French message)."""


def to_current(data: dict, what: str) -> dict:
    version = data.get("format", 1)
    if version == CURRENT_FORMAT:
        return data
    if version == 1:
        return convert_format_1(data).data
    raise FormatError(
        f"{what} est au format {version}, que cette version de l'outil ne sait pas lire "
        f"(format actuel : {CURRENT_FORMAT}) : mettez l'outil à jour"
    )


def as_description(data: dict, name: str, what: str):
    """A stand-in for a loaded `Description` of `data` (converted like `load_territory` does),
    enough for `generator.documents.build.render_documents`."""
    from types import SimpleNamespace

    current = to_current(data, what)
    converted = current is not data
    return SimpleNamespace(
        data=current,
        name=name,
        source_data=data if converted else None,
        format1_line_operations=convert_format_1(data).line_operations if converted else None,
    )
